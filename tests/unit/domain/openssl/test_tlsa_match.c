/* TLSA matching (common/domain/tlsa_match.c, der_walk.c) against
 * certificates made by tests/fixtures/tls_certs.sh's CA (tests/data/domain:
 * the CA, an MX leaf it signed, an intermediate it signed and a leaf under
 * that). OpenSSL is the reference: it computes the digests and reads each
 * certificate's SubjectPublicKeyInfo on its own, so the records built here
 * do not come from the code under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "der_walk.h"
#include "tlsa_match.h"

struct blob {
  uint8_t *p;
  size_t len;
};

static struct blob ca, mx1, ica, under_ica;

static struct blob read_fixture(const char *name)
{
  char path[512];
  snprintf(path, sizeof path, "%s/domain/%s", SW_TEST_DATA_DIR, name);
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s", path);
  struct blob b = {malloc(8192), 0};
  assert_non_null(b.p);
  b.len = fread(b.p, 1, 8192, f);
  fclose(f);
  assert_true(b.len > 100 && b.len < 8192);
  return b;
}

static int load(void **state)
{
  (void)state;
  ca = read_fixture("ca.der");
  mx1 = read_fixture("mx1.der");
  ica = read_fixture("ica.der");
  under_ica = read_fixture("under_ica.der");
  return 0;
}

static int unload(void **state)
{
  (void)state;
  free(ca.p);
  free(mx1.p);
  free(ica.p);
  free(under_ica.p);
  return 0;
}

static bool ossl_digest(void *ctx, enum sw_digest_kind kind, const uint8_t *data,
                        size_t len, uint8_t *out)
{
  int *calls = ctx;
  if (calls)
    (*calls)++;
  const EVP_MD *md = kind == SW_DIGEST_SHA256 ? EVP_sha256() : EVP_sha512();
  return EVP_Digest(data, len, out, NULL, md, NULL) == 1;
}

static bool failing_digest(void *ctx, enum sw_digest_kind kind, const uint8_t *data,
                           size_t len, uint8_t *out)
{
  (void)ctx, (void)kind, (void)data, (void)len, (void)out;
  return false;
}

/* The certificate's SubjectPublicKeyInfo as OpenSSL encodes it. */
static struct blob ossl_spki(struct blob cert)
{
  const unsigned char *p = cert.p;
  X509 *x = d2i_X509(NULL, &p, (long)cert.len);
  assert_non_null(x);
  unsigned char *der = NULL;
  int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
  assert_true(n > 0);
  struct blob b = {malloc((size_t)n), (size_t)n};
  memcpy(b.p, der, (size_t)n);
  OPENSSL_free(der);
  X509_free(x);
  return b;
}

/* A TLSA record for `cert` built with OpenSSL; its data lives in buf. */
static struct sw_tlsa_record record_for(struct blob cert, uint8_t usage, uint8_t selector,
                                        uint8_t matching, uint8_t *buf)
{
  struct blob what = selector == 1 ? ossl_spki(cert) : cert;
  size_t n = what.len;
  if (matching == 0)
    memcpy(buf, what.p, what.len);
  else if (!ossl_digest(NULL, matching == 1 ? SW_DIGEST_SHA256 : SW_DIGEST_SHA512, what.p,
                        what.len, buf))
    fail_msg("OpenSSL digest failed");
  if (matching != 0)
    n = matching == 1 ? 32 : 64;
  if (selector == 1)
    free(what.p);
  return (struct sw_tlsa_record){usage, selector, matching, buf, n};
}

static void test_spki_as_openssl_reads_it(void **state)
{
  (void)state;
  struct blob certs[] = {ca, mx1, ica, under_ica};
  for (size_t i = 0; i < 4; i++) {
    struct sw_der_tlv spki;
    assert_true(sw_der_cert_spki(certs[i].p, certs[i].len, &spki));
    struct blob want = ossl_spki(certs[i]);
    assert_int_equal(spki.whole_len, want.len);
    assert_memory_equal(spki.whole, want.p, want.len);
    free(want.p);
  }
}

static void test_der_walker_refuses_broken(void **state)
{
  (void)state;
  struct sw_der_tlv spki;
  /* Every truncation of a real certificate, and one octet more. */
  for (size_t n = 0; n < mx1.len; n++)
    assert_false(sw_der_cert_spki(mx1.p, n, &spki));
  uint8_t *longer = malloc(mx1.len + 1);
  memcpy(longer, mx1.p, mx1.len);
  longer[mx1.len] = 0;
  assert_false(sw_der_cert_spki(longer, mx1.len + 1, &spki));
  free(longer);
  /* Lengths: indefinite, five octets, not minimal, past the end. */
  struct sw_der_tlv t;
  const uint8_t indefinite[] = {0x30, 0x80, 0x00, 0x00};
  const uint8_t five[] = {0x30, 0x85, 0, 0, 0, 0, 1, 0};
  const uint8_t padded[] = {0x30, 0x82, 0x00, 0x01, 0x00};
  const uint8_t short_due[] = {0x30, 0x81, 0x01, 0x00};
  const uint8_t past[] = {0x30, 0x03, 0x02, 0x01};
  const uint8_t high_tag[] = {0x1f, 0x01, 0x00};
  const uint8_t ok[] = {0x30, 0x81, 0x80};
  assert_false(sw_der_read(indefinite, sizeof indefinite, &t));
  assert_false(sw_der_read(five, sizeof five, &t));
  assert_false(sw_der_read(padded, sizeof padded, &t));
  assert_false(sw_der_read(short_due, sizeof short_due, &t));
  assert_false(sw_der_read(past, sizeof past, &t));
  assert_false(sw_der_read(high_tag, sizeof high_tag, &t));
  assert_false(sw_der_read(ok, sizeof ok, &t)); /* 128 octets announced, none there */
  assert_false(sw_der_read(NULL, 10, &t));
  const uint8_t fine[] = {0x04, 0x02, 0xab, 0xcd, 0xff};
  assert_true(sw_der_read(fine, sizeof fine, &t));
  assert_int_equal(t.tag, 0x04);
  assert_int_equal(t.whole_len, 4);
  assert_int_equal(t.content_len, 2);
  assert_int_equal(t.content[1], 0xcd);
}

static struct sw_tlsa_result run(const struct sw_tlsa_record *recs, size_t n,
                                 const struct blob *chain, size_t chain_len, bool auth)
{
  struct sw_cert_der certs[4];
  for (size_t i = 0; i < chain_len; i++)
    certs[i] = (struct sw_cert_der){chain[i].p, chain[i].len};
  struct sw_tlsa_result r;
  sw_tlsa_match(recs, n, certs, chain_len, auth, ossl_digest, NULL, &r);
  return r;
}

/* DANE-EE(3) with every selector and matching type, authenticated or not,
 * and each with one octet of its data changed. */
static void test_dane_ee_every_combination(void **state)
{
  (void)state;
  struct blob chain[] = {mx1, ca};
  static uint8_t buf[4096];
  for (uint8_t sel = 0; sel <= 1; sel++)
    for (uint8_t mt = 0; mt <= 2; mt++) {
      struct sw_tlsa_record rec = record_for(mx1, 3, sel, mt, buf);
      struct sw_tlsa_result r = run(&rec, 1, chain, 2, true);
      assert_int_equal(r.verdict, SW_TLSA_MATCHED);
      assert_int_equal(r.record, 0);
      assert_int_equal(r.cert, 0);
      assert_false(r.needs_chain_check);
      assert_true(sw_tlsa_validated(&r, false));
      char want[64];
      snprintf(want, sizeof want, "DANE validated: TLSA record 1 (3 %u %u) matches", sel,
               mt);
      if (strncmp(r.sentence, want, strlen(want)) != 0)
        fail_msg("\"%s\" does not start with \"%s\"", r.sentence, want);

      r = run(&rec, 1, chain, 2, false);
      assert_int_equal(r.verdict, SW_TLSA_MATCHED);
      assert_false(r.authenticated);
      assert_false(sw_tlsa_validated(&r, true));
      assert_null(strstr(r.sentence, "validated"));
      assert_non_null(strstr(r.sentence, "was not DNSSEC-authenticated, so this is not a "
                                         "DANE validation"));

      buf[rec.data_len / 2] ^= 0x01;
      r = run(&rec, 1, chain, 2, true);
      assert_int_equal(r.verdict, SW_TLSA_MISMATCH);
      assert_int_equal(r.usable, 1);
      assert_false(sw_tlsa_validated(&r, true));
      assert_non_null(strstr(r.sentence,
                             "none of the 1 usable TLSA records matches the 2 "
                             "certificates"));
      assert_non_null(strstr(r.sentence, "will not deliver"));
    }
}

/* DANE-TA(2): the CA in the chain the server sent, and an intermediate. */
static void test_dane_ta_in_chain(void **state)
{
  (void)state;
  static uint8_t buf[4096];
  struct blob chain[] = {mx1, ca};
  for (uint8_t sel = 0; sel <= 1; sel++)
    for (uint8_t mt = 0; mt <= 2; mt++) {
      struct sw_tlsa_record rec = record_for(ca, 2, sel, mt, buf);
      struct sw_tlsa_result r = run(&rec, 1, chain, 2, true);
      assert_int_equal(r.verdict, SW_TLSA_MATCHED);
      assert_int_equal(r.cert, 1);
      assert_true(r.needs_chain_check);
      assert_false(sw_tlsa_validated(&r, false)); /* not before the chain is checked */
      assert_true(sw_tlsa_validated(&r, true));
      assert_non_null(strstr(r.sentence,
                             "matches certificate 2 of the chain as its trust "
                             "anchor"));
      /* The CA is not in what the server sent: nothing to match. */
      r = run(&rec, 1, chain, 1, true);
      assert_int_equal(r.verdict, SW_TLSA_MISMATCH);
    }
  struct blob three[] = {under_ica, ica, ca};
  struct sw_tlsa_record recs[2];
  static uint8_t buf2[64];
  recs[0] = record_for(ica, 2, 1, 1, buf);
  recs[1] = record_for(ca, 2, 0, 2, buf2);
  struct sw_tlsa_result r = run(recs, 2, three, 3, false);
  assert_int_equal(r.verdict, SW_TLSA_MATCHED);
  assert_int_equal(r.record, 0);
  assert_int_equal(r.cert, 1);
  assert_non_null(strstr(r.sentence, "not a DANE validation"));
  r = run(recs + 1, 1, three, 3, true);
  assert_int_equal(r.cert, 2);
}

/* A record of one usage never matches where the other one looks. */
static void test_usage_decides_where_to_look(void **state)
{
  (void)state;
  static uint8_t buf[64];
  struct blob chain[] = {mx1, ca};
  struct sw_tlsa_record ta_on_leaf = record_for(mx1, 2, 1, 1, buf);
  assert_int_equal(run(&ta_on_leaf, 1, chain, 2, true).verdict, SW_TLSA_MISMATCH);
  struct sw_tlsa_record ee_on_ca = record_for(ca, 3, 1, 1, buf);
  assert_int_equal(run(&ee_on_ca, 1, chain, 2, true).verdict, SW_TLSA_MISMATCH);
}

static void test_unusable_records(void **state)
{
  (void)state;
  static uint8_t b0[64], b1[64], b2[64], b3[64];
  struct blob chain[] = {mx1, ca};
  struct sw_tlsa_record recs[] = {
      record_for(ca, 0, 1, 1, b0),  /* PKIX-TA: not for SMTP */
      record_for(mx1, 1, 1, 1, b1), /* PKIX-EE: not for SMTP */
      record_for(mx1, 3, 1, 1, b2),
      record_for(mx1, 3, 0, 2, b3),
  };
  recs[2].data_len = 31; /* SHA-256 of the wrong length */
  recs[3].matching = 3;  /* unknown matching type */
  struct sw_tlsa_result r = run(recs, 4, chain, 2, true);
  assert_int_equal(r.verdict, SW_TLSA_NO_USABLE);
  assert_int_equal(r.usable, 0);
  assert_non_null(strstr(r.sentence, "none of the 4 TLSA records is usable for SMTP"));
  recs[3].matching = 2;
  recs[3].selector = 2; /* unknown selector */
  assert_int_equal(run(recs, 4, chain, 2, true).verdict, SW_TLSA_NO_USABLE);
  recs[3].selector = 0;
  recs[3].usage = 4; /* unknown usage */
  assert_int_equal(run(recs, 4, chain, 2, true).verdict, SW_TLSA_NO_USABLE);
  /* One usable record among them decides. */
  recs[2].data_len = 32;
  r = run(recs, 4, chain, 2, true);
  assert_int_equal(r.verdict, SW_TLSA_MATCHED);
  assert_int_equal(r.record, 2);
  assert_int_equal(run(NULL, 0, chain, 2, true).verdict, SW_TLSA_NO_USABLE);
}

static void test_edges(void **state)
{
  (void)state;
  static uint8_t buf[64];
  struct sw_tlsa_record rec = record_for(mx1, 3, 1, 1, buf);
  /* No certificate presented. */
  struct sw_tlsa_result r = run(&rec, 1, NULL, 0, true);
  assert_int_equal(r.verdict, SW_TLSA_MISMATCH);
  assert_non_null(strstr(r.sentence, "presented no certificate"));
  /* A leaf that is not DER: its key cannot be read, and the sentence says so. */
  uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x01};
  struct sw_cert_der bad = {junk, sizeof junk};
  sw_tlsa_match(&rec, 1, &bad, 1, true, ossl_digest, NULL, &r);
  assert_int_equal(r.verdict, SW_TLSA_MISMATCH);
  assert_non_null(strstr(r.sentence, "certificate 1 could not be read for its key"));
  /* The digest callback failing: nothing is claimed. */
  struct sw_cert_der leaf = {mx1.p, mx1.len};
  sw_tlsa_match(&rec, 1, &leaf, 1, true, failing_digest, NULL, &r);
  assert_int_equal(r.verdict, SW_TLSA_FAILED);
  assert_false(sw_tlsa_validated(&r, true));
  /* The context reaches the callback. */
  int calls = 0;
  sw_tlsa_match(&rec, 1, &leaf, 1, true, ossl_digest, &calls, &r);
  assert_int_equal(r.verdict, SW_TLSA_MATCHED);
  assert_int_equal(calls, 1);
  char text[16];
  sw_tlsa_record_text(&rec, text, sizeof text);
  assert_string_equal(text, "3 1 1");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_spki_as_openssl_reads_it),
      cmocka_unit_test(test_der_walker_refuses_broken),
      cmocka_unit_test(test_dane_ee_every_combination),
      cmocka_unit_test(test_dane_ta_in_chain),
      cmocka_unit_test(test_usage_decides_where_to_look),
      cmocka_unit_test(test_unusable_records),
      cmocka_unit_test(test_edges),
  };
  return cmocka_run_group_tests(tests, load, unload);
}
