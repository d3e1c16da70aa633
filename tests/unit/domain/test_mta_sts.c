/* MTA-STS (common/domain/mta_sts.c): the TXT record, policy files shaped
 * like Google's and Microsoft's and broken ones, MX pattern matching, and
 * the verdict on one MX host under each mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mta_sts.h"

static char why[256];

static enum sw_txt_status txt(const char *const *texts, size_t n,
                              struct sw_mta_sts_txt *out)
{
  struct sw_txt_record recs[4];
  for (size_t i = 0; i < n; i++)
    recs[i] = (struct sw_txt_record){texts[i], strlen(texts[i])};
  why[0] = '\0';
  return sw_mta_sts_txt_read(recs, n, out, why, sizeof why);
}

static enum sw_txt_status txt1(const char *text, struct sw_mta_sts_txt *out)
{
  return txt(&text, 1, out);
}

static void test_txt_record(void **state)
{
  (void)state;
  struct sw_mta_sts_txt t = {{0}};
  assert_int_equal(txt1("v=STSv1; id=20160831085700Z;", &t), SW_TXT_OK);
  assert_string_equal(t.id, "20160831085700Z");
  assert_int_equal(txt1("v=STSv1;id=1", &t), SW_TXT_OK);
  assert_string_equal(t.id, "1");
  /* Spaces around ";", extensions tolerated, the first id counts. */
  assert_int_equal(txt1("v=STSv1 ; id=abc ; x-ext=a:b/c ; id=zzz ;", &t), SW_TXT_OK);
  assert_string_equal(t.id, "abc");
  assert_int_equal(txt1("v=STSv1; id=12345678901234567890123456789012", &t), SW_TXT_OK);
  assert_int_equal(strlen(t.id), 32);

  /* Other records at the name are discarded; SPF beside it is fine. */
  const char *mixed[] = {"v=spf1 -all", "v=STSv1; id=mixed1;",
                         "google-site-verification=x"};
  assert_int_equal(txt(mixed, 3, &t), SW_TXT_OK);
  assert_string_equal(t.id, "mixed1");
}

static void test_txt_record_refused(void **state)
{
  (void)state;
  struct sw_mta_sts_txt t = {"unchanged"};
  const char *two[] = {"v=STSv1; id=a;", "v=STSv1; id=b;"};
  assert_int_equal(txt(two, 2, &t), SW_TXT_SEVERAL);
  assert_non_null(strstr(why, "more than one"));
  const char *none[] = {"v=spf1 -all"};
  assert_int_equal(txt(none, 1, &t), SW_TXT_NONE);
  assert_int_equal(txt(NULL, 0, &t), SW_TXT_NONE);
  /* Not version STSv1: another version, another case, a leading space. */
  assert_int_equal(txt1("v=STSv10; id=a", &t), SW_TXT_NONE);
  assert_int_equal(txt1("v=stsv1; id=a", &t), SW_TXT_NONE);
  assert_int_equal(txt1(" v=STSv1; id=a", &t), SW_TXT_NONE);

  assert_int_equal(txt1("v=STSv1;", &t), SW_TXT_INVALID);
  assert_non_null(strstr(why, "no id"));
  assert_int_equal(txt1("v=STSv1; id=2019-04-29;", &t), SW_TXT_INVALID);
  assert_non_null(strstr(why, "2019-04-29"));
  assert_int_equal(txt1("v=STSv1; id=123456789012345678901234567890123", &t),
                   SW_TXT_INVALID);
  assert_int_equal(txt1("v=STSv1; id=", &t), SW_TXT_INVALID);
  assert_int_equal(txt1("v=STSv1;; id=a", &t), SW_TXT_INVALID);
  assert_int_equal(txt1("v=STSv1; id a", &t), SW_TXT_INVALID);
  assert_int_equal(txt1("v=STSv1; _x=1; id=a", &t), SW_TXT_INVALID);
  assert_int_equal(txt1("v=STSv1; id=a; ext=a b", &t), SW_TXT_INVALID);
  /* A control octet is quoted as "?", never copied into the sentence. */
  assert_int_equal(txt1("v=STSv1; id=a\x01", &t), SW_TXT_INVALID);
  assert_non_null(strstr(why, "a?"));
  assert_string_equal(t.id, "unchanged");
}

static bool policy(const char *body, struct sw_mta_sts_policy *p)
{
  why[0] = '\0';
  return sw_mta_sts_policy_read(body, strlen(body), p, why, sizeof why);
}

static void test_policy_google_shape(void **state)
{
  (void)state;
  static struct sw_mta_sts_policy p;
  assert_true(policy("version: STSv1\nmode: testing\nmx: gmail-smtp-in.l.google.com\n"
                     "mx: *.gmail-smtp-in.l.google.com\nmax_age: 86400\n",
                     &p));
  assert_int_equal(p.mode, SW_MTA_STS_TESTING);
  assert_int_equal(p.max_age, 86400);
  assert_int_equal(p.mx_count, 2);
  assert_string_equal(p.mx[0], "gmail-smtp-in.l.google.com");
  assert_string_equal(p.mx[1], "*.gmail-smtp-in.l.google.com");
  assert_int_equal(sw_mta_sts_policy_match(&p, "alt1.gmail-smtp-in.l.google.com."), 1);
  assert_int_equal(sw_mta_sts_policy_match(&p, "GMAIL-SMTP-IN.L.GOOGLE.COM"), 0);
  assert_int_equal(sw_mta_sts_policy_match(&p, "mx.example.com"), -1);
}

static void test_policy_microsoft_shape(void **state)
{
  (void)state;
  static struct sw_mta_sts_policy p;
  /* CRLF line ends, no line end after the last line, spaces after values. */
  assert_true(
      policy("version: STSv1\r\nmode: enforce\r\nmx: *.mail.protection.outlook.com"
             "  \r\nmax_age: 604800",
             &p));
  assert_int_equal(p.mode, SW_MTA_STS_ENFORCE);
  assert_int_equal(p.max_age, 604800);
  assert_int_equal(p.mx_count, 1);
  assert_string_equal(p.mx[0], "*.mail.protection.outlook.com");
  assert_int_equal(sw_mta_sts_policy_match(&p, "contoso-com.mail.protection.outlook.com"),
                   0);
}

static void test_policy_tolerated(void **state)
{
  (void)state;
  static struct sw_mta_sts_policy p;
  /* Unknown keys ignored, blank lines tolerated, upper case lowered, a
   * trailing dot dropped, the first of repeated keys counts, max_age's
   * bounds. */
  assert_true(
      policy("\nversion: STSv1\nmode: enforce\nmode: none\nextension: whatever\n\n"
             "mx: MX1.Example.COM.\nmax_age: 31557600\nmax_age: x\n",
             &p));
  assert_int_equal(p.mode, SW_MTA_STS_ENFORCE);
  assert_int_equal(p.max_age, 31557600);
  assert_string_equal(p.mx[0], "mx1.example.com");
  assert_true(policy("version:STSv1\nmode:none\nmax_age:0\n", &p)); /* none needs no mx */
  assert_int_equal(p.mode, SW_MTA_STS_NONE);
  assert_int_equal(p.mx_count, 0);
  assert_int_equal(p.max_age, 0);
}

static void refused(const char *body, const char *words)
{
  static struct sw_mta_sts_policy p;
  p.max_age = 4242;
  if (policy(body, &p))
    fail_msg("accepted: %s", body);
  if (!strstr(why, words))
    fail_msg("\"%s\" does not say \"%s\"", why, words);
  assert_int_equal(p.max_age, 4242); /* left alone */
}

static void test_policy_refused(void **state)
{
  (void)state;
  refused("", "empty");
  refused("mode: enforce\nmx: a.example\nmax_age: 1\n", "no version");
  refused("version: STSv1\nmx: a.example\nmax_age: 1\n", "no mode");
  refused("version: STSv1\nmode: enforce\nmx: a.example\n", "no max_age");
  refused("version: STSv1\nmode: enforce\nmax_age: 1\n", "lists no mx");
  refused("version: STSv1\nmode: testing\nmax_age: 1\n", "lists no mx");
  refused("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n", "not STSv1");
  refused("version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 1\n", "line 2");
  refused("version: STSv1\nmode: report\nmx: a.example\nmax_age: 1\n", "\"report\"");
  refused("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n", "limit");
  refused("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 12345678901\n",
          "1 to 10");
  refused("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n", "seconds");
  refused("version: STSv1\nmode: enforce\nmx: a.example\nmax_age:\n", "1 to 10");
  refused("version: STSv1\nmode enforce\n", "key: value");
  refused("version: STSv1\n mode: enforce\n", "field name");
  refused("version: STSv1\nmode: enforce\nmx: *.*.example.com\nmax_age: 1\n",
          "mx pattern");
  refused("version: STSv1\nmode: enforce\nmx: a..example.com\nmax_age: 1\n",
          "mx pattern");
  refused("version: STSv1\nmode: enforce\nmx: *example.com\nmax_age: 1\n", "mx pattern");
  refused("version: STSv1\nmode: enforce\nmx: -a.example.com\nmax_age: 1\n",
          "mx pattern");
  refused("version: STSv1\nmode: enforce\nmx: a_b.example.com\nmax_age: 1\n",
          "mx pattern");
  refused("version: STSv1\nmode: enforce\nmx: *\nmax_age: 1\n", "mx pattern");
  char nul[] = "version: STSv1\nmode: none\nmax_age: 1\n";
  static struct sw_mta_sts_policy p;
  nul[3] = '\0';
  assert_false(sw_mta_sts_policy_read(nul, sizeof nul - 1, &p, why, sizeof why));
  assert_non_null(strstr(why, "NUL"));
}

static void test_policy_bounds(void **state)
{
  (void)state;
  static struct sw_mta_sts_policy p;
  /* Past the size read: refused without reading it. */
  size_t big = SW_MTA_STS_POLICY_MAX_BYTES + 1;
  char *body = malloc(big);
  assert_non_null(body);
  memset(body, '\n', big);
  assert_false(sw_mta_sts_policy_read(body, big, &p, why, sizeof why));
  assert_non_null(strstr(why, "65537 octets"));
  /* Exactly at it: read (blank lines, then a policy). */
  const char *tail = "version: STSv1\nmode: none\nmax_age: 5\n";
  memcpy(body + big - 1 - strlen(tail), tail, strlen(tail));
  assert_true(sw_mta_sts_policy_read(body, big - 1, &p, why, sizeof why));
  assert_int_equal(p.max_age, 5);
  free(body);
  /* 32 mx patterns fit, a 33rd does not. */
  char many[4096] = "version: STSv1\nmode: enforce\nmax_age: 1\n";
  for (int i = 0; i < 32; i++)
    snprintf(many + strlen(many), sizeof many - strlen(many), "mx: mx%d.example.com\n",
             i);
  assert_true(policy(many, &p));
  assert_int_equal(p.mx_count, 32);
  assert_int_equal(sw_mta_sts_policy_match(&p, "mx31.example.com"), 31);
  strcat(many, "mx: mx32.example.com\n");
  refused(many, "more than 32");
}

static void test_mx_matching(void **state)
{
  (void)state;
  assert_true(sw_mta_sts_mx_matches("mx1.example.com", "mx1.example.com"));
  assert_true(sw_mta_sts_mx_matches("mx1.example.com", "MX1.EXAMPLE.COM."));
  assert_true(sw_mta_sts_mx_matches("mx1.example.com.", "mx1.example.com"));
  assert_false(sw_mta_sts_mx_matches("mx1.example.com", "mx2.example.com"));
  assert_false(sw_mta_sts_mx_matches("mx1.example.com", "mx1.example.co"));
  assert_false(sw_mta_sts_mx_matches("example.com", "mx1.example.com"));
  /* The wildcard: exactly one label. */
  assert_true(sw_mta_sts_mx_matches("*.example.com", "mx1.example.com"));
  assert_true(sw_mta_sts_mx_matches("*.example.com", "a-b.Example.Com."));
  assert_false(sw_mta_sts_mx_matches("*.example.com", "example.com"));
  assert_false(sw_mta_sts_mx_matches("*.example.com", ".example.com"));
  assert_false(sw_mta_sts_mx_matches("*.example.com", "a.b.example.com"));
  assert_false(sw_mta_sts_mx_matches("*.example.com", "mx1.example.org"));
  assert_false(sw_mta_sts_mx_matches("*.example.com", "mx1-example.com"));
  assert_false(sw_mta_sts_mx_matches("*.example.com", "*.example.com.evil"));
  assert_false(sw_mta_sts_mx_matches("", "mx1.example.com"));
  assert_false(sw_mta_sts_mx_matches("mx1.example.com", ""));
  assert_false(sw_mta_sts_mx_matches(".", "."));
  assert_false(sw_mta_sts_mx_matches(NULL, "a"));
}

static struct sw_mta_sts_verdict judge(const char *body, const char *host, bool tls,
                                       bool cert)
{
  static struct sw_mta_sts_policy p;
  assert_true(policy(body, &p));
  struct sw_mta_sts_mx_seen seen = {host, tls, cert};
  struct sw_mta_sts_verdict v;
  sw_mta_sts_judge_mx(&p, &seen, &v);
  return v;
}

#define ENFORCE                                                                          \
  "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.mx.example.com\nmax_age: "  \
  "86400\n"
#define TESTING "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 86400\n"
#define NONE "version: STSv1\nmode: none\nmx: mx1.example.com\nmax_age: 86400\n"

static void test_verdicts(void **state)
{
  (void)state;
  struct sw_mta_sts_verdict v = judge(ENFORCE, "a.mx.example.com", true, true);
  assert_int_equal(v.level, SW_MTA_STS_MX_OK);
  assert_false(v.violation);
  assert_int_equal(v.pattern, 1);
  assert_string_equal(v.sentence,
                      "MTA-STS (enforce): a.mx.example.com matches the pattern "
                      "*.mx.example.com, offers STARTTLS and presents a "
                      "certificate valid for its name");

  v = judge(ENFORCE, "mx9.other.net", true, true);
  assert_int_equal(v.level, SW_MTA_STS_MX_ERROR);
  assert_true(v.violation);
  assert_int_equal(v.pattern, -1);
  assert_string_equal(v.sentence,
                      "MTA-STS (enforce): mx9.other.net matches none of the policy's mx "
                      "patterns (mx1.example.com, *.mx.example.com); senders that apply "
                      "the policy will not deliver mail to it");

  v = judge(ENFORCE, "mx1.example.com", false, false);
  assert_int_equal(v.level, SW_MTA_STS_MX_ERROR);
  assert_non_null(strstr(v.sentence, "mx1.example.com offers no STARTTLS;"));

  v = judge(ENFORCE, "mx1.example.com", true, false);
  assert_int_equal(v.level, SW_MTA_STS_MX_ERROR);
  assert_non_null(strstr(v.sentence, "presents no certificate valid for its name"));

  v = judge(ENFORCE, "b.a.mx.example.com", false, false);
  assert_non_null(strstr(v.sentence, "patterns (mx1.example.com, *.mx.example.com) and "
                                     "offers no STARTTLS;"));

  v = judge(TESTING, "mx1.example.com", true, false);
  assert_int_equal(v.level, SW_MTA_STS_MX_WARNING);
  assert_true(v.violation);
  assert_non_null(strstr(v.sentence, "MTA-STS (testing): "));
  assert_non_null(strstr(v.sentence, "senders still deliver"));

  v = judge(NONE, "mx2.example.com", false, false);
  assert_int_equal(v.level, SW_MTA_STS_MX_OK);
  assert_true(v.violation);
  assert_non_null(strstr(v.sentence, "withdrawn"));

  v = judge("version: STSv1\nmode: none\nmax_age: 1\n", "mx.example.com", true, true);
  assert_int_equal(v.level, SW_MTA_STS_MX_OK);
  assert_non_null(strstr(v.sentence, "(it lists none)"));
  assert_string_equal(sw_mta_sts_mode_name(SW_MTA_STS_MODE_COUNT), "?");

  /* Many long patterns: the list is cut with ", ..." to leave room for the
   * rest of the sentence. */
  char many[8192] = "version: STSv1\nmode: enforce\nmax_age: 1\n";
  for (int i = 0; i < 32; i++)
    snprintf(many + strlen(many), sizeof many - strlen(many),
             "mx: mx%02d.a-rather-long-label-for-a-mail-host.example.com\n", i);
  v = judge(many, "elsewhere.example.org", true, true);
  assert_int_equal(v.level, SW_MTA_STS_MX_ERROR);
  assert_true(strlen(v.sentence) < sizeof v.sentence);
  assert_non_null(
      strstr(v.sentence, "MTA-STS (enforce): elsewhere.example.org matches none"));
  assert_non_null(
      strstr(v.sentence, "mx00.a-rather-long-label-for-a-mail-host.example.com, "));
  assert_non_null(strstr(v.sentence, ", ...); senders that apply the policy will not "
                                     "deliver mail to it"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_txt_record),
      cmocka_unit_test(test_txt_record_refused),
      cmocka_unit_test(test_policy_google_shape),
      cmocka_unit_test(test_policy_microsoft_shape),
      cmocka_unit_test(test_policy_tolerated),
      cmocka_unit_test(test_policy_refused),
      cmocka_unit_test(test_policy_bounds),
      cmocka_unit_test(test_mx_matching),
      cmocka_unit_test(test_verdicts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
