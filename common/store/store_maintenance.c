/* Maintenance windows: one rule's or every rule's, once (from, until) or
 * weekly, stored as the text sw_maint_weekly_parse reads, so the file says
 * "Sun 02:00-04:00" to anyone who opens it. The service reads the whole
 * list and evaluates it (common/alert/maintenance.h). */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS_PER_S 1000
/* One-off windows are kept in milliseconds: times must fit after * 1000. */
#define SECONDS_MAX (INT64_MAX / MS_PER_S)

static const char *const kind_names[] = {
    [SW_MAINT_ONCE] = "once", [SW_MAINT_WEEKLY] = "weekly"};

/* A sw__store_item_free_fn. */
static void free_maint_item(void *item)
{
  free(((struct sw_store_maint *)item)->comment);
}

void sw_store_maint_list_free(struct sw_store_maint_list *l)
{
  SW__STORE_LIST_FREE(l, free_maint_item);
}

/* Reads a row of SW_STMT_MAINT_SELECT_ALL into the struct sw_store_maint
 * `item`, which owns nothing (a sw__store_row_fn). */
static enum sw_store_error read_maint(struct sw_store *st, sqlite3_stmt *stmt, void *item)
{
  struct sw_store_maint *m = item;
  memset(m, 0, sizeof *m);
  m->id = sqlite3_column_int64(stmt, 0);
  m->rule_id = sqlite3_column_int64(stmt, 1);
  m->created_at_ms = sqlite3_column_int64(stmt, 7);
  char why[200];
  if (strcmp(sw__store_text(stmt, 2), kind_names[SW_MAINT_WEEKLY]) == 0) {
    if (!sw_maint_weekly_parse(sw__store_text(stmt, 5), &m->window, why, sizeof why))
      return sw__store_error(st, SW_STORE_CORRUPT, "reading maintenance window %lld: %s",
                             (long long)m->id, why);
  } else {
    m->window.kind = SW_MAINT_ONCE;
    m->window.from_s = sqlite3_column_int64(stmt, 3) / MS_PER_S;
    m->window.until_s = sqlite3_column_int64(stmt, 4) / MS_PER_S;
  }
  if (sw__store_dup_text(stmt, 6, &m->comment))
    return sw__store_error(st, SW_STORE_NOMEM,
                           "reading maintenance window %lld: out of memory",
                           (long long)m->id);
  return SW_STORE_OK;
}

enum sw_store_error sw_store_maint_list(struct sw_store *st,
                                        struct sw_store_maint_list *out)
{
  const struct sw__store_list_query q = {
      .stmt = SW_STMT_MAINT_SELECT_ALL,
      .item_size = sizeof *out->items,
      .read = read_maint,
      .free_item = free_maint_item,
      .what = "listing the maintenance windows",
  };
  enum sw_store_error err;
  SW__STORE_READ_LIST(err, st, &q, out);
  return err;
}

struct maint_write {
  const char *what;
  const struct sw_store_maint *m;
  char weekly[SW_MAINT_WEEKLY_TEXT_MAX];
  int64_t id, now_ms;
};

/* INVALID_INPUT with a sentence unless the window is one that
 * sw_maint_active can evaluate; fills w->weekly. */
static enum sw_store_error check_window(struct sw_store *st, struct maint_write *w)
{
  const struct sw_maint_window *win = &w->m->window;
  w->weekly[0] = '\0';
  if (win->kind == SW_MAINT_ONCE) {
    if (win->from_s < -SECONDS_MAX || win->until_s > SECONDS_MAX ||
        win->from_s >= win->until_s)
      return sw__store_error(st, SW_STORE_INVALID_INPUT,
                             "%s: a one-off window must end after it starts", w->what);
    return SW_STORE_OK;
  }
  if (win->kind != SW_MAINT_WEEKLY)
    return sw__store_error(st, SW_STORE_INVALID_INPUT,
                           "%s: a window is either once or weekly", w->what);
  /* Stored as text: what is written must read back as the same window. */
  struct sw_maint_window back;
  char why[200];
  bool ok = win->days && win->days < 0x80 && win->start_min < SW_MAINT_DAY_MINUTES &&
            win->end_min >= 1 && win->end_min <= SW_MAINT_DAY_MINUTES;
  if (ok) {
    sw_maint_weekly_text(win, w->weekly, sizeof w->weekly);
    ok = sw_maint_weekly_parse(w->weekly, &back, why, sizeof why) &&
         back.days == win->days && back.start_min == win->start_min &&
         back.end_min == win->end_min;
  }
  if (!ok)
    return sw__store_error(st, SW_STORE_INVALID_INPUT,
                           "%s: a weekly window needs at least one weekday, a start from "
                           "00:00 to 23:59 and an end from 00:01 to 24:00",
                           w->what);
  return SW_STORE_OK;
}

static enum sw_store_error insert_maint(struct sw_store *st, void *ctx)
{
  struct maint_write *w = ctx;
  const struct sw_store_maint *m = w->m;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_MAINT_INSERT, &stmt, w->what);
  if (err)
    return err;
  bool once = m->window.kind == SW_MAINT_ONCE;
  sqlite3_bind_int64(stmt, 1, m->rule_id);
  sqlite3_bind_text(stmt, 2, kind_names[m->window.kind], -1, SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 3, once ? m->window.from_s * MS_PER_S : 0);
  sqlite3_bind_int64(stmt, 4, once ? m->window.until_s * MS_PER_S : 0);
  sqlite3_bind_text(stmt, 5, w->weekly, -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 6, m->comment ? m->comment : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 7, w->now_ms);
  err = sw__store_run(st, stmt, w->what);
  if (!err && sqlite3_changes(st->db) == 0)
    err = sw__store_error(st, SW_STORE_NOT_FOUND, "%s: rule %lld does not exist", w->what,
                          (long long)m->rule_id);
  if (!err)
    w->id = sqlite3_last_insert_rowid(st->db);
  return err;
}

enum sw_store_error sw_store_maint_add(struct sw_store *st,
                                       const struct sw_store_maint *m, int64_t now_ms,
                                       int64_t *id_out)
{
  struct maint_write w = {
      .what = "adding a maintenance window", .m = m, .now_ms = now_ms};
  if (id_out)
    *id_out = 0;
  enum sw_store_error err = check_window(st, &w);
  if (!err)
    err = sw__store_check_line(st, w.what, "the comment", m->comment,
                               SW_STORE_MAINT_COMMENT_MAX, true);
  if (!err)
    err = sw__store_transaction(st, w.what, insert_maint, &w);
  if (!err && id_out)
    *id_out = w.id;
  return err;
}

enum sw_store_error sw_store_maint_delete(struct sw_store *st, int64_t id)
{
  char what[64];
  snprintf(what, sizeof what, "deleting maintenance window %lld", (long long)id);
  return sw__store_delete_by_id(st, SW_STMT_MAINT_DELETE, id, what);
}
