/* pipe_flood: the hostile clients of the pipe-fairness benchmark
 * (bench/pipe_flood_bench.sh), speaking bytes, not through the real client:
 *
 *   pipe_flood [--pipe NAME] flood N RULE_ID [--limit L] [--read]
 *       HELLO, then N HISTORY requests for RULE_ID (LIMIT L, default 1000)
 *       written back to back in one stream. With --read it reads the
 *       replies as they come until all N arrived or the server hung up;
 *       without, it closes as soon as everything was written (a client
 *       that leaves its requests behind).
 *   pipe_flood [--pipe NAME] drip N --hold-ms MS
 *       N connections, each sending a HELLO one byte a second until MS
 *       passed or the server hung up on it.
 *
 * Prints one JSON object: what was sent, how many replies came, how long
 * it took; for drip, how many connections the server closed and the
 * longest any was held. Exit status: 0 ran, 2 bad arguments, 3 no
 * connection. */
#include <windows.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "pipe_frame.h"
#include "pipe_protocol.h"
#include "pipe_tlv.h"

static const wchar_t *pipe_name = SW_PIPE_NAME_W;
static wchar_t pipe_name_buf[256];

static int usage(const char *why)
{
  fprintf(stderr,
          "pipe_flood: %s\n"
          "usage: pipe_flood [--pipe NAME] flood N RULE_ID [--limit L] [--read]\n"
          "       pipe_flood [--pipe NAME] drip N --hold-ms MS\n",
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

static HANDLE open_pipe(void)
{
  for (int i = 0; i < 100; i++) {
    HANDLE h = CreateFileW(pipe_name, GENERIC_READ | FILE_WRITE_DATA, 0, NULL,
                           OPEN_EXISTING, 0, NULL);
    if (h != INVALID_HANDLE_VALUE)
      return h;
    WaitNamedPipeW(pipe_name, 100);
  }
  return INVALID_HANDLE_VALUE;
}

static void put_hello(struct sw_buf *out)
{
  size_t at;
  sw_pipe_frame_begin(out, SW_PIPE_MSG_HELLO, 1, &at);
  sw_tlv_put_int(out, SW_PIPE_TAG_VERSION_MIN, SW_PIPE_PROTOCOL_VERSION_OLDEST);
  sw_tlv_put_int(out, SW_PIPE_TAG_VERSION_MAX, SW_PIPE_PROTOCOL_VERSION);
  sw_tlv_put_str(out, SW_PIPE_TAG_CLIENT_NAME, "pipe_flood");
  sw_pipe_frame_end(out, at);
}

struct writer {
  HANDLE pipe;
  const char *data;
  size_t len;
  bool ok;
};

static DWORD WINAPI write_all(void *arg)
{
  struct writer *w = arg;
  size_t off = 0;
  while (off < w->len) {
    DWORD n = 0, want = (DWORD)(w->len - off > 65536 ? 65536 : w->len - off);
    if (!WriteFile(w->pipe, w->data + off, want, &n, NULL))
      return 0;
    off += n;
  }
  w->ok = true;
  return 0;
}

static int mode_flood(int argc, char **argv)
{
  uint32_t n, rule_id, limit = 1000;
  bool read_replies = false;
  if (argc < 2 || !parse_u32(argv[0], &n) || !parse_u32(argv[1], &rule_id) || n == 0)
    return usage("flood wants N and RULE_ID");
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "--read"))
      read_replies = true;
    else if (!strcmp(argv[i], "--limit") && i + 1 < argc &&
             parse_u32(argv[i + 1], &limit))
      i++;
    else
      return usage("flood takes --limit L and --read");
  }
  struct sw_buf out;
  sw_buf_init(&out, 0);
  put_hello(&out);
  for (uint32_t i = 0; i < n; i++) {
    size_t at;
    sw_pipe_frame_begin(&out, SW_PIPE_MSG_HISTORY, i + 2, &at);
    sw_tlv_put_int(&out, SW_PIPE_TAG_RULE_ID, rule_id);
    sw_tlv_put_int(&out, SW_PIPE_TAG_LIMIT, limit);
    sw_pipe_frame_end(&out, at);
  }
  HANDLE h = open_pipe();
  if (h == INVALID_HANDLE_VALUE) {
    printf("{\"mode\":\"flood\",\"connected\":false}\n");
    return 3;
  }
  int64_t t0 = sw_clock_now_us();
  struct writer w = {.pipe = h, .data = out.data, .len = out.len};
  HANDLE t = CreateThread(NULL, 0, write_all, &w, 0, NULL);
  uint64_t replies = 0, bytes = 0;
  if (read_replies) {
    /* Count whole frames as they arrive (HELLO_OK is one of them). */
    struct sw_buf in;
    sw_buf_init(&in, 0);
    static char chunk[65536];
    while (replies < (uint64_t)n + 1) {
      DWORD got = 0;
      if (!ReadFile(h, chunk, sizeof chunk, &got, NULL) &&
          GetLastError() != ERROR_MORE_DATA)
        break;
      bytes += got;
      sw_buf_append(&in, chunk, got);
      struct sw_pipe_frame f;
      size_t used, off = 0;
      while (sw_pipe_frame_decode((const uint8_t *)in.data + off, in.len - off, &f,
                                  &used) == SW_PIPE_COMPLETE) {
        replies++;
        off += used;
      }
      memmove(in.data, in.data + off, in.len - off);
      in.len -= off;
    }
    sw_buf_free(&in);
  } else {
    WaitForSingleObject(t, INFINITE);
  }
  int64_t elapsed = sw_clock_now_us() - t0;
  CloseHandle(h); /* unblocks a writer still waiting */
  WaitForSingleObject(t, 5000);
  CloseHandle(t);
  printf("{\"mode\":\"flood\",\"connected\":true,\"sent\":%u,\"bytes_sent\":%zu,"
         "\"written\":%s,\"replies\":%llu,\"bytes_received\":%llu,\"elapsed_ms\":%.1f}\n",
         n, out.len, w.ok ? "true" : "false",
         (unsigned long long)(replies ? replies - 1 : 0), (unsigned long long)bytes,
         (double)elapsed / 1000.0);
  sw_buf_free(&out);
  return 0;
}

static int mode_drip(int argc, char **argv)
{
  uint32_t n, hold_ms = 0;
  if (argc != 3 || !parse_u32(argv[0], &n) || n == 0 || n > 60 ||
      strcmp(argv[1], "--hold-ms") || !parse_u32(argv[2], &hold_ms))
    return usage("drip wants N (1-60) --hold-ms MS");
  HANDLE *h = calloc(n, sizeof *h);
  int64_t *closed_at = calloc(n, sizeof *closed_at);
  if (!h || !closed_at)
    return 3;
  struct sw_buf hello;
  sw_buf_init(&hello, 0);
  put_hello(&hello);
  for (uint32_t i = 0; i < n; i++)
    if ((h[i] = open_pipe()) == INVALID_HANDLE_VALUE) {
      printf("{\"mode\":\"drip\",\"connected\":false}\n");
      return 3;
    }
  int64_t t0 = sw_clock_now_us(), end = t0 + (int64_t)hold_ms * 1000;
  uint32_t open = n;
  /* One byte per connection a second, never the frame's last. */
  for (size_t pos = 0; open > 0 && sw_clock_now_us() < end; pos++) {
    for (uint32_t i = 0; i < n; i++) {
      DWORD w = 0;
      if (closed_at[i])
        continue;
      if (pos + 1 >= hello.len || !WriteFile(h[i], hello.data + pos, 1, &w, NULL)) {
        closed_at[i] = sw_clock_now_us();
        open--;
      }
    }
    Sleep(1000);
  }
  uint32_t closed_by_server = 0;
  double longest = 0;
  for (uint32_t i = 0; i < n; i++) {
    int64_t at = closed_at[i] ? closed_at[i] : sw_clock_now_us();
    closed_by_server += closed_at[i] != 0;
    if ((double)(at - t0) / 1e6 > longest)
      longest = (double)(at - t0) / 1e6;
    CloseHandle(h[i]);
  }
  printf("{\"mode\":\"drip\",\"connected\":true,\"connections\":%u,"
         "\"closed_by_server\":%u,\"longest_held_s\":%.1f}\n",
         n, closed_by_server, longest);
  sw_buf_free(&hello);
  free(h);
  free(closed_at);
  return 0;
}

int main(int argc, char **argv)
{
  int i = 1;
  if (i + 1 < argc && !strcmp(argv[i], "--pipe")) {
    MultiByteToWideChar(CP_UTF8, 0, argv[i + 1], -1, pipe_name_buf, 255);
    pipe_name = pipe_name_buf;
    i += 2;
  }
  if (i >= argc)
    return usage("no mode");
  const char *mode = argv[i++];
  if (!strcmp(mode, "flood"))
    return mode_flood(argc - i, argv + i);
  if (!strcmp(mode, "drip"))
    return mode_drip(argc - i, argv + i);
  return usage("unknown mode");
}
