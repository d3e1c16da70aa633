/* smtpwatch.exe: the command-line companion of the SMTP Watch service.
 * Converts the UTF-16 command line to UTF-8 and dispatches to a subcommand. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "console_out.h"
#include "manage_args.h"
#include "sw_macros.h"
#include "win_text.h"

static const char usage[] =
    "Usage: smtpwatch <command> [arguments]\n"
    "\n"
    "Commands:\n"
    "  check HOST [options]   check one SMTP server now (Nagios plugin conventions;\n"
    "                         'smtpwatch check --help' lists the options)\n"
    "  rules list|show|add|edit|delete|enable|disable|test|ack|unack|accept\n"
    "                         manage the rules of the running service\n"
    "  status                 the state of every rule\n"
    "  history RULE           the results of one rule, newest first\n"
    "  report [RULE...] --period 24h|7d|30d|FROM..UNTIL [--json|--csv|--html FILE]\n"
    "                         availability: uptime, outages, response times\n"
    "  events                 what the service reported, newest first\n"
    "  service info           the service's version, uptime and figures, the\n"
    "                         pipe's security and the process serving it\n"
    "  notifiers list|show|add|delete|test\n"
    "                         the targets notifications go to: e-mail, webhook,\n"
    "                         program, service restart\n"
    "  maintenance list|add|delete\n"
    "                         windows in which rules send no notifications\n"
    "  notifications          the outbox: sent, pending and failed notifications\n"
    "  version                print the version\n"
    "\n"
    "'smtpwatch <command> --help' describes a command. The commands that talk to\n"
    "the service print tables for people, or --json / --csv for scripts.\n"
    "\n"
    "Exit codes of check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
    "Exit codes of the other commands: 0 done, 1 the service refused (invalid\n"
    "rule, changed by someone else, no such rule, not allowed) or a notifier's\n"
    "test failed, 2 the service could not be reached (not running, no answer,\n"
    "too old for the request, or the pipe is served by a program that is\n"
    "not the SmtpWatch service: nothing was sent to it), 3 bad arguments.\n"
    "\n"
    "SMTPWATCH_TRUST_CONSOLE_SERVICE=1 lets these commands talk to a service run\n"
    "with --console, which the service control manager does not run. It trusts\n"
    "any program serving the pipe: for development only.\n";

/* UTF-16 argv -> UTF-8 argv, which the process keeps; NULL if memory ran
 * out. */
static char **utf8_argv(int argc, wchar_t **wargv)
{
  char **argv = calloc((size_t)argc + 1, sizeof *argv);
  for (int i = 0; argv && i < argc; i++)
    if (!(argv[i] = sw_utf8_dup(wargv[i])))
      return NULL;
  return argv;
}

static int help(int argc, char **argv)
{
  (void)argc, (void)argv;
  sw_console_puts(stdout, usage);
  return SW_EXIT_OK;
}

static int version(int argc, char **argv)
{
  (void)argc, (void)argv;
  sw_console_printf(stdout, "smtpwatch %s\n", SW_VERSION_TEXT);
  return SW_EXIT_OK;
}

/* The command words besides those that talk to the service
 * (sw_manage_is_command); each gets argv from its own word on. */
static const struct {
  const char *word;
  int (*run)(int argc, char **argv);
} commands[] = {
    {"check", sw_cli_check},   {"help", help},
    {"--help", help},          {"-h", help},
    {"version", version},      {"--version", version},
    {"report", sw_cli_report},
};

int wmain(int argc, wchar_t **wargv)
{
  char **argv = utf8_argv(argc, wargv);
  if (!argv) {
    sw_console_puts(stderr, "smtpwatch: out of memory\n");
    return SW_EXIT_UNKNOWN;
  }
  if (argc < 2) {
    sw_console_puts(stderr, usage);
    return SW_EXIT_UNKNOWN;
  }
  for (size_t i = 0; i < SW_COUNTOF(commands); i++)
    if (!strcmp(argv[1], commands[i].word))
      return commands[i].run(argc - 1, argv + 1);
  if (sw_manage_is_command(argv[1]))
    return sw_cli_manage(argc - 1, argv + 1);
  sw_console_printf(stderr, "smtpwatch: '%s' is not a command.\n\n%s", argv[1], usage);
  return SW_EXIT_UNKNOWN;
}
