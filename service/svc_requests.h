/* The service's answers on the control pipe (docs/pipe-protocol.md): every
 * request of a client, checked, carried out against the store and the
 * service's rule table, and answered. Runs on the loop thread only, as the
 * pipe server's on_request callback; nothing here blocks except SQLite,
 * whose lock waits are bounded by the store's busy timeout. */
#ifndef SW_SVC_REQUESTS_H
#define SW_SVC_REQUESTS_H

#include <stdint.h>

#include "engine.h"
#include "pipe_push.h"
#include "pipe_records.h"
#include "pipe_server.h"
#include "store.h"
#include "store_alerts.h"
#include "svc_rules.h"

/* What the handlers need from the loop. */
struct sw_svc_requests {
  struct sw_store **store;          /* NULL inside while the database fails */
  const struct sw_svc_rules *rules; /* the service's rules, with their states */
  struct sw_engine *engine;         /* runs "test now" checks */
  void *loop;
  /* Rule `rule_id` was added, changed or deleted (0: many were, by an
   * import): read it again now, so the scheduler has the change before the
   * next turn. */
  void (*rules_changed)(void *loop, int64_t rule_id);
  /* Before a read of `message` (STATUS or REPORT of the rules with ids
   * first_id..last_id, HISTORY of one, EVENTS): write what the service
   * knows and has not written yet and the answer would show, so that the
   * answer agrees with it. */
  void (*sync)(void *loop, uint16_t message, int64_t first_id, int64_t last_id);
  /* Notifiers, a rule's alert settings, an acknowledgement or a window
   * changed: the loop reads them again before its next decision. */
  void (*alerts_changed)(void *loop);
  /* Sends a test through notifier `n` with the id `uid`; `done` runs once
   * on the loop thread with what came of it, unless this returns false
   * (with a sentence in why[size]). */
  bool (*test_notifier)(void *loop, const struct sw_store_notifier *n, const char *uid,
                        void (*done)(void *ctx, bool ok, const char *error), void *ctx,
                        char *why, size_t size);
  /* Logs an Event Log event (and keeps it for EVENTS); `rule_id` 0 for
   * none. */
  void (*log)(void *loop, unsigned long event_id, int64_t rule_id, unsigned n,
              const char *const *strings);
  /* The service's figures for SERVICE_INFO. */
  void (*info)(void *loop, struct sw_pipe_service_info *out);
  /* A test of stored rule `rule_id` that must not overlap the rule's own
   * runs (a round trip: one probe per rule in flight): SW_E_OK, with the
   * run's *token, and the scheduler skips the rule's runs until test_end;
   * SW_E_BUSY if the rule's check (or another such test) is in flight;
   * SW_E_INVALID_ARGUMENT if the scheduler does not have the rule (it has
   * no runs to overlap). */
  enum sw_error (*test_begin)(void *loop, int64_t rule_id, uint32_t *token);
  void (*test_end)(void *loop, int64_t rule_id, uint32_t token);
  /* Wall-clock time, Unix milliseconds. */
  int64_t (*now_ms)(void);
  /* The import of rules being staged, if any (svc_requests_import.c);
   * NULL at first. */
  struct sw_svc_import *import;
  /* SUBSCRIBE (version 4): replaces what `conn` wants pushed, and says what
   * it got; false if the service cannot take a subscriber now. */
  bool (*subscribe)(void *loop, struct sw_pipe_conn *conn,
                    const struct sw_pipe_subscribe *want,
                    struct sw_pipe_subscribe *granted);
  uint64_t status_requests; /* STATUS answered, for SERVICE_INFO */
};

/* The pipe server's on_request: `ctx` is a struct sw_svc_requests that
 * outlives the server. */
enum sw_pipe_verdict sw_svc_on_request(void *ctx, struct sw_pipe_conn *conn,
                                       const struct sw_pipe_frame *req,
                                       struct sw_buf *reply);

/* Drops the staged import of `conn` (NULL: whichever is staged). */
void sw_svc_import_drop(struct sw_svc_requests *q, struct sw_pipe_conn *conn);

#endif
