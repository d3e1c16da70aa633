/* The alert records of protocol version 2 (maintenance windows, the
 * outbox's notifications, a rule's alert settings, the acknowledgement and
 * hold in a rule's status): every field arrives as it left; a record that
 * is cut short or has a field of the wrong type is refused without a leak
 * (ASan); fields and records of a newer version are skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pipe_alert_records.h"
#include "pipe_fixture.h"
#include "pipe_notifier.h"
#include "pipe_protocol.h"
#include "pipe_records.h"

/* ---- samples, one per record, and a decoder that fits them all -------- */

static void put_maintenance_sample(struct sw_buf *out)
{
  struct sw_pipe_maintenance m;
  sw_pipe_maintenance_init(&m);
  m.id = 7;
  m.rule_id = 12;
  m.rule_name = "Main relay";
  m.weekly = "Sat 22:00-02:00";
  m.comment = "Patch night \xe2\x80\x94 relays reboot";
  m.active = true;
  m.next_change_ms = 1795000000000;
  sw_pipe_put_maintenance(out, &m);
}

static void put_notification_sample(struct sw_buf *out)
{
  struct sw_pipe_notification n;
  sw_pipe_notification_init(&n);
  n.key = 4410;
  n.id = "sw-12-1795000000-3";
  n.rule_id = 12;
  n.rule_name = "Main relay";
  n.notifier = "Ops mail";
  n.kind = SW_ALERT_REMINDER;
  n.state = SW_NAGIOS_CRITICAL;
  n.status = SW_PIPE_DELIVERY_PENDING;
  n.attempts = 3;
  n.created_ms = 1795000000000;
  n.next_attempt_ms = 1795000240000;
  n.last_attempt_ms = 1795000120000;
  n.last_error = "mx1.example.com:25 refused the connection; mx2.example.com:587 "
                 "answered 451 4.3.0 try later.";
  sw_pipe_put_notification(out, &n);
}

static void put_alerts_sample(struct sw_buf *out)
{
  char *names[] = {"Ops mail", "Teams channel"};
  struct sw_pipe_rule_alerts a;
  sw_pipe_rule_alerts_init(&a);
  a.rule_id = 12;
  a.notify = names;
  a.notify_count = 2;
  a.on = SW_ALERT_ON_CRITICAL | SW_ALERT_ON_RECOVERED;
  a.after_s = 300;
  a.renotify_s = 3600;
  a.depends_on = 3;
  a.depends_on_name = "Firewall SMTP proxy";
  sw_pipe_put_rule_alerts(out, &a);
}

static void put_notifier_sample(struct sw_buf *out)
{
  char *to[] = {"ops@example.com", "oncall@example.org"};
  struct sw_pipe_notifier n;
  sw_pipe_notifier_init(&n);
  n.name = "Ops mail";
  n.revision = 2;
  n.to = to;
  n.to_count = 2;
  n.relays = "mx1.example.com,mx2.example.com:587";
  n.auth_user = "watcher";
  n.password_set = true;
  sw_pipe_put_notifier(out, &n);
}

static void put_status_sample(struct sw_buf *out)
{
  struct sw_pipe_status s;
  pipe_status_sample(&s);
  s.ack_at_ms = 1795000300000;
  s.ack_by = "EXAMPLE\\alice";
  s.ack_comment = "Vendor ticket 4711";
  s.held = SW_PIPE_HOLD_UNREACHABLE;
  s.held_parent_id = 3;
  s.held_parent_name = "Firewall SMTP proxy";
  sw_pipe_put_status(out, &s);
  sw_pipe_result_free(&s.last);
}

union any_record {
  struct sw_pipe_maintenance m;
  struct sw_pipe_notification n;
  struct sw_pipe_rule_alerts a;
  struct sw_pipe_notifier notifier;
  struct sw_pipe_notifier_input input;
  struct sw_pipe_status s;
};

/* get_NAME and free_NAME over the union's MEMBER. */
#define RECORD_WRAP(name, member, get, release)                                          \
  static enum sw_error get_##name(struct sw_tlv_reader *r, union any_record *x)          \
  {                                                                                      \
    return get(r, &x->member);                                                           \
  }                                                                                      \
  static void free_##name(union any_record *x)                                           \
  {                                                                                      \
    release(&x->member);                                                                 \
  }
RECORD_WRAP(m, m, sw_pipe_get_maintenance, sw_pipe_maintenance_free)
RECORD_WRAP(n, n, sw_pipe_get_notification, sw_pipe_notification_free)
RECORD_WRAP(a, a, sw_pipe_get_rule_alerts, sw_pipe_rule_alerts_free)
RECORD_WRAP(notifier, notifier, sw_pipe_get_notifier, sw_pipe_notifier_free)
RECORD_WRAP(input, input, sw_pipe_get_notifier_input, sw_pipe_notifier_input_free)
RECORD_WRAP(s, s, sw_pipe_get_status, sw_pipe_status_free)

static const struct record_kind {
  const char *what;
  uint16_t tag;
  void (*put)(struct sw_buf *out);
  enum sw_error (*get)(struct sw_tlv_reader *r, union any_record *x);
  void (*free)(union any_record *x);
  uint16_t text_tag; /* a STR field of the record, to send as an INT */
} kinds[] = {
    {"maintenance", SW_PIPE_TAG_MAINTENANCE, put_maintenance_sample, get_m, free_m,
     SW_PIPE_TAG_MAINT_WEEKLY},
    {"notification", SW_PIPE_TAG_NOTIFICATION, put_notification_sample, get_n, free_n,
     SW_PIPE_TAG_LAST_ERROR},
    {"rule alerts", SW_PIPE_TAG_RULE_ALERTS, put_alerts_sample, get_a, free_a,
     SW_PIPE_TAG_NOTIFY},
    {"notifier", SW_PIPE_TAG_NOTIFIER, put_notifier_sample, get_notifier, free_notifier,
     SW_PIPE_TAG_NOTIFIER_TO},
    {"notifier input", SW_PIPE_TAG_NOTIFIER, put_notifier_sample, get_input, free_input,
     SW_PIPE_TAG_NOTIFIER_RELAYS},
    {"status", SW_PIPE_TAG_STATUS, put_status_sample, get_s, free_s,
     SW_PIPE_TAG_ACK_COMMENT},
};

/* ---- round trips -------------------------------------------------------- */

static void maintenance_round_trip(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, 0);
  put_maintenance_sample(&body);
  struct sw_tlv_reader rd;
  struct sw_pipe_maintenance m;
  pipe_open_record(&body, &rd, SW_PIPE_TAG_MAINTENANCE);
  assert_int_equal(sw_pipe_get_maintenance(&rd, &m), SW_E_OK);
  assert_int_equal(m.id, 7);
  assert_int_equal(m.rule_id, 12);
  assert_false(m.all);
  assert_string_equal(m.rule_name, "Main relay");
  assert_string_equal(m.weekly, "Sat 22:00-02:00");
  assert_int_equal(m.from_ms, 0);
  assert_string_equal(m.comment, "Patch night \xe2\x80\x94 relays reboot");
  assert_true(m.active);
  assert_int_equal(m.next_change_ms, 1795000000000);

  /* the window it makes, and back */
  struct sw_maint_window w;
  char why[200] = "";
  assert_true(sw_pipe_maintenance_check(&m, &w, why, sizeof why));
  assert_int_equal(w.kind, SW_MAINT_WEEKLY);
  assert_int_equal(w.days, 1u << 6);
  assert_int_equal(w.start_min, 22 * 60);
  assert_int_equal(w.end_min, 2 * 60);
  assert_int_equal(sw_pipe_maintenance_set_window(&m, &w), SW_E_OK);
  assert_string_equal(m.weekly, "Sat 22:00-02:00");
  sw_pipe_maintenance_free(&m);
  sw_buf_free(&body);

  /* a one-off window for all rules */
  struct sw_pipe_maintenance once;
  sw_pipe_maintenance_init(&once);
  once.all = true;
  once.from_ms = 1795000000500;
  once.until_ms = 1795003600001;
  sw_buf_init(&body, 0);
  sw_pipe_put_maintenance(&body, &once);
  pipe_open_record(&body, &rd, SW_PIPE_TAG_MAINTENANCE);
  assert_int_equal(sw_pipe_get_maintenance(&rd, &m), SW_E_OK);
  assert_true(m.all);
  assert_int_equal(m.rule_id, 0);
  assert_null(m.weekly);
  assert_null(m.comment);
  assert_false(m.active);
  assert_int_equal(m.from_ms, once.from_ms);
  assert_int_equal(m.until_ms, once.until_ms);
  assert_true(sw_pipe_maintenance_check(&m, &w, why, sizeof why));
  assert_int_equal(w.kind, SW_MAINT_ONCE);
  assert_int_equal(w.from_s, 1795000000); /* rounded out: never shorter */
  assert_int_equal(w.until_s, 1795003601);
  assert_int_equal(sw_pipe_maintenance_set_window(&m, &w), SW_E_OK);
  assert_int_equal(m.from_ms, 1795000000000);
  assert_null(m.weekly);
  sw_pipe_maintenance_free(&m);
  sw_buf_free(&body);
}

/* What the service refuses to store, each with a sentence. */
static void maintenance_check_says_what_is_wrong(void **state)
{
  (void)state;
  const struct {
    int64_t rule_id;
    bool all;
    int64_t from, until;
    const char *weekly, *comment, *says;
  } bad[] = {
      {0, false, 1000, 2000, NULL, NULL, "either one rule or all"},
      {5, true, 1000, 2000, NULL, NULL, "either one rule or all"},
      {5, false, 2000, 2000, NULL, NULL, "an end after it"},
      {5, false, 0, 0, NULL, NULL, "needs a start"},
      {5, false, 0, 0, "", NULL, "needs a start"},
      {5, false, 1000, 2000, "Sun 02:00-04:00", NULL, "not both"},
      {5, false, 0, 0, "Sunday 2am", NULL, ""},
      {5, false, 1000, 2000, NULL, "two\nlines", "one line"},
      /* found by fuzz.pipe_codec: a start in the first second of 1970
       * rounded to 0, which reads as "no start" */
      {0, true, 1, 2000, NULL, NULL, "between the years 1970 and 9999"},
      {0, true, -5000, 2000, NULL, NULL, "between the years 1970 and 9999"},
      {0, true, 1000, INT64_MAX, NULL, NULL, "between the years 1970 and 9999"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct sw_pipe_maintenance m;
    sw_pipe_maintenance_init(&m);
    m.rule_id = bad[i].rule_id;
    m.all = bad[i].all;
    m.from_ms = bad[i].from;
    m.until_ms = bad[i].until;
    m.weekly = (char *)bad[i].weekly;
    m.comment = (char *)bad[i].comment;
    struct sw_maint_window w;
    char why[200] = "";
    assert_false(sw_pipe_maintenance_check(&m, &w, why, sizeof why));
    assert_non_null(strstr(why, bad[i].says));
    assert_true(strlen(why) > 20); /* a sentence, from us or the weekly parser */
  }
}

static void notification_round_trip(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, 0);
  put_notification_sample(&body);
  struct sw_tlv_reader rd;
  struct sw_pipe_notification n;
  pipe_open_record(&body, &rd, SW_PIPE_TAG_NOTIFICATION);
  assert_int_equal(sw_pipe_get_notification(&rd, &n), SW_E_OK);
  assert_int_equal(n.key, 4410);
  assert_string_equal(n.id, "sw-12-1795000000-3");
  assert_int_equal(n.rule_id, 12);
  assert_string_equal(n.rule_name, "Main relay");
  assert_string_equal(n.notifier, "Ops mail");
  assert_int_equal(n.kind, SW_ALERT_REMINDER);
  assert_int_equal(n.state, SW_NAGIOS_CRITICAL);
  assert_int_equal(n.status, SW_PIPE_DELIVERY_PENDING);
  assert_int_equal(n.attempts, 3);
  assert_int_equal(n.created_ms, 1795000000000);
  assert_int_equal(n.next_attempt_ms, 1795000240000);
  assert_int_equal(n.last_attempt_ms, 1795000120000);
  assert_non_null(strstr(n.last_error, "451 4.3.0"));
  sw_pipe_notification_free(&n);
  sw_buf_free(&body);

  /* a newer service's kind and status read as "none" and unknown */
  sw_buf_init(&body, 0);
  sw_tlv_begin(&body, SW_PIPE_TAG_NOTIFICATION);
  sw_tlv_put_str(&body, SW_PIPE_TAG_ALERT_KIND, "escalation");
  sw_tlv_put_str(&body, SW_PIPE_TAG_DELIVERY, "bounced");
  sw_tlv_put_str(&body, SW_PIPE_TAG_STATE, "WARNING");
  sw_tlv_put_int(&body, SW_PIPE_TAG_ATTEMPTS, -4);
  sw_tlv_end(&body);
  pipe_open_record(&body, &rd, SW_PIPE_TAG_NOTIFICATION);
  assert_int_equal(sw_pipe_get_notification(&rd, &n), SW_E_OK);
  assert_int_equal(n.kind, SW_ALERT_NONE);
  assert_int_equal(n.status, SW_PIPE_DELIVERY_COUNT);
  assert_string_equal(sw_pipe_delivery_name(n.status), "unknown");
  assert_int_equal(n.state, SW_NAGIOS_WARNING);
  assert_int_equal(n.attempts, 0); /* clamped, not wrapped */
  assert_null(n.id);
  sw_pipe_notification_free(&n);
  sw_buf_free(&body);
  assert_string_equal(sw_pipe_delivery_name(SW_PIPE_DELIVERY_FAILED), "failed");
}

static void rule_alerts_round_trip(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, 0);
  put_alerts_sample(&body);
  struct sw_tlv_reader rd;
  struct sw_pipe_rule_alerts a;
  pipe_open_record(&body, &rd, SW_PIPE_TAG_RULE_ALERTS);
  assert_int_equal(sw_pipe_get_rule_alerts(&rd, &a), SW_E_OK);
  assert_int_equal(a.rule_id, 12);
  assert_int_equal(a.notify_count, 2);
  assert_string_equal(a.notify[0], "Ops mail");
  assert_string_equal(a.notify[1], "Teams channel");
  assert_int_equal(a.on, SW_ALERT_ON_CRITICAL | SW_ALERT_ON_RECOVERED);
  assert_int_equal(a.after_s, 300);
  assert_int_equal(a.renotify_s, 3600);
  assert_int_equal(a.depends_on, 3);
  assert_string_equal(a.depends_on_name, "Firewall SMTP proxy");
  struct sw_alert_policy p;
  sw_pipe_rule_alerts_policy(&a, &p);
  assert_int_equal(p.on, a.on);
  assert_int_equal(p.after_s, 300);
  assert_int_equal(p.renotify_s, 3600);
  sw_pipe_rule_alerts_free(&a);
  sw_buf_free(&body);

  /* the default set: rule id 0, many names (the list grows), nothing on */
  struct sw_pipe_rule_alerts d;
  sw_pipe_rule_alerts_init(&d);
  char names[40][16];
  char *list[40];
  for (int i = 0; i < 40; i++) {
    snprintf(names[i], sizeof names[i], "notifier %d", i);
    list[i] = names[i];
  }
  d.notify = list;
  d.notify_count = 40;
  d.on = 0;
  sw_buf_init(&body, 0);
  sw_pipe_put_rule_alerts(&body, &d);
  pipe_open_record(&body, &rd, SW_PIPE_TAG_RULE_ALERTS);
  assert_int_equal(sw_pipe_get_rule_alerts(&rd, &a), SW_E_OK);
  assert_int_equal(a.rule_id, SW_PIPE_DEFAULT_ALERTS);
  assert_int_equal(a.notify_count, 40);
  for (int i = 0; i < 40; i++)
    assert_string_equal(a.notify[i], names[i]);
  assert_int_equal(a.on, 0); /* "" is none, not the default */
  assert_int_equal(a.depends_on, 0);
  sw_pipe_rule_alerts_free(&a);
  sw_buf_free(&body);

  /* a client that leaves ALERT_ON out gets every transition */
  sw_buf_init(&body, 0);
  sw_tlv_begin(&body, SW_PIPE_TAG_RULE_ALERTS);
  sw_tlv_put_int(&body, SW_PIPE_TAG_RULE_ID, 9);
  sw_tlv_end(&body);
  pipe_open_record(&body, &rd, SW_PIPE_TAG_RULE_ALERTS);
  assert_int_equal(sw_pipe_get_rule_alerts(&rd, &a), SW_E_OK);
  assert_int_equal(a.on, SW_ALERT_ON_ALL);
  assert_int_equal(a.notify_count, 0);
  sw_pipe_rule_alerts_free(&a);
  sw_buf_free(&body);
}

static void alert_on_names(void **state)
{
  (void)state;
  char text[64];
  sw_pipe_alert_on_text(SW_ALERT_ON_ALL, text, sizeof text);
  assert_string_equal(text, "critical,warning,recovered,flapping");
  sw_pipe_alert_on_text(SW_ALERT_ON_FLAPPING | SW_ALERT_ON_WARNING, text, sizeof text);
  assert_string_equal(text, "warning,flapping");
  sw_pipe_alert_on_text(0, text, sizeof text);
  assert_string_equal(text, "");
  sw_pipe_alert_on_text(SW_ALERT_ON_ALL, text, 12); /* cut, still terminated */
  assert_true(strlen(text) < 12);

  uint8_t on = 0xff;
  assert_true(sw_pipe_alert_on_parse("", 0, &on));
  assert_int_equal(on, 0);
  const char *s = " flapping , critical";
  assert_true(sw_pipe_alert_on_parse(s, strlen(s), &on));
  assert_int_equal(on, SW_ALERT_ON_FLAPPING | SW_ALERT_ON_CRITICAL);
  s = "critical,warnings,recovered";
  assert_false(sw_pipe_alert_on_parse(s, strlen(s), &on)); /* a typo is refused */
  assert_int_equal(on, SW_ALERT_ON_CRITICAL | SW_ALERT_ON_RECOVERED);
  s = "Critical";
  assert_false(sw_pipe_alert_on_parse(s, strlen(s), &on));
  assert_int_equal(on, 0);
}

/* The acknowledgement and the hold travel in STATUS; a status without them
 * (an older service) reads as neither. */
static void status_ack_and_hold(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, 0);
  put_status_sample(&body);
  struct sw_tlv_reader rd;
  struct sw_pipe_status s;
  pipe_open_record(&body, &rd, SW_PIPE_TAG_STATUS);
  assert_int_equal(sw_pipe_get_status(&rd, &s), SW_E_OK);
  assert_string_equal(s.name, "Main relay");
  assert_int_equal(s.state, SW_NAGIOS_CRITICAL);
  assert_int_equal(s.ack_at_ms, 1795000300000);
  assert_string_equal(s.ack_by, "EXAMPLE\\alice");
  assert_string_equal(s.ack_comment, "Vendor ticket 4711");
  assert_int_equal(s.held, SW_PIPE_HOLD_UNREACHABLE);
  assert_int_equal(s.held_parent_id, 3);
  assert_string_equal(s.held_parent_name, "Firewall SMTP proxy");
  assert_int_equal(s.held_until_ms, 0);
  assert_false(pipe_has_tag(&body, SW_PIPE_TAG_HELD_UNTIL)); /* 0: left out */
  sw_pipe_status_free(&s);
  sw_buf_free(&body);

  struct sw_pipe_status plain;
  sw_pipe_status_init(&plain);
  plain.rule_id = 4;
  plain.name = "Backup relay";
  sw_buf_init(&body, 0);
  sw_pipe_put_status(&body, &plain);
  /* nothing for an older client to skip when there is nothing to say */
  for (uint16_t tag = SW_PIPE_TAG_ACK_BY; tag <= SW_PIPE_TAG_HELD_UNTIL; tag++)
    assert_false(pipe_has_tag(&body, tag));
  pipe_open_record(&body, &rd, SW_PIPE_TAG_STATUS);
  assert_int_equal(sw_pipe_get_status(&rd, &s), SW_E_OK);
  assert_int_equal(s.ack_at_ms, 0);
  assert_null(s.ack_by);
  assert_int_equal(s.held, SW_PIPE_HOLD_NONE);
  sw_pipe_status_free(&s);
  sw_buf_free(&body);
  sw_pipe_result_free(&plain.last);

  /* a newer reason to hold reads as none */
  sw_buf_init(&body, 0);
  sw_tlv_begin(&body, SW_PIPE_TAG_STATUS);
  sw_tlv_put_str(&body, SW_PIPE_TAG_HELD, "quiet_hours");
  sw_tlv_end(&body);
  pipe_open_record(&body, &rd, SW_PIPE_TAG_STATUS);
  assert_int_equal(sw_pipe_get_status(&rd, &s), SW_E_OK);
  assert_int_equal(s.held, SW_PIPE_HOLD_NONE);
  sw_pipe_status_free(&s);
  sw_buf_free(&body);
  assert_string_equal(sw_pipe_hold_name(SW_PIPE_HOLD_MAINTENANCE), "maintenance");
  assert_string_equal(sw_pipe_hold_name((enum sw_pipe_hold)99), "none");
}

/* ---- what every new decoder must do ------------------------------------- */

/* Every prefix of each record: refused (the record never ends), nothing
 * leaks, nothing is read outside the copy (ASan). */
static void cut_records_are_refused(void **state)
{
  (void)state;
  int cases = 0;
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    struct sw_buf body;
    sw_buf_init(&body, 0);
    kinds[k].put(&body);
    for (size_t cut = 3; cut < body.len; cut++) {
      uint8_t *copy = malloc(cut);
      memcpy(copy, body.data, cut);
      struct sw_tlv_reader rd;
      struct sw_tlv_field f;
      sw_tlv_reader_init(&rd, copy, cut);
      assert_true(sw_tlv_next(&rd, &f));
      union any_record x;
      assert_int_equal(kinds[k].get(&rd, &x), SW_E_INVALID_ARGUMENT);
      kinds[k].free(&x);
      free(copy);
      cases++;
    }
    sw_buf_free(&body);
  }
  assert_true(cases > 1000); /* the records are not trivially short */
}

/* A known text field sent as a number, at the end of an otherwise valid
 * record (so that the fields before it were allocated): refused, no
 * leak. */
static void wrong_types_are_refused(void **state)
{
  (void)state;
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    struct sw_buf body;
    sw_buf_init(&body, 0);
    kinds[k].put(&body);
    body.len -= 3; /* the END */
    sw_tlv_put_int(&body, kinds[k].text_tag, 5);
    sw_tlv_end(&body);
    struct sw_tlv_reader rd;
    pipe_open_record(&body, &rd, kinds[k].tag);
    union any_record x;
    assert_int_equal(kinds[k].get(&rd, &x), SW_E_INVALID_ARGUMENT);
    kinds[k].free(&x);
    sw_buf_free(&body);
  }
  /* and a number sent as text, a flag as a number */
  const struct {
    uint16_t record, tag;
    enum sw_tlv_type type;
  } more[] = {
      {SW_PIPE_TAG_MAINTENANCE, SW_PIPE_TAG_MAINT_FROM, SW_TLV_STR},
      {SW_PIPE_TAG_MAINTENANCE, SW_PIPE_TAG_MAINT_ALL, SW_TLV_INT},
      {SW_PIPE_TAG_NOTIFICATION, SW_PIPE_TAG_ATTEMPTS, SW_TLV_BOOL},
      {SW_PIPE_TAG_RULE_ALERTS, SW_PIPE_TAG_ALERT_ON, SW_TLV_INT},
      {SW_PIPE_TAG_RULE_ALERTS, SW_PIPE_TAG_DEPENDS_ON, SW_TLV_STR},
      {SW_PIPE_TAG_NOTIFIER, SW_PIPE_TAG_NOTIFIER_KIND, SW_TLV_INT},
      {SW_PIPE_TAG_STATUS, SW_PIPE_TAG_ACK_AT, SW_TLV_STR},
  };
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
    const struct record_kind *kind = NULL;
    for (size_t k = 0; !kind && k < sizeof kinds / sizeof kinds[0]; k++)
      if (kinds[k].tag == more[i].record)
        kind = &kinds[k];
    struct sw_buf body;
    sw_buf_init(&body, 0);
    sw_tlv_begin(&body, more[i].record);
    if (more[i].type == SW_TLV_STR)
      sw_tlv_put_str(&body, more[i].tag, "12");
    else if (more[i].type == SW_TLV_INT)
      sw_tlv_put_int(&body, more[i].tag, 1);
    else
      sw_tlv_put_bool(&body, more[i].tag, true);
    sw_tlv_end(&body);
    struct sw_tlv_reader rd;
    pipe_open_record(&body, &rd, more[i].record);
    union any_record x;
    assert_int_equal(kind->get(&rd, &x), SW_E_INVALID_ARGUMENT);
    kind->free(&x);
    sw_buf_free(&body);
  }
}

/* A newer version's fields and nested records, anywhere in each record:
 * skipped, and the record reads as it would without them; the reader ends
 * right after the record. */
static void unknown_tags_are_skipped(void **state)
{
  (void)state;
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    struct sw_buf plain, extended;
    sw_buf_init(&plain, 0);
    sw_buf_init(&extended, 0);
    kinds[k].put(&plain);
    /* BEGIN, new fields, the sample's fields, a nested record, END */
    sw_buf_append(&extended, plain.data, 3);
    sw_tlv_put_str(&extended, 999, "from the future");
    sw_tlv_put_int(&extended, 998, 42);
    sw_buf_append(&extended, plain.data + 3, plain.len - 6);
    sw_tlv_begin(&extended, 997);
    sw_tlv_put_str(&extended, SW_PIPE_TAG_NOTIFIER_NAME, "nested, not ours");
    sw_tlv_end(&extended);
    sw_tlv_end(&extended);
    sw_tlv_put_int(&extended, 996, 1); /* after the record: not read by it */

    struct sw_tlv_reader a, b;
    pipe_open_record(&plain, &a, kinds[k].tag);
    pipe_open_record(&extended, &b, kinds[k].tag);
    union any_record x, y;
    assert_int_equal(kinds[k].get(&a, &x), SW_E_OK);
    assert_int_equal(kinds[k].get(&b, &y), SW_E_OK);
    struct sw_tlv_field f;
    assert_true(sw_tlv_next(&b, &f));
    assert_int_equal(f.tag, 996);
    /* the same record: encoded again, the bytes agree (the status and the
     * notifier input compare through their encoders below) */
    struct sw_buf again_x, again_y;
    sw_buf_init(&again_x, 0);
    sw_buf_init(&again_y, 0);
    if (kinds[k].tag == SW_PIPE_TAG_MAINTENANCE) {
      sw_pipe_put_maintenance(&again_x, &x.m);
      sw_pipe_put_maintenance(&again_y, &y.m);
    } else if (kinds[k].tag == SW_PIPE_TAG_NOTIFICATION) {
      sw_pipe_put_notification(&again_x, &x.n);
      sw_pipe_put_notification(&again_y, &y.n);
    } else if (kinds[k].tag == SW_PIPE_TAG_RULE_ALERTS) {
      sw_pipe_put_rule_alerts(&again_x, &x.a);
      sw_pipe_put_rule_alerts(&again_y, &y.a);
    } else if (kinds[k].get == get_notifier) {
      sw_pipe_put_notifier(&again_x, &x.notifier);
      sw_pipe_put_notifier(&again_y, &y.notifier);
    } else if (kinds[k].get == get_input) {
      sw_pipe_put_notifier_input(&again_x, &x.input);
      sw_pipe_put_notifier_input(&again_y, &y.input);
    } else {
      sw_pipe_put_status(&again_x, &x.s);
      sw_pipe_put_status(&again_y, &y.s);
    }
    assert_true(again_x.len > 6);
    assert_int_equal(again_x.len, again_y.len);
    assert_memory_equal(again_x.data, again_y.data, again_x.len);
    if (kinds[k].get != get_input) /* the input drops what the service shows */
      assert_memory_equal(again_x.data, plain.data, plain.len);
    sw_buf_free(&again_x);
    sw_buf_free(&again_y);
    kinds[k].free(&x);
    kinds[k].free(&y);
    sw_buf_free(&plain);
    sw_buf_free(&extended);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(maintenance_round_trip),
      cmocka_unit_test(maintenance_check_says_what_is_wrong),
      cmocka_unit_test(notification_round_trip),
      cmocka_unit_test(rule_alerts_round_trip),
      cmocka_unit_test(alert_on_names),
      cmocka_unit_test(status_ack_and_hold),
      cmocka_unit_test(cut_records_are_refused),
      cmocka_unit_test(wrong_types_are_refused),
      cmocka_unit_test(unknown_tags_are_skipped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
