/* A certificate chain as a TLS server presented it: the DER of each
 * certificate, leaf first. The type the TLS layer hands up (a check's
 * result, common/smtp/check_result.h) and DANE matches against
 * (common/domain/tlsa_match.h). Portable; one allocation per chain. */
#ifndef SW_CERT_CHAIN_H
#define SW_CERT_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_error.h"

/* One certificate, DER, borrowed from whoever holds its bytes. */
struct sw_cert_der {
  const uint8_t *der;
  size_t len;
};

/* Bounds of a kept chain. Real chains are 2 to 4 certificates of 1 to
 * 2 KB; a server that sends more, or larger ones, is cut (`truncated`),
 * never refused: the chain is evidence, not a verdict. */
#define SW_CERT_CHAIN_MAX_CERTS 10
#define SW_CERT_CHAIN_MAX_DER (32u * 1024u) /* one certificate's DER */

/* An owned chain: `certs[i].der` point into the same allocation, so one
 * sw_cert_chain_free releases everything. */
struct sw_cert_chain {
  size_t count;   /* certificates kept, leaf first; at least 1 */
  bool truncated; /* the server sent more (or a larger one) than is kept */
  struct sw_cert_der certs[];
};

/* Copies certs[0..count) into a new chain *out, keeping at most
 * SW_CERT_CHAIN_MAX_CERTS and stopping before the first certificate
 * longer than SW_CERT_CHAIN_MAX_DER or empty (both set `truncated`).
 * SW_E_INVALID_ARGUMENT (and *out NULL) when not even the first one can
 * be kept; SW_E_NOMEM if memory ran out. */
enum sw_error sw_cert_chain_copy(struct sw_cert_chain **out,
                                 const struct sw_cert_der *certs, size_t count);
/* Frees the chain (NULL is fine). */
void sw_cert_chain_free(struct sw_cert_chain *chain);

#endif
