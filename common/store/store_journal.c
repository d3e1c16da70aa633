/* What the service remembers between runs besides results: the state of
 * each rule (restored at start so a rule that was CRITICAL does not "recover"
 * just because the service restarted) and the events it reported to the
 * Event Log (which under Wine, and for the editor, is the only place they
 * can be read back). */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_macros.h"
#include "sw_names.h"

static const char *const severity_names[] = {SW_EVENT_SEVERITY_MAP(SW_X_2)};

const char *sw_event_severity_name(enum sw_event_severity s)
{
  return SW_TABLE_AT(severity_names, s, "unknown");
}

static enum sw_event_severity severity_from_name(const char *name)
{
  int i = sw_name_index(severity_names, SW_COUNTOF(severity_names), name);
  return i >= 0 ? (enum sw_event_severity)i
                : SW_EVENT_ERROR; /* unknown: show it rather than hide it */
}

void sw_store_state_list_free(struct sw_store_state_list *l)
{
  SW__STORE_LIST_FREE(l, NULL);
}

/* A sw__store_item_free_fn: an event owns its message. */
static void free_event_item(void *item)
{
  free(((struct sw_store_event *)item)->message);
}

void sw_store_event_list_free(struct sw_store_event_list *l)
{
  SW__STORE_LIST_FREE(l, free_event_item);
}

enum sw_store_error sw__store_upsert_state(struct sw_store *st,
                                           const struct sw_store_rule_state *s,
                                           bool *written)
{
  static const char what[] = "writing rule states";
  *written = false;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_STATE_UPSERT, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, s->rule_id);
  sqlite3_bind_text(stmt, 2, sw_nagios_status_name(s->state), -1, SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 3, s->failures);
  sqlite3_bind_int64(stmt, 4, s->since_ms);
  sqlite3_bind_int64(stmt, 5, s->last_result_at_ms);
  sqlite3_bind_text(stmt, 6, sw_outcome_name(s->last_outcome), -1, SQLITE_STATIC);
  err = sw__store_run(st, stmt, what);
  if (err)
    return err;
  *written = sqlite3_changes(st->db) == 1;
  return SW_STORE_OK;
}

enum sw_store_error sw__store_insert_event(struct sw_store *st,
                                           const struct sw_store_event *e)
{
  static const char what[] = "writing events";
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_EVENT_INSERT, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, e->at_ms);
  sqlite3_bind_int64(stmt, 2, e->event_id);
  sqlite3_bind_text(stmt, 3, sw_event_severity_name(e->severity), -1, SQLITE_STATIC);
  if (e->rule_id > 0)
    sqlite3_bind_int64(stmt, 4, e->rule_id);
  sqlite3_bind_text(stmt, 5, e->message ? e->message : "", -1, SQLITE_STATIC);
  return sw__store_run(st, stmt, what);
}

/* Reads a row of SW_STORE_STATE_COLUMNS into the struct
 * sw_store_rule_state `item` (a sw__store_row_fn). */
static enum sw_store_error read_state(struct sw_store *st, sqlite3_stmt *stmt, void *item)
{
  (void)st; /* nothing to allocate, nothing to fail */
  struct sw_store_rule_state *s = item;
  s->rule_id = sqlite3_column_int64(stmt, 0);
  s->state = sw__store_status_from_name(sw__store_text(stmt, 1));
  s->failures = (uint32_t)sqlite3_column_int64(stmt, 2);
  s->since_ms = sqlite3_column_int64(stmt, 3);
  s->last_result_at_ms = sqlite3_column_int64(stmt, 4);
  if (!sw_outcome_from_name(sw__store_text(stmt, 5), &s->last_outcome))
    s->last_outcome = SW_OUTCOME_INTERNAL_ERROR; /* from a newer build */
  return SW_STORE_OK;
}

/* Reads a row of SW_STORE_EVENT_COLUMNS into the struct sw_store_event
 * `item` (a sw__store_row_fn). */
static enum sw_store_error read_event(struct sw_store *st, sqlite3_stmt *stmt, void *item)
{
  struct sw_store_event *e = item;
  e->id = sqlite3_column_int64(stmt, 0);
  e->at_ms = sqlite3_column_int64(stmt, 1);
  e->event_id = (uint32_t)sqlite3_column_int64(stmt, 2);
  e->severity = severity_from_name(sw__store_text(stmt, 3));
  e->rule_id = sqlite3_column_int64(stmt, 4); /* NULL reads as 0 */
  const char *msg = sw__store_text(stmt, 5);
  e->message = malloc(strlen(msg) + 1);
  if (!e->message)
    return sw__store_error(st, SW_STORE_NOMEM, "reading event %lld: out of memory",
                           (long long)e->id);
  strcpy(e->message, msg);
  return SW_STORE_OK;
}

enum sw_store_error sw_store_state_load(struct sw_store *st,
                                        struct sw_store_state_list *out)
{
  const struct sw__store_list_query q = {
      .stmt = SW_STMT_STATE_SELECT_ALL,
      .item_size = sizeof *out->items,
      .read = read_state,
      .what = "reading rule states",
  };
  enum sw_store_error err;
  SW__STORE_READ_LIST(err, st, &q, out);
  return err;
}

enum sw_store_error sw_store_events_recent(struct sw_store *st, int64_t before_id,
                                           size_t limit, struct sw_store_event_list *out)
{
  out->items = NULL;
  out->count = 0;
  if (limit == 0)
    return SW_STORE_OK;
  const struct sw__store_list_query q = {
      .stmt = SW_STMT_EVENT_RECENT,
      .params = {before_id > 0 ? before_id : INT64_MAX,
                 limit > INT32_MAX ? INT32_MAX : (int64_t)limit},
      .param_count = 2,
      .item_size = sizeof *out->items,
      .read = read_event,
      .free_item = free_event_item,
      .what = "reading events",
  };
  enum sw_store_error err;
  SW__STORE_READ_LIST(err, st, &q, out);
  return err;
}
