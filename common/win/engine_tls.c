/* TLS for the engine's checks: one Schannel session per check, driven from
 * the loop like the socket itself (no thread per connection), and the
 * certificate validated on the system thread pool, since building a chain
 * may fetch intermediates, root updates or revocation data from the
 * network. Verdicts are cached per host and exact chain for a while, and
 * checks of the same server that arrive while one validation runs wait for
 * it instead of starting their own. The dialogue decides when TLS starts
 * and what a certificate verdict means; this file moves bytes and reports.
 *
 * A validation is a job apart from its check, as a name lookup is
 * (engine_resolve.c): it owns a duplicate of the certificate and copies of
 * the names, and a reference count (the loop's, the worker's). A check
 * that ends (timeout, stop) lets go of it at once; the job runs on and
 * its verdict still fills the cache for the others. So a stop never waits
 * for a chain engine blocked on a firewalled OCSP host: sw_engine_destroy
 * gives the jobs the same bounded wait as the lookups, then abandons them,
 * and each thread frees its own job when it returns. */
#include "engine_internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_check.h"
#include "clock.h"
#include "sw_macros.h"
#include "tls_peer_chain.h"

bool sw__check_uses_tls(const struct sw_check *c)
{
  return (c->tls && c->tls->session) || sw__peer_wants_tls(c);
}

/* The engine's Schannel credential, acquired for its first TLS check and
 * shared by all (a credential per check would cost a round of key material
 * and defeat Schannel's session cache). */
enum sw_error sw__engine_tls_cred(struct sw_engine *e, unsigned long *status)
{
  *status = 0;
  if (e->tls_cred)
    return SW_E_OK;
  return sw_tls_cred_acquire(&e->tls_cred, SW_TLS_CRED_AUTO, status);
}

static bool ensure_cred(struct sw_check *c)
{
  unsigned long status = 0;
  enum sw_error err = sw__engine_tls_cred(c->engine, &status);
  if (err == SW_E_NOMEM) {
    sw__peer_fail(c, SW_OUTCOME_INTERNAL_ERROR, "out of memory starting TLS",
                  sw_clock_now_us());
    return false;
  }
  if (err) {
    sw__check_fail_win(c, SW_OUTCOME_INTERNAL_ERROR, status,
                       "Schannel refused a TLS client credential");
    return false;
  }
  return true;
}

static bool start_session(struct sw_check *c)
{
  if (!ensure_cred(c))
    return false;
  unsigned long status = 0;
  enum sw_error err =
      sw_tls_create(&c->tls->session, c->engine->tls_cred, c->tls_name, &status);
  if (err == SW_E_SYSTEM) {
    /* Only ever called in the dialogue's TLS step (sw__check_tls_flush),
     * where this is what sw_dialogue_tls_failed ends it with. */
    sw__check_fail_win(c, SW_OUTCOME_TLS_HANDSHAKE_FAILED, status,
                       "Schannel could not begin the handshake");
    return false;
  }
  if (err) {
    char detail[SW_DETAIL_MAX];
    snprintf(detail, sizeof detail, "could not start TLS: %s", sw_error_text(err));
    sw__peer_fail(c, SW_OUTCOME_INTERNAL_ERROR, detail, sw_clock_now_us());
    return false;
  }
  return true;
}

/* Decrypted bytes go to the dialogue once it has been told the session is
 * up; before that they wait in the session. */
static void deliver(struct sw_check *c)
{
  if (!c->tls->reported || c->tls->verifying || sw__peer_done(c))
    return;
  size_t len;
  const char *p = sw_tls_plaintext(c->tls->session, &len);
  if (len) {
    sw__peer_receive(c, p, len, sw_clock_now_us());
    sw_tls_plaintext_taken(c->tls->session);
  }
  if (sw_tls_state(c->tls->session) == SW_TLS_CLOSED)
    sw__peer_eof(c, sw_clock_now_us()); /* close_notify: the end */
}

/* The session is up and the certificate judged: tell the dialogue. */
static void report(struct sw_check *c, enum sw_outcome trust, const char *detail)
{
  c->tls->reported = true;
  sw__peer_tls_ready(c, &c->tls->info, trust, detail, sw_clock_wall_us() / 1000000,
                     sw_clock_now_us());
  deliver(c);
}

/* ---- the validation cache (loop thread only; policy in cert_cache.c) ---- */

/* The cache key (sw_cert_cache_key_start): the host name and every
 * certificate the server sent, leaf first. NULL if memory ran out: the
 * chain is then validated uncached. */
static char *cache_key(struct sw_check *c, size_t *len)
{
  PCCERT_CONTEXT leaf = c->tls->peer_cert;
  struct sw_buf k;
  sw_buf_init(&k, 0);
  bool ok = sw_cert_cache_key_start(&k, c->tls_name) == SW_E_OK &&
            sw_buf_append(&k, leaf->pbCertEncoded, leaf->cbCertEncoded) == SW_E_OK;
  PCCERT_CONTEXT other = NULL;
  while (ok && (other = CertEnumCertificatesInStore(leaf->hCertStore, other)) != NULL)
    if (!CertCompareCertificate(X509_ASN_ENCODING, other->pCertInfo, leaf->pCertInfo))
      ok = sw_buf_append(&k, other->pbCertEncoded, other->cbCertEncoded) == SW_E_OK;
  if (other)
    CertFreeCertificateContext(other); /* the enumeration stopped early */
  if (!ok) {
    sw_buf_free(&k);
    return NULL;
  }
  *len = k.len;
  return sw_buf_take(&k);
}

/* ---- validation jobs -------------------------------------------------------- */

struct sw_verify_job {
  volatile LONG refs; /* the loop's (until its packet is handled) and the worker's */
  struct sw_dns_shared *shared;
  struct sw_req req; /* the answer packet (SW_REQ_VERIFIED, check NULL) */
  PCCERT_CONTEXT cert;
  char *names; /* the certificate's names for a mismatch; may be NULL */
  uint32_t timeout_ms;
  sw_engine_validator_fn fn;
  void *fn_ctx;
  /* Loop thread only. */
  struct sw_check *check;       /* NULL once the check has let go */
  sw__verify_owner_fn owner_fn; /* or another owner's (engine_https.c) */
  void *owner;
  struct sw_cert_cache_entry *entry; /* the verdict it fills, or NULL */
  struct sw_list_node link;          /* in the engine's running list */
  /* Written by the worker before it posts the packet. */
  struct sw_cert_verdict verdict;
  char host[]; /* immutable */
};

static volatile LONG live_jobs;

long sw_engine_verify_jobs(void)
{
  return InterlockedCompareExchange(&live_jobs, 0, 0);
}

static void job_release(struct sw_verify_job *j)
{
  if (InterlockedDecrement(&j->refs) != 0)
    return;
  struct sw_dns_shared *s = j->shared;
  CertFreeCertificateContext(j->cert);
  free(j->names);
  free(j);
  InterlockedDecrement(&live_jobs);
  sw__engine_shared_release(s);
}

static enum sw_outcome system_validate(void *ctx, PCCERT_CONTEXT cert, const char *host,
                                       const char *names, uint32_t timeout_ms,
                                       char *detail, size_t size, unsigned long *error)
{
  (void)ctx;
  return sw_cert_validate(cert, host, names, timeout_ms, detail, size, error);
}

void sw_engine_set_validator(struct sw_engine *e, sw_engine_validator_fn fn, void *ctx)
{
  e->validator = fn;
  e->validator_ctx = fn ? ctx : NULL;
}

/* On a pool thread: touches only the job and the shared state, which its
 * references keep alive whatever the engine does meanwhile. */
static void CALLBACK verify_work(PTP_CALLBACK_INSTANCE instance, void *ctx)
{
  (void)instance;
  struct sw_verify_job *j = ctx;
  struct sw_cert_verdict *v = &j->verdict;
  v->outcome = j->fn(j->fn_ctx, j->cert, j->host, j->names, j->timeout_ms, v->detail,
                     sizeof v->detail, &v->error);
  sw__engine_shared_post(j->shared, &j->req.ov);
  job_release(j);
}

/* Starts validating `cert` for `host` on the pool; the job is on the
 * engine's running list until its packet arrives. NULL with the Win32
 * error in *win_error (0: out of memory) if it could not start. */
static struct sw_verify_job *job_start(struct sw_engine *e, PCCERT_CONTEXT cert,
                                       const char *host, const char *names,
                                       uint32_t timeout_ms, unsigned long *win_error)
{
  *win_error = 0;
  size_t hl = strlen(host);
  struct sw_verify_job *j = calloc(1, sizeof *j + hl + 1);
  char *copy = names ? malloc(strlen(names) + 1) : NULL;
  if (!j || (names && !copy)) {
    free(j);
    free(copy);
    return NULL;
  }
  memcpy(j->host, host, hl + 1);
  if (copy)
    memcpy(copy, names, strlen(names) + 1);
  j->names = copy;
  j->cert = CertDuplicateCertificateContext(cert);
  j->timeout_ms = timeout_ms;
  j->fn = e->validator ? e->validator : system_validate;
  j->fn_ctx = e->validator ? e->validator_ctx : NULL;
  j->req.type = SW_REQ_VERIFIED;
  j->refs = 2; /* the loop's and the worker's */
  j->shared = sw__engine_shared_ref(e);
  InterlockedIncrement(&live_jobs);
  if (!TrySubmitThreadpoolCallback(verify_work, j, NULL)) {
    *win_error = GetLastError();
    j->refs = 1;
    job_release(j);
    return NULL;
  }
  sw_list_insert_head(&e->verify_running, &j->link);
  return j;
}

struct sw_verify_job *sw__verify_start(struct sw_engine *e, PCCERT_CONTEXT cert,
                                       const char *host, const char *names,
                                       uint32_t timeout_ms, sw__verify_owner_fn fn,
                                       void *owner, unsigned long *win_error)
{
  struct sw_verify_job *j = job_start(e, cert, host, names, timeout_ms, win_error);
  if (j) {
    j->owner_fn = fn;
    j->owner = owner;
  }
  return j;
}

void sw__verify_let_go(struct sw_verify_job *j)
{
  j->owner_fn = NULL; /* it runs on; its verdict goes nowhere */
  j->owner = NULL;
}

enum sw_error sw_engine_validate_detached(struct sw_engine *e, PCCERT_CONTEXT cert,
                                          const char *host, uint32_t timeout_ms)
{
  unsigned long win_error;
  struct sw_verify_job *j = job_start(e, cert, host, NULL, timeout_ms, &win_error);
  if (!j)
    return win_error ? SW_E_SYSTEM : SW_E_NOMEM;
  return SW_E_OK;
}

bool sw__engine_verify_busy(const struct sw_engine *e)
{
  return !sw_list_empty(&e->verify_running);
}

void sw__engine_verify_free(struct sw_engine *e)
{
  struct sw_list_node *node;
  while ((node = sw_list_first(&e->verify_running)) != NULL) {
    struct sw_verify_job *j = sw_list_entry(node, struct sw_verify_job, link);
    sw_list_remove(node);
    j->entry = NULL; /* the cache goes with the engine */
    job_release(j);  /* its thread holds the last reference */
  }
}

void sw__engine_tls_free(struct sw_engine *e)
{
  sw_cert_cache_free(&e->cert_cache);
  sw_tls_cred_release(e->tls_cred);
  e->tls_cred = NULL;
}

/* A verdict for `c`, from its own validation or another's. With
 * tls_trust_advisory an untrusted chain or a name mismatch is kept for the
 * result and the check goes on as an insecure one would. */
static void report_verdict(struct sw_check *c, const struct sw_cert_verdict *v)
{
  struct sw_check_tls *t = c->tls;
  t->verifying = false;
  /* An incomplete chain was completed and found good: validated. */
  t->info.verified =
      v->outcome == SW_OUTCOME_OK || v->outcome == SW_OUTCOME_CERT_CHAIN_INCOMPLETE;
  if (v->error)
    c->last_error = v->error;
  t->cert_judged = true;
  t->cert_outcome = v->outcome;
  snprintf(t->cert_detail, sizeof t->cert_detail, "%s", v->detail);
  if (t->opts.trust_advisory && (v->outcome == SW_OUTCOME_CERT_UNTRUSTED ||
                                 v->outcome == SW_OUTCOME_CERT_NAME_MISMATCH)) {
    report(c, SW_OUTCOME_OK, "");
  } else {
    report(c, v->outcome, v->detail);
  }
  sw__check_tls_flush(c);
  sw__check_start_read(c);
}

/* The handshake completed: what was negotiated, the certificate's fields,
 * then its validation (off the loop, or from the cache) unless the rule
 * says --insecure. */
static void start_verify(struct sw_check *c)
{
  int64_t now = sw_clock_now_us();
  sw__peer_tls_handshake_done(c, now);
  memset(&c->tls->info, 0, sizeof c->tls->info);
  sw_tls_describe(c->tls->session, &c->tls->info);
  c->tls->peer_cert = sw_tls_peer_certificate(c->tls->session);
  if (!c->tls->peer_cert) {
    report(c, SW_OUTCOME_CERT_UNTRUSTED, "the server sent no certificate");
    return;
  }
  /* Out of memory leaves the names out (or the chain); the check goes on
   * without them. */
  sw_cert_describe(c->tls->peer_cert, &c->tls->info);
  if (c->tls->opts.want_chain && !c->tls->chain)
    (void)sw_tls_peer_chain(c->tls->peer_cert, &c->tls->chain);
  if (c->tls->opts.insecure) {
    report(c, SW_OUTCOME_OK, "");
    return;
  }
  struct sw_engine *e = c->engine;
  size_t key_len = 0;
  char *key = cache_key(c, &key_len);
  struct sw_cert_cache_entry *x;
  switch (sw_cert_cache_lookup(&e->cert_cache, key, key_len, now, &x)) {
  case SW_CERT_CACHE_HIT:
    report_verdict(c, &x->verdict);
    return;
  case SW_CERT_CACHE_WAIT:
    /* Another check of this server is validating the same chain. */
    c->tls->verifying = true;
    c->tls->waiting_on = x;
    sw_list_insert_head(&x->waiters, &c->tls->waiting);
    return;
  case SW_CERT_CACHE_VALIDATE:
    break; /* below; its verdict goes to x, if any */
  default:
    assert(!"no such cache answer");
    break;
  }
  int64_t left_ms = (sw__peer_deadline(c) - now) / 1000;
  unsigned long win_error;
  struct sw_verify_job *j =
      job_start(e, c->tls->peer_cert, c->tls_name, c->tls->info.sans,
                left_ms > 1 ? (uint32_t)left_ms : 1, &win_error);
  if (!j) {
    if (x) /* nobody waits on it yet: this is still the same turn of the loop */
      sw_cert_cache_remove(&e->cert_cache, x);
    if (win_error)
      sw__check_fail_win(c, SW_OUTCOME_INTERNAL_ERROR, win_error,
                         "could not start the certificate check");
    else
      sw__peer_fail(c, SW_OUTCOME_INTERNAL_ERROR,
                    "out of memory starting the certificate check", sw_clock_now_us());
    return;
  }
  j->check = c;
  j->entry = x;
  c->tls->job = j;
  c->tls->verifying = true;
}

/* The validation of `x` is done: remember it and give every waiting check
 * its verdict. */
static void finish_entry(struct sw_cert_cache_entry *x, const struct sw_verify_job *from)
{
  sw_cert_cache_fill(x, &from->verdict, sw_clock_now_us());
  struct sw_list_node *node;
  while ((node = sw_list_first(&x->waiters)) != NULL) {
    struct sw_check_tls *t = sw_list_entry(node, struct sw_check_tls, waiting);
    struct sw_check *w = t->check;
    sw_list_remove(node);
    t->waiting_on = NULL;
    report_verdict(w, &x->verdict);
    sw__check_settle(w); /* may free it */
  }
}

void sw__engine_on_verified(struct sw_engine *e, struct sw_req *req)
{
  (void)e; /* the job leaves the engine's list by its own link */
  struct sw_verify_job *j = sw_container_of(req, struct sw_verify_job, req);
  sw_list_remove(&j->link);
  /* The verdict is good for the waiters even if its own check is over. */
  if (j->entry)
    finish_entry(j->entry, j);
  struct sw_check *c = j->check;
  if (c) {
    c->tls->job = NULL;
    report_verdict(c, &j->verdict);
    sw__check_settle(c);
  }
  if (j->owner_fn) {
    sw__verify_owner_fn fn = j->owner_fn;
    j->owner_fn = NULL;
    fn(j->owner, &j->verdict);
  }
  job_release(j);
}

void sw__check_verify_abandon(struct sw_check *c)
{
  if (!c->tls)
    return; /* a plain check */
  if (c->tls->job) {
    c->tls->job->check = NULL; /* it runs on for the cache and the waiters */
    c->tls->job = NULL;
  }
  struct sw_cert_cache_entry *x = c->tls->waiting_on;
  if (x) {
    sw_list_remove(&c->tls->waiting);
    c->tls->waiting_on = NULL;
  }
  c->tls->verifying = false;
}

void sw__check_tls_received(struct sw_check *c, const char *data, size_t len)
{
  if (NEVER(!c->tls->session)) {
    /* Ciphertext before a session: the session starts as soon as the
     * dialogue asks for it, before the next read. The dialogue discards it. */
    sw__peer_receive(c, data, len, sw_clock_now_us());
    return;
  }
  if (sw_tls_receive(c->tls->session, data, len) != SW_E_OK) {
    sw__peer_fail(c, SW_OUTCOME_INTERNAL_ERROR, "out of memory while receiving",
                  sw_clock_now_us());
    return;
  }
  if (sw_tls_state(c->tls->session) == SW_TLS_FAILED) {
    char text[SW_DETAIL_MAX];
    c->last_error = sw_tls_failure(c->tls->session, text, sizeof text);
    if (!sw_tls_handshake_complete(c->tls->session)) {
      sw__peer_tls_failed(c, text, sw_clock_now_us());
    } else {
      deliver(c); /* what came before the bad record was good */
      sw__peer_fail(c, SW_OUTCOME_NETWORK_ERROR, text, sw_clock_now_us());
    }
    return;
  }
  if (sw_tls_handshake_complete(c->tls->session) && !c->tls->reported &&
      !c->tls->verifying)
    start_verify(c);
  deliver(c);
}

void sw__check_tls_flush(struct sw_check *c)
{
  if (c->sock == INVALID_SOCKET || sw__peer_done(c))
    return;
  assert(c->tls); /* the dialogue asks for TLS only with a TLS mode */
  if (!c->tls) {
    sw__peer_fail(c, SW_OUTCOME_INTERNAL_ERROR, "TLS asked of a plain check",
                  sw_clock_now_us());
    return;
  }
  if (!c->tls->session && !start_session(c))
    return;
  if (c->writing)
    return;
  if (c->wlen == 0) {
    /* The dialogue speaks only through a session it has been told about,
     * and one command at a time, as in plain text. */
    size_t len = 0;
    const char *out = NULL;
    if (c->tls->reported && !c->tls->verifying &&
        sw_tls_state(c->tls->session) == SW_TLS_OPEN &&
        !sw_tls_has_output(c->tls->session))
      out = sw__peer_output(c, &len);
    if (len) {
      if (sw_tls_send(c->tls->session, out, len) != SW_E_OK) {
        char text[SW_DETAIL_MAX];
        c->last_error = sw_tls_failure(c->tls->session, text, sizeof text);
        sw__peer_fail(c, SW_OUTCOME_INTERNAL_ERROR, text, sw_clock_now_us());
        return;
      }
      sw__peer_sent(c, len);
      if (sw__peer_done(c))
        return;
    }
    c->tls->wire.len = 0;
    if (sw_tls_take_output(c->tls->session, &c->tls->wire) != SW_E_OK) {
      sw__peer_fail(c, SW_OUTCOME_INTERNAL_ERROR, "out of memory while sending",
                    sw_clock_now_us());
      return;
    }
    if (c->tls->wire.len == 0)
      return;
    c->wbase = c->tls->wire.data;
    c->wlen = c->tls->wire.len;
    c->woff = 0;
  }
  sw__check_send(c);
}

void sw__check_tls_result(struct sw_check *c, struct sw_check_result *r)
{
  struct sw_check_tls *t = c->tls;
  if (!t)
    return; /* a plain check */
  sw_cert_chain_free(r->chain);
  r->chain = t->chain;
  t->chain = NULL;
  r->cert_judged = t->cert_judged;
  r->cert_outcome = t->cert_judged ? t->cert_outcome : SW_OUTCOME_OK;
  snprintf(r->cert_detail, sizeof r->cert_detail, "%s",
           t->cert_judged ? t->cert_detail : "");
}

void sw__check_tls_free(struct sw_check *c)
{
  struct sw_check_tls *t = c->tls;
  if (!t)
    return; /* a plain check */
  sw_tls_destroy(t->session);
  if (t->peer_cert)
    CertFreeCertificateContext(t->peer_cert);
  free(t->info.sans);
  sw_cert_chain_free(t->chain);
  sw_buf_free(&t->wire);
  free(t);
  c->tls = NULL;
}
