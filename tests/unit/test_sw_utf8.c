/* UTF-8 decoding: what is well-formed, and how much of an ill-formed
 * sequence one replacement character covers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sw_utf8.h"

static void decodes(const char *s, uint32_t want_cp, size_t want_len)
{
  uint32_t cp = 0;
  size_t n = sw_utf8_next(s, strlen(s), &cp);
  assert_int_equal(n, want_len);
  assert_int_equal(cp, want_cp);
}

static void test_well_formed(void **state)
{
  (void)state;
  decodes("A", 'A', 1);
  decodes("\xC2\x80", 0x80, 2);
  decodes("\xC3\xA9", 0xE9, 2);            /* é */
  decodes("\xE2\x82\xAC", 0x20AC, 3);      /* € */
  decodes("\xEF\xBF\xBD", 0xFFFD, 3);      /* U+FFFD itself */
  decodes("\xF0\x9F\x98\x80", 0x1F600, 4); /* 😀 */
  decodes("\xF4\x8F\xBF\xBF", 0x10FFFF, 4);
  {
    const char *s = "gr\xC3\xBC\xC3\x9F dich \xE2\x82\xAC";
    assert_true(sw_utf8_valid(s, strlen(s)));
  }
  assert_true(sw_utf8_valid("", 0));
}

static void test_ill_formed_maximal_subparts(void **state)
{
  (void)state;
  decodes("\x80", SW_UTF8_INVALID, 1);     /* lone continuation */
  decodes("\xC0\xAF", SW_UTF8_INVALID, 1); /* overlong '/' */
  decodes("\xC1\xBF", SW_UTF8_INVALID, 1);
  decodes("\xE0\x80\xAF", SW_UTF8_INVALID, 1);     /* overlong 3-byte */
  decodes("\xED\xA0\x80", SW_UTF8_INVALID, 1);     /* surrogate D800 */
  decodes("\xF4\x90\x80\x80", SW_UTF8_INVALID, 1); /* above U+10FFFF */
  decodes("\xF5\x80\x80\x80", SW_UTF8_INVALID, 1);
  decodes("\xFF", SW_UTF8_INVALID, 1);
  /* A truncated sequence is one error covering its valid prefix. */
  decodes("\xE2\x82"
          "A",
          SW_UTF8_INVALID, 2);
  decodes("\xF0\x9F\x98"
          "A",
          SW_UTF8_INVALID, 3);
  assert_false(sw_utf8_valid("ok\xC3", 3));
  assert_false(sw_utf8_valid("\xED\xBF\xBF", 3));
}

static void test_never_reads_past_the_end(void **state)
{
  (void)state;
  /* The buffer holds the whole sequence, but len says only 2 bytes count. */
  uint32_t cp;
  assert_int_equal(sw_utf8_next("\xE2\x82\xAC", 2, &cp), 2);
  assert_int_equal(cp, SW_UTF8_INVALID);
  assert_int_equal(sw_utf8_next("\xF0\x9F\x98\x80", 1, &cp), 1);
  assert_int_equal(cp, SW_UTF8_INVALID);
}

static void test_controls(void **state)
{
  (void)state;
  assert_true(sw_utf8_is_control(0));
  assert_true(sw_utf8_is_control('\t'));
  assert_true(sw_utf8_is_control(0x1F));
  assert_true(sw_utf8_is_control(0x7F));
  assert_true(sw_utf8_is_control(0x85)); /* NEL, a C1 line break */
  assert_true(sw_utf8_is_control(0x9F));
  assert_false(sw_utf8_is_control(' '));
  assert_false(sw_utf8_is_control('~'));
  assert_false(sw_utf8_is_control(0xA0));
  assert_false(sw_utf8_is_control(0xE9));
}

/* A cut never splits a character: "é" is 2 bytes, "€" 3, "😀" 4. */
static void test_fit_cuts_on_whole_characters(void **state)
{
  (void)state;
  const char *s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  size_t len = strlen(s); /* 10 */
  assert_int_equal(sw_utf8_fit(s, len, 100), len);
  assert_int_equal(sw_utf8_fit(s, len, 10), 10);
  assert_int_equal(sw_utf8_fit(s, len, 9), 6); /* not into the emoji */
  assert_int_equal(sw_utf8_fit(s, len, 6), 6); /* "a", "é", "€" */
  assert_int_equal(sw_utf8_fit(s, len, 5), 3); /* not into the euro sign */
  assert_int_equal(sw_utf8_fit(s, len, 2), 1); /* not into the "é" */
  assert_int_equal(sw_utf8_fit(s, len, 0), 0);
}

/* A line break wins over other problems: it is the dangerous one. */
static void test_line_check(void **state)
{
  (void)state;
  size_t chars;
  assert_int_equal(sw_utf8_line_check("Z\xC3\xBCrich", 7, &chars), SW_LINE_OK);
  assert_int_equal(chars, 6);
  assert_int_equal(sw_utf8_line_check("a\tb", 3, NULL), SW_LINE_CONTROL);
  assert_int_equal(sw_utf8_line_check("a\xFF"
                                      "b",
                                      3, NULL),
                   SW_LINE_BAD_UTF8);
  assert_int_equal(sw_utf8_line_check("\xFF\tRCPT\r\n", 8, NULL), SW_LINE_BREAK);
  assert_int_equal(sw_utf8_line_check("\xC2\x85", 2, NULL), SW_LINE_CONTROL); /* NEL */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_well_formed),
      cmocka_unit_test(test_ill_formed_maximal_subparts),
      cmocka_unit_test(test_never_reads_past_the_end),
      cmocka_unit_test(test_controls),
      cmocka_unit_test(test_fit_cuts_on_whole_characters),
      cmocka_unit_test(test_line_check),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
