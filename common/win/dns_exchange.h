/* One DNS exchange over c-ares, blocking, within a deadline: our query
 * (dns_message.h) to the system's DNS servers or to one given server,
 * over UDP with TCP when the answer comes back truncated, and its answer
 * read. Runs on the engine's DNS threads (engine_dns.c); nothing here
 * touches the engine. */
#ifndef SW_DNS_EXCHANGE_H
#define SW_DNS_EXCHANGE_H

#include <windows.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_message.h"
#include "engine_dns.h"

/* Where a query goes: the system's servers, or one address and port. */
struct sw_dns_server {
  bool system;
  int family; /* AF_INET or AF_INET6 */
  uint8_t addr[16];
  uint16_t port;
  char text[64]; /* "192.0.2.53:53", "[2001:db8::53]:5353", "the system's DNS servers" */
};

/* Reads "ADDR[:PORT]" (an IPv4 address, or an IPv6 one, in brackets when
 * a port follows; port 53 unless given); NULL or "" is the system's
 * servers. False with a sentence in why[size] if it is neither. Any
 * thread. */
bool sw_dns_server_parse(const char *text, struct sw_dns_server *out, char *why,
                         size_t size);

/* How often a waiting exchange looks at its `stop` flag (ms). */
#define SW_DNS_STOP_POLL_MS 100

/* Sends `q` to `srv` and waits for its answer until `deadline_us`
 * (sw_clock_now_us), at most, or until *stop is set (by another thread:
 * nobody wants the answer any more; seen within SW_DNS_STOP_POLL_MS); the
 * answer is read into *a. Returns ANSWERED, TIMEOUT, FAILED or, stopped,
 * CANCELLED, with a sentence in error[size] but for ANSWERED. Blocks; any
 * thread. */
enum sw_engine_dns_status sw_dns_exchange(const struct sw_dns_query *q,
                                          const struct sw_dns_server *srv,
                                          int64_t deadline_us, volatile LONG *stop,
                                          struct sw_dns_answer *a, char *error,
                                          size_t size);

#endif
