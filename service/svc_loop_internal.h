/* What the files of the service loop share (svc_loop.c and its parts:
 * svc_loop_store.c, the database's health and the writing of batches;
 * svc_loop_rules.c, applying lists of rules and settings;
 * svc_loop_checks.c, starting checks and filing their results;
 * svc_loop_pipe.c, the control pipe's glue). Everything here runs on the
 * loop thread only, except where svc_loop.h says otherwise; nothing needs
 * a lock. Not for use outside the loop. */
#ifndef SW_SVC_LOOP_INTERNAL_H
#define SW_SVC_LOOP_INTERNAL_H

#include <windows.h>

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "pipe_server.h"
#include "rule_state.h"
#include "scheduler.h"
#include "store.h"
#include "store_alerts.h"
#include "store_drift.h"
#include "svc_alerts.h"
#include "svc_checkpointer.h"
#include "svc_outbox.h"
#include "svc_loop.h"
#include "svc_metrics.h"
#include "svc_metrics_http.h"
#include "svc_prune.h"
#include "svc_push.h"
#include "svc_requests.h"
#include "svc_rules.h"
#include "svc_rules_watch.h"
#include "svc_stats.h"
#include "svc_writer.h"
#include "sw_macros.h"

/* How often the settings are read again (the rules are watched by a
 * thread of their own, svc_rules_watch.c). */
#define SW_LOOP_SETTINGS_POLL_MS 2000

/* The database's health: one event when it fails (3000), one when it
 * works again (3001), and the retry time in between. */
struct sw_loop_db_health {
  bool failing;
  enum sw_store_error err;                   /* the outage's latest error */
  struct sw_svc_prune prune;                 /* the size cap's run, or a full disk's */
  int64_t since_us;                          /* when the outage began */
  int64_t next_retry_us;                     /* when the store is tried again */
  uint64_t written_at_fail, dropped_at_fail; /* for event 3001's figures */
  bool drop_logged; /* event 3002 (results dropped) said, this outage */
};

struct sw_svc_loop {
  const struct sw_svc_config *cfg;
  const struct sw_svc_hooks *hooks;
  struct sw_engine *engine;
  volatile LONG stop_reason; /* enum sw_svc_stop_reason; set once */
  bool stopping;             /* the loop is ending: cancelled checks are no news */
  struct sw_scheduler *sched;
  struct sw_svc_rules rules;
  struct sw_rule_state_config state_cfg;
  struct sw_svc_writer writer;
  struct sw_store *store; /* NULL while the database cannot be opened */
  /* Checkpoints the store's WAL on the thread pool (NULL: SQLite's
   * automatic ones on `store`); the loop checkpoints itself when it has
   * not for SW_LOOP_CHECKPOINT_STALE_MS (next_own_checkpoint_us). */
  struct sw_svc_checkpointer *checkpointer;
  int64_t next_own_checkpoint_us;
  bool rules_loaded;                /* the first read of the rules succeeded */
  struct sw_svc_rules_watch *watch; /* reads the rules again, once loaded */
  struct sw_loop_db_health db;

  int64_t next_settings_us, next_retention_us;
  bool check_start_failing; /* CHECK_START_FAILED logged, not yet cleared */

  /* Rules with something unsaved (svc_loop_unsaved.c): their ids, each
   * once, in the order they changed; and the scratch a batch collects
   * their records into. */
  struct {
    int64_t *ids;
    size_t len, cap;
    struct sw_store_rule_state *states;
    struct sw_store_track_write *tracks;
    struct sw_store_first_fingerprint *fingerprints;
    struct sw_svc_rule **rules;
    size_t collected; /* rules in `rules` since the last collect */
  } unsaved;

  int64_t started_us;
  struct sw_svc_stats stats;

  /* The control pipe; NULL while it cannot be created (event 4000), tried
   * again at pipe_retry_us, pipe_backoff_ms apart. */
  struct sw_pipe_server *pipe;
  int64_t pipe_retry_us;
  uint32_t pipe_backoff_ms;
  struct sw_svc_requests requests;
  struct sw_svc_alerts alerts;
  struct sw_svc_outbox outbox;
  /* Checks finished per minute, for SERVICE_INFO: a snapshot a minute. */
  int64_t rate_mark_us;
  uint64_t rate_mark_finished, rate_per_min;
  /* The metrics (svc_loop_metrics.c); NULL when none is asked for. */
  struct sw_svc_metrics *metrics;
  struct sw_svc_metrics_http *metrics_http; /* GET /metrics; NULL when off or failed */
  int64_t metrics_next_us;                  /* the next snapshot (monotonic) */
  bool metrics_file_failing;                /* event 4010 said, 4011 not yet */
  uint64_t metrics_db_failures;             /* failed store operations, since the start */
  /* Subscriptions (svc_push.h); NULL if it could not be allocated. */
  struct sw_svc_push *push;
  /* Rolling up the results from before the upgrade to schema 6
   * (svc_loop_rollups.c): whether some remain (true until the store says
   * otherwise), the slice's size, and when the pass began (monotonic). */
  struct {
    bool building, logged;
    size_t slice;
    int64_t began_us;
    uint64_t done;
  } rollups;
};

/* ---- svc_loop.c: time and events ---- */

/* The monotonic clock to "schedule time" (scaled by interval_unit_ms) and
 * back; SW_SCHEDULER_NEVER becomes INT64_MAX, and the way back rounds up
 * so the loop never wakes too early. */
int64_t sw__loop_to_sched(const struct sw_svc_loop *l, int64_t mono_us);
int64_t sw__loop_from_sched(const struct sw_svc_loop *l, int64_t sched_us);
/* Logs event `id` to the Event Log (and console) and keeps a copy for the
 * store's event table; `rule_id` 0 for none. */
void sw__loop_event(struct sw_svc_loop *l, DWORD id, int64_t rule_id, unsigned n,
                    const char *const *strings);
#define LOG_EVENT(l, id, rule_id, ...)                                                   \
  sw__loop_event((l), (id), (rule_id), SW_COUNTOF(((const char *[]){__VA_ARGS__})),      \
                 (const char *[]){__VA_ARGS__})

/* ---- svc_loop_domain.c: a mail domain's results ---- */

/* After each result of a domain rule: event 2050 when the domain's MTA-STS
 * policy id differs from the one of its last check (a new policy, RFC 8461
 * 3.1). The first policy seen after a start is only remembered. */
void sw__loop_domain_result(struct sw_svc_loop *l, struct sw_svc_rule *r,
                            const struct sw_check_result *result);

/* ---- svc_loop_rollups.c: the rollups of the results from before schema 6 ---- */

/* One slice of the pass, if one is left: sized to take about 10 ms, so
 * checks go on between slices. Logs 2030 when it begins, 2031 when done. */
void sw__loop_build_rollups(struct sw_svc_loop *l);

/* ---- svc_loop_store.c: the database's health and the batches ---- */

/* A store call failed while `doing` ("write the results"), `message` the
 * store's words (NULL: the error's text). The first failure of an outage
 * is logged (3000); the next attempt is a retry period away. A damaged or
 * vanished file is closed, to be opened afresh. */
void sw__loop_store_failed(struct sw_svc_loop *l, const char *doing,
                           enum sw_store_error err, const char *message);
/* The same with the open store's last error message. */
void sw__loop_store_failed_on(struct sw_svc_loop *l, const char *doing,
                              enum sw_store_error err);
/* Opens the database; on failure l->store stays NULL and the outage is
 * logged. */
void sw__loop_open_store(struct sw_svc_loop *l);
/* Writes one batch if one is due (or, when `force`, whatever waits).
 * Returns true if something was written. */
bool sw__loop_write_batch(struct sw_svc_loop *l, bool force);

/* At most this many checks in flight (svc_loop.c): 333 checks a second
 * that all take their whole 7 s timeout need 2,331. */
#define SW_SVC_CHECKS_IN_FLIGHT_MAX 4096
/* A turn of the loop starts checks for at most this long (svc_loop.c). */
#define SW_SVC_START_BUDGET_US 20000

/* svc_loop_unsaved.c: what of the rules waits for a batch. */
#define SW_SVC_UNSAVED_BATCH_MAX 2000 /* rules a batch takes at most */
/* Marks `what` (SW_SVC_UNSAVED_*) of rule `r` as changed. */
void sw__loop_unsaved(struct sw_svc_loop *l, struct sw_svc_rule *r, unsigned what);
/* True if some rule has something unsaved. */
static inline bool sw__loop_has_unsaved(const struct sw_svc_loop *l)
{
  return l->unsaved.len > 0;
}
/* Collects the unsaved records of at most SW_SVC_UNSAVED_BATCH_MAX rules
 * into *b's states, tracks and fingerprints (pointing into the loop's
 * scratch); returns how many rules were looked at. */
size_t sw__loop_unsaved_collect(struct sw_svc_loop *l, struct sw_store_batch *b);
/* The batch with the first `looked_at` rules' records was written. */
void sw__loop_unsaved_written(struct sw_svc_loop *l, size_t looked_at);
void sw__loop_unsaved_free(struct sw_svc_loop *l);
/* The store's part of a turn: open, read rules, write, delete old rows. */
void sw__loop_tend_store(struct sw_svc_loop *l, int64_t now);

/* ---- svc_loop_rules.c: rules and settings ---- */

/* Reads the state trackers' settings from the open store. */
void sw__loop_load_settings(struct sw_svc_loop *l);
/* Applies the store's list of rules (consumed) to the table and the
 * scheduler; logs 3003 (rules reloaded) once the rules were loaded. */
void sw__loop_apply_rules(struct sw_svc_loop *l, struct sw_store_rule_list *list);
/* Reads rule `rule_id` from the store and applies it alone (or its
 * removal) to the table: a change made through the pipe, at the cost of
 * one rule however many there are. A read failure leaves it to the
 * watcher's next list. */
void sw__loop_apply_rule(struct sw_svc_loop *l, int64_t rule_id);
/* The first read of the rules and their saved states, from the open store;
 * then starts the watcher. */
void sw__loop_load_rules_now(struct sw_svc_loop *l);
/* Applies a list or files a read failure from the watcher, if it has one. */
void sw__loop_take_watched_rules(struct sw_svc_loop *l);

/* ---- svc_loop_checks.c ---- */

/* Starts the check the scheduler handed out; its result is filed when it
 * completes (state trackers, events, the writer's buffer). */
void sw__loop_start_check(struct sw_svc_loop *l, const struct sw_scheduler_run *run);

/* ---- svc_loop_drift.c ---- */

/* At the first read of the rules: each rule's accepted fingerprint and
 * drift, from the store. */
void sw__loop_drift_load(struct sw_svc_loop *l);
/* Before a result of rule `r` is judged: compares the server's
 * fingerprint with the accepted one (the first good check accepts it) and
 * makes a good result capabilities_changed while they differ. */
void sw__loop_drift_result(struct sw_svc_loop *l, struct sw_svc_rule *r,
                           struct sw_check_result *res);
/* What rule `r`'s checks do changed: its fingerprints are forgotten, and
 * its next good check accepts afresh. */
void sw__loop_drift_forget(struct sw_svc_loop *l, struct sw_svc_rule *r);

/* ---- svc_loop_alerts.c ---- */

/* After a result of rule `r` was fed to its state tracker (its state was
 * `before`): keeps the result's words, ends an acknowledgement of another
 * state, and decides whether to tell, for the rule and, when it went down
 * or came back, for the rules that depend on it. */
void sw__loop_alert_result(struct sw_svc_loop *l, struct sw_svc_rule *r,
                           const struct sw_check_result *res,
                           enum sw_nagios_status before);
/* The alerts' part of a turn: (re)reads the alert settings when they are
 * stale, and once a second looks at the maintenance windows and at the
 * decisions that are due. */
void sw__loop_tend_alerts(struct sw_svc_loop *l, int64_t now_us);
/* When the alerts want the loop awake (monotonic us; INT64_MAX: never). */
int64_t sw__loop_alerts_wake_us(const struct sw_svc_loop *l);

/* ---- svc_loop_outbox.c, svc_loop_mail.c ---- */

/* The outbox's part of a turn: once a second, or sooner when an attempt
 * came back, attempts the notifications that are due (as many as there is
 * room for), and now and then deletes old finished ones. */
void sw__loop_tend_outbox(struct sw_svc_loop *l, int64_t now_us);
/* When the outbox wants the loop awake (monotonic us; INT64_MAX: never). */
int64_t sw__loop_outbox_wake_us(const struct sw_svc_loop *l);
/* An attempt at notification `outbox_id` came back: records it (sent, to
 * be tried again, or given up) with `error` ("" when sent) and, for a
 * program, its exit code and output. */
void sw__loop_outbox_done(struct sw_svc_loop *l, int64_t outbox_id, bool ok,
                          const char *error, const struct sw_svc_delivery *program);

/* ---- svc_loop_send.c, svc_loop_mail.c: one notification, one notifier ---- */

/* What came of sending: `error` "" when it went out; `program` the
 * program notifier's delivery (exit code, output), else NULL. */
typedef void (*sw_loop_sent_fn)(struct sw_svc_loop *l, void *ctx, bool ok,
                                const char *error, const struct sw_svc_delivery *program);
/* Sends `note` through notifier `nf`: `done` is called once, on the loop
 * thread, unless this returns false (with a sentence in why[size]); it is
 * not called for a send still out when the loop stops. */
bool sw__loop_send(struct sw_svc_loop *l, const struct sw_store_notifier *nf,
                   const struct sw_alert_note *note, sw_loop_sent_fn done, void *ctx,
                   char *why, size_t size);
/* sw__loop_send for an e-mail notifier (svc_loop_mail.c). */
bool sw__loop_mail_start(struct sw_svc_loop *l, const struct sw_store_notifier *nf,
                         const struct sw_alert_note *note, sw_loop_sent_fn done,
                         void *ctx, char *why, size_t size);
/* The notifier's secret, decrypted (wipe and free it with sw_secret_free);
 * false with a sentence. */
bool sw__loop_read_secret(struct sw_svc_loop *l, int64_t notifier_id,
                          unsigned char **plain, size_t *len, char *why, size_t size);

/* ---- svc_loop_pipe.c ---- */

/* Opens the control pipe, or schedules the next try (l->pipe stays NULL). */
void sw__loop_start_pipe(struct sw_svc_loop *l);
/* Takes the checks-per-minute snapshot when a minute has passed. */
void sw__loop_update_rate(struct sw_svc_loop *l, int64_t now);
/* The pipe's part of a turn: the server's tick and the subscribers' pushes
 * (their time counted as the pipe's, for --stats-file). */
void sw__loop_tend_pipe(struct sw_svc_loop *l);

/* ---- svc_loop_metrics.c ---- */

/* Keeps what the metrics show of rule `r`'s latest result. */
void sw__loop_metrics_result(struct sw_svc_rule *r, const struct sw_check_result *res);
/* Sets up the metrics the configuration asks for (none: nothing). */
void sw__loop_metrics_start(struct sw_svc_loop *l);
/* The metrics' part of a turn: every metrics_interval_s a snapshot for the
 * worker, and the events about the file. */
void sw__loop_tend_metrics(struct sw_svc_loop *l, int64_t now);
/* When the metrics want the loop awake (monotonic us; INT64_MAX: never). */
int64_t sw__loop_metrics_wake_us(const struct sw_svc_loop *l);

#endif
