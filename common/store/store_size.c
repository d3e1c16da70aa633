/* The database's size and the size cap: measuring what the rows take, and
 * deleting the oldest rows, a slice at a time, when it is too much: raw
 * results down to a minimum, then rollups, then that minimum.
 * docs/store.md says what the sizes mean. */
#include "store_internal.h"

#include <string.h>

/* The size of the file behind `op` (SQLITE_FCNTL_FILE_POINTER for the
 * database, SQLITE_FCNTL_JOURNAL_POINTER for its WAL); 0 if it is not
 * open or cannot be measured: a size shown to a user, not one to act on. */
static int64_t file_size(sqlite3 *db, int op)
{
  sqlite3_file *f = NULL;
  sqlite3_int64 size = 0;
  if (sqlite3_file_control(db, "main", op, &f) != SQLITE_OK || !f || !f->pMethods ||
      f->pMethods->xFileSize(f, &size) != SQLITE_OK)
    return 0;
  return size;
}

enum sw_store_error sw_store_size(struct sw_store *st, struct sw_store_size *out)
{
  static const char what[] = "measuring the database";
  memset(out, 0, sizeof *out);
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_SIZE_PAGES, &stmt, what);
  if (err)
    return err;
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    int64_t pages = sqlite3_column_int64(stmt, 0),
            free_pages = sqlite3_column_int64(stmt, 1),
            page_size = sqlite3_column_int64(stmt, 2);
    out->used_bytes = (pages - free_pages) * page_size;
    out->free_bytes = free_pages * page_size;
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_ROW)
    return sw__store_fail(st, rc, what);
  out->file_bytes = file_size(st->db, SQLITE_FCNTL_FILE_POINTER) +
                    file_size(st->db, SQLITE_FCNTL_JOURNAL_POINTER);
  return SW_STORE_OK;
}

enum sw_store_error sw_store_checkpoint(struct sw_store *st, enum sw_store_checkpoint how,
                                        int *wal_pages, int *copied)
{
  int log = 0, done = 0;
  int rc = sqlite3_wal_checkpoint_v2(st->db, "main",
                                     how == SW_STORE_CHECKPOINT_TRUNCATE
                                         ? SQLITE_CHECKPOINT_TRUNCATE
                                         : SQLITE_CHECKPOINT_PASSIVE,
                                     &log, &done);
  if (wal_pages)
    *wal_pages = log;
  if (copied)
    *copied = done;
  return rc == SQLITE_OK ? SW_STORE_OK : sw__store_fail(st, rc, "checkpointing the WAL");
}

/* One slice of making room: up to `max_rows` rows of the first kind in
 * the cap's order that has any (docs/store.md, "Size and the size cap"). */
struct prune {
  size_t max_rows;
  int64_t keep_from; /* results from here on are the minimum kept */
  struct sw_store_prune *out;
};

/* Runs one of the cap's deletes; *n is how many rows went. */
static enum sw_store_error delete_some(struct sw_store *st, enum sw_store_stmt id,
                                       const struct prune *p, int64_t span_s, size_t *n)
{
  static const char what[] = "deleting the oldest rows to make room";
  *n = 0;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, id, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, (sqlite3_int64)p->max_rows);
  if (id != SW_STMT_PRUNE_RESULTS)
    sqlite3_bind_int64(stmt, 2, p->keep_from);
  if (id == SW_STMT_PRUNE_ROLLUPS)
    sqlite3_bind_int64(stmt, 3, span_s);
  err = sw__store_run(st, stmt, what);
  if (!err)
    *n = (size_t)sqlite3_changes(st->db);
  return err;
}

static enum sw_store_error delete_oldest(struct sw_store *st, void *ctx)
{
  struct prune *p = ctx;
  struct sw_store_prune *o = p->out;
  /* Results past the minimum, hourly rollups, daily rollups, then (the
   * cap is the cap) the minimum itself. */
  enum sw_store_error err = delete_some(st, SW_STMT_PRUNE_RESULTS_OLD, p, 0, &o->deleted);
  if (!err && !o->deleted)
    err = delete_some(st, SW_STMT_PRUNE_ROLLUPS, p, 3600, &o->hourly_deleted);
  if (!err && !o->deleted && !o->hourly_deleted)
    err = delete_some(st, SW_STMT_PRUNE_ROLLUPS, p, 86400, &o->daily_deleted);
  if (!err && !o->deleted && !o->hourly_deleted && !o->daily_deleted)
    err = delete_some(st, SW_STMT_PRUNE_RESULTS, p, 0, &o->deleted);
  return err;
}

/* Where the results the cap keeps begin: SW_STORE_PRUNE_KEEP_RESULTS_DAYS
 * before the newest result (not the clock: a file at rest keeps them). */
static enum sw_store_error keep_from(struct sw_store *st, int64_t *out)
{
  static const char what[] = "reading the newest result's time";
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_PRUNE_NEWEST, &stmt, what);
  if (err)
    return err;
  int rc = sqlite3_step(stmt);
  *out = (rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0) -
         (int64_t)SW_STORE_PRUNE_KEEP_RESULTS_DAYS * 86400000;
  sqlite3_reset(stmt);
  return rc == SQLITE_ROW ? SW_STORE_OK : sw__store_fail(st, rc, what);
}

enum sw_store_error sw_store_prune_step(struct sw_store *st, int64_t target_bytes,
                                        size_t max_rows, struct sw_store_prune *out)
{
  static const char what[] = "deleting the oldest rows to make room";
  memset(out, 0, sizeof *out);
  if (max_rows == 0 || max_rows > INT32_MAX || target_bytes < 0)
    return sw__store_error(st, SW_STORE_INVALID_ARGUMENT, "%s: argument out of range",
                           what);
  struct sw_store_size size;
  enum sw_store_error err = sw_store_size(st, &size);
  if (err)
    return err;
  out->used_before = out->used_after = size.used_bytes;
  if (target_bytes > 0 && size.used_bytes <= target_bytes)
    return SW_STORE_OK;

  struct prune p = {.max_rows = max_rows, .out = out};
  err = keep_from(st, &p.keep_from);
  if (!err)
    err = sw__store_transaction(st, what, delete_oldest, &p);
  if (err) {
    out->deleted = out->hourly_deleted = out->daily_deleted = 0; /* rolled back */
    return err;
  }
  err = sw_store_size(st, &size);
  if (err)
    return err; /* unlikely after a commit, but the file can vanish */
  out->used_after = size.used_bytes;
  size_t rows = out->deleted + out->hourly_deleted + out->daily_deleted;
  out->more = rows == max_rows && (target_bytes == 0 || size.used_bytes > target_bytes);
  return SW_STORE_OK;
}
