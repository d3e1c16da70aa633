/* DNS queries for the engine (engine_dns.h). A query is a job that takes
 * one of the engine's DNS slots, the same ones as the host name lookups
 * (engine_resolve.c: at most SW_DNS_LOOKUPS_MAX at once, in FIFO order,
 * on the private pool whose threads that limit bounds): a dead DNS server
 * cannot take more threads than lookups could, nor the threads that
 * validate certificates. On its thread the query is one blocking c-ares
 * exchange cut at the query's deadline (dns_exchange.c), and its answer
 * comes back to the loop as a posted packet, as GetAddrInfoW's does.
 *
 * The deadline is also kept on the loop (a timer on the engine's DNS
 * timer heap): a query still queued for a slot, or whose thread has not
 * returned, ends with its timeout on time, and the loop never waits for a
 * DNS thread.
 *
 * Ownership, as for lookups. The record has a reference count: the loop's
 * (from the start until its answer packet is handled, or until it leaves
 * the queue unrun, or the engine is destroyed) and the worker's (while its
 * callback runs). The callback runs once: at the answer, at the deadline,
 * or cancelled when the engine stops; an owner that no longer waits
 * abandons the query (sw_engine_dns_abandon): queued, it is freed unrun;
 * running, its exchange gives up within SW_DNS_STOP_POLL_MS (a flag it
 * looks at between waits), so the slot goes to the next query long before
 * the deadline, and the answer, if one came, is dropped. The same happens
 * to a query whose callback ran at its deadline or at a stop. sw_engine_destroy
 * cancels every query, waits at most SW_DNS_STOP_WAIT_MS for those that
 * still run, then abandons them: the last thread to return frees its
 * record, and the shared state (sw__engine_shared_*) keeps a late post
 * from reaching a closed port. */
#include "engine_internal.h"

#include <bcrypt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "dns_exchange.h"
#include "engine_dns.h"
#include "win_error.h"

struct sw_engine_dns_job {
  struct sw_dns_slot slot; /* its references, its place in the queue or running */
  struct sw_req req;       /* the answer packet (SW_REQ_CALLBACK: on_answer) */
  /* Immutable once started. */
  struct sw_engine *engine;
  struct sw_dns_query query;
  struct sw_dns_server server;
  int64_t started_us, deadline_us;
  /* Loop thread only. */
  sw_engine_dns_fn done; /* NULL once it has run, or the query was abandoned */
  void *ctx;
  struct sw_list_node link; /* in e->dns.jobs while `done` waits to run */
  struct sw_timer timer;    /* the deadline, on e->dns.timers */
  /* Set once nobody waits for the answer: a running exchange gives up
   * within SW_DNS_STOP_POLL_MS and its slot goes to the next query. */
  volatile LONG stop;
  unsigned long refused_at_start; /* the pool's Win32 error, if it refused at once */
  /* Written by the worker before it posts the packet; read by the loop
   * after the packet arrives. */
  enum sw_engine_dns_status status;
  char error[SW_ENGINE_DNS_ERROR_MAX];
  struct sw_dns_answer answer;
};

static volatile LONG live_jobs;

long sw_engine_dns_jobs(void)
{
  return InterlockedCompareExchange(&live_jobs, 0, 0);
}

static void job_free(struct sw_dns_slot *s)
{
  free(sw_container_of(s, struct sw_engine_dns_job, slot));
  InterlockedDecrement(&live_jobs);
}

static void job_release(struct sw_engine_dns_job *j)
{
  sw__dns_slot_release(&j->slot);
}

/* ---- the DNS thread ------------------------------------------------------------ */

/* Touches only the record and the shared state, which its references keep
 * alive whatever the engine does meanwhile. */
static void CALLBACK query_work(PTP_CALLBACK_INSTANCE instance, void *ctx)
{
  (void)instance;
  struct sw_engine_dns_job *j = sw_container_of(ctx, struct sw_engine_dns_job, slot);
  j->status = sw_dns_exchange(&j->query, &j->server, j->deadline_us, &j->stop, &j->answer,
                              j->error, sizeof j->error);
  sw__engine_shared_post(j->slot.shared, &j->req.ov);
  job_release(j);
}

/* ---- the loop's side ------------------------------------------------------------- */

/* Runs the owner's callback, once, and lets the query go from the lists
 * of those that wait. */
static void finish(struct sw_engine_dns_job *j, enum sw_engine_dns_status status,
                   const char *error)
{
  sw_engine_dns_fn done = j->done;
  j->done = NULL;
  InterlockedExchange(&j->stop, 1);
  sw_list_remove(&j->link);
  sw_timer_heap_disarm(&j->engine->dns.timers, &j->timer);
  struct sw_engine_dns_result r = {
      .status = status,
      .query = &j->query,
      .answer = status == SW_ENGINE_DNS_ANSWERED ? &j->answer : NULL,
      .error = status == SW_ENGINE_DNS_ANSWERED ? "" : error,
      .server = j->server.text,
      .elapsed_ms = (uint32_t)((sw_clock_now_us() - j->started_us) / 1000),
  };
  done(j->ctx, &r);
}

/* The owner no longer waits: the callback does not run; a queued query
 * leaves the queue and is freed. */
static void let_go(struct sw_engine_dns_job *j)
{
  j->done = NULL;
  InterlockedExchange(&j->stop, 1);
  sw_list_remove(&j->link);
  sw_timer_heap_disarm(&j->engine->dns.timers, &j->timer);
  if (sw__engine_dns_dequeue(&j->slot))
    job_release(j); /* never ran: the loop's reference was the only one */
}

/* "no answer ... within N ms", N the query's whole budget, whoever saw
 * the deadline first: the loop's timer or the DNS thread. */
static void timeout_sentence(const struct sw_engine_dns_job *j, char *buf, size_t size)
{
  const char *type = sw_dns_type_name(j->query.type);
  long long ms = (long long)((j->deadline_us - j->started_us) / 1000);
  if (j->slot.queued)
    snprintf(buf, size,
             "no answer for %s %s within %lld ms: it waited all that time for one of the "
             "%d DNS queries at once this engine allows",
             type, j->query.name, ms, j->engine->dns.limit);
  else
    snprintf(buf, size, "no answer from %s for %s %s within %lld ms", j->server.text,
             type, j->query.name, ms);
}

static void on_answer(struct sw_req *req, DWORD bytes, DWORD error)
{
  (void)bytes;
  (void)error; /* a posted packet: the answer is in the record */
  struct sw_engine_dns_job *j = sw_container_of(req, struct sw_engine_dns_job, req);
  struct sw_engine *e = j->engine;
  sw__engine_dns_answered(e, &j->slot);
  if (j->done && j->status == SW_ENGINE_DNS_TIMEOUT) {
    char sentence[SW_ENGINE_DNS_ERROR_MAX];
    timeout_sentence(j, sentence, sizeof sentence);
    finish(j, j->status, sentence);
  } else if (j->done) {
    finish(j, j->status, j->error);
  }
  /* else: it timed out, was cancelled or abandoned meanwhile: dropped */
  job_release(j);
  /* Queries whose time is up end before the slot goes to the next: a
   * query past its deadline never starts. */
  sw__engine_dns_fire(e, sw_clock_now_us());
  sw__engine_dns_pump(e);
}

/* The pool would not run it: the owner hears so, unless its start is on
 * the stack (sw_engine_dns_query then returns the error). */
static void job_refused(struct sw_dns_slot *s, unsigned long win_error, bool caller)
{
  struct sw_engine_dns_job *j = sw_container_of(s, struct sw_engine_dns_job, slot);
  if (caller) {
    j->refused_at_start = win_error ? win_error : ERROR_NOT_ENOUGH_MEMORY;
    return;
  }
  char error[SW_ENGINE_DNS_ERROR_MAX];
  sw_win_error_sentence(error, sizeof error, win_error,
                        "could not start asking %s for %s %s", j->server.text,
                        sw_dns_type_name(j->query.type), j->query.name);
  finish(j, SW_ENGINE_DNS_FAILED, error);
  job_release(j);
}

static const struct sw_dns_slot_ops job_ops = {
    .work = query_work,
    .free = job_free,
    .refused = job_refused,
};

/* The deadline came: the query ends with its timeout, whether it waits for
 * a slot (freed unrun) or runs (its answer, when it comes, is dropped). */
static void expire(struct sw_engine_dns_job *j)
{
  char error[SW_ENGINE_DNS_ERROR_MAX];
  timeout_sentence(j, error, sizeof error);
  finish(j, SW_ENGINE_DNS_TIMEOUT, error);
  if (sw__engine_dns_dequeue(&j->slot))
    job_release(j);
}

void sw__engine_dns_fire(struct sw_engine *e, int64_t now)
{
  struct sw_timer *t;
  while ((t = sw_timer_heap_pop_due(&e->dns.timers, now)) != NULL)
    expire(sw_container_of(t, struct sw_engine_dns_job, timer));
}

void sw__engine_dns_cancel_queries(struct sw_engine *e)
{
  struct sw_list_node *node;
  while ((node = sw_list_first(&e->dns.jobs)) != NULL) {
    struct sw_engine_dns_job *j = sw_list_entry(node, struct sw_engine_dns_job, link);
    finish(j, SW_ENGINE_DNS_CANCELLED, "the engine was stopped");
    if (sw__engine_dns_dequeue(&j->slot))
      job_release(j);
  }
}

/* A random query id (RFC 5452 9.2: the id is half of what keeps a spoofed
 * answer out; c-ares picks a random source port, the other half). */
static uint16_t random_id(void)
{
  uint16_t id = 0;
  if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, (UCHAR *)&id, sizeof id,
                                      BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
    id = (uint16_t)(GetTickCount64() ^ GetCurrentThreadId()); /* NEVER in practice */
  return id;
}

/* A new record for `spec`, its deadline armed; NULL with *err set. */
static struct sw_engine_dns_job *job_new(struct sw_engine *e,
                                         const struct sw_engine_dns_spec *spec,
                                         enum sw_error *err, char *why, size_t size)
{
  *err = SW_E_INVALID_ARGUMENT;
  struct sw_engine_dns_job *j = calloc(1, sizeof *j);
  if (!j) {
    *err = SW_E_NOMEM;
    sw_error_say(why, size, "out of memory starting a DNS query");
    return NULL;
  }
  if (!sw_dns_query_build(&j->query, spec->name, spec->type, random_id(), why, size) ||
      !sw_dns_server_parse(spec->server, &j->server, why, size)) {
    free(j);
    return NULL;
  }
  uint32_t timeout =
      spec->timeout_ms ? spec->timeout_ms : SW_ENGINE_DNS_DEFAULT_TIMEOUT_MS;
  j->engine = e;
  j->started_us = sw_clock_now_us();
  j->deadline_us = j->started_us + (int64_t)timeout * 1000;
  sw_timer_init(&j->timer);
  if (sw_timer_heap_arm(&e->dns.timers, &j->timer, j->deadline_us) != SW_E_OK) {
    free(j);
    *err = SW_E_NOMEM;
    sw_error_say(why, size, "out of memory arming a DNS query's deadline");
    return NULL;
  }
  *err = SW_E_OK;
  return j;
}

enum sw_error sw_engine_dns_query(struct sw_engine *e,
                                  const struct sw_engine_dns_spec *spec,
                                  sw_engine_dns_fn done, void *ctx,
                                  struct sw_engine_dns_job **job, char *why, size_t size)
{
  if (job)
    *job = NULL;
  if (!spec || !done) {
    sw_error_say(why, size, "no query or no callback was given");
    return SW_E_INVALID_ARGUMENT;
  }
  enum sw_error err;
  struct sw_engine_dns_job *j = job_new(e, spec, &err, why, size);
  if (!j)
    return err;
  sw__dns_slot_init(e, &j->slot, &job_ops);
  InterlockedIncrement(&live_jobs);
  sw_engine_req_init(&j->req, on_answer);
  j->done = done;
  j->ctx = ctx;
  sw_list_insert_tail(&e->dns.jobs, &j->link);
  sw__engine_dns_enqueue(e, &j->slot);
  if (j->refused_at_start) {
    sw_win_error_sentence(why, size, j->refused_at_start,
                          "could not start asking %s for %s %s", j->server.text,
                          sw_dns_type_name(j->query.type), j->query.name);
    let_go(j);
    job_release(j);
    return SW_E_SYSTEM;
  }
  if (job)
    *job = j;
  return SW_E_OK;
}

void sw_engine_dns_abandon(struct sw_engine_dns_job *job)
{
  if (job && ALWAYS(job->done))
    let_go(job);
}
