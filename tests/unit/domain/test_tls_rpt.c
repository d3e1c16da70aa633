/* TLS-RPT (common/domain/tls_rpt.c): the _smtp._tls record as Google and
 * Microsoft publish it, several addresses, and broken records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tls_rpt.h"

static char why[256];

static enum sw_txt_status rpt(const char *const *texts, size_t n, struct sw_tls_rpt *out)
{
  struct sw_txt_record recs[4];
  for (size_t i = 0; i < n; i++)
    recs[i] = (struct sw_txt_record){texts[i], strlen(texts[i])};
  why[0] = '\0';
  return sw_tls_rpt_read(recs, n, out, why, sizeof why);
}

static enum sw_txt_status rpt1(const char *text, struct sw_tls_rpt *out)
{
  return rpt(&text, 1, out);
}

static void test_published_shapes(void **state)
{
  (void)state;
  static struct sw_tls_rpt r;
  assert_int_equal(rpt1("v=TLSRPTv1; rua=mailto:sts-reports@google.com", &r), SW_TXT_OK);
  assert_int_equal(r.rua_count, 1);
  assert_string_equal(r.rua[0], "mailto:sts-reports@google.com");
  assert_int_equal(rpt1("v=TLSRPTv1;rua=https://tlsrpt.example.net/report;", &r),
                   SW_TXT_OK);
  assert_string_equal(r.rua[0], "https://tlsrpt.example.net/report");
  /* Two addresses, spaces around the comma, an extension, SPF beside it. */
  const char *both[] = {"v=spf1 -all", "v=TLSRPTv1 ; rua=mailto:a@example.com , "
                                       "https://r.example.com/x?y=1 ; ext=1"};
  assert_int_equal(rpt(both, 2, &r), SW_TXT_OK);
  assert_int_equal(r.rua_count, 2);
  assert_string_equal(r.rua[0], "mailto:a@example.com");
  assert_string_equal(r.rua[1], "https://r.example.com/x?y=1");
  /* The first rua counts. */
  assert_int_equal(rpt1("v=TLSRPTv1; rua=mailto:first@example.com; rua=mailto:x@y", &r),
                   SW_TXT_OK);
  assert_int_equal(r.rua_count, 1);
  assert_string_equal(r.rua[0], "mailto:first@example.com");
}

static void refused(const char *text, enum sw_txt_status want, const char *words)
{
  static struct sw_tls_rpt r;
  r.rua_count = 42;
  assert_int_equal(rpt1(text, &r), want);
  if (!strstr(why, words))
    fail_msg("\"%s\" does not say \"%s\"", why, words);
  assert_int_equal(r.rua_count, 42);
}

static void test_refused(void **state)
{
  (void)state;
  const char *two[] = {"v=TLSRPTv1; rua=mailto:a@x", "v=TLSRPTv1; rua=mailto:b@x"};
  static struct sw_tls_rpt r;
  assert_int_equal(rpt(two, 2, &r), SW_TXT_SEVERAL);
  refused("v=spf1 -all", SW_TXT_NONE, "no TXT record");
  refused("v=TLSRPTv2; rua=mailto:a@x", SW_TXT_NONE, "no TXT record");
  refused("v=TLSRPTv1", SW_TXT_INVALID, "no rua");
  refused("v=TLSRPTv1; rua=http://r.example.com/", SW_TXT_INVALID,
          "neither mailto: nor https:");
  refused("v=TLSRPTv1; rua=mailto:", SW_TXT_INVALID, "empty");
  refused("v=TLSRPTv1; rua=mailto:a@x,,mailto:b@x", SW_TXT_INVALID, "empty address");
  refused("v=TLSRPTv1; rua=mailto:a b@x", SW_TXT_INVALID, "space");
  refused("v=TLSRPTv1; rua=mailto:a@x; bad field", SW_TXT_INVALID, "no \"=\"");
  char many[1024] = "v=TLSRPTv1; rua=mailto:0@example.com";
  for (int i = 1; i <= 8; i++)
    snprintf(many + strlen(many), sizeof many - strlen(many), ",mailto:%d@example.com",
             i);
  refused(many, SW_TXT_INVALID, "more than 8");
  char longer[400] = "v=TLSRPTv1; rua=https://r.example.com/";
  memset(longer + strlen(longer), 'a', 250);
  refused(longer, SW_TXT_INVALID, "longer than 255");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_published_shapes),
      cmocka_unit_test(test_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
