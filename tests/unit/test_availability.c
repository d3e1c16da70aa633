/* Availability arithmetic: a result vouches for one interval and never
 * twice for the same time, so gaps are unmonitored and a check run by
 * hand adds nothing; uptime leaves maintenance and unmonitored time out;
 * outages run from the first bad result to the next good one, say what
 * began them, and say when they are still open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "availability.h"

#define S INT64_C(1000)
#define MIN (60 * S)
#define T0 (INT64_C(1718000000) * S) /* June 2024, Unix milliseconds */

static void test_cover_regular_late_and_early(void **state)
{
  (void)state;
  int64_t until = 0, a, b;
  /* On time: each result vouches for its interval. */
  assert_true(sw_avail_cover(T0, MIN, &until, &a, &b));
  assert_true(a == T0 && b == T0 + MIN);
  assert_true(sw_avail_cover(T0 + MIN, MIN, &until, &a, &b));
  assert_true(a == T0 + MIN && b == T0 + 2 * MIN);
  /* Ten minutes late (the service was stopped): the gap is nobody's. */
  assert_true(sw_avail_cover(T0 + 12 * MIN, MIN, &until, &a, &b));
  assert_true(a == T0 + 12 * MIN && b == T0 + 13 * MIN);
  /* A check by hand 20 s later: only its time past the last one counts. */
  assert_true(sw_avail_cover(T0 + 12 * MIN + 20 * S, MIN, &until, &a, &b));
  assert_true(a == T0 + 13 * MIN && b == T0 + 13 * MIN + 20 * S);
  /* Fully inside what is covered: nothing. */
  assert_false(sw_avail_cover(T0 + 12 * MIN + 10 * S, 5 * S, &until, &a, &b));
  assert_true(until == T0 + 13 * MIN + 20 * S);
}

static void test_kinds_and_uptime(void **state)
{
  (void)state;
  assert_int_equal(sw_avail_kind_of(SW_NAGIOS_CRITICAL, true), SW_AVAIL_MAINTENANCE);
  assert_int_equal(sw_avail_kind_of(SW_NAGIOS_WARNING, false), SW_AVAIL_WARNING);
  enum sw_avail_kind k;
  assert_true(sw_avail_kind_from_name("maintenance", &k) && k == SW_AVAIL_MAINTENANCE);
  assert_false(sw_avail_kind_from_name("down", &k));

  struct sw_avail_totals t = {.period_ms = 24 * 60 * MIN};
  double up;
  assert_false(sw_avail_uptime(&t, &up)); /* nothing monitored: no figure, not 0 % */
  t.ms[SW_AVAIL_OK] = 20 * 60 * MIN;
  t.ms[SW_AVAIL_CRITICAL] = 30 * MIN;
  t.ms[SW_AVAIL_WARNING] = 30 * MIN;
  t.ms[SW_AVAIL_MAINTENANCE] = 2 * 60 * MIN;
  assert_true(sw_avail_uptime(&t, &up));
  /* 20 h OK of 21 h monitored; maintenance and the last hour left out. */
  assert_true(up > 95.238 && up < 95.239);
  assert_int_equal(sw_avail_monitored_ms(&t), 21 * 60 * MIN);
  assert_int_equal(sw_avail_unmonitored_ms(&t), 60 * MIN);
  struct sw_avail_totals more = {.checks = 3};
  more.ms[SW_AVAIL_OK] = 60 * MIN;
  sw_avail_totals_add(&t, &more);
  assert_int_equal(sw_avail_unmonitored_ms(&t), 0);
  assert_int_equal(t.checks, 3);
}

static void test_outages(void **state)
{
  (void)state;
  const struct sw_avail_change c[] = {
      {T0 - 60 * MIN, SW_AVAIL_CRITICAL, SW_OUTCOME_TIMEOUT}, /* before the period */
      {T0 + 10 * MIN, SW_AVAIL_OK, SW_OUTCOME_OK},
      {T0 + 30 * MIN, SW_AVAIL_CRITICAL, SW_OUTCOME_REFUSED},
      {T0 + 32 * MIN, SW_AVAIL_WARNING, SW_OUTCOME_OK}, /* still not OK: same outage */
      {T0 + 35 * MIN, SW_AVAIL_OK, SW_OUTCOME_OK},
      {T0 + 50 * MIN, SW_AVAIL_UNKNOWN, SW_OUTCOME_INTERNAL_ERROR},
      {T0 + 55 * MIN, SW_AVAIL_MAINTENANCE, SW_OUTCOME_OK}, /* planned: ends it */
      {T0 + 70 * MIN, SW_AVAIL_CRITICAL, SW_OUTCOME_CLOSED},
      {T0 + 200 * MIN, SW_AVAIL_OK, SW_OUTCOME_OK}, /* after the period */
  };
  struct sw_outage o[SW_COUNTOF(c)];
  size_t n = sw_avail_outages(c, SW_COUNTOF(c), T0, T0 + 120 * MIN, o);
  assert_int_equal(n, 4);
  assert_true(o[0].began_before && !o[0].open && o[0].start_ms == T0 - 60 * MIN &&
              o[0].end_ms == T0 + 10 * MIN && o[0].outcome == SW_OUTCOME_TIMEOUT);
  assert_true(!o[1].began_before && o[1].start_ms == T0 + 30 * MIN &&
              o[1].end_ms == T0 + 35 * MIN && o[1].outcome == SW_OUTCOME_REFUSED);
  assert_true(o[2].start_ms == T0 + 50 * MIN && o[2].end_ms == T0 + 55 * MIN);
  assert_true(o[3].open && o[3].start_ms == T0 + 70 * MIN &&
              o[3].end_ms == T0 + 120 * MIN && o[3].outcome == SW_OUTCOME_CLOSED);
  /* An outage over before the period is not in it. */
  n = sw_avail_outages(c, SW_COUNTOF(c), T0 + 40 * MIN, T0 + 45 * MIN, o);
  assert_int_equal(n, 0);
  /* No changes, no outages. */
  assert_int_equal(sw_avail_outages(c, 0, T0, T0 + MIN, o), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cover_regular_late_and_early),
      cmocka_unit_test(test_kinds_and_uptime),
      cmocka_unit_test(test_outages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
