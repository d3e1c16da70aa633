/* DPAPI secrets (common/win/secret.c) as the service keeps them: what is
 * encrypted comes back byte for byte, an empty secret is a secret, a blob
 * changed by one bit or cut short is refused with a sentence, and the blob
 * does not hold the secret in the clear. */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "secret.h"

static const char url[] = "https://hooks.example.com/workflows/abc123?sig=Zm9vYmFy";

static bool contains(const unsigned char *hay, size_t len, const char *needle)
{
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= len; i++)
    if (memcmp(hay + i, needle, n) == 0)
      return true;
  return false;
}

static void test_round_trip_gives_the_same_bytes(void **state)
{
  (void)state;
  unsigned char *blob = NULL, *plain = NULL;
  size_t blob_len = 0, plain_len = 0;
  char why[256] = "";
  assert_true(sw_secret_protect(url, strlen(url), &blob, &blob_len, why, sizeof why));
  assert_non_null(blob);
  assert_true(blob_len > strlen(url));
  assert_false(contains(blob, blob_len, "abc123")); /* not in the clear */
  assert_true(sw_secret_unprotect(blob, blob_len, &plain, &plain_len, why, sizeof why));
  assert_int_equal(plain_len, strlen(url));
  assert_memory_equal(plain, url, plain_len);
  assert_int_equal(plain[plain_len], 0); /* usable as a C string */
  sw_secret_free(plain, plain_len);
  free(blob);
}

static void test_binary_secret_with_nul_bytes(void **state)
{
  (void)state;
  unsigned char secret[300];
  for (size_t i = 0; i < sizeof secret; i++)
    secret[i] = (unsigned char)(i * 7);
  unsigned char *blob = NULL, *plain = NULL;
  size_t blob_len = 0, plain_len = 0;
  char why[256] = "";
  assert_true(
      sw_secret_protect(secret, sizeof secret, &blob, &blob_len, why, sizeof why));
  assert_true(sw_secret_unprotect(blob, blob_len, &plain, &plain_len, why, sizeof why));
  assert_int_equal(plain_len, sizeof secret);
  assert_memory_equal(plain, secret, sizeof secret);
  sw_secret_free(plain, plain_len);
  free(blob);
}

static void test_empty_secret_round_trips(void **state)
{
  (void)state;
  unsigned char *blob = NULL, *plain = NULL;
  size_t blob_len = 0, plain_len = 99;
  char why[256] = "";
  assert_true(sw_secret_protect("", 0, &blob, &blob_len, why, sizeof why));
  assert_non_null(blob);
  assert_true(blob_len > 0); /* the blob still says who may open it */
  assert_true(sw_secret_unprotect(blob, blob_len, &plain, &plain_len, why, sizeof why));
  assert_non_null(plain);
  assert_int_equal(plain_len, 0);
  assert_int_equal(plain[0], 0);
  sw_secret_free(plain, plain_len);
  free(blob);
}

/* Every refusal leaves no plaintext and says what to do. */
static void assert_refused(const unsigned char *blob, size_t blob_len)
{
  unsigned char *plain = (unsigned char *)"left";
  size_t plain_len = 7;
  char why[256] = "";
  assert_false(sw_secret_unprotect(blob, blob_len, &plain, &plain_len, why, sizeof why));
  assert_null(plain);
  assert_int_equal(plain_len, 0);
  assert_non_null(strstr(why, "could not decrypt the stored secret"));
  assert_non_null(strstr(why, "set it again"));
  assert_non_null(strstr(why, "(")); /* the system's code, for the log */
}

static void test_tampered_blob_is_refused_with_a_sentence(void **state)
{
  (void)state;
  unsigned char *blob = NULL;
  size_t blob_len = 0;
  char why[256] = "";
  assert_true(sw_secret_protect(url, strlen(url), &blob, &blob_len, why, sizeof why));
  /* One bit of the ciphertext (near the end, past the header), then the
   * tail cut off, then nothing at all. */
  blob[blob_len - 30] ^= 0x01;
  assert_refused(blob, blob_len);
  blob[blob_len - 30] ^= 0x01;
  assert_refused(blob, blob_len - 1);
  assert_refused(blob, 0);
  static const unsigned char junk[] = "not a DPAPI blob at all";
  assert_refused(junk, sizeof junk);
  free(blob);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip_gives_the_same_bytes),
      cmocka_unit_test(test_binary_secret_with_nul_bytes),
      cmocka_unit_test(test_empty_secret_round_trips),
      cmocka_unit_test(test_tampered_blob_is_refused_with_a_sentence),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
