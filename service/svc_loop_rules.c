/* The rules side of the service loop: lists of rules from the store (the
 * first read, the watcher's, a pipe client's change) applied to the rule
 * table and the scheduler, the rule states a restart goes on from, and the
 * state trackers' settings. */
#include "svc_loop_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "svc_eventlog.h"
#include "win_error.h"

/* Settings (store) that tune the state trackers; docs/service.md. */
#define SETTING_FAIL_THRESHOLD "fail_threshold"
#define SETTING_FLAP_CHANGES "flap_changes"
#define SETTING_FLAP_WINDOW_S "flap_window_s"
#define SETTING_NOTIFY_GIVE_UP_S "notify_give_up_s"

static void schedule_rule(struct sw_svc_loop *l, struct sw_svc_rule *r)
{
  if (!r->valid) {
    sw_scheduler_remove(l->sched, r->rule.id);
    struct sw_svc_args a = {0};
    LOG_EVENT(l, SW_MSG_RULE_INVALID, r->rule.id, r->rule.name,
              sw_svc_arg(&a, "%" PRId64, r->rule.id), sw_svc_rule_problem(r));
    return;
  }
  enum sw_error err =
      sw_scheduler_put(l->sched, r->rule.id, r->rule.interval_s, r->rule.enabled,
                       sw__loop_to_sched(l, sw_clock_now_us()));
  if (err) {
    /* Out of memory: the rule is not checked until the next change of it;
     * say so as a rule that cannot be checked. */
    sw_svc_rule_set_problem(r, sw_error_text(err));
    r->valid = false;
  }
}

static void on_rule_added(void *ctx, struct sw_svc_rule *r)
{
  struct sw_svc_loop *l = ctx;
  schedule_rule(l, r);
  if (l->push)
    sw_svc_push_rule(l->push, SW_PIPE_CHANGE_ADDED, r);
}

static void on_rule_changed(void *ctx, struct sw_svc_rule *r, bool check_changed)
{
  struct sw_svc_loop *l = ctx;
  if (check_changed) {
    sw_scheduler_invalidate(l->sched, r->rule.id);
    sw__loop_drift_forget(l, r);           /* perhaps another server now */
    sw_svc_rule_metrics_init(&r->metrics); /* its steps and certificate too */
  }
  schedule_rule(l, r);
  if (l->push)
    sw_svc_push_rule(l->push, SW_PIPE_CHANGE_UPDATED, r);
}

static void on_rule_removed(void *ctx, struct sw_svc_rule *r)
{
  struct sw_svc_loop *l = ctx;
  if (l->push)
    sw_svc_push_rule(l->push, SW_PIPE_CHANGE_DELETED, r);
  sw_scheduler_remove(l->sched, r->rule.id);
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
void sw__loop_load_settings(struct sw_svc_loop *l)
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
  uint32_t give_up =
      setting_u32(l->store, SETTING_NOTIFY_GIVE_UP_S, SW_OUTBOX_DEFAULT_GIVE_UP_S);
  l->outbox.retry.give_up_s = give_up ? give_up : SW_OUTBOX_DEFAULT_GIVE_UP_S;
}

/* At the first successful read of the rules: each rule goes on from the
 * state the store kept (so a restart neither repeats nor loses events). */
static void restore_states(struct sw_svc_loop *l)
{
  struct sw_store_state_list list = {0};
  enum sw_store_error err = sw_store_state_load(l->store, &list);
  if (err) {
    sw__loop_store_failed_on(l, "read the rule states", err);
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

static const struct sw_svc_rules_observer *observer(struct sw_svc_loop *l)
{
  static struct sw_svc_rules_observer obs = {
      .added = on_rule_added, .changed = on_rule_changed, .removed = on_rule_removed};
  obs.ctx = l;
  return &obs;
}

/* What a change of the table (`d`, begun at `t0`) means beyond the
 * scheduler: alert settings to read again, an event, the figures. */
static void applied(struct sw_svc_loop *l, const struct sw_svc_rules_diff *d, int64_t t0)
{
  if (d->added || d->changed)
    l->alerts.stale = true; /* new rules' settings, a parent that changed */
  if (l->rules_loaded && (d->added || d->changed || d->removed)) {
    struct sw_svc_args a = {0};
    LOG_EVENT(l, SW_MSG_RULES_RELOADED, 0, sw_svc_arg(&a, "%zu", l->rules.enabled),
              sw_svc_arg(&a, "%zu", l->rules.count), sw_svc_arg(&a, "%zu", d->added),
              sw_svc_arg(&a, "%zu", d->changed), sw_svc_arg(&a, "%zu", d->removed));
  }
  sw_svc_stats_reload(&l->stats, sw_clock_now_us() - t0);
}

/* Applies the store's list of rules (consumed) to the table. */
void sw__loop_apply_rules(struct sw_svc_loop *l, struct sw_store_rule_list *list)
{
  int64_t t0 = sw_clock_now_us();
  struct sw_svc_rules_diff diff;
  enum sw_error e = sw_svc_rules_sync(&l->rules, list, observer(l), &diff);
  sw_store_rule_list_free(list);
  if (e)
    return; /* out of memory: the watcher's next list tries again */
  applied(l, &diff, t0);
}

void sw__loop_apply_rule(struct sw_svc_loop *l, int64_t rule_id)
{
  if (!l->store)
    return; /* the watcher brings it once the database is back */
  int64_t t0 = sw_clock_now_us();
  struct sw_store_rule r;
  memset(&r, 0, sizeof r);
  sw_rule_init_defaults(&r.rule);
  enum sw_store_error err = sw_store_rule_get(l->store, rule_id, &r);
  if (err && err != SW_STORE_NOT_FOUND)
    return; /* the watcher's next list brings it */
  struct sw_svc_rules_diff diff;
  enum sw_error e =
      sw_svc_rules_apply_one(&l->rules, rule_id, err ? NULL : &r, observer(l), &diff);
  sw_store_rule_free(&r);
  if (!e)
    applied(l, &diff, t0);
}

/* The first read of the rules, on the loop thread: the rules and their
 * saved states must be in place before the first check. Then the watcher
 * takes over. */
void sw__loop_load_rules_now(struct sw_svc_loop *l)
{
  struct sw_store_rule_list list = {0};
  enum sw_store_error err = sw_store_rule_list(l->store, &list);
  if (err) {
    sw__loop_store_failed_on(l, "read the rules", err);
    return;
  }
  sw__loop_load_settings(l);
  uint64_t fingerprint = sw_svc_rules_fingerprint(&list);
  sw__loop_apply_rules(l, &list);
  restore_states(l);
  sw__loop_drift_load(l);
  l->rules_loaded = true;
  DWORD rc = sw_svc_rules_watch_start(&l->watch, l->cfg->db_path_utf8, fingerprint);
  if (rc) {
    /* Without the watcher, rule changes need a restart: say so. */
    char why[320];
    sw_win_error_sentence(why, sizeof why, rc,
                          "the thread that watches for rule changes did not start");
    sw__loop_store_failed(l, "watch the rules", SW_STORE_NOMEM, why);
  }
}

/* A list or a read failure from the watcher, if it has one. */
void sw__loop_take_watched_rules(struct sw_svc_loop *l)
{
  struct sw_store_rule_list list;
  enum sw_store_error err;
  char message[SW_STORE_MESSAGE_MAX];
  if (!sw_svc_rules_watch_take(l->watch, &list, &err, message, sizeof message))
    return;
  if (err)
    sw__loop_store_failed(l, "read the rules", err, message);
  else
    sw__loop_apply_rules(l, &list);
}
