/* What the alert commands print and send: notifiers, maintenance windows,
 * the outbox and a rule's alert settings as tables for people and for
 * scripts (from bodies encoded the way the service encodes them, so that
 * no secret can reach a table), and the records the commands make from
 * their options (local times to UTC, alert settings merged, the password
 * file's first line). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alert_requests.h"
#include "alert_view.h"
#include "cert_expiry.h"
#include "manage_fixture.h"
#include "pipe_protocol.h"

/* The same zone as local_plus_two, as sw_local_time_fn. */
static int64_t wall_plus_two(int64_t utc_s, void *ctx)
{
  (void)ctx;
  return utc_s + 7200;
}

/* Two notifiers as NOTIFIER_LIST_OK: an e-mail one with a password and a
 * webhook whose URL carries a token, which the service's encoder cuts. */
static void two_notifiers(struct sw_buf *body)
{
  char *to[] = {"ops@example.com", "oncall@example.com"};
  struct sw_pipe_notifier mail;
  sw_pipe_notifier_init(&mail);
  mail.name = "ops";
  mail.kind = SW_NOTIFIER_EMAIL;
  mail.revision = 2;
  mail.to = to;
  mail.to_count = 2;
  mail.relays = "mx1.example.com,mx2.example.com:587";
  mail.auth_user = "alerts";
  mail.password_set = true;
  sw_pipe_put_notifier(body, &mail);
  struct sw_pipe_notifier hook;
  sw_pipe_notifier_init(&hook);
  hook.name = "teams";
  hook.kind = SW_NOTIFIER_WEBHOOK;
  hook.revision = 1;
  hook.url_shown = "https://hooks.example.com/workflows/SECRET-TOKEN?sig=SIGNATURE";
  hook.format = SW_WEBHOOK_TEAMS;
  sw_pipe_put_notifier(body, &hook);
}

static void test_notifiers(void **state)
{
  (void)state;
  struct sw_buf body, out;
  sw_buf_init(&body, 0);
  sw_buf_init(&out, 0);
  two_notifiers(&body);
  const uint8_t *b = (const uint8_t *)body.data;
  char *names[] = {"teams"};
  struct sw_pipe_rule_alerts defaults;
  sw_pipe_rule_alerts_init(&defaults);
  defaults.notify = names;
  defaults.notify_count = 1;
  struct sw_table t;

  assert_int_equal(sw_manage_notifiers_table(b, body.len, &people, true, &defaults, &t),
                   SW_E_OK);
  assert_string_equal(
      render(&t, SW_TABLE_TEXT, &out),
      "Name   Kind     Target                                                      "
      "                 Default  Secret\n"
      "ops    email    ops@example.com, oncall@example.com via mx1.example.com,"
      "mx2.example.com:587           password set\n"
      "teams  webhook  https://hooks.example.com/... (teams)                       "
      "                 yes      URL set\n");
  sw_table_free(&t);

  assert_int_equal(sw_manage_notifiers_table(b, body.len, &json, false, &defaults, &t),
                   SW_E_OK);
  assert_string_equal(
      render(&t, SW_TABLE_JSON, &out),
      "[{\"name\":\"ops\",\"kind\":\"email\",\"revision\":2,\"default\":false,"
      "\"to\":\"ops@example.com, oncall@example.com\","
      "\"relays\":\"mx1.example.com,mx2.example.com:587\",\"from\":\"\","
      "\"tls_mode\":\"starttls\",\"auth_user\":\"alerts\",\"password_set\":true,"
      "\"url_shown\":\"\",\"format\":\"\",\"command_line\":\"\",\"timeout_s\":null,"
      "\"service_name\":\"\"},"
      "{\"name\":\"teams\",\"kind\":\"webhook\",\"revision\":1,\"default\":true,"
      "\"to\":\"\",\"relays\":\"\",\"from\":\"\",\"tls_mode\":\"\",\"auth_user\":\"\","
      "\"password_set\":null,\"url_shown\":\"https://hooks.example.com/...\","
      "\"format\":\"teams\",\"command_line\":\"\",\"timeout_s\":null,"
      "\"service_name\":\"\"}]\n");
  sw_table_free(&t);

  /* `notifiers show` as people read it; without the default set known, the
   * default flag is left empty rather than guessed. */
  assert_int_equal(sw_manage_notifiers_table(b, body.len, &people, false, NULL, &t),
                   SW_E_OK);
  assert_string_equal(render_record(&t, SW_TABLE_TEXT, &out),
                      "Name:         ops\n"
                      "Kind:         email\n"
                      "Revision:     2\n"
                      "Default:      \n"
                      "To:           ops@example.com, oncall@example.com\n"
                      "Relays:       mx1.example.com,mx2.example.com:587\n"
                      "From:         (smtpwatch@ the service's machine)\n"
                      "TLS:          starttls\n"
                      "AUTH user:    alerts\n"
                      "Password:     set\n"
                      "URL:          \n"
                      "Format:       \n"
                      "Command line: \n"
                      "Timeout (s):  \n"
                      "Service:      \n");
  sw_table_free(&t);

  /* No format shows the webhook's token. */
  static const struct sw_manage_view *const views[] = {&people, &json, &csv};
  for (size_t i = 0; i < 3; i++) {
    for (int brief = 0; brief < 2; brief++) {
      assert_int_equal(
          sw_manage_notifiers_table(b, body.len, views[i], brief, &defaults, &t),
          SW_E_OK);
      const char *all = render(&t, views[i]->format, &out);
      assert_null(strstr(all, "SECRET"));
      assert_null(strstr(all, "SIGNATURE"));
      sw_table_free(&t);
    }
  }

  struct sw_pipe_notifier first;
  assert_int_equal(sw_manage_body_notifier(b, body.len, &first), SW_E_OK);
  assert_string_equal(first.name, "ops");
  sw_pipe_notifier_free(&first);
  sw_buf_free(&out);
  sw_buf_free(&body);
}

static void test_notifier_targets(void **state)
{
  (void)state;
  struct sw_pipe_notifier n;
  sw_pipe_notifier_init(&n);
  char text[200];
  n.kind = SW_NOTIFIER_PROGRAM;
  n.command_line = "C:\\Tools\\page.exe --urgent";
  sw_manage_notifier_target(&n, text, sizeof text);
  assert_string_equal(text, "C:\\Tools\\page.exe --urgent");
  n.kind = SW_NOTIFIER_RESTART_SERVICE;
  n.service_name = "SMTPSVC";
  sw_manage_notifier_target(&n, text, sizeof text);
  assert_string_equal(text, "restart SMTPSVC");
  n.kind = SW_NOTIFIER_KIND_COUNT;
  sw_manage_notifier_target(&n, text, sizeof text);
  assert_string_equal(text, "(a kind this program does not know)");
}

static void test_maintenance(void **state)
{
  (void)state;
  struct sw_buf body, out;
  sw_buf_init(&body, 0);
  sw_buf_init(&out, 0);
  struct sw_pipe_maintenance once = {
      .id = 4,
      .rule_id = 3,
      .rule_name = "Relay",
      .from_ms = T0,
      .until_ms = T0 + 3600000,
      .comment = "patching",
      .active = true,
      .next_change_ms = T0 + 3600000,
  };
  sw_pipe_put_maintenance(&body, &once);
  struct sw_pipe_maintenance weekly = {.id = 5, .all = true, .weekly = "Sun 02:00-04:00"};
  sw_pipe_put_maintenance(&body, &weekly);
  const uint8_t *b = (const uint8_t *)body.data;
  struct sw_table t;

  assert_int_equal(sw_manage_maintenance_table(b, body.len, &people, &t), SW_E_OK);
  assert_string_equal(render(&t, SW_TABLE_TEXT, &out),
                      "ID  Scope           When                                      "
                      "  Active now  Next change          Comment\n"
                      "4   rule 3 (Relay)  2024-05-01 14:03:22 to 2024-05-01 15:03:22"
                      "  yes         2024-05-01 15:03:22  patching\n"
                      "5   all rules       weekly Sun 02:00-04:00                    "
                      "  no                               \n");
  sw_table_free(&t);

  assert_int_equal(sw_manage_maintenance_table(b, body.len, &csv, &t), SW_E_OK);
  assert_string_equal(
      render(&t, SW_TABLE_CSV, &out),
      "id,rule_id,rule_name,all,from,until,weekly,active,next_change,comment\r\n"
      "4,3,Relay,false,2024-05-01T12:03:22Z,2024-05-01T13:03:22Z,,true,"
      "2024-05-01T13:03:22Z,patching\r\n"
      "5,,,true,,,Sun 02:00-04:00,false,,\r\n");
  sw_table_free(&t);

  struct sw_pipe_maintenance first;
  assert_int_equal(sw_manage_body_maintenance(b, body.len, &first), SW_E_OK);
  assert_int_equal(first.id, 4);
  sw_pipe_maintenance_free(&first);
  sw_buf_free(&out);
  sw_buf_free(&body);
}

/* A NOTIFICATION record: `key` made at T0 - (41 - key) s; a pending one
 * was last tried 30 s after it was made and is due again at 60 s. */
static void put_note(struct sw_buf *body, int64_t key, int64_t rule_id,
                     const char *notifier, enum sw_nagios_status state,
                     enum sw_pipe_delivery status, uint32_t attempts,
                     const char *last_error)
{
  char id[32];
  snprintf(id, sizeof id, "7d1c-%d", (int)key);
  int64_t created = T0 - (41 - key) * 1000;
  bool pending = status == SW_PIPE_DELIVERY_PENDING;
  struct sw_pipe_notification n = {
      .key = key,
      .id = id,
      .rule_id = rule_id,
      .rule_name = rule_id ? "Relay" : NULL,
      .notifier = (char *)notifier,
      .kind = SW_ALERT_PROBLEM,
      .state = state,
      .status = status,
      .attempts = attempts,
      .created_ms = created,
      .next_attempt_ms = pending ? created + 60000 : 0,
      .last_attempt_ms = pending ? created + 30000 : 0,
      .last_error = (char *)last_error,
  };
  sw_pipe_put_notification(body, &n);
}

static void test_notifications(void **state)
{
  (void)state;
  struct sw_buf body, out;
  sw_buf_init(&body, 0);
  sw_buf_init(&out, 0);
  put_note(&body, 41, 3, "ops", SW_NAGIOS_CRITICAL, SW_PIPE_DELIVERY_PENDING, 2,
           "mx1.example.com refused: 554 no relay.");
  /* A test's notification has no rule. */
  put_note(&body, 40, 0, "teams", SW_NAGIOS_OK, SW_PIPE_DELIVERY_SENT, 1, NULL);
  sw_tlv_put_bool(&body, SW_PIPE_TAG_MORE, true);
  const uint8_t *b = (const uint8_t *)body.data;
  struct sw_table t;
  struct sw_manage_page page;

  assert_int_equal(sw_manage_notifications_table(b, body.len, &people, &t, &page),
                   SW_E_OK);
  assert_string_equal(render(&t, SW_TABLE_TEXT, &out),
                      "Key  Created              Rule       Notifier  Kind     State     "
                      "Status   Attempts  Last error\n"
                      "41   2024-05-01 14:03:22  Relay (3)  ops       problem  CRITICAL  "
                      "pending  2         mx1.example.com refused: 554 no relay.\n"
                      "40   2024-05-01 14:03:21  (test)     teams     problem  OK        "
                      "sent     1         \n");
  assert_true(page.more);
  assert_int_equal(page.last_key, 40);
  char next[120];
  sw_manage_notifications_next(20, page.last_key, next, sizeof next);
  assert_string_equal(next, "smtpwatch notifications --limit 20 --before 40");
  sw_table_free(&t);

  assert_int_equal(sw_manage_notifications_table(b, body.len, &json, &t, NULL), SW_E_OK);
  assert_string_equal(
      render_record(&t, SW_TABLE_JSON, &out),
      "{\"key\":41,\"id\":\"7d1c-41\",\"created\":\"2024-05-01T12:03:22Z\","
      "\"rule_id\":3,\"rule_name\":\"Relay\",\"notifier\":\"ops\",\"kind\":\"problem\","
      "\"state\":\"CRITICAL\",\"status\":\"pending\",\"attempts\":2,"
      "\"next_attempt\":\"2024-05-01T12:04:22Z\","
      "\"last_attempt\":\"2024-05-01T12:03:52Z\","
      "\"last_error\":\"mx1.example.com refused: 554 no relay.\"}\n");
  sw_table_free(&t);

  struct sw_pipe_notification first;
  assert_int_equal(sw_manage_body_notification(b, body.len, &first), SW_E_OK);
  assert_int_equal(first.status, SW_PIPE_DELIVERY_PENDING);
  sw_pipe_notification_free(&first);
  sw_buf_free(&out);
  sw_buf_free(&body);
}

static void test_rule_with_alerts(void **state)
{
  (void)state;
  struct sw_buf rule_body, out;
  sw_buf_init(&rule_body, 0);
  sw_buf_init(&out, 0);
  struct sw_rule r;
  sw_rule_init_defaults(&r);
  r.id = 3;
  sw_rule_set_string(&r.name, "Relay");
  sw_rule_set_string(&r.host, "mail.example.com");
  sw_pipe_put_rule(&rule_body, &r, 9);
  sw_rule_free(&r);
  const uint8_t *b = (const uint8_t *)rule_body.data;
  char *names[] = {"ops", "teams"};
  struct sw_pipe_rule_alerts alerts;
  sw_pipe_rule_alerts_init(&alerts);
  alerts.rule_id = 3;
  alerts.notify = names;
  alerts.notify_count = 2;
  alerts.on = SW_ALERT_ON_CRITICAL | SW_ALERT_ON_RECOVERED;
  alerts.after_s = 300;
  alerts.depends_on = 2;
  alerts.depends_on_name = "Firewall";
  struct sw_table t;

  assert_int_equal(sw_manage_rule_alerts_table(b, rule_body.len, &alerts, &people, &t),
                   SW_E_OK);
  /* `rules show`: the rule's fields, then its alert settings. */
  assert_string_equal(
      render_record(&t, SW_TABLE_TEXT, &out),
      "ID:                          3\n"
      "Revision:                    9\n"
      "Name:                        Relay\n"
      "Host:                        mail.example.com\n"
      "Port:                        25\n"
      "Command:                     \n"
      "Expected text:               \n"
      "Timeout:                     7000\n"
      "EHLO name:                   (this machine's name)\n"
      "Interval:                    60\n"
      "Enabled:                     yes\n"
      "TLS:                         none\n"
      "Skip certificate validation: no\n"
      "Certificate warning (days):  21\n"
      "Certificate critical (days): 7\n" FX_RULE_PAST_HANDSHAKE_DEFAULTS_TEXT
      "Notifiers:                   ops,teams\n"
      "Notify on:                   critical,recovered\n"
      "Notify after (s):            300\n"
      "Renotify every (s):          0\n"
      "Depends on:                  2\n"
      "Depends on (name):           Firewall\n");
  sw_table_free(&t);

  alerts.notify_count = 0;
  alerts.depends_on = 0;
  alerts.depends_on_name = NULL;
  assert_int_equal(sw_manage_rule_alerts_table(b, rule_body.len, &alerts, &people, &t),
                   SW_E_OK);
  assert_non_null(strstr(render_record(&t, SW_TABLE_TEXT, &out),
                         "Notifiers:                   (the default notifiers)\n"));
  sw_table_free(&t);
  assert_int_equal(sw_manage_rule_alerts_table(b, rule_body.len, &alerts, &json, &t),
                   SW_E_OK);
  assert_non_null(strstr(render_record(&t, SW_TABLE_JSON, &out),
                         "\"notify\":\"\",\"notify_on\":\"critical,recovered\","
                         "\"notify_after_s\":300,\"renotify_s\":0,\"depends_on\":null,"
                         "\"depends_on_name\":\"\"}"));
  sw_table_free(&t);

  /* An older service: the rule alone, no alert columns. */
  assert_int_equal(sw_manage_rule_alerts_table(b, rule_body.len, NULL, &json, &t),
                   SW_E_OK);
  assert_null(strstr(render_record(&t, SW_TABLE_JSON, &out), "notify"));
  sw_table_free(&t);

  /* A body without a rule is not understood. */
  assert_int_equal(sw_manage_rule_alerts_table(b, 0, &alerts, &json, &t),
                   SW_E_INVALID_ARGUMENT);
  sw_table_free(&t);
  sw_buf_free(&out);
  sw_buf_free(&rule_body);
}

static void test_malformed_alert_bodies(void **state)
{
  (void)state;
  static const uint8_t junk[] = {0x01, 0x00, 0x6e, 0x00, 0xff};
  struct sw_table t;
  struct sw_pipe_rule_alerts a;
  assert_int_equal(sw_manage_notifiers_table(junk, sizeof junk, &people, true, NULL, &t),
                   SW_E_INVALID_ARGUMENT);
  sw_table_free(&t);
  assert_int_equal(sw_manage_maintenance_table(junk, sizeof junk, &people, &t),
                   SW_E_INVALID_ARGUMENT);
  sw_table_free(&t);
  assert_int_equal(sw_manage_notifications_table(junk, sizeof junk, &people, &t, NULL),
                   SW_E_INVALID_ARGUMENT);
  sw_table_free(&t);
  assert_int_equal(sw_manage_body_rule_alerts(junk, sizeof junk, &a),
                   SW_E_INVALID_ARGUMENT);
  sw_pipe_rule_alerts_free(&a);
  /* An empty body holds no record. */
  assert_int_equal(sw_manage_body_rule_alerts(junk, 0, &a), SW_E_INVALID_ARGUMENT);
  sw_pipe_rule_alerts_free(&a);
}

static void test_maintenance_records(void **state)
{
  (void)state;
  struct parsed p;
  struct sw_pipe_maintenance m;
  /* 18:00 in a zone two hours east is 16:00 UTC; a Z time is UTC. */
  char *once[] = {"maintenance", "add",
                  "--rule",      "7",
                  "--from",      "2026-12-24 18:00",
                  "--until",     "2026-12-24T20:00Z",
                  "--comment",   "patching"};
  parses_ok(&p, ARGC(once), once);
  assert_int_equal(sw_manage_maintenance_record(&p.a.alert.maint, p.a.alert.comment,
                                                wall_plus_two, NULL, &m),
                   SW_E_OK);
  int64_t day = sw_days_from_civil(2026, 12, 24) * 86400;
  assert_int_equal(m.from_ms, (day + 16 * 3600) * 1000);
  assert_int_equal(m.until_ms, (day + 20 * 3600) * 1000);
  assert_int_equal(m.rule_id, 7);
  assert_false(m.all);
  assert_null(m.weekly);
  assert_string_equal(m.comment, "patching");
  /* What the service checks it with accepts it. */
  struct sw_maint_window w;
  char why[128];
  assert_true(sw_pipe_maintenance_check(&m, &w, why, sizeof why));
  sw_pipe_maintenance_free(&m);
  done(&p);

  char *weekly[] = {"maintenance", "add", "--all", "--weekly", "sat,sun 22:00-02:00"};
  parses_ok(&p, ARGC(weekly), weekly);
  assert_int_equal(
      sw_manage_maintenance_record(&p.a.alert.maint, NULL, wall_plus_two, NULL, &m),
      SW_E_OK);
  assert_true(m.all);
  assert_int_equal(m.rule_id, 0);
  assert_string_equal(m.weekly, "Sat,Sun 22:00-02:00");
  assert_int_equal(m.from_ms, 0);
  assert_null(m.comment);
  assert_true(sw_pipe_maintenance_check(&m, &w, why, sizeof why));
  sw_pipe_maintenance_free(&m);
  done(&p);
}

static void test_alerts_merge(void **state)
{
  (void)state;
  struct parsed p;
  struct sw_pipe_rule_alerts stored;
  sw_pipe_rule_alerts_init(&stored);
  char *first[] = {"rules", "edit", "3", "--notify", "ops,teams", "--depends-on", "2"};
  parses_ok(&p, ARGC(first), first);
  assert_int_equal(sw_manage_alerts_merge(&p.a.alert.rule, &stored), SW_E_OK);
  done(&p);
  assert_int_equal(stored.notify_count, 2);
  assert_string_equal(stored.notify[0], "ops");
  assert_int_equal(stored.depends_on, 2);
  assert_int_equal(stored.on, SW_ALERT_ON_ALL); /* not given: kept */

  /* A later edit changes only what it names; "" clears. */
  char *second[] = {"rules", "edit", "3", "--notify-on", "critical", "--depends-on", ""};
  parses_ok(&p, ARGC(second), second);
  assert_int_equal(sw_manage_alerts_merge(&p.a.alert.rule, &stored), SW_E_OK);
  done(&p);
  assert_int_equal(stored.notify_count, 2);
  assert_string_equal(stored.notify[1], "teams");
  assert_int_equal(stored.on, SW_ALERT_ON_CRITICAL);
  assert_int_equal(stored.depends_on, 0);

  char *third[] = {"rules", "edit", "3", "--notify", ""};
  parses_ok(&p, ARGC(third), third);
  assert_int_equal(sw_manage_alerts_merge(&p.a.alert.rule, &stored), SW_E_OK);
  done(&p);
  assert_int_equal(stored.notify_count, 0);
  sw_pipe_rule_alerts_free(&stored);
}

static void test_notifier_input(void **state)
{
  (void)state;
  struct parsed p;
  struct sw_pipe_notifier_input in;
  char *mail[] = {"notifiers",
                  "add",
                  "ops",
                  "--email",
                  "ops@example.com,b@example.com",
                  "--relay",
                  "mx1,mx2:587",
                  "--auth-user",
                  "alerts",
                  "--auth-password-file",
                  "pw.txt"};
  parses_ok(&p, ARGC(mail), mail);
  assert_int_equal(sw_manage_notifier_input(&p.a.alert.notifier, "s3cret", &in), SW_E_OK);
  assert_string_equal(in.n.name, "ops");
  assert_int_equal(in.n.kind, SW_NOTIFIER_EMAIL);
  assert_int_equal(in.n.to_count, 2);
  assert_string_equal(in.n.to[1], "b@example.com");
  assert_string_equal(in.n.relays, "mx1,mx2:587");
  assert_null(in.n.from);
  assert_string_equal(in.n.auth_user, "alerts");
  assert_string_equal(in.password, "s3cret");
  assert_null(in.url);
  /* The record the service decodes validates as the same notifier. */
  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_pipe_put_notifier_input(&body, &in);
  struct sw_tlv_reader rd;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&rd, (const uint8_t *)body.data, body.len);
  assert_true(sw_tlv_next(&rd, &f));
  struct sw_pipe_notifier_input back;
  assert_int_equal(sw_pipe_get_notifier_input(&rd, &back), SW_E_OK);
  struct sw_notifier model;
  struct sw_relay relays[SW_NOTIFIER_RELAYS_MAX];
  char why[SW_NOTIFIER_PROBLEM_MAX];
  assert_true(sw_pipe_notifier_model(&back, &model, relays, why, sizeof why));
  assert_true(sw_notifier_validate(&model, why, sizeof why));
  assert_true(model.has_auth_password);
  sw_pipe_notifier_input_free(&back);
  sw_buf_free(&body);
  sw_pipe_notifier_input_free(&in);
  done(&p);

  char *hook[] = {
      "notifiers", "add",  "teams", "--webhook", "https://hooks.example.com/x?sig=1",
      "--format",  "slack"};
  parses_ok(&p, ARGC(hook), hook);
  assert_int_equal(sw_manage_notifier_input(&p.a.alert.notifier, NULL, &in), SW_E_OK);
  assert_string_equal(in.url, "https://hooks.example.com/x?sig=1");
  assert_null(in.password);
  assert_null(in.n.relays);
  assert_int_equal(in.n.format, SW_WEBHOOK_SLACK);
  sw_pipe_notifier_input_free(&in);
  done(&p);
}

static void test_password_line(void **state)
{
  (void)state;
  char why[200];
  char *pw = sw_manage_password_line("s3cret\r\nignored\n", 16, why, sizeof why);
  assert_string_equal(pw, "s3cret");
  free(pw);
  pw = sw_manage_password_line("\xEF\xBB\xBFp\xC3\xA4ss", 8, why, sizeof why);
  assert_string_equal(pw, "p\xC3\xA4ss");
  free(pw);
  pw = sw_manage_password_line("last line without end", 21, why, sizeof why);
  assert_string_equal(pw, "last line without end");
  free(pw);
  assert_null(sw_manage_password_line("", 0, why, sizeof why));
  assert_non_null(strstr(why, "The password file is empty"));
  assert_null(sw_manage_password_line("\r\nsecond", 8, why, sizeof why));
  assert_non_null(strstr(why, "empty"));
  assert_null(sw_manage_password_line("a\0b\n", 4, why, sizeof why));
  assert_non_null(strstr(why, "NUL"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_notifiers),
      cmocka_unit_test(test_notifier_targets),
      cmocka_unit_test(test_maintenance),
      cmocka_unit_test(test_notifications),
      cmocka_unit_test(test_rule_with_alerts),
      cmocka_unit_test(test_malformed_alert_bodies),
      cmocka_unit_test(test_maintenance_records),
      cmocka_unit_test(test_alerts_merge),
      cmocka_unit_test(test_notifier_input),
      cmocka_unit_test(test_password_line),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
