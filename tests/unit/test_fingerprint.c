/* The drift fingerprint: what of a check goes into it (normalised EHLO
 * keywords per session, greeting name, TLS, certificate key and issuer),
 * its text form read back, and the sentence each difference gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fingerprint.h"
#include "sw_buf.h"

#define KEY_A "3f0c9b1e2d4a5b6c7d8e9f00112233445566778899aabbccddeeff0011223344"
#define KEY_B "aa0c9b1e2d4a5b6c7d8e9f00112233445566778899aabbccddeeff0011223344"

static char *dup_text(const char *s)
{
  char *d = malloc(strlen(s) + 1);
  assert_non_null(d);
  strcpy(d, s);
  return d;
}

/* A STARTTLS check of a Postfix-like server: AUTH only over TLS. */
static void starttls_result(struct sw_check_result *r)
{
  sw_check_result_init(r);
  r->outcome = SW_OUTCOME_OK;
  strcpy(r->greeting_host, "mx1.example.com");
  r->ehlo_keywords_plain =
      dup_text("PIPELINING\nSIZE 10240000\nSTARTTLS\n8BITMIME\nENHANCEDSTATUSCODES");
  r->ehlo_keywords = dup_text("pipelining\nSIZE 52428800\nAUTH PLAIN "
                              "login\nAUTH=LOGIN\n8BITMIME\nENHANCEDSTATUSCODES");
  r->tls.used = true;
  strcpy(r->tls.version, "TLS 1.3");
  strcpy(r->tls.cipher, "TLS_AES_256_GCM_SHA384");
  strcpy(r->tls.key_sha256, KEY_A);
  strcpy(r->tls.key_type, "RSA 2048");
  strcpy(r->tls.issuer, "CN=Example CA, O=Example");
  strcpy(r->tls.subject, "CN=mx1.example.com");
  r->tls.not_after = 1800000000;
}

/* Two checks of the same STARTTLS server, a test changes the second. */
struct pair {
  struct sw_check_result a, b;
  struct sw_fp_diff d;
};

static int pair_setup(void **state)
{
  struct pair *p = calloc(1, sizeof *p);
  assert_non_null(p);
  starttls_result(&p->a);
  starttls_result(&p->b);
  *state = p;
  return 0;
}

static int pair_teardown(void **state)
{
  struct pair *p = *state;
  sw_check_result_free(&p->a);
  sw_check_result_free(&p->b);
  free(p);
  return 0;
}

static unsigned sessions_of(const struct sw_fingerprint *fp, const char *name)
{
  for (size_t i = 0; i < fp->keyword_count; i++)
    if (strcmp(fp->keywords[i].name, name) == 0)
      return fp->keywords[i].sessions;
  return 0;
}

static void diff_of(const struct sw_check_result *a, const struct sw_check_result *b,
                    enum sw_tls_mode mode, struct sw_fp_diff *d)
{
  struct sw_fingerprint fa, fb;
  sw_fingerprint_build(&fa, a);
  sw_fingerprint_build(&fb, b);
  sw_fingerprint_diff(&fa, &fb, mode, d);
}

static void keywords_are_normalised_per_session(void **state)
{
  (void)state;
  struct sw_check_result r;
  starttls_result(&r);
  struct sw_fingerprint fp;
  sw_fingerprint_build(&fp, &r);
  assert_int_equal(fp.sessions, SW_FP_PLAIN | SW_FP_TLS);
  assert_string_equal(fp.greeting, "mx1.example.com");
  assert_int_equal(sessions_of(&fp, "PIPELINING"), SW_FP_PLAIN | SW_FP_TLS);
  assert_int_equal(sessions_of(&fp, "SIZE"),
                   SW_FP_PLAIN | SW_FP_TLS); /* number ignored */
  assert_int_equal(sessions_of(&fp, "STARTTLS"), SW_FP_PLAIN);
  assert_int_equal(sessions_of(&fp, "AUTH PLAIN"), SW_FP_TLS);
  assert_int_equal(sessions_of(&fp, "AUTH LOGIN"), SW_FP_TLS); /* both forms, once */
  assert_int_equal(sessions_of(&fp, "AUTH"), 0);
  assert_int_equal(fp.keyword_count, 7);
  for (size_t i = 1; i < fp.keyword_count; i++)
    assert_true(strcmp(fp.keywords[i - 1].name, fp.keywords[i].name) < 0);
  assert_string_equal(fp.key_sha256, KEY_A);
  assert_string_equal(fp.key_type, "RSA 2048");
  assert_string_equal(fp.issuer, "CN=Example CA, O=Example");
  sw_check_result_free(&r);

  /* Without STARTTLS there is one session; a line that is no keyword
   * (escaped bytes) is not compared. */
  sw_check_result_init(&r);
  r.ehlo_keywords = dup_text("X-\\xFFodd\nDSN\nAUTH\nSMTPUTF8 extra words");
  sw_fingerprint_build(&fp, &r);
  assert_int_equal(fp.sessions, SW_FP_PLAIN);
  assert_int_equal(fp.keyword_count, 3);
  assert_int_equal(sessions_of(&fp, "AUTH"), SW_FP_PLAIN);
  assert_int_equal(sessions_of(&fp, "SMTPUTF8"), SW_FP_PLAIN);
  assert_string_equal(fp.tls_version, "");
  sw_check_result_free(&r);
}

static void the_text_form_reads_back(void **state)
{
  (void)state;
  struct sw_check_result r;
  starttls_result(&r);
  struct sw_fingerprint fp, back;
  sw_fingerprint_build(&fp, &r);
  struct sw_buf text;
  sw_buf_init(&text, 0);
  assert_int_equal(sw_fingerprint_format(&fp, &text), SW_E_OK);
  assert_non_null(strstr(text.data, "fingerprint 1\nsessions plain,tls\n"
                                    "greeting mx1.example.com\n"));
  assert_non_null(strstr(text.data, "keyword tls AUTH PLAIN\n"));
  assert_non_null(strstr(text.data, "keyword plain STARTTLS\n"));
  assert_non_null(strstr(text.data, "key-sha256 " KEY_A "\n"));
  assert_int_equal(sw_fingerprint_parse(text.data, text.len, &back), SW_E_OK);
  assert_memory_equal(&fp, &back, sizeof fp);

  /* A newer version's facts are skipped; what is not a fingerprint is
   * refused. */
  const char newer[] = "fingerprint 1\nsessions plain\nfuture thing\nkeyword plain DSN\n";
  assert_int_equal(sw_fingerprint_parse(newer, sizeof newer - 1, &back), SW_E_OK);
  assert_int_equal(back.keyword_count, 1);
  const char *bad[] = {
      "",
      "fingerprint 2\n",
      "fingerprint 1\nsessions both\n",
      "fingerprint 1\nkeyword none DSN\n",
      "fingerprint 1\nkeyword plain\n",
      "fingerprint 1\nkeyword plain DSN\nkeyword tls DSN\n",
      "fingerprint 1\ngreeting\n",
      "fingerprint 1\nbare\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    assert_int_equal(sw_fingerprint_parse(bad[i], strlen(bad[i]), &back),
                     SW_E_INVALID_ARGUMENT);
    assert_int_equal(back.keyword_count, 0);
  }
  char nul[] = "fingerprint 1\ngreeting a\0b\n";
  assert_int_equal(sw_fingerprint_parse(nul, sizeof nul - 1, &back),
                   SW_E_INVALID_ARGUMENT);
  char long_value[600];
  snprintf(long_value, sizeof long_value, "fingerprint 1\ncipher %0300d\n", 0);
  assert_int_equal(sw_fingerprint_parse(long_value, strlen(long_value), &back),
                   SW_E_INVALID_ARGUMENT);
  sw_buf_free(&text);
  sw_check_result_free(&r);
}

static void a_renewal_with_the_same_key_and_issuer_is_not_drift(void **state)
{
  struct pair *p = *state;
  strcpy(p->b.tls.subject, "CN=mx1.example.com, O=Renewed");
  p->b.tls.not_after = 1900000000;
  free(p->b.ehlo_keywords_plain); /* another SIZE, keywords in another order */
  p->b.ehlo_keywords_plain =
      dup_text("SIZE 20000000\nENHANCEDSTATUSCODES\nSTARTTLS\n8BITMIME\nPIPELINING");
  diff_of(&p->a, &p->b, SW_TLS_STARTTLS, &p->d);
  assert_int_equal(p->d.count, 0);
  assert_string_equal(p->d.text, "");
  assert_false(p->d.critical);
}

static void each_difference_is_one_sentence(void **state)
{
  struct pair *p = *state;
  struct sw_check_result *a = &p->a, *b = &p->b;
  struct sw_fp_diff *d = &p->d;
  strcpy(b->greeting_host, "mx2.example.com");
  free(b->ehlo_keywords_plain); /* AUTH LOGIN now offered in plain text, DSN new */
  b->ehlo_keywords_plain = dup_text("PIPELINING\nSIZE 10240000\nSTARTTLS\nAUTH "
                                    "LOGIN\n8BITMIME\nENHANCEDSTATUSCODES\nDSN");
  free(b->ehlo_keywords); /* PIPELINING no longer offered over TLS */
  b->ehlo_keywords = dup_text("SIZE 1\nAUTH PLAIN LOGIN\n8BITMIME\nENHANCEDSTATUSCODES");
  strcpy(b->tls.version, "TLS 1.2");
  strcpy(b->tls.cipher, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  strcpy(b->tls.key_sha256, KEY_B);
  strcpy(b->tls.key_type, "ECDSA P-256");
  strcpy(b->tls.issuer, "CN=Other CA");
  diff_of(a, b, SW_TLS_STARTTLS, d);
  assert_string_equal(
      d->text, "the greeting name changed from mx1.example.com to mx2.example.com\n"
               "AUTH LOGIN was added before STARTTLS\n"
               "DSN was added before STARTTLS\n"
               "PIPELINING is no longer offered after STARTTLS\n"
               "TLS 1.3 became TLS 1.2\n"
               "the cipher TLS_AES_256_GCM_SHA384 became "
               "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\n"
               "the certificate's key changed (RSA 2048 became ECDSA P-256)\n"
               "the certificate's issuer changed from \"CN=Example CA, O=Example\" "
               "to \"CN=Other CA\"");
  assert_int_equal(d->count, 8);
  assert_false(d->critical);

  /* A new key of the same type is drift too. */
  sw_check_result_free(b);
  starttls_result(b);
  strcpy(b->tls.key_sha256, KEY_B);
  diff_of(a, b, SW_TLS_STARTTLS, d);
  assert_string_equal(d->text, "the certificate's key changed");
  char joined[64];
  sw_fp_diff_join(d, joined, sizeof joined);
  assert_string_equal(joined, "the certificate's key changed");

  /* One-session checks say no "before/after". */
  struct sw_check_result x, y;
  sw_check_result_init(&x);
  sw_check_result_init(&y);
  x.ehlo_keywords = dup_text("PIPELINING\nDSN");
  y.ehlo_keywords = dup_text("PIPELINING\nAUTH LOGIN");
  diff_of(&x, &y, SW_TLS_NONE, d);
  assert_string_equal(d->text, "AUTH LOGIN was added\nDSN is no longer offered");
  sw_fp_diff_join(d, joined, sizeof joined);
  assert_string_equal(joined, "AUTH LOGIN was added; DSN is no longer offered");
  sw_fp_diff_join(d, joined, 16); /* cut with "..." */
  assert_string_equal(joined, "AUTH LOGIN w...");
  sw_check_result_free(&x);
  sw_check_result_free(&y);
}

static void losing_starttls_is_one_sentence_and_critical_for_starttls_rules(void **state)
{
  struct pair *p = *state;
  sw_check_result_free(&p->b); /* the same server without STARTTLS: no TLS session */
  sw_check_result_init(&p->b);
  strcpy(p->b.greeting_host, "mx1.example.com");
  p->b.ehlo_keywords =
      dup_text("PIPELINING\nSIZE 10240000\n8BITMIME\nENHANCEDSTATUSCODES");
  diff_of(&p->a, &p->b, SW_TLS_STARTTLS, &p->d);
  assert_string_equal(p->d.text, "STARTTLS is no longer offered");
  assert_true(p->d.critical);
  diff_of(&p->a, &p->b, SW_TLS_NONE, &p->d); /* a rule that does not rely on it */
  assert_string_equal(p->d.text, "STARTTLS is no longer offered");
  assert_false(p->d.critical);
  diff_of(&p->b, &p->a, SW_TLS_STARTTLS, &p->d); /* and back */
  assert_string_equal(p->d.text, "STARTTLS was added");
  assert_false(p->d.critical);
}

static void many_differences_end_in_a_count(void **state)
{
  (void)state;
  struct sw_fingerprint a, b;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  a.sessions = b.sessions = SW_FP_PLAIN;
  for (int i = 0; i < SW_FP_KEYWORDS_MAX; i++) {
    snprintf(a.keywords[i].name, sizeof a.keywords[i].name,
             "X-A-VERY-LONG-KEYWORD-NAME-NUMBER-%02d", i);
    a.keywords[i].sessions = SW_FP_PLAIN;
  }
  a.keyword_count = SW_FP_KEYWORDS_MAX;
  struct sw_fp_diff d;
  sw_fingerprint_diff(&a, &b, SW_TLS_NONE, &d);
  assert_int_equal(d.count, SW_FP_KEYWORDS_MAX);
  assert_true(strlen(d.text) < sizeof d.text);
  const char *last = strrchr(d.text, '\n');
  assert_non_null(last);
  size_t shown = 1;
  for (const char *s = d.text; (s = strchr(s, '\n')) != NULL; s++)
    shown++;
  char expect[64];
  snprintf(expect, sizeof expect, "\nand %zu more differences",
           (size_t)SW_FP_KEYWORDS_MAX - (shown - 1));
  assert_string_equal(last, expect);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(keywords_are_normalised_per_session),
      cmocka_unit_test(the_text_form_reads_back),
      cmocka_unit_test_setup_teardown(a_renewal_with_the_same_key_and_issuer_is_not_drift,
                                      pair_setup, pair_teardown),
      cmocka_unit_test_setup_teardown(each_difference_is_one_sentence, pair_setup,
                                      pair_teardown),
      cmocka_unit_test_setup_teardown(
          losing_starttls_is_one_sentence_and_critical_for_starttls_rules, pair_setup,
          pair_teardown),
      cmocka_unit_test(many_differences_end_in_a_count),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
