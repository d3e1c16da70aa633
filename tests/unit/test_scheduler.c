/* Scheduler: first runs spread over the interval, runs on a grid that does
 * not drift, never two runs of a rule at a time (skipped and counted, not
 * queued), rule changes while a check is in flight, run-now, and 100,000
 * rules at a pace the service can afford. Time is simulated: the scheduler
 * is sans-IO, so a day passes in milliseconds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "scheduler.h"
#include "timer_heap.h"

#define SEC INT64_C(1000000)
#define MS INT64_C(1000)
/* An arbitrary point on the caller's clock, far from its origin. */
#define T0 (INT64_C(86400) * 11 * SEC + 123456)

static uint32_t rng_state = 2024;
static uint32_t rng(void)
{
  rng_state = rng_state * 1103515245u + 12345u;
  return rng_state >> 8;
}

static struct sw_scheduler *make(void)
{
  struct sw_scheduler *s = NULL;
  assert_int_equal(sw_scheduler_create(&s), SW_E_OK);
  assert_non_null(s);
  return s;
}

static struct sw_scheduler_rule_info info_of(struct sw_scheduler *s, int64_t id)
{
  struct sw_scheduler_rule_info info;
  assert_true(sw_scheduler_get(s, id, &info));
  return info;
}

/* Takes the one run due at `now` and checks it is rule `id`'s. */
static struct sw_scheduler_run take_one(struct sw_scheduler *s, int64_t now, int64_t id)
{
  struct sw_scheduler_run run;
  assert_true(sw_scheduler_take_due(s, now, &run));
  assert_int_equal(run.rule_id, id);
  assert_int_equal(run.start, now);
  struct sw_scheduler_run more;
  assert_false(sw_scheduler_take_due(s, now, &more));
  return run;
}

/* Adds `count` rules of 60 s (ids base, base + stride, ...) at T0, runs the
 * first interval with checks that take no time, and returns the most first
 * runs any one second of it got (the fewest in *min_out). */
static int spread_max_per_second(int64_t base, int64_t stride, int count, int *min_out)
{
  struct sw_scheduler *s = make();
  for (int i = 0; i < count; i++)
    assert_int_equal(sw_scheduler_put(s, base + i * stride, 60, true, T0), SW_E_OK);
  int per_second[60] = {0};
  int seen = 0;
  struct sw_scheduler_run run;
  for (int64_t now = sw_scheduler_next_due(s); now < T0 + 60 * SEC;
       now = sw_scheduler_next_due(s)) {
    while (sw_scheduler_take_due(s, now, &run)) {
      assert_true(run.due >= T0 && run.due < T0 + 60 * SEC);
      assert_int_equal(run.due, now); /* the loop came on time */
      per_second[(run.due - T0) / SEC]++;
      seen++;
      assert_int_equal(sw_scheduler_done(s, run.rule_id, run.token),
                       SW_SCHEDULER_CURRENT);
    }
  }
  assert_int_equal(seen, count); /* each rule exactly once in its first interval */
  int max = 0, min = count;
  for (int i = 0; i < 60; i++) {
    max = per_second[i] > max ? per_second[i] : max;
    min = per_second[i] < min ? per_second[i] : min;
  }
  sw_scheduler_destroy(s);
  *min_out = min;
  return max;
}

/* 600 rules of 60 s added at once: 10 a second on average. All at once would
 * put 600 in one second; a fair spread keeps every second near 10. */
static void first_runs_are_spread_over_the_interval(void **state)
{
  (void)state;
  int min, max;
  max = spread_max_per_second(1, 1, 600, &min); /* ids as the store gives them */
  printf("ids 1..600: %d..%d first runs per second\n", min, max);
  assert_true(max <= 12);
  assert_true(min >= 8);
  max = spread_max_per_second(90001, 1, 600, &min);
  printf("ids 90001..90600: %d..%d per second\n", min, max);
  assert_true(max <= 12);
  assert_true(min >= 8);
  /* Sparse ids (every 997th: many rules deleted) spread as well. */
  max = spread_max_per_second(7, 997, 600, &min);
  printf("ids 7 + 997k: %d..%d per second\n", min, max);
  assert_true(max <= 14);
}

/* A loop that wakes up to 300 ms late and checks that take up to 2 s:
 * every rule still runs exactly on its grid, once per interval. */
static void runs_follow_the_grid_without_drift(void **state)
{
  (void)state;
  static const uint32_t intervals[] = {10, 60, 90, 3600};
  enum { N = 4 };
  struct sw_scheduler *s = make();
  for (int i = 0; i < N; i++)
    assert_int_equal(sw_scheduler_put(s, 100 + i, intervals[i], true, T0), SW_E_OK);
  int64_t first[N], last[N];
  int runs[N] = {0};
  struct sw_scheduler_run out[N];
  int64_t finish[N];
  bool busy[N] = {false};
  const int64_t end = T0 + 2 * 3600 * SEC;
  int64_t now = T0;
  while (now < end) {
    /* Wake at the next due instant or completion, plus timer slop. */
    int64_t wake = sw_scheduler_next_due(s);
    for (int i = 0; i < N; i++)
      if (busy[i] && finish[i] < wake)
        wake = finish[i];
    now = wake + (int64_t)(rng() % 300) * MS;
    for (int i = 0; i < N; i++) {
      if (busy[i] && finish[i] <= now) {
        assert_int_equal(sw_scheduler_done(s, out[i].rule_id, out[i].token),
                         SW_SCHEDULER_CURRENT);
        busy[i] = false;
      }
    }
    struct sw_scheduler_run run;
    while (sw_scheduler_take_due(s, now, &run)) {
      int i = (int)(run.rule_id - 100);
      assert_false(busy[i]);
      int64_t iv = intervals[i] * SEC;
      if (runs[i] == 0) {
        first[i] = run.due;
        assert_true(run.due >= T0 && run.due < T0 + iv);
      } else {
        assert_int_equal(run.due - last[i], iv); /* exactly one interval */
      }
      assert_true(run.start - run.due < 300 * MS); /* lateness is the slop */
      last[i] = run.due;
      runs[i]++;
      out[i] = run;
      busy[i] = true;
      finish[i] = now + (int64_t)(rng() % 2000) * MS;
    }
  }
  for (int i = 0; i < N; i++) {
    int64_t iv = intervals[i] * SEC;
    /* every grid instant from the first to the last handled one ran */
    assert_int_equal(runs[i], (last[i] - first[i]) / iv + 1);
    assert_true(last[i] > end - iv - 300 * MS);
    assert_int_equal(info_of(s, 100 + i).skipped, 0);
  }
  /* 10 s for two hours: 720 instants, one more if the loop's last turn
   * (past the end) reached the next */
  assert_in_range(runs[0], 720, 721);
  sw_scheduler_destroy(s);
}

/* Check durations up to three intervals: a rule is never handed out while
 * its check runs, and every grid instant either ran or was counted. */
struct pending {
  struct sw_timer timer; /* completion time */
  struct sw_scheduler_run run;
};

static void never_two_runs_of_a_rule_at_a_time(void **state)
{
  (void)state;
  enum { N = 200 };
  struct sw_scheduler *s = make();
  uint32_t interval[N];
  struct pending *p = calloc(N, sizeof *p);
  int64_t first[N], last[N];
  int runs[N] = {0};
  assert_non_null(p);
  for (int i = 0; i < N; i++) {
    interval[i] = 10 + rng() % 21;
    assert_int_equal(sw_scheduler_put(s, i + 1, interval[i], true, T0), SW_E_OK);
    sw_timer_init(&p[i].timer);
  }
  struct sw_timer_heap completions;
  sw_timer_heap_init(&completions);
  const int64_t end = T0 + 3600 * SEC;
  int64_t now = T0;
  uint64_t total_runs = 0;
  while (now < end) {
    now = sw_scheduler_next_due(s);
    struct sw_timer *t = sw_timer_heap_peek(&completions);
    if (t && t->due < now)
      now = t->due;
    while ((t = sw_timer_heap_pop_due(&completions, now)) != NULL) {
      struct pending *c = (struct pending *)t;
      assert_int_equal(sw_scheduler_done(s, c->run.rule_id, c->run.token),
                       SW_SCHEDULER_CURRENT);
    }
    struct sw_scheduler_run run;
    while (sw_scheduler_take_due(s, now, &run)) {
      int i = (int)run.rule_id - 1;
      assert_false(sw_timer_armed(&p[i].timer)); /* not running already */
      assert_true(info_of(s, run.rule_id).running);
      if (runs[i] == 0)
        first[i] = run.due;
      else
        assert_int_equal((run.due - last[i]) % (interval[i] * SEC), 0);
      last[i] = run.due;
      runs[i]++;
      total_runs++;
      p[i].run = run;
      int64_t took = (int64_t)(rng() % (3 * interval[i])) * SEC + (rng() % 1000) * MS;
      assert_int_equal(sw_timer_heap_arm(&completions, &p[i].timer, now + took), SW_E_OK);
    }
  }
  struct sw_scheduler_stats st;
  sw_scheduler_stats(s, &st);
  uint64_t skipped = 0;
  for (int i = 0; i < N; i++) {
    int64_t iv = interval[i] * SEC;
    struct sw_scheduler_rule_info info = info_of(s, i + 1);
    /* the grid instants handled: first .. the one before next_due */
    int64_t instants = (info.next_due - iv - first[i]) / iv + 1;
    assert_int_equal(runs[i] + (int64_t)info.skipped, instants);
    skipped += info.skipped;
  }
  printf("%llu runs, %llu skipped while running\n", (unsigned long long)total_runs,
         (unsigned long long)skipped);
  assert_true(skipped > total_runs / 4); /* the overruns did happen */
  assert_int_equal(st.skipped, skipped);
  assert_int_equal(st.runs, total_runs);
  assert_int_equal(st.running, completions.len);
  sw_timer_heap_free(&completions);
  free(p);
  sw_scheduler_destroy(s);
}

/* A 10 s rule whose check takes 25 s: the two instants it overruns are
 * skipped, the run is not started late at the completion, and the next
 * one comes on the grid. */
static void an_overrunning_rule_skips_instead_of_queueing(void **state)
{
  (void)state;
  struct sw_scheduler *s = make();
  assert_int_equal(sw_scheduler_put(s, 42, 10, true, T0), SW_E_OK);
  int64_t g0 = sw_scheduler_next_due(s);
  assert_true(g0 >= T0 && g0 < T0 + 10 * SEC);
  struct sw_scheduler_run run = take_one(s, g0, 42);
  assert_int_equal(run.due, g0);
  assert_false(run.manual);
  struct sw_scheduler_run none;
  assert_false(sw_scheduler_take_due(s, g0 + 10 * SEC, &none));
  assert_int_equal(info_of(s, 42).skipped, 1);
  assert_false(sw_scheduler_take_due(s, g0 + 20 * SEC, &none));
  assert_int_equal(info_of(s, 42).skipped, 2);
  assert_int_equal(sw_scheduler_done(s, 42, run.token), SW_SCHEDULER_CURRENT);
  assert_false(sw_scheduler_take_due(s, g0 + 25 * SEC, &none)); /* not queued */
  assert_int_equal(sw_scheduler_next_due(s), g0 + 30 * SEC);
  assert_int_equal(sw_scheduler_wait_ms(s, g0 + 25 * SEC, 60000), 5000);
  run = take_one(s, g0 + 30 * SEC, 42);
  assert_int_equal(run.due, g0 + 30 * SEC);
  struct sw_scheduler_stats st;
  sw_scheduler_stats(s, &st);
  assert_int_equal(st.skipped, 2);
  assert_int_equal(st.runs, 2);
  assert_int_equal(st.running, 1);
  sw_scheduler_destroy(s);
}

/* A loop that slept through three and a half intervals starts one run,
 * for the first instant it missed, and counts the others as skipped. */
static void a_late_loop_starts_one_run_and_counts_the_missed(void **state)
{
  (void)state;
  struct sw_scheduler *s = make();
  assert_int_equal(sw_scheduler_put(s, 7, 60, true, T0), SW_E_OK);
  int64_t g0 = sw_scheduler_next_due(s);
  struct sw_scheduler_run run = take_one(s, g0, 7);
  assert_int_equal(sw_scheduler_done(s, 7, run.token), SW_SCHEDULER_CURRENT);
  int64_t g1 = g0 + 60 * SEC;
  int64_t late = g1 + 210 * SEC;
  assert_int_equal(sw_scheduler_wait_ms(s, late, 1000), 0);
  run = take_one(s, late, 7);
  assert_int_equal(run.due, g1);
  assert_int_equal(run.start - run.due, 210 * SEC); /* lateness as it was */
  assert_int_equal(info_of(s, 7).skipped, 3);
  assert_int_equal(sw_scheduler_next_due(s), g1 + 4 * 60 * SEC);
  sw_scheduler_destroy(s);
}

static void interval_change_moves_the_grid_even_while_running(void **state)
{
  (void)state;
  struct sw_scheduler *s = make();
  assert_int_equal(sw_scheduler_put(s, 5, 60, true, T0), SW_E_OK);
  int64_t g0 = sw_scheduler_next_due(s);
  /* The same interval again (the user renamed the rule just as it came
   * due, before the loop got to it) leaves it alone: the run is not lost. */
  assert_int_equal(sw_scheduler_put(s, 5, 60, true, g0 + 2 * MS), SW_E_OK);
  assert_int_equal(sw_scheduler_next_due(s), g0);

  struct sw_scheduler_run run = take_one(s, g0 + 2 * MS, 5);
  assert_int_equal(run.due, g0);
  int64_t now = g0 + 1 * SEC;
  assert_int_equal(sw_scheduler_put(s, 5, 10, true, now), SW_E_OK);
  struct sw_scheduler_rule_info info = info_of(s, 5);
  assert_int_equal(info.interval_s, 10);
  assert_true(info.running);
  int64_t n0 = info.next_due;
  assert_true(n0 >= now && n0 < now + 10 * SEC);
  /* Still running at the next instant: skipped, not a second run. */
  struct sw_scheduler_run none;
  assert_false(sw_scheduler_take_due(s, n0, &none));
  assert_int_equal(info_of(s, 5).skipped, 1);
  assert_int_equal(sw_scheduler_done(s, 5, run.token), SW_SCHEDULER_CURRENT);
  for (int k = 1; k <= 5; k++) {
    run = take_one(s, n0 + k * 10 * SEC, 5);
    assert_int_equal(run.due, n0 + k * 10 * SEC);
    assert_int_equal(sw_scheduler_done(s, 5, run.token), SW_SCHEDULER_CURRENT);
  }
  assert_int_equal(sw_scheduler_put(s, 5, 0, true, now), SW_E_INVALID_ARGUMENT);
  assert_int_equal(sw_scheduler_put(s, 5, SW_SCHEDULER_INTERVAL_MAX_S + 1, true, now),
                   SW_E_INVALID_ARGUMENT);
  assert_int_equal(info_of(s, 5).interval_s, 10); /* a refused update changes nothing */
  sw_scheduler_destroy(s);
}

static void disabled_rules_are_not_scheduled(void **state)
{
  (void)state;
  struct sw_scheduler *s = make();
  assert_int_equal(sw_scheduler_put(s, 1, 60, false, T0), SW_E_OK);
  assert_int_equal(sw_scheduler_put(s, 2, 60, true, T0), SW_E_OK);
  int64_t g = sw_scheduler_next_due(s);
  assert_int_equal(info_of(s, 1).next_due, SW_SCHEDULER_NEVER);
  struct sw_scheduler_run run = take_one(s, g, 2);

  /* Disabled while its check runs: the result still counts, no more runs. */
  assert_int_equal(sw_scheduler_put(s, 2, 60, false, g + SEC), SW_E_OK);
  assert_int_equal(sw_scheduler_next_due(s), SW_SCHEDULER_NEVER);
  assert_int_equal(sw_scheduler_wait_ms(s, g + SEC, 500), 500);
  assert_int_equal(sw_scheduler_done(s, 2, run.token), SW_SCHEDULER_CURRENT);
  struct sw_scheduler_run none;
  assert_false(sw_scheduler_take_due(s, g + 3600 * SEC, &none));
  struct sw_scheduler_stats st;
  sw_scheduler_stats(s, &st);
  assert_int_equal(st.rules, 2);
  assert_int_equal(st.scheduled, 0);
  assert_int_equal(st.skipped, 0); /* nothing skipped while disabled */

  /* Enabled again: back on its grid within one interval. */
  int64_t now = g + 3600 * SEC + 7 * SEC;
  assert_int_equal(sw_scheduler_put(s, 2, 60, true, now), SW_E_OK);
  int64_t next = sw_scheduler_next_due(s);
  assert_true(next >= now && next < now + 60 * SEC);
  assert_int_equal((next - g) % (60 * SEC), 0); /* same phase as before */
  run = take_one(s, next, 2);
  assert_int_equal(sw_scheduler_done(s, 2, run.token), SW_SCHEDULER_CURRENT);
  sw_scheduler_destroy(s);
}

static void removing_a_running_rule_makes_its_result_stale(void **state)
{
  (void)state;
  struct sw_scheduler *s = make();
  assert_int_equal(sw_scheduler_put(s, 9, 10, true, T0), SW_E_OK);
  int64_t g = sw_scheduler_next_due(s);
  struct sw_scheduler_run run = take_one(s, g, 9);
  assert_true(sw_scheduler_remove(s, 9));
  assert_false(sw_scheduler_remove(s, 9));
  struct sw_scheduler_rule_info info;
  assert_false(sw_scheduler_get(s, 9, &info));
  struct sw_scheduler_stats st;
  sw_scheduler_stats(s, &st);
  assert_int_equal(st.rules, 0);
  assert_int_equal(st.running, 1); /* its check is still out */
  assert_int_equal(sw_scheduler_next_due(s), SW_SCHEDULER_NEVER);
  assert_int_equal(sw_scheduler_done(s, 9, run.token), SW_SCHEDULER_STALE);
  sw_scheduler_stats(s, &st);
  assert_int_equal(st.running, 0);
  assert_int_equal(st.stale, 1);
  /* A second completion of the same run: harmless, still stale. */
  assert_int_equal(sw_scheduler_done(s, 9, run.token), SW_SCHEDULER_STALE);
  assert_int_equal(sw_scheduler_run_now(s, 9, g, &run), SW_E_INVALID_ARGUMENT);
  sw_scheduler_destroy(s);
}

/* Removed and added again (same id) while the old check is in flight: the
 * new rule waits for that check, whose result is not the new rule's. */
static void a_rule_readded_while_running_waits_for_the_old_check(void **state)
{
  (void)state;
  struct sw_scheduler *s = make();
  assert_int_equal(sw_scheduler_put(s, 3, 10, true, T0), SW_E_OK);
  int64_t g = sw_scheduler_next_due(s);
  struct sw_scheduler_run old = take_one(s, g, 3);
  assert_true(sw_scheduler_remove(s, 3));
  assert_int_equal(sw_scheduler_put(s, 3, 10, true, g + SEC), SW_E_OK);
  struct sw_scheduler_rule_info info = info_of(s, 3);
  assert_true(info.running);
  assert_int_equal(info.skipped, 0);
  struct sw_scheduler_run none;
  assert_false(sw_scheduler_take_due(s, g + 10 * SEC, &none));
  assert_int_equal(sw_scheduler_run_now(s, 3, g + 11 * SEC, &none), SW_E_BUSY);
  assert_int_equal(info_of(s, 3).skipped, 1);
  assert_int_equal(sw_scheduler_done(s, 3, old.token), SW_SCHEDULER_STALE);
  struct sw_scheduler_run fresh = take_one(s, g + 20 * SEC, 3);
  assert_int_equal(sw_scheduler_done(s, 3, old.token), SW_SCHEDULER_STALE);
  assert_true(info_of(s, 3).running); /* a stray old token did not end it */
  assert_int_equal(sw_scheduler_done(s, 3, fresh.token), SW_SCHEDULER_CURRENT);
  sw_scheduler_destroy(s);
}

static void an_invalidated_run_is_stale(void **state)
{
  (void)state;
  struct sw_scheduler *s = make();
  assert_int_equal(sw_scheduler_put(s, 11, 30, true, T0), SW_E_OK);
  assert_false(sw_scheduler_invalidate(s, 11)); /* nothing in flight */
  assert_false(sw_scheduler_invalidate(s, 12)); /* unknown */
  int64_t g = sw_scheduler_next_due(s);
  struct sw_scheduler_run run = take_one(s, g, 11);
  assert_true(sw_scheduler_invalidate(s, 11)); /* its host changed */
  assert_true(info_of(s, 11).running);
  assert_int_equal(sw_scheduler_done(s, 11, run.token), SW_SCHEDULER_STALE);
  run = take_one(s, g + 30 * SEC, 11);
  assert_int_equal(sw_scheduler_done(s, 11, run.token), SW_SCHEDULER_CURRENT);
  sw_scheduler_destroy(s);
}

static void run_now_leaves_the_grid_alone(void **state)
{
  (void)state;
  struct sw_scheduler *s = make();
  assert_int_equal(sw_scheduler_put(s, 20, 60, true, T0), SW_E_OK);
  assert_int_equal(sw_scheduler_put(s, 21, 60, false, T0), SW_E_OK);
  int64_t g = sw_scheduler_next_due(s);
  int64_t now = g - 5 * SEC;
  struct sw_scheduler_run run, other;
  assert_int_equal(sw_scheduler_run_now(s, 20, now, &run), SW_E_OK);
  assert_true(run.manual);
  assert_int_equal(run.due, now);
  assert_int_equal(run.start, now);
  assert_int_equal(sw_scheduler_next_due(s), g); /* grid untouched */
  assert_int_equal(sw_scheduler_run_now(s, 20, now, &other), SW_E_BUSY);
  assert_int_equal(sw_scheduler_run_now(s, 99, now, &other), SW_E_INVALID_ARGUMENT);
  /* The grid instant comes while the manual check runs: skipped. */
  assert_false(sw_scheduler_take_due(s, g, &other));
  assert_int_equal(info_of(s, 20).skipped, 1);
  assert_int_equal(sw_scheduler_done(s, 20, run.token), SW_SCHEDULER_CURRENT);
  other = take_one(s, g + 60 * SEC, 20);
  assert_false(other.manual);
  assert_int_equal(sw_scheduler_done(s, 20, other.token), SW_SCHEDULER_CURRENT);
  /* A disabled rule can still be tested by hand. */
  assert_int_equal(sw_scheduler_run_now(s, 21, now, &run), SW_E_OK);
  assert_int_equal(sw_scheduler_done(s, 21, run.token), SW_SCHEDULER_CURRENT);
  assert_int_equal(info_of(s, 21).next_due, SW_SCHEDULER_NEVER);
  struct sw_scheduler_stats st;
  sw_scheduler_stats(s, &st);
  assert_int_equal(st.manual_runs, 2);
  assert_int_equal(st.runs, 1);
  sw_scheduler_destroy(s);
}

static void wait_is_rounded_up_to_whole_milliseconds(void **state)
{
  (void)state;
  struct sw_scheduler *s = make();
  assert_int_equal(sw_scheduler_wait_ms(s, T0, 250), 250); /* nothing at all */
  assert_int_equal(sw_scheduler_put(s, 1, 60, true, T0), SW_E_OK);
  int64_t g = sw_scheduler_next_due(s);
  assert_int_equal(sw_scheduler_wait_ms(s, g - 1500, 60000), 2);
  assert_int_equal(sw_scheduler_wait_ms(s, g - 1000, 60000), 1);
  assert_int_equal(sw_scheduler_wait_ms(s, g - 1, 60000), 1); /* never 0 early */
  assert_int_equal(sw_scheduler_wait_ms(s, g, 60000), 0);
  assert_int_equal(sw_scheduler_wait_ms(s, g + 5 * SEC, 60000), 0);
  assert_int_equal(sw_scheduler_wait_ms(s, g - 50 * SEC, 1000), 1000);
  assert_string_equal(sw_scheduler_verdict_name(SW_SCHEDULER_STALE), "stale");
  assert_string_equal(sw_scheduler_verdict_name((enum sw_scheduler_verdict)9), "unknown");
  sw_scheduler_destroy(s);
}

static double seconds_since(clock_t start)
{
  return (double)(clock() - start) / CLOCKS_PER_SEC;
}

/* 100,000 rules of 60 s, three simulated periods of checks that take half a
 * second: each rule runs once a period, none is skipped, and the scheduler's
 * own work stays far below what the engine spends on the checks. */
static void holds_a_hundred_thousand_rules(void **state)
{
  (void)state;
  enum { N = 100000, PERIODS = 3 };
  struct sw_scheduler *s = make();
  uint8_t *runs = calloc(N + 1, 1);
  struct sw_scheduler_run *queue = malloc(N * sizeof *queue); /* FIFO in flight */
  assert_non_null(runs);
  assert_non_null(queue);

  clock_t c = clock();
  for (int id = 1; id <= N; id++)
    assert_int_equal(sw_scheduler_put(s, id, 60, true, T0), SW_E_OK);
  double add_s = seconds_since(c);
  struct sw_scheduler_stats st;
  sw_scheduler_stats(s, &st);
  double bytes_per_rule = (double)st.memory_bytes / N;

  const int64_t took = 500 * MS, end = T0 + PERIODS * 60 * SEC;
  size_t head = 0, tail = 0; /* queue[head..tail) mod N */
  uint64_t handled = 0;
  int64_t max_late = 0;
  c = clock();
  for (;;) {
    int64_t now = sw_scheduler_next_due(s);
    if (tail != head && queue[head % N].start + took < now)
      now = queue[head % N].start + took;
    if (now >= end)
      break;
    while (tail != head && queue[head % N].start + took <= now) {
      struct sw_scheduler_run *r = &queue[head++ % N];
      assert_int_equal(sw_scheduler_done(s, r->rule_id, r->token), SW_SCHEDULER_CURRENT);
    }
    struct sw_scheduler_run run;
    while (sw_scheduler_take_due(s, now, &run)) {
      assert_true(tail - head < N);
      queue[tail++ % N] = run;
      runs[run.rule_id]++;
      handled++;
      if (run.start - run.due > max_late)
        max_late = run.start - run.due;
    }
  }
  double run_s = seconds_since(c);

  for (int id = 1; id <= N; id++)
    assert_int_equal(runs[id], PERIODS);
  sw_scheduler_stats(s, &st);
  assert_int_equal(st.skipped, 0);
  assert_int_equal(max_late, 0);

  /* Half removed (some with checks in flight), then put back. */
  c = clock();
  for (int id = 2; id <= N; id += 2)
    assert_true(sw_scheduler_remove(s, id));
  for (int id = 2; id <= N; id += 2)
    assert_int_equal(sw_scheduler_put(s, id, 60, true, end), SW_E_OK);
  double churn_s = seconds_since(c);
  sw_scheduler_stats(s, &st);
  assert_int_equal(st.rules, N);
  assert_int_equal(st.scheduled, N);

  printf("100000 rules: %.0f bytes/rule; add %.0f/s; take+done %.0f runs/s "
         "(%llu runs); remove+add %.0f/s\n",
         bytes_per_rule, N / (add_s > 0 ? add_s : 1e-9),
         handled / (run_s > 0 ? run_s : 1e-9), (unsigned long long)handled,
         N / (churn_s > 0 ? churn_s : 1e-9));
  assert_true(bytes_per_rule < 96);
  /* Generous even for a sanitizer build under Wine: the point is O(log n). */
  assert_true(add_s + run_s + churn_s < 20.0);
  free(runs);
  free(queue);
  sw_scheduler_destroy(s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(first_runs_are_spread_over_the_interval),
      cmocka_unit_test(runs_follow_the_grid_without_drift),
      cmocka_unit_test(never_two_runs_of_a_rule_at_a_time),
      cmocka_unit_test(an_overrunning_rule_skips_instead_of_queueing),
      cmocka_unit_test(a_late_loop_starts_one_run_and_counts_the_missed),
      cmocka_unit_test(interval_change_moves_the_grid_even_while_running),
      cmocka_unit_test(disabled_rules_are_not_scheduled),
      cmocka_unit_test(removing_a_running_rule_makes_its_result_stale),
      cmocka_unit_test(a_rule_readded_while_running_waits_for_the_old_check),
      cmocka_unit_test(an_invalidated_run_is_stale),
      cmocka_unit_test(run_now_leaves_the_grid_alone),
      cmocka_unit_test(wait_is_rounded_up_to_whole_milliseconds),
      cmocka_unit_test(holds_a_hundred_thousand_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
