/* The service's rule scheduler, sans-IO: it is told the time and what
 * happened, and says when to wake up and which rules to start. It never reads
 * a clock, starts a check or touches a thread, so the service loop, the tests
 * and the benchmark drive it the same way.
 *
 * Times are microseconds on the caller's monotonic clock (sw_clock_now_us on
 * Windows). Each rule runs on a fixed grid: the instants t with
 *   t = phase(id, interval) + k * interval
 * where the phase is the rule id's golden-ratio fraction of the interval.
 * Consecutive ids (what the store hands out) therefore land almost evenly
 * over the interval (the three-distance theorem), so first runs are spread,
 * not all at once, and the grid never drifts: a late run does not move the
 * next one. Because the grid hangs off the clock's origin, a restarted
 * service (same boot, same clock) keeps every rule's phase.
 *
 * The loop thread calls it like this:
 *
 *   wait = sw_scheduler_wait_ms(s, now, max);   // then sw_engine_run_once
 *   while (sw_scheduler_take_due(s, now, &run)) // submit run.rule_id's check
 *   ...
 *   on completion: if (sw_scheduler_done(s, id, token) == SW_SCHEDULER_CURRENT)
 *                    feed the result to the rule's state tracker
 *
 * A rule never has two runs at a time: a grid instant that comes while the
 * rule's check is still running is skipped and counted, never queued.
 * Every run handed out (by take_due or run_now) must be finished with exactly
 * one sw_scheduler_done, also when submitting its check failed.
 *
 * Not thread-safe: one thread (the service loop) owns a scheduler. */
#ifndef SW_SCHEDULER_H
#define SW_SCHEDULER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_error.h"
#include "sw_macros.h"

#define SW_SCHEDULER_NEVER INT64_MAX /* "no rule is due, ever" */
#define SW_SCHEDULER_INTERVAL_MAX_S 86400u

struct sw_scheduler;

/* One run to start, handed out by sw_scheduler_take_due / _run_now. */
struct sw_scheduler_run {
  int64_t rule_id;
  uint32_t token; /* give it back to sw_scheduler_done */
  bool manual;    /* started by sw_scheduler_run_now, not by the grid */
  int64_t due;    /* grid instant this run is for (manual: the time asked) */
  int64_t start;  /* the `now` it was handed out at; start - due = lateness */
};

/* X(ENUM, name): what a completed run's result is worth. */
#define SW_SCHEDULER_VERDICT_MAP(X)                                                      \
  X(SW_SCHEDULER_CURRENT,                                                                \
    "current") /* the rule is still the one that was checked: use it */                  \
  X(SW_SCHEDULER_STALE,                                                                  \
    "stale") /* removed, re-added or invalidated since: ignore the result */

enum sw_scheduler_verdict { SW_SCHEDULER_VERDICT_MAP(SW_X_1) };

/* What sw_scheduler_get reports about one rule. */
struct sw_scheduler_rule_info {
  uint32_t interval_s;
  bool enabled;
  bool running;     /* a run was handed out and is not done yet */
  int64_t next_due; /* next grid instant, SW_SCHEDULER_NEVER when disabled */
  uint32_t skipped; /* grid instants that passed without a run starting */
};

struct sw_scheduler_stats {
  size_t rules;     /* known rules (not counting removed ones still running) */
  size_t scheduled; /* enabled rules, each holding one timer */
  size_t running;   /* runs handed out and not done */
  uint64_t runs;    /* runs handed out by the grid */
  uint64_t manual_runs;
  uint64_t skipped;    /* sum of the rules' skip counters, removed rules too */
  uint64_t stale;      /* completions reported SW_SCHEDULER_STALE */
  size_t memory_bytes; /* everything the scheduler has allocated */
};

/* Creates an empty scheduler in *out. SW_E_NOMEM if memory ran out. */
enum sw_error sw_scheduler_create(struct sw_scheduler **out);
/* Frees the scheduler; runs still out are forgotten. NULL is harmless. */
void sw_scheduler_destroy(struct sw_scheduler *s);

/* Adds the rule `id`, or updates it, as of `now`. An enabled rule is armed
 * for its next grid instant at or after `now`; a disabled one holds no timer.
 * Updating keeps the rule's running check and its skip counter; a new
 * interval moves it to the new grid at once, an unchanged one leaves its timer
 * alone (so saving a rule's name does not disturb it). Re-adding a rule that
 * was removed while its check was running waits for that check: the grid
 * instants before it ends are skipped, and its completion is STALE.
 * interval_s must be 1..SW_SCHEDULER_INTERVAL_MAX_S (the rule validator asks
 * for 10 or more), else SW_E_INVALID_ARGUMENT. SW_E_NOMEM leaves the
 * scheduler as it was. O(log n). */
enum sw_error sw_scheduler_put(struct sw_scheduler *s, int64_t id, uint32_t interval_s,
                               bool enabled, int64_t now);
/* Forgets the rule `id`; false if it was not known. A check in flight is
 * still awaited (see sw_scheduler_done, which then reports STALE). O(log n). */
bool sw_scheduler_remove(struct sw_scheduler *s, int64_t id);
/* Marks the check in flight for `id`, if any, as no longer describing the
 * rule (its host, port or command changed): its completion will be STALE.
 * The rule still counts as running until then. Returns true if a run was in
 * flight. */
bool sw_scheduler_invalidate(struct sw_scheduler *s, int64_t id);

/* The earliest grid instant of any enabled rule (it may be in the past if
 * the loop is late, or belong to a running rule that will skip it), or
 * SW_SCHEDULER_NEVER. O(1). */
int64_t sw_scheduler_next_due(const struct sw_scheduler *s);
/* How long the loop may wait at `now`: the time to the next due instant in
 * whole milliseconds, rounded up so the loop does not wake just before it
 * and spin; 0 if something is due; at most max_ms. */
uint32_t sw_scheduler_wait_ms(const struct sw_scheduler *s, int64_t now, uint32_t max_ms);
/* Hands out the next run due at `now`: true and *run filled, or false when
 * nothing more is due. Call it until it returns false. Grid instants of
 * running rules are skipped on the way; so are instants the loop slept
 * through (more than one interval late), the run then being for the first of
 * them. Either way the rule moves to its next grid instant after `now`.
 * O(log n) per rule handled. */
bool sw_scheduler_take_due(struct sw_scheduler *s, int64_t now,
                           struct sw_scheduler_run *run);
/* Starts a run of `id` now, whether or not it is enabled, without moving its
 * grid (a "test now" from the rule editor). SW_E_BUSY if its check is
 * running (a rule never runs twice at a time), SW_E_INVALID_ARGUMENT if the
 * rule is not known. */
enum sw_error sw_scheduler_run_now(struct sw_scheduler *s, int64_t id, int64_t now,
                                   struct sw_scheduler_run *run);
/* Ends the run numbered `token` of rule `id`: the rule may run again.
 * Returns CURRENT if the result describes the rule as it is, STALE if the
 * rule was removed, re-added or invalidated meanwhile. A token that is not
 * the run out for `id` (a second completion, which a correct caller never
 * sends) is STALE too and leaves the rule as it is. O(1); a removed rule's
 * memory is freed here. */
enum sw_scheduler_verdict sw_scheduler_done(struct sw_scheduler *s, int64_t id,
                                            uint32_t token);

/* Fills *out for the rule `id`; false if it is not known. */
bool sw_scheduler_get(const struct sw_scheduler *s, int64_t id,
                      struct sw_scheduler_rule_info *out);
/* Runs handed out and not done yet. O(1). */
size_t sw_scheduler_running(const struct sw_scheduler *s);
/* Counters and sizes, for the service's status and the benchmark. */
void sw_scheduler_stats(const struct sw_scheduler *s, struct sw_scheduler_stats *out);
/* "current", "stale"; "unknown" for a value out of range. */
const char *sw_scheduler_verdict_name(enum sw_scheduler_verdict v);

#endif
