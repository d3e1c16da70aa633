/* The MAINTENANCE, NOTIFICATION and RULE_ALERTS records
 * (pipe_alert_records.h), each a table of its fields (pipe_fields.h). */
#include "pipe_alert_records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "pipe_fields.h"
#include "pipe_protocol.h"
#include "rule.h"
#include "sw_names.h"
#include "sw_utf8.h"

_Static_assert(sizeof(enum sw_alert_kind) == sizeof(int), "SW__PF_ENUM reads int");
_Static_assert(sizeof(enum sw_nagios_status) == sizeof(int), "SW__PF_ENUM reads int");
_Static_assert(sizeof(enum sw_pipe_delivery) == sizeof(int), "SW__PF_ENUM reads int");

/* The init functions, as the record tables call them. */
static void init_maintenance(void *m)
{
  memset(m, 0, sizeof(struct sw_pipe_maintenance));
}

static void init_notification(void *p)
{
  struct sw_pipe_notification *n = p;
  memset(n, 0, sizeof *n);
  n->state = SW_NAGIOS_UNKNOWN;
  n->status = SW_PIPE_DELIVERY_PENDING;
}

/* ---- MAINTENANCE -------------------------------------------------------- */

#define AT(m) offsetof(struct sw_pipe_maintenance, m)
static const struct sw__pipe_field maintenance_fields[] = {
    SW__PF_ROW(SW_PIPE_TAG_MAINT_ID, SW__PF_INT, AT(id), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_RULE_ID, SW__PF_INT, AT(rule_id), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_MAINT_ALL, SW__PF_BOOL, AT(all), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_RULE_NAME, SW__PF_TEXT, AT(rule_name), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_MAINT_FROM, SW__PF_INT, AT(from_ms), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_MAINT_UNTIL, SW__PF_INT, AT(until_ms), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_MAINT_WEEKLY, SW__PF_TEXT, AT(weekly), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_MAINT_COMMENT, SW__PF_TEXT, AT(comment), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_MAINT_ACTIVE, SW__PF_BOOL, AT(active), 0),
    SW__PF_ROW(SW_PIPE_TAG_MAINT_NEXT_CHANGE, SW__PF_INT, AT(next_change_ms),
               SW__PF_OMIT_ZERO),
};
#undef AT

static const struct sw__pipe_record maintenance_record = {
    SW_PIPE_TAG_MAINTENANCE, maintenance_fields, SW_COUNTOF(maintenance_fields),
    init_maintenance};

void sw_pipe_maintenance_init(struct sw_pipe_maintenance *m)
{
  init_maintenance(m);
}

void sw_pipe_maintenance_free(struct sw_pipe_maintenance *m)
{
  sw__pipe_record_free(&maintenance_record, m);
}

void sw_pipe_put_maintenance(struct sw_buf *out, const struct sw_pipe_maintenance *m)
{
  sw__pipe_record_put(out, &maintenance_record, m);
}

enum sw_error sw_pipe_get_maintenance(struct sw_tlv_reader *rd,
                                      struct sw_pipe_maintenance *out)
{
  return sw__pipe_record_get(rd, &maintenance_record, out);
}

/* 9999-12-31 23:59:59 UTC: later times are typing errors, and whole
 * seconds of them still fit an int64_t in milliseconds. */
#define LATEST_MS INT64_C(253402300799000)

static bool say(char *why, size_t size, const char *sentence)
{
  snprintf(why, size, "%s", sentence);
  return false;
}

bool sw_pipe_maintenance_check(const struct sw_pipe_maintenance *m,
                               struct sw_maint_window *out, char *why, size_t size)
{
  if (m->all == (m->rule_id > 0))
    return say(why, size,
               "A maintenance window holds either one rule or all of them: give "
               "a rule or all, not both.");
  if (m->comment && sw_utf8_line_check(m->comment, strlen(m->comment), NULL))
    return say(why, size, "The comment must be one line of text.");
  memset(out, 0, sizeof *out);
  if (m->weekly && *m->weekly) {
    if (m->from_ms || m->until_ms)
      return say(why, size,
                 "A maintenance window is either weekly or from one time until "
                 "another, not both.");
    return sw_maint_weekly_parse(m->weekly, out, why, size);
  }
  if (m->from_ms == 0 || m->until_ms <= m->from_ms)
    return say(why, size,
               "A one-off maintenance window needs a start and an end after it (or "
               "a weekly time such as \"Sun 02:00-04:00\").");
  if (m->from_ms < 1000 || m->until_ms > LATEST_MS)
    return say(why, size,
               "A maintenance window must lie between the years 1970 and 9999.");
  out->kind = SW_MAINT_ONCE;
  out->from_s = sw_floor_div(m->from_ms, 1000);
  out->until_s = -sw_floor_div(-m->until_ms, 1000); /* rounded up: never shorter */
  return true;
}

enum sw_error sw_pipe_maintenance_set_window(struct sw_pipe_maintenance *m,
                                             const struct sw_maint_window *w)
{
  free(m->weekly);
  m->weekly = NULL;
  m->from_ms = m->until_ms = 0;
  if (w->kind == SW_MAINT_ONCE) {
    m->from_ms = w->from_s * 1000;
    m->until_ms = w->until_s * 1000;
    return SW_E_OK;
  }
  char text[SW_MAINT_WEEKLY_TEXT_MAX];
  sw_maint_weekly_text(w, text, sizeof text);
  return sw_rule_set_string(&m->weekly, text);
}

/* ---- NOTIFICATION -------------------------------------------------------- */

static const char *const delivery_names[] = {SW_PIPE_DELIVERY_MAP(SW_X_2)};
static const char *const alert_kind_names[] = {SW_ALERT_KIND_MAP(SW_X_2)};
static const char *const state_names[] = {SW_NAGIOS_STATUS_MAP(SW_X_2)};

const char *sw_pipe_delivery_name(enum sw_pipe_delivery d)
{
  return SW_TABLE_AT(delivery_names, d, "unknown");
}

#define AT(m) offsetof(struct sw_pipe_notification, m)
static const struct sw__pipe_field notification_fields[] = {
    SW__PF_ROW(SW_PIPE_TAG_NOTIFICATION_KEY, SW__PF_INT, AT(key), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_NOTIFICATION_ID, SW__PF_TEXT, AT(id), 0),
    SW__PF_ROW(SW_PIPE_TAG_RULE_ID, SW__PF_INT, AT(rule_id), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_RULE_NAME, SW__PF_TEXT, AT(rule_name), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_NOTIFIER_NAME, SW__PF_TEXT, AT(notifier), 0),
    SW__PF_ENUM_ROW(SW_PIPE_TAG_ALERT_KIND, AT(kind), alert_kind_names, SW_ALERT_NONE, 0),
    SW__PF_ENUM_ROW(SW_PIPE_TAG_STATE, AT(state), state_names, SW_NAGIOS_UNKNOWN, 0),
    SW__PF_ENUM_ROW(SW_PIPE_TAG_DELIVERY, AT(status), delivery_names,
                    SW_PIPE_DELIVERY_COUNT, 0),
    SW__PF_ROW(SW_PIPE_TAG_ATTEMPTS, SW__PF_U32, AT(attempts), 0),
    SW__PF_ROW(SW_PIPE_TAG_CREATED_AT, SW__PF_INT, AT(created_ms), 0),
    SW__PF_ROW(SW_PIPE_TAG_NEXT_ATTEMPT_AT, SW__PF_INT, AT(next_attempt_ms),
               SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_LAST_ATTEMPT_AT, SW__PF_INT, AT(last_attempt_ms),
               SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_LAST_ERROR, SW__PF_TEXT, AT(last_error), SW__PF_OMIT_ZERO),
};
#undef AT

static const struct sw__pipe_record notification_record = {
    SW_PIPE_TAG_NOTIFICATION, notification_fields, SW_COUNTOF(notification_fields),
    init_notification};

void sw_pipe_notification_init(struct sw_pipe_notification *n)
{
  init_notification(n);
}

void sw_pipe_notification_free(struct sw_pipe_notification *n)
{
  sw__pipe_record_free(&notification_record, n);
}

void sw_pipe_put_notification(struct sw_buf *out, const struct sw_pipe_notification *n)
{
  sw__pipe_record_put(out, &notification_record, n);
}

enum sw_error sw_pipe_get_notification(struct sw_tlv_reader *rd,
                                       struct sw_pipe_notification *out)
{
  return sw__pipe_record_get(rd, &notification_record, out);
}

/* ---- RULE_ALERTS --------------------------------------------------------- */

/* X(bit, name), in the order the text lists them. */
#define ALERT_ON_MAP(X)                                                                  \
  X(SW_ALERT_ON_CRITICAL, "critical")                                                    \
  X(SW_ALERT_ON_WARNING, "warning")                                                      \
  X(SW_ALERT_ON_RECOVERED, "recovered")                                                  \
  X(SW_ALERT_ON_FLAPPING, "flapping")

static const uint8_t on_bits[] = {ALERT_ON_MAP(SW_X_1)};
static const char *const on_names[] = {ALERT_ON_MAP(SW_X_2)};

void sw_pipe_alert_on_text(uint8_t on, char *out, size_t size)
{
  size_t used = 0;
  if (size)
    out[0] = '\0';
  for (size_t i = 0; i < SW_COUNTOF(on_bits); i++) {
    if (!(on & on_bits[i]) || used >= size)
      continue;
    int n = snprintf(out + used, size - used, "%s%s", used ? "," : "", on_names[i]);
    used += n > 0 ? (size_t)n : 0;
  }
}

bool sw_pipe_alert_on_parse(const char *text, size_t len, uint8_t *on)
{
  bool all_known = true;
  *on = 0;
  for (size_t start = 0; start < len;) {
    size_t end = start;
    while (end < len && text[end] != ',')
      end++;
    size_t a = start, b = end;
    while (a < b && text[a] == ' ')
      a++;
    while (b > a && text[b - 1] == ' ')
      b--;
    int i = sw_name_index_n(on_names, SW_COUNTOF(on_names), text + a, b - a);
    if (i >= 0)
      *on |= on_bits[i];
    else
      all_known = false;
    start = end + 1;
  }
  return all_known;
}

#define AT(m) offsetof(struct sw_pipe_rule_alerts, m)
static const struct sw__pipe_field alerts_fields[] = {
    SW__PF_ROW(SW_PIPE_TAG_RULE_ID, SW__PF_INT, AT(rule_id), 0),
    SW__PF_LIST_ROW(SW_PIPE_TAG_NOTIFY, AT(notify), AT(notify_count), 0),
    SW__PF_ROW(SW_PIPE_TAG_ALERT_AFTER_S, SW__PF_U32, AT(after_s), 0),
    SW__PF_ROW(SW_PIPE_TAG_RENOTIFY_S, SW__PF_U32, AT(renotify_s), 0),
    SW__PF_ROW(SW_PIPE_TAG_DEPENDS_ON, SW__PF_INT, AT(depends_on), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_DEPENDS_ON_NAME, SW__PF_TEXT, AT(depends_on_name),
               SW__PF_OMIT_ZERO),
};
#undef AT

void sw_pipe_rule_alerts_init(struct sw_pipe_rule_alerts *a)
{
  memset(a, 0, sizeof *a);
  a->on = SW_ALERT_ON_ALL;
}

void sw_pipe_rule_alerts_free(struct sw_pipe_rule_alerts *a)
{
  sw__pipe_free_fields(a, alerts_fields, SW_COUNTOF(alerts_fields));
  sw_pipe_rule_alerts_init(a);
}

void sw_pipe_put_rule_alerts(struct sw_buf *out, const struct sw_pipe_rule_alerts *a)
{
  char on[64];
  sw_pipe_alert_on_text(a->on, on, sizeof on);
  sw_tlv_begin(out, SW_PIPE_TAG_RULE_ALERTS);
  sw__pipe_put_fields(out, a, alerts_fields, SW_COUNTOF(alerts_fields));
  sw_tlv_put_str(out, SW_PIPE_TAG_ALERT_ON, on); /* always: "" is none, absent all */
  sw_tlv_end(out);
}

static enum sw_error alerts_field(void *ctx, const struct sw_tlv_field *f)
{
  struct sw_pipe_rule_alerts *a = ctx;
  if (f->tag != SW_PIPE_TAG_ALERT_ON) {
    bool known = false;
    return sw__pipe_get_field(a, alerts_fields, SW_COUNTOF(alerts_fields), f, &known);
  }
  if (f->type != SW_TLV_STR)
    return SW_E_INVALID_ARGUMENT;
  sw_pipe_alert_on_parse(f->s, f->len, &a->on); /* a newer name: kept out */
  return SW_E_OK;
}

enum sw_error sw_pipe_get_rule_alerts(struct sw_tlv_reader *rd,
                                      struct sw_pipe_rule_alerts *out)
{
  sw_pipe_rule_alerts_init(out);
  return sw_tlv_each_field(rd, alerts_field, NULL, out);
}

void sw_pipe_rule_alerts_policy(const struct sw_pipe_rule_alerts *a,
                                struct sw_alert_policy *out)
{
  out->on = a->on;
  out->after_s = a->after_s;
  out->renotify_s = a->renotify_s;
}
