#include "check_args.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "arg_walk.h"
#include "rule_args.h"

/* The options of `check` itself; the rule options come from rule_args. */
enum check_opt {
  OPT_WARN = SW_RULE_OPT_COUNT,
  OPT_CRIT,
  OPT_JSON,
  OPT_VERBOSE,
  OPT_HELP
};

static const struct sw_arg_opt check_opts[] = {
    {"warn-ms", 0, true, OPT_WARN}, {"crit-ms", 0, true, OPT_CRIT},
    {"json", 0, false, OPT_JSON},   {"verbose", 'v', false, OPT_VERBOSE},
    {"help", 'h', false, OPT_HELP}, {NULL, 0, false, 0},
};

/* A check never lasts longer than the longest timeout, so a threshold past
 * it could never be reached and is surely a unit mistake (seconds vs ms). */
#define THRESHOLD_MAX_MS SW_RULE_TIMEOUT_MAX_MS

/* One-shot checks may take the AUTH password from the environment. */
#define SW_RULE_ARGS_ENV_NOTE                                                            \
  ",\n                         or the environment variable\n"                            \
  "                         SMTPWATCH_AUTH_PASSWORD\n"

static const char usage[] =
    "Usage: smtpwatch check HOST [options]\n"
    "       smtpwatch check --domain DOMAIN [options]\n"
    "\n"
    "Connects to the SMTP server HOST, waits for its greeting, says EHLO, optionally\n"
    "sends one command, and says QUIT. Prints one status line in the Nagios plugin\n"
    "format and exits with 0 (OK), 1 (WARNING), 2 (CRITICAL) or 3 (UNKNOWN).\n"
    "\n"
    "HOST is a DNS name, an IPv4 address, or an IPv6 address (brackets optional).\n"
    "With --domain, every MX host of DOMAIN is checked on every address, at once.\n"
    "\n"
    "Options:\n"
    "  -p, --port N         TCP port (default 25)\n"
    "  -s, --send CMD       send one SMTP command after EHLO, such as \"NOOP\"\n"
    "  -e, --expect TEXT    the deciding reply (to the command, if one is sent) must\n"
    "                       contain TEXT\n"
    "  -t, --timeout-ms N   time allowed for the whole check, 100 to 300000 ms\n"
    "                       (default 7000)\n"
    "      --helo NAME      name to announce in EHLO: a fully qualified domain\n"
    "                       name, or an address literal such as [192.0.2.1]\n"
    "                       (default: this machine's name)\n"
    "      --warn-ms N      WARNING when the check takes N ms or longer\n"
    "      --crit-ms N      CRITICAL when the check takes N ms or longer\n"
    "                       (with --round-trip: when delivery takes that long)\n"
    "      --tls MODE       none (default), starttls (upgrade when the server offers\n"
    "                       it, else go on in plain text), require-starttls (not\n"
    "                       offered is CRITICAL) or implicit (TLS from the first\n"
    "                       byte; the default for port 465)\n"
    "      --insecure       do not validate the certificate's chain and host name\n"
    "                       (its expiry is still checked)\n"
    "      --cert-warn-days N  WARNING when the certificate expires in fewer than\n"
    "                       N days (default 21)\n"
    "      --cert-crit-days N  CRITICAL when it expires in fewer than N days\n"
    "                       (default 7)\n" SW_RULE_ARGS_USAGE_PAST_HANDSHAKE
        SW_RULE_ARGS_USAGE_DOMAIN
    "      --json           print the result as JSON instead of a status line\n"
    "  -v, --verbose        also print the SMTP transcript\n"
    "  -H, --host HOST      the same as the HOST argument\n"
    "  -h, --help           show this help\n"
    "\n"
    "Values follow their option as '--port 587' or '--port=587'.\n";

const char *sw_check_args_usage(void)
{
  return usage;
}

struct parser {
  struct sw_check_args *a;
  bool password_in_env;
  struct sw_rule_args rule;    /* the rule options, moved into a->rule at the end */
  struct sw_arg_errors errors; /* ours until the end: --help discards them */
};

static void set_threshold(struct parser *p, const char *opt, const char *value, int *out)
{
  uint64_t v;
  if (!sw_arg_number(value, &v))
    sw_arg_fail(&p->errors, "--%s: '%s' is not a number of milliseconds.", opt,
                sw_arg_quote(value).text);
  else if (v > THRESHOLD_MAX_MS)
    sw_arg_fail(&p->errors, "--%s: '%s' is out of range: use 0 to %u ms.", opt,
                sw_arg_quote(value).text, THRESHOLD_MAX_MS);
  else
    *out = (int)v;
}

/* sw_arg_walk's callback: a positional word is HOST. */
static void on_arg(void *ctx, const struct sw_arg_opt *o, const char *value)
{
  struct parser *p = ctx;
  struct sw_check_args *a = p->a;
  if (!o) {
    o = &sw_rule_args_options(false)[SW_RULE_OPT_HOST];
    assert(o->id == SW_RULE_OPT_HOST);
  }
  switch (o->id) {
  case OPT_WARN:
    set_threshold(p, o->long_name, value, &a->warn_ms);
    return;
  case OPT_CRIT:
    set_threshold(p, o->long_name, value, &a->crit_ms);
    return;
  case OPT_JSON:
    a->json = true;
    return;
  case OPT_VERBOSE:
    a->verbose = true;
    return;
  case OPT_HELP:
    a->help = true;
    return;
  default:
    sw_rule_args_apply(&p->rule, o, value, &p->errors);
    return;
  }
}

void sw_check_args_free(struct sw_check_args *args)
{
  sw_rule_free(&args->rule);
}

/* The words a user typed to set a field, for messages about it. */
static const char *field_option(enum sw_rule_field f)
{
  return f == SW_RULE_FIELD_HOST ? "HOST" : sw_rule_args_option_name(f);
}

static void check_whole(struct parser *p)
{
  struct sw_check_args *a = p->a;
  struct sw_rule *rule = &p->rule.rule;
  bool domain_given = rule->domain && *rule->domain;
  bool host_given =
      (p->rule.given & SW_RULE_FIELD_BIT(SW_RULE_FIELD_HOST)) && !domain_given;
  if (!host_given && !domain_given)
    sw_arg_fail(&p->errors, "HOST is missing: name the SMTP server to check, as in "
                            "'smtpwatch check mail.example.com' (or a mail domain: "
                            "--domain example.com).");
  if (a->warn_ms >= 0 && a->crit_ms >= 0 && a->warn_ms > a->crit_ms)
    sw_arg_fail(&p->errors, "--warn-ms (%d) must not be greater than --crit-ms (%d).",
                a->warn_ms, a->crit_ms);
  sw_rule_args_settle_tls(&p->rule, rule, &p->errors);
  /* A round trip's thresholds are its delivery time's (the rule's own, so
   * the validator holds them against --deliver-within-s). */
  if (rule->round_trip != SW_ROUND_TRIP_NONE) {
    rule->delivery_warn_ms = a->warn_ms >= 0 ? (uint32_t)a->warn_ms : 0;
    rule->delivery_crit_ms = a->crit_ms >= 0 ? (uint32_t)a->crit_ms : 0;
  }
  if (!rule->auth_password_set && p->password_in_env)
    rule->auth_password_set = true;
  enum sw_error err =
      sw_rule_set_string(&rule->name, domain_given ? rule->domain : rule->host);
  if (err)
    p->errors.nomem = err;
  struct sw_rule_problems problems;
  sw_rule_validate(rule, &problems);
  for (size_t k = 0; k < problems.count; k++) {
    const struct sw_rule_problem *pr = &problems.items[k];
    /* The name is only a copy of HOST here, and a missing HOST was reported
     * above in words that fit the command line. */
    if (pr->field == SW_RULE_FIELD_NAME ||
        (pr->field == SW_RULE_FIELD_HOST && !host_given && !domain_given))
      continue;
    const char *option = pr->field == SW_RULE_FIELD_DELIVERY_WARN_MS ? "--warn-ms"
                         : pr->field == SW_RULE_FIELD_DELIVERY_CRIT_MS
                             ? "--crit-ms"
                             : field_option(pr->field);
    sw_arg_fail(&p->errors, "%s: %s", option, pr->message);
  }
}

enum sw_error sw_check_args_parse(struct sw_check_args *args, int argc, char **argv,
                                  bool password_in_env, struct sw_buf *errors)
{
  memset(args, 0, sizeof *args);
  args->warn_ms = args->crit_ms = -1;

  struct parser p = {.a = args, .password_in_env = password_in_env};
  sw_rule_args_init(&p.rule);
  sw_arg_errors_init(&p.errors);
  const struct sw_arg_opt *const tables[] = {sw_rule_args_options(false), check_opts,
                                             NULL};
  sw_arg_walk(argc, argv, 1, tables, on_arg, &p, &p.errors);
  enum sw_error err;
  if (args->help) {
    err = p.errors.nomem;
  } else {
    check_whole(&p);
    err = sw_arg_errors_report(&p.errors, errors);
  }
  args->rule = p.rule.rule; /* moved: args owns the strings now */
  args->auth_password_file = p.rule.auth_password_file;
  args->oauth_client_secret_file = p.rule.oauth_client_secret_file;
  args->mailbox_password_file = p.rule.mailbox_password_file;
  sw_arg_errors_free(&p.errors);
  return err;
}
