/* The round trip's result as users read it (issue 17): the sentence, the
 * Nagios line with its perfdata and the status by delivery time, the JSON,
 * the hops' text for the store and the pipe, and what the probe found in
 * the mailbox says (probe_found.c: its hops and SPF/DKIM/DMARC). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check_result.h"
#include "nagios_report.h"
#include "probe_found.h"
#include "result_json.h"
#include "round_trip_fixture.h"

/* A submission that went through, with `rt` hung off it. */
static void submitted(struct sw_check_result *r, enum sw_outcome o,
                      struct sw_round_trip_result *rt)
{
  sw_check_result_init(r);
  r->outcome = o;
  r->step = SW_STEP_QUIT;
  r->total_us = 56000;
  r->message_accepted = true;
  snprintf(r->peer, sizeof r->peer, "127.0.0.1:25");
  r->round_trip = rt;
}

static void test_delivered_sentence_status_and_perfdata(void **state)
{
  (void)state;
  struct sw_check_result r;
  submitted(&r, SW_OUTCOME_DELIVERED, sw_test_round_trip_sample());
  char text[512];
  sw_check_result_describe(&r, text, sizeof text);
  assert_string_equal(text,
                      "Delivered in 1234 ms (submitted in 56 ms, 2 hops); SPF pass, "
                      "DKIM none, DMARC fail; 4 runs skipped while it was in flight");
  /* The thresholds judge the delivery time, not the submission's. */
  assert_int_equal(sw_nagios_status(&r, -1, -1), SW_NAGIOS_OK);
  assert_int_equal(sw_nagios_status(&r, 1000, -1), SW_NAGIOS_WARNING);
  assert_int_equal(sw_nagios_status(&r, 1000, 1200), SW_NAGIOS_CRITICAL);
  assert_int_equal(sw_nagios_status(&r, 2000, 3000), SW_NAGIOS_OK);
  struct sw_buf out;
  sw_buf_init(&out, 0);
  assert_int_equal(sw_nagios_format(&r, "localhost", 25, 1000, 5000, &out), SW_E_OK);
  assert_string_equal(sw_buf_str(&out),
                      "SMTP WARNING - localhost:25 (127.0.0.1:25): Delivered in 1234 ms "
                      "(submitted in 56 ms, 2 hops); SPF pass, DKIM none, DMARC fail; 4 "
                      "runs skipped while it was in flight, at "
                      "or above the warning delivery time of 1000 ms | "
                      "delivery=1.234000s;1.000000;5.000000;0; submit=0.056000s;;;0; "
                      "round_trip=1.400000s;;;0; time=0.056000s;;;0;");
  sw_buf_free(&out);
  sw_check_result_free(&r); /* frees the round trip too */
}

static void test_failures_say_what_the_mailbox_said(void **state)
{
  (void)state;
  struct sw_round_trip_result *rt = sw_round_trip_result_new(SW_ROUND_TRIP_IMAP);
  assert_non_null(rt);
  rt->submit_us = 40000;
  rt->total_us = 300100000;
  rt->looks = 1;
  struct sw_check_result r;
  submitted(&r, SW_OUTCOME_NOT_DELIVERED, rt);
  char text[512];
  sw_check_result_describe(&r, text, sizeof text);
  assert_string_equal(text, "Not delivered: the probe was submitted in 40 ms, but it was "
                            "not in the mailbox after 300100 ms (1 look)");
  assert_int_equal(sw_nagios_status(&r, -1, -1), SW_NAGIOS_CRITICAL);
  /* Without a delivery there is no delivery time to graph. */
  struct sw_buf out;
  sw_buf_init(&out, 0);
  assert_int_equal(sw_nagios_format(&r, "localhost", 25, 1000, -1, &out), SW_E_OK);
  assert_null(strstr(sw_buf_str(&out), "delivery="));
  assert_non_null(strstr(sw_buf_str(&out), "| submit=0.040000s;;;0; round_trip="));
  sw_buf_free(&out);

  r.outcome = SW_OUTCOME_MAILBOX_LOGIN_FAILED;
  snprintf(rt->mailbox_peer, sizeof rt->mailbox_peer, "127.0.0.1:993");
  snprintf(rt->mailbox_detail, sizeof rt->mailbox_detail,
           "the server refused the user name and password");
  sw_check_result_describe(&r, text, sizeof text);
  assert_string_equal(text, "Mailbox login failed: the probe was submitted in 40 ms; the "
                            "IMAP server 127.0.0.1:993: the server refused the user name "
                            "and password");
  assert_int_equal(sw_nagios_status(&r, -1, -1), SW_NAGIOS_CRITICAL);
  sw_check_result_free(&r);
}

static void test_json_has_timings_hops_and_verdicts(void **state)
{
  (void)state;
  struct sw_check_result r;
  submitted(&r, SW_OUTCOME_DELIVERED, sw_test_round_trip_sample());
  struct sw_buf out;
  sw_buf_init(&out, 0);
  assert_int_equal(sw_result_to_json(&r, "localhost", 25, SW_NAGIOS_OK, &out), SW_E_OK);
  assert_non_null(strstr(
      sw_buf_str(&out),
      "\"round_trip\":{\"protocol\":\"pop3\",\"found\":true,"
      "\"probe\":\"12/"
      "9f86d081884c7d659a2feaa0c55ad015\",\"timings_us\":{\"submit\":56000,"
      "\"delivery\":1234000,\"total\":1400000},\"looks\":3,"
      "\"mailbox_peer\":\"127.0.0.1:995\",\"mailbox_detail\":null,\"probe_deleted\":true,"
      "\"stale_deleted\":2,\"skipped_runs\":4,\"hops\":[{\"from\":\"[127.0.0.1]\",\"by\":"
      "\"mx.example.com\","
      "\"with\":\"ESMTPSA\",\"time\":1795000001,\"delay_s\":1,\"clock_skew\":false},"
      "{\"from\":null,\"by\":\"imap.example.com\",\"with\":\"LMTP\",\"time\":1795000000,"
      "\"delay_s\":null,\"clock_skew\":true}],\"hops_truncated\":false,"
      "\"auth_results\":{\"authserv_id\":\"mx.example.com\",\"spf\":\"pass\","
      "\"dkim\":\"none\",\"dmarc\":\"fail\"}},\"domain\":null}"));
  sw_buf_free(&out);
  sw_check_result_free(&r);
}

static void test_hops_text_reads_back(void **state)
{
  (void)state;
  struct sw_round_trip_result *rt = sw_test_round_trip_sample();
  struct sw_buf text;
  sw_buf_init(&text, 0);
  assert_int_equal(sw_round_trip_hops_text(rt, &text), SW_E_OK);
  assert_string_equal(sw_buf_str(&text),
                      "[127.0.0.1]\tmx.example.com\tESMTPSA\t1795000001\t1\n"
                      "\timap.example.com\tLMTP\t1795000000\tskew");
  struct sw_round_trip_result *back = sw_round_trip_result_copy(rt);
  assert_non_null(back);
  back->nhops = 0;
  sw_round_trip_hops_parse(back, text.data, text.len);
  sw_test_assert_same_round_trip(rt, back);
  /* Lines that are not hops are skipped, not guessed at. */
  static const char some[] = "a\tb\n\nx\ty\tz\t5\t?\n";
  sw_round_trip_hops_parse(back, some, sizeof some - 1);
  assert_int_equal(back->nhops, 1);
  assert_string_equal(back->hops[0].with, "z");
  assert_false(back->hops[0].has_delay);
  sw_buf_free(&text);
  sw_round_trip_result_free(back);
  sw_round_trip_result_free(rt);
}

static void test_probe_found_reads_hops_and_verdicts(void **state)
{
  (void)state;
  static const char header[] =
      "Return-Path: <probe@smtpwatch.test>\r\n"
      "Authentication-Results: mx.example.net; spf=softfail smtp.mailfrom=a@b;\r\n"
      " dkim=pass header.d=b; dmarc=none header.from=b\r\n"
      "Received: from mx.example.net by imap.example.net with LMTP;\r\n"
      " Mon, 07 Dec 2026 11:17:05 +0100\r\n"
      "Received: from [127.0.0.1] (localhost [127.0.0.1])\r\n"
      " by mx.example.net (Postfix) with ESMTPSA id 4AB1;\r\n"
      " Mon, 07 Dec 2026 11:17:04 +0100 (CET)\r\n"
      "Date: Mon, 07 Dec 2026 11:17:03 +0100\r\n"
      "X-SmtpWatch-Probe: 17/9f86d081884c7d65\r\n";
  struct sw_round_trip_result *rt = sw_round_trip_result_new(SW_ROUND_TRIP_IMAP);
  assert_non_null(rt);
  assert_int_equal(sw_probe_found_read(header, sizeof header - 1, rt), SW_E_OK);
  assert_int_equal(rt->nhops, 2);
  assert_string_equal(rt->hops[0].by, "mx.example.net");
  assert_string_equal(rt->hops[0].with, "ESMTPSA");
  assert_true(rt->hops[0].has_delay);
  assert_int_equal(rt->hops[0].delay_s, 1); /* since Date: */
  assert_string_equal(rt->hops[1].with, "LMTP");
  assert_int_equal(rt->hops[1].delay_s, 1);
  assert_true(rt->has_auth);
  assert_string_equal(rt->authserv_id, "mx.example.net");
  assert_string_equal(rt->spf, "softfail");
  assert_string_equal(rt->dkim, "pass");
  assert_string_equal(rt->dmarc, "none");
  /* No Authentication-Results: no verdicts. */
  const char *rest = strstr(header, "Received:");
  assert_int_equal(sw_probe_found_read(rest, strlen(rest), rt), SW_E_OK);
  assert_int_equal(rt->nhops, 2);
  assert_false(rt->has_auth);
  sw_round_trip_result_free(rt);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_delivered_sentence_status_and_perfdata),
      cmocka_unit_test(test_failures_say_what_the_mailbox_said),
      cmocka_unit_test(test_json_has_timings_hops_and_verdicts),
      cmocka_unit_test(test_hops_text_reads_back),
      cmocka_unit_test(test_probe_found_reads_hops_and_verdicts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
