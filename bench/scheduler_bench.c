/* Scheduler cost at 1,000 to 1,000,000 rules, in simulated time: what the
 * service loop pays per rule added, per run handed out and finished, and
 * per rule removed and added again, plus the memory per rule. The figures
 * should grow with log n, not n; compare them with the engine's cost per
 * check (bench/README.md), which is thousands of times larger.
 *
 *   scheduler_bench [MAX_RULES]     (default 1000000)
 *
 * Portable (common/monitor only): built natively and for Windows. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "scheduler.h"

#define SEC INT64_C(1000000)
#define T0 (INT64_C(86400) * 3 * SEC)

static double now_s(void)
{
  return (double)clock() / CLOCKS_PER_SEC;
}

static double per_op_ns(double seconds, double ops)
{
  return ops > 0 ? seconds * 1e9 / ops : 0;
}

static uint32_t rng_state = 1;
static uint32_t rng(void)
{
  rng_state = rng_state * 1103515245u + 12345u;
  return rng_state >> 8;
}

/* Returns 0, or 1 if the scheduler misbehaved (then the figures mean
 * nothing). */
static int bench(int n)
{
  enum { PERIODS = 3 };
  const int64_t took = 500 * 1000; /* each check: half a second */
  struct sw_scheduler *s;
  struct sw_scheduler_run *queue = malloc((size_t)n * sizeof *queue);
  if (sw_scheduler_create(&s) || !queue) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }

  double t = now_s();
  for (int id = 1; id <= n; id++)
    if (sw_scheduler_put(s, id, 60, true, T0)) {
      fprintf(stderr, "put failed at %d rules\n", id);
      return 1;
    }
  double put_s = now_s() - t;
  struct sw_scheduler_stats st;
  sw_scheduler_stats(s, &st);
  double bytes = (double)st.memory_bytes / n;

  /* The service loop, without the engine: wake at the next due rule or
   * completion, finish what completed, start what is due. */
  size_t head = 0, tail = 0;
  uint64_t runs = 0;
  const int64_t end = T0 + PERIODS * 60 * SEC;
  t = now_s();
  for (;;) {
    int64_t at = sw_scheduler_next_due(s);
    if (tail != head && queue[head % n].start + took < at)
      at = queue[head % n].start + took;
    if (at >= end)
      break;
    while (tail != head && queue[head % n].start + took <= at) {
      struct sw_scheduler_run *r = &queue[head++ % n];
      if (sw_scheduler_done(s, r->rule_id, r->token) != SW_SCHEDULER_CURRENT)
        return 1;
    }
    struct sw_scheduler_run run;
    while (sw_scheduler_take_due(s, at, &run)) {
      queue[tail++ % n] = run;
      runs++;
    }
  }
  double run_s = now_s() - t;
  sw_scheduler_stats(s, &st);
  if (runs < (uint64_t)n * (PERIODS - 1) || st.skipped) {
    fprintf(stderr, "%d rules: %" PRIu64 " runs, %" PRIu64 " skipped\n", n, runs,
            st.skipped);
    return 1;
  }

  /* Edits: a tenth of the rules, at random, removed and added back. */
  int churn = n / 10 ? n / 10 : 1;
  t = now_s();
  for (int i = 0; i < churn; i++) {
    int64_t id = 1 + (int64_t)(rng() % (uint32_t)n);
    sw_scheduler_remove(s, id);
    if (sw_scheduler_put(s, id, 30 + rng() % 60, true, end))
      return 1;
  }
  double churn_s = now_s() - t;

  printf("%9d  %8.1f  %10.0f  %12.0f  %12.0f  %9" PRIu64 "\n", n, bytes,
         per_op_ns(put_s, n), per_op_ns(run_s, (double)runs),
         per_op_ns(churn_s, 2.0 * churn), runs);
  free(queue);
  sw_scheduler_destroy(s);
  return 0;
}

int main(int argc, char **argv)
{
  long max = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
  if (max < 1000 || max > 10000000) {
    fprintf(stderr, "usage: scheduler_bench [MAX_RULES: 1000..10000000]\n");
    return 2;
  }
  printf("scheduler, 60 s intervals, 3 simulated periods, checks of 500 ms\n");
  printf("%9s  %8s  %10s  %12s  %12s  %9s\n", "rules", "B/rule", "put ns", "take+done ns",
         "rm+put ns/op", "runs");
  int failed = 0;
  for (long n = 1000; n <= max; n *= 10)
    failed |= bench((int)n);
  return failed;
}
