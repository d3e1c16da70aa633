/* old_service: serves the control pipe as an SMTP Watch service of protocol
 * version 1 would, for the tests of what a newer client does with an older
 * service (tests/integration/test_cli_alerts.py). It answers HELLO with
 * HELLO_OK and VERSION 1, whatever the client offers, and every other
 * request with ERROR unknown_message, as version 1 answers a request it
 * does not know. It prints {"listening":true} once the pipe exists, then
 * one line per request received, {"client":N,"message":M}, so that a test
 * sees what a client sent.
 *
 *   old_service [--pipe NAME] [--timeout-ms MS] CLIENTS
 *
 * Serves CLIENTS clients one after another and exits 0; ends itself (exit
 * 3) when MS (default 60000) have passed, so that it never outlives a test
 * that forgot it. */
#include <windows.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipe_frame.h"
#include "pipe_protocol.h"

static DWORD WINAPI watchdog(void *arg)
{
  Sleep((DWORD)(uintptr_t)arg);
  fflush(stdout);
  ExitProcess(3);
}

/* The answer to one request, as a version 1 service gives it. */
static void answer(const struct sw_pipe_frame *f, struct sw_buf *out)
{
  if (f->message != SW_PIPE_MSG_HELLO) {
    sw_pipe_encode_error(out, f->request_id, SW_PIPE_ERR_UNKNOWN_MESSAGE, NULL);
    return;
  }
  size_t start;
  sw_pipe_frame_begin(out, SW_PIPE_MSG_HELLO_OK, f->request_id, &start);
  sw_tlv_put_int(out, SW_PIPE_TAG_VERSION, 1);
  sw_tlv_put_str(out, SW_PIPE_TAG_SERVER_VERSION, "0.1.0");
  sw_pipe_frame_end(out, start);
}

/* Serves one connected client until it closes. */
static void serve(HANDLE pipe, unsigned client)
{
  static uint8_t buf[SW_PIPE_FRAME_MAX + SW_PIPE_LENGTH_SIZE];
  size_t len = 0;
  DWORD n;
  while (ReadFile(pipe, buf + len, (DWORD)(sizeof buf - len), &n, NULL) && n > 0) {
    len += n;
    struct sw_pipe_frame f;
    size_t used;
    enum sw_pipe_decode d;
    while ((d = sw_pipe_frame_decode(buf, len, &f, &used)) == SW_PIPE_COMPLETE) {
      printf("{\"client\":%u,\"message\":%u}\n", client, (unsigned)f.message);
      fflush(stdout);
      struct sw_buf out;
      sw_buf_init(&out, 0);
      answer(&f, &out);
      DWORD written;
      WriteFile(pipe, out.data, (DWORD)out.len, &written, NULL);
      sw_buf_free(&out);
      memmove(buf, buf + used, len - used);
      len -= used;
    }
    if (d != SW_PIPE_PARTIAL)
      return;
  }
}

int main(int argc, char **argv)
{
  const char *name = "\\\\.\\pipe\\SmtpWatch";
  unsigned long timeout_ms = 60000, clients = 0;
  int i = 1;
  for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
    if (!strcmp(argv[i], "--pipe"))
      name = argv[i + 1];
    else if (!strcmp(argv[i], "--timeout-ms"))
      timeout_ms = strtoul(argv[i + 1], NULL, 10);
    else
      break;
  }
  if (i + 1 != argc || !(clients = strtoul(argv[i], NULL, 10)) || !timeout_ms) {
    fprintf(stderr, "usage: old_service [--pipe NAME] [--timeout-ms MS] CLIENTS\n");
    return 2;
  }
  CloseHandle(CreateThread(NULL, 0, watchdog, (void *)(uintptr_t)timeout_ms, 0, NULL));
  wchar_t wname[256];
  MultiByteToWideChar(CP_UTF8, 0, name, -1, wname, 256);
  HANDLE pipe = CreateNamedPipeW(wname, PIPE_ACCESS_DUPLEX,
                                 PIPE_TYPE_BYTE | PIPE_REJECT_REMOTE_CLIENTS, 1, 65536,
                                 65536, 0, NULL);
  if (pipe == INVALID_HANDLE_VALUE) {
    printf("{\"listening\":false,\"error\":%lu}\n", GetLastError());
    return 3;
  }
  printf("{\"listening\":true}\n");
  fflush(stdout);
  for (unsigned long c = 1; c <= clients; c++) {
    if (!ConnectNamedPipe(pipe, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
      break;
    serve(pipe, (unsigned)c);
    DisconnectNamedPipe(pipe);
  }
  CloseHandle(pipe);
  return 0;
}
