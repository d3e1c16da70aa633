/* Rules: add (validated), read, list, update only if nobody changed the rule
 * meanwhile (revision), enable/disable, delete with everything that refers
 * to the rule. Every write is one transaction. */
#include "store_internal.h"

#include "smtp_auth.h" /* sw_auth_wipe */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sw_store_blob_free(struct sw_store_blob *b)
{
  if (b->data)
    sw_auth_wipe(b->data, b->len);
  free(b->data);
  *b = (struct sw_store_blob){0};
}

void sw_store_rule_free(struct sw_store_rule *r)
{
  sw_rule_free(&r->rule);
  sw_store_blob_free(&r->auth_secret);
  sw_store_blob_free(&r->oauth_secret);
  sw_store_blob_free(&r->mailbox_secret);
  r->revision = 0;
  r->created_at_ms = 0;
  r->updated_at_ms = 0;
}

/* A sw__store_item_free_fn. */
static void free_rule_item(void *item)
{
  sw_store_rule_free(item);
}

void sw_store_rule_list_free(struct sw_store_rule_list *l)
{
  SW__STORE_LIST_FREE(l, free_rule_item);
}

/* The rule's fields are walked in SW_RULE_FIELD_MAP order, each with its
 * column in SW_STORE_RULE_COLUMNS, which is also its parameter in
 * RULE_INSERT and RULE_UPDATE: 1..13, then 17..30 (SW_STORE_RULE_PAST_
 * HANDSHAKE) past the revision and the times, then 48..52 (SW_STORE_RULE_
 * DOMAIN), then 35..45 (SW_STORE_RULE_ROUND_TRIP). The secrets are blobs
 * of their own (columns 31, 32 and 33), so their fields have no column. */
#define FIRST_COLUMN 1
#define PAST_HANDSHAKE_COLUMN 17
#define ROUND_TRIP_COLUMN 35
#define DOMAIN_COLUMN 48

/* column[f]: field f's column, 0 for a secret. */
static void rule_columns(int column[SW_RULE_FIELD_COUNT])
{
  int next = FIRST_COLUMN;
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++) {
    bool secret = sw_rule_field_kind((enum sw_rule_field)f) == SW_RULE_SECRET;
    column[f] = secret ? 0 : next;
    if (!secret)
      next = f == SW_RULE_FIELD_CERT_CRIT_DAYS ? PAST_HANDSHAKE_COLUMN
             : f == SW_RULE_FIELD_DRIFT        ? DOMAIN_COLUMN
             : f == SW_RULE_FIELD_DNS_SERVER   ? ROUND_TRIP_COLUMN
                                               : next + 1;
  }
}

/* Field `f` to parameter `column`; a string is borrowed until the statement
 * is reset. */
static void bind_field(sqlite3_stmt *stmt, int column, const struct sw_rule *r,
                       enum sw_rule_field f)
{
  enum sw_rule_kind kind = sw_rule_field_kind(f);
  if (kind == SW_RULE_TEXT || kind == SW_RULE_CHOICE) {
    const char *s = sw_rule_field_text(r, f);
    sqlite3_bind_text(stmt, column, s ? s : "", -1, SQLITE_STATIC);
  } else {
    sqlite3_bind_int64(stmt, column, sw_rule_field_number(r, f));
  }
}

/* One secret to ?given_param (whether it is written) and the next (the
 * blob, NULL to remove it). */
static void bind_secret(sqlite3_stmt *stmt, int given_param,
                        const struct sw_store_secret_write *w)
{
  sqlite3_bind_int(stmt, given_param, w->given);
  if (w->given && w->len)
    sqlite3_bind_blob(stmt, given_param + 1, w->data, (int)w->len, SQLITE_STATIC);
  else
    sqlite3_bind_null(stmt, given_param + 1);
}

/* Every field of the rule to its parameter of RULE_INSERT or RULE_UPDATE. */
static void bind_rule(sqlite3_stmt *stmt, const struct sw_rule *r)
{
  int column[SW_RULE_FIELD_COUNT];
  rule_columns(column);
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++)
    if (column[f])
      bind_field(stmt, column[f], r, (enum sw_rule_field)f);
}

/* Column i's blob into *b (nothing if NULL or empty). */
static bool read_blob(sqlite3_stmt *stmt, int i, struct sw_store_blob *b)
{
  const void *blob = sqlite3_column_blob(stmt, i);
  int len = sqlite3_column_bytes(stmt, i);
  if (!blob || len <= 0)
    return true;
  b->data = malloc((size_t)len);
  if (!b->data)
    return false;
  memcpy(b->data, blob, (size_t)len);
  b->len = (size_t)len;
  return true;
}

/* Field `f` from `column`; false if memory ran out. A name this build does
 * not know (a newer one wrote it) is left for the validator to refuse,
 * rather than guessed. */
static bool read_field(sqlite3_stmt *stmt, int column, struct sw_rule *r,
                       enum sw_rule_field f)
{
  switch (sw_rule_field_kind(f)) {
  case SW_RULE_TEXT:
    return !sw__store_dup_optional(stmt, column, sw_rule_field_text_slot(r, f));
  case SW_RULE_CHOICE:
    sw_rule_field_set_name(r, f, sw__store_text(stmt, column));
    return true;
  default:
    sw_rule_field_set_number(r, f, sqlite3_column_int64(stmt, column));
    return true;
  }
}

/* Reads a row of SW_STORE_RULE_COLUMNS into the struct sw_store_rule
 * `item`, which owns nothing (a sw__store_row_fn). */
static enum sw_store_error read_rule(struct sw_store *st, sqlite3_stmt *stmt, void *item)
{
  struct sw_store_rule *out = item;
  struct sw_rule *r = &out->rule;
  sw_rule_init_defaults(r);
  out->auth_secret = out->oauth_secret = out->mailbox_secret = (struct sw_store_blob){0};
  r->id = sqlite3_column_int64(stmt, 0);
  int column[SW_RULE_FIELD_COUNT];
  rule_columns(column);
  bool ok = true;
  for (int f = 0; f < SW_RULE_FIELD_COUNT && ok; f++)
    if (column[f])
      ok = read_field(stmt, column[f], r, (enum sw_rule_field)f);
  /* A TLS mode this build does not know (written by a newer one with the
   * same schema) becomes the strictest plain-SMTP-refusing mode: a rule that
   * wanted TLS must not pass silently without it. */
  if (r->tls_mode == SW_TLS_MODE_COUNT)
    r->tls_mode = SW_TLS_REQUIRE_STARTTLS;
  out->revision = sqlite3_column_int64(stmt, 14);
  out->created_at_ms = sqlite3_column_int64(stmt, 15);
  out->updated_at_ms = sqlite3_column_int64(stmt, 16);
  ok = ok && read_blob(stmt, 31, &out->auth_secret) &&
       read_blob(stmt, 32, &out->oauth_secret) &&
       read_blob(stmt, 33, &out->mailbox_secret);
  r->auth_password_set = out->auth_secret.len > 0;
  r->oauth_client_secret_set = out->oauth_secret.len > 0;
  r->mailbox_password_set = out->mailbox_secret.len > 0;
  if (ok)
    return SW_STORE_OK;
  sw_store_rule_free(out);
  return sw__store_error(st, SW_STORE_NOMEM, "reading rule %lld: out of memory",
                         (long long)r->id);
}

/* The validator's verdict, as a store error with the first problem in the
 * log message; the caller's `problems` get the whole list. */
static enum sw_store_error validate(struct sw_store *st, const struct sw_rule *r,
                                    struct sw_rule_problems *problems, const char *what)
{
  struct sw_rule_problems local;
  struct sw_rule_problems *p = problems ? problems : &local;
  if (sw_rule_validate(r, p))
    return SW_STORE_OK;
  return sw__store_error(st, SW_STORE_INVALID_RULE, "%s: %s", what, p->items[0].message);
}

/* A write to one rule, in and out: what the rule becomes (NULL when it is
 * only enabled, disabled or deleted), the revision the change was made to,
 * and the id and revision it has afterwards. */
struct rule_write {
  const char *what;
  const struct sw_rule *rule;
  const struct sw_store_rule_secrets *secrets; /* NULL: none given */
  int64_t id, now_ms, expected_revision, revision;
  bool enabled;
};

/* Statement `id` (RULE_INSERT or RULE_UPDATE) in *stmt with the rule and
 * the time of the change bound to ?1..?14. */
static enum sw_store_error prepare_rule_write(struct sw_store *st, enum sw_store_stmt id,
                                              const struct rule_write *w,
                                              sqlite3_stmt **stmt)
{
  enum sw_store_error err = sw__store_stmt(st, id, stmt, w->what);
  if (!err) {
    static const struct sw_store_rule_secrets none = {{0}, {0}, {0}};
    const struct sw_store_rule_secrets *sec = w->secrets ? w->secrets : &none;
    bind_rule(*stmt, w->rule);
    sqlite3_bind_int64(*stmt, 14, w->now_ms);
    bind_secret(*stmt, 31, &sec->auth);
    bind_secret(*stmt, 33, &sec->oauth);
    bind_secret(*stmt, 46, &sec->mailbox);
  }
  return err;
}

static enum sw_store_error insert_rule(struct sw_store *st, void *ctx)
{
  struct rule_write *w = ctx;
  sqlite3_stmt *stmt;
  enum sw_store_error err = prepare_rule_write(st, SW_STMT_RULE_INSERT, w, &stmt);
  if (err)
    return err;
  err = sw__store_run(st, stmt, w->what);
  if (!err)
    w->id = sqlite3_last_insert_rowid(st->db);
  return err;
}

/* Secrets the store refuses to keep: too large, or a length without data. */
static enum sw_store_error check_secrets(struct sw_store *st,
                                         const struct sw_store_rule_secrets *s,
                                         const char *what)
{
  const struct sw_store_secret_write *each[] = {s ? &s->auth : NULL, s ? &s->oauth : NULL,
                                                s ? &s->mailbox : NULL};
  for (size_t i = 0; i < SW_COUNTOF(each); i++)
    if (each[i] && each[i]->given &&
        (each[i]->len > SW_STORE_SECRET_MAX || (each[i]->len && !each[i]->data)))
      return sw__store_error(st, SW_STORE_INVALID_ARGUMENT,
                             "%s: a secret is larger than %d bytes or missing", what,
                             SW_STORE_SECRET_MAX);
  return SW_STORE_OK;
}

enum sw_store_error sw_store_rule_add(struct sw_store *st, const struct sw_rule *r,
                                      int64_t now_ms, struct sw_rule_problems *problems,
                                      int64_t *id_out)
{
  return sw_store_rule_add_with_secrets(st, r, NULL, now_ms, problems, id_out);
}

enum sw_store_error
sw_store_rule_add_with_secrets(struct sw_store *st, const struct sw_rule *r,
                               const struct sw_store_rule_secrets *secrets,
                               int64_t now_ms, struct sw_rule_problems *problems,
                               int64_t *id_out)
{
  struct rule_write w = {
      .what = "adding a rule", .rule = r, .secrets = secrets, .now_ms = now_ms};
  if (id_out)
    *id_out = 0;
  enum sw_store_error err = check_secrets(st, secrets, w.what);
  if (!err)
    err = validate(st, r, problems, w.what);
  if (!err)
    err = sw__store_transaction(st, w.what, insert_rule, &w);
  if (!err && id_out)
    *id_out = w.id;
  return err;
}

/* The current revision of rule `id` in *rev; NOT_FOUND if it is gone. */
static enum sw_store_error read_revision(struct sw_store *st, int64_t id, int64_t *rev,
                                         const char *what)
{
  char missing[64];
  snprintf(missing, sizeof missing, "rule %lld does not exist", (long long)id);
  return sw__store_read_row(st, SW_STMT_RULE_REVISION, id, sw__store_read_int64, rev,
                            what, missing);
}

static enum sw_store_error update_rule(struct sw_store *st, void *ctx)
{
  struct rule_write *w = ctx;
  sqlite3_stmt *stmt;
  enum sw_store_error err = prepare_rule_write(st, SW_STMT_RULE_UPDATE, w, &stmt);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 15, w->id);
  sqlite3_bind_int64(stmt, 16, w->expected_revision);
  err = sw__store_run(st, stmt, w->what);
  if (err || sqlite3_changes(st->db) != 0)
    return err;
  /* Either gone or changed by someone else: say which. */
  int64_t current = 0;
  err = read_revision(st, w->id, &current, w->what);
  if (!err)
    err = sw__store_error(st, SW_STORE_STALE,
                          "%s: it is at revision %lld, the change was made to %lld",
                          w->what, (long long)current, (long long)w->expected_revision);
  return err;
}

enum sw_store_error sw_store_rule_update(struct sw_store *st, const struct sw_rule *r,
                                         int64_t expected_revision, int64_t now_ms,
                                         struct sw_rule_problems *problems,
                                         int64_t *revision_out)
{
  return sw_store_rule_update_with_secrets(st, r, NULL, expected_revision, now_ms,
                                           problems, revision_out);
}

enum sw_store_error sw_store_rule_update_with_secrets(
    struct sw_store *st, const struct sw_rule *r,
    const struct sw_store_rule_secrets *secrets, int64_t expected_revision,
    int64_t now_ms, struct sw_rule_problems *problems, int64_t *revision_out)
{
  char what[64];
  snprintf(what, sizeof what, "changing rule %lld", (long long)r->id);
  struct rule_write w = {.what = what,
                         .rule = r,
                         .secrets = secrets,
                         .id = r->id,
                         .now_ms = now_ms,
                         .expected_revision = expected_revision};
  if (revision_out)
    *revision_out = 0;
  enum sw_store_error err = check_secrets(st, secrets, what);
  if (!err)
    err = validate(st, r, problems, what);
  if (!err)
    err = sw__store_transaction(st, what, update_rule, &w);
  if (!err && revision_out)
    *revision_out = expected_revision + 1;
  return err;
}

static enum sw_store_error set_rule_enabled(struct sw_store *st, void *ctx)
{
  struct rule_write *w = ctx;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_RULE_SET_ENABLED, &stmt, w->what);
  if (err)
    return err;
  sqlite3_bind_int(stmt, 1, w->enabled);
  sqlite3_bind_int64(stmt, 2, w->now_ms);
  sqlite3_bind_int64(stmt, 3, w->id);
  err = sw__store_run_one(st, stmt, w->what);
  return err ? err : read_revision(st, w->id, &w->revision, w->what);
}

enum sw_store_error sw_store_rule_set_enabled(struct sw_store *st, int64_t id,
                                              bool enabled, int64_t now_ms,
                                              int64_t *revision_out)
{
  char what[64];
  snprintf(what, sizeof what, "%s rule %lld", enabled ? "enabling" : "disabling",
           (long long)id);
  struct rule_write w = {.what = what, .id = id, .now_ms = now_ms, .enabled = enabled};
  if (revision_out)
    *revision_out = 0;
  enum sw_store_error err = sw__store_transaction(st, what, set_rule_enabled, &w);
  if (!err && revision_out)
    *revision_out = w.revision;
  return err;
}

enum sw_store_error sw_store_rule_delete(struct sw_store *st, int64_t id)
{
  char what[64];
  snprintf(what, sizeof what, "deleting rule %lld", (long long)id);
  /* Results, state, events and alert rows go with it: ON DELETE CASCADE. */
  return sw__store_delete_by_id(st, SW_STMT_RULE_DELETE, id, what);
}

enum sw_store_error sw_store_rule_get(struct sw_store *st, int64_t id,
                                      struct sw_store_rule *out)
{
  memset(out, 0, sizeof *out);
  sw_rule_init_defaults(&out->rule);
  return sw__store_read_by_id(st, SW_STMT_RULE_SELECT, id, read_rule, out, "reading rule",
                              "it does not exist");
}

enum sw_store_error sw_store_rule_list(struct sw_store *st,
                                       struct sw_store_rule_list *out)
{
  const struct sw__store_list_query q = {
      .stmt = SW_STMT_RULE_SELECT_ALL,
      .item_size = sizeof *out->items,
      .read = read_rule,
      .free_item = free_rule_item,
      .what = "listing the rules",
  };
  enum sw_store_error err;
  SW__STORE_READ_LIST(err, st, &q, out);
  return err;
}

/* What sw_store_rules_import carries out. */
struct import_work {
  const struct sw_store_import_op *ops;
  size_t n, at; /* at: the op being carried out */
  int64_t now_ms;
};

static enum sw_store_error delete_rule_in_tx(struct sw_store *st, int64_t id)
{
  char what[64];
  snprintf(what, sizeof what, "deleting rule %lld", (long long)id);
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_RULE_DELETE, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, id);
  return sw__store_run_one(st, stmt, what);
}

static enum sw_store_error import_ops(struct sw_store *st, void *ctx)
{
  struct import_work *w = ctx;
  enum sw_store_error err = SW_STORE_OK;
  for (w->at = 0; !err && w->at < w->n; w->at++) {
    const struct sw_store_import_op *op = &w->ops[w->at];
    char what[64];
    snprintf(what, sizeof what, "importing rule %lld",
             (long long)(op->rule ? op->rule->id : op->id));
    struct rule_write rw = {.what = what,
                            .rule = op->rule,
                            .secrets = op->secrets,
                            .id = op->rule ? op->rule->id : op->id,
                            .now_ms = w->now_ms,
                            .expected_revision = op->expected_revision};
    if (op->kind == SW_STORE_IMPORT_ADD)
      err = insert_rule(st, &rw);
    else if (op->kind == SW_STORE_IMPORT_UPDATE)
      err = update_rule(st, &rw);
    else
      err = delete_rule_in_tx(st, op->id);
  }
  if (err)
    w->at--; /* the loop moved past the op that failed */
  return err;
}

enum sw_store_error
sw_store_rules_import(struct sw_store *st, const struct sw_store_import_op *ops, size_t n,
                      int64_t now_ms, struct sw_rule_problems *problems, size_t *failed)
{
  enum sw_store_error err = SW_STORE_OK;
  size_t i = 0;
  for (; !err && i < n; i++)
    if (ops[i].kind != SW_STORE_IMPORT_DELETE) {
      err = check_secrets(st, ops[i].secrets, "importing rules");
      if (!err)
        err = validate(st, ops[i].rule, problems, "importing rules");
    }
  struct import_work w = {.ops = ops, .n = n, .now_ms = now_ms};
  if (!err)
    err = sw__store_transaction(st, "importing rules", import_ops, &w);
  else
    w.at = i - 1;
  if (err && failed)
    *failed = w.at;
  return err;
}

enum sw_store_error sw_store_rule_page(struct sw_store *st, int64_t after_id,
                                       size_t limit, struct sw_store_rule_list *out)
{
  const struct sw__store_list_query q = {
      .stmt = SW_STMT_RULE_SELECT_PAGE,
      .params = {after_id, limit > INT64_MAX ? INT64_MAX : (int64_t)limit},
      .param_count = 2,
      .item_size = sizeof *out->items,
      .read = read_rule,
      .free_item = free_rule_item,
      .what = "listing a page of rules",
  };
  enum sw_store_error err;
  SW__STORE_READ_LIST(err, st, &q, out);
  return err;
}
