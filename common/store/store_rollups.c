/* Hourly and daily rollups (schema 6, docs/reports.md): each result
 * written adds the time it vouches for to its rule's rollup rows, its step
 * times to the histograms of the hour and day it started in, and, when
 * what the rule's results say changes, a row to status_changes. Run in
 * the transaction that writes the result, so rollups and results never
 * disagree. A rule whose older results are still being rolled up after
 * the upgrade to schema 6 (store_rollup_backfill.c) is left to that pass,
 * which runs the same code over its results in order, new ones too. */
#include "store_internal.h"

#include "availability.h"
#include "latency_hist.h"
#include "step_times.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (24 * SW_AVAIL_HOUR_MS)

/* What the rollups know of a rule before a result: its interval, how far
 * its results reach and what the last one said ("" before the first). */
struct cursor {
  int64_t interval_ms;
  int64_t covered_until;
  char kind[16];
  bool backfilling; /* older results not rolled up yet */
};

static enum sw_store_error read_cursor(struct sw_store *st, int64_t rule_id,
                                       struct cursor *c, bool *found, const char *what)
{
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_ROLLUP_CURSOR, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, rule_id);
  int rc = sqlite3_step(stmt);
  *found = rc == SQLITE_ROW;
  if (*found) {
    c->interval_ms = sqlite3_column_int64(stmt, 0) * 1000;
    c->covered_until = sqlite3_column_int64(stmt, 1);
    snprintf(c->kind, sizeof c->kind, "%s", sw__store_text(stmt, 2));
    c->backfilling = sqlite3_column_int(stmt, 3) != 0;
  }
  sqlite3_reset(stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? SW_STORE_OK
                                               : sw__store_fail(st, rc, what);
}

/* Floor of t to a multiple of `span` (t may be negative). */
static int64_t span_start(int64_t t, int64_t span)
{
  int64_t q = t / span;
  return (q - (t % span < 0)) * span;
}

/* Adds to rule `rule_id`'s rollup row of `span` starting at `start`:
 * `ms` of `kind`, `checks`, and the encoded histograms (NULL: keep). */
static enum sw_store_error add_row(struct sw_store *st, int64_t rule_id, int64_t span,
                                   int64_t start, enum sw_avail_kind kind, int64_t ms,
                                   int checks, const struct sw_buf *times,
                                   const char *what)
{
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_ROLLUP_ADD, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, rule_id);
  sqlite3_bind_int64(stmt, 2, span / 1000);
  sqlite3_bind_int64(stmt, 3, start);
  for (int k = 0; k < SW_AVAIL_KIND_COUNT; k++)
    sqlite3_bind_int64(stmt, 4 + k, k == (int)kind ? ms : 0);
  sqlite3_bind_int(stmt, 4 + SW_AVAIL_KIND_COUNT, checks);
  if (times)
    sqlite3_bind_blob(stmt, 5 + SW_AVAIL_KIND_COUNT, times->data, (int)times->len,
                      SQLITE_STATIC);
  return sw__store_run(st, stmt, what);
}

/* The histograms of the row (rule, span, start) with this check's step
 * times added, encoded into *out. A damaged stored value is dropped rather
 * than failing every later write of the rule. */
static enum sw_store_error merged_times(struct sw_store *st, int64_t rule_id,
                                        int64_t span, int64_t start,
                                        const struct sw_check_result *c,
                                        struct sw_step_latency *scratch,
                                        struct sw_buf *out, const char *what)
{
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_ROLLUP_TIMES, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, rule_id);
  sqlite3_bind_int64(stmt, 2, span / 1000);
  sqlite3_bind_int64(stmt, 3, start);
  memset(scratch, 0, sizeof *scratch);
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    const void *blob = sqlite3_column_blob(stmt, 0);
    if (blob &&
        !sw_step_latency_merge(scratch, blob, (size_t)sqlite3_column_bytes(stmt, 0)))
      memset(scratch, 0, sizeof *scratch);
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return sw__store_fail(st, rc, what);
  sw_step_latency_add_check(scratch, c);
  out->len = 0;
  if (sw_step_latency_encode(scratch, out) != SW_E_OK)
    return sw__store_error(st, SW_STORE_NOMEM, "%s: out of memory", what);
  return SW_STORE_OK;
}

/* Adds the time [from, until) of `kind` to the rule's rows of `span`. */
static enum sw_store_error add_time(struct sw_store *st, int64_t rule_id, int64_t span,
                                    enum sw_avail_kind kind, int64_t from, int64_t until,
                                    const char *what)
{
  enum sw_store_error err = SW_STORE_OK;
  for (int64_t s = span_start(from, span); !err && s < until; s += span) {
    int64_t a = from > s ? from : s, b = until < s + span ? until : s + span;
    err = add_row(st, rule_id, span, s, kind, b - a, 0, NULL, what);
  }
  return err;
}

/* The check itself (a count and its step times) in the row of `span` it
 * started in. */
static enum sw_store_error add_check(struct sw_store *st, const struct sw_store_result *r,
                                     int64_t span, struct sw_step_latency *scratch,
                                     struct sw_buf *times, const char *what)
{
  int64_t s = span_start(r->started_at_ms, span);
  enum sw_store_error err =
      merged_times(st, r->rule_id, span, s, &r->check, scratch, times, what);
  return err ? err
             : add_row(st, r->rule_id, span, s, SW_AVAIL_OK, 0, 1,
                       times->len ? times : NULL, what);
}

static enum sw_store_error note_change(struct sw_store *st,
                                       const struct sw_store_result *r,
                                       int64_t covered_until, const char *kind,
                                       bool changed, const char *what)
{
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_ROLLUP_CURSOR_SET, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, r->rule_id);
  sqlite3_bind_int64(stmt, 2, covered_until);
  sqlite3_bind_text(stmt, 3, kind, -1, SQLITE_STATIC);
  err = sw__store_run(st, stmt, what);
  if (err || !changed)
    return err;
  err = sw__store_stmt(st, SW_STMT_CHANGE_INSERT, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, r->rule_id);
  sqlite3_bind_int64(stmt, 2, r->started_at_ms);
  sqlite3_bind_text(stmt, 3, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 4, sw_outcome_name(r->check.outcome), -1, SQLITE_STATIC);
  return sw__store_run(st, stmt, what);
}

/* Adds `r` to its rule's rollups; `backfill`: the pass of
 * store_rollup_backfill.c, which alone rolls up a rule it has not done. */
static enum sw_store_error roll_up(struct sw_store *st, const struct sw_store_result *r,
                                   bool backfill)
{
  static const char what[] = "adding a result to the availability rollups";
  static const int64_t spans[] = {SW_AVAIL_HOUR_MS, DAY_MS};
  struct cursor c;
  bool found;
  enum sw_store_error err = read_cursor(st, r->rule_id, &c, &found, what);
  if (err || !found)
    return err; /* a rule deleted meanwhile: its result was dropped too */
  if (c.backfilling && !backfill)
    return SW_STORE_OK; /* the pass reaches this result in its turn */
  enum sw_avail_kind kind = sw_avail_kind_of(r->status, r->in_maintenance);
  const char *name = sw_avail_kind_name(kind);
  int64_t from, until;
  if (sw_avail_cover(r->started_at_ms, c.interval_ms, &c.covered_until, &from, &until))
    for (size_t i = 0; !err && i < SW_COUNTOF(spans); i++)
      err = add_time(st, r->rule_id, spans[i], kind, from, until, what);
  struct sw_step_latency *scratch = malloc(sizeof *scratch);
  struct sw_buf times;
  sw_buf_init(&times, 0);
  if (!err && !scratch)
    err = sw__store_error(st, SW_STORE_NOMEM, "%s: out of memory", what);
  for (size_t i = 0; !err && i < SW_COUNTOF(spans); i++)
    err = add_check(st, r, spans[i], scratch, &times, what);
  free(scratch);
  sw_buf_free(&times);
  if (!err)
    err = note_change(st, r, c.covered_until, name, strcmp(c.kind, name) != 0, what);
  return err;
}

enum sw_store_error sw__store_rollup_result(struct sw_store *st,
                                            const struct sw_store_result *r)
{
  return roll_up(st, r, false);
}

enum sw_store_error sw__store_rollup_stored(struct sw_store *st, sqlite3_stmt *row)
{
  struct sw_store_result r;
  sw_store_result_init(&r);
  r.rule_id = sqlite3_column_int64(row, 0);
  r.started_at_ms = sqlite3_column_int64(row, 1);
  r.status = sw__store_status_from_name(sw__store_text(row, 2));
  if (!sw_outcome_from_name(sw__store_text(row, 3), &r.check.outcome))
    r.check.outcome = SW_OUTCOME_INTERNAL_ERROR;
  const char *step = sw__store_text(row, 4);
  if (!sw_step_from_name(step, strlen(step), &r.check.step))
    r.check.step = SW_STEP_RESOLVE;
  const char *times = sw__store_text(row, 5);
  sw_step_times_parse(times, (size_t)sqlite3_column_bytes(row, 5), &r.check);
  r.in_maintenance = sqlite3_column_int(row, 6) != 0;
  enum sw_store_error err = roll_up(st, &r, true);
  sw_store_result_free(&r);
  return err;
}
