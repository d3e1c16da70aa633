/* The IOCP check engine: runs many SMTP checks at once on the calling
 * thread (libuv's src/win model). Every socket operation is a request that
 * embeds its OVERLAPPED; completions are drained in batches with
 * GetQueuedCompletionStatusEx; deadlines come from a timer heap and cancel
 * with CancelIoEx. Name resolution (on a private pool of at most
 * SW_DNS_LOOKUPS_MAX threads, engine_resolve.h), certificate chain
 * validation (which may fetch from the network; on the system thread pool)
 * and XOAUTH2's token requests (engine_oauth.c, on that pool too) post
 * their answer back to the port, so the loop never blocks. TLS (Schannel) runs in
 * the loop: the engine pushes ciphertext through each check's TLS session
 * and plaintext to its dialogue. */
#ifndef SW_ENGINE_H
#define SW_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_extras.h"
#include "check_result.h"
#include "oauth_token.h" /* struct sw_oauth_client */
#include "rule.h"
#include "smtp_dialogue.h" /* struct sw_dialogue_auth, _mail */
#include "sw_error.h"
#include "timer_heap.h"

struct sw_engine;

/* What to check. The engine copies the strings, but for `auth` and `mail`. */
struct sw_check_spec {
  const char *host; /* DNS name, IPv4 or IPv6 literal (brackets optional) */
  uint16_t port;
  const char *command;   /* NULL/"" for none */
  const char *expect;    /* NULL/"" for "2xx/3xx" */
  const char *ehlo_name; /* NULL/"" for the machine's FQDN, else an address literal */
  uint32_t timeout_ms;
  /* TLS (zero: plain SMTP). The certificate is validated against `host`
   * unless tls_insecure; its expiry is judged by the day thresholds
   * (0: never WARNING / CRITICAL for being close). */
  enum sw_tls_mode tls_mode;
  bool tls_insecure;
  int cert_warn_days, cert_crit_days;
  /* Past the handshake (smtp_dialogue.h; all zero: the check as always):
   * AUTH, and a mail envelope with or without a message, for sending a
   * mail. Borrowed, not copied (credentials go nowhere else, a message may
   * be large): they must stay valid until the check's callback has run. */
  struct sw_dialogue_auth auth;
  struct sw_dialogue_mail mail;
  /* Addresses (zero: the first address of either family that accepts a
   * connection, in the resolver's order, as always). ip_family asks the
   * resolver for that family only; a literal of the other family is
   * resolve_failed. all_addresses checks every address the resolver gives
   * at once, each with its own dialogue, within the one timeout; the worst
   * decides (address_results.h) and the result lists them all.
   * check_ptr then looks up each answering address's reverse name, which
   * must resolve back to it and be the greeting's name (reverse_dns.h),
   * else banner_mismatch replaces an OK verdict. */
  enum sw_ip_family ip_family;
  bool all_addresses;
  bool check_ptr;
  /* AUTH XOAUTH2 (auth.mech) with a token from this application's token
   * endpoint (client credentials, oauth_token.h) instead of auth.password:
   * taken from the process's cache, or fetched off the loop when the
   * dialogue asks for it, within the check's time budget. A fetch that
   * fails ends the check with SW_OUTCOME_OAUTH_TOKEN_FAILED. Borrowed like
   * `auth`; NULL: none. */
  const struct sw_oauth_client *oauth;
  /* For DANE (issue 18; both false: the check as always). want_chain keeps
   * the certificates the server presented in result->chain (DER, the
   * server's own first, then its issuers as they link, bounded:
   * cert_chain.h); NULL when not asked, or without TLS or a certificate.
   * tls_trust_advisory validates the chain and host name as always and
   * keeps the verdict in result->cert_outcome and ->cert_detail, but a
   * verdict of CERT_UNTRUSTED or CERT_NAME_MISMATCH does not end the
   * check: it goes on through TLS as a tls_insecure check would (its
   * tls.verified false, the certificate's dates still judged by the
   * dialogue), so that a DANE-EE host (RFC 7672 3.1.1: no public CA, no
   * name check) can be judged by its TLSA records instead. */
  bool want_chain;
  bool tls_trust_advisory;
  /* The name for SNI and the certificate (NULL/"": host): a domain check
   * connects to an MX host's address literal and validates its name. */
  const char *tls_name;
  /* A mail domain instead of host (issue 18, engine_domain.c): its MX
   * hosts (or its own A/AAAA without MX) on every address, each checked
   * like this spec with the address as host and the MX name as tls_name
   * (STARTTLS at least), within the one timeout; the worst decides with
   * min_ok (0: all), and the result's `domain` holds the matrix.
   * dns_server asks that server for MX, A, AAAA, TXT and TLSA (NULL/"":
   * the system's); mta_sts judges the MX hosts by the domain's policy;
   * dane matches each MX host's TLSA records. */
  const char *domain;
  const char *dns_server;
  uint32_t min_ok;
  bool mta_sts;
  bool dane;
  /* The port of https://mta-sts.DOMAIN/ (0: 443): for tests and split
   * horizons, as sw_https_get_spec.port. */
  uint16_t mta_sts_port;
};

/* The spec of a check of `rule` (strings borrowed from it and from `x`,
 * which holds its AUTH and envelope; NULL: a check without them): the one
 * place that maps a rule's fields to what the engine does. */
struct sw_check_spec sw_check_spec_of(const struct sw_rule *rule,
                                      const struct sw_check_extras *x);

/* Called on the loop thread when a check ends. `result` belongs to the
 * engine and is valid during the call only; move what you keep out of it
 * (sw_check_result_move). Checks pending when the engine is destroyed or
 * stopped end with SW_OUTCOME_CANCELLED. */
typedef void (*sw_check_done_fn)(void *ctx, struct sw_check_result *result);

enum sw_run_mode {
  SW_RUN_UNTIL_IDLE,   /* return when no check is left */
  SW_RUN_UNTIL_STOPPED /* return after sw_engine_stop */
};

/* Creates an engine with its completion port. Returns SW_E_SYSTEM (with
 * the Win32 code in *win_error, if not NULL) when Winsock or the port
 * cannot be set up. */
enum sw_error sw_engine_create(struct sw_engine **out, unsigned long *win_error);
/* Cancels pending checks (their callbacks run with SW_OUTCOME_CANCELLED),
 * waits for every outstanding socket completion and at most
 * SW_DNS_STOP_WAIT_MS for DNS lookups and certificate validations that
 * still run, then frees everything. Lookups and validations still running
 * after that are abandoned: their threads end on their own and free what
 * they hold (docs/architecture.md). Must not be called from inside
 * sw_engine_run. */
void sw_engine_destroy(struct sw_engine *e);
/* The longest sw_engine_destroy goes without calling its progress hook
 * while it waits for threads (ms). */
#define SW_ENGINE_STOP_TICK_MS 250
/* `fn(ctx)` is called at least every SW_ENGINE_STOP_TICK_MS while
 * sw_engine_destroy waits for lookups and validations (the service's SCM
 * checkpoints); NULL: nobody. On the thread that destroys the engine. */
void sw_engine_set_stop_progress(struct sw_engine *e, void (*fn)(void *ctx), void *ctx);
/* Starts a check; the callback will run exactly once, from sw_engine_run
 * (or sw_engine_destroy). Loop thread only. */
enum sw_error sw_engine_submit(struct sw_engine *e, const struct sw_check_spec *spec,
                               sw_check_done_fn done, void *ctx);
/* Runs the loop on the calling thread. */
enum sw_error sw_engine_run(struct sw_engine *e, enum sw_run_mode mode);
/* Runs one turn of the loop for a host that owns the loop (the service's
 * scheduler): waits at most max_wait_ms, less if a check's deadline comes
 * first, and handles what completed. Returns false once sw_engine_stop was
 * called (pending checks are then cancelled), true otherwise. Loop thread. */
bool sw_engine_run_once(struct sw_engine *e, uint32_t max_wait_ms);
/* Asks a running loop to return; pending checks are cancelled. Any thread. */
void sw_engine_stop(struct sw_engine *e);
/* Checks submitted and not yet finished. */
size_t sw_engine_pending(const struct sw_engine *e);

/* A timer on the loop, for work made of several checks in a row (the
 * round trip's polls, engine_round_trip.h). While armed it keeps
 * sw_engine_run(SW_RUN_UNTIL_IDLE) running. `fn` runs once on the loop
 * thread: when `due` (sw_clock_now_us) comes, or with cancelled true when
 * the engine stops or is destroyed first. */
struct sw_engine_timer {
  struct sw_timer t;
  void (*fn)(struct sw_engine_timer *t, bool cancelled);
};
/* Arms `t` (which must stay alive until fn ran or it is disarmed).
 * SW_E_NOMEM if the heap cannot grow. Loop thread. */
enum sw_error sw_engine_timer_arm(struct sw_engine *e, struct sw_engine_timer *t,
                                  int64_t due);
void sw_engine_timer_disarm(struct sw_engine *e, struct sw_engine_timer *t);

#endif
