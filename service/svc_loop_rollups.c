/* The rollups of the results a database had when it was upgraded to
 * schema 6 (docs/reports.md, "After an upgrade"): the upgrade itself only
 * lists them, so the service starts at once whatever the file's size; the
 * loop then rolls them up a slice a turn, between checks, until every
 * rule's rollups reach its results. Events 2030 (begun) and 2031 (done). */
#include "svc_loop_internal.h"

#include <inttypes.h>

#include "clock.h"
#include "store_report.h"
#include "svc_eventlog.h"

/* A slice should take about SLICE_TARGET_US: far under the ~20 ms a turn
 * may take without delaying checks. Its size in results follows what the
 * last one took (about 20,000 results a second natively, fewer under
 * emulation or on a slow disk), between SLICE_MIN and SLICE_MAX. */
#define SLICE_TARGET_US 10000
#define SLICE_FIRST 128
#define SLICE_MIN 16
#define SLICE_MAX 4096

static size_t next_slice(size_t slice, size_t done, int64_t took_us)
{
  if (took_us > 2 * SLICE_TARGET_US && slice > SLICE_MIN)
    return slice / 2;
  if (took_us < SLICE_TARGET_US / 2 && done == slice && slice < SLICE_MAX)
    return slice * 2;
  return slice;
}

static void log_begun(struct sw_svc_loop *l)
{
  struct sw_store_rollup_progress pr;
  if (sw_store_rollup_progress(l->store, &pr) != SW_STORE_OK)
    return; /* the slice's failure, if lasting, is logged as an outage */
  struct sw_svc_args a = {0};
  LOG_EVENT(l, SW_MSG_ROLLUPS_BUILDING, 0, sw_svc_arg(&a, "%" PRId64, pr.total));
  l->rollups.logged = true;
}

void sw__loop_build_rollups(struct sw_svc_loop *l)
{
  if (!l->rollups.building || !l->store || l->db.failing)
    return;
  if (!l->rollups.slice)
    l->rollups.slice = SLICE_FIRST;
  size_t done;
  bool more;
  int64_t t0 = sw_clock_now_us();
  enum sw_store_error err =
      sw_store_rollup_backfill_step(l->store, l->rollups.slice, &done, &more);
  int64_t took = sw_clock_now_us() - t0;
  if (err) {
    sw__loop_store_failed_on(l, "roll up the results from before the upgrade", err);
    return; /* tried again once the database works */
  }
  if (done && !l->rollups.began_us) {
    l->rollups.began_us = t0;
    log_begun(l);
  }
  l->rollups.done += done;
  l->rollups.slice = next_slice(l->rollups.slice, done, took);
  l->rollups.building = more;
  if (!more && l->rollups.logged) {
    struct sw_svc_args a = {0};
    LOG_EVENT(
        l, SW_MSG_ROLLUPS_BUILT, 0, sw_svc_arg(&a, "%" PRIu64, l->rollups.done),
        sw_svc_arg(&a, "%" PRId64, (sw_clock_now_us() - l->rollups.began_us) / 1000000));
  }
}
