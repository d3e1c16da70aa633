/* Notifiers: added and changed only when sw_notifier_validate accepts them,
 * unique by name (ASCII case ignored), listed without their secrets, and
 * the secret read on its own. A notifier keeps only its own kind's
 * settings: switching a notifier from e-mail to webhook leaves no stale
 * relay list behind. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *or_empty(const char *s)
{
  return s ? s : "";
}

void sw_store_notifier_free(struct sw_store_notifier *n)
{
  char **strings[] = {&n->name,      &n->to,        &n->relays,       &n->from,
                      &n->auth_user, &n->url_shown, &n->command_line, &n->service_name};
  for (size_t i = 0; i < SW_COUNTOF(strings); i++)
    free(*strings[i]);
  memset(n, 0, sizeof *n);
}

/* A sw__store_item_free_fn. */
static void free_notifier_item(void *item)
{
  sw_store_notifier_free(item);
}

void sw_store_notifier_list_free(struct sw_store_notifier_list *l)
{
  SW__STORE_LIST_FREE(l, free_notifier_item);
}

/* Reads a row of SW_STORE_NOTIFIER_COLUMNS into the struct
 * sw_store_notifier `item`, which owns nothing (a sw__store_row_fn). */
static enum sw_store_error read_notifier(struct sw_store *st, sqlite3_stmt *stmt,
                                         void *item)
{
  struct sw_store_notifier *n = item;
  memset(n, 0, sizeof *n);
  n->id = sqlite3_column_int64(stmt, 0);
  /* Names this build does not know come only from a newer build on the
   * same schema: an unknown kind reads as SW_NOTIFIER_KIND_COUNT, which
   * no sender takes (the attempt fails with a sentence rather than going
   * elsewhere); an unknown TLS mode as the strictest, an unknown format
   * as generic. */
  if (!sw_notifier_kind_from_name(sw__store_text(stmt, 2), &n->kind))
    n->kind = SW_NOTIFIER_KIND_COUNT;
  n->is_default = sqlite3_column_int(stmt, 3) != 0;
  if (!sw_tls_mode_from_name(sw__store_text(stmt, 7), &n->tls_mode))
    n->tls_mode = SW_TLS_REQUIRE_STARTTLS;
  if (!sw_webhook_format_from_name(sw__store_text(stmt, 9), &n->format))
    n->format = SW_WEBHOOK_GENERIC;
  n->timeout_s = (uint32_t)sqlite3_column_int64(stmt, 12);
  n->has_secret = sqlite3_column_int(stmt, 14) != 0;
  n->revision = sqlite3_column_int64(stmt, 15);
  n->created_at_ms = sqlite3_column_int64(stmt, 16);
  n->updated_at_ms = sqlite3_column_int64(stmt, 17);
  if (sw__store_dup_text(stmt, 1, &n->name) || sw__store_dup_text(stmt, 4, &n->to) ||
      sw__store_dup_text(stmt, 5, &n->relays) || sw__store_dup_text(stmt, 6, &n->from) ||
      sw__store_dup_text(stmt, 8, &n->auth_user) ||
      sw__store_dup_text(stmt, 10, &n->url_shown) ||
      sw__store_dup_text(stmt, 11, &n->command_line) ||
      sw__store_dup_text(stmt, 13, &n->service_name)) {
    int64_t id = n->id;
    sw_store_notifier_free(n);
    return sw__store_error(st, SW_STORE_NOMEM, "reading notifier %lld: out of memory",
                           (long long)id);
  }
  return SW_STORE_OK;
}

/* What is written: the input with only its kind's fields, the shown form
 * of a webhook's URL, and the time. */
struct notifier_write {
  const char *what;
  const struct sw_store_notifier_input *in;
  char url_shown[SW_WEBHOOK_URL_MAX + 1];
  int64_t id, now_ms;
};

/* Validates w->in with sw_notifier_validate; INVALID_INPUT with its
 * sentence. Fills w->url_shown. */
static enum sw_store_error validate(struct sw_store *st, struct notifier_write *w)
{
  const struct sw_store_notifier_input *in = w->in;
  char why[SW_NOTIFIER_PROBLEM_MAX] = "";
  bool ok = true;
  if (in->secret_len > SW_STORE_SECRET_MAX || (in->secret_len && !in->secret))
    return sw__store_error(st, SW_STORE_INVALID_INPUT,
                           "%s: the secret is larger than %d bytes or missing", w->what,
                           SW_STORE_SECRET_MAX);
  if (in->kind == SW_NOTIFIER_WEBHOOK && in->secret_len == 0)
    return sw__store_error(st, SW_STORE_INVALID_INPUT,
                           "%s: a webhook notifier needs its URL stored as its secret",
                           w->what);
  char *to_text = malloc(strlen(or_empty(in->to)) + 1);
  if (!to_text)
    return sw__store_error(st, SW_STORE_NOMEM, "%s: out of memory", w->what);
  strcpy(to_text, or_empty(in->to));
  const char *to[SW_NOTIFIER_TO_MAX];
  struct sw_relay relays[SW_NOTIFIER_RELAYS_MAX];
  struct sw_notifier n = {
      .name = or_empty(in->name),
      .kind = in->kind,
      .to = to,
      .relays = relays,
      .from = or_empty(in->from),
      .tls_mode = in->tls_mode,
      .auth_user = or_empty(in->auth_user),
      .has_auth_password = in->secret_len > 0,
      .url = or_empty(in->url),
      .format = in->format,
      .command_line = or_empty(in->command_line),
      .timeout_s = in->timeout_s,
      .service_name = or_empty(in->service_name),
  };
  if (in->kind == SW_NOTIFIER_EMAIL)
    ok = sw_mail_to_list_split(to_text, to, SW_COUNTOF(to), &n.to_count, why,
                               sizeof why) &&
         sw_relay_list_parse(or_empty(in->relays), relays, SW_COUNTOF(relays),
                             &n.relay_count, why, sizeof why);
  if (ok && in->kind == SW_NOTIFIER_WEBHOOK &&
      (unsigned)in->format >= SW_WEBHOOK_FORMAT_COUNT) {
    ok = false;
    snprintf(why, sizeof why, "Unknown webhook format.");
  }
  ok = ok && sw_notifier_validate(&n, why, sizeof why);
  free(to_text);
  if (!ok)
    return sw__store_error(st, SW_STORE_INVALID_INPUT, "%s: %s", w->what, why);
  w->url_shown[0] = '\0';
  if (in->kind == SW_NOTIFIER_WEBHOOK)
    sw_webhook_url_shown(in->url, w->url_shown, sizeof w->url_shown);
  return SW_STORE_OK;
}

/* NAME_TAKEN if another notifier than w->id (0 for a new one) has the name. */
static enum sw_store_error check_name_free(struct sw_store *st,
                                           const struct notifier_write *w)
{
  sqlite3_stmt *stmt;
  enum sw_store_error err =
      sw__store_stmt(st, SW_STMT_NOTIFIER_NAME_USED, &stmt, w->what);
  if (err)
    return err;
  sqlite3_bind_text(stmt, 1, w->in->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 2, w->id);
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc == SQLITE_ROW)
    return sw__store_error(st, SW_STORE_NAME_TAKEN,
                           "%s: a notifier named \"%s\" already exists", w->what,
                           w->in->name);
  return rc == SQLITE_DONE ? SW_STORE_OK : sw__store_fail(st, rc, w->what);
}

/* Binds ?1..?15 of NOTIFIER_INSERT and NOTIFIER_UPDATE: the kind's own
 * fields, "" (or the column's default) for the others. */
static void bind_notifier(sqlite3_stmt *stmt, const struct notifier_write *w)
{
  const struct sw_store_notifier_input *in = w->in;
  bool email = in->kind == SW_NOTIFIER_EMAIL, webhook = in->kind == SW_NOTIFIER_WEBHOOK;
  sqlite3_bind_text(stmt, 1, in->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 2, sw_notifier_kind_name(in->kind), -1, SQLITE_STATIC);
  sqlite3_bind_int(stmt, 3, in->is_default);
  sqlite3_bind_text(stmt, 4, email ? or_empty(in->to) : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 5, email ? or_empty(in->relays) : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 6, email ? or_empty(in->from) : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 7, sw_tls_mode_name(email ? in->tls_mode : SW_TLS_NONE), -1,
                    SQLITE_STATIC);
  sqlite3_bind_text(stmt, 8, email ? or_empty(in->auth_user) : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 9,
                    sw_webhook_format_name(webhook ? in->format : SW_WEBHOOK_GENERIC), -1,
                    SQLITE_STATIC);
  sqlite3_bind_text(stmt, 10, w->url_shown, -1, SQLITE_STATIC);
  bool program = in->kind == SW_NOTIFIER_PROGRAM;
  sqlite3_bind_text(stmt, 11, program ? or_empty(in->command_line) : "", -1,
                    SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 12, program ? in->timeout_s : 0);
  sqlite3_bind_text(
      stmt, 13, in->kind == SW_NOTIFIER_RESTART_SERVICE ? or_empty(in->service_name) : "",
      -1, SQLITE_STATIC);
  /* Only a webhook (its URL) and e-mail with AUTH (the password) have a
   * secret; another kind's is not kept. */
  bool has_secret = webhook || (email && or_empty(in->auth_user)[0]);
  if (has_secret && in->secret_len)
    sqlite3_bind_blob(stmt, 14, in->secret, (int)in->secret_len, SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 15, w->now_ms);
}

/* Adds the notifier (w->id 0) or replaces notifier w->id. */
static enum sw_store_error write_notifier(struct sw_store *st, void *ctx)
{
  struct notifier_write *w = ctx;
  bool update = w->id != 0;
  /* Gone is the answer before any other, even if the name is taken. */
  enum sw_store_error err = update
                                ? sw__store_must_exist(st, SW_STMT_NOTIFIER_EXISTS, w->id,
                                                       w->what, "it does not exist")
                                : SW_STORE_OK;
  if (!err)
    err = check_name_free(st, w);
  sqlite3_stmt *stmt;
  if (!err)
    err = sw__store_stmt(st, update ? SW_STMT_NOTIFIER_UPDATE : SW_STMT_NOTIFIER_INSERT,
                         &stmt, w->what);
  if (err)
    return err;
  bind_notifier(stmt, w);
  if (update)
    sqlite3_bind_int64(stmt, 16, w->id);
  err = sw__store_run(st, stmt, w->what);
  if (!err && !update)
    w->id = sqlite3_last_insert_rowid(st->db);
  return err;
}

/* Validates `in` and writes it as notifier `id` (0: a new one, whose id
 * goes to *id_out). The write's state is on the heap: the shown URL alone
 * is 2 KiB. */
static enum sw_store_error store_notifier(struct sw_store *st, int64_t id,
                                          const struct sw_store_notifier_input *in,
                                          int64_t now_ms, const char *what,
                                          int64_t *id_out)
{
  struct notifier_write *w = calloc(1, sizeof *w);
  if (!w)
    return sw__store_error(st, SW_STORE_NOMEM, "%s: out of memory", what);
  *w = (struct notifier_write){.what = what, .in = in, .id = id, .now_ms = now_ms};
  enum sw_store_error err = validate(st, w);
  if (!err)
    err = sw__store_transaction(st, what, write_notifier, w);
  if (!err && id_out)
    *id_out = w->id;
  free(w);
  return err;
}

enum sw_store_error sw_store_notifier_add(struct sw_store *st,
                                          const struct sw_store_notifier_input *in,
                                          int64_t now_ms, int64_t *id_out)
{
  if (id_out)
    *id_out = 0;
  return store_notifier(st, 0, in, now_ms, "adding a notifier", id_out);
}

enum sw_store_error sw_store_notifier_update(struct sw_store *st, int64_t id,
                                             const struct sw_store_notifier_input *in,
                                             int64_t now_ms)
{
  char what[64];
  snprintf(what, sizeof what, "changing notifier %lld", (long long)id);
  if (id <= 0)
    return sw__store_error(st, SW_STORE_NOT_FOUND, "%s: it does not exist", what);
  return store_notifier(st, id, in, now_ms, what, NULL);
}

enum sw_store_error sw_store_notifier_delete(struct sw_store *st, int64_t id)
{
  char what[64];
  snprintf(what, sizeof what, "deleting notifier %lld", (long long)id);
  /* rule_notifiers and outbox rows go with it: ON DELETE CASCADE. */
  return sw__store_delete_by_id(st, SW_STMT_NOTIFIER_DELETE, id, what);
}

enum sw_store_error sw_store_notifier_get(struct sw_store *st, int64_t id,
                                          struct sw_store_notifier *out)
{
  memset(out, 0, sizeof *out);
  return sw__store_read_by_id(st, SW_STMT_NOTIFIER_SELECT, id, read_notifier, out,
                              "reading notifier", "it does not exist");
}

enum sw_store_error sw_store_notifier_get_by_name(struct sw_store *st, const char *name,
                                                  struct sw_store_notifier *out)
{
  char missing[SW_NOTIFIER_NAME_MAX_CHARS * 4 + 64];
  snprintf(missing, sizeof missing, "there is no notifier named \"%s\"", or_empty(name));
  memset(out, 0, sizeof *out);
  return sw__store_read_row_text(st, SW_STMT_NOTIFIER_SELECT_BY_NAME, or_empty(name),
                                 read_notifier, out, "reading a notifier", missing);
}

enum sw_store_error sw_store_notifier_list(struct sw_store *st,
                                           struct sw_store_notifier_list *out)
{
  const struct sw__store_list_query q = {
      .stmt = SW_STMT_NOTIFIER_SELECT_ALL,
      .item_size = sizeof *out->items,
      .read = read_notifier,
      .free_item = free_notifier_item,
      .what = "listing the notifiers",
  };
  enum sw_store_error err;
  SW__STORE_READ_LIST(err, st, &q, out);
  return err;
}

/* The blob of SW_STMT_NOTIFIER_SECRET into the struct secret `item`. */
struct secret {
  void *data;
  size_t len;
};

static enum sw_store_error read_secret(struct sw_store *st, sqlite3_stmt *stmt,
                                       void *item)
{
  struct secret *s = item;
  const void *blob = sqlite3_column_blob(stmt, 0);
  int len = sqlite3_column_bytes(stmt, 0);
  if (!blob || len <= 0)
    return SW_STORE_OK;
  s->data = malloc((size_t)len);
  if (!s->data)
    return sw__store_error(st, SW_STORE_NOMEM,
                           "reading a notifier's secret: out of memory");
  memcpy(s->data, blob, (size_t)len);
  s->len = (size_t)len;
  return SW_STORE_OK;
}

enum sw_store_error sw_store_notifier_secret(struct sw_store *st, int64_t id, void **data,
                                             size_t *len)
{
  struct secret s = {0};
  enum sw_store_error err =
      sw__store_read_by_id(st, SW_STMT_NOTIFIER_SECRET, id, read_secret, &s,
                           "reading the secret of notifier", "it does not exist");
  *data = s.data;
  *len = s.len;
  return err;
}
