/* The metrics' part of the service loop: each rule's latest steps and
 * certificate, and every metrics_interval_s a snapshot of the figures,
 * handed to the worker of svc_metrics.c to render and write; the file's
 * failures and recoveries go to the Event Log (4010, 4011). Loop thread. */
#include "svc_loop_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "svc_eventlog.h"
#include "win_error.h"
#include "win_text.h"

/* While the worker still has the previous snapshot, the loop looks again
 * this much later rather than spin. */
#define BUSY_RETRY_US 100000

void sw__loop_metrics_result(struct sw_svc_rule *r, const struct sw_check_result *res)
{
  for (int i = 0; i < SW_STEP_COUNT; i++) {
    int64_t us = res->step_us[i];
    r->metrics.step_us[i] = us < 0 ? -1 : us > INT32_MAX ? INT32_MAX : (int32_t)us;
  }
  if (res->tls.used && res->tls.not_after)
    r->metrics.cert_not_after = res->tls.not_after;
}

/* GET /metrics: 4013 when it answers, else 4012 with the failed call's
 * Win32 text; the service goes on either way. */
static void start_http(struct sw_svc_loop *l)
{
  char url[SW_SVC_METRICS_URL_MAX * 3], why[1024];
  if (!sw_utf8_from_wide(l->cfg->metrics_url, url, sizeof url))
    snprintf(url, sizeof url, "?");
  if (sw_svc_metrics_http_start(l->cfg->metrics_url, l->metrics, &l->metrics_http, why,
                                sizeof why) == 0)
    LOG_EVENT(l, SW_MSG_METRICS_URL_SERVING, 0, url);
  else
    LOG_EVENT(l, SW_MSG_METRICS_URL_FAILED, 0, url, why);
}

void sw__loop_metrics_start(struct sw_svc_loop *l)
{
  if (l->cfg->metrics_problem[0])
    LOG_EVENT(l, SW_MSG_METRICS_SETTINGS_INVALID, 0, l->cfg->metrics_problem);
  if (!l->cfg->metrics_dir[0] && !l->cfg->metrics_url[0])
    return;
  DWORD err;
  l->metrics = sw_svc_metrics_create(l->cfg, l->cfg->metrics_url[0] != L'\0', &err);
  if (!l->metrics) {
    char text[512];
    struct sw_svc_args a = {0};
    sw_win_error_text(err, text, sizeof text);
    LOG_EVENT(l, SW_MSG_METRICS_FILE_FAILED, 0, l->cfg->metrics_dir_utf8, text,
              sw_svc_arg(&a, "%" PRIu32, l->cfg->metrics_interval_s));
    return;
  }
  l->metrics_next_us = sw_clock_now_us(); /* the first figures at once */
  if (l->cfg->metrics_url[0])
    start_http(l);
}

/* The rules being checked, with what their latest checks said. */
static bool snapshot_rules(const struct sw_svc_loop *l, struct sw_metrics_snapshot *s)
{
  s->rules_configured = l->rules.count;
  for (size_t i = 0; i < l->rules.count; i++) {
    const struct sw_svc_rule *r = l->rules.items[i];
    if (!r->valid || !r->rule.enabled)
      continue;
    struct sw_metrics_rule *row = sw_metrics_snapshot_add(
        s, r->rule.id, r->rule.name, sw_rule_target(&r->rule), r->rule.port);
    if (!row)
      return false;
    row->state = sw_svc_rule_state_now(r);
    row->last_check_us = r->state.last_result_at;
    row->up = sw_outcome_answered(r->state.last_outcome);
    memcpy(row->step_us, r->metrics.step_us, sizeof row->step_us);
    row->cert_not_after = r->metrics.cert_not_after;
  }
  return true;
}

/* The service's own figures. Reading the database's size and outbox is
 * two small queries; a failure leaves the figure out, unlogged (the
 * store's own failures are logged where they matter). */
static void snapshot_service(struct sw_svc_loop *l, struct sw_metrics_snapshot *s,
                             int64_t now)
{
  s->start_time_us = sw_clock_wall_us() - (now - l->started_us);
  memcpy(s->checks, l->stats.by_outcome, sizeof s->checks);
  s->results_dropped = l->writer.dropped;
  s->lateness = l->stats.lateness;
  s->db_up = l->store && !l->db.failing;
  s->db_write_failures = l->metrics_db_failures;
  if (s->db_up) {
    struct sw_store_size size;
    if (sw_store_size(l->store, &size) == SW_STORE_OK)
      s->db_size_bytes = size.file_bytes;
    int64_t pending;
    if (sw_store_outbox_pending(l->store, &pending) == SW_STORE_OK)
      s->outbox_pending = pending;
  }
  s->pipe_clients = l->pipe ? sw_pipe_server_clients(l->pipe) : 0;
}

/* Events for the file: 4010 once when it fails, 4011 when it works again. */
static void take_outcome(struct sw_svc_loop *l)
{
  struct sw_svc_metrics_outcome o;
  if (!sw_svc_metrics_take_outcome(l->metrics, &o))
    return;
  if (o.render_us > l->stats.metrics_render_max_us)
    l->stats.metrics_render_max_us = o.render_us;
  l->stats.metrics_bytes = o.bytes;
  if (!l->cfg->metrics_dir[0] || !o.rendered)
    return;
  if (o.written && l->metrics_file_failing) {
    l->metrics_file_failing = false;
    LOG_EVENT(l, SW_MSG_METRICS_FILE_RECOVERED, 0, l->cfg->metrics_dir_utf8);
  } else if (!o.written && !l->metrics_file_failing) {
    l->metrics_file_failing = true;
    char text[512];
    struct sw_svc_args a = {0};
    sw_win_error_text(o.file_error, text, sizeof text);
    LOG_EVENT(l, SW_MSG_METRICS_FILE_FAILED, 0, l->cfg->metrics_dir_utf8, text,
              sw_svc_arg(&a, "%" PRIu32, l->cfg->metrics_interval_s));
  }
}

void sw__loop_tend_metrics(struct sw_svc_loop *l, int64_t now)
{
  if (!l->metrics)
    return;
  take_outcome(l);
  if (now < l->metrics_next_us)
    return;
  if (sw_svc_metrics_busy(l->metrics)) {
    l->metrics_next_us = now + BUSY_RETRY_US;
    return;
  }
  l->metrics_next_us = now + (int64_t)l->cfg->metrics_interval_s * 1000000;
  struct sw_metrics_snapshot s;
  sw_metrics_snapshot_init(&s);
  bool ok = snapshot_rules(l, &s);
  snapshot_service(l, &s, now);
  int64_t took = sw_clock_now_us() - now;
  l->stats.metrics_snapshots++;
  if (took > l->stats.metrics_snapshot_max_us)
    l->stats.metrics_snapshot_max_us = took;
  if (ok)
    sw_svc_metrics_publish(l->metrics, &s); /* frees it */
  else
    sw_metrics_snapshot_free(&s); /* out of memory: the next turn tries again */
}

int64_t sw__loop_metrics_wake_us(const struct sw_svc_loop *l)
{
  return l->metrics ? l->metrics_next_us : INT64_MAX;
}
