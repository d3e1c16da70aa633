/* The engine's address options against real loopback servers on
 * 127.0.0.1 and ::1 (threads of this process): ip_family (the resolver is
 * asked for one family, a literal of the other is refused in words),
 * all_addresses (every address checked at once within the one deadline,
 * the worst deciding, each listed, one callback even when stopped or
 * destroyed) and check_ptr (the reverse name of the answering address,
 * through the system's GetNameInfoW: 127.0.0.1 is "localhost" on the test
 * machines, whose /etc/hosts says so). Names are resolved by an injected
 * resolver that records the family it was asked for. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "engine_fixture.h"
#include "engine_resolve.h"

/* ---- servers ------------------------------------------------------------ */

enum behaviour { SERVE_SMTP, SERVE_SILENT, SERVE_CLOSED };

/* One listener on 127.0.0.1 or ::1; SERVE_CLOSED binds and never listens,
 * so connections are refused. */
struct server {
  SOCKET listener;
  enum behaviour behaviour;
  const char *greeting; /* "220 localhost ESMTP\r\n" */
  HANDLE thread;
  SOCKET held[8];
  int nheld;
};

static DWORD WINAPI server_main(void *arg)
{
  struct server *sv = arg;
  for (;;) {
    SOCKET s = accept(sv->listener, NULL, NULL);
    if (s == INVALID_SOCKET)
      break;
    if (sv->behaviour == SERVE_SMTP)
      serve_smtp(s, sv->greeting);
    else if (sv->nheld < (int)SW_COUNTOF(sv->held))
      sv->held[sv->nheld++] = s; /* silent: never a greeting */
    else
      closesocket(s);
  }
  return 0;
}

/* Binds `family`'s loopback at `port` (0: any); returns the port, 0 if
 * that port is taken. */
static uint16_t server_bind(struct server *sv, int family, uint16_t port)
{
  struct sockaddr_storage a;
  memset(&a, 0, sizeof a);
  int len;
  if (family == AF_INET6) {
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&a;
    a6->sin6_family = AF_INET6;
    a6->sin6_addr = in6addr_loopback;
    a6->sin6_port = htons(port);
    len = sizeof *a6;
  } else {
    struct sockaddr_in *a4 = (struct sockaddr_in *)&a;
    a4->sin_family = AF_INET;
    a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a4->sin_port = htons(port);
    len = sizeof *a4;
  }
  sv->listener = socket(family, SOCK_STREAM, IPPROTO_TCP);
  assert_true(sv->listener != INVALID_SOCKET);
  if (bind(sv->listener, (struct sockaddr *)&a, len) != 0) {
    closesocket(sv->listener);
    return 0;
  }
  getsockname(sv->listener, (struct sockaddr *)&a, &len);
  return ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&a)->sin6_port
                                  : ((struct sockaddr_in *)&a)->sin_port);
}

static void server_run(struct server *sv, enum behaviour b, const char *greeting)
{
  sv->behaviour = b;
  sv->greeting = greeting ? greeting : "220 localhost ESMTP\r\n";
  if (b == SERVE_CLOSED)
    return;
  assert_int_equal(listen(sv->listener, SOMAXCONN), 0);
  sv->thread = CreateThread(NULL, 0, server_main, sv, 0, NULL);
}

/* A v4 and a v6 server on the same port number, as one host's A and AAAA
 * addresses would have. */
struct pair {
  struct server v4, v6;
  uint16_t port;
};

static void pair_start(struct pair *p, enum behaviour b4, enum behaviour b6,
                       const char *greeting)
{
  memset(p, 0, sizeof *p);
  for (int tries = 0; tries < 50; tries++) {
    p->port = server_bind(&p->v4, AF_INET, 0);
    assert_true(p->port != 0);
    if (server_bind(&p->v6, AF_INET6, p->port) == p->port)
      break;
    closesocket(p->v4.listener); /* ::1 has it taken: another port */
    p->port = 0;
  }
  assert_true(p->port != 0);
  server_run(&p->v4, b4, greeting);
  server_run(&p->v6, b6, greeting);
}

static void server_stop(struct server *sv)
{
  closesocket(sv->listener); /* wakes accept() */
  if (sv->thread) {
    WaitForSingleObject(sv->thread, 5000);
    CloseHandle(sv->thread);
  }
  for (int i = 0; i < sv->nheld; i++)
    closesocket(sv->held[i]);
}

static void pair_stop(struct pair *p)
{
  server_stop(&p->v4);
  server_stop(&p->v6);
}

/* ---- the resolver and the results --------------------------------------- */

/* "both.test" is 127.0.0.1 then ::1; "localhost" (what the reverse check
 * resolves forward) is 127.0.0.1, or 192.0.2.1 while localhost_elsewhere
 * is set. */
static volatile LONG asked_family = -1;
static volatile LONG localhost_elsewhere;

static int fake_resolve(void *ctx, const char *host, uint16_t port, int family,
                        struct sockaddr_storage *addrs, int max, int *naddrs)
{
  (void)ctx;
  if (strcmp(host, "localhost") != 0)
    InterlockedExchange(&asked_family, family);
  *naddrs = 0;
  memset(addrs, 0, sizeof addrs[0] * (size_t)(max < 2 ? max : 2));
  struct sockaddr_in *a4 = (struct sockaddr_in *)&addrs[0];
  a4->sin_family = AF_INET;
  a4->sin_port = htons(port);
  if (!strcmp(host, "localhost") && localhost_elsewhere) {
    a4->sin_addr.s_addr = htonl(0xC0000201); /* 192.0.2.1 */
    *naddrs = 1;
    return 0;
  }
  a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  *naddrs = 1;
  if (!strcmp(host, "both.test") && max >= 2) {
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&addrs[1];
    a6->sin6_family = AF_INET6;
    a6->sin6_addr = in6addr_loopback;
    a6->sin6_port = htons(port);
    *naddrs = 2;
  }
  return 0;
}

/* What a callback got, kept past it. */
struct got {
  int calls;
  struct sw_check_result r;
};

static void on_done(void *ctx, struct sw_check_result *r)
{
  struct got *g = ctx;
  if (g->calls++ == 0)
    sw_check_result_move(&g->r, r);
}

static struct sw_engine *engine_new(bool fake)
{
  struct sw_engine *e = NULL;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  if (fake)
    sw_engine_set_resolver(e, fake_resolve, NULL);
  return e;
}

static struct sw_check_spec spec_of(const char *host, uint16_t port, uint32_t timeout_ms)
{
  return (struct sw_check_spec){
      .host = host, .port = port, .ehlo_name = "engine.client", .timeout_ms = timeout_ms};
}

/* Runs one check of `spec` to its end; exactly one callback. */
static void run(struct sw_engine *e, const struct sw_check_spec *spec, struct got *g)
{
  memset(g, 0, sizeof *g);
  sw_check_result_init(&g->r);
  assert_int_equal(sw_engine_submit(e, spec, on_done, g), SW_E_OK);
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK);
  assert_int_equal(g->calls, 1);
  assert_int_equal(sw_engine_pending(e), 0);
}

static const char *describe(const struct sw_check_result *r)
{
  static char text[1024];
  sw_check_result_describe(r, text, sizeof text);
  return text;
}

/* ---- ip_family ------------------------------------------------------------ */

static void a_literal_of_the_other_family_is_refused_in_words(void **state)
{
  (void)state;
  struct sw_engine *e = engine_new(false);
  struct got g;
  struct sw_check_spec spec = spec_of("::1", 25, 5000);
  spec.ip_family = SW_IP_V4;
  run(e, &spec, &g);
  assert_int_equal(g.r.outcome, SW_OUTCOME_RESOLVE_FAILED);
  assert_string_equal(g.r.detail,
                      "::1 is an IPv6 address, but the check is limited to IPv4");
  sw_check_result_free(&g.r);

  spec = spec_of("[127.0.0.1]", 25, 5000);
  spec.ip_family = SW_IP_V6;
  run(e, &spec, &g);
  assert_int_equal(g.r.outcome, SW_OUTCOME_RESOLVE_FAILED);
  assert_string_equal(g.r.detail,
                      "127.0.0.1 is an IPv4 address, but the check is limited to IPv6");
  sw_check_result_free(&g.r);
  sw_engine_destroy(e);
}

/* The resolver is asked for the family; an answer of both families keeps
 * only that one (the check reaches ::1 although 127.0.0.1 came first). */
static void a_name_is_resolved_in_the_checks_family(void **state)
{
  (void)state;
  struct pair p;
  pair_start(&p, SERVE_CLOSED, SERVE_SMTP, NULL);
  struct sw_engine *e = engine_new(true);
  struct got g;
  struct sw_check_spec spec = spec_of("both.test", p.port, 5000);
  spec.ip_family = SW_IP_V6;
  run(e, &spec, &g);
  assert_int_equal(asked_family, AF_INET6);
  assert_int_equal(g.r.outcome, SW_OUTCOME_OK);
  char want[64];
  snprintf(want, sizeof want, "[::1]:%u", p.port);
  assert_string_equal(g.r.peer, want);
  sw_check_result_free(&g.r);

  spec.ip_family = SW_IP_V4;
  run(e, &spec, &g);
  assert_int_equal(asked_family, AF_INET);
  assert_int_equal(g.r.outcome, SW_OUTCOME_REFUSED); /* only 127.0.0.1, which refuses */
  sw_check_result_free(&g.r);

  spec.ip_family = SW_IP_ANY;
  run(e, &spec, &g);
  assert_int_equal(asked_family, AF_UNSPEC);
  assert_int_equal(g.r.outcome, SW_OUTCOME_OK); /* the resolver's order, on to ::1 */
  assert_string_equal(g.r.peer, want);
  sw_check_result_free(&g.r);

  /* A family the name has no address of. */
  spec = spec_of("localhost", p.port, 5000);
  spec.ip_family = SW_IP_V6;
  run(e, &spec, &g);
  assert_int_equal(g.r.outcome, SW_OUTCOME_RESOLVE_FAILED);
  assert_string_equal(g.r.detail, "localhost has no IPv6 address");
  sw_check_result_free(&g.r);
  sw_engine_destroy(e);
  pair_stop(&p);
}

/* ---- all_addresses -------------------------------------------------------- */

static void every_address_is_checked_and_the_worst_decides(void **state)
{
  (void)state;
  struct pair p;
  pair_start(&p, SERVE_SMTP, SERVE_CLOSED, NULL);
  struct sw_engine *e = engine_new(true);
  struct got g;
  struct sw_check_spec spec = spec_of("both.test", p.port, 5000);
  spec.all_addresses = true;
  run(e, &spec, &g);
  assert_int_equal(g.r.outcome, SW_OUTCOME_REFUSED);
  char v4[64], v6[64];
  snprintf(v4, sizeof v4, "127.0.0.1:%u", p.port);
  snprintf(v6, sizeof v6, "[::1]:%u", p.port);
  assert_string_equal(g.r.peer, v6);
  assert_int_equal(g.r.naddresses, 2);
  assert_string_equal(g.r.addresses[0].peer, v4);
  assert_int_equal(g.r.addresses[0].outcome, SW_OUTCOME_OK);
  assert_int_equal(g.r.addresses[0].reply_code / 100, 2); /* the deciding reply */
  assert_string_equal(g.r.addresses[1].peer, v6);
  assert_int_equal(g.r.addresses[1].outcome, SW_OUTCOME_REFUSED);
  assert_int_equal(g.r.addresses[1].step, SW_STEP_CONNECT);
  char want[128];
  snprintf(want, sizeof want,
           "1 of 2 addresses OK; %s connection refused. Connection refused", v6);
  assert_true(strncmp(describe(&g.r), want, strlen(want)) == 0);
  /* The transcript is the deciding address's, and says so. */
  snprintf(want, sizeof want, "this is the transcript of %s, the one that decided", v6);
  assert_non_null(strstr(g.r.transcript.data, want));
  assert_null(strstr(g.r.transcript.data, "220 localhost"));
  sw_check_result_free(&g.r);
  pair_stop(&p);

  /* Both answer: OK, both listed, and a second run goes the same. */
  pair_start(&p, SERVE_SMTP, SERVE_SMTP, NULL);
  spec.port = p.port;
  for (int i = 0; i < 2; i++) {
    run(e, &spec, &g);
    assert_int_equal(g.r.outcome, SW_OUTCOME_OK);
    assert_int_equal(g.r.naddresses, 2);
    assert_int_equal(g.r.addresses[0].outcome, SW_OUTCOME_OK);
    assert_int_equal(g.r.addresses[1].outcome, SW_OUTCOME_OK);
    assert_true(strncmp(describe(&g.r), "2 of 2 addresses OK. OK in ", 27) == 0);
    sw_check_result_free(&g.r);
  }
  sw_engine_destroy(e);
  pair_stop(&p);
}

/* An address that never greets times out at the check's one deadline,
 * while the other answered long before; the result waits for both. */
static void all_addresses_share_one_deadline(void **state)
{
  (void)state;
  struct pair p;
  pair_start(&p, SERVE_SMTP, SERVE_SILENT, NULL);
  struct sw_engine *e = engine_new(true);
  struct got g;
  struct sw_check_spec spec = spec_of("both.test", p.port, 700);
  spec.all_addresses = true;
  run(e, &spec, &g);
  assert_int_equal(g.r.outcome, SW_OUTCOME_TIMEOUT);
  assert_int_equal(g.r.step, SW_STEP_GREETING);
  assert_int_equal(g.r.addresses[0].outcome, SW_OUTCOME_OK);
  assert_int_equal(g.r.addresses[1].outcome, SW_OUTCOME_TIMEOUT);
  /* Each dialogue started with the check: the timeout is the whole budget. */
  assert_true(g.r.total_us >= 700000);
  sw_check_result_free(&g.r);
  sw_engine_destroy(e);
  pair_stop(&p);
}

static void stopping_cancels_every_address_once(void **state)
{
  (void)state;
  struct pair p;
  pair_start(&p, SERVE_SILENT, SERVE_SILENT, NULL);
  struct sw_engine *e = engine_new(true);
  struct got g = {0};
  sw_check_result_init(&g.r);
  struct sw_check_spec spec = spec_of("both.test", p.port, 60000);
  spec.all_addresses = true;
  spec.check_ptr = true; /* a cancelled check looks nothing up */
  assert_int_equal(sw_engine_submit(e, &spec, on_done, &g), SW_E_OK);
  /* Until both connections are up and waiting for a greeting. */
  for (int i = 0; i < 200 && (p.v4.nheld < 1 || p.v6.nheld < 1); i++)
    sw_engine_run_once(e, 10);
  assert_int_equal(g.calls, 0);
  sw_engine_stop(e);
  assert_false(sw_engine_run_once(e, 0));
  assert_int_equal(g.calls, 1);
  assert_int_equal(g.r.outcome, SW_OUTCOME_CANCELLED);
  assert_int_equal(g.r.naddresses, 2);
  assert_int_equal(g.r.addresses[0].outcome, SW_OUTCOME_CANCELLED);
  assert_int_equal(g.r.addresses[1].outcome, SW_OUTCOME_CANCELLED);
  assert_int_equal(sw_engine_pending(e), 0);
  sw_check_result_free(&g.r);

  /* Destroyed with such a check in flight: one callback, nothing left. */
  struct got h = {0};
  sw_check_result_init(&h.r);
  assert_int_equal(sw_engine_submit(e, &spec, on_done, &h), SW_E_OK);
  for (int i = 0; i < 200 && (p.v4.nheld < 2 || p.v6.nheld < 2); i++)
    sw_engine_run_once(e, 10);
  sw_engine_destroy(e);
  assert_int_equal(h.calls, 1);
  assert_int_equal(h.r.outcome, SW_OUTCOME_CANCELLED);
  sw_check_result_free(&h.r);
  assert_int_equal(g.calls, 1);
  pair_stop(&p);
}

/* ---- check_ptr ------------------------------------------------------------ */

/* The system resolver both ways: 127.0.0.1 is localhost, and back. */
static void a_greeting_that_matches_the_reverse_name_passes(void **state)
{
  (void)state;
  struct pair p;
  pair_start(&p, SERVE_SMTP, SERVE_CLOSED, "220 LocalHost. ESMTP\r\n");
  struct sw_engine *e = engine_new(false);
  struct got g;
  struct sw_check_spec spec = spec_of("127.0.0.1", p.port, 5000);
  spec.check_ptr = true;
  run(e, &spec, &g);
  assert_int_equal(g.r.outcome, SW_OUTCOME_OK);
  assert_string_equal(g.r.ptr_name, "localhost");
  assert_non_null(strstr(g.r.transcript.data,
                         "-- reverse DNS: the reverse name of 127.0.0.1 "
                         "is localhost, which resolves back"));
  sw_check_result_free(&g.r);
  sw_engine_destroy(e);
  pair_stop(&p);
}

static void a_greeting_that_differs_is_a_banner_mismatch(void **state)
{
  (void)state;
  struct pair p;
  pair_start(&p, SERVE_SMTP, SERVE_CLOSED, "220 mx.example.com ESMTP\r\n");
  struct sw_engine *e = engine_new(false);
  struct got g;
  struct sw_check_spec spec = spec_of("127.0.0.1", p.port, 5000);
  spec.check_ptr = true;
  run(e, &spec, &g);
  assert_int_equal(g.r.outcome, SW_OUTCOME_BANNER_MISMATCH);
  assert_string_equal(g.r.ptr_name, "localhost");
  assert_string_equal(g.r.detail, "the reverse name of 127.0.0.1 is localhost, but the "
                                  "greeting names mx.example.com");
  sw_check_result_free(&g.r);

  /* Without check_ptr, the same server is OK and nothing is looked up. */
  spec.check_ptr = false;
  run(e, &spec, &g);
  assert_int_equal(g.r.outcome, SW_OUTCOME_OK);
  assert_string_equal(g.r.ptr_name, "");
  sw_check_result_free(&g.r);
  sw_engine_destroy(e);
  pair_stop(&p);
}

/* The reverse name must resolve back (the injected resolver sends
 * "localhost" elsewhere); with all_addresses each address is judged. */
static void a_reverse_name_that_does_not_resolve_back_is_a_mismatch(void **state)
{
  (void)state;
  struct pair p;
  pair_start(&p, SERVE_SMTP, SERVE_CLOSED, NULL);
  struct sw_engine *e = engine_new(false);
  struct got g;
  struct sw_check_spec spec = spec_of("127.0.0.1", p.port, 5000);
  spec.check_ptr = true;
  sw_engine_set_resolver(e, fake_resolve, NULL);
  InterlockedExchange(&localhost_elsewhere, 1);
  run(e, &spec, &g);
  InterlockedExchange(&localhost_elsewhere, 0);
  assert_int_equal(g.r.outcome, SW_OUTCOME_BANNER_MISMATCH);
  assert_string_equal(g.r.ptr_name, "localhost");
  assert_string_equal(g.r.detail,
                      "the reverse name of 127.0.0.1 is localhost, which does "
                      "not resolve back to it; the greeting names localhost");
  sw_check_result_free(&g.r);
  run(e, &spec, &g); /* and back to 127.0.0.1: FCrDNS holds */
  assert_int_equal(g.r.outcome, SW_OUTCOME_OK);
  sw_check_result_free(&g.r);
  pair_stop(&p);

  /* Every address, each with its reverse lookup: 127.0.0.1 passes, ::1
   * has no reverse name here, or another one than the greeting's. */
  pair_start(&p, SERVE_SMTP, SERVE_SMTP, "220 localhost ESMTP\r\n");
  spec = spec_of("both.test", p.port, 5000);
  spec.check_ptr = true;
  spec.all_addresses = true;
  run(e, &spec, &g);
  assert_int_equal(g.r.naddresses, 2);
  assert_int_equal(g.r.addresses[0].outcome, SW_OUTCOME_OK);
  assert_string_equal(g.r.addresses[0].ptr_name, "localhost");
  if (g.r.addresses[1].outcome == SW_OUTCOME_OK) {
    /* A machine whose hosts file names ::1 localhost: both pass. */
    assert_int_equal(g.r.outcome, SW_OUTCOME_OK);
  } else {
    assert_int_equal(g.r.addresses[1].outcome, SW_OUTCOME_BANNER_MISMATCH);
    assert_int_equal(g.r.outcome, SW_OUTCOME_BANNER_MISMATCH);
    assert_non_null(strstr(g.r.detail, "::1"));
  }
  sw_check_result_free(&g.r);
  sw_engine_destroy(e);
  pair_stop(&p);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_literal_of_the_other_family_is_refused_in_words),
      cmocka_unit_test(a_name_is_resolved_in_the_checks_family),
      cmocka_unit_test(every_address_is_checked_and_the_worst_decides),
      cmocka_unit_test(all_addresses_share_one_deadline),
      cmocka_unit_test(stopping_cancels_every_address_once),
      cmocka_unit_test(a_greeting_that_matches_the_reverse_name_passes),
      cmocka_unit_test(a_greeting_that_differs_is_a_banner_mismatch),
      cmocka_unit_test(a_reverse_name_that_does_not_resolve_back_is_a_mismatch),
  };
  return cmocka_run_group_tests(tests, setup_wsa, teardown_wsa);
}
