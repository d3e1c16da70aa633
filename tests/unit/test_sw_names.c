/* Machine names back to enum values (sw_names.h): what every
 * sw_*_from_name answers for a known name, another case, a prefix, a name
 * that is not NUL-terminated, and nothing at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "check_result.h"
#include "nagios_report.h"
#include "rule.h"
#include "sw_macros.h"
#include "sw_names.h"

static const char *const names[] = {"none", "starttls", "require-starttls", "implicit"};

static void test_finds_each_name_at_its_index(void **state)
{
  (void)state;
  for (size_t i = 0; i < SW_COUNTOF(names); i++)
    assert_int_equal(sw_name_index(names, SW_COUNTOF(names), names[i]), (int)i);
}

static void test_case_prefixes_and_nothing_are_not_found(void **state)
{
  (void)state;
  assert_int_equal(sw_name_index(names, SW_COUNTOF(names), "STARTTLS"), -1);
  assert_int_equal(sw_name_index(names, SW_COUNTOF(names), "start"), -1);
  assert_int_equal(sw_name_index(names, SW_COUNTOF(names), "starttls "), -1);
  assert_int_equal(sw_name_index(names, SW_COUNTOF(names), ""), -1);
  assert_int_equal(sw_name_index(names, SW_COUNTOF(names), NULL), -1);
  assert_int_equal(sw_name_index(names, 0, "none"), -1);
}

static void test_a_name_inside_longer_text_is_found_by_length(void **state)
{
  (void)state;
  const char text[] = "implicit,none"; /* as a TLV or a list carries it */
  assert_int_equal(sw_name_index_n(names, SW_COUNTOF(names), text, 8), 3);
  assert_int_equal(sw_name_index_n(names, SW_COUNTOF(names), text + 9, 4), 0);
  assert_int_equal(sw_name_index_n(names, SW_COUNTOF(names), text, 7), -1);
}

/* The enums' own lookups write what their name functions read. */
static void test_enum_names_round_trip(void **state)
{
  (void)state;
  for (int i = 0; i < SW_OUTCOME_COUNT; i++) {
    enum sw_outcome o = SW_OUTCOME_COUNT;
    assert_true(sw_outcome_from_name(sw_outcome_name((enum sw_outcome)i), &o));
    assert_int_equal(o, i);
  }
  for (int i = 0; i < SW_TLS_MODE_COUNT; i++) {
    enum sw_tls_mode m = SW_TLS_MODE_COUNT;
    assert_true(sw_tls_mode_from_name(sw_tls_mode_name((enum sw_tls_mode)i), &m));
    assert_int_equal(m, i);
  }
  enum sw_nagios_status s = SW_NAGIOS_OK;
  assert_true(sw_nagios_status_from_text("CRITICAL;", 8, &s));
  assert_int_equal(s, SW_NAGIOS_CRITICAL);
  assert_false(sw_nagios_status_from_text("critical", 8, &s));
  assert_int_equal(s, SW_NAGIOS_CRITICAL); /* untouched */
  enum sw_step step = SW_STEP_RESOLVE;
  assert_true(sw_step_from_name("quit=12", 4, &step));
  assert_int_equal(step, SW_STEP_QUIT);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_finds_each_name_at_its_index),
      cmocka_unit_test(test_case_prefixes_and_nothing_are_not_found),
      cmocka_unit_test(test_a_name_inside_longer_text_is_found_by_length),
      cmocka_unit_test(test_enum_names_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
