/* One check's socket: connect to each resolved address in turn (ConnectEx),
 * then move bytes between WSARecv/WSASend and the sans-IO dialogue, through
 * the check's TLS session once there is one (engine_tls.c). This file only
 * moves bytes; every SMTP decision is the dialogue's. */
#include "engine_internal.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "connect_budget.h"
#include "sw_macros.h"

/* Win32/WSA error -> outcome, for failures after the connection was up. */
static enum sw_outcome transfer_outcome(unsigned long code)
{
  switch (code) {
  case WSAECONNRESET:
  case WSAECONNABORTED:
  case WSAEDISCON:
  case ERROR_NETNAME_DELETED:
  case ERROR_CONNECTION_ABORTED:
    return SW_OUTCOME_CLOSED;
  default:
    return SW_OUTCOME_NETWORK_ERROR;
  }
}

/* Win32/WSA error -> outcome, for a failed connection attempt. */
static enum sw_outcome connect_outcome(unsigned long code)
{
  switch (code) {
  case WSAECONNREFUSED:
  case ERROR_CONNECTION_REFUSED:
    return SW_OUTCOME_REFUSED;
  default:
    return SW_OUTCOME_NETWORK_ERROR;
  }
}

void sw__format_address(const struct sockaddr *sa, char *out, size_t size, char *literal,
                        size_t literal_size)
{
  char host[INET6_ADDRSTRLEN] = "?";
  bool v6 = sa->sa_family == AF_INET6;
  const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)sa;
  const struct sockaddr_in *a4 = (const struct sockaddr_in *)sa;
  inet_ntop(v6 ? AF_INET6 : AF_INET, v6 ? (const void *)&a6->sin6_addr : &a4->sin_addr,
            host, sizeof host);
  unsigned port = ntohs(v6 ? a6->sin6_port : a4->sin_port);
  snprintf(out, size, v6 ? "[%s]:%u" : "%s:%u", host, port);
  if (literal)
    snprintf(literal, literal_size, v6 ? "[IPv6:%s]" : "[%s]", host);
}

void sw__check_close_socket(struct sw_check *c)
{
  if (c->sock == INVALID_SOCKET)
    return;
  /* Closing cancels whatever is still pending on the socket; the aborted
   * completions still arrive and are counted off in sw__check_on_io. */
  closesocket(c->sock);
  c->sock = INVALID_SOCKET;
}

int sw__sockaddr_len(const struct sockaddr_storage *a)
{
  return a->ss_family == AF_INET6 ? (int)sizeof(struct sockaddr_in6)
                                  : (int)sizeof(struct sockaddr_in);
}

unsigned long sw__engine_socket_open(struct sw_engine *e, int family, SOCKET *out)
{
  *out = INVALID_SOCKET;
  SOCKET s = WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
  if (s == INVALID_SOCKET)
    return (unsigned long)WSAGetLastError();
  struct sockaddr_storage any;
  memset(&any, 0, sizeof any);
  any.ss_family = (ADDRESS_FAMILY)family;
  /* ConnectEx needs a bound socket. */
  if (bind(s, (struct sockaddr *)&any, sw__sockaddr_len(&any)) != 0 ||
      !CreateIoCompletionPort((HANDLE)s, e->port, 0, 0)) {
    unsigned long err = (unsigned long)WSAGetLastError();
    closesocket(s);
    return err ? err : GetLastError();
  }
  *out = s;
  return 0;
}

/* Creates, binds and associates the check's socket for `family`; WSA error
 * or 0. */
static unsigned long open_socket(struct sw_check *c, int family)
{
  return sw__engine_socket_open(c->engine, family, &c->sock);
}

void sw__check_connect_next(struct sw_check *c)
{
  unsigned long err = c->last_error;
  while (c->next_addr < c->naddrs) {
    const struct sockaddr_storage *addr = &c->addrs[c->next_addr++];
    c->icmp_text[0] = '\0'; /* the last attempt's ICMP answer is the one told */
    err = open_socket(c, addr->ss_family);
    if (err)
      continue;
    /* Each address left gets a fair share of the budget, so one that
     * drops SYNs does not starve the next (connect_budget.h). */
    c->attempt_due = sw_connect_attempt_due(sw_clock_now_us(), sw__peer_deadline(c),
                                            c->naddrs - c->next_addr);
    sw__check_update_timer(c);
    struct sw_connect_opts opts; /* best effort: see engine_sockopt.h */
    sw_connect_prepare(&c->engine->sockopt, c->sock, (const struct sockaddr *)addr,
                       &opts);
    memset(&c->connect_req.ov, 0, sizeof c->connect_req.ov);
    if (c->engine->connectex(c->sock, (const struct sockaddr *)addr,
                             sw__sockaddr_len(addr), NULL, 0, NULL, &c->connect_req.ov) ||
        WSAGetLastError() == ERROR_IO_PENDING) {
      c->pending++; /* success or pending: a completion is queued either way */
      return;
    }
    err = (unsigned long)WSAGetLastError();
    sw__check_close_socket(c);
  }
  char what[SW_DETAIL_MAX];
  char peer[SW_PEER_MAX] = "";
  if (NEVER(!err))
    err = WSAECONNREFUSED; /* an attempt that ends records its error */
  if (c->naddrs > 0)
    sw__format_address((const struct sockaddr *)&c->addrs[c->naddrs - 1], peer,
                       sizeof peer, NULL, 0);
  if (c->icmp_text[0]) {
    /* The network said why (ICMP): that beats the error code's text. */
    if (c->naddrs > 1)
      snprintf(what, sizeof what,
               "none of the %d addresses of %s accepted a connection; the network "
               "answered the last, %s, with %s (error %lu)",
               c->naddrs, c->host, peer, c->icmp_text, err);
    else
      snprintf(what, sizeof what,
               "the network answered the connection to %s with %s (error %lu)", peer,
               c->icmp_text, err);
    c->last_error = err;
    sw__peer_fail(c, c->icmp_rejected ? SW_OUTCOME_REFUSED : SW_OUTCOME_NETWORK_ERROR,
                  what, sw_clock_now_us());
    return;
  }
  if (connect_outcome(err) == SW_OUTCOME_REFUSED) {
    /* The outcome's title already says "refused": say where and why. */
    if (c->naddrs > 1)
      snprintf(what, sizeof what,
               "nothing listens on any of the %d addresses of %s (the last: %s), or a "
               "firewall rejects the connection (error %lu)",
               c->naddrs, c->host, peer, err);
    else
      snprintf(what, sizeof what,
               "nothing listens at %s, or a firewall rejects the connection (error %lu)",
               peer, err);
    c->last_error = err;
    sw__peer_fail(c, SW_OUTCOME_REFUSED, what, sw_clock_now_us());
    return;
  }
  if (c->naddrs > 1)
    snprintf(what, sizeof what, "none of the %d addresses of %s accepted a connection",
             c->naddrs, c->host);
  else
    snprintf(what, sizeof what, "could not connect to %s", peer);
  sw__check_fail_win(c, SW_OUTCOME_NETWORK_ERROR, err, "%s", what);
}

/* After WSARecv or WSASend returned `rc`: whether the operation is under
 * way (its completion will come, counted in `pending`); if not, the check
 * has failed with `what`. */
static bool under_way(struct sw_check *c, int rc, const char *what)
{
  if (rc != 0) {
    unsigned long err = (unsigned long)WSAGetLastError();
    if (err != WSA_IO_PENDING) {
      sw__check_fail_win(c, transfer_outcome(err), err, "%s", what);
      return false;
    }
  }
  c->pending++;
  return true;
}

void sw__check_start_read(struct sw_check *c)
{
  /* While the certificate is checked, what the server sends waits in the
   * socket rather than in our buffers. */
  if (c->reading || (c->tls && c->tls->verifying) || sw__peer_done(c) ||
      c->sock == INVALID_SOCKET)
    return;
  WSABUF buf = {.len = sizeof c->rbuf, .buf = c->rbuf};
  DWORD flags = 0;
  memset(&c->read_req.ov, 0, sizeof c->read_req.ov);
  c->reading =
      under_way(c, WSARecv(c->sock, &buf, 1, NULL, &flags, &c->read_req.ov, NULL),
                "reading from the server failed");
}

void sw__check_send(struct sw_check *c)
{
  WSABUF buf = {.len = (ULONG)(c->wlen - c->woff), .buf = c->wbase + c->woff};
  memset(&c->write_req.ov, 0, sizeof c->write_req.ov);
  c->writing = under_way(c, WSASend(c->sock, &buf, 1, NULL, 0, &c->write_req.ov, NULL),
                         "sending to the server failed");
}

/* Sends what the dialogue has to say. The bytes are copied (a command, or a
 * piece of a message of at most SW_DIALOGUE_SEND_MAX), so the dialogue may
 * produce its next command while this one is still in flight. */
void sw__check_flush(struct sw_check *c)
{
  sw__check_oauth_want(c); /* the token, if the dialogue waits for one */
  if (sw__check_uses_tls(c)) {
    sw__check_tls_flush(c);
    return;
  }
  if (c->writing || c->sock == INVALID_SOCKET)
    return;
  if (c->wlen == 0) {
    size_t len;
    const char *out = sw__peer_output(c, &len);
    if (len == 0)
      return;
    memcpy(c->wbuf, out, len);
    c->wbase = c->wbuf;
    c->wlen = len;
    c->woff = 0;
    sw__peer_sent(c, len);
  }
  sw__check_send(c);
}

static void on_connect(struct sw_check *c, DWORD error)
{
  if (error) {
    unsigned long err = error;
    if (err == ERROR_OPERATION_ABORTED)
      err = WSAETIMEDOUT; /* we cancelled: this address's share ran out */
    else
      sw_connect_icmp_failure(&c->engine->sockopt, c->sock, c->icmp_text,
                              sizeof c->icmp_text, &c->icmp_rejected);
    c->last_error = err;
    sw__check_close_socket(c);
    sw__check_connect_next(c);
    return;
  }
  setsockopt(c->sock, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0);
  c->attempt_due = 0;
  sw__check_update_timer(c);

  char peer[SW_PEER_MAX], literal[80];
  struct sockaddr_storage local;
  int local_len = sizeof local;
  sw__format_address((const struct sockaddr *)&c->addrs[c->next_addr - 1], peer,
                     sizeof peer, NULL, 0);
  const char *ehlo = c->ehlo_name;
  if (!*ehlo)
    ehlo = c->engine->fqdn;
  if (!*ehlo) {
    char ignored[SW_PEER_MAX];
    /* A connected socket has a local address. */
    if (ALWAYS(getsockname(c->sock, (struct sockaddr *)&local, &local_len) == 0)) {
      sw__format_address((const struct sockaddr *)&local, ignored, sizeof ignored,
                         literal, sizeof literal);
      ehlo = literal;
    } else {
      ehlo = "[127.0.0.1]";
    }
  }
  sw__peer_connected(c, peer, ehlo, sw_clock_now_us());
  sw__check_start_read(c);
  sw__check_flush(c);
}

void sw__check_on_io(struct sw_check *c, struct sw_req *req, DWORD bytes, DWORD error)
{
  if (req->type == SW_REQ_READ)
    c->reading = false;
  else if (req->type == SW_REQ_WRITE)
    c->writing = false;
  if (c->stage != SW_STAGE_DIALOGUE)
    return; /* a completion of a socket we closed */

  switch (req->type) {
  case SW_REQ_CONNECT:
    on_connect(c, error);
    return;
  case SW_REQ_READ:
    if (error) {
      sw__check_fail_win(c, transfer_outcome(error), error,
                         "the connection failed while reading");
    } else if (bytes == 0) {
      sw__peer_eof(c, sw_clock_now_us());
    } else {
      if (sw__check_uses_tls(c))
        sw__check_tls_received(c, c->rbuf, bytes);
      else
        sw__peer_receive(c, c->rbuf, bytes, sw_clock_now_us());
      sw__check_flush(c);
      sw__check_start_read(c);
    }
    return;
  case SW_REQ_WRITE:
    if (error) {
      sw__check_fail_win(c, transfer_outcome(error), error,
                         "the connection failed while sending");
      return;
    }
    c->woff += bytes;
    if (c->woff >= c->wlen) {
      if (c->wbase == c->wbuf)
        sw_auth_wipe(c->wbuf, c->wlen); /* it may have held an AUTH line */
      c->wlen = c->woff = 0;
    }
    sw__check_flush(c);
    return;
  default:
    assert(!"engine.c dispatches only a check's socket requests here");
    return;
  }
}

void sw__check_on_timer(struct sw_check *c, int64_t now)
{
  if (c->stage == SW_STAGE_PTR) {
    sw__check_ptr_give_up(c, false); /* only the deadline is armed now */
    return;
  }
  if (c->stage != SW_STAGE_DIALOGUE)
    return;
  if (now >= sw__peer_deadline(c)) {
    /* A mailbox session whose IDLE wait ended goes on (DONE is due). */
    if (!sw__peer_timeout(c, now)) {
      sw__check_flush(c);
      sw__check_update_timer(c);
    } else if (c->sock != INVALID_SOCKET) {
      CancelIoEx((HANDLE)c->sock, NULL); /* the pending read or connect */
    }
  } else if (c->attempt_due && now >= c->attempt_due) {
    /* This address had its share: abandon the attempt; the aborted
     * completion moves on to the next address. */
    c->attempt_due = 0;
    CancelIoEx((HANDLE)c->sock, &c->connect_req.ov);
    sw__check_update_timer(c);
  } else {
    sw__check_update_timer(c);
  }
}
