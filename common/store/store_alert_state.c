/* What was told per rule (struct sw_alert_track, so that a restarted
 * service neither repeats a notification nor forgets one) and the
 * administrator's acknowledgement of a rule's bad state. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_utf8.h"

enum sw_store_error sw__store_check_line(struct sw_store *st, const char *what,
                                         const char *field, const char *text,
                                         size_t max_chars, bool may_be_empty)
{
  size_t len = text ? strlen(text) : 0, chars = 0;
  if ((len == 0 && !may_be_empty) ||
      (len && sw_utf8_line_check(text, len, &chars) != SW_LINE_OK) || chars > max_chars)
    return sw__store_error(st, SW_STORE_INVALID_INPUT,
                           "%s: %s must be one line of %s%u characters", what, field,
                           may_be_empty ? "at most " : "1 to ", (unsigned)max_chars);
  return SW_STORE_OK;
}

/* ---- tracks ---- */

void sw_store_alert_track_list_free(struct sw_store_alert_track_list *l)
{
  SW__STORE_LIST_FREE(l, NULL);
}

/* Reads a row of SW_STORE_TRACK_COLUMNS into the struct
 * sw_store_alert_track `item` (a sw__store_row_fn). */
static enum sw_store_error read_track(struct sw_store *st, sqlite3_stmt *stmt, void *item)
{
  (void)st; /* nothing to allocate */
  struct sw_store_alert_track *r = item;
  r->rule_id = sqlite3_column_int64(stmt, 0);
  sw_alert_track_init(&r->track);
  r->track.told = sw__store_status_from_name(sw__store_text(stmt, 1));
  r->track.told_at = sqlite3_column_int64(stmt, 2);
  r->track.bad_since = sqlite3_column_int64(stmt, 3);
  r->track.told_flapping = sqlite3_column_int(stmt, 4) != 0;
  r->track.in_maintenance = sqlite3_column_int(stmt, 5) != 0;
  return SW_STORE_OK;
}

enum sw_store_error sw_store_alert_track_load(struct sw_store *st,
                                              struct sw_store_alert_track_list *out)
{
  const struct sw__store_list_query q = {
      .stmt = SW_STMT_TRACK_SELECT_ALL,
      .item_size = sizeof *out->items,
      .read = read_track,
      .what = "reading what was told about the rules",
  };
  enum sw_store_error err;
  SW__STORE_READ_LIST(err, st, &q, out);
  return err;
}

enum sw_store_error sw__store_upsert_track(struct sw_store *st, int64_t rule_id,
                                           const struct sw_alert_track *t,
                                           const char *what)
{
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_TRACK_UPSERT, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, rule_id);
  sqlite3_bind_text(stmt, 2, sw_nagios_status_name(t->told), -1, SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 3, t->told_at);
  sqlite3_bind_int64(stmt, 4, t->bad_since);
  sqlite3_bind_int(stmt, 5, t->told_flapping);
  sqlite3_bind_int(stmt, 6, t->in_maintenance);
  err = sw__store_run(st, stmt, what);
  if (!err && sqlite3_changes(st->db) == 0)
    err = sw__store_error(st, SW_STORE_NOT_FOUND, "%s: rule %lld does not exist", what,
                          (long long)rule_id);
  return err;
}

enum sw_store_error sw__store_write_tracks(struct sw_store *st,
                                           const struct sw_store_track_write *t,
                                           size_t count, size_t *written)
{
  for (size_t i = 0; i < count; i++) {
    enum sw_store_error err = sw__store_upsert_track(
        st, t[i].rule_id, &t[i].track, "writing what was told about the rules");
    if (err == SW_STORE_NOT_FOUND)
      continue; /* the rule is gone: nothing to remember about it */
    if (err)
      return err;
    (*written)++;
  }
  return SW_STORE_OK;
}

/* ---- acknowledgements ---- */

void sw_store_ack_free(struct sw_store_ack *a)
{
  free(a->by);
  free(a->comment);
  memset(a, 0, sizeof *a);
}

/* A sw__store_item_free_fn. */
static void free_ack_item(void *item)
{
  sw_store_ack_free(item);
}

void sw_store_ack_list_free(struct sw_store_ack_list *l)
{
  SW__STORE_LIST_FREE(l, free_ack_item);
}

/* Reads a row of SW_STORE_ACK_COLUMNS into the struct sw_store_ack `item`,
 * which owns nothing (a sw__store_row_fn). */
static enum sw_store_error read_ack(struct sw_store *st, sqlite3_stmt *stmt, void *item)
{
  struct sw_store_ack *a = item;
  memset(a, 0, sizeof *a);
  a->rule_id = sqlite3_column_int64(stmt, 0);
  a->state = sw__store_status_from_name(sw__store_text(stmt, 1));
  a->at_ms = sqlite3_column_int64(stmt, 3);
  if (sw__store_dup_text(stmt, 2, &a->by) || sw__store_dup_text(stmt, 4, &a->comment)) {
    sw_store_ack_free(a);
    return sw__store_error(st, SW_STORE_NOMEM,
                           "reading an acknowledgement: out of memory");
  }
  return SW_STORE_OK;
}

struct ack_write {
  char what[80];
  const struct sw_store_ack *ack;
  int64_t rule_id;
  enum sw_nagios_status keep; /* clear_unless: the state whose ack stays */
  bool unless, cleared;
};

static enum sw_store_error write_ack(struct sw_store *st, void *ctx)
{
  const struct ack_write *w = ctx;
  const struct sw_store_ack *a = w->ack;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_ACK_UPSERT, &stmt, w->what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, a->rule_id);
  sqlite3_bind_text(stmt, 2, sw_nagios_status_name(a->state), -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 3, a->by, -1, SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 4, a->at_ms);
  sqlite3_bind_text(stmt, 5, a->comment ? a->comment : "", -1, SQLITE_STATIC);
  err = sw__store_run(st, stmt, w->what);
  if (!err && sqlite3_changes(st->db) == 0)
    err = sw__store_error(st, SW_STORE_NOT_FOUND, "%s: the rule does not exist", w->what);
  return err;
}

enum sw_store_error sw_store_ack_set(struct sw_store *st, const struct sw_store_ack *a)
{
  struct ack_write w = {.ack = a};
  snprintf(w.what, sizeof w.what, "acknowledging rule %lld", (long long)a->rule_id);
  if (a->state == SW_NAGIOS_OK || (unsigned)a->state >= SW_NAGIOS_STATUS_COUNT)
    return sw__store_error(st, SW_STORE_INVALID_INPUT,
                           "%s: only a WARNING, CRITICAL or UNKNOWN state can be "
                           "acknowledged",
                           w.what);
  enum sw_store_error err = sw__store_check_line(st, w.what, "who acknowledged", a->by,
                                                 SW_STORE_ACK_TEXT_MAX, false);
  if (!err)
    err = sw__store_check_line(st, w.what, "the comment", a->comment,
                               SW_STORE_ACK_TEXT_MAX, true);
  return err ? err : sw__store_transaction(st, w.what, write_ack, &w);
}

static enum sw_store_error delete_ack(struct sw_store *st, void *ctx)
{
  struct ack_write *w = ctx;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(
      st, w->unless ? SW_STMT_ACK_DELETE_UNLESS : SW_STMT_ACK_DELETE, &stmt, w->what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, w->rule_id);
  if (w->unless)
    sqlite3_bind_text(stmt, 2, sw_nagios_status_name(w->keep), -1, SQLITE_STATIC);
  err = sw__store_run(st, stmt, w->what);
  w->cleared = !err && sqlite3_changes(st->db) > 0;
  return err;
}

/* Clears rule_id's acknowledgement (unless it is for `keep`, if `unless`). */
static enum sw_store_error clear_ack(struct sw_store *st, struct ack_write *w,
                                     bool *cleared)
{
  snprintf(w->what, sizeof w->what, "clearing the acknowledgement of rule %lld",
           (long long)w->rule_id);
  enum sw_store_error err = sw__store_transaction(st, w->what, delete_ack, w);
  if (cleared)
    *cleared = !err && w->cleared;
  return err;
}

enum sw_store_error sw_store_ack_clear(struct sw_store *st, int64_t rule_id,
                                       bool *cleared)
{
  struct ack_write w = {.rule_id = rule_id};
  return clear_ack(st, &w, cleared);
}

enum sw_store_error sw_store_ack_clear_unless(struct sw_store *st, int64_t rule_id,
                                              enum sw_nagios_status state, bool *cleared)
{
  struct ack_write w = {.rule_id = rule_id, .keep = state, .unless = true};
  return clear_ack(st, &w, cleared);
}

enum sw_store_error sw_store_ack_get(struct sw_store *st, int64_t rule_id,
                                     struct sw_store_ack *out)
{
  memset(out, 0, sizeof *out);
  return sw__store_read_by_id(st, SW_STMT_ACK_SELECT, rule_id, read_ack, out,
                              "reading the acknowledgement of rule",
                              "it is not acknowledged");
}

enum sw_store_error sw_store_ack_list(struct sw_store *st, struct sw_store_ack_list *out)
{
  const struct sw__store_list_query q = {
      .stmt = SW_STMT_ACK_SELECT_ALL,
      .item_size = sizeof *out->items,
      .read = read_ack,
      .free_item = free_ack_item,
      .what = "listing the acknowledgements",
  };
  enum sw_store_error err;
  SW__STORE_READ_LIST(err, st, &q, out);
  return err;
}
