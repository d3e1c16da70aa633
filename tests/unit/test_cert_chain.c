/* Owned certificate chains (common/base/cert_chain.c): copied, not
 * borrowed; at most SW_CERT_CHAIN_MAX_CERTS certificates of at most
 * SW_CERT_CHAIN_MAX_DER octets, the rest cut and said to be; nothing kept
 * when even the first cannot be. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cert_chain.h"

static void test_copy_keeps_every_certificate(void **state)
{
  (void)state;
  uint8_t a[3] = {1, 2, 3}, b[5] = {4, 5, 6, 7, 8};
  struct sw_cert_der in[2] = {{a, sizeof a}, {b, sizeof b}};
  struct sw_cert_chain *c = NULL;
  assert_int_equal(sw_cert_chain_copy(&c, in, 2), SW_E_OK);
  memset(a, 0, sizeof a); /* the chain holds its own bytes */
  memset(b, 0, sizeof b);
  assert_int_equal(c->count, 2);
  assert_false(c->truncated);
  assert_int_equal(c->certs[0].len, 3);
  assert_memory_equal(c->certs[0].der, ((uint8_t[]){1, 2, 3}), 3);
  assert_int_equal(c->certs[1].len, 5);
  assert_memory_equal(c->certs[1].der, ((uint8_t[]){4, 5, 6, 7, 8}), 5);
  sw_cert_chain_free(c);
  sw_cert_chain_free(NULL);
}

static void test_bounds_cut_the_chain(void **state)
{
  (void)state;
  uint8_t one = 0x30;
  struct sw_cert_der many[SW_CERT_CHAIN_MAX_CERTS + 2];
  for (size_t i = 0; i < SW_CERT_CHAIN_MAX_CERTS + 2; i++)
    many[i] = (struct sw_cert_der){&one, 1};
  struct sw_cert_chain *c = NULL;
  assert_int_equal(sw_cert_chain_copy(&c, many, SW_CERT_CHAIN_MAX_CERTS + 2), SW_E_OK);
  assert_int_equal(c->count, SW_CERT_CHAIN_MAX_CERTS);
  assert_true(c->truncated);
  sw_cert_chain_free(c);
  /* Exactly the bound: all kept. */
  assert_int_equal(sw_cert_chain_copy(&c, many, SW_CERT_CHAIN_MAX_CERTS), SW_E_OK);
  assert_int_equal(c->count, SW_CERT_CHAIN_MAX_CERTS);
  assert_false(c->truncated);
  sw_cert_chain_free(c);
  /* A certificate over the size bound ends the chain there. */
  uint8_t *big = calloc(1, SW_CERT_CHAIN_MAX_DER + 1);
  assert_non_null(big);
  struct sw_cert_der with_big[3] = {
      {&one, 1}, {big, SW_CERT_CHAIN_MAX_DER + 1}, {&one, 1}};
  assert_int_equal(sw_cert_chain_copy(&c, with_big, 3), SW_E_OK);
  assert_int_equal(c->count, 1);
  assert_true(c->truncated);
  sw_cert_chain_free(c);
  with_big[1].len = SW_CERT_CHAIN_MAX_DER; /* exactly the bound is kept */
  assert_int_equal(sw_cert_chain_copy(&c, with_big, 3), SW_E_OK);
  assert_int_equal(c->count, 3);
  assert_false(c->truncated);
  sw_cert_chain_free(c);
  /* Nothing to keep: no chain at all. */
  c = (struct sw_cert_chain *)&one;
  assert_int_equal(sw_cert_chain_copy(&c, with_big + 1, 0), SW_E_INVALID_ARGUMENT);
  assert_null(c);
  with_big[1].len = SW_CERT_CHAIN_MAX_DER + 1;
  assert_int_equal(sw_cert_chain_copy(&c, with_big + 1, 2), SW_E_INVALID_ARGUMENT);
  assert_null(c);
  struct sw_cert_der empty = {&one, 0};
  assert_int_equal(sw_cert_chain_copy(&c, &empty, 1), SW_E_INVALID_ARGUMENT);
  free(big);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_copy_keeps_every_certificate),
      cmocka_unit_test(test_bounds_cut_the_chain),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
