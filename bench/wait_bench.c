/* How late the engine's wait ends, and how much of that is the system
 * timer's tick (issue 12 item 10). The same engine waits with nothing to
 * do for 1..20 ms, over and over, alternately with its high-resolution
 * waitable timer (engine_wait.h) and with a plain GetQueuedCompletionStatusEx
 * timeout (what Windows before 1803 gets): the plain waits are the peer,
 * measured in the same run. Lateness = when the wait returned - when it was
 * due, on the QueryPerformanceCounter clock. Prints figures, never passes
 * or fails on them.
 *
 *   wait_bench [WAITS_PER_MODE]      (default 400) */
#include <windows.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "engine.h"
#include "engine_wait.h"

static int by_value(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

struct figures {
  double p50_ms, p90_ms, p99_ms, max_ms;
};

static struct figures summarise(int64_t *late, int n)
{
  qsort(late, (size_t)n, sizeof late[0], by_value);
  struct figures f = {late[n / 2] / 1000.0, late[n * 9 / 10] / 1000.0,
                      late[n * 99 / 100] / 1000.0, late[n - 1] / 1000.0};
  return f;
}

int main(int argc, char **argv)
{
  int n = argc > 1 ? atoi(argv[1]) : 400;
  if (n < 10) {
    fprintf(stderr, "usage: wait_bench [WAITS_PER_MODE >= 10]\n");
    return 2;
  }
  struct sw_engine *e;
  unsigned long win_error = 0;
  if (sw_engine_create(&e, &win_error) != SW_E_OK) {
    fprintf(stderr, "wait_bench: the engine could not start (error %lu)\n", win_error);
    return 1;
  }
  int64_t *late[2] = {calloc((size_t)n, sizeof(int64_t)),
                      calloc((size_t)n, sizeof(int64_t))};
  if (!late[0] || !late[1]) {
    fprintf(stderr, "wait_bench: out of memory\n");
    return 1;
  }
  bool have_timer = sw_engine_set_precise_waits(e, true);
  /* Alternate the modes wait by wait, so both see the same machine. */
  for (int i = 0; i < n; i++) {
    for (int mode = 0; mode < 2; mode++) {
      sw_engine_set_precise_waits(e, mode == 1);
      uint32_t ms = 1 + (uint32_t)(i % 20);
      int64_t due = sw_clock_now_us() + (int64_t)ms * 1000;
      sw_engine_run_once(e, ms);
      late[mode][i] = sw_clock_now_us() - due;
    }
  }
  struct sw_engine_wait_info info;
  sw_engine_wait_info(e, &info);
  sw_engine_destroy(e);

  DWORD adjustment = 0, increment = 0;
  BOOL disabled = FALSE;
  GetSystemTimeAdjustment(&adjustment, &increment, &disabled);
  printf("engine wait lateness: %d waits of 1..20 ms per mode, alternating\n", n);
  printf("system clock interval (GetSystemTimeAdjustment): %.3f ms\n",
         increment / 10000.0);
  if (!have_timer)
    printf("no high-resolution waitable timer here (before Windows 10 1803): both rows "
           "are plain waits\n");
  printf("timer wakes %llu, timeouts %llu\n", (unsigned long long)info.timer_wakes,
         (unsigned long long)info.timeouts);
  struct figures plain = summarise(late[0], n), timer = summarise(late[1], n);
  printf("%-22s %8s %8s %8s %8s\n", "mode", "p50 ms", "p90 ms", "p99 ms", "max ms");
  printf("%-22s %8.3f %8.3f %8.3f %8.3f\n", "plain timeout (peer)", plain.p50_ms,
         plain.p90_ms, plain.p99_ms, plain.max_ms);
  printf("%-22s %8.3f %8.3f %8.3f %8.3f\n", "high-resolution timer", timer.p50_ms,
         timer.p90_ms, timer.p99_ms, timer.max_ms);
  printf("plain/timer p50 %.2f, p99 %.2f\n",
         plain.p50_ms / (timer.p50_ms > 0 ? timer.p50_ms : 1e-3),
         plain.p99_ms / (timer.p99_ms > 0 ? timer.p99_ms : 1e-3));
  double tick_part = plain.p50_ms - timer.p50_ms;
  printf("lateness the tick adds (plain p50 - timer p50): %.3f ms%s\n", tick_part,
         tick_part <= 0.1 ? " (none: plain waits end on time here, as under Wine; the "
                            "timer's APC is what the difference costs)"
                          : "");
  free(late[0]);
  free(late[1]);
  return 0;
}
