/* Deliveries on the thread pool (svc_delivery.h). */
#include "svc_delivery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service_restart.h"
#include "sw_macros.h"
#include "webhook_post.h"

/* Shared by the loop and the workers: the port to hand results to, until
 * the loop lets go. Freed by whoever lets go of it last. */
struct sw_svc_deliveries {
  SRWLOCK lock;
  struct sw_engine *engine; /* NULL once the loop let go */
  LONG refs;                /* the loop's, and one per delivery started */
  size_t running;           /* loop thread only */
};

static void release(struct sw_svc_deliveries *ds)
{
  if (InterlockedDecrement(&ds->refs) == 0)
    free(ds);
}

struct sw_svc_deliveries *sw_svc_deliveries_create(struct sw_engine *engine)
{
  struct sw_svc_deliveries *ds = calloc(1, sizeof *ds);
  if (ds) {
    InitializeSRWLock(&ds->lock);
    ds->engine = engine;
    ds->refs = 1;
  }
  return ds;
}

size_t sw_svc_deliveries_running(const struct sw_svc_deliveries *ds)
{
  return ds ? ds->running : 0;
}

void sw_svc_deliveries_detach(struct sw_svc_deliveries *ds)
{
  if (!ds)
    return;
  AcquireSRWLockExclusive(&ds->lock);
  ds->engine = NULL;
  ReleaseSRWLockExclusive(&ds->lock);
  release(ds);
}

/* The worker's result arrives on the loop thread. */
static void on_back(struct sw_req *req, DWORD bytes, DWORD error)
{
  (void)bytes, (void)error; /* a posted packet: nothing of its own */
  struct sw_svc_delivery *d = sw_container_of(req, struct sw_svc_delivery, req);
  d->owner->running--;
  release(d->owner);
  d->owner = NULL;
  d->done(d);
}

struct sw_svc_delivery *sw_svc_delivery_new(struct sw_svc_deliveries *ds,
                                            enum sw_notifier_kind kind,
                                            void (*done)(struct sw_svc_delivery *d),
                                            void *ctx)
{
  struct sw_svc_delivery *d = calloc(1, sizeof *d);
  if (!d)
    return NULL;
  sw_engine_req_init(&d->req, on_back);
  d->owner = ds;
  d->done = done;
  d->ctx = ctx;
  d->kind = kind;
  sw_buf_init(&d->body, 0);
  return d;
}

static void wipe_free(char *s)
{
  if (s) {
    SecureZeroMemory(s, strlen(s));
    free(s);
  }
}

void sw_svc_delivery_free(struct sw_svc_delivery *d)
{
  if (!d)
    return;
  wipe_free(d->url);
  sw_buf_free(&d->body);
  free(d->command_line);
  for (size_t i = 0; i < d->env_count; i++)
    free(d->env[i]);
  free(d->service_name);
  free(d);
}

static void run_webhook(struct sw_svc_delivery *d)
{
  struct sw_webhook_request req = {
      .url = d->url,
      .body = (const char *)d->body.data,
      .body_len = d->body.len,
      .notification_id = d->notification_id,
      .timeout_ms = SW_SVC_WEBHOOK_TIMEOUT_MS,
  };
  struct sw_webhook_result *res = malloc(sizeof *res);
  if (!res) {
    snprintf(d->error, sizeof d->error, "The service ran out of memory.");
    return;
  }
  d->ok = sw_webhook_post(&req, res);
  snprintf(d->error, sizeof d->error, "%s", res->error);
  free(res);
}

static void run_program(struct sw_svc_delivery *d)
{
  struct sw_program_request req = {
      .command_line = d->command_line,
      .env = (const char *const *)d->env,
      .env_count = d->env_count,
      .timeout_ms = d->timeout_ms,
  };
  struct sw_program_result *res = malloc(sizeof *res);
  if (!res) {
    snprintf(d->error, sizeof d->error, "The service ran out of memory.");
    return;
  }
  d->ok = sw_program_run(&req, res);
  d->ran_program = res->started;
  d->exit_code = res->exit_code;
  snprintf(d->output, sizeof d->output, "%s", res->output);
  snprintf(d->error, sizeof d->error, "%s", res->error);
  free(res);
}

static void run_restart(struct sw_svc_delivery *d)
{
  struct sw_service_restart_result res;
  d->ok = sw_service_restart(d->service_name, SW_SVC_RESTART_TIMEOUT_MS, &res);
  snprintf(d->error, sizeof d->error, "%s", res.error);
}

/* On a thread-pool thread. */
static void CALLBACK work(PTP_CALLBACK_INSTANCE instance, void *ctx)
{
  (void)instance;
  struct sw_svc_delivery *d = ctx;
  switch (d->kind) {
  case SW_NOTIFIER_WEBHOOK:
    run_webhook(d);
    break;
  case SW_NOTIFIER_PROGRAM:
    run_program(d);
    break;
  case SW_NOTIFIER_RESTART_SERVICE:
    run_restart(d);
    break;
  default:
    SW_NOT_REACHED();
    snprintf(d->error, sizeof d->error, "This notifier is not delivered here.");
    break;
  }
  struct sw_svc_deliveries *ds = d->owner;
  AcquireSRWLockExclusive(&ds->lock);
  bool posted = ds->engine && sw_engine_post(ds->engine, &d->req, 0);
  ReleaseSRWLockExclusive(&ds->lock);
  if (!posted) { /* the loop is gone: the outbox keeps it pending */
    release(ds);
    sw_svc_delivery_free(d);
  }
}

bool sw_svc_delivery_start(struct sw_svc_delivery *d)
{
  struct sw_svc_deliveries *ds = d->owner;
  InterlockedIncrement(&ds->refs);
  if (!TrySubmitThreadpoolCallback(work, d, NULL)) {
    release(ds);
    snprintf(d->error, sizeof d->error,
             "The notification could not be handed to a worker thread (error %lu).",
             GetLastError());
    return false;
  }
  ds->running++;
  return true;
}
