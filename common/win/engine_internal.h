/* Internals shared by engine.c (loop, lifecycle, timers), engine_socket.c
 * (one check's socket operations), engine_resolve.c (name resolution) and
 * engine_tls.c (TLS sessions and certificate checks). Nothing here is used
 * outside common/win. */
#ifndef SW_ENGINE_INTERNAL_H
#define SW_ENGINE_INTERNAL_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <windows.h>

#include <stdbool.h>

#include "cert_cache.h"
#include "engine.h"
#include "engine_req.h"
#include "engine_resolve.h"
#include "engine_sockopt.h"
#include "engine_verify.h"
#include "engine_oauth.h"
#include "engine_wait.h"
#include "oauth_token.h"
#include "smtp_dialogue.h"
#include "sw_list.h"
#include "sw_macros.h"
#include "timer_heap.h"
#include "tls_schannel.h"

#define SW_MAX_ADDRESSES 16
#define SW_READ_BUFFER 4096

/* How a check validates the server's certificate (sw__check_alloc). */
struct sw_check_tls_opts {
  bool insecure; /* the rule skips chain and name validation */
  /* DANE (the spec's want_chain, tls_trust_advisory): keep the chain the
   * server presented; an untrusted chain or a name mismatch does not end
   * the check. */
  bool want_chain, trust_advisory;
};

/* A TLS check's own state (engine_tls.c), allocated at submit for TLS
 * checks only. The session exists from the dialogue's request for a
 * handshake on. While `verifying`, the certificate is being validated on
 * the thread pool (by its own job, or another check's it waits for) and
 * decrypted bytes wait in the session. */
struct sw_check_tls {
  struct sw_check *check; /* the check this belongs to */
  struct sw_check_tls_opts opts;
  struct sw_tls *session;
  struct sw_buf wire; /* ciphertext being sent (the WSASend points into it) */
  bool verifying, reported;
  PCCERT_CONTEXT peer_cert;
  struct sw_tls_info info;
  struct sw_verify_job *job;              /* the validation this check started */
  struct sw_cert_cache_entry *waiting_on; /* another check's validation it waits for */
  struct sw_list_node waiting;            /* in that entry's list of checks waiting */
  /* DANE (opts.want_chain): the chain the server presented, and the
   * validation's own verdict, until they move into the check's result
   * (sw__check_tls_result). */
  struct sw_cert_chain *chain;
  bool cert_judged;
  enum sw_outcome cert_outcome;
  char cert_detail[SW_DETAIL_MAX];
};

/* Where a check stands. It talks SMTP (DIALOGUE), or, for a check of every
 * address, waits for its sub-checks (ADDRESSES); with check_ptr it then
 * waits for the reverse lookup of the address that answered (PTR); once
 * it has its result (RESULT) the result is delivered, to the callback or,
 * for a sub-check, to its parent (DONE); then the struct waits for its
 * pending completions to drain (the endgame). */
enum sw_check_stage {
  SW_STAGE_DIALOGUE,
  SW_STAGE_ADDRESSES,
  SW_STAGE_PTR,
  SW_STAGE_RESULT,
  SW_STAGE_DONE
};

/* A check of every address (engine_addresses.c): one sub-check per
 * address, each a struct sw_check with its own dialogue and the parent's
 * deadline. The parent is freed only after every sub-check struct is. */
struct sw_check_group {
  struct sw_list_node children; /* sub-checks not yet freed (sw_check.link) */
  int running;                  /* sub-checks whose result has not come */
  int alive;                    /* sub-check structs not yet freed */
  /* While the parent itself walks its sub-checks (starting or cancelling
   * them), it neither delivers nor is freed. */
  bool busy;
  size_t n;
  struct sw_check_result results[]; /* by address, in the resolver's order */
};

struct sw_check {
  struct sw_engine *engine;
  struct sw_list_node link; /* in the engine's list of structs not yet freed */
  struct sw_dialogue dlg;
  struct sw_dialogue_config cfg;
  sw_check_done_fn done;
  void *ctx;
  char *host, *command, *expect, *ehlo_name; /* one allocation, `strings` */
  char *tls_name; /* SNI and the certificate's name: host, or the spec's
                     tls_name (a domain check's MX name), in `strings` */
  char *strings;
  uint16_t port;

  struct sockaddr_storage addrs[SW_MAX_ADDRESSES];
  int naddrs, next_addr;
  struct sw_lookup *lookup; /* the name lookup this check waits for, if any */

  SOCKET sock;
  struct sw_req connect_req, read_req, write_req;
  int pending; /* overlapped operations in flight (not lookups or validations) */
  bool reading, writing;
  struct sw_timer timer;
  int64_t attempt_due; /* when the current connect attempt gives way */
  char rbuf[SW_READ_BUFFER];
  char wbuf[SW_DIALOGUE_SEND_MAX]; /* bytes being sent, copied from the dialogue */
  char *wbase;                     /* what is being sent: wbuf or tls->wire.data */
  size_t wlen, woff;
  unsigned long last_error; /* raw Win32/WSA code, for the detail text */
  /* What the network answered when the last connect attempt failed, if
   * Windows says an ICMP error ended it (engine_sockopt.h); "" if not. */
  char icmp_text[160];
  bool icmp_rejected; /* that answer means a refusal */

  struct sw_check_tls *tls; /* NULL for a plain check */

  enum sw_check_stage stage;
  struct sw_check_result result; /* from the end of the dialogue on */
  enum sw_ip_family ip_family;
  bool all_addresses, check_ptr;
  bool cancelled;               /* the engine stopped it: nothing more is looked up */
  struct sw_check_group *group; /* a parent's sub-checks, once started */
  struct sw_check *parent;      /* a sub-check's parent; NULL otherwise */
  size_t index;                 /* a sub-check's slot in parent->group->results */
  /* XOAUTH2 with a fetched token (engine_oauth.c): the spec's client
   * (borrowed until the callback has run), the fetch under way, and the
   * token the dialogue was given (owned, wiped when freed). */
  const struct sw_oauth_client *oauth;
  struct sw_oauth_job *oauth_job;
  char *oauth_token;
  /* A round trip's mailbox connection (engine_mailbox.c) talks IMAP or
   * POP3 through this session instead of the dialogue (engine_peer.c);
   * its result goes to mbx_out, borrowed until the callback has run.
   * NULL for an SMTP check. */
  struct sw_mailbox *mbx;
  struct sw_mailbox_result *mbx_out;
};

/* A job that takes one of the engine's DNS slots while it runs on the
 * private pool: a name lookup (engine_resolve.c) or a DNS query
 * (engine_dns.c). Embedded in the job's record, and the record's
 * reference count: the loop's, and the worker's while its callback runs;
 * the last one to let go frees the record (sw__dns_slot_release). */
struct sw_dns_slot;
struct sw_dns_slot_ops {
  /* Runs on a pool thread with the slot as its context; posts the answer
   * packet through slot->shared, then drops the worker's reference. */
  PTP_SIMPLE_CALLBACK work;
  /* Frees the record that embeds the slot (any thread; the slot's shared
   * state is released after it). */
  void (*free)(struct sw_dns_slot *s);
  /* The pool refused to run it (`win_error`; the slot is off every list
   * and holds only the loop's reference): whoever waits for it hears so.
   * `caller`: the job whose start is on the stack. Loop thread. */
  void (*refused)(struct sw_dns_slot *s, unsigned long win_error, bool caller);
};
struct sw_dns_slot {
  volatile LONG refs;
  struct sw_dns_shared *shared; /* how the worker reaches the port */
  const struct sw_dns_slot_ops *ops;
  struct sw_list_node link; /* in the queue or the running list */
  bool queued;
};

/* The engine's DNS work (engine_resolve.c; loop thread only): name
 * lookups and DNS queries are queued until one of `limit` slots is free,
 * then run on the private pool until their answer packet comes back. */
struct sw_dns {
  struct sw_dns_shared *shared; /* what the DNS threads share with the loop */
  PTP_POOL pool;
  TP_CALLBACK_ENVIRON env;
  struct sw_list_node queue;   /* lookups waiting for a slot, FIFO */
  struct sw_list_node running; /* handed to the pool, answer not back yet */
  int limit, nrunning;
  sw_engine_resolver_fn fn;
  void *fn_ctx;
  /* DNS queries (engine_dns.c) whose callback has not run, and their
   * deadlines. */
  struct sw_list_node jobs;
  struct sw_timer_heap timers;
};

struct sw_engine {
  HANDLE port;
  struct sw_timer_heap timers;
  struct sw_list_node checks; /* every struct not yet freed (sw_check.link) */
  size_t live;                /* checks whose callback has not run */
  size_t structs;             /* checks not yet freed (live or draining) */
  volatile LONG stop_requested;
  bool running;
  LPFN_CONNECTEX connectex;
  char fqdn[256]; /* "" when the machine has no DNS domain */
  struct sw_req wake_req;
  struct sw_tls_cred *tls_cred;       /* acquired for the first TLS check */
  struct sw_list_node verify_running; /* validations handed to the pool */
  sw_engine_validator_fn validator;
  void *validator_ctx;
  void (*stop_progress)(void *ctx); /* sw_engine_set_stop_progress */
  void *stop_progress_ctx;
  struct sw_cert_cache cert_cache; /* chain verdicts (common/smtp/cert_cache.h) */
  struct sw_dns dns;
  struct sw_sockopt_calls sockopt;   /* Winsock, or a test's (engine_sockopt.h) */
  struct sw_engine_wait wait;        /* how the loop waits (engine_wait.h) */
  struct sw_list_node oauth_running; /* token fetches handed to the pool */
  sw_engine_token_fn token_fn;       /* sw_engine_set_token_fetcher; NULL: the real one */
  void *token_ctx;
  /* HTTPS GETs (engine_https.c): every fetch not yet freed, and how many
   * of them wait for their callback. */
  struct sw_list_node https_gets;
  size_t https_live;
  /* sw_engine_timer_arm: the round trip's waits, the HTTPS GETs'
   * deadlines. */
  struct sw_timer_heap job_timers;
};

/* engine_socket.c */
/* "192.0.2.1:25" or "[2001:db8::1]:25" into out; also the address literal
 * for EHLO ("[192.0.2.1]", "[IPv6:2001:db8::1]") into literal if given. */
void sw__format_address(const struct sockaddr *sa, char *out, size_t size, char *literal,
                        size_t literal_size);
/* The length of `a` (AF_INET or AF_INET6) for Winsock calls. */
int sw__sockaddr_len(const struct sockaddr_storage *a);
/* A TCP socket for `family`, overlapped, bound to any address (ConnectEx
 * needs that) and associated with the engine's port, into *out; 0 or the
 * WSA/Win32 error (*out INVALID_SOCKET). */
unsigned long sw__engine_socket_open(struct sw_engine *e, int family, SOCKET *out);
/* Begins connecting to the next address; on running out of addresses the
 * check fails with the last error. */
void sw__check_connect_next(struct sw_check *c);
/* Handles one completion of `c`'s socket requests: `error` is 0 or the
 * Winsock/Win32 code of the failed operation (engine.c reads it). */
void sw__check_on_io(struct sw_check *c, struct sw_req *req, DWORD bytes, DWORD error);
/* Called when the check's timer fires. */
void sw__check_on_timer(struct sw_check *c, int64_t now);
/* Closes the socket (cancelling its I/O); completions still arrive. */
void sw__check_close_socket(struct sw_check *c);

/* engine_peer.c: what the check's socket talks to, the SMTP dialogue or a
 * mailbox session (c->mbx); each as its sw_dialogue_* namesake. */
bool sw__peer_done(const struct sw_check *c);
int64_t sw__peer_deadline(const struct sw_check *c);
void sw__peer_fail(struct sw_check *c, enum sw_outcome outcome, const char *detail,
                   int64_t now);
void sw__peer_connected(struct sw_check *c, const char *peer, const char *ehlo,
                        int64_t now);
const char *sw__peer_output(const struct sw_check *c, size_t *len);
void sw__peer_sent(struct sw_check *c, size_t n);
void sw__peer_receive(struct sw_check *c, const char *data, size_t len, int64_t now);
void sw__peer_eof(struct sw_check *c, int64_t now);
/* The deadline came: true if that ended the exchange (a mailbox session
 * that only ends an IDLE wait goes on). */
bool sw__peer_timeout(struct sw_check *c, int64_t now);
bool sw__peer_wants_tls(const struct sw_check *c);
void sw__peer_tls_handshake_done(struct sw_check *c, int64_t now);
void sw__peer_tls_ready(struct sw_check *c, struct sw_tls_info *info,
                        enum sw_outcome trust, const char *detail, int64_t wall_s,
                        int64_t now);
void sw__peer_tls_failed(struct sw_check *c, const char *detail, int64_t now);
/* The exchange is over: its result into c->result (and a mailbox
 * session's into c->mbx_out). */
void sw__peer_take_result(struct sw_check *c);
void sw__peer_free(struct sw_check *c);

/* engine_addresses.c */
/* Starts one sub-check per resolved address of parent `c` (all_addresses),
 * or fails the check if they cannot be made; the caller settles `c`. */
void sw__check_start_addresses(struct sw_check *c);
/* Cancels the sub-checks still running; each reports to its parent. */
void sw__check_cancel_addresses(struct sw_check *c);
/* Whether the parent has every sub-check's result (then it merges them
 * into c->result) . */
bool sw__check_addresses_done(struct sw_check *c);
/* A sub-check's result goes to its parent's slot. */
void sw__check_report_to_parent(struct sw_check *c);

/* engine_domain.c */
/* Starts a mail domain's check (spec->domain, engine.h); `done` runs once,
 * from the loop, with the matrix in result->domain. SW_E_NOMEM, or
 * SW_E_INVALID_ARGUMENT for a domain that cannot be asked; then `done`
 * never runs. Loop thread. */
enum sw_error sw__domain_submit(struct sw_engine *e, const struct sw_check_spec *spec,
                                sw_check_done_fn done, void *ctx);

/* engine_ptr.c */
/* Starts the reverse lookup of the address that answered (check_ptr);
 * false when there is none to do (no address answered, or no time left:
 * then the result is already judged). */
bool sw__check_ptr_start(struct sw_check *c);
/* The reverse lookup answered: `error` 0 and `name` (UTF-8) with the
 * addresses it resolves to, or the WSA error of the reverse lookup
 * (name NULL) or of the forward one. Judges c->result. */
void sw__check_ptr_answer(struct sw_check *c, int error, const char *name,
                          const struct sockaddr_storage *addrs, int naddrs);
/* The check's time ran out (or the engine stopped: cancelled) while the
 * reverse lookup ran: it is let go, and the result judged as unanswered or
 * marked cancelled. */
void sw__check_ptr_give_up(struct sw_check *c, bool cancelled);

/* engine_resolve.c */
/* Sets up the engine's DNS pool and shared state. SW_E_SYSTEM (code in
 * *win_error) or SW_E_NOMEM on failure, with nothing left to free. */
enum sw_error sw__engine_dns_init(struct sw_engine *e, unsigned long *win_error);
/* Resolves `c->host`: literals at once; names queue for a DNS slot, and the
 * answer arrives as an SW_REQ_RESOLVED completion. May end the check (the
 * caller settles it). */
void sw__check_resolve(struct sw_check *c);
/* The check has ended: it lets go of its lookup. A queued lookup is dropped
 * without running; a running one's answer will be discarded. */
void sw__check_resolve_abandon(struct sw_check *c);
/* Queues the reverse lookup of c->addrs[c->next_addr - 1] on the DNS pool
 * (the same queue and limit as names): its name, and that name's
 * addresses. The answer goes to sw__check_ptr_answer; false (nothing
 * queued) if memory ran out. */
bool sw__check_resolve_reverse(struct sw_check *c);
/* Handles an SW_REQ_RESOLVED packet: gives the answer to its check, if that
 * still waits, and starts the next queued lookup. */
void sw__engine_on_lookup(struct sw_engine *e, struct sw_req *req);
/* The port as threads that may outlive the engine see it (lookups and
 * certificate validations): a reference for such a thread, a post that is
 * dropped once the engine has closed it (sw__engine_dns_close), and the
 * release that frees it with the last reference. Any thread, but
 * sw__engine_shared_ref only on the loop thread. */
struct sw_dns_shared *sw__engine_shared_ref(struct sw_engine *e);
void sw__engine_shared_post(struct sw_dns_shared *s, OVERLAPPED *ov);
void sw__engine_shared_release(struct sw_dns_shared *s);
/* Whether lookups handed to the DNS threads have not answered yet. */
bool sw__engine_dns_busy(const struct sw_engine *e);
/* The slots (loop thread): a job joins the FIFO queue and starts if a slot
 * is free (the pool may refuse it at once: ops->refused, caller true);
 * a queued job leaves the queue without running (true if it was queued:
 * then the caller drops the loop's reference); a job whose answer packet
 * came frees its slot, and the next queued job starts with
 * sw__engine_dns_pump. */
void sw__engine_dns_enqueue(struct sw_engine *e, struct sw_dns_slot *s);
/* A new job's slot, holding the loop's reference and one on the engine's
 * shared state (loop thread); a reference less, freeing the record with
 * the last (any thread). */
void sw__dns_slot_init(struct sw_engine *e, struct sw_dns_slot *s,
                       const struct sw_dns_slot_ops *ops);
void sw__dns_slot_release(struct sw_dns_slot *s);
bool sw__engine_dns_dequeue(struct sw_dns_slot *s);
void sw__engine_dns_answered(struct sw_engine *e, struct sw_dns_slot *s);
void sw__engine_dns_pump(struct sw_engine *e);

/* engine_dns.c */
/* The deadlines of DNS queries that are due by `now` end them with a
 * timeout. Loop thread. */
void sw__engine_dns_fire(struct sw_engine *e, int64_t now);
/* Every DNS query whose callback has not run ends as cancelled (the
 * engine stops); running ones are abandoned. Loop thread. */
void sw__engine_dns_cancel_queries(struct sw_engine *e);
/* From now on DNS threads post nothing to the port (it is about to close);
 * answers already posted are still in it. Call before draining the port
 * a last time, then sw__engine_dns_free. */
void sw__engine_dns_close(struct sw_engine *e);
/* Abandons the lookups that still run (their threads free them when they
 * return) and releases the pool and the engine's share of the DNS state. */
void sw__engine_dns_free(struct sw_engine *e);

/* engine_tls.c */
/* Whether the check's bytes go through TLS now (a session exists, or the
 * dialogue asks for one). */
bool sw__check_uses_tls(const struct sw_check *c);
/* Sends what is due over TLS: starts the session when the dialogue asks for
 * a handshake, encrypts the dialogue's output once the session is trusted,
 * and writes the ciphertext (one write in flight at a time). */
void sw__check_tls_flush(struct sw_check *c);
/* Ciphertext read from the socket: advances the handshake, starts the
 * certificate check when it completes, hands plaintext to the dialogue. */
void sw__check_tls_received(struct sw_check *c, const char *data, size_t len);
/* Handles a validation job's completion packet (SW_REQ_VERIFIED): the
 * verdict goes to its cache entry, its waiters and its check, if they are
 * still there. */
void sw__engine_on_verified(struct sw_engine *e, struct sw_req *req);
/* The check has ended: it lets go of the validation it started (which runs
 * on, for the cache and the other waiters) or leaves the list of those
 * waiting for another's. Nothing pending is left on it. */
void sw__check_verify_abandon(struct sw_check *c);
/* Whether validations handed to the pool have not answered yet. */
bool sw__engine_verify_busy(const struct sw_engine *e);
/* Lets go of the validations that still run (their threads free them when
 * they return); call after sw__engine_dns_close and the last drain. */
void sw__engine_verify_free(struct sw_engine *e);
/* The dialogue's result is the check's now: the presented chain (with
 * want_chain) and the validation's verdict move into `r`. */
void sw__check_tls_result(struct sw_check *c, struct sw_check_result *r);
/* The engine's Schannel credential, acquired on first use and shared by
 * every TLS session of the engine. SW_E_SYSTEM (SECURITY_STATUS in
 * *status) or SW_E_NOMEM if it cannot be had. Loop thread. */
enum sw_error sw__engine_tls_cred(struct sw_engine *e, unsigned long *status);
/* A validation for an owner other than a check (engine_https.c): as a
 * check's (the engine's validator, off the loop, its verdict posted back),
 * but uncached, and its verdict goes to fn(owner, verdict) on the loop
 * thread, unless the owner let go of it first (sw__verify_let_go). NULL
 * with the Win32 error in *win_error (0: out of memory) if it could not
 * start. */
typedef void (*sw__verify_owner_fn)(void *owner, const struct sw_cert_verdict *v);
struct sw_verify_job *sw__verify_start(struct sw_engine *e, PCCERT_CONTEXT cert,
                                       const char *host, const char *names,
                                       uint32_t timeout_ms, sw__verify_owner_fn fn,
                                       void *owner, unsigned long *win_error);
void sw__verify_let_go(struct sw_verify_job *j);
/* Frees the check's TLS state (session, certificate, buffers). */
void sw__check_tls_free(struct sw_check *c);
/* Frees the engine's TLS state (credential, validation cache); no check may
 * be left. */
void sw__engine_tls_free(struct sw_engine *e);
/* Starts a WSASend of the bytes c->wbase[c->woff..c->wlen) (engine_socket.c). */
void sw__check_send(struct sw_check *c);
/* Starts a read unless one is pending or the check is done. */
void sw__check_start_read(struct sw_check *c);

/* engine_oauth.c */
/* The dialogue asks for its XOAUTH2 token: from the cache at once, or
 * fetched on the pool (the answer comes back as a posted request). */
void sw__check_oauth_want(struct sw_check *c);
/* The check has ended with `r`: it lets go of its fetch (which runs on, for
 * the cache), and a token the server refused leaves the cache. */
void sw__check_oauth_settled(struct sw_check *c, const struct sw_check_result *r);
/* Wipes and frees the check's token. */
void sw__check_oauth_free(struct sw_check *c);
/* Whether token fetches handed to the pool have not answered yet. */
bool sw__engine_oauth_busy(const struct sw_engine *e);
/* Lets go of the fetches that still run (their threads free them when they
 * return); call after sw__engine_dns_close and the last drain. */
void sw__engine_oauth_free(struct sw_engine *e);

/* engine_socket.c */
/* Sends what the dialogue has to say (asking for its token first, if it
 * waits for one), through TLS when the check uses it. */
void sw__check_flush(struct sw_check *c);

/* engine_https.c */
/* Every fetch whose callback has not run ends as cancelled (the engine
 * stops); their structs drain later. Loop thread. */
void sw__engine_https_cancel(struct sw_engine *e);

/* engine.c */
/* A new check struct of engine `e` with its requests, timer and, if `tls`
 * is not NULL, TLS state with those options; NULL if memory ran out. Not
 * yet in any list. */
struct sw_check *sw__check_alloc(struct sw_engine *e,
                                 const struct sw_check_tls_opts *tls);
/* Frees a check from sw__check_alloc that was never launched. */
void sw__check_discard(struct sw_check *c);
/* Launches a new top-level check whose exchange (dialogue or mailbox
 * session) is set up: it joins the engine's checks with its callback, its
 * deadline is armed, and it resolves its host unless the exchange has
 * already ended (bad settings). */
void sw__check_launch(struct sw_check *c, sw_check_done_fn done, void *ctx);
/* Copies the spec's strings into one allocation owned by the check
 * (c->strings), the host without the brackets of "[2001:db8::1]". */
enum sw_error sw__check_copy_strings(struct sw_check *c,
                                     const struct sw_check_spec *spec);
/* Ends the check with SW_OUTCOME_CANCELLED wherever it stands (a check of
 * every address cancels its sub-checks); the caller settles it. */
void sw__check_cancel(struct sw_check *c, int64_t now);
/* Re-arms the check's timer for min(dialogue deadline, attempt_due). */
void sw__check_update_timer(struct sw_check *c);
/* Ends the check with `outcome` for a failed Win32 or Winsock call: the
 * detail says what could not be done (`what`, a printf format) and the
 * error's text (sw_win_error_sentence); the code is kept on the check for
 * the detail line. The one way the engine reports a system failure. */
void sw__check_fail_win(struct sw_check *c, enum sw_outcome outcome, unsigned long code,
                        const char *what, ...) __attribute__((format(printf, 4, 5)));
/* After any event: moves the check on once its dialogue is done (to its
 * sub-checks' results, its reverse lookup), delivers its result once it
 * has it, and frees the struct when nothing is pending any more
 * ("endgame"). May free `c`. */
void sw__check_settle(struct sw_check *c);

#endif
