/* The service loop's own figures: checks started and finished, outcomes,
 * schedule lateness (how long after its due time a check started), the
 * cost of re-reading the rules. Written as one JSON object to the file
 * named by --stats-file when the loop stops, for the benchmark and tests.
 * Loop thread only. */
#ifndef SW_SVC_STATS_H
#define SW_SVC_STATS_H

#include <windows.h>

#include <stdbool.h>
#include <stdint.h>

#include "check_result.h"
#include "metrics_text.h"
#include "scheduler.h"
#include "svc_rules.h"

/* X(ENUM, name): the parts of the loop's turn timed apart (the stats
 * file's "loop" object): where its time goes when it falls behind. */
#define SW_SVC_LOOP_PART_MAP(X)                                                          \
  X(SW_SVC_PART_STORE, "store")     /* batches, retention, rollups, reading rules */     \
  X(SW_SVC_PART_ALERTS, "alerts")   /* the sweep of windows and due decisions */         \
  X(SW_SVC_PART_OUTBOX, "outbox")   /* notifications due */                              \
  X(SW_SVC_PART_METRICS, "metrics") /* the snapshot */                                   \
  X(SW_SVC_PART_START, "start")     /* starting the checks that are due */               \
  X(SW_SVC_PART_RESULTS, "results") /* filing the results (in the engine's turn) */      \
  X(SW_SVC_PART_ENGINE, "engine") /* the engine's turn but the results: waiting, and */  \
                                  /* the pipe's requests (pipe_us has those) */          \
  X(SW_SVC_PART_PIPE, "pipe")     /* the pipe's tick and pushes */

enum sw_svc_loop_part { SW_SVC_LOOP_PART_MAP(SW_X_1) SW_SVC_PART_COUNT };

struct sw_svc_stats {
  uint64_t started, finished, ignored; /* ignored: stale or cancelled */
  uint64_t by_outcome[SW_OUTCOME_COUNT];
  uint32_t *late_hist; /* lateness histogram, NULL unless detailed */
  uint64_t late_n;
  struct sw_metrics_lateness lateness; /* the metrics' histogram, always kept */
  int64_t late_max_us;
  uint64_t reloads;
  int64_t reload_last_us, reload_max_us;
  uint64_t writes; /* batches written, and the time the loop spent on them */
  int64_t write_total_us, write_max_us;
  /* The metrics (svc_loop_metrics.c): snapshots taken on the loop thread,
   * the longest one, and the longest rendering and writing on the worker
   * with the size it gave. */
  uint64_t metrics_snapshots;
  int64_t metrics_snapshot_max_us, metrics_render_max_us;
  uint64_t metrics_bytes;
  /* The control pipe's share of the loop: requests served, the server's
   * tick and the subscribers' pushes (not the bare I/O completions). */
  int64_t pipe_us, pipe_max_us;
  uint64_t pipe_requests;
  uint64_t pushes, push_bytes, push_resyncs;
  int64_t push_us; /* of pipe_us: the subscribers' pushes */
  /* The loop's turns: how many, the longest, and each part's total and
   * longest (SW_SVC_LOOP_PART_MAP). */
  uint64_t turns;
  int64_t turn_max_us;
  int64_t part_us[SW_SVC_PART_COUNT], part_max_us[SW_SVC_PART_COUNT];
};

/* Zeroes the figures; `detailed` keeps the lateness histogram (~400 KB). */
void sw_svc_stats_init(struct sw_svc_stats *s, bool detailed);
void sw_svc_stats_free(struct sw_svc_stats *s);
/* A check started `lateness_us` after its due time. */
void sw_svc_stats_started(struct sw_svc_stats *s, int64_t lateness_us);
/* A check finished; `ignored` if its result was not used. */
void sw_svc_stats_done(struct sw_svc_stats *s, enum sw_outcome outcome, bool ignored);
/* A list of rules was applied to the table on the loop thread, which took
 * `us`. */
void sw_svc_stats_reload(struct sw_svc_stats *s, int64_t us);
/* A batch was written (or failed), which took `us` on the loop thread. */
void sw_svc_stats_batch(struct sw_svc_stats *s, int64_t us);
/* The loop spent `us` on the pipe: a request (`request`), or its tick and
 * pushes. */
void sw_svc_stats_pipe(struct sw_svc_stats *s, int64_t us, bool request);
/* Part `part` of a loop turn took `us`. */
void sw_svc_stats_part(struct sw_svc_stats *s, enum sw_svc_loop_part part, int64_t us);
/* A whole turn took `us`. */
void sw_svc_stats_turn(struct sw_svc_stats *s, int64_t us);
/* The subscribers' figures as they stand (svc_push.h), for the file. */
void sw_svc_stats_pushes(struct sw_svc_stats *s, uint64_t pushes, uint64_t bytes,
                         uint64_t resyncs);
/* Writes the figures as JSON to `path` (UTF-16; "" = nowhere), replacing
 * the file, with what the rule table holds (`mem`) and the process's
 * private bytes (now and at peak). Failures are ignored: figures are never
 * worth failing for. */
void sw_svc_stats_write(const struct sw_svc_stats *s, const wchar_t *path, size_t rules,
                        size_t enabled, const struct sw_scheduler_stats *sched,
                        const struct sw_svc_rules_memory *mem, uint64_t written,
                        uint64_t dropped, int64_t uptime_us);

#endif
