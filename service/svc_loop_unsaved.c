/* What of the rules waits for the service loop's next batch write: a
 * rule's state after each result, what its alerts told when a decision
 * changed that without a notification, and the fingerprint its first good
 * check accepted. All go into the batch's one transaction
 * (svc_loop_store.c), not one transaction each: at 100,000 rules every
 * check of the first interval is a rule's first, and a transaction per
 * record on the loop thread was what held the schedule up
 * (docs/scale.md).
 *
 * The rules are found again by id, so a rule deleted meanwhile is simply
 * not found; a batch takes at most SW_SVC_UNSAVED_BATCH_MAX of them, the
 * rest wait for the next one. Loop thread only. */
#include "svc_loop_internal.h"

#include <stdlib.h>
#include <string.h>

#include "svc_drift.h"
#include "sw_array.h"

void sw__loop_unsaved(struct sw_svc_loop *l, struct sw_svc_rule *r, unsigned what)
{
  if (r->unsaved) {
    r->unsaved |= (uint8_t)what;
    return;
  }
  int64_t *ids =
      sw_array_grow(l->unsaved.ids, &l->unsaved.cap, l->unsaved.len, sizeof *ids, 256);
  if (!ids)
    return; /* out of memory: written with the rule's next change */
  l->unsaved.ids = ids;
  ids[l->unsaved.len++] = r->rule.id;
  r->unsaved = (uint8_t)what;
}

static void free_scratch(struct sw_svc_loop *l)
{
  free(l->unsaved.states);
  free(l->unsaved.tracks);
  free(l->unsaved.fingerprints);
  free(l->unsaved.rules);
  l->unsaved.states = NULL;
  l->unsaved.tracks = NULL;
  l->unsaved.fingerprints = NULL;
  l->unsaved.rules = NULL;
}

/* The scratch a batch collects into; false if memory ran out. */
static bool have_scratch(struct sw_svc_loop *l)
{
  if (l->unsaved.rules)
    return true;
  size_t n = SW_SVC_UNSAVED_BATCH_MAX;
  l->unsaved.states = malloc(n * sizeof *l->unsaved.states);
  l->unsaved.tracks = malloc(n * sizeof *l->unsaved.tracks);
  l->unsaved.fingerprints = malloc(n * sizeof *l->unsaved.fingerprints);
  l->unsaved.rules = malloc(n * sizeof *l->unsaved.rules);
  if (l->unsaved.states && l->unsaved.tracks && l->unsaved.fingerprints &&
      l->unsaved.rules)
    return true;
  free_scratch(l);
  return false;
}

static struct sw_store_rule_state state_record(const struct sw_svc_rule *r)
{
  struct sw_rule_state_saved s;
  sw_rule_state_save(&r->state, &s);
  return (struct sw_store_rule_state){
      .rule_id = r->rule.id,
      .state = s.state,
      .failures = s.consecutive,
      .since_ms = s.since / 1000,
      .last_result_at_ms = s.last_result_at / 1000,
      .last_outcome = s.last_outcome,
  };
}

size_t sw__loop_unsaved_collect(struct sw_svc_loop *l, struct sw_store_batch *b)
{
  if (l->unsaved.len == 0 || !have_scratch(l))
    return 0; /* nothing, or out of memory: the records wait */
  size_t looked_at = l->unsaved.len < SW_SVC_UNSAVED_BATCH_MAX ? l->unsaved.len
                                                               : SW_SVC_UNSAVED_BATCH_MAX;
  size_t rules = 0;
  b->states = l->unsaved.states;
  b->tracks = l->unsaved.tracks;
  b->fingerprints = l->unsaved.fingerprints;
  b->state_count = b->track_count = b->fingerprint_count = 0;
  for (size_t i = 0; i < looked_at; i++) {
    struct sw_svc_rule *r = sw_svc_rules_find(&l->rules, l->unsaved.ids[i]);
    if (!r || !r->unsaved)
      continue; /* deleted, or replaced by a record with nothing unsaved */
    l->unsaved.rules[rules++] = r;
    if (r->unsaved & SW_SVC_UNSAVED_STATE)
      l->unsaved.states[b->state_count++] = state_record(r);
    if (r->unsaved & SW_SVC_UNSAVED_TRACK)
      l->unsaved.tracks[b->track_count++] =
          (struct sw_store_track_write){.rule_id = r->rule.id, .track = r->alert.track};
    if ((r->unsaved & SW_SVC_UNSAVED_FINGERPRINT) && r->drift)
      l->unsaved.fingerprints[b->fingerprint_count++] =
          (struct sw_store_first_fingerprint){.rule_id = r->rule.id,
                                              .text = r->drift->accepted,
                                              .at_ms = r->drift->accepted_at_ms};
  }
  l->unsaved.collected = rules;
  return looked_at;
}

void sw__loop_unsaved_written(struct sw_svc_loop *l, size_t looked_at)
{
  for (size_t i = 0; i < l->unsaved.collected; i++)
    l->unsaved.rules[i]->unsaved = 0;
  l->unsaved.collected = 0;
  l->unsaved.len -= looked_at;
  memmove(l->unsaved.ids, l->unsaved.ids + looked_at,
          l->unsaved.len * sizeof *l->unsaved.ids);
}

void sw__loop_unsaved_free(struct sw_svc_loop *l)
{
  free(l->unsaved.ids);
  l->unsaved.ids = NULL;
  l->unsaved.len = l->unsaved.cap = 0;
  free_scratch(l);
}
