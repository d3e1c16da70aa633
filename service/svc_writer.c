/* The result ring and event list of the service, and their batched writes.
 * The ring grows on demand up to its maximum, so a service with few rules
 * uses little memory and a database outage costs at most the maximum. */
#include "svc_writer.h"

#include <stdlib.h>
#include <string.h>

void sw_svc_writer_init(struct sw_svc_writer *w, size_t max_results)
{
  memset(w, 0, sizeof *w);
  w->max_results = max_results ? max_results : SW_SVC_BUFFER_RESULTS_MAX;
}

void sw_svc_writer_free(struct sw_svc_writer *w)
{
  for (size_t i = 0; i < w->len; i++)
    sw_store_result_free(&w->ring[(w->head + i) % w->cap]);
  free(w->ring);
  for (size_t i = 0; i < w->events_len; i++)
    free(w->events[i].message);
  free(w->events);
  size_t max = w->max_results;
  sw_svc_writer_init(w, max);
}

/* Memory a waiting result holds, roughly: the record and its transcript. */
static size_t result_bytes(const struct sw_store_result *r)
{
  return sizeof *r + r->check.transcript.cap + (r->check.tls.sans ? 256 : 0);
}

static void drop_oldest(struct sw_svc_writer *w)
{
  struct sw_store_result *r = &w->ring[w->head];
  w->bytes -= result_bytes(r);
  sw_store_result_free(r);
  w->head = (w->head + 1) % w->cap;
  w->len--;
  w->dropped++;
}

/* Doubles the ring (up to max_results), keeping the order. */
static bool grow(struct sw_svc_writer *w)
{
  size_t cap = w->cap ? w->cap * 2 : 256;
  if (cap > w->max_results)
    cap = w->max_results;
  if (cap <= w->cap)
    return false;
  struct sw_store_result *ring = malloc(cap * sizeof *ring);
  if (!ring)
    return false;
  for (size_t i = 0; i < w->len; i++)
    ring[i] = w->ring[(w->head + i) % w->cap];
  free(w->ring);
  w->ring = ring;
  w->cap = cap;
  w->head = 0;
  return true;
}

bool sw_svc_writer_add_result(struct sw_svc_writer *w, struct sw_store_result *r,
                              int64_t now_us)
{
  /* What the store does not keep need not wait in memory: the EHLO
   * keywords never, the transcript of a good check neither. */
  free(r->check.ehlo_keywords);
  r->check.ehlo_keywords = NULL;
  free(r->check.ehlo_keywords_plain);
  r->check.ehlo_keywords_plain = NULL;
  if (r->check.outcome == SW_OUTCOME_OK)
    sw_buf_free(&r->check.transcript);

  bool dropped = false;
  if (w->len == w->cap && !grow(w)) {
    if (w->len == 0) { /* not even one slot: out of memory */
      sw_store_result_free(r);
      w->dropped++;
      return true;
    }
    drop_oldest(w);
    dropped = true;
  }
  while (w->len > 1 && w->bytes + result_bytes(r) > SW_SVC_BUFFER_BYTES_MAX) {
    drop_oldest(w);
    dropped = true;
  }
  struct sw_store_result *slot = &w->ring[(w->head + w->len) % w->cap];
  *slot = *r;
  sw_check_result_init(&r->check); /* the ring owns what r owned */
  w->bytes += result_bytes(slot);
  w->len++;
  if (!w->oldest_us)
    w->oldest_us = now_us;
  return dropped;
}

void sw_svc_writer_add_event(struct sw_svc_writer *w, const struct sw_store_event *ev,
                             int64_t now_us)
{
  if (w->events_len == w->events_cap) {
    size_t cap = w->events_cap ? w->events_cap * 2 : 32;
    if (cap > SW_SVC_BUFFER_EVENTS_MAX)
      cap = SW_SVC_BUFFER_EVENTS_MAX;
    struct sw_store_event *events =
        cap > w->events_cap ? realloc(w->events, cap * sizeof *events) : NULL;
    if (events) {
      w->events = events;
      w->events_cap = cap;
    } else if (w->events_len > 0) {
      /* Full (or out of memory): the oldest goes; it is in the Event Log. */
      free(w->events[0].message);
      memmove(w->events, w->events + 1, (w->events_len - 1) * sizeof *w->events);
      w->events_len--;
      w->events_dropped++;
    } else {
      free(ev->message);
      w->events_dropped++;
      return;
    }
  }
  w->events[w->events_len++] = *ev;
  if (!w->oldest_us)
    w->oldest_us = now_us;
}

bool sw_svc_writer_due(const struct sw_svc_writer *w, bool extra_pending, int64_t now_us)
{
  if (w->len >= SW_SVC_BATCH_RESULTS)
    return true;
  if (w->len == 0 && w->events_len == 0)
    return extra_pending;
  return now_us - w->oldest_us >= (int64_t)SW_SVC_BATCH_DELAY_MS * 1000;
}

enum sw_store_error sw_svc_writer_write(struct sw_svc_writer *w, struct sw_store *st,
                                        const struct sw_store_batch *rules,
                                        size_t *written)
{
  /* The store wants the results contiguous: the run from `head` to the end
   * of the array (or of the waiting results) comes first. */
  size_t n = w->len;
  if (n > w->cap - w->head)
    n = w->cap - w->head;
  if (n > SW_SVC_WRITE_CHUNK)
    n = SW_SVC_WRITE_CHUNK;
  struct sw_store_batch batch = *rules;
  batch.results = n ? &w->ring[w->head] : NULL;
  batch.result_count = n;
  batch.events = w->events;
  batch.event_count = w->events_len;
  struct sw_store_write_counts counts = {0};
  enum sw_store_error err = sw_store_write(st, &batch, &counts);
  if (err)
    return err;
  for (size_t i = 0; i < n; i++) {
    struct sw_store_result *r = &w->ring[w->head];
    w->bytes -= result_bytes(r);
    sw_store_result_free(r);
    w->head = (w->head + 1) % w->cap;
    w->len--;
  }
  for (size_t i = 0; i < w->events_len; i++)
    free(w->events[i].message);
  w->events_len = 0;
  /* Results of rules deleted meanwhile are not stored: not written. */
  w->written += counts.results_written;
  /* What is left waited at least as long as what went: write it soon. */
  w->oldest_us = w->len ? w->oldest_us : 0;
  if (written)
    *written = n;
  return SW_STORE_OK;
}

bool sw_svc_writer_holds(const struct sw_svc_writer *w, int64_t first_id, int64_t last_id)
{
  for (size_t i = 0; i < w->len; i++) {
    int64_t id = w->ring[(w->head + i) % w->cap].rule_id;
    if (id >= first_id && id <= last_id)
      return true;
  }
  return false;
}
