/* What the service has to write to the store: check results (a bounded
 * ring: when it is full the oldest result is dropped and counted) and
 * events, written together with the changed rule states in batched
 * transactions. A failed write changes nothing here, so the same records
 * are written by a later attempt. Loop thread only. */
#ifndef SW_SVC_WRITER_H
#define SW_SVC_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Write when this many results wait, or when the oldest record has waited
 * SW_SVC_BATCH_DELAY_MS: one transaction per batch, not one per check. */
#define SW_SVC_BATCH_RESULTS 200
#define SW_SVC_BATCH_DELAY_MS 500
/* Results per transaction when a backlog is written: short transactions keep
 * the loop (and other writers) from waiting long. */
#define SW_SVC_WRITE_CHUNK 1000
/* The memory buffer: at most this many results, and about this many bytes
 * (failed checks carry a transcript of up to 32 KiB). */
#define SW_SVC_BUFFER_RESULTS_MAX 50000
#define SW_SVC_BUFFER_BYTES_MAX (96u * 1024 * 1024)
/* Events waiting to be written; past this the oldest go (they are in the
 * Event Log already). */
#define SW_SVC_BUFFER_EVENTS_MAX 10000

struct sw_svc_writer {
  struct sw_store_result *ring; /* results waiting, oldest at `head` */
  size_t cap, head, len, bytes;
  size_t max_results; /* SW_SVC_BUFFER_RESULTS_MAX unless a test says otherwise */
  struct sw_store_event *events; /* messages owned here */
  size_t events_len, events_cap;
  int64_t oldest_us; /* monotonic time the oldest waiting record came; 0 if none */
  uint64_t written, dropped, events_dropped; /* since the start */
};

/* An empty writer holding at most `max_results` results (0: the default).
 * Allocates nothing yet. */
void sw_svc_writer_init(struct sw_svc_writer *w, size_t max_results);
/* Frees everything still waiting (not written). */
void sw_svc_writer_free(struct sw_svc_writer *w);

/* Takes the result (r->check is moved out; the caller's record is left
 * empty). If the buffer is full the oldest result is dropped first:
 * returns true then. Results that cannot be stored at all (no memory)
 * count as dropped too. */
bool sw_svc_writer_add_result(struct sw_svc_writer *w, struct sw_store_result *r,
                              int64_t now_us);
/* Takes the event, whose message (malloc'd, may be NULL) it now owns. */
void sw_svc_writer_add_event(struct sw_svc_writer *w, const struct sw_store_event *ev,
                             int64_t now_us);

/* True if a batch should be written now: enough results, or a record that
 * has waited long enough. `extra_pending` says the caller has changed rule
 * states to write as well. */
bool sw_svc_writer_due(const struct sw_svc_writer *w, bool extra_pending, int64_t now_us);
/* Results waiting. */
static inline size_t sw_svc_writer_pending(const struct sw_svc_writer *w)
{
  return w->len;
}

/* True if a result of a rule with an id from first_id to last_id waits. */
bool sw_svc_writer_holds(const struct sw_svc_writer *w, int64_t first_id,
                         int64_t last_id);

/* Writes, in one transaction, the oldest SW_SVC_WRITE_CHUNK results (or
 * fewer), every waiting event and the rules' records in `rules` (its
 * states, tracks and fingerprints; its results and events are ignored).
 * On success they leave the buffer and *written (may be NULL) says how
 * many results went; on failure nothing changes and the store's error is
 * returned. */
enum sw_store_error sw_svc_writer_write(struct sw_svc_writer *w, struct sw_store *st,
                                        const struct sw_store_batch *rules,
                                        size_t *written);

#endif
