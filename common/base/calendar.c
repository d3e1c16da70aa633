/* The proleptic Gregorian calendar in UTC (calendar.h). The Gregorian
 * calendar repeats every 400 years (146097 days); within such an era,
 * years are counted from March so that the leap day falls at the end. */
#include "calendar.h"

#include <inttypes.h>
#include <stdbool.h>
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

const char *sw_month_name(unsigned month)
{
  static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return month >= 1 && month <= 12 ? names[month - 1] : "?";
}

/* A time's calendar fields; false (and "?" in out) outside years 1-9999. */
struct fields {
  int64_t days, y;
  unsigned m, d, hh, mm, ss;
};

static bool split(int64_t unix_s, struct fields *f, char *out, size_t size)
{
  f->days = sw_floor_div(unix_s, SW_SECONDS_PER_DAY);
  int64_t secs = unix_s - f->days * SW_SECONDS_PER_DAY;
  sw_civil_from_days(f->days, &f->y, &f->m, &f->d);
  f->hh = (unsigned)(secs / 3600);
  f->mm = (unsigned)(secs / 60 % 60);
  f->ss = (unsigned)(secs % 60);
  if (f->y >= 1 && f->y <= 9999)
    return true;
  snprintf(out, size, "?");
  return false;
}

void sw_rfc5322_date_format(int64_t unix_s, int utc_offset_min, char *out, size_t size)
{
  struct fields f;
  if (size == 0)
    return;
  if (utc_offset_min < -(24 * 60 - 1) || utc_offset_min > 24 * 60 - 1) {
    snprintf(out, size, "?");
    return;
  }
  if (!split(unix_s + (int64_t)utc_offset_min * 60, &f, out, size))
    return;
  unsigned off = (unsigned)(utc_offset_min < 0 ? -utc_offset_min : utc_offset_min);
  snprintf(out, size, "%s, %02u %s %04" PRId64 " %02u:%02u:%02u %c%02u%02u",
           sw_weekday_name(sw_weekday(f.days)), f.d, sw_month_name(f.m), f.y, f.hh, f.mm,
           f.ss, utc_offset_min < 0 ? '-' : '+', off / 60, off % 60);
}

static void format(int64_t unix_s, const char *fmt, char *out, size_t size)
{
  struct fields f;
  if (size > 0 && split(unix_s, &f, out, size))
    snprintf(out, size, fmt, f.y, f.m, f.d, f.hh, f.mm, f.ss);
}

void sw_utc_format(int64_t unix_s, char *out, size_t size)
{
  format(unix_s, "%04" PRId64 "-%02u-%02u %02u:%02u:%02u UTC", out, size);
}

void sw_utc_format_iso(int64_t unix_s, char *out, size_t size)
{
  format(unix_s, "%04" PRId64 "-%02u-%02uT%02u:%02u:%02uZ", out, size);
}
