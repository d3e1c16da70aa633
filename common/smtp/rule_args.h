/* The command-line options that describe a rule, read by one piece of code
 * for every command that takes them: `smtpwatch check` (the check
 * options), `rules add`, `rules edit` and `rules test` (those plus the
 * ones only a stored rule has: name, interval, enabled). The result is a
 * patch: the values given and which fields they are, so that `rules edit`
 * changes only what the user named. Portable and silent, like arg_walk. */
#ifndef SW_RULE_ARGS_H
#define SW_RULE_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "arg_walk.h"
#include "rule.h"
#include "sw_macros.h"

/* X(ENUM, long name, short name, takes a value, rule field, management
 * only). Short names are check's; the management-only options have none,
 * so that they never shadow a subcommand's own. */
#define SW_RULE_OPT_MAP(X)                                                               \
  X(SW_RULE_OPT_HOST, "host", 'H', true, HOST, false)                                    \
  X(SW_RULE_OPT_PORT, "port", 'p', true, PORT, false)                                    \
  X(SW_RULE_OPT_SEND, "send", 's', true, COMMAND, false)                                 \
  X(SW_RULE_OPT_EXPECT, "expect", 'e', true, EXPECT, false)                              \
  X(SW_RULE_OPT_TIMEOUT_MS, "timeout-ms", 't', true, TIMEOUT_MS, false)                  \
  X(SW_RULE_OPT_HELO, "helo", 0, true, EHLO_NAME, false)                                 \
  X(SW_RULE_OPT_TLS, "tls", 0, true, TLS_MODE, false)                                    \
  X(SW_RULE_OPT_INSECURE, "insecure", 0, false, TLS_INSECURE, false)                     \
  X(SW_RULE_OPT_CERT_WARN_DAYS, "cert-warn-days", 0, true, CERT_WARN_DAYS, false)        \
  X(SW_RULE_OPT_CERT_CRIT_DAYS, "cert-crit-days", 0, true, CERT_CRIT_DAYS, false)        \
  X(SW_RULE_OPT_NAME, "name", 0, true, NAME, true)                                       \
  X(SW_RULE_OPT_INTERVAL_S, "interval-s", 0, true, INTERVAL_S, true)                     \
  X(SW_RULE_OPT_ENABLED, "enabled", 0, false, ENABLED, true)                             \
  X(SW_RULE_OPT_DISABLED, "disabled", 0, false, ENABLED, true)                           \
  X(SW_RULE_OPT_VERIFY, "verify", 0, false, TLS_INSECURE, true) /* undoes --insecure */

enum sw_rule_opt {
  SW_RULE_OPT_MAP(SW_X_1) SW_RULE_OPT_COUNT /* a command's own option ids start here */
};

#define SW_RULE_FIELD_BIT(f) (1u << (f))

/* What the options said. */
struct sw_rule_args {
  struct sw_rule rule;    /* the rule defaults, with the values given */
  uint32_t given;         /* SW_RULE_FIELD_BIT(field) for each field given */
  const char *tls_option; /* "insecure", "cert-warn-days"...: the last option
                             given that only means something with TLS */
};

/* The option table (ends with a NULL long_name): the check options, or
 * with `manage` also --name, --interval-s, --enabled, --disabled and
 * --verify. The ids are enum sw_rule_opt. */
const struct sw_arg_opt *sw_rule_args_options(bool manage);

/* Starts with the rule defaults and nothing given. Free with
 * sw_rule_args_free. */
void sw_rule_args_init(struct sw_rule_args *a);
void sw_rule_args_free(struct sw_rule_args *a);

/* Applies one option from the table above (a positional HOST is applied as
 * the --host option). A value that is not even of the right kind ("--port
 * x") goes to `errors` with the option named; ranges are left to the rule
 * validator, except the port, which has no room for an out-of-range value.
 * Naming HOST twice is an error. */
void sw_rule_args_apply(struct sw_rule_args *a, const struct sw_arg_opt *opt,
                        const char *value, struct sw_arg_errors *errors);

/* The TLS consequences, judged on `rule`, the rule as it will be (the new
 * rule, or the stored one with the patch merged): a port set to 465
 * without --tls on a rule without TLS means implicit TLS (RFC 8314);
 * certificate options on a rule without TLS are an error. */
void sw_rule_args_settle_tls(const struct sw_rule_args *a, struct sw_rule *rule,
                             struct sw_arg_errors *errors);

/* Copies the fields given into `to`, leaving the others as they are.
 * SW_E_NOMEM if a string could not be copied (`to` is then partly
 * changed). */
enum sw_error sw_rule_args_merge(const struct sw_rule_args *a, struct sw_rule *to);

/* The option that sets `field`, as typed: "--port", "--send"; the field's
 * machine name if no option does. */
const char *sw_rule_args_option_name(enum sw_rule_field field);

#endif
