/* The certificate verdict cache: when a check reuses a verdict, waits for
 * another check's validation or validates, how long a verdict lasts, which
 * entry gives way in a full table, and what makes two chains the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cert_cache.h"

#define T0 INT64_C(1000000000)

static int setup(void **state)
{
  struct sw_cert_cache *cc = malloc(sizeof *cc);
  if (!cc)
    return -1;
  sw_cert_cache_init(cc);
  *state = cc;
  return 0;
}

static int teardown(void **state)
{
  sw_cert_cache_free(*state);
  free(*state);
  return 0;
}

/* Looks up a copy of key[0..len) (keys hold NULs: host, NUL, DER bytes). */
static enum sw_cert_cache_use look_n(struct sw_cert_cache *cc, const char *key,
                                     size_t len, int64_t now,
                                     struct sw_cert_cache_entry **x)
{
  char *k = malloc(len);
  assert_non_null(k);
  memcpy(k, key, len);
  return sw_cert_cache_lookup(cc, k, len, now, x);
}
#define LOOK(cc, lit, now, x) look_n(cc, lit, sizeof lit - 1, now, x)
#define LOOK_S(cc, s, now, x) look_n(cc, s, strlen(s), now, x)

static struct sw_cert_verdict verdict(enum sw_outcome o, unsigned long error,
                                      const char *detail)
{
  struct sw_cert_verdict v = {.outcome = o, .error = error};
  strcpy(v.detail, detail);
  return v;
}

/* The first check of a server validates; those that come while it runs
 * wait for it; those after reuse its verdict for ten minutes, then the
 * chain is validated again in place. */
static void test_validate_wait_reuse_expire(void **state)
{
  struct sw_cert_cache *cc = *state;
  struct sw_cert_cache_entry *x, *y;
  assert_int_equal(LOOK(cc, "mx\0chain", T0, &x), SW_CERT_CACHE_VALIDATE);
  assert_non_null(x);
  assert_true(x->pending);
  assert_int_equal(LOOK(cc, "mx\0chain", T0 + 5, &y), SW_CERT_CACHE_WAIT);
  assert_ptr_equal(x, y);

  struct sw_cert_verdict v =
      verdict(SW_OUTCOME_CERT_UNTRUSTED, 0x800B0109UL, "untrusted root");
  sw_cert_cache_fill(x, &v, T0 + 10);
  assert_false(x->pending);
  assert_int_equal(LOOK(cc, "mx\0chain", T0 + 10 + SW_CERT_CACHE_TTL_US - 1, &y),
                   SW_CERT_CACHE_HIT);
  assert_ptr_equal(x, y);
  assert_int_equal(y->verdict.outcome, SW_OUTCOME_CERT_UNTRUSTED);
  assert_int_equal(y->verdict.error, 0x800B0109UL);
  assert_string_equal(y->verdict.detail, "untrusted root");

  assert_int_equal(LOOK(cc, "mx\0chain", T0 + 10 + SW_CERT_CACHE_TTL_US, &y),
                   SW_CERT_CACHE_VALIDATE);
  assert_ptr_equal(x, y); /* the same entry, pending again */
  assert_true(y->pending);
  assert_int_equal(cc->len, 1);
}

/* A verdict is for one host and one exact chain. */
static void test_keys_are_compared_whole(void **state)
{
  struct sw_cert_cache *cc = *state;
  struct sw_cert_cache_entry *x, *y;
  struct sw_cert_verdict ok = verdict(SW_OUTCOME_OK, 0, "");
  assert_int_equal(LOOK(cc, "mx\0AB", T0, &x), SW_CERT_CACHE_VALIDATE);
  sw_cert_cache_fill(x, &ok, T0);
  assert_int_equal(LOOK(cc, "mx\0AB", T0, &y), SW_CERT_CACHE_HIT);
  assert_int_equal(LOOK(cc, "mx\0ABC", T0, &y), SW_CERT_CACHE_VALIDATE); /* one more */
  assert_ptr_not_equal(x, y);
  assert_int_equal(LOOK(cc, "mx\0AC", T0, &y), SW_CERT_CACHE_VALIDATE); /* another */
  assert_int_equal(LOOK(cc, "Mx\0AB", T0, &y),
                   SW_CERT_CACHE_VALIDATE); /* not folded here */
  assert_int_equal(cc->len, 4);
}

/* The host is compared without regard to ASCII case, and ends before the
 * certificates (a NUL), so "a" + "bc..." is not "ab" + "c...". */
static void test_key_start(void **state)
{
  (void)state;
  struct sw_buf a = {0}, b = {0};
  assert_int_equal(sw_cert_cache_key_start(&a, "MX.Example.NET"), SW_E_OK);
  assert_int_equal(sw_cert_cache_key_start(&b, "mx.example.net"), SW_E_OK);
  assert_int_equal(a.len, strlen("mx.example.net") + 1);
  assert_memory_equal(a.data, b.data, a.len);
  assert_int_equal(a.data[a.len - 1], '\0');
  /* Starting again empties the buffer. */
  assert_int_equal(sw_cert_cache_key_start(&a, "x"), SW_E_OK);
  assert_int_equal(a.len, 2);
  sw_buf_free(&a);
  sw_buf_free(&b);
}

/* A full table drops the verdict that expires first, never a pending one;
 * with every entry pending there is no room and the chain is validated
 * uncached. */
static void test_full_table(void **state)
{
  struct sw_cert_cache *cc = *state;
  struct sw_cert_cache_entry *x;
  struct sw_cert_verdict ok = verdict(SW_OUTCOME_OK, 0, "");
  char key[32];
  for (int i = 0; i < SW_CERT_CACHE_MAX; i++) {
    snprintf(key, sizeof key, "host%d", i);
    assert_int_equal(LOOK_S(cc, key, T0, &x), SW_CERT_CACHE_VALIDATE);
    assert_non_null(x);
    if (i != 0) /* host0 stays pending */
      sw_cert_cache_fill(x, &ok, T0 + (i == 7 ? 1 : 100 + i));
  }
  assert_int_equal(cc->len, SW_CERT_CACHE_MAX);
  assert_int_equal(LOOK(cc, "newcomer", T0 + 200, &x), SW_CERT_CACHE_VALIDATE);
  assert_non_null(x);
  assert_int_equal(cc->len, SW_CERT_CACHE_MAX);
  /* host7 expired first and gave way; host0 (pending) and host8 stayed. */
  assert_int_equal(LOOK(cc, "host7", T0 + 200, &x), SW_CERT_CACHE_VALIDATE);
  assert_int_equal(LOOK(cc, "host0", T0 + 200, &x), SW_CERT_CACHE_WAIT);
  assert_int_equal(LOOK(cc, "host9", T0 + 200, &x), SW_CERT_CACHE_HIT);
  sw_cert_cache_free(cc);
  assert_int_equal(cc->len, 0);

  /* Every entry pending: no room. */
  for (int i = 0; i < SW_CERT_CACHE_MAX; i++) {
    snprintf(key, sizeof key, "host%d", i);
    assert_int_equal(LOOK_S(cc, key, T0, &x), SW_CERT_CACHE_VALIDATE);
  }
  assert_int_equal(LOOK(cc, "newcomer", T0, &x), SW_CERT_CACHE_VALIDATE);
  assert_null(x);
  assert_int_equal(cc->len, SW_CERT_CACHE_MAX);
}

/* No key (out of memory building it): validate, uncached. A validation
 * that could not start leaves nothing behind. */
static void test_no_key_and_remove(void **state)
{
  struct sw_cert_cache *cc = *state;
  struct sw_cert_cache_entry *x = (struct sw_cert_cache_entry *)cc; /* not NULL */
  assert_int_equal(sw_cert_cache_lookup(cc, NULL, 0, T0, &x), SW_CERT_CACHE_VALIDATE);
  assert_null(x);
  assert_int_equal(cc->len, 0);
  assert_int_equal(LOOK(cc, "a", T0, &x), SW_CERT_CACHE_VALIDATE);
  struct sw_cert_cache_entry *b;
  assert_int_equal(LOOK(cc, "b", T0, &b), SW_CERT_CACHE_VALIDATE);
  sw_cert_cache_remove(cc, x);
  assert_int_equal(cc->len, 1);
  assert_int_equal(LOOK(cc, "b", T0, &x), SW_CERT_CACHE_WAIT);
  assert_ptr_equal(x, b);
  assert_int_equal(LOOK(cc, "a", T0, &x), SW_CERT_CACHE_VALIDATE); /* anew */
  assert_int_equal(cc->len, 2);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_validate_wait_reuse_expire, setup, teardown),
      cmocka_unit_test_setup_teardown(test_keys_are_compared_whole, setup, teardown),
      cmocka_unit_test(test_key_start),
      cmocka_unit_test_setup_teardown(test_full_table, setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_key_and_remove, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
