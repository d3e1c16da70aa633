/* The records the editor and the command line show: a result, a rule's
 * status with its last result, an event, the service's figures. Every field
 * must arrive as it left, and text from a server (UTF-8, long transcripts)
 * must survive the trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pipe_fixture.h"
#include "pipe_protocol.h"
#include "pipe_records.h"
#include "round_trip_fixture.h"
#include "step_times.h"

static void sample_result(struct sw_pipe_result *r)
{
  sw_pipe_result_init(r);
  r->id = 900;
  r->rule_id = 12;
  r->started_at_ms = 1795000000123;
  r->status = SW_NAGIOS_CRITICAL;
  struct sw_check_result *c = &r->check;
  c->outcome = SW_OUTCOME_PERM_REJECT;
  c->step = SW_STEP_GREETING;
  c->reply_code = 554;
  strcpy(c->enhanced_code, "5.7.1");
  strcpy(c->reply, "554 5.7.1 Zugriff verweigert \xe2\x80\x94 go away");
  strcpy(c->detail, "");
  strcpy(c->peer, "[2001:db8::25]:25");
  c->used_helo = true;
  c->caps = SW_CAP(PIPELINING) | SW_CAP(STARTTLS);
  c->step_us[SW_STEP_RESOLVE] = 12;
  c->step_us[SW_STEP_CONNECT] = 345;
  c->step_us[SW_STEP_GREETING] = 6789;
  c->total_us = 7146;
  sw_buf_appends(&c->transcript, "[ 0.1 ms] S: 554 5.7.1 go away\n[ 0.2 ms] C: QUIT\n");
  c->tls.used = true;
  strcpy(c->tls.version, "TLS 1.2");
  strcpy(c->tls.cipher, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  strcpy(c->tls.subject, "CN=mx.example.com");
  strcpy(c->tls.issuer, "CN=Example CA");
  strcpy(c->tls.key_sha256,
         "00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff");
  strcpy(c->tls.key_type, "ECDSA P-256");
  static const char sans[] = "mx.example.com\nmail.example.com";
  c->tls.sans = malloc(sizeof sans); /* owned by the result: freed with it */
  memcpy(c->tls.sans, sans, sizeof sans);
  c->tls.not_after = 1800000000;
  c->tls.days_left = 3;
  strcpy(r->message, "Permanent rejection at the greeting: 554 5.7.1 go away");
}

static void assert_same_result(const struct sw_pipe_result *a,
                               const struct sw_pipe_result *b, bool transcript)
{
  assert_int_equal(b->id, a->id);
  assert_int_equal(b->rule_id, a->rule_id);
  assert_int_equal(b->started_at_ms, a->started_at_ms);
  assert_int_equal(b->status, a->status);
  const struct sw_check_result *x = &a->check, *y = &b->check;
  assert_int_equal(y->outcome, x->outcome);
  assert_int_equal(y->step, x->step);
  assert_int_equal(y->reply_code, x->reply_code);
  assert_string_equal(y->enhanced_code, x->enhanced_code);
  assert_string_equal(y->reply, x->reply);
  assert_string_equal(y->peer, x->peer);
  assert_int_equal(y->used_helo, x->used_helo);
  assert_int_equal(y->caps, x->caps);
  assert_int_equal(y->total_us, x->total_us);
  for (int i = 0; i < SW_STEP_COUNT; i++)
    assert_int_equal(y->step_us[i], x->step_us[i]);
  assert_string_equal(b->message, a->message);
  assert_true(y->tls.used);
  assert_string_equal(y->tls.version, x->tls.version);
  assert_string_equal(y->tls.cipher, x->tls.cipher);
  assert_string_equal(y->tls.subject, x->tls.subject);
  assert_string_equal(y->tls.issuer, x->tls.issuer);
  assert_string_equal(y->tls.key_sha256, x->tls.key_sha256);
  assert_string_equal(y->tls.key_type, x->tls.key_type);
  assert_string_equal(y->tls.sans, x->tls.sans);
  assert_int_equal(y->tls.not_after, x->tls.not_after);
  assert_int_equal(y->tls.days_left, x->tls.days_left);
  if (transcript)
    assert_string_equal(sw_buf_str(&y->transcript), sw_buf_str(&x->transcript));
  else
    assert_int_equal(y->transcript.len, 0);
}

static void result_round_trip(void **state)
{
  (void)state;
  struct sw_pipe_result r, back;
  sample_result(&r);
  for (int with = 0; with < 2; with++) {
    struct sw_buf body;
    sw_buf_init(&body, 0);
    sw_pipe_put_result(&body, &r, with);
    struct sw_tlv_reader rd;
    pipe_open_record(&body, &rd, SW_PIPE_TAG_RESULT);
    assert_int_equal(sw_pipe_get_result(&rd, &back), SW_E_OK);
    assert_same_result(&r, &back, with);
    sw_pipe_result_free(&back);
    sw_buf_free(&body);
  }
  sw_pipe_result_free(&r);
}

/* A round trip's result (version 5): its timings, hops and verdicts. */
static void round_trip_result_round_trip(void **state)
{
  (void)state;
  struct sw_pipe_result r, back;
  sample_result(&r);
  r.check.outcome = SW_OUTCOME_DELIVERED;
  r.check.round_trip = sw_test_round_trip_sample();
  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_pipe_put_result(&body, &r, false);
  struct sw_tlv_reader rd;
  pipe_open_record(&body, &rd, SW_PIPE_TAG_RESULT);
  assert_int_equal(sw_pipe_get_result(&rd, &back), SW_E_OK);
  assert_int_equal(back.check.outcome, SW_OUTCOME_DELIVERED);
  sw_test_assert_same_round_trip(r.check.round_trip, back.check.round_trip);
  sw_pipe_result_free(&back);
  /* An ordinary result has none. */
  sw_round_trip_result_free(r.check.round_trip);
  r.check.round_trip = NULL;
  body.len = 0;
  sw_pipe_put_result(&body, &r, false);
  pipe_open_record(&body, &rd, SW_PIPE_TAG_RESULT);
  assert_int_equal(sw_pipe_get_result(&rd, &back), SW_E_OK);
  assert_null(back.check.round_trip);
  sw_pipe_result_free(&back);
  sw_pipe_result_free(&r);
  sw_buf_free(&body);
}

static void status_with_and_without_result(void **state)
{
  (void)state;
  struct sw_pipe_status s, back;
  pipe_status_sample(&s);
  s.failures = 3;
  s.since_ms = 1795000000000;
  s.last_result_at_ms = 1795000000123;
  s.has_result = true;
  sample_result(&s.last);

  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_pipe_put_status(&body, &s);
  struct sw_tlv_reader rd;
  pipe_open_record(&body, &rd, SW_PIPE_TAG_STATUS);
  assert_int_equal(sw_pipe_get_status(&rd, &back), SW_E_OK);
  assert_int_equal(back.rule_id, 12);
  assert_string_equal(back.name, "Main relay");
  assert_string_equal(back.host, "mx.example.com");
  assert_int_equal(back.port, 25);
  assert_true(back.enabled);
  assert_true(back.has_state);
  assert_int_equal(back.state, SW_NAGIOS_CRITICAL);
  assert_int_equal(back.failures, 3);
  assert_int_equal(back.since_ms, s.since_ms);
  assert_true(back.has_result);
  assert_same_result(&s.last, &back.last, false);
  sw_pipe_status_free(&back);
  sw_buf_free(&body);

  /* A rule that never ran: no state, no result. */
  s.has_state = false;
  s.has_result = false;
  sw_buf_init(&body, 0);
  sw_pipe_put_status(&body, &s);
  pipe_open_record(&body, &rd, SW_PIPE_TAG_STATUS);
  assert_int_equal(sw_pipe_get_status(&rd, &back), SW_E_OK);
  assert_false(back.has_state);
  assert_false(back.has_result);
  sw_pipe_status_free(&back);
  sw_buf_free(&body);
  sw_pipe_result_free(&s.last);
}

static void event_and_service_info_round_trip(void **state)
{
  (void)state;
  struct sw_pipe_event e = {.key = 77,
                            .at_ms = 1795000000999,
                            .event_id = 1002,
                            .severity = "error",
                            .rule_id = 12,
                            .message = "Main relay (mx.example.com:25) is CRITICAL"};
  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_pipe_put_event(&body, &e);
  struct sw_tlv_reader rd;
  pipe_open_record(&body, &rd, SW_PIPE_TAG_EVENT);
  struct sw_pipe_event back;
  assert_int_equal(sw_pipe_get_event(&rd, &back), SW_E_OK);
  assert_int_equal(back.key, 77);
  assert_int_equal(back.at_ms, e.at_ms);
  assert_int_equal(back.event_id, 1002);
  assert_string_equal(back.severity, "error");
  assert_int_equal(back.rule_id, 12);
  assert_string_equal(back.message, e.message);
  sw_pipe_event_free(&back);
  sw_buf_free(&body);

  struct sw_pipe_service_info info = {.version = "0.1.0",
                                      .uptime_s = 3600,
                                      .rules = 10000,
                                      .rules_enabled = 9990,
                                      .checks_per_min = 10000,
                                      .checks_in_flight = 120,
                                      .checks_total = 600000,
                                      .results_buffered = 4,
                                      .pipe_clients = 2,
                                      .data_dir = "C:\\ProgramData\\SmtpWatch"};
  sw_buf_init(&body, 0);
  sw_pipe_put_service_info(&body, &info);
  struct sw_pipe_service_info got;
  assert_int_equal(sw_pipe_get_service_info((uint8_t *)body.data, body.len, &got),
                   SW_E_OK);
  assert_memory_equal(&got, &info, sizeof info);
  sw_buf_free(&body);
}

static void step_times_text(void **state)
{
  (void)state;
  struct sw_check_result r;
  sw_check_result_init(&r);
  r.step_us[SW_STEP_RESOLVE] = 12;
  r.step_us[SW_STEP_GREETING] = 0;
  char text[SW_STEP_TIMES_MAX];
  sw_step_times_format(&r, text, sizeof text);
  assert_string_equal(text, "resolve=12;greeting=0");
  struct sw_check_result back;
  sw_check_result_init(&back);
  /* unknown steps, junk numbers and empty entries are skipped */
  const char *in = "resolve=12;;warp=5;greeting=0;connect=-4;quit=1x;ehlo=";
  sw_step_times_parse(in, strlen(in), &back);
  for (int i = 0; i < SW_STEP_COUNT; i++)
    assert_int_equal(back.step_us[i], r.step_us[i]);
  sw_check_result_free(&r);
  sw_check_result_free(&back);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(result_round_trip),
      cmocka_unit_test(round_trip_result_round_trip),
      cmocka_unit_test(status_with_and_without_result),
      cmocka_unit_test(event_and_service_info_round_trip),
      cmocka_unit_test(step_times_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
