/* The engine's DNS queries (common/win/engine_dns.c) against the private
 * DNS servers of tests/fixtures/dns_servers.py, which
 * tests/integration/dns_unit.py starts and names in SW_DNS_AUTH_PORT (NSD,
 * authoritative for example.test) and SW_DNS_RESOLVER_PORT (Unbound,
 * validating with the zone's trust anchor). What a user would notice: the
 * records of every type, the AD bit set only by the validating resolver,
 * NXDOMAIN and NODATA told apart, a truncated answer fetched over TCP, a
 * dead server ending in a timeout while other queries go on, and DNS
 * queries sharing the cap of host name lookups. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "engine_dns.h"
#include "engine_resolve.h"

#define QUERIES_MAX 16

static char resolver[64], resolver6[64], authority[64];

/* One query's outcome, copied out of the callback. */
struct outcome {
  int order; /* 1 for the first callback to run, ... */
  bool ran;
  enum sw_engine_dns_status status;
  struct sw_dns_answer answer;
  char error[SW_ENGINE_DNS_ERROR_MAX];
  uint32_t elapsed_ms;
};

static struct outcome outcomes[QUERIES_MAX];
static int callbacks;

static void on_done(void *ctx, const struct sw_engine_dns_result *r)
{
  struct outcome *o = ctx;
  assert_false(o->ran); /* once */
  o->ran = true;
  o->order = ++callbacks;
  o->status = r->status;
  if (r->answer)
    o->answer = *r->answer;
  snprintf(o->error, sizeof o->error, "%s", r->error);
  o->elapsed_ms = r->elapsed_ms;
}

static struct sw_engine *engine(void)
{
  struct sw_engine *e = NULL;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  memset(outcomes, 0, sizeof outcomes);
  callbacks = 0;
  return e;
}

static void ask(struct sw_engine *e, int i, const char *server, const char *name,
                enum sw_dns_type type, uint32_t timeout_ms)
{
  char why[200];
  struct sw_engine_dns_spec spec = {name, type, server, timeout_ms};
  if (sw_engine_dns_query(e, &spec, on_done, &outcomes[i], NULL, why, sizeof why))
    fail_msg("%s %s: %s", sw_dns_type_name(type), name, why);
}

/* The outcome `i`, answered with `result`; its answer. */
static const struct sw_dns_answer *answered(int i, enum sw_dns_result result)
{
  if (!outcomes[i].ran || outcomes[i].status != SW_ENGINE_DNS_ANSWERED)
    fail_msg("query %d: status %d, %s", i, outcomes[i].status, outcomes[i].error);
  assert_int_equal(outcomes[i].answer.result, result);
  return &outcomes[i].answer;
}

static const char *name_of(const struct sw_dns_answer *a, size_t i)
{
  return sw_dns_record_name(a, &a->records[i]);
}

/* The names of the zone the tests ask for, and what DNS says of each. */
static const struct zone_case {
  const char *name;
  enum sw_dns_type type;
  enum sw_dns_result result;
} zone[] = {
    {"example.test", SW_DNS_MX, SW_DNS_RESULT_RECORDS},
    {"mx1.example.test", SW_DNS_A, SW_DNS_RESULT_RECORDS},
    {"mx1.example.test", SW_DNS_AAAA, SW_DNS_RESULT_RECORDS},
    {"_mta-sts.example.test", SW_DNS_TXT, SW_DNS_RESULT_RECORDS},
    {"_25._tcp.mx1.example.test", SW_DNS_TLSA, SW_DNS_RESULT_RECORDS},
    {"nope.example.test", SW_DNS_A, SW_DNS_RESULT_NXDOMAIN},
    {"fallback.example.test", SW_DNS_MX, SW_DNS_RESULT_NODATA},
    {"nullmx.example.test", SW_DNS_MX, SW_DNS_RESULT_RECORDS},
    {"alias2.example.test", SW_DNS_A, SW_DNS_RESULT_RECORDS},
};

/* Every name of `zone` asked at once on a new engine, of `server` (every
 * other one of `server6` if not NULL), each with 5 s; each answered as
 * the zone says, with AD set or not as `ad`. The engine, for the caller
 * to destroy. */
static struct sw_engine *ask_zone(const char *server, const char *server6, bool ad)
{
  struct sw_engine *e = engine();
  for (int i = 0; i < (int)SW_COUNTOF(zone); i++)
    ask(e, i, server6 && i % 2 ? server6 : server, zone[i].name, zone[i].type, 5000);
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK);
  assert_int_equal(callbacks, SW_COUNTOF(zone));
  for (int i = 0; i < (int)SW_COUNTOF(zone); i++)
    if (answered(i, zone[i].result)->ad != ad)
      fail_msg("%s %s: AD is %d", sw_dns_type_name(zone[i].type), zone[i].name, !ad);
  return e;
}

/* Every type through the validating resolver, at once on one engine,
 * over IPv4 and IPv6: the records, and AD=1 for each, NXDOMAIN and NODATA
 * too (their NSEC proofs validated). */
static void records_through_the_validating_resolver(void **state)
{
  (void)state;
  struct sw_engine *e = ask_zone(resolver, resolver6, true);
  const struct sw_dns_answer *a = answered(0, SW_DNS_RESULT_RECORDS);
  assert_int_equal(a->nrecords, 4);
  unsigned prefs = 0;
  for (size_t i = 0; i < 4; i++) {
    char want[32];
    snprintf(want, sizeof want, "mx%u.example.test", a->records[i].mx_preference / 10);
    assert_string_equal(name_of(a, i), want);
    prefs |= 1u << (a->records[i].mx_preference / 10);
  }
  assert_int_equal(prefs, 0x1E);
  static const uint8_t v4[4] = {127, 0, 0, 2}, v6[16] = {[15] = 1};
  assert_memory_equal(answered(1, SW_DNS_RESULT_RECORDS)->records[0].a, v4, 4);
  assert_memory_equal(answered(2, SW_DNS_RESULT_RECORDS)->records[0].aaaa, v6, 16);
  a = answered(3, SW_DNS_RESULT_RECORDS);
  size_t len;
  const uint8_t *txt = sw_dns_record_data(a, &a->records[0], &len);
  assert_string_equal((const char *)txt, "v=STSv1; id=20261207T000000;");
  a = answered(4, SW_DNS_RESULT_RECORDS);
  assert_int_equal(a->records[0].tlsa.usage, 3);
  assert_int_equal(a->records[0].tlsa.selector, 1);
  assert_int_equal(a->records[0].tlsa.matching_type, 1);
  sw_dns_record_data(a, &a->records[0], &len);
  assert_int_equal(len, 32);
  assert_true(answered(7, SW_DNS_RESULT_RECORDS)->null_mx);
  a = answered(8, SW_DNS_RESULT_RECORDS);
  assert_int_equal(a->cname_hops, 2);
  assert_string_equal(a->canonical, "mx2.example.test");
  sw_engine_destroy(e);
}

/* Straight from the authoritative server the same answers carry AD=0:
 * nothing validated them. */
static void the_authoritative_server_sets_no_ad(void **state)
{
  (void)state;
  struct sw_engine *e = ask_zone(authority, NULL, false);
  const struct sw_dns_answer *a = answered(0, SW_DNS_RESULT_RECORDS);
  assert_true(a->aa);
  assert_int_equal(a->nrecords, 4);
  assert_int_equal(answered(4, SW_DNS_RESULT_RECORDS)->records[0].tlsa.usage, 3);
  sw_engine_destroy(e);
}

/* Eight TXT records of 200 bytes do not fit the 1232-byte UDP answer:
 * c-ares asks again over TCP, and all eight come back. */
static void a_truncated_answer_comes_over_tcp(void **state)
{
  (void)state;
  struct sw_engine *e = engine();
  ask(e, 0, resolver, "big.example.test", SW_DNS_TXT, 5000);
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK);
  const struct sw_dns_answer *a = answered(0, SW_DNS_RESULT_RECORDS);
  assert_int_equal(a->nrecords, 8);
  assert_true(a->ad);
  sw_engine_destroy(e);
}

/* A record whose signature does not verify: the validating resolver
 * refuses it (SERVFAIL, whose sentence says why it may be), while the
 * authoritative server hands it out with AD=0. Nothing claims a
 * validation that did not happen. */
static void a_bad_signature_is_refused_by_the_resolver(void **state)
{
  (void)state;
  struct sw_engine *e = engine();
  ask(e, 0, resolver, "bogus.example.test", SW_DNS_A, 5000);
  ask(e, 1, authority, "bogus.example.test", SW_DNS_A, 5000);
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK);
  const struct sw_dns_answer *a = answered(0, SW_DNS_RESULT_FAILED);
  assert_int_equal(a->rcode, 2);
  assert_false(a->ad);
  assert_int_equal(a->nrecords, 0);
  a = answered(1, SW_DNS_RESULT_RECORDS);
  assert_false(a->ad);
  static const uint8_t changed[4] = {127, 0, 0, 8};
  assert_memory_equal(a->records[0].a, changed, 4);
  sw_engine_destroy(e);
}

/* A UDP port on 127.0.0.1 that takes datagrams and never answers: a dead
 * DNS server (nothing is sent back, not even an ICMP error). */
static SOCKET dead_server(char *text, size_t size)
{
  SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int len = sizeof a;
  assert_true(s != INVALID_SOCKET && bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
              getsockname(s, (struct sockaddr *)&a, &len) == 0);
  snprintf(text, size, "127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
  return s;
}

/* The distinct query ids the dead server received. */
static int distinct_queries(SOCKET s)
{
  u_long nonblocking = 1;
  ioctlsocket(s, FIONBIO, &nonblocking);
  unsigned ids[256];
  int n = 0;
  uint8_t buf[600];
  int got;
  while ((got = recv(s, (char *)buf, sizeof buf, 0)) >= 12) {
    unsigned id = (unsigned)buf[0] << 8 | buf[1];
    bool seen = false;
    for (int i = 0; i < n; i++)
      seen |= ids[i] == id;
    if (!seen && n < 256)
      ids[n++] = id;
  }
  return n;
}

static LONG jobs_after(DWORD ms)
{
  ULONGLONG until = GetTickCount64() + ms;
  while (sw_engine_dns_jobs() != 0 && GetTickCount64() < until)
    Sleep(10);
  return sw_engine_dns_jobs();
}

/* A dead server's query ends with its timeout, naming the server; the
 * loop goes on meanwhile: a query to the resolver started after it
 * answers first. */
static void a_dead_server_times_out_without_holding_the_loop(void **state)
{
  (void)state;
  char dead[64];
  SOCKET s = dead_server(dead, sizeof dead);
  struct sw_engine *e = engine();
  ask(e, 0, dead, "example.test", SW_DNS_MX, 3000);
  ask(e, 1, resolver, "example.test", SW_DNS_MX, 5000);
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK);
  assert_int_equal(outcomes[0].status, SW_ENGINE_DNS_TIMEOUT);
  char want[200];
  snprintf(want, sizeof want, "no answer from %s for MX example.test within 3000 ms",
           dead);
  assert_string_equal(outcomes[0].error, want);
  assert_true(outcomes[0].elapsed_ms >= 3000);
  answered(1, SW_DNS_RESULT_RECORDS);
  assert_true(outcomes[1].order < outcomes[0].order);
  assert_true(distinct_queries(s) == 1); /* it was asked, and retried with the same id */
  sw_engine_destroy(e);
  assert_int_equal(jobs_after(5000), 0);
  closesocket(s);
}

/* With a limit of 3, ten queries to a dead server: three are sent, and
 * the seven others, with less time, end at their deadline still waiting
 * for a slot, saying so. */
static void queries_respect_the_cap(void **state)
{
  (void)state;
  char dead[64];
  SOCKET s = dead_server(dead, sizeof dead);
  struct sw_engine *e = engine();
  sw_engine_set_dns_limit(e, 3);
  for (int i = 0; i < 10; i++)
    ask(e, i, dead, "example.test", SW_DNS_A, i < 3 ? 1500 : 700);
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK);
  int waited = 0;
  for (int i = 0; i < 10; i++) {
    assert_int_equal(outcomes[i].status, SW_ENGINE_DNS_TIMEOUT);
    waited +=
        strstr(outcomes[i].error, "waited all that time for one of the 3 DNS") != NULL;
  }
  int sent = distinct_queries(s);
  sw_engine_destroy(e);
  closesocket(s);
  assert_int_equal(waited, 7);
  assert_int_equal(sent, 3);
  assert_int_equal(jobs_after(5000), 0);
}

/* Host name lookups and DNS queries share one cap: with a limit of 1 and
 * a check whose lookup hangs, a query to the resolver waits, and answers
 * once the lookup returns. */
static HANDLE release_lookup;

static int hanging_resolve(void *ctx, const char *host, uint16_t port, int family,
                           struct sockaddr_storage *addrs, int max, int *naddrs)
{
  (void)ctx, (void)host, (void)port, (void)family, (void)addrs, (void)max, (void)naddrs;
  WaitForSingleObject(release_lookup, INFINITE);
  return WSAHOST_NOT_FOUND;
}

static void on_check(void *ctx, struct sw_check_result *r)
{
  *(enum sw_outcome *)ctx = r->outcome;
}

static void lookups_and_queries_share_the_cap(void **state)
{
  (void)state;
  release_lookup = CreateEventW(NULL, TRUE, FALSE, NULL);
  struct sw_engine *e = engine();
  sw_engine_set_dns_limit(e, 1);
  sw_engine_set_resolver(e, hanging_resolve, NULL);
  enum sw_outcome outcome = SW_OUTCOME_COUNT;
  struct sw_check_spec spec = {.host = "hangs.example", .port = 25, .timeout_ms = 20000};
  assert_int_equal(sw_engine_submit(e, &spec, on_check, &outcome), SW_E_OK);
  ask(e, 0, resolver, "example.test", SW_DNS_MX, 10000);
  for (int i = 0; i < 10; i++)
    sw_engine_run_once(e, 50);
  assert_false(outcomes[0].ran); /* queued behind the lookup */
  SetEvent(release_lookup);
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK);
  assert_int_equal(outcome, SW_OUTCOME_RESOLVE_FAILED);
  answered(0, SW_DNS_RESULT_RECORDS);
  sw_engine_destroy(e);
  CloseHandle(release_lookup);
}

/* An abandoned query's callback never runs, and it gives its slot back
 * at once, long before its deadline: with a limit of 1, a query to the
 * resolver started after it answers within its own, shorter, time.
 * Destroying the engine cancels the query that still runs. */
static void abandon_and_destroy(void **state)
{
  (void)state;
  char dead[64], why[200];
  SOCKET s = dead_server(dead, sizeof dead);
  struct sw_engine *e = engine();
  sw_engine_set_dns_limit(e, 1);
  struct sw_engine_dns_job *job = NULL;
  struct sw_engine_dns_spec spec = {"example.test", SW_DNS_MX, dead, 20000};
  assert_int_equal(
      sw_engine_dns_query(e, &spec, on_done, &outcomes[0], &job, why, sizeof why),
      SW_E_OK);
  sw_engine_run_once(e, 100);
  sw_engine_dns_abandon(job);
  ask(e, 1, resolver, "example.test", SW_DNS_MX, 5000);
  ask(e, 2, dead, "example.test", SW_DNS_TXT, 20000);
  while (!outcomes[1].ran) /* bounded by its deadline */
    sw_engine_run_once(e, 100);
  answered(1, SW_DNS_RESULT_RECORDS);
  sw_engine_destroy(e);
  assert_false(outcomes[0].ran);
  assert_true(outcomes[2].ran);
  assert_int_equal(outcomes[2].status, SW_ENGINE_DNS_CANCELLED);
  assert_string_equal(outcomes[2].error, "the engine was stopped");
  assert_int_equal(jobs_after(10000), 0);
  closesocket(s);
}

/* What cannot be asked is refused at once, with a sentence. */
static void bad_queries_are_refused(void **state)
{
  (void)state;
  static const struct {
    const char *name, *server, *words;
  } cases[] = {
      {"example.test", "127.0.0.1:0", "port \"0\""},
      {"example.test", "127.0.0.1:99999", "1 to 65535"},
      {"example.test", "dns.example.test", "not an IPv4 or IPv6 address"},
      {"example.test", "[::1", "in brackets"},
      {"example.test", "[127.0.0.1]:53", "not an IPv4 or IPv6"},
      {"a..test", NULL, "empty label"},
  };
  struct sw_engine *e = engine();
  for (size_t i = 0; i < SW_COUNTOF(cases); i++) {
    char why[200] = "";
    struct sw_engine_dns_spec spec = {cases[i].name, SW_DNS_A, cases[i].server, 1000};
    assert_int_equal(
        sw_engine_dns_query(e, &spec, on_done, &outcomes[0], NULL, why, sizeof why),
        SW_E_INVALID_ARGUMENT);
    if (!strstr(why, cases[i].words))
      fail_msg("\"%s\" lacks \"%s\"", why, cases[i].words);
  }
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK);
  assert_int_equal(callbacks, 0);
  sw_engine_destroy(e);
}

static int setup(void **state)
{
  (void)state;
  const char *rp = getenv("SW_DNS_RESOLVER_PORT"), *ap = getenv("SW_DNS_AUTH_PORT");
  if (!rp || !ap) {
    fprintf(stderr, "SW_DNS_RESOLVER_PORT and SW_DNS_AUTH_PORT must name the private DNS "
                    "servers (tests/integration/dns_unit.py starts them)\n");
    return -1;
  }
  snprintf(resolver, sizeof resolver, "127.0.0.1:%s", rp);
  snprintf(resolver6, sizeof resolver6, "[::1]:%s", rp);
  snprintf(authority, sizeof authority, "127.0.0.1:%s", ap);
  WSADATA wsa;
  return WSAStartup(MAKEWORD(2, 2), &wsa);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(records_through_the_validating_resolver),
      cmocka_unit_test(the_authoritative_server_sets_no_ad),
      cmocka_unit_test(a_truncated_answer_comes_over_tcp),
      cmocka_unit_test(a_bad_signature_is_refused_by_the_resolver),
      cmocka_unit_test(a_dead_server_times_out_without_holding_the_loop),
      cmocka_unit_test(queries_respect_the_cap),
      cmocka_unit_test(lookups_and_queries_share_the_cap),
      cmocka_unit_test(abandon_and_destroy),
      cmocka_unit_test(bad_queries_are_refused),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
