/* The control pipe server on a real named pipe, served by the engine's
 * loop on this thread, with clients on other threads: many at once, and
 * misbehaving ones (garbage, oversized, truncated, silent) that must not
 * disturb the others. The pipe's security descriptor is read back: Wine
 * stores DACLs but does not enforce them (PLATFORM.md). */
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "clock.h"
#include "engine.h"
#include "pipe_client.h"
#include "pipe_protocol.h"
#include "pipe_server.h"

#define MSG_ECHO 1000
#define MSG_ECHO_OK 1001
#define MSG_SLOW 1002 /* answered later, by the test's loop */

static wchar_t pipe_name[64];
static struct sw_pipe_conn *deferred_conn;
static uint32_t deferred_id;
static volatile LONG requests_served;

/* HELLO -> HELLO_OK; ECHO -> ECHO_OK with the same fields; anything else
 * -> ERROR unknown_message. */
static enum sw_pipe_verdict on_request(void *ctx, struct sw_pipe_conn *conn,
                                       const struct sw_pipe_frame *req,
                                       struct sw_buf *reply)
{
  (void)ctx;
  (void)conn;
  InterlockedIncrement(&requests_served);
  size_t start;
  if (req->message == SW_PIPE_MSG_HELLO) {
    sw_pipe_frame_begin(reply, SW_PIPE_MSG_HELLO_OK, req->request_id, &start);
    sw_tlv_put_int(reply, SW_PIPE_TAG_VERSION, 1);
    sw_tlv_put_str(reply, SW_PIPE_TAG_SERVER_VERSION, "test-1");
    sw_pipe_frame_end(reply, start);
  } else if (req->message == MSG_ECHO) {
    sw_pipe_frame_begin(reply, MSG_ECHO_OK, req->request_id, &start);
    sw_buf_append(reply, req->body, req->body_len);
    sw_pipe_frame_end(reply, start);
  } else if (req->message == MSG_SLOW) {
    deferred_conn = conn;
    deferred_id = req->request_id;
    return SW_PIPE_DEFER;
  } else {
    sw_pipe_encode_error(reply, req->request_id, SW_PIPE_ERR_UNKNOWN_MESSAGE, NULL);
  }
  return SW_PIPE_KEEP;
}

struct client_job {
  int calls;
  volatile LONG ok; /* calls that came back right */
  char error[256];
};

static DWORD WINAPI client_main(void *arg)
{
  struct client_job *job = arg;
  struct sw_pipe_client *c =
      sw_pipe_client_open(pipe_name, "test", 10000, job->error, sizeof job->error, NULL);
  if (!c)
    return 1;
  struct sw_pipe_reply reply;
  sw_pipe_reply_init(&reply);
  for (int i = 0; i < job->calls; i++) {
    struct sw_buf fields;
    sw_buf_init(&fields, 0);
    char text[32];
    snprintf(text, sizeof text, "call %d", i);
    sw_tlv_put_str(&fields, SW_PIPE_TAG_CLIENT_NAME, text);
    if (sw_pipe_client_call(c, MSG_ECHO, &fields, &reply, job->error,
                            sizeof job->error) == SW_E_OK &&
        reply.frame.message == MSG_ECHO_OK && reply.frame.body_len == fields.len &&
        !memcmp(reply.frame.body, fields.data, fields.len))
      InterlockedIncrement(&job->ok);
    sw_buf_free(&fields);
  }
  sw_pipe_reply_free(&reply);
  sw_pipe_client_close(c);
  return 0;
}

/* Runs the loop until every thread has finished (or 20 s). */
static void serve_until_done(struct sw_engine *e, HANDLE *threads, int n)
{
  DWORD start = GetTickCount();
  for (;;) {
    sw_engine_run_once(e, 20);
    if (WaitForMultipleObjects((DWORD)n, threads, TRUE, 0) == WAIT_OBJECT_0)
      break;
    assert_true(GetTickCount() - start < 20000);
  }
}

static struct sw_pipe_server *start_server(struct sw_engine *e)
{
  struct sw_pipe_server_config cfg = {.name = pipe_name, .on_request = on_request};
  struct sw_pipe_server *s = NULL;
  unsigned long err = 0;
  assert_int_equal(sw_pipe_server_start(e, &cfg, &s, &err), SW_E_OK);
  return s;
}

static void thirty_two_clients_at_once(void **state)
{
  (void)state;
  struct sw_engine *e;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  struct sw_pipe_server *s = start_server(e);
  enum { N = 32, CALLS = 20 };
  static struct client_job jobs[N];
  HANDLE threads[N];
  for (int i = 0; i < N; i++) {
    memset(&jobs[i], 0, sizeof jobs[i]);
    jobs[i].calls = CALLS;
    threads[i] = CreateThread(NULL, 0, client_main, &jobs[i], 0, NULL);
  }
  serve_until_done(e, threads, N);
  for (int i = 0; i < N; i++) {
    if (jobs[i].ok != CALLS)
      fail_msg("client %d: %ld of %d calls ok: %s", i, (long)jobs[i].ok, CALLS,
               jobs[i].error);
    CloseHandle(threads[i]);
  }
  sw_engine_run_once(e, 50);
  assert_int_equal(sw_pipe_server_clients(s), 0);
  sw_pipe_server_stop(s);
  sw_engine_destroy(e);
}

/* A raw connection for the misbehaving clients. */
static HANDLE raw_connect(void)
{
  for (int i = 0; i < 100; i++) {
    HANDLE h = CreateFileW(pipe_name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                           OPEN_EXISTING, 0, NULL);
    if (h != INVALID_HANDLE_VALUE)
      return h;
    WaitNamedPipeW(pipe_name, 100);
  }
  fail_msg("could not connect to the pipe");
  return INVALID_HANDLE_VALUE;
}

struct raw_job {
  const void *send;
  DWORD len;
  bool close_after_send;
  char got[512];
  DWORD got_len;
  DWORD read_error; /* of the read after the reply: the server's close */
};

static DWORD WINAPI raw_main(void *arg)
{
  struct raw_job *job = arg;
  HANDLE h = raw_connect();
  DWORD n;
  WriteFile(h, job->send, job->len, &n, NULL);
  if (job->close_after_send) {
    CloseHandle(h);
    return 0;
  }
  if (!ReadFile(h, job->got, sizeof job->got, &job->got_len, NULL)) {
    job->read_error = GetLastError();
  } else {
    char more[16];
    DWORD m;
    job->read_error = ReadFile(h, more, sizeof more, &m, NULL) ? 0 : GetLastError();
  }
  CloseHandle(h);
  return 0;
}

/* How a client's read sees the server disconnecting its instance. */
static bool hung_up(DWORD error)
{
  return error == ERROR_BROKEN_PIPE || error == ERROR_PIPE_NOT_CONNECTED;
}

static void misbehaving_clients_do_not_disturb_others(void **state)
{
  (void)state;
  struct sw_engine *e;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  struct sw_pipe_server *s = start_server(e);

  /* Flags set: a malformed frame gets an ERROR, then the server hangs up. */
  static const uint8_t garbage[] = {8, 0, 0, 0, 1, 0, 0xff, 0xff, 1, 0, 0, 0};
  /* A length of 2 GiB: the server hangs up without reading it. */
  static const uint8_t oversized[] = {0, 0, 0, 0x80, 1, 0};
  /* Half a frame, then gone. */
  static const uint8_t truncated[] = {100, 0, 0, 0, 1, 0, 0, 0};
  struct raw_job jobs[3] = {
      {.send = garbage, .len = sizeof garbage},
      {.send = oversized, .len = sizeof oversized},
      {.send = truncated, .len = sizeof truncated, .close_after_send = true},
  };
  /* A silent client holds a connection open and says nothing throughout. */
  HANDLE silent_thread_pipe = INVALID_HANDLE_VALUE;
  HANDLE threads[5];
  for (int i = 0; i < 3; i++)
    threads[i] = CreateThread(NULL, 0, raw_main, &jobs[i], 0, NULL);
  static struct client_job good = {.calls = 50};
  threads[3] = CreateThread(NULL, 0, client_main, &good, 0, NULL);
  struct client_job also_good = {.calls = 5};
  threads[4] = CreateThread(NULL, 0, client_main, &also_good, 0, NULL);
  /* Connect the silent one from this thread, non-blocking for the loop. */
  for (int i = 0; i < 50 && silent_thread_pipe == INVALID_HANDLE_VALUE; i++) {
    sw_engine_run_once(e, 10);
    silent_thread_pipe = CreateFileW(pipe_name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                                     OPEN_EXISTING, 0, NULL);
  }
  assert_true(silent_thread_pipe != INVALID_HANDLE_VALUE);
  serve_until_done(e, threads, 5);

  assert_int_equal(good.ok, 50);
  assert_int_equal(also_good.ok, 5);
  /* The garbage sender got an ERROR frame saying bad_request, then EOF. */
  struct sw_pipe_reply r;
  sw_pipe_reply_init(&r);
  sw_buf_append(&r.storage, jobs[0].got, jobs[0].got_len);
  size_t used;
  assert_int_equal(
      sw_pipe_frame_decode((uint8_t *)r.storage.data, r.storage.len, &r.frame, &used),
      SW_PIPE_COMPLETE);
  char code[32], message[256];
  assert_true(sw_pipe_reply_error(&r, code, sizeof code, message, sizeof message));
  assert_string_equal(code, "bad_request");
  assert_true(hung_up(jobs[0].read_error));
  sw_pipe_reply_free(&r);
  /* The oversized sender was cut off without a reply. */
  assert_int_equal(jobs[1].got_len, 0);
  assert_true(hung_up(jobs[1].read_error));
  for (int i = 0; i < 5; i++)
    CloseHandle(threads[i]);

  /* Only the silent client is still connected. */
  sw_engine_run_once(e, 50);
  assert_int_equal(sw_pipe_server_clients(s), 1);
  CloseHandle(silent_thread_pipe);
  for (int i = 0; i < 20 && sw_pipe_server_clients(s) > 0; i++)
    sw_engine_run_once(e, 50);
  assert_int_equal(sw_pipe_server_clients(s), 0);
  sw_pipe_server_stop(s);
  sw_engine_destroy(e);
}

struct slow_job {
  int ok;
  char error[256];
};

static DWORD WINAPI slow_client(void *arg)
{
  struct slow_job *job = arg;
  char *error = job->error;
  size_t error_size = sizeof job->error;
  struct sw_pipe_client *c =
      sw_pipe_client_open(pipe_name, "slow", 10000, error, error_size, NULL);
  if (!c)
    return 1;
  struct sw_pipe_reply reply;
  sw_pipe_reply_init(&reply);
  if (sw_pipe_client_call(c, MSG_SLOW, NULL, &reply, error, error_size) == SW_E_OK &&
      reply.frame.message == MSG_ECHO_OK)
    job->ok = 1;
  /* The connection works normally after a deferred answer. */
  if (sw_pipe_client_call(c, MSG_ECHO, NULL, &reply, error, error_size) == SW_E_OK &&
      reply.frame.message == MSG_ECHO_OK)
    job->ok++;
  sw_pipe_reply_free(&reply);
  sw_pipe_client_close(c);
  return 0;
}

/* A request answered later (the service's "test now" waits for a check)
 * holds only its own connection. */
static void deferred_reply_arrives_later(void **state)
{
  (void)state;
  struct sw_engine *e;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  struct sw_pipe_server *s = start_server(e);
  deferred_conn = NULL;
  struct slow_job job = {0};
  HANDLE t = CreateThread(NULL, 0, slow_client, &job, 0, NULL);
  static struct client_job other = {.calls = 10};
  HANDLE t2 = CreateThread(NULL, 0, client_main, &other, 0, NULL);
  DWORD start = GetTickCount();
  while (!deferred_conn && GetTickCount() - start < 10000)
    sw_engine_run_once(e, 20);
  assert_non_null(deferred_conn);
  /* Others are served while the slow one waits. */
  while (WaitForSingleObject(t2, 0) != WAIT_OBJECT_0 && GetTickCount() - start < 10000)
    sw_engine_run_once(e, 20);
  assert_int_equal(other.ok, 10);
  struct sw_buf reply;
  sw_buf_init(&reply, 0);
  size_t at;
  sw_pipe_frame_begin(&reply, MSG_ECHO_OK, deferred_id, &at);
  sw_pipe_frame_end(&reply, at);
  sw_pipe_conn_resume(deferred_conn, &reply);
  sw_buf_free(&reply);
  HANDLE both[1] = {t};
  serve_until_done(e, both, 1);
  if (job.ok != 2)
    fail_msg("slow client: %d of 2 calls ok: %s", job.ok, job.error);
  CloseHandle(t);
  CloseHandle(t2);
  sw_engine_run_once(e, 50);
  assert_int_equal(sw_pipe_server_clients(s), 0);
  sw_pipe_server_stop(s);
  sw_engine_destroy(e);
}

/* Clients that connect and stall are let go, so the bounded number of
 * connections cannot be used up by a few of them. */
static void stalled_and_idle_connections_are_closed(void **state)
{
  (void)state;
  struct sw_engine *e;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  struct sw_pipe_server *s = start_server(e);
  HANDLE half = INVALID_HANDLE_VALUE, idle = INVALID_HANDLE_VALUE;
  for (int i = 0;
       i < 50 && (half == INVALID_HANDLE_VALUE || idle == INVALID_HANDLE_VALUE); i++) {
    sw_engine_run_once(e, 10);
    if (half == INVALID_HANDLE_VALUE)
      half = CreateFileW(pipe_name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                         0, NULL);
    else if (idle == INVALID_HANDLE_VALUE)
      idle = CreateFileW(pipe_name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                         0, NULL);
  }
  assert_true(half != INVALID_HANDLE_VALUE && idle != INVALID_HANDLE_VALUE);
  static const uint8_t begun[] = {100, 0, 0, 0, 1, 0}; /* a frame that never ends */
  DWORD n;
  assert_true(WriteFile(half, begun, sizeof begun, &n, NULL));
  for (int i = 0; i < 20; i++)
    sw_engine_run_once(e, 20);
  assert_int_equal(sw_pipe_server_clients(s), 2);

  int64_t now = sw_clock_now_us();
  sw_pipe_server_tick(s, now + SW_PIPE_STALL_US / 2);
  assert_int_equal(sw_pipe_server_clients(s), 2); /* not yet */
  sw_pipe_server_tick(s, now + SW_PIPE_STALL_US + 1000000);
  assert_int_equal(sw_pipe_server_clients(s), 1); /* the half frame went */
  sw_pipe_server_tick(s, now + SW_PIPE_IDLE_US + 1000000);
  assert_int_equal(sw_pipe_server_clients(s), 0); /* and the idle one */
  char buf[8];
  assert_false(ReadFile(half, buf, sizeof buf, &n, NULL));
  CloseHandle(half);
  CloseHandle(idle);
  sw_pipe_server_stop(s);
  sw_engine_destroy(e);
}

/* The DACL the pipe was created with, read back from a client handle:
 * SYSTEM and Administrators full control, interactive users read/write, and
 * nobody else (no Everyone, no Anonymous, no network logons). */
static void security_descriptor_is_restrictive(void **state)
{
  (void)state;
  struct sw_engine *e;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  struct sw_pipe_server *s = start_server(e);
  HANDLE h = CreateFileW(pipe_name, GENERIC_READ | READ_CONTROL, 0, NULL, OPEN_EXISTING,
                         0, NULL);
  assert_true(h != INVALID_HANDLE_VALUE);
  PSECURITY_DESCRIPTOR sd = NULL;
  PACL dacl = NULL;
  assert_int_equal(GetSecurityInfo(h, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, NULL,
                                   NULL, &dacl, NULL, &sd),
                   ERROR_SUCCESS);
  LPWSTR sddl = NULL;
  assert_true(ConvertSecurityDescriptorToStringSecurityDescriptorW(
      sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &sddl, NULL));
  print_message("pipe DACL: %ls\n", sddl);
  assert_non_null(wcsstr(sddl, L";;;SY)"));
  assert_non_null(wcsstr(sddl, L";;;BA)"));
  assert_non_null(wcsstr(sddl, L";;;IU)"));
  assert_null(wcsstr(sddl, L";;;WD)"));
  assert_null(wcsstr(sddl, L";;;AN)"));
  assert_null(wcsstr(sddl, L";;;NU)"));
  assert_true(dacl != NULL && dacl->AceCount == 3);
  LocalFree(sddl);
  LocalFree(sd);
  CloseHandle(h);
  sw_pipe_server_stop(s);
  sw_engine_destroy(e);
}

static int setup(void **state)
{
  (void)state;
  swprintf(pipe_name, 64, L"\\\\.\\pipe\\sw-test-server-%lu", GetCurrentProcessId());
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(thirty_two_clients_at_once),
      cmocka_unit_test(misbehaving_clients_do_not_disturb_others),
      cmocka_unit_test(deferred_reply_arrives_later),
      cmocka_unit_test(stalled_and_idle_connections_are_closed),
      cmocka_unit_test(security_descriptor_is_restrictive),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
