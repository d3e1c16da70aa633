/* A check of every address of its host (all_addresses): once the name is
 * resolved, the parent check starts one sub-check per address. Each is a
 * struct sw_check of its own (socket, dialogue, TLS, reverse lookup) whose
 * dialogue starts at the parent's start, so all share the one deadline;
 * they run in parallel on the loop like any checks. Each reports its
 * result to its slot in the parent's group, and when the last has, the
 * parent merges them (common/smtp/address_results.c: the worst decides)
 * and delivers once.
 *
 * Sub-checks live in their parent's list, not the engine's: the engine
 * cancels a parent, and the parent its sub-checks, so walking the engine's
 * list never meets a struct that another's cancellation frees. A parent is
 * freed only after its last sub-check struct (whose completions may still
 * drain after it reported), and while it walks its own sub-checks (`busy`)
 * it neither delivers nor is freed. */
#include "engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address_results.h"
#include "clock.h"

/* A sub-check of `p` for its address i, in p's group; NULL if memory ran
 * out. */
static struct sw_check *child_new(struct sw_check *p, size_t i)
{
  struct sw_check *c = sw__check_alloc(p->engine, p->tls ? &p->tls->opts : NULL);
  if (!c)
    return NULL;
  c->parent = p;
  c->index = i;
  /* The parent's strings and settings: it outlives its sub-checks. */
  c->host = p->host;
  c->tls_name = p->tls_name;
  c->command = p->command;
  c->expect = p->expect;
  c->ehlo_name = p->ehlo_name;
  c->port = p->port;
  c->ip_family = p->ip_family;
  c->check_ptr = p->check_ptr;
  c->oauth = p->oauth; /* each sub-check gets its token like a check */
  c->cfg = p->cfg;
  sw_dialogue_init(&c->dlg, &c->cfg, p->dlg.start_us); /* the parent's deadline */
  c->addrs[0] = p->addrs[i];
  c->naddrs = 1;
  sw_list_insert_tail(&p->group->children, &c->link);
  p->engine->structs++;
  p->group->running++;
  p->group->alive++;
  return c;
}

void sw__check_start_addresses(struct sw_check *c)
{
  size_t n = (size_t)c->naddrs;
  struct sw_check_group *g = calloc(1, sizeof *g + n * sizeof g->results[0]);
  if (!g) {
    sw_dialogue_fail(&c->dlg, SW_OUTCOME_INTERNAL_ERROR,
                     "out of memory while starting the check of each address",
                     sw_clock_now_us());
    return;
  }
  sw_list_init(&g->children);
  g->n = n;
  for (size_t i = 0; i < n; i++)
    sw_check_result_init(&g->results[i]);
  c->group = g;
  c->stage = SW_STAGE_ADDRESSES;
  sw_timer_heap_disarm(&c->engine->timers, &c->timer); /* the sub-checks keep time */
  g->busy = true; /* all are made before any can report */
  for (size_t i = 0; i < n; i++) {
    if (child_new(c, i))
      continue;
    struct sw_check_result *r = &g->results[i];
    sw__format_address((const struct sockaddr *)&c->addrs[i], r->peer, sizeof r->peer,
                       NULL, 0);
    snprintf(r->detail, sizeof r->detail,
             "out of memory while starting the check of this address");
  }
  int64_t now = sw_clock_now_us();
  struct sw_list_node *node, *tmp;
  SW_LIST_FOREACH_SAFE(node, tmp, &g->children) /* settle may free the sub-check */
  {
    struct sw_check *child = sw_list_entry(node, struct sw_check, link);
    sw__check_update_timer(child);
    sw_dialogue_resolved(&child->dlg, now);
    sw__check_connect_next(child);
    sw__check_settle(child);
  }
  g->busy = false; /* the caller settles the parent */
}

void sw__check_cancel_addresses(struct sw_check *c)
{
  struct sw_check_group *g = c->group;
  int64_t now = sw_clock_now_us();
  g->busy = true;
  struct sw_list_node *node, *tmp;
  SW_LIST_FOREACH_SAFE(node, tmp, &g->children) /* settle may free the sub-check */
  {
    struct sw_check *child = sw_list_entry(node, struct sw_check, link);
    if (child->stage != SW_STAGE_DONE) {
      sw__check_cancel(child, now);
      sw__check_settle(child);
    }
  }
  g->busy = false; /* the caller settles the parent */
}

bool sw__check_addresses_done(struct sw_check *c)
{
  struct sw_check_group *g = c->group;
  if (g->running > 0 || g->busy)
    return false;
  sw_check_result_free(&c->result);
  /* Out of memory only loses the list: the worst result still decides. */
  (void)sw_check_results_merge(g->results, g->n, &c->result);
  c->stage = SW_STAGE_RESULT;
  return true;
}

void sw__check_report_to_parent(struct sw_check *c)
{
  struct sw_check *p = c->parent;
  /* An address that never answered is still named in the list. */
  if (!c->result.peer[0])
    sw__format_address((const struct sockaddr *)&c->addrs[0], c->result.peer,
                       sizeof c->result.peer, NULL, 0);
  sw_check_result_move(&p->group->results[c->index], &c->result);
  p->group->running--;
  if (!p->group->busy)
    sw__check_settle(p);
}
