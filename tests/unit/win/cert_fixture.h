/* Shared by the tests that need a certificate context (test_tls.c,
 * test_engine_stop.c): the fixed certificates of tests/data/tls. A static
 * inline function, so that each test program stays one source file. */
#ifndef SW_CERT_FIXTURE_H
#define SW_CERT_FIXTURE_H

#include <windows.h>
#include <wincrypt.h>

#include <stdio.h>

/* tests/data/tls/NAME (PEM) as a certificate context; fails the test if it
 * cannot be read. Free with CertFreeCertificateContext. */
static inline PCCERT_CONTEXT load_cert(const char *name)
{
  char path[512];
  snprintf(path, sizeof path, "%s/tls/%s", SW_TEST_DATA_DIR, name);
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s", path);
  static char pem[16384];
  size_t n = fread(pem, 1, sizeof pem - 1, f);
  fclose(f);
  pem[n] = '\0';
  static BYTE der[8192];
  DWORD der_len = sizeof der;
  assert_true(
      CryptStringToBinaryA(pem, 0, CRYPT_STRING_BASE64HEADER, der, &der_len, NULL, NULL));
  PCCERT_CONTEXT cert = CertCreateCertificateContext(X509_ASN_ENCODING, der, der_len);
  assert_non_null(cert);
  return cert;
}

#endif
