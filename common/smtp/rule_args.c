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
  set_string(&r->host, value, errors);
  return true;
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
  if (a->tls_option && rule->tls_mode == SW_TLS_NONE)
    sw_arg_fail(errors,
                "--%s is about the server's certificate, but TLS is off: add --tls "
                "starttls, require-starttls or implicit.",
                a->tls_option);
}

enum sw_error sw_rule_args_merge(const struct sw_rule_args *a, struct sw_rule *to)
{
  const struct sw_rule *from = &a->rule;
  enum sw_error err = SW_E_OK;
  for (int f = 0; f < SW_RULE_FIELD_COUNT && !err; f++) {
    if (!(a->given & SW_RULE_FIELD_BIT(f)))
      continue;
    switch ((enum sw_rule_field)f) {
    case SW_RULE_FIELD_NAME:
      err = sw_rule_set_string(&to->name, from->name);
      break;
    case SW_RULE_FIELD_HOST:
      err = sw_rule_set_string(&to->host, from->host);
      break;
    case SW_RULE_FIELD_PORT:
      to->port = from->port;
      break;
    case SW_RULE_FIELD_COMMAND:
      err = sw_rule_set_string(&to->command, from->command);
      break;
    case SW_RULE_FIELD_EXPECT:
      err = sw_rule_set_string(&to->expect, from->expect);
      break;
    case SW_RULE_FIELD_TIMEOUT_MS:
      to->timeout_ms = from->timeout_ms;
      break;
    case SW_RULE_FIELD_EHLO_NAME:
      err = sw_rule_set_string(&to->ehlo_name, from->ehlo_name);
      break;
    case SW_RULE_FIELD_INTERVAL_S:
      to->interval_s = from->interval_s;
      break;
    case SW_RULE_FIELD_ENABLED:
      to->enabled = from->enabled;
      break;
    case SW_RULE_FIELD_TLS_MODE:
      to->tls_mode = from->tls_mode;
      break;
    case SW_RULE_FIELD_TLS_INSECURE:
      to->tls_insecure = from->tls_insecure;
      break;
    case SW_RULE_FIELD_CERT_WARN_DAYS:
      to->cert_warn_days = from->cert_warn_days;
      break;
    case SW_RULE_FIELD_CERT_CRIT_DAYS:
      to->cert_crit_days = from->cert_crit_days;
      break;
    case SW_RULE_FIELD_COUNT:
      break;
    }
  }
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
