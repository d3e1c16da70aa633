/* Check results: how a struct sw_check_result becomes a row and back, the
 * batched write of everything the service buffered, and the two ways of
 * reading results (a rule's history, every rule's latest). Outcomes, steps
 * and statuses are stored by name and step times as "name=us" text, so a
 * new outcome or step needs no schema change. */
#include "store_internal.h"

#include "domain_report.h"
#include "step_times.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sw_store_result_init(struct sw_store_result *r)
{
  r->id = 0;
  r->rule_id = 0;
  r->started_at_ms = 0;
  r->status = SW_NAGIOS_UNKNOWN;
  r->in_maintenance = false;
  sw_check_result_init(&r->check);
}

void sw_store_result_free(struct sw_store_result *r)
{
  sw_check_result_free(&r->check);
  sw_store_result_init(r);
}

/* A sw__store_item_free_fn. */
static void free_result_item(void *item)
{
  sw_store_result_free(item);
}

void sw_store_result_list_free(struct sw_store_result_list *l)
{
  SW__STORE_LIST_FREE(l, free_result_item);
}

/* strnlen is POSIX, not C11. */
static int bounded_len(const char *s, size_t max)
{
  const char *nul = memchr(s, '\0', max);
  return (int)(nul ? (size_t)(nul - s) : max);
}

/* A fixed-size text member, bound without reading past its end even if a
 * caller forgot the terminator. */
#define BIND_ARRAY(stmt, i, array)                                                       \
  sqlite3_bind_text((stmt), (i), (array), bounded_len((array), sizeof(array)),           \
                    SQLITE_STATIC)

enum sw_store_error sw__store_insert_result(struct sw_store *st,
                                            const struct sw_store_result *r,
                                            bool *written)
{
  static const char what[] = "writing results";
  const struct sw_check_result *c = &r->check;
  *written = false;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_RESULT_INSERT, &stmt, what);
  if (err)
    return err;
  char times[SW_STEP_TIMES_MAX];
  sw_step_times_format(c, times, sizeof times);
  sqlite3_bind_int64(stmt, 1, r->rule_id);
  sqlite3_bind_int64(stmt, 2, r->started_at_ms);
  sqlite3_bind_text(stmt, 3, sw_nagios_status_name(r->status), -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 4, sw_outcome_name(c->outcome), -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 5, sw_step_name(c->step), -1, SQLITE_STATIC);
  sqlite3_bind_int(stmt, 6, c->reply_code);
  BIND_ARRAY(stmt, 7, c->enhanced_code);
  BIND_ARRAY(stmt, 8, c->reply);
  BIND_ARRAY(stmt, 9, c->detail);
  BIND_ARRAY(stmt, 10, c->peer);
  sqlite3_bind_int(stmt, 11, c->used_helo);
  sqlite3_bind_int64(stmt, 12, c->caps);
  sqlite3_bind_int64(stmt, 13, c->total_us);
  sqlite3_bind_text(stmt, 14, times, -1, SQLITE_TRANSIENT);
  /* A transcript explains a failure; for the thousands of OK checks a day
   * it would only fill the disk. */
  if (c->outcome != SW_OUTCOME_OK && c->transcript.len)
    sqlite3_bind_text(stmt, 15, c->transcript.data, (int)c->transcript.len,
                      SQLITE_STATIC);
  sqlite3_bind_int(stmt, 16, c->tls.used);
  BIND_ARRAY(stmt, 17, c->tls.version);
  BIND_ARRAY(stmt, 18, c->tls.cipher);
  BIND_ARRAY(stmt, 19, c->tls.subject);
  BIND_ARRAY(stmt, 20, c->tls.issuer);
  if (c->tls.sans)
    sqlite3_bind_text(stmt, 21, c->tls.sans, -1, SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 22, c->tls.not_after);
  sqlite3_bind_int(stmt, 23, c->tls.days_left);
  sqlite3_bind_int(stmt, 24, c->tls.verified);
  sqlite3_bind_int(stmt, 25, r->in_maintenance);
  struct sw_buf hops;
  sw_buf_init(&hops, 0);
  err = sw__store_bind_round_trip(stmt, SW_STORE_RESULT_ROUND_TRIP_AT, c->round_trip,
                                  &hops);
  if (err) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    sw_buf_free(&hops);
    return sw__store_error(st, err, "%s: out of memory", what);
  }
  /* A mail domain's matrix, as text (domain_report.h). Out of memory loses
   * the matrix, not the result. */
  struct sw_buf domain;
  sw_buf_init(&domain, 0);
  if (c->domain && sw_domain_report_format(c->domain, &domain) == SW_E_OK)
    sqlite3_bind_text(stmt, SW_STORE_RESULT_DOMAIN_AT, domain.data, (int)domain.len,
                      SQLITE_TRANSIENT);
  sw_buf_free(&domain);
  err = sw__store_run(st, stmt, what);
  sw_buf_free(&hops);
  if (err)
    return err;
  *written = sqlite3_changes(st->db) == 1;
  /* In the same transaction: rollups never disagree with the results. */
  return *written ? sw__store_rollup_result(st, r) : SW_STORE_OK;
}

static void copy_text(char *dst, size_t size, const char *src)
{
  snprintf(dst, size, "%s", src);
}

/* Reads a row of SW_STORE_RESULT_COLUMNS into the struct sw_store_result
 * `item`, which owns nothing (a sw__store_row_fn). */
static enum sw_store_error read_result(struct sw_store *st, sqlite3_stmt *stmt,
                                       void *item)
{
  struct sw_store_result *out = item;
  sw_store_result_init(out);
  struct sw_check_result *c = &out->check;
  out->id = sqlite3_column_int64(stmt, 0);
  out->rule_id = sqlite3_column_int64(stmt, 1);
  out->started_at_ms = sqlite3_column_int64(stmt, 2);
  out->status = sw__store_status_from_name(sw__store_text(stmt, 3));
  /* Unknown names come only from a newer build on the same schema. */
  if (!sw_outcome_from_name(sw__store_text(stmt, 4), &c->outcome))
    c->outcome = SW_OUTCOME_INTERNAL_ERROR;
  const char *step = sw__store_text(stmt, 5);
  if (!sw_step_from_name(step, strlen(step), &c->step))
    c->step = SW_STEP_RESOLVE;
  c->reply_code = sqlite3_column_int(stmt, 6);
  copy_text(c->enhanced_code, sizeof c->enhanced_code, sw__store_text(stmt, 7));
  copy_text(c->reply, sizeof c->reply, sw__store_text(stmt, 8));
  copy_text(c->detail, sizeof c->detail, sw__store_text(stmt, 9));
  copy_text(c->peer, sizeof c->peer, sw__store_text(stmt, 10));
  c->used_helo = sqlite3_column_int(stmt, 11) != 0;
  c->caps = (unsigned)sqlite3_column_int64(stmt, 12);
  c->total_us = sqlite3_column_int64(stmt, 13);
  /* Text before its length: sqlite3_column_bytes after a conversion. */
  const char *times = sw__store_text(stmt, 14);
  sw_step_times_parse(times, (size_t)sqlite3_column_bytes(stmt, 14), c);
  c->tls.used = sqlite3_column_int(stmt, 16) != 0;
  copy_text(c->tls.version, sizeof c->tls.version, sw__store_text(stmt, 17));
  copy_text(c->tls.cipher, sizeof c->tls.cipher, sw__store_text(stmt, 18));
  copy_text(c->tls.subject, sizeof c->tls.subject, sw__store_text(stmt, 19));
  copy_text(c->tls.issuer, sizeof c->tls.issuer, sw__store_text(stmt, 20));
  c->tls.not_after = sqlite3_column_int64(stmt, 22);
  c->tls.days_left = sqlite3_column_int(stmt, 23);
  c->tls.verified = sqlite3_column_int(stmt, 24) != 0;
  out->in_maintenance = sqlite3_column_int(stmt, 25) != 0;
  /* A matrix this build cannot read (a newer one wrote it) is left out. */
  const char *domain = (const char *)sqlite3_column_text(stmt, SW_STORE_RESULT_DOMAIN_AT);
  if (domain && sw_domain_report_parse(
                    domain, (size_t)sqlite3_column_bytes(stmt, SW_STORE_RESULT_DOMAIN_AT),
                    &c->domain) == SW_E_NOMEM) {
    sw_store_result_free(out);
    return sw__store_error(st, SW_STORE_NOMEM, "reading result %lld: out of memory",
                           (long long)out->id);
  }
  const void *transcript = sqlite3_column_text(stmt, 15);
  int transcript_len = sqlite3_column_bytes(stmt, 15);
  if ((transcript &&
       sw_buf_append(&c->transcript, transcript, (size_t)transcript_len) != SW_E_OK) ||
      sw__store_dup_optional(stmt, 21, &c->tls.sans) != SW_STORE_OK ||
      sw__store_read_round_trip(stmt, SW_STORE_RESULT_ROUND_TRIP_AT, &c->round_trip) !=
          SW_STORE_OK) {
    sw_store_result_free(out);
    return sw__store_error(st, SW_STORE_NOMEM, "reading result %lld: out of memory",
                           (long long)out->id);
  }
  return SW_STORE_OK;
}

/* Runs a query of SW_STORE_RESULT_COLUMNS (or its brief form) into *out. */
static enum sw_store_error read_results(struct sw_store *st,
                                        struct sw__store_list_query *q,
                                        struct sw_store_result_list *out)
{
  q->item_size = sizeof *out->items;
  q->read = read_result;
  q->free_item = free_result_item;
  enum sw_store_error err;
  SW__STORE_READ_LIST(err, st, q, out);
  return err;
}

/* A page of history through statement `which` (with or without the
 * transcript). */
static enum sw_store_error history_page(struct sw_store *st, enum sw_store_stmt which,
                                        int64_t rule_id,
                                        const struct sw_store_cursor *before,
                                        size_t limit, struct sw_store_result_list *out)
{
  char what[64];
  snprintf(what, sizeof what, "reading the history of rule %lld", (long long)rule_id);
  out->items = NULL;
  out->count = 0;
  if (limit == 0)
    return SW_STORE_OK;
  struct sw__store_list_query q = {
      .stmt = which,
      .params = {rule_id, before ? before->started_at_ms : INT64_MAX,
                 before ? before->id : INT64_MAX,
                 limit > INT32_MAX ? INT32_MAX : (int64_t)limit},
      .param_count = 4,
      .what = what,
  };
  return read_results(st, &q, out);
}

enum sw_store_error sw_store_history(struct sw_store *st, int64_t rule_id,
                                     const struct sw_store_cursor *before, size_t limit,
                                     struct sw_store_result_list *out)
{
  return history_page(st, SW_STMT_RESULT_HISTORY, rule_id, before, limit, out);
}

enum sw_store_error sw_store_history_brief(struct sw_store *st, int64_t rule_id,
                                           const struct sw_store_cursor *before,
                                           size_t limit, struct sw_store_result_list *out)
{
  return history_page(st, SW_STMT_RESULT_HISTORY_BRIEF, rule_id, before, limit, out);
}

enum sw_store_error sw_store_latest_results_between(struct sw_store *st, int64_t after_id,
                                                    int64_t last_id,
                                                    struct sw_store_result_list *out)
{
  struct sw__store_list_query q = {
      .stmt = SW_STMT_RESULT_LATEST,
      .params = {after_id, last_id},
      .param_count = 2,
      .what = "reading the latest results",
  };
  return read_results(st, &q, out);
}

/* Writes every record of the batch, counting what was written and what
 * was dropped because its rule is gone. */
struct batch_write {
  const struct sw_store_batch *batch;
  struct sw_store_write_counts counts;
};

static enum sw_store_error write_batch(struct sw_store *st, void *ctx)
{
  struct batch_write *w = ctx;
  const struct sw_store_batch *b = w->batch;
  struct sw_store_write_counts *n = &w->counts;
  enum sw_store_error err = SW_STORE_OK;
  bool written;
  for (size_t i = 0; !err && i < b->result_count; i++) {
    err = sw__store_insert_result(st, &b->results[i], &written);
    *(written ? &n->results_written : &n->results_dropped) += 1;
  }
  for (size_t i = 0; !err && i < b->state_count; i++) {
    err = sw__store_upsert_state(st, &b->states[i], &written);
    *(written ? &n->states_written : &n->states_dropped) += 1;
  }
  for (size_t i = 0; !err && i < b->event_count; i++) {
    err = sw__store_insert_event(st, &b->events[i]);
    n->events_written++;
  }
  if (!err)
    err = sw__store_write_tracks(st, b->tracks, b->track_count, &n->tracks_written);
  if (!err)
    err = sw__store_write_first_fingerprints(st, b->fingerprints, b->fingerprint_count,
                                             &n->fingerprints_written);
  return err;
}

enum sw_store_error sw_store_write(struct sw_store *st, const struct sw_store_batch *b,
                                   struct sw_store_write_counts *counts)
{
  static const char what[] = "writing results, states and events";
  struct batch_write w = {.batch = b};
  if (counts)
    *counts = w.counts;
  if ((b->result_count && !b->results) || (b->state_count && !b->states) ||
      (b->event_count && !b->events) || (b->track_count && !b->tracks) ||
      (b->fingerprint_count && !b->fingerprints))
    return sw__store_error(st, SW_STORE_INVALID_ARGUMENT, "%s: NULL array", what);
  if (!b->result_count && !b->state_count && !b->event_count && !b->track_count &&
      !b->fingerprint_count)
    return SW_STORE_OK;
  enum sw_store_error err = sw__store_transaction(st, what, write_batch, &w);
  if (!err && counts)
    *counts = w.counts;
  return err;
}
