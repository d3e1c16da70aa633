/* XOAUTH2's token in the engine, with the token endpoint replaced by a
 * function the test holds (engine_oauth.h): the loop goes on with other
 * checks while a request blocks; the token the request gave reaches the
 * server and the cache, so the next check asks nobody; a failed request
 * is oauth_token_failed in the AUTH step; a stop while a request blocks is
 * bounded, and the abandoned request frees itself when it returns. The
 * real endpoint (WinHTTP) is integration.oauth's. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "engine_fixture.h"
#include "engine_oauth.h"
#include "engine_resolve.h"
#include "oauth_cache.h"

#define TOKEN "eyJ0eXAi.test-token.sig"
#define XOAUTH2_LINE                                                                     \
  "AUTH XOAUTH2 dXNlcj1tb25pdG9yQGV4YW1wbGUuY29tAWF1dGg9QmVhcmVyIGV5SjBlWEFpLnRlc3Qt"    \
  "dG9rZW4uc2lnAQE="

/* A loopback SMTP server, a thread per connection (a check may wait for
 * its token while another one talks): 220, then a line at a time: EHLO
 * gets AUTH XOAUTH2 offered, AUTH 235 if it is the expected line (else
 * 535), anything else 221 and the end. It counts the AUTH lines it took. */
struct server {
  SOCKET listener;
  uint16_t port;
  HANDLE thread;
  volatile LONG auth_ok, auth_bad;
};

static bool read_line(SOCKET s, char *line, size_t size)
{
  size_t n = 0;
  for (char c; n + 1 < size;) {
    if (recv(s, &c, 1, 0) != 1)
      return false;
    if (c == '\n')
      break;
    if (c != '\r')
      line[n++] = c;
  }
  line[n] = '\0';
  return true;
}

static void say(SOCKET s, const char *text)
{
  send(s, text, (int)strlen(text), 0);
}

struct conn {
  struct server *sv;
  SOCKET sock;
};

static DWORD WINAPI conn_main(void *arg)
{
  struct conn *cn = arg;
  struct server *sv = cn->sv;
  SOCKET c = cn->sock;
  free(cn);
  {
    say(c, "220 mx.example.com ESMTP\r\n");
    char line[1024];
    while (read_line(c, line, sizeof line)) {
      if (!strncmp(line, "EHLO", 4)) {
        say(c, "250-mx.example.com\r\n250 AUTH PLAIN XOAUTH2\r\n");
      } else if (!strncmp(line, "AUTH", 4)) {
        bool ok = !strcmp(line, XOAUTH2_LINE);
        InterlockedIncrement(ok ? &sv->auth_ok : &sv->auth_bad);
        say(c, ok ? "235 2.7.0 Accepted\r\n" : "535 5.7.8 Bad token\r\n");
      } else {
        say(c, "221 2.0.0 Bye\r\n");
        break;
      }
    }
    closesocket(c);
  }
  return 0;
}

static DWORD WINAPI server_main(void *arg)
{
  struct server *sv = arg;
  for (;;) {
    SOCKET c = accept(sv->listener, NULL, NULL);
    if (c == INVALID_SOCKET)
      return 0; /* the listener was closed: the test is over */
    struct conn *cn = malloc(sizeof *cn);
    HANDLE t = NULL;
    if (cn) {
      *cn = (struct conn){sv, c};
      t = CreateThread(NULL, 0, conn_main, cn, 0, NULL);
    }
    if (t)
      CloseHandle(t); /* it ends with its connection */
    else {
      free(cn);
      closesocket(c); /* the check then fails, visibly */
    }
  }
}

static void server_start(struct server *sv)
{
  memset(sv, 0, sizeof *sv);
  sv->listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int len = sizeof a;
  assert_int_equal(bind(sv->listener, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(getsockname(sv->listener, (struct sockaddr *)&a, &len), 0);
  assert_int_equal(listen(sv->listener, SOMAXCONN), 0);
  sv->port = ntohs(a.sin_port);
  sv->thread = CreateThread(NULL, 0, server_main, sv, 0, NULL);
  assert_non_null(sv->thread);
}

static void server_stop(struct server *sv)
{
  closesocket(sv->listener);
  WaitForSingleObject(sv->thread, 10000);
  CloseHandle(sv->thread);
}

static const struct sw_oauth_client client = {"https://login.example/t/token", "app",
                                              "s3cret",
                                              "https://outlook.office365.com/"
                                              ".default"};

/* The stand-in endpoint: it says when a request came in, blocks until the
 * test lets it go, then gives TOKEN for an hour or refuses. */
struct endpoint {
  HANDLE entered, release;
  bool refuse;
  volatile LONG requests, returned, own_secret;
};

static bool held_fetch(void *ctx, const struct sw_oauth_client *c, uint32_t timeout_ms,
                       struct sw_oauth_token *out, char *detail, size_t size)
{
  (void)timeout_ms;
  struct endpoint *ep = ctx;
  InterlockedIncrement(&ep->requests);
  /* The job's own copy (no cmocka assertion on a pool thread). */
  if (c->client_secret != client.client_secret && !strcmp(c->client_secret, "s3cret"))
    InterlockedIncrement(&ep->own_secret);
  SetEvent(ep->entered);
  WaitForSingleObject(ep->release, INFINITE);
  InterlockedIncrement(&ep->returned);
  if (ep->refuse) {
    snprintf(detail, size,
             "the token endpoint refused the client (HTTP 401): "
             "invalid_client");
    return false;
  }
  out->access_token = malloc(sizeof TOKEN);
  memcpy(out->access_token, TOKEN, sizeof TOKEN);
  out->expires_in_s = 3600;
  return true;
}

struct done {
  int count;
  enum sw_outcome outcome;
  enum sw_step step;
  char detail[SW_DETAIL_MAX];
};

static void on_done(void *ctx, struct sw_check_result *r)
{
  struct done *d = ctx;
  d->count++;
  d->outcome = r->outcome;
  d->step = r->step;
  snprintf(d->detail, sizeof d->detail, "%s", r->detail);
}

static struct sw_check_spec xoauth2_spec(uint16_t port)
{
  return (struct sw_check_spec){
      .host = "127.0.0.1",
      .port = port,
      .ehlo_name = "client.example",
      .timeout_ms = 30000,
      .auth = {.user = "monitor@example.com",
               .mech = SW_AUTH_MECH_XOAUTH2,
               .allow_plaintext = true},
      .oauth = &client,
  };
}

/* Turns the loop until `d` has its result (bounded). */
static void run_until(struct sw_engine *e, const struct done *d)
{
  for (int i = 0; i < 3000 && d->count == 0; i++)
    sw_engine_run_once(e, 10);
  assert_int_equal(d->count, 1);
}

/* Turns the loop until the stand-in endpoint has the request (bounded). */
static void run_until_requested(struct sw_engine *e, struct endpoint *ep)
{
  bool entered = false;
  for (int i = 0; i < 3000 && !entered; i++) {
    sw_engine_run_once(e, 10);
    entered = WaitForSingleObject(ep->entered, 0) == WAIT_OBJECT_0;
  }
  assert_true(entered);
}

/* What each test runs on: the server, an engine whose token requests go
 * to the test's endpoint, an XOAUTH2 check of that server, and an empty
 * cache. */
struct rig {
  struct server sv;
  struct sw_engine *e;
  struct sw_check_spec spec;
};

static void rig_start(struct rig *r, struct endpoint *ep)
{
  sw_oauth_cache_clear();
  server_start(&r->sv);
  assert_int_equal(sw_engine_create(&r->e, NULL), SW_E_OK);
  sw_engine_set_token_fetcher(r->e, held_fetch, ep);
  r->spec = xoauth2_spec(r->sv.port);
}

static void rig_stop(struct rig *r)
{
  sw_engine_destroy(r->e); /* NULL once a test has destroyed it */
  server_stop(&r->sv);
  sw_oauth_cache_clear();
}

static void test_loop_goes_on_while_the_token_is_fetched(void **state)
{
  struct endpoint *ep = *state;
  struct rig r;
  rig_start(&r, ep);
  struct done first = {0}, plain = {0}, second = {0};
  assert_int_equal(sw_engine_submit(r.e, &r.spec, on_done, &first), SW_E_OK);
  run_until_requested(r.e, ep);
  /* Another check runs to its end meanwhile: the loop is not blocked. */
  struct sw_check_spec other = {.host = "127.0.0.1",
                                .port = r.sv.port,
                                .ehlo_name = "client.example",
                                .timeout_ms = 30000};
  assert_int_equal(sw_engine_submit(r.e, &other, on_done, &plain), SW_E_OK);
  run_until(r.e, &plain);
  assert_int_equal(plain.outcome, SW_OUTCOME_OK);
  assert_int_equal(first.count, 0);

  SetEvent(ep->release);
  run_until(r.e, &first);
  assert_int_equal(first.outcome, SW_OUTCOME_OK);
  assert_int_equal(first.step, SW_STEP_QUIT);
  assert_int_equal(r.sv.auth_ok, 1);
  /* The next check takes the token from the cache: no request. */
  assert_int_equal(sw_engine_submit(r.e, &r.spec, on_done, &second), SW_E_OK);
  run_until(r.e, &second);
  assert_int_equal(second.outcome, SW_OUTCOME_OK);
  assert_int_equal(r.sv.auth_ok, 2);
  assert_int_equal(ep->requests, 1);
  assert_int_equal(ep->own_secret, 1);
  rig_stop(&r);
}

static void test_refused_request_is_oauth_token_failed(void **state)
{
  struct endpoint *ep = *state;
  ep->refuse = true;
  SetEvent(ep->release); /* answers at once */
  struct rig r;
  rig_start(&r, ep);
  struct done d = {0};
  assert_int_equal(sw_engine_submit(r.e, &r.spec, on_done, &d), SW_E_OK);
  run_until(r.e, &d);
  assert_int_equal(d.outcome, SW_OUTCOME_OAUTH_TOKEN_FAILED);
  assert_int_equal(d.step, SW_STEP_AUTH);
  assert_string_equal(d.detail, "the token endpoint refused the client (HTTP 401): "
                                "invalid_client");
  assert_int_equal(r.sv.auth_ok + r.sv.auth_bad, 0); /* no AUTH was said */
  char *cached = sw_oauth_cache_get(&client, 0);
  assert_null(cached); /* a refusal is not kept */
  rig_stop(&r);
  ep->refuse = false;
}

static long wait_for_zero(long (*counter)(void))
{
  for (int i = 0; i < 1000 && counter() != 0; i++)
    Sleep(10);
  return counter();
}

static void test_stop_while_a_request_blocks(void **state)
{
  struct endpoint *ep = *state;
  struct rig r;
  rig_start(&r, ep);
  struct done d = {0};
  assert_int_equal(sw_engine_submit(r.e, &r.spec, on_done, &d), SW_E_OK);
  run_until_requested(r.e, ep);
  assert_int_equal(sw_engine_oauth_jobs(), 1);
  sw_engine_destroy(r.e); /* bounded: back while the request still blocks */
  r.e = NULL;
  assert_int_equal(d.count, 1);
  assert_int_equal(d.outcome, SW_OUTCOME_CANCELLED);
  assert_int_equal(InterlockedCompareExchange(&ep->returned, 0, 0), 0);
  assert_int_equal(sw_engine_oauth_jobs(), 1);
  /* Let go: the abandoned request frees itself and what it held; its
   * token still fills the cache for the process's next engine. */
  SetEvent(ep->release);
  assert_int_equal(wait_for_zero(sw_engine_oauth_jobs), 0);
  assert_int_equal(wait_for_zero(sw_engine_dns_records), 0);
  char *cached = sw_oauth_cache_get(&client, 0);
  assert_non_null(cached);
  assert_string_equal(cached, TOKEN);
  free(cached);
  rig_stop(&r);
}

static int setup(void **state)
{
  setup_wsa(state);
  struct endpoint *ep = calloc(1, sizeof *ep); /* outlives every request */
  ep->entered = CreateEventW(NULL, FALSE, FALSE, NULL);
  *state = ep;
  return 0;
}

static int reset(void **state)
{
  struct endpoint *ep = *state;
  if (ep->release)
    CloseHandle(ep->release);
  ep->release = CreateEventW(NULL, TRUE, FALSE, NULL);
  ep->requests = ep->returned = ep->own_secret = 0;
  ResetEvent(ep->entered);
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_loop_goes_on_while_the_token_is_fetched, reset),
      cmocka_unit_test_setup(test_refused_request_is_oauth_token_failed, reset),
      cmocka_unit_test_setup(test_stop_while_a_request_blocks, reset),
  };
  return cmocka_run_group_tests(tests, setup, teardown_wsa);
}
