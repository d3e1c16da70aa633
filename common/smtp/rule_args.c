#include "rule_args.h"

#include <string.h>

#include "sw_macros.h"

/* What each option sets, by enum sw_rule_opt. */
struct row {
  struct sw_arg_opt opt;
  enum sw_rule_field field;
  bool manage;
};

static const struct row rows[] = {
#define SW_RULE_OPT_ROW(e, long_name, short_name, value, field, manage)                  \
  {{long_name, short_name, value, e}, SW_RULE_FIELD_##field, manage},
    SW_RULE_OPT_MAP(SW_RULE_OPT_ROW)
#undef SW_RULE_OPT_ROW
};

#define ROW_COUNT SW_COUNTOF(rows)

/* The management table is every option; the check table leaves out the
 * management-only ones: the map's last column is the token true or false,
 * which picks one of these two macros. */
#define ONLY_CHECK_false(entry) entry,
#define ONLY_CHECK_true(entry)
#define SW_RULE_OPT_ENTRY(e, long_name, short_name, value)                               \
  {                                                                                      \
    long_name, short_name, value, e                                                      \
  }
#define SW_RULE_OPT_CHECK(e, long_name, short_name, value, field, manage)                \
  ONLY_CHECK_##manage(SW_RULE_OPT_ENTRY(e, long_name, short_name, value))
#define SW_RULE_OPT_MANAGE(e, long_name, short_name, value, field, manage)               \
  SW_RULE_OPT_ENTRY(e, long_name, short_name, value),

static const struct sw_arg_opt check_table[] = {
    SW_RULE_OPT_MAP(SW_RULE_OPT_CHECK){NULL, 0, false, 0},
};
static const struct sw_arg_opt manage_table[] = {
    SW_RULE_OPT_MAP(SW_RULE_OPT_MANAGE){NULL, 0, false, 0},
};

const struct sw_arg_opt *sw_rule_args_options(bool manage)
{
  return manage ? manage_table : check_table;
}

void sw_rule_args_init(struct sw_rule_args *a)
{
  memset(a, 0, sizeof *a);
  sw_rule_init_defaults(&a->rule);
}

void sw_rule_args_free(struct sw_rule_args *a)
{
  sw_rule_free(&a->rule);
  a->given = 0;
  a->tls_option = NULL;
}

static void set_string(char **slot, const char *value, struct sw_arg_errors *errors)
{
  enum sw_error err = sw_rule_set_string(slot, value);
  if (err)
    errors->nomem = err;
}

/* A number for a field whose range the validator judges: a number too big
 * for the member becomes the largest one, which the validator refuses in
 * its own words, instead of wrapping around into a valid value. */
static bool number_for_validator(const char *value, uint32_t *out)
{
  uint64_t v;
  if (!sw_arg_number(value, &v))
    return false;
  *out = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
  return true;
}

/* --cert-warn-days or --cert-crit-days (`name`) into `*days`. The range
 * is the validator's, as for the timeout; a number past the largest it
 * accepts is kept as one too many, so that its message names the limit. */
static bool set_cert_days(int *days, const char *name, const char *value,
                          struct sw_arg_errors *errors)
{
  uint32_t u;
  if (!number_for_validator(value, &u)) {
    sw_arg_fail(errors, "--%s: '%s' is not a number of days.", name,
                sw_arg_quote(value).text);
    return false;
  }
  *days = u > SW_RULE_CERT_DAYS_MAX ? SW_RULE_CERT_DAYS_MAX + 1 : (int)u;
  return true;
}

/* The HOST operand, which may be given once only. */
static bool set_host(struct sw_rule_args *a, const char *value,
                     struct sw_arg_errors *errors)
{
  struct sw_rule *r = &a->rule;
  if (a->given & SW_RULE_FIELD_BIT(SW_RULE_FIELD_HOST)) {
    sw_arg_fail(errors, "Only one HOST may be given, but '%s' follows '%s'.",
                sw_arg_quote(value).text, sw_arg_quote(r->host ? r->host : "").text);
    return false;
  }
  if (r->domain && *r->domain && *value) {
    sw_arg_fail(errors, "A check is of HOST or of --domain, not both ('%s' and '%s').",
                sw_arg_quote(value).text, sw_arg_quote(r->domain).text);
    return false;
  }
  set_string(&r->host, value, errors);
  if (*value) { /* a host rule again: `rules edit` forgets the domain */
    set_string(&r->domain, NULL, errors);
    a->given |= SW_RULE_FIELD_BIT(SW_RULE_FIELD_DOMAIN);
  }
  return true;
}

/* The options of a domain check (issue 18); false if refused. */
static bool apply_domain(struct sw_rule_args *a, enum sw_rule_opt id, const char *value,
                         struct sw_arg_errors *errors)
{
  struct sw_rule *r = &a->rule;
  uint64_t v;
  switch (id) {
  case SW_RULE_OPT_DOMAIN:
    if (r->host && *r->host && *value) {
      sw_arg_fail(errors, "A check is of HOST or of --domain, not both ('%s' and '%s').",
                  sw_arg_quote(r->host).text, sw_arg_quote(value).text);
      return false;
    }
    set_string(&r->domain, value, errors);
    if (*value) { /* a domain rule: `rules edit` forgets the host */
      set_string(&r->host, NULL, errors);
      a->given |= SW_RULE_FIELD_BIT(SW_RULE_FIELD_HOST);
    }
    return true;
  case SW_RULE_OPT_MIN_OK:
    if (!strcmp(value, "all")) {
      r->min_ok = 0;
      return true;
    }
    if (sw_arg_number(value, &v) && v >= 1) {
      r->min_ok = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
      return true;
    }
    sw_arg_fail(errors, "--min-ok: '%s' is neither a number from 1 up nor all.",
                sw_arg_quote(value).text);
    return false;
  case SW_RULE_OPT_MTA_STS:
  case SW_RULE_OPT_NO_MTA_STS:
    r->mta_sts = id == SW_RULE_OPT_MTA_STS;
    return true;
  case SW_RULE_OPT_DANE:
  case SW_RULE_OPT_NO_DANE:
    r->dane = id == SW_RULE_OPT_DANE;
    return true;
  case SW_RULE_OPT_DNS_SERVER:
    set_string(&r->dns_server, value, errors);
    return true;
  default:
    break;
  }
  SW_NOT_REACHED(); /* apply_round_trip() hands over only the options above */
  return false;
}

/* A secret's file: read by the command line (which says if it cannot be),
 * counted as a secret that comes. */
static bool set_secret_file(const char **path, bool *set, const char *value,
                            const char *name, struct sw_arg_errors *errors)
{
  if (!*value) {
    sw_arg_fail(errors, "--%s: name the file that holds the secret.", name);
    return false;
  }
  *path = value;
  *set = true;
  return true;
}

/* A number of `unit` for option `name` into *out, its range the
 * validator's. */
static bool set_number(uint32_t *out, const char *name, const char *unit,
                       const char *value, struct sw_arg_errors *errors)
{
  if (number_for_validator(value, out))
    return true;
  sw_arg_fail(errors, "--%s: '%s' is not a number of %s.", name, sw_arg_quote(value).text,
              unit);
  return false;
}

/* The round trip's options (issue 17); false if refused. */
static bool apply_round_trip(struct sw_rule_args *a, enum sw_rule_opt id,
                             const char *value, struct sw_arg_errors *errors)
{
  struct sw_rule *r = &a->rule;
  switch (id) {
  case SW_RULE_OPT_ROUND_TRIP:
    if (sw_round_trip_from_name(value, &r->round_trip))
      return true;
    sw_arg_fail(errors, "--round-trip: '%s' is not a mailbox protocol: use imap or pop3.",
                sw_arg_quote(value).text);
    return false;
  case SW_RULE_OPT_MAILBOX_HOST:
    set_string(&r->mailbox_host, value, errors);
    return true;
  case SW_RULE_OPT_MAILBOX_PORT:
    return set_number(&r->mailbox_port, "mailbox-port", "a port (1-65535)", value,
                      errors);
  case SW_RULE_OPT_MAILBOX_TLS:
    if (sw_mailbox_tls_mode_from_name(value, &r->mailbox_tls))
      return true;
    sw_arg_fail(errors,
                "--mailbox-tls: '%s' is not a TLS mode: use implicit, starttls or none.",
                sw_arg_quote(value).text);
    return false;
  case SW_RULE_OPT_MAILBOX_USER:
    set_string(&r->mailbox_user, value, errors);
    return true;
  case SW_RULE_OPT_MAILBOX_PASSWORD_FILE:
    return set_secret_file(&a->mailbox_password_file, &r->mailbox_password_set, value,
                           "mailbox-password-file", errors);
  case SW_RULE_OPT_FOLDER:
    set_string(&r->folder, value, errors);
    return true;
  case SW_RULE_OPT_PROBE_TO:
    set_string(&r->probe_to, value, errors);
    return true;
  case SW_RULE_OPT_PROBE_FROM:
    set_string(&r->probe_from, value, errors);
    return true;
  case SW_RULE_OPT_DELIVER_WITHIN_S:
    return set_number(&r->deliver_within_s, "deliver-within-s", "seconds", value, errors);
  case SW_RULE_OPT_WARN_MS:
    return set_number(&r->delivery_warn_ms, "warn-ms", "milliseconds", value, errors);
  case SW_RULE_OPT_CRIT_MS:
    return set_number(&r->delivery_crit_ms, "crit-ms", "milliseconds", value, errors);
  default:
    return apply_domain(a, id, value, errors);
  }
}

/* The options from --auth-user on (issue 15's); false if refused. */
static bool apply_past_handshake(struct sw_rule_args *a, enum sw_rule_opt id,
                                 const char *value, struct sw_arg_errors *errors)
{
  struct sw_rule *r = &a->rule;
  switch (id) {
  case SW_RULE_OPT_AUTH_USER:
    set_string(&r->auth_user, value, errors);
    return true;
  case SW_RULE_OPT_AUTH_PASSWORD_FILE:
    return set_secret_file(&a->auth_password_file, &r->auth_password_set, value,
                           "auth-password-file", errors);
  case SW_RULE_OPT_AUTH_MECH:
    if (sw_auth_mech_from_name(value, &r->auth_mech))
      return true;
    sw_arg_fail(errors, "--auth-mech: '%s' is not a mechanism this version knows.",
                sw_arg_quote(value).text);
    return false;
  case SW_RULE_OPT_ALLOW_PLAINTEXT_AUTH:
  case SW_RULE_OPT_NO_PLAINTEXT_AUTH:
    r->auth_plaintext = id == SW_RULE_OPT_ALLOW_PLAINTEXT_AUTH;
    return true;
  case SW_RULE_OPT_OAUTH_TOKEN_URL:
    set_string(&r->oauth_token_url, value, errors);
    return true;
  case SW_RULE_OPT_OAUTH_CLIENT_ID:
    set_string(&r->oauth_client_id, value, errors);
    return true;
  case SW_RULE_OPT_OAUTH_CLIENT_SECRET_FILE:
    return set_secret_file(&a->oauth_client_secret_file, &r->oauth_client_secret_set,
                           value, "oauth-client-secret-file", errors);
  case SW_RULE_OPT_OAUTH_SCOPE:
    set_string(&r->oauth_scope, value, errors);
    return true;
  case SW_RULE_OPT_MAIL_FROM:
    set_string(&r->mail_from, value, errors);
    return true;
  case SW_RULE_OPT_RCPT_TO:
    set_string(&r->rcpt_to, value, errors);
    return true;
  case SW_RULE_OPT_RELAY_TEST:
  case SW_RULE_OPT_NO_RELAY_TEST:
    r->relay_test = id == SW_RULE_OPT_RELAY_TEST;
    return true;
  case SW_RULE_OPT_RELAY_TEST_RCPT:
    set_string(&r->relay_test_rcpt, value, errors);
    return true;
  case SW_RULE_OPT_IP:
    if (sw_ip_family_from_name(value, &r->ip_family))
      return true;
    sw_arg_fail(errors, "--ip: '%s' is not an address family: use any, 4 or 6.",
                sw_arg_quote(value).text);
    return false;
  case SW_RULE_OPT_ALL_ADDRESSES:
  case SW_RULE_OPT_NO_ALL_ADDRESSES:
    r->all_addresses = id == SW_RULE_OPT_ALL_ADDRESSES;
    return true;
  case SW_RULE_OPT_CHECK_PTR:
  case SW_RULE_OPT_NO_CHECK_PTR:
    r->check_ptr = id == SW_RULE_OPT_CHECK_PTR;
    return true;
  case SW_RULE_OPT_DRIFT:
  case SW_RULE_OPT_NO_DRIFT:
    r->drift = id == SW_RULE_OPT_DRIFT;
    return true;
  default:
    return apply_round_trip(a, id, value, errors);
  }
}

/* Applies the option; returns false if its value was refused. */
static bool apply(struct sw_rule_args *a, enum sw_rule_opt id, const char *name,
                  const char *value, struct sw_arg_errors *errors)
{
  struct sw_rule *r = &a->rule;
  uint64_t v;
  switch (id) {
  case SW_RULE_OPT_HOST:
    return set_host(a, value, errors);
  case SW_RULE_OPT_PORT:
    if (sw_arg_number(value, &v) && v >= 1 && v <= 65535) {
      r->port = (uint16_t)v;
      return true;
    }
    sw_arg_fail(errors, "--port: '%s' is not a port number (1-65535).",
                sw_arg_quote(value).text);
    return false;
  case SW_RULE_OPT_SEND:
    set_string(&r->command, value, errors);
    return true;
  case SW_RULE_OPT_EXPECT:
    set_string(&r->expect, value, errors);
    return true;
  case SW_RULE_OPT_HELO:
    set_string(&r->ehlo_name, value, errors);
    return true;
  case SW_RULE_OPT_NAME:
    set_string(&r->name, value, errors);
    return true;
  case SW_RULE_OPT_TIMEOUT_MS:
    /* The range is the validator's to judge, with the same words as in the
     * editor; only non-numbers are refused here. */
    if (number_for_validator(value, &r->timeout_ms))
      return true;
    sw_arg_fail(errors, "--timeout-ms: '%s' is not a number of milliseconds.",
                sw_arg_quote(value).text);
    return false;
  case SW_RULE_OPT_INTERVAL_S:
    if (number_for_validator(value, &r->interval_s))
      return true;
    sw_arg_fail(errors, "--interval-s: '%s' is not a number of seconds.",
                sw_arg_quote(value).text);
    return false;
  case SW_RULE_OPT_TLS:
    if (sw_tls_mode_from_name(value, &r->tls_mode))
      return true;
    sw_arg_fail(errors,
                "--tls: '%s' is not a TLS mode: use none, starttls, require-starttls or "
                "implicit.",
                sw_arg_quote(value).text);
    return false;
  case SW_RULE_OPT_INSECURE:
    r->tls_insecure = true;
    a->tls_option = name;
    return true;
  case SW_RULE_OPT_VERIFY:
    r->tls_insecure = false;
    return true;
  case SW_RULE_OPT_CERT_WARN_DAYS:
    a->tls_option = name;
    return set_cert_days(&r->cert_warn_days, name, value, errors);
  case SW_RULE_OPT_CERT_CRIT_DAYS:
    a->tls_option = name;
    return set_cert_days(&r->cert_crit_days, name, value, errors);
  case SW_RULE_OPT_ENABLED:
  case SW_RULE_OPT_DISABLED:
    r->enabled = id == SW_RULE_OPT_ENABLED;
    return true;
  default:
    return apply_past_handshake(a, id, value, errors);
  case SW_RULE_OPT_COUNT:
    break;
  }
  SW_NOT_REACHED(); /* every option of the table is handled above */
  return false;
}

void sw_rule_args_apply(struct sw_rule_args *a, const struct sw_arg_opt *opt,
                        const char *value, struct sw_arg_errors *errors)
{
  if (NEVER(opt->id < 0 || opt->id >= SW_RULE_OPT_COUNT))
    return; /* callers pass only options of sw_rule_args_options() */
  const struct row *row = &rows[opt->id];
  if (apply(a, (enum sw_rule_opt)opt->id, row->opt.long_name, value, errors))
    a->given |= SW_RULE_FIELD_BIT(row->field);
}

void sw_rule_args_settle_tls(const struct sw_rule_args *a, struct sw_rule *rule,
                             struct sw_arg_errors *errors)
{
  /* RFC 8314: port 465 is submission over implicit TLS; a plain check of it
   * would only ever time out waiting for a greeting. */
  if ((a->given & SW_RULE_FIELD_BIT(SW_RULE_FIELD_PORT)) && rule->port == 465 &&
      !(a->given & SW_RULE_FIELD_BIT(SW_RULE_FIELD_TLS_MODE)) &&
      rule->tls_mode == SW_TLS_NONE)
    rule->tls_mode = SW_TLS_IMPLICIT;
  /* A user who wrote a certificate option believes the check looks at a
   * certificate. */
  if (a->tls_option && rule->tls_mode == SW_TLS_NONE && !(rule->domain && *rule->domain))
    sw_arg_fail(errors,
                "--%s is about the server's certificate, but TLS is off: add --tls "
                "starttls, require-starttls or implicit.",
                a->tls_option);
}

enum sw_error sw_rule_args_merge(const struct sw_rule_args *a, struct sw_rule *to)
{
  enum sw_error err = SW_E_OK;
  for (int f = 0; f < SW_RULE_FIELD_COUNT && !err; f++)
    if (a->given & SW_RULE_FIELD_BIT(f))
      err = sw_rule_copy_field((enum sw_rule_field)f, &a->rule, to);
  return err;
}

const char *sw_rule_args_option_name(enum sw_rule_field field)
{
  /* The first option that sets the field: --enabled rather than --disabled,
   * --insecure rather than --verify. */
  static const char *const names[] = {
#define SW_RULE_OPT_NAME(e, long_name, short_name, value, field, manage) "--" long_name,
      SW_RULE_OPT_MAP(SW_RULE_OPT_NAME)
#undef SW_RULE_OPT_NAME
  };
  for (size_t i = 0; i < ROW_COUNT; i++)
    if (rows[i].field == field)
      return names[i];
  return sw_rule_field_name(field);
}

_Static_assert(SW_RULE_FIELD_COUNT <= 64, "sw_rule_args.given has a bit per field");
