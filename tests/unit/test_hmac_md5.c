/* HMAC-MD5: RFC 2104's test vectors (its appendix), RFC 2202's for a key
 * longer than a block, and RFC 2195's CRAM-MD5 example, which is what the
 * checker computes with it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hmac_md5.h"

static void check(const void *key, size_t key_len, const void *msg, size_t msg_len,
                  const char *want)
{
  unsigned char mac[SW_MD5_DIGEST_LEN];
  char h[33];
  sw_hmac_md5(key, key_len, msg, msg_len, mac);
  for (int i = 0; i < SW_MD5_DIGEST_LEN; i++)
    snprintf(h + 2 * i, 3, "%02x", mac[i]);
  assert_string_equal(h, want);
}

static void test_rfc2104_vectors(void **state)
{
  (void)state;
  unsigned char key[16], data[50];
  memset(key, 0x0b, 16);
  check(key, 16, "Hi There", 8, "9294727a3638bb1c13f48ef8158bfc9d");
  check("Jefe", 4, "what do ya want for nothing?", 28,
        "750c783e6ab0b503eaa86e310a5db738");
  memset(key, 0xaa, 16);
  memset(data, 0xdd, 50);
  check(key, 16, data, 50, "56be34521d144c88dbb8c733f0e8b3f6");
}

static void test_rfc2202_key_longer_than_block(void **state)
{
  (void)state;
  unsigned char key[80];
  memset(key, 0xaa, sizeof key);
  const char *one = "Test Using Larger Than Block-Size Key - Hash Key First";
  const char *two = "Test Using Larger Than Block-Size Key and Larger Than One "
                    "Block-Size Data";
  check(key, 80, one, strlen(one), "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");
  check(key, 80, two, strlen(two), "6f630fad67cda0ee1fb1f562db3aa53e");
}

static void test_rfc2195_example(void **state)
{
  (void)state;
  const char *challenge = "<1896.697170952@postoffice.reston.mci.net>";
  check("tanstaaftanstaaf", 16, challenge, strlen(challenge),
        "b913a602c7eda7a495b4e6e7334d3890");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rfc2104_vectors),
      cmocka_unit_test(test_rfc2202_key_longer_than_block),
      cmocka_unit_test(test_rfc2195_example),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
