/* One HTTPS GET made by the engine itself, for the MTA-STS policy of a
 * domain (RFC 8461 3.3: https://mta-sts.DOMAIN/.well-known/mta-sts.txt),
 * on the loop like a check and never blocking it:
 *
 *  1. the host name is resolved through the engine's own DNS queries
 *     (engine_dns.h: A and AAAA at once, of the given DNS server or, with
 *     none, of the system's DNS servers), so that a domain check and its
 *     tests see the same DNS as the rest of the domain check, and never
 *     the machine's hosts file;
 *  2. it connects to each address in turn, AAAA first, each with a fair
 *     share of the time left (ConnectEx on the engine's port);
 *  3. TLS through Schannel with SNI, the certificate validated for the host
 *     name exactly as an SMTP check's is (cert_check.h, off the loop on the
 *     thread pool); any verdict but OK or CHAIN_INCOMPLETE (a good chain the
 *     machine had to complete) ends the fetch before the request is sent;
 *  4. one "GET path HTTP/1.1" with Host, "Connection: close" and no
 *     cookies, credentials or compression; the answer read by
 *     http_reader.h;
 *  5. only 200 is accepted: a redirect (3xx) is reported with its Location
 *     and never followed (RFC 8461 3.3: "MUST NOT follow HTTP redirects"),
 *     any other status is reported; with spec.content_type the media type
 *     must be that one; the body may be at most spec.body_max octets.
 * One time budget covers all of it. No proxy is used (a sender fetches
 * from the policy host directly), no cache is kept. */
#ifndef SW_ENGINE_HTTPS_H
#define SW_ENGINE_HTTPS_H

#include <stddef.h>
#include <stdint.h>

#include "check_result.h" /* struct sw_tls_info, enum sw_outcome */
#include "engine.h"
#include "sw_error.h"

#define SW_HTTPS_GET_DEFAULT_TIMEOUT_MS 10000
#define SW_HTTPS_GET_BODY_MAX (64u * 1024u) /* also the default */
#define SW_HTTPS_GET_DETAIL_MAX 400

/* What to fetch. The engine copies the strings. */
struct sw_https_get_spec {
  const char *host; /* a DNS name ("mta-sts.example.com"), not a literal */
  const char *path; /* "/.well-known/mta-sts.txt": starts with '/', no spaces */
  /* "192.0.2.53", "[2001:db8::53]:5353", ... (engine_dns.h); NULL or "":
   * the system's DNS servers. */
  const char *dns_server;
  /* 0: 443. Another port is for tests (a policy server on a free loopback
   * port) and split-horizon setups; the Host header then names it. */
  uint16_t port;
  uint32_t timeout_ms;      /* the whole fetch; 0: SW_HTTPS_GET_DEFAULT_TIMEOUT_MS */
  const char *content_type; /* the media type required ("text/plain"); NULL: any */
  size_t body_max;          /* 0 or over SW_HTTPS_GET_BODY_MAX: that */
};

/* The spec of the MTA-STS policy fetch of `domain` (RFC 8461 3.3): host
 * "mta-sts.DOMAIN" written into host[size], the well-known path, text/plain,
 * 64 KiB; dns_server, port and timeout_ms as given. False, with a sentence
 * in why[size], if the host name does not fit. */
bool sw_https_get_spec_mta_sts(struct sw_https_get_spec *spec, const char *domain,
                               char *host, size_t size, char *why, size_t why_size);

/* X(ENUM, machine name): how a fetch ended. */
#define SW_HTTPS_OUTCOME_MAP(X)                                                          \
  X(SW_HTTPS_OK, "ok")                            /* 200, the type and size as asked */  \
  X(SW_HTTPS_RESOLVE_FAILED, "resolve_failed")    /* no address for the host */          \
  X(SW_HTTPS_CONNECT_FAILED, "connect_failed")    /* no address accepted a connection */ \
  X(SW_HTTPS_TLS_FAILED, "tls_failed")            /* the handshake failed */             \
  X(SW_HTTPS_CERT_REFUSED, "certificate_refused") /* see cert_outcome */                 \
  X(SW_HTTPS_REDIRECT, "redirect")                /* 3xx: not followed (see location) */ \
  X(SW_HTTPS_HTTP_STATUS, "http_status")          /* any other status but 200 */         \
  X(SW_HTTPS_WRONG_TYPE, "wrong_content_type")    /* 200, but not spec.content_type */   \
  X(SW_HTTPS_TOO_BIG, "too_big")                  /* the body is over spec.body_max */   \
  X(SW_HTTPS_BAD_RESPONSE, "bad_response")        /* not an HTTP/1.x response, or cut */ \
  X(SW_HTTPS_TIMEOUT, "timeout")                  /* the budget ran out */               \
  X(SW_HTTPS_CANCELLED, "cancelled")              /* the engine was stopped */           \
  X(SW_HTTPS_INTERNAL_ERROR, "internal_error")    /* out of memory, a system failure */

enum sw_https_outcome { SW_HTTPS_OUTCOME_MAP(SW_X_1) SW_HTTPS_OUTCOME_COUNT };

/* "ok", "redirect", ...; "unknown" for no such outcome. */
const char *sw_https_outcome_name(enum sw_https_outcome o);

/* A fetch's end, valid during the callback only. */
struct sw_https_get_result {
  enum sw_https_outcome outcome;
  int http_status; /* 0 if no status line was read */
  /* As the server sent them (the reader refuses control characters; other
   * octets are the server's, not necessarily UTF-8); "" if none. */
  const char *content_type;
  const char *location; /* a 3xx's Location (not followed) */
  /* SW_HTTPS_OK: the body (NUL-terminated after body_len octets, which
   * may themselves hold a NUL); NULL and 0 otherwise. */
  const char *body;
  size_t body_len;
  /* What went wrong, for a user, naming the host, address and step
   * ("https://mta-sts.example.com/.well-known/mta-sts.txt answered 301
   * (to https://...); redirects are not followed (RFC 8461 3.3)"); "" on
   * SW_HTTPS_OK. */
  const char *detail;
  const char *url;  /* "https://host[:port]/path" */
  const char *peer; /* the address connected to, "127.0.0.1:8443"; "" if none */
  /* What TLS negotiated and the server's certificate (tls->used once the
   * handshake completed); tls->verified when the chain and name were
   * validated and found good. */
  const struct sw_tls_info *tls;
  /* The validation's verdict: SW_OUTCOME_OK, _CERT_CHAIN_INCOMPLETE (good,
   * but this machine completed the chain), or the _CERT_* failure of
   * SW_HTTPS_CERT_REFUSED; SW_OUTCOME_INTERNAL_ERROR when no certificate
   * was judged. */
  enum sw_outcome cert_outcome;
  uint32_t elapsed_ms;
};

/* Runs once per fetch on the loop thread (from sw_engine_run, _run_once
 * or, cancelled, sw_engine_stop's turn or sw_engine_destroy). */
typedef void (*sw_https_get_fn)(void *ctx, const struct sw_https_get_result *r);

/* Starts a fetch; `done(ctx, result)` will run exactly once.
 * SW_E_INVALID_ARGUMENT (with a sentence in why[size]) for a host, path or
 * DNS server that cannot be used, SW_E_NOMEM; then `done` never runs. Loop
 * thread. sw_engine_run(SW_RUN_UNTIL_IDLE) returns only once every
 * fetch's callback has run, as it does for checks and DNS queries; a
 * stopped or destroyed engine ends them with SW_HTTPS_CANCELLED. */
enum sw_error sw_engine_https_get(struct sw_engine *e,
                                  const struct sw_https_get_spec *spec,
                                  sw_https_get_fn done, void *ctx, char *why,
                                  size_t size);

#endif
