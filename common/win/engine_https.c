/* The engine's own HTTPS GET (engine_https.h): resolving, connecting and
 * the fetch's lifecycle here; TLS and HTTP over the connection in
 * engine_https_io.c. A fetch is a struct of its own on the engine (not a
 * check: there is no SMTP dialogue), with the same rules: every socket
 * operation is a request on the engine's port counted in `pending`, the
 * callback runs once (sw__https_finish), and the struct is freed only
 * after its last completion has arrived (the endgame, as for checks). */
#include "engine_https_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "connect_budget.h"
#include "win_error.h"

static const char *const outcome_names[] = {SW_HTTPS_OUTCOME_MAP(SW_X_2)};

const char *sw_https_outcome_name(enum sw_https_outcome o)
{
  return SW_TABLE_AT(outcome_names, o, "unknown");
}

bool sw_https_get_spec_mta_sts(struct sw_https_get_spec *spec, const char *domain,
                               char *host, size_t size, char *why, size_t why_size)
{
  if (!domain || !*domain)
    return sw_error_say(why, why_size, "no domain was given for the MTA-STS policy");
  int n = snprintf(host, size, "mta-sts.%s", domain);
  if (n < 0 || (size_t)n >= size)
    return sw_error_say(why, why_size, "the domain %.80s is too long for a policy host",
                        domain);
  spec->host = host;
  spec->path = "/.well-known/mta-sts.txt"; /* RFC 8461 3.3 */
  spec->content_type = "text/plain";
  spec->body_max = SW_HTTPS_GET_BODY_MAX;
  return true;
}

/* ---- the endgame ----------------------------------------------------------- */

static void fetch_free(struct sw_https_get *f)
{
  sw_list_remove(&f->link);
  sw_engine_timer_disarm(f->engine, &f->timer);
  sw_tls_destroy(f->session);
  if (f->peer_cert)
    CertFreeCertificateContext(f->peer_cert);
  free(f->info.sans);
  sw_http_reader_free(&f->reader);
  sw_buf_free(&f->wire);
  free(f->strings);
  free(f);
}

void sw__https_settle(struct sw_https_get *f)
{
  if (f->finished && f->pending == 0)
    fetch_free(f);
}

static void close_socket(struct sw_https_get *f)
{
  if (f->sock == INVALID_SOCKET)
    return;
  /* Pending operations end with an error; their completions still come. */
  closesocket(f->sock);
  f->sock = INVALID_SOCKET;
}

void sw__https_finish(struct sw_https_get *f, enum sw_https_outcome outcome,
                      const char *fmt, ...)
{
  if (f->finished)
    return;
  f->finished = true;
  f->engine->https_live--;
  sw_engine_timer_disarm(f->engine, &f->timer);
  close_socket(f);
  for (int i = 0; i < 2; i++)
    if (f->dns[i]) {
      sw_engine_dns_abandon(f->dns[i]);
      f->dns[i] = NULL;
    }
  if (f->job) {
    sw__verify_let_go(f->job);
    f->job = NULL;
  }
  char detail[SW_HTTPS_GET_DETAIL_MAX] = "";
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
  }
  bool ok = outcome == SW_HTTPS_OK;
  struct sw_https_get_result r = {
      .outcome = outcome,
      .http_status = f->reader.status_code,
      .content_type = f->reader.content_type,
      .location = f->reader.location,
      .body = ok ? sw_buf_str(&f->reader.body) : NULL,
      .body_len = ok ? f->reader.body.len : 0,
      .detail = ok ? "" : detail,
      .url = f->url,
      .peer = f->peer,
      .tls = &f->info,
      .cert_outcome = f->cert_outcome,
      .elapsed_ms = (uint32_t)((sw_clock_now_us() - f->started_us) / 1000),
  };
  f->done(f->ctx, &r);
}

void sw__https_fail_win(struct sw_https_get *f, enum sw_https_outcome outcome,
                        unsigned long code, const char *what)
{
  char text[SW_HTTPS_GET_DETAIL_MAX];
  sw_win_error_sentence(text, sizeof text, code, "%s", what);
  sw__https_finish(f, outcome, "%s: %s", f->url, text);
}

/* ---- deadlines ----------------------------------------------------------- */

void sw__https_arm(struct sw_https_get *f)
{
  int64_t due = f->deadline_us;
  if (f->attempt_due && f->attempt_due < due)
    due = f->attempt_due;
  if (sw_engine_timer_arm(f->engine, &f->timer, due) != SW_E_OK)
    sw__https_finish(f, SW_HTTPS_INTERNAL_ERROR,
                     "%s: out of memory arming the fetch's deadline", f->url);
}

static const char *stage_words(const struct sw_https_get *f)
{
  switch (f->stage) {
  case SW_HTTPS_RESOLVING:
    return "resolving the host name";
  case SW_HTTPS_CONNECTING:
    return "connecting";
  case SW_HTTPS_HANDSHAKE:
    return "in the TLS handshake";
  case SW_HTTPS_VERIFYING:
    return "validating the server's certificate";
  default:
    return "waiting for the answer";
  }
}

/* The budget ran out, whoever saw it first: the fetch's timer or a DNS
 * query's own (which has the same deadline). */
static void time_is_up(struct sw_https_get *f)
{
  sw__https_finish(f, SW_HTTPS_TIMEOUT, "%s: no answer within %lu ms (%s%s%s)", f->url,
                   (unsigned long)((f->deadline_us - f->started_us) / 1000),
                   stage_words(f), f->peer[0] ? " with " : "", f->peer);
}

static void on_deadline(struct sw_https_get *f, int64_t now)
{
  if (now >= f->deadline_us) {
    time_is_up(f);
  } else if (f->attempt_due && now >= f->attempt_due) {
    /* This address had its share: the aborted connect moves on. */
    f->attempt_due = 0;
    CancelIoEx((HANDLE)f->sock, &f->connect_req.ov);
    sw__https_arm(f);
  } else {
    sw__https_arm(f);
  }
}

/* The fetch's deadline (its whole budget, or one address's share of it),
 * on the engine's job timers; `cancelled` when the engine stops, which
 * sw__engine_https_cancel has normally ended it for already. */
static void on_timer(struct sw_engine_timer *t, bool cancelled)
{
  struct sw_https_get *f = sw_container_of(t, struct sw_https_get, timer);
  if (cancelled)
    sw__https_finish(f, SW_HTTPS_CANCELLED, "%s: the engine was stopped", f->url);
  else
    on_deadline(f, sw_clock_now_us());
  sw__https_settle(f);
}

void sw__engine_https_cancel(struct sw_engine *e)
{
  struct sw_list_node *node, *tmp;
  SW_LIST_FOREACH_SAFE(node, tmp, &e->https_gets)
  {
    struct sw_https_get *f = sw_list_entry(node, struct sw_https_get, link);
    sw__https_finish(f, SW_HTTPS_CANCELLED, "%s: the engine was stopped", f->url);
    sw__https_settle(f);
  }
}

/* ---- connecting ---------------------------------------------------------- */

/* The completion of a ConnectEx, WSARecv or WSASend: its Winsock error, as
 * Microsoft documents for sockets, while the socket is open. */
DWORD sw__https_io_error(struct sw_https_get *f, struct sw_req *req, DWORD error)
{
  DWORD bytes, flags;
  if (error && f->sock != INVALID_SOCKET &&
      !WSAGetOverlappedResult(f->sock, &req->ov, &bytes, FALSE, &flags))
    return (DWORD)WSAGetLastError();
  return error;
}

static void connect_next(struct sw_https_get *f)
{
  unsigned long err = f->last_error;
  while (f->next_addr < f->naddrs) {
    const struct sockaddr_storage *addr = &f->addrs[f->next_addr++];
    sw__format_address((const struct sockaddr *)addr, f->peer, sizeof f->peer, NULL, 0);
    err = sw__engine_socket_open(f->engine, addr->ss_family, &f->sock);
    if (err)
      continue;
    f->attempt_due = sw_connect_attempt_due(sw_clock_now_us(), f->deadline_us,
                                            f->naddrs - f->next_addr);
    sw__https_arm(f);
    struct sw_connect_opts opts; /* best effort: engine_sockopt.h */
    sw_connect_prepare(&f->engine->sockopt, f->sock, (const struct sockaddr *)addr,
                       &opts);
    memset(&f->connect_req.ov, 0, sizeof f->connect_req.ov);
    if (f->engine->connectex(f->sock, (const struct sockaddr *)addr,
                             sw__sockaddr_len(addr), NULL, 0, NULL, &f->connect_req.ov) ||
        WSAGetLastError() == ERROR_IO_PENDING) {
      f->pending++; /* a completion comes either way */
      return;
    }
    err = (unsigned long)WSAGetLastError();
    close_socket(f);
  }
  char what[SW_HTTPS_GET_DETAIL_MAX];
  if (f->naddrs > 1)
    snprintf(what, sizeof what,
             "none of the %d addresses of %s accepted a connection (the "
             "last: %s)",
             f->naddrs, f->host, f->peer);
  else
    snprintf(what, sizeof what, "could not connect to %s", f->peer);
  sw__https_fail_win(f, SW_HTTPS_CONNECT_FAILED, err ? err : WSAECONNREFUSED, what);
}

static void on_connect(struct sw_req *req, DWORD bytes, DWORD error)
{
  (void)bytes;
  struct sw_https_get *f = sw_container_of(req, struct sw_https_get, connect_req);
  f->pending--;
  error = sw__https_io_error(f, req, error);
  if (!f->finished && error) {
    f->last_error = error == ERROR_OPERATION_ABORTED ? WSAETIMEDOUT : error;
    close_socket(f);
    connect_next(f);
  } else if (!f->finished) {
    setsockopt(f->sock, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0);
    f->attempt_due = 0;
    sw__https_arm(f);
    sw__https_start_tls(f);
  }
  sw__https_settle(f);
}

/* ---- resolving ----------------------------------------------------------- */

/* One of the two answers (AAAA, A): its addresses join the list, AAAA's
 * first; once both are in, connecting starts. */
static void on_dns(void *ctx, const struct sw_engine_dns_result *r)
{
  struct sw_https_get *f = ctx;
  int i = r->query->type == SW_DNS_AAAA ? 0 : 1;
  f->dns[i] = NULL;
  if (r->status == SW_ENGINE_DNS_TIMEOUT || r->status == SW_ENGINE_DNS_CANCELLED) {
    if (r->status == SW_ENGINE_DNS_TIMEOUT)
      time_is_up(f);
    else /* NEVER: the engine cancels fetches before their queries */
      sw__https_finish(f, SW_HTTPS_CANCELLED, "%s: the engine was stopped", f->url);
    sw__https_settle(f);
    return;
  }
  if (r->status == SW_ENGINE_DNS_ANSWERED && r->answer->result == SW_DNS_RESULT_RECORDS) {
    const struct sw_dns_answer *a = r->answer;
    for (size_t k = 0; k < a->nrecords && f->nfound[i] < SW_MAX_ADDRESSES / 2; k++) {
      struct sockaddr_storage *ss = &f->found[i][f->nfound[i]];
      memset(ss, 0, sizeof *ss);
      if (a->records[k].type == SW_DNS_AAAA && i == 0) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(f->port);
        memcpy(&a6->sin6_addr, a->records[k].aaaa, 16);
        f->nfound[i]++;
      } else if (a->records[k].type == SW_DNS_A && i == 1) {
        struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons(f->port);
        memcpy(&a4->sin_addr, a->records[k].a, 4);
        f->nfound[i]++;
      }
    }
  } else if (r->status == SW_ENGINE_DNS_ANSWERED) {
    sw_dns_answer_sentence(r->answer, r->query, f->dns_why[i], sizeof f->dns_why[i]);
  } else {
    snprintf(f->dns_why[i], sizeof f->dns_why[i], "%s", r->error);
  }
  if (f->dns[0] || f->dns[1] || f->finished)
    return; /* the other answer is still to come */
  for (int j = 0; j < 2; j++)
    for (int k = 0; k < f->nfound[j]; k++)
      f->addrs[f->naddrs++] = f->found[j][k];
  if (f->naddrs == 0) {
    sw__https_finish(f, SW_HTTPS_RESOLVE_FAILED, "%s: %s has no address: %s; %s", f->url,
                     f->host, f->dns_why[1], f->dns_why[0]);
  } else {
    f->stage = SW_HTTPS_CONNECTING;
    connect_next(f);
  }
  sw__https_settle(f);
}

/* ---- starting ------------------------------------------------------------ */

/* The spec's path: "/..." of printable ASCII without spaces. */
static bool path_ok(const char *p)
{
  if (!p || p[0] != '/' || strlen(p) > 1024)
    return false;
  for (; *p; p++)
    if (*p <= ' ' || *p > '~')
      return false;
  return true;
}

/* A new fetch with its strings, not yet started; NULL if memory ran out. */
static struct sw_https_get *fetch_new(struct sw_engine *e,
                                      const struct sw_https_get_spec *spec)
{
  struct sw_https_get *f = calloc(1, sizeof *f);
  uint16_t port = spec->port ? spec->port : 443;
  char portpart[8] = "";
  if (port != 443)
    snprintf(portpart, sizeof portpart, ":%u", (unsigned)port);
  size_t hl = strlen(spec->host), pl = strlen(spec->path);
  size_t ul = sizeof "https://" + hl + strlen(portpart) + pl;
  if (f)
    f->strings = malloc(hl + 1 + hl + strlen(portpart) + 1 + pl + 1 + ul);
  if (!f || !f->strings) {
    free(f);
    return NULL;
  }
  char *p = f->strings;
  f->host = p;
  p += sprintf(p, "%s", spec->host) + 1;
  f->authority = p;
  p += sprintf(p, "%s%s", spec->host, portpart) + 1;
  f->path = p;
  p += sprintf(p, "%s", spec->path) + 1;
  f->url = p;
  sprintf(p, "https://%s%s", f->authority, f->path);
  sw_list_init(&f->link);
  f->engine = e;
  f->port = port;
  f->sock = INVALID_SOCKET;
  f->body_max = spec->body_max && spec->body_max < SW_HTTPS_GET_BODY_MAX
                    ? spec->body_max
                    : SW_HTTPS_GET_BODY_MAX;
  snprintf(f->content_type, sizeof f->content_type, "%s",
           spec->content_type ? spec->content_type : "");
  f->cert_outcome = SW_OUTCOME_INTERNAL_ERROR; /* none judged yet */
  sw_http_reader_init(&f->reader, f->body_max, false);
  sw_buf_init(&f->wire, 0);
  sw_timer_init(&f->timer.t);
  f->timer.fn = on_timer;
  sw_engine_req_init(&f->connect_req, on_connect);
  sw__https_io_init(f);
  uint32_t timeout =
      spec->timeout_ms ? spec->timeout_ms : SW_HTTPS_GET_DEFAULT_TIMEOUT_MS;
  f->started_us = sw_clock_now_us();
  f->deadline_us = f->started_us + (int64_t)timeout * 1000;
  return f;
}

/* Asks for the host's AAAA and A records; false with *err and why[] if a
 * query could not start (then none runs). */
static bool ask_dns(struct sw_https_get *f, const struct sw_https_get_spec *spec,
                    enum sw_error *err, char *why, size_t size)
{
  uint32_t timeout = (uint32_t)((f->deadline_us - f->started_us) / 1000);
  static const enum sw_dns_type types[2] = {SW_DNS_AAAA, SW_DNS_A};
  for (int i = 0; i < 2; i++) {
    struct sw_engine_dns_spec q = {f->host, types[i], spec->dns_server, timeout};
    *err = sw_engine_dns_query(f->engine, &q, on_dns, f, &f->dns[i], why, size);
    if (*err) {
      if (i == 1) {
        sw_engine_dns_abandon(f->dns[0]);
        f->dns[0] = NULL;
      }
      return false;
    }
  }
  return true;
}

enum sw_error sw_engine_https_get(struct sw_engine *e,
                                  const struct sw_https_get_spec *spec,
                                  sw_https_get_fn done, void *ctx, char *why, size_t size)
{
  if (!spec || !done || !spec->host || !*spec->host) {
    sw_error_say(why, size, "no host or no callback was given for the HTTPS GET");
    return SW_E_INVALID_ARGUMENT;
  }
  if (!path_ok(spec->path)) {
    sw_error_say(why, size,
                 "the path of an HTTPS GET must start with '/' and hold only "
                 "printable ASCII without spaces (at most 1024 octets)");
    return SW_E_INVALID_ARGUMENT;
  }
  struct sw_https_get *f = fetch_new(e, spec);
  if (!f || sw_engine_timer_arm(e, &f->timer, f->deadline_us) != SW_E_OK) {
    if (f)
      fetch_free(f);
    sw_error_say(why, size, "out of memory starting an HTTPS GET");
    return SW_E_NOMEM;
  }
  enum sw_error err;
  if (!ask_dns(f, spec, &err, why, size)) {
    fetch_free(f);
    return err;
  }
  f->done = done;
  f->ctx = ctx;
  f->stage = SW_HTTPS_RESOLVING;
  sw_list_insert_tail(&e->https_gets, &f->link);
  e->https_live++;
  return SW_E_OK;
}
