/* Subscriptions (protocol version 4, docs/pipe-protocol.md
 * "Subscriptions"): the service pushes changed rule states, new events and
 * rule changes to the clients that asked, instead of every editor reading
 * every rule's status every 5 s.
 *
 * One change log for all subscribers: a ring of SW_SVC_PUSH_LOG entries
 * (rule id and kind, 16 bytes each) and a ring of the last
 * SW_SVC_PUSH_EVENTS events. A subscriber is a cursor into the log. A push
 * walks the subscriber's part of the log and sends each rule's state once,
 * as it is now, however often it changed (the rule remembers its latest
 * entry); so a rule that changed ten times between two pushes is pushed
 * once. The memory is fixed whatever the clients do: a subscriber that
 * does not read falls behind the log, and is then sent RESYNC (read
 * everything again) instead of what it missed; one that leaves a push
 * unread past the pipe's stall limit (10 s) is disconnected.
 *
 * Pushes go out at most every SW_SVC_PUSH_INTERVAL_MS per subscriber
 * (once a second: under Wine a pipe write costs the loop ~0.6-1 ms and
 * the encoding of a push ~20-70 us, so with 8 clients 250 ms took ~2 % of
 * the loop and 1 s under 1 %: bench/README.md), and
 * only when its connection has nothing else being written: a push never
 * waits for a client, never splits a reply, and costs the loop only the
 * encoding. Nothing is recorded while nobody subscribes. Loop thread
 * only. */
#ifndef SW_SVC_PUSH_H
#define SW_SVC_PUSH_H

#include <stdbool.h>
#include <stdint.h>

#include "pipe_push.h"
#include "pipe_server.h"
#include "store.h"
#include "svc_rules.h"

#define SW_SVC_PUSH_LOG 16384
#define SW_SVC_PUSH_EVENTS 1024
#define SW_SVC_PUSH_INTERVAL_MS 1000
/* One push holds at most about this much; the rest goes in the next. */
#define SW_SVC_PUSH_BYTES (256 * 1024)

struct sw_svc_push;

/* What a push needs of the loop: the rule table, and how the rules' holds
 * read (what the STATUS reply shows of them). */
struct sw_svc_push_source {
  const struct sw_svc_rules *rules;
  /* The rule that holds `r`'s alerts because it is down; NULL if none. */
  const struct sw_svc_rule *(*parent_down)(const struct sw_svc_rules *t,
                                           const struct sw_svc_rule *r);
};

/* NULL if out of memory (then nobody can subscribe: SUBSCRIBE answers
 * `busy`). The rings are allocated at the first subscriber. */
struct sw_svc_push *sw_svc_push_create(const struct sw_svc_push_source *src);
void sw_svc_push_destroy(struct sw_svc_push *p);

/* SUBSCRIBE from `conn`: replaces what it wants (nothing wanted ends its
 * subscription) and fills in what it got. False if out of memory. */
bool sw_svc_push_subscribe(struct sw_svc_push *p, struct sw_pipe_conn *conn,
                           const struct sw_pipe_subscribe *want,
                           struct sw_pipe_subscribe *granted);
/* `conn` is closing: its subscription ends. */
void sw_svc_push_forget(struct sw_svc_push *p, struct sw_pipe_conn *conn);
/* Subscribed connections. */
unsigned sw_svc_push_subscribers(const struct sw_svc_push *p);

/* Rule `r`'s state (or its hold, acknowledgement, drift) changed. */
void sw_svc_push_state(struct sw_svc_push *p, struct sw_svc_rule *r);
/* Rule `r` was added or updated (it exists), or is being deleted. */
void sw_svc_push_rule(struct sw_svc_push *p, enum sw_pipe_change kind,
                      struct sw_svc_rule *r);
/* A new event (copied). */
void sw_svc_push_event(struct sw_svc_push *p, const struct sw_store_event *ev);

/* Sends what is due to each subscriber whose connection can take it.
 * `now_us` monotonic. */
void sw_svc_push_flush(struct sw_svc_push *p, int64_t now_us);
/* When a flush is next due (monotonic us); INT64_MAX if nothing waits. */
int64_t sw_svc_push_wake_us(const struct sw_svc_push *p);

/* Figures for --stats-file. */
struct sw_svc_push_stats {
  uint64_t pushes, bytes, resyncs, states, events, changes;
};
void sw_svc_push_stats(const struct sw_svc_push *p, struct sw_svc_push_stats *out);

#endif
