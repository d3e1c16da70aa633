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

/* Rules are summed CHUNK at a time: a chunk's sums take CHUNK x 26 KB. */
#define CHUNK 256

/* What one rule's rows add up to. */
struct rule_sum {
  struct sw_avail_totals totals;
  struct sw_step_latency latency;
};

/* A chunk of the rules asked for: their ids in ascending order, and where
 * each is in the caller's list. */
struct chunk {
  int64_t ids[CHUNK];
  size_t pos[CHUNK];
  size_t n;
  struct rule_sum *sums; /* sums[i] for ids[i] */
};

static void add_row(sqlite3_stmt *stmt, struct rule_sum *sum)
{
  for (int k = 0; k < SW_AVAIL_KIND_COUNT; k++)
    sum->totals.ms[k] += sqlite3_column_int64(stmt, 1 + k);
  sum->totals.checks += sqlite3_column_int64(stmt, 1 + SW_AVAIL_KIND_COUNT);
  const void *blob = sqlite3_column_blob(stmt, 2 + SW_AVAIL_KIND_COUNT);
  int len = sqlite3_column_bytes(stmt, 2 + SW_AVAIL_KIND_COUNT);
  /* A damaged row loses its percentiles, not the report. */
  if (blob)
    (void)sw_step_latency_merge(&sum->latency, blob, (size_t)len);
}

/* Adds the rows of one hour or day (`span`, `start`) of the chunk's rules:
 * one sweep over neighbouring rows. */
static enum sw_store_error add_slice(struct sw_store *st, int64_t span, int64_t start,
                                     struct chunk *c)
{
  static const char what[] = "reading the availability rollups";
  sqlite3_stmt *stmt;
  enum sw_store_error err = sw__store_stmt(st, SW_STMT_ROLLUP_SLICE, &stmt, what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, span / 1000);
  sqlite3_bind_int64(stmt, 2, start);
  sqlite3_bind_int64(stmt, 3, c->ids[0]);
  sqlite3_bind_int64(stmt, 4, c->ids[c->n - 1]);
  size_t i = 0;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(stmt, 0);
    while (i < c->n && c->ids[i] < id) /* both ascend */
      i++;
    if (i < c->n && c->ids[i] == id)
      add_row(stmt, &c->sums[i]);
  }
  sqlite3_reset(stmt);
  return rc == SQLITE_DONE ? SW_STORE_OK : sw__store_fail(st, rc, what);
}

/* Adds every slice of `span` starting in [from, until). */
static enum sw_store_error add_slices(struct sw_store *st, int64_t span, int64_t from,
                                      int64_t until, struct chunk *c)
{
  enum sw_store_error err = SW_STORE_OK;
  for (int64_t t = from; !err && t < until; t += span)
    err = add_slice(st, span, t, c);
  return err;
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

/* The figures of rule c->ids[i] into a, from its sums and its changes. */
static enum sw_store_error finish_rule(struct sw_store *st, const struct chunk *c,
                                       size_t i, const struct sw_store_report_period *p,
                                       struct sw_store_availability *a)
{
  const struct rule_sum *sum = &c->sums[i];
  a->rule_id = c->ids[i];
  a->totals = sum->totals;
  a->totals.period_ms = p->end_ms - p->from_ms;
  for (int s = 0; s < SW_STEP_COUNT; s++) {
    a->samples[s] = sum->latency.step[s].count;
    sw_latency_percentiles(&sum->latency.step[s], sw_avail_percentiles,
                           SW_AVAIL_PERCENTILE_COUNT, a->percentile_us[s]);
  }
  return rule_outages(st, a->rule_id, p, a);
}

static int by_id(const void *x, const void *y)
{
  const int64_t *a = x, *b = y;
  return (*a > *b) - (*a < *b);
}

/* The chunk of rule_ids[first..first+n), sorted by id (pos[] remembers
 * where each was). */
static void make_chunk(const int64_t *rule_ids, size_t first, size_t n, struct chunk *c)
{
  int64_t pairs[CHUNK][2];
  for (size_t i = 0; i < n; i++) {
    pairs[i][0] = rule_ids[first + i];
    pairs[i][1] = (int64_t)(first + i);
  }
  qsort(pairs, n, sizeof pairs[0], by_id);
  for (size_t i = 0; i < n; i++) {
    c->ids[i] = pairs[i][0];
    c->pos[i] = (size_t)pairs[i][1];
  }
  c->n = n;
  memset(c->sums, 0, n * sizeof *c->sums);
}

/* Whole days from the daily rows, the hours around them from the hourly. */
static enum sw_store_error
sum_chunk(struct sw_store *st, const struct sw_store_report_period *p, struct chunk *c)
{
  int64_t day_from = ceil_to(p->from_ms, DAY_MS),
          day_until = floor_to(p->until_ms, DAY_MS);
  if (day_from >= day_until)
    day_from = day_until = p->until_ms;
  enum sw_store_error err = add_slices(st, SW_AVAIL_HOUR_MS, p->from_ms, day_from, c);
  if (!err)
    err = add_slices(st, DAY_MS, day_from, day_until, c);
  if (!err)
    err = add_slices(st, SW_AVAIL_HOUR_MS, day_until, p->until_ms, c);
  return err;
}

static enum sw_store_error read_all(struct sw_store *st, const int64_t *rule_ids,
                                    size_t count, const struct sw_store_report_period *p,
                                    struct chunk *c,
                                    struct sw_store_availability_list *out)
{
  enum sw_store_error err = SW_STORE_OK;
  for (size_t first = 0; !err && first < count; first += CHUNK) {
    make_chunk(rule_ids, first, count - first < CHUNK ? count - first : CHUNK, c);
    err = sum_chunk(st, p, c);
    for (size_t i = 0; !err && i < c->n; i++)
      err = finish_rule(st, c, i, p, &out->items[c->pos[i]]);
  }
  return err;
}

enum sw_store_error sw_store_availability(struct sw_store *st, const int64_t *rule_ids,
                                          size_t count,
                                          const struct sw_store_report_period *p,
                                          struct sw_store_availability_list *out)
{
  out->items = count ? calloc(count, sizeof *out->items) : NULL;
  out->count = count; /* every item zeroed: freeing is safe at any point */
  struct chunk *c = malloc(sizeof *c);
  struct rule_sum *sums = malloc(CHUNK * sizeof *sums);
  enum sw_store_error err = SW_STORE_OK;
  if (!c || !sums || (count && !out->items)) {
    out->count = 0;
    err = sw__store_error(st, SW_STORE_NOMEM, "reading a report: out of memory");
  }
  /* One read snapshot for the whole report: every rule's figures are of
   * the same moment, and the statements need not lock the file each. */
  bool own = sqlite3_get_autocommit(st->db) != 0;
  int rc = !err && own ? sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) : SQLITE_OK;
  if (rc != SQLITE_OK)
    err = sw__store_fail(st, rc, "reading a report");
  if (!err) {
    c->sums = sums;
    err = read_all(st, rule_ids, count, p, c, out);
  }
  if (own && rc == SQLITE_OK && !sqlite3_get_autocommit(st->db))
    sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL); /* read only: nothing to lose */
  free(sums);
  free(c);
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
