/* Rule scheduler: one intrusive timer per enabled rule in a binary heap
 * (timer_heap.c), rules found by id through an open-addressing hash table,
 * and the rules themselves in fixed-size chunks so a timer never moves while
 * the heap points at it. See scheduler.h for the contract. */
#include "scheduler.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sw_macros.h"
#include "timer_heap.h"

/* Entries live in chunks of CHUNK_LEN: growing never moves one (the heap
 * holds pointers into them), and an entry is named by a 32-bit index, which
 * keeps the hash table at 4 bytes a slot. */
#define CHUNK_SHIFT 10
#define CHUNK_LEN (1u << CHUNK_SHIFT)
#define NO_ENTRY UINT32_MAX
#define US_PER_S INT64_C(1000000)

enum {
  F_ENABLED = 1u << 0, /* the timer is armed (unless F_REMOVED) */
  F_RUNNING = 1u << 1, /* a run is out, numbered `token` */
  F_REMOVED = 1u << 2, /* forgotten; kept only until its run comes back */
  F_INVALID = 1u << 3, /* the run that is out no longer describes the rule */
};

struct entry {
  struct sw_timer timer; /* armed exactly when the rule is enabled */
  int64_t id;
  uint32_t interval_s;
  uint32_t token; /* number of the latest run handed out */
  union {
    uint32_t skipped;   /* live entry: grid instants passed without a run */
    uint32_t next_free; /* free entry: next in the free list */
  };
  uint8_t flags;
};

struct sw_scheduler {
  struct sw_timer_heap heap;
  struct entry **chunks;
  uint32_t chunk_count, chunk_cap;
  uint32_t high;      /* entries ever handed out from the chunks */
  uint32_t free_head; /* reusable entries, NO_ENTRY if none */
  uint32_t *slots;    /* hash table: entry index + 1, 0 = empty */
  size_t slot_mask;   /* capacity - 1 (a power of two), 0 with no table */
  size_t slot_used;   /* includes removed rules whose run is still out */
  size_t rules, running;
  uint64_t runs, manual_runs, skipped, stale;
};

static struct entry *entry_at(const struct sw_scheduler *s, uint32_t index)
{
  assert(index < s->high);
  return &s->chunks[index >> CHUNK_SHIFT][index & (CHUNK_LEN - 1)];
}

/* ---- time grid -------------------------------------------------------- */

static int64_t interval_us(const struct entry *e)
{
  return (int64_t)e->interval_s * US_PER_S;
}

/* The rule's offset within its interval: the fractional part of id times
 * the golden ratio, as a 64-bit fixed-point fraction, scaled to the
 * interval. 24 bits of fraction times an interval below 2^37 us fits in 64
 * bits and is still finer than 6 ms for a day-long interval. */
static int64_t phase_us(int64_t id, int64_t iv)
{
  uint64_t frac = (uint64_t)id * UINT64_C(0x9E3779B97F4A7C15);
  return (int64_t)(((frac >> 40) * (uint64_t)iv) >> 24);
}

/* The first grid instant of `e` at or after t. */
static int64_t grid_at_or_after(const struct entry *e, int64_t t)
{
  int64_t iv = interval_us(e);
  int64_t r = (t - phase_us(e->id, iv)) % iv;
  if (r < 0)
    r += iv;
  return r == 0 ? t : t + (iv - r);
}

static void add_skips(struct sw_scheduler *s, struct entry *e, uint64_t n)
{
  s->skipped += n;
  e->skipped = n > UINT32_MAX - e->skipped ? UINT32_MAX : e->skipped + (uint32_t)n;
}

/* ---- id -> entry hash table (linear probing) ------------------------- */

static size_t home_slot(const struct sw_scheduler *s, int64_t id)
{
  /* splitmix64's finaliser: store ids are 1, 2, 3..., which must not pile
   * up in neighbouring slots. */
  uint64_t x = (uint64_t)id;
  x ^= x >> 30;
  x *= UINT64_C(0xBF58476D1CE4E5B9);
  x ^= x >> 27;
  x *= UINT64_C(0x94D049BB133111EB);
  x ^= x >> 31;
  return (size_t)x & s->slot_mask;
}

/* The slot holding `id`, or SIZE_MAX. */
static size_t find_slot(const struct sw_scheduler *s, int64_t id)
{
  if (!s->slots)
    return SIZE_MAX;
  for (size_t i = home_slot(s, id);; i = (i + 1) & s->slot_mask) {
    uint32_t v = s->slots[i];
    if (!v)
      return SIZE_MAX;
    if (entry_at(s, v - 1)->id == id)
      return i;
  }
}

static struct entry *find(const struct sw_scheduler *s, int64_t id)
{
  size_t i = find_slot(s, id);
  return i == SIZE_MAX ? NULL : entry_at(s, s->slots[i] - 1);
}

static void place_slot(struct sw_scheduler *s, uint32_t value)
{
  size_t i = home_slot(s, entry_at(s, value - 1)->id);
  while (s->slots[i])
    i = (i + 1) & s->slot_mask;
  s->slots[i] = value;
}

/* Makes room for one more entry, keeping the load at most one half so
 * probes stay short. Nothing changes on SW_E_NOMEM. */
static enum sw_error reserve_slot(struct sw_scheduler *s)
{
  size_t cap = s->slots ? s->slot_mask + 1 : 0;
  if ((s->slot_used + 1) * 2 <= cap)
    return SW_E_OK;
  size_t new_cap = cap ? cap * 2 : 64;
  uint32_t *old = s->slots;
  uint32_t *slots = calloc(new_cap, sizeof *slots);
  if (!slots)
    return SW_E_NOMEM;
  s->slots = slots;
  s->slot_mask = new_cap - 1;
  for (size_t i = 0; i < cap; i++)
    if (old[i])
      place_slot(s, old[i]);
  free(old);
  return SW_E_OK;
}

/* Empties slot i and shifts later members of its probe run back, so no
 * tombstones are needed (Knuth's algorithm R). */
static void delete_slot(struct sw_scheduler *s, size_t i)
{
  size_t j = i;
  for (;;) {
    j = (j + 1) & s->slot_mask;
    uint32_t v = s->slots[j];
    if (!v)
      break;
    size_t k = home_slot(s, entry_at(s, v - 1)->id);
    /* v stays if its home lies cyclically in (i, j]. */
    bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (stays)
      continue;
    s->slots[i] = v;
    i = j;
  }
  s->slots[i] = 0;
  s->slot_used--;
}

/* ---- entry pool ------------------------------------------------------- */

/* A fresh entry's index, or NO_ENTRY if memory ran out. */
static uint32_t alloc_entry(struct sw_scheduler *s)
{
  if (s->free_head != NO_ENTRY) {
    uint32_t index = s->free_head;
    s->free_head = entry_at(s, index)->next_free;
    return index;
  }
  if (s->high == (uint64_t)s->chunk_count * CHUNK_LEN) {
    if (s->chunk_count == NO_ENTRY >> CHUNK_SHIFT)
      return NO_ENTRY;
    if (s->chunk_count == s->chunk_cap) {
      uint32_t cap = s->chunk_cap ? s->chunk_cap * 2 : 8;
      struct entry **chunks = realloc(s->chunks, cap * sizeof *chunks);
      if (!chunks)
        return NO_ENTRY;
      s->chunks = chunks;
      s->chunk_cap = cap;
    }
    struct entry *chunk = malloc(CHUNK_LEN * sizeof *chunk);
    if (!chunk)
      return NO_ENTRY;
    s->chunks[s->chunk_count++] = chunk;
  }
  return s->high++;
}

static void free_entry(struct sw_scheduler *s, uint32_t index)
{
  entry_at(s, index)->next_free = s->free_head;
  s->free_head = index;
}

/* ---- public ----------------------------------------------------------- */

enum sw_error sw_scheduler_create(struct sw_scheduler **out)
{
  struct sw_scheduler *s = calloc(1, sizeof *s);
  *out = s;
  if (!s)
    return SW_E_NOMEM;
  sw_timer_heap_init(&s->heap);
  s->free_head = NO_ENTRY;
  return SW_E_OK;
}

void sw_scheduler_destroy(struct sw_scheduler *s)
{
  if (!s)
    return;
  sw_timer_heap_free(&s->heap);
  for (uint32_t i = 0; i < s->chunk_count; i++)
    free(s->chunks[i]);
  free(s->chunks);
  free(s->slots);
  free(s);
}

/* Arms (or re-arms) an enabled rule for its grid at or after `now`. Moving
 * an armed timer never allocates; arming an idle one may fail. */
static enum sw_error arm(struct sw_scheduler *s, struct entry *e, int64_t now)
{
  return sw_timer_heap_arm(&s->heap, &e->timer, grid_at_or_after(e, now));
}

static enum sw_error add(struct sw_scheduler *s, int64_t id, uint32_t interval_s,
                         bool enabled, int64_t now)
{
  enum sw_error err = reserve_slot(s);
  if (err)
    return err;
  uint32_t index = alloc_entry(s);
  if (index == NO_ENTRY)
    return SW_E_NOMEM;
  struct entry *e = entry_at(s, index);
  sw_timer_init(&e->timer);
  e->id = id;
  e->interval_s = interval_s;
  e->token = 0;
  e->skipped = 0;
  e->flags = enabled ? F_ENABLED : 0;
  if (enabled) {
    err = arm(s, e, now);
    if (err) {
      free_entry(s, index);
      return err;
    }
  }
  place_slot(s, index + 1);
  s->slot_used++;
  s->rules++;
  return SW_E_OK;
}

enum sw_error sw_scheduler_put(struct sw_scheduler *s, int64_t id, uint32_t interval_s,
                               bool enabled, int64_t now)
{
  if (interval_s < 1 || interval_s > SW_SCHEDULER_INTERVAL_MAX_S)
    return SW_E_INVALID_ARGUMENT;
  struct entry *e = find(s, id);
  if (!e)
    return add(s, id, interval_s, enabled, now);

  bool revived = e->flags & F_REMOVED;
  bool moved = revived || interval_s != e->interval_s || !(e->flags & F_ENABLED);
  uint32_t old_interval = e->interval_s;
  e->interval_s = interval_s; /* arm() computes the grid from it */
  if (enabled && moved) {
    enum sw_error err = arm(s, e, now);
    if (err) {
      e->interval_s = old_interval;
      return err;
    }
  } else if (!enabled) {
    sw_timer_heap_disarm(&s->heap, &e->timer);
  }
  if (revived) {
    /* A new rule under an old id: the old run is still out (so this one
     * waits for it) but its result is not this rule's. */
    assert(e->flags & F_RUNNING);
    e->flags = F_RUNNING | F_INVALID;
    e->skipped = 0;
    s->rules++;
  }
  e->flags = (uint8_t)((e->flags & ~F_ENABLED) | (enabled ? F_ENABLED : 0));
  return SW_E_OK;
}

bool sw_scheduler_remove(struct sw_scheduler *s, int64_t id)
{
  size_t slot = find_slot(s, id);
  if (slot == SIZE_MAX)
    return false;
  uint32_t index = s->slots[slot] - 1;
  struct entry *e = entry_at(s, index);
  if (e->flags & F_REMOVED)
    return false;
  sw_timer_heap_disarm(&s->heap, &e->timer);
  s->rules--;
  if (e->flags & F_RUNNING) {
    e->flags = F_RUNNING | F_REMOVED; /* sw_scheduler_done frees it */
    return true;
  }
  delete_slot(s, slot);
  free_entry(s, index);
  return true;
}

bool sw_scheduler_invalidate(struct sw_scheduler *s, int64_t id)
{
  struct entry *e = find(s, id);
  if (!e || !(e->flags & F_RUNNING))
    return false;
  e->flags |= F_INVALID;
  return true;
}

int64_t sw_scheduler_next_due(const struct sw_scheduler *s)
{
  const struct sw_timer *t = sw_timer_heap_peek(&s->heap);
  return t ? t->due : SW_SCHEDULER_NEVER;
}

uint32_t sw_scheduler_wait_ms(const struct sw_scheduler *s, int64_t now, uint32_t max_ms)
{
  int64_t due = sw_scheduler_next_due(s);
  if (due <= now)
    return 0;
  if (due == SW_SCHEDULER_NEVER || due - now > (int64_t)max_ms * 1000)
    return max_ms;
  return (uint32_t)((due - now + 999) / 1000);
}

static void start_run(struct sw_scheduler *s, struct entry *e, bool manual, int64_t due,
                      int64_t now, struct sw_scheduler_run *run)
{
  assert(!(e->flags & F_RUNNING));
  e->flags = (uint8_t)((e->flags | F_RUNNING) & ~F_INVALID);
  e->token++;
  s->running++;
  run->rule_id = e->id;
  run->token = e->token;
  run->manual = manual;
  run->due = due;
  run->start = now;
}

bool sw_scheduler_take_due(struct sw_scheduler *s, int64_t now,
                           struct sw_scheduler_run *run)
{
  struct sw_timer *t;
  while ((t = sw_timer_heap_peek(&s->heap)) != NULL && t->due <= now) {
    struct entry *e = sw_container_of(t, struct entry, timer);
    assert((e->flags & (F_ENABLED | F_REMOVED)) == F_ENABLED);
    int64_t due = t->due, iv = interval_us(e);
    /* Grid instants in [due, now]: all but the first are missed because
     * the loop came late; the first too if the rule is still running. */
    int64_t passed = (now - due) / iv + 1;
    enum sw_error err = sw_timer_heap_arm(&s->heap, t, due + passed * iv);
    assert(err == SW_E_OK); /* moving an armed timer never allocates */
    (void)err;
    if (e->flags & F_RUNNING) {
      add_skips(s, e, (uint64_t)passed);
      continue;
    }
    add_skips(s, e, (uint64_t)passed - 1);
    s->runs++;
    start_run(s, e, false, due, now, run);
    return true;
  }
  return false;
}

enum sw_error sw_scheduler_run_now(struct sw_scheduler *s, int64_t id, int64_t now,
                                   struct sw_scheduler_run *run)
{
  struct entry *e = find(s, id);
  if (!e || (e->flags & F_REMOVED))
    return SW_E_INVALID_ARGUMENT;
  if (e->flags & F_RUNNING)
    return SW_E_BUSY;
  s->manual_runs++;
  start_run(s, e, true, now, now, run);
  return SW_E_OK;
}

enum sw_scheduler_verdict sw_scheduler_done(struct sw_scheduler *s, int64_t id,
                                            uint32_t token)
{
  size_t slot = find_slot(s, id);
  struct entry *e = slot == SIZE_MAX ? NULL : entry_at(s, s->slots[slot] - 1);
  if (!e || !(e->flags & F_RUNNING) || e->token != token) {
    /* Cannot happen with a correct caller: no such run is out. Leave the
     * run that is out (if any) alone. */
    s->stale++;
    return SW_SCHEDULER_STALE;
  }
  s->running--;
  uint8_t flags = e->flags;
  e->flags = (uint8_t)(flags & ~(F_RUNNING | F_INVALID));
  if (flags & F_REMOVED) {
    uint32_t index = s->slots[slot] - 1;
    delete_slot(s, slot);
    free_entry(s, index);
  }
  if (flags & (F_REMOVED | F_INVALID)) {
    s->stale++;
    return SW_SCHEDULER_STALE;
  }
  return SW_SCHEDULER_CURRENT;
}

bool sw_scheduler_get(const struct sw_scheduler *s, int64_t id,
                      struct sw_scheduler_rule_info *out)
{
  const struct entry *e = find(s, id);
  if (!e || (e->flags & F_REMOVED))
    return false;
  out->interval_s = e->interval_s;
  out->enabled = e->flags & F_ENABLED;
  out->running = e->flags & F_RUNNING;
  out->next_due = sw_timer_armed(&e->timer) ? e->timer.due : SW_SCHEDULER_NEVER;
  out->skipped = e->skipped;
  return true;
}

size_t sw_scheduler_running(const struct sw_scheduler *s)
{
  return s->running;
}

void sw_scheduler_stats(const struct sw_scheduler *s, struct sw_scheduler_stats *out)
{
  memset(out, 0, sizeof *out);
  out->rules = s->rules;
  out->scheduled = s->heap.len;
  out->running = s->running;
  out->runs = s->runs;
  out->manual_runs = s->manual_runs;
  out->skipped = s->skipped;
  out->stale = s->stale;
  out->memory_bytes = sizeof *s + s->heap.cap * sizeof *s->heap.items +
                      (size_t)s->chunk_cap * sizeof *s->chunks +
                      (size_t)s->chunk_count * CHUNK_LEN * sizeof(struct entry) +
                      (s->slots ? (s->slot_mask + 1) * sizeof *s->slots : 0);
}

const char *sw_scheduler_verdict_name(enum sw_scheduler_verdict v)
{
  static const char *const names[] = {SW_SCHEDULER_VERDICT_MAP(SW_X_2)};
  return SW_TABLE_AT(names, v, "unknown");
}
