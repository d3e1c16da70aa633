/* pipe_probe: talks to the service's control pipe (\\.\pipe\SmtpWatch) the
 * way well-behaved and hostile clients do, for the protocol tests
 * (tests/integration/test_pipe_service.py) and the pipe benchmark
 * (bench/pipe_bench.sh). It runs where the service runs (Windows, Wine).
 *
 *   pipe_probe [--pipe NAME] [--timeout-ms MS] MODE ARGS
 *
 *   raw [--hold-ms MS] [--frames N] PIECE...
 *       connects and writes the pieces in order: HEX (bytes, e.g.
 *       0c000000...), @N (N filler octets 'x', written in 64 KiB writes),
 *       ~MS (a pause between writes); then reads until the server closes,
 *       N whole frames arrived, or MS (default: the timeout) passed.
 *   garbage | oversized | truncated [--hold-ms MS]
 *       presets of raw: 56 octets of noise behind a plausible length (the
 *       header's flags are not 0: a malformed frame); a frame announcing
 *       1 MiB + 1 octets, followed by that many; the first 24 of a 68-octet
 *       HELLO, then silence for MS (default 0) and a close.
 *   concurrent N CALLS [--messages M,M...] [--limit L] [--duration-ms MS]
 *       N threads, each with the real client (common/win/pipe_client.c):
 *       HELLO, then, once all N are connected, SERVICE_INFO (each reply
 *       counts the pipe's clients: all N must be there), then CALLS requests
 *       cycling through the messages (default STATUS,RULE_LIST,SERVICE_INFO),
 *       or fewer if MS passed first.
 *   latency MSG N [--limit L] [--all-pages] [--duration-ms MS] [--rule-id ID]
 *           [--after ID]
 *       one client, N requests one after another (or until MS passed);
 *       with --all-pages a sample is a whole list, page by page (AFTER).
 *   dacl
 *       opens the pipe for READ_CONTROL only and reads its DACL back
 *       (GetSecurityInfo): under Wine DACLs are stored, not enforced.
 *   squat N [--hold-ms MS]
 *       the other side: an impostor that creates the pipe's name itself
 *       (first instance), prints {"mode":"squat","listening":true} once it
 *       listens, then serves N clients one after another, counting what
 *       each writes until it closes or sends nothing for MS (default 500),
 *       then hangs up on it; no client for the timeout ends the run.
 *
 * Each mode prints one JSON object on stdout: what was sent and received
 * (raw bytes as hex, for the test to decode with its own reading of
 * docs/pipe-protocol.md), or counts and latencies (p50/p99/max in us).
 * Exit status: 0 the probe ran (raw: whatever the server did), 1 a call of
 * concurrent/latency failed, 2 bad arguments, 3 no connection. */
#include <windows.h>

#include <aclapi.h>
#include <sddl.h>

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "pipe_client.h"
#include "pipe_protocol.h"
#include "pipe_records.h"
#include "win_error.h"

#define CHUNK 65536
#define MAX_ERRORS 5

static const wchar_t *pipe_name = SW_PIPE_NAME_W;
static wchar_t pipe_name_buf[256];
static DWORD timeout_ms = 5000;

static int usage(const char *why)
{
  fprintf(stderr,
          "pipe_probe: %s\n"
          "usage: pipe_probe [--pipe NAME] [--timeout-ms MS] MODE ARGS\n"
          "  raw [--hold-ms MS] [--frames N] HEX|@N|~MS...\n"
          "  garbage | oversized | truncated [--hold-ms MS]\n"
          "  concurrent N CALLS [--messages M,M...] [--limit L] [--duration-ms MS]\n"
          "  latency MSG N [--limit L] [--all-pages] [--duration-ms MS] [--rule-id ID]\n"
          "          [--after ID]\n"
          "  dacl\n"
          "  squat N [--hold-ms MS]\n",
          why);
  return 2;
}

static bool parse_u32(const char *s, uint32_t *out)
{
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (!*s || *end || v > UINT32_MAX)
    return false;
  *out = (uint32_t)v;
  return true;
}

/* Prints `s` as a JSON string. */
static void json_str(const char *s)
{
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      printf("\\%c", c);
    else if (c < 0x20)
      printf("\\u%04x", c);
    else
      putchar(c);
  }
  putchar('"');
}

/* ---- byte-level connection ---------------------------------------------- */

struct conn {
  HANDLE pipe, event;
};

/* Opens the pipe with `access`, waiting while every instance is busy.
 * Returns 0 or the Win32 error. */
static DWORD conn_open(struct conn *c, DWORD access)
{
  c->event = CreateEventW(NULL, TRUE, FALSE, NULL);
  int64_t deadline = sw_clock_now_us() + (int64_t)timeout_ms * 1000;
  for (;;) {
    c->pipe = CreateFileW(
        pipe_name, access, 0, NULL, OPEN_EXISTING,
        FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, NULL);
    if (c->pipe != INVALID_HANDLE_VALUE)
      return 0;
    DWORD err = GetLastError();
    int64_t left_ms = (deadline - sw_clock_now_us()) / 1000;
    if (err != ERROR_PIPE_BUSY || left_ms <= 0) {
      CloseHandle(c->event);
      return err;
    }
    WaitNamedPipeW(pipe_name, (DWORD)left_ms);
  }
}

static void conn_close(struct conn *c)
{
  CloseHandle(c->pipe);
  CloseHandle(c->event);
}

/* One overlapped ReadFile/WriteFile, waited for at most `wait_ms`. Returns
 * 0, WAIT_TIMEOUT (the operation was cancelled) or the Win32 error. */
static DWORD transfer(struct conn *c, bool write, void *buf, DWORD len, DWORD *done,
                      DWORD wait_ms)
{
  OVERLAPPED ov;
  memset(&ov, 0, sizeof ov);
  ov.hEvent = c->event;
  *done = 0;
  BOOL ok = write ? WriteFile(c->pipe, buf, len, NULL, &ov)
                  : ReadFile(c->pipe, buf, len, NULL, &ov);
  if (!ok && GetLastError() != ERROR_IO_PENDING)
    return GetLastError();
  if (WaitForSingleObject(c->event, wait_ms) != WAIT_OBJECT_0) {
    CancelIoEx(c->pipe, &ov);
    GetOverlappedResult(c->pipe, &ov, done, TRUE); /* ov is the I/O's until then */
    return WAIT_TIMEOUT;
  }
  if (!GetOverlappedResult(c->pipe, &ov, done, FALSE))
    return GetLastError();
  return 0;
}

static bool is_closed_error(DWORD err)
{
  return err == ERROR_BROKEN_PIPE || err == ERROR_PIPE_NOT_CONNECTED ||
         err == ERROR_NO_DATA;
}

/* ---- raw mode and its presets -------------------------------------------- */

/* A piece to write: bytes, filler or a pause. */
struct piece {
  const uint8_t *bytes; /* NULL: `count` filler octets, or a pause */
  size_t count;
  DWORD pause_ms;
};

struct raw_run {
  DWORD connect_error;
  uint64_t written;
  DWORD write_error;
  uint8_t *received;
  size_t received_len, received_cap;
  unsigned frames;
  bool closed;
  DWORD read_error;
  int64_t elapsed_us;
};

static DWORD write_all(struct conn *c, const uint8_t *p, size_t len, uint64_t *written)
{
  while (len > 0) {
    DWORD n, chunk = len > CHUNK ? CHUNK : (DWORD)len;
    DWORD err = transfer(c, true, (void *)p, chunk, &n, timeout_ms);
    *written += n;
    if (err)
      return err;
    p += n;
    len -= n;
  }
  return 0;
}

/* Whole frames in the received bytes, by their length prefixes. */
static unsigned count_frames(const uint8_t *p, size_t len)
{
  unsigned n = 0;
  size_t off = 0;
  while (len - off >= 4) {
    uint32_t flen = (uint32_t)p[off] | (uint32_t)p[off + 1] << 8 |
                    (uint32_t)p[off + 2] << 16 | (uint32_t)p[off + 3] << 24;
    if (len - off - 4 < flen)
      break;
    off += 4 + (size_t)flen;
    n++;
  }
  return n;
}

static void raw_session(const struct piece *pieces, size_t count, DWORD hold_ms,
                        unsigned want_frames, struct raw_run *run)
{
  memset(run, 0, sizeof *run);
  int64_t t0 = sw_clock_now_us();
  struct conn c;
  /* The rights the real client asks for (pipe_client.c): what the DACL
   * gives interactive users. */
  run->connect_error = conn_open(&c, GENERIC_READ | FILE_WRITE_DATA);
  if (run->connect_error)
    return;
  static uint8_t filler[CHUNK];
  memset(filler, 'x', sizeof filler);
  for (size_t i = 0; i < count && !run->write_error; i++) {
    const struct piece *pc = &pieces[i];
    if (pc->pause_ms) {
      Sleep(pc->pause_ms);
    } else if (pc->bytes) {
      run->write_error = write_all(&c, pc->bytes, pc->count, &run->written);
    } else {
      for (size_t left = pc->count; left > 0 && !run->write_error;) {
        size_t n = left > CHUNK ? CHUNK : left;
        run->write_error = write_all(&c, filler, n, &run->written);
        left -= n;
      }
    }
  }
  /* Read what the server says, until it closes, the frames wanted came, or
   * the hold time is up. */
  int64_t deadline = sw_clock_now_us() + (int64_t)hold_ms * 1000;
  for (;;) {
    if (want_frames && run->frames >= want_frames)
      break;
    int64_t left_ms = (deadline - sw_clock_now_us()) / 1000;
    if (left_ms < 0)
      left_ms = 0;
    if (run->received_cap - run->received_len < CHUNK) {
      size_t cap = run->received_cap ? run->received_cap * 2 : 4 * CHUNK;
      uint8_t *p = realloc(run->received, cap);
      if (!p)
        break;
      run->received = p;
      run->received_cap = cap;
    }
    DWORD n, err = transfer(&c, false, run->received + run->received_len, CHUNK, &n,
                            (DWORD)left_ms);
    run->received_len += n;
    run->frames = count_frames(run->received, run->received_len);
    if (err == WAIT_TIMEOUT)
      break;
    if (err && err != ERROR_MORE_DATA) {
      run->closed = is_closed_error(err);
      run->read_error = err;
      break;
    }
    if (n == 0 && !err) {
      run->closed = true; /* end of file */
      break;
    }
  }
  conn_close(&c);
  run->elapsed_us = sw_clock_now_us() - t0;
}

static int print_raw(const char *mode, const struct raw_run *run)
{
  printf("{\"mode\":");
  json_str(mode);
  printf(",\"connected\":%s,\"connect_error\":%lu,\"written\":%llu,\"write_error\":%lu,"
         "\"received\":\"",
         run->connect_error ? "false" : "true", run->connect_error,
         (unsigned long long)run->written, run->write_error);
  for (size_t i = 0; i < run->received_len; i++)
    printf("%02x", run->received[i]);
  printf("\",\"frames\":%u,\"closed\":%s,\"read_error\":%lu,\"elapsed_ms\":%.1f}\n",
         run->frames, run->closed ? "true" : "false", run->read_error,
         (double)run->elapsed_us / 1000.0);
  return run->connect_error ? 3 : 0;
}

static int hex_value(char ch)
{
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

/* HEX into a new buffer; NULL if it is not an even run of hex digits. */
static uint8_t *from_hex(const char *s, size_t *len)
{
  size_t n = strlen(s);
  if (n == 0 || n % 2)
    return NULL;
  uint8_t *out = malloc(n / 2);
  for (size_t i = 0; out && i < n / 2; i++) {
    int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      free(out);
      return NULL;
    }
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  *len = n / 2;
  return out;
}

/* Reads [--hold-ms MS] [--frames N] from argv; returns the index of the
 * first other argument, or -1 on a bad value. */
static int raw_options(int argc, char **argv, DWORD *hold_ms, unsigned *frames)
{
  int i = 0;
  while (i + 1 < argc) {
    uint32_t v;
    if (!strcmp(argv[i], "--hold-ms") && parse_u32(argv[i + 1], &v))
      *hold_ms = v;
    else if (frames && !strcmp(argv[i], "--frames") && parse_u32(argv[i + 1], &v))
      *frames = v;
    else if (!strncmp(argv[i], "--", 2))
      return -1;
    else
      break;
    i += 2;
  }
  return i;
}

static int mode_raw(int argc, char **argv)
{
  DWORD hold_ms = timeout_ms;
  unsigned frames = 0;
  int first = raw_options(argc, argv, &hold_ms, &frames);
  if (first < 0 || first >= argc)
    return usage("raw wants pieces: HEX, @N or ~MS");
  size_t count = (size_t)(argc - first);
  struct piece *pieces = calloc(count, sizeof *pieces);
  for (size_t i = 0; i < count; i++) {
    const char *a = argv[first + (int)i];
    uint32_t v;
    if (a[0] == '@' && parse_u32(a + 1, &v)) {
      pieces[i].count = v;
    } else if (a[0] == '~' && parse_u32(a + 1, &v)) {
      pieces[i].pause_ms = v;
    } else if (!(pieces[i].bytes = from_hex(a, &pieces[i].count))) {
      return usage("a piece is HEX (an even number of digits), @N or ~MS");
    }
  }
  struct raw_run run;
  raw_session(pieces, count, hold_ms, frames, &run);
  return print_raw("raw", &run);
}

static void put_le32(uint8_t *p, uint32_t v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

static int mode_preset(const char *mode, int argc, char **argv)
{
  DWORD hold_ms = !strcmp(mode, "truncated") ? 0 : timeout_ms;
  if (raw_options(argc, argv, &hold_ms, NULL) != argc)
    return usage("presets take only --hold-ms MS");
  static uint8_t bytes[64];
  struct piece pieces[2];
  size_t count = 1;
  memset(pieces, 0, sizeof pieces);
  if (!strcmp(mode, "garbage")) {
    /* Noise behind a length the server will wait for: it must judge the
     * header, not trust it. A fixed seed, so a failure can be replayed. */
    uint32_t x = 0x5eed1234u;
    put_le32(bytes, 56);
    for (size_t i = 4; i < 60; i++) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      bytes[i] = (uint8_t)x;
    }
    bytes[6] |= 1; /* flags != 0: malformed in protocol version 1 */
    pieces[0] = (struct piece){.bytes = bytes, .count = 60};
  } else if (!strcmp(mode, "oversized")) {
    put_le32(bytes, SW_PIPE_FRAME_MAX + 1);
    pieces[0] = (struct piece){.bytes = bytes, .count = 4};
    pieces[1] = (struct piece){.count = SW_PIPE_FRAME_MAX + 1};
    count = 2;
  } else {
    /* HELLO announcing 68 octets of payload; cut one octet after VERSION_MIN. */
    put_le32(bytes, 68);
    bytes[4] = SW_PIPE_MSG_HELLO;
    put_le32(bytes + 8, 1);
    bytes[12] = SW_PIPE_TAG_VERSION_MIN;
    bytes[14] = SW_TLV_INT;
    bytes[15] = SW_PIPE_PROTOCOL_VERSION;
    pieces[0] = (struct piece){.bytes = bytes, .count = 24};
  }
  struct raw_run run;
  raw_session(pieces, count, hold_ms, 0, &run); /* until closed or held long enough */
  return print_raw(mode, &run);
}

/* ---- requests through the real client ------------------------------------ */

static uint16_t message_number(const char *name)
{
  for (unsigned n = 1; n < 256; n++) {
    const char *s = sw_pipe_msg_name((uint16_t)n);
    if (s && !_stricmp(s, name))
      return (uint16_t)n;
  }
  return 0;
}

/* The reply a read-only request expects; 0 for requests we do not send. */
static uint16_t expected_reply(uint16_t msg)
{
  switch (msg) {
  case SW_PIPE_MSG_SERVICE_INFO:
  case SW_PIPE_MSG_RULE_LIST:
  case SW_PIPE_MSG_STATUS:
  case SW_PIPE_MSG_HISTORY:
  case SW_PIPE_MSG_EVENTS:
    return (uint16_t)(msg + 1);
  case SW_PIPE_MSG_RULE_GET:
    return SW_PIPE_MSG_RULE_OK;
  default:
    return 0;
  }
}

struct errors {
  CRITICAL_SECTION lock;
  char text[MAX_ERRORS][300];
  unsigned count;
};

static struct errors errors;

static void note_error(const char *fmt, const char *a, const char *b)
{
  EnterCriticalSection(&errors.lock);
  if (errors.count < MAX_ERRORS)
    snprintf(errors.text[errors.count], sizeof errors.text[0], fmt, a, b);
  errors.count++;
  LeaveCriticalSection(&errors.lock);
}

static void print_errors(void)
{
  printf("\"errors\":[");
  for (unsigned i = 0; i < errors.count && i < MAX_ERRORS; i++) {
    if (i)
      putchar(',');
    json_str(errors.text[i]);
  }
  printf("]");
}

struct page {
  unsigned records;
  int64_t last_rule_id;
  bool more;
};

/* Counts the top-level records of a list reply, and finds its last rule id
 * and MORE (the paging cursor of RULE_LIST and STATUS). */
static void read_page(const struct sw_pipe_reply *r, struct page *pg)
{
  memset(pg, 0, sizeof *pg);
  struct sw_tlv_reader rd;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&rd, r->frame.body, r->frame.body_len);
  while (sw_tlv_next(&rd, &f)) {
    if (f.type == SW_TLV_BEGIN && f.depth == 0)
      pg->records++;
    else if (f.type == SW_TLV_INT && f.depth == 1 && f.tag == SW_PIPE_TAG_RULE_ID)
      pg->last_rule_id = f.i;
    else if (f.type == SW_TLV_BOOL && f.depth == 0 && f.tag == SW_PIPE_TAG_MORE)
      pg->more = f.i != 0;
  }
}

struct call_args {
  int64_t limit;   /* 0: not sent */
  int64_t after;   /* 0: not sent */
  int64_t rule_id; /* 0: not sent */
};

/* One request and its reply; false (after noting why) unless the reply is
 * the one expected. *broken: the connection is unusable. */
static bool call(struct sw_pipe_client *c, uint16_t msg, const struct call_args *a,
                 struct sw_pipe_reply *reply, bool *broken)
{
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  if (a->rule_id)
    sw_tlv_put_int(&fields, SW_PIPE_TAG_RULE_ID, a->rule_id);
  if (a->limit)
    sw_tlv_put_int(&fields, SW_PIPE_TAG_LIMIT, a->limit);
  if (a->after)
    sw_tlv_put_int(&fields, SW_PIPE_TAG_AFTER, a->after);
  char error[512], code[32];
  enum sw_error err = sw_pipe_client_call(c, msg, &fields, reply, error, sizeof error);
  sw_buf_free(&fields);
  *broken = err != SW_E_OK;
  if (err) {
    note_error("%s: %s", sw_pipe_msg_name(msg), error);
    return false;
  }
  if (sw_pipe_reply_error(reply, code, sizeof code, error, sizeof error)) {
    char what[64];
    snprintf(what, sizeof what, "%s: ERROR %s", sw_pipe_msg_name(msg), code);
    note_error("%s: %s", what, error);
    return false;
  }
  if (reply->frame.message != expected_reply(msg)) {
    const char *got = sw_pipe_msg_name(reply->frame.message);
    note_error("%s answered with %s", sw_pipe_msg_name(msg), got ? got : "?");
    return false;
  }
  return true;
}

static int cmp_i64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* Prints "p50_us", "p99_us", "max_us" of `n` samples (sorted here). */
static void print_percentiles(int64_t *us, size_t n)
{
  qsort(us, n, sizeof *us, cmp_i64);
  int64_t p50 = 0, p99 = 0, max = 0;
  if (n) {
    size_t i50 = (size_t)ceil(0.50 * (double)n) - 1,
           i99 = (size_t)ceil(0.99 * (double)n) - 1;
    p50 = us[i50];
    p99 = us[i99];
    max = us[n - 1];
  }
  printf("\"p50_us\":%lld,\"p99_us\":%lld,\"max_us\":%lld", (long long)p50,
         (long long)p99, (long long)max);
}

/* ---- concurrent ------------------------------------------------------------ */

/* All threads meet here twice: once connected, once counted. */
struct barrier {
  CRITICAL_SECTION lock;
  CONDITION_VARIABLE cv;
  unsigned total, waiting, generation;
};

static void barrier_wait(struct barrier *b)
{
  EnterCriticalSection(&b->lock);
  unsigned gen = b->generation;
  if (++b->waiting == b->total) {
    b->waiting = 0;
    b->generation++;
    WakeAllConditionVariable(&b->cv);
  } else {
    while (gen == b->generation)
      SleepConditionVariableCS(&b->cv, &b->lock, INFINITE);
  }
  LeaveCriticalSection(&b->lock);
}

struct worker {
  struct barrier *barrier;
  const uint16_t *messages;
  size_t n_messages;
  uint32_t calls;
  struct call_args args;
  int64_t end_us; /* stop issuing requests past this (0: never) */
  bool connected;
  int64_t census; /* PIPE_CLIENTS in its first SERVICE_INFO_OK; -1 if none */
  uint32_t ok, failed;
  uint32_t *per_message_ok;
  long *per_message_min_records; /* records in the smallest list reply */
  int64_t *latency_us;           /* `calls` slots; the first `ok` are filled */
};

static DWORD WINAPI worker_main(void *arg)
{
  struct worker *w = arg;
  char error[512];
  struct sw_pipe_client *c =
      sw_pipe_client_open(pipe_name, "pipe_probe", timeout_ms, error, sizeof error, NULL);
  w->connected = c != NULL;
  w->census = -1;
  if (!c)
    note_error("connect: %s%s", error, "");
  struct sw_pipe_reply reply;
  sw_pipe_reply_init(&reply);
  bool broken = !c;
  barrier_wait(w->barrier); /* everyone connected (or given up) */
  struct call_args none = {0};
  if (!broken && call(c, SW_PIPE_MSG_SERVICE_INFO, &none, &reply, &broken)) {
    struct sw_pipe_service_info info;
    if (sw_pipe_get_service_info(reply.frame.body, reply.frame.body_len, &info) ==
        SW_E_OK)
      w->census = info.pipe_clients;
  }
  barrier_wait(w->barrier); /* everyone counted: now the load */
  for (uint32_t i = 0; i < w->calls; i++) {
    if (broken) {
      w->failed += w->calls - i;
      break;
    }
    if (w->end_us && sw_clock_now_us() >= w->end_us)
      break; /* out of time: the calls not made are neither ok nor failed */
    size_t m = i % w->n_messages;
    int64_t t0 = sw_clock_now_us();
    if (call(c, w->messages[m], &w->args, &reply, &broken)) {
      w->latency_us[w->ok++] = sw_clock_now_us() - t0;
      InterlockedIncrement((volatile LONG *)&w->per_message_ok[m]);
      struct page pg;
      read_page(&reply, &pg);
      for (long seen = w->per_message_min_records[m];
           (long)pg.records < seen &&
           InterlockedCompareExchange(&w->per_message_min_records[m], (long)pg.records,
                                      seen) != seen;)
        seen = w->per_message_min_records[m];
    } else {
      w->failed++;
    }
  }
  sw_pipe_reply_free(&reply);
  sw_pipe_client_close(c);
  return 0;
}

/* "STATUS,RULE_LIST" into message numbers; 0 on an unknown name. */
static size_t parse_messages(const char *list, uint16_t *out, size_t max)
{
  char buf[256];
  snprintf(buf, sizeof buf, "%s", list);
  size_t n = 0;
  for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
    uint16_t msg = message_number(tok);
    if (!msg || !expected_reply(msg) || n == max)
      return 0;
    out[n++] = msg;
  }
  return n;
}

/* Reads --limit L, --messages LIST and --duration-ms MS, if given. */
static bool list_options(int argc, char **argv, struct call_args *a,
                         const char **messages, uint32_t *duration_ms)
{
  for (int i = 0; i < argc; i += 2) {
    uint32_t v;
    if (i + 1 >= argc)
      return false;
    if (!strcmp(argv[i], "--limit") && parse_u32(argv[i + 1], &v))
      a->limit = v;
    else if (!strcmp(argv[i], "--duration-ms") && parse_u32(argv[i + 1], &v))
      *duration_ms = v;
    else if (!strcmp(argv[i], "--messages"))
      *messages = argv[i + 1];
    else
      return false;
  }
  return true;
}

static int mode_concurrent(int argc, char **argv)
{
  uint32_t n, calls;
  if (argc < 2 || !parse_u32(argv[0], &n) || !parse_u32(argv[1], &calls) || n == 0 ||
      n > 1000)
    return usage("concurrent wants N (1-1000) and CALLS");
  const char *list = "STATUS,RULE_LIST,SERVICE_INFO";
  struct call_args args = {0};
  uint32_t duration_ms = 0;
  if (!list_options(argc - 2, argv + 2, &args, &list, &duration_ms))
    return usage("concurrent takes --messages M,M..., --limit L and --duration-ms MS");
  uint16_t messages[16];
  size_t n_messages = parse_messages(list, messages, 16);
  if (!n_messages)
    return usage("--messages: SERVICE_INFO, RULE_LIST, STATUS, EVENTS (comma-separated)");
  uint32_t per_message_ok[16] = {0};
  long min_records[16];
  for (size_t m = 0; m < 16; m++)
    min_records[m] = LONG_MAX;
  struct barrier barrier = {.total = n};
  InitializeCriticalSection(&barrier.lock);
  InitializeConditionVariable(&barrier.cv);
  struct worker *w = calloc(n, sizeof *w);
  HANDLE *threads = calloc(n, sizeof *threads);
  int64_t *all = calloc((size_t)n * calls + 1, sizeof *all);
  for (uint32_t i = 0; i < n; i++) {
    w[i] = (struct worker){.barrier = &barrier,
                           .messages = messages,
                           .n_messages = n_messages,
                           .calls = calls,
                           .args = args,
                           .per_message_ok = per_message_ok,
                           .per_message_min_records = min_records,
                           .latency_us = calloc(calls + 1, sizeof(int64_t))};
  }
  int64_t t0 = sw_clock_now_us();
  for (uint32_t i = 0; i < n; i++)
    w[i].end_us = duration_ms ? t0 + (int64_t)duration_ms * 1000 : 0;
  for (uint32_t i = 0; i < n; i++)
    threads[i] = CreateThread(NULL, 0, worker_main, &w[i], 0, NULL);
  for (uint32_t i = 0; i < n; i++) {
    WaitForSingleObject(threads[i], INFINITE);
    CloseHandle(threads[i]);
  }
  int64_t elapsed = sw_clock_now_us() - t0;
  uint32_t connected = 0, ok = 0, failed = 0;
  int64_t census_min = -1, census_max = -1;
  size_t samples = 0;
  for (uint32_t i = 0; i < n; i++) {
    connected += w[i].connected;
    ok += w[i].ok;
    failed += w[i].failed;
    if (w[i].census >= 0) {
      census_min = census_min < 0 || w[i].census < census_min ? w[i].census : census_min;
      census_max = w[i].census > census_max ? w[i].census : census_max;
    }
    memcpy(all + samples, w[i].latency_us, w[i].ok * sizeof *all);
    samples += w[i].ok;
    free(w[i].latency_us);
  }
  printf("{\"mode\":\"concurrent\",\"clients\":%u,\"connected\":%u,\"calls\":%llu,"
         "\"ok\":%u,\"failed\":%u,\"census_min\":%lld,\"census_max\":%lld,\"ok_by_"
         "message\":{",
         n, connected, (unsigned long long)n * calls, ok, failed, (long long)census_min,
         (long long)census_max);
  for (size_t m = 0; m < n_messages; m++)
    printf("%s\"%s\":%u", m ? "," : "", sw_pipe_msg_name(messages[m]), per_message_ok[m]);
  printf("},\"min_records\":{"); /* top-level records of the smallest reply */
  for (size_t m = 0; m < n_messages; m++)
    printf("%s\"%s\":%ld", m ? "," : "", sw_pipe_msg_name(messages[m]),
           min_records[m] == LONG_MAX ? -1L : min_records[m]);
  printf("},");
  print_percentiles(all, samples);
  printf(",\"elapsed_ms\":%.1f,\"requests_per_s\":%.1f,", (double)elapsed / 1000.0,
         elapsed > 0 ? (double)ok * 1e6 / (double)elapsed : 0.0);
  print_errors();
  printf("}\n");
  free(all);
  free(threads);
  free(w);
  return connected == n && failed == 0 && errors.count == 0 ? 0 : 1;
}

/* ---- latency ----------------------------------------------------------------- */

static int mode_latency(int argc, char **argv)
{
  uint32_t n;
  uint16_t msg = argc >= 2 ? message_number(argv[0]) : 0;
  if (!msg || !expected_reply(msg) || !parse_u32(argv[1], &n) || n == 0)
    return usage("latency wants a read-only message (STATUS, RULE_LIST, ...) and N");
  struct call_args args = {0};
  bool all_pages = false;
  uint32_t duration_ms = 0;
  for (int i = 2; i < argc; i++) {
    uint32_t v;
    if (!strcmp(argv[i], "--all-pages")) {
      all_pages = true;
    } else if (i + 1 < argc && parse_u32(argv[i + 1], &v) &&
               (!strcmp(argv[i], "--limit") || !strcmp(argv[i], "--duration-ms") ||
                !strcmp(argv[i], "--rule-id") || !strcmp(argv[i], "--after"))) {
      if (argv[i][2] == 'l')
        args.limit = v;
      else if (argv[i][2] == 'd')
        duration_ms = v;
      else if (argv[i][2] == 'a')
        args.after = v;
      else
        args.rule_id = v;
      i++;
    } else {
      return usage(
          "latency takes --limit L, --all-pages, --duration-ms MS, --rule-id ID, "
          "--after ID");
    }
  }
  char error[512];
  struct sw_pipe_client *c =
      sw_pipe_client_open(pipe_name, "pipe_probe", timeout_ms, error, sizeof error, NULL);
  if (!c) {
    printf("{\"mode\":\"latency\",\"connected\":false,\"error\":");
    json_str(error);
    printf("}\n");
    return 3;
  }
  int64_t *us = calloc(n, sizeof *us);
  struct sw_pipe_reply reply;
  sw_pipe_reply_init(&reply);
  uint32_t ok = 0, failed = 0, samples = 0;
  uint64_t pages = 0, records = 0;
  bool broken = false;
  int64_t t0 = sw_clock_now_us(), end = t0 + (int64_t)duration_ms * 1000;
  while (samples < n && !broken && (!duration_ms || sw_clock_now_us() < end)) {
    int64_t s0 = sw_clock_now_us();
    struct call_args a = args;
    bool good;
    struct page pg;
    do {
      good = call(c, msg, &a, &reply, &broken);
      if (!good)
        break;
      read_page(&reply, &pg);
      pages++;
      records += pg.records;
      a.after = pg.last_rule_id;
    } while (all_pages && pg.more && pg.last_rule_id > 0);
    samples++;
    if (good)
      us[ok++] = sw_clock_now_us() - s0;
    else
      failed++;
  }
  int64_t elapsed = sw_clock_now_us() - t0;
  printf("{\"mode\":\"latency\",\"connected\":true,\"message\":\"%s\",\"all_pages\":%s,"
         "\"samples\":%u,\"ok\":%u,\"failed\":%u,\"pages\":%llu,\"records\":%llu,",
         sw_pipe_msg_name(msg), all_pages ? "true" : "false", samples, ok, failed,
         (unsigned long long)pages, (unsigned long long)records);
  print_percentiles(us, ok);
  printf(",\"elapsed_ms\":%.1f,\"requests_per_s\":%.1f,", (double)elapsed / 1000.0,
         elapsed > 0 ? (double)ok * 1e6 / (double)elapsed : 0.0);
  print_errors();
  printf("}\n");
  sw_pipe_reply_free(&reply);
  sw_pipe_client_close(c);
  free(us);
  return failed == 0 ? 0 : 1;
}

/* ---- dacl ---------------------------------------------------------------------- */

static int mode_dacl(void)
{
  struct conn c;
  DWORD err = conn_open(&c, READ_CONTROL);
  if (err) {
    char text[200];
    sw_win_error_text(err, text, sizeof text);
    printf("{\"mode\":\"dacl\",\"connected\":false,\"error\":");
    json_str(text);
    printf("}\n");
    return 3;
  }
  PSECURITY_DESCRIPTOR sd = NULL;
  PACL dacl = NULL;
  LPWSTR sddl = NULL;
  err = GetSecurityInfo(c.pipe, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL,
                        &dacl, NULL, &sd);
  if (!err && !ConvertSecurityDescriptorToStringSecurityDescriptorW(
                  sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &sddl, NULL))
    err = GetLastError();
  printf("{\"mode\":\"dacl\",\"connected\":true,\"error\":%lu,\"aces\":%d,\"sddl\":\"",
         err, dacl ? (int)dacl->AceCount : -1);
  for (LPWSTR p = sddl; p && *p; p++)
    putchar(*p < 0x80 && *p != '"' && *p != '\\' ? (char)*p : '?'); /* SDDL is ASCII */
  printf("\"}\n");
  LocalFree(sddl);
  LocalFree(sd);
  conn_close(&c);
  return err ? 1 : 0;
}

/* ---- squat ------------------------------------------------------------------- */

/* Bytes one client wrote to the server end `c` before it closed or was
 * silent for hold_ms; -1 if no client came within the timeout. */
static int64_t squat_one(struct conn *c, DWORD hold_ms)
{
  OVERLAPPED ov;
  memset(&ov, 0, sizeof ov);
  ov.hEvent = c->event;
  if (!ConnectNamedPipe(c->pipe, &ov)) {
    DWORD err = GetLastError();
    DWORD n;
    if (err == ERROR_IO_PENDING) {
      if (WaitForSingleObject(c->event, timeout_ms) != WAIT_OBJECT_0) {
        CancelIoEx(c->pipe, &ov);
        GetOverlappedResult(c->pipe, &ov, &n, TRUE);
        return -1;
      }
    } else if (err != ERROR_PIPE_CONNECTED && err != ERROR_NO_DATA) {
      return -1;
    }
  }
  int64_t total = 0;
  for (;;) {
    char buf[4096];
    DWORD n = 0, err = transfer(c, false, buf, sizeof buf, &n, hold_ms);
    total += n;
    if (err && err != ERROR_MORE_DATA)
      break;
  }
  DisconnectNamedPipe(c->pipe);
  return total;
}

static int mode_squat(int argc, char **argv)
{
  uint32_t n, hold_ms = 500;
  if (argc < 1 || !parse_u32(argv[0], &n) || n == 0 || n > 100)
    return usage("squat needs a number of clients (1-100)");
  for (int i = 1; i < argc; i += 2)
    if (i + 1 >= argc || strcmp(argv[i], "--hold-ms") ||
        !parse_u32(argv[i + 1], &hold_ms))
      return usage("squat: unknown option");
  struct conn c;
  c.event = CreateEventW(NULL, TRUE, FALSE, NULL);
  c.pipe = CreateNamedPipeW(
      pipe_name,
      PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
      PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_REJECT_REMOTE_CLIENTS, 1, CHUNK, CHUNK,
      0, NULL);
  if (c.pipe == INVALID_HANDLE_VALUE) {
    char text[200];
    sw_win_error_text(GetLastError(), text, sizeof text);
    printf("{\"mode\":\"squat\",\"listening\":false,\"error\":");
    json_str(text);
    printf("}\n");
    CloseHandle(c.event);
    return 3;
  }
  printf("{\"mode\":\"squat\",\"listening\":true}\n");
  fflush(stdout);
  printf("{\"mode\":\"squat\",\"bytes\":[");
  for (uint32_t i = 0; i < n; i++) {
    int64_t got = squat_one(&c, hold_ms);
    if (got < 0)
      break;
    printf("%s%lld", i ? "," : "", (long long)got);
    fflush(stdout);
  }
  printf("]}\n");
  conn_close(&c);
  return 0;
}

int main(int argc, char **argv)
{
  InitializeCriticalSection(&errors.lock);
  int i = 1;
  while (i + 1 < argc && !strncmp(argv[i], "--", 2)) {
    uint32_t v;
    if (!strcmp(argv[i], "--pipe")) {
      MultiByteToWideChar(CP_UTF8, 0, argv[i + 1], -1, pipe_name_buf, 255);
      pipe_name = pipe_name_buf;
    } else if (!strcmp(argv[i], "--timeout-ms") && parse_u32(argv[i + 1], &v) && v > 0) {
      timeout_ms = v;
    } else {
      return usage("unknown option");
    }
    i += 2;
  }
  if (i >= argc)
    return usage("no mode");
  const char *mode = argv[i++];
  argc -= i;
  argv += i;
  if (!strcmp(mode, "raw"))
    return mode_raw(argc, argv);
  if (!strcmp(mode, "garbage") || !strcmp(mode, "oversized") ||
      !strcmp(mode, "truncated"))
    return mode_preset(mode, argc, argv);
  if (!strcmp(mode, "concurrent"))
    return mode_concurrent(argc, argv);
  if (!strcmp(mode, "latency"))
    return mode_latency(argc, argv);
  if (!strcmp(mode, "dacl") && argc == 0)
    return mode_dacl();
  if (!strcmp(mode, "squat"))
    return mode_squat(argc, argv);
  return usage("unknown mode");
}
