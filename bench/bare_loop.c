/* bare_loop: the reference the engine benchmark is measured against.
 *
 * The cheapest correct way to run the greeting / EHLO / QUIT exchange over
 * IOCP: N connections in flight, each a fixed sequence of ConnectEx,
 * WSARecv and WSASend on one OVERLAPPED, completions drained in batches
 * with GetQueuedCompletionStatusEx and, by default, synchronous successes
 * handled inline (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS). It has none of the
 * engine's logic: no timers, no name resolution per check, no transcript,
 * no result object. What the engine spends beyond this loop is the price
 * of that logic.
 *
 *   bare_loop HOST PORT IN_FLIGHT TOTAL [--deadline SECONDS] [--no-skip]
 *
 * Prints one line, "bare_loop: checks=... ok=... failures=... seconds=...
 * checks_per_s=...", for bench/run.sh. Exit status 0 when every check
 * succeeded, 1 when some failed, 2 on bad arguments or setup errors. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <windows.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "win_error.h"

#define BATCH 256
#define REPLY_BUF 2048 /* the responder's longest reply is 50 bytes */
#define FAILURES_SHOWN 5

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/* The step a connection is in: which reply it waits for. */
enum phase { PH_CONNECT, PH_GREETING, PH_EHLO, PH_QUIT };
static const char *const phase_names[] = {"connect", "greeting", "EHLO", "QUIT"};

enum op { OP_CONNECT, OP_RECV, OP_SEND };

/* What advance() decided after an operation finished. */
enum next { NEXT_OP, NEXT_DONE, NEXT_FAIL };

struct conn {
  OVERLAPPED ov; /* one operation at a time: the dialogue is strictly sequential */
  SOCKET s;
  enum phase phase;
  enum op op;
  DWORD setup_err;   /* socket()/bind() failure, reported as the connect's result */
  size_t len;        /* reply bytes buffered */
  size_t line_start; /* start of the first line not yet classified */
  const char *out;
  size_t out_len, out_sent;
  char buf[REPLY_BUF];
};

struct bench {
  HANDLE port;
  LPFN_CONNECTEX connect_ex;
  struct sockaddr_storage peer;
  int peer_len;
  bool skip;
  unsigned total, started, finished, failures;
};

static const char EHLO_CMD[] = "EHLO bench.client\r\n";
static const char QUIT_CMD[] = "QUIT\r\n";

static void report_failure(struct bench *b, struct conn *c, DWORD err, const char *what)
{
  b->failures++;
  if (b->failures > FAILURES_SHOWN)
    return;
  char text[256] = "";
  if (err)
    sw_win_error_text(err, text, sizeof text);
  fprintf(stderr, "bare_loop: check failed in the %s step: %s%s%s\n",
          phase_names[c->phase], what, err ? ": " : "", text);
}

/* Opens a socket for the next check; false when no check is left. A setup
 * failure still counts as a started check and fails at the connect. */
static bool begin(struct bench *b, struct conn *c)
{
  if (b->started == b->total)
    return false;
  b->started++;
  c->phase = PH_CONNECT;
  c->op = OP_CONNECT;
  c->len = c->line_start = 0;
  c->setup_err = 0;
  c->s = WSASocketW(b->peer.ss_family, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
                    WSA_FLAG_OVERLAPPED);
  if (c->s == INVALID_SOCKET) {
    c->setup_err = (DWORD)WSAGetLastError();
    return true;
  }
  /* ConnectEx needs a bound socket. */
  struct sockaddr_storage any = {.ss_family = b->peer.ss_family};
  if (bind(c->s, (struct sockaddr *)&any, b->peer_len) != 0 ||
      !CreateIoCompletionPort((HANDLE)c->s, b->port, 0, 0) ||
      (b->skip && !SetFileCompletionNotificationModes(
                      (HANDLE)c->s, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS))) {
    c->setup_err = (DWORD)WSAGetLastError();
    if (!c->setup_err)
      c->setup_err = GetLastError();
  }
  return true;
}

static void finish(struct bench *b, struct conn *c)
{
  if (c->s != INVALID_SOCKET)
    closesocket(c->s);
  c->s = INVALID_SOCKET;
  b->finished++;
}

static enum next send_command(struct conn *c, enum phase next_phase, const char *cmd,
                              size_t len)
{
  c->phase = next_phase;
  c->out = cmd;
  c->out_len = len;
  c->out_sent = 0;
  c->len = c->line_start = 0;
  c->op = OP_SEND;
  return NEXT_OP;
}

/* Looks for the final line of the reply being read ("250 x" or a bare
 * "250"; "250-x" continues) and acts on its code. Lines may be split across
 * reads: an incomplete one stays buffered for the next WSARecv. */
static enum next on_reply_bytes(struct bench *b, struct conn *c)
{
  for (;;) {
    char *nl = memchr(c->buf + c->line_start, '\n', c->len - c->line_start);
    if (!nl)
      break;
    const char *line = c->buf + c->line_start;
    size_t line_len = (size_t)(nl - line);
    c->line_start += line_len + 1;
    if (line_len >= 4 && line[3] == '-')
      continue;
    if (line_len < 3 || line[0] != '2') {
      char shown[64];
      snprintf(shown, sizeof shown, "reply \"%.*s\"",
               (int)(line_len < 40 ? line_len : 40), line);
      report_failure(b, c, 0, shown);
      return NEXT_FAIL;
    }
    switch (c->phase) {
    case PH_GREETING:
      return send_command(c, PH_EHLO, EHLO_CMD, sizeof EHLO_CMD - 1);
    case PH_EHLO:
      return send_command(c, PH_QUIT, QUIT_CMD, sizeof QUIT_CMD - 1);
    default:
      return NEXT_DONE;
    }
  }
  if (c->len == sizeof c->buf) {
    report_failure(b, c, 0, "reply longer than the buffer");
    return NEXT_FAIL;
  }
  c->op = OP_RECV;
  return NEXT_OP;
}

/* Takes in the result of the operation that just finished successfully and
 * sets up the next one. */
static enum next advance(struct bench *b, struct conn *c, DWORD bytes)
{
  switch (c->op) {
  case OP_CONNECT:
    /* Without this, shutdown/getpeername and friends fail on the socket. */
    setsockopt(c->s, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0);
    c->phase = PH_GREETING;
    c->op = OP_RECV;
    return NEXT_OP;
  case OP_RECV:
    if (bytes == 0) {
      report_failure(b, c, 0, "the server closed the connection");
      return NEXT_FAIL;
    }
    c->len += bytes;
    return on_reply_bytes(b, c);
  case OP_SEND:
    c->out_sent += bytes;
    c->op = c->out_sent < c->out_len ? OP_SEND : OP_RECV;
    return NEXT_OP;
  }
  return NEXT_FAIL; /* cannot happen */
}

/* Starts c->op. Returns true when it is pending (a completion packet will
 * come); false when it finished at once, with *err and *bytes set. */
static bool issue(struct bench *b, struct conn *c, DWORD *err, DWORD *bytes)
{
  memset(&c->ov, 0, sizeof c->ov);
  *bytes = 0;
  BOOL ok;
  if (c->op == OP_CONNECT) {
    if (c->setup_err) {
      *err = c->setup_err;
      return false;
    }
    ok = b->connect_ex(c->s, (struct sockaddr *)&b->peer, b->peer_len, NULL, 0, NULL,
                       &c->ov);
  } else if (c->op == OP_RECV) {
    WSABUF wb = {.len = (ULONG)(sizeof c->buf - c->len), .buf = c->buf + c->len};
    DWORD flags = 0;
    ok = WSARecv(c->s, &wb, 1, bytes, &flags, &c->ov, NULL) == 0;
  } else {
    WSABUF wb = {.len = (ULONG)(c->out_len - c->out_sent),
                 .buf = (char *)c->out + c->out_sent};
    ok = WSASend(c->s, &wb, 1, bytes, 0, &c->ov, NULL) == 0;
  }
  if (ok) {
    *err = 0;
    return !b->skip; /* without skip mode the packet is queued anyway */
  }
  *err = (DWORD)WSAGetLastError();
  return *err == WSA_IO_PENDING;
}

/* Drives one connection from a finished operation until an operation is
 * pending or no check is left to start on it. */
static void run(struct bench *b, struct conn *c, DWORD err, DWORD bytes)
{
  for (;;) {
    enum next n = NEXT_FAIL;
    if (err)
      report_failure(b, c, err, "the operation failed");
    else
      n = advance(b, c, bytes);
    if (n != NEXT_OP) {
      finish(b, c);
      if (!begin(b, c))
        return;
    }
    if (issue(b, c, &err, &bytes))
      return;
  }
}

static double now_s(void)
{
  static LARGE_INTEGER freq;
  LARGE_INTEGER t;
  if (!freq.QuadPart)
    QueryPerformanceFrequency(&freq);
  QueryPerformanceCounter(&t);
  return (double)t.QuadPart / (double)freq.QuadPart;
}

static int usage(void)
{
  fprintf(stderr, "usage: bare_loop HOST PORT IN_FLIGHT TOTAL [--deadline SECONDS] "
                  "[--no-skip]\n");
  return 2;
}

static bool setup(struct bench *b, const char *host, const char *port)
{
  WSADATA wsa;
  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
    return false;
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_protocol = IPPROTO_TCP};
  struct addrinfo *ai;
  if (getaddrinfo(host, port, &hints, &ai) != 0) {
    fprintf(stderr, "bare_loop: cannot resolve %s (error %d)\n", host, WSAGetLastError());
    return false;
  }
  memcpy(&b->peer, ai->ai_addr, ai->ai_addrlen);
  b->peer_len = (int)ai->ai_addrlen;
  freeaddrinfo(ai);

  SOCKET s = WSASocketW(b->peer.ss_family, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
                        WSA_FLAG_OVERLAPPED);
  GUID guid = WSAID_CONNECTEX;
  DWORD got;
  if (s == INVALID_SOCKET ||
      WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof guid, &b->connect_ex,
               sizeof b->connect_ex, &got, NULL, NULL) != 0) {
    fprintf(stderr, "bare_loop: no ConnectEx (error %d)\n", WSAGetLastError());
    return false;
  }
  closesocket(s);
  b->port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
  if (!b->port) {
    fprintf(stderr, "bare_loop: no completion port (error %lu)\n", GetLastError());
    return false;
  }
  return true;
}

int main(int argc, char **argv)
{
  if (argc < 5)
    return usage();
  struct bench b = {.skip = true};
  long in_flight = strtol(argv[3], NULL, 10);
  long total = strtol(argv[4], NULL, 10);
  double deadline_s = 300;
  for (int i = 5; i < argc; i++) {
    if (strcmp(argv[i], "--deadline") == 0 && i + 1 < argc)
      deadline_s = strtod(argv[++i], NULL);
    else if (strcmp(argv[i], "--no-skip") == 0)
      b.skip = false;
    else
      return usage();
  }
  if (in_flight < 1 || total < 0 || deadline_s <= 0)
    return usage();
  if (in_flight > total)
    in_flight = total;
  b.total = (unsigned)total;
  if (!setup(&b, argv[1], argv[2]))
    return 2;

  struct conn *conns = calloc((size_t)in_flight ? (size_t)in_flight : 1, sizeof *conns);
  if (!conns)
    return 2;
  double t0 = now_s();
  for (long i = 0; i < in_flight; i++) {
    DWORD err, bytes;
    struct conn *c = &conns[i];
    c->s = INVALID_SOCKET;
    if (begin(&b, c) && !issue(&b, c, &err, &bytes))
      run(&b, c, err, bytes);
  }

  OVERLAPPED_ENTRY entries[BATCH];
  while (b.finished < b.total) {
    double left = t0 + deadline_s - now_s();
    ULONG n = 0;
    if (left <= 0 || (!GetQueuedCompletionStatusEx(b.port, entries, BATCH, &n,
                                                   (DWORD)(left * 1000) + 1, FALSE) &&
                      GetLastError() != WAIT_TIMEOUT)) {
      break;
    }
    for (ULONG i = 0; i < n; i++) {
      struct conn *c = container_of(entries[i].lpOverlapped, struct conn, ov);
      DWORD err = 0, bytes = entries[i].dwNumberOfBytesTransferred, flags;
      /* Internal holds the NTSTATUS; only a failure needs the Win32 code. */
      if (entries[i].lpOverlapped->Internal != 0 &&
          !WSAGetOverlappedResult(c->s, &c->ov, &bytes, FALSE, &flags))
        err = (DWORD)WSAGetLastError();
      run(&b, c, err, bytes);
    }
  }
  double secs = now_s() - t0;

  unsigned unfinished = b.total - b.finished;
  if (unfinished)
    fprintf(stderr, "bare_loop: %u checks unfinished after %.0f s\n", unfinished,
            deadline_s);
  unsigned failed = b.failures + unfinished;
  printf("bare_loop: checks=%u ok=%u failures=%u seconds=%.3f checks_per_s=%.1f\n",
         b.total, b.total - failed, failed, secs,
         secs > 0 ? (double)(b.total - failed) / secs : 0.0);
  fflush(stdout);
  /* Sockets still open after a deadline die with the process. */
  return failed ? 1 : 0;
}
