/* The presented chain as DER (tls_peer_chain.h). */
#include "tls_peer_chain.h"

#include <stdbool.h>
#include <stdlib.h>

#include "sw_macros.h"

/* More than a chain may keep: the rest could not be kept anyway. */
#define SENT_MAX (SW_CERT_CHAIN_MAX_CERTS + 1)

/* Whether `cert` is the issuer of `child` by name (and not `child` itself
 * issuing itself: a self-signed certificate ends the links). */
static bool issues(PCCERT_CONTEXT cert, PCCERT_CONTEXT child)
{
  return CertCompareCertificateName(X509_ASN_ENCODING, &child->pCertInfo->Issuer,
                                    &cert->pCertInfo->Subject) &&
         !CertCompareCertificateName(X509_ASN_ENCODING, &child->pCertInfo->Issuer,
                                     &child->pCertInfo->Subject);
}

/* The certificates of the store but the leaf, at most `max`, duplicated;
 * how many; *more when the store held more than that. */
static size_t sent_certs(PCCERT_CONTEXT leaf, PCCERT_CONTEXT *out, size_t max, bool *more)
{
  size_t n = 0;
  PCCERT_CONTEXT c = NULL;
  *more = false;
  if (!leaf->hCertStore)
    return 0;
  while ((c = CertEnumCertificatesInStore(leaf->hCertStore, c)) != NULL) {
    if (CertCompareCertificate(X509_ASN_ENCODING, c->pCertInfo, leaf->pCertInfo))
      continue;
    if (n == max) {
      *more = true;
      CertFreeCertificateContext(c); /* the enumeration stops early */
      break;
    }
    out[n++] = CertDuplicateCertificateContext(c);
  }
  return n;
}

enum sw_error sw_tls_peer_chain(PCCERT_CONTEXT leaf, struct sw_cert_chain **out)
{
  *out = NULL;
  PCCERT_CONTEXT sent[SENT_MAX];
  bool more;
  size_t n = sent_certs(leaf, sent, SW_COUNTOF(sent), &more);
  struct sw_cert_der der[SENT_MAX + 1];
  bool used[SENT_MAX] = {false};
  size_t count = 0;
  der[count++] = (struct sw_cert_der){leaf->pbCertEncoded, leaf->cbCertEncoded};
  /* Up the issuer links from the leaf; each certificate once. */
  for (PCCERT_CONTEXT cur = leaf; cur;) {
    PCCERT_CONTEXT next = NULL;
    for (size_t i = 0; i < n && !next; i++)
      if (!used[i] && issues(sent[i], cur)) {
        used[i] = true;
        next = sent[i];
        der[count++] = (struct sw_cert_der){next->pbCertEncoded, next->cbCertEncoded};
      }
    cur = next;
  }
  for (size_t i = 0; i < n; i++)
    if (!used[i])
      der[count++] = (struct sw_cert_der){sent[i]->pbCertEncoded, sent[i]->cbCertEncoded};
  enum sw_error err = sw_cert_chain_copy(out, der, count);
  if (err == SW_E_OK && more)
    (*out)->truncated = true;
  for (size_t i = 0; i < n; i++)
    CertFreeCertificateContext(sent[i]);
  return err;
}
