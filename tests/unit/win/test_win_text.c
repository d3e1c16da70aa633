/* UTF-8 <-> UTF-16 at the Windows boundary (win_text.h): text a user typed
 * or a server sent comes back the same, exact conversions refuse what they
 * cannot carry, and nothing overruns a buffer. */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "win_text.h"

/* "Zürich € 😀": 1-, 2-, 3- and 4-byte characters. */
static const char mixed_utf8[] = "Z\xC3\xBCrich \xE2\x82\xAC \xF0\x9F\x98\x80";
static const wchar_t mixed_wide[] = L"Z\u00fcrich \u20ac \U0001F600";

static void test_round_trip(void **state)
{
  (void)state;
  wchar_t *w = sw_wide_dup(mixed_utf8);
  assert_non_null(w);
  assert_true(wcscmp(w, mixed_wide) == 0);
  char *u = sw_utf8_dup(w);
  assert_string_equal(u, mixed_utf8);
  free(w);
  free(u);
}

static void test_null_reads_as_empty(void **state)
{
  (void)state;
  wchar_t *w = sw_wide_dup(NULL);
  char *u = sw_utf8_dup(NULL);
  assert_true(w && w[0] == L'\0');
  assert_string_equal(u, "");
  free(w);
  free(u);
}

/* For display, a bad byte becomes U+FFFD and the rest survives. */
static void test_dup_replaces_ill_formed_input(void **state)
{
  (void)state;
  wchar_t *w = sw_wide_dup("a\xFF"
                           "b");
  assert_non_null(w);
  assert_true(wcscmp(w, L"a\uFFFDb") == 0);
  free(w);
}

/* For names, a bad byte is refused, never guessed. */
static void test_exact_refuses_ill_formed_input(void **state)
{
  (void)state;
  wchar_t out[16] = L"old";
  assert_false(sw_wide_from_utf8("mx\xFF.example", out, 16));
  assert_true(out[0] == L'\0');
  assert_true(sw_wide_from_utf8(mixed_utf8, out, 16));
  assert_true(wcscmp(out, mixed_wide) == 0);
}

/* A text that does not fit is refused whole, not cut: "Zürich € 😀" is 12
 * UTF-16 units with its NUL, 17 UTF-8 bytes with its NUL. */
static void test_exact_refuses_what_does_not_fit(void **state)
{
  (void)state;
  wchar_t wide[12];
  assert_true(sw_wide_from_utf8(mixed_utf8, wide, 12));
  assert_false(sw_wide_from_utf8(mixed_utf8, wide, 11));
  assert_true(wide[0] == L'\0');
  char utf8[18];
  memset(utf8, 'x', sizeof utf8);
  assert_true(sw_utf8_from_wide(mixed_wide, utf8, 17));
  assert_string_equal(utf8, mixed_utf8);
  assert_int_equal(utf8[17], 'x'); /* nothing written past the buffer */
  assert_false(sw_utf8_from_wide(mixed_wide, utf8, 16));
  assert_string_equal(utf8, "");
  assert_false(sw_utf8_from_wide(mixed_wide, utf8, 0));
}

/* A cell shows what fits and never half a character: with room for 10
 * units, "Zürich € 😀" loses the emoji (a surrogate pair) whole. */
static void test_show_cuts_on_whole_characters(void **state)
{
  (void)state;
  wchar_t out[16];
  sw_wide_show(mixed_utf8, out, 16);
  assert_true(wcscmp(out, mixed_wide) == 0);
  sw_wide_show(mixed_utf8, out, 11);
  assert_true(wcscmp(out, L"Z\u00fcrich \u20ac ") == 0);
  sw_wide_show(mixed_utf8, out, 3);
  assert_true(wcscmp(out, L"Z\u00fc") == 0); /* two units, though "ü" is 2 bytes */
  sw_wide_show("a\xFF", out, 16);
  assert_true(wcscmp(out, L"a\uFFFD") == 0);
  sw_wide_show(NULL, out, 16);
  assert_true(out[0] == L'\0');
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_null_reads_as_empty),
      cmocka_unit_test(test_dup_replaces_ill_formed_input),
      cmocka_unit_test(test_exact_refuses_ill_formed_input),
      cmocka_unit_test(test_exact_refuses_what_does_not_fit),
      cmocka_unit_test(test_show_cuts_on_whole_characters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
