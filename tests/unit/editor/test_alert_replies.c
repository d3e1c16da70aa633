/* The version 2 replies the editor reads, made with the service's own
 * encoders: the notifiers (no secret can come back), a rule's alert
 * settings, the outbox page with its MORE flag; a body cut short is an
 * error, with nothing leaked (ASan says). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alert_replies.h"
#include "pipe_frame.h"
#include "pipe_protocol.h"

static void notifiers_come_back_without_secrets(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, SW_PIPE_FRAME_MAX);
  char *to[] = {"ops@example.com"};
  struct sw_pipe_notifier mail = {.name = "ops-mail",
                                  .kind = SW_NOTIFIER_EMAIL,
                                  .to = to,
                                  .to_count = 1,
                                  .relays = "mx1.example.com",
                                  .tls_mode = SW_TLS_STARTTLS,
                                  .auth_user = "alerts",
                                  .password_set = true};
  struct sw_pipe_notifier hook = {.name = "teams",
                                  .kind = SW_NOTIFIER_WEBHOOK,
                                  .url_shown = "https://example.com/hook/SECRET-TOKEN",
                                  .format = SW_WEBHOOK_TEAMS};
  sw_pipe_put_notifier(&body, &mail);
  sw_pipe_put_notifier(&body, &hook);
  sw_tlv_put_bool(&body, SW_PIPE_TAG_MORE, false);
  struct sw_pipe_notifier *list;
  size_t count;
  assert_int_equal(
      sw_alert_notifiers_decode((const uint8_t *)body.data, body.len, &list, &count),
      SW_E_OK);
  assert_int_equal(count, 2);
  assert_string_equal(list[0].name, "ops-mail");
  assert_int_equal(list[0].to_count, 1);
  assert_string_equal(list[0].to[0], "ops@example.com");
  assert_true(list[0].password_set);
  assert_string_equal(list[1].url_shown, "https://example.com/...");
  assert_null(strstr((const char *)body.data, "SECRET"));
  sw_alert_notifiers_free(list, count);

  /* Cut short: an error, and what was decoded is still freed. */
  assert_int_not_equal(
      sw_alert_notifiers_decode((const uint8_t *)body.data, body.len - 5, &list, &count),
      SW_E_OK);
  sw_alert_notifiers_free(list, count);
  sw_buf_free(&body);
}

static void a_rule_s_alert_settings(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, SW_PIPE_FRAME_MAX);
  struct sw_pipe_rule_alerts out;
  assert_int_equal(sw_alert_rule_alerts_decode((const uint8_t *)body.data, 0, &out),
                   SW_E_INVALID_ARGUMENT);
  sw_pipe_rule_alerts_free(&out);
  char *notify[] = {"ops-mail", "teams"};
  struct sw_pipe_rule_alerts a = {.rule_id = 4,
                                  .notify = notify,
                                  .notify_count = 2,
                                  .on = SW_ALERT_ON_CRITICAL,
                                  .after_s = 300,
                                  .renotify_s = 600,
                                  .depends_on = 2,
                                  .depends_on_name = "firewall"};
  sw_pipe_put_rule_alerts(&body, &a);
  assert_int_equal(
      sw_alert_rule_alerts_decode((const uint8_t *)body.data, body.len, &out), SW_E_OK);
  assert_int_equal(out.rule_id, 4);
  assert_int_equal(out.notify_count, 2);
  assert_string_equal(out.notify[1], "teams");
  assert_int_equal(out.on, SW_ALERT_ON_CRITICAL);
  assert_int_equal(out.after_s, 300);
  assert_int_equal(out.renotify_s, 600);
  assert_int_equal(out.depends_on, 2);
  assert_string_equal(out.depends_on_name, "firewall");
  sw_pipe_rule_alerts_free(&out);
  sw_buf_free(&body);
}

static void an_outbox_page_and_its_more_flag(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, SW_PIPE_FRAME_MAX);
  for (int i = 0; i < 3; i++) {
    struct sw_pipe_notification n = {.key = 10 - i,
                                     .id = "n-1",
                                     .rule_id = 4,
                                     .rule_name = "relay",
                                     .notifier = "ops-mail",
                                     .kind = SW_ALERT_PROBLEM,
                                     .state = SW_NAGIOS_CRITICAL,
                                     .status = SW_PIPE_DELIVERY_PENDING,
                                     .attempts = 2,
                                     .created_ms = 1000,
                                     .last_error = "refused"};
    sw_pipe_put_notification(&body, &n);
  }
  struct sw_pipe_notification *list;
  size_t count;
  bool more = true;
  assert_int_equal(sw_alert_notifications_decode((const uint8_t *)body.data, body.len,
                                                 &list, &count, &more),
                   SW_E_OK);
  assert_int_equal(count, 3);
  assert_false(more);
  assert_int_equal(list[2].key, 8);
  assert_string_equal(list[0].last_error, "refused");
  assert_int_equal(list[0].status, SW_PIPE_DELIVERY_PENDING);
  sw_alert_notifications_free(list, count);
  sw_tlv_put_bool(&body, SW_PIPE_TAG_MORE, true);
  assert_int_equal(sw_alert_notifications_decode((const uint8_t *)body.data, body.len,
                                                 &list, &count, &more),
                   SW_E_OK);
  assert_true(more);
  sw_alert_notifications_free(list, count);
  sw_buf_free(&body);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(notifiers_come_back_without_secrets),
      cmocka_unit_test(a_rule_s_alert_settings),
      cmocka_unit_test(an_outbox_page_and_its_more_flag),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
