/* tls_responder: fast_responder's SMTP exchange over implicit TLS (native
 * Linux, OpenSSL), the peer for bench/run.sh's TLS rows.
 *
 * One thread, one epoll set, nonblocking sockets, OpenSSL on each socket. It
 * answers greeting / EHLO / QUIT as cheaply as a TLS server can, so the
 * figures are the client's. Session resumption is off (no session cache, no
 * tickets): every connection is a full handshake, the cost a monitor pays
 * against a server that does not resume, and a handshake rate that means
 * what it says.
 *
 *   tls_responder PORT CERT KEY [--seconds N]
 *
 * CERT is a PEM chain (leaf first), KEY its private key. PORT 0 picks an
 * ephemeral port, printed on stdout as "port N" once listening. Stops after
 * N seconds (default 600) or on SIGTERM/SIGINT, then prints what it served
 * on stderr. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "responder_loop.h"

#define LINE_MAX_BYTES 1024

struct conn {
  int fd; /* -1 when the slot is free */
  SSL *ssl;
  bool open; /* handshake done, greeting sent */
  bool want_out;
  size_t in_len;
  char in[LINE_MAX_BYTES];
};

struct stats {
  unsigned long long accepted, handshakes, quits, dropped;
};

static void conn_close(int ep, struct conn *c)
{
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  SSL_free(c->ssl);
  c->ssl = NULL;
  close(c->fd);
  c->fd = -1;
}

/* Waits for writability only while OpenSSL asks for it. */
static bool want_out(int ep, struct conn *c, bool on)
{
  if (on == c->want_out)
    return true;
  struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0u), .data.fd = c->fd};
  c->want_out = on;
  return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) == 0;
}

/* Replies are a few dozen bytes: on loopback a write that cannot go at once
 * means the client stopped reading, and the connection goes. */
static bool reply(struct conn *c, const char *s, size_t len)
{
  return SSL_write(c->ssl, s, (int)len) == (int)len;
}

/* Answers each complete line; false when the connection must close (QUIT
 * answered, or an error). */
static bool consume(struct conn *c, struct stats *st, bool *quit)
{
  size_t start = 0;
  char *nl;
  while ((nl = memchr(c->in + start, '\n', c->in_len - start)) != NULL) {
    size_t len = (size_t)(nl - (c->in + start));
    const char *line = c->in + start;
    if (len > 0 && line[len - 1] == '\r')
      len--;
    size_t answer_len;
    const char *answer = responder_reply(line, len, &answer_len, quit);
    bool ok = reply(c, answer, answer_len);
    if (*quit) {
      st->quits++;
      SSL_shutdown(c->ssl); /* close_notify; no wait for the client's */
      return false;
    }
    if (!ok)
      return false;
    start = (size_t)(nl - c->in) + 1;
  }
  memmove(c->in, c->in + start, c->in_len - start);
  c->in_len -= start;
  return c->in_len < sizeof c->in; /* a line longer than that: go */
}

static void on_event(int ep, struct conn *c, struct stats *st)
{
  bool quit = false;
  if (!c->open) {
    int rc = SSL_do_handshake(c->ssl);
    if (rc != 1) {
      int err = SSL_get_error(c->ssl, rc);
      if ((err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) &&
          want_out(ep, c, err == SSL_ERROR_WANT_WRITE))
        return;
      goto drop;
    }
    st->handshakes++;
    c->open = true;
    if (!want_out(ep, c, false) ||
        !reply(c, responder_greeting, strlen(responder_greeting)))
      goto drop;
  }
  for (;;) {
    int n = SSL_read(c->ssl, c->in + c->in_len, (int)(sizeof c->in - c->in_len));
    if (n > 0) {
      c->in_len += (size_t)n;
      if (!consume(c, st, &quit)) {
        if (quit)
          goto done;
        goto drop;
      }
      continue;
    }
    int err = SSL_get_error(c->ssl, n);
    if (err == SSL_ERROR_WANT_READ)
      return;
    goto drop; /* EOF, reset or a TLS error before QUIT */
  }
drop:
  st->dropped++;
done:
  ERR_clear_error(); /* the queue is per thread: keep it from growing */
  conn_close(ep, c);
}

static void accept_all(int ep, int lfd, SSL_CTX *ctx, struct stats *st)
{
  for (int fd; (fd = responder_accept("tls_responder", lfd)) >= 0;) {
    st->accepted++;
    struct conn *c = responder_slot(fd, sizeof *c);
    SSL *ssl = c ? SSL_new(ctx) : NULL;
    if (!ssl || !SSL_set_fd(ssl, fd)) {
      SSL_free(ssl);
      st->dropped++;
      close(fd);
      continue;
    }
    *c = (struct conn){.fd = fd, .ssl = ssl};
    SSL_set_accept_state(ssl);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
      st->dropped++;
      conn_close(ep, c);
    }
    /* The ClientHello comes later: nothing to do until it is readable. */
  }
}

static int usage(void)
{
  fprintf(stderr, "usage: tls_responder PORT CERT KEY [--seconds N]\n");
  return 2;
}

struct server {
  SSL_CTX *ctx;
  struct stats st;
};

static void on_accept(void *ctx, int ep, int lfd)
{
  struct server *sv = ctx;
  accept_all(ep, lfd, sv->ctx, &sv->st);
}

static void on_readiness(void *ctx, int ep, int fd, uint32_t events)
{
  (void)events; /* OpenSSL decides what it waits for */
  struct server *sv = ctx;
  struct conn *c = responder_slot_at(fd);
  if (c->fd == fd)
    on_event(ep, c, &sv->st);
}

int main(int argc, char **argv)
{
  unsigned port;
  double seconds;
  if (!responder_parse(argc, argv, 4, &port, &seconds))
    return usage();
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx || !SSL_CTX_use_certificate_chain_file(ctx, argv[2]) ||
      !SSL_CTX_use_PrivateKey_file(ctx, argv[3], SSL_FILETYPE_PEM)) {
    fprintf(stderr, "tls_responder: cannot load %s / %s\n", argv[2], argv[3]);
    ERR_print_errors_fp(stderr);
    return 1;
  }
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);

  int lfd = responder_listen("tls_responder", port);
  if (lfd < 0)
    return 1;
  struct server sv = {.ctx = ctx};
  if (responder_run("tls_responder", lfd, seconds, on_accept, on_readiness, &sv))
    return 1;
  struct stats *st = &sv.st;
  fprintf(stderr,
          "tls_responder: %llu connections, %llu handshakes, %llu QUITs answered, "
          "%llu dropped\n",
          st->accepted, st->handshakes, st->quits, st->dropped);
  SSL_CTX_free(ctx);
  return 0;
}
