/* Growing arrays (sw_array.h): room is made only when the array is full,
 * the capacity doubles from the first size, the items kept survive a move,
 * and a size that would overflow is refused with the array left as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sw_array.h"

static void capacity_doubles_from_the_first_size(void **state)
{
  (void)state;
  int *a = NULL;
  size_t cap = 0;
  size_t caps[40];
  for (size_t n = 0; n < 40; n++) {
    int *p = sw_array_grow(a, &cap, n, sizeof *a, 4);
    assert_non_null(p);
    a = p;
    a[n] = (int)n * 3;
    caps[n] = cap;
  }
  assert_int_equal(caps[0], 4);
  assert_int_equal(caps[3], 4);
  assert_int_equal(caps[4], 8);
  assert_int_equal(caps[8], 16);
  assert_int_equal(caps[39], 64);
  for (size_t n = 0; n < 40; n++)
    assert_int_equal(a[n], (int)n * 3);
  free(a);
}

static void room_left_returns_the_same_array(void **state)
{
  (void)state;
  size_t cap = 0;
  char *a = sw_array_grow(NULL, &cap, 0, 1, 8);
  assert_non_null(a);
  assert_int_equal(cap, 8);
  assert_ptr_equal(sw_array_grow(a, &cap, 7, 1, 8), a);
  assert_int_equal(cap, 8);
  free(a);
}

static void no_first_size_starts_at_one_item(void **state)
{
  (void)state;
  size_t cap = 0;
  long *a = sw_array_grow(NULL, &cap, 0, sizeof *a, 0);
  assert_non_null(a);
  assert_int_equal(cap, 1);
  a[0] = 7;
  long *b = sw_array_grow(a, &cap, 1, sizeof *a, 0);
  assert_non_null(b);
  assert_int_equal(cap, 2);
  assert_int_equal(b[0], 7);
  free(b);
}

static void an_overflowing_size_is_refused_and_nothing_changes(void **state)
{
  (void)state;
  size_t cap = 2;
  char *a = malloc(2 * 64);
  assert_non_null(a);
  /* Doubling 2 items of SIZE_MAX/3 bytes would overflow size_t. */
  assert_null(sw_array_grow(a, &cap, 2, SIZE_MAX / 3, 1));
  assert_int_equal(cap, 2);
  size_t huge = SIZE_MAX / 2 + 1;
  assert_null(sw_array_grow(a, &huge, huge, 1, 1));
  assert_true(huge == SIZE_MAX / 2 + 1);
  free(a);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(capacity_doubles_from_the_first_size),
      cmocka_unit_test(room_left_returns_the_same_array),
      cmocka_unit_test(no_first_size_starts_at_one_item),
      cmocka_unit_test(an_overflowing_size_is_refused_and_nothing_changes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
