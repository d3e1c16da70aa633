/* The client's side of the version handshake (common/win/pipe_client.c)
 * against a pipe this test serves itself, which answers HELLO as a service
 * of a given version would: the client offers every version it speaks
 * (SW_PIPE_PROTOCOL_VERSION_OLDEST to SW_PIPE_PROTOCOL_VERSION), keeps the
 * version an older or a current service chose, and refuses a version it
 * does not speak (or none) with a sentence, as a user would see it. */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "pipe_client.h"
#include "pipe_frame.h"
#include "pipe_protocol.h"

static wchar_t pipe_name[64];

/* One server end serving one client: reads its HELLO and answers HELLO_OK
 * with `answer` as VERSION (0: none). */
struct server {
  HANDLE pipe;
  int64_t answer;
  int64_t offered_min, offered_max; /* what the HELLO held; -1: missing */
  bool hello_read;
};

static void read_hello(struct server *s, const uint8_t *buf, size_t len)
{
  struct sw_pipe_frame frame;
  size_t used;
  if (sw_pipe_frame_decode(buf, len, &frame, &used) != SW_PIPE_COMPLETE ||
      frame.message != SW_PIPE_MSG_HELLO)
    return;
  s->hello_read = true;
  struct sw_tlv_reader rd;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&rd, frame.body, frame.body_len);
  while (sw_tlv_next(&rd, &f)) {
    if (f.tag == SW_PIPE_TAG_VERSION_MIN && f.type == SW_TLV_INT)
      s->offered_min = f.i;
    if (f.tag == SW_PIPE_TAG_VERSION_MAX && f.type == SW_TLV_INT)
      s->offered_max = f.i;
  }
}

static DWORD WINAPI serve(void *arg)
{
  struct server *s = arg;
  if (!ConnectNamedPipe(s->pipe, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
    return 1;
  uint8_t buf[4096];
  size_t len = 0;
  DWORD n;
  struct sw_pipe_frame frame;
  size_t used;
  while (ReadFile(s->pipe, buf + len, (DWORD)(sizeof buf - len), &n, NULL) && n > 0) {
    len += n;
    if (sw_pipe_frame_decode(buf, len, &frame, &used) != SW_PIPE_PARTIAL)
      break;
  }
  read_hello(s, buf, len);
  struct sw_buf reply;
  sw_buf_init(&reply, 0);
  size_t start;
  sw_pipe_frame_begin(&reply, SW_PIPE_MSG_HELLO_OK, s->hello_read ? frame.request_id : 0,
                      &start);
  if (s->answer)
    sw_tlv_put_int(&reply, SW_PIPE_TAG_VERSION, s->answer);
  sw_tlv_put_str(&reply, SW_PIPE_TAG_SERVER_VERSION, "9.9.9");
  sw_pipe_frame_end(&reply, start);
  WriteFile(s->pipe, reply.data, (DWORD)reply.len, &n, NULL);
  FlushFileBuffers(s->pipe);
  sw_buf_free(&reply);
  /* Wait for the client to go, so that it can read the reply first. */
  while (ReadFile(s->pipe, buf, sizeof buf, &n, NULL) && n > 0)
    ;
  DisconnectNamedPipe(s->pipe);
  return 0;
}

/* Serves one client whose server answers `answer`; returns the client
 * (NULL with the sentence in error[size]). */
static struct sw_pipe_client *handshake(struct server *s, int64_t answer, char *error,
                                        size_t size)
{
  s->answer = answer;
  s->offered_min = s->offered_max = -1;
  s->hello_read = false;
  HANDLE t = CreateThread(NULL, 0, serve, s, 0, NULL);
  assert_non_null(t);
  error[0] = '\0';
  struct sw_pipe_client *c =
      sw_pipe_client_open(pipe_name, "test", 5000, error, size, NULL);
  /* The server waits for the client to close before it ends. */
  struct sw_pipe_client *kept = c;
  if (c) {
    assert_int_equal(sw_pipe_client_version(c), (uint16_t)answer);
    assert_string_equal(sw_pipe_client_server_version(c), "9.9.9");
    sw_pipe_client_close(c);
  }
  WaitForSingleObject(t, INFINITE);
  CloseHandle(t);
  assert_true(s->hello_read);
  assert_int_equal(s->offered_min, SW_PIPE_PROTOCOL_VERSION_OLDEST);
  assert_int_equal(s->offered_max, SW_PIPE_PROTOCOL_VERSION);
  return kept;
}

static int setup(void **state)
{
  static struct server s;
  swprintf(pipe_name, 64, L"\\\\.\\pipe\\sw-version-test-%lu", GetCurrentProcessId());
  /* The test's own process serves the pipe: trusted only with the
   * development opt-in (pipe_trust_rule.h). */
  SetEnvironmentVariableW(L"SMTPWATCH_TRUST_CONSOLE_SERVICE", L"1");
  s.pipe = CreateNamedPipeW(pipe_name, PIPE_ACCESS_DUPLEX,
                            PIPE_TYPE_BYTE | PIPE_REJECT_REMOTE_CLIENTS, 1, 4096, 4096, 0,
                            NULL);
  *state = &s;
  return s.pipe == INVALID_HANDLE_VALUE ? -1 : 0;
}

static int teardown(void **state)
{
  struct server *s = *state;
  CloseHandle(s->pipe);
  return 0;
}

/* A current service answers the highest version; an older one its own,
 * which the client keeps, so that it refuses the newer requests itself. */
static void the_chosen_version_is_kept(void **state)
{
  char error[512];
  assert_non_null(handshake(*state, SW_PIPE_PROTOCOL_VERSION, error, sizeof error));
  assert_non_null(
      handshake(*state, SW_PIPE_PROTOCOL_VERSION_OLDEST, error, sizeof error));
  char why[300];
  assert_false(sw_pipe_msg_allowed(SW_PIPE_MSG_NOTIFIER_LIST,
                                   SW_PIPE_PROTOCOL_VERSION_OLDEST, why, sizeof why));
  assert_non_null(strstr(why, "The SMTP Watch service is older than this tool"));
}

/* A version outside the client's range (a newer service that ignored the
 * range, or none at all) is refused with a sentence. */
static void a_version_not_spoken_is_refused(void **state)
{
  char error[512];
  assert_null(handshake(*state, SW_PIPE_PROTOCOL_VERSION + 1, error, sizeof error));
  assert_non_null(strstr(error, "chose protocol version 5, which this program does not "
                                "speak (it speaks 1 to 4)"));
  assert_null(handshake(*state, 0, error, sizeof error));
  assert_non_null(strstr(error, "answered the handshake without a protocol version"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(the_chosen_version_is_kept),
      cmocka_unit_test(a_version_not_spoken_is_refused),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
