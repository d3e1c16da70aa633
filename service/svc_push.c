/* Subscriptions: the shared change log, the subscribers' cursors, and the
 * pushes (svc_push.h). */
#include "svc_push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "sw_list.h"
#include "sw_macros.h"

enum entry_kind { ENTRY_STATE, ENTRY_EVENT, ENTRY_ADDED, ENTRY_UPDATED, ENTRY_DELETED };

/* One change: which rule (or which event, by its sequence number). */
struct entry {
  int64_t id;
  uint8_t kind;
};

struct subscriber {
  struct sw_list_node link;
  struct sw_pipe_conn *conn;
  struct sw_pipe_subscribe want;
  uint64_t cursor; /* the next log entry it has not been sent */
  bool resync;     /* it missed entries: tell it to read everything */
  int64_t next_us; /* its next push is not before this (monotonic) */
};

struct sw_svc_push {
  struct sw_svc_push_source src;
  struct sw_list_node subs;
  unsigned sub_count;
  struct entry *log;            /* SW_SVC_PUSH_LOG entries, by seq % size */
  uint64_t head;                /* entries ever logged: the next seq */
  struct sw_pipe_event *events; /* SW_SVC_PUSH_EVENTS, by event seq % size */
  uint64_t event_head;
  struct sw_svc_push_stats stats;
  struct sw_buf out; /* reused by every push */
};

struct sw_svc_push *sw_svc_push_create(const struct sw_svc_push_source *src)
{
  struct sw_svc_push *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->src = *src;
  sw_list_init(&p->subs);
  sw_buf_init(&p->out, 0);
  return p;
}

static void free_events(struct sw_svc_push *p)
{
  if (!p->events)
    return;
  for (size_t i = 0; i < SW_SVC_PUSH_EVENTS; i++)
    free(p->events[i].message);
  free(p->events);
  p->events = NULL;
}

void sw_svc_push_destroy(struct sw_svc_push *p)
{
  if (!p)
    return;
  struct sw_list_node *node, *tmp;
  SW_LIST_FOREACH_SAFE(node, tmp, &p->subs)
  {
    free(sw_list_entry(node, struct subscriber, link));
  }
  free(p->log);
  free_events(p);
  sw_buf_free(&p->out);
  free(p);
}

static struct subscriber *find(struct sw_svc_push *p, const struct sw_pipe_conn *conn)
{
  struct sw_list_node *node;
  SW_LIST_FOREACH(node, &p->subs)
  {
    struct subscriber *s = sw_list_entry(node, struct subscriber, link);
    if (s->conn == conn)
      return s;
  }
  return NULL;
}

static void drop(struct sw_svc_push *p, struct subscriber *s)
{
  sw_pipe_conn_set_subscribed(s->conn, false);
  sw_list_remove(&s->link);
  free(s);
  p->sub_count--;
}

bool sw_svc_push_subscribe(struct sw_svc_push *p, struct sw_pipe_conn *conn,
                           const struct sw_pipe_subscribe *want,
                           struct sw_pipe_subscribe *granted)
{
  memset(granted, 0, sizeof *granted);
  struct subscriber *s = find(p, conn);
  if (!want->states && !want->events && !want->rules) {
    if (s)
      drop(p, s);
    return true;
  }
  if (!p->log) {
    p->log = calloc(SW_SVC_PUSH_LOG, sizeof *p->log);
    p->events = calloc(SW_SVC_PUSH_EVENTS, sizeof *p->events);
    if (!p->log || !p->events) {
      free(p->log);
      p->log = NULL;
      free_events(p);
      return false;
    }
  }
  if (!s) {
    if (!(s = calloc(1, sizeof *s)))
      return false;
    s->conn = conn;
    s->cursor = p->head; /* from now on: what was before, it reads itself */
    sw_list_insert_tail(&p->subs, &s->link);
    p->sub_count++;
    sw_pipe_conn_set_subscribed(conn, true);
  }
  s->want = *want;
  s->want.interval_ms = SW_SVC_PUSH_INTERVAL_MS;
  s->want.log_size = SW_SVC_PUSH_LOG;
  *granted = s->want;
  return true;
}

void sw_svc_push_forget(struct sw_svc_push *p, struct sw_pipe_conn *conn)
{
  struct subscriber *s = find(p, conn);
  if (s)
    drop(p, s);
}

unsigned sw_svc_push_subscribers(const struct sw_svc_push *p)
{
  return p->sub_count;
}

/* Logs one entry; returns its sequence number + 1 (0: nothing logged,
 * because nobody listens). */
static uint64_t log_entry(struct sw_svc_push *p, enum entry_kind kind, int64_t id)
{
  if (p->sub_count == 0)
    return 0;
  struct entry *e = &p->log[p->head % SW_SVC_PUSH_LOG];
  e->id = id;
  e->kind = (uint8_t)kind;
  return ++p->head;
}

void sw_svc_push_state(struct sw_svc_push *p, struct sw_svc_rule *r)
{
  uint64_t seq = log_entry(p, ENTRY_STATE, r->rule.id);
  if (seq)
    r->push_state_seq = seq;
}

void sw_svc_push_rule(struct sw_svc_push *p, enum sw_pipe_change kind,
                      struct sw_svc_rule *r)
{
  enum entry_kind k = kind == SW_PIPE_CHANGE_ADDED     ? ENTRY_ADDED
                      : kind == SW_PIPE_CHANGE_DELETED ? ENTRY_DELETED
                                                       : ENTRY_UPDATED;
  uint64_t seq = log_entry(p, k, r->rule.id);
  if (seq)
    r->push_rule_seq = seq;
}

void sw_svc_push_event(struct sw_svc_push *p, const struct sw_store_event *ev)
{
  if (p->sub_count == 0)
    return;
  struct sw_pipe_event *slot = &p->events[p->event_head % SW_SVC_PUSH_EVENTS];
  free(slot->message);
  *slot = (struct sw_pipe_event){.at_ms = ev->at_ms,
                                 .event_id = ev->event_id,
                                 .rule_id = ev->rule_id,
                                 .message = ev->message ? strdup(ev->message) : NULL};
  snprintf(slot->severity, sizeof slot->severity, "%s",
           sw_event_severity_name(ev->severity));
  log_entry(p, ENTRY_EVENT, (int64_t)p->event_head++);
}

/* The row fields of rule `r`'s state, borrowed from it. */
static void state_of(const struct sw_svc_push *p, const struct sw_svc_rule *r,
                     struct sw_pipe_rule_state *s)
{
  sw_pipe_rule_state_init(s);
  s->rule_id = r->rule.id;
  s->state = r->state.state;
  s->failures = r->state.consecutive;
  s->since_ms = r->state.since / 1000;
  s->last_result_at_ms = r->state.last_result_at / 1000;
  s->last_outcome = r->alert.outcome;
  s->total_us = r->alert.response_ms >= 0 ? r->alert.response_ms * 1000 : 0;
  s->message = (char *)r->alert.message;
  s->acked = r->alert.acked;
  const struct sw_svc_rule *parent = p->src.parent_down(p->src.rules, r);
  if (r->alert.in_maintenance) {
    s->held = SW_PIPE_HOLD_MAINTENANCE;
  } else if (parent) {
    s->held = SW_PIPE_HOLD_UNREACHABLE;
    s->held_parent_name = parent->rule.name;
  }
  s->drifted = r->drift && r->drift->current;
}

/* Puts log entry `seq` into the push if the subscriber wants it and it is
 * the latest of its rule; true if something was put. */
static bool put_entry(struct sw_svc_push *p, const struct subscriber *s, uint64_t seq)
{
  const struct entry *e = &p->log[seq % SW_SVC_PUSH_LOG];
  if (e->kind == ENTRY_EVENT) {
    uint64_t ev = (uint64_t)e->id;
    if (!s->want.events || ev + SW_SVC_PUSH_EVENTS < p->event_head)
      return false; /* not wanted, or overwritten (the log outlived it) */
    sw_pipe_put_event(&p->out, &p->events[ev % SW_SVC_PUSH_EVENTS]);
    p->stats.events++;
    return true;
  }
  if (e->kind == ENTRY_DELETED) {
    if (!s->want.rules)
      return false;
    sw_pipe_put_rule_change(&p->out, SW_PIPE_CHANGE_DELETED, e->id, NULL, 0);
    p->stats.changes++;
    return true;
  }
  const struct sw_svc_rule *r = sw_svc_rules_find(p->src.rules, e->id);
  if (!r)
    return false; /* deleted since: its own entry says so */
  if (e->kind == ENTRY_STATE) {
    if (!s->want.states || r->push_state_seq != seq + 1)
      return false; /* a later entry sends its state as it is then */
    struct sw_pipe_rule_state st;
    state_of(p, r, &st);
    sw_pipe_put_rule_state(&p->out, &st);
    p->stats.states++;
    return true;
  }
  if (!s->want.rules || r->push_rule_seq != seq + 1)
    return false;
  sw_pipe_put_rule_change(
      &p->out, e->kind == ENTRY_ADDED ? SW_PIPE_CHANGE_ADDED : SW_PIPE_CHANGE_UPDATED,
      r->rule.id, &r->rule, r->revision);
  p->stats.changes++;
  return true;
}

/* Encodes subscriber `s`'s next push into p->out; false if there is
 * nothing to send. */
static bool encode(struct sw_svc_push *p, struct subscriber *s)
{
  if (p->head - s->cursor > SW_SVC_PUSH_LOG) {
    s->resync = true; /* what it missed is overwritten */
    s->cursor = p->head;
  }
  sw_buf_free(&p->out);
  size_t start;
  if (sw_pipe_frame_begin_push(&p->out, SW_PIPE_MSG_PUSH, &start) != SW_E_OK)
    return false;
  bool any = s->resync;
  if (s->resync)
    sw_tlv_put_bool(&p->out, SW_PIPE_TAG_RESYNC, true);
  while (s->cursor < p->head && p->out.len - start < SW_SVC_PUSH_BYTES)
    any |= put_entry(p, s, s->cursor++);
  if (!any || sw_pipe_frame_end(&p->out, start) != SW_E_OK)
    return false; /* nothing for it; or too big, which the byte cap prevents */
  if (s->resync)
    p->stats.resyncs++;
  s->resync = false;
  return true;
}

void sw_svc_push_flush(struct sw_svc_push *p, int64_t now_us)
{
  struct sw_list_node *node, *tmp;
  SW_LIST_FOREACH_SAFE(node, tmp, &p->subs) /* a failed push closes and drops it */
  {
    struct subscriber *s = sw_list_entry(node, struct subscriber, link);
    if (now_us < s->next_us || (s->cursor == p->head && !s->resync) ||
        !sw_pipe_conn_push_ready(s->conn))
      continue;
    if (!encode(p, s))
      continue;
    s->next_us = now_us + (int64_t)SW_SVC_PUSH_INTERVAL_MS * 1000;
    p->stats.pushes++;
    p->stats.bytes += p->out.len;
    sw_pipe_conn_push(s->conn, &p->out);
  }
}

int64_t sw_svc_push_wake_us(const struct sw_svc_push *p)
{
  int64_t wake = INT64_MAX;
  const struct sw_list_node *node;
  SW_LIST_FOREACH(node, &p->subs)
  {
    const struct subscriber *s = sw_list_entry(node, const struct subscriber, link);
    /* One whose connection is busy writing is woken by that write's
     * completion, not by a timer. */
    if ((s->cursor != p->head || s->resync) && s->next_us < wake &&
        sw_pipe_conn_push_ready(s->conn))
      wake = s->next_us;
  }
  return wake;
}

void sw_svc_push_stats(const struct sw_svc_push *p, struct sw_svc_push_stats *out)
{
  *out = p->stats;
}
