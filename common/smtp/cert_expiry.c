/* Certificate expiry: days left, the verdict against the thresholds, and the
 * date as text. No gmtime: it is not reentrant, its _r/_s variants differ
 * between C libraries, and a certificate date is simple enough to convert
 * here. */
#include "cert_expiry.h"

#include <inttypes.h>
#include <stdio.h>

/* Floor division: C's '/' rounds towards zero, and -1 s left must be day -1. */
static int64_t floor_div(int64_t a, int64_t b)
{
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int sw_cert_days_left(int64_t not_after, int64_t now_s)
{
  int64_t days = floor_div(not_after - now_s, SW_SECONDS_PER_DAY);
  if (days > 1000000)
    return 1000000; /* certificates "valid until 9999" stay printable */
  if (days < -1000000)
    return -1000000;
  return (int)days;
}

enum sw_outcome sw_cert_expiry_outcome(int64_t not_after, int64_t now_s, int warn_days)
{
  if (now_s > not_after)
    return SW_OUTCOME_CERT_EXPIRED;
  if (warn_days > 0 && not_after - now_s < (int64_t)warn_days * SW_SECONDS_PER_DAY)
    return SW_OUTCOME_CERT_EXPIRING;
  return SW_OUTCOME_OK;
}

bool sw_cert_expiry_is_critical(const struct sw_tls_info *tls)
{
  return tls->days_left < tls->crit_days;
}

/* Days since 1970-01-01 -> year, month (1-12), day (1-31). The Gregorian
 * calendar repeats every 400 years (146097 days); within an era, years are
 * counted from March so that the leap day falls at the end. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
  z += 719468; /* days from 0000-03-01 to 1970-01-01 */
  int64_t era = floor_div(z, 146097);
  unsigned doe = (unsigned)(z - era * 146097);                          /* [0, 146096] */
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
  unsigned mp = (5 * doy + 2) / 153;                                    /* March = 0 */
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void sw_utc_format(int64_t unix_s, char *out, size_t size)
{
  if (size == 0)
    return;
  int64_t days = floor_div(unix_s, SW_SECONDS_PER_DAY);
  int64_t secs = unix_s - days * SW_SECONDS_PER_DAY;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  if (y < 1 || y > 9999) {
    snprintf(out, size, "?");
    return;
  }
  snprintf(out, size, "%04" PRId64 "-%02u-%02u %02u:%02u:%02u UTC", y, m, d,
           (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
}
