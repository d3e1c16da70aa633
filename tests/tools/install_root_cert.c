/* install_root_cert: puts a test CA into (or takes it out of) the Root
 * certificate store of the Wine prefix (or Windows machine) it runs in, so
 * that tests can have a chain the system trusts without touching the real
 * trust of anything else: each test run makes its own CA and removes it.
 * With --intermediate the store is CA, the intermediate certification
 * authorities: what Windows completes a chain from when a server does not
 * send its intermediates (as it does with those it fetched before).
 *
 *   install_root_cert add FILE [--user] [--intermediate]
 *   install_root_cert remove FILE [--user] [--intermediate]
 *
 * FILE is a certificate in DER or PEM. The store is the local machine's Root
 * (what services see; needs administrator rights on Windows), or with
 * --user the current user's (Windows asks for confirmation there; Wine does
 * not). Exit status 0 on success; 1 with a sentence on stderr otherwise.
 * `remove` of a certificate that is not there succeeds. */
#include <windows.h>
#include <wincrypt.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *store_name = "Root";

static int fail(const char *what, const char *file)
{
  fprintf(stderr, "install_root_cert: %s %s (store %s, error 0x%08lX)\n", what, file,
          store_name, GetLastError());
  return 1;
}

/* The file's bytes; PEM is decoded to DER. NULL on failure. */
static BYTE *read_cert(const char *path, DWORD *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  BYTE *data = malloc(1 << 20);
  size_t n = data ? fread(data, 1, (1 << 20) - 1, f) : 0;
  fclose(f);
  if (!data || n == 0) {
    free(data);
    return NULL;
  }
  data[n] = 0;
  if (strstr((char *)data, "-----BEGIN") != NULL) {
    DWORD der_len = 0;
    if (!CryptStringToBinaryA((char *)data, 0, CRYPT_STRING_BASE64HEADER, NULL, &der_len,
                              NULL, NULL)) {
      free(data);
      return NULL;
    }
    BYTE *der = malloc(der_len);
    if (!der || !CryptStringToBinaryA((char *)data, 0, CRYPT_STRING_BASE64HEADER, der,
                                      &der_len, NULL, NULL)) {
      free(der);
      free(data);
      return NULL;
    }
    free(data);
    *len = der_len;
    return der;
  }
  *len = (DWORD)n;
  return data;
}

int main(int argc, char **argv)
{
  bool user = false,
       usage = argc < 3 || (strcmp(argv[1], "add") && strcmp(argv[1], "remove"));
  for (int i = 3; i < argc && !usage; i++) {
    if (!strcmp(argv[i], "--user"))
      user = true;
    else if (!strcmp(argv[i], "--intermediate"))
      store_name = "CA";
    else
      usage = true;
  }
  if (usage) {
    fprintf(stderr,
            "usage: install_root_cert add|remove FILE [--user] [--intermediate]\n");
    return 2;
  }
  const char *file = argv[2];
  DWORD where = user ? CERT_SYSTEM_STORE_CURRENT_USER : CERT_SYSTEM_STORE_LOCAL_MACHINE;
  DWORD len = 0;
  BYTE *der = read_cert(file, &len);
  if (!der)
    return fail("cannot read a certificate from", file);
  PCCERT_CONTEXT cert = CertCreateCertificateContext(X509_ASN_ENCODING, der, len);
  free(der);
  if (!cert)
    return fail("no X.509 certificate in", file);
  HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_SYSTEM_A, 0, 0, where, store_name);
  if (!store) {
    CertFreeCertificateContext(cert);
    return fail("cannot open the store for", file);
  }
  int rc = 0;
  if (!strcmp(argv[1], "add")) {
    if (!CertAddCertificateContextToStore(store, cert, CERT_STORE_ADD_REPLACE_EXISTING,
                                          NULL))
      rc = fail("cannot add to the store:", file);
  } else {
    PCCERT_CONTEXT found;
    /* Every copy, should a test have added it twice. */
    while ((found = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0,
                                               CERT_FIND_EXISTING, cert, NULL)) != NULL) {
      if (!CertDeleteCertificateFromStore(found)) { /* frees `found` either way */
        rc = fail("cannot remove from the store:", file);
        break;
      }
    }
  }
  CertCloseStore(store, 0);
  CertFreeCertificateContext(cert);
  return rc;
}
