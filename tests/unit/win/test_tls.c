/* The Schannel session machine and the certificate code, without a server:
 * the ClientHello it produces (SNI or not), how it fails on what is not
 * TLS, and the fields and verdict of fixed certificates in tests/data/tls
 * (self-signed, so untrusted wherever the tests run). The handshake with
 * real servers is in tests/integration/test_check_tls.py. */
/* CERT_CHAIN_PARA's dwUrlRetrievalTimeout, for the chain observer. */
#define CERT_CHAIN_PARA_HAS_EXTRA_FIELDS
#include <windows.h>
#include <wincrypt.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cert_check.h"
#include "cert_fixture.h"
#include "tls_schannel.h"

static struct sw_tls_cred *cred;

static int setup(void **state)
{
  (void)state;
  unsigned long status = 0;
  if (sw_tls_cred_acquire(&cred, SW_TLS_CRED_AUTO, &status) != SW_E_OK) {
    fprintf(stderr, "no Schannel credential: 0x%08lX\n", status);
    return -1;
  }
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  sw_tls_cred_release(cred);
  return 0;
}

static bool contains(const struct sw_buf *b, const char *s)
{
  size_t n = strlen(s);
  for (size_t i = 0; i + n <= b->len; i++)
    if (memcmp(b->data + i, s, n) == 0)
      return true;
  return false;
}

/* A new session for `name` and its first flight. */
static struct sw_tls *hello(const char *name, struct sw_buf *out)
{
  struct sw_tls *t = NULL;
  unsigned long status = 0;
  assert_int_equal(sw_tls_create(&t, cred, name, &status), SW_E_OK);
  assert_int_equal(sw_tls_state(t), SW_TLS_HANDSHAKE);
  assert_true(sw_tls_has_output(t));
  sw_buf_init(out, 0);
  assert_int_equal(sw_tls_take_output(t, out), SW_E_OK);
  assert_false(sw_tls_has_output(t));
  return t;
}

static void test_client_hello_names_the_server(void **state)
{
  (void)state;
  struct sw_buf out;
  struct sw_tls *t = hello("mail.example.net", &out);
  /* A handshake record (22), TLS 1.x, holding a ClientHello (1). */
  assert_true(out.len > 50);
  assert_int_equal((unsigned char)out.data[0], 22);
  assert_int_equal((unsigned char)out.data[1], 3);
  assert_int_equal((unsigned char)out.data[5], 1);
  assert_true(contains(&out, "mail.example.net")); /* SNI (RFC 6066) */
  assert_false(sw_tls_handshake_complete(t));
  size_t len;
  assert_null(sw_tls_plaintext(t, &len));
  assert_int_equal(len, 0);
  /* Nothing can be encrypted before the handshake. */
  assert_int_equal(sw_tls_send(t, "EHLO x\r\n", 8), SW_E_INVALID_ARGUMENT);
  sw_buf_free(&out);
  sw_tls_destroy(t);
}

static void test_no_sni_for_address_literals(void **state)
{
  (void)state;
  const char *literals[] = {"192.0.2.7", "2001:db8::7", NULL, ""};
  for (int i = 0; i < 4; i++) {
    struct sw_buf out;
    struct sw_tls *t = hello(literals[i], &out);
    assert_int_equal((unsigned char)out.data[0], 22);
    if (literals[i] && literals[i][0])
      assert_false(contains(&out, literals[i]));
    sw_buf_free(&out);
    sw_tls_destroy(t);
  }
}

static void test_plaintext_server_fails_at_once(void **state)
{
  (void)state;
  struct sw_buf out;
  struct sw_tls *t = hello("mail.example.net", &out);
  const char greeting[] = "220 mx.example.net ESMTP Postfix\r\n";
  assert_int_equal(sw_tls_receive(t, greeting, sizeof greeting - 1), SW_E_OK);
  assert_int_equal(sw_tls_state(t), SW_TLS_FAILED);
  char text[SW_DETAIL_MAX];
  assert_int_equal(sw_tls_failure(t, text, sizeof text),
                   (unsigned long)SEC_E_ILLEGAL_MESSAGE);
  assert_string_equal(text,
                      "the server does not speak TLS here: it sent \"220 mx.example.net "
                      "ESMTP Postfix\", a plaintext SMTP greeting (for this port try "
                      "--tls starttls)");
  /* Once failed, nothing more is read or produced. */
  assert_int_equal(sw_tls_receive(t, "\x16\x03\x03", 3), SW_E_OK);
  assert_int_equal(sw_tls_state(t), SW_TLS_FAILED);
  assert_false(sw_tls_has_output(t));
  sw_buf_free(&out);
  sw_tls_destroy(t);
}

static void test_alert_fails_the_handshake(void **state)
{
  (void)state;
  struct sw_buf out;
  struct sw_tls *t = hello("mail.example.net", &out);
  /* A fatal handshake_failure alert, cut in two: the first piece alone is
   * an incomplete record and must wait. */
  const char alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
  assert_int_equal(sw_tls_receive(t, alert, 3), SW_E_OK);
  assert_int_equal(sw_tls_state(t), SW_TLS_HANDSHAKE);
  assert_int_equal(sw_tls_receive(t, alert + 3, sizeof alert - 3), SW_E_OK);
  assert_int_equal(sw_tls_state(t), SW_TLS_FAILED);
  char text[SW_DETAIL_MAX];
  assert_int_not_equal(sw_tls_failure(t, text, sizeof text), 0);
  assert_non_null(strstr(text, "the TLS handshake failed: "));
  sw_buf_free(&out);
  sw_tls_destroy(t);
}

static void test_legacy_credential(void **state)
{
  (void)state;
  /* SCHANNEL_CRED: what Windows before 10 1809 gets; it must work too. */
  struct sw_tls_cred *legacy = NULL;
  assert_int_equal(sw_tls_cred_acquire(&legacy, SW_TLS_CRED_LEGACY, NULL), SW_E_OK);
  assert_false(sw_tls_cred_is_modern(legacy));
  struct sw_tls *t = NULL;
  assert_int_equal(sw_tls_create(&t, legacy, "mail.example.net", NULL), SW_E_OK);
  assert_true(sw_tls_has_output(t));
  sw_tls_destroy(t);
  sw_tls_cred_release(legacy);
}

static void test_certificate_fields(void **state)
{
  (void)state;
  PCCERT_CONTEXT cert = load_cert("selfsigned_until_2099.pem");
  struct sw_tls_info info;
  memset(&info, 0, sizeof info);
  assert_int_equal(sw_cert_describe(cert, &info), SW_E_OK);
  assert_string_equal(info.subject, "CN=unit.smtpwatch.test, O=SMTP Watch tests");
  assert_string_equal(info.issuer, info.subject);
  /* DNS names and addresses; the e-mail address is no host name. */
  assert_string_equal(info.sans, "unit.smtpwatch.test\n*.wild.smtpwatch.test\n192.0.2.7\n"
                                 "2001:db8::7");
  assert_int_equal(info.not_after, 4102444799LL); /* 2099-12-31 23:59:59 UTC */
  free(info.sans);
  CertFreeCertificateContext(cert);
}

static void test_self_signed_is_untrusted(void **state)
{
  (void)state;
  PCCERT_CONTEXT cert = load_cert("selfsigned_until_2099.pem");
  char detail[SW_DETAIL_MAX];
  unsigned long error = 0;
  enum sw_outcome o = sw_cert_validate(cert, "unit.smtpwatch.test", NULL, 5000, detail,
                                       sizeof detail, &error);
  assert_int_equal(o, SW_OUTCOME_CERT_UNTRUSTED);
  assert_int_equal(error, (unsigned long)CERT_E_UNTRUSTEDROOT);
  assert_string_equal(detail, "the certificate is self-signed (\"CN=unit.smtpwatch.test, "
                              "O=SMTP Watch tests\") and this machine does not trust it");
  CertFreeCertificateContext(cert);
}

static void test_expired_self_signed_is_not_trusted_either(void **state)
{
  (void)state;
  /* Both wrong at once: it must not pass, whichever the policy names. */
  PCCERT_CONTEXT cert = load_cert("selfsigned_expired_2002.pem");
  char detail[SW_DETAIL_MAX];
  unsigned long error = 0;
  enum sw_outcome o = sw_cert_validate(cert, "unit.smtpwatch.test", NULL, 5000, detail,
                                       sizeof detail, &error);
  assert_true(o == SW_OUTCOME_CERT_UNTRUSTED || o == SW_OUTCOME_CERT_EXPIRED);
  assert_int_not_equal(error, 0);
  assert_true(detail[0] != '\0');
  struct sw_tls_info info;
  memset(&info, 0, sizeof info);
  assert_int_equal(sw_cert_describe(cert, &info), SW_E_OK);
  assert_int_equal(info.not_after, 1009843200LL); /* 2002-01-01 00:00:00 UTC */
  free(info.sans);
  CertFreeCertificateContext(cert);
}

static void test_url_retrieval_gets_a_share_of_the_budget(void **state)
{
  (void)state;
  static const struct {
    uint32_t budget, want;
  } cases[] = {
      {9000, 3000},   /* a third */
      {15000, 5000},  /* ... up to the ceiling */
      {300000, 5000}, /* a 5-minute check still waits 5 s at most */
      {1200, 500},    /* the floor */
      {400, 400},     /* never more than what is left */
      {0, 1},         /* nothing left: the least there is */
      {UINT32_MAX, 5000},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct sw_cert_chain_params p = sw_cert_chain_params(cases[i].budget, true);
    if (p.url_timeout_ms != cases[i].want)
      fail_msg("budget %u: %u ms, not %u", cases[i].budget, p.url_timeout_ms,
               cases[i].want);
    assert_int_equal(p.flags, CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT |
                                  CERT_CHAIN_REVOCATION_ACCUMULATIVE_TIMEOUT);
    p = sw_cert_chain_params(cases[i].budget, false);
    assert_int_equal(p.url_timeout_ms, cases[i].want);
    assert_int_equal(p.flags, 0);
  }
}

/* What sw_cert_validate passed to CertGetCertificateChain. */
struct seen_chains {
  int calls;
  DWORD timeout[4];
  unsigned long flags[4];
  DWORD size;
};

static void observe(void *ctx, const CERT_CHAIN_PARA *para, unsigned long flags)
{
  struct seen_chains *s = ctx;
  if (s->calls < 4) {
    s->timeout[s->calls] = para->dwUrlRetrievalTimeout;
    s->flags[s->calls] = flags;
  }
  s->size = para->cbSize;
  s->calls++;
}

static void test_chain_build_gets_the_capped_timeout(void **state)
{
  (void)state;
  /* The real call, not only the arithmetic: a 60 s check lets the chain
   * engine fetch for 5 s at most, revocation included and accumulated. */
  PCCERT_CONTEXT cert = load_cert("selfsigned_until_2099.pem");
  struct seen_chains seen = {0};
  sw_cert_set_chain_observer(observe, &seen);
  char detail[SW_DETAIL_MAX];
  unsigned long error = 0;
  enum sw_outcome o = sw_cert_validate(cert, "unit.smtpwatch.test", NULL, 60000, detail,
                                       sizeof detail, &error);
  sw_cert_set_chain_observer(NULL, NULL);
  assert_int_equal(o, SW_OUTCOME_CERT_UNTRUSTED);
  assert_true(seen.calls >= 1 && seen.calls <= 3);
  assert_int_equal(seen.size, sizeof(CERT_CHAIN_PARA)); /* the extra fields are read */
  assert_int_equal(seen.timeout[0], SW_CERT_URL_CEILING_MS);
  assert_int_equal(seen.flags[0], CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT |
                                      CERT_CHAIN_REVOCATION_ACCUMULATIVE_TIMEOUT);
  /* A later round (Wine's policy reporting revocation unknown, an address
   * named in the certificate) gets what is left, capped the same way. */
  for (int i = 1; i < seen.calls; i++)
    assert_true(seen.timeout[i] >= 1 && seen.timeout[i] <= SW_CERT_URL_CEILING_MS);
  CertFreeCertificateContext(cert);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_client_hello_names_the_server),
      cmocka_unit_test(test_no_sni_for_address_literals),
      cmocka_unit_test(test_plaintext_server_fails_at_once),
      cmocka_unit_test(test_alert_fails_the_handshake),
      cmocka_unit_test(test_legacy_credential),
      cmocka_unit_test(test_certificate_fields),
      cmocka_unit_test(test_self_signed_is_untrusted),
      cmocka_unit_test(test_expired_self_signed_is_not_trusted_either),
      cmocka_unit_test(test_url_retrieval_gets_a_share_of_the_budget),
      cmocka_unit_test(test_chain_build_gets_the_capped_timeout),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
