/* `smtpwatch watch`'s lines: what a person reads in the console and what
 * a script parses (one JSON object a line), for each kind of push. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "manage_args.h"
#include "manage_watch.h"

static void fixed_time(int64_t unix_ms, char *out, size_t size)
{
  snprintf(out, size, "T%lld", (long long)(unix_ms / 1000));
}

/* A push with a rule added, its state, an event and another rule
 * deleted. */
static void sample_push(struct sw_buf *b, bool resync)
{
  if (resync)
    sw_tlv_put_bool(b, SW_PIPE_TAG_RESYNC, true);
  struct sw_rule rule;
  sw_rule_init_defaults(&rule);
  rule.id = 42;
  sw_rule_set_string(&rule.name, "Relay \"42\"");
  sw_rule_set_string(&rule.host, "mx42.example.com");
  sw_pipe_put_rule_change(b, SW_PIPE_CHANGE_ADDED, 42, &rule, 7);
  sw_rule_free(&rule);
  struct sw_pipe_rule_state s;
  sw_pipe_rule_state_init(&s);
  s.rule_id = 42;
  s.state = SW_NAGIOS_CRITICAL;
  s.failures = 3;
  s.last_result_at_ms = 1000000;
  s.last_outcome = SW_OUTCOME_REFUSED;
  s.message = "Connection refused";
  s.held = SW_PIPE_HOLD_MAINTENANCE;
  sw_pipe_put_rule_state(b, &s);
  struct sw_pipe_event ev = {.at_ms = 2000000,
                             .event_id = 1002,
                             .rule_id = 42,
                             .message = "Rule 'Relay' is CRITICAL.\r\nOutcome: x"};
  strcpy(ev.severity, "error");
  sw_pipe_put_event(b, &ev);
  sw_pipe_put_rule_change(b, SW_PIPE_CHANGE_DELETED, 9, NULL, 0);
}

static void lines_for_people(void **state)
{
  (void)state;
  struct sw_manage_view v = {SW_TABLE_TEXT, fixed_time};
  struct sw_buf body, out;
  sw_buf_init(&body, 0);
  sw_buf_init(&out, 0);
  sample_push(&body, false);
  assert_int_equal(sw_manage_watch_lines((const uint8_t *)body.data, body.len, &v, &out),
                   SW_E_OK);
  assert_string_equal(
      sw_buf_str(&out),
      "rule 42 added (revision 7): Relay \"42\", mx42.example.com:25\n"
      "rule 9 deleted\n"
      "T1000 rule 42 CRITICAL, maintenance: connection_refused, Connection refused\n"
      "T2000 event 1002 error: Rule 'Relay' is CRITICAL.\n");
  sw_buf_free(&out);
  struct sw_pipe_subscribe granted = {
      .states = true, .events = true, .rules = true, .interval_ms = 250};
  sw_manage_watch_subscribed(&v, &granted, &out);
  assert_string_equal(sw_buf_str(&out),
                      "Watching the service (states, events, rule "
                      "changes), at most every 250 ms; Ctrl+C stops.\n");
  sw_buf_free(&out);
  sw_buf_free(&body);
}

static void json_lines_for_scripts(void **state)
{
  (void)state;
  struct sw_manage_view v = {SW_TABLE_JSON, NULL};
  struct sw_buf body, out;
  sw_buf_init(&body, 0);
  sw_buf_init(&out, 0);
  sample_push(&body, true);
  assert_int_equal(sw_manage_watch_lines((const uint8_t *)body.data, body.len, &v, &out),
                   SW_E_OK);
  assert_string_equal(
      sw_buf_str(&out),
      "{\"type\":\"resync\"}\n"
      "{\"type\":\"rule\",\"change\":\"added\",\"rule_id\":42,\"revision\":7,"
      "\"name\":\"Relay "
      "\\\"42\\\"\",\"server\":\"mx42.example.com:25\",\"enabled\":true}\n"
      "{\"type\":\"rule\",\"change\":\"deleted\",\"rule_id\":9}\n"
      "{\"type\":\"state\",\"rule_id\":42,\"state\":\"CRITICAL\",\"failures\":3,"
      "\"since\":\"\",\"last_check\":\"1970-01-01T00:16:40Z\","
      "\"outcome\":\"connection_refused\",\"message\":\"Connection refused\","
      "\"acknowledged\":false,\"held\":\"maintenance\",\"drifted\":false}\n"
      "{\"type\":\"event\",\"at\":\"1970-01-01T00:33:20Z\",\"event_id\":1002,"
      "\"severity\":\"error\",\"rule_id\":42,\"message\":\"Rule 'Relay' is "
      "CRITICAL.\\r\\nOutcome: x\"}\n");
  sw_buf_free(&out);
  /* a malformed push prints nothing */
  sw_tlv_begin(&body, SW_PIPE_TAG_RULE_STATE);
  assert_int_equal(sw_manage_watch_lines((const uint8_t *)body.data, body.len, &v, &out),
                   SW_E_INVALID_ARGUMENT);
  assert_int_equal(out.len, 0);
  sw_buf_free(&body);
}

static void watch_takes_json_not_csv(void **state)
{
  (void)state;
  struct sw_manage_args a;
  struct sw_buf errors;
  sw_buf_init(&errors, 0);
  char *ok[] = {"watch", "--json"};
  assert_int_equal(sw_manage_args_parse(&a, 2, ok, &errors), SW_E_OK);
  assert_int_equal(a.verb, SW_MANAGE_WATCH);
  assert_int_equal(a.format, SW_TABLE_JSON);
  sw_manage_args_free(&a);
  char *csv[] = {"watch", "--csv"};
  assert_int_equal(sw_manage_args_parse(&a, 2, csv, &errors), SW_E_INVALID_ARGUMENT);
  assert_non_null(strstr(sw_buf_str(&errors), "use --json"));
  sw_manage_args_free(&a);
  assert_non_null(strstr(sw_manage_usage("watch"), "until\nCtrl+C"));
  sw_buf_free(&errors);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(lines_for_people),
      cmocka_unit_test(json_lines_for_scripts),
      cmocka_unit_test(watch_takes_json_not_csv),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
