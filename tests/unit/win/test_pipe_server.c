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

#include "access_eval.h"
#include "clock.h"
#include "engine.h"
#include "pipe_client.h"
#include "pipe_protocol.h"
#include "pipe_server.h"
#include "service_sid.h"

#define MSG_ECHO 1000
#define MSG_ECHO_OK 1001
#define MSG_SLOW 1002 /* answered later, by the test's loop */
#define MSG_NOW 1003  /* deferred, but answered inside the callback */
#define MSG_TEST 1004 /* takes one RULE_TEST from the account's allowance */

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
  } else if (req->message == MSG_NOW) {
    /* As a RULE_TEST whose check ends inside sw_engine_submit. */
    struct sw_buf now;
    sw_buf_init(&now, 0);
    sw_pipe_frame_begin(&now, MSG_ECHO_OK, req->request_id, &start);
    sw_pipe_frame_end(&now, start);
    sw_pipe_conn_resume(conn, &now);
    sw_buf_free(&now);
    return SW_PIPE_DEFER;
  } else if (req->message == MSG_TEST) {
    if (sw_pipe_conn_rate_take(conn, sw_clock_now_us())) {
      sw_pipe_frame_begin(reply, MSG_ECHO_OK, req->request_id, &start);
      sw_pipe_frame_end(reply, start);
    } else {
      sw_pipe_encode_error(reply, req->request_id, SW_PIPE_ERR_BUSY, NULL);
    }
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

/* Starts a server on this test's pipe name with `cfg` (name and
 * on_request filled in here). */
static struct sw_pipe_server *start_with(struct sw_engine *e,
                                         struct sw_pipe_server_config cfg)
{
  cfg.name = pipe_name;
  cfg.on_request = on_request;
  struct sw_pipe_server *s = NULL;
  unsigned long err = 0;
  assert_int_equal(sw_pipe_server_start(e, &cfg, &s, &err), SW_E_OK);
  return s;
}

static struct sw_pipe_server *start_server(struct sw_engine *e)
{
  return start_with(e, (struct sw_pipe_server_config){0});
}

/* The live pipe's descriptor (DACL), read from the server's own handle. */
static PSECURITY_DESCRIPTOR live_descriptor(struct sw_pipe_server *s)
{
  PSECURITY_DESCRIPTOR sd = NULL;
  assert_int_equal(GetSecurityInfo(sw_pipe_server_handle(s), SE_KERNEL_OBJECT,
                                   DACL_SECURITY_INFORMATION, NULL, NULL, NULL, NULL,
                                   &sd),
                   ERROR_SUCCESS);
  return sd;
}

static void thirty_two_clients_at_once(void **state)
{
  struct sw_engine *e = *state;
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
  struct sw_engine *e = *state;
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

static DWORD WINAPI now_client(void *arg)
{
  struct slow_job *job = arg;
  struct sw_pipe_client *c =
      sw_pipe_client_open(pipe_name, "now", 10000, job->error, sizeof job->error, NULL);
  if (!c)
    return 1;
  struct sw_pipe_reply reply;
  sw_pipe_reply_init(&reply);
  for (int call = 0; call < 2; call++)
    if (sw_pipe_client_call(c, call == 0 ? MSG_NOW : MSG_ECHO, NULL, &reply, job->error,
                            sizeof job->error) == SW_E_OK &&
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
  struct sw_engine *e = *state;
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
}

/* Connects a raw client while the loop runs (the server must accept). */
static HANDLE raw_connect_serving(struct sw_engine *e)
{
  HANDLE h = INVALID_HANDLE_VALUE;
  for (int i = 0; i < 50 && h == INVALID_HANDLE_VALUE; i++) {
    sw_engine_run_once(e, 10);
    h = CreateFileW(pipe_name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0,
                    NULL);
  }
  assert_true(h != INVALID_HANDLE_VALUE);
  return h;
}

static void run_for(struct sw_engine *e, int ms)
{
  DWORD start = GetTickCount();
  while (GetTickCount() - start < (DWORD)ms)
    sw_engine_run_once(e, 10);
}

/* An ECHO request frame with `body_len` bytes of body. */
static void echo_frame(struct sw_buf *out, uint32_t id, size_t body_len)
{
  size_t at;
  sw_pipe_frame_begin(out, MSG_ECHO, id, &at);
  for (size_t i = 0; i < body_len; i++)
    sw_buf_append(out, "x", 1);
  sw_pipe_frame_end(out, at);
}

/* Clients that connect and stall are let go, so the bounded number of
 * connections cannot be used up by a few of them: one that never sends its
 * first request, one that drips a request a byte at a time (its deadline
 * runs from the request's first byte, not its last), and, much later, one
 * that sits idle after a request. */
static void stalled_and_idle_connections_are_closed(void **state)
{
  struct sw_engine *e = *state;
  struct sw_pipe_server *s = start_server(e);
  HANDLE silent = raw_connect_serving(e);
  HANDLE drip = raw_connect_serving(e);
  HANDLE idle = raw_connect_serving(e);
  /* The idle one completes a request and reads its reply. */
  struct sw_buf req;
  sw_buf_init(&req, 0);
  echo_frame(&req, 7, 3);
  DWORD n;
  assert_true(WriteFile(idle, req.data, (DWORD)req.len, &n, NULL));
  run_for(e, 200);
  char buf[64];
  assert_true(ReadFile(idle, buf, sizeof buf, &n, NULL));
  /* The drip: one byte now, another 1.5 s later, more to come. */
  assert_true(WriteFile(drip, req.data, 1, &n, NULL));
  run_for(e, 100);
  int64_t first_byte = sw_clock_now_us();
  run_for(e, 1500);
  assert_true(WriteFile(drip, req.data + 1, 1, &n, NULL));
  run_for(e, 100);
  assert_int_equal(sw_pipe_server_clients(s), 3);

  /* Half the deadline after the first byte: nothing closes. */
  sw_pipe_server_tick(s, first_byte + SW_PIPE_STALL_US / 2);
  assert_int_equal(sw_pipe_server_clients(s), 3);
  /* Past the deadline from the drip's first byte, though its last byte
   * came 1.5 s later: the drip and the silent one go. */
  sw_pipe_server_tick(s, first_byte + SW_PIPE_STALL_US + 500000);
  assert_int_equal(sw_pipe_server_clients(s), 1);
  assert_false(ReadFile(drip, buf, sizeof buf, &n, NULL));
  assert_false(ReadFile(silent, buf, sizeof buf, &n, NULL));
  /* The idle one stays until the idle limit. */
  sw_pipe_server_tick(s, first_byte + SW_PIPE_IDLE_US + 1000000);
  assert_int_equal(sw_pipe_server_clients(s), 0);
  sw_buf_free(&req);
  CloseHandle(silent);
  CloseHandle(drip);
  CloseHandle(idle);
  sw_pipe_server_stop(s);
}

/* A client that pipelines many requests and does not read the replies is
 * served only as far as it reads (one request at a time, its output never
 * more than one reply), while another client is served as usual. */
static void pipelined_requests_are_served_one_at_a_time(void **state)
{
  struct sw_engine *e = *state;
  struct sw_pipe_server *s = start_server(e);
  HANDLE flood = raw_connect_serving(e);
  enum { FLOOD = 200, BODY = 8000 }; /* 1.6 MB of replies if all were served */
  struct sw_buf reqs;
  sw_buf_init(&reqs, 0);
  for (int i = 0; i < FLOOD; i++)
    echo_frame(&reqs, (uint32_t)i + 1, BODY);
  /* Written from a thread: the pipe takes only so much at once. */
  struct raw_job job = {.send = reqs.data, .len = (DWORD)reqs.len};
  LONG before = requests_served;
  HANDLE writer = CreateThread(NULL, 0, raw_main, &job, 0, NULL);
  (void)writer;
  static struct client_job other = {.calls = 10};
  HANDLE t = CreateThread(NULL, 0, client_main, &other, 0, NULL);
  serve_until_done(e, &t, 1);
  run_for(e, 300);
  assert_int_equal(other.ok, 10);
  LONG flood_served = requests_served - before - 11; /* the other's HELLO + 10 */
  print_message("flood requests served while its replies went unread: %ld of %d\n",
                (long)flood_served, FLOOD);
  /* The pipe's buffers (64 KiB each way) hold a few replies; all 200
   * were served at once before requests were taken one at a time. */
  assert_true(flood_served < 40);
  CloseHandle(flood);
  CloseHandle(t);
  /* The writer thread's own connection (raw_main) is ended by the stop. */
  sw_pipe_server_stop(s);
  WaitForSingleObject(writer, 5000);
  CloseHandle(writer);
  sw_buf_free(&reqs);
}

/* A client that writes many requests and leaves at once gets no more
 * work done for it than its first reply, which fails to go out. */
static void work_stops_for_a_client_that_has_gone(void **state)
{
  struct sw_engine *e = *state;
  struct sw_pipe_server *s = start_server(e);
  enum { FLOOD = 500 };
  struct sw_buf reqs;
  sw_buf_init(&reqs, 0);
  for (int i = 0; i < FLOOD; i++)
    echo_frame(&reqs, (uint32_t)i + 1, 100);
  LONG before = requests_served;
  struct raw_job job = {
      .send = reqs.data, .len = (DWORD)reqs.len, .close_after_send = true};
  HANDLE t = CreateThread(NULL, 0, raw_main, &job, 0, NULL);
  serve_until_done(e, &t, 1);
  run_for(e, 500);
  LONG served = requests_served - before;
  print_message("requests served for a client that left: %ld of %d\n", (long)served,
                FLOOD);
  assert_true(served <= 3);
  assert_int_equal(sw_pipe_server_clients(s), 0);
  CloseHandle(t);
  sw_buf_free(&reqs);
  sw_pipe_server_stop(s);
}

/* A deferred request whose answer comes inside the callback (a "test now"
 * whose check fails inside sw_engine_submit) is answered, and the
 * connection goes on. */
static void reply_before_defer_returns_is_delivered(void **state)
{
  struct sw_engine *e = *state;
  struct sw_pipe_server *s = start_server(e);
  struct slow_job job = {0};
  deferred_conn = NULL;
  HANDLE t = CreateThread(NULL, 0, now_client, &job, 0, NULL);
  serve_until_done(e, &t, 1);
  if (job.ok != 2)
    fail_msg("client: %d of 2 calls ok: %s", job.ok, job.error);
  CloseHandle(t);
  sw_pipe_server_stop(s);
}

/* ---- accounts: the identity seam -------------------------------------- */

static bool fake_admin;
static void fake_identify(void *ctx, HANDLE pipe, unsigned long pid,
                          struct sw_pipe_identity *out)
{
  (void)ctx;
  (void)pipe;
  (void)pid;
  static const BYTE user[] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0,    0, 1, 0,
                              0, 0, 2, 0, 0, 0, 3, 0, 0,  0, 0xe9, 3, 0, 0};
  memcpy(out->sid, user, sizeof user);
  out->known = true;
  out->admin = fake_admin;
}

static struct sw_pipe_server *start_server_as(struct sw_engine *e, bool admin,
                                              unsigned per_user)
{
  fake_admin = admin;
  return start_with(e, (struct sw_pipe_server_config){.identify = fake_identify,
                                                      .max_per_user = per_user});
}

struct hello_job {
  struct sw_pipe_client *c;
  char error[256];
};

static DWORD WINAPI hello_main(void *arg)
{
  struct hello_job *job = arg;
  job->c =
      sw_pipe_client_open(pipe_name, "test", 10000, job->error, sizeof job->error, NULL);
  return 0;
}

/* Opens `n` connections (HELLO each) at once; returns how many got in. */
static int open_many(struct sw_engine *e, struct hello_job *jobs, int n)
{
  HANDLE threads[8];
  for (int i = 0; i < n; i++) {
    memset(&jobs[i], 0, sizeof jobs[i]);
    threads[i] = CreateThread(NULL, 0, hello_main, &jobs[i], 0, NULL);
  }
  serve_until_done(e, threads, n);
  int in = 0;
  for (int i = 0; i < n; i++) {
    in += jobs[i].c != NULL;
    CloseHandle(threads[i]);
  }
  return in;
}

static void close_many(struct sw_engine *e, struct hello_job *jobs, int n)
{
  for (int i = 0; i < n; i++)
    if (jobs[i].c)
      sw_pipe_client_close(jobs[i].c);
  run_for(e, 100);
}

/* One account that is not an administrator gets max_per_user connections
 * at once, and a sentence for the next; administrators are not limited. */
static void connections_are_capped_per_account(void **state)
{
  struct sw_engine *e = *state;
  struct sw_pipe_server *s = start_server_as(e, false, 3);
  struct hello_job jobs[5];
  assert_int_equal(open_many(e, jobs, 5), 3);
  bool said = false;
  for (int i = 0; i < 5; i++)
    said |= !jobs[i].c && strstr(jobs[i].error, "Too many connections") != NULL;
  if (!said)
    fail_msg("no refusal names the cause: %s", jobs[0].error);
  close_many(e, jobs, 5);
  sw_pipe_server_stop(s);

  s = start_server_as(e, true, 3);
  assert_int_equal(open_many(e, jobs, 5), 5);
  close_many(e, jobs, 5);
  sw_pipe_server_stop(s);
}

struct test_calls_job {
  int ok, busy;
  char error[256];
};

static DWORD WINAPI test_calls_main(void *arg)
{
  struct test_calls_job *job = arg;
  struct sw_pipe_client *c =
      sw_pipe_client_open(pipe_name, "test", 10000, job->error, sizeof job->error, NULL);
  if (!c)
    return 1;
  struct sw_pipe_reply reply;
  sw_pipe_reply_init(&reply);
  for (int i = 0; i < SW_PIPE_TEST_BURST + 2; i++) {
    if (sw_pipe_client_call(c, MSG_TEST, NULL, &reply, job->error, sizeof job->error) !=
        SW_E_OK)
      break;
    char code[32], message[256];
    if (reply.frame.message == MSG_ECHO_OK)
      job->ok++;
    else if (sw_pipe_reply_error(&reply, code, sizeof code, message, sizeof message) &&
             !strcmp(code, "busy"))
      job->busy++;
  }
  sw_pipe_reply_free(&reply);
  sw_pipe_client_close(c);
  return 0;
}

/* RULE_TEST's allowance: a burst, then refused, for an account that is
 * not an administrator; never refused for an administrator. */
static void tests_are_rate_limited_for_standard_users(void **state)
{
  struct sw_engine *e = *state;
  for (int admin = 0; admin <= 1; admin++) {
    struct sw_pipe_server *s = start_server_as(e, admin, 0);
    struct test_calls_job job = {0};
    HANDLE t = CreateThread(NULL, 0, test_calls_main, &job, 0, NULL);
    serve_until_done(e, &t, 1);
    CloseHandle(t);
    if (admin) {
      assert_int_equal(job.ok, SW_PIPE_TEST_BURST + 2);
    } else {
      assert_int_equal(job.ok, SW_PIPE_TEST_BURST);
      assert_int_equal(job.busy, 2);
    }
    sw_pipe_server_stop(s);
  }
}

/* With every client slot taken, one instance still listens (the name never
 * lapses) and the extra client is told to come back. */
static void a_full_server_keeps_listening(void **state)
{
  struct sw_engine *e = *state;
  struct sw_pipe_server *s =
      start_with(e, (struct sw_pipe_server_config){.max_clients = 2});
  struct hello_job jobs[3];
  assert_int_equal(open_many(e, jobs, 2), 2);
  assert_true(sw_pipe_server_listening(s) >= 1);
  assert_int_equal(open_many(e, jobs + 2, 1), 0);
  assert_non_null(strstr(jobs[2].error, "as many clients as it can"));
  assert_true(sw_pipe_server_listening(s) >= 1);
  close_many(e, jobs, 3);
  assert_int_equal(open_many(e, jobs, 1), 1);
  close_many(e, jobs, 1);
  sw_pipe_server_stop(s);
}

/* ---- the pipe's descriptor --------------------------------------------- */

/* Who gets what from the live pipe's DACL, read back with GetSecurityInfo
 * from the server's own handle and evaluated by Windows' access-check rules
 * (access_eval.h): Wine stores the DACL but enforces none of it. The
 * expectations are docs/security.md's matrix. */
static void pipe_access_matrix_matches_the_docs(void **state)
{
  struct sw_engine *e = *state;
  /* The service's descriptor: its identity is NT SERVICE\SmtpWatch. */
  PSID service = NULL;
  assert_int_equal(sw_service_sid(L"SmtpWatch", &service), SW_E_OK);
  LPWSTR service_text = NULL;
  assert_true(ConvertSidToStringSidW(service, &service_text));
  wchar_t sddl[512];
  assert_true(sw_pipe_sddl_for(service_text, sddl, 512));
  struct sw_pipe_server *s = start_with(e, (struct sw_pipe_server_config){.sddl = sddl});
  PSECURITY_DESCRIPTOR sd = live_descriptor(s);
  LPWSTR live = NULL;
  assert_true(ConvertSecurityDescriptorToStringSecurityDescriptorW(
      sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &live, NULL));
  print_message("live pipe DACL: %ls\n", live);

  const ACCESS_MASK R = FILE_READ_DATA, W = FILE_WRITE_DATA,
                    I = FILE_CREATE_PIPE_INSTANCE, D = WRITE_DAC | WRITE_OWNER;
  struct {
    enum sw_principal who;
    ACCESS_MASK must, must_not;
  } matrix[] = {
      {SW_PRINCIPAL_SYSTEM, R | W | I | D, 0},
      {SW_PRINCIPAL_ADMINISTRATORS, R | W | I | D, 0},
      {SW_PRINCIPAL_SERVICE, R | W | I, D},
      {SW_PRINCIPAL_LOCAL_SERVICE, 0, R | W | I | D},
      {SW_PRINCIPAL_INTERACTIVE, R | W, I | D},
      {SW_PRINCIPAL_FILTERED_ADMIN, R | W, I | D},
      {SW_PRINCIPAL_AUTHENTICATED_USERS, 0, R | W | I | D},
      {SW_PRINCIPAL_NETWORK, 0, R | W | I | D},
      {SW_PRINCIPAL_EVERYONE, 0, R | W | I | D},
      {SW_PRINCIPAL_ANONYMOUS, 0, R | W | I | D},
  };
  int wrong = 0;
  for (size_t i = 0; i < sizeof matrix / sizeof matrix[0]; i++) {
    struct sw_token_model m;
    assert_int_equal(sw_token_model_of(matrix[i].who, L"SmtpWatch", &m), SW_E_OK);
    ACCESS_MASK got = sw_access_granted(sd, &m, &sw_file_generic_mapping);
    bool ok = (got & matrix[i].must) == matrix[i].must && !(got & matrix[i].must_not);
    print_message("%-28s 0x%06lx %s\n", sw_principal_name(matrix[i].who),
                  (unsigned long)got, ok ? "ok" : "WRONG");
    wrong += !ok;
  }
  assert_int_equal(wrong, 0);
  LocalFree(live);
  LocalFree(sd);
  LocalFree(service_text);
  LocalFree(service);
  sw_pipe_server_stop(s);
}

/* The default descriptor names this process's own identity, so the server
 * may create its further instances (CreateNamedPipe checks
 * FILE_CREATE_PIPE_INSTANCE for every instance after the first): this
 * process's real token, evaluated against the live pipe. */
static void the_server_may_create_its_own_instances(void **state)
{
  struct sw_engine *e = *state;
  wchar_t sddl[512];
  assert_int_equal(sw_pipe_security_sddl(L"SmtpWatch", sddl, 512), 0);
  struct sw_pipe_server *s = start_with(e, (struct sw_pipe_server_config){.sddl = sddl});
  PSECURITY_DESCRIPTOR sd = live_descriptor(s);
  /* This process's token: its user alone (its groups would include
   * Administrators under Wine, which proves nothing). */
  HANDLE token;
  assert_true(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token));
  BYTE buf[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
  DWORD got = 0;
  assert_true(GetTokenInformation(token, TokenUser, buf, sizeof buf, &got));
  CloseHandle(token);
  struct sw_token_model m = {.count = 0};
  assert_int_equal(
      sw_token_model_add(&m, ((TOKEN_USER *)buf)->User.Sid, SE_GROUP_ENABLED), SW_E_OK);
  ACCESS_MASK granted = sw_access_granted(sd, &m, &sw_file_generic_mapping);
  assert_true((granted & FILE_CREATE_PIPE_INSTANCE) != 0);
  /* And the service's four listeners exist. */
  assert_true(sw_pipe_server_listening(s) >= 2);
  LocalFree(sd);
  sw_pipe_server_stop(s);
}

/* Each test its own engine and pipe name: instances a test's clients
 * still hold must not meet the next test's server. */
static int setup(void **state)
{
  static int n;
  swprintf(pipe_name, 64, L"\\\\.\\pipe\\sw-test-server-%lu-%d", GetCurrentProcessId(),
           ++n);
  struct sw_engine *e = NULL;
  if (sw_engine_create(&e, NULL) != SW_E_OK)
    return -1;
  *state = e;
  return 0;
}

static int teardown(void **state)
{
  sw_engine_destroy(*state);
  return 0;
}

int main(void)
{
  /* The server is this test, not the SmtpWatch service: its clients talk
   * to it only with the development opt-in (pipe_trust_rule.h). */
  SetEnvironmentVariableW(L"SMTPWATCH_TRUST_CONSOLE_SERVICE", L"1");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(thirty_two_clients_at_once, setup, teardown),
      cmocka_unit_test_setup_teardown(misbehaving_clients_do_not_disturb_others, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(deferred_reply_arrives_later, setup, teardown),
      cmocka_unit_test_setup_teardown(stalled_and_idle_connections_are_closed, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(pipelined_requests_are_served_one_at_a_time, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(work_stops_for_a_client_that_has_gone, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(reply_before_defer_returns_is_delivered, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(connections_are_capped_per_account, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(tests_are_rate_limited_for_standard_users, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(a_full_server_keeps_listening, setup, teardown),
      cmocka_unit_test_setup_teardown(pipe_access_matrix_matches_the_docs, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(the_server_may_create_its_own_instances, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
