/* The proleptic Gregorian calendar in UTC (calendar.h). The Gregorian
 * calendar repeats every 400 years (146097 days); within such an era,
 * years are counted from March so that the leap day falls at the end. */
#include "calendar.h"

#include <inttypes.h>
#include <stdio.h>

#define DAYS_0000_03_01_TO_1970 719468
#define DAYS_PER_ERA 146097

int64_t sw_floor_div(int64_t a, int64_t b)
{
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t sw_days_from_civil(int64_t y, unsigned m, unsigned d)
{
  y -= m <= 2;
  int64_t era = sw_floor_div(y, 400);
  int64_t yoe = y - era * 400;                                   /* [0, 399] */
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
  return era * DAYS_PER_ERA + doe - DAYS_0000_03_01_TO_1970;
}

void sw_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
  z += DAYS_0000_03_01_TO_1970;
  int64_t era = sw_floor_div(z, DAYS_PER_ERA);
  unsigned doe = (unsigned)(z - era * DAYS_PER_ERA);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153; /* March = 0 */
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

unsigned sw_weekday(int64_t days)
{
  int64_t w = (days + 4) % 7; /* 1970-01-01 was a Thursday */
  return (unsigned)(w < 0 ? w + 7 : w);
}

const char *sw_weekday_name(unsigned wday)
{
  static const char *const names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  return wday < 7 ? names[wday] : "?";
}

static void format(int64_t unix_s, const char *fmt, char *out, size_t size)
{
  if (size == 0)
    return;
  int64_t days = sw_floor_div(unix_s, SW_SECONDS_PER_DAY);
  int64_t secs = unix_s - days * SW_SECONDS_PER_DAY;
  int64_t y;
  unsigned m, d;
  sw_civil_from_days(days, &y, &m, &d);
  if (y < 1 || y > 9999) {
    snprintf(out, size, "?");
    return;
  }
  snprintf(out, size, fmt, y, m, d, (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60),
           (unsigned)(secs % 60));
}

void sw_utc_format(int64_t unix_s, char *out, size_t size)
{
  format(unix_s, "%04" PRId64 "-%02u-%02u %02u:%02u:%02u UTC", out, size);
}

void sw_utc_format_iso(int64_t unix_s, char *out, size_t size)
{
  format(unix_s, "%04" PRId64 "-%02u-%02uT%02u:%02u:%02uZ", out, size);
}
