/* The environment block of a notifier's program (common/win/program_env.c):
 * the service's own variables with the notification's added, in the order
 * CreateProcess documents (by name, case-insensitive, ordinal), a name
 * given again replacing the old value whatever its case, the drives'
 * "=C:" entries kept first, and bad pairs refused with a sentence. */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "program_env.h"

/* The block's entries as one string, "a|b|c", for comparing. */
static void flatten(const wchar_t *block, wchar_t *out, size_t cap)
{
  out[0] = L'\0';
  for (const wchar_t *e = block; *e; e += wcslen(e) + 1) {
    if (out[0])
      wcsncat(out, L"|", cap - wcslen(out) - 1);
    wcsncat(out, e, cap - wcslen(out) - 1);
  }
}

static void assert_block(const wchar_t *base, const char *const *pairs, size_t count,
                         const wchar_t *want)
{
  char why[256] = "";
  wchar_t *block = sw_program_env_block(base, pairs, count, why, sizeof why);
  assert_non_null(block);
  wchar_t flat[1024];
  flatten(block, flat, 1024);
  if (wcscmp(flat, want) != 0)
    fail_msg("block %ls, wanted %ls", flat, want);
  free(block);
}

static void test_pairs_are_added_and_sorted_with_the_base(void **state)
{
  (void)state;
  static const wchar_t base[] = L"=C:=C:\\Windows\0"
                                L"Path=C:\\Windows\0"
                                L"SystemRoot=C:\\Windows\0"
                                L"TEMP=C:\\Temp\0";
  const char *pairs[] = {"SMTPWATCH_STATE=CRITICAL", "SMTPWATCH_RULE_ID=7",
                         "SMTPWATCH_MESSAGE=connection refused"};
  assert_block(base, pairs, 3,
               L"=C:=C:\\Windows|Path=C:\\Windows|SMTPWATCH_MESSAGE=connection refused|"
               L"SMTPWATCH_RULE_ID=7|SMTPWATCH_STATE=CRITICAL|SystemRoot=C:\\Windows|"
               L"TEMP=C:\\Temp");
}

/* Case-insensitive: "_" (0x5F) sorts after the letters once they are
 * folded to upper case, and "a" and "B" by their letters, not by case. */
static void test_order_ignores_case_and_locale(void **state)
{
  (void)state;
  const char *pairs[] = {"b=2", "A_B=3", "a=1", "AB=4", "Z=5"};
  assert_block(NULL, pairs, 5, L"a=1|AB=4|A_B=3|b=2|Z=5");
}

static void test_a_pair_replaces_the_service_value_of_any_case(void **state)
{
  (void)state;
  static const wchar_t base[] = L"Path=C:\\old\0smtpwatch_state=OK\0";
  const char *pairs[] = {"PATH=C:\\new", "SMTPWATCH_STATE=CRITICAL",
                         "SMTPWATCH_STATE=WARNING"};
  assert_block(base, pairs, 3, L"PATH=C:\\new|SMTPWATCH_STATE=WARNING");
}

static void test_values_keep_equals_signs_and_unicode(void **state)
{
  (void)state;
  const char *pairs[] = {"SMTPWATCH_NAME=Relais M\xc3\xbcnchen", "X=a=b=c", "EMPTY="};
  assert_block(NULL, pairs, 3, L"EMPTY=|SMTPWATCH_NAME=Relais M\u00fcnchen|X=a=b=c");
}

static void test_empty_block_ends_in_two_nuls(void **state)
{
  (void)state;
  char why[256] = "";
  wchar_t *block = sw_program_env_block(NULL, NULL, 0, why, sizeof why);
  assert_non_null(block);
  assert_int_equal(block[0], 0);
  assert_int_equal(block[1], 0);
  free(block);
}

static void test_bad_pairs_are_refused_with_a_sentence(void **state)
{
  (void)state;
  const char *no_equals[] = {"SMTPWATCH_RULE_ID=1", "JUSTANAME"};
  const char *no_name[] = {"=value"};
  char why[256] = "";
  assert_null(sw_program_env_block(NULL, no_equals, 2, why, sizeof why));
  assert_string_equal(why, "environment entry 2 (\"JUSTANAME\") is not NAME=value");
  assert_null(sw_program_env_block(NULL, no_name, 1, why, sizeof why));
  assert_string_equal(why, "environment entry 1 (\"=value\") is not NAME=value");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pairs_are_added_and_sorted_with_the_base),
      cmocka_unit_test(test_order_ignores_case_and_locale),
      cmocka_unit_test(test_a_pair_replaces_the_service_value_of_any_case),
      cmocka_unit_test(test_values_keep_equals_signs_and_unicode),
      cmocka_unit_test(test_empty_block_ends_in_two_nuls),
      cmocka_unit_test(test_bad_pairs_are_refused_with_a_sentence),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
