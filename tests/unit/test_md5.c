/* MD5: RFC 1321's own test suite (appendix A.5), fed whole and in every
 * split, since a block boundary is where a hash goes wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "md5.h"

static const char *const suite[][2] = {
    {"", "d41d8cd98f00b204e9800998ecf8427e"},
    {"a", "0cc175b9c0f1b6a831c399e269772661"},
    {"abc", "900150983cd24fb0d6963f7d28e17f72"},
    {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
    {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
    {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
     "d174ab98d277d9f5a5611c2c9f419d9f"},
    {"1234567890123456789012345678901234567890123456789012345678901234567890123456"
     "7890",
     "57edf4a22be3c955ac49da2e2107b67a"},
};

static void hex(const unsigned char d[SW_MD5_DIGEST_LEN], char out[33])
{
  for (int i = 0; i < SW_MD5_DIGEST_LEN; i++)
    snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void test_rfc1321_suite(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof suite / sizeof suite[0]; i++) {
    const char *text = suite[i][0];
    size_t len = strlen(text);
    /* Whole, then in two pieces at every offset. */
    for (size_t at = 0; at <= len; at++) {
      struct sw_md5 m;
      unsigned char d[SW_MD5_DIGEST_LEN];
      char h[33];
      sw_md5_init(&m);
      sw_md5_update(&m, text, at);
      sw_md5_update(&m, text + at, len - at);
      sw_md5_final(&m, d);
      hex(d, h);
      if (strcmp(h, suite[i][1]) != 0)
        fail_msg("MD5(\"%s\") split at %zu: %s, expected %s", text, at, h, suite[i][1]);
    }
  }
}

static void test_padding_at_every_length(void **state)
{
  (void)state;
  /* Lengths 55, 56 and 64 put the length field in the same block, in a
   * block of its own, or after a whole block: one million "a" (the
   * classic extra vector) crosses them all, fed in uneven pieces. */
  static char a[1000];
  memset(a, 'a', sizeof a);
  struct sw_md5 m;
  sw_md5_init(&m);
  size_t left = 1000000;
  for (size_t n = 1; left > 0; n = n % 997 + 1) {
    size_t take = n < left ? n : left;
    sw_md5_update(&m, a, take);
    left -= take;
  }
  unsigned char d[SW_MD5_DIGEST_LEN];
  char h[33];
  sw_md5_final(&m, d);
  hex(d, h);
  assert_string_equal(h, "7707d6ae4e027c70eea2a935c2296f21");
  /* ...and the final wipes the context, which held the last input. */
  static const struct sw_md5 zero;
  assert_memory_equal(&m, &zero, sizeof m);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rfc1321_suite),
      cmocka_unit_test(test_padding_at_every_length),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
