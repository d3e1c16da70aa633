/* DNS for the engine: how many name lookups run at once, and a seam that
 * lets tests replace the system resolver. The service needs neither call:
 * the defaults are what it runs with. How lookups are bounded, dropped and
 * abandoned is described at the top of engine_resolve.c. */
#ifndef SW_ENGINE_RESOLVE_H
#define SW_ENGINE_RESOLVE_H

#include <winsock2.h>
#include <ws2tcpip.h>

#include <stdint.h>

#include "engine.h"

/* Lookups that run at once per engine; more wait in FIFO order, off the
 * threads. */
#define SW_DNS_LOOKUPS_MAX 32
/* How long sw_engine_destroy waits for lookups and certificate validations
 * that still run (ms). */
#define SW_DNS_STOP_WAIT_MS 2000

/* Resolves `host` (UTF-8, no brackets) to at most `max` addresses of
 * `family` (AF_INET, AF_INET6, or AF_UNSPEC for both) with `port` set,
 * stored in addrs[0..*naddrs). Returns 0, or the WSA error that
 * says why not (then *naddrs is not used). Runs on one of the engine's DNS
 * threads and may block; it may also run after the engine that started it
 * is destroyed, so whatever `ctx` points to must outlive every lookup. */
typedef int (*sw_engine_resolver_fn)(void *ctx, const char *host, uint16_t port,
                                     int family, struct sockaddr_storage *addrs, int max,
                                     int *naddrs);

/* Lets at most `n` lookups (at least 1) run at once from now on; queued
 * lookups start if the limit grew. Loop thread. The service keeps the
 * default, SW_DNS_LOOKUPS_MAX. */
void sw_engine_set_dns_limit(struct sw_engine *e, int n);

/* Test only: resolves names with `fn` instead of GetAddrInfoW (NULL: back to
 * GetAddrInfoW). Applies to lookups started afterwards. Loop thread. */
void sw_engine_set_resolver(struct sw_engine *e, sw_engine_resolver_fn fn, void *ctx);

/* Test only: lookup records alive in this process (queued, running, or
 * abandoned and still running), plus one per engine's shared DNS state.
 * Zero once every engine is destroyed and every abandoned lookup has
 * returned: whoever lets go last frees them. Any thread. */
long sw_engine_dns_records(void);

#endif
