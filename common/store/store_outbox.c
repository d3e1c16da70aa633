/* The outbox: every notification is committed, together with the rule's
 * alert track, before it is attempted (sw_store_outbox_enqueue_with_track),
 * so a kill between the decision and the attempt loses nothing and repeats
 * nothing; the sender takes what is due, records each attempt, and the
 * row ends sent or given up. Old finished rows are pruned in bounded
 * steps; pending ones never are. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {SW_OUTBOX_STATUS_MAP(SW_X_2)};

const char *sw_outbox_status_name(enum sw_outbox_status s)
{
  return SW_TABLE_AT(status_names, s, "unknown");
}

static enum sw_outbox_status status_from_name(const char *name)
{
  for (int i = 0; i < SW_OUTBOX_STATUS_COUNT; i++)
    if (strcmp(name, status_names[i]) == 0)
      return (enum sw_outbox_status)i;
  return SW_OUTBOX_FAILED; /* unknown: never attempted again */
}

static enum sw_alert_kind kind_from_name(const char *name)
{
  for (int i = 0; i < SW_ALERT_KIND_COUNT; i++)
    if (strcmp(name, sw_alert_kind_name((enum sw_alert_kind)i)) == 0)
      return (enum sw_alert_kind)i;
  return SW_ALERT_PROBLEM; /* unknown: tell it as a problem rather than drop it */
}

static const char *or_empty(const char *s)
{
  return s ? s : "";
}

/* ---- reading ---- */

static void free_notification(struct sw_store_notification *n)
{
  free(n->uid);
  free(n->rule_name);
  free(n->host);
  free(n->message);
  free(n->last_error);
  memset(n, 0, sizeof *n);
}

/* A sw__store_item_free_fn. */
static void free_notification_item(void *item)
{
  free_notification(item);
}

void sw_store_notification_list_free(struct sw_store_notification_list *l)
{
  SW__STORE_LIST_FREE(l, free_notification_item);
}

/* Reads a row of SW_STORE_OUTBOX_COLUMNS into the struct
 * sw_store_notification `item`, which owns nothing (a sw__store_row_fn). */
static enum sw_store_error read_notification(struct sw_store *st, sqlite3_stmt *stmt,
                                             void *item)
{
  struct sw_store_notification *n = item;
  memset(n, 0, sizeof *n);
  n->id = sqlite3_column_int64(stmt, 0);
  n->rule_id = sqlite3_column_int64(stmt, 2);
  n->notifier_id = sqlite3_column_int64(stmt, 3);
  n->kind = kind_from_name(sw__store_text(stmt, 4));
  n->state = sw__store_status_from_name(sw__store_text(stmt, 5));
  n->previous = sw__store_status_from_name(sw__store_text(stmt, 6));
  if (!sw_outcome_from_name(sw__store_text(stmt, 7), &n->outcome))
    n->outcome = SW_OUTCOME_INTERNAL_ERROR;
  n->port = (uint16_t)sqlite3_column_int(stmt, 10);
  n->reply_code = sqlite3_column_int(stmt, 12);
  n->response_ms = sqlite3_column_int64(stmt, 13);
  n->since_s = sqlite3_column_int64(stmt, 14);
  n->created_at_ms = sqlite3_column_int64(stmt, 15);
  n->next_attempt_at_ms = sqlite3_column_int64(stmt, 16);
  n->attempts = (uint32_t)sqlite3_column_int64(stmt, 17);
  n->status = status_from_name(sw__store_text(stmt, 18));
  if (sw__store_dup_text(stmt, 1, &n->uid) ||
      sw__store_dup_text(stmt, 8, &n->rule_name) ||
      sw__store_dup_text(stmt, 9, &n->host) ||
      sw__store_dup_text(stmt, 11, &n->message) ||
      sw__store_dup_text(stmt, 19, &n->last_error)) {
    int64_t id = n->id;
    free_notification(n);
    return sw__store_error(st, SW_STORE_NOMEM, "reading notification %lld: out of memory",
                           (long long)id);
  }
  return SW_STORE_OK;
}

/* A page of notifications through statement `which` with ?1 and ?2. */
static enum sw_store_error read_page(struct sw_store *st, enum sw_store_stmt which,
                                     int64_t param, size_t limit, const char *what,
                                     struct sw_store_notification_list *out)
{
  out->items = NULL;
  out->count = 0;
  if (limit == 0)
    return SW_STORE_OK;
  const struct sw__store_list_query q = {
      .stmt = which,
      .params = {param, limit > INT32_MAX ? INT32_MAX : (int64_t)limit},
      .param_count = 2,
      .item_size = sizeof *out->items,
      .read = read_notification,
      .free_item = free_notification_item,
      .what = what,
  };
  enum sw_store_error err;
  SW__STORE_READ_LIST(err, st, &q, out);
  return err;
}

enum sw_store_error sw_store_outbox_due(struct sw_store *st, int64_t now_ms, size_t limit,
                                        struct sw_store_notification_list *out)
{
  return read_page(st, SW_STMT_OUTBOX_DUE, now_ms, limit,
                   "reading the notifications that are due", out);
}

enum sw_store_error sw_store_outbox_recent(struct sw_store *st, int64_t before_id,
                                           size_t limit,
                                           struct sw_store_notification_list *out)
{
  return read_page(st, SW_STMT_OUTBOX_RECENT, before_id, limit,
                   "listing the notifications", out);
}

enum sw_store_error sw_store_outbox_pending(struct sw_store *st, int64_t *count)
{
  static const char what[] = "counting the pending notifications";
  *count = 0;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_OUTBOX_PENDING_COUNT, &stmt, what);
  if (err)
    return err;
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW)
    *count = sqlite3_column_int64(stmt, 0);
  sqlite3_reset(stmt);
  return rc == SQLITE_ROW ? SW_STORE_OK : sw__store_fail(st, rc, what);
}

/* ---- enqueueing ---- */

/* INVALID_INPUT unless `uid` is a notification id (store_alerts.h). */
static enum sw_store_error check_uid(struct sw_store *st, const char *uid,
                                     const char *what)
{
  size_t len = strlen(or_empty(uid));
  bool ok = len >= 1 && len <= SW_STORE_NOTIFICATION_ID_MAX &&
            strspn(uid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                        "0123456789._-") == len;
  if (ok)
    return SW_STORE_OK;
  return sw__store_error(st, SW_STORE_INVALID_INPUT,
                         "%s: a notification id is 1 to %d letters, digits, '.', '_' or "
                         "'-'",
                         what, SW_STORE_NOTIFICATION_ID_MAX);
}

struct enqueue {
  char what[80];
  int64_t rule_id, now_ms;
  const struct sw_alert_track *track;
  const struct sw_store_notification *items;
  size_t count;
};

/* Binds ?1..?15 of OUTBOX_INSERT for notification `n` of rule q->rule_id. */
static void bind_notification(sqlite3_stmt *stmt, const struct enqueue *q,
                              const struct sw_store_notification *n)
{
  sqlite3_bind_text(stmt, 1, n->uid, -1, SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 2, q->rule_id);
  sqlite3_bind_int64(stmt, 3, n->notifier_id);
  sqlite3_bind_text(stmt, 4, sw_alert_kind_name(n->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 5, sw_nagios_status_name(n->state), -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 6, sw_nagios_status_name(n->previous), -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 7, sw_outcome_name(n->outcome), -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 8, or_empty(n->rule_name), -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 9, or_empty(n->host), -1, SQLITE_STATIC);
  sqlite3_bind_int(stmt, 10, n->port);
  sqlite3_bind_text(stmt, 11, or_empty(n->message), -1, SQLITE_STATIC);
  sqlite3_bind_int(stmt, 12, n->reply_code);
  sqlite3_bind_int64(stmt, 13, n->response_ms);
  sqlite3_bind_int64(stmt, 14, n->since_s);
  sqlite3_bind_int64(stmt, 15, q->now_ms);
}

/* Inserts one notification inside the enqueue's transaction. */
static enum sw_store_error insert_notification(struct sw_store *st,
                                               const struct enqueue *q,
                                               const struct sw_store_notification *n)
{
  char missing[80];
  snprintf(missing, sizeof missing, "notifier %lld does not exist",
           (long long)n->notifier_id);
  enum sw_store_error err =
      sw__store_must_exist(st, SW_STMT_NOTIFIER_EXISTS, n->notifier_id, q->what, missing);
  sqlite3_stmt *stmt;
  if (!err)
    err = sw__store_stmt(st, SW_STMT_OUTBOX_UID_USED, &stmt, q->what);
  if (err)
    return err;
  sqlite3_bind_text(stmt, 1, n->uid, -1, SQLITE_STATIC);
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc == SQLITE_ROW)
    return sw__store_error(st, SW_STORE_INVALID_INPUT,
                           "%s: notification %s is already in the outbox", q->what,
                           n->uid);
  if (rc != SQLITE_DONE)
    return sw__store_fail(st, rc, q->what);
  err = sw__store_stmt(st, SW_STMT_OUTBOX_INSERT, &stmt, q->what);
  if (err)
    return err;
  bind_notification(stmt, q, n);
  return sw__store_run(st, stmt, q->what);
}

static enum sw_store_error enqueue(struct sw_store *st, void *ctx)
{
  const struct enqueue *q = ctx;
  enum sw_store_error err = sw__store_upsert_track(st, q->rule_id, q->track, q->what);
  for (size_t i = 0; !err && i < q->count; i++)
    err = insert_notification(st, q, &q->items[i]);
  return err;
}

enum sw_store_error sw_store_outbox_enqueue_with_track(
    struct sw_store *st, int64_t rule_id, const struct sw_alert_track *track,
    const struct sw_store_notification *items, size_t count, int64_t now_ms)
{
  struct enqueue q = {.rule_id = rule_id,
                      .now_ms = now_ms,
                      .track = track,
                      .items = items,
                      .count = count};
  snprintf(q.what, sizeof q.what, "queueing the notifications of rule %lld",
           (long long)rule_id);
  if (!track || (count && !items))
    return sw__store_error(st, SW_STORE_INVALID_ARGUMENT, "%s: NULL track or array",
                           q.what);
  for (size_t i = 0; i < count; i++) {
    enum sw_store_error err = check_uid(st, items[i].uid, q.what);
    if (err)
      return err;
  }
  return sw__store_transaction(st, q.what, enqueue, &q);
}

/* ---- attempts ---- */

/* The length of the longest prefix of s[0..len) of at most `max` bytes
 * that does not cut a UTF-8 sequence. */
static size_t utf8_prefix(const char *s, size_t len, size_t max)
{
  if (len <= max)
    return len;
  while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
    max--; /* s[max] continues a sequence: cut before its lead byte */
  return max;
}

static void bind_cut(sqlite3_stmt *stmt, int i, const char *s, size_t max)
{
  s = or_empty(s);
  sqlite3_bind_text(stmt, i, s, (int)utf8_prefix(s, strlen(s), max), SQLITE_STATIC);
}

struct attempt_write {
  char what[80];
  const struct sw_store_attempt *a;
};

/* NOT_FOUND or INVALID_INPUT unless notification a->outbox_id is pending. */
static enum sw_store_error check_pending(struct sw_store *st,
                                         const struct attempt_write *w)
{
  struct sw_store_notification n;
  enum sw_store_error err =
      sw__store_read_row(st, SW_STMT_OUTBOX_SELECT, w->a->outbox_id, read_notification,
                         &n, w->what, "it is not in the outbox");
  if (err)
    return err;
  enum sw_outbox_status status = n.status;
  free_notification(&n);
  if (status != SW_OUTBOX_PENDING)
    return sw__store_error(st, SW_STORE_INVALID_INPUT,
                           "%s: it is %s already, not pending", w->what,
                           sw_outbox_status_name(status));
  return SW_STORE_OK;
}

static enum sw_store_error write_attempt(struct sw_store *st, void *ctx)
{
  const struct attempt_write *w = ctx;
  const struct sw_store_attempt *a = w->a;
  bool ok = a->then == SW_OUTBOX_SENT;
  sqlite3_stmt *stmt;
  enum sw_store_error err = check_pending(st, w);
  if (!err)
    err = sw__store_stmt(st, SW_STMT_ATTEMPT_INSERT, &stmt, w->what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, a->outbox_id);
  sqlite3_bind_int64(stmt, 2, a->at_ms);
  sqlite3_bind_int(stmt, 3, ok);
  bind_cut(stmt, 4, ok ? "" : a->error, SW_STORE_OUTBOX_ERROR_MAX);
  if (a->ran_program)
    sqlite3_bind_int(stmt, 5, a->exit_code);
  bind_cut(stmt, 6, a->ran_program ? a->output : "", SW_STORE_OUTBOX_OUTPUT_MAX);
  err = sw__store_run(st, stmt, w->what);
  if (!err)
    err = sw__store_stmt(st, SW_STMT_OUTBOX_AFTER_ATTEMPT, &stmt, w->what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, a->outbox_id);
  sqlite3_bind_text(stmt, 2, sw_outbox_status_name(a->then), -1, SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 3, a->then == SW_OUTBOX_PENDING ? a->next_attempt_at_ms : 0);
  bind_cut(stmt, 4, ok ? "" : a->error, SW_STORE_OUTBOX_ERROR_MAX);
  sqlite3_bind_int64(stmt, 5, a->at_ms);
  return sw__store_run(st, stmt, w->what);
}

enum sw_store_error sw_store_outbox_record_attempt(struct sw_store *st,
                                                   const struct sw_store_attempt *a)
{
  struct attempt_write w = {.a = a};
  snprintf(w.what, sizeof w.what, "recording an attempt at notification %lld",
           (long long)a->outbox_id);
  if ((unsigned)a->then >= SW_OUTBOX_STATUS_COUNT)
    return sw__store_error(st, SW_STORE_INVALID_ARGUMENT, "%s: unknown status", w.what);
  return sw__store_transaction(st, w.what, write_attempt, &w);
}

/* A sw__store_item_free_fn. */
static void free_attempt_item(void *item)
{
  struct sw_store_attempt_row *r = item;
  free(r->error);
  free(r->output);
}

void sw_store_attempt_list_free(struct sw_store_attempt_list *l)
{
  SW__STORE_LIST_FREE(l, free_attempt_item);
}

/* Reads a row of SW_STMT_ATTEMPTS_OF (a sw__store_row_fn). */
static enum sw_store_error read_attempt(struct sw_store *st, sqlite3_stmt *stmt,
                                        void *item)
{
  struct sw_store_attempt_row *r = item;
  r->id = sqlite3_column_int64(stmt, 0);
  r->at_ms = sqlite3_column_int64(stmt, 1);
  r->ok = sqlite3_column_int(stmt, 2) != 0;
  r->ran_program = sqlite3_column_type(stmt, 4) != SQLITE_NULL;
  r->exit_code = sqlite3_column_int(stmt, 4);
  if (sw__store_dup_text(stmt, 3, &r->error) || sw__store_dup_text(stmt, 5, &r->output)) {
    free_attempt_item(r);
    return sw__store_error(st, SW_STORE_NOMEM, "reading attempt %lld: out of memory",
                           (long long)r->id);
  }
  return SW_STORE_OK;
}

enum sw_store_error sw_store_outbox_attempts(struct sw_store *st, int64_t outbox_id,
                                             struct sw_store_attempt_list *out)
{
  const struct sw__store_list_query q = {
      .stmt = SW_STMT_ATTEMPTS_OF,
      .params = {outbox_id},
      .param_count = 1,
      .item_size = sizeof *out->items,
      .read = read_attempt,
      .free_item = free_attempt_item,
      .what = "reading the attempts at a notification",
  };
  enum sw_store_error err;
  SW__STORE_READ_LIST(err, st, &q, out);
  return err;
}

/* ---- pruning ---- */

struct prune {
  int64_t cutoff_ms;
  size_t limit, deleted;
};

static enum sw_store_error delete_finished(struct sw_store *st, void *ctx)
{
  static const char what[] = "deleting old notifications";
  struct prune *p = ctx;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_OUTBOX_PRUNE, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, p->cutoff_ms);
  sqlite3_bind_int64(stmt, 2, (sqlite3_int64)p->limit);
  err = sw__store_run(st, stmt, what);
  if (!err)
    p->deleted = (size_t)sqlite3_changes(st->db);
  return err;
}

enum sw_store_error sw_store_outbox_prune_step(struct sw_store *st, int64_t cutoff_ms,
                                               size_t max_rows, size_t *deleted,
                                               bool *more)
{
  static const char what[] = "deleting old notifications";
  if (deleted)
    *deleted = 0;
  if (more)
    *more = false;
  if (max_rows == 0 || max_rows > INT32_MAX)
    return sw__store_error(st, SW_STORE_INVALID_ARGUMENT, "%s: batch size out of range",
                           what);
  struct prune p = {.cutoff_ms = cutoff_ms, .limit = max_rows};
  enum sw_store_error err = sw__store_transaction(st, what, delete_finished, &p);
  if (err)
    return err;
  if (deleted)
    *deleted = p.deleted;
  int64_t left = 0;
  if (more) {
    err = sw__store_read_row(st, SW_STMT_OUTBOX_PRUNE_MORE, cutoff_ms,
                             sw__store_read_int64, &left, what, "no answer");
    *more = !err && left != 0;
  }
  return err;
}
