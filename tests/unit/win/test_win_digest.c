/* sw_win_digest (common/win/win_digest.c): BCrypt's SHA-256 and SHA-512
 * against the FIPS 180-2 example vectors, and the TLSA matcher of
 * common/domain run through it on a certificate of tests/data/domain
 * (the expected digests were computed with openssl from that file). */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tlsa_match.h"
#include "win_digest.h"

static void hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
  assert_int_equal(strlen(hex), 2 * n);
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
    out[i] = (uint8_t)v;
  }
}

static void expect(enum sw_digest_kind kind, const void *data, size_t len,
                   const char *hex)
{
  size_t n = sw_digest_length(kind);
  uint8_t want[SW_DIGEST_MAX], got[SW_DIGEST_MAX];
  hex_to_bytes(hex, want, n);
  memset(got, 0, sizeof got);
  assert_true(sw_win_digest(NULL, kind, data, len, got));
  assert_memory_equal(got, want, n);
}

static void test_fips_vectors(void **state)
{
  (void)state;
  expect(SW_DIGEST_SHA256, "", 0,
         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  expect(SW_DIGEST_SHA256, "abc", 3,
         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  expect(SW_DIGEST_SHA256, two_blocks, strlen(two_blocks),
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  expect(SW_DIGEST_SHA512, "", 0,
         "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
         "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
  expect(SW_DIGEST_SHA512, "abc", 3,
         "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
         "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  const char *long_blocks = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                            "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
  expect(SW_DIGEST_SHA512, long_blocks, strlen(long_blocks),
         "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
         "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
  /* A million "a": many BCryptHashData blocks in one call. */
  char *million = malloc(1000000);
  assert_non_null(million);
  memset(million, 'a', 1000000);
  expect(SW_DIGEST_SHA256, million, 1000000,
         "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  expect(SW_DIGEST_SHA512, million, 1000000,
         "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
         "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
  free(million);
  /* An unknown kind is refused, not guessed. */
  uint8_t out[SW_DIGEST_MAX];
  assert_false(sw_win_digest(NULL, (enum sw_digest_kind)7, (const uint8_t *)"a", 1, out));
}

/* A DANE-EE record for tests/data/domain/mx1.der, matched through BCrypt:
 * 3 1 1 (SHA-256 of its public key) and 3 0 2 (SHA-512 of the whole
 * certificate), values from `openssl ... | openssl dgst`. */
static void test_tlsa_through_bcrypt(void **state)
{
  (void)state;
  char path[512];
  snprintf(path, sizeof path, "%s/domain/mx1.der", SW_TEST_DATA_DIR);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static uint8_t der[8192];
  size_t len = fread(der, 1, sizeof der, f);
  fclose(f);
  assert_true(len > 100);
  uint8_t spki256[32], cert512[64];
  hex_to_bytes("49f19825824ab4ba053cd1cab30bcd0356c0ea57abb62cc865496466487fe6f2",
               spki256, 32);
  hex_to_bytes("8e81b5c00e2da194a7b015fab065ec00ae14e6863113a6290b43dd6bb2bd2557"
               "3f1e7e60956b48a47251e6af132bb98837845bc4f546d1562e804a891cf43742",
               cert512, 64);
  struct sw_tlsa_record recs[] = {{3, 1, 1, spki256, 32}, {3, 0, 2, cert512, 64}};
  struct sw_cert_der leaf = {der, len};
  struct sw_tlsa_result r;
  for (size_t i = 0; i < 2; i++) {
    sw_tlsa_match(&recs[i], 1, &leaf, 1, true, sw_win_digest, NULL, &r);
    assert_int_equal(r.verdict, SW_TLSA_MATCHED);
    assert_true(sw_tlsa_validated(&r, false));
  }
  spki256[0] ^= 0x80;
  sw_tlsa_match(recs, 1, &leaf, 1, true, sw_win_digest, NULL, &r);
  assert_int_equal(r.verdict, SW_TLSA_MISMATCH);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fips_vectors),
      cmocka_unit_test(test_tlsa_through_bcrypt),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
