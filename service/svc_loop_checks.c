/* The checks of the service loop: starting what the scheduler says is due
 * on the engine, and filing each result (state tracker, events, the
 * writer's buffer) when it completes, on the loop thread. */
#include "svc_loop_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "nagios_report.h"
#include "round_trip_result.h"
#include "svc_check_start.h"
#include "svc_eventlog.h"
#include "svc_rule_secrets.h"

/* A check in flight: what its callback needs to file the result. */
struct inflight {
  struct sw_svc_loop *loop;
  int64_t rule_id;
  uint32_t token;
  int64_t started_at_ms;
  struct sw_check_extras extras; /* its secrets and recipients, wiped at the end */
  struct sw_svc_check_hold hold; /* a round trip's copy of its rule */
  uint32_t skipped_before;       /* the rule's skipped runs when it started */
};

static void log_rule_event(struct sw_svc_loop *l, const struct sw_svc_rule *r,
                           const struct sw_rule_state_event *ev,
                           const struct sw_check_result *res)
{
  struct sw_svc_rule_event_text t;
  if (sw_svc_rule_event_text(&t, &r->rule, ev, res, &l->state_cfg))
    sw__loop_event(l, t.id, r->rule.id, SW_SVC_RULE_EVENT_STRINGS, t.strings);
}

static void on_check_done(void *ctx, struct sw_check_result *result)
{
  struct inflight *f = ctx;
  struct sw_svc_loop *l = f->loop;
  int64_t began = sw_clock_now_us();
  enum sw_scheduler_verdict verdict = sw_scheduler_done(l->sched, f->rule_id, f->token);
  struct sw_svc_rule *r = sw_svc_rules_find(&l->rules, f->rule_id);
  /* A round trip says how many of the rule's runs it made skip. */
  struct sw_scheduler_rule_info info;
  if (result->round_trip && sw_scheduler_get(l->sched, f->rule_id, &info) &&
      info.skipped >= f->skipped_before)
    result->round_trip->skipped_runs = info.skipped - f->skipped_before;
  /* Checks cancelled because we are stopping say nothing about a server.
   * The engine cancels them inside sw_engine_run_once, before the loop
   * sees the stop: stop_reason, set first by sw_svc_loop_stop, tells. */
  bool stopping = l->stopping || l->stop_reason != SW_SVC_STOP_NONE;
  bool news = verdict == SW_SCHEDULER_CURRENT && r &&
              !(stopping && result->outcome == SW_OUTCOME_CANCELLED);
  sw_svc_stats_done(&l->stats, result->outcome, !news);
  if (news) {
    int64_t now = sw_clock_now_us();
    sw__loop_drift_result(l, r, result);
    sw__loop_domain_result(l, r, result);
    /* A round trip is judged by the rule it ran with. */
    enum sw_nagios_status status =
        sw_svc_result_status(result->round_trip ? &f->hold.rule : &r->rule, result);
    enum sw_nagios_status before = sw_svc_rule_state_now(r);
    struct sw_rule_state_event ev;
    if (sw_rule_state_feed(&r->state, &l->state_cfg, status, result->outcome,
                           sw_clock_wall_us(), &ev))
      log_rule_event(l, r, &ev, result);
    sw__loop_alert_result(l, r, result, before);
    sw__loop_metrics_result(r, result);
    sw__loop_unsaved(l, r, SW_SVC_UNSAVED_STATE);
    if (l->push)
      sw_svc_push_state(l->push, r);
    struct sw_store_result sr;
    sw_store_result_init(&sr);
    sr.rule_id = f->rule_id;
    sr.started_at_ms = f->started_at_ms;
    sr.status = status;
    /* Reports count time under a maintenance window apart (docs/reports.md). */
    sr.in_maintenance = r->alert.in_maintenance;
    sw_check_result_move(&sr.check, result);
    if (sw_svc_writer_add_result(&l->writer, &sr, now) && !l->db.drop_logged) {
      l->db.drop_logged = true;
      struct sw_svc_args a = {0};
      LOG_EVENT(l, SW_MSG_RESULTS_DROPPED, 0,
                sw_svc_arg(&a, "%zu", l->writer.max_results), l->cfg->db_path_utf8);
    }
  }
  sw_check_extras_free(&f->extras);
  sw_svc_check_hold_free(&f->hold);
  free(f);
  sw_svc_stats_part(&l->stats, SW_SVC_PART_RESULTS, sw_clock_now_us() - began);
}

/* A check that cannot start because its secret cannot be decrypted is a
 * result like any other: the rule turns UNKNOWN and says why. */
static void fail_at_once(struct inflight *f, const char *why)
{
  struct sw_check_result res;
  sw_check_result_init(&res);
  res.outcome = SW_OUTCOME_INTERNAL_ERROR;
  res.step = SW_STEP_AUTH;
  snprintf(res.detail, sizeof res.detail, "%s", why);
  on_check_done(f, &res);
  sw_check_result_free(&res);
}

void sw__loop_start_check(struct sw_svc_loop *l, const struct sw_scheduler_run *run)
{
  struct sw_svc_rule *r = sw_svc_rules_find(&l->rules, run->rule_id);
  struct inflight *f = r && r->valid ? malloc(sizeof *f) : NULL;
  enum sw_error err = r && r->valid ? SW_E_NOMEM : SW_E_INVALID_ARGUMENT;
  if (f) {
    *f = (struct inflight){.loop = l,
                           .rule_id = run->rule_id,
                           .token = run->token,
                           .started_at_ms = sw_clock_wall_us() / 1000};
    sw_rule_init_defaults(&f->hold.rule);
    struct sw_scheduler_rule_info info;
    if (sw_scheduler_get(l->sched, run->rule_id, &info))
      f->skipped_before = info.skipped;
    char why[SW_DETAIL_MAX];
    if (!sw_svc_check_extras(&r->rule, &r->auth_secret, &r->oauth_secret,
                             &r->mailbox_secret, NULL, &f->extras, why, sizeof why)) {
      sw_svc_stats_started(&l->stats, 0);
      fail_at_once(f, why); /* frees f */
      return;
    }
    /* f may be freed by the callback before this returns. A round trip
     * stays in flight until delivery or its deadline: the scheduler skips
     * the rule's runs meanwhile (docs/round-trip.md). */
    err = sw_svc_check_start(l->engine, &r->rule, &f->extras, &f->hold, on_check_done, f);
  }
  if (!err) {
    sw_svc_stats_started(&l->stats, sw__loop_from_sched(l, run->start) -
                                        sw__loop_from_sched(l, run->due));
    l->check_start_failing = false;
    return;
  }
  if (f) {
    sw_check_extras_free(&f->extras);
    sw_svc_check_hold_free(&f->hold);
  }
  free(f);
  sw_scheduler_done(l->sched, run->rule_id, run->token);
  if (r && !l->check_start_failing) {
    l->check_start_failing = true;
    struct sw_svc_args a = {0};
    LOG_EVENT(l, SW_MSG_CHECK_START_FAILED, r->rule.id, r->rule.name,
              sw_svc_arg(&a, "%" PRId64, r->rule.id),
              sw_svc_arg(&a, "%s.", sw_error_text(err)));
  }
}
