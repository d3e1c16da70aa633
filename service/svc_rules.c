/* The rule table: a sorted array of pointers to records that never move,
 * merged with the store's list of rules on every reload. */
#include "svc_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sw_svc_rules_init(struct sw_svc_rules *t)
{
  memset(t, 0, sizeof *t);
}

static void rule_destroy(struct sw_svc_rule *r)
{
  sw_rule_free(&r->rule);
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

static bool same_string(const char *a, const char *b)
{
  return !strcmp(a ? a : "", b ? b : "");
}

/* True if a check of `a` and of `b` would do the same thing: a result
 * from one then describes the other. Name, interval and enabled do not
 * change what a check does. */
static bool same_check(const struct sw_rule *a, const struct sw_rule *b)
{
  return same_string(a->host, b->host) && a->port == b->port &&
         same_string(a->command, b->command) && same_string(a->expect, b->expect) &&
         a->timeout_ms == b->timeout_ms && same_string(a->ehlo_name, b->ehlo_name) &&
         a->tls_mode == b->tls_mode && a->tls_insecure == b->tls_insecure &&
         a->cert_warn_days == b->cert_warn_days && a->cert_crit_days == b->cert_crit_days;
}

/* Moves the store's record into `r` (whose old rule, if any, is freed)
 * and validates it. */
static void take_rule(struct sw_svc_rule *r, struct sw_store_rule *from)
{
  sw_rule_free(&r->rule);
  r->rule = from->rule;
  r->revision = from->revision;
  /* The list gives up the strings; leave it owning nothing. */
  sw_rule_init_defaults(&from->rule);
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
