/* The engine's loop and lifecycle: submit, run, stop, destroy, the timer
 * heap, and the endgame that frees a check only after its last completion
 * has arrived. Socket work is in engine_socket.c, resolution in
 * engine_resolve.c. */
#include "engine_internal.h"

#include <winternl.h>

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "win_error.h"

#define SW_COMPLETION_BATCH 128

static void load_fqdn(struct sw_engine *e)
{
  DWORD size = sizeof e->fqdn;
  if (!GetComputerNameExA(ComputerNameDnsFullyQualified, e->fqdn, &size) ||
      !strchr(e->fqdn, '.'))
    e->fqdn[0] = '\0'; /* a bare host name is no valid EHLO argument */
}

static enum sw_error load_connectex(struct sw_engine *e, unsigned long *win_error)
{
  SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
  if (s == INVALID_SOCKET) {
    *win_error = WSAGetLastError();
    return SW_E_SYSTEM;
  }
  GUID guid = WSAID_CONNECTEX;
  DWORD bytes = 0;
  int rc = WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof guid,
                    &e->connectex, sizeof e->connectex, &bytes, NULL, NULL);
  if (rc != 0)
    *win_error = WSAGetLastError();
  closesocket(s);
  return rc == 0 ? SW_E_OK : SW_E_SYSTEM;
}

enum sw_error sw_engine_create(struct sw_engine **out, unsigned long *win_error)
{
  unsigned long ignored;
  if (!win_error)
    win_error = &ignored;
  *out = NULL;
  WSADATA wsa;
  int rc = WSAStartup(MAKEWORD(2, 2), &wsa);
  if (rc != 0) {
    *win_error = (unsigned long)rc;
    return SW_E_SYSTEM;
  }
  struct sw_engine *e = calloc(1, sizeof *e);
  if (!e) {
    WSACleanup();
    return SW_E_NOMEM;
  }
  sw_list_init(&e->checks);
  sw_list_init(&e->verify_running);
  sw_list_init(&e->oauth_running);
  sw_list_init(&e->https_gets);
  e->port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
  if (!e->port) {
    *win_error = GetLastError();
    free(e);
    WSACleanup();
    return SW_E_SYSTEM;
  }
  enum sw_error err = load_connectex(e, win_error);
  if (!err)
    err = sw__engine_dns_init(e, win_error);
  if (err) {
    CloseHandle(e->port);
    free(e);
    WSACleanup();
    return err;
  }
  sw_timer_heap_init(&e->timers);
  sw_timer_heap_init(&e->job_timers);
  sw_cert_cache_init(&e->cert_cache);
  e->sockopt = sw_sockopt_system;
  sw__engine_wait_init(&e->wait);
  e->wake_req.type = SW_REQ_WAKE;
  load_fqdn(e);
  *out = e;
  return SW_E_OK;
}

static void check_free(struct sw_check *c)
{
  struct sw_engine *e = c->engine;
  struct sw_check *parent = c->parent;
  sw_timer_heap_disarm(&e->timers, &c->timer);
  sw_list_remove(&c->link);
  e->structs--;
  sw__peer_free(c);
  sw_check_result_free(&c->result);
  for (size_t i = 0; c->group && i < c->group->n; i++)
    sw_check_result_free(&c->group->results[i]); /* empty once merged */
  free(c->group);
  sw__check_tls_free(c);
  sw__check_oauth_free(c);
  free(c->strings);
  free(c);
  if (parent) {
    /* The parent waits for its last sub-check struct before it goes. */
    parent->group->alive--;
    if (!parent->group->busy)
      sw__check_settle(parent);
  }
}

void sw__check_update_timer(struct sw_check *c)
{
  int64_t due = sw__peer_deadline(c);
  if (c->attempt_due && c->attempt_due < due)
    due = c->attempt_due;
  if (sw_timer_heap_arm(&c->engine->timers, &c->timer, due) != SW_E_OK)
    /* No room to track the deadline: end the check now rather than let it
     * run without one. */
    sw__peer_fail(c, SW_OUTCOME_INTERNAL_ERROR,
                  "out of memory while arming the check's timer", sw_clock_now_us());
}

void sw__check_fail_win(struct sw_check *c, enum sw_outcome outcome, unsigned long code,
                        const char *what, ...)
{
  char detail[SW_DETAIL_MAX];
  va_list ap;
  va_start(ap, what);
  sw_win_error_vsentence(detail, sizeof detail, code, what, ap);
  va_end(ap);
  c->last_error = code;
  sw__peer_fail(c, outcome, detail, sw_clock_now_us());
}

/* The dialogue is over: the socket and whatever else the check waited for
 * are let go, and its result is the check's. */
static void leave_dialogue(struct sw_check *c)
{
  sw_timer_heap_disarm(&c->engine->timers, &c->timer);
  sw__check_close_socket(c);
  sw__check_resolve_abandon(c); /* a lookup that still runs no longer holds it */
  sw__check_verify_abandon(c);  /* nor does a validation */
  sw__peer_take_result(c);
  sw__check_tls_result(c, &c->result);
  sw__check_oauth_settled(c, &c->result); /* nor does a token fetch */
  c->stage = SW_STAGE_RESULT;
}

/* The result goes where it is awaited, once: the callback, or the parent's
 * slot for it. */
static void deliver(struct sw_check *c)
{
  c->stage = SW_STAGE_DONE;
  if (c->parent) {
    sw__check_report_to_parent(c);
    return;
  }
  c->engine->live--;
  c->done(c->ctx, &c->result);
  sw_check_result_free(&c->result);
}

void sw__check_settle(struct sw_check *c)
{
  if (c->stage == SW_STAGE_DIALOGUE && sw__peer_done(c)) {
    leave_dialogue(c);
    if (c->check_ptr && !c->cancelled)
      sw__check_ptr_start(c);
  }
  if (c->stage == SW_STAGE_ADDRESSES)
    /* Merges once every sub-check has reported (each did its own reverse
     * lookup, with check_ptr). */
    (void)sw__check_addresses_done(c);
  if (c->stage == SW_STAGE_RESULT)
    deliver(c);
  if (c->stage == SW_STAGE_DONE && c->pending == 0 &&
      (!c->group || (c->group->alive == 0 && !c->group->busy)))
    check_free(c);
}

void sw__check_cancel(struct sw_check *c, int64_t now)
{
  c->cancelled = true;
  switch (c->stage) {
  case SW_STAGE_DIALOGUE:
    sw__peer_fail(c, SW_OUTCOME_CANCELLED, "the engine was stopped", now);
    break;
  case SW_STAGE_ADDRESSES:
    sw__check_cancel_addresses(c);
    break;
  case SW_STAGE_PTR:
    sw__check_ptr_give_up(c, true);
    break;
  default:
    break; /* it has its result already */
  }
}

enum sw_error sw__check_copy_strings(struct sw_check *c, const struct sw_check_spec *spec)
{
  const char *tls_name = spec->tls_name && *spec->tls_name ? spec->tls_name : NULL;
  const char *src[5] = {spec->host, spec->command, spec->expect, spec->ehlo_name,
                        tls_name};
  char **dst[5] = {&c->host, &c->command, &c->expect, &c->ehlo_name, &c->tls_name};
  size_t total = 0;
  for (int i = 0; i < 5; i++)
    total += (src[i] ? strlen(src[i]) : 0) + 1;
  c->strings = malloc(total);
  if (!c->strings)
    return SW_E_NOMEM;
  char *p = c->strings;
  for (int i = 0; i < 5; i++) {
    size_t n = src[i] ? strlen(src[i]) : 0;
    memcpy(p, src[i] ? src[i] : "", n + 1);
    *dst[i] = p;
    p += n + 1;
  }
  /* "[2001:db8::1]" as rules may keep it: the brackets are not the host's
   * (not for resolution, SNI or the certificate's name). */
  size_t hl = strlen(c->host);
  if (hl >= 2 && c->host[0] == '[' && c->host[hl - 1] == ']') {
    memmove(c->host, c->host + 1, hl - 2);
    c->host[hl - 2] = '\0';
  }
  if (!tls_name)
    c->tls_name = c->host; /* the name the certificate must be valid for */
  return SW_E_OK;
}

struct sw_check_spec sw_check_spec_of(const struct sw_rule *rule,
                                      const struct sw_check_extras *x)
{
  static const struct sw_check_extras none = {0};
  if (!x)
    x = &none;
  return (struct sw_check_spec){
      .host = rule->host,
      .port = rule->port,
      .command = rule->command,
      .expect = rule->expect,
      .ehlo_name = rule->ehlo_name,
      .timeout_ms = rule->timeout_ms,
      .tls_mode = rule->tls_mode,
      .tls_insecure = rule->tls_insecure,
      .cert_warn_days = rule->cert_warn_days,
      .cert_crit_days = rule->cert_crit_days,
      .auth = {.user = x->auth_user,
               .password = x->auth_password,
               .mech = rule->auth_mech,
               .allow_plaintext = rule->auth_plaintext},
      .mail = {.from = x->mail_from,
               .to = x->rcpt,
               .to_count = x->rcpt_count,
               .relay_rcpt = x->relay_rcpt},
      .ip_family = rule->ip_family,
      .all_addresses = rule->all_addresses,
      .check_ptr = rule->check_ptr,
      .oauth = x->oauth.token_url ? &x->oauth : NULL,
      .domain = rule->domain,
      .dns_server = rule->dns_server,
      .min_ok = rule->min_ok,
      .mta_sts = rule->mta_sts,
      .dane = rule->dane,
  };
}

struct sw_check *sw__check_alloc(struct sw_engine *e, const struct sw_check_tls_opts *tls)
{
  struct sw_check *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  if (tls) {
    c->tls = calloc(1, sizeof *c->tls);
    if (!c->tls) {
      free(c);
      return NULL;
    }
    c->tls->check = c;
    c->tls->opts = *tls;
    sw_buf_init(&c->tls->wire, 0);
    sw_list_init(&c->tls->waiting);
  }
  c->engine = e;
  c->sock = INVALID_SOCKET;
  c->connect_req.type = SW_REQ_CONNECT;
  c->read_req.type = SW_REQ_READ;
  c->write_req.type = SW_REQ_WRITE;
  c->connect_req.check = c->read_req.check = c->write_req.check = c;
  sw_timer_init(&c->timer);
  sw_check_result_init(&c->result);
  return c;
}

enum sw_error sw_engine_submit(struct sw_engine *e, const struct sw_check_spec *spec,
                               sw_check_done_fn done, void *ctx)
{
  if (spec && spec->domain && *spec->domain && done)
    return sw__domain_submit(e, spec, done, ctx);
  if (!spec || !spec->host || !*spec->host || spec->port == 0 || !done ||
      (unsigned)spec->ip_family >= SW_IP_FAMILY_COUNT)
    return SW_E_INVALID_ARGUMENT;
  const struct sw_check_tls_opts tls = {spec->tls_insecure, spec->want_chain,
                                        spec->tls_trust_advisory};
  struct sw_check *c = sw__check_alloc(e, spec->tls_mode != SW_TLS_NONE ? &tls : NULL);
  if (!c)
    return SW_E_NOMEM;
  enum sw_error err = sw__check_copy_strings(c, spec);
  if (err) {
    sw__check_discard(c);
    return err;
  }
  c->port = spec->port;
  c->ip_family = spec->ip_family;
  c->all_addresses = spec->all_addresses;
  c->check_ptr = spec->check_ptr;
  c->cfg.command = c->command;
  c->cfg.expect = c->expect;
  c->cfg.timeout_ms = spec->timeout_ms ? spec->timeout_ms : SW_RULE_DEFAULT_TIMEOUT_MS;
  c->cfg.tls_mode = spec->tls_mode;
  c->cfg.cert_warn_days = spec->cert_warn_days;
  c->cfg.cert_crit_days = spec->cert_crit_days;
  c->cfg.auth = spec->auth;
  if (spec->auth.mech == SW_AUTH_MECH_XOAUTH2 && spec->oauth) {
    /* The token comes from the endpoint (engine_oauth.c), not the spec. */
    c->oauth = spec->oauth;
    c->cfg.auth.oauth = true;
    c->cfg.auth.password = NULL;
  }
  c->cfg.mail = spec->mail;
  sw_dialogue_init(&c->dlg, &c->cfg, sw_clock_now_us());
  sw__check_launch(c, done, ctx);
  return SW_E_OK;
}

void sw__check_discard(struct sw_check *c)
{
  free(c->mbx);
  free(c->tls);
  free(c);
}

void sw__check_launch(struct sw_check *c, sw_check_done_fn done, void *ctx)
{
  struct sw_engine *e = c->engine;
  c->done = done;
  c->ctx = ctx;
  sw_list_insert_head(&e->checks, &c->link);
  e->structs++;
  e->live++;
  sw__check_update_timer(c);
  if (!sw__peer_done(c))
    sw__check_resolve(c);
  sw__check_settle(c);
}

enum sw_error sw_engine_timer_arm(struct sw_engine *e, struct sw_engine_timer *t,
                                  int64_t due)
{
  return sw_timer_heap_arm(&e->job_timers, &t->t, due);
}

void sw_engine_timer_disarm(struct sw_engine *e, struct sw_engine_timer *t)
{
  sw_timer_heap_disarm(&e->job_timers, &t->t);
}

/* The job timers due by `now` (INT64_MAX: every one, cancelled). */
static void fire_job_timers(struct sw_engine *e, int64_t now)
{
  struct sw_timer *t;
  while ((t = sw_timer_heap_pop_due(&e->job_timers, now)) != NULL) {
    struct sw_engine_timer *jt = sw_container_of(t, struct sw_engine_timer, t);
    jt->fn(jt, now == INT64_MAX);
  }
}

/* Ends every live check with CANCELLED, each callback once (and every DNS
 * query, engine_dns.c); their structs drain later. */
static void cancel_all(struct sw_engine *e)
{
  sw__engine_https_cancel(e); /* first: it lets go of its own DNS queries */
  sw__engine_dns_cancel_queries(e);
  fire_job_timers(e, INT64_MAX); /* their jobs end as cancelled */
  int64_t now = sw_clock_now_us();
  struct sw_list_node *node, *tmp;
  SW_LIST_FOREACH_SAFE(node, tmp, &e->checks) /* settle may free the check */
  {
    struct sw_check *c = sw_list_entry(node, struct sw_check, link);
    if (c->stage != SW_STAGE_DONE) {
      /* Sub-checks are not in this list (their parent's): cancelling the
       * parent cancels them, and frees nothing here but `c`. */
      sw__check_cancel(c, now);
      sw__check_settle(c);
    }
  }
}

static void fire_timers(struct sw_engine *e)
{
  int64_t now = sw_clock_now_us();
  struct sw_timer *t;
  fire_job_timers(e, now);
  while ((t = sw_timer_heap_pop_due(&e->timers, now)) != NULL) {
    struct sw_check *c = sw_container_of(t, struct sw_check, timer);
    sw__check_on_timer(c, now);
    sw__check_settle(c);
  }
  sw__engine_dns_fire(e, now); /* DNS queries' deadlines (engine_dns.c) */
}

/* How long the loop may wait: to the first timer (a check's, a DNS
 * query's or a job's: a round trip's wait, an HTTPS GET's deadline), in
 * µs; -1 when none. */
static int64_t wait_us(struct sw_engine *e)
{
  struct sw_timer *t = sw_timer_heap_peek(&e->timers);
  struct sw_timer *q = sw_timer_heap_peek(&e->dns.timers);
  struct sw_timer *j = sw_timer_heap_peek(&e->job_timers);
  if (!t || (q && q->due < t->due))
    t = q;
  if (!t || (j && j->due < t->due))
    t = j;
  if (!t)
    return -1;
  int64_t left = t->due - sw_clock_now_us();
  return left > 0 ? left : 0;
}

/* The one place a completion's status is read: 0, or the error of the
 * failed operation. Windows leaves an NTSTATUS in the OVERLAPPED; any
 * failure counts (Wine reports a closesocket during a read as 676, not
 * 995). A check's socket operation is asked of Winsock
 * (WSAGetOverlappedResult, as Microsoft documents for sockets), which gives
 * the Winsock code a user can look up (10061 for a refusal); once the
 * check has closed its socket, whatever was pending was ended by that
 * close. Every other request's status becomes its Win32 code. */
static DWORD req_error(struct sw_req *req)
{
  NTSTATUS status = (NTSTATUS)req->ov.Internal;
  if (status == 0)
    return 0;
  switch (req->type) {
  case SW_REQ_CONNECT:
  case SW_REQ_READ:
  case SW_REQ_WRITE: {
    DWORD bytes, flags;
    SOCKET s = req->check->sock;
    if (s != INVALID_SOCKET &&
        !WSAGetOverlappedResult(s, &req->ov, &bytes, FALSE, &flags))
      return (DWORD)WSAGetLastError();
    return ERROR_OPERATION_ABORTED;
  }
  default:
    return RtlNtStatusToDosError(status);
  }
}

static void dispatch(struct sw_engine *e, const OVERLAPPED_ENTRY *entry)
{
  assert(entry->lpOverlapped); /* every packet on this port carries a request */
  if (!entry->lpOverlapped)
    return;
  struct sw_req *req = sw_container_of(entry->lpOverlapped, struct sw_req, ov);
  DWORD bytes = entry->dwNumberOfBytesTransferred;
  switch (req->type) {
  case SW_REQ_CONNECT:
  case SW_REQ_READ:
  case SW_REQ_WRITE: {
    struct sw_check *c = req->check;
    c->pending--;
    sw__check_on_io(c, req, bytes, req_error(req));
    sw__check_settle(c); /* the endgame: freed once nothing is pending */
    break;
  }
  case SW_REQ_RESOLVED:
    sw__engine_on_lookup(e, req); /* a lookup's own record, not a check's */
    break;
  case SW_REQ_VERIFIED:
    sw__engine_on_verified(e, req); /* a validation job's, not a check's */
    break;
  case SW_REQ_CALLBACK:
    req->done(req, bytes, req_error(req));
    break;
  case SW_REQ_WAKE:
    break; /* only there to end the wait; the loop reads stop_requested */
  default:
    assert(!"a completion of no known request type");
    break;
  }
}

/* Waits for completions (or the first timer) once, at most `wait` µs (-1:
 * no limit), and handles them; returns how many completions there were. */
static ULONG turn(struct sw_engine *e, int64_t wait)
{
  OVERLAPPED_ENTRY entries[SW_COMPLETION_BATCH];
  ULONG n = sw__engine_wait(&e->wait, e->port, entries, SW_COMPLETION_BATCH, wait);
  for (ULONG i = 0; i < n; i++)
    dispatch(e, &entries[i]);
  fire_timers(e);
  return n;
}

enum sw_error sw_engine_run(struct sw_engine *e, enum sw_run_mode mode)
{
  if (e->running)
    return SW_E_BUSY;
  e->running = true;
  for (;;) {
    if (InterlockedCompareExchange(&e->stop_requested, 0, 1) == 1) {
      cancel_all(e);
      break;
    }
    if (mode == SW_RUN_UNTIL_IDLE && e->live == 0 && sw_list_empty(&e->dns.jobs) &&
        e->https_live == 0 && !sw_timer_heap_peek(&e->job_timers))
      break;
    turn(e, wait_us(e));
  }
  e->running = false;
  return SW_E_OK;
}

void sw_engine_req_init(struct sw_req *req, sw_req_done_fn done)
{
  memset(req, 0, sizeof *req);
  req->type = SW_REQ_CALLBACK;
  req->done = done;
}

DWORD sw_engine_attach(struct sw_engine *e, HANDLE h)
{
  return CreateIoCompletionPort(h, e->port, 0, 0) ? 0 : GetLastError();
}

bool sw_engine_post(struct sw_engine *e, struct sw_req *req, DWORD bytes)
{
  assert(req->type == SW_REQ_CALLBACK);
  req->ov.Internal = 0; /* a posted packet carries no status of its own */
  return PostQueuedCompletionStatus(e->port, bytes, 0, &req->ov) != 0;
}

bool sw_engine_run_once(struct sw_engine *e, uint32_t max_wait_ms)
{
  if (InterlockedCompareExchange(&e->stop_requested, 0, 1) == 1) {
    cancel_all(e);
    return false;
  }
  int64_t wait = wait_us(e);
  if (max_wait_ms != INFINITE && (wait < 0 || wait > (int64_t)max_wait_ms * 1000))
    wait = (int64_t)max_wait_ms * 1000;
  turn(e, wait);
  return true;
}

void sw_engine_stop(struct sw_engine *e)
{
  InterlockedExchange(&e->stop_requested, 1);
  PostQueuedCompletionStatus(e->port, 0, 0, &e->wake_req.ov);
}

void sw_engine_set_stop_progress(struct sw_engine *e, void (*fn)(void *ctx), void *ctx)
{
  e->stop_progress = fn;
  e->stop_progress_ctx = ctx;
}

size_t sw_engine_pending(const struct sw_engine *e)
{
  return e->live;
}

void sw_engine_destroy(struct sw_engine *e)
{
  if (!e)
    return;
  cancel_all(e);
  /* Lookups, validations and token fetches still running get a bounded
   * wait: a dead DNS server, a chain engine waiting for a firewalled OCSP
   * host, or a token endpoint behind a slow proxy can block each for
   * seconds, and the service must stop in time. The host hears
   * of progress at least every SW_ENGINE_STOP_TICK_MS (SCM checkpoints). */
  ULONGLONG until = GetTickCount64() + SW_DNS_STOP_WAIT_MS;
  for (ULONGLONG now; (sw__engine_dns_busy(e) || sw__engine_verify_busy(e) ||
                       sw__engine_oauth_busy(e)) &&
                      (now = GetTickCount64()) < until;) {
    DWORD left = (DWORD)(until - now);
    turn(e,
         (int64_t)(left < SW_ENGINE_STOP_TICK_MS ? left : SW_ENGINE_STOP_TICK_MS) * 1000);
    if (e->stop_progress)
      e->stop_progress(e->stop_progress_ctx);
  }
  /* Endgame: closed sockets still owe us a completion each; nothing is
   * freed under the kernel's feet. */
  while (e->structs > 0 || !sw_list_empty(&e->https_gets))
    turn(e, -1);
  /* The rest of the lookups are abandoned: no thread posts from now on, the
   * answers already posted are drained, and each thread frees its own
   * record when it returns (engine_resolve.c). */
  sw__engine_dns_close(e);
  while (turn(e, 0) > 0)
    ;
  sw__engine_verify_free(e);
  sw__engine_oauth_free(e);
  sw__engine_dns_free(e);
  sw_timer_heap_free(&e->timers);
  sw_timer_heap_free(&e->job_timers);
  sw__engine_tls_free(e);
  sw__engine_wait_free(&e->wait);
  CloseHandle(e->port);
  free(e);
  WSACleanup();
}
