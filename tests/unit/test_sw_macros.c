/* NEVER(), ALWAYS() and SW_NOT_REACHED() (sw_macros.h): a debug build
 * stops at the broken expectation, a release build yields the value and
 * takes the defensive branch. Both flavours are compiled into this test
 * (tests/unit/macros/), so every build checks both; the build's own
 * flavour is checked for the values it yields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "never_flavours.h"
#include "sw_macros.h"

static void test_release_yields_the_value_and_goes_on(void **state)
{
  (void)state;
  int n = 0;
  assert_int_equal(sw_test_never_release(0, &n), 0);
  assert_int_equal(sw_test_never_release(7, &n), 1); /* the defensive branch runs */
  assert_int_equal(sw_test_always_release(7, &n), 1);
  assert_int_equal(sw_test_always_release(0, &n), 0); /* ... and here */
  assert_int_equal(n, 4);                             /* each argument once */
  assert_int_equal(sw_test_not_reached_release(), 1);
}

static void test_debug_yields_the_expected_value(void **state)
{
  (void)state;
  int n = 0;
  assert_int_equal(sw_test_never_debug(0, &n), 0);
  assert_int_equal(sw_test_always_debug(7, &n), 1);
  assert_int_equal(n, 2);
}

static void test_debug_asserts_on_the_unexpected(void **state)
{
  (void)state;
  int n = 0;
  expect_assert_failure(sw_test_never_debug(1, &n));
  expect_assert_failure(sw_test_always_debug(0, &n));
  assert_int_equal(n, 2);
  expect_assert_failure(sw_test_not_reached_debug());
}

/* This build's own flavour, on the values it must agree on in both. */
static void test_this_build(void **state)
{
  (void)state;
  int i = 0;
  assert_false(NEVER(i++ > 0));
  assert_true(ALWAYS(i++ > 0));
  assert_int_equal(i, 2);
  const char *p = "x";
  assert_int_equal(ALWAYS(p), 1); /* a pointer yields 1, not itself */
#ifdef NDEBUG
  assert_int_equal(NEVER(p), 1);
#endif
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_release_yields_the_value_and_goes_on),
      cmocka_unit_test(test_debug_yields_the_expected_value),
      cmocka_unit_test(test_debug_asserts_on_the_unexpected),
      cmocka_unit_test(test_this_build),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
