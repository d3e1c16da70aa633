/* The engine's HTTPS GET (common/win/engine_https.c) where no policy
 * server is needed (integration.engine_fetch runs it against real ones):
 * what it refuses to start, with a sentence and no callback; the MTA-STS
 * spec; a fetch whose DNS server never answers, ended by its budget while
 * resolving; and a fetch cancelled by a stop or by destroying the engine,
 * its callback run once either way. The silent DNS server is a UDP socket
 * of this test on 127.0.0.1 that reads nothing. */
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
#include "engine_dns.h"
#include "engine_https.h"

struct outcome {
  int calls;
  enum sw_https_outcome outcome;
  char detail[SW_HTTPS_GET_DETAIL_MAX];
  bool body_null;
};

static void on_done(void *ctx, const struct sw_https_get_result *r)
{
  struct outcome *o = ctx;
  o->calls++;
  o->outcome = r->outcome;
  snprintf(o->detail, sizeof o->detail, "%s", r->detail);
  o->body_null = r->body == NULL && r->body_len == 0;
}

static SOCKET silent;
static char silent_server[64];

static int setup(void **state)
{
  (void)state;
  WSADATA wsa;
  assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wsa), 0);
  silent = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  assert_true(silent != INVALID_SOCKET);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(silent, (struct sockaddr *)&a, sizeof a), 0);
  int len = sizeof a;
  assert_int_equal(getsockname(silent, (struct sockaddr *)&a, &len), 0);
  snprintf(silent_server, sizeof silent_server, "127.0.0.1:%u", ntohs(a.sin_port));
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  closesocket(silent);
  WSACleanup();
  return 0;
}

static struct sw_https_get_spec spec_of(const char *host, const char *path,
                                        uint32_t timeout_ms)
{
  return (struct sw_https_get_spec){
      .host = host, .path = path, .dns_server = silent_server, .timeout_ms = timeout_ms};
}

static void test_bad_specs_are_refused_with_a_sentence(void **state)
{
  (void)state;
  struct sw_engine *e = NULL;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  struct outcome o = {0};
  char why[300];
  struct sw_https_get_spec bad[] = {
      spec_of(NULL, "/x", 1000),
      spec_of("", "/x", 1000),
      spec_of("mta-sts.example.test", "x", 1000),
      spec_of("mta-sts.example.test", "/a b", 1000),
      spec_of("mta-sts.example.test", "/a\r\nHost: evil", 1000),
      spec_of("bad..name", "/x", 1000),
      spec_of("mta-sts.example.test", "/x", 1000),
  };
  bad[6].dns_server = "not a server";
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    why[0] = '\0';
    if (sw_engine_https_get(e, &bad[i], on_done, &o, why, sizeof why) !=
        SW_E_INVALID_ARGUMENT)
      fail_msg("spec %zu was accepted", i);
    assert_true(why[0] != '\0');
  }
  assert_int_equal(sw_engine_https_get(e, NULL, on_done, &o, why, sizeof why),
                   SW_E_INVALID_ARGUMENT);
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK); /* nothing waits */
  assert_int_equal(o.calls, 0);
  sw_engine_destroy(e);
}

static void test_mta_sts_spec(void **state)
{
  (void)state;
  struct sw_https_get_spec spec = {.port = 8443, .timeout_ms = 1234};
  char host[64], why[200];
  assert_true(sw_https_get_spec_mta_sts(&spec, "example.com", host, sizeof host, why,
                                        sizeof why));
  assert_string_equal(spec.host, "mta-sts.example.com");
  assert_string_equal(spec.path, "/.well-known/mta-sts.txt");
  assert_string_equal(spec.content_type, "text/plain");
  assert_int_equal(spec.body_max, 64 * 1024);
  assert_int_equal(spec.port, 8443); /* what the caller set stays */
  assert_int_equal(spec.timeout_ms, 1234);
  char small[12];
  assert_false(sw_https_get_spec_mta_sts(&spec, "example.com", small, sizeof small, why,
                                         sizeof why));
  assert_true(why[0] != '\0');
  assert_false(sw_https_get_spec_mta_sts(&spec, "", host, sizeof host, why, sizeof why));
  assert_string_equal(sw_https_outcome_name(SW_HTTPS_REDIRECT), "redirect");
  assert_string_equal(sw_https_outcome_name(SW_HTTPS_OUTCOME_COUNT), "unknown");
}

static void test_silent_dns_server_ends_with_the_budget(void **state)
{
  (void)state;
  struct sw_engine *e = NULL;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  struct outcome o = {0};
  char why[300];
  struct sw_https_get_spec spec = spec_of("mta-sts.example.test", "/x", 400);
  assert_int_equal(sw_engine_https_get(e, &spec, on_done, &o, why, sizeof why), SW_E_OK);
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK);
  assert_int_equal(o.calls, 1);
  assert_int_equal(o.outcome, SW_HTTPS_TIMEOUT);
  assert_string_equal(o.detail, "https://mta-sts.example.test/x: no answer within 400 ms "
                                "(resolving the host name)");
  assert_true(o.body_null);
  sw_engine_destroy(e);
}

static void test_stop_and_destroy_cancel(void **state)
{
  (void)state;
  char why[300];
  struct sw_https_get_spec spec = spec_of("mta-sts.example.test", "/x", 60000);
  /* A stop: the running loop returns, the fetch cancelled. */
  struct sw_engine *e = NULL;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  struct outcome o = {0};
  assert_int_equal(sw_engine_https_get(e, &spec, on_done, &o, why, sizeof why), SW_E_OK);
  assert_true(sw_engine_run_once(e, 50)); /* under way */
  assert_int_equal(o.calls, 0);
  sw_engine_stop(e);
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_STOPPED), SW_E_OK);
  assert_int_equal(o.calls, 1);
  assert_int_equal(o.outcome, SW_HTTPS_CANCELLED);
  assert_string_equal(o.detail, "https://mta-sts.example.test/x: the engine was stopped");
  sw_engine_destroy(e);
  assert_int_equal(o.calls, 1);
  /* Destroying the engine with a fetch under way. */
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  struct outcome d = {0};
  assert_int_equal(sw_engine_https_get(e, &spec, on_done, &d, why, sizeof why), SW_E_OK);
  sw_engine_destroy(e);
  assert_int_equal(d.calls, 1);
  assert_int_equal(d.outcome, SW_HTTPS_CANCELLED);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_specs_are_refused_with_a_sentence),
      cmocka_unit_test(test_mta_sts_spec),
      cmocka_unit_test(test_silent_dns_server_ends_with_the_budget),
      cmocka_unit_test(test_stop_and_destroy_cancel),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
