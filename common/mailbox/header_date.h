/* Dates in headers (RFC 5322 3.3 date-time, with the obsolete forms of
 * 4.3 that old and odd MTAs still write): what follows the ';' of a
 * Received: field, or a Date: field's value. The writing side is
 * sw_rfc5322_date_format (calendar.h). */
#ifndef SW_HEADER_DATE_H
#define SW_HEADER_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses s[0..len): [day-of-week ","] day month year hour ":" minute
 * [":" second] zone, with whitespace and comments between the tokens and
 * after them ("+0000 (UTC)"). Accepted besides the modern form: a missing
 * comma, one-digit hours, two-digit years (below 50: 20xx, else 19xx) and
 * three-digit ones (+1900), the zones UT, GMT, EST, EDT, CST, CDT, MST,
 * MDT, PST, PDT, and the military letters, which RFC 5322 4.3 says to take
 * as -0000 (the offset is unknown: the time is read as UTC). The day must
 * exist (no 31 Nov), a second of 60 (a leap second) counts as 59.
 * True with *unix_s (UTC) and *offset_min (minutes east of UTC); false,
 * leaving them alone, for anything else. */
bool sw_header_date_parse(const char *s, size_t len, int64_t *unix_s, int *offset_min);

#endif
