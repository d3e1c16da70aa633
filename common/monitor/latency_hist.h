/* Response-time histograms that can be added together: one per check step,
 * kept per rule and hour in the store's rollups, merged over a report's
 * period, and read as percentiles.
 *
 * Buckets are fixed and log-linear (as HdrHistogram's): values below 16 us
 * have a bucket each; above, every power of two is cut into 16 equal
 * buckets, so a bucket is at most 1/16 of its lower bound wide. A
 * percentile is the middle of the bucket holding the nearest-rank sample,
 * within 1/32 (3.125 %) of that sample's true value. Values of 2^40 us (12
 * days) and more share the last bucket. The numbering is part of the
 * store's format (docs/reports.md): it never changes. */
#ifndef SW_LATENCY_HIST_H
#define SW_LATENCY_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_result.h"
#include "sw_buf.h"

#define SW_LATENCY_SUB_BITS 4
#define SW_LATENCY_SUB (1 << SW_LATENCY_SUB_BITS)
#define SW_LATENCY_TOP_BIT 40
#define SW_LATENCY_BUCKETS                                                               \
  (SW_LATENCY_SUB + (SW_LATENCY_TOP_BIT - SW_LATENCY_SUB_BITS) * SW_LATENCY_SUB)

struct sw_latency_hist {
  uint32_t n[SW_LATENCY_BUCKETS];
  uint64_t count;
};

/* One histogram per step (SW_STEP_MAP). */
struct sw_step_latency {
  struct sw_latency_hist step[SW_STEP_COUNT];
};

/* The bucket of a time in microseconds (negative counts as 0). */
unsigned sw_latency_bucket(int64_t us);
/* The middle of bucket `b` in microseconds: what percentiles report. */
int64_t sw_latency_bucket_mid(unsigned b);
/* Adds `times` samples of `us`. */
void sw_latency_add(struct sw_latency_hist *h, int64_t us, uint32_t times);
/* The p-th percentile (0 < p <= 100) by nearest rank, in microseconds;
 * -1 when the histogram is empty. */
int64_t sw_latency_percentile(const struct sw_latency_hist *h, double p);
/* The same for `n` percentiles in ascending order, in one walk of the
 * buckets: out[i] for p[i]. */
void sw_latency_percentiles(const struct sw_latency_hist *h, const double *p, size_t n,
                            int64_t *out);

/* Adds the step times of a finished check: every step it completed. The
 * step a check that was not ok stopped in (c->step) is left out: its time is how long a
 * refusal or a timeout took, not a response time. */
void sw_step_latency_add_check(struct sw_step_latency *s,
                               const struct sw_check_result *c);
/* Appends `s` to `out` in the store's format (docs/reports.md): per step
 * that has samples, its name, then (bucket delta, count) varint pairs.
 * Empty steps take no room. Returns SW_E_NOMEM if memory ran out. */
enum sw_error sw_step_latency_encode(const struct sw_step_latency *s, struct sw_buf *out);
/* Adds the encoded histograms in `data` to `s`. Steps this build does not
 * know are skipped (a newer build's). False, with `s` partly added, when
 * the bytes are not in the format. */
bool sw_step_latency_merge(struct sw_step_latency *s, const void *data, size_t len);

#endif
