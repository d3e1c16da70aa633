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
  X(SW_RULE_OPT_AUTH_USER, "auth-user", 0, true, AUTH_USER, false)                       \
  X(SW_RULE_OPT_AUTH_PASSWORD_FILE, "auth-password-file", 0, true, AUTH_PASSWORD, false) \
  X(SW_RULE_OPT_AUTH_MECH, "auth-mech", 0, true, AUTH_MECH, false)                       \
  X(SW_RULE_OPT_ALLOW_PLAINTEXT_AUTH, "allow-plaintext-auth", 0, false, AUTH_PLAINTEXT,  \
    false)                                                                               \
  X(SW_RULE_OPT_OAUTH_TOKEN_URL, "oauth-token-url", 0, true, OAUTH_TOKEN_URL, false)     \
  X(SW_RULE_OPT_OAUTH_CLIENT_ID, "oauth-client-id", 0, true, OAUTH_CLIENT_ID, false)     \
  X(SW_RULE_OPT_OAUTH_CLIENT_SECRET_FILE, "oauth-client-secret-file", 0, true,           \
    OAUTH_CLIENT_SECRET, false)                                                          \
  X(SW_RULE_OPT_OAUTH_SCOPE, "oauth-scope", 0, true, OAUTH_SCOPE, false)                 \
  X(SW_RULE_OPT_MAIL_FROM, "mail-from", 0, true, MAIL_FROM, false)                       \
  X(SW_RULE_OPT_RCPT_TO, "rcpt-to", 0, true, RCPT_TO, false)                             \
  X(SW_RULE_OPT_RELAY_TEST, "relay-test", 0, false, RELAY_TEST, false)                   \
  X(SW_RULE_OPT_RELAY_TEST_RCPT, "relay-test-rcpt", 0, true, RELAY_TEST_RCPT, false)     \
  X(SW_RULE_OPT_IP, "ip", 0, true, IP_FAMILY, false)                                     \
  X(SW_RULE_OPT_ALL_ADDRESSES, "all-addresses", 0, false, ALL_ADDRESSES, false)          \
  X(SW_RULE_OPT_CHECK_PTR, "check-ptr", 0, false, CHECK_PTR, false)                      \
  X(SW_RULE_OPT_NAME, "name", 0, true, NAME, true)                                       \
  X(SW_RULE_OPT_INTERVAL_S, "interval-s", 0, true, INTERVAL_S, true)                     \
  X(SW_RULE_OPT_ENABLED, "enabled", 0, false, ENABLED, true)                             \
  X(SW_RULE_OPT_DISABLED, "disabled", 0, false, ENABLED, true)                           \
  X(SW_RULE_OPT_VERIFY, "verify", 0, false, TLS_INSECURE, true) /* undoes --insecure */  \
  X(SW_RULE_OPT_NO_PLAINTEXT_AUTH, "no-plaintext-auth", 0, false, AUTH_PLAINTEXT, true)  \
  X(SW_RULE_OPT_NO_RELAY_TEST, "no-relay-test", 0, false, RELAY_TEST, true)              \
  X(SW_RULE_OPT_NO_ALL_ADDRESSES, "no-all-addresses", 0, false, ALL_ADDRESSES, true)     \
  X(SW_RULE_OPT_NO_CHECK_PTR, "no-check-ptr", 0, false, CHECK_PTR, true)                 \
  X(SW_RULE_OPT_NO_DRIFT, "no-drift", 0, false, DRIFT, true)                             \
  X(SW_RULE_OPT_DRIFT, "drift", 0, false, DRIFT, true) /* undoes --no-drift */           \
  /* The round trip (issue 17). Its thresholds are check's own --warn-ms */              \
  /* and --crit-ms there (cli/check_args.c), rule options here. */                       \
  X(SW_RULE_OPT_ROUND_TRIP, "round-trip", 0, true, ROUND_TRIP, false)                    \
  X(SW_RULE_OPT_MAILBOX_HOST, "mailbox-host", 0, true, MAILBOX_HOST, false)              \
  X(SW_RULE_OPT_MAILBOX_PORT, "mailbox-port", 0, true, MAILBOX_PORT, false)              \
  X(SW_RULE_OPT_MAILBOX_TLS, "mailbox-tls", 0, true, MAILBOX_TLS, false)                 \
  X(SW_RULE_OPT_MAILBOX_USER, "mailbox-user", 0, true, MAILBOX_USER, false)              \
  X(SW_RULE_OPT_MAILBOX_PASSWORD_FILE, "mailbox-password-file", 0, true,                 \
    MAILBOX_PASSWORD, false)                                                             \
  X(SW_RULE_OPT_FOLDER, "folder", 0, true, FOLDER, false)                                \
  X(SW_RULE_OPT_PROBE_TO, "probe-to", 0, true, PROBE_TO, false)                          \
  X(SW_RULE_OPT_PROBE_FROM, "probe-from", 0, true, PROBE_FROM, false)                    \
  X(SW_RULE_OPT_DELIVER_WITHIN_S, "deliver-within-s", 0, true, DELIVER_WITHIN_S, false)  \
  X(SW_RULE_OPT_WARN_MS, "warn-ms", 0, true, DELIVERY_WARN_MS, true)                     \
  X(SW_RULE_OPT_CRIT_MS, "crit-ms", 0, true, DELIVERY_CRIT_MS, true)                     \
  X(SW_RULE_OPT_DOMAIN, "domain", 0, true, DOMAIN, false)                                \
  X(SW_RULE_OPT_MIN_OK, "min-ok", 0, true, MIN_OK, false)                                \
  X(SW_RULE_OPT_NO_MTA_STS, "no-mta-sts", 0, false, MTA_STS, false)                      \
  X(SW_RULE_OPT_DANE, "dane", 0, false, DANE, false)                                     \
  X(SW_RULE_OPT_DNS_SERVER, "dns-server", 0, true, DNS_SERVER, false)                    \
  X(SW_RULE_OPT_MTA_STS, "mta-sts", 0, false, MTA_STS, true) /* undoes --no-mta-sts */   \
  X(SW_RULE_OPT_NO_DANE, "no-dane", 0, false, DANE, true)

/* The usage text of the options from --auth-user to --check-ptr, shared by
 * `smtpwatch check` and `smtpwatch rules`: lines ending in '\n'. */
#define SW_RULE_ARGS_USAGE_PAST_HANDSHAKE                                                \
  "      --auth-user USER   AUTH as USER (RFC 4954); the password comes from\n"          \
  "                         --auth-password-file F (its first "                          \
  "line)" SW_RULE_ARGS_ENV_NOTE                                                          \
  "      --auth-mech M      force PLAIN, LOGIN, CRAM-MD5 or XOAUTH2 (default: the\n"     \
  "                         best the server offers)\n"                                   \
  "      --allow-plaintext-auth  AUTH may go without TLS (else it is refused)\n"         \
  "      --oauth-token-url URL  XOAUTH2: the https:// token endpoint (client\n"          \
  "                         credentials); with --oauth-client-id ID,\n"                  \
  "                         --oauth-client-secret-file F and --oauth-scope S\n"          \
  "      --mail-from ADDR   send MAIL FROM:<ADDR> (<> for the null sender) ...\n"        \
  "      --rcpt-to A[,B]    ... and RCPT TO for each, then RSET: no mail is sent\n"      \
  "      --relay-test       an address the server must not relay for must be\n"          \
  "                         refused, else CRITICAL open_relay\n"                         \
  "      --relay-test-rcpt ADDR  that address (default\n"                                \
  "                         " SW_RULE_DEFAULT_RELAY_TEST_RCPT ")\n"                      \
  "      --ip any|4|6       which addresses of HOST may be used (default any)\n"         \
  "      --all-addresses    check every address of HOST; the worst decides\n"            \
  "      --check-ptr        the answering address's reverse name must resolve\n"         \
  "                         back to it and match the greeting (else "                    \
  "WARNING)\n" SW_RULE_ARGS_USAGE_ROUND_TRIP

/* The round trip's options (docs/round-trip.md), in both usages. */
#define SW_RULE_ARGS_USAGE_ROUND_TRIP                                                    \
  "      --round-trip imap|pop3  send a probe mail and wait for it in a mailbox\n"       \
  "      --mailbox-host HOST  the mailbox's IMAP or POP3 server\n"                       \
  "      --mailbox-port N   its port (default 993/143 IMAP, 995/110 POP3)\n"             \
  "      --mailbox-tls implicit|starttls|none  (default implicit)\n"                     \
  "      --mailbox-user U   the mailbox's user; its password comes from\n"               \
  "                         --mailbox-password-file F (its first line)\n"                \
  "      --folder NAME      IMAP folder (default INBOX)\n"                               \
  "      --probe-to ADDR    the mailbox's address; --probe-from ADDR its sender\n"       \
  "      --deliver-within-s N  not_delivered (CRITICAL) after N s (default 300)\n"

/* The usage text of the domain options (issue 18), shared like the above. */
#define SW_RULE_ARGS_USAGE_DOMAIN                                                        \
  "      --domain D         instead of HOST: every MX host of mail domain D on\n"        \
  "                         every address (A and AAAA), with STARTTLS and its\n"         \
  "                         certificate for the MX name; no MX: D's own address\n"       \
  "      --min-ok N|all     the domain is OK with at least N MX addresses OK (the\n"     \
  "                         others make it WARNING); default all: any fails it\n"        \
  "      --no-mta-sts       do not judge the MX hosts by D's MTA-STS policy\n"           \
  "      --dane             match each MX host's TLSA records (DANE)\n"                  \
  "      --dns-server ADDR[:PORT]  ask this DNS server for MX, TXT and TLSA\n"           \
  "                         (default: the system's DNS servers)\n"

enum sw_rule_opt {
  SW_RULE_OPT_MAP(SW_X_1) SW_RULE_OPT_COUNT /* a command's own option ids start here */
};

/* What the options said. */
struct sw_rule_args {
  struct sw_rule rule;    /* the rule defaults, with the values given */
  uint64_t given;         /* SW_RULE_FIELD_BIT(field) for each field given */
  const char *tls_option; /* "insecure", "cert-warn-days"...: the last option
                             given that only means something with TLS */
  /* The files that hold the secrets (borrowed from argv), read by the
   * command line, never here: their field counts as given and the rule's
   * *_set as true, so that the validator knows a secret comes. */
  const char *auth_password_file;
  const char *oauth_client_secret_file;
  const char *mailbox_password_file;
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
