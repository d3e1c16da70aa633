/* Availability reports from the rollups (store_report.h): whole UTC days
 * from the daily rows, the hours at either end from the hourly rows, and
 * outages from status_changes. */
#include "store_internal.h"
#include "store_report.h"

#include "latency_hist.h"

#include <stdlib.h>
#include <string.h>

#define DAY_MS (24 * SW_AVAIL_HOUR_MS)

static int64_t floor_to(int64_t t, int64_t span)
{
  int64_t q = t / span;
  return (q - (t % span < 0)) * span;
}

static int64_t ceil_to(int64_t t, int64_t span)
{
  int64_t f = floor_to(t, span);
  return f == t ? t : f + span;
}

enum sw_store_error sw_store_report_period(struct sw_store *st, int64_t from_ms,
                                           int64_t until_ms, int64_t now_ms,
                                           struct sw_store_report_period *out)
{
  if (from_ms >= until_ms)
    return sw__store_error(st, SW_STORE_INVALID_ARGUMENT,
                           "reading a report: the period ends before it starts");
  out->from_ms = floor_to(from_ms, SW_AVAIL_HOUR_MS);
  out->until_ms = ceil_to(until_ms, SW_AVAIL_HOUR_MS);
  out->end_ms = now_ms < out->until_ms ? now_ms : out->until_ms;
  if (out->end_ms < out->from_ms)
    out->end_ms = out->from_ms;
  return SW_STORE_OK;
}

/* What one rule's rows add up to. */
struct rule_sum {
  struct sw_avail_totals totals;
  struct sw_step_latency latency;
};

/* Adds the rule's rows of `span` starting in [from, until). */
static enum sw_store_error add_rows(struct sw_store *st, int64_t rule_id, int64_t span,
                                    int64_t from, int64_t until, struct rule_sum *sum)
{
  static const char what[] = "reading the availability rollups";
  if (from >= until)
    return SW_STORE_OK;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_ROLLUP_RANGE, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, rule_id);
  sqlite3_bind_int64(stmt, 2, span / 1000);
  sqlite3_bind_int64(stmt, 3, from);
  sqlite3_bind_int64(stmt, 4, until);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    for (int k = 0; k < SW_AVAIL_KIND_COUNT; k++)
      sum->totals.ms[k] += sqlite3_column_int64(stmt, k);
    sum->totals.checks += sqlite3_column_int64(stmt, SW_AVAIL_KIND_COUNT);
    const void *blob = sqlite3_column_blob(stmt, SW_AVAIL_KIND_COUNT + 1);
    int len = sqlite3_column_bytes(stmt, SW_AVAIL_KIND_COUNT + 1);
    /* A damaged row loses its percentiles, not the report. */
    if (blob)
      (void)sw_step_latency_merge(&sum->latency, blob, (size_t)len);
  }
  sqlite3_reset(stmt);
  return rc == SQLITE_DONE ? SW_STORE_OK : sw__store_fail(st, rc, what);
}

/* Reads the rule's changes that matter for the period into *out (the
 * caller frees it). */
static enum sw_store_error read_changes(struct sw_store *st, int64_t rule_id,
                                        const struct sw_store_report_period *p,
                                        struct sw_avail_change **out, size_t *count)
{
  static const char what[] = "reading the status changes";
  *out = NULL;
  *count = 0;
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_CHANGES_RANGE, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, rule_id);
  sqlite3_bind_int64(stmt, 2, p->from_ms);
  sqlite3_bind_int64(stmt, 3, p->end_ms);
  size_t cap = 0;
  int rc;
  while (!err && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    if (*count == cap) {
      cap = cap ? cap * 2 : 16;
      void *grown = realloc(*out, cap * sizeof **out);
      if (!grown) {
        err = sw__store_error(st, SW_STORE_NOMEM, "%s: out of memory", what);
        break;
      }
      *out = grown;
    }
    struct sw_avail_change *c = &(*out)[(*count)++];
    c->at_ms = sqlite3_column_int64(stmt, 0);
    if (!sw_avail_kind_from_name(sw__store_text(stmt, 1), &c->kind))
      c->kind = SW_AVAIL_UNKNOWN; /* a newer build's kind */
    if (!sw_outcome_from_name(sw__store_text(stmt, 2), &c->outcome))
      c->outcome = SW_OUTCOME_INTERNAL_ERROR;
  }
  sqlite3_reset(stmt);
  if (!err && rc != SQLITE_DONE)
    err = sw__store_fail(st, rc, what);
  return err;
}

static enum sw_store_error rule_outages(struct sw_store *st, int64_t rule_id,
                                        const struct sw_store_report_period *p,
                                        struct sw_store_availability *a)
{
  struct sw_avail_change *changes;
  size_t n;
  enum sw_store_error err = read_changes(st, rule_id, p, &changes, &n);
  if (!err && n) {
    a->outages = malloc(n * sizeof *a->outages);
    if (a->outages)
      a->outage_count = sw_avail_outages(changes, n, p->from_ms, p->end_ms, a->outages);
    else
      err = sw__store_error(st, SW_STORE_NOMEM, "reading the outages: out of memory");
  }
  free(changes);
  return err;
}

static enum sw_store_error one_rule(struct sw_store *st, int64_t rule_id,
                                    const struct sw_store_report_period *p,
                                    struct rule_sum *sum, struct sw_store_availability *a)
{
  memset(sum, 0, sizeof *sum);
  /* Whole days from the daily rows, the hours around them from the hourly. */
  int64_t day_from = ceil_to(p->from_ms, DAY_MS),
          day_until = floor_to(p->until_ms, DAY_MS);
  if (day_from >= day_until)
    day_from = day_until = p->until_ms;
  enum sw_store_error err =
      add_rows(st, rule_id, SW_AVAIL_HOUR_MS, p->from_ms, day_from, sum);
  if (!err)
    err = add_rows(st, rule_id, DAY_MS, day_from, day_until, sum);
  if (!err)
    err = add_rows(st, rule_id, SW_AVAIL_HOUR_MS, day_until, p->until_ms, sum);
  if (err)
    return err;
  a->rule_id = rule_id;
  a->totals = sum->totals;
  a->totals.period_ms = p->end_ms - p->from_ms;
  for (int s = 0; s < SW_STEP_COUNT; s++) {
    a->samples[s] = sum->latency.step[s].count;
    for (int i = 0; i < SW_AVAIL_PERCENTILE_COUNT; i++)
      a->percentile_us[s][i] =
          sw_latency_percentile(&sum->latency.step[s], sw_avail_percentiles[i]);
  }
  return rule_outages(st, rule_id, p, a);
}

enum sw_store_error sw_store_availability(struct sw_store *st, const int64_t *rule_ids,
                                          size_t count,
                                          const struct sw_store_report_period *p,
                                          struct sw_store_availability_list *out)
{
  out->items = count ? calloc(count, sizeof *out->items) : NULL;
  out->count = 0;
  struct rule_sum *sum = malloc(sizeof *sum);
  enum sw_store_error err = SW_STORE_OK;
  if (!sum || (count && !out->items))
    err = sw__store_error(st, SW_STORE_NOMEM, "reading a report: out of memory");
  /* One read snapshot for the whole report: every rule's figures are of
   * the same moment, and 3 statements a rule need not lock the file each. */
  bool own = sqlite3_get_autocommit(st->db) != 0;
  int rc = !err && own ? sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) : SQLITE_OK;
  if (rc != SQLITE_OK)
    err = sw__store_fail(st, rc, "reading a report");
  for (size_t i = 0; !err && i < count; i++) {
    err = one_rule(st, rule_ids[i], p, sum, &out->items[i]);
    out->count = i + 1; /* the outages of a failed rule are freed too */
  }
  if (own && rc == SQLITE_OK && !sqlite3_get_autocommit(st->db))
    sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL); /* read only: nothing to lose */
  free(sum);
  if (err)
    sw_store_availability_list_free(out);
  return err;
}

void sw_store_availability_list_free(struct sw_store_availability_list *l)
{
  for (size_t i = 0; i < l->count; i++)
    free(l->items[i].outages);
  free(l->items);
  l->items = NULL;
  l->count = 0;
}
