/* A check of every address (all_addresses) and the reverse-DNS check
 * (check_ptr), in their portable parts: which address decides, the list
 * every report carries, the sentence and status line a user reads, the
 * JSON, and what a PTR that is missing, does not resolve back or differs
 * from the greeting makes of a result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "address_results.h"
#include "nagios_report.h"
#include "result_json.h"
#include "reverse_dns.h"

/* An address's finished check: `outcome` after `ms` at `peer`. */
static void make(struct sw_check_result *r, const char *peer, enum sw_outcome o, int ms)
{
  sw_check_result_init(r);
  r->outcome = o;
  r->step = o == SW_OUTCOME_REFUSED ? SW_STEP_CONNECT : SW_STEP_QUIT;
  r->total_us = (int64_t)ms * 1000;
  r->step_us[SW_STEP_RESOLVE] = 5;
  snprintf(r->peer, sizeof r->peer, "%s", peer);
  if (o == SW_OUTCOME_REFUSED)
    snprintf(r->detail, sizeof r->detail, "nothing listens at %s", peer);
  else
    r->reply_code = 221;
  char line[96];
  snprintf(line, sizeof line, "S: 220 at %s", peer);
  sw__transcript_line(r, 100, "S:", line + 3, strlen(line + 3));
}

static size_t worst_of(const enum sw_outcome *o, const int *ms, size_t n)
{
  struct sw_check_result r[4];
  for (size_t i = 0; i < n; i++)
    make(&r[i], "192.0.2.1:25", o[i], ms[i]);
  size_t w = sw_check_results_worst(r, n);
  for (size_t i = 0; i < n; i++)
    sw_check_result_free(&r[i]);
  return w;
}

/* CRITICAL > UNKNOWN > WARNING > OK, then the slowest, then the first. */
static void test_worst_order(void **state)
{
  (void)state;
  {
    enum sw_outcome o[] = {SW_OUTCOME_OK, SW_OUTCOME_REFUSED, SW_OUTCOME_CANCELLED};
    int ms[] = {900, 1, 5};
    assert_int_equal(worst_of(o, ms, 3), 1);
  }
  {
    enum sw_outcome o[] = {SW_OUTCOME_BANNER_MISMATCH, SW_OUTCOME_CANCELLED,
                           SW_OUTCOME_OK};
    int ms[] = {900, 1, 5};
    assert_int_equal(worst_of(o, ms, 3), 1); /* nothing known beats a warning */
  }
  {
    enum sw_outcome o[] = {SW_OUTCOME_OK, SW_OUTCOME_CERT_EXPIRING, SW_OUTCOME_OK};
    int ms[] = {900, 1, 5};
    assert_int_equal(worst_of(o, ms, 3), 1);
  }
  {
    enum sw_outcome o[] = {SW_OUTCOME_OK, SW_OUTCOME_OK, SW_OUTCOME_OK};
    int ms[] = {10, 30, 30};
    assert_int_equal(worst_of(o, ms, 3), 1); /* the slowest, the first of equals */
  }
  {
    enum sw_outcome o[] = {SW_OUTCOME_TIMEOUT, SW_OUTCOME_REFUSED};
    int ms[] = {7000, 7000};
    assert_int_equal(worst_of(o, ms, 2), 0);
  }
}

static void test_merge(void **state)
{
  (void)state;
  struct sw_check_result in[3], out;
  make(&in[0], "127.0.0.1:25", SW_OUTCOME_OK, 12);
  make(&in[1], "[::1]:25", SW_OUTCOME_REFUSED, 1);
  make(&in[2], "192.0.2.9:25", SW_OUTCOME_OK, 40);
  snprintf(in[0].ptr_name, sizeof in[0].ptr_name, "localhost");
  sw_check_result_init(&out);
  assert_int_equal(sw_check_results_merge(in, 0, &out), SW_E_INVALID_ARGUMENT);
  assert_int_equal(sw_check_results_merge(in, 3, &out), SW_E_OK);
  /* The worst speaks for the check; the others are gone from `in`. */
  assert_int_equal(out.outcome, SW_OUTCOME_REFUSED);
  assert_string_equal(out.peer, "[::1]:25");
  for (int i = 0; i < 3; i++)
    assert_null(in[i].transcript.data);
  assert_int_equal(out.naddresses, 3);
  assert_string_equal(out.addresses[0].peer, "127.0.0.1:25");
  assert_int_equal(out.addresses[0].outcome, SW_OUTCOME_OK);
  assert_int_equal(out.addresses[0].reply_code, 221);
  assert_int_equal(out.addresses[0].total_us, 12000);
  assert_string_equal(out.addresses[0].ptr_name, "localhost");
  assert_int_equal(out.addresses[1].step, SW_STEP_CONNECT);
  assert_string_equal(out.addresses[1].detail, "nothing listens at [::1]:25");
  assert_string_equal(out.addresses[2].peer, "192.0.2.9:25");
  /* Its transcript says whose it is. */
  const char *t = sw_buf_str(&out.transcript);
  assert_true(strncmp(t,
                      "-- 3 addresses were checked; this is the transcript of [::1]:25, "
                      "the one that decided the outcome\n",
                      strlen("-- 3 addresses were checked")) == 0);
  assert_non_null(strstr(t, "the transcript of [::1]:25, the one that decided"));
  assert_non_null(strstr(t, "S: 220 at [::1]:25"));
  assert_null(strstr(t, "127.0.0.1"));

  /* Moved, the list goes along; freed, it goes (ASan sees a leak). */
  struct sw_check_result moved;
  sw_check_result_move(&moved, &out);
  assert_null(out.addresses);
  assert_int_equal(out.naddresses, 0);
  assert_int_equal(moved.naddresses, 3);
  sw_check_result_free(&moved);
  sw_check_result_free(&out);
}

static void merged(struct sw_check_result *out, const enum sw_outcome *o,
                   const char **peer, size_t n)
{
  struct sw_check_result in[4];
  for (size_t i = 0; i < n; i++)
    make(&in[i], peer[i], o[i], 10 + (int)i);
  sw_check_result_init(out);
  assert_int_equal(sw_check_results_merge(in, n, out), SW_E_OK);
}

static void test_describe_and_status_line(void **state)
{
  (void)state;
  const char *peers[] = {"127.0.0.1:25", "[::1]:25", "192.0.2.9:25"};
  struct sw_check_result r;
  enum sw_outcome some[] = {SW_OUTCOME_OK, SW_OUTCOME_REFUSED, SW_OUTCOME_OK};
  merged(&r, some, peers, 3);
  char text[1024];
  sw_check_result_describe(&r, text, sizeof text);
  assert_string_equal(text,
                      "2 of 3 addresses OK; [::1]:25 connection refused. Connection "
                      "refused: nothing listens at [::1]:25.");
  struct sw_buf line;
  sw_buf_init(&line, 0);
  assert_int_equal(sw_nagios_format(&r, "localhost", 25, -1, -1, &line), SW_E_OK);
  assert_true(
      strncmp(sw_buf_str(&line),
              "SMTP CRITICAL - localhost:25: 2 of 3 addresses OK; [::1]:25 "
              "connection refused. Connection refused: nothing listens at "
              "[::1]:25. | time=",
              strlen("SMTP CRITICAL - localhost:25: 2 of 3 addresses OK; [::1]:25 "
                     "connection refused. Connection refused: nothing listens at "
                     "[::1]:25. | time=")) == 0);
  /* The perfdata counts them, for a graph of how many answer. */
  assert_non_null(strstr(sw_buf_str(&line), " addresses_ok=2;;;0;3"));
  sw_buf_free(&line);
  sw_check_result_free(&r);

  enum sw_outcome all_ok[] = {SW_OUTCOME_OK, SW_OUTCOME_OK};
  merged(&r, all_ok, peers, 2);
  sw_check_result_describe(&r, text, sizeof text);
  assert_string_equal(text, "2 of 2 addresses OK. OK in 11 ms.");
  assert_int_equal(sw_nagios_format(&r, "localhost", 25, -1, -1, &line), SW_E_OK);
  /* All OK: the slowest answered, and it is named. */
  assert_true(
      strncmp(sw_buf_str(&line),
              "SMTP OK - localhost:25 ([::1]:25) answered in 11 ms, 2 of 2 "
              "addresses OK | ",
              strlen("SMTP OK - localhost:25 ([::1]:25) answered in 11 ms, 2 of 2 "
                     "addresses OK | ")) == 0);
  sw_buf_free(&line);
  sw_check_result_free(&r);

  /* Cut anywhere, the sentence stays a string within its buffer (ASan). */
  enum sw_outcome mixed[] = {SW_OUTCOME_REFUSED, SW_OUTCOME_TIMEOUT, SW_OUTCOME_OK};
  merged(&r, mixed, peers, 3);
  char full[1024];
  sw_check_result_describe(&r, full, sizeof full);
  for (size_t size = 1; size <= strlen(full) + 1; size++) {
    char *cut = malloc(size);
    assert_non_null(cut);
    sw_check_result_describe(&r, cut, size);
    assert_true(strlen(cut) < size);
    assert_true(strncmp(cut, full, strlen(cut)) == 0);
    free(cut);
  }
  sw_check_result_free(&r);

  enum sw_outcome one[] = {SW_OUTCOME_TIMEOUT};
  merged(&r, one, peers, 1);
  sw_check_result_describe(&r, text, sizeof text);
  assert_true(strncmp(text, "0 of 1 address OK; 127.0.0.1:25 timed out. Timed out ",
                      strlen("0 of 1 address OK; 127.0.0.1:25 timed out. Timed out ")) ==
              0);
  sw_check_result_free(&r);
}

/* One address: the peer follows a host name in the status line, and is not
 * repeated after an address literal. */
static void test_peer_in_status_line(void **state)
{
  (void)state;
  struct sw_check_result r;
  make(&r, "127.0.0.1:2525", SW_OUTCOME_OK, 3);
  struct sw_buf line;
  sw_buf_init(&line, 0);
  assert_int_equal(sw_nagios_format(&r, "localhost", 2525, -1, -1, &line), SW_E_OK);
  assert_true(strncmp(sw_buf_str(&line),
                      "SMTP OK - localhost:2525 (127.0.0.1:2525) answered",
                      strlen("SMTP OK - localhost:2525 (127.0.0.1:2525) answered")) == 0);
  sw_buf_free(&line);
  assert_int_equal(sw_nagios_format(&r, "127.0.0.1", 2525, -1, -1, &line), SW_E_OK);
  assert_true(strncmp(sw_buf_str(&line), "SMTP OK - 127.0.0.1:2525 answered",
                      strlen("SMTP OK - 127.0.0.1:2525 answered")) == 0);
  sw_buf_free(&line);
  sw_check_result_free(&r);
}

static void test_json_addresses(void **state)
{
  (void)state;
  const char *peers[] = {"127.0.0.1:25", "[::1]:25"};
  enum sw_outcome o[] = {SW_OUTCOME_OK, SW_OUTCOME_REFUSED};
  struct sw_check_result r;
  merged(&r, o, peers, 2);
  struct sw_buf out;
  sw_buf_init(&out, 0);
  assert_int_equal(sw_result_to_json(&r, "localhost", 25, SW_NAGIOS_CRITICAL, &out),
                   SW_E_OK);
  assert_non_null(strstr(
      sw_buf_str(&out),
      ",\"addresses\":[{\"peer\":\"127.0.0.1:25\",\"outcome\":\"ok\",\"step\":\"quit\","
      "\"reply_code\":221,\"detail\":null,\"total_us\":10000,\"ptr_name\":null},"
      "{\"peer\":\"[::1]:25\",\"outcome\":\"connection_refused\",\"step\":\"connect\","
      "\"reply_code\":null,\"detail\":\"nothing listens at [::1]:25\","
      "\"total_us\":11000,\"ptr_name\":null}],\"round_trip\":null,\"domain\":null}"));
  assert_non_null(strstr(sw_buf_str(&out), "\"peer\":\"[::1]:25\",\"greeting_host\":null,"
                                           "\"ptr_name\":null,\"status\":\"CRITICAL\""));
  sw_buf_free(&out);
  sw_check_result_free(&r);
}

static void test_host_names_equal(void **state)
{
  (void)state;
  assert_true(sw_host_names_equal("MX.Example.com", "mx.example.COM"));
  assert_true(sw_host_names_equal("mx.example.com.", "mx.example.com"));
  assert_true(sw_host_names_equal("localhost", "localhost."));
  assert_false(sw_host_names_equal("mx.example.com", "mx.example.co"));
  assert_false(sw_host_names_equal("mx.example.com..", "mx.example.com"));
  assert_false(sw_host_names_equal("", ""));
  assert_false(sw_host_names_equal(".", ""));
}

/* A check that answered OK, greeting as `greeting`, judged with `finding`. */
static void judged(struct sw_check_result *r, enum sw_outcome o, const char *greeting,
                   const char *name, enum sw_ptr_finding finding)
{
  make(r, "127.0.0.1:25", o, 5);
  snprintf(r->greeting_host, sizeof r->greeting_host, "%s", greeting);
  sw_ptr_judge(r, "127.0.0.1", name, finding, 6000);
}

static void test_ptr_judge(void **state)
{
  (void)state;
  struct sw_check_result r;
  judged(&r, SW_OUTCOME_OK, "LocalHost.", "localhost", SW_PTR_FOUND);
  assert_int_equal(r.outcome, SW_OUTCOME_OK);
  assert_string_equal(r.ptr_name, "localhost");
  assert_string_equal(r.detail, "");
  assert_non_null(strstr(sw_buf_str(&r.transcript),
                         "-- reverse DNS: the reverse name of 127.0.0.1 is localhost, "
                         "which resolves back to it and is the greeting's name\n"));
  sw_check_result_free(&r);

  judged(&r, SW_OUTCOME_OK, "mx.example.com", "localhost", SW_PTR_FOUND);
  assert_int_equal(r.outcome, SW_OUTCOME_BANNER_MISMATCH);
  assert_string_equal(r.detail, "the reverse name of 127.0.0.1 is localhost, but the "
                                "greeting names mx.example.com");
  assert_int_equal(sw_nagios_status(&r, -1, -1), SW_NAGIOS_WARNING);
  assert_int_equal(sw_nagios_status(&r, -1, 1), SW_NAGIOS_CRITICAL); /* slow, too */
  char text[512];
  sw_check_result_describe(&r, text, sizeof text);
  assert_string_equal(text, "Reverse DNS mismatch: the reverse name of 127.0.0.1 is "
                            "localhost, but the greeting names mx.example.com.");
  sw_check_result_free(&r);

  judged(&r, SW_OUTCOME_OK, "mx.example.com", NULL, SW_PTR_NONE);
  assert_int_equal(r.outcome, SW_OUTCOME_BANNER_MISMATCH);
  assert_string_equal(r.ptr_name, "");
  assert_string_equal(r.detail, "127.0.0.1 has no reverse name (PTR); the greeting names "
                                "mx.example.com");
  sw_check_result_free(&r);

  judged(&r, SW_OUTCOME_OK, "mx.example.com", "mx.example.com", SW_PTR_NOT_BACK);
  assert_int_equal(r.outcome, SW_OUTCOME_BANNER_MISMATCH);
  assert_string_equal(r.detail, "the reverse name of 127.0.0.1 is mx.example.com, which "
                                "does not resolve back to it; the greeting names "
                                "mx.example.com");
  sw_check_result_free(&r);

  judged(&r, SW_OUTCOME_OK, "", "localhost", SW_PTR_NO_ANSWER);
  assert_int_equal(r.outcome, SW_OUTCOME_BANNER_MISMATCH);
  assert_string_equal(r.detail, "the reverse lookup of 127.0.0.1 did not finish within "
                                "the check's time; the greeting gives no host name");
  sw_check_result_free(&r);

  /* A worse verdict stands, and so does a certificate warning; the finding
   * is in the transcript and the name in the result all the same. */
  judged(&r, SW_OUTCOME_PERM_REJECT, "mx.example.com", "localhost", SW_PTR_FOUND);
  assert_int_equal(r.outcome, SW_OUTCOME_PERM_REJECT);
  assert_string_equal(r.ptr_name, "localhost");
  assert_string_equal(r.detail, "");
  assert_non_null(strstr(sw_buf_str(&r.transcript), "but the greeting names mx.example"));
  sw_check_result_free(&r);
  judged(&r, SW_OUTCOME_CERT_EXPIRING, "mx.example.com", "localhost", SW_PTR_FOUND);
  assert_int_equal(r.outcome, SW_OUTCOME_CERT_EXPIRING);
  sw_check_result_free(&r);

  /* A hostile PTR name is escaped like anything a server says. */
  judged(&r, SW_OUTCOME_OK, "mx", "evil\x1b[2J.example", SW_PTR_FOUND);
  assert_string_equal(r.ptr_name, "evil\\x1B[2J.example");
  sw_check_result_free(&r);

  assert_string_equal(sw_outcome_name(SW_OUTCOME_BANNER_MISMATCH), "banner_mismatch");
  enum sw_outcome back;
  assert_true(sw_outcome_from_name("banner_mismatch", &back));
  assert_int_equal(back, SW_OUTCOME_BANNER_MISMATCH);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_worst_order),
      cmocka_unit_test(test_merge),
      cmocka_unit_test(test_describe_and_status_line),
      cmocka_unit_test(test_peer_in_status_line),
      cmocka_unit_test(test_json_addresses),
      cmocka_unit_test(test_host_names_equal),
      cmocka_unit_test(test_ptr_judge),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
