/* Host and address text validators: the tricky cases of RFC 4291 and of
 * dotted quads, and the DNS name rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host_text.h"

static bool v4(const char *s)
{
  return sw_host_is_ipv4(s, strlen(s));
}

static bool v6(const char *s)
{
  return sw_host_is_ipv6(s, strlen(s));
}

static enum sw_dns_problem dns(const char *s)
{
  return sw_host_check_dns(s, strlen(s));
}

static void test_ipv4(void **state)
{
  (void)state;
  assert_true(v4("0.0.0.0"));
  assert_true(v4("127.0.0.1"));
  assert_true(v4("192.0.2.1"));
  assert_true(v4("255.255.255.255"));
  assert_true(v4("10.0.0.10"));
  assert_false(v4("256.1.1.1"));
  assert_false(v4("1.1.1.256"));
  assert_false(v4("1.2.3")); /* inet_aton's short form */
  assert_false(v4("127.1"));
  assert_false(v4("1.2.3.4.5"));
  assert_false(v4("1.2.3.4."));
  assert_false(v4(".1.2.3.4"));
  assert_false(v4("1..2.3"));
  assert_false(v4("010.0.0.1")); /* octal to inet_addr: refused */
  assert_false(v4("1.2.3.00"));
  assert_false(v4("0x7f.0.0.1"));
  assert_false(v4("1.2.3.4 "));
  assert_false(v4("+1.2.3.4"));
  assert_false(v4("1000.1.1.1"));
  assert_false(v4(""));
  /* Length is respected: the trailing text is outside the range. */
  assert_true(sw_host_is_ipv4("1.2.3.4xyz", 7));
}

static void test_ipv6(void **state)
{
  (void)state;
  assert_true(v6("::"));
  assert_true(v6("::1"));
  assert_true(v6("1::"));
  assert_true(v6("2001:db8::1"));
  assert_true(v6("2001:DB8:0:0:8:800:200C:417A"));
  assert_true(v6("fe80::0202:b3ff:fe1e:8329"));
  assert_true(v6("1:2:3:4:5:6:7:8"));
  assert_true(v6("1:2:3:4:5:6:7::")); /* "::" for one group: allowed by 4291 */
  assert_true(v6("::2:3:4:5:6:7:8"));
  assert_true(v6("::ffff:1.2.3.4"));
  assert_true(v6("::1.2.3.4"));
  assert_true(v6("1:2:3:4:5:6:1.2.3.4"));
  assert_true(v6("0000:0000:0000:0000:0000:0000:0000:0001"));

  assert_false(v6(""));
  assert_false(v6(":"));
  assert_false(v6(":::"));
  assert_false(v6("1::2::3"));
  assert_false(v6("1:::2"));
  assert_false(v6(":1::2"));
  assert_false(v6("1::2:"));
  assert_false(v6("1:2:3:4:5:6:7"));
  assert_false(v6("1:2:3:4:5:6:7:8:9"));
  assert_false(v6("1:2:3:4:5:6:7:8::"));
  assert_false(v6("::1:2:3:4:5:6:7:8"));
  assert_false(v6("12345::1"));
  assert_false(v6("g::1"));
  assert_false(v6("1.2.3.4"));
  assert_false(v6("::ffff:1.2.3"));
  assert_false(v6("::ffff:256.2.3.4"));
  assert_false(v6("::1.2.3.4:5"));
  assert_false(v6("1.2.3.4::"));
  assert_false(v6("1:2:3:4:5:6:7:1.2.3.4"));
  assert_false(v6("[::1]"));
  assert_false(v6("fe80::1%3"));
  assert_false(v6(" ::1"));
}

static void test_dns_names(void **state)
{
  (void)state;
  assert_int_equal(dns("localhost"), SW_DNS_OK);
  assert_int_equal(dns("mail.example.com"), SW_DNS_OK);
  assert_int_equal(dns("mail.example.com."), SW_DNS_OK);
  assert_int_equal(dns("MX-1.Example.COM"), SW_DNS_OK);
  assert_int_equal(dns("123mail.example"), SW_DNS_OK);
  assert_int_equal(dns("xn--bcher-kva.example"), SW_DNS_OK);
  assert_int_equal(dns(""), SW_DNS_EMPTY);
  assert_int_equal(dns("."), SW_DNS_EMPTY_LABEL);
  assert_int_equal(dns("a..b"), SW_DNS_EMPTY_LABEL);
  assert_int_equal(dns(".a.b"), SW_DNS_EMPTY_LABEL);
  assert_int_equal(dns("a.b.."), SW_DNS_EMPTY_LABEL);
  assert_int_equal(dns("-a.example"), SW_DNS_HYPHEN_EDGE);
  assert_int_equal(dns("a-.example"), SW_DNS_HYPHEN_EDGE);
  assert_int_equal(dns("mail_1.example"), SW_DNS_BAD_CHAR);
  assert_int_equal(dns("mail example"), SW_DNS_BAD_CHAR);
  assert_int_equal(dns("b\xC3\xBC"
                       "cher.example"),
                   SW_DNS_NON_ASCII);
  assert_int_equal(dns("256.1.1.1"), SW_DNS_NUMERIC_END);
  assert_int_equal(dns("host.123"), SW_DNS_NUMERIC_END);

  char label[70];
  memset(label, 'a', 63);
  strcpy(label + 63, ".x");
  assert_int_equal(dns(label), SW_DNS_OK);
  memset(label, 'a', 64);
  strcpy(label + 64, ".x");
  assert_int_equal(dns(label), SW_DNS_LABEL_TOO_LONG);

  /* 253 octets is the limit, 254 with the root dot. */
  char name[260];
  for (int i = 0; i < 253; i++)
    name[i] = (i % 2) ? '.' : 'a';
  name[253] = '\0';
  assert_int_equal(dns(name), SW_DNS_OK);
  strcpy(name + 253, ".");
  assert_int_equal(dns(name), SW_DNS_OK);
  strcpy(name + 253, ".b");
  assert_int_equal(dns(name), SW_DNS_TOO_LONG);
}

static void test_classify_and_normalize(void **state)
{
  (void)state;
  assert_int_equal(sw_host_classify("mail.example.com"), SW_HOST_DNS);
  assert_int_equal(sw_host_classify("192.0.2.1"), SW_HOST_IPV4);
  assert_int_equal(sw_host_classify("::1"), SW_HOST_IPV6);
  assert_int_equal(sw_host_classify("[::1]"), SW_HOST_IPV6);
  assert_int_equal(sw_host_classify("[192.0.2.1]"), SW_HOST_INVALID);
  assert_int_equal(sw_host_classify("[::1"), SW_HOST_INVALID);
  assert_int_equal(sw_host_classify("256.1.1.1"), SW_HOST_INVALID);
  assert_int_equal(sw_host_classify(""), SW_HOST_INVALID);

  char out[64];
  assert_true(sw_host_normalize("[2001:db8::1]", out, sizeof out));
  assert_string_equal(out, "2001:db8::1");
  assert_true(sw_host_normalize("2001:db8::1", out, sizeof out));
  assert_string_equal(out, "2001:db8::1");
  assert_true(sw_host_normalize("mail.example.com", out, sizeof out));
  assert_string_equal(out, "mail.example.com");
  assert_true(sw_host_normalize("[not-v6]", out, sizeof out));
  assert_string_equal(out, "[not-v6]");
  assert_false(sw_host_normalize("mail.example.com", out, 5));
  assert_string_equal(out, "");
}

static void test_endpoint(void **state)
{
  (void)state;
  char out[64];
  assert_true(sw_host_format_endpoint("127.0.0.1", 25, out, sizeof out));
  assert_string_equal(out, "127.0.0.1:25");
  assert_true(sw_host_format_endpoint("::1", 25, out, sizeof out));
  assert_string_equal(out, "[::1]:25");
  assert_true(sw_host_format_endpoint("[2001:db8::1]", 587, out, sizeof out));
  assert_string_equal(out, "[2001:db8::1]:587");
  assert_true(sw_host_format_endpoint("mail.example.com", 65535, out, sizeof out));
  assert_string_equal(out, "mail.example.com:65535");
  assert_false(sw_host_format_endpoint("mail.example.com", 25, out, 8));
  assert_string_equal(out, "mail.ex");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ipv4),      cmocka_unit_test(test_ipv6),
      cmocka_unit_test(test_dns_names), cmocka_unit_test(test_classify_and_normalize),
      cmocka_unit_test(test_endpoint),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
