/* Availability reports read from the store's rollups (schema 6,
 * docs/reports.md): per rule, time by kind over a period, uptime, outages
 * and step-time percentiles. Part of the store's API (store.h's rules on
 * threads, time and errors hold). */
#ifndef SW_STORE_REPORT_H
#define SW_STORE_REPORT_H

#include "availability.h"
#include "store.h"

/* One rule's figures over a period. */
struct sw_store_availability {
  int64_t rule_id;
  struct sw_avail_totals totals; /* period_ms: the period's elapsed part */
  /* Per step, p50/p95/p99 in microseconds (-1: no sample), and how many
   * samples. */
  int64_t percentile_us[SW_STEP_COUNT][SW_AVAIL_PERCENTILE_COUNT];
  uint64_t samples[SW_STEP_COUNT];
  struct sw_outage *outages; /* owned, oldest first */
  size_t outage_count;
};

struct sw_store_availability_list {
  struct sw_store_availability *items;
  size_t count;
};

/* The period a report covers: [from_ms, until_ms) widened to whole UTC
 * hours (the rollups' grain). Its elapsed part ends at now_ms if that is
 * earlier. INVALID_ARGUMENT unless from_ms < until_ms. */
struct sw_store_report_period {
  int64_t from_ms, until_ms; /* whole hours */
  int64_t end_ms;            /* min(until_ms, now_ms), at least from_ms */
};
enum sw_store_error sw_store_report_period(struct sw_store *st, int64_t from_ms,
                                           int64_t until_ms, int64_t now_ms,
                                           struct sw_store_report_period *out);

/* The figures of each rule in rule_ids[0..count) over period `p`, in that
 * order (a rule without rollups has zero totals). *out is the caller's to
 * free with sw_store_availability_list_free; empty after a failure. Reads
 * at most 2 x 24 hourly and one daily row per day of each rule. */
enum sw_store_error sw_store_availability(struct sw_store *st, const int64_t *rule_ids,
                                          size_t count,
                                          const struct sw_store_report_period *p,
                                          struct sw_store_availability_list *out);
void sw_store_availability_list_free(struct sw_store_availability_list *l);

/* How far the rollups of the results from before the upgrade to schema 6
 * are built (docs/reports.md, "After an upgrade"). While `building`, a
 * rule the pass has not finished has rollups only up to where it is: the
 * hours after count as unmonitored until it gets there. */
struct sw_store_rollup_progress {
  bool building;
  int percent;         /* of the results there were at the upgrade; 100 when done */
  int64_t total, done; /* results there were, and rolled up so far */
};
enum sw_store_error sw_store_rollup_progress(struct sw_store *st,
                                             struct sw_store_rollup_progress *out);

/* Rolls up the next at most max_results (1 to INT32_MAX) results from
 * before the upgrade, in one transaction; *done says how many, *more
 * whether some remain. Without any left, only one cheap read. */
enum sw_store_error sw_store_rollup_backfill_step(struct sw_store *st, size_t max_results,
                                                  size_t *done, bool *more);

/* The rollups' retention: "rollup_retention_days" (a whole number from 1
 * to SW_STORE_RETENTION_DAYS_MAX, else the default, 730). Applied by
 * sw_store_retention_step with the results'. */
#define SW_STORE_DEFAULT_ROLLUP_RETENTION_DAYS 730
#define SW_STORE_SETTING_ROLLUP_RETENTION_DAYS "rollup_retention_days"

#endif
