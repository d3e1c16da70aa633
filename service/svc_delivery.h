/* Deliveries that block (a webhook's HTTPS POST, a program, a service
 * restart) run on the process thread pool, each within its own time
 * limit, and hand their result back to the loop thread through the
 * engine's completion port: the checks never wait for a notification.
 *
 * A delivery may outlive the loop (a program may run for an hour): the
 * loop lets go of the port with sw_svc_deliveries_detach before the
 * engine goes, and a delivery that ends after that frees itself. The
 * notification then stays pending in the outbox and goes out after the
 * restart: at least once, never lost. */
#ifndef SW_SVC_DELIVERY_H
#define SW_SVC_DELIVERY_H

#include <windows.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "engine_req.h"
#include "notifier.h"
#include "program_run.h"
#include "sw_buf.h"

#define SW_SVC_DELIVERY_ERROR_MAX 1000
#define SW_SVC_WEBHOOK_TIMEOUT_MS 30000u
#define SW_SVC_RESTART_TIMEOUT_MS 60000u
#define SW_SVC_PROGRAM_ENV_MAX 9

struct sw_svc_deliveries;

/* One delivery: what to do (filled by the loop), what came of it (filled
 * by the worker). Owned by the loop until started, then by the worker
 * until its `done` runs on the loop thread. */
struct sw_svc_delivery {
  struct sw_req req; /* first: the completion that brings it back */
  struct sw_svc_deliveries *owner;
  void (*done)(struct sw_svc_delivery *d); /* on the loop thread */
  void *ctx;                               /* the loop's */
  int64_t outbox_id;
  enum sw_notifier_kind kind;
  /* webhook */
  char *url; /* the full URL, decrypted: wiped when freed */
  struct sw_buf body;
  char notification_id[72];
  /* program */
  char *command_line;
  char *env[SW_SVC_PROGRAM_ENV_MAX];
  size_t env_count;
  uint32_t timeout_ms;
  /* restart_service */
  char *service_name;
  /* What came of it. */
  bool ok;
  char error[SW_SVC_DELIVERY_ERROR_MAX];
  bool ran_program;
  unsigned long exit_code;
  char output[4 * SW_PROGRAM_OUTPUT_BYTES + 4];
};

/* The loop's end of the deliveries; NULL if memory ran out. */
struct sw_svc_deliveries *sw_svc_deliveries_create(struct sw_engine *engine);
/* Deliveries started and not yet back. */
size_t sw_svc_deliveries_running(const struct sw_svc_deliveries *ds);
/* Lets go of the engine: deliveries still running free themselves when
 * they end. Call before the engine is destroyed; `ds` is gone after. */
void sw_svc_deliveries_detach(struct sw_svc_deliveries *ds);

/* A delivery to fill; NULL if memory ran out. */
struct sw_svc_delivery *sw_svc_delivery_new(struct sw_svc_deliveries *ds,
                                            enum sw_notifier_kind kind,
                                            void (*done)(struct sw_svc_delivery *d),
                                            void *ctx);
/* Runs it on the thread pool; its `done` runs on the loop thread when it
 * ends. False (with d->error set, `done` not called) if it could not be
 * started. */
bool sw_svc_delivery_start(struct sw_svc_delivery *d);
/* Frees a delivery that is back or was never started. */
void sw_svc_delivery_free(struct sw_svc_delivery *d);

#endif
