/* The presented chain (common/win/tls_peer_chain.c) as DANE needs it: the
 * server's certificate first, then each one's issuer among those it sent,
 * whatever order the store keeps them in, then what links to none; the
 * leaf never twice. The certificates of tests/data/domain (under_ica.der
 * issued by ica.der, issued by ca.der; mx1.der issued by ca.der), put into
 * a memory store the way Schannel hands the remote certificate over: the
 * leaf's context from that store, the others beside it. */
#include <windows.h>
#include <wincrypt.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tls_peer_chain.h"

struct der_file {
  BYTE der[4096];
  DWORD len;
};

static void load(const char *name, struct der_file *out)
{
  char path[512];
  snprintf(path, sizeof path, "%s/domain/%s", SW_TEST_DATA_DIR, name);
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s", path);
  out->len = (DWORD)fread(out->der, 1, sizeof out->der, f);
  fclose(f);
  assert_true(out->len > 100 && out->len < sizeof out->der);
}

static struct der_file leaf, ica, ca, mx1;

static int setup(void **state)
{
  (void)state;
  load("under_ica.der", &leaf);
  load("ica.der", &ica);
  load("ca.der", &ca);
  load("mx1.der", &mx1);
  return 0;
}

/* A memory store holding `files` in that order; the context of the first
 * one named `leaf_file` (from the store: its hCertStore is the store). */
static PCCERT_CONTEXT store_with(const struct der_file *const *files, size_t n,
                                 const struct der_file *leaf_file)
{
  HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, 0, NULL);
  assert_non_null(store);
  PCCERT_CONTEXT found = NULL;
  for (size_t i = 0; i < n; i++) {
    PCCERT_CONTEXT c = NULL;
    assert_true(CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, files[i]->der,
                                                 files[i]->len, CERT_STORE_ADD_ALWAYS,
                                                 &c));
    if (files[i] == leaf_file && !found)
      found = c;
    else
      CertFreeCertificateContext(c);
  }
  assert_non_null(found);
  CertCloseStore(store, 0); /* the leaf's context keeps it open */
  return found;
}

static void assert_cert(const struct sw_cert_chain *c, size_t i, const struct der_file *f)
{
  assert_true(i < c->count);
  assert_int_equal(c->certs[i].len, f->len);
  assert_memory_equal(c->certs[i].der, f->der, f->len);
}

static void test_issuers_follow_the_leaf_whatever_the_store_order(void **state)
{
  (void)state;
  const struct der_file *order[] = {&ca, &mx1, &ica, &leaf};
  PCCERT_CONTEXT cert = store_with(order, 4, &leaf);
  struct sw_cert_chain *chain = NULL;
  assert_int_equal(sw_tls_peer_chain(cert, &chain), SW_E_OK);
  assert_int_equal(chain->count, 4);
  assert_false(chain->truncated);
  assert_cert(chain, 0, &leaf);
  assert_cert(chain, 1, &ica);
  assert_cert(chain, 2, &ca);
  assert_cert(chain, 3, &mx1); /* sent, but issued none of them: last */
  sw_cert_chain_free(chain);
  CertFreeCertificateContext(cert);
}

static void test_leaf_alone_and_leaf_sent_twice(void **state)
{
  (void)state;
  const struct der_file *alone[] = {&mx1};
  PCCERT_CONTEXT cert = store_with(alone, 1, &mx1);
  struct sw_cert_chain *chain = NULL;
  assert_int_equal(sw_tls_peer_chain(cert, &chain), SW_E_OK);
  assert_int_equal(chain->count, 1);
  assert_cert(chain, 0, &mx1);
  sw_cert_chain_free(chain);
  CertFreeCertificateContext(cert);
  /* A server that sends its own certificate twice: kept once. */
  const struct der_file *twice[] = {&mx1, &ca, &mx1};
  cert = store_with(twice, 3, &mx1);
  assert_int_equal(sw_tls_peer_chain(cert, &chain), SW_E_OK);
  assert_int_equal(chain->count, 2);
  assert_cert(chain, 0, &mx1);
  assert_cert(chain, 1, &ca);
  sw_cert_chain_free(chain);
  CertFreeCertificateContext(cert);
}

/* The chain is a copy: it outlives the certificate contexts and store. */
static void test_chain_is_a_copy(void **state)
{
  (void)state;
  const struct der_file *order[] = {&leaf, &ica};
  PCCERT_CONTEXT cert = store_with(order, 2, &leaf);
  struct sw_cert_chain *chain = NULL;
  assert_int_equal(sw_tls_peer_chain(cert, &chain), SW_E_OK);
  CertFreeCertificateContext(cert); /* the last reference to the store */
  assert_int_equal(chain->count, 2);
  assert_cert(chain, 0, &leaf);
  assert_cert(chain, 1, &ica);
  sw_cert_chain_free(chain);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_issuers_follow_the_leaf_whatever_the_store_order),
      cmocka_unit_test(test_leaf_alone_and_leaf_sent_twice),
      cmocka_unit_test(test_chain_is_a_copy),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
