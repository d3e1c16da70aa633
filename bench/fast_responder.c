/* fast_responder: the SMTP peer the benchmarks talk to (native Linux).
 *
 * One thread, one epoll set, nonblocking sockets: it answers the
 * greeting / EHLO / QUIT exchange as cheaply as a server can, so that what
 * bench/run.sh measures is the client (our engine, the bare IOCP loop,
 * check_smtp) and not the server. It is not an SMTP server: it keeps no
 * session state beyond the current input line.
 *
 *   fast_responder PORT [--seconds N]
 *
 * PORT 0 picks an ephemeral port. The chosen port is printed on stdout as
 * "port N" once the socket listens, so a script can wait for that line.
 * Stops after N seconds (default 600) or on SIGTERM/SIGINT, then prints
 * what it served on stderr. */
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

#include "responder_loop.h"

/* RFC 5321 allows 512-octet command lines; a little more costs nothing. */
#define LINE_MAX_BYTES 1024
/* Output is a handful of short replies; when a client stops reading we
 * close it rather than buffer without bound. */
#define OUT_MAX_BYTES 4096

static const char TOO_LONG_REPLY[] = "500 line too long\r\n";

struct conn {
  int fd;        /* -1 when the slot is free */
  bool closing;  /* QUIT answered: close once the output is flushed */
  bool skipping; /* discarding the rest of an over-long line */
  bool want_out; /* EPOLLOUT is armed */
  size_t in_len;
  size_t out_len;
  char in[LINE_MAX_BYTES];
  char out[OUT_MAX_BYTES];
};

struct stats {
  unsigned long long accepted;
  unsigned long long quits;
  unsigned long long dropped; /* closed by the peer, an error or overflow */
};

static void conn_close(int ep, struct conn *c)
{
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->fd = -1;
}

/* Writes what is queued; returns false when the connection must go. Arms
 * EPOLLOUT only while output is stuck, which on loopback is rare. */
static bool flush_out(int ep, struct conn *c)
{
  size_t done = 0;
  while (done < c->out_len) {
    ssize_t n = send(c->fd, c->out + done, c->out_len - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += (size_t)n;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    } else {
      return false;
    }
  }
  memmove(c->out, c->out + done, c->out_len - done);
  c->out_len -= done;
  bool want_out = c->out_len > 0;
  if (want_out != c->want_out) {
    struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0u),
                             .data.fd = c->fd};
    if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) != 0)
      return false;
    c->want_out = want_out;
  }
  return true;
}

static bool queue(struct conn *c, const char *s, size_t len)
{
  if (c->out_len + len > sizeof c->out)
    return false;
  memcpy(c->out + c->out_len, s, len);
  c->out_len += len;
  return true;
}

/* Answers one complete line (without its line ending). */
static bool answer(struct conn *c, const char *line, size_t len, struct stats *st)
{
  size_t reply_len;
  bool quit;
  const char *reply = responder_reply(line, len, &reply_len, &quit);
  if (quit) {
    st->quits++;
    c->closing = true;
  }
  return queue(c, reply, reply_len);
}

/* Splits what has arrived into lines (CRLF or a bare LF) and answers each;
 * a partial line waits in c->in for the rest. Returns false when the
 * connection must be closed now. */
static bool consume(struct conn *c, struct stats *st)
{
  size_t start = 0;
  while (!c->closing) {
    char *nl = memchr(c->in + start, '\n', c->in_len - start);
    if (!nl)
      break;
    size_t end = (size_t)(nl - c->in);
    size_t len = end - start;
    if (len > 0 && c->in[start + len - 1] == '\r')
      len--;
    if (c->skipping) {
      c->skipping = false;
      if (!queue(c, TOO_LONG_REPLY, sizeof TOO_LONG_REPLY - 1))
        return false;
    } else if (!answer(c, c->in + start, len, st)) {
      return false;
    }
    start = end + 1;
  }
  if (c->closing) {
    /* Input after QUIT is ignored: the session is over. */
    c->in_len = 0;
    return true;
  }
  memmove(c->in, c->in + start, c->in_len - start);
  c->in_len -= start;
  if (c->in_len == sizeof c->in) {
    /* No line ending within the limit: drop what we have, answer 500
     * once the line finally ends. */
    c->skipping = true;
    c->in_len = 0;
  }
  return true;
}

static void on_readable(int ep, struct conn *c, struct stats *st)
{
  for (;;) {
    ssize_t n = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);
    if (n > 0) {
      c->in_len += (size_t)n;
      if (!consume(c, st))
        goto drop;
      if (c->closing || c->in_len < sizeof c->in)
        break; /* level-triggered: anything left wakes us again */
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      break;
    goto drop; /* EOF or reset before QUIT */
  }
  if (!flush_out(ep, c))
    goto drop;
  if (c->closing && c->out_len == 0)
    conn_close(ep, c);
  return;
drop:
  st->dropped++;
  conn_close(ep, c);
}

static void on_writable(int ep, struct conn *c, struct stats *st)
{
  if (!flush_out(ep, c)) {
    st->dropped++;
    conn_close(ep, c);
    return;
  }
  if (c->out_len == 0 && c->closing)
    conn_close(ep, c);
}

static void accept_all(int ep, int lfd, struct stats *st)
{
  for (int fd; (fd = responder_accept("fast_responder", lfd)) >= 0;) {
    st->accepted++;
    struct conn *c = responder_slot(fd, sizeof *c);
    if (!c) {
      st->dropped++;
      close(fd);
      continue;
    }
    *c = (struct conn){.fd = fd};
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0 ||
        !queue(c, responder_greeting, strlen(responder_greeting)) || !flush_out(ep, c)) {
      st->dropped++;
      conn_close(ep, c);
    }
  }
}

static int usage(void)
{
  fprintf(stderr, "usage: fast_responder PORT [--seconds N]\n"
                  "  PORT 0 picks a free port; prints \"port N\" when listening.\n");
  return 2;
}

static void on_accept(void *ctx, int ep, int lfd)
{
  accept_all(ep, lfd, ctx);
}

static void on_event(void *ctx, int ep, int fd, uint32_t events)
{
  struct conn *c = responder_slot_at(fd);
  if (c->fd != fd)
    return; /* closed earlier in this batch */
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
    on_readable(ep, c, ctx);
  else if (events & EPOLLOUT)
    on_writable(ep, c, ctx);
}

int main(int argc, char **argv)
{
  unsigned port;
  double seconds;
  if (!responder_parse(argc, argv, 2, &port, &seconds))
    return usage();
  int lfd = responder_listen("fast_responder", port);
  if (lfd < 0)
    return 1;
  struct stats st = {0};
  if (responder_run("fast_responder", lfd, seconds, on_accept, on_event, &st))
    return 1;
  fprintf(stderr, "fast_responder: %llu connections, %llu QUITs answered, %llu dropped\n",
          st.accepted, st.quits, st.dropped);
  return 0;
}
