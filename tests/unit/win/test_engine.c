/* The IOCP engine against real loopback sockets served by a small scripted
 * SMTP server on a thread of this process: many checks in flight, timeouts,
 * refusals, cancellation mid-flight, and destroy with checks pending. Each
 * callback must run exactly once with the outcome a user would see. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "engine.h"
#include "engine_fixture.h"
#include "engine_req.h"

enum behaviour { SERVE_SMTP, SERVE_SILENT };

struct server {
  SOCKET listener;
  uint16_t port;
  enum behaviour behaviour;
  HANDLE thread;
  volatile LONG stop;
  SOCKET held[1100]; /* silent connections, kept open until the end */
  int nheld;
};

static DWORD WINAPI server_main(void *arg)
{
  struct server *sv = arg;
  while (!sv->stop) {
    SOCKET s = accept(sv->listener, NULL, NULL);
    if (s == INVALID_SOCKET)
      break;
    if (sv->behaviour == SERVE_SMTP)
      serve_smtp(s, "220 engine.test ESMTP\r\n");
    else if (sv->nheld < (int)(sizeof sv->held / sizeof sv->held[0]))
      sv->held[sv->nheld++] = s;
    else
      closesocket(s);
  }
  return 0;
}

static void server_start(struct server *sv, enum behaviour b)
{
  memset(sv, 0, sizeof *sv);
  sv->behaviour = b;
  sv->listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  assert_true(sv->listener != INVALID_SOCKET);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(sv->listener, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(listen(sv->listener, SOMAXCONN), 0);
  int len = sizeof a;
  getsockname(sv->listener, (struct sockaddr *)&a, &len);
  sv->port = ntohs(a.sin_port);
  sv->thread = CreateThread(NULL, 0, server_main, sv, 0, NULL);
}

static void server_stop(struct server *sv)
{
  sv->stop = 1;
  closesocket(sv->listener); /* wakes accept() */
  WaitForSingleObject(sv->thread, 5000);
  CloseHandle(sv->thread);
  for (int i = 0; i < sv->nheld; i++)
    closesocket(sv->held[i]);
}

struct tally {
  int calls[SW_OUTCOME_COUNT];
  int total;
  enum sw_step last_step;
  char last_detail[SW_DETAIL_MAX];
  unsigned last_caps;
  struct sw_engine *stop_after_first; /* stop the engine from a callback */
};

static void on_done(void *ctx, struct sw_check_result *r)
{
  struct tally *t = ctx;
  assert_true(r->outcome >= 0 && r->outcome < SW_OUTCOME_COUNT);
  t->calls[r->outcome]++;
  t->total++;
  t->last_step = r->step;
  t->last_caps = r->caps;
  strcpy(t->last_detail, r->detail);
  if (t->stop_after_first && r->outcome != SW_OUTCOME_CANCELLED)
    sw_engine_stop(t->stop_after_first);
}

static struct sw_check_spec spec_for(uint16_t port, uint32_t timeout_ms)
{
  struct sw_check_spec s = {.host = "127.0.0.1",
                            .port = port,
                            .ehlo_name = "engine.client",
                            .timeout_ms = timeout_ms};
  return s;
}

static struct sw_engine *engine_new(void)
{
  struct sw_engine *e = NULL;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  return e;
}

static void many_checks_in_flight_all_succeed(void **state)
{
  (void)state;
  struct server sv;
  server_start(&sv, SERVE_SMTP);
  struct sw_engine *e = engine_new();
  struct tally t = {0};
  struct sw_check_spec spec = spec_for(sv.port, 10000);
  for (int i = 0; i < 200; i++)
    assert_int_equal(sw_engine_submit(e, &spec, on_done, &t), SW_E_OK);
  assert_int_equal(sw_engine_pending(e), 200);
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK);
  assert_int_equal(t.total, 200);
  assert_int_equal(t.calls[SW_OUTCOME_OK], 200);
  assert_true(t.last_caps & SW_CAP(PIPELINING));
  assert_int_equal(sw_engine_pending(e), 0);
  sw_engine_destroy(e);
  server_stop(&sv);
}

static void silent_server_times_out_in_greeting(void **state)
{
  (void)state;
  struct server sv;
  server_start(&sv, SERVE_SILENT);
  struct sw_engine *e = engine_new();
  struct tally t = {0};
  struct sw_check_spec spec = spec_for(sv.port, 300);
  DWORD start = GetTickCount();
  assert_int_equal(sw_engine_submit(e, &spec, on_done, &t), SW_E_OK);
  sw_engine_run(e, SW_RUN_UNTIL_IDLE);
  DWORD took = GetTickCount() - start;
  assert_int_equal(t.calls[SW_OUTCOME_TIMEOUT], 1);
  assert_int_equal(t.last_step, SW_STEP_GREETING);
  assert_true(took >= 250 && took < 5000);
  sw_engine_destroy(e);
  server_stop(&sv);
}

static void closed_port_is_refused(void **state)
{
  (void)state;
  struct sw_engine *e = engine_new();
  struct tally t = {0};
  struct sw_check_spec spec = spec_for(closed_port(), 5000);
  assert_int_equal(sw_engine_submit(e, &spec, on_done, &t), SW_E_OK);
  sw_engine_run(e, SW_RUN_UNTIL_IDLE);
  assert_int_equal(t.calls[SW_OUTCOME_REFUSED], 1);
  assert_int_equal(t.last_step, SW_STEP_CONNECT);
  assert_non_null(strstr(t.last_detail, "10061"));
  sw_engine_destroy(e);
}

/* Rules may keep an IPv6 literal in brackets: it is still an address, not a
 * name to resolve. */
static void bracketed_ipv6_literal_is_an_address(void **state)
{
  (void)state;
  struct sw_engine *e = engine_new();
  struct tally t = {0};
  struct sw_check_spec spec = spec_for(closed_port(), 5000);
  spec.host = "[::1]";
  assert_int_equal(sw_engine_submit(e, &spec, on_done, &t), SW_E_OK);
  sw_engine_run(e, SW_RUN_UNTIL_IDLE);
  assert_int_equal(t.total, 1);
  assert_true(t.last_step == SW_STEP_CONNECT); /* resolving nothing */
  assert_non_null(strstr(t.last_detail, "[::1]:"));
  sw_engine_destroy(e);
}

static void stop_cancels_a_thousand_checks_in_flight(void **state)
{
  (void)state;
  struct server sv;
  server_start(&sv, SERVE_SILENT);
  struct sw_engine *e = engine_new();
  struct tally t = {0};
  struct sw_check_spec slow = spec_for(sv.port, 60000);
  struct sw_check_spec quick = spec_for(closed_port(), 5000);
  for (int i = 0; i < 1000; i++)
    assert_int_equal(sw_engine_submit(e, &slow, on_done, &t), SW_E_OK);
  /* The refused check ends first and its callback stops the engine: every
   * other check must then end as CANCELLED, exactly once, and quickly. */
  t.stop_after_first = e;
  assert_int_equal(sw_engine_submit(e, &quick, on_done, &t), SW_E_OK);
  DWORD start = GetTickCount();
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_STOPPED), SW_E_OK);
  sw_engine_destroy(e);
  assert_true(GetTickCount() - start < 5000);
  assert_int_equal(t.total, 1001);
  assert_int_equal(t.calls[SW_OUTCOME_REFUSED], 1);
  assert_int_equal(t.calls[SW_OUTCOME_CANCELLED], 1000);
  server_stop(&sv);
}

static void destroy_with_pending_checks_cancels_them(void **state)
{
  (void)state;
  struct server sv;
  server_start(&sv, SERVE_SILENT);
  struct sw_engine *e = engine_new();
  struct tally t = {0};
  struct sw_check_spec spec = spec_for(sv.port, 60000);
  for (int i = 0; i < 50; i++)
    sw_engine_submit(e, &spec, on_done, &t);
  sw_engine_destroy(e); /* never ran */
  assert_int_equal(t.total, 50);
  assert_int_equal(t.calls[SW_OUTCOME_CANCELLED], 50);
  server_stop(&sv);
}

static void unresolvable_name_fails_in_resolve(void **state)
{
  (void)state;
  struct sw_engine *e = engine_new();
  struct tally t = {0};
  struct sw_check_spec spec = spec_for(25, 5000);
  spec.host = "no-such-host.invalid";
  assert_int_equal(sw_engine_submit(e, &spec, on_done, &t), SW_E_OK);
  sw_engine_run(e, SW_RUN_UNTIL_IDLE);
  assert_int_equal(t.total, 1);
  assert_int_equal(t.last_step, SW_STEP_RESOLVE);
  assert_true(t.calls[SW_OUTCOME_RESOLVE_FAILED] == 1 ||
              t.calls[SW_OUTCOME_TIMEOUT] == 1);
  sw_engine_destroy(e);
}

/* True if the peer of `s` has closed its end (recv sees the close, or a
 * reset) within two seconds. */
static bool peer_closed(SOCKET s)
{
  DWORD ms = 2000;
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof ms);
  char buf[64];
  int n;
  while ((n = recv(s, buf, sizeof buf, 0)) > 0)
    ; /* whatever the client said before closing */
  return n == 0 || WSAGetLastError() == WSAECONNRESET;
}

/* Checks that time out, are refused, succeed or are cancelled mid-flight
 * must give back every socket, cycle after cycle: a service runs them for
 * months. The server sees each connection closed; and destroy returns only
 * once every check's struct is freed, so a leaked struct hangs the test. */
static void repeated_runs_close_every_connection(void **state)
{
  (void)state;
  struct server ok_sv, silent_sv;
  server_start(&ok_sv, SERVE_SMTP);
  server_start(&silent_sv, SERVE_SILENT);
  uint16_t refused = closed_port();
  for (int cycle = 0; cycle < 5; cycle++) {
    struct sw_engine *e = engine_new();
    struct tally t = {0};
    struct sw_check_spec ok = spec_for(ok_sv.port, 10000);
    struct sw_check_spec slow = spec_for(silent_sv.port, 150);
    struct sw_check_spec stuck = spec_for(silent_sv.port, 60000);
    struct sw_check_spec closed = spec_for(refused, 5000);
    for (int i = 0; i < 20; i++) {
      sw_engine_submit(e, &ok, on_done, &t);
      sw_engine_submit(e, &slow, on_done, &t);
      sw_engine_submit(e, &closed, on_done, &t);
    }
    sw_engine_run(e, SW_RUN_UNTIL_IDLE);
    /* Stuck checks, connected and waiting for a greeting, are cancelled
     * when the engine stops: a marker check submitted after them stops it
     * once it is done, by which time the stuck ones are connected. */
    for (int i = 0; i < 20; i++)
      sw_engine_submit(e, &stuck, on_done, &t);
    struct tally marker_tally = {.stop_after_first = e};
    struct sw_check_spec marker = spec_for(ok_sv.port, 10000);
    sw_engine_submit(e, &marker, on_done, &marker_tally);
    sw_engine_run(e, SW_RUN_UNTIL_STOPPED);
    sw_engine_destroy(e);
    assert_int_equal(marker_tally.calls[SW_OUTCOME_OK], 1);
    assert_int_equal(t.total, 80);
    assert_int_equal(t.calls[SW_OUTCOME_OK], 20);
    assert_int_equal(t.calls[SW_OUTCOME_TIMEOUT], 20);
    assert_int_equal(t.calls[SW_OUTCOME_REFUSED], 20);
    assert_int_equal(t.calls[SW_OUTCOME_CANCELLED], 20);
    Sleep(100); /* the server thread accepts the last ones */
    assert_true(silent_sv.nheld >= 20);
    for (int i = 0; i < silent_sv.nheld; i++) {
      assert_true(peer_closed(silent_sv.held[i]));
      closesocket(silent_sv.held[i]);
    }
    silent_sv.nheld = 0;
  }
  server_stop(&ok_sv);
  server_stop(&silent_sv);
}

/* The service drives the loop one turn at a time between its own timers. */
static void run_once_turns_until_stopped(void **state)
{
  (void)state;
  struct server sv;
  server_start(&sv, SERVE_SMTP);
  struct sw_engine *e = engine_new();
  struct tally t = {0};
  struct sw_check_spec spec = spec_for(sv.port, 10000);
  DWORD start = GetTickCount();
  assert_true(sw_engine_run_once(e, 50)); /* nothing to do: returns after 50 ms */
  assert_true(GetTickCount() - start >= 40);
  sw_engine_submit(e, &spec, on_done, &t);
  while (t.total == 0 && GetTickCount() - start < 10000)
    assert_true(sw_engine_run_once(e, 100));
  assert_int_equal(t.calls[SW_OUTCOME_OK], 1);
  struct sw_check_spec again = spec_for(sv.port, 10000);
  sw_engine_submit(e, &again, on_done, &t);
  sw_engine_stop(e);
  assert_false(sw_engine_run_once(e, INFINITE)); /* the stop, not a hang */
  assert_int_equal(t.calls[SW_OUTCOME_CANCELLED], 1);
  sw_engine_destroy(e);
  server_stop(&sv);
}

struct io_probe {
  struct sw_req io;
  int calls;
  DWORD bytes, error;
};

static void on_io(struct sw_req *io, DWORD bytes, DWORD error)
{
  struct io_probe *p = (struct io_probe *)io;
  p->calls++;
  p->bytes = bytes;
  p->error = error;
}

static DWORD WINAPI post_later(void *arg)
{
  void **args = arg;
  Sleep(100);
  sw_engine_post(args[0], args[1], 42);
  return 0;
}

/* A named pipe served on the engine's port next to the checks (the
 * service's control pipe works this way), and a packet posted from another
 * thread waking a loop that waits forever. */
static void foreign_io_completes_on_the_loop(void **state)
{
  (void)state;
  struct sw_engine *e = engine_new();
  wchar_t name[64];
  swprintf(name, 64, L"\\\\.\\pipe\\sw-test-%lu", GetCurrentProcessId());
  HANDLE pipe = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                 PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT, 1, 4096,
                                 4096, 0, NULL);
  assert_true(pipe != INVALID_HANDLE_VALUE);
  assert_int_equal(sw_engine_attach(e, pipe), 0);
  struct io_probe conn = {0}, rd = {0};
  sw_engine_req_init(&conn.io, on_io);
  sw_engine_req_init(&rd.io, on_io);
  if (!ConnectNamedPipe(pipe, &conn.io.ov))
    assert_true(GetLastError() == ERROR_IO_PENDING ||
                GetLastError() == ERROR_PIPE_CONNECTED);
  bool connected_at_once = GetLastError() == ERROR_PIPE_CONNECTED;
  HANDLE client =
      CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
  assert_true(client != INVALID_HANDLE_VALUE);
  for (int i = 0; i < 50 && conn.calls == 0 && !connected_at_once; i++)
    sw_engine_run_once(e, 100);
  assert_true(connected_at_once || (conn.calls == 1 && conn.error == 0));

  char buf[16];
  if (!ReadFile(pipe, buf, sizeof buf, NULL, &rd.io.ov))
    assert_int_equal(GetLastError(), ERROR_IO_PENDING);
  DWORD wrote;
  assert_true(WriteFile(client, "hello", 5, &wrote, NULL));
  for (int i = 0; i < 50 && rd.calls == 0; i++)
    sw_engine_run_once(e, 100);
  assert_int_equal(rd.calls, 1);
  assert_int_equal(rd.bytes, 5);
  assert_memory_equal(buf, "hello", 5);

  /* The client goes away: the next read fails with a Win32 error. */
  struct io_probe gone = {0};
  sw_engine_req_init(&gone.io, on_io);
  if (!ReadFile(pipe, buf, sizeof buf, NULL, &gone.io.ov))
    assert_int_equal(GetLastError(), ERROR_IO_PENDING);
  CloseHandle(client);
  for (int i = 0; i < 50 && gone.calls == 0; i++)
    sw_engine_run_once(e, 100);
  assert_int_equal(gone.calls, 1);
  assert_int_equal(gone.error, ERROR_BROKEN_PIPE);

  struct io_probe posted = {0};
  sw_engine_req_init(&posted.io, on_io);
  void *args[2] = {e, &posted.io};
  HANDLE t = CreateThread(NULL, 0, post_later, args, 0, NULL);
  assert_true(sw_engine_run_once(e, INFINITE));
  assert_int_equal(posted.calls, 1);
  assert_int_equal(posted.bytes, 42);
  WaitForSingleObject(t, 5000);
  CloseHandle(t);
  CloseHandle(pipe);
  sw_engine_destroy(e);
}

static void bad_spec_is_rejected(void **state)
{
  (void)state;
  struct sw_engine *e = engine_new();
  struct tally t = {0};
  struct sw_check_spec spec = spec_for(0, 1000);
  assert_int_equal(sw_engine_submit(e, &spec, on_done, &t), SW_E_INVALID_ARGUMENT);
  spec = spec_for(25, 1000);
  spec.host = "";
  assert_int_equal(sw_engine_submit(e, &spec, on_done, &t), SW_E_INVALID_ARGUMENT);
  assert_int_equal(sw_engine_pending(e), 0);
  sw_engine_destroy(e);
  assert_int_equal(t.total, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(many_checks_in_flight_all_succeed),
      cmocka_unit_test(silent_server_times_out_in_greeting),
      cmocka_unit_test(closed_port_is_refused),
      cmocka_unit_test(bracketed_ipv6_literal_is_an_address),
      cmocka_unit_test(stop_cancels_a_thousand_checks_in_flight),
      cmocka_unit_test(destroy_with_pending_checks_cancels_them),
      cmocka_unit_test(unresolvable_name_fails_in_resolve),
      cmocka_unit_test(repeated_runs_close_every_connection),
      cmocka_unit_test(run_once_turns_until_stopped),
      cmocka_unit_test(foreign_io_completes_on_the_loop),
      cmocka_unit_test(bad_spec_is_rejected),
  };
  return cmocka_run_group_tests(tests, setup_wsa, teardown_wsa);
}
