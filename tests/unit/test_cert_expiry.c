/* Certificate expiry: whole days left (rounded down, negative once past),
 * the verdict against the thresholds at their edges, the critical severity
 * of "expiring", and dates as a user reads them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cert_expiry.h"

#define DAY SW_SECONDS_PER_DAY
#define NOW 1800000000LL /* 2027-01-15 08:00:00 UTC */

static void test_days_left(void **state)
{
  (void)state;
  assert_int_equal(sw_cert_days_left(NOW + 30 * DAY, NOW), 30);
  assert_int_equal(sw_cert_days_left(NOW + 30 * DAY - 1, NOW), 29);
  assert_int_equal(sw_cert_days_left(NOW + 1, NOW), 0); /* its last day */
  assert_int_equal(sw_cert_days_left(NOW, NOW), 0);
  assert_int_equal(sw_cert_days_left(NOW - 1, NOW), -1); /* the first day after */
  assert_int_equal(sw_cert_days_left(NOW - DAY, NOW), -1);
  assert_int_equal(sw_cert_days_left(NOW - DAY - 1, NOW), -2);
  /* "Valid until 9999" and other extremes stay printable numbers. */
  assert_int_equal(sw_cert_days_left(INT64_MAX / 2, NOW), 1000000);
  assert_int_equal(sw_cert_days_left(-(INT64_MAX / 2), NOW), -1000000);
}

static void test_outcome_at_the_edges(void **state)
{
  (void)state;
  /* Expired only once past its last second (X.509 validity is inclusive). */
  assert_int_equal(sw_cert_expiry_outcome(NOW, NOW, 21), SW_OUTCOME_CERT_EXPIRING);
  assert_int_equal(sw_cert_expiry_outcome(NOW - 1, NOW, 21), SW_OUTCOME_CERT_EXPIRED);
  /* Expiring: less than 21 days, to the second. */
  assert_int_equal(sw_cert_expiry_outcome(NOW + 21 * DAY, NOW, 21), SW_OUTCOME_OK);
  assert_int_equal(sw_cert_expiry_outcome(NOW + 21 * DAY - 1, NOW, 21),
                   SW_OUTCOME_CERT_EXPIRING);
  assert_int_equal(sw_cert_expiry_outcome(NOW + 3 * DAY, NOW, 21),
                   SW_OUTCOME_CERT_EXPIRING);
  /* 0 warning days: never "expiring", still expired. */
  assert_int_equal(sw_cert_expiry_outcome(NOW + 1, NOW, 0), SW_OUTCOME_OK);
  assert_int_equal(sw_cert_expiry_outcome(NOW - 1, NOW, 0), SW_OUTCOME_CERT_EXPIRED);
}

static void test_critical_severity(void **state)
{
  (void)state;
  struct sw_tls_info t;
  memset(&t, 0, sizeof t);
  t.warn_days = 21;
  t.crit_days = 7;
  t.days_left = 7;
  assert_false(sw_cert_expiry_is_critical(&t));
  t.days_left = 6;
  assert_true(sw_cert_expiry_is_critical(&t));
  t.days_left = 0;
  assert_true(sw_cert_expiry_is_critical(&t));
  t.crit_days = 0; /* never critical for being close */
  assert_false(sw_cert_expiry_is_critical(&t));
}

static void test_utc_format(void **state)
{
  (void)state;
  char s[40];
  sw_utc_format(0, s, sizeof s);
  assert_string_equal(s, "1970-01-01 00:00:00 UTC");
  sw_utc_format(NOW, s, sizeof s);
  assert_string_equal(s, "2027-01-15 08:00:00 UTC");
  sw_utc_format(951782400, s, sizeof s); /* a leap day of a year divisible by 400 */
  assert_string_equal(s, "2000-02-29 00:00:00 UTC");
  sw_utc_format(4107542399LL, s, sizeof s); /* 2100 is not a leap year */
  assert_string_equal(s, "2100-02-28 23:59:59 UTC");
  sw_utc_format(4107542400LL, s, sizeof s);
  assert_string_equal(s, "2100-03-01 00:00:00 UTC");
  sw_utc_format(-1, s, sizeof s); /* before 1970 */
  assert_string_equal(s, "1969-12-31 23:59:59 UTC");
  sw_utc_format(253402300799LL, s, sizeof s); /* GeneralizedTime's "no expiry" */
  assert_string_equal(s, "9999-12-31 23:59:59 UTC");
  sw_utc_format(253402300800LL, s, sizeof s);
  assert_string_equal(s, "?");
  /* Cut, but terminated. */
  sw_utc_format(0, s, 8);
  assert_string_equal(s, "1970-01");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_days_left),
      cmocka_unit_test(test_outcome_at_the_edges),
      cmocka_unit_test(test_critical_severity),
      cmocka_unit_test(test_utc_format),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
