/* The rule list's text order and its sort keys: the order people expect
 * (numbers by value, letters in any case), and keys that never disagree
 * with it, checked on many texts made to be hard for them (runs of
 * zeros, long numbers, texts longer than a key, texts that differ only
 * past the key). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "natural_order.h"

static int sign(int v)
{
  return (v > 0) - (v < 0);
}

static void numbers_sort_by_value_and_letters_in_any_case(void **state)
{
  (void)state;
  assert_true(sw_natural_cmp("relay 9", "relay 10") < 0);
  assert_true(sw_natural_cmp("10.0.0.9", "10.0.0.10") < 0);
  assert_true(sw_natural_cmp("Relay", "relay") == 0);
  assert_true(sw_natural_cmp("a007", "a7") == 0);
  assert_true(sw_natural_cmp("a", "a0") < 0);
  assert_true(sw_natural_cmp(NULL, "") == 0);
  assert_true(sw_natural_cmp("mx", "mx1") < 0);
}

/* Compares two keys as the sort does: word by word. */
static int key_cmp(const uint64_t *a, const uint64_t *b)
{
  for (size_t w = 0; w < SW_NATURAL_KEY_WORDS; w++)
    if (a[w] != b[w])
      return a[w] < b[w] ? -1 : 1;
  return 0;
}

/* A small LCG: the same texts on every platform (rand_r is POSIX only). */
static unsigned next(unsigned *seed)
{
  *seed = *seed * 1103515245u + 12345u;
  return *seed >> 16;
}

/* A text of the pieces that make keys hard, up to ~48 bytes. */
static void random_text(char *out, size_t size, unsigned *seed)
{
  static const char *const pieces[] = {"0", "00",        "7",          "10",         "9",
                                       "a", "A",         "b",          ".",          " ",
                                       "-", "mx",        "relay ",     "\xc3\xa9",   "Z",
                                       "z", "123456789", "0000000001", "example.com"};
  size_t n = 0, parts = (size_t)(next(seed) % 8);
  out[0] = '\0';
  for (size_t i = 0; i < parts; i++) {
    const char *p = pieces[next(seed) % (sizeof pieces / sizeof pieces[0])];
    if (n + strlen(p) + 1 > size)
      break;
    memcpy(out + n, p, strlen(p) + 1);
    n += strlen(p);
  }
}

static void keys_never_disagree_with_the_order(void **state)
{
  (void)state;
  unsigned seed = 1234;
  unsigned decided = 0, whole_equal = 0;
  for (int i = 0; i < 200000; i++) {
    char a[64], b[64];
    random_text(a, sizeof a, &seed);
    if (i % 3 == 0) /* the same start, a different end: past the key */
      snprintf(b, sizeof b, "%.40s%s", a, i % 2 ? "1" : "");
    else
      random_text(b, sizeof b, &seed);
    uint64_t ka[SW_NATURAL_KEY_WORDS], kb[SW_NATURAL_KEY_WORDS];
    bool wa = sw_natural_key(a, ka, NULL), wb = sw_natural_key(b, kb, NULL);
    int want = sign(sw_natural_cmp(a, b)), got = key_cmp(ka, kb);
    if (got != 0) {
      decided++;
      if (got != want)
        fail_msg("key order %d, text order %d: \"%s\" \"%s\"", got, want, a, b);
    } else if (wa && wb) {
      whole_equal++;
      if (want != 0)
        fail_msg("whole keys equal, texts not: \"%s\" \"%s\"", a, b);
    }
  }
  /* Most comparisons are settled by the keys, and whole keys do occur. */
  assert_true(decided > 100000);
  assert_true(whole_equal > 1000);
}

static void a_long_run_of_digits_ends_the_key(void **state)
{
  (void)state;
  char a[400], b[400];
  memset(a, '9', 300);
  a[300] = '\0';
  memset(b, '1', 301);
  b[301] = '\0';
  uint64_t ka[SW_NATURAL_KEY_WORDS], kb[SW_NATURAL_KEY_WORDS];
  assert_false(sw_natural_key(a, ka, NULL));
  assert_false(sw_natural_key(b, kb, NULL));
  assert_int_equal(key_cmp(ka, kb), 0);  /* the text order decides: */
  assert_true(sw_natural_cmp(a, b) < 0); /* 300 digits before 301 */
  size_t used = 99;
  assert_true(sw_natural_key("mx10", ka, &used));
  assert_int_equal(used, 6); /* m, x, '0', 2, 1, 0 */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(numbers_sort_by_value_and_letters_in_any_case),
      cmocka_unit_test(keys_never_disagree_with_the_order),
      cmocka_unit_test(a_long_run_of_digits_ends_the_key),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
