/* Name resolution for the engine. Address literals are converted at once;
 * names are looked up with GetAddrInfoW on DNS threads, and the answer
 * comes back to the loop as a completion packet, so the loop never blocks
 * on DNS.
 *
 * Bounded, because a DNS outage makes every lookup block for seconds:
 * - At most `limit` lookups (SW_DNS_LOOKUPS_MAX) run at once; the others
 *   wait in a FIFO queue on the loop, holding no thread. The same slots,
 *   queue and pool serve the domain checks' DNS queries (engine_dns.c):
 *   whatever a job does on its thread, it is a struct sw_dns_slot with its
 *   operations (engine_internal.h), so the limit counts both.
 * - They run on a private thread pool (CreateThreadpool) whose maximum is
 *   that limit (SetThreadpoolThreadMaximum), not on the process's default
 *   pool. Microsoft's "Thread Pool API" page: there is a default pool for
 *   each process, which every component's callbacks share, and "each
 *   process can create multiple isolated pools with different
 *   characteristics as necessary". Certificate chain validation
 *   (engine_tls.c) runs on the default pool, so lookups blocked on a dead
 *   DNS server can never take its threads. A pool rather than threads of
 *   our own: Windows creates and retires the threads, and CloseThreadpool
 *   lets the pool go by itself once its last callback returns, which is
 *   what abandoning a stuck lookup needs. The environment says the
 *   callbacks run long (SetThreadpoolCallbackRunsLong), a hint the pool
 *   uses to decide when to add a thread.
 * - GetAddrInfoExW could in principle be cancelled (a timeout and
 *   GetAddrInfoExCancel, Windows 8 and later), but only in its overlapped
 *   form, which runs on the default pool where we cannot bound it; and
 *   Wine 8 ignores its timeout and cancel handle ("Unsupported timeout",
 *   GetAddrInfoExCancel returns WSA_INVALID_HANDLE). Blocking GetAddrInfoW
 *   on threads we bound behaves the same on both.
 *
 * Ownership. A lookup is a record apart from its check, with a reference
 * count: the loop's (from creation until its answer packet is handled, or
 * until the engine is destroyed) and the worker's (while its callback
 * runs). A check that ends lets go of its lookup at once
 * (sw__check_resolve_abandon): a queued one is freed without running; a
 * running one's answer is dropped when it arrives, and the check's struct
 * is freed by the usual endgame without waiting for it. The DNS threads
 * post to the engine's port through `struct sw_dns_shared`, which each
 * record also holds a reference to; sw_engine_destroy waits at most
 * SW_DNS_STOP_WAIT_MS for lookups that still run, then clears its port
 * under the lock so that a late thread posts nothing, and lets go: the
 * last thread to return frees its record, and the last record frees the
 * shared state and its Winsock reference. Nothing a late thread touches
 * belongs to the engine. Certificate validations (engine_tls.c) post their
 * verdicts through the same shared state, and are abandoned alike. */
#include "engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "sw_macros.h"
#include "win_text.h"

/* What the DNS threads and the loop share; lives until the engine and every
 * record have let go. */
struct sw_dns_shared {
  volatile LONG refs;
  SRWLOCK lock; /* guards `port` */
  HANDLE port;  /* NULL once the engine is going: answers are dropped */
};

struct sw_lookup {
  struct sw_dns_slot slot; /* its references and place in the queue or the running list */
  struct sw_req req;       /* the answer packet (type SW_REQ_RESOLVED, check NULL) */
  sw_engine_resolver_fn fn;
  void *fn_ctx;
  uint16_t port;
  int family; /* AF_UNSPEC, AF_INET or AF_INET6 (the check's ip_family) */
  /* A reverse lookup (check_ptr): the name of `target`, then the addresses
   * of that name (in addrs), instead of the addresses of `host`. */
  bool reverse;
  struct sockaddr_storage target;
  /* Loop thread only. */
  struct sw_check *check; /* NULL once the check has let go */
  /* Written by the worker before it posts the packet; read by the loop
   * after the packet arrives. */
  int error;
  int naddrs;
  struct sockaddr_storage addrs[SW_MAX_ADDRESSES];
  char name[NI_MAXHOST * 3]; /* reverse: the name found (UTF-8), "" if none */
  char host[];               /* immutable */
};

static volatile LONG live_records;

long sw_engine_dns_records(void)
{
  return InterlockedCompareExchange(&live_records, 0, 0);
}

static void shared_release(struct sw_dns_shared *s)
{
  if (InterlockedDecrement(&s->refs) != 0)
    return;
  free(s);
  InterlockedDecrement(&live_records);
  WSACleanup(); /* the reference taken for the DNS threads */
}

struct sw_dns_shared *sw__engine_shared_ref(struct sw_engine *e)
{
  InterlockedIncrement(&e->dns.shared->refs);
  return e->dns.shared;
}

void sw__engine_shared_release(struct sw_dns_shared *s)
{
  shared_release(s);
}

void sw__engine_shared_post(struct sw_dns_shared *s, OVERLAPPED *ov)
{
  AcquireSRWLockExclusive(&s->lock);
  if (s->port)
    /* The port is the engine's own, so the post succeeds; if it did not,
     * the check would time out. */
    (void)ALWAYS(PostQueuedCompletionStatus(s->port, 0, 0, ov));
  ReleaseSRWLockExclusive(&s->lock);
}

void sw__dns_slot_init(struct sw_engine *e, struct sw_dns_slot *s,
                       const struct sw_dns_slot_ops *ops)
{
  s->refs = 1; /* the loop's */
  s->shared = sw__engine_shared_ref(e);
  s->ops = ops;
}

void sw__dns_slot_release(struct sw_dns_slot *s)
{
  if (InterlockedDecrement(&s->refs) != 0)
    return;
  struct sw_dns_shared *shared = s->shared;
  s->ops->free(s);
  shared_release(shared);
}

static void lookup_free(struct sw_dns_slot *s)
{
  free(sw_container_of(s, struct sw_lookup, slot));
  InterlockedDecrement(&live_records);
}

static void lookup_release(struct sw_lookup *l)
{
  sw__dns_slot_release(&l->slot);
}

/* GetAddrInfoW: the resolver unless a test sets another. */
static int system_resolve(void *ctx, const char *host, uint16_t port, int family,
                          struct sockaddr_storage *addrs, int max, int *naddrs)
{
  (void)ctx;
  wchar_t whost[300], wport[8];
  if (!sw_wide_from_utf8(host, whost, SW_COUNTOF(whost)))
    return WSAHOST_NOT_FOUND;
  swprintf(wport, 8, L"%u", (unsigned)port);
  ADDRINFOW hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  int rc = GetAddrInfoW(whost, wport, &hints, &res);
  if (rc != 0)
    return rc;
  *naddrs = 0;
  for (ADDRINFOW *ai = res; ai && *naddrs < max; ai = ai->ai_next) {
    if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
        ai->ai_addrlen > sizeof addrs[0])
      continue;
    memcpy(&addrs[(*naddrs)++], ai->ai_addr, ai->ai_addrlen);
  }
  FreeAddrInfoW(res);
  return *naddrs > 0 ? 0 : WSANO_DATA;
}

/* On a DNS thread: touches only the record and the shared state, which its
 * references keep alive whatever the engine does meanwhile. */
/* The reverse name of l->target into l->name (GetNameInfoW with
 * NI_NAMEREQD: a name, never the address written out); 0 or the WSA
 * error. */
static int reverse_name(struct sw_lookup *l)
{
  wchar_t wname[NI_MAXHOST];
  int len = l->target.ss_family == AF_INET6 ? (int)sizeof(struct sockaddr_in6)
                                            : (int)sizeof(struct sockaddr_in);
  if (GetNameInfoW((const SOCKADDR *)&l->target, len, wname, NI_MAXHOST, NULL, 0,
                   NI_NAMEREQD) != 0)
    return WSAGetLastError();
  if (!sw_utf8_from_wide(wname, l->name, sizeof l->name)) {
    l->name[0] = '\0';
    return WSANO_DATA;
  }
  return 0;
}

/* On a DNS thread: touches only the record and the shared state, which its
 * references keep alive whatever the engine does meanwhile. A reverse
 * lookup takes one slot for both of its steps: the name, then the name's
 * addresses of either family (FCrDNS asks whether the address is among
 * them). */
static void CALLBACK lookup_work(PTP_CALLBACK_INSTANCE instance, void *ctx)
{
  (void)instance;
  struct sw_lookup *l = sw_container_of(ctx, struct sw_lookup, slot);
  l->naddrs = 0;
  if (l->reverse) {
    l->error = reverse_name(l);
    if (l->error) {
      l->name[0] = '\0';
    } else {
      l->error = l->fn(l->fn_ctx, l->name, l->port, AF_UNSPEC, l->addrs, SW_MAX_ADDRESSES,
                       &l->naddrs);
    }
  } else {
    l->error = l->fn(l->fn_ctx, l->host, l->port, l->family, l->addrs, SW_MAX_ADDRESSES,
                     &l->naddrs);
  }
  if (l->error == 0 && NEVER(l->naddrs <= 0 || l->naddrs > SW_MAX_ADDRESSES))
    l->error = WSANO_DATA; /* a resolver that says yes gives addresses */
  sw__engine_shared_post(l->slot.shared, &l->req.ov);
  lookup_release(l);
}

/* ---- the queue and the running list (loop thread) ------------------------ */

/* The check lets go of its lookup (both pointers cleared); a queued lookup
 * is dropped. */
static void detach(struct sw_check *c)
{
  struct sw_lookup *l = c->lookup;
  c->lookup = NULL;
  l->check = NULL;
  if (sw__engine_dns_dequeue(&l->slot))
    lookup_release(l); /* never ran: the loop's reference was the only one */
}

/* Starts queued jobs while there are free slots. A job the pool refuses
 * is ended by its owner (ops->refused); `caller` is the job whose start is
 * on the stack, whose owner settles itself. */
static void pump(struct sw_engine *e, const struct sw_dns_slot *caller)
{
  struct sw_dns *d = &e->dns;
  struct sw_list_node *node;
  while (d->nrunning < d->limit && (node = sw_list_first(&d->queue)) != NULL) {
    struct sw_dns_slot *s = sw_list_entry(node, struct sw_dns_slot, link);
    sw_list_remove(node);
    s->queued = false;
    InterlockedIncrement(&s->refs); /* the worker's */
    if (TrySubmitThreadpoolCallback(s->ops->work, s, &d->env)) {
      sw_list_insert_head(&d->running, &s->link);
      d->nrunning++;
      continue;
    }
    unsigned long err = GetLastError();
    sw__dns_slot_release(s); /* no worker after all */
    s->ops->refused(s, err, s == caller);
  }
}

void sw__engine_dns_enqueue(struct sw_engine *e, struct sw_dns_slot *s)
{
  s->queued = true;
  sw_list_insert_tail(&e->dns.queue, &s->link);
  pump(e, s);
}

bool sw__engine_dns_dequeue(struct sw_dns_slot *s)
{
  if (!s->queued)
    return false;
  sw_list_remove(&s->link);
  s->queued = false;
  return true;
}

void sw__engine_dns_answered(struct sw_engine *e, struct sw_dns_slot *s)
{
  sw_list_remove(&s->link);
  e->dns.nrunning--;
}

void sw__engine_dns_pump(struct sw_engine *e)
{
  pump(e, NULL);
}

/* The pool would not run the lookup: its check ends (a reverse lookup is
 * given up), settled here unless its start is on the stack. */
static void lookup_refused(struct sw_dns_slot *s, unsigned long err, bool caller)
{
  struct sw_lookup *l = sw_container_of(s, struct sw_lookup, slot);
  struct sw_check *c = l->check;
  bool reverse = l->reverse;
  detach(c);
  lookup_release(l);
  if (reverse)
    sw__check_ptr_give_up(c, false);
  else
    sw__check_fail_win(c, SW_OUTCOME_INTERNAL_ERROR, err, "could not start resolving %s",
                       c->host);
  if (!caller)
    sw__check_settle(c);
}

static const struct sw_dns_slot_ops lookup_ops = {
    .work = lookup_work,
    .free = lookup_free,
    .refused = lookup_refused,
};

/* ---- an answer's way to its check ------------------------------------------ */

static int family_of(enum sw_ip_family f)
{
  return f == SW_IP_V4 ? AF_INET : f == SW_IP_V6 ? AF_INET6 : AF_UNSPEC;
}

/* " to an IPv4 address" for "could not resolve NAME...". */
static const char *family_words(enum sw_ip_family f)
{
  return f == SW_IP_V4   ? " to an IPv4 address"
         : f == SW_IP_V6 ? " to an IPv6 address"
                         : "";
}

/* The addresses are known: the check connects to them in turn, or checks
 * each at once (all_addresses). Only those of the check's family count:
 * the system resolver was asked for no other, but a resolver may answer
 * more. */
static void resolved(struct sw_check *c, const struct sockaddr_storage *addrs, int n)
{
  int want = family_of(c->ip_family);
  c->naddrs = 0;
  for (int i = 0; i < n && c->naddrs < SW_MAX_ADDRESSES; i++)
    if (want == AF_UNSPEC || addrs[i].ss_family == want)
      c->addrs[c->naddrs++] = addrs[i];
  if (c->naddrs == 0) {
    char what[SW_DETAIL_MAX];
    snprintf(what, sizeof what, "%s has no IPv%c address", c->host,
             want == AF_INET ? '4' : '6');
    sw__peer_fail(c, SW_OUTCOME_RESOLVE_FAILED, what, sw_clock_now_us());
    return;
  }
  if (!c->mbx) /* a mailbox session has no resolve step of its own */
    sw_dialogue_resolved(&c->dlg, sw_clock_now_us());
  if (c->all_addresses)
    sw__check_start_addresses(c);
  else
    sw__check_connect_next(c);
}

/* ---- the engine's side ------------------------------------------------------ */

enum sw_error sw__engine_dns_init(struct sw_engine *e, unsigned long *win_error)
{
  struct sw_dns *d = &e->dns;
  d->limit = SW_DNS_LOOKUPS_MAX;
  sw_list_init(&d->queue);
  sw_list_init(&d->running);
  sw_list_init(&d->jobs);
  sw_timer_heap_init(&d->timers);
  d->fn = system_resolve;
  struct sw_dns_shared *s = calloc(1, sizeof *s);
  if (!s)
    return SW_E_NOMEM;
  WSADATA wsa;
  int rc = WSAStartup(MAKEWORD(2, 2), &wsa); /* kept until the last thread is done */
  if (rc != 0) {
    free(s);
    *win_error = (unsigned long)rc;
    return SW_E_SYSTEM;
  }
  d->pool = CreateThreadpool(NULL);
  if (!d->pool) {
    *win_error = GetLastError();
    free(s);
    WSACleanup();
    return SW_E_SYSTEM;
  }
  SetThreadpoolThreadMaximum(d->pool, (DWORD)d->limit);
  InitializeThreadpoolEnvironment(&d->env);
  SetThreadpoolCallbackPool(&d->env, d->pool);
  SetThreadpoolCallbackRunsLong(&d->env);
  s->refs = 1;
  InitializeSRWLock(&s->lock);
  s->port = e->port;
  d->shared = s;
  InterlockedIncrement(&live_records);
  return SW_E_OK;
}

void sw_engine_set_dns_limit(struct sw_engine *e, int n)
{
  e->dns.limit = n < 1 ? 1 : n;
  SetThreadpoolThreadMaximum(e->dns.pool, (DWORD)e->dns.limit);
  pump(e, NULL);
}

void sw_engine_set_resolver(struct sw_engine *e, sw_engine_resolver_fn fn, void *ctx)
{
  e->dns.fn = fn ? fn : system_resolve;
  e->dns.fn_ctx = fn ? ctx : NULL;
}

bool sw__engine_dns_busy(const struct sw_engine *e)
{
  return !sw_list_empty(&e->dns.running);
}

void sw__engine_dns_close(struct sw_engine *e)
{
  struct sw_dns_shared *s = e->dns.shared;
  AcquireSRWLockExclusive(&s->lock);
  s->port = NULL;
  ReleaseSRWLockExclusive(&s->lock);
}

void sw__engine_dns_free(struct sw_engine *e)
{
  struct sw_dns *d = &e->dns;
  /* Every check is gone, and with it every queued lookup; every DNS
   * query's callback has run (sw__engine_dns_cancel_queries). */
  struct sw_list_node *node;
  while ((node = sw_list_first(&d->running)) != NULL) {
    struct sw_dns_slot *s = sw_list_entry(node, struct sw_dns_slot, link);
    sw_list_remove(node);
    d->nrunning--;
    sw__dns_slot_release(s); /* its thread holds the last reference */
  }
  sw_timer_heap_free(&d->timers);
  /* CloseThreadpool does not wait: "the thread pool is released
   * asynchronously after the outstanding objects are freed". */
  CloseThreadpool(d->pool);
  DestroyThreadpoolEnvironment(&d->env);
  shared_release(d->shared);
  d->shared = NULL;
}

void sw__engine_on_lookup(struct sw_engine *e, struct sw_req *req)
{
  struct sw_lookup *l = sw_container_of(req, struct sw_lookup, req);
  sw__engine_dns_answered(e, &l->slot);
  struct sw_check *c = l->check;
  if (c) {
    c->lookup = NULL;
    l->check = NULL;
    if (l->reverse)
      sw__check_ptr_answer(c, l->error, l->error && !l->name[0] ? NULL : l->name,
                           l->addrs, l->error ? 0 : l->naddrs);
    else if (l->error)
      sw__check_fail_win(c, SW_OUTCOME_RESOLVE_FAILED, (unsigned long)l->error,
                         "could not resolve %s%s", c->host, family_words(c->ip_family));
    else
      resolved(c, l->addrs, l->naddrs);
    sw__check_settle(c);
  }
  /* else: the check ended while its lookup ran; the answer is dropped */
  lookup_release(l);
  pump(e, NULL);
}

/* ---- the check's side --------------------------------------------------------- */

/* An IPv4 or IPv6 literal straight into c->addrs, without the resolver:
 * most rules name their server by address, and this is on the hot path. */
static bool parse_literal(struct sockaddr_storage *addr, const char *host, uint16_t port)
{
  struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
  memset(addr, 0, sizeof *addr);
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
  } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
  } else {
    return false;
  }
  return true;
}

/* Queues the check's lookup: of `host`, or the reverse one of `target`
 * if not NULL. False (nothing queued) if memory ran out. */
static bool lookup_start(struct sw_check *c, const char *host,
                         const struct sockaddr_storage *target)
{
  struct sw_engine *e = c->engine;
  size_t hl = strlen(host);
  struct sw_lookup *l = calloc(1, sizeof *l + hl + 1);
  if (!l)
    return false;
  memcpy(l->host, host, hl + 1);
  sw__dns_slot_init(e, &l->slot, &lookup_ops);
  InterlockedIncrement(&live_records);
  l->req.type = SW_REQ_RESOLVED;
  l->fn = e->dns.fn;
  l->fn_ctx = e->dns.fn_ctx;
  l->port = c->port;
  l->family = family_of(c->ip_family);
  if (target) {
    l->reverse = true;
    l->target = *target;
  }
  l->check = c;
  c->lookup = l;
  sw__engine_dns_enqueue(e, &l->slot);
  return true;
}

void sw__check_resolve(struct sw_check *c)
{
  struct sockaddr_storage literal;
  if (parse_literal(&literal, c->host, c->port)) {
    int want = family_of(c->ip_family);
    if (want != AF_UNSPEC && literal.ss_family != want) {
      char what[SW_DETAIL_MAX];
      snprintf(what, sizeof what,
               "%s is an IPv%c address, but the check is limited to IPv%c", c->host,
               want == AF_INET ? '6' : '4', want == AF_INET ? '4' : '6');
      sw__peer_fail(c, SW_OUTCOME_RESOLVE_FAILED, what, sw_clock_now_us());
      return;
    }
    resolved(c, &literal, 1);
    return;
  }
  if (!lookup_start(c, c->host, NULL))
    sw__peer_fail(c, SW_OUTCOME_INTERNAL_ERROR,
                  "out of memory while starting to resolve the host name",
                  sw_clock_now_us());
}

bool sw__check_resolve_reverse(struct sw_check *c)
{
  return lookup_start(c, "", &c->addrs[c->next_addr - 1]);
}

void sw__check_resolve_abandon(struct sw_check *c)
{
  if (c->lookup)
    detach(c);
}
