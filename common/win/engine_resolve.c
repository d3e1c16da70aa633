/* Name resolution for the engine. Address literals are converted at once;
 * names are resolved with GetAddrInfoW on the system thread pool, and the
 * answer comes back to the loop as a completion packet, so the loop never
 * blocks on DNS. A check that times out while its lookup runs stays
 * allocated until the lookup's packet arrives (the engine's endgame). */
#include "engine_internal.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "win_error.h"

/* Runs GetAddrInfoW for c->host and stores the addresses in c; returns 0 or
 * the WSA error. Safe on any thread: it touches only c->addrs/naddrs. */
static int lookup(struct sw_check *c, int flags)
{
  wchar_t host[300], port[8];
  if (!MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, c->host, -1, host, 300))
    return WSAHOST_NOT_FOUND;
  swprintf(port, 8, L"%u", (unsigned)c->port);
  ADDRINFOW hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  hints.ai_flags = flags;
  int rc = GetAddrInfoW(host, port, &hints, &res);
  if (rc != 0)
    return rc;
  c->naddrs = 0;
  for (ADDRINFOW *ai = res; ai && c->naddrs < SW_MAX_ADDRESSES; ai = ai->ai_next) {
    if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
        ai->ai_addrlen > sizeof c->addrs[0])
      continue;
    memcpy(&c->addrs[c->naddrs++], ai->ai_addr, ai->ai_addrlen);
  }
  FreeAddrInfoW(res);
  return c->naddrs > 0 ? 0 : WSANO_DATA;
}

static void CALLBACK resolve_work(PTP_CALLBACK_INSTANCE instance, void *ctx)
{
  (void)instance;
  struct sw_check *c = ctx;
  c->resolve_error = (unsigned long)lookup(c, 0);
  PostQueuedCompletionStatus(c->engine->port, 0, 0, &c->resolve_req.ov);
}

static void resolve_failed(struct sw_check *c, unsigned long code)
{
  char text[200], detail[SW_DETAIL_MAX];
  sw_win_error_text(code, text, sizeof text);
  snprintf(detail, sizeof detail, "could not resolve %s: %s", c->host, text);
  c->last_error = code;
  sw_dialogue_fail(&c->dlg, SW_OUTCOME_RESOLVE_FAILED, detail, sw_clock_now_us());
}

/* An IPv4 or IPv6 literal straight into c->addrs, without the resolver:
 * most rules name their server by address, and this is on the hot path. */
static bool parse_literal(struct sw_check *c)
{
  struct sockaddr_in *v4 = (struct sockaddr_in *)&c->addrs[0];
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&c->addrs[0];
  memset(&c->addrs[0], 0, sizeof c->addrs[0]);
  if (inet_pton(AF_INET, c->host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(c->port);
  } else if (inet_pton(AF_INET6, c->host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(c->port);
  } else {
    return false;
  }
  c->naddrs = 1;
  return true;
}

void sw__check_resolve(struct sw_check *c)
{
  if (parse_literal(c)) {
    sw_dialogue_resolved(&c->dlg, sw_clock_now_us());
    sw__check_connect_next(c);
    return;
  }
  c->pending++;
  if (!TrySubmitThreadpoolCallback(resolve_work, c, NULL)) {
    c->pending--;
    unsigned long err = GetLastError();
    char text[200], detail[SW_DETAIL_MAX];
    sw_win_error_text(err, text, sizeof text);
    snprintf(detail, sizeof detail, "could not start resolving %s: %s", c->host, text);
    sw_dialogue_fail(&c->dlg, SW_OUTCOME_INTERNAL_ERROR, detail, sw_clock_now_us());
  }
}

void sw__check_on_resolved(struct sw_check *c)
{
  if (c->finished)
    return; /* timed out or cancelled while the lookup ran */
  if (c->resolve_error) {
    resolve_failed(c, c->resolve_error);
    return;
  }
  sw_dialogue_resolved(&c->dlg, sw_clock_now_us());
  sw__check_connect_next(c);
}
