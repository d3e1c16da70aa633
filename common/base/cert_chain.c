/* Owned certificate chains (cert_chain.h): one allocation holding the
 * array and every certificate's bytes. */
#include "cert_chain.h"

#include <stdlib.h>
#include <string.h>

enum sw_error sw_cert_chain_copy(struct sw_cert_chain **out,
                                 const struct sw_cert_der *certs, size_t count)
{
  *out = NULL;
  size_t keep = 0, bytes = 0;
  bool truncated = count > SW_CERT_CHAIN_MAX_CERTS;
  for (; keep < count && keep < SW_CERT_CHAIN_MAX_CERTS; keep++) {
    if (!certs[keep].der || certs[keep].len == 0 ||
        certs[keep].len > SW_CERT_CHAIN_MAX_DER) {
      truncated = true;
      break;
    }
    bytes += certs[keep].len;
  }
  if (keep == 0)
    return SW_E_INVALID_ARGUMENT;
  /* At most 10 x 32 KiB plus the array: no overflow. */
  size_t head = sizeof(struct sw_cert_chain) + keep * sizeof(struct sw_cert_der);
  struct sw_cert_chain *c = malloc(head + bytes);
  if (!c)
    return SW_E_NOMEM;
  c->count = keep;
  c->truncated = truncated;
  uint8_t *p = (uint8_t *)c + head;
  for (size_t i = 0; i < keep; i++) {
    memcpy(p, certs[i].der, certs[i].len);
    c->certs[i] = (struct sw_cert_der){p, certs[i].len};
    p += certs[i].len;
  }
  *out = c;
  return SW_E_OK;
}

void sw_cert_chain_free(struct sw_cert_chain *chain)
{
  free(chain);
}
