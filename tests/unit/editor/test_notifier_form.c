/* The Notifications window's model: a notifier's and a notification's
 * cells, what a Test came to, and the notifier dialog's form (shown from
 * a stored notifier without its secrets, turned into a record with the
 * secrets typed, refused with the validators' sentences). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "notifier_form.h"
#include "outbox_rows.h"

#define T0 1780000000000 /* 2026-05-28 20:26:40 UTC */

/* A problem of rule "relay" to "ops-mail", tried 3 times. */
static struct sw_pipe_notification sample(void)
{
  struct sw_pipe_notification n;
  sw_pipe_notification_init(&n);
  n.id = "0b6c-41";
  n.rule_id = 4;
  n.rule_name = "relay";
  n.notifier = "ops-mail";
  n.kind = SW_ALERT_PROBLEM;
  n.state = SW_NAGIOS_CRITICAL;
  n.status = SW_PIPE_DELIVERY_PENDING;
  n.attempts = 3;
  n.created_ms = T0;
  n.last_error = "mx1.example.com:25 refused:\r\n554 no";
  return n;
}

static void outbox_cells(void **state)
{
  (void)state;
  struct sw_pipe_notification n = sample();
  static const char *const want[SW_OUTBOX_COL_COUNT] = {
      "2026-05-28 20:26:40 UTC",
      "relay",
      "ops-mail",
      "problem",
      "CRITICAL",
      "pending",
      "3",
      "mx1.example.com:25 refused: / 554 no"};
  char text[200];
  for (int c = 0; c < SW_OUTBOX_COL_COUNT; c++) {
    sw_outbox_cell(&n, (enum sw_outbox_column)c, NULL, text, sizeof text);
    assert_string_equal(text, want[c]);
  }
  n.rule_id = 0; /* a notifier's test */
  n.last_error = NULL;
  sw_outbox_cell(&n, SW_OUTBOX_COL_RULE, NULL, text, sizeof text);
  assert_string_equal(text, "(test)");
  sw_outbox_cell(&n, SW_OUTBOX_COL_ERROR, NULL, text, sizeof text);
  assert_string_equal(text, "");
}

static void a_test_says_what_came_of_it(void **state)
{
  (void)state;
  struct sw_pipe_notification n = sample();
  char text[300];
  n.status = SW_PIPE_DELIVERY_SENT;
  sw_outbox_test_text(&n, "ops-mail", text, sizeof text);
  assert_string_equal(text,
                      "The test notification of \"ops-mail\" was sent (id 0b6c-41).");
  n.status = SW_PIPE_DELIVERY_FAILED;
  n.last_error = "Connection refused";
  sw_outbox_test_text(&n, "ops-mail", text, sizeof text);
  assert_string_equal(text,
                      "The test notification of \"ops-mail\" failed: Connection refused");
  sw_notifier_delete_question("ops-mail", text, sizeof text);
  assert_string_equal(text, "Delete the notifier \"ops-mail\"?\n\nThe service refuses "
                            "while rules send to it or it is a default notifier.");
}

static void notifier_cells_never_show_a_secret(void **state)
{
  (void)state;
  struct sw_pipe_notifier n;
  sw_pipe_notifier_init(&n);
  n.name = "teams";
  n.kind = SW_NOTIFIER_WEBHOOK;
  n.format = SW_WEBHOOK_TEAMS;
  n.url_shown = "https://example.com/...";
  char text[200];
  sw_notifier_cell(&n, SW_NOTIFIER_COL_NAME, text, sizeof text);
  assert_string_equal(text, "teams");
  sw_notifier_cell(&n, SW_NOTIFIER_COL_KIND, text, sizeof text);
  assert_string_equal(text, "webhook (teams)");
  sw_notifier_cell(&n, SW_NOTIFIER_COL_TARGET, text, sizeof text);
  assert_string_equal(text, "https://example.com/...");
  sw_notifier_form_text(&n, SW_NOTIFIER_TEXT_URL, text, sizeof text);
  assert_string_equal(text, "");
  assert_string_equal(sw_notifier_form_secret_note(true), "set (leave empty to keep it)");
  assert_string_equal(sw_notifier_form_secret_note(false), "not set");
}

static void an_email_notifier_becomes_a_record(void **state)
{
  (void)state;
  struct sw_notifier_form f = {.kind = SW_NOTIFIER_EMAIL, .tls_mode = SW_TLS_STARTTLS};
  f.text[SW_NOTIFIER_TEXT_NAME] = "ops-mail";
  f.text[SW_NOTIFIER_TEXT_TO] = "ops@example.com, boss@example.com";
  f.text[SW_NOTIFIER_TEXT_RELAYS] = "mx1.example.com,mx2.example.com:587";
  f.text[SW_NOTIFIER_TEXT_AUTH_USER] = "alerts";
  f.text[SW_NOTIFIER_TEXT_PASSWORD] = "s3cret";
  f.text[SW_NOTIFIER_TEXT_COMMAND] = "not an email field"; /* hidden: not sent */
  struct sw_pipe_notifier_input in;
  char why[300];
  assert_int_equal(sw_notifier_form_to_input(&f, &in, why, sizeof why), SW_E_OK);
  assert_string_equal(why, "");
  assert_string_equal(in.n.name, "ops-mail");
  assert_int_equal(in.n.to_count, 2);
  assert_string_equal(in.n.to[1], "boss@example.com");
  assert_string_equal(in.n.relays, "mx1.example.com,mx2.example.com:587");
  assert_string_equal(in.password, "s3cret");
  assert_null(in.n.command_line);
  assert_null(in.url);
  sw_pipe_notifier_input_free(&in);

  /* Shown again: the addresses joined, the password not at all. */
  struct sw_pipe_notifier stored;
  sw_pipe_notifier_init(&stored);
  char *to[] = {"ops@example.com", "boss@example.com"};
  stored.to = to;
  stored.to_count = 2;
  char text[200];
  sw_notifier_form_text(&stored, SW_NOTIFIER_TEXT_TO, text, sizeof text);
  assert_string_equal(text, "ops@example.com, boss@example.com");
  sw_notifier_form_text(&stored, SW_NOTIFIER_TEXT_PASSWORD, text, sizeof text);
  assert_string_equal(text, "");
}

static void an_edit_keeps_the_secrets_left_empty(void **state)
{
  (void)state;
  struct sw_notifier_form f = {.kind = SW_NOTIFIER_WEBHOOK,
                               .format = SW_WEBHOOK_SLACK,
                               .editing = true,
                               .revision = 3,
                               .url_shown = "https://hooks.example.com/..."};
  f.text[SW_NOTIFIER_TEXT_NAME] = "slack";
  struct sw_pipe_notifier_input in;
  char why[300];
  assert_int_equal(sw_notifier_form_to_input(&f, &in, why, sizeof why), SW_E_OK);
  assert_null(in.url); /* not sent: the service keeps it */
  assert_int_equal(in.n.revision, 3);
  sw_pipe_notifier_input_free(&in);
  /* A new webhook without its URL is refused by the shared validator. */
  f.editing = false;
  assert_int_equal(sw_notifier_form_to_input(&f, &in, why, sizeof why),
                   SW_E_INVALID_ARGUMENT);
  assert_true(why[0] != '\0');
  sw_pipe_notifier_input_free(&in);
  f.text[SW_NOTIFIER_TEXT_URL] = "http://plain.example.com/hook";
  assert_int_equal(sw_notifier_form_to_input(&f, &in, why, sizeof why),
                   SW_E_INVALID_ARGUMENT);
  assert_non_null(strstr(why, "https"));
  sw_pipe_notifier_input_free(&in);
}

static void a_program_s_timeout_is_checked(void **state)
{
  (void)state;
  struct sw_notifier_form f = {.kind = SW_NOTIFIER_PROGRAM};
  f.text[SW_NOTIFIER_TEXT_NAME] = "log-it";
  f.text[SW_NOTIFIER_TEXT_COMMAND] = "cmd /c echo %SMTPWATCH_STATE%";
  struct sw_pipe_notifier_input in;
  char why[300];
  assert_int_equal(sw_notifier_form_to_input(&f, &in, why, sizeof why), SW_E_OK);
  assert_int_equal(in.n.timeout_s, SW_PROGRAM_DEFAULT_TIMEOUT_S);
  sw_pipe_notifier_input_free(&in);
  f.text[SW_NOTIFIER_TEXT_TIMEOUT] = "3601";
  assert_int_equal(sw_notifier_form_to_input(&f, &in, why, sizeof why),
                   SW_E_INVALID_ARGUMENT);
  assert_string_equal(why,
                      "The timeout must be a whole number of seconds from 1 to 3600.");
  sw_pipe_notifier_input_free(&in);
  assert_true(sw_notifier_form_uses(SW_NOTIFIER_PROGRAM, SW_NOTIFIER_TEXT_TIMEOUT));
  assert_false(sw_notifier_form_uses(SW_NOTIFIER_PROGRAM, SW_NOTIFIER_TEXT_URL));
  assert_true(sw_notifier_form_uses(SW_NOTIFIER_RESTART_SERVICE, SW_NOTIFIER_TEXT_NAME));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(outbox_cells),
      cmocka_unit_test(a_test_says_what_came_of_it),
      cmocka_unit_test(notifier_cells_never_show_a_secret),
      cmocka_unit_test(an_email_notifier_becomes_a_record),
      cmocka_unit_test(an_edit_keeps_the_secrets_left_empty),
      cmocka_unit_test(a_program_s_timeout_is_checked),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
