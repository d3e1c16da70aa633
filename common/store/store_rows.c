/* Reading what a statement returns: stepping one that returns nothing,
 * reading every row of a query into a growing array (and freeing it),
 * reading the one row of a query, and the column helpers the row readers
 * share. Each statement is reset as soon as it has
 * been stepped to its end, so no read snapshot stays open. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_array.h"

enum sw_store_error sw__store_run(struct sw_store *st, sqlite3_stmt *stmt,
                                  const char *what)
{
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SW_STORE_OK
                                               : sw__store_fail(st, rc, what);
}

enum sw_store_error sw__store_run_one(struct sw_store *st, sqlite3_stmt *stmt,
                                      const char *what)
{
  enum sw_store_error err = sw__store_run(st, stmt, what);
  if (!err && sqlite3_changes(st->db) == 0)
    err = sw__store_error(st, SW_STORE_NOT_FOUND, "%s: it does not exist", what);
  return err;
}

enum sw_store_error sw__store_read_list(struct sw_store *st,
                                        const struct sw__store_list_query *q,
                                        void **items, size_t *count)
{
  *items = NULL;
  *count = 0;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, q->stmt, &stmt, q->what);
  if (err)
    return err;
  for (int i = 0; i < q->param_count; i++)
    sqlite3_bind_int64(stmt, i + 1, q->params[i]);
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    void *p = sw_array_grow(*items, &cap, *count, q->item_size, 16);
    if (!p) {
      err = sw__store_error(st, SW_STORE_NOMEM, "%s: out of memory", q->what);
      break;
    }
    *items = p;
    memset((char *)p + *count * q->item_size, 0, q->item_size); /* the row's item */
    err = q->read(st, stmt, (char *)p + *count * q->item_size);
    if (err)
      break;
    ++*count;
  }
  if (!err && rc != SQLITE_DONE)
    err = sw__store_fail(st, rc, q->what);
  sqlite3_reset(stmt);
  if (err) {
    sw__store_free_items(*items, *count, q->item_size, q->free_item);
    *items = NULL;
    *count = 0;
  }
  return err;
}

void sw__store_free_items(void *items, size_t count, size_t item_size,
                          sw__store_item_free_fn free_item)
{
  for (size_t i = 0; free_item && i < count; i++)
    free_item((char *)items + i * item_size);
  free(items);
}

/* Steps the bound statement `s` once: its row into `item` with `read`, or
 * NOT_FOUND as "<what>: <missing>"; then resets it. */
static enum sw_store_error read_one_row(struct sw_store *st, sqlite3_stmt *s,
                                        sw__store_row_fn read, void *item,
                                        const char *what, const char *missing)
{
  enum sw_store_error err;
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW)
    err = read(st, s, item);
  else if (rc == SQLITE_DONE)
    err = sw__store_error(st, SW_STORE_NOT_FOUND, "%s: %s", what, missing);
  else
    err = sw__store_fail(st, rc, what);
  sqlite3_reset(s);
  return err;
}

enum sw_store_error sw__store_read_row(struct sw_store *st, enum sw_store_stmt stmt,
                                       int64_t param, sw__store_row_fn read, void *item,
                                       const char *what, const char *missing)
{
  sqlite3_stmt *s;
  enum sw_store_error err = sw__store_stmt(st, stmt, &s, what);
  if (err)
    return err;
  sqlite3_bind_int64(s, 1, param);
  return read_one_row(st, s, read, item, what, missing);
}

enum sw_store_error sw__store_read_by_id(struct sw_store *st, enum sw_store_stmt stmt,
                                         int64_t id, sw__store_row_fn read, void *item,
                                         const char *doing, const char *missing)
{
  char what[128];
  snprintf(what, sizeof what, "%s %lld", doing, (long long)id);
  return sw__store_read_row(st, stmt, id, read, item, what, missing);
}

enum sw_store_error sw__store_read_row_text(struct sw_store *st, enum sw_store_stmt stmt,
                                            const char *param, sw__store_row_fn read,
                                            void *item, const char *what,
                                            const char *missing)
{
  sqlite3_stmt *s;
  enum sw_store_error err = sw__store_stmt(st, stmt, &s, what);
  if (err)
    return err;
  sqlite3_bind_text(s, 1, param, -1, SQLITE_STATIC);
  return read_one_row(st, s, read, item, what, missing);
}

const char *sw__store_text(sqlite3_stmt *stmt, int i)
{
  const unsigned char *t = sqlite3_column_text(stmt, i);
  return t ? (const char *)t : "";
}

enum sw_store_error sw__store_dup_optional(sqlite3_stmt *stmt, int i, char **out)
{
  *out = NULL;
  return *sw__store_text(stmt, i) ? sw__store_dup_text(stmt, i, out) : SW_STORE_OK;
}

enum sw_store_error sw__store_dup_text(sqlite3_stmt *stmt, int i, char **out)
{
  const char *t = sw__store_text(stmt, i);
  size_t n = strlen(t) + 1;
  *out = malloc(n);
  if (!*out)
    return SW_STORE_NOMEM;
  memcpy(*out, t, n);
  return SW_STORE_OK;
}

enum sw_store_error sw__store_read_int64(struct sw_store *st, sqlite3_stmt *stmt,
                                         void *item)
{
  (void)st; /* nothing to allocate, nothing to fail */
  *(int64_t *)item = sqlite3_column_int64(stmt, 0);
  return SW_STORE_OK;
}

enum sw_store_error sw__store_must_exist(struct sw_store *st, enum sw_store_stmt stmt,
                                         int64_t id, const char *what,
                                         const char *missing)
{
  int64_t ignored;
  return sw__store_read_row(st, stmt, id, sw__store_read_int64, &ignored, what, missing);
}
