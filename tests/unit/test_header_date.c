/* Dates in headers (common/mailbox/header_date.c): the modern form as
 * MTAs write it, the obsolete forms RFC 5322 4.3 allows, and what is not a
 * date; and what sw_rfc5322_date_format writes reads back the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "calendar.h"
#include "header_date.h"

#define AT INT64_C(1796638623) /* 2026-12-07 10:17:03 UTC, a Monday */

static void assert_date(const char *text, int64_t unix_s, int offset_min)
{
  int64_t t = -1;
  int off = -1;
  if (!sw_header_date_parse(text, strlen(text), &t, &off))
    fail_msg("not read: \"%s\"", text);
  assert_int_equal(t, unix_s);
  assert_int_equal(off, offset_min);
}

static void assert_no_date(const char *text)
{
  int64_t t = 42;
  int off = 42;
  if (sw_header_date_parse(text, strlen(text), &t, &off))
    fail_msg("read as a date: \"%s\"", text);
  assert_int_equal(t, 42); /* left alone */
  assert_int_equal(off, 42);
}

static void test_as_mtas_write_them(void **state)
{
  (void)state;
  assert_date("Mon, 07 Dec 2026 10:17:03 +0000", AT, 0);
  assert_date("Mon,  7 Dec 2026 10:17:03 +0000 (UTC)", AT, 0);   /* Postfix */
  assert_date("Mon, 7 Dec 2026 02:17:03 -0800 (PST)", AT, -480); /* Gmail */
  assert_date("Mon, 7 Dec 2026 11:17:03 +0100", AT, 60);
  assert_date("7 Dec 2026 15:47:03 +0530", AT, 330);           /* no weekday */
  assert_date("\r\n\tMon, 07 Dec 2026 10:17:03 -0000", AT, 0); /* folded; -0000 unknown */
  assert_date("mon, 07 dec 2026 10:17:03 +0000", AT, 0);       /* case */
  assert_date("Mon, 07 Dec 2026 10:17 +0000", AT - 3, 0);      /* no seconds */
  assert_date("Mon, 07 Dec 2026 10:17:60 +0000", AT + 56, 0);  /* a leap second: :59 */
}

static void test_obsolete_forms(void **state)
{
  (void)state;
  assert_date("Mon 07 Dec 2026 10:17:03 +0000", AT, 0); /* no comma */
  assert_date("Mon, 07 Dec 26 10:17:03 +0000", AT, 0);  /* two-digit year */
  assert_date("Thu, 01 Jan 70 00:00:00 GMT", 0, 0);     /* 70: 1970 */
  assert_date("Mon, 07 Dec 126 10:17:03 +0000", AT, 0); /* three digits: +1900 */
  assert_date("Mon, 07 Dec 2026 05:17:03 EST", AT, -300);
  assert_date("Mon, 07 Dec 2026 06:17:03 EDT", AT, -240);
  assert_date("Mon, 07 Dec 2026 03:17:03 PDT", AT, -420);
  assert_date("Mon, 07 Dec 2026 10:17:03 UT", AT, 0);
  assert_date("Mon, 07 Dec 2026 10:17:03 Z", AT, 0); /* military: unknown, as UTC */
  assert_date("Mon, 07 Dec 2026 9:17:03 (comment) +0000", AT - 3600, 0);
  assert_date("(a) Mon (b) , (c) 07 (d) Dec (e) 2026 (f) 10 : 17 : 03 (g) +0000 (h)", AT,
              0);
}

static void test_not_dates(void **state)
{
  (void)state;
  assert_no_date("");
  assert_no_date("yesterday");
  assert_no_date("Mon, 07 Dec 2026");                /* no time */
  assert_no_date("Mon, 07 Dec 2026 10:17:03");       /* no zone */
  assert_no_date("Mon, 07 Foo 2026 10:17:03 +0000"); /* no month */
  assert_no_date("Xyz, 07 Dec 2026 10:17:03 +0000"); /* no weekday */
  assert_no_date("Mon, 31 Nov 2026 10:17:03 +0000"); /* no 31 Nov */
  assert_no_date("Sun, 29 Feb 2026 10:17:03 +0000"); /* a common year */
  assert_no_date("Mon, 07 Dec 2026 24:00:00 +0000");
  assert_no_date("Mon, 07 Dec 2026 10:60:00 +0000");
  assert_no_date("Mon, 07 Dec 2026 10:17:03 +0160");       /* 60 minutes */
  assert_no_date("Mon, 07 Dec 2026 10:17:03 +100");        /* three digits */
  assert_no_date("Mon, 07 Dec 2026 10:17:03 J");           /* J is no zone */
  assert_no_date("Mon, 07 Dec 2026 10:17:03 CET");         /* not in RFC 5322 */
  assert_no_date("Mon, 07 Dec 2026 10:17:03 +0000 extra"); /* trailing words */
  assert_no_date("Mon, 07 Dec 20261 10:17:03 +0000");
  assert_no_date("Mon, 007 Dec 2026 10:17:03 +0000");
  assert_no_date("Mon, 07 Dec 1899 10:17:03 +0000");
  assert_int_equal(sw_header_date_parse(NULL, 10, &(int64_t){0}, &(int){0}), false);
}

/* Whatever the builder writes, the parser reads back. */
static void test_written_dates_read_back(void **state)
{
  (void)state;
  static const int offsets[] = {0,       60,        -300, 330, 845, -(9 * 60 + 30),
                                14 * 60, -(12 * 60)};
  for (int64_t t = -86400 * 365; t < INT64_C(4102444800); t += 86400 * 37 + 3671) {
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
      char text[64];
      sw_rfc5322_date_format(t, offsets[i], text, sizeof text);
      assert_date(text, t, offsets[i]);
    }
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_as_mtas_write_them),
      cmocka_unit_test(test_obsolete_forms),
      cmocka_unit_test(test_not_dates),
      cmocka_unit_test(test_written_dates_read_back),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
