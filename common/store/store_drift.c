/* The drift alarm's rows (see store_drift.h). */
#include "store_drift.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

void sw_store_fingerprint_free(struct sw_store_fingerprint *f)
{
  free(f->accepted);
  free(f->accepted_by);
  free(f->current);
  memset(f, 0, sizeof *f);
}

static void free_item(void *item)
{
  sw_store_fingerprint_free(item);
}

void sw_store_fingerprint_list_free(struct sw_store_fingerprint_list *l)
{
  SW__STORE_LIST_FREE(l, free_item);
}

/* rule_id, accepted, accepted_at, accepted_by, current, since. */
static enum sw_store_error read_fp(struct sw_store *st, sqlite3_stmt *stmt, void *item)
{
  struct sw_store_fingerprint *f = item;
  f->rule_id = sqlite3_column_int64(stmt, 0);
  f->accepted_at_ms = sqlite3_column_int64(stmt, 2);
  f->since_ms = sqlite3_column_int64(stmt, 5);
  if (sw__store_dup_text(stmt, 1, &f->accepted) ||
      sw__store_dup_text(stmt, 3, &f->accepted_by) ||
      sw__store_dup_optional(stmt, 4, &f->current)) {
    sw_store_fingerprint_free(f);
    return sw__store_error(st, SW_STORE_NOMEM, "reading a fingerprint: out of memory");
  }
  return SW_STORE_OK;
}

enum sw_store_error sw_store_fingerprint_load(struct sw_store *st,
                                              struct sw_store_fingerprint_list *out)
{
  const struct sw__store_list_query q = {
      .stmt = SW_STMT_FP_SELECT_ALL,
      .item_size = sizeof *out->items,
      .read = read_fp,
      .free_item = free_item,
      .what = "reading the servers' fingerprints",
  };
  enum sw_store_error err;
  SW__STORE_READ_LIST(err, st, &q, out);
  return err;
}

/* One write: the statement, its rule and its texts and time. */
struct fp_write {
  char what[80];
  enum sw_store_stmt stmt;
  int64_t rule_id, at_ms;
  const char *text, *by;
};

static enum sw_store_error write_fp(struct sw_store *st, void *ctx)
{
  const struct fp_write *w = ctx;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, w->stmt, &stmt, w->what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, w->rule_id);
  if (w->stmt == SW_STMT_FP_FORGET)
    return sw__store_run(st, stmt, w->what);
  if (w->text)
    sqlite3_bind_text(stmt, 2, w->text, -1, SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 3, w->at_ms);
  if (w->by)
    sqlite3_bind_text(stmt, 4, w->by, -1, SQLITE_STATIC);
  return sw__store_run_one(st, stmt, w->what);
}

enum sw_store_error sw_store_fingerprint_accept(struct sw_store *st, int64_t rule_id,
                                                const char *text, int64_t at_ms,
                                                const char *by)
{
  struct fp_write w = {.stmt = SW_STMT_FP_ACCEPT,
                       .rule_id = rule_id,
                       .at_ms = at_ms,
                       .text = text,
                       .by = by};
  snprintf(w.what, sizeof w.what, "accepting the fingerprint of rule %lld",
           (long long)rule_id);
  if (!text || !text[0])
    return sw__store_error(st, SW_STORE_INVALID_INPUT, "%s: the fingerprint is empty",
                           w.what);
  enum sw_store_error err = sw__store_check_line(st, w.what, "who accepted it", by,
                                                 SW_STORE_ACK_TEXT_MAX, true);
  return err ? err : sw__store_transaction(st, w.what, write_fp, &w);
}

enum sw_store_error
sw__store_write_first_fingerprints(struct sw_store *st,
                                   const struct sw_store_first_fingerprint *f,
                                   size_t count, size_t *written)
{
  struct fp_write w = {
      .stmt = SW_STMT_FP_ACCEPT, .what = "accepting the first fingerprints", .by = ""};
  for (size_t i = 0; i < count; i++) {
    if (!f[i].text || !f[i].text[0])
      continue; /* never empty (sw_store_fingerprint_accept refuses it) */
    w.rule_id = f[i].rule_id;
    w.at_ms = f[i].at_ms;
    w.text = f[i].text;
    enum sw_store_error err = write_fp(st, &w);
    if (err == SW_STORE_NOT_FOUND)
      continue; /* the rule is gone */
    if (err)
      return err;
    (*written)++;
  }
  return SW_STORE_OK;
}

enum sw_store_error sw_store_fingerprint_drift(struct sw_store *st, int64_t rule_id,
                                               const char *current, int64_t since_ms)
{
  struct fp_write w = {.stmt = SW_STMT_FP_DRIFT,
                       .rule_id = rule_id,
                       .at_ms = current ? since_ms : 0,
                       .text = current};
  snprintf(w.what, sizeof w.what, "recording the drift of rule %lld", (long long)rule_id);
  return sw__store_transaction(st, w.what, write_fp, &w);
}

enum sw_store_error sw_store_fingerprint_forget(struct sw_store *st, int64_t rule_id)
{
  struct fp_write w = {.stmt = SW_STMT_FP_FORGET, .rule_id = rule_id};
  snprintf(w.what, sizeof w.what, "forgetting the fingerprint of rule %lld",
           (long long)rule_id);
  return sw__store_transaction(st, w.what, write_fp, &w);
}
