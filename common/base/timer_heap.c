#include "timer_heap.h"

#include <assert.h>
#include <stdlib.h>

void sw_timer_heap_init(struct sw_timer_heap *h)
{
  h->items = NULL;
  h->len = h->cap = 0;
  h->next_seq = 0;
}

void sw_timer_heap_free(struct sw_timer_heap *h)
{
  for (size_t i = 0; i < h->len; i++)
    h->items[i]->slot = SW_TIMER_IDLE;
  free(h->items);
  sw_timer_heap_init(h);
}

void sw_timer_init(struct sw_timer *t)
{
  t->due = 0;
  t->seq = 0;
  t->slot = SW_TIMER_IDLE;
}

static bool before(const struct sw_timer *a, const struct sw_timer *b)
{
  return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void place(struct sw_timer_heap *h, size_t i, struct sw_timer *t)
{
  h->items[i] = t;
  t->slot = i;
}

static void sift_up(struct sw_timer_heap *h, size_t i)
{
  struct sw_timer *t = h->items[i];
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!before(t, h->items[parent]))
      break;
    place(h, i, h->items[parent]);
    i = parent;
  }
  place(h, i, t);
}

static void sift_down(struct sw_timer_heap *h, size_t i)
{
  struct sw_timer *t = h->items[i];
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= h->len)
      break;
    if (child + 1 < h->len && before(h->items[child + 1], h->items[child]))
      child++;
    if (!before(h->items[child], t))
      break;
    place(h, i, h->items[child]);
    i = child;
  }
  place(h, i, t);
}

enum sw_error sw_timer_heap_arm(struct sw_timer_heap *h, struct sw_timer *t, int64_t due)
{
  if (sw_timer_armed(t)) {
    assert(t->slot < h->len && h->items[t->slot] == t);
    t->due = due;
    t->seq = h->next_seq++;
    sift_up(h, t->slot);
    sift_down(h, t->slot);
    return SW_E_OK;
  }
  if (h->len == h->cap) {
    size_t cap = h->cap ? h->cap * 2 : 64;
    struct sw_timer **items = realloc(h->items, cap * sizeof *items);
    if (!items)
      return SW_E_NOMEM;
    h->items = items;
    h->cap = cap;
  }
  t->due = due;
  t->seq = h->next_seq++;
  place(h, h->len++, t);
  sift_up(h, t->slot);
  return SW_E_OK;
}

void sw_timer_heap_disarm(struct sw_timer_heap *h, struct sw_timer *t)
{
  if (!sw_timer_armed(t))
    return;
  size_t i = t->slot;
  assert(i < h->len && h->items[i] == t);
  t->slot = SW_TIMER_IDLE;
  struct sw_timer *last = h->items[--h->len];
  if (i == h->len)
    return;
  place(h, i, last);
  sift_up(h, i);
  sift_down(h, last->slot);
}

struct sw_timer *sw_timer_heap_pop_due(struct sw_timer_heap *h, int64_t now)
{
  struct sw_timer *t = sw_timer_heap_peek(h);
  if (!t || t->due > now)
    return NULL;
  sw_timer_heap_disarm(h, t);
  return t;
}
