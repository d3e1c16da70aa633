/* The rule table: a sorted array of pointers to records that never move,
 * merged with the store's list of rules on every reload; and how a rule's
 * state events read in the Event Log. */
#include "svc_rules.h"

#include <windows.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "messages.h"

void sw_svc_rules_init(struct sw_svc_rules *t)
{
  memset(t, 0, sizeof *t);
}

static void rule_destroy(struct sw_svc_rule *r)
{
  sw_svc_drift_free(r->drift);
  sw_rule_free(&r->rule);
  sw_store_blob_free(&r->auth_secret);
  sw_store_blob_free(&r->oauth_secret);
  free(r);
}

void sw_svc_rules_free(struct sw_svc_rules *t)
{
  for (size_t i = 0; i < t->count; i++)
    rule_destroy(t->items[i]);
  free(t->items);
  sw_svc_rules_init(t);
}

struct sw_svc_rule *sw_svc_rules_find(const struct sw_svc_rules *t, int64_t id)
{
  size_t lo = 0, hi = t->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t mid_id = t->items[mid]->rule.id;
    if (mid_id == id)
      return t->items[mid];
    if (mid_id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

void sw_svc_rules_memory(const struct sw_svc_rules *t, struct sw_svc_rules_memory *out)
{
  memset(out, 0, sizeof *out);
  out->record_bytes = sizeof(struct sw_svc_rule);
  out->rule_bytes = sizeof(struct sw_rule);
  out->state_bytes = sizeof(struct sw_rule_state);
  out->alert_bytes = sizeof(struct sw_svc_rule_alert);
  out->table_bytes = t->cap * sizeof *t->items;
  out->blocks = t->items ? 1 : 0;
  for (size_t i = 0; i < t->count; i++) {
    const struct sw_svc_rule *r = t->items[i];
    size_t strings;
    out->string_bytes += sw_rule_heap_bytes(&r->rule, &strings);
    out->secret_bytes += r->auth_secret.len + r->oauth_secret.len;
    out->blocks +=
        1 + strings + (r->auth_secret.data != NULL) + (r->oauth_secret.data != NULL);
    if (r->drift) {
      out->other_bytes += sizeof *r->drift;
      out->blocks++;
    }
  }
}

enum sw_nagios_status sw_svc_rule_state_now(const struct sw_svc_rule *r)
{
  return r->state.last_result_at ? r->state.state : SW_NAGIOS_OK;
}

const struct sw_svc_rule *sw_svc_rules_parent_down(const struct sw_svc_rules *t,
                                                   const struct sw_svc_rule *r)
{
  const struct sw_svc_rule *p =
      r->alert.depends_on ? sw_svc_rules_find(t, r->alert.depends_on) : NULL;
  return p && p->valid && p->rule.enabled && sw_svc_rule_state_now(p) != SW_NAGIOS_OK
             ? p
             : NULL;
}

/* True if a check of `a` and of `b` would do the same thing: a result
 * from one then describes the other. Name, interval, enabled and drift do
 * not change what a check does. (A new password with the same user is not
 * seen here: the next result tells.) */
static bool same_check(const struct sw_rule *a, const struct sw_rule *b)
{
  const uint64_t beside_the_check = SW_RULE_FIELD_BIT(SW_RULE_FIELD_NAME) |
                                    SW_RULE_FIELD_BIT(SW_RULE_FIELD_INTERVAL_S) |
                                    SW_RULE_FIELD_BIT(SW_RULE_FIELD_ENABLED) |
                                    SW_RULE_FIELD_BIT(SW_RULE_FIELD_DRIFT);
  return (sw_rule_diff(a, b) & ~beside_the_check) == 0;
}

/* Moves the store's record into `r` (whose old rule, if any, is freed)
 * and validates it. */
static void take_rule(struct sw_svc_rule *r, struct sw_store_rule *from)
{
  sw_rule_free(&r->rule);
  sw_store_blob_free(&r->auth_secret);
  sw_store_blob_free(&r->oauth_secret);
  r->rule = from->rule;
  r->revision = from->revision;
  r->auth_secret = from->auth_secret;
  r->oauth_secret = from->oauth_secret;
  /* The list gives up the strings and blobs; leave it owning nothing. */
  sw_rule_init_defaults(&from->rule);
  from->auth_secret = from->oauth_secret = (struct sw_store_blob){0};
  struct sw_rule_problems problems;
  r->valid = sw_rule_validate(&r->rule, &problems);
  if (r->valid)
    r->problem[0] = '\0';
  else
    snprintf(r->problem, sizeof r->problem, "%s", problems.items[0].message);
}

enum sw_error sw_svc_rules_sync(struct sw_svc_rules *t, struct sw_store_rule_list *list,
                                const struct sw_svc_rules_observer *obs,
                                struct sw_svc_rules_diff *diff)
{
  static const struct sw_svc_rules_observer none = {0};
  if (!obs)
    obs = &none;
  memset(diff, 0, sizeof *diff);
  size_t n = list->count;
  /* Allocate everything first, so running out of memory changes nothing. */
  struct sw_svc_rule **next = malloc((n ? n : 1) * sizeof *next);
  if (!next)
    return SW_E_NOMEM;
  for (size_t i = 0, j = 0; i < n; i++) {
    int64_t id = list->items[i].rule.id;
    while (j < t->count && t->items[j]->rule.id < id)
      j++;
    next[i] = j < t->count && t->items[j]->rule.id == id ? t->items[j] : NULL;
    if (!next[i]) {
      next[i] = calloc(1, sizeof **next);
      if (!next[i]) {
        for (size_t k = 0; k < i; k++)
          if (sw_svc_rules_find(t, list->items[k].rule.id) != next[k])
            free(next[k]);
        free(next);
        return SW_E_NOMEM;
      }
      sw_rule_init_defaults(&next[i]->rule);
      sw_rule_state_init(&next[i]->state);
      sw_svc_rule_alert_init(&next[i]->alert);
      next[i]->revision = -1; /* marks it new below */
    }
  }

  /* Removed: in the old table, not in the list. Both are in id order. */
  for (size_t j = 0, i = 0; j < t->count; j++) {
    int64_t id = t->items[j]->rule.id;
    while (i < n && list->items[i].rule.id < id)
      i++;
    if (i < n && list->items[i].rule.id == id)
      continue;
    if (obs->removed)
      obs->removed(obs->ctx, t->items[j]);
    rule_destroy(t->items[j]);
    diff->removed++;
  }
  size_t enabled = 0;
  for (size_t i = 0; i < n; i++) {
    struct sw_svc_rule *r = next[i];
    struct sw_store_rule *from = &list->items[i];
    if (r->revision == -1) {
      take_rule(r, from);
      if (obs->added)
        obs->added(obs->ctx, r);
      diff->added++;
    } else if (r->revision != from->revision) {
      bool check_changed = !same_check(&r->rule, &from->rule);
      take_rule(r, from);
      if (obs->changed)
        obs->changed(obs->ctx, r, check_changed);
      diff->changed++;
    }
    if (r->valid && r->rule.enabled)
      enabled++;
  }
  free(t->items);
  t->items = next;
  t->count = t->cap = n;
  t->enabled = enabled;
  return SW_E_OK;
}

void sw_svc_rule_hostport(const struct sw_rule *r, char *out, size_t size)
{
  const char *host = r->host ? r->host : "";
  bool v6 = strchr(host, ':') && host[0] != '[';
  snprintf(out, size, v6 ? "[%s]:%u" : "%s:%u", host, (unsigned)r->port);
}

/* "connect 0.4 ms, greeting 1.2 ms, ..., total 2.1 ms" */
static void step_timings(const struct sw_check_result *r, char *out, size_t size)
{
  size_t len = 0;
  out[0] = '\0';
  for (int s = 0; s < SW_STEP_COUNT && len < size; s++)
    if (r->step_us[s] >= 0)
      len += (size_t)snprintf(out + len, size - len, "%s %.1f ms, ",
                              sw_step_label((enum sw_step)s), r->step_us[s] / 1000.0);
  if (len < size)
    snprintf(out + len, size - len, "total %.1f ms", r->total_us / 1000.0);
}

/* "30 minutes", "90 seconds" */
static const char *duration_text(struct sw_svc_args *a, int64_t us)
{
  int64_t s = us / 1000000;
  if (s >= 120 && s % 60 == 0)
    return sw_svc_arg(a, "%" PRId64 " minutes", s / 60);
  return sw_svc_arg(a, "%" PRId64 " seconds", s);
}

bool sw_svc_rule_event_text(struct sw_svc_rule_event_text *t, const struct sw_rule *r,
                            const struct sw_rule_state_event *ev,
                            const struct sw_check_result *res,
                            const struct sw_rule_state_config *cfg)
{
  switch (ev->kind) {
  case SW_RULE_EVENT_CHANGED:
    t->id = ev->new_state == SW_NAGIOS_CRITICAL  ? SW_MSG_RULE_CRITICAL
            : ev->new_state == SW_NAGIOS_WARNING ? SW_MSG_RULE_WARNING
                                                 : SW_MSG_RULE_UNKNOWN;
    break;
  case SW_RULE_EVENT_RECOVERED:
    t->id = SW_MSG_RULE_RECOVERED;
    break;
  case SW_RULE_EVENT_FLAPPING_STARTED:
    t->id = SW_MSG_RULE_FLAPPING;
    break;
  case SW_RULE_EVENT_FLAPPING_ENDED:
    t->id = SW_MSG_RULE_FLAPPING_STOPPED;
    break;
  default:
    return false;
  }
  sw_svc_rule_hostport(r, t->hostport, sizeof t->hostport);
  sw_check_result_describe(res, t->detail, sizeof t->detail);
  step_timings(res, t->timings, sizeof t->timings);
  struct sw_svc_args *a = &t->args;
  a->used = 0;
  const char *strings[SW_SVC_RULE_EVENT_STRINGS] = {
      r->name ? r->name : "",
      sw_svc_arg(a, "%" PRId64, r->id),
      t->hostport,
      sw_rule_state_name(ev->new_state),
      sw_rule_state_name(ev->old_state),
      sw_svc_arg(a, "%" PRIu32, ev->consecutive),
      sw_outcome_name(res->outcome),
      t->detail,
      res->reply[0] ? res->reply : "(none)",
      t->timings,
      sw_svc_arg(a, "%" PRIu32, cfg->flap_changes),
      duration_text(a, cfg->flap_window_us),
  };
  memcpy(t->strings, strings, sizeof strings);
  return true;
}
