/* DNS queries for the engine (issue 18's domain checks): MX, A, AAAA, TXT,
 * TLSA or CNAME records of a name, asked of the system's DNS servers or of
 * a given one ("--dns-server ADDR[:PORT]"), answered as a completion on
 * the engine's loop, never blocking it.
 *
 * The query is ours (common/domain/dns_message.h: RD, AD and EDNS0 with
 * DO), so the answer's AD bit says whether a validating resolver
 * authenticated it; c-ares only moves it (UDP, and TCP when the answer is
 * truncated). A query takes one of the engine's DNS slots
 * (SW_DNS_LOOKUPS_MAX, engine_resolve.h), the same ones as host name
 * lookups, and runs on the same private pool; how it is bounded, dropped
 * and abandoned is described at the top of engine_dns.c. */
#ifndef SW_ENGINE_DNS_H
#define SW_ENGINE_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "dns_message.h"
#include "engine.h"
#include "sw_error.h"

/* A query's time budget when the spec gives none (ms). */
#define SW_ENGINE_DNS_DEFAULT_TIMEOUT_MS 5000
/* The longest error sentence of a result. */
#define SW_ENGINE_DNS_ERROR_MAX 400

/* What to ask. The engine copies what it needs. */
struct sw_engine_dns_spec {
  const char *name; /* "example.com" (dns_message.h says which names) */
  enum sw_dns_type type;
  /* "192.0.2.53", "192.0.2.53:5353", "2001:db8::53", "[2001:db8::53]:5353";
   * NULL or "": the system's DNS servers. Port 53 unless given. */
  const char *server;
  uint32_t timeout_ms; /* 0: SW_ENGINE_DNS_DEFAULT_TIMEOUT_MS */
};

enum sw_engine_dns_status {
  SW_ENGINE_DNS_ANSWERED,  /* an answer to the query, read (any RCODE) */
  SW_ENGINE_DNS_TIMEOUT,   /* no answer within the time budget */
  SW_ENGINE_DNS_FAILED,    /* refused, SERVFAIL, no valid answer, no pool */
  SW_ENGINE_DNS_CANCELLED, /* the engine was stopped or destroyed */
};

/* A query's end, valid during the callback only. */
struct sw_engine_dns_result {
  enum sw_engine_dns_status status;
  const struct sw_dns_query *query;
  /* ANSWERED: the answer (its result, records, AD bit); NULL otherwise. */
  const struct sw_dns_answer *answer;
  /* Otherwise: a sentence naming the server, the type and the name, e.g.
   * "no answer from 127.0.0.1:5353 for MX example.com within 2000 ms";
   * "" when ANSWERED. */
  const char *error;
  /* "127.0.0.1:5353", "[::1]:53", or "the system's DNS servers". */
  const char *server;
  uint32_t elapsed_ms;
};

struct sw_engine_dns_job;

/* Runs once per query on the loop thread (from sw_engine_run, _run_once
 * or, cancelled, from sw_engine_stop's turn or sw_engine_destroy), unless
 * the query was abandoned first. */
typedef void (*sw_engine_dns_fn)(void *ctx, const struct sw_engine_dns_result *r);

/* Starts a query; `done(ctx, result)` will run exactly once. *job (if
 * `job` is not NULL) is a handle for sw_engine_dns_abandon, valid until
 * `done` has run. SW_E_INVALID_ARGUMENT (with a sentence in why[size]) for
 * a name, type or server that cannot be asked, SW_E_NOMEM, or SW_E_SYSTEM
 * if the pool refused it at once; then `done` never runs. Loop thread.
 * sw_engine_run(SW_RUN_UNTIL_IDLE) returns only once every query's
 * callback has run, as it does for checks. */
enum sw_error sw_engine_dns_query(struct sw_engine *e,
                                  const struct sw_engine_dns_spec *spec,
                                  sw_engine_dns_fn done, void *ctx,
                                  struct sw_engine_dns_job **job, char *why, size_t size);

/* The query's owner no longer waits: `done` will not run. A queued query
 * is dropped; a running one gives up within 100 ms and its slot goes to
 * the next query. Only before `done` has run. Loop thread. */
void sw_engine_dns_abandon(struct sw_engine_dns_job *job);

/* Test only: query records alive in this process (waiting, running, or
 * abandoned and still running); zero once every engine is destroyed and
 * every abandoned query has returned. Any thread. */
long sw_engine_dns_jobs(void);

#endif
