/* Rolling up, after the upgrade to schema 6, the results the file already
 * had (docs/reports.md, "After an upgrade"). The upgrade only lists the
 * rules with results in rollup_backfill; the service then calls
 * sw_store_rollup_backfill_step on its loop, a bounded slice at a time,
 * so a file of millions of results neither holds the service in
 * START_PENDING nor stalls its checks.
 *
 * The cursor: per rule, the last result done (started_at, id). Until the
 * pass has reached a rule's newest result, new results of that rule are
 * written but not rolled up (store_rollups.c leaves them to the pass); the
 * pass takes them in their turn, in the same (started_at, id) order, and
 * drops the rule's row in the transaction that does its last result. From
 * the next write on, results are rolled up as they are written. A result
 * is thus rolled up exactly once, by one or the other, and a rule's
 * rollups reach its results as soon as its row is gone. */
#include "store_internal.h"
#include "store_report.h"

#include <stdint.h>

struct backfill {
  size_t limit, done;
};

/* The pass's position in one rule. */
struct position {
  int64_t rule_id, after_at, after_id;
};

/* The rule the pass is at (the lowest id listed); *found false when none. */
static enum sw_store_error next_rule(struct sw_store *st, struct position *p, bool *found,
                                     const char *what)
{
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_BACKFILL_NEXT, &stmt, what);
  if (err)
    return err;
  int rc = sqlite3_step(stmt);
  *found = rc == SQLITE_ROW;
  if (*found)
    *p = (struct position){sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1),
                           sqlite3_column_int64(stmt, 2)};
  sqlite3_reset(stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? SW_STORE_OK
                                               : sw__store_fail(st, rc, what);
}

/* Records where the rule's pass is, or drops it when it is done. */
static enum sw_store_error save_position(struct sw_store *st, const struct position *p,
                                         bool finished, const char *what)
{
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(
      st, finished ? SW_STMT_BACKFILL_DONE : SW_STMT_BACKFILL_MOVE, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, p->rule_id);
  if (!finished) {
    sqlite3_bind_int64(stmt, 2, p->after_at);
    sqlite3_bind_int64(stmt, 3, p->after_id);
  }
  return sw__store_run(st, stmt, what);
}

/* Rolls up the rule's next results, at most b->limit - b->done of them. */
static enum sw_store_error backfill_rule(struct sw_store *st, struct position *p,
                                         struct backfill *b, const char *what)
{
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_BACKFILL_RESULTS, &stmt, what);
  if (err)
    return err;
  size_t want = b->limit - b->done, got = 0;
  sqlite3_bind_int64(stmt, 1, p->rule_id);
  sqlite3_bind_int64(stmt, 2, p->after_at);
  sqlite3_bind_int64(stmt, 3, p->after_id);
  sqlite3_bind_int64(stmt, 4, (sqlite3_int64)want);
  int rc;
  while (!err && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    p->after_at = sqlite3_column_int64(stmt, 1);
    p->after_id = sqlite3_column_int64(stmt, 7);
    err = sw__store_rollup_stored(st, stmt);
    got++;
  }
  if (!err && rc != SQLITE_DONE)
    err = sw__store_fail(st, rc, what);
  sqlite3_reset(stmt);
  b->done += got;
  /* Fewer than asked for: the rule's newest result is done. */
  return err ? err : save_position(st, p, got < want, what);
}

static enum sw_store_error backfill_slice(struct sw_store *st, void *ctx)
{
  static const char what[] = "rolling up the results from before the upgrade";
  struct backfill *b = ctx;
  enum sw_store_error err = SW_STORE_OK;
  bool found = true;
  while (!err && found && b->done < b->limit) {
    struct position p;
    err = next_rule(st, &p, &found, what);
    if (!err && found)
      err = backfill_rule(st, &p, b, what);
  }
  sqlite3_stmt *stmt;
  if (!err && b->done)
    err = sw__store_stmt(st, SW_STMT_BACKFILL_COUNT, &stmt, what);
  if (!err && b->done) {
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)b->done);
    err = sw__store_run(st, stmt, what);
  }
  return err;
}

enum sw_store_error sw_store_rollup_backfill_step(struct sw_store *st, size_t max_results,
                                                  size_t *done, bool *more)
{
  static const char what[] = "rolling up the results from before the upgrade";
  *done = 0;
  *more = false;
  if (max_results == 0 || max_results > INT32_MAX)
    return sw__store_error(st, SW_STORE_INVALID_ARGUMENT, "%s: slice size out of range",
                           what);
  struct sw_store_rollup_progress pr;
  enum sw_store_error err = sw_store_rollup_progress(st, &pr);
  if (err || !pr.building)
    return err; /* the usual case: nothing to do, one cheap read */
  struct backfill b = {.limit = max_results};
  err = sw__store_transaction(st, what, backfill_slice, &b);
  if (!err)
    err = sw_store_rollup_progress(st, &pr);
  if (!err) {
    *done = b.done;
    *more = pr.building;
  }
  return err;
}

enum sw_store_error sw_store_rollup_progress(struct sw_store *st,
                                             struct sw_store_rollup_progress *out)
{
  static const char what[] = "reading how far the rollups are built";
  *out = (struct sw_store_rollup_progress){0};
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_BACKFILL_PROGRESS, &stmt, what);
  if (err)
    return err;
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    out->building = sqlite3_column_int(stmt, 0) != 0;
    out->total = sqlite3_column_int64(stmt, 1);
    out->done = sqlite3_column_int64(stmt, 2);
    /* Retention may delete results the count included: never 100 % while
     * some remain. */
    int64_t pct = out->total > 0 ? out->done * 100 / out->total : 0;
    out->percent = (int)(!out->building ? 100 : pct > 99 ? 99 : pct < 0 ? 0 : pct);
  }
  sqlite3_reset(stmt);
  return rc == SQLITE_ROW ? SW_STORE_OK : sw__store_fail(st, rc, what);
}
