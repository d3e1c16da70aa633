/* The arguments of `smtpwatch check`, parsed into a rule and report options.
 * Portable and silent: the CLI prints what this returns and picks the exit
 * code (3, UNKNOWN, for bad arguments, as Nagios plugins do). */
#ifndef SW_CHECK_ARGS_H
#define SW_CHECK_ARGS_H

#include <stdbool.h>

#include "rule.h"
#include "sw_buf.h"
#include "sw_error.h"

struct sw_check_args {
  struct sw_rule rule; /* name = host; interval and enabled keep defaults */
  int warn_ms;         /* WARNING when the check (with --round-trip: the
                          delivery) takes this long; -1 unset */
  int crit_ms;         /* CRITICAL likewise; -1 unset */
  bool json;           /* print JSON instead of the Nagios status line */
  bool verbose;        /* also print the transcript */
  bool help;           /* --help was given: print the usage, nothing else */
  /* The files that hold the secrets (borrowed from argv), or NULL: the
   * command line reads them (rule.auth_password_set says a password
   * comes, from the file or from SMTPWATCH_AUTH_PASSWORD). */
  const char *auth_password_file;
  const char *oauth_client_secret_file;
  const char *mailbox_password_file; /* --round-trip's mailbox password */
};

/* Parses the words after "smtpwatch": argv[0] is the subcommand "check"
 * itself and is skipped, argv[1..argc-1] are HOST and the options, already
 * converted to UTF-8. Options are "--opt VALUE" or "--opt=VALUE" (short
 * forms "-p VALUE" or "-pVALUE"), may come before or after HOST, the last of
 * a repeated option wins, and "--" ends the options.
 *
 * Always initialises *args (free it with sw_check_args_free whatever this
 * returns). Returns SW_E_OK when the arguments make a valid check, or when
 * --help was given (args->help; nothing else is checked). Returns
 * `password_in_env`: SMTPWATCH_AUTH_PASSWORD is set, so --auth-user needs
 * no --auth-password-file. SW_E_INVALID_ARGUMENT after appending to `errors` one sentence
 * per problem, separated by '\n' with no final newline, each naming the argument at fault
 * ("--port: '70000' is not a port number (1-65535)."); all problems are
 * reported, not only the first. SW_E_NOMEM if memory ran out.
 *
 * Without --tls, port 465 means implicit TLS (RFC 8314). --insecure and
 * --cert-warn-days/--cert-crit-days are refused when TLS is off: a user who
 * wrote them believes the check looks at a certificate. */
enum sw_error sw_check_args_parse(struct sw_check_args *args, int argc, char **argv,
                                  bool password_in_env, struct sw_buf *errors);

/* Frees what args owns; it may be parsed into again. */
void sw_check_args_free(struct sw_check_args *args);

/* The usage text, several lines ending in '\n'; a static string. */
const char *sw_check_args_usage(void);

#endif
