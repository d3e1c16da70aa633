/* The store's connection: opening (and reopening a read-only one), the
 * statement cache, transactions, turning SQLite's codes into store errors
 * with a message for the log, and the small jobs that need nothing else:
 * settings, retention and the integrity check. */
#include "store_internal.h"
#include "store_report.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_macros.h"

static const char *const error_names[] = {SW_STORE_ERROR_MAP(SW_X_NAME_1)};

static const char *const error_texts[] = {SW_STORE_ERROR_MAP(SW_X_2)};

static const char *const stmt_sql[] = {SW_STORE_STMT_MAP(SW_X_2)};

const char *sw_store_error_name(enum sw_store_error e)
{
  return SW_TABLE_AT(error_names, e, "SW_STORE_UNKNOWN");
}

const char *sw_store_error_text(enum sw_store_error e)
{
  return SW_TABLE_AT(error_texts, e, "The database reported an unknown error.");
}

bool sw_store_error_is_transient(enum sw_store_error e)
{
  switch (e) {
  case SW_STORE_NOMEM:
  case SW_STORE_BUSY:
  case SW_STORE_READONLY:
  case SW_STORE_CORRUPT:
  case SW_STORE_CANTOPEN:
  case SW_STORE_FULL:
  case SW_STORE_IO:
    return true;
  default:
    return false;
  }
}

/* One place decides what an SQLite failure means for the service. */
static enum sw_store_error map_rc(int rc)
{
  switch (rc & 0xff) {
  case SQLITE_OK:
  case SQLITE_DONE:
  case SQLITE_ROW:
    return SW_STORE_OK;
  case SQLITE_NOMEM:
    return SW_STORE_NOMEM;
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
  case SQLITE_PROTOCOL: /* lost a race for a WAL lock again and again */
    return SW_STORE_BUSY;
  case SQLITE_READONLY:
  case SQLITE_PERM:
  case SQLITE_AUTH:
    return SW_STORE_READONLY;
  case SQLITE_CORRUPT:
  case SQLITE_NOTADB:
    return SW_STORE_CORRUPT;
  case SQLITE_CANTOPEN:
    return SW_STORE_CANTOPEN;
  case SQLITE_FULL:
    return SW_STORE_FULL;
  case SQLITE_IOERR:
    return rc == SQLITE_IOERR_NOMEM ? SW_STORE_NOMEM : SW_STORE_IO;
  case SQLITE_MISUSE:
  case SQLITE_RANGE:
    return SW_STORE_INVALID_ARGUMENT;
  default:
    return SW_STORE_SQLITE;
  }
}

enum sw_store_error sw__store_fail(struct sw_store *st, int rc, const char *what)
{
  struct sw_store_diag *d = &st->diag;
  d->err = map_rc(rc);
  if (NEVER(d->err == SW_STORE_OK)) /* callers pass failures only */
    d->err = SW_STORE_SQLITE;
  d->sqlite_code = rc;
  d->os_error = st->db ? sqlite3_system_errno(st->db) : 0;
  /* sqlite3_errmsg describes the connection's last error, which is `rc`
   * for every call made with it; without a connection the generic text. */
  const char *msg = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
  snprintf(d->message, sizeof d->message, "%s: %s", what, msg);
  return d->err;
}

enum sw_store_error sw__store_error(struct sw_store *st, enum sw_store_error err,
                                    const char *fmt, ...)
{
  struct sw_store_diag *d = &st->diag;
  d->err = err;
  d->sqlite_code = 0;
  d->os_error = 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d->message, sizeof d->message, fmt, ap);
  va_end(ap);
  return err;
}

enum sw_nagios_status sw__store_status_from_name(const char *name)
{
  enum sw_nagios_status s = SW_NAGIOS_UNKNOWN;
  sw_nagios_status_from_text(name, strlen(name), &s);
  return s;
}

const struct sw_store_diag *sw_store_last_error(const struct sw_store *st)
{
  return &st->diag;
}

static void finalize_all(struct sw_store *st)
{
  for (int i = 0; i < SW_STMT_COUNT; i++) {
    sqlite3_finalize(st->stmts[i]);
    st->stmts[i] = NULL;
  }
}

/* Opens a connection on st->path and sets it up: extended codes, the busy
 * timeout, foreign keys, defensive mode, then the schema. On failure st->db
 * is NULL and st->diag says why. */
static enum sw_store_error connect_db(struct sw_store *st)
{
  char what[300];
  snprintf(what, sizeof what, "opening %s", st->path);
  /* NOMUTEX: a handle is used by one thread at a time (see store.h). */
  int rc = sqlite3_open_v2(st->path, &st->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                               SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
                           NULL);
  if (rc == SQLITE_OK) {
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, st->busy_timeout_ms);
    if (st->manual_checkpoints)
      sqlite3_wal_autocheckpoint(st->db, 0);
    /* Defensive: no SQL we run may corrupt the file (writable_schema...). */
    sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    /* NORMAL is durable across process crashes in WAL mode; a power loss
     * or OS crash can take the last transactions, never the file's health. */
    /* A 16 MiB page cache (SQLite's default is 2 MiB): a history page of
     * a failing rule walks its transcripts' overflow pages to reach the
     * columns behind them, and under load each uncached page is a system
     * call the service's loop thread waits for. */
    rc = sqlite3_exec(st->db,
                      "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; "
                      "PRAGMA cache_size = -16384",
                      NULL, NULL, NULL);
  }
  if (rc != SQLITE_OK) {
    enum sw_store_error err = sw__store_fail(st, rc, what);
    sqlite3_close(st->db);
    st->db = NULL;
    return err;
  }
  enum sw_store_error err = sw__store_schema_open(st);
  if (err) {
    sqlite3_close(st->db);
    st->db = NULL;
  }
  return err;
}

enum sw_store_error sw_store_open(const char *path, const struct sw_store_options *opt,
                                  struct sw_store **out, struct sw_store_diag *diag)
{
  *out = NULL;
  if (diag)
    memset(diag, 0, sizeof *diag);
  if (!path || !*path) {
    if (diag) {
      diag->err = SW_STORE_INVALID_ARGUMENT;
      snprintf(diag->message, sizeof diag->message, "opening the database: no path");
    }
    return SW_STORE_INVALID_ARGUMENT;
  }
  struct sw_store *st = calloc(1, sizeof *st);
  if (st)
    st->path = malloc(strlen(path) + 1);
  if (!st || !st->path) {
    free(st);
    if (diag) {
      diag->err = SW_STORE_NOMEM;
      snprintf(diag->message, sizeof diag->message, "opening %s: out of memory", path);
    }
    return SW_STORE_NOMEM;
  }
  strcpy(st->path, path);
  st->busy_timeout_ms = opt && opt->busy_timeout_ms > 0
                            ? opt->busy_timeout_ms
                            : SW_STORE_DEFAULT_BUSY_TIMEOUT_MS;
  st->manual_checkpoints = opt && opt->manual_checkpoints;
  enum sw_store_error err = connect_db(st);
  if (err) {
    if (diag)
      *diag = st->diag;
    free(st->path);
    free(st);
    return err;
  }
  *out = st;
  return SW_STORE_OK;
}

void sw_store_close(struct sw_store *st)
{
  if (!st)
    return;
  finalize_all(st);
  sqlite3_close(st->db); /* every statement is finalized: cannot be busy */
  free(st->path);
  free(st);
}

/* A connection opened while the file could not be written stays read-only
 * for good (SQLite opened the file read-only), so once it may have become
 * writable a new connection is the only way to write again. The old one is
 * kept if the new one is no better, so reads go on working. */
static void reopen_if_readonly(struct sw_store *st)
{
  if (sqlite3_db_readonly(st->db, "main") != 1)
    return;
  struct sw_store fresh = {.path = st->path,
                           .busy_timeout_ms = st->busy_timeout_ms,
                           .manual_checkpoints = st->manual_checkpoints};
  if (connect_db(&fresh) != SW_STORE_OK)
    return; /* the write that follows fails and reports the state of things */
  if (sqlite3_db_readonly(fresh.db, "main") == 1) {
    sqlite3_close(fresh.db);
    return;
  }
  finalize_all(st);
  sqlite3_close(st->db);
  st->db = fresh.db;
}

enum sw_store_error sw__store_stmt(struct sw_store *st, enum sw_store_stmt id,
                                   sqlite3_stmt **out, const char *what)
{
  assert((unsigned)id < SW_STMT_COUNT);
  *out = NULL;
  if (!st->stmts[id]) {
    int rc = sqlite3_prepare_v3(st->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                &st->stmts[id], NULL);
    if (rc != SQLITE_OK)
      return sw__store_fail(st, rc, what);
  }
  sqlite3_reset(st->stmts[id]);
  sqlite3_clear_bindings(st->stmts[id]);
  *out = st->stmts[id];
  return SW_STORE_OK;
}

/* Runs one of the transaction statements. */
static enum sw_store_error run_simple(struct sw_store *st, enum sw_store_stmt id,
                                      const char *what)
{
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, id, &stmt, what);
  if (err)
    return err;
  return sw__store_run(st, stmt, what);
}

enum sw_store_error sw__store_begin(struct sw_store *st, const char *what)
{
  reopen_if_readonly(st);
  return run_simple(st, SW_STMT_BEGIN, what);
}

enum sw_store_error sw__store_commit(struct sw_store *st, const char *what)
{
  enum sw_store_error err = run_simple(st, SW_STMT_COMMIT, what);
  if (err)
    sw__store_rollback(st);
  return err;
}

void sw__store_rollback(struct sw_store *st)
{
  if (sqlite3_get_autocommit(st->db))
    return; /* SQLite already rolled back (e.g. after SQLITE_FULL) */
  /* Keep the diagnosis of the failure that led here, not the rollback's. */
  struct sw_store_diag saved = st->diag;
  sqlite3_stmt *stmt;
  if (sw__store_stmt(st, SW_STMT_ROLLBACK, &stmt, "rolling back") == SW_STORE_OK) {
    sqlite3_step(stmt);
    sqlite3_reset(stmt);
  }
  st->diag = saved;
}

enum sw_store_error sw__store_transaction(struct sw_store *st, const char *what,
                                          sw__store_work_fn work, void *ctx)
{
  enum sw_store_error err = sw__store_begin(st, what);
  if (err)
    return err;
  err = work(st, ctx);
  if (err) {
    sw__store_rollback(st);
    return err;
  }
  return sw__store_commit(st, what);
}

/* What sw__store_delete_by_id deletes. */
struct delete_by_id {
  enum sw_store_stmt stmt;
  int64_t id;
  const char *what;
};

static enum sw_store_error delete_row(struct sw_store *st, void *ctx)
{
  const struct delete_by_id *d = ctx;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, d->stmt, &stmt, d->what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, d->id);
  return sw__store_run_one(st, stmt, d->what);
}

enum sw_store_error sw__store_delete_by_id(struct sw_store *st, enum sw_store_stmt stmt,
                                           int64_t id, const char *what)
{
  struct delete_by_id d = {.stmt = stmt, .id = id, .what = what};
  return sw__store_transaction(st, what, delete_row, &d);
}

enum sw_store_error sw_store_integrity_check(struct sw_store *st, bool *ok, char **report)
{
  static const char what[] = "checking the database's integrity";
  *ok = false;
  if (report)
    *report = NULL;
  sqlite3_stmt *stmt;
  /* At most 20 findings: enough to tell what is wrong, short enough to log. */
  int rc = sqlite3_prepare_v2(st->db, "PRAGMA integrity_check(20)", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return sw__store_fail(st, rc, what);
  size_t len = 0;
  char *text = NULL;
  enum sw_store_error err = SW_STORE_OK;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const char *line = sw__store_text(stmt, 0);
    size_t n = strlen(line);
    char *p = realloc(text, len + n + 2);
    if (!p) {
      err = sw__store_error(st, SW_STORE_NOMEM, "%s: out of memory", what);
      break;
    }
    text = p;
    if (len)
      text[len++] = '\n';
    memcpy(text + len, line, n + 1);
    len += n;
  }
  if (!err && rc != SQLITE_DONE)
    err = sw__store_fail(st, rc, what);
  sqlite3_finalize(stmt);
  if (!err)
    *ok = text && strcmp(text, "ok") == 0;
  if (!err && !*ok && report) {
    *report = text;
    text = NULL;
  }
  free(text);
  return err;
}

enum sw_store_error sw_store_setting_get(struct sw_store *st, const char *key,
                                         char **value)
{
  static const char what[] = "reading a setting";
  *value = NULL;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_SETTING_GET, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    const char *t = sw__store_text(stmt, 0);
    *value = malloc(strlen(t) + 1);
    if (*value)
      strcpy(*value, t);
    else
      err = sw__store_error(st, SW_STORE_NOMEM, "%s: out of memory", what);
  } else if (rc == SQLITE_DONE) {
    err = sw__store_error(st, SW_STORE_NOT_FOUND, "setting %s is not set", key);
  } else {
    err = sw__store_fail(st, rc, what);
  }
  sqlite3_reset(stmt);
  return err;
}

enum sw_store_error sw_store_setting_set(struct sw_store *st, const char *key,
                                         const char *value)
{
  static const char what[] = "changing a setting";
  if (!key || !value)
    return sw__store_error(st, SW_STORE_INVALID_ARGUMENT, "%s: NULL key or value", what);
  reopen_if_readonly(st);
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_SETTING_SET, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
  return sw__store_run(st, stmt, what);
}

/* A retention setting in days (see sw_store_retention_step): `fallback`
 * unless it is a whole number from 1 to SW_STORE_RETENTION_DAYS_MAX. */
static enum sw_store_error retention_days(struct sw_store *st, const char *key,
                                          int fallback, int *days)
{
  *days = fallback;
  char *text;
  enum sw_store_error err = sw_store_setting_get(st, key, &text);
  if (err == SW_STORE_NOT_FOUND)
    return SW_STORE_OK;
  if (err)
    return err;
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno == 0 && end != text && *end == '\0' && v >= 1 &&
      v <= SW_STORE_RETENTION_DAYS_MAX)
    *days = (int)v;
  free(text);
  return SW_STORE_OK;
}

/* One retention step: up to `limit` rows older than `cutoff`, results
 * first; `deleted` is how many went. */
struct retention {
  int64_t cutoff;
  int64_t rollup_cutoff; /* rollups and status changes (store_report.h) */
  size_t limit, deleted;
};

/* Deletes up to r->limit - r->deleted rows older than r->cutoff with
 * statement `id`, adding them to r->deleted. */
static enum sw_store_error delete_old(struct sw_store *st, enum sw_store_stmt id,
                                      struct retention *r)
{
  static const char what[] = "deleting old results, events and rollups";
  if (r->deleted == r->limit)
    return SW_STORE_OK;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, id, &stmt, what);
  if (err)
    return err;
  bool rollups = id == SW_STMT_RETENTION_ROLLUPS || id == SW_STMT_RETENTION_CHANGES;
  sqlite3_bind_int64(stmt, 1, rollups ? r->rollup_cutoff : r->cutoff);
  sqlite3_bind_int64(stmt, 2, (sqlite3_int64)(r->limit - r->deleted));
  err = sw__store_run(st, stmt, what);
  if (!err)
    r->deleted += (size_t)sqlite3_changes(st->db);
  return err;
}

static enum sw_store_error delete_old_rows(struct sw_store *st, void *ctx)
{
  static const enum sw_store_stmt steps[] = {
      SW_STMT_RETENTION_RESULTS, SW_STMT_RETENTION_EVENTS, SW_STMT_RETENTION_ROLLUPS,
      SW_STMT_RETENTION_CHANGES};
  enum sw_store_error err = SW_STORE_OK;
  for (size_t i = 0; !err && i < SW_COUNTOF(steps); i++)
    err = delete_old(st, steps[i], ctx);
  return err;
}

enum sw_store_error sw_store_retention_step(struct sw_store *st, int64_t now_ms,
                                            size_t max_rows, size_t *deleted, bool *more)
{
  static const char what[] = "deleting old results, events and rollups";
  if (deleted)
    *deleted = 0;
  if (more)
    *more = false;
  if (max_rows == 0 || max_rows > INT32_MAX)
    return sw__store_error(st, SW_STORE_INVALID_ARGUMENT, "%s: batch size out of range",
                           what);
  int days, rollup_days;
  enum sw_store_error err = retention_days(st, SW_STORE_SETTING_RETENTION_DAYS,
                                           SW_STORE_DEFAULT_RETENTION_DAYS, &days);
  if (!err)
    err = retention_days(st, SW_STORE_SETTING_ROLLUP_RETENTION_DAYS,
                         SW_STORE_DEFAULT_ROLLUP_RETENTION_DAYS, &rollup_days);
  if (err)
    return err;
  struct retention r = {.cutoff = now_ms - (int64_t)days * 86400000,
                        .rollup_cutoff = now_ms - (int64_t)rollup_days * 86400000,
                        .limit = max_rows};
  err = sw__store_transaction(st, what, delete_old_rows, &r);
  if (err)
    return err;
  if (deleted)
    *deleted = r.deleted;

  if (more) {
    sqlite3_stmt *stmt;
    err = sw__store_stmt(st, SW_STMT_RETENTION_MORE, &stmt, what);
    if (err)
      return err;
    sqlite3_bind_int64(stmt, 1, r.cutoff);
    sqlite3_bind_int64(stmt, 2, r.rollup_cutoff);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
      *more = sqlite3_column_int(stmt, 0) != 0;
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW)
      return sw__store_fail(st, rc, what);
  }
  return SW_STORE_OK;
}
