/* Control-pipe requests about what holds a rule's alerts back and where
 * they go: maintenance windows, acknowledgements (who and when go to the
 * Event Log), and a rule's alert settings (its notifiers, transitions,
 * delay, repeat and the rule it depends on; rule 0 is the default
 * notifier set). */
#include "svc_requests_internal.h"

#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "messages.h"
#include "secret.h"

static void done_ok(struct sw_buf *reply, uint32_t id)
{
  size_t start;
  sw__req_begin(reply, SW_PIPE_MSG_DONE_OK, id, &start);
  sw__req_end(reply, id, start);
}

/* ---- maintenance windows ---------------------------------------------- */

static void put_window(const struct sw_svc_requests *q, struct sw_buf *reply,
                       const struct sw_store_maint *m, int64_t now_s)
{
  struct sw_pipe_maintenance p;
  sw_pipe_maintenance_init(&p);
  p.id = m->id;
  p.rule_id = m->rule_id;
  p.all = m->rule_id == 0;
  p.rule_name = (char *)sw__req_rule_name(q, m->rule_id, "");
  p.comment = m->comment;
  p.active = sw_maint_active(&m->window, now_s, sw_clock_zone_wall_s, NULL);
  int64_t next = sw_maint_next_change(&m->window, now_s, sw_clock_zone_wall_s, NULL);
  p.next_change_ms = next == INT64_MAX ? 0 : next * 1000;
  if (sw_pipe_maintenance_set_window(&p, &m->window) == SW_E_OK)
    sw_pipe_put_maintenance(reply, &p);
  free(p.weekly); /* the one string the record owns */
}

HANDLER(sw__req_maintenance_list)
{
  (void)conn, (void)f;
  struct sw_store_maint_list list = {0};
  enum sw_store_error err = sw_store_maint_list(*q->store, &list);
  if (err) {
    sw__req_store_error(q, reply, id, err, NULL);
    return SW_PIPE_KEEP;
  }
  int64_t now_s = q->now_ms() / 1000;
  size_t start;
  sw__req_begin(reply, SW_PIPE_MSG_MAINTENANCE_LIST_OK, id, &start);
  for (size_t i = 0; i < list.count; i++)
    put_window(q, reply, &list.items[i], now_s);
  sw__req_end(reply, id, start);
  sw_store_maint_list_free(&list);
  return SW_PIPE_KEEP;
}

HANDLER(sw__req_maintenance_add)
{
  (void)conn;
  char why[256];
  struct sw_store_maint m = {.rule_id = f->maint.all ? 0 : f->maint.rule_id,
                             .comment = f->maint.comment ? f->maint.comment : ""};
  if (!f->has_maint) {
    sw__req_error(reply, id, SW_PIPE_ERR_BAD_REQUEST,
                  "The MAINTENANCE record is missing.");
    return SW_PIPE_KEEP;
  }
  if (!sw_pipe_maintenance_check(&f->maint, &m.window, why, sizeof why)) {
    sw__req_error(reply, id, SW_PIPE_ERR_INVALID, why);
    return SW_PIPE_KEEP;
  }
  int64_t mid = 0;
  enum sw_store_error err = sw_store_maint_add(*q->store, &m, q->now_ms(), &mid);
  if (err == SW_STORE_INVALID_INPUT) {
    sw__req_error(reply, id, SW_PIPE_ERR_INVALID,
                  sw_store_last_error(*q->store)->message);
    return SW_PIPE_KEEP;
  }
  if (err) {
    sw__req_store_error(q, reply, id, err, "There is no rule with that id.");
    return SW_PIPE_KEEP;
  }
  q->alerts_changed(q->loop);
  m.id = mid;
  size_t start;
  sw__req_begin(reply, SW_PIPE_MSG_MAINTENANCE_OK, id, &start);
  put_window(q, reply, &m, q->now_ms() / 1000);
  sw__req_end(reply, id, start);
  return SW_PIPE_KEEP;
}

HANDLER(sw__req_maintenance_delete)
{
  (void)conn;
  enum sw_store_error err = sw_store_maint_delete(*q->store, f->maint_id);
  if (err == SW_STORE_NOT_FOUND) {
    sw__req_error(reply, id, SW_PIPE_ERR_MAINTENANCE_NOT_FOUND, NULL);
  } else if (err) {
    sw__req_store_error(q, reply, id, err, NULL);
  } else {
    q->alerts_changed(q->loop);
    done_ok(reply, id);
  }
  return SW_PIPE_KEEP;
}

/* ---- acknowledgements ------------------------------------------------- */

HANDLER(sw__req_rule_ack)
{
  const struct sw_svc_rule *r = sw_svc_rules_find(q->rules, f->rule_id);
  if (!r) {
    sw__req_error(reply, id, SW_PIPE_ERR_NOT_FOUND, NULL);
    return SW_PIPE_KEEP;
  }
  enum sw_nagios_status state = sw_svc_rule_state_now(r);
  if (state == SW_NAGIOS_OK) {
    sw__req_error(reply, id, SW_PIPE_ERR_NOT_BAD, NULL);
    return SW_PIPE_KEEP;
  }
  char by[300];
  sw_pipe_conn_account_name(conn, by, sizeof by);
  const char *comment = f->comment ? f->comment : "";
  struct sw_store_ack a = {.rule_id = r->rule.id,
                           .state = state,
                           .by = by,
                           .at_ms = q->now_ms(),
                           .comment = (char *)comment};
  enum sw_store_error err = sw_store_ack_set(*q->store, &a);
  if (err == SW_STORE_INVALID_INPUT) {
    sw__req_error(reply, id, SW_PIPE_ERR_INVALID,
                  sw_store_last_error(*q->store)->message);
    return SW_PIPE_KEEP;
  }
  if (err) {
    sw__req_store_error(q, reply, id, err, NULL);
    return SW_PIPE_KEEP;
  }
  char rid[24];
  snprintf(rid, sizeof rid, "%lld", (long long)r->rule.id);
  const char *strings[] = {r->rule.name, rid, sw_nagios_status_name(state), by,
                           comment[0] ? comment : "(none)"};
  q->log(q->loop, SW_MSG_RULE_ACKNOWLEDGED, r->rule.id, SW_COUNTOF(strings), strings);
  q->alerts_changed(q->loop);
  done_ok(reply, id);
  return SW_PIPE_KEEP;
}

HANDLER(sw__req_rule_unack)
{
  const struct sw_svc_rule *r = sw_svc_rules_find(q->rules, f->rule_id);
  bool cleared = false;
  enum sw_store_error err =
      r ? sw_store_ack_clear(*q->store, r->rule.id, &cleared) : SW_STORE_NOT_FOUND;
  if (err) {
    sw__req_store_error(q, reply, id, err, NULL);
    return SW_PIPE_KEEP;
  }
  if (cleared) {
    char by[300], rid[24];
    sw_pipe_conn_account_name(conn, by, sizeof by);
    snprintf(rid, sizeof rid, "%lld", (long long)r->rule.id);
    const char *strings[] = {r->rule.name, rid, by};
    q->log(q->loop, SW_MSG_RULE_UNACKNOWLEDGED, r->rule.id, SW_COUNTOF(strings), strings);
    q->alerts_changed(q->loop);
  }
  done_ok(reply, id);
  return SW_PIPE_KEEP;
}

/* ---- a rule's alert settings -------------------------------------------- */

/* The notifiers' names by id (names borrowed from `list`). */
static const char *notifier_name(const struct sw_store_notifier_list *list, int64_t nid)
{
  for (size_t i = 0; i < list->count; i++)
    if (list->items[i].id == nid)
      return list->items[i].name;
  return "";
}

static void alerts_ok(struct sw_svc_requests *q, struct sw_buf *reply, uint32_t id,
                      int64_t rule_id)
{
  struct sw_store_notifier_list notifiers = {0};
  struct sw_store_rule_alerts a = {0};
  enum sw_store_error err = sw_store_notifier_list(*q->store, &notifiers);
  if (!err && rule_id != SW_PIPE_DEFAULT_ALERTS)
    err = sw_store_rule_alerts_get(*q->store, rule_id, &a);
  const char **names = calloc(notifiers.count + a.notifier_count + 1, sizeof *names);
  if (err || !names) {
    sw__req_store_error(q, reply, id, err ? err : SW_STORE_NOMEM, NULL);
  } else {
    struct sw_pipe_rule_alerts p;
    sw_pipe_rule_alerts_init(&p);
    p.rule_id = rule_id;
    p.on = a.policy.on;
    p.after_s = a.policy.after_s;
    p.renotify_s = a.policy.renotify_s;
    p.depends_on = a.depends_on;
    p.depends_on_name = (char *)sw__req_rule_name(q, a.depends_on, "");
    if (rule_id == SW_PIPE_DEFAULT_ALERTS) {
      p.on = SW_ALERT_ON_ALL;
      for (size_t i = 0; i < notifiers.count; i++)
        if (notifiers.items[i].is_default)
          names[p.notify_count++] = notifiers.items[i].name;
    } else {
      for (size_t i = 0; i < a.notifier_count; i++)
        names[p.notify_count++] = notifier_name(&notifiers, a.notifier_ids[i]);
    }
    p.notify = (char **)names;
    size_t start;
    sw__req_begin(reply, SW_PIPE_MSG_RULE_ALERTS_OK, id, &start);
    sw_pipe_put_rule_alerts(reply, &p);
    sw__req_end(reply, id, start);
  }
  free(names);
  sw_store_rule_alerts_free(&a);
  sw_store_notifier_list_free(&notifiers);
}

HANDLER(sw__req_rule_alerts_get)
{
  (void)conn;
  alerts_ok(q, reply, id, f->rule_id);
  return SW_PIPE_KEEP;
}

/* Marks notifier `n` a default one or not: an update of every field with
 * its secret passed back as it is. */
static enum sw_store_error set_default(struct sw_svc_requests *q,
                                       const struct sw_store_notifier *n, bool is_default)
{
  if (n->is_default == is_default)
    return SW_STORE_OK;
  void *secret = NULL;
  size_t secret_len = 0;
  unsigned char *url = NULL;
  size_t url_len = 0;
  char why[SW_NOTIFIER_PROBLEM_MAX];
  enum sw_store_error err =
      n->has_secret ? sw_store_notifier_secret(*q->store, n->id, &secret, &secret_len)
                    : SW_STORE_OK;
  if (!err && n->kind == SW_NOTIFIER_WEBHOOK &&
      !sw_secret_unprotect(secret, secret_len, &url, &url_len, why, sizeof why))
    err = SW_STORE_INVALID_INPUT;
  struct sw_store_notifier_input in = {
      .name = n->name,
      .kind = n->kind,
      .is_default = is_default,
      .to = n->to,
      .relays = n->relays,
      .from = n->from,
      .tls_mode = n->tls_mode,
      .auth_user = n->auth_user,
      .url = url ? (const char *)url : "",
      .format = n->format,
      .command_line = n->command_line,
      .timeout_s = n->timeout_s,
      .service_name = n->service_name,
      .secret = secret,
      .secret_len = secret_len,
  };
  if (!err)
    err = sw_store_notifier_update(*q->store, n->id, &in, q->now_ms());
  sw_secret_free(url, url_len);
  free(secret);
  return err;
}

/* RULE_ALERTS_SET for rule 0: the named notifiers become the default set. */
static void set_defaults(struct sw_svc_requests *q, const struct sw_pipe_rule_alerts *p,
                         struct sw_buf *reply, uint32_t id)
{
  struct sw_store_notifier_list list = {0};
  enum sw_store_error err = sw_store_notifier_list(*q->store, &list);
  for (size_t k = 0; !err && k < p->notify_count; k++) {
    bool known = false;
    for (size_t i = 0; i < list.count; i++)
      known |= _stricmp(list.items[i].name, p->notify[k]) == 0;
    if (!known) {
      char why[SW_NOTIFIER_NAME_MAX_CHARS * 4 + 80];
      snprintf(why, sizeof why, "There is no notifier named \"%s\".", p->notify[k]);
      sw__req_error(reply, id, SW_PIPE_ERR_NOTIFIER_NOT_FOUND, why);
      sw_store_notifier_list_free(&list);
      return;
    }
  }
  for (size_t i = 0; !err && i < list.count; i++) {
    bool named = false;
    for (size_t k = 0; k < p->notify_count; k++)
      named |= _stricmp(list.items[i].name, p->notify[k]) == 0;
    err = set_default(q, &list.items[i], named);
  }
  sw_store_notifier_list_free(&list);
  if (err) {
    sw__req_store_error(q, reply, id, err, NULL);
    return;
  }
  q->alerts_changed(q->loop);
  alerts_ok(q, reply, id, SW_PIPE_DEFAULT_ALERTS);
}

HANDLER(sw__req_rule_alerts_set)
{
  (void)conn;
  const struct sw_pipe_rule_alerts *p = &f->alerts;
  if (!f->has_alerts) {
    sw__req_error(reply, id, SW_PIPE_ERR_BAD_REQUEST,
                  "The RULE_ALERTS record is missing.");
    return SW_PIPE_KEEP;
  }
  if (p->rule_id == SW_PIPE_DEFAULT_ALERTS) {
    set_defaults(q, p, reply, id);
    return SW_PIPE_KEEP;
  }
  int64_t ids[SW_STORE_RULE_NOTIFIERS_MAX];
  struct sw_store_rule_alerts a = {
      .rule_id = p->rule_id, .depends_on = p->depends_on, .notifier_ids = ids};
  sw_pipe_rule_alerts_policy(p, &a.policy);
  enum sw_store_error err = SW_STORE_OK;
  for (size_t k = 0; !err && k < p->notify_count && k < SW_COUNTOF(ids); k++) {
    struct sw_store_notifier n = {0};
    err = sw_store_notifier_get_by_name(*q->store, p->notify[k], &n);
    ids[a.notifier_count++] = n.id;
    sw_store_notifier_free(&n);
    if (err == SW_STORE_NOT_FOUND) {
      char why[SW_NOTIFIER_NAME_MAX_CHARS * 4 + 80];
      snprintf(why, sizeof why, "There is no notifier named \"%s\".", p->notify[k]);
      sw__req_error(reply, id, SW_PIPE_ERR_NOTIFIER_NOT_FOUND, why);
      return SW_PIPE_KEEP;
    }
  }
  if (!err)
    err = sw_store_rule_alerts_set(*q->store, &a);
  const char *said = sw_store_last_error(*q->store)->message;
  if (err == SW_STORE_INVALID_INPUT)
    sw__req_error(reply, id,
                  p->depends_on && strstr(said, "depend") ? SW_PIPE_ERR_DEPENDENCY_CYCLE
                                                          : SW_PIPE_ERR_INVALID,
                  said);
  else if (err)
    sw__req_store_error(q, reply, id, err, said[0] ? said : NULL);
  else {
    q->alerts_changed(q->loop);
    alerts_ok(q, reply, id, p->rule_id);
  }
  return SW_PIPE_KEEP;
}
