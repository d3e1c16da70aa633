/* The options of the alert commands (alert_args.h). */
#include "alert_args.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "sw_utf8.h"

static const struct sw_arg_opt notifier_opts[] = {
    {"email", 0, true, SW_ALERT_OPT_EMAIL},
    {"relay", 0, true, SW_ALERT_OPT_RELAY},
    {"from", 0, true, SW_ALERT_OPT_FROM},
    {"tls", 0, true, SW_ALERT_OPT_TLS},
    {"auth-user", 0, true, SW_ALERT_OPT_AUTH_USER},
    {"auth-password-file", 0, true, SW_ALERT_OPT_AUTH_PASSWORD_FILE},
    {"webhook", 0, true, SW_ALERT_OPT_WEBHOOK},
    {"format", 0, true, SW_ALERT_OPT_FORMAT},
    {"program", 0, true, SW_ALERT_OPT_PROGRAM},
    {"timeout-s", 0, true, SW_ALERT_OPT_TIMEOUT_S},
    {"restart-service", 0, true, SW_ALERT_OPT_RESTART_SERVICE},
    {NULL, 0, false, 0},
};
static const struct sw_arg_opt maintenance_opts[] = {
    {"rule", 0, true, SW_ALERT_OPT_RULE},
    {"all", 0, false, SW_ALERT_OPT_ALL},
    {"from", 0, true, SW_ALERT_OPT_FROM_TIME},
    {"until", 0, true, SW_ALERT_OPT_UNTIL_TIME},
    {"weekly", 0, true, SW_ALERT_OPT_WEEKLY},
    {"comment", 0, true, SW_ALERT_OPT_COMMENT},
    {NULL, 0, false, 0},
};
static const struct sw_arg_opt ack_opts[] = {
    {"comment", 0, true, SW_ALERT_OPT_COMMENT},
    {NULL, 0, false, 0},
};
static const struct sw_arg_opt rule_opts[] = {
    {"notify", 0, true, SW_ALERT_OPT_NOTIFY},
    {"notify-on", 0, true, SW_ALERT_OPT_NOTIFY_ON},
    {"notify-after-s", 0, true, SW_ALERT_OPT_NOTIFY_AFTER_S},
    {"renotify-s", 0, true, SW_ALERT_OPT_RENOTIFY_S},
    {"depends-on", 0, true, SW_ALERT_OPT_DEPENDS_ON},
    {NULL, 0, false, 0},
};

const struct sw_arg_opt *sw_alert_args_options(enum sw_alert_opts_for what)
{
  switch (what) {
  case SW_ALERT_OPTS_NOTIFIER:
    return notifier_opts;
  case SW_ALERT_OPTS_MAINTENANCE:
    return maintenance_opts;
  case SW_ALERT_OPTS_ACK:
    return ack_opts;
  case SW_ALERT_OPTS_RULE:
    return rule_opts;
  }
  SW_NOT_REACHED();
  return ack_opts;
}

void sw_alert_args_init(struct sw_alert_args *a)
{
  memset(a, 0, sizeof *a);
  struct sw_notifier *n = &a->notifier.n;
  n->kind = SW_NOTIFIER_KIND_COUNT;
  n->to = a->notifier.to;
  n->relays = a->notifier.relays;
  n->from = n->auth_user = n->url = n->command_line = n->service_name = "";
  n->tls_mode = SW_TLS_STARTTLS;
  n->format = SW_WEBHOOK_GENERIC;
  n->timeout_s = SW_PROGRAM_DEFAULT_TIMEOUT_S;
  a->rule.policy.on = SW_ALERT_ON_ALL;
}

void sw_alert_args_free(struct sw_alert_args *a)
{
  free(a->notifier.to_buf);
  free(a->rule.notify_buf);
  sw_alert_args_init(a);
}

/* ---- values ----------------------------------------------------------- */

/* A copy of `value` in *buf (owned; the previous one freed); false if
 * memory ran out. */
static bool copy_value(const char *value, char **buf, struct sw_arg_errors *e)
{
  free(*buf);
  *buf = malloc(strlen(value) + 1);
  if (!*buf) {
    e->nomem = SW_E_NOMEM;
    return false;
  }
  strcpy(*buf, value);
  return true;
}

/* Splits the comma list `value` into a copy (*buf, owned) and up to `max`
 * items; false with a sentence for an empty item or too many. */
static bool split_list(const char *option, const char *value, char **buf,
                       const char **items, size_t max, size_t *count,
                       struct sw_arg_errors *e)
{
  *count = 0;
  if (!copy_value(value, buf, e))
    return false;
  for (char *s = *buf;; s++) {
    char *comma = strchr(s, ',');
    if (comma)
      *comma = '\0';
    if (!*s) {
      sw_arg_fail(e,
                  "--%s: an empty name in '%s': separate the names with single commas.",
                  option, sw_arg_quote(value).text);
      return false;
    }
    if (*count == max) {
      sw_arg_fail(e, "--%s: at most %u names, but '%s' has more.", option, (unsigned)max,
                  sw_arg_quote(value).text);
      return false;
    }
    items[(*count)++] = s;
    if (!comma)
      return true;
    s = comma;
  }
}

/* A whole number 1..INT64_MAX (a rule id). */
static bool parse_id(const char *s, int64_t *out)
{
  uint64_t v;
  if (!sw_arg_number(s, &v) || v == 0 || v > UINT32_MAX)
    return false;
  *out = (int64_t)v;
  return true;
}

/* A number of seconds 0..max for `option`. */
static void parse_seconds(const char *option, const char *value, uint32_t max,
                          uint32_t *out, struct sw_arg_errors *e)
{
  uint64_t v;
  if (sw_arg_number(value, &v) && v <= max)
    *out = (uint32_t)v;
  else
    sw_arg_fail(e, "--%s: '%s' is not a number of seconds from 0 to %" PRIu32 ".", option,
                sw_arg_quote(value).text, max);
}

/* `n` decimal digits at s into *out. */
static bool digits(const char *s, int n, unsigned *out)
{
  unsigned v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  *out = v;
  return true;
}

bool sw_time_arg_parse(const char *s, struct sw_time_arg *out)
{
  /* YYYY-MM-DD[ T]HH:MM[:SS][Z] */
  unsigned y, mo, d, h, mi, sec = 0;
  size_t len = strlen(s);
  bool utc = len && s[len - 1] == 'Z';
  if (utc)
    len--;
  if ((len != 16 && len != 19) || !digits(s, 4, &y) || s[4] != '-' ||
      !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) ||
      (s[10] != ' ' && s[10] != 'T') || !digits(s + 11, 2, &h) || s[13] != ':' ||
      !digits(s + 14, 2, &mi) ||
      (len == 19 && (s[16] != ':' || !digits(s + 17, 2, &sec))))
    return false;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59)
    return false;
  int64_t days = sw_days_from_civil(y, mo, d);
  int64_t back_y;
  unsigned back_m, back_d;
  sw_civil_from_days(days, &back_y, &back_m, &back_d);
  if (back_m != mo || back_d != d) /* 2026-02-30 */
    return false;
  out->given = true;
  out->utc = utc;
  out->civil_s = days * SW_SECONDS_PER_DAY + h * 3600 + mi * 60 + sec;
  return true;
}

static void apply_time(const char *option, const char *value, struct sw_time_arg *t,
                       struct sw_arg_errors *e)
{
  if (!sw_time_arg_parse(value, t))
    sw_arg_fail(e,
                "--%s: '%s' is not a time: write it as 2026-12-24 18:00 (local time) or "
                "2026-12-24T17:00Z (UTC).",
                option, sw_arg_quote(value).text);
}

/* The notifier's kind, from its option; a second kind is a mistake. */
static void set_kind(struct sw_notifier_args *na, enum sw_notifier_kind kind,
                     const char *option, struct sw_arg_errors *e)
{
  if (na->kind_given && na->n.kind != kind) {
    sw_arg_fail(e, "%s and %s cannot be used together: a notifier does one thing.",
                na->kind_option, option);
    return;
  }
  na->kind_given = true;
  na->kind_option = option;
  na->n.kind = kind;
}

static void apply_notifier(struct sw_notifier_args *na, const struct sw_arg_opt *o,
                           const char *value, struct sw_arg_errors *e)
{
  struct sw_notifier *n = &na->n;
  char why[SW_NOTIFIER_PROBLEM_MAX];
  uint32_t timeout = 0;
  switch (o->id) {
  case SW_ALERT_OPT_EMAIL:
    /* Split as the store and the editor split it: an empty address is
     * left for sw_notifier_validate to name. */
    set_kind(na, SW_NOTIFIER_EMAIL, "--email", e);
    n->to_count = 0;
    if (copy_value(value, &na->to_buf, e) &&
        !sw_mail_to_list_split(na->to_buf, na->to, SW_NOTIFIER_TO_MAX, &n->to_count, why,
                               sizeof why))
      sw_arg_fail(e, "--email: %s", why);
    return;
  case SW_ALERT_OPT_RELAY:
    na->relays_text = value;
    if (!sw_relay_list_parse(value, na->relays, SW_NOTIFIER_RELAYS_MAX, &n->relay_count,
                             why, sizeof why))
      sw_arg_fail(e, "--relay: %s", why);
    return;
  case SW_ALERT_OPT_FROM:
    n->from = value;
    return;
  case SW_ALERT_OPT_TLS:
    na->tls_given = true;
    if (!sw_tls_mode_from_name(value, &n->tls_mode))
      sw_arg_fail(e,
                  "--tls: '%s' is not one of none, starttls, require-starttls, implicit.",
                  sw_arg_quote(value).text);
    return;
  case SW_ALERT_OPT_AUTH_USER:
    n->auth_user = value;
    return;
  case SW_ALERT_OPT_AUTH_PASSWORD_FILE:
    na->auth_password_file = value;
    n->has_auth_password = *value != '\0';
    return;
  case SW_ALERT_OPT_WEBHOOK:
    set_kind(na, SW_NOTIFIER_WEBHOOK, "--webhook", e);
    n->url = value;
    return;
  case SW_ALERT_OPT_FORMAT:
    na->format_given = true;
    if (!sw_webhook_format_from_name(value, &n->format))
      sw_arg_fail(e, "--format: '%s' is not one of generic, teams, slack.",
                  sw_arg_quote(value).text);
    return;
  case SW_ALERT_OPT_PROGRAM:
    set_kind(na, SW_NOTIFIER_PROGRAM, "--program", e);
    n->command_line = value;
    return;
  case SW_ALERT_OPT_TIMEOUT_S:
    na->timeout_given = true;
    parse_seconds("timeout-s", value, SW_PROGRAM_TIMEOUT_MAX_S, &timeout, e);
    n->timeout_s = timeout;
    return;
  case SW_ALERT_OPT_RESTART_SERVICE:
    set_kind(na, SW_NOTIFIER_RESTART_SERVICE, "--restart-service", e);
    n->service_name = value;
    return;
  default:
    SW_NOT_REACHED();
    return;
  }
}

static void apply_maintenance(struct sw_alert_args *a, const struct sw_arg_opt *o,
                              const char *value, struct sw_arg_errors *e)
{
  struct sw_maint_args *m = &a->maint;
  char why[128];
  switch (o->id) {
  case SW_ALERT_OPT_RULE:
    if (!parse_id(value, &m->rule_id))
      sw_arg_fail(e,
                  "--rule: '%s' is not a rule id: use the number 'smtpwatch rules "
                  "list' shows.",
                  sw_arg_quote(value).text);
    return;
  case SW_ALERT_OPT_ALL:
    m->all = true;
    return;
  case SW_ALERT_OPT_FROM_TIME:
    apply_time("from", value, &m->from, e);
    return;
  case SW_ALERT_OPT_UNTIL_TIME:
    apply_time("until", value, &m->until, e);
    return;
  case SW_ALERT_OPT_WEEKLY:
    m->weekly_given = true;
    if (!sw_maint_weekly_parse(value, &m->weekly, why, sizeof why))
      sw_arg_fail(e, "--weekly: %s", why);
    return;
  default:
    SW_NOT_REACHED();
    return;
  }
}

static void apply_rule(struct sw_rule_alert_args *r, const struct sw_arg_opt *o,
                       const char *value, struct sw_arg_errors *e)
{
  char why[128];
  switch (o->id) {
  case SW_ALERT_OPT_NOTIFY:
    r->given |= SW_RULE_ALERT_NOTIFY;
    r->notify_count = 0;
    if (*value)
      split_list("notify", value, &r->notify_buf, r->notify, SW_ALERT_NOTIFY_MAX,
                 &r->notify_count, e);
    return;
  case SW_ALERT_OPT_NOTIFY_ON:
    r->given |= SW_RULE_ALERT_ON;
    if (!sw_alert_on_parse(value, &r->policy.on, why, sizeof why))
      sw_arg_fail(e, "--notify-on: %s", why);
    return;
  case SW_ALERT_OPT_NOTIFY_AFTER_S:
    r->given |= SW_RULE_ALERT_AFTER;
    parse_seconds("notify-after-s", value, SW_ALERT_DELAY_MAX_S, &r->policy.after_s, e);
    return;
  case SW_ALERT_OPT_RENOTIFY_S:
    r->given |= SW_RULE_ALERT_RENOTIFY;
    parse_seconds("renotify-s", value, SW_ALERT_DELAY_MAX_S, &r->policy.renotify_s, e);
    return;
  case SW_ALERT_OPT_DEPENDS_ON:
    r->given |= SW_RULE_ALERT_DEPENDS;
    r->depends_on = 0;
    if (*value && !parse_id(value, &r->depends_on))
      sw_arg_fail(e,
                  "--depends-on: '%s' is not a rule id: use the number 'smtpwatch rules "
                  "list' shows (\"\" for none).",
                  sw_arg_quote(value).text);
    return;
  default:
    SW_NOT_REACHED();
    return;
  }
}

void sw_alert_args_apply(struct sw_alert_args *a, const struct sw_arg_opt *o,
                         const char *value, struct sw_arg_errors *e)
{
  if (o->id == SW_ALERT_OPT_COMMENT) {
    size_t chars = 0;
    enum sw_line_problem p = sw_utf8_line_check(value, strlen(value), &chars);
    if (p != SW_LINE_OK)
      sw_arg_fail(e, "--comment: %s",
                  p == SW_LINE_BAD_UTF8 ? "the text is not UTF-8."
                                        : "one line without control characters, please.");
    else if (chars > SW_ALERT_COMMENT_MAX)
      sw_arg_fail(e, "--comment: at most %d characters.", SW_ALERT_COMMENT_MAX);
    else
      a->comment = value;
  } else if (o->id >= SW_ALERT_OPT_NOTIFY) {
    apply_rule(&a->rule, o, value, e);
  } else if (o->id >= SW_ALERT_OPT_RULE) {
    apply_maintenance(a, o, value, e);
  } else {
    apply_notifier(&a->notifier, o, value, e);
  }
}

/* ---- once every word is read ------------------------------------------ */

static void settle_notifier(struct sw_notifier_args *na, const char *name,
                            struct sw_arg_errors *e)
{
  struct sw_notifier *n = &na->n;
  n->name = name ? name : "";
  if (!na->kind_given) {
    sw_arg_fail(e, "Say what the notifier does: --email, --webhook, --program or "
                   "--restart-service.");
    return;
  }
  bool email = n->kind == SW_NOTIFIER_EMAIL;
  if (!email && (n->relay_count || *n->from || na->tls_given || *n->auth_user ||
                 na->auth_password_file))
    sw_arg_fail(e, "--relay, --from, --tls and --auth-* go with --email only.");
  if (n->kind != SW_NOTIFIER_WEBHOOK && na->format_given)
    sw_arg_fail(e, "--format goes with --webhook only.");
  if (n->kind != SW_NOTIFIER_PROGRAM && na->timeout_given)
    sw_arg_fail(e, "--timeout-s goes with --program only.");
  if (email && !n->relay_count)
    sw_arg_fail(e, "--relay is missing: name the mail server(s) that relay the alerts, "
                   "in the order to try them.");
  if (n->kind == SW_NOTIFIER_PROGRAM && na->timeout_given && n->timeout_s == 0)
    sw_arg_fail(e, "--timeout-s: a program needs at least 1 second.");
  char why[SW_NOTIFIER_PROBLEM_MAX];
  if (!e->text.len && !sw_notifier_validate(n, why, sizeof why))
    sw_arg_fail(e, "%s", why);
}

static void settle_maintenance(struct sw_maint_args *m, struct sw_arg_errors *e)
{
  if (m->all == (m->rule_id != 0))
    sw_arg_fail(e, "Say which rules the window holds: --rule RULE or --all.");
  bool once = m->from.given || m->until.given;
  if (once == m->weekly_given)
    sw_arg_fail(e, "Give the window's time: --from TIME --until TIME, or --weekly "
                   "\"Sun 02:00-04:00\".");
  else if (once && !(m->from.given && m->until.given))
    sw_arg_fail(e, "A one-off window needs both --from and --until.");
  else if (once && m->from.utc == m->until.utc && m->from.civil_s >= m->until.civil_s)
    sw_arg_fail(e, "--until must be later than --from.");
}

void sw_alert_args_settle(struct sw_alert_args *a, enum sw_alert_opts_for what,
                          const char *name, struct sw_arg_errors *e)
{
  switch (what) {
  case SW_ALERT_OPTS_NOTIFIER:
    settle_notifier(&a->notifier, name, e);
    return;
  case SW_ALERT_OPTS_MAINTENANCE:
    settle_maintenance(&a->maint, e);
    return;
  case SW_ALERT_OPTS_ACK:
  case SW_ALERT_OPTS_RULE:
    return; /* each value stands on its own */
  }
  SW_NOT_REACHED();
}
