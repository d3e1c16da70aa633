/* One DNS exchange over c-ares (dns_exchange.h). c-ares is the transport
 * only: ares_send sends our query as it is (its id, RD, AD and the OPT
 * record with DO are ours; c-ares 1.18 keeps the query's id and matches
 * the answer to it and to the question), retries over UDP, and asks again
 * over TCP when the answer has TC set. Every answer comes back to us
 * (ARES_FLAG_NOCHECKRESP), SERVFAIL and REFUSED too: c-ares 1.18 would
 * otherwise drop them, try the next server, and report a lone server's
 * SERVFAIL as ECONNREFUSED; and a validating resolver's SERVFAIL (a
 * signature that does not verify) is a verdict to report, not one to ask
 * another, perhaps non-validating, server about. A private channel per exchange, on
 * this thread alone: c-ares channels are not shared between threads, and
 * the system's servers are read afresh each time (a changed network is
 * seen at the next query). The wait is select() on c-ares' sockets, cut
 * at the deadline whatever c-ares' own timeouts say. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "dns_exchange.h"

#include <stdio.h>
#include <string.h>

#include <ares.h>

#include "clock.h"
#include "sw_error.h"
#include "win_error.h"

#define DNS_PORT 53

/* ---- the server's text --------------------------------------------------------- */

static bool parse_port(const char *s, uint16_t *port)
{
  unsigned long v = 0;
  if (!*s)
    return false;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || (v = v * 10 + (unsigned long)(*s - '0')) > 65535)
      return false;
  }
  *port = (uint16_t)v;
  return v > 0;
}

bool sw_dns_server_parse(const char *text, struct sw_dns_server *out, char *why,
                         size_t size)
{
  memset(out, 0, sizeof *out);
  if (!text || !*text) {
    out->system = true;
    snprintf(out->text, sizeof out->text, "the system's DNS servers");
    return true;
  }
  char host[64];
  const char *port = NULL;
  size_t n = strlen(text);
  const char *colon = strchr(text, ':');
  if (text[0] == '[') {
    const char *end = strchr(text, ']');
    if (!end || (end[1] && end[1] != ':') || (size_t)(end - text - 1) >= sizeof host)
      return sw_error_say(why, size,
                          "the DNS server \"%s\" is not ADDR[:PORT] (an IPv6 "
                          "address with a port goes in brackets: [::1]:5353)",
                          text);
    memcpy(host, text + 1, (size_t)(end - text - 1));
    host[end - text - 1] = '\0';
    port = end[1] ? end + 2 : NULL;
  } else if (colon && !strchr(colon + 1, ':')) { /* one colon: IPv4 and a port */
    if ((size_t)(colon - text) >= sizeof host)
      return sw_error_say(why, size, "the DNS server \"%s\" is not an address", text);
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    port = colon + 1;
  } else if (n < sizeof host) {
    memcpy(host, text, n + 1);
  } else {
    return sw_error_say(why, size, "the DNS server \"%.80s...\" is not an address", text);
  }
  out->port = DNS_PORT;
  if (port && !parse_port(port, &out->port))
    return sw_error_say(why, size,
                        "the DNS server's port \"%s\" is not a number from 1 "
                        "to 65535",
                        port);
  if (inet_pton(AF_INET, host, out->addr) == 1 && text[0] != '[')
    out->family = AF_INET;
  else if (inet_pton(AF_INET6, host, out->addr) == 1)
    out->family = AF_INET6;
  else
    return sw_error_say(why, size,
                        "the DNS server \"%s\" is not an IPv4 or IPv6 address "
                        "(a name would need a DNS server to find it)",
                        host);
  snprintf(out->text, sizeof out->text, out->family == AF_INET6 ? "[%s]:%u" : "%s:%u",
           host, (unsigned)out->port);
  return true;
}

/* ---- the exchange ----------------------------------------------------------------- */

/* What the exchange found, filled in by c-ares' callback. */
struct exchange {
  const struct sw_dns_query *q;
  const struct sw_dns_server *srv;
  struct sw_dns_answer *answer;
  bool replied;
  enum sw_engine_dns_status status;
  char *error;
  size_t size;
};

static INIT_ONCE cares_once = INIT_ONCE_STATIC_INIT;
static int cares_init_status;

/* ares_library_init once per process, never cleaned up: it is not
 * thread-safe, and on Windows it loads what c-ares needs to read the
 * system's DNS servers (iphlpapi). */
static BOOL CALLBACK cares_init(PINIT_ONCE once, void *param, void **ctx)
{
  (void)once;
  (void)param;
  (void)ctx;
  cares_init_status = ares_library_init(ARES_LIB_INIT_ALL);
  return TRUE;
}

/* What c-ares' failure means, as a sentence. */
static void failure_sentence(struct exchange *x, int status)
{
  const char *srv = x->srv->text, *type = sw_dns_type_name(x->q->type),
             *name = x->q->name;
  switch (status) {
  case ARES_ECONNREFUSED:
    snprintf(x->error, x->size, "%s refused the query for %s %s (nothing listens there)",
             srv, type, name);
    break;
  case ARES_EBADRESP:
    snprintf(x->error, x->size, "%s sent a malformed answer for %s %s", srv, type, name);
    break;
  default:
    snprintf(x->error, x->size, "asking %s for %s %s failed: %s", srv, type, name,
             ares_strerror(status));
    break;
  }
}

static void on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
  (void)timeouts;
  struct exchange *x = arg;
  if (x->replied || status == ARES_EDESTRUCTION)
    return; /* the exchange is over: the deadline came first */
  x->replied = true;
  if (status == ARES_ETIMEOUT) {
    x->status = SW_ENGINE_DNS_TIMEOUT; /* the caller says how long it waited */
    return;
  }
  x->status = SW_ENGINE_DNS_FAILED;
  if (status != ARES_SUCCESS) {
    failure_sentence(x, status);
    return;
  }
  char why[200];
  if (!abuf || alen <= 0 ||
      !sw_dns_answer_parse(abuf, (size_t)alen, x->q, x->answer, why, sizeof why)) {
    snprintf(x->error, x->size, "the answer of %s for %s %s is not valid: %s",
             x->srv->text, sw_dns_type_name(x->q->type), x->q->name,
             abuf ? why : "it was empty");
    return;
  }
  x->status = SW_ENGINE_DNS_ANSWERED;
}

/* A channel for the exchange, asking `srv`; ARES_SUCCESS or c-ares' code.
 * Each try waits a third of the time left (between 0.1 s and 2 s), so
 * that a lost datagram is sent again within the budget. */
static int open_channel(ares_channel *ch, const struct sw_dns_server *srv,
                        int64_t left_ms)
{
  struct ares_options o;
  memset(&o, 0, sizeof o);
  o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_NOCHECKRESP;
  o.timeout = (int)(left_ms / 3 < 100 ? 100 : left_ms / 3 > 2000 ? 2000 : left_ms / 3);
  o.tries = 3;
  int rc =
      ares_init_options(ch, &o, ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
  if (rc != ARES_SUCCESS || srv->system)
    return rc;
  struct ares_addr_port_node node;
  memset(&node, 0, sizeof node);
  node.family = srv->family;
  memcpy(srv->family == AF_INET ? (void *)&node.addr.addr4 : (void *)&node.addr.addr6,
         srv->addr, srv->family == AF_INET ? 4 : 16);
  node.udp_port = node.tcp_port = srv->port;
  rc = ares_set_servers_ports(*ch, &node);
  if (rc != ARES_SUCCESS)
    ares_destroy(*ch);
  return rc;
}

/* Waits on c-ares' sockets until the reply, the deadline or a stop. False
 * with a sentence if the wait itself failed. */
static bool wait_reply(ares_channel ch, struct exchange *x, int64_t deadline_us,
                       volatile LONG *stop)
{
  while (!x->replied && !InterlockedCompareExchange(stop, 0, 0)) {
    int64_t left = deadline_us - sw_clock_now_us();
    if (left <= 0)
      return true;
    if (left > SW_DNS_STOP_POLL_MS * 1000)
      left = SW_DNS_STOP_POLL_MS * 1000;
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    int n = ares_fds(ch, &r, &w);
    if (n == 0)
      return true; /* nothing in flight: c-ares has given its verdict */
    struct timeval max = {(long)(left / 1000000), (long)(left % 1000000)}, tv;
    struct timeval *t = ares_timeout(ch, &max, &tv);
    if (select(n, &r, &w, NULL, t) == SOCKET_ERROR) {
      sw_win_error_sentence(x->error, x->size, (unsigned long)WSAGetLastError(),
                            "waiting for %s failed", x->srv->text);
      return false;
    }
    ares_process(ch, &r, &w);
  }
  return true;
}

enum sw_engine_dns_status sw_dns_exchange(const struct sw_dns_query *q,
                                          const struct sw_dns_server *srv,
                                          int64_t deadline_us, volatile LONG *stop,
                                          struct sw_dns_answer *a, char *error,
                                          size_t size)
{
  int64_t start = sw_clock_now_us();
  struct exchange x = {q, srv, a, false, SW_ENGINE_DNS_FAILED, error, size};
  error[0] = '\0';
  if (deadline_us <= start) { /* its time ran out before it could start */
    snprintf(error, size, "no time was left to ask %s for %s %s", srv->text,
             sw_dns_type_name(q->type), q->name);
    return SW_ENGINE_DNS_TIMEOUT;
  }
  InitOnceExecuteOnce(&cares_once, cares_init, NULL, NULL);
  ares_channel ch;
  int rc = cares_init_status != ARES_SUCCESS
               ? cares_init_status
               : open_channel(&ch, srv, (deadline_us - start) / 1000);
  if (rc != ARES_SUCCESS) {
    snprintf(error, size, "could not prepare to ask %s (c-ares: %s)", srv->text,
             ares_strerror(rc));
    return SW_ENGINE_DNS_FAILED;
  }
  ares_send(ch, q->bytes, (int)q->len, on_reply, &x);
  bool waited = wait_reply(ch, &x, deadline_us, stop);
  ares_destroy(ch); /* an unanswered query's callback says EDESTRUCTION: ignored */
  if (!waited)
    return SW_ENGINE_DNS_FAILED;
  if (!x.replied && InterlockedCompareExchange(stop, 0, 0)) {
    snprintf(error, size, "the query to %s for %s %s was given up", srv->text,
             sw_dns_type_name(q->type), q->name);
    return SW_ENGINE_DNS_CANCELLED;
  }
  if (!x.replied || x.status == SW_ENGINE_DNS_TIMEOUT) {
    snprintf(error, size, "no answer from %s for %s %s within %lld ms", srv->text,
             sw_dns_type_name(q->type), q->name,
             (long long)((deadline_us - start) / 1000));
    return SW_ENGINE_DNS_TIMEOUT;
  }
  return x.status;
}
