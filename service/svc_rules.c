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

void sw_svc_rule_metrics_init(struct sw_svc_rule_metrics *m)
{
  for (int i = 0; i < SW_STEP_COUNT; i++)
    m->step_us[i] = -1;
  m->cert_not_after = 0;
}

void sw_svc_rules_init(struct sw_svc_rules *t)
{
  memset(t, 0, sizeof *t);
}

static void rule_destroy(struct sw_svc_rule *r)
{
  sw_svc_drift_free(r->drift);
  sw_svc_rule_alert_free(&r->alert);
  free(r->sts_id);
  free(r->problem);
  sw_rule_free(&r->rule);
  sw_store_blob_free(&r->auth_secret);
  sw_store_blob_free(&r->oauth_secret);
  sw_store_blob_free(&r->mailbox_secret);
  free(r);
}

void sw_svc_rules_free(struct sw_svc_rules *t)
{
  for (size_t i = 0; i < t->count; i++)
    rule_destroy(t->items[i]);
  free(t->items);
  sw_svc_rules_init(t);
}

size_t sw_svc_rules_first_after(const struct sw_svc_rules *t, int64_t after)
{
  size_t lo = 0, hi = t->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->items[mid]->rule.id <= after)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

struct sw_svc_rule *sw_svc_rules_find(const struct sw_svc_rules *t, int64_t id)
{
  size_t at = id == INT64_MIN ? 0 : sw_svc_rules_first_after(t, id - 1);
  return at < t->count && t->items[at]->rule.id == id ? t->items[at] : NULL;
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
    out->secret_bytes += r->auth_secret.len + r->oauth_secret.len + r->mailbox_secret.len;
    out->blocks += 1 + strings + (r->auth_secret.data != NULL) +
                   (r->oauth_secret.data != NULL) + (r->mailbox_secret.data != NULL);
    if (r->drift) {
      out->other_bytes += sizeof *r->drift + strlen(r->drift->accepted) + 1;
      out->blocks += 2;
    }
    if (r->problem) {
      out->other_bytes += strlen(r->problem) + 1;
      out->blocks++;
    }
    if (r->alert.message) {
      out->other_bytes += strlen(r->alert.message) + 1;
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
  sw_store_blob_free(&r->mailbox_secret);
  r->rule = from->rule;
  r->revision = from->revision;
  r->auth_secret = from->auth_secret;
  r->oauth_secret = from->oauth_secret;
  r->mailbox_secret = from->mailbox_secret;
  /* The list gives up the strings and blobs; leave it owning nothing. */
  sw_rule_init_defaults(&from->rule);
  from->auth_secret = from->oauth_secret = from->mailbox_secret =
      (struct sw_store_blob){0};
  struct sw_rule_problems problems;
  r->valid = sw_rule_validate(&r->rule, &problems);
  sw_svc_rule_set_problem(r, r->valid ? NULL : problems.items[0].message);
}

void sw_svc_rule_set_problem(struct sw_svc_rule *r, const char *problem)
{
  if (sw_rule_set_string(&r->problem, problem) != SW_E_OK) {
    free(r->problem); /* the old sentence would be wrong: say "out of memory" */
    r->problem = NULL;
  }
}

const char *sw_svc_rule_problem(const struct sw_svc_rule *r)
{
  return r->problem ? r->problem : r->valid ? "" : sw_error_text(SW_E_NOMEM);
}

/* The start of a change: the diff empty, and an observer that hears
 * nothing when none is given. */
static const struct sw_svc_rules_observer *
begin_change(const struct sw_svc_rules_observer *obs, struct sw_svc_rules_diff *diff)
{
  static const struct sw_svc_rules_observer none = {0};
  memset(diff, 0, sizeof *diff);
  return obs ? obs : &none;
}

/* A record for a rule new to the table: no rule yet, a fresh state, and
 * revision -1 (what marks it new until take_rule). NULL if out of memory. */
static struct sw_svc_rule *new_record(void)
{
  struct sw_svc_rule *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  sw_rule_init_defaults(&r->rule);
  sw_rule_state_init(&r->state);
  sw_svc_rule_alert_init(&r->alert);
  sw_svc_rule_metrics_init(&r->metrics);
  r->revision = -1; /* marks it new */
  return r;
}

static bool checked(const struct sw_svc_rule *r)
{
  return r->valid && r->rule.enabled;
}

/* Takes rule `at` out of the table (told to the observer, then freed). */
static void remove_at(struct sw_svc_rules *t, size_t at,
                      const struct sw_svc_rules_observer *obs)
{
  struct sw_svc_rule *r = t->items[at];
  t->enabled -= checked(r);
  if (obs->removed)
    obs->removed(obs->ctx, r);
  rule_destroy(r);
  memmove(&t->items[at], &t->items[at + 1], (t->count - at - 1) * sizeof *t->items);
  t->count--;
}

/* Puts a new record for `from` at position `at`; SW_E_NOMEM changes
 * nothing. */
static enum sw_error insert_at(struct sw_svc_rules *t, size_t at,
                               struct sw_store_rule *from, struct sw_svc_rule **out)
{
  if (t->count == t->cap) {
    size_t cap = t->cap ? t->cap + t->cap / 2 + 1 : 16;
    struct sw_svc_rule **items = realloc(t->items, cap * sizeof *items);
    if (!items)
      return SW_E_NOMEM;
    t->items = items;
    t->cap = cap;
  }
  struct sw_svc_rule *r = new_record();
  if (!r)
    return SW_E_NOMEM;
  memmove(&t->items[at + 1], &t->items[at], (t->count - at) * sizeof *t->items);
  t->items[at] = r;
  t->count++;
  take_rule(r, from);
  *out = r;
  return SW_E_OK;
}

enum sw_error sw_svc_rules_apply_one(struct sw_svc_rules *t, int64_t id,
                                     struct sw_store_rule *from,
                                     const struct sw_svc_rules_observer *obs,
                                     struct sw_svc_rules_diff *diff)
{
  obs = begin_change(obs, diff);
  size_t at = id == INT64_MIN ? 0 : sw_svc_rules_first_after(t, id - 1);
  struct sw_svc_rule *r =
      at < t->count && t->items[at]->rule.id == id ? t->items[at] : NULL;
  if (!from) {
    if (r) {
      remove_at(t, at, obs);
      diff->removed = 1;
    }
    return SW_E_OK;
  }
  if (!r) {
    enum sw_error e = insert_at(t, at, from, &r);
    if (e)
      return e;
    t->enabled += checked(r);
    if (obs->added)
      obs->added(obs->ctx, r);
    diff->added = 1;
  } else if (r->revision != from->revision) {
    bool check_changed = !same_check(&r->rule, &from->rule);
    t->enabled -= checked(r);
    take_rule(r, from);
    t->enabled += checked(r);
    if (obs->changed)
      obs->changed(obs->ctx, r, check_changed);
    diff->changed = 1;
  }
  return SW_E_OK;
}

enum sw_error sw_svc_rules_sync(struct sw_svc_rules *t, struct sw_store_rule_list *list,
                                const struct sw_svc_rules_observer *obs,
                                struct sw_svc_rules_diff *diff)
{
  obs = begin_change(obs, diff);
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
      next[i] = new_record();
      if (!next[i]) {
        for (size_t k = 0; k < i; k++)
          if (sw_svc_rules_find(t, list->items[k].rule.id) != next[k])
            free(next[k]);
        free(next);
        return SW_E_NOMEM;
      }
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
  const char *host = sw_rule_target(r);
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
