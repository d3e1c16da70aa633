/* Availability reports from the store (schema 6): results written in
 * batches build rollups that give exactly the time each result vouches
 * for, whatever the period's cut across hours and days; outages come with
 * their cause and say when they are open; a gap is unmonitored; a file of
 * schema 5 gets the same rollups from its results, built after the
 * upgrade a slice at a time, with results written meanwhile counted once;
 * retention keeps
 * rollups longer than results, and deleting a rule takes its rollups. */
#include "store_fixture.h"
#include "store_report.h"

#define MIN_MS 60000LL
#define HOUR_MS (60 * MIN_MS)
#define START (FX_NOW_MS - 3 * FX_DAY_MS) /* a UTC midnight */

/* What a rule's results were: minute i says kind_of(i). */
enum { GOOD, DOWN, MAINT, QUIET };

static int minute_kind(int64_t i)
{
  if (i >= 29 * 60 - 10 && i < 29 * 60 + 10) /* day 1, 04:50-05:10: refused */
    return DOWN;
  if (i >= 40 * 60 && i < 40 * 60 + 30) /* day 1, 16:00-16:30: maintenance */
    return MAINT;
  if (i >= 50 * 60 && i < 52 * 60) /* day 2, 02:00-04:00: service stopped */
    return QUIET;
  if (i >= 72 * 60 - 5) /* the last 5 minutes: down, still */
    return DOWN;
  return GOOD;
}

/* Writes three days of one result a minute, 600 a batch. */
static void write_three_days(struct sw_store *st, int64_t rule)
{
  static struct sw_store_result batch[600];
  size_t n = 0;
  for (int64_t i = 0; i < 72 * 60; i++) {
    int kind = minute_kind(i);
    if (kind == QUIET)
      continue;
    struct sw_store_result *r = &batch[n++];
    fx_result(r, rule, START + i * MIN_MS + 1500,
              kind == DOWN ? SW_OUTCOME_REFUSED : SW_OUTCOME_OK);
    r->in_maintenance = kind == MAINT;
    r->check.step_us[SW_STEP_CONNECT] = 1000 + (i % 100) * 10; /* 1.00-1.99 ms */
    if (n == SW_COUNTOF(batch) || i == 72 * 60 - 1) {
      fx_expect_ok(st, fx_write_results(st, batch, n, NULL));
      for (size_t k = 0; k < n; k++)
        sw_store_result_free(&batch[k]);
      n = 0;
    }
  }
}

/* The report of one rule over [from, until) as of `now`. */
static void report(struct sw_store *st, int64_t rule, int64_t from, int64_t until,
                   int64_t now, struct sw_store_availability_list *out)
{
  struct sw_store_report_period p;
  fx_expect_ok(st, sw_store_report_period(st, from, until, now, &p));
  fx_expect_ok(st, sw_store_availability(st, &rule, 1, &p, out));
  assert_int_equal(out->count, 1);
}

/* The same figures counted minute by minute from minute_kind. */
static void expected(int64_t from, int64_t until, int64_t *ms)
{
  memset(ms, 0, 4 * sizeof *ms);
  for (int64_t i = 0; i < 72 * 60; i++) {
    int64_t a = START + i * MIN_MS + 1500, b = a + MIN_MS;
    a = a > from ? a : from;
    b = b < until ? b : until;
    if (b > a)
      ms[minute_kind(i)] += b - a;
  }
}

static void test_rollups_match_the_results(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t rule = fx_add_rule(st, "mx1");
  write_three_days(st, rule);
  /* Across hours and whole days, and a period inside one day. */
  const int64_t periods[][2] = {
      {START + HOUR_MS, FX_NOW_MS - HOUR_MS},
      {START, FX_NOW_MS},
      {START + FX_DAY_MS + 4 * HOUR_MS, START + FX_DAY_MS + 17 * HOUR_MS}};
  for (size_t i = 0; i < SW_COUNTOF(periods); i++) {
    struct sw_store_availability_list l;
    report(st, rule, periods[i][0], periods[i][1], FX_NOW_MS + FX_DAY_MS, &l);
    int64_t ms[4];
    expected(periods[i][0], periods[i][1], ms);
    const struct sw_avail_totals *t = &l.items[0].totals;
    assert_int_equal(t->ms[SW_AVAIL_OK], ms[GOOD]);
    assert_int_equal(t->ms[SW_AVAIL_CRITICAL], ms[DOWN]);
    assert_int_equal(t->ms[SW_AVAIL_MAINTENANCE], ms[MAINT]);
    assert_int_equal(t->period_ms, periods[i][1] - periods[i][0]);
    assert_int_equal(sw_avail_unmonitored_ms(t),
                     t->period_ms - ms[GOOD] - ms[DOWN] - ms[MAINT]);
    sw_store_availability_list_free(&l);
  }
  sw_store_close(st);
}

static void test_outages_and_percentiles(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t rule = fx_add_rule(st, "mx1");
  write_three_days(st, rule);
  struct sw_store_availability_list l;
  report(st, rule, START, FX_NOW_MS, FX_NOW_MS, &l);
  const struct sw_store_availability *a = &l.items[0];
  assert_int_equal(a->outage_count, 2);
  assert_int_equal(a->outages[0].start_ms, START + 29 * HOUR_MS - 10 * MIN_MS + 1500);
  assert_int_equal(a->outages[0].end_ms, START + 29 * HOUR_MS + 10 * MIN_MS + 1500);
  assert_int_equal(a->outages[0].outcome, SW_OUTCOME_REFUSED);
  assert_false(a->outages[0].open);
  assert_true(a->outages[1].open);
  assert_int_equal(a->outages[1].start_ms, FX_NOW_MS - 5 * MIN_MS + 1500);
  assert_int_equal(a->outages[1].end_ms, FX_NOW_MS);
  double up;
  assert_true(sw_avail_uptime(&a->totals, &up));
  assert_true(up > 99.40 && up < 99.41); /* 4145 of 4170 minutes */
  /* Connect times 1.00-1.99 ms, uniformly: p50 about 1.5 ms, within 1/32. */
  assert_true(a->samples[SW_STEP_CONNECT] > 4000);
  int64_t p50 = a->percentile_us[SW_STEP_CONNECT][0];
  assert_true(p50 >= 1450 * 31 / 32 && p50 <= 1500 * 33 / 32);
  assert_int_equal(a->percentile_us[SW_STEP_DATA][0], -1); /* never reached */
  sw_store_availability_list_free(&l);
  /* A period starting inside the outage says it began before. */
  report(st, rule, START + 29 * HOUR_MS + 5 * MIN_MS, START + 30 * HOUR_MS, FX_NOW_MS,
         &l);
  assert_int_equal(l.items[0].outage_count, 1);
  assert_true(l.items[0].outages[0].began_before);
  /* Widened to whole hours: 05:05 becomes 05:00, 05:59:59.999 06:00. */
  assert_int_equal(l.items[0].totals.period_ms, HOUR_MS);
  sw_store_availability_list_free(&l);
  sw_store_close(st);
}

static void exec_sql(const char *path, const char *sql)
{
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
    fail_msg("%s: %s", sql, msg);
  sqlite3_close(db);
}

/* Back to what version 5 had, with the results kept (maintenance was not
 * known then: the upgraded file counts that half hour as OK), and opened:
 * the upgrade leaves every result to the pass. */
static struct sw_store *reopen_as_schema_5(struct fixture *fx, struct sw_store *st)
{
  sw_store_close(st);
  exec_sql(fx->db, FX_UNDO_SCHEMA_8 FX_UNDO_SCHEMA_7
           "DROP TABLE rollups; DROP TABLE rollup_cursor; DROP TABLE "
           "status_changes; DROP TABLE rollup_backfill; DROP TABLE "
           "rollup_backfill_progress; ALTER TABLE results DROP COLUMN "
           "maintenance; PRAGMA user_version = 5");
  st = fx_open(fx->db);
  assert_int_equal(atoi(fx_peek(fx->db, "PRAGMA user_version")), FX_SCHEMA_VERSION);
  assert_string_equal(fx_peek(fx->db, "SELECT count(*) FROM rollups"), "0");
  struct sw_store_rollup_progress pr;
  fx_expect_ok(st, sw_store_rollup_progress(st, &pr));
  assert_true(pr.building);
  assert_int_equal(pr.percent, 0);
  assert_int_equal(pr.total, atoll(fx_peek(fx->db, "SELECT count(*) FROM results")));
  return st;
}

/* Runs the pass to its end, `slice` results a step; returns how many
 * steps did something. */
static int finish_pass(struct sw_store *st, size_t slice)
{
  int steps = 0;
  bool more = true;
  int last_percent = -1;
  while (more) {
    size_t done;
    fx_expect_ok(st, sw_store_rollup_backfill_step(st, slice, &done, &more));
    assert_true(done <= slice);
    struct sw_store_rollup_progress pr;
    fx_expect_ok(st, sw_store_rollup_progress(st, &pr));
    assert_true(pr.percent >= last_percent); /* it only grows */
    assert_int_equal(pr.building, more);
    last_percent = pr.percent;
    steps += done > 0;
  }
  assert_int_equal(last_percent, 100);
  return steps;
}

static void test_schema_5_gets_the_same_rollups(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t rule = fx_add_rule(st, "mx1");
  write_three_days(st, rule);
  struct sw_store_availability_list before, after;
  report(st, rule, START, FX_NOW_MS, FX_NOW_MS, &before);
  st = reopen_as_schema_5(fx, st);
  /* Not rolled up yet: unmonitored, not a wrong uptime. */
  report(st, rule, START, FX_NOW_MS, FX_NOW_MS, &after);
  assert_int_equal(after.items[0].totals.checks, 0);
  assert_int_equal(sw_avail_unmonitored_ms(&after.items[0].totals), FX_NOW_MS - START);
  sw_store_availability_list_free(&after);
  /* 4200 results, 500 a slice. */
  assert_int_equal(finish_pass(st, 500), 9);
  report(st, rule, START, FX_NOW_MS, FX_NOW_MS, &after);
  const struct sw_store_availability *b = &before.items[0], *a = &after.items[0];
  assert_int_equal(a->totals.ms[SW_AVAIL_OK],
                   b->totals.ms[SW_AVAIL_OK] + b->totals.ms[SW_AVAIL_MAINTENANCE]);
  assert_int_equal(a->totals.ms[SW_AVAIL_CRITICAL], b->totals.ms[SW_AVAIL_CRITICAL]);
  assert_int_equal(a->totals.checks, b->totals.checks);
  assert_memory_equal(a->percentile_us, b->percentile_us, sizeof a->percentile_us);
  assert_int_equal(a->outage_count, b->outage_count);
  for (size_t i = 0; i < a->outage_count; i++) {
    assert_int_equal(a->outages[i].start_ms, b->outages[i].start_ms);
    assert_int_equal(a->outages[i].end_ms, b->outages[i].end_ms);
    assert_int_equal(a->outages[i].outcome, b->outages[i].outcome);
    assert_int_equal(a->outages[i].open, b->outages[i].open);
  }
  sw_store_availability_list_free(&before);
  sw_store_availability_list_free(&after);
  sw_store_close(st);
}

/* Results written while the pass is under way: of a rule it has not
 * finished (left to it, counted once, in their place), and of a rule added
 * after the upgrade (rolled up at once). */
static void test_results_written_during_the_pass(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t rule = fx_add_rule(st, "mx1");
  write_three_days(st, rule);
  st = reopen_as_schema_5(fx, st);
  int64_t fresh = fx_add_rule(st, "mx2");
  size_t done;
  bool more;
  fx_expect_ok(st, sw_store_rollup_backfill_step(st, 1000, &done, &more));
  assert_int_equal(done, 1000);
  assert_true(more);
  struct sw_store_result r[2];
  fx_result(&r[0], rule, FX_NOW_MS + 1500, SW_OUTCOME_REFUSED);
  fx_result(&r[1], fresh, FX_NOW_MS + 1500, SW_OUTCOME_OK);
  fx_expect_ok(st, fx_write_results(st, r, 2, NULL));
  sw_store_result_free(&r[0]);
  sw_store_result_free(&r[1]);
  struct sw_store_availability_list l;
  report(st, fresh, FX_NOW_MS, FX_NOW_MS + HOUR_MS, FX_NOW_MS + HOUR_MS, &l);
  assert_int_equal(l.items[0].totals.checks, 1);
  assert_int_equal(l.items[0].totals.ms[SW_AVAIL_OK], MIN_MS);
  sw_store_availability_list_free(&l);
  report(st, rule, FX_NOW_MS, FX_NOW_MS + HOUR_MS, FX_NOW_MS + HOUR_MS, &l);
  assert_int_equal(l.items[0].totals.checks, 0); /* the pass's, in its turn */
  sw_store_availability_list_free(&l);
  finish_pass(st, 700);
  /* Every minute once: three days, and the one written meanwhile. */
  report(st, rule, START, FX_NOW_MS + HOUR_MS, FX_NOW_MS + HOUR_MS, &l);
  int64_t ms[4];
  expected(START, FX_NOW_MS + HOUR_MS, ms);
  const struct sw_avail_totals *t = &l.items[0].totals;
  assert_int_equal(t->checks, 72 * 60 - 120 + 1);
  assert_int_equal(t->ms[SW_AVAIL_OK], ms[GOOD] + ms[MAINT]);
  assert_int_equal(t->ms[SW_AVAIL_CRITICAL], ms[DOWN] + MIN_MS);
  assert_int_equal(l.items[0].outage_count, 2);
  assert_true(l.items[0].outages[1].open); /* from the last 5 minutes, on */
  sw_store_availability_list_free(&l);
  /* After the pass, results are rolled up as they are written. */
  fx_result(&r[0], rule, FX_NOW_MS + MIN_MS + 1500, SW_OUTCOME_OK);
  fx_expect_ok(st, fx_write_results(st, r, 1, NULL));
  sw_store_result_free(&r[0]);
  report(st, rule, FX_NOW_MS, FX_NOW_MS + HOUR_MS, FX_NOW_MS + HOUR_MS, &l);
  assert_int_equal(l.items[0].totals.checks, 2);
  assert_int_equal(l.items[0].totals.ms[SW_AVAIL_OK], MIN_MS);
  sw_store_availability_list_free(&l);
  sw_store_close(st);
}

static void test_retention_and_delete(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t rule = fx_add_rule(st, "mx1");
  write_three_days(st, rule);
  /* Results kept 1 day, rollups 2: after retention, the report of the
   * first day is gone, the second's is whole though its results are not. */
  fx_expect_ok(st, sw_store_setting_set(st, SW_STORE_SETTING_RETENTION_DAYS, "1"));
  fx_expect_ok(st, sw_store_setting_set(st, SW_STORE_SETTING_ROLLUP_RETENTION_DAYS, "2"));
  bool more = true;
  while (more)
    fx_expect_ok(st, sw_store_retention_step(st, FX_NOW_MS, 500, NULL, &more));
  assert_string_equal(fx_peek(fx->db, "SELECT count(*) FROM results WHERE started_at < "
                                      "1767139200000"),
                      "0");
  struct sw_store_availability_list l;
  report(st, rule, START, START + FX_DAY_MS, FX_NOW_MS, &l);
  assert_int_equal(l.items[0].totals.checks, 0);
  sw_store_availability_list_free(&l);
  report(st, rule, START + FX_DAY_MS, START + 2 * FX_DAY_MS, FX_NOW_MS, &l);
  assert_int_equal(l.items[0].totals.checks, 24 * 60);
  assert_int_equal(l.items[0].outage_count, 1); /* 04:50-05:10 */
  sw_store_availability_list_free(&l);
  assert_string_equal(fx_peek(fx->db, "SELECT count(*) FROM status_changes"), "6");
  /* Rollups kept 1 day: of the changes before the cutoff only the last
   * stays (it says the rule was OK then), so day 3 starts up. */
  fx_expect_ok(st, sw_store_setting_set(st, SW_STORE_SETTING_ROLLUP_RETENTION_DAYS, "1"));
  more = true;
  while (more)
    fx_expect_ok(st, sw_store_retention_step(st, FX_NOW_MS, 500, NULL, &more));
  assert_string_equal(fx_peek(fx->db, "SELECT count(*) FROM status_changes"), "2");
  report(st, rule, START + 2 * FX_DAY_MS, FX_NOW_MS, FX_NOW_MS, &l);
  assert_int_equal(l.items[0].outage_count, 1);
  assert_false(l.items[0].outages[0].began_before);
  assert_true(l.items[0].outages[0].open);
  sw_store_availability_list_free(&l);
  fx_expect_ok(st, sw_store_rule_delete(st, rule));
  assert_string_equal(fx_peek(fx->db, "SELECT (SELECT count(*) FROM rollups) + "
                                      "(SELECT count(*) FROM status_changes) + "
                                      "(SELECT count(*) FROM rollup_cursor)"),
                      "0");
  sw_store_close(st);
}

static int64_t rows_of(struct fixture *fx, const char *sql)
{
  return atoll(fx_peek(fx->db, sql));
}

/* The size cap: results past a week first, then hourly rollups, then daily
 * ones, the last week of results only after them. Three days of one rule
 * written 10 days ago and three days now, so a week before the newest
 * result falls between them. */
static void test_the_cap_trims_rollups_before_the_last_week(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t rule = fx_add_rule(st, "mx1"), old = fx_add_rule(st, "mx-old");
  static struct sw_store_result r[3 * 24];
  for (int64_t i = 0; i < 3 * 24; i++) /* hourly, 10 days before START */
    fx_result(&r[i], old, START - 10 * FX_DAY_MS + i * HOUR_MS, SW_OUTCOME_OK);
  fx_expect_ok(st, fx_write_results(st, r, SW_COUNTOF(r), NULL));
  for (size_t i = 0; i < SW_COUNTOF(r); i++)
    sw_store_result_free(&r[i]);
  write_three_days(st, rule);
  char old_hourly[100];
  snprintf(old_hourly, sizeof old_hourly,
           "SELECT count(*) FROM rollups WHERE span = 3600 AND rule_id = %lld",
           (long long)old);
  int64_t hourly = rows_of(fx, old_hourly);
  assert_int_equal(hourly, 3 * 24);
  struct sw_store_prune p;
  /* Target 0: always a slice. First the old results (not mx-old's newest). */
  fx_expect_ok(st, sw_store_prune_step(st, 0, 1000, &p));
  assert_int_equal(p.deleted, 3 * 24 - 1);
  assert_int_equal(p.hourly_deleted + p.daily_deleted, 0);
  /* Then the old hourly rows, oldest first, in slices. */
  fx_expect_ok(st, sw_store_prune_step(st, 0, 50, &p));
  assert_int_equal(p.hourly_deleted, 50);
  assert_true(p.more);
  assert_int_equal(rows_of(fx, "SELECT min(start) FROM rollups WHERE span = 3600"),
                   START - 10 * FX_DAY_MS + 50 * HOUR_MS);
  fx_expect_ok(st, sw_store_prune_step(st, 0, 50, &p));
  assert_int_equal(p.hourly_deleted, 3 * 24 - 50);
  assert_int_equal(rows_of(fx, old_hourly), 0);
  /* Then the old daily rows; a report of those days still had them. */
  struct sw_store_availability_list l;
  report(st, old, START - 10 * FX_DAY_MS, START - 7 * FX_DAY_MS, FX_NOW_MS, &l);
  assert_int_equal(l.items[0].totals.checks, 3 * 24);
  sw_store_availability_list_free(&l);
  fx_expect_ok(st, sw_store_prune_step(st, 0, 50, &p));
  assert_int_equal(p.daily_deleted, 3);
  assert_int_equal(p.deleted + p.hourly_deleted, 0);
  /* Only then the last week's results; the recent rollups stay. */
  int64_t recent = rows_of(fx, "SELECT count(*) FROM rollups");
  fx_expect_ok(st, sw_store_prune_step(st, 0, 100, &p));
  assert_int_equal(p.deleted, 100);
  assert_int_equal(rows_of(fx, "SELECT count(*) FROM rollups"), recent);
  report(st, rule, START, FX_NOW_MS, FX_NOW_MS, &l);
  assert_int_equal(l.items[0].totals.checks, 72 * 60 - 120);
  sw_store_availability_list_free(&l);
  sw_store_close(st);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
  const struct CMUnitTest tests[] = {
      T(test_rollups_match_the_results),
      T(test_outages_and_percentiles),
      T(test_schema_5_gets_the_same_rollups),
      T(test_results_written_during_the_pass),
      T(test_retention_and_delete),
      T(test_the_cap_trims_rollups_before_the_last_week),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
