/* Base64: RFC 4648's test vectors both ways, and what a strict decoder
 * must refuse (a server's AUTH challenge can be anything). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"

static const char *const vectors[][2] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

static void test_rfc4648_vectors(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
    struct sw_buf b;
    sw_buf_init(&b, 0);
    assert_int_equal(sw_base64_encode(vectors[i][0], strlen(vectors[i][0]), &b), SW_E_OK);
    assert_string_equal(sw_buf_str(&b), vectors[i][1]);
    assert_int_equal(sw_base64_encoded_len(strlen(vectors[i][0])), strlen(vectors[i][1]));
    sw_buf_free(&b);
    /* Into a fixed buffer: the same, or nothing at all if it does not fit. */
    char fixed[16];
    size_t need = strlen(vectors[i][1]) + 1;
    memset(fixed, '#', sizeof fixed);
    assert_true(sw_base64_encode_to(vectors[i][0], strlen(vectors[i][0]), fixed, need));
    assert_string_equal(fixed, vectors[i][1]);
    memset(fixed, '#', sizeof fixed);
    assert_false(
        sw_base64_encode_to(vectors[i][0], strlen(vectors[i][0]), fixed, need - 1));
    assert_int_equal(fixed[0], '#');
    assert_true(sw_base64_decode(vectors[i][1], strlen(vectors[i][1]), &b));
    assert_int_equal(b.len, strlen(vectors[i][0]));
    assert_memory_equal(sw_buf_str(&b), vectors[i][0], b.len);
    sw_buf_free(&b);
  }
}

/* Every byte value survives, and the alphabet's last two characters. */
static void test_all_bytes_round_trip(void **state)
{
  (void)state;
  unsigned char all[256];
  for (int i = 0; i < 256; i++)
    all[i] = (unsigned char)(255 - i);
  struct sw_buf enc, dec;
  sw_buf_init(&enc, 0);
  sw_buf_init(&dec, 0);
  assert_int_equal(sw_base64_encode(all, sizeof all, &enc), SW_E_OK);
  assert_non_null(strchr(sw_buf_str(&enc), '+'));
  assert_non_null(strchr(sw_buf_str(&enc), '/'));
  assert_true(sw_base64_decode(enc.data, enc.len, &dec));
  assert_int_equal(dec.len, sizeof all);
  assert_memory_equal(dec.data, all, sizeof all);
  sw_buf_free(&enc);
  sw_buf_free(&dec);
}

static void test_refuses_what_is_not_base64(void **state)
{
  (void)state;
  const char *bad[] = {"Zg=",      /* length */
                       "Zg==Zg==", /* padding in the middle */
                       "Z===",     /* three pads */
                       "Zh==",     /* padding bits set: not canonical */
                       "Zm9=",     /* the same with one pad */
                       "Zm 9",     /* a space */
                       "Zm9v\r\n", /* a line end */
                       "Zm-_"};    /* the URL alphabet */
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct sw_buf b;
    sw_buf_init(&b, 0);
    sw_buf_appends(&b, "kept");
    if (sw_base64_decode(bad[i], strlen(bad[i]), &b))
      fail_msg("\"%s\" was taken", bad[i]);
    assert_string_equal(sw_buf_str(&b), "kept"); /* nothing appended */
    sw_buf_free(&b);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rfc4648_vectors),
      cmocka_unit_test(test_all_bytes_round_trip),
      cmocka_unit_test(test_refuses_what_is_not_base64),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
