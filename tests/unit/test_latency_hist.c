/* Response-time histograms: every value lands in a bucket whose middle is
 * within 1/32 of it, percentiles are the nearest-rank sample's bucket,
 * merged hours give the same percentiles as one histogram of every sample,
 * and the stored form survives a round trip and refuses damaged bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "latency_hist.h"

static void test_bucket_error_bound(void **state)
{
  (void)state;
  unsigned last = 0;
  /* Every value up to 2^22 us, then a sweep up to 2^40. */
  for (int64_t v = 0; v < (INT64_C(1) << 40); v = v < (1 << 22) ? v + 1 : v + v / 997) {
    unsigned b = sw_latency_bucket(v);
    assert_true(b < SW_LATENCY_BUCKETS);
    assert_true(b >= last); /* buckets follow the values' order */
    last = b;
    int64_t mid = sw_latency_bucket_mid(b);
    int64_t diff = mid > v ? mid - v : v - mid;
    /* |mid - v| <= v / 32, with the exact buckets below 16 us exact. */
    assert_true(diff * 32 <= v);
  }
  assert_int_equal(sw_latency_bucket(-5), 0);
  assert_int_equal(sw_latency_bucket(INT64_C(1) << 50), SW_LATENCY_BUCKETS - 1);
}

static void test_percentiles_nearest_rank(void **state)
{
  (void)state;
  static struct sw_latency_hist h;
  memset(&h, 0, sizeof h);
  assert_int_equal(sw_latency_percentile(&h, 50), -1);
  /* 1..100 ms: p50 is the 50th sample (50 ms), p95 the 95th, p99 the 99th. */
  for (int i = 1; i <= 100; i++)
    sw_latency_add(&h, i * 1000, 1);
  assert_int_equal(h.count, 100);
  int64_t want[][2] = {{50, 50000}, {95, 95000}, {99, 99000}, {100, 100000}};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    int64_t got = sw_latency_percentile(&h, (double)want[i][0]);
    int64_t diff = got > want[i][1] ? got - want[i][1] : want[i][1] - got;
    assert_true(diff * 32 <= want[i][1]);
  }
  /* All at once, in one walk: the same. */
  static const double ps[] = {50, 95, 99, 100};
  int64_t all[4];
  sw_latency_percentiles(&h, ps, 4, all);
  for (int i = 0; i < 4; i++)
    assert_int_equal(all[i], sw_latency_percentile(&h, ps[i]));
  /* One slow outlier in 100 shows at p100, not at p99. */
  sw_latency_add(&h, 30000000, 1);
  assert_true(sw_latency_percentile(&h, 99) < 200000);
  assert_true(sw_latency_percentile(&h, 100) > 29000000);
}

static void test_steps_of_a_failed_check(void **state)
{
  (void)state;
  static struct sw_step_latency s;
  memset(&s, 0, sizeof s);
  struct sw_check_result c;
  sw_check_result_init(&c);
  c.step_us[SW_STEP_RESOLVE] = 100;
  c.step_us[SW_STEP_CONNECT] = 2000;
  c.step_us[SW_STEP_GREETING] = 10000000; /* waited for a greeting until the timeout */
  c.outcome = SW_OUTCOME_TIMEOUT;
  c.step = SW_STEP_GREETING;
  sw_step_latency_add_check(&s, &c);
  assert_int_equal(s.step[SW_STEP_RESOLVE].count, 1);
  assert_int_equal(s.step[SW_STEP_CONNECT].count, 1);
  assert_int_equal(s.step[SW_STEP_GREETING].count, 0); /* a timeout, not a response */
  assert_int_equal(s.step[SW_STEP_EHLO].count, 0);     /* never reached */
  c.outcome = SW_OUTCOME_OK;
  sw_step_latency_add_check(&s, &c);
  assert_int_equal(s.step[SW_STEP_GREETING].count, 1);
  sw_check_result_free(&c);
}

static void test_merge_equals_one_histogram(void **state)
{
  (void)state;
  static struct sw_step_latency hours[24], merged, whole;
  memset(hours, 0, sizeof hours);
  memset(&merged, 0, sizeof merged);
  memset(&whole, 0, sizeof whole);
  srand(7);
  for (int h = 0; h < 24; h++)
    for (int i = 0; i < 60; i++) {
      int64_t us = 500 + rand() % 400000 + (h == 13 ? 5000000 : 0);
      sw_latency_add(&hours[h].step[SW_STEP_CONNECT], us, 1);
      sw_latency_add(&whole.step[SW_STEP_CONNECT], us, 1);
      sw_latency_add(&hours[h].step[SW_STEP_EHLO], us / 3, 1);
      sw_latency_add(&whole.step[SW_STEP_EHLO], us / 3, 1);
    }
  for (int h = 0; h < 24; h++) {
    struct sw_buf b;
    sw_buf_init(&b, 0);
    assert_int_equal(sw_step_latency_encode(&hours[h], &b), SW_E_OK);
    assert_true(b.len > 0 && b.len < 700); /* 2 steps of 60 samples each */
    assert_true(sw_step_latency_merge(&merged, b.data, b.len));
    sw_buf_free(&b);
  }
  assert_memory_equal(&merged, &whole, sizeof whole);
  assert_true(sw_latency_percentile(&merged.step[SW_STEP_CONNECT], 99) > 5000000);
}

static void test_damaged_bytes_refused(void **state)
{
  (void)state;
  static struct sw_step_latency s, t;
  memset(&s, 0, sizeof s);
  sw_latency_add(&s.step[SW_STEP_CONNECT], 1234, 3);
  sw_latency_add(&s.step[SW_STEP_CONNECT], 99999, 1);
  struct sw_buf b;
  sw_buf_init(&b, 0);
  assert_int_equal(sw_step_latency_encode(&s, &b), SW_E_OK);
  /* Every cut short is refused. */
  for (size_t len = 1; len < b.len; len++) {
    memset(&t, 0, sizeof t);
    assert_false(sw_step_latency_merge(&t, b.data, len));
  }
  /* A bucket past the last. */
  static const unsigned char past[] = {7,   'c', 'o', 'n',  'n',  'e',
                                       'c', 't', 1,   0xd0, 0x04, 1};
  assert_false(sw_step_latency_merge(&t, past, sizeof past));
  /* A step of a newer build is skipped, the rest read. */
  struct sw_buf n;
  sw_buf_init(&n, 0);
  static const unsigned char future[] = {4, 's', 'o', 'o', 'n', 1, 20, 5};
  sw_buf_append(&n, future, sizeof future);
  sw_buf_append(&n, b.data, b.len);
  memset(&t, 0, sizeof t);
  assert_true(sw_step_latency_merge(&t, n.data, n.len));
  assert_memory_equal(&t, &s, sizeof s);
  sw_buf_free(&n);
  sw_buf_free(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bucket_error_bound),
      cmocka_unit_test(test_percentiles_nearest_rank),
      cmocka_unit_test(test_steps_of_a_failed_check),
      cmocka_unit_test(test_merge_equals_one_histogram),
      cmocka_unit_test(test_damaged_bytes_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
