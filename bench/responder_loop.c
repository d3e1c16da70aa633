#define _GNU_SOURCE
#include "responder_loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define EVENTS_PER_WAIT 256

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
  (void)sig;
  stop_requested = 1;
}

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool responder_parse(int argc, char **argv, int first_option, unsigned *port,
                     double *seconds)
{
  if (argc < first_option)
    return false;
  char *end;
  unsigned long p = strtoul(argv[1], &end, 10);
  if (*end || p > 65535)
    return false;
  *port = (unsigned)p;
  *seconds = 600;
  for (int i = first_option; i < argc; i++) {
    if (strcmp(argv[i], "--seconds") != 0 || i + 1 >= argc)
      return false;
    *seconds = strtod(argv[++i], &end);
    if (*end || *seconds <= 0)
      return false;
  }
  return true;
}

int responder_listen(const char *name, unsigned port)
{
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    fprintf(stderr, "%s: socket: %s\n", name, strerror(errno));
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  /* 1000 clients connecting at once must not overflow the queue. */
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 4096) != 0) {
    fprintf(stderr, "%s: bind/listen on port %u: %s\n", name, port, strerror(errno));
    close(fd);
    return -1;
  }
  struct sockaddr_in bound;
  socklen_t blen = sizeof bound;
  getsockname(fd, (struct sockaddr *)&bound, &blen);
  printf("port %u\n", ntohs(bound.sin_port));
  fflush(stdout);
  return fd;
}

int responder_run(const char *name, int lfd, double seconds,
                  responder_accept_fn on_accept, responder_event_fn on_event, void *ctx)
{
  struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: wake epoll_wait */
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event lev = {.events = EPOLLIN, .data.fd = lfd};
  if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev) != 0) {
    fprintf(stderr, "%s: epoll: %s\n", name, strerror(errno));
    return 1;
  }
  double deadline = now_s() + seconds;
  struct epoll_event events[EVENTS_PER_WAIT];
  while (!stop_requested) {
    double left = deadline - now_s();
    if (left <= 0)
      break;
    int n =
        epoll_wait(ep, events, EVENTS_PER_WAIT, left > 1 ? 1000 : (int)(left * 1000) + 1);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      fprintf(stderr, "%s: epoll_wait: %s\n", name, strerror(errno));
      break;
    }
    for (int i = 0; i < n; i++) {
      if (events[i].data.fd == lfd)
        on_accept(ctx, ep, lfd);
      else
        on_event(ctx, ep, events[i].data.fd, events[i].events);
    }
  }
  close(ep);
  return 0;
}

int responder_accept(const char *name, int lfd)
{
  for (;;) {
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return fd;
    }
    if (errno == EINTR || errno == ECONNABORTED)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      fprintf(stderr, "%s: accept4: %s\n", name, strerror(errno)); /* e.g. EMFILE */
    return -1;
  }
}

static void **slots;
static size_t slot_count;

void *responder_slot(int fd, size_t size)
{
  if ((size_t)fd >= slot_count) {
    size_t n = slot_count ? slot_count : 1024;
    while (n <= (size_t)fd)
      n *= 2;
    void **t = realloc(slots, n * sizeof *t);
    if (!t)
      return NULL;
    memset(t + slot_count, 0, (n - slot_count) * sizeof *t);
    slots = t;
    slot_count = n;
  }
  if (!slots[fd])
    slots[fd] = calloc(1, size);
  return slots[fd];
}

void *responder_slot_at(int fd)
{
  return slots[fd];
}

const char responder_greeting[] = "220 bench.local ESMTP\r\n";

/* Whether `line` (len octets, no CRLF) is the four-letter command `verb`,
 * in any case, alone or followed by a space. */
static bool is_verb(const char *line, size_t len, const char *verb)
{
  return len >= 4 && strncasecmp(line, verb, 4) == 0 && (len == 4 || line[4] == ' ');
}

const char *responder_reply(const char *line, size_t len, size_t *reply_len, bool *quit)
{
  static const char ehlo[] = "250-bench.local\r\n250-PIPELINING\r\n250 8BITMIME\r\n";
  static const char helo[] = "250 bench.local\r\n";
  static const char bye[] = "221 bench.local closing\r\n";
  static const char ok[] = "250 OK\r\n";
  const char *r = is_verb(line, len, "EHLO")   ? ehlo
                  : is_verb(line, len, "HELO") ? helo
                  : is_verb(line, len, "QUIT") ? bye
                                               : ok;
  *quit = r == bye;
  *reply_len = strlen(r);
  return r;
}
