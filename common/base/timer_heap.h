/* A binary min-heap of intrusive timers (libuv's timer heap idea): each
 * timer is embedded in its owner and remembers its slot, so removal and
 * re-arming are O(log n) without searching. Used for per-check deadlines in
 * the engine and per-rule schedules in the service. Not thread-safe. */
#ifndef SW_TIMER_HEAP_H
#define SW_TIMER_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_error.h"

#define SW_TIMER_IDLE ((size_t)-1)

struct sw_timer {
  int64_t due;  /* absolute time, the caller's clock and unit */
  uint64_t seq; /* insertion order: equal due times fire first-in first-out */
  size_t slot;  /* index in the heap, SW_TIMER_IDLE when not armed */
};

struct sw_timer_heap {
  struct sw_timer **items;
  size_t len, cap;
  uint64_t next_seq;
};

void sw_timer_heap_init(struct sw_timer_heap *h);
/* Frees the heap's array; the timers themselves belong to their owners. */
void sw_timer_heap_free(struct sw_timer_heap *h);
/* Marks a timer as not armed; call once before first use. */
void sw_timer_init(struct sw_timer *t);
static inline bool sw_timer_armed(const struct sw_timer *t)
{
  return t->slot != SW_TIMER_IDLE;
}
/* Arms `t` for `due`, or moves it there if it is armed already.
 * Returns SW_E_NOMEM if the heap could not grow (t stays as it was). */
enum sw_error sw_timer_heap_arm(struct sw_timer_heap *h, struct sw_timer *t, int64_t due);
/* Disarms `t`; harmless if it is not armed. */
void sw_timer_heap_disarm(struct sw_timer_heap *h, struct sw_timer *t);
/* The timer due first, or NULL if none is armed. */
static inline struct sw_timer *sw_timer_heap_peek(const struct sw_timer_heap *h)
{
  return h->len ? h->items[0] : NULL;
}
/* Removes and returns the first timer if it is due at or before `now`,
 * else NULL. */
struct sw_timer *sw_timer_heap_pop_due(struct sw_timer_heap *h, int64_t now);

#endif
