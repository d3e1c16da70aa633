/* The proleptic Gregorian calendar in UTC, for turning Unix times into
 * dates and back. No gmtime/timegm: they are not reentrant or not
 * portable (their _r/_s variants differ between C libraries), and the
 * arithmetic is short. */
#ifndef SW_CALENDAR_H
#define SW_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#define SW_SECONDS_PER_DAY 86400

/* a / b rounded towards minus infinity (b > 0): C's '/' rounds towards
 * zero, and one second before 1970 is day -1. */
int64_t sw_floor_div(int64_t a, int64_t b);

/* Days since 1970-01-01 of year-month(1-12)-day(1-31). */
int64_t sw_days_from_civil(int64_t y, unsigned m, unsigned d);

/* The date of a day since 1970-01-01. */
void sw_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* The weekday of a day since 1970-01-01: 0 = Sunday ... 6 = Saturday. */
unsigned sw_weekday(int64_t days);

/* "Sun" ... "Sat" for 0 ... 6 (sw_weekday's numbering); "?" otherwise. */
const char *sw_weekday_name(unsigned wday);

/* "Jan" ... "Dec" for 1 ... 12 (RFC 5322's month names); "?" otherwise. */
const char *sw_month_name(unsigned month);

/* The RFC 5322 (3.3) date-time of a Unix time as a clock utc_offset_min
 * minutes east of UTC shows it: "Mon, 07 Dec 2026 11:17:03 +0100", for
 * Date: headers. The offset must be within -23:59 ... +23:59 and the
 * local year within 1 ... 9999; otherwise "?". Always NUL-terminates. */
void sw_rfc5322_date_format(int64_t unix_s, int utc_offset_min, char *out, size_t size);

/* "2025-06-01 12:00:00 UTC" for a Unix time (any year from 1 to 9999;
 * others print as "?"). Always NUL-terminates. */
void sw_utc_format(int64_t unix_s, char *out, size_t size);

/* The same as ISO 8601 / RFC 3339, "2025-06-01T12:00:00Z", for JSON. */
void sw_utc_format_iso(int64_t unix_s, char *out, size_t size);

#endif
