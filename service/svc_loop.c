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
#include "svc_loop.h"

#include <shlobj.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine.h"
#include "nagios_report.h"
#include "rule_state.h"
#include "scheduler.h"
#include "store.h"
#include "pipe_protocol.h"
#include "pipe_server.h"
#include "svc_eventlog.h"
#include "svc_prune.h"
#include "svc_reserve.h"
#include "svc_requests.h"
#include "svc_rules.h"
#include "svc_rules_watch.h"
#include "svc_stats.h"
#include "svc_writer.h"
#include "win_error.h"

/* How often the settings are read again (the rules are watched by a
 * thread of their own, svc_rules_watch.c), a failing database is retried,
 * and old results are deleted. */
#define SETTINGS_POLL_MS 2000
#define STORE_RETRY_MS 5000
#define RETENTION_EVERY_MS 60000
#define RETENTION_ROWS 2000
/* A write waits at most this long for another program's lock: the loop
 * must keep serving checks. */
#define STORE_BUSY_TIMEOUT_MS 250
/* Time allowed for writing what is buffered when stopping: the SCM is told
 * to expect the stop within 5 s. */
#define STOP_FLUSH_BUDGET_MS 2500
/* The longest the loop sleeps: stop requests wake it at once anyway. */
#define MAX_WAIT_MS 1000

/* Settings (store) that tune the state trackers; docs/service.md. */
#define SETTING_FAIL_THRESHOLD "fail_threshold"
#define SETTING_FLAP_CHANGES "flap_changes"
#define SETTING_FLAP_WINDOW_S "flap_window_s"

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
  struct sw_store *store;           /* NULL while the database cannot be opened */
  bool rules_loaded;                /* the first read of the rules succeeded */
  struct sw_svc_rules_watch *watch; /* reads the rules again, once loaded */

  /* The database's health: one event when it fails, one when it works. */
  bool store_failing;
  enum sw_store_error fail_err; /* the outage's latest error */
  struct sw_svc_prune prune;    /* the size cap's run, or a full disk's */
  int64_t fail_since_us, next_retry_us;
  uint64_t written_at_fail, dropped_at_fail;
  bool drop_logged;

  int64_t next_settings_us, next_retention_us;
  bool check_start_failing; /* CHECK_START_FAILED logged, not yet cleared */

  struct sw_store_rule_state *states; /* scratch for the batch's rule states */
  struct sw_svc_rule **state_rules;
  size_t states_cap;
  size_t dirty_states;

  int64_t started_us;
  struct sw_svc_stats stats;

  /* The control pipe; NULL while it cannot be created (event 4000), tried
   * again at pipe_retry_us, pipe_backoff_ms apart. */
  struct sw_pipe_server *pipe;
  int64_t pipe_retry_us;
  uint32_t pipe_backoff_ms;
  struct sw_svc_requests requests;
  /* Checks finished per minute, for SERVICE_INFO: a snapshot a minute. */
  int64_t rate_mark_us;
  uint64_t rate_mark_finished, rate_per_min;
};

/* A check in flight: what its callback needs to file the result. */
struct inflight {
  struct sw_svc_loop *loop;
  int64_t rule_id;
  uint32_t token;
  int64_t started_at_ms;
};

/* ---- time ------------------------------------------------------------- */

static int64_t wall_us(void)
{
  FILETIME ft;
  GetSystemTimePreciseAsFileTime(&ft);
  int64_t t = (int64_t)(((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime);
  return t / 10 - INT64_C(11644473600000000); /* 1601 -> 1970 */
}

static int64_t to_sched(const struct sw_svc_loop *l, int64_t mono_us)
{
  return mono_us * 1000 / l->cfg->interval_unit_ms;
}

static int64_t from_sched(const struct sw_svc_loop *l, int64_t sched_us)
{
  if (sched_us == SW_SCHEDULER_NEVER)
    return INT64_MAX;
  int64_t unit = l->cfg->interval_unit_ms;
  return (sched_us * unit + 999) / 1000; /* round up: never wake too early */
}

/* ---- events ----------------------------------------------------------- */

/* Logs event `id` to the Event Log (and console) and keeps a copy for the
 * store's event table. */
static void log_event(struct sw_svc_loop *l, DWORD id, int64_t rule_id, unsigned n,
                      const char *const *strings)
{
  sw_svc_event(id, n, strings);
  DWORD sev = id >> 30;
  struct sw_store_event ev = {
      .at_ms = wall_us() / 1000,
      .event_id = id & 0xffff,
      .severity = sev == STATUS_SEVERITY_ERROR     ? SW_EVENT_ERROR
                  : sev == STATUS_SEVERITY_WARNING ? SW_EVENT_WARNING
                                                   : SW_EVENT_INFO,
      .rule_id = rule_id,
      .message = sw_svc_event_text(id, n, strings),
  };
  sw_svc_writer_add_event(&l->writer, &ev, sw_clock_now_us());
}
#define LOG_EVENT(l, id, rule_id, ...)                                                   \
  log_event((l), (id), (rule_id),                                                        \
            sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *),                \
            (const char *[]){__VA_ARGS__})

static void log_rule_event(struct sw_svc_loop *l, const struct sw_svc_rule *r,
                           const struct sw_rule_state_event *ev,
                           const struct sw_check_result *res)
{
  struct sw_svc_rule_event_text t;
  if (sw_svc_rule_event_text(&t, &r->rule, ev, res, &l->state_cfg))
    log_event(l, t.id, r->rule.id, SW_SVC_RULE_EVENT_STRINGS, t.strings);
}

/* ---- the database's health ------------------------------------------- */

/* A store call failed while `doing` ("write the results"). The first
 * failure of an outage is logged; the next attempt is STORE_RETRY_MS away.
 * A damaged or vanished file is closed, to be opened afresh. */
static void store_failed(struct sw_svc_loop *l, const char *doing,
                         enum sw_store_error err, const char *message)
{
  int64_t now = sw_clock_now_us();
  l->next_retry_us = now + (int64_t)STORE_RETRY_MS * 1000;
  l->fail_err = err;
  if (!l->store_failing) {
    l->store_failing = true;
    l->fail_since_us = now;
    l->written_at_fail = l->writer.written;
    l->dropped_at_fail = l->writer.dropped;
    l->drop_logged = false;
    char max[24], retry[16], detail[SW_STORE_MESSAGE_MAX + 64];
    snprintf(max, sizeof max, "%zu", l->writer.max_results);
    snprintf(retry, sizeof retry, "%d", STORE_RETRY_MS / 1000);
    snprintf(detail, sizeof detail, "%s (%s)",
             message && message[0] ? message : sw_store_error_text(err),
             sw_store_error_name(err));
    LOG_EVENT(l, SW_MSG_DB_UNAVAILABLE, 0, l->cfg->db_path_utf8, doing, detail, max,
              retry, sw_store_error_text(err));
  }
  if (l->store && (err == SW_STORE_CORRUPT || err == SW_STORE_IO ||
                   err == SW_STORE_CANTOPEN || err == SW_STORE_NOT_OURS)) {
    sw_store_close(l->store);
    l->store = NULL;
  }
}

static void store_failed_on(struct sw_svc_loop *l, const char *doing,
                            enum sw_store_error err)
{
  store_failed(l, doing, err, l->store ? sw_store_last_error(l->store)->message : NULL);
}

/* Everything waiting was written: an outage, if any, is over. */
static void store_worked(struct sw_svc_loop *l)
{
  if (!l->store_failing || sw_svc_writer_pending(&l->writer) > 0)
    return;
  l->store_failing = false;
  char secs[24], written[24], dropped[24];
  snprintf(secs, sizeof secs, "%" PRId64,
           (sw_clock_now_us() - l->fail_since_us) / 1000000);
  snprintf(written, sizeof written, "%" PRIu64, l->writer.written - l->written_at_fail);
  snprintf(dropped, sizeof dropped, "%" PRIu64, l->writer.dropped - l->dropped_at_fail);
  LOG_EVENT(l, SW_MSG_DB_RECOVERED, 0, l->cfg->db_path_utf8, secs, written, dropped);
}

/* ---- rules ------------------------------------------------------------ */

static void schedule_rule(struct sw_svc_loop *l, struct sw_svc_rule *r)
{
  if (!r->valid) {
    sw_scheduler_remove(l->sched, r->rule.id);
    char id[24];
    snprintf(id, sizeof id, "%" PRId64, r->rule.id);
    LOG_EVENT(l, SW_MSG_RULE_INVALID, r->rule.id, r->rule.name, id, r->problem);
    return;
  }
  enum sw_error err = sw_scheduler_put(l->sched, r->rule.id, r->rule.interval_s,
                                       r->rule.enabled, to_sched(l, sw_clock_now_us()));
  if (err) {
    /* Out of memory: the rule is not checked until the next change of it;
     * say so as a rule that cannot be checked. */
    snprintf(r->problem, sizeof r->problem, "%s", sw_error_text(err));
    r->valid = false;
  }
}

static void on_rule_added(void *ctx, struct sw_svc_rule *r)
{
  schedule_rule(ctx, r);
}

static void on_rule_changed(void *ctx, struct sw_svc_rule *r, bool check_changed)
{
  struct sw_svc_loop *l = ctx;
  if (check_changed)
    sw_scheduler_invalidate(l->sched, r->rule.id);
  schedule_rule(l, r);
}

static void on_rule_removed(void *ctx, struct sw_svc_rule *r)
{
  struct sw_svc_loop *l = ctx;
  sw_scheduler_remove(l->sched, r->rule.id);
  if (r->state_dirty)
    l->dirty_states--;
}

static uint32_t setting_u32(struct sw_store *st, const char *key, uint32_t fallback)
{
  char *value = NULL;
  if (sw_store_setting_get(st, key, &value) != SW_STORE_OK || !value)
    return fallback;
  char *end;
  unsigned long v = strtoul(value, &end, 10);
  bool ok = *value && !*end && v <= UINT32_MAX;
  free(value);
  return ok ? (uint32_t)v : fallback;
}

/* The state trackers' settings; out-of-range values fall back to the
 * defaults rather than stop the service (docs/service.md). */
static void load_settings(struct sw_svc_loop *l)
{
  struct sw_rule_state_config cfg;
  sw_rule_state_config_defaults(&cfg);
  cfg.fail_threshold = setting_u32(l->store, SETTING_FAIL_THRESHOLD, cfg.fail_threshold);
  cfg.flap_changes = setting_u32(l->store, SETTING_FLAP_CHANGES, cfg.flap_changes);
  cfg.flap_window_us = (int64_t)setting_u32(l->store, SETTING_FLAP_WINDOW_S,
                                            (uint32_t)(cfg.flap_window_us / 1000000)) *
                       1000000;
  if (!sw_rule_state_config_valid(&cfg))
    sw_rule_state_config_defaults(&cfg);
  l->state_cfg = cfg;
}

/* At the first successful read of the rules: each rule goes on from the
 * state the store kept (so a restart neither repeats nor loses events). */
static void restore_states(struct sw_svc_loop *l)
{
  struct sw_store_state_list list = {0};
  enum sw_store_error err = sw_store_state_load(l->store, &list);
  if (err) {
    store_failed_on(l, "read the rule states", err);
    return;
  }
  for (size_t i = 0; i < list.count; i++) {
    const struct sw_store_rule_state *s = &list.items[i];
    struct sw_svc_rule *r = sw_svc_rules_find(&l->rules, s->rule_id);
    if (!r)
      continue;
    struct sw_rule_state_saved saved = {
        .state = s->state,
        .consecutive = s->failures,
        .since = s->since_ms * 1000,
        .last_result_at = s->last_result_at_ms * 1000,
        .last_outcome = s->last_outcome,
        .flapping = false, /* the store does not keep it */
    };
    if (sw_rule_state_restore(&r->state, &saved) != SW_E_OK)
      sw_rule_state_init(&r->state);
  }
  sw_store_state_list_free(&list);
}

/* Applies the store's list of rules (consumed) to the table. */
static void apply_rules(struct sw_svc_loop *l, struct sw_store_rule_list *list)
{
  int64_t t0 = sw_clock_now_us();
  struct sw_svc_rules_observer obs = {.ctx = l,
                                      .added = on_rule_added,
                                      .changed = on_rule_changed,
                                      .removed = on_rule_removed};
  struct sw_svc_rules_diff diff;
  enum sw_error e = sw_svc_rules_sync(&l->rules, list, &obs, &diff);
  sw_store_rule_list_free(list);
  if (e)
    return; /* out of memory: the watcher's next list tries again */
  if (l->rules_loaded && (diff.added || diff.changed || diff.removed)) {
    char en[24], all[24], a[24], c[24], r[24];
    snprintf(en, sizeof en, "%zu", l->rules.enabled);
    snprintf(all, sizeof all, "%zu", l->rules.count);
    snprintf(a, sizeof a, "%zu", diff.added);
    snprintf(c, sizeof c, "%zu", diff.changed);
    snprintf(r, sizeof r, "%zu", diff.removed);
    LOG_EVENT(l, SW_MSG_RULES_RELOADED, 0, en, all, a, c, r);
  }
  sw_svc_stats_reload(&l->stats, sw_clock_now_us() - t0);
}

/* The first read of the rules, on the loop thread: the rules and their
 * saved states must be in place before the first check. Then the watcher
 * takes over. */
static void load_rules_now(struct sw_svc_loop *l)
{
  struct sw_store_rule_list list = {0};
  enum sw_store_error err = sw_store_rule_list(l->store, &list);
  if (err) {
    store_failed_on(l, "read the rules", err);
    return;
  }
  load_settings(l);
  uint64_t fingerprint = sw_svc_rules_fingerprint(&list);
  apply_rules(l, &list);
  restore_states(l);
  l->rules_loaded = true;
  DWORD rc = sw_svc_rules_watch_start(&l->watch, l->cfg->db_path_utf8, fingerprint);
  if (rc) {
    /* Without the watcher, rule changes need a restart: say so. */
    char text[256], why[320];
    sw_win_error_text(rc, text, sizeof text);
    snprintf(why, sizeof why,
             "the thread that watches for rule changes did not start: %s", text);
    store_failed(l, "watch the rules", SW_STORE_NOMEM, why);
  }
}

/* A list or a read failure from the watcher, if it has one. */
static void take_watched_rules(struct sw_svc_loop *l)
{
  struct sw_store_rule_list list;
  enum sw_store_error err;
  char message[SW_STORE_MESSAGE_MAX];
  if (!sw_svc_rules_watch_take(l->watch, &list, &err, message, sizeof message))
    return;
  if (err)
    store_failed(l, "read the rules", err, message);
  else
    apply_rules(l, &list);
}

static void open_store(struct sw_svc_loop *l)
{
  struct sw_store_options opt = {.busy_timeout_ms = STORE_BUSY_TIMEOUT_MS};
  struct sw_store_diag diag = {0};
  enum sw_store_error err = sw_store_open(l->cfg->db_path_utf8, &opt, &l->store, &diag);
  if (err) {
    l->store = NULL;
    store_failed(l, "open the database", err, diag.message);
  }
}

/* ---- checks ----------------------------------------------------------- */

static void on_check_done(void *ctx, struct sw_check_result *result)
{
  struct inflight *f = ctx;
  struct sw_svc_loop *l = f->loop;
  enum sw_scheduler_verdict verdict = sw_scheduler_done(l->sched, f->rule_id, f->token);
  struct sw_svc_rule *r = sw_svc_rules_find(&l->rules, f->rule_id);
  /* Checks cancelled because we are stopping say nothing about a server.
   * The engine cancels them inside sw_engine_run_once, before the loop
   * sees the stop: stop_reason, set first by sw_svc_loop_stop, tells. */
  bool stopping = l->stopping || l->stop_reason != SW_SVC_STOP_NONE;
  bool news = verdict == SW_SCHEDULER_CURRENT && r &&
              !(stopping && result->outcome == SW_OUTCOME_CANCELLED);
  sw_svc_stats_done(&l->stats, result->outcome, !news);
  if (news) {
    int64_t now = sw_clock_now_us();
    enum sw_nagios_status status = sw_nagios_status(result, -1, -1);
    struct sw_rule_state_event ev;
    if (sw_rule_state_feed(&r->state, &l->state_cfg, status, result->outcome, wall_us(),
                           &ev))
      log_rule_event(l, r, &ev, result);
    if (!r->state_dirty) {
      r->state_dirty = true;
      l->dirty_states++;
    }
    struct sw_store_result sr;
    sw_store_result_init(&sr);
    sr.rule_id = f->rule_id;
    sr.started_at_ms = f->started_at_ms;
    sr.status = status;
    sw_check_result_move(&sr.check, result);
    if (sw_svc_writer_add_result(&l->writer, &sr, now) && !l->drop_logged) {
      l->drop_logged = true;
      char max[24];
      snprintf(max, sizeof max, "%zu", l->writer.max_results);
      LOG_EVENT(l, SW_MSG_RESULTS_DROPPED, 0, max, l->cfg->db_path_utf8);
    }
  }
  free(f);
}

static void start_check(struct sw_svc_loop *l, const struct sw_scheduler_run *run)
{
  struct sw_svc_rule *r = sw_svc_rules_find(&l->rules, run->rule_id);
  struct inflight *f = r && r->valid ? malloc(sizeof *f) : NULL;
  enum sw_error err = r && r->valid ? SW_E_NOMEM : SW_E_INVALID_ARGUMENT;
  if (f) {
    *f = (struct inflight){.loop = l,
                           .rule_id = run->rule_id,
                           .token = run->token,
                           .started_at_ms = wall_us() / 1000};
    struct sw_check_spec spec = sw_check_spec_of(&r->rule);
    /* f may be freed by the callback before submit returns. */
    err = sw_engine_submit(l->engine, &spec, on_check_done, f);
  }
  if (!err) {
    sw_svc_stats_started(&l->stats, from_sched(l, run->start) - from_sched(l, run->due));
    l->check_start_failing = false;
    return;
  }
  free(f);
  sw_scheduler_done(l->sched, run->rule_id, run->token);
  if (r && !l->check_start_failing) {
    l->check_start_failing = true;
    char id[24], why[160];
    snprintf(id, sizeof id, "%" PRId64, r->rule.id);
    snprintf(why, sizeof why, "%s.", sw_error_text(err));
    LOG_EVENT(l, SW_MSG_CHECK_START_FAILED, r->rule.id, r->rule.name, id, why);
  }
}

/* ---- writing ---------------------------------------------------------- */

/* Gathers the changed rule states into the scratch arrays; returns how
 * many. */
static size_t collect_states(struct sw_svc_loop *l)
{
  if (l->dirty_states == 0)
    return 0;
  if (l->states_cap < l->dirty_states) {
    size_t cap = l->rules.count;
    void *a = realloc(l->states, cap * sizeof *l->states);
    if (a)
      l->states = a;
    void *b = realloc(l->state_rules, cap * sizeof *l->state_rules);
    if (b)
      l->state_rules = b;
    if (!a || !b)
      return 0; /* out of memory: the states wait for the next batch */
    l->states_cap = cap;
  }
  size_t n = 0;
  for (size_t i = 0; i < l->rules.count && n < l->states_cap; i++) {
    struct sw_svc_rule *r = l->rules.items[i];
    if (!r->state_dirty)
      continue;
    struct sw_rule_state_saved s;
    sw_rule_state_save(&r->state, &s);
    l->states[n] = (struct sw_store_rule_state){
        .rule_id = r->rule.id,
        .state = s.state,
        .failures = s.consecutive,
        .since_ms = s.since / 1000,
        .last_result_at_ms = s.last_result_at / 1000,
        .last_outcome = s.last_outcome,
    };
    l->state_rules[n++] = r;
  }
  return n;
}

/* Writes one batch if one is due (or, when `force`, whatever waits).
 * Returns true if something was written. */
static bool write_batch(struct sw_svc_loop *l, bool force)
{
  int64_t now = sw_clock_now_us();
  if (!l->store || (l->store_failing && now < l->next_retry_us))
    return false;
  if (!force && !l->store_failing &&
      !sw_svc_writer_due(&l->writer, l->dirty_states > 0, now))
    return false;
  size_t n = collect_states(l);
  if (n == 0 && sw_svc_writer_pending(&l->writer) == 0 && l->writer.events_len == 0) {
    store_worked(l);
    return false;
  }
  int64_t t0 = sw_clock_now_us();
  enum sw_store_error err = sw_svc_writer_write(&l->writer, l->store, l->states, n, NULL);
  sw_svc_stats_batch(&l->stats, sw_clock_now_us() - t0);
  if (err) {
    store_failed_on(l, "write the results", err);
    return false;
  }
  for (size_t i = 0; i < n; i++)
    l->state_rules[i]->state_dirty = false;
  l->dirty_states -= n;
  store_worked(l);
  return true;
}

/* Deletes old rows: results past the retention period, then the oldest
 * results while the data is over the size cap (svc_prune.h), and keeps the
 * reserve (svc_reserve.h) while the disk has room. While writes fail
 * because the disk is full it only makes room: it gives the reserve back,
 * then deletes one slice of the oldest results before each new attempt
 * (that may fail too; then the outage just goes on). */
static void retention(struct sw_svc_loop *l, int64_t now)
{
  bool disk_full = l->store_failing && l->fail_err == SW_STORE_FULL;
  size_t deleted = 0;
  bool more = false;
  enum sw_store_error err = SW_STORE_OK;
  if (!disk_full) {
    err = sw_store_retention_step(l->store, wall_us() / 1000, RETENTION_ROWS, &deleted,
                                  &more);
    if (err) {
      store_failed_on(l, "delete results past the retention period", err);
      more = false;
    }
  }
  if (disk_full)
    sw_svc_reserve_release(l->cfg->db_path);
  else if (!err)
    sw_svc_reserve_make(l->cfg->db_path);
  if (!err && l->store) {
    bool prune_more, report;
    struct sw_svc_prune_event ev;
    err = sw_svc_prune_step(&l->prune, l->store, (int64_t)l->cfg->max_db_mb * 1024 * 1024,
                            disk_full, RETENTION_ROWS, l->cfg->db_path_utf8, &prune_more,
                            &report, &ev);
    if (report)
      log_event(l, SW_MSG_DB_PRUNED, 0, SW_SVC_PRUNE_STRINGS, ev.strings);
    if (err)
      store_failed_on(l, "delete the oldest results to make room", err);
    more |= !err && prune_more;
  }
  /* A backlog of old rows goes a slice a second, so writers wait little. */
  l->next_retention_us = now + (int64_t)(more ? 1000 : RETENTION_EVERY_MS) * 1000;
}

/* The store's part of a turn: open, read rules, write, delete old rows. */
static void tend_store(struct sw_svc_loop *l, int64_t now)
{
  if (!l->store && now >= l->next_retry_us)
    open_store(l);
  if (l->store && !l->rules_loaded)
    load_rules_now(l);
  take_watched_rules(l);
  if (!l->store)
    return;
  if (now >= l->next_settings_us) {
    load_settings(l);
    l->next_settings_us = now + (int64_t)SETTINGS_POLL_MS * 1000;
  }
  if (l->store_failing && l->fail_err == SW_STORE_FULL && now >= l->next_retry_us)
    retention(l, now); /* a full disk: make room before the write is tried again */
  write_batch(l, false);
  if (l->store && !l->store_failing && now >= l->next_retention_us)
    retention(l, now);
}

/* How long the loop may sleep at `now`, in ms. */
static uint32_t wait_ms(struct sw_svc_loop *l, int64_t now)
{
  int64_t until = now + MAX_WAIT_MS * 1000;
  int64_t due = from_sched(l, sw_scheduler_next_due(l->sched));
  if (due < until)
    until = due;
  if (!l->store || l->store_failing) {
    if (l->next_retry_us < until)
      until = l->next_retry_us;
  } else {
    if (l->writer.oldest_us || l->dirty_states) {
      int64_t batch = l->writer.oldest_us ? l->writer.oldest_us : now;
      batch += (int64_t)SW_SVC_BATCH_DELAY_MS * 1000;
      if (batch < until)
        until = batch;
    }
    if (l->next_settings_us < until)
      until = l->next_settings_us;
  }
  if (!l->pipe && l->pipe_backoff_ms && l->pipe_retry_us < until)
    until = l->pipe_retry_us;
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
    char why[300];
    if (err == SW_E_SYSTEM) {
      char text[256];
      sw_win_error_text(win_error, text, sizeof text);
      snprintf(why, sizeof why, "networking could not be set up: %s.", text);
    } else {
      snprintf(why, sizeof why, "%s.", sw_error_text(err));
    }
    SW_SVC_EVENT(SW_MSG_SERVICE_START_FAILED, why,
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
  sw_svc_stats_init(&l->stats, cfg->stats_file[0] != L'\0');
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
  char text[256], why[MAX_PATH * 3 + 320];
  sw_win_error_text((unsigned long)rc, text, sizeof text);
  snprintf(why, sizeof why, "The data directory %s cannot be created: %s.",
           l->cfg->data_dir_utf8, text);
  SW_SVC_EVENT(SW_MSG_SERVICE_START_FAILED, why,
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
  l->next_retry_us = 0; /* a failing database gets one last try, now */
  while (l->store && sw_clock_now_us() < deadline &&
         (sw_svc_writer_pending(&l->writer) || l->dirty_states)) {
    if (!write_batch(l, true))
      break;
    progress(l);
  }
  enum sw_svc_stop_reason why = (enum sw_svc_stop_reason)l->stop_reason;
  char secs[24], checks[24], written[24], dropped[24];
  snprintf(secs, sizeof secs, "%" PRId64, (sw_clock_now_us() - l->started_us) / 1000000);
  snprintf(checks, sizeof checks, "%" PRIu64, l->stats.finished);
  snprintf(written, sizeof written, "%" PRIu64, l->writer.written);
  snprintf(dropped, sizeof dropped, "%" PRIu64,
           l->writer.dropped + sw_svc_writer_pending(&l->writer));
  LOG_EVENT(l, SW_MSG_SERVICE_STOPPED, 0, stop_reason_text(why), secs, checks, written,
            dropped);
  if (l->store && !l->store_failing)
    write_batch(l, true); /* the stop event itself, for the editor's history */
  struct sw_scheduler_stats sched;
  sw_scheduler_stats(l->sched, &sched);
  sw_svc_stats_write(&l->stats, l->cfg->stats_file, l->rules.count, l->rules.enabled,
                     &sched, l->writer.written, l->writer.dropped,
                     sw_clock_now_us() - l->started_us);
  sw_store_close(l->store);
  l->store = NULL;
}

/* ---- the control pipe --------------------------------------------------- */

/* A client changed a rule: apply it now rather than when the watcher next
 * looks, so the scheduler has it before the next turn. */
static void pipe_rules_changed(void *loop)
{
  struct sw_svc_loop *l = loop;
  struct sw_store_rule_list list = {0};
  if (l->store && sw_store_rule_list(l->store, &list) == SW_STORE_OK)
    apply_rules(l, &list);
}

/* Before a read (STATUS, HISTORY, EVENTS): what waits in the writer's
 * buffer is written first, so that what a client reads agrees with what
 * the service knows, and status, history and events agree with each
 * other. Only what the answer would show counts: the results of the
 * rule whose history is asked for, any result for STATUS (its last
 * results), events for EVENTS. A failing database is left to its own retry
 * time. */
static void pipe_sync(void *loop, uint16_t message, int64_t rule_id)
{
  struct sw_svc_loop *l = loop;
  bool behind = message == SW_PIPE_MSG_EVENTS ? l->writer.events_len > 0
                                              : sw_svc_writer_holds(&l->writer, rule_id);
  if (behind)
    write_batch(l, true);
}

static void update_rate(struct sw_svc_loop *l, int64_t now)
{
  if (now - l->rate_mark_us < 60 * 1000000LL)
    return;
  uint64_t done = l->stats.finished - l->rate_mark_finished;
  int64_t span = now - l->rate_mark_us;
  l->rate_per_min = l->rate_mark_us ? (uint64_t)(done * 60000000.0 / (double)span) : 0;
  l->rate_mark_us = now;
  l->rate_mark_finished = l->stats.finished;
}

static void pipe_info(void *loop, struct sw_pipe_service_info *out)
{
  struct sw_svc_loop *l = loop;
  int64_t now = sw_clock_now_us();
  snprintf(out->version, sizeof out->version, "%s", SW_VERSION_TEXT);
  out->uptime_s = (now - l->started_us) / 1000000;
  out->rules = (int64_t)l->rules.count;
  out->rules_enabled = (int64_t)l->rules.enabled;
  /* Before the first full minute, the average since the start. */
  out->checks_per_min =
      l->rate_per_min ? (int64_t)l->rate_per_min
                      : (int64_t)(l->stats.finished * 60 / (uint64_t)(out->uptime_s + 1));
  out->checks_in_flight = (int64_t)sw_engine_pending(l->engine);
  out->checks_total = (int64_t)l->stats.finished;
  out->results_buffered = (int64_t)sw_svc_writer_pending(&l->writer);
  out->pipe_clients = l->pipe ? sw_pipe_server_clients(l->pipe) : 0;
  snprintf(out->data_dir, sizeof out->data_dir, "%s", l->cfg->data_dir_utf8);
}

static int64_t now_ms(void)
{
  return wall_us() / 1000;
}

/* The pipe server's problems, in the Event Log (4001, 4002). */
static void pipe_problem(void *ctx, enum sw_pipe_problem what, unsigned long win_error)
{
  struct sw_svc_loop *l = ((struct sw_svc_requests *)ctx)->loop;
  if (what == SW_PIPE_INSTANCE_RECOVERED) {
    LOG_EVENT(l, SW_MSG_PIPE_RECOVERED, 0, SW_PIPE_NAME_TEXT);
    return;
  }
  char text[256];
  sw_win_error_text(win_error, text, sizeof text);
  LOG_EVENT(l, SW_MSG_PIPE_INSTANCE_FAILED, 0, SW_PIPE_NAME_TEXT, text);
}

#define PIPE_RETRY_FIRST_MS 1000
#define PIPE_RETRY_MAX_MS 60000

/* Opens \\.\pipe\SmtpWatch on the engine's port. Without it the service
 * still checks; event 4000 says what is missing, once, and the pipe is
 * tried again 1, 2, 4, ... 60 s apart until it works (event 4002). */
static void start_pipe(struct sw_svc_loop *l)
{
  l->requests = (struct sw_svc_requests){.store = &l->store,
                                         .rules = &l->rules,
                                         .engine = l->engine,
                                         .loop = l,
                                         .rules_changed = pipe_rules_changed,
                                         .sync = pipe_sync,
                                         .info = pipe_info,
                                         .now_ms = now_ms};
  wchar_t sddl[512];
  unsigned long win_error = sw_pipe_security_sddl(SW_SVC_NAME, sddl, 512);
  struct sw_pipe_server_config cfg = {.sddl = sddl,
                                      .on_request = sw_svc_on_request,
                                      .on_problem = pipe_problem,
                                      .ctx = &l->requests};
  if (!win_error &&
      sw_pipe_server_start(l->engine, &cfg, &l->pipe, &win_error) == SW_E_OK) {
    if (l->pipe_backoff_ms)
      LOG_EVENT(l, SW_MSG_PIPE_RECOVERED, 0, SW_PIPE_NAME_TEXT);
    l->pipe_backoff_ms = 0;
    return;
  }
  l->pipe = NULL;
  if (!l->pipe_backoff_ms) {
    l->pipe_backoff_ms = PIPE_RETRY_FIRST_MS;
    char text[256], secs[16];
    sw_win_error_text(win_error, text, sizeof text);
    snprintf(secs, sizeof secs, "%u", (unsigned)(PIPE_RETRY_FIRST_MS / 1000));
    LOG_EVENT(l, SW_MSG_PIPE_FAILED, 0, SW_PIPE_NAME_TEXT, text, secs);
  } else if (l->pipe_backoff_ms < PIPE_RETRY_MAX_MS) {
    l->pipe_backoff_ms = l->pipe_backoff_ms * 2 > PIPE_RETRY_MAX_MS
                             ? PIPE_RETRY_MAX_MS
                             : l->pipe_backoff_ms * 2;
  }
  l->pipe_retry_us = sw_clock_now_us() + (int64_t)l->pipe_backoff_ms * 1000;
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
  open_store(l);
  progress(l);
  if (l->store)
    load_rules_now(l);
  l->next_settings_us = sw_clock_now_us() + (int64_t)SETTINGS_POLL_MS * 1000;
  l->next_retention_us = sw_clock_now_us() + 10 * 1000000; /* not while starting */
  char en[24], all[24];
  snprintf(en, sizeof en, "%zu", l->rules.enabled);
  snprintf(all, sizeof all, "%zu", l->rules.count);
  LOG_EVENT(l, SW_MSG_SERVICE_STARTED, 0, SW_VERSION_TEXT, en, all,
            l->cfg->data_dir_utf8);
  start_pipe(l);
  if (hooks && hooks->running)
    hooks->running(hooks->ctx);

  for (;;) {
    int64_t now = sw_clock_now_us();
    tend_store(l, now);
    struct sw_scheduler_run run;
    int64_t sched_now = to_sched(l, sw_clock_now_us());
    while (sw_scheduler_take_due(l->sched, sched_now, &run))
      start_check(l, &run);
    if (!sw_engine_run_once(l->engine, wait_ms(l, sw_clock_now_us())))
      break; /* stopped: every check in flight was cancelled */
    update_rate(l, sw_clock_now_us());
    if (l->pipe)
      sw_pipe_server_tick(l->pipe, sw_clock_now_us());
    else if (sw_clock_now_us() >= l->pipe_retry_us)
      start_pipe(l);
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
  /* Drains the last completions; callbacks of checks still live (only if
   * the loop never ran) see `stopping` and file nothing. */
  sw_engine_destroy(l->engine);
  sw_svc_rules_watch_stop(l->watch);
  sw_store_close(l->store);
  sw_scheduler_destroy(l->sched);
  sw_svc_rules_free(&l->rules);
  sw_svc_writer_free(&l->writer);
  sw_svc_stats_free(&l->stats);
  free(l->states);
  free(l->state_rules);
  free(l);
}
