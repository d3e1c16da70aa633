/* TLS and HTTP over a fetch's connection (engine_https.h): the handshake
 * through the fetch's Schannel session, the certificate validated like an
 * SMTP check's (off the loop), then one GET and its answer read by the
 * sans-IO reader (http_reader.h). Judged as soon as the head says enough:
 * the body of an answer that is refused anyway is not read. */
#include "engine_https_internal.h"

#include <stdio.h>
#include <string.h>

#include "cert_check.h"
#include "clock.h"
#include "text_escape.h"

/* What a refused answer's sentence quotes of the server's words. */
static void quoted(char *out, size_t size, const char *value)
{
  sw__escape_text(out, size, value, strlen(value), false);
}

/* ---- sending and receiving ------------------------------------------------- */

static void start_read(struct sw_https_get *f)
{
  /* While the certificate is judged, what the server sends waits in the
   * socket. */
  if (f->reading || f->finished || f->sock == INVALID_SOCKET ||
      f->stage == SW_HTTPS_VERIFYING)
    return;
  WSABUF buf = {.len = sizeof f->rbuf, .buf = f->rbuf};
  DWORD flags = 0;
  memset(&f->read_req.ov, 0, sizeof f->read_req.ov);
  if (WSARecv(f->sock, &buf, 1, NULL, &flags, &f->read_req.ov, NULL) != 0 &&
      WSAGetLastError() != WSA_IO_PENDING) {
    sw__https_fail_win(f, SW_HTTPS_CONNECT_FAILED, (unsigned long)WSAGetLastError(),
                       "reading from the server failed");
    return;
  }
  f->reading = true;
  f->pending++;
}

/* Sends what the session has for the wire, one write at a time. */
static void flush(struct sw_https_get *f)
{
  if (f->writing || f->finished || f->sock == INVALID_SOCKET)
    return;
  if (f->woff >= f->wire.len) {
    f->wire.len = f->woff = 0;
    if (sw_tls_take_output(f->session, &f->wire) != SW_E_OK) {
      sw__https_finish(f, SW_HTTPS_INTERNAL_ERROR, "%s: out of memory while sending",
                       f->url);
      return;
    }
    if (f->wire.len == 0)
      return;
  }
  WSABUF buf = {.len = (ULONG)(f->wire.len - f->woff), .buf = f->wire.data + f->woff};
  memset(&f->write_req.ov, 0, sizeof f->write_req.ov);
  if (WSASend(f->sock, &buf, 1, NULL, 0, &f->write_req.ov, NULL) != 0 &&
      WSAGetLastError() != WSA_IO_PENDING) {
    sw__https_fail_win(f, SW_HTTPS_CONNECT_FAILED, (unsigned long)WSAGetLastError(),
                       "sending to the server failed");
    return;
  }
  f->writing = true;
  f->pending++;
}

/* ---- the answer ------------------------------------------------------------ */

/* A head with a status other than 200, or a 200 of another media type:
 * judged without its body. False if the head does not decide. */
static bool judge_head(struct sw_https_get *f)
{
  const struct sw_http_reader *r = &f->reader;
  if (!r->head_done)
    return false;
  char text[SW_HTTP_FIELD_KEPT_MAX * 2];
  if (r->status_code >= 300 && r->status_code < 400) {
    quoted(text, sizeof text, r->location);
    sw__https_finish(f, SW_HTTPS_REDIRECT,
                     "%s answered %d%s%s%s; redirects are not followed (RFC 8461 3.3)",
                     f->url, r->status_code, text[0] ? " (to " : "", text,
                     text[0] ? ")" : "");
    return true;
  }
  if (r->status_code != 200) {
    sw__https_finish(f, SW_HTTPS_HTTP_STATUS, "%s answered %d, not 200", f->url,
                     r->status_code);
    return true;
  }
  if (f->content_type[0] && !sw_http_media_type_is(r->content_type, f->content_type)) {
    quoted(text, sizeof text, r->content_type);
    if (text[0])
      sw__https_finish(f, SW_HTTPS_WRONG_TYPE,
                       "%s answered with Content-Type \"%s\", not %s", f->url, text,
                       f->content_type);
    else
      sw__https_finish(f, SW_HTTPS_WRONG_TYPE,
                       "%s answered without a Content-Type (%s "
                       "is required)",
                       f->url, f->content_type);
    return true;
  }
  return false;
}

/* After the reader said `st`: the fetch's end, if this is it. */
static void judge(struct sw_https_get *f, enum sw_http_status st)
{
  if (f->finished || judge_head(f))
    return;
  switch (st) {
  case SW_HTTP_DONE:
    sw__https_finish(f, SW_HTTPS_OK, NULL);
    return;
  case SW_HTTP_TOO_BIG:
    sw__https_finish(f, SW_HTTPS_TOO_BIG, "%s: %s", f->url, f->reader.error);
    return;
  case SW_HTTP_BAD:
    sw__https_finish(f, SW_HTTPS_BAD_RESPONSE, "%s: %s", f->url, f->reader.error);
    return;
  default:
    return; /* more to read */
  }
}

/* Plaintext that came through the session goes to the reader. */
static void deliver(struct sw_https_get *f)
{
  if (f->finished || f->stage != SW_HTTPS_EXCHANGE)
    return;
  size_t len;
  const char *p = sw_tls_plaintext(f->session, &len);
  if (len) {
    enum sw_http_status st = sw_http_reader_feed(&f->reader, p, len, NULL);
    sw_tls_plaintext_taken(f->session);
    judge(f, st);
  }
  if (!f->finished && sw_tls_state(f->session) == SW_TLS_CLOSED)
    judge(f, sw_http_reader_eof(&f->reader)); /* close_notify: the end */
}

/* ---- TLS and the certificate -------------------------------------------------- */

static void send_request(struct sw_https_get *f)
{
  char req[1600];
  int n = snprintf(req, sizeof req,
                   "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: SMTP-Watch\r\n"
                   "Accept: %s\r\nConnection: close\r\n\r\n",
                   f->path, f->authority, f->content_type[0] ? f->content_type : "*/*");
  if (n < 0 || (size_t)n >= sizeof req || sw_tls_send(f->session, req, (size_t)n)) {
    sw__https_finish(f, SW_HTTPS_INTERNAL_ERROR, "%s: the request could not be sent",
                     f->url);
    return;
  }
  f->request_sent = true;
  f->stage = SW_HTTPS_EXCHANGE;
}

static void on_verdict(void *owner, const struct sw_cert_verdict *v)
{
  struct sw_https_get *f = owner;
  f->job = NULL;
  f->cert_outcome = v->outcome;
  f->info.verified =
      v->outcome == SW_OUTCOME_OK || v->outcome == SW_OUTCOME_CERT_CHAIN_INCOMPLETE;
  if (!f->info.verified) {
    sw__https_finish(f, SW_HTTPS_CERT_REFUSED,
                     "%s: the certificate of %s was refused: %s", f->url, f->host,
                     v->detail);
  } else {
    send_request(f);
    deliver(f);
    flush(f);
    start_read(f);
  }
  sw__https_settle(f);
}

/* The handshake completed: what was negotiated, then the certificate's
 * validation off the loop. */
static void start_verify(struct sw_https_get *f)
{
  f->stage = SW_HTTPS_VERIFYING;
  sw_tls_describe(f->session, &f->info);
  f->info.used = true;
  f->peer_cert = sw_tls_peer_certificate(f->session);
  if (!f->peer_cert) {
    sw__https_finish(f, SW_HTTPS_CERT_REFUSED, "%s: the server sent no certificate",
                     f->url);
    return;
  }
  sw_cert_describe(f->peer_cert, &f->info); /* out of memory leaves names out */
  int64_t left_ms = (f->deadline_us - sw_clock_now_us()) / 1000;
  unsigned long win_error;
  f->job =
      sw__verify_start(f->engine, f->peer_cert, f->host, f->info.sans,
                       left_ms > 1 ? (uint32_t)left_ms : 1, on_verdict, f, &win_error);
  if (!f->job && win_error)
    sw__https_fail_win(f, SW_HTTPS_INTERNAL_ERROR, win_error,
                       "could not start the certificate check");
  else if (!f->job)
    sw__https_finish(f, SW_HTTPS_INTERNAL_ERROR,
                     "%s: out of memory starting the certificate check", f->url);
}

static void received(struct sw_https_get *f, const char *data, size_t len)
{
  if (sw_tls_receive(f->session, data, len) != SW_E_OK) {
    sw__https_finish(f, SW_HTTPS_INTERNAL_ERROR, "%s: out of memory while receiving",
                     f->url);
    return;
  }
  if (sw_tls_state(f->session) == SW_TLS_FAILED) {
    char text[SW_DETAIL_MAX];
    f->last_error = sw_tls_failure(f->session, text, sizeof text);
    deliver(f); /* what came before a bad record was good */
    if (!f->finished)
      sw__https_finish(f, SW_HTTPS_TLS_FAILED, "%s: %s (with %s)", f->url, text, f->peer);
    return;
  }
  if (f->stage == SW_HTTPS_HANDSHAKE && sw_tls_handshake_complete(f->session))
    start_verify(f);
  deliver(f);
}

void sw__https_start_tls(struct sw_https_get *f)
{
  unsigned long status = 0;
  enum sw_error err = sw__engine_tls_cred(f->engine, &status);
  if (!err)
    err = sw_tls_create(&f->session, f->engine->tls_cred, f->host, &status);
  if (err == SW_E_SYSTEM) {
    sw__https_fail_win(f, SW_HTTPS_TLS_FAILED, status,
                       "Schannel could not begin the "
                       "handshake");
    return;
  }
  if (err) {
    sw__https_finish(f, SW_HTTPS_INTERNAL_ERROR, "%s: could not start TLS: %s", f->url,
                     sw_error_text(err));
    return;
  }
  f->stage = SW_HTTPS_HANDSHAKE;
  flush(f); /* the ClientHello */
  start_read(f);
}

/* ---- completions ------------------------------------------------------------ */

static void on_read(struct sw_req *req, DWORD bytes, DWORD error)
{
  struct sw_https_get *f = sw_container_of(req, struct sw_https_get, read_req);
  f->pending--;
  f->reading = false;
  error = sw__https_io_error(f, req, error);
  if (f->finished) {
    /* a completion of the socket closed at the end */
  } else if (error) {
    sw__https_fail_win(f, SW_HTTPS_CONNECT_FAILED, error,
                       "the connection failed while "
                       "reading");
  } else if (bytes == 0 && f->stage != SW_HTTPS_EXCHANGE) {
    sw__https_finish(f, SW_HTTPS_TLS_FAILED,
                     "%s: %s closed the connection in the TLS handshake", f->url,
                     f->peer);
  } else if (bytes == 0) {
    judge(f, sw_http_reader_eof(&f->reader));
  } else {
    received(f, f->rbuf, bytes);
    flush(f);
    start_read(f);
  }
  sw__https_settle(f);
}

static void on_write(struct sw_req *req, DWORD bytes, DWORD error)
{
  struct sw_https_get *f = sw_container_of(req, struct sw_https_get, write_req);
  f->pending--;
  f->writing = false;
  error = sw__https_io_error(f, req, error);
  if (f->finished) {
    /* as above */
  } else if (error) {
    sw__https_fail_win(f, SW_HTTPS_CONNECT_FAILED, error,
                       "the connection failed while "
                       "sending");
  } else {
    f->woff += bytes;
    flush(f);
  }
  sw__https_settle(f);
}

void sw__https_io_init(struct sw_https_get *f)
{
  sw_engine_req_init(&f->read_req, on_read);
  sw_engine_req_init(&f->write_req, on_write);
}
