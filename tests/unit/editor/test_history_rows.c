/* The history dialog's rows, from HISTORY_OK bodies encoded the way the
 * service encodes them: what each cell shows, how the next page is asked
 * for (and when not), what counts as failed for the chart, and the summary
 * line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cert_expiry.h"
#include "../manage_fixture.h"
#include "history_rows.h"
#include "pipe_protocol.h"
#include "pipe_records.h"
#include "round_trip_result.h"

#define MIN INT64_C(60000)

static void put_result(struct sw_buf *body, int64_t id, int64_t at_ms,
                       enum sw_nagios_status status, enum sw_outcome outcome,
                       int64_t total_us, const char *message)
{
  struct sw_pipe_result r;
  sw_pipe_result_init(&r);
  r.id = id;
  r.rule_id = 7;
  r.started_at_ms = at_ms;
  r.status = status;
  r.check.outcome = outcome;
  r.check.total_us = total_us;
  snprintf(r.message, sizeof r.message, "%s", message);
  sw_pipe_put_result(body, &r, false);
  sw_pipe_result_free(&r);
}

/* A page of `n` OK results, newest first, ids first_id, first_id - 1, ...
 * one minute apart, ending with MORE. */
static void page(struct sw_buf *body, int64_t first_id, int64_t first_at, int n,
                 bool more)
{
  for (int i = 0; i < n; i++)
    put_result(body, first_id - i, first_at - i * MIN, SW_NAGIOS_OK, SW_OUTCOME_OK, 12000,
               "OK.");
  sw_tlv_put_bool(body, SW_PIPE_TAG_MORE, more);
}

static const char *cell(const struct sw_history_rows *h, size_t row,
                        enum sw_history_column col)
{
  static char text[512];
  sw_history_rows_cell(h, row, col, text, sizeof text);
  return text;
}

static void test_cells_of_a_page(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, 0);
  put_result(&body, 903, T0 + 2 * MIN, SW_NAGIOS_OK, SW_OUTCOME_OK, 12345,
             "The server answered as expected.");
  put_result(&body, 902, T0 + MIN, SW_NAGIOS_CRITICAL, SW_OUTCOME_TIMEOUT, 7000000,
             "Timed out in the greeting after 7000 ms.");
  put_result(&body, 901, T0, SW_NAGIOS_WARNING, SW_OUTCOME_TEMP_REJECT, 850,
             "The server refused temporarily:\r\n421 4.3.2 Busy\n421 try later");
  sw_tlv_put_bool(&body, SW_PIPE_TAG_MORE, false);

  struct sw_history_rows h;
  sw_history_rows_init(&h, local_plus_two);
  assert_true(sw_history_rows_wants_more(&h, 100));
  assert_int_equal(sw_history_rows_append(&h, (const uint8_t *)body.data, body.len, 100),
                   SW_E_OK);
  assert_int_equal(h.count, 3);
  assert_false(h.more);
  assert_false(sw_history_rows_wants_more(&h, 100));

  assert_string_equal(sw_history_column_title(SW_HISTORY_COL_TIME), "Time");
  assert_string_equal(sw_history_column_title(SW_HISTORY_COL_RESPONSE), "Response time");
  /* newest first, in local time */
  assert_string_equal(cell(&h, 0, SW_HISTORY_COL_TIME), "2024-05-01 14:05:22");
  assert_string_equal(cell(&h, 0, SW_HISTORY_COL_STATUS), "OK");
  assert_string_equal(cell(&h, 0, SW_HISTORY_COL_RESPONSE), "12 ms");
  assert_string_equal(cell(&h, 0, SW_HISTORY_COL_MESSAGE),
                      "The server answered as expected.");
  assert_string_equal(cell(&h, 1, SW_HISTORY_COL_STATUS), "CRITICAL");
  assert_string_equal(cell(&h, 1, SW_HISTORY_COL_RESPONSE), "7000 ms");
  assert_string_equal(cell(&h, 2, SW_HISTORY_COL_TIME), "2024-05-01 14:03:22");
  assert_string_equal(cell(&h, 2, SW_HISTORY_COL_RESPONSE), "0.9 ms");
  /* a multi-line reply stays on one line */
  assert_string_equal(cell(&h, 2, SW_HISTORY_COL_MESSAGE),
                      "The server refused temporarily: / 421 4.3.2 Busy / 421 try later");
  /* out of range: empty, not a crash */
  assert_string_equal(cell(&h, 3, SW_HISTORY_COL_TIME), "");

  /* without a local time zone the time says it is UTC */
  h.local_time = NULL;
  assert_string_equal(cell(&h, 2, SW_HISTORY_COL_TIME), "2024-05-01 12:03:22 UTC");
  sw_history_rows_free(&h);
  assert_int_equal(h.count, 0);
  assert_true(h.more);
  sw_buf_free(&body);
}

/* The fields of a request, read back. */
struct request {
  int64_t rule_id, before_at, before, limit;
  bool has_before_at, has_before;
};

static struct request read_request(const struct sw_buf *fields)
{
  struct request q = {0};
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&r, (const uint8_t *)fields->data, fields->len);
  while (sw_tlv_next(&r, &f)) {
    if (f.tag == SW_PIPE_TAG_RULE_ID)
      q.rule_id = f.i;
    else if (f.tag == SW_PIPE_TAG_BEFORE_AT)
      q.before_at = f.i, q.has_before_at = true;
    else if (f.tag == SW_PIPE_TAG_BEFORE)
      q.before = f.i, q.has_before = true;
    else if (f.tag == SW_PIPE_TAG_LIMIT)
      q.limit = f.i;
  }
  assert_int_equal(r.error, SW_E_OK);
  return q;
}

static void test_pages_follow_the_cursor(void **state)
{
  (void)state;
  struct sw_history_rows h;
  sw_history_rows_init(&h, local_plus_two);
  struct sw_buf fields, body;
  sw_buf_init(&fields, 0);
  sw_buf_init(&body, 0);

  /* the first page: no cursor; at most the protocol's 1000 */
  sw_history_rows_request(&h, 7, 1500, &fields);
  struct request q = read_request(&fields);
  assert_int_equal(q.rule_id, 7);
  assert_false(q.has_before_at);
  assert_false(q.has_before);
  assert_int_equal(q.limit, 1000);

  /* the service stopped early (frame size): 400 of them, and more */
  page(&body, 5000, T0, 400, true);
  assert_int_equal(sw_history_rows_append(&h, (const uint8_t *)body.data, body.len, 1500),
                   SW_E_OK);
  assert_int_equal(h.count, 400);
  assert_true(sw_history_rows_wants_more(&h, 1500));
  sw_buf_free(&fields);
  sw_history_rows_request(&h, 7, 1500, &fields);
  q = read_request(&fields);
  assert_true(q.has_before_at && q.has_before);
  assert_int_equal(q.before_at, T0 - 399 * MIN);
  assert_int_equal(q.before, 4601);
  assert_int_equal(q.limit, 1000);

  /* 100 wanted in all: the next asks for what is missing */
  assert_false(sw_history_rows_wants_more(&h, 400));
  sw_buf_free(&fields);
  sw_history_rows_request(&h, 7, 450, &fields);
  assert_int_equal(read_request(&fields).limit, 50);

  sw_history_rows_free(&h);
  sw_buf_free(&fields);
  sw_buf_free(&body);
}

static void test_pages_end(void **state)
{
  (void)state;
  struct sw_history_rows h;
  sw_history_rows_init(&h, local_plus_two);
  struct sw_buf body;
  sw_buf_init(&body, 0);

  /* more than wanted: the rest is the service's, so it has more */
  page(&body, 100, T0, 5, false);
  assert_int_equal(sw_history_rows_append(&h, (const uint8_t *)body.data, body.len, 3),
                   SW_E_OK);
  assert_int_equal(h.count, 3);
  assert_true(h.more);
  assert_false(sw_history_rows_wants_more(&h, 3));
  assert_int_equal(h.rows[2].id, 98);
  sw_history_rows_free(&h);

  /* a page that brings nothing ends the paging, whatever MORE says */
  sw_buf_free(&body);
  page(&body, 100, T0, 0, true);
  assert_int_equal(sw_history_rows_append(&h, (const uint8_t *)body.data, body.len, 100),
                   SW_E_OK);
  assert_int_equal(h.count, 0);
  assert_false(sw_history_rows_wants_more(&h, 100));
  sw_history_rows_free(&h);
  sw_buf_free(&body);
}

static void test_malformed_page_changes_nothing(void **state)
{
  (void)state;
  struct sw_history_rows h;
  sw_history_rows_init(&h, local_plus_two);
  struct sw_buf body;
  sw_buf_init(&body, 0);
  page(&body, 100, T0, 2, true);
  assert_int_equal(sw_history_rows_append(&h, (const uint8_t *)body.data, body.len, 100),
                   SW_E_OK);
  assert_int_equal(h.count, 2);

  /* the next page is cut in its second record */
  struct sw_buf next;
  sw_buf_init(&next, 0);
  page(&next, 98, T0 - 2 * MIN, 2, false);
  assert_int_equal(
      sw_history_rows_append(&h, (const uint8_t *)next.data, next.len - 30, 100),
      SW_E_INVALID_ARGUMENT);
  assert_int_equal(h.count, 2);
  assert_true(h.more);
  /* ... and the whole page is taken when it comes again */
  assert_int_equal(sw_history_rows_append(&h, (const uint8_t *)next.data, next.len, 100),
                   SW_E_OK);
  assert_int_equal(h.count, 4);
  assert_false(h.more);
  sw_history_rows_free(&h);
  sw_buf_free(&body);
  sw_buf_free(&next);
}

static void test_what_counts_as_failed(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, 0);
  put_result(&body, 4, T0 + 3 * MIN, SW_NAGIOS_OK, SW_OUTCOME_OK, 9000, "OK.");
  put_result(&body, 3, T0 + 2 * MIN, SW_NAGIOS_WARNING, SW_OUTCOME_CERT_EXPIRING, 30000,
             "The certificate expires in 10 days.");
  put_result(&body, 2, T0 + MIN, SW_NAGIOS_CRITICAL, SW_OUTCOME_OK, 9000000,
             "Answered in 9000 ms, over the 5000 ms limit.");
  put_result(&body, 1, T0, SW_NAGIOS_CRITICAL, SW_OUTCOME_REFUSED, 400, "Refused.");
  struct sw_history_rows h;
  sw_history_rows_init(&h, local_plus_two);
  assert_int_equal(sw_history_rows_append(&h, (const uint8_t *)body.data, body.len, 100),
                   SW_E_OK);
  struct sw_history_sample s[4];
  sw_history_rows_samples(&h, s);
  /* row order: newest first */
  assert_int_equal(s[0].at_ms, T0 + 3 * MIN);
  assert_false(s[0].failed);
  assert_false(s[0].warning);
  /* an expiring certificate or a slow answer: a response time, marked */
  assert_false(s[1].failed);
  assert_true(s[1].warning);
  assert_false(s[2].failed);
  assert_true(s[2].warning);
  assert_int_equal(s[2].response_us, 9000000);
  assert_true(s[3].failed);
  sw_history_rows_free(&h);
  sw_buf_free(&body);
}

static void test_incomplete_chain_is_a_warning_not_a_failure(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, 0);
  put_result(&body, 1, T0, SW_NAGIOS_WARNING, SW_OUTCOME_CERT_CHAIN_INCOMPLETE, 30000,
             "Certificate chain incomplete: the server does not send its intermediate.");
  struct sw_history_rows h;
  sw_history_rows_init(&h, local_plus_two);
  assert_int_equal(sw_history_rows_append(&h, (const uint8_t *)body.data, body.len, 100),
                   SW_E_OK);
  struct sw_history_sample s[1];
  sw_history_rows_samples(&h, s);
  assert_false(s[0].failed); /* the server answered: a real response time */
  assert_true(s[0].warning);
  assert_int_equal(s[0].response_us, 30000);
  sw_history_rows_free(&h);
  sw_buf_free(&body);
}

/* A round-trip rule's results give the delivery chart its samples: the
 * delivered ones their delivery time, the others a failure; results that
 * are no round trip (older ones) none. */
static void test_delivery_samples(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, 0);
  struct sw_pipe_result r;
  for (int i = 0; i < 3; i++) {
    sw_pipe_result_init(&r);
    r.id = 3 - i;
    r.started_at_ms = T0 - i * MIN;
    r.status = i == 1 ? SW_NAGIOS_CRITICAL : SW_NAGIOS_OK;
    r.check.outcome = i == 1 ? SW_OUTCOME_NOT_DELIVERED : SW_OUTCOME_DELIVERED;
    r.check.total_us = 40000;
    if (i < 2) { /* the oldest is no round trip */
      r.check.round_trip = sw_round_trip_result_new(SW_ROUND_TRIP_IMAP);
      r.check.round_trip->found = i == 0;
      r.check.round_trip->delivery_us = i == 0 ? 2500000 : -1;
    } else {
      r.check.outcome = SW_OUTCOME_OK;
    }
    sw_pipe_put_result(&body, &r, false);
    sw_pipe_result_free(&r);
  }
  struct sw_history_rows h;
  sw_history_rows_init(&h, local_plus_two);
  assert_int_equal(sw_history_rows_append(&h, (const uint8_t *)body.data, body.len, 100),
                   SW_E_OK);
  struct sw_history_sample s[3];
  size_t rows[3];
  assert_int_equal(sw_history_rows_delivery_samples(&h, s, rows), 2);
  assert_int_equal(rows[0], 0);
  assert_int_equal(s[0].response_us, 2500000);
  assert_false(s[0].failed);
  assert_int_equal(rows[1], 1);
  assert_true(s[1].failed); /* not delivered */
  assert_true(s[1].warning);
  /* The response times stay the submission's. */
  sw_history_rows_samples(&h, s);
  assert_int_equal(s[0].response_us, 40000);
  sw_history_rows_free(&h);
  sw_buf_free(&body);
}

static void test_durations(void **state)
{
  (void)state;
  static const struct {
    int64_t us;
    const char *text;
  } cases[] = {
      {-1, ""},
      {0, "0 ms"},
      {40, "0 ms"},
      {400, "0.4 ms"},
      {949, "0.9 ms"},
      {960, "1 ms"},
      {12345, "12 ms"},
      {2350000, "2350 ms"},
      {9999000, "9999 ms"},
      {9999600, "10 s"},
      {12460000, "12.5 s"},
      {300000000, "300 s"},
      {INT64_MAX, "1125899907 s"},
  };
  char out[32];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    sw_history_duration_text(cases[i].us, out, sizeof out);
    assert_string_equal(out, cases[i].text);
  }
}

static void test_summary(void **state)
{
  (void)state;
  char out[512];
  struct sw_history_rows h;
  sw_history_rows_init(&h, local_plus_two);
  sw_history_rows_summary(&h, out, sizeof out);
  assert_string_equal(out, "No results: the rule has not been checked yet.");

  struct sw_buf body;
  sw_buf_init(&body, 0);
  put_result(&body, 1, T0, SW_NAGIOS_OK, SW_OUTCOME_OK, 8000, "OK.");
  assert_int_equal(sw_history_rows_append(&h, (const uint8_t *)body.data, body.len, 100),
                   SW_E_OK);
  sw_history_rows_summary(&h, out, sizeof out);
  assert_string_equal(out, "1 result, at 2024-05-01 14:03:22. It succeeded. The "
                           "successful check took 8 ms.");
  sw_history_rows_free(&h);

  sw_buf_free(&body);
  put_result(&body, 4, T0 + 3 * MIN, SW_NAGIOS_OK, SW_OUTCOME_OK, 8000, "OK.");
  put_result(&body, 3, T0 + 2 * MIN, SW_NAGIOS_CRITICAL, SW_OUTCOME_TIMEOUT, 300000000,
             "Timed out.");
  put_result(&body, 2, T0 + MIN, SW_NAGIOS_OK, SW_OUTCOME_OK, 1200000, "OK.");
  put_result(&body, 1, T0, SW_NAGIOS_OK, SW_OUTCOME_OK, 9000, "OK.");
  sw_tlv_put_bool(&body, SW_PIPE_TAG_MORE, true);
  assert_int_equal(sw_history_rows_append(&h, (const uint8_t *)body.data, body.len, 100),
                   SW_E_OK);
  sw_history_rows_summary(&h, out, sizeof out);
  assert_string_equal(out, "4 results from 2024-05-01 14:03:22 to 2024-05-01 14:06:22. 1 "
                           "failed. Successful checks took 9 ms (median), 1200 ms at "
                           "most. Older results are not shown.");
  sw_history_rows_free(&h);

  sw_buf_free(&body);
  put_result(&body, 2, T0 + MIN, SW_NAGIOS_CRITICAL, SW_OUTCOME_REFUSED, 300, "Refused.");
  put_result(&body, 1, T0, SW_NAGIOS_CRITICAL, SW_OUTCOME_REFUSED, 300, "Refused.");
  assert_int_equal(sw_history_rows_append(&h, (const uint8_t *)body.data, body.len, 100),
                   SW_E_OK);
  sw_history_rows_summary(&h, out, sizeof out);
  assert_string_equal(out, "2 results from 2024-05-01 14:03:22 to 2024-05-01 14:04:22. "
                           "All failed.");
  sw_history_rows_free(&h);
  sw_buf_free(&body);
}

static void test_error_sentences(void **state)
{
  (void)state;
  char out[512];
  sw_history_error_text("not_found", "There is no rule 7.", out, sizeof out);
  assert_string_equal(out, "This rule no longer exists: it was deleted, and its history "
                           "with it. Close this window; the rule list will catch up.");
  sw_history_error_text("", "The SMTP Watch service is not running.", out, sizeof out);
  assert_string_equal(out, "The history could not be loaded: The SMTP Watch service is "
                           "not running. Press F5 to try again.");
  sw_history_error_text("internal", "", out, sizeof out);
  assert_string_equal(out, "The history could not be loaded: the service gave no reason. "
                           "Press F5 to try again.");
  sw_history_error_text("internal", "x", out, 8); /* cut, still a string */
  assert_int_equal(strlen(out), 7);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cells_of_a_page),
      cmocka_unit_test(test_pages_follow_the_cursor),
      cmocka_unit_test(test_pages_end),
      cmocka_unit_test(test_malformed_page_changes_nothing),
      cmocka_unit_test(test_what_counts_as_failed),
      cmocka_unit_test(test_incomplete_chain_is_a_warning_not_a_failure),
      cmocka_unit_test(test_durations),
      cmocka_unit_test(test_delivery_samples),
      cmocka_unit_test(test_summary),
      cmocka_unit_test(test_error_sentences),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
