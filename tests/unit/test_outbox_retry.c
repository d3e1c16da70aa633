/* Outbox retries: a failing receiver is tried again sooner first, then
 * less often, never later than the give-up time, and many notifications
 * failing at once come back spread out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "outbox_retry.h"

#define T0 INT64_C(1800000000)

static void test_the_wait_doubles_up_to_its_cap(void **state)
{
  (void)state;
  struct sw_outbox_retry r;
  sw_outbox_retry_defaults(&r);
  /* The base waits 30, 60, 120, ... 1800 s, each plus at most a quarter. */
  uint64_t base[] = {30, 60, 120, 240, 480, 960, 1800, 1800, 1800};
  for (uint32_t f = 1; f <= 9; f++) {
    int64_t wait = sw_outbox_retry_at(&r, f, T0, T0 + 100, 42) - (T0 + 100);
    assert_in_range(wait, base[f - 1], base[f - 1] + base[f - 1] / 4);
  }
}

static void test_never_after_the_give_up_time(void **state)
{
  (void)state;
  struct sw_outbox_retry r;
  sw_outbox_retry_defaults(&r);
  int64_t deadline = T0 + 24 * 3600;
  /* Twenty seconds before the deadline: the last try is at the deadline. */
  assert_int_equal(sw_outbox_retry_at(&r, 50, T0, deadline - 20, 7), deadline);
  assert_true(sw_outbox_retry_at(&r, 51, T0, deadline, 7) == SW_OUTBOX_GIVE_UP);
  assert_true(sw_outbox_retry_at(&r, 1, T0, deadline + 1, 7) == SW_OUTBOX_GIVE_UP);
  /* A notifier that is down all day gets ~60 attempts, not thousands. */
  int64_t now = T0;
  unsigned attempts = 1;
  for (;;) {
    int64_t next = sw_outbox_retry_at(&r, attempts, T0, now, 99);
    if (next == SW_OUTBOX_GIVE_UP)
      break;
    assert_true(next > now);
    now = next;
    attempts++;
  }
  assert_in_range(attempts, 40, 70);
}

/* A thousand notifications that failed together come back over a spread,
 * not in one burst. */
static void test_failures_together_come_back_spread(void **state)
{
  (void)state;
  struct sw_outbox_retry r;
  sw_outbox_retry_defaults(&r);
  unsigned seen[16] = {0};
  for (uint64_t id = 1; id <= 1000; id++) {
    int64_t wait = sw_outbox_retry_at(&r, 7, T0, T0, id) - T0; /* 1800 .. 2250 s */
    seen[(wait - 1800) * 16 / 451]++;
  }
  for (unsigned i = 0; i < 16; i++)
    assert_in_range(seen[i], 30, 100); /* about 62 in each sixteenth */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_the_wait_doubles_up_to_its_cap),
      cmocka_unit_test(test_never_after_the_give_up_time),
      cmocka_unit_test(test_failures_together_come_back_spread),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
