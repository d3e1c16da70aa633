/* Authentication-Results: (common/mailbox/auth_results.c) as Gmail,
 * Exchange Online, rspamd/OpenDMARC and RFC 8601's examples write it, and
 * malformed ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "auth_results.h"

static struct sw_auth_results ar;

static bool parse(const char *value)
{
  return sw_auth_results_parse(value, strlen(value), &ar);
}

static void assert_verdicts(enum sw_auth_verdict spf, enum sw_auth_verdict dkim,
                            enum sw_auth_verdict dmarc)
{
  assert_string_equal(sw_auth_verdict_name(ar.spf), sw_auth_verdict_name(spf));
  assert_string_equal(sw_auth_verdict_name(ar.dkim), sw_auth_verdict_name(dkim));
  assert_string_equal(sw_auth_verdict_name(ar.dmarc), sw_auth_verdict_name(dmarc));
}

static void test_gmail(void **state)
{
  (void)state;
  assert_true(parse(
      " mx.google.com;\r\n"
      "       dkim=pass header.i=@example.com header.s=s1 header.b=\"AbC;dEf\";\r\n"
      "       spf=pass (google.com: domain of a@example.com designates 192.0.2.25 as "
      "permitted sender) smtp.mailfrom=a@example.com;\r\n"
      "       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com"));
  assert_string_equal(ar.authserv_id, "mx.google.com");
  assert_verdicts(SW_AUTH_PASS, SW_AUTH_PASS, SW_AUTH_PASS);
}

/* Exchange Online writes no authserv-id. */
static void test_exchange_online(void **state)
{
  (void)state;
  assert_true(parse("spf=softfail (sender IP is 192.0.2.25) smtp.mailfrom=example.com; "
                    "dkim=none (message not signed) header.d=none;dmarc=fail action=none "
                    "header.from=example.com;compauth=fail reason=001"));
  assert_string_equal(ar.authserv_id, "");
  assert_verdicts(SW_AUTH_SOFTFAIL, SW_AUTH_NONE, SW_AUTH_FAIL);
}

static void test_rfc8601_forms(void **state)
{
  (void)state;
  assert_true(parse("example.com; none")); /* nothing was checked */
  assert_string_equal(ar.authserv_id, "example.com");
  assert_verdicts(SW_AUTH_ABSENT, SW_AUTH_ABSENT, SW_AUTH_ABSENT);

  assert_true(
      parse("example.com 1 (version) ; spf/1 = neutral smtp.mailfrom=x@example.net"));
  assert_verdicts(SW_AUTH_NEUTRAL, SW_AUTH_ABSENT, SW_AUTH_ABSENT);

  assert_true(parse(
      "\"quoted.example\"; auth=pass (cram-md5) smtp.auth=sender@example.net; "
      "sender-id=pass header.from=example.net; iprev=pass policy.iprev=192.0.2.200"));
  assert_string_equal(ar.authserv_id, "quoted.example");
  assert_verdicts(SW_AUTH_ABSENT, SW_AUTH_ABSENT, SW_AUTH_ABSENT); /* none of the three */
  /* A quoted id is unquoted and unfolded; control characters show as '?'. */
  assert_true(parse("\"a\\\"b\r\n c\x01\"; spf=pass"));
  assert_string_equal(ar.authserv_id, "a\"b c?");

  assert_true(parse("mx.example.org; spf=temperror; dkim=permerror; dmarc=temperror"));
  assert_verdicts(SW_AUTH_TEMPERROR, SW_AUTH_PERMERROR, SW_AUTH_TEMPERROR);
  assert_true(parse("mx.example.org; SPF=HardFail; DKIM=policy; dmarc=bestguesspass"));
  assert_verdicts(SW_AUTH_FAIL, SW_AUTH_POLICY, SW_AUTH_OTHER);
}

/* Two DKIM signatures: a pass wins wherever it comes; otherwise the first. */
static void test_repeated_methods(void **state)
{
  (void)state;
  assert_true(parse("mx.example.org; dkim=fail header.d=a; dkim=pass header.d=b"));
  assert_verdicts(SW_AUTH_ABSENT, SW_AUTH_PASS, SW_AUTH_ABSENT);
  assert_true(parse("mx.example.org; dkim=neutral header.d=a; dkim=fail header.d=b"));
  assert_verdicts(SW_AUTH_ABSENT, SW_AUTH_NEUTRAL, SW_AUTH_ABSENT);
}

static void test_malformed(void **state)
{
  (void)state;
  assert_false(parse(""));
  assert_false(parse("   (only a comment)"));
  assert_false(parse("mx.example.org junk; spf=pass"));
  /* A bad clause hides no other. */
  assert_false(parse("mx.example.org; spf=; dkim=pass; =fail; dmarc fail; dmarc=none"));
  assert_verdicts(SW_AUTH_ABSENT, SW_AUTH_PASS, SW_AUTH_NONE);
  assert_false(parse("mx.example.org; spf/=pass"));
  /* An unclosed comment runs to the end: what it covers is not read. */
  assert_true(parse("mx.example.org; spf=pass (unclosed; dkim=pass"));
  assert_verdicts(SW_AUTH_PASS, SW_AUTH_ABSENT, SW_AUTH_ABSENT);
  assert_false(sw_auth_results_parse(NULL, 4, &ar));
  assert_string_equal(sw_auth_verdict_name(SW_AUTH_VERDICT_COUNT), "?");
}

static void test_find_in_a_header_block(void **state)
{
  (void)state;
  static const char block[] =
      "Authentication-Results: mx.receiver.example;\r\n"
      "\tspf=pass smtp.mailfrom=a@example.com; dkim=fail header.d=example.com\r\n"
      "Received: from relay by mx.receiver.example; Mon, 7 Dec 2026 10:17:03 +0000\r\n"
      "Authentication-Results: relay.example; spf=fail; dkim=pass; dmarc=pass\r\n"
      "\r\n";
  enum sw_error err = SW_E_OK;
  assert_true(sw_auth_results_find(block, strlen(block), NULL, &ar, &err));
  assert_string_equal(ar.authserv_id, "mx.receiver.example"); /* the topmost */
  assert_verdicts(SW_AUTH_PASS, SW_AUTH_FAIL, SW_AUTH_ABSENT);
  assert_true(sw_auth_results_find(block, strlen(block), "RELAY.example", &ar, &err));
  assert_verdicts(SW_AUTH_FAIL, SW_AUTH_PASS, SW_AUTH_PASS);
  assert_false(sw_auth_results_find(block, strlen(block), "other.example", &ar, &err));
  assert_string_equal(ar.authserv_id, "");
  assert_int_equal(err, SW_E_OK);

  /* A topmost field that does not parse is not replaced by an older one. */
  static const char forged[] = "Authentication-Results: ;\r\n"
                               "Authentication-Results: relay.example; spf=pass\r\n\r\n";
  assert_false(sw_auth_results_find(forged, strlen(forged), NULL, &ar, &err));
  assert_false(sw_auth_results_find("Subject: x\r\n", 12, NULL, &ar, &err));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gmail),         cmocka_unit_test(test_exchange_online),
      cmocka_unit_test(test_rfc8601_forms), cmocka_unit_test(test_repeated_methods),
      cmocka_unit_test(test_malformed),     cmocka_unit_test(test_find_in_a_header_block),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
