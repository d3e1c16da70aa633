/* The control pipe's glue in the service loop: opening \\.\pipe\SmtpWatch
 * (and retrying it), and the callbacks svc_requests.c uses to reach the
 * loop: rules changed, write before a read, the service's figures. */
#include "svc_loop_internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "pipe_protocol.h"
#include "svc_eventlog.h"
#include "win_error.h"

/* A client changed a rule (or, with 0, many: an import): apply it now
 * rather than when the watcher next looks, so the scheduler has it before
 * the next turn. One rule is read alone; many, as one list. */
static void pipe_rules_changed(void *loop, int64_t rule_id)
{
  struct sw_svc_loop *l = loop;
  if (rule_id) {
    sw__loop_apply_rule(l, rule_id);
    return;
  }
  struct sw_store_rule_list list = {0};
  if (l->store && sw_store_rule_list(l->store, &list) == SW_STORE_OK)
    sw__loop_apply_rules(l, &list);
}

/* Before a read (STATUS, REPORT, HISTORY, EVENTS): what waits in the
 * writer's buffer is written first, so that what a client reads agrees
 * with what the service knows, and status, history and events agree with
 * each other. Only what the answer would show counts: the results of the
 * rules it is about (a STATUS page's, a HISTORY's one), events for
 * EVENTS. A failing database is left to its own retry time. */
static void pipe_sync(void *loop, uint16_t message, int64_t first_id, int64_t last_id)
{
  struct sw_svc_loop *l = loop;
  bool behind = message == SW_PIPE_MSG_EVENTS
                    ? l->writer.events_len > 0
                    : sw_svc_writer_holds(&l->writer, first_id, last_id);
  if (behind)
    sw__loop_write_batch(l, true);
}

void sw__loop_update_rate(struct sw_svc_loop *l, int64_t now)
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
  out->status_requests = (int64_t)l->requests.status_requests;
  out->subscribers = l->push ? sw_svc_push_subscribers(l->push) : 0;
  snprintf(out->data_dir, sizeof out->data_dir, "%s", l->cfg->data_dir_utf8);
}

static int64_t now_ms(void)
{
  return sw_clock_wall_us() / 1000;
}

static void pipe_alerts_changed(void *loop)
{
  ((struct sw_svc_loop *)loop)->alerts.stale = true;
}

static void pipe_log(void *loop, unsigned long event_id, int64_t rule_id, unsigned n,
                     const char *const *strings)
{
  sw__loop_event(loop, (DWORD)event_id, rule_id, n, strings);
}

/* A test waiting for its notifier. */
struct notifier_test {
  void (*done)(void *ctx, bool ok, const char *error);
  void *ctx;
};

static void test_sent(struct sw_svc_loop *l, void *ctx, bool ok, const char *error,
                      const struct sw_svc_delivery *program)
{
  (void)l, (void)program;
  struct notifier_test *t = ctx;
  t->done(t->ctx, ok, error);
  free(t);
}

/* A test notification: says so, names the notifier and this machine. */
/* A test of a round-trip rule is a run of the rule for the scheduler, so
 * the rule's scheduled runs are skipped while its probe is in flight, and
 * a test is refused while a run is (docs/round-trip.md). */
static enum sw_error pipe_test_begin(void *loop, int64_t rule_id, uint32_t *token)
{
  struct sw_svc_loop *l = loop;
  struct sw_scheduler_run run;
  enum sw_error err = sw_scheduler_run_now(l->sched, rule_id,
                                           sw__loop_to_sched(l, sw_clock_now_us()), &run);
  if (!err)
    *token = run.token;
  return err;
}

static void pipe_test_end(void *loop, int64_t rule_id, uint32_t token)
{
  struct sw_svc_loop *l = loop;
  sw_scheduler_done(l->sched, rule_id, token);
}

static bool pipe_test_notifier(void *loop, const struct sw_store_notifier *n,
                               const char *uid,
                               void (*done)(void *ctx, bool ok, const char *error),
                               void *ctx, char *why, size_t size)
{
  struct sw_svc_loop *l = loop;
  struct notifier_test *t = malloc(sizeof *t);
  if (!t) {
    snprintf(why, size, "The service ran out of memory.");
    return false;
  }
  *t = (struct notifier_test){.done = done, .ctx = ctx};
  char name[SW_NOTIFIER_NAME_MAX_CHARS * 4 + 16];
  snprintf(name, sizeof name, "notifier %s", n->name);
  int64_t now = sw_clock_wall_us() / 1000000;
  struct sw_alert_note note = {.id = uid,
                               .kind = SW_ALERT_TEST,
                               .rule_name = name,
                               .host = l->outbox.machine,
                               .state = SW_NAGIOS_OK,
                               .previous = SW_NAGIOS_OK,
                               .outcome = SW_OUTCOME_OK,
                               .message = "",
                               .response_ms = -1,
                               .since = now,
                               .at = now,
                               .machine = l->outbox.machine};
  bool ok = sw__loop_send(l, n, &note, test_sent, t, why, size);
  if (!ok)
    free(t);
  return ok;
}

static bool pipe_subscribe(void *loop, struct sw_pipe_conn *conn,
                           const struct sw_pipe_subscribe *want,
                           struct sw_pipe_subscribe *granted)
{
  struct sw_svc_loop *l = loop;
  return l->push && sw_svc_push_subscribe(l->push, conn, want, granted);
}

/* A connection is closing: its subscription and its staged import go. */
static void pipe_closed(void *ctx, struct sw_pipe_conn *conn)
{
  struct sw_svc_requests *q = ctx;
  struct sw_svc_loop *l = q->loop;
  if (l->push)
    sw_svc_push_forget(l->push, conn);
  sw_svc_import_drop(q, conn);
}

/* Every request, timed: the loop's time on clients is a figure of
 * --stats-file (bench/: under 1 % with 8 subscribed editors). */
static enum sw_pipe_verdict pipe_request(void *ctx, struct sw_pipe_conn *conn,
                                         const struct sw_pipe_frame *req,
                                         struct sw_buf *reply)
{
  struct sw_svc_loop *l = ((struct sw_svc_requests *)ctx)->loop;
  int64_t start = sw_clock_now_us();
  enum sw_pipe_verdict v = sw_svc_on_request(ctx, conn, req, reply);
  sw_svc_stats_pipe(&l->stats, sw_clock_now_us() - start, true);
  return v;
}

void sw__loop_tend_pipe(struct sw_svc_loop *l)
{
  int64_t start = sw_clock_now_us();
  sw_pipe_server_tick(l->pipe, start);
  int64_t ticked = sw_clock_now_us();
  if (l->push)
    sw_svc_push_flush(l->push, ticked);
  int64_t end = sw_clock_now_us();
  sw_svc_stats_pipe(&l->stats, end - start, false);
  l->stats.push_us += end - ticked;
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
void sw__loop_start_pipe(struct sw_svc_loop *l)
{
  l->requests = (struct sw_svc_requests){.store = &l->store,
                                         .rules = &l->rules,
                                         .engine = l->engine,
                                         .loop = l,
                                         .rules_changed = pipe_rules_changed,
                                         .sync = pipe_sync,
                                         .info = pipe_info,
                                         .alerts_changed = pipe_alerts_changed,
                                         .test_notifier = pipe_test_notifier,
                                         .test_begin = pipe_test_begin,
                                         .test_end = pipe_test_end,
                                         .log = pipe_log,
                                         .now_ms = now_ms,
                                         .subscribe = pipe_subscribe};
  wchar_t sddl[512];
  unsigned long win_error = sw_pipe_security_sddl(SW_SVC_NAME, sddl, 512);
  struct sw_pipe_server_config cfg = {.sddl = sddl,
                                      .on_request = pipe_request,
                                      .on_problem = pipe_problem,
                                      .on_closed = pipe_closed,
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
    char text[256];
    sw_win_error_text(win_error, text, sizeof text);
    struct sw_svc_args a = {0};
    LOG_EVENT(l, SW_MSG_PIPE_FAILED, 0, SW_PIPE_NAME_TEXT, text,
              sw_svc_arg(&a, "%u", (unsigned)(PIPE_RETRY_FIRST_MS / 1000)));
  } else if (l->pipe_backoff_ms < PIPE_RETRY_MAX_MS) {
    l->pipe_backoff_ms = l->pipe_backoff_ms * 2 > PIPE_RETRY_MAX_MS
                             ? PIPE_RETRY_MAX_MS
                             : l->pipe_backoff_ms * 2;
  }
  l->pipe_retry_us = sw_clock_now_us() + (int64_t)l->pipe_backoff_ms * 1000;
}
