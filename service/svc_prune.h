/* Making room in the database: the size cap (--max-db-mb) and a full disk.
 * Decides when the loop deletes the oldest results (through
 * sw_store_prune_step, a slice per turn) and what event 3005 says when it
 * has. docs/store.md and docs/events.md describe both. */
#ifndef SW_SVC_PRUNE_H
#define SW_SVC_PRUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "svc_eventlog.h"

/* The cap's run goes on until the data is under this share of the cap,
 * so that a database at its cap is not pruned by a few rows every turn. */
#define SW_SVC_PRUNE_LOW_PERCENT 90

/* A run of deletions, kept by the loop between its turns. Zero it to
 * start. */
struct sw_svc_prune {
  bool running;
  bool disk_full;                       /* why the run started */
  size_t deleted;                       /* results */
  size_t hourly_deleted, daily_deleted; /* rollup rows */
  int64_t used_before, used_after;
};

/* The insertion strings of event 3005 (SW_MSG_DB_PRUNED, results) and
 * 2032 (SW_MSG_DB_PRUNED_ROLLUPS), in order; `results` and `rollups` say
 * which of the two the run has to log. */
#define SW_SVC_PRUNE_STRINGS 7
#define SW_SVC_PRUNE_ROLLUP_STRINGS 7
struct sw_svc_prune_event {
  struct sw_svc_args args; /* the numbers among the strings */
  bool results, rollups;
  const char *strings[SW_SVC_PRUNE_STRINGS];
  const char *rollup_strings[SW_SVC_PRUNE_ROLLUP_STRINGS];
};

/* One turn of making room (sw_store_prune_step's order: results past a
 * week, hourly rollups, daily rollups, the rest of the results). With
 * `disk_full` (writes fail with SW_STORE_FULL) it deletes one slice of
 * `max_rows` oldest rows
 * whatever the size, so the next write can reuse their pages; otherwise,
 * with a cap (`cap_bytes` > 0), it deletes a slice if the data is over the
 * cap, or, once a run has begun, over SW_SVC_PRUNE_LOW_PERCENT of it.
 * *more is true when the run wants another turn soon (a second later,
 * not at once: the loop must keep checking). *report is true when a run
 * that deleted something has ended (also on failure): then `ev` holds
 * the strings of event 3005 and/or 2032, with `db_path` borrowed. Returns the store's
 * error, which ends the run. Loop thread only. */
enum sw_store_error sw_svc_prune_step(struct sw_svc_prune *p, struct sw_store *st,
                                      int64_t cap_bytes, bool disk_full, size_t max_rows,
                                      const char *db_path, bool *more, bool *report,
                                      struct sw_svc_prune_event *ev);

#endif
