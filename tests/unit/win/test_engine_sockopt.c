/* The socket options the engine sets before each connect (engine_sockopt.h,
 * issue 12 item 1): no SYN retransmissions on loopback, fail on ICMP errors
 * elsewhere, and the ICMP answer named in the result. Wine 8 implements
 * neither option, so the engine's calls go through a recording table here;
 * with Winsock itself the test reads back what Windows accepted. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
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
#include "engine_sockopt.h"

static struct sockaddr_storage addr_of(const char *text)
{
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, text, &v4->sin_addr) == 1)
    v4->sin_family = AF_INET;
  else if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1)
    v6->sin6_family = AF_INET6;
  else
    fail_msg("not an address: %s", text);
  return ss;
}

static void loopback_is_127_slash_8_and_colon_colon_1(void **state)
{
  (void)state;
  const char *yes[] = {"127.0.0.1", "127.1.2.3",        "127.255.255.254",
                       "::1",       "::ffff:127.0.0.1", "::ffff:127.9.9.9"};
  const char *no[] = {"126.255.255.255", "128.0.0.1", "10.0.0.1",   "0.0.0.0",
                      "192.0.2.1",       "::",        "::2",        "::127.0.0.1",
                      "::ffff:10.0.0.1", "fe80::1",   "2001:db8::1"};
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    struct sockaddr_storage ss = addr_of(yes[i]);
    if (!sw_sockaddr_is_loopback((struct sockaddr *)&ss))
      fail_msg("%s is loopback", yes[i]);
  }
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    struct sockaddr_storage ss = addr_of(no[i]);
    if (sw_sockaddr_is_loopback((struct sockaddr *)&ss))
      fail_msg("%s is not loopback", no[i]);
  }
}

/* ---- a recording table ---------------------------------------------------- */

struct recorder {
  int ioctls, sets, gets;
  SOCKET ioctl_socket;
  DWORD ioctl_code;
  TCP_INITIAL_RTO_PARAMETERS rto;
  int set_level, set_name;
  DWORD set_value;
  int answer; /* what ioctl and set return */
  bool icmp;  /* get(TCP_ICMP_ERROR_INFO) answers with `info` */
  struct sw_icmp_error_info info;
};

static int rec_ioctl(void *ctx, SOCKET s, DWORD code, void *in, DWORD in_len)
{
  struct recorder *r = ctx;
  r->ioctls++;
  r->ioctl_socket = s;
  r->ioctl_code = code;
  assert_int_equal(in_len, sizeof r->rto);
  memcpy(&r->rto, in, sizeof r->rto);
  return r->answer;
}

static int rec_set(void *ctx, SOCKET s, int level, int name, const char *value, int len)
{
  (void)s;
  struct recorder *r = ctx;
  r->sets++;
  r->set_level = level;
  r->set_name = name;
  assert_int_equal(len, sizeof(DWORD));
  memcpy(&r->set_value, value, sizeof(DWORD));
  return r->answer;
}

static int rec_get(void *ctx, SOCKET s, int level, int name, char *value, int *len)
{
  (void)s;
  struct recorder *r = ctx;
  r->gets++;
  if (!r->icmp || level != IPPROTO_TCP || name != TCP_ICMP_ERROR_INFO)
    return WSAENOPROTOOPT; /* what Wine and Windows before 2004 say */
  assert_true(*len >= (int)sizeof r->info);
  memcpy(value, &r->info, sizeof r->info);
  *len = sizeof r->info;
  return 0;
}

static struct sw_sockopt_calls recording(struct recorder *r)
{
  return (struct sw_sockopt_calls){rec_ioctl, rec_set, rec_get, r};
}

static void loopback_gets_no_syn_retransmissions(void **state)
{
  (void)state;
  const char *addrs[] = {"127.0.0.1", "::1", "::ffff:127.0.0.1"};
  for (size_t i = 0; i < 3; i++) {
    struct recorder r = {.answer = 0};
    struct sw_sockopt_calls calls = recording(&r);
    struct sockaddr_storage ss = addr_of(addrs[i]);
    struct sw_connect_opts opts;
    sw_connect_prepare(&calls, (SOCKET)42, (struct sockaddr *)&ss, &opts);
    assert_true(opts.loopback);
    assert_int_equal(r.ioctls, 1);
    assert_int_equal(r.sets, 0); /* ICMP errors do not happen on loopback */
    assert_true(r.ioctl_socket == (SOCKET)42);
    assert_int_equal(r.ioctl_code, SIO_TCP_INITIAL_RTO);
    assert_int_equal(r.rto.MaxSynRetransmissions, TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS);
    assert_int_equal(r.rto.MaxSynRetransmissions, 0xFE); /* mstcpip.h: (UCHAR)-2 */
    assert_int_equal(r.rto.Rtt, TCP_INITIAL_RTO_UNSPECIFIED_RTT);
    assert_int_equal(opts.rto_error, 0);
  }
}

static void other_addresses_fail_on_icmp_errors(void **state)
{
  (void)state;
  const char *addrs[] = {"192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1"};
  for (size_t i = 0; i < 3; i++) {
    struct recorder r = {.answer = WSAENOPROTOOPT};
    struct sw_sockopt_calls calls = recording(&r);
    struct sockaddr_storage ss = addr_of(addrs[i]);
    struct sw_connect_opts opts;
    sw_connect_prepare(&calls, (SOCKET)42, (struct sockaddr *)&ss, &opts);
    assert_false(opts.loopback);
    assert_int_equal(r.ioctls, 0);
    assert_int_equal(r.sets, 1);
    assert_int_equal(r.set_level, IPPROTO_TCP);
    assert_int_equal(r.set_name, 18); /* TCP_FAIL_CONNECT_ON_ICMP_ERROR */
    assert_int_equal(r.set_value, 1);
    assert_int_equal(opts.icmp_error, WSAENOPROTOOPT); /* said, not fatal */
  }
}

/* Winsock itself: whatever it accepted must read back; what it refused is
 * absent (Wine 8: both; Windows 10 2004+: neither). */
static void winsock_keeps_what_it_accepted(void **state)
{
  (void)state;
  const char *addrs[] = {"127.0.0.1", "192.0.2.1"}; /* nothing is connected */
  for (size_t i = 0; i < 2; i++) {
    struct sockaddr_storage ss = addr_of(addrs[i]);
    SOCKET s = socket(ss.ss_family, SOCK_STREAM, IPPROTO_TCP);
    assert_true(s != INVALID_SOCKET);
    struct sw_connect_opts opts;
    sw_connect_prepare(&sw_sockopt_system, s, (struct sockaddr *)&ss, &opts);
    if (!opts.loopback) {
      DWORD on = 7;
      int len = sizeof on;
      int rc =
          getsockopt(s, IPPROTO_TCP, TCP_FAIL_CONNECT_ON_ICMP_ERROR, (char *)&on, &len);
      if (opts.icmp_error == 0) {
        assert_int_equal(rc, 0);
        assert_int_not_equal(on, 0);
      } else {
        assert_int_not_equal(rc, 0); /* not there to be read either */
      }
    }
    print_message("%s: %s %d\n", addrs[i],
                  opts.loopback ? "SIO_TCP_INITIAL_RTO"
                                : "TCP_FAIL_CONNECT_ON_ICMP_ERROR",
                  opts.loopback ? opts.rto_error : opts.icmp_error);
    closesocket(s);
  }
}

/* ---- through the engine -------------------------------------------------- */

struct done {
  int calls;
  enum sw_outcome outcome;
  char detail[SW_DETAIL_MAX];
};

static void on_done(void *ctx, struct sw_check_result *result)
{
  struct done *d = ctx;
  d->calls++;
  d->outcome = result->outcome;
  snprintf(d->detail, sizeof d->detail, "%s", result->detail);
}

/* "two.test" -> [::1]:port, 127.0.0.1:port: localhost's order. */
static int two_addresses(void *ctx, const char *host, uint16_t port, int family,
                         struct sockaddr_storage *addrs, int max, int *naddrs)
{
  (void)family; /* every lookup here wants what it is given */
  (void)ctx;
  (void)host;
  assert_true(max >= 2);
  struct sockaddr_storage v6 = addr_of("::1"), v4 = addr_of("127.0.0.1");
  ((struct sockaddr_in6 *)&v6)->sin6_port = htons(port);
  ((struct sockaddr_in *)&v4)->sin_port = htons(port);
  addrs[0] = v6;
  addrs[1] = v4;
  *naddrs = 2;
  return 0;
}

static struct done run_check(struct sw_engine *e, const char *host, uint16_t port)
{
  struct done d = {0};
  struct sw_check_spec spec = {.host = host, .port = port, .timeout_ms = 5000};
  assert_int_equal(sw_engine_submit(e, &spec, on_done, &d), SW_E_OK);
  sw_engine_run(e, SW_RUN_UNTIL_IDLE);
  assert_int_equal(d.calls, 1);
  return d;
}

static void the_engine_sets_the_option_on_every_attempt(void **state)
{
  (void)state;
  struct sw_engine *e;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  struct recorder r = {.answer = 0};
  struct sw_sockopt_calls calls = recording(&r);
  sw_engine_set_sockopt_calls(e, &calls);
  sw_engine_set_resolver(e, two_addresses, NULL);
  struct done d = run_check(e, "two.test", closed_port());
  assert_int_equal(d.outcome, SW_OUTCOME_REFUSED);
  assert_int_equal(r.ioctls, 2); /* ::1, then 127.0.0.1 */
  assert_int_equal(r.sets, 0);
  assert_int_equal(r.gets, 2); /* after each failed attempt: was it ICMP? */
  assert_non_null(strstr(d.detail, "any of the 2 addresses of two.test"));
  sw_engine_destroy(e);
}

static void an_icmp_error_is_named_in_the_result(void **state)
{
  (void)state;
  struct sw_engine *e;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  struct recorder r = {.icmp = true};
  r.info.srcaddress.si_family = AF_INET;
  inet_pton(AF_INET, "192.0.2.254", &r.info.srcaddress.Ipv4.sin_addr);
  r.info.protocol = IPPROTO_ICMP;
  r.info.type = 3;
  r.info.code = 1;
  struct sw_sockopt_calls calls = recording(&r);
  sw_engine_set_sockopt_calls(e, &calls);
  uint16_t port = closed_port();
  struct done d = run_check(e, "127.0.0.1", port);
  char expect[200];
  snprintf(expect, sizeof expect,
           "the network answered the connection to 127.0.0.1:%u with host unreachable "
           "(ICMP type 3, code 1, from 192.0.2.254) (error ",
           port);
  assert_int_equal(d.outcome, SW_OUTCOME_NETWORK_ERROR);
  assert_non_null(strstr(d.detail, expect));

  /* A firewall's "administratively prohibited" is a refusal. */
  r.info.srcaddress.si_family = AF_INET6;
  inet_pton(AF_INET6, "2001:db8::fe", &r.info.srcaddress.Ipv6.sin6_addr);
  r.info.protocol = IPPROTO_ICMPV6;
  r.info.type = 1;
  r.info.code = 1;
  sw_engine_set_resolver(e, two_addresses, NULL);
  d = run_check(e, "two.test", port);
  assert_int_equal(d.outcome, SW_OUTCOME_REFUSED);
  snprintf(
      expect, sizeof expect,
      "none of the 2 addresses of two.test accepted a connection; the network "
      "answered the last, 127.0.0.1:%u, with communication administratively "
      "prohibited (a firewall rejects it) (ICMPv6 type 1, code 1, from 2001:db8::fe)",
      port);
  assert_non_null(strstr(d.detail, expect));
  sw_engine_destroy(e);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(loopback_is_127_slash_8_and_colon_colon_1),
      cmocka_unit_test(loopback_gets_no_syn_retransmissions),
      cmocka_unit_test(other_addresses_fail_on_icmp_errors),
      cmocka_unit_test(winsock_keeps_what_it_accepted),
      cmocka_unit_test(the_engine_sets_the_option_on_every_attempt),
      cmocka_unit_test(an_icmp_error_is_named_in_the_result),
  };
  return cmocka_run_group_tests(tests, setup_wsa, teardown_wsa);
}
