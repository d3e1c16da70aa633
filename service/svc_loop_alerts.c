/* Alert decisions in the service loop: after every result of a rule, when
 * a rule it depends on goes down or comes back, when a maintenance window
 * opens or closes, and when a decision said to look again (a delay, a
 * reminder), sw_alert_decide says whether to tell; what it decides is
 * committed to the outbox with the rule's track in one transaction before
 * anything is sent (svc_loop_outbox.c sends). A store that cannot take
 * the decision leaves the track as it was, so the same decision is made
 * again a few seconds later: nothing is lost, nothing told twice. */
#include "svc_loop_internal.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"

/* How often the windows and due decisions are looked at, and how soon a
 * decision the store could not take is tried again. */
#define SWEEP_EVERY_MS 1000
#define RETRY_S 5
/* A rule whose notifications go nowhere (no notifier of its own, no
 * default one) has told nobody: it is asked again this often, and at once
 * when notifiers are set, so that a problem is told once someone listens. */
#define NOBODY_RETRY_S 60

static bool is_bad(enum sw_nagios_status s)
{
  return s != SW_NAGIOS_OK;
}

/* A rule is watched for alerts while it is checked. */
static bool watched(const struct sw_svc_rule *r)
{
  return r->valid && r->rule.enabled;
}

static bool same_track(const struct sw_alert_track *a, const struct sw_alert_track *b)
{
  return a->told == b->told && a->told_at == b->told_at && a->bad_since == b->bad_since &&
         a->told_flapping == b->told_flapping && a->in_maintenance == b->in_maintenance;
}

/* Commits the decision `d` for rule `r`: one notification per notifier the
 * rule's notifications go to, with the new track `t`. *nobody: there is no
 * notifier to tell, and nothing was written. */
static enum sw_store_error enqueue(struct sw_svc_loop *l, struct sw_svc_rule *r,
                                   const struct sw_alert_track *t,
                                   const struct sw_alert_decision *d, int64_t now_ms,
                                   bool *nobody)
{
  int64_t *targets = NULL;
  size_t count = 0;
  enum sw_store_error err =
      sw_store_rule_alert_targets(l->store, r->rule.id, &targets, &count);
  *nobody = !err && count == 0;
  if (*nobody)
    return SW_STORE_OK;
  struct sw_store_notification *items = count ? calloc(count, sizeof *items) : NULL;
  char(*uids)[SW_STORE_NOTIFICATION_ID_MAX + 1] =
      count ? calloc(count, sizeof *uids) : NULL;
  if (!err && count && (!items || !uids))
    err = SW_STORE_NOMEM;
  char hostport[300];
  sw_svc_rule_hostport(&r->rule, hostport, sizeof hostport);
  const struct sw_svc_rule_alert *a = &r->alert;
  for (size_t i = 0; !err && i < count; i++) {
    sw_svc_notification_uid(r->rule.id, now_ms, ++l->alerts.seq, targets[i], uids[i],
                            sizeof uids[i]);
    items[i] = (struct sw_store_notification){
        .uid = uids[i],
        .rule_id = r->rule.id,
        .notifier_id = targets[i],
        .kind = d->kind,
        .state = d->state,
        .previous = a->track.told,
        .outcome = a->outcome,
        .rule_name = r->rule.name,
        .host = (char *)sw_rule_target(&r->rule), /* borrowed */
        .message = a->message ? a->message : "",
        .port = r->rule.port,
        .reply_code = a->reply_code,
        .response_ms = a->response_ms,
        .since_s = r->state.since / 1000000,
    };
  }
  if (!err)
    err =
        sw_store_outbox_enqueue_with_track(l->store, r->rule.id, t, items, count, now_ms);
  free(items);
  free(uids);
  free(targets);
  return err;
}

/* Decides for rule `r` at Unix second `now_s`, and commits what it
 * decided. */
static void decide(struct sw_svc_loop *l, struct sw_svc_rule *r, int64_t now_s)
{
  struct sw_svc_rule_alert *a = &r->alert;
  if (!l->store || !l->alerts.loaded) {
    a->next_at = now_s + RETRY_S;
    return;
  }
  enum sw_nagios_status state = sw_svc_rule_state_now(r);
  struct sw_alert_view v = {
      .state = state,
      .since = r->state.since / 1000000,
      .flapping = r->state.flapping,
      .maintenance = a->in_maintenance,
      .parent_down = sw_svc_rules_parent_down(&l->rules, r) != NULL,
      .acknowledged = a->acked && a->acked_state == state,
      .now = now_s,
  };
  struct sw_alert_track t = a->track;
  struct sw_alert_decision d;
  sw_alert_decide(&a->policy, &v, &t, &d);
  enum sw_store_error err = SW_STORE_OK;
  bool nobody = false;
  if (d.kind != SW_ALERT_NONE)
    err = enqueue(l, r, &t, &d, now_s * 1000, &nobody);
  else if (!same_track(&t, &a->track))
    sw__loop_unsaved(l, r, SW_SVC_UNSAVED_TRACK); /* with the next batch */
  if (err == SW_STORE_NOT_FOUND) {
    a->next_at = SW_ALERT_NONE_AT; /* the rule is being deleted */
    return;
  }
  if (err) {
    sw__loop_store_failed_on(l, "queue a notification", err);
    a->next_at = now_s + RETRY_S;
    return;
  }
  if (nobody) {
    a->next_at = now_s + NOBODY_RETRY_S;
    return;
  }
  a->track = t;
  a->next_at = d.next_at;
}

/* The rules that depend on `parent`, which just went down or came back. */
static void decide_children(struct sw_svc_loop *l, const struct sw_svc_rule *parent,
                            int64_t now_s)
{
  for (size_t i = 0; i < l->rules.count; i++) {
    struct sw_svc_rule *c = l->rules.items[i];
    if (c->alert.depends_on == parent->rule.id && watched(c) && c->alert.checked)
      decide(l, c, now_s);
  }
}

void sw__loop_alert_result(struct sw_svc_loop *l, struct sw_svc_rule *r,
                           const struct sw_check_result *res,
                           enum sw_nagios_status before)
{
  struct sw_svc_rule_alert *a = &r->alert;
  sw_svc_rule_alert_note_result(a, res);
  a->checked = true;
  enum sw_nagios_status now_state = sw_svc_rule_state_now(r);
  int64_t now_s = sw_clock_wall_us() / 1000000;
  /* An acknowledgement is of one state: another ends it. */
  if (a->acked && a->acked_state != now_state && l->store) {
    enum sw_store_error err =
        sw_store_ack_clear_unless(l->store, r->rule.id, now_state, NULL);
    if (!err || err == SW_STORE_NOT_FOUND)
      a->acked = false;
  }
  decide(l, r, now_s);
  if (is_bad(before) != is_bad(now_state))
    decide_children(l, r, now_s);
}

/* Reads every rule's alert settings, tracks and acknowledgements, and the
 * windows. */
static enum sw_store_error load(struct sw_svc_loop *l)
{
  struct sw_store_rule_alerts_list settings = {0};
  struct sw_store_alert_track_list tracks = {0};
  struct sw_store_ack_list acks = {0};
  struct sw_store_maint_list windows = {0};
  enum sw_store_error err = sw_store_rule_alerts_list(l->store, &settings);
  if (!err)
    err = sw_store_alert_track_load(l->store, &tracks);
  if (!err)
    err = sw_store_ack_list(l->store, &acks);
  if (!err)
    err = sw_store_maint_list(l->store, &windows);
  if (!err) {
    for (size_t i = 0; i < settings.count; i++) {
      struct sw_svc_rule *r = sw_svc_rules_find(&l->rules, settings.items[i].rule_id);
      if (r) {
        r->alert.policy = settings.items[i].policy;
        r->alert.depends_on = settings.items[i].depends_on;
      }
    }
    for (size_t i = 0; i < tracks.count; i++) {
      struct sw_svc_rule *r = sw_svc_rules_find(&l->rules, tracks.items[i].rule_id);
      if (r)
        r->alert.track = tracks.items[i].track;
    }
    for (size_t i = 0; i < l->rules.count; i++)
      l->rules.items[i]->alert.acked = false;
    for (size_t i = 0; i < acks.count; i++) {
      struct sw_svc_rule *r = sw_svc_rules_find(&l->rules, acks.items[i].rule_id);
      if (r) {
        r->alert.acked = true;
        r->alert.acked_state = acks.items[i].state;
      }
    }
    sw_store_maint_list_free(&l->alerts.windows);
    l->alerts.windows = windows;
    windows = (struct sw_store_maint_list){0};
  }
  sw_store_rule_alerts_list_free(&settings);
  sw_store_alert_track_list_free(&tracks);
  sw_store_ack_list_free(&acks);
  sw_store_maint_list_free(&windows);
  return err;
}

/* Looks at every watched rule: a window that opened or closed on it, or a
 * decision that is due. */
static void sweep(struct sw_svc_loop *l, int64_t now_s)
{
  bool windows_known = sw_svc_alerts_evaluate_windows(&l->alerts, now_s);
  for (size_t i = 0; i < l->rules.count && l->store; i++) {
    struct sw_svc_rule *r = l->rules.items[i];
    if (!watched(r) || !r->alert.checked)
      continue;
    bool held = windows_known ? sw_svc_alerts_holds(&l->alerts, r->rule.id)
                              : r->alert.in_maintenance;
    if (held != r->alert.in_maintenance) {
      r->alert.in_maintenance = held;
      decide(l, r, now_s);
    } else if (r->alert.next_at <= now_s) {
      decide(l, r, now_s);
    }
  }
}

void sw__loop_tend_alerts(struct sw_svc_loop *l, int64_t now_us)
{
  if (!l->store || !l->rules_loaded)
    return;
  if (!l->alerts.loaded || l->alerts.stale) {
    enum sw_store_error err = load(l);
    if (err) {
      sw__loop_store_failed_on(l, "read the alert settings", err);
      return;
    }
    l->alerts.loaded = true;
    l->alerts.stale = false;
    l->alerts.next_sweep_us = 0; /* look at every rule now */
    for (size_t i = 0; i < l->rules.count; i++)
      l->rules.items[i]->alert.next_at = 0;
  }
  if (now_us < l->alerts.next_sweep_us)
    return;
  l->alerts.next_sweep_us = now_us + (int64_t)SWEEP_EVERY_MS * 1000;
  sweep(l, sw_clock_wall_us() / 1000000);
}

int64_t sw__loop_alerts_wake_us(const struct sw_svc_loop *l)
{
  return l->store && l->rules_loaded ? l->alerts.next_sweep_us : INT64_MAX;
}
