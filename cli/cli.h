/* The subcommands of smtpwatch.exe. Each takes its arguments, starting with
 * its own name, already converted to UTF-8, and returns the exit code. */
#ifndef SW_CLI_H
#define SW_CLI_H

/* Nagios plugin exit codes. */
enum sw_exit {
  SW_EXIT_OK = 0,
  SW_EXIT_WARNING = 1,
  SW_EXIT_CRITICAL = 2,
  SW_EXIT_UNKNOWN = 3
};

/* `smtpwatch check HOST [options]`: one check, Nagios conventions. argv[0]
 * is "check" itself. */
int sw_cli_check(int argc, char **argv);

/* `smtpwatch rules|status|history|events|service ...`: the commands that
 * talk to the running service (cli_pipe.c). argv[0] is the command word.
 * Exit codes are enum sw_manage_exit (manage_args.h): 0 done, 1 the service
 * refused, 2 could not talk to it, 3 bad arguments. */
int sw_cli_manage(int argc, char **argv);

/* `smtpwatch report [RULE...] --period ... [--json|--csv|--html FILE]`
 * (cli_report.c): exit codes as sw_cli_manage's. */
int sw_cli_report(int argc, char **argv);

#endif
