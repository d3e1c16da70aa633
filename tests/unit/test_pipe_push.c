/* Subscriptions (protocol version 4): what a client asks for, and the
 * pushes a subscribed editor or `smtpwatch watch` applies. A push is told
 * from a reply by its flag alone; every field a row shows must arrive as it
 * left; a rule change carries its revision and the whole rule, never a
 * secret; unknown records are skipped, and malformed ones refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pipe_fixture.h"
#include "pipe_push.h"

static void subscribe_round_trip(void **state)
{
  (void)state;
  struct sw_buf b;
  sw_buf_init(&b, 0);
  struct sw_pipe_subscribe want = {.states = true, .rules = true};
  sw_pipe_put_subscribe(&b, &want);
  struct sw_pipe_subscribe got;
  assert_int_equal(sw_pipe_get_subscribe((const uint8_t *)b.data, b.len, &got), SW_E_OK);
  assert_true(got.states);
  assert_false(got.events);
  assert_true(got.rules);
  assert_int_equal(got.interval_ms, 0); /* a request has none */
  assert_false(pipe_has_tag(&b, SW_PIPE_TAG_PUSH_INTERVAL_MS));

  sw_buf_free(&b);
  sw_buf_init(&b, 0);
  struct sw_pipe_subscribe ok = {
      .states = true, .events = true, .interval_ms = 250, .log_size = 16384};
  sw_pipe_put_subscribe(&b, &ok);
  sw_tlv_begin(&b, 999); /* a newer record: skipped */
  sw_tlv_put_int(&b, 1, 5);
  sw_tlv_end(&b);
  assert_int_equal(sw_pipe_get_subscribe((const uint8_t *)b.data, b.len, &got), SW_E_OK);
  assert_true(got.events);
  assert_false(got.rules);
  assert_int_equal(got.interval_ms, 250);
  assert_int_equal(got.log_size, 16384);

  /* a flag of the wrong type is a bad request */
  sw_buf_free(&b);
  sw_buf_init(&b, 0);
  sw_tlv_put_str(&b, SW_PIPE_TAG_SUB_STATES, "yes");
  assert_int_equal(sw_pipe_get_subscribe((const uint8_t *)b.data, b.len, &got),
                   SW_E_INVALID_ARGUMENT);
  sw_buf_free(&b);
}

/* A PUSH frame as the service writes one: flag PUSH, request id 0. */
static void push_frame_is_not_a_reply(void **state)
{
  (void)state;
  struct sw_buf b;
  sw_buf_init(&b, 0);
  size_t start;
  assert_int_equal(sw_pipe_frame_begin_push(&b, SW_PIPE_MSG_PUSH, &start), SW_E_OK);
  sw_tlv_put_bool(&b, SW_PIPE_TAG_RESYNC, true);
  assert_int_equal(sw_pipe_frame_end(&b, start), SW_E_OK);
  struct sw_pipe_frame fr;
  size_t used;
  assert_int_equal(sw_pipe_frame_decode((const uint8_t *)b.data, b.len, &fr, &used),
                   SW_PIPE_COMPLETE);
  assert_int_equal(used, b.len);
  assert_int_equal(fr.message, SW_PIPE_MSG_PUSH);
  assert_int_equal(fr.flags, SW_PIPE_FLAG_PUSH);
  assert_int_equal(fr.request_id, 0);
  struct sw_pipe_push p;
  assert_int_equal(sw_pipe_get_push(fr.body, fr.body_len, &p), SW_E_OK);
  assert_true(p.resync);
  assert_int_equal(p.state_count + p.event_count + p.change_count, 0);
  sw_pipe_push_free(&p);
  sw_buf_free(&b);
}

static void sample_state(struct sw_pipe_rule_state *s)
{
  sw_pipe_rule_state_init(s);
  s->rule_id = 42;
  s->state = SW_NAGIOS_CRITICAL;
  s->failures = 3;
  s->since_ms = 1795000000000;
  s->last_result_at_ms = 1795000060000;
  s->last_outcome = SW_OUTCOME_REFUSED;
  s->message = "Connection refused \xe2\x80\x94 nobody listens on 127.0.0.1:2525";
  s->acked = true;
  s->held = SW_PIPE_HOLD_UNREACHABLE;
  s->held_parent_name = "Gateway";
  s->drifted = true;
}

static void push_carries_states_events_and_changes(void **state)
{
  (void)state;
  struct sw_buf b;
  sw_buf_init(&b, 0);
  /* in the order the service saw them: a rule added, its state, an event,
   * another rule deleted, and an OK state with nothing held */
  struct sw_rule rule;
  sw_rule_init_defaults(&rule);
  rule.id = 42;
  sw_rule_set_string(&rule.name, "Relay 42");
  sw_rule_set_string(&rule.host, "mx42.example.com");
  sw_pipe_put_rule_change(&b, SW_PIPE_CHANGE_ADDED, 42, &rule, 7);
  struct sw_pipe_rule_state s;
  sample_state(&s);
  sw_pipe_put_rule_state(&b, &s);
  struct sw_pipe_event ev = {.key = 0,
                             .at_ms = 1795000060001,
                             .event_id = 1002,
                             .rule_id = 42,
                             .message = "Rule 'Relay 42' is CRITICAL."};
  strcpy(ev.severity, "error");
  sw_pipe_put_event(&b, &ev);
  sw_pipe_put_rule_change(&b, SW_PIPE_CHANGE_DELETED, 9, NULL, 0);
  struct sw_pipe_rule_state ok;
  sw_pipe_rule_state_init(&ok);
  ok.rule_id = 43;
  ok.state = SW_NAGIOS_OK;
  ok.last_outcome = SW_OUTCOME_OK;
  ok.total_us = 1234;
  sw_pipe_put_rule_state(&b, &ok);
  assert_false(b.truncated);

  struct sw_pipe_push p;
  assert_int_equal(sw_pipe_get_push((const uint8_t *)b.data, b.len, &p), SW_E_OK);
  assert_false(p.resync);
  assert_int_equal(p.change_count, 2);
  assert_int_equal(p.changes[0].kind, SW_PIPE_CHANGE_ADDED);
  assert_int_equal(p.changes[0].rule_id, 42);
  assert_int_equal(p.changes[0].revision, 7);
  assert_true(p.changes[0].has_rule);
  assert_string_equal(p.changes[0].rule.rule.name, "Relay 42");
  assert_string_equal(p.changes[0].rule.rule.host, "mx42.example.com");
  assert_int_equal(p.changes[0].rule.revision, 7);
  assert_int_equal(p.changes[1].kind, SW_PIPE_CHANGE_DELETED);
  assert_int_equal(p.changes[1].rule_id, 9);
  assert_false(p.changes[1].has_rule);

  assert_int_equal(p.state_count, 2);
  const struct sw_pipe_rule_state *g = &p.states[0];
  assert_int_equal(g->rule_id, 42);
  assert_int_equal(g->state, SW_NAGIOS_CRITICAL);
  assert_int_equal(g->failures, 3);
  assert_int_equal(g->since_ms, 1795000000000);
  assert_int_equal(g->last_result_at_ms, 1795000060000);
  assert_int_equal(g->last_outcome, SW_OUTCOME_REFUSED);
  assert_int_equal(g->total_us, 0);
  assert_string_equal(g->message, s.message);
  assert_true(g->acked);
  assert_int_equal(g->held, SW_PIPE_HOLD_UNREACHABLE);
  assert_string_equal(g->held_parent_name, "Gateway");
  assert_true(g->drifted);
  g = &p.states[1];
  assert_int_equal(g->state, SW_NAGIOS_OK); /* OK is 0, and still sent */
  assert_int_equal(g->last_outcome, SW_OUTCOME_OK);
  assert_int_equal(g->total_us, 1234);
  assert_null(g->message);
  assert_false(g->acked);
  assert_int_equal(g->held, SW_PIPE_HOLD_NONE);
  assert_null(g->held_parent_name);

  assert_int_equal(p.event_count, 1);
  assert_int_equal(p.events[0].event_id, 1002);
  assert_int_equal(p.events[0].rule_id, 42);
  assert_string_equal(p.events[0].severity, "error");
  assert_string_equal(p.events[0].message, ev.message);
  sw_pipe_push_free(&p);
  assert_null(p.states);
  sw_rule_free(&rule);
  sw_buf_free(&b);
}

/* A rule change never carries a secret, whatever the rule holds. */
static void rule_change_has_no_secret(void **state)
{
  (void)state;
  struct sw_rule rule;
  sw_rule_init_defaults(&rule);
  rule.id = 5;
  sw_rule_set_string(&rule.name, "Auth relay");
  sw_rule_set_string(&rule.host, "smtp.example.com");
  sw_rule_set_string(&rule.auth_user, "monitor");
  rule.auth_password_set = true;
  struct sw_buf b;
  sw_buf_init(&b, 0);
  sw_pipe_put_rule_change(&b, SW_PIPE_CHANGE_UPDATED, 5, &rule, 12);
  assert_true(pipe_has_tag(&b, SW_PIPE_TAG_RULE_AUTH_PASSWORD_SET));
  assert_false(pipe_has_tag(&b, SW_PIPE_TAG_RULE_AUTH_PASSWORD));
  assert_false(pipe_has_tag(&b, SW_PIPE_TAG_RULE_OAUTH_CLIENT_SECRET));
  struct sw_tlv_reader rd;
  pipe_open_record(&b, &rd, SW_PIPE_TAG_RULE_CHANGE);
  struct sw_pipe_rule_change c;
  assert_int_equal(sw_pipe_get_rule_change(&rd, &c), SW_E_OK);
  assert_int_equal(c.kind, SW_PIPE_CHANGE_UPDATED);
  assert_int_equal(c.revision, 12);
  assert_true(c.rule.rule.auth_password_set);
  sw_pipe_rule_change_free(&c);
  sw_rule_free(&rule);
  sw_buf_free(&b);
}

/* Unknown records and kinds are skipped or read as "updated"; a known field
 * of the wrong type and a record left open are errors, freed cleanly. */
static void unknown_and_malformed_pushes(void **state)
{
  (void)state;
  struct sw_buf b;
  sw_buf_init(&b, 0);
  sw_tlv_begin(&b, 998);
  sw_tlv_put_str(&b, 1, "from a newer service");
  sw_tlv_end(&b);
  sw_tlv_begin(&b, SW_PIPE_TAG_RULE_CHANGE);
  sw_tlv_put_str(&b, SW_PIPE_TAG_RULE_CHANGE_KIND, "renamed");
  sw_tlv_put_int(&b, SW_PIPE_TAG_RULE_ID, 3);
  sw_tlv_end(&b);
  struct sw_pipe_push p;
  assert_int_equal(sw_pipe_get_push((const uint8_t *)b.data, b.len, &p), SW_E_OK);
  assert_int_equal(p.change_count, 1);
  assert_int_equal(p.changes[0].kind, SW_PIPE_CHANGE_UPDATED);
  sw_pipe_push_free(&p);

  sw_tlv_begin(&b, SW_PIPE_TAG_RULE_STATE);
  sw_tlv_put_str(&b, SW_PIPE_TAG_RULE_ID, "42"); /* wrong type */
  sw_tlv_end(&b);
  assert_int_equal(sw_pipe_get_push((const uint8_t *)b.data, b.len, &p),
                   SW_E_INVALID_ARGUMENT);
  sw_pipe_push_free(&p);

  sw_buf_free(&b);
  sw_buf_init(&b, 0);
  sw_tlv_begin(&b, SW_PIPE_TAG_RULE_STATE);
  sw_tlv_put_str(&b, SW_PIPE_TAG_MESSAGE, "left open");
  assert_int_equal(sw_pipe_get_push((const uint8_t *)b.data, b.len, &p),
                   SW_E_INVALID_ARGUMENT);
  sw_pipe_push_free(&p);
  sw_buf_free(&b);
  sw_buf_init(&b, 0);
  sw_tlv_put_int(&b, SW_PIPE_TAG_RESYNC, 1); /* RESYNC is a BOOL */
  assert_int_equal(sw_pipe_get_push((const uint8_t *)b.data, b.len, &p),
                   SW_E_INVALID_ARGUMENT);
  sw_pipe_push_free(&p);
  assert_string_equal(sw_pipe_change_name(SW_PIPE_CHANGE_DELETED), "deleted");
  sw_buf_free(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(subscribe_round_trip),
      cmocka_unit_test(push_frame_is_not_a_reply),
      cmocka_unit_test(push_carries_states_events_and_changes),
      cmocka_unit_test(rule_change_has_no_secret),
      cmocka_unit_test(unknown_and_malformed_pushes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
