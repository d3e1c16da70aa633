/* What an administrator reads in an alert: the subject, the mail body and
 * the webhook bodies, for each kind of notification, with a hostile
 * server's words shown as words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "alert_note.h"
#include "alert_webhook.h"

/* 2026-12-07 10:12:03 UTC and five minutes later. */
#define SINCE INT64_C(1796638323)
#define AT (SINCE + 300)

static struct sw_alert_note problem(void)
{
  return (struct sw_alert_note){.id = "0b5e7c1d-42",
                                .kind = SW_ALERT_PROBLEM,
                                .rule_id = 42,
                                .rule_name = "Main relay",
                                .host = "mail.example.com",
                                .port = 25,
                                .state = SW_NAGIOS_CRITICAL,
                                .previous = SW_NAGIOS_OK,
                                .outcome = SW_OUTCOME_REFUSED,
                                .message = "connect to 192.0.2.1:25 refused",
                                .reply_code = 0,
                                .response_ms = -1,
                                .since = SINCE,
                                .at = AT,
                                .machine = "MAILMON01"};
}

static const char *text_of(struct sw_buf *b)
{
  return sw_buf_str(b);
}

static void test_subjects(void **state)
{
  (void)state;
  char subject[300];
  struct sw_alert_note n = problem();
  sw_alert_subject(&n, subject, sizeof subject);
  assert_string_equal(subject, "[SMTP Watch] CRITICAL: Main relay (mail.example.com:25)");
  n.kind = SW_ALERT_REMINDER;
  sw_alert_subject(&n, subject, sizeof subject);
  assert_string_equal(subject,
                      "[SMTP Watch] still CRITICAL: Main relay (mail.example.com:25)");
  n.kind = SW_ALERT_RECOVERY;
  n.state = SW_NAGIOS_OK;
  n.previous = SW_NAGIOS_CRITICAL;
  sw_alert_subject(&n, subject, sizeof subject);
  assert_string_equal(subject,
                      "[SMTP Watch] RECOVERED: Main relay (mail.example.com:25)");
  n = problem();
  n.kind = SW_ALERT_FLAPPING;
  n.host = "2001:db8::25";
  n.port = 587;
  sw_alert_subject(&n, subject, sizeof subject);
  assert_string_equal(subject, "[SMTP Watch] FLAPPING: Main relay ([2001:db8::25]:587)");
}

static void test_problem_body(void **state)
{
  (void)state;
  struct sw_alert_note n = problem();
  struct sw_buf b;
  sw_buf_init(&b, 0);
  assert_int_equal(sw_alert_body(&n, &b), SW_E_OK);
  assert_string_equal(
      text_of(&b),
      "Main relay is CRITICAL (it was OK).\n"
      "\n"
      "Server:      mail.example.com:25\n"
      "State:       CRITICAL since 2026-12-07 10:12:03 UTC\n"
      "Outcome:     The connection was refused: nothing listens on this port, or a "
      "firewall rejects it. (connection_refused)\n"
      "Found:       connect to 192.0.2.1:25 refused\n"
      "Checked:     2026-12-07 10:17:03 UTC on MAILMON01\n"
      "\n"
      "Notification id: 0b5e7c1d-42\n"
      "To stop reminders until the state changes: smtpwatch rules ack 42 "
      "--comment \"...\"\n");
  sw_buf_free(&b);
}

static void test_recovery_body(void **state)
{
  (void)state;
  struct sw_alert_note n = problem();
  n.kind = SW_ALERT_RECOVERY;
  n.state = SW_NAGIOS_OK;
  n.previous = SW_NAGIOS_CRITICAL;
  n.outcome = SW_OUTCOME_OK;
  n.message = "";
  n.reply_code = 250;
  n.response_ms = 84;
  struct sw_buf b;
  sw_buf_init(&b, 0);
  assert_int_equal(sw_alert_body(&n, &b), SW_E_OK);
  assert_non_null(strstr(text_of(&b), "Main relay is OK again (it was CRITICAL).\n"));
  assert_non_null(strstr(text_of(&b), "Reply code:  250\nResponse:    84 ms\n"));
  assert_null(strstr(text_of(&b), "Found:"));
  assert_null(strstr(text_of(&b), "rules ack")); /* nothing to acknowledge */
  sw_buf_free(&b);
}

static void test_generic_json(void **state)
{
  (void)state;
  struct sw_alert_note n = problem();
  struct sw_buf b;
  sw_buf_init(&b, 0);
  assert_int_equal(sw_alert_webhook_json(&n, SW_WEBHOOK_GENERIC, &b), SW_E_OK);
  assert_string_equal(
      text_of(&b),
      "{\"id\":\"0b5e7c1d-42\",\"kind\":\"problem\","
      "\"rule\":{\"id\":42,\"name\":\"Main "
      "relay\",\"host\":\"mail.example.com\",\"port\":25},"
      "\"state\":\"CRITICAL\",\"previous_state\":\"OK\","
      "\"since\":\"2026-12-07T10:12:03Z\",\"at\":\"2026-12-07T10:17:03Z\","
      "\"outcome\":\"connection_refused\","
      "\"outcome_text\":\"The connection was refused: nothing listens on this port, or a "
      "firewall rejects it.\","
      "\"message\":\"connect to 192.0.2.1:25 refused\",\"reply_code\":null,"
      "\"response_ms\":null,\"machine\":\"MAILMON01\"}");
  sw_buf_free(&b);
}

/* A server that answers with Markdown and Slack markup gets its words
 * shown, never a link, a mention or emphasis. */
static const char hostile[] = "554 [click](https://evil.example) <!channel> & *now*";

static void test_teams_card(void **state)
{
  (void)state;
  struct sw_alert_note n = problem();
  n.message = hostile;
  struct sw_buf b;
  sw_buf_init(&b, 0);
  assert_int_equal(sw_alert_webhook_json(&n, SW_WEBHOOK_TEAMS, &b), SW_E_OK);
  const char *t = text_of(&b);
  assert_non_null(
      strstr(t, "{\"type\":\"message\",\"attachments\":[{\"contentType\":"
                "\"application/vnd.microsoft.card.adaptive\",\"contentUrl\":null,"
                "\"content\":{\"$schema\":\"http://adaptivecards.io/schemas/"
                "adaptive-card.json\",\"type\":\"AdaptiveCard\",\"version\":\"1.4\""));
  assert_non_null(strstr(t, "\"color\":\"Attention\""));
  assert_non_null(strstr(t, "{\"title\":\"Server\",\"value\":\"mail.example.com:25\"}"));
  /* JSON doubles each backslash: \\[click\\]\\(https:... */
  assert_non_null(strstr(t, "554 \\\\[click\\\\]\\\\(https:"));
  assert_null(strstr(t, "[click](")); /* no Markdown link survives */
  assert_non_null(strstr(t, "\\\\*now\\\\*"));
  sw_buf_free(&b);
}

static void test_slack_message(void **state)
{
  (void)state;
  struct sw_alert_note n = problem();
  n.message = hostile;
  n.rule_name = "Relay <b> & co";
  struct sw_buf b;
  sw_buf_init(&b, 0);
  assert_int_equal(sw_alert_webhook_json(&n, SW_WEBHOOK_SLACK, &b), SW_E_OK);
  const char *t = text_of(&b);
  /* The fallback text is Slack markup: its three characters are escaped. */
  assert_non_null(strstr(t, "{\"text\":\"CRITICAL: Relay &lt;b&gt; &amp; co "
                            "(mail.example.com:25)\",\"blocks\":[{\"type\":\"header\""));
  /* Blocks carry plain_text: the words as they are. */
  assert_non_null(
      strstr(t, "{\"type\":\"plain_text\",\"text\":\"CRITICAL: Relay <b> & co"));
  assert_non_null(strstr(t, "{\"type\":\"plain_text\",\"text\":\"Found: " /* raw */
                            "554 [click](https://evil.example) <!channel> & *now*\"}"));
  assert_null(strstr(t, "mrkdwn"));
  sw_buf_free(&b);
}

static void test_format_names(void **state)
{
  (void)state;
  enum sw_webhook_format f;
  assert_true(sw_webhook_format_from_name("teams", &f));
  assert_int_equal(f, SW_WEBHOOK_TEAMS);
  assert_string_equal(sw_webhook_format_name(SW_WEBHOOK_SLACK), "slack");
  assert_false(sw_webhook_format_from_name("Teams", &f));
  assert_false(sw_webhook_format_from_name("discord", &f));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_subjects),      cmocka_unit_test(test_problem_body),
      cmocka_unit_test(test_recovery_body), cmocka_unit_test(test_generic_json),
      cmocka_unit_test(test_teams_card),    cmocka_unit_test(test_slack_message),
      cmocka_unit_test(test_format_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
