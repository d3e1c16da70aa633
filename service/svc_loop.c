/* The service loop: one thread owns the engine, the scheduler, the rule
 * table with its state trackers, the result buffer and the store.
 *
 * Each turn: (re)open the store or re-read the rules when it is time, start
 * every check the scheduler says is due, write a batch when one is due,
 * then wait in sw_engine_run_once until the earliest of: a completion, the
 * next due rule, the next batch or retry. Completions run on this thread
 * too (the engine's callbacks), so nothing here needs a lock; only
 * sw_svc_loop_stop comes from other threads, and it only sets a flag and
 * wakes the engine.
 *
 * Time: the engine and the batches use the monotonic clock; the store and
 * the state trackers wall-clock time (it is shown to users). The scheduler
 * runs on "schedule time", the monotonic clock scaled by interval_unit_ms
 * (1000 in production, so the same), which lets tests run 10 s intervals
 * in a fraction of the time without touching check timeouts. */

#include "svc_loop_internal.h"

#include <shlobj.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "svc_eventlog.h"
#include "win_error.h"

/* Time allowed for writing what is buffered when stopping: the SCM is told
 * to expect the stop within 5 s. */
#define STOP_FLUSH_BUDGET_MS 2500
/* The longest the loop sleeps: stop requests wake it at once anyway. */
#define MAX_WAIT_MS 1000

/* ---- time ------------------------------------------------------------- */

int64_t sw__loop_to_sched(const struct sw_svc_loop *l, int64_t mono_us)
{
  return mono_us * 1000 / l->cfg->interval_unit_ms;
}

int64_t sw__loop_from_sched(const struct sw_svc_loop *l, int64_t sched_us)
{
  if (sched_us == SW_SCHEDULER_NEVER)
    return INT64_MAX;
  int64_t unit = l->cfg->interval_unit_ms;
  return (sched_us * unit + 999) / 1000; /* round up: never wake too early */
}

/* ---- events ----------------------------------------------------------- */

/* Logs event `id` to the Event Log (and console) and keeps a copy for the
 * store's event table. */
void sw__loop_event(struct sw_svc_loop *l, DWORD id, int64_t rule_id, unsigned n,
                    const char *const *strings)
{
  DWORD sev = id >> 30;
  struct sw_store_event ev = {
      .at_ms = sw_clock_wall_us() / 1000,
      .event_id = id & 0xffff,
      .severity = sev == STATUS_SEVERITY_ERROR     ? SW_EVENT_ERROR
                  : sev == STATUS_SEVERITY_WARNING ? SW_EVENT_WARNING
                                                   : SW_EVENT_INFO,
      .rule_id = rule_id,
      .message = sw_svc_event_logged(id, n, strings),
  };
  if (l->push)
    sw_svc_push_event(l->push, &ev); /* before the writer takes the message */
  sw_svc_writer_add_event(&l->writer, &ev, sw_clock_now_us());
}

/* Counts the time since `since` to `part` of the turn; returns now. */
static int64_t lap(struct sw_svc_loop *l, enum sw_svc_loop_part part, int64_t since)
{
  int64_t now = sw_clock_now_us();
  sw_svc_stats_part(&l->stats, part, now - since);
  return now;
}

/* Checks in flight are capped: a loop that falls behind (its checks'
 * answers handled late, their deadlines passing) must not open ever more
 * sockets. Rules past the cap start late, as they come free. */
static bool may_start_more(const struct sw_svc_loop *l)
{
  return sw_scheduler_running(l->sched) < SW_SVC_CHECKS_IN_FLIGHT_MAX;
}

/* Starts the checks due at `now`, for at most SW_SVC_START_BUDGET_US: what
 * remains due waits for the next turn, after the engine has handled what
 * came in meanwhile. Without the budget a loop whose starts take longer
 * than the checks take to come due (under Wine, with thousands of sockets
 * open, a start took 8.7 ms at 333 due a second) would start checks for
 * ever and read none of their answers: every check timed out. */
static void start_due_checks(struct sw_svc_loop *l, int64_t now)
{
  int64_t sched_now = sw__loop_to_sched(l, now);
  int64_t stop_at = now + SW_SVC_START_BUDGET_US;
  struct sw_scheduler_run run;
  while (may_start_more(l) && sw_scheduler_take_due(l->sched, sched_now, &run)) {
    sw__loop_start_check(l, &run);
    if (sw_clock_now_us() >= stop_at)
      break;
  }
}

/* How long the loop may sleep at `now`, in ms. */
static uint32_t wait_ms(struct sw_svc_loop *l, int64_t now)
{
  int64_t until = now + MAX_WAIT_MS * 1000;
  /* At the cap, what is due waits for a check to end (a completion wakes
   * the engine), not for the time. */
  int64_t due = sw__loop_from_sched(l, sw_scheduler_next_due(l->sched));
  if (due < until && may_start_more(l))
    until = due;
  if (!l->store || l->db.failing) {
    if (l->db.next_retry_us < until)
      until = l->db.next_retry_us;
  } else {
    if (l->writer.oldest_us || sw__loop_has_unsaved(l)) {
      int64_t batch = l->writer.oldest_us ? l->writer.oldest_us : now;
      batch += (int64_t)SW_SVC_BATCH_DELAY_MS * 1000;
      if (batch < until)
        until = batch;
    }
    if (l->next_settings_us < until)
      until = l->next_settings_us;
    if (sw__loop_alerts_wake_us(l) < until)
      until = sw__loop_alerts_wake_us(l);
    if (sw__loop_outbox_wake_us(l) < until)
      until = sw__loop_outbox_wake_us(l);
    if (l->rollups.building)
      until = now; /* the next slice, once the engine has had its turn */
  }
  if (sw__loop_metrics_wake_us(l) < until)
    until = sw__loop_metrics_wake_us(l);
  if (!l->pipe && l->pipe_backoff_ms && l->pipe_retry_us < until)
    until = l->pipe_retry_us;
  if (l->push && sw_svc_push_wake_us(l->push) < until)
    until = sw_svc_push_wake_us(l->push);
  return until <= now ? 0 : (uint32_t)((until - now + 999) / 1000);
}

/* ---- the loop --------------------------------------------------------- */

DWORD sw_svc_loop_create(struct sw_svc_loop **out, const struct sw_svc_config *cfg)
{
  *out = NULL;
  struct sw_svc_loop *l = calloc(1, sizeof *l);
  unsigned long win_error = 0;
  enum sw_error err = l ? sw_engine_create(&l->engine, &win_error) : SW_E_NOMEM;
  if (!err)
    err = sw_scheduler_create(&l->sched);
  if (err) {
    char text[256];
    struct sw_svc_args a = {0};
    SW_SVC_EVENT(SW_MSG_SERVICE_START_FAILED,
                 sw_svc_arg(&a, "%s.",
                            err == SW_E_SYSTEM
                                ? sw_win_error_sentence(text, sizeof text, win_error,
                                                        "networking could not be set up")
                                : sw_error_text(err)),
                 "Restart the service; if this persists, restart the computer.");
    if (l) {
      sw_engine_destroy(l->engine);
      free(l);
    }
    return err == SW_E_SYSTEM && win_error ? (DWORD)win_error : ERROR_NOT_ENOUGH_MEMORY;
  }
  l->cfg = cfg;
  sw_svc_rules_init(&l->rules);
  sw_rule_state_config_defaults(&l->state_cfg);
  sw_svc_writer_init(&l->writer, cfg->buffer_results);
  sw_svc_alerts_init(&l->alerts);
  sw_outbox_retry_defaults(&l->outbox.retry);
  /* Without it no webhook, program or restart goes out (each attempt says
   * so and stays pending); checks and mails are unaffected. */
  l->outbox.deliveries = sw_svc_deliveries_create(l->engine);
  DWORD size = sizeof l->outbox.machine;
  if (!GetComputerNameExA(ComputerNameDnsFullyQualified, l->outbox.machine, &size) ||
      !l->outbox.machine[0]) {
    size = sizeof l->outbox.machine;
    if (!GetComputerNameExA(ComputerNameNetBIOS, l->outbox.machine, &size))
      snprintf(l->outbox.machine, sizeof l->outbox.machine, "localhost");
  }
  sw_svc_stats_init(&l->stats, cfg->stats_file[0] != L'\0');
  /* Without it the service works as a version 3 one would for clients:
   * SUBSCRIBE is answered `busy`, and editors poll. */
  struct sw_svc_push_source src = {.rules = &l->rules,
                                   .parent_down = sw_svc_rules_parent_down};
  l->push = sw_svc_push_create(&src);
  *out = l;
  return 0;
}

void sw_svc_loop_stop(struct sw_svc_loop *l, enum sw_svc_stop_reason why)
{
  InterlockedCompareExchange(&l->stop_reason, (LONG)why, SW_SVC_STOP_NONE);
  sw_engine_stop(l->engine);
}

static void progress(struct sw_svc_loop *l)
{
  if (l->hooks && l->hooks->progress)
    l->hooks->progress(l->hooks->ctx);
}

/* Creates the data directory; false after logging why not. */
static bool make_data_dir(struct sw_svc_loop *l)
{
  int rc = SHCreateDirectoryExW(NULL, l->cfg->data_dir, NULL);
  if (rc == ERROR_SUCCESS || rc == ERROR_ALREADY_EXISTS)
    return true;
  char text[1024];
  struct sw_svc_args a = {0};
  SW_SVC_EVENT(SW_MSG_SERVICE_START_FAILED,
               sw_svc_arg(&a, "%s.",
                          sw_win_error_sentence(text, sizeof text, (unsigned long)rc,
                                                "The data directory %s cannot be created",
                                                l->cfg->data_dir_utf8)),
               "Give the service account write access to its parent folder, or start "
               "the service with --data-dir DIR.");
  return false;
}

static const char *stop_reason_text(enum sw_svc_stop_reason r)
{
  switch (r) {
  case SW_SVC_STOP_SCM:
    return "stop request from the Service Control Manager";
  case SW_SVC_STOP_SHUTDOWN:
    return "the system is shutting down";
  case SW_SVC_STOP_CONSOLE:
    return "Ctrl+C or the console closing";
  default:
    return "an internal error";
  }
}

/* Ends the run: writes what waits (within STOP_FLUSH_BUDGET_MS), logs the
 * stop and closes the store. The engine has cancelled every check. */
static void finish(struct sw_svc_loop *l)
{
  /* Clients first: their pending "test now" checks were cancelled with
   * the rest and have answered. */
  sw_pipe_server_stop(l->pipe);
  l->pipe = NULL;
  sw_svc_rules_watch_stop(l->watch); /* waits for a read in progress, if any */
  l->watch = NULL;
  int64_t deadline = sw_clock_now_us() + (int64_t)STOP_FLUSH_BUDGET_MS * 1000;
  l->db.next_retry_us = 0; /* a failing database gets one last try, now */
  while (l->store && sw_clock_now_us() < deadline &&
         (sw_svc_writer_pending(&l->writer) || sw__loop_has_unsaved(l))) {
    if (!sw__loop_write_batch(l, true))
      break;
    progress(l);
  }
  enum sw_svc_stop_reason why = (enum sw_svc_stop_reason)l->stop_reason;
  struct sw_svc_args a = {0};
  LOG_EVENT(l, SW_MSG_SERVICE_STOPPED, 0, stop_reason_text(why),
            sw_svc_arg(&a, "%" PRId64, (sw_clock_now_us() - l->started_us) / 1000000),
            sw_svc_arg(&a, "%" PRIu64, l->stats.finished),
            sw_svc_arg(&a, "%" PRIu64, l->writer.written),
            sw_svc_arg(&a, "%" PRIu64,
                       l->writer.dropped + (uint64_t)sw_svc_writer_pending(&l->writer)));
  if (l->store && !l->db.failing)
    sw__loop_write_batch(l, true); /* the stop event itself, for the editor's history */
  struct sw_scheduler_stats sched;
  sw_scheduler_stats(l->sched, &sched);
  if (l->push) {
    struct sw_svc_push_stats push;
    sw_svc_push_stats(l->push, &push);
    sw_svc_stats_pushes(&l->stats, push.pushes, push.bytes, push.resyncs);
  }
  struct sw_svc_rules_memory mem;
  sw_svc_rules_memory(&l->rules, &mem);
  sw_svc_stats_write(&l->stats, l->cfg->stats_file, l->rules.count, l->rules.enabled,
                     &sched, &mem, l->writer.written, l->writer.dropped,
                     sw_clock_now_us() - l->started_us);
  sw_svc_checkpointer_stop(l->checkpointer); /* the loop's close checkpoints last */
  l->checkpointer = NULL;
  sw_store_close(l->store);
  l->store = NULL;
}

DWORD sw_svc_loop_run(struct sw_svc_loop *l, const struct sw_svc_hooks *hooks)
{
  l->hooks = hooks;
  /* The engine's drain at sw_svc_loop_destroy waits for lookups and
   * certificate validations: the SCM hears of it as checkpoints. */
  if (hooks && hooks->progress)
    sw_engine_set_stop_progress(l->engine, hooks->progress, hooks->ctx);
  l->started_us = sw_clock_now_us();
  progress(l);
  if (!make_data_dir(l))
    return ERROR_PATH_NOT_FOUND;
  progress(l);
  /* A database that cannot be opened or read does not stop the service:
   * it says so once and keeps trying (tend_store). */
  l->checkpointer = sw_svc_checkpointer_create(l->cfg->db_path_utf8);
  sw__loop_open_store(l);
  progress(l);
  if (l->store)
    sw__loop_load_rules_now(l);
  l->next_settings_us = sw_clock_now_us() + (int64_t)SW_LOOP_SETTINGS_POLL_MS * 1000;
  l->next_retention_us = sw_clock_now_us() + 10 * 1000000; /* not while starting */
  struct sw_svc_args a = {0};
  LOG_EVENT(l, SW_MSG_SERVICE_STARTED, 0, SW_VERSION_TEXT,
            sw_svc_arg(&a, "%zu", l->rules.enabled),
            sw_svc_arg(&a, "%zu", l->rules.count), l->cfg->data_dir_utf8);
  sw__loop_start_pipe(l);
  sw__loop_metrics_start(l);
  if (hooks && hooks->running)
    hooks->running(hooks->ctx);

  for (;;) {
    int64_t now = sw_clock_now_us(), turn = now;
    sw__loop_tend_store(l, now);
    int64_t t = lap(l, SW_SVC_PART_STORE, now);
    sw__loop_tend_alerts(l, now);
    t = lap(l, SW_SVC_PART_ALERTS, t);
    sw__loop_tend_outbox(l, now);
    t = lap(l, SW_SVC_PART_OUTBOX, t);
    sw__loop_tend_metrics(l, now);
    t = lap(l, SW_SVC_PART_METRICS, t);
    start_due_checks(l, t);
    t = lap(l, SW_SVC_PART_START, t);
    int64_t filed = l->stats.part_us[SW_SVC_PART_RESULTS];
    if (!sw_engine_run_once(l->engine, wait_ms(l, t)))
      break; /* stopped: every check in flight was cancelled */
    t = lap(l, SW_SVC_PART_ENGINE, t);
    l->stats.part_us[SW_SVC_PART_ENGINE] -= l->stats.part_us[SW_SVC_PART_RESULTS] - filed;
    sw__loop_update_rate(l, t);
    if (l->pipe)
      sw__loop_tend_pipe(l);
    else if (t >= l->pipe_retry_us)
      sw__loop_start_pipe(l);
    t = lap(l, SW_SVC_PART_PIPE, t);
    sw_svc_stats_turn(&l->stats, t - turn);
  }
  l->stopping = true;
  if (hooks && hooks->stopping)
    hooks->stopping(hooks->ctx);
  finish(l);
  return 0;
}

void sw_svc_loop_destroy(struct sw_svc_loop *l)
{
  if (!l)
    return;
  l->stopping = true;
  /* Deliveries still running on the thread pool let go of the engine; the
   * notifications stay pending in the outbox. Then the last completions
   * are drained; callbacks of checks and deliveries still live see
   * `stopping` and file nothing. */
  sw_svc_deliveries_detach(l->outbox.deliveries);
  l->outbox.deliveries = NULL;
  sw_engine_destroy(l->engine);
  sw_svc_rules_watch_stop(l->watch);
  sw_svc_metrics_http_stop(l->metrics_http); /* before the text it serves */
  sw_svc_metrics_destroy(l->metrics);        /* waits for a snapshot being written */
  sw_svc_checkpointer_stop(l->checkpointer); /* the loop's close checkpoints last */
  sw_store_close(l->store);
  sw_scheduler_destroy(l->sched);
  sw_svc_rules_free(&l->rules);
  sw_svc_writer_free(&l->writer);
  sw_svc_stats_free(&l->stats);
  sw_svc_alerts_free(&l->alerts);
  sw_svc_outbox_free(&l->outbox);
  sw_svc_push_destroy(l->push);
  sw__loop_unsaved_free(l);
  free(l);
}
