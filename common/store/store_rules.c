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

static void bind_text_or_empty(sqlite3_stmt *stmt, int i, const char *s)
{
  sqlite3_bind_text(stmt, i, s ? s : "", -1, SQLITE_STATIC);
}

/* Parameters ?17..?30 (SW_STORE_RULE_PAST_HANDSHAKE). */
static void bind_past_handshake(sqlite3_stmt *stmt, const struct sw_rule *r)
{
  bind_text_or_empty(stmt, 17, r->auth_user);
  sqlite3_bind_text(stmt, 18, sw_auth_mech_name(r->auth_mech), -1, SQLITE_STATIC);
  sqlite3_bind_int(stmt, 19, r->auth_plaintext);
  bind_text_or_empty(stmt, 20, r->oauth_token_url);
  bind_text_or_empty(stmt, 21, r->oauth_client_id);
  bind_text_or_empty(stmt, 22, r->oauth_scope);
  bind_text_or_empty(stmt, 23, r->mail_from);
  bind_text_or_empty(stmt, 24, r->rcpt_to);
  sqlite3_bind_int(stmt, 25, r->relay_test);
  bind_text_or_empty(stmt, 26, r->relay_test_rcpt);
  sqlite3_bind_text(stmt, 27, sw_ip_family_name(r->ip_family), -1, SQLITE_STATIC);
  sqlite3_bind_int(stmt, 28, r->all_addresses);
  sqlite3_bind_int(stmt, 29, r->check_ptr);
  sqlite3_bind_int(stmt, 30, r->drift);
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

/* Parameters ?1..?13 of RULE_INSERT and RULE_UPDATE, in SW_RULE_FIELD_MAP
 * order, then ?17.. for the fields past the handshake. The strings are
 * borrowed until the statement is reset. */
static void bind_rule(sqlite3_stmt *stmt, const struct sw_rule *r)
{
  bind_text_or_empty(stmt, 1, r->name);
  bind_text_or_empty(stmt, 2, r->host);
  sqlite3_bind_int(stmt, 3, r->port);
  bind_text_or_empty(stmt, 4, r->command);
  bind_text_or_empty(stmt, 5, r->expect);
  sqlite3_bind_int64(stmt, 6, r->timeout_ms);
  bind_text_or_empty(stmt, 7, r->ehlo_name);
  sqlite3_bind_int64(stmt, 8, r->interval_s);
  sqlite3_bind_int(stmt, 9, r->enabled);
  sqlite3_bind_text(stmt, 10, sw_tls_mode_name(r->tls_mode), -1, SQLITE_STATIC);
  sqlite3_bind_int(stmt, 11, r->tls_insecure);
  sqlite3_bind_int(stmt, 12, r->cert_warn_days);
  sqlite3_bind_int(stmt, 13, r->cert_crit_days);
  bind_past_handshake(stmt, r);
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

/* Columns 17..32: the fields past the handshake and the secrets. False if
 * memory ran out. */
static bool read_past_handshake(sqlite3_stmt *stmt, struct sw_store_rule *out)
{
  struct sw_rule *r = &out->rule;
  /* A mechanism or family this build does not know (a newer one wrote it)
   * is left for the validator to refuse, rather than guessed. */
  if (!sw_auth_mech_from_name(sw__store_text(stmt, 18), &r->auth_mech))
    r->auth_mech = SW_AUTH_MECH_COUNT;
  if (!sw_ip_family_from_name(sw__store_text(stmt, 27), &r->ip_family))
    r->ip_family = SW_IP_FAMILY_COUNT;
  r->auth_plaintext = sqlite3_column_int(stmt, 19) != 0;
  r->relay_test = sqlite3_column_int(stmt, 25) != 0;
  r->all_addresses = sqlite3_column_int(stmt, 28) != 0;
  r->check_ptr = sqlite3_column_int(stmt, 29) != 0;
  r->drift = sqlite3_column_int(stmt, 30) != 0;
  bool ok = !sw__store_dup_optional(stmt, 17, &r->auth_user) &&
            !sw__store_dup_optional(stmt, 20, &r->oauth_token_url) &&
            !sw__store_dup_optional(stmt, 21, &r->oauth_client_id) &&
            !sw__store_dup_optional(stmt, 22, &r->oauth_scope) &&
            !sw__store_dup_optional(stmt, 23, &r->mail_from) &&
            !sw__store_dup_optional(stmt, 24, &r->rcpt_to) &&
            !sw__store_dup_optional(stmt, 26, &r->relay_test_rcpt) &&
            read_blob(stmt, 31, &out->auth_secret) &&
            read_blob(stmt, 32, &out->oauth_secret);
  r->auth_password_set = out->auth_secret.len > 0;
  r->oauth_client_secret_set = out->oauth_secret.len > 0;
  return ok;
}

/* Reads a row of SW_STORE_RULE_COLUMNS into the struct sw_store_rule
 * `item`, which owns nothing (a sw__store_row_fn). */
static enum sw_store_error read_rule(struct sw_store *st, sqlite3_stmt *stmt, void *item)
{
  struct sw_store_rule *out = item;
  struct sw_rule *r = &out->rule;
  sw_rule_init_defaults(r);
  out->auth_secret = out->oauth_secret = (struct sw_store_blob){0};
  r->id = sqlite3_column_int64(stmt, 0);
  enum sw_store_error err = SW_STORE_OK;
  if (sw_rule_set_string(&r->name, sw__store_text(stmt, 1)) ||
      sw_rule_set_string(&r->host, sw__store_text(stmt, 2)) ||
      sw__store_dup_optional(stmt, 4, &r->command) ||
      sw__store_dup_optional(stmt, 5, &r->expect) ||
      sw__store_dup_optional(stmt, 7, &r->ehlo_name) || !read_past_handshake(stmt, out))
    err = sw__store_error(st, SW_STORE_NOMEM, "reading rule %lld: out of memory",
                          (long long)r->id);
  r->port = (uint16_t)sqlite3_column_int(stmt, 3);
  r->timeout_ms = (uint32_t)sqlite3_column_int64(stmt, 6);
  r->interval_s = (uint32_t)sqlite3_column_int64(stmt, 8);
  r->enabled = sqlite3_column_int(stmt, 9) != 0;
  /* A mode this build does not know (written by a newer one with the same
   * schema) becomes the strictest plain-SMTP-refusing mode: a rule that
   * wanted TLS must not pass silently without it. */
  if (!sw_tls_mode_from_name(sw__store_text(stmt, 10), &r->tls_mode))
    r->tls_mode = SW_TLS_REQUIRE_STARTTLS;
  r->tls_insecure = sqlite3_column_int(stmt, 11) != 0;
  r->cert_warn_days = sqlite3_column_int(stmt, 12);
  r->cert_crit_days = sqlite3_column_int(stmt, 13);
  out->revision = sqlite3_column_int64(stmt, 14);
  out->created_at_ms = sqlite3_column_int64(stmt, 15);
  out->updated_at_ms = sqlite3_column_int64(stmt, 16);
  if (err)
    sw_store_rule_free(out);
  return err;
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
    static const struct sw_store_rule_secrets none = {{0}, {0}};
    const struct sw_store_rule_secrets *sec = w->secrets ? w->secrets : &none;
    bind_rule(*stmt, w->rule);
    sqlite3_bind_int64(*stmt, 14, w->now_ms);
    bind_secret(*stmt, 31, &sec->auth);
    bind_secret(*stmt, 33, &sec->oauth);
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
  const struct sw_store_secret_write *each[] = {s ? &s->auth : NULL,
                                                s ? &s->oauth : NULL};
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
  char what[64];
  snprintf(what, sizeof what, "reading rule %lld", (long long)id);
  memset(out, 0, sizeof *out);
  sw_rule_init_defaults(&out->rule);
  return sw__store_read_row(st, SW_STMT_RULE_SELECT, id, read_rule, out, what,
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
