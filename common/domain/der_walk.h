/* A minimal, bounded DER reader (ITU-T X.690): enough to find a
 * certificate's SubjectPublicKeyInfo for TLSA selector 1 (RFC 6698 2.1.2).
 * Every length is checked against what is left; nothing is allocated or
 * copied: results point into the caller's buffer. */
#ifndef SW_DER_WALK_H
#define SW_DER_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One element: its identifier octet, its whole encoding (tag, length and
 * contents) and its contents. */
struct sw_der_tlv {
  uint8_t tag;
  const uint8_t *whole;
  size_t whole_len;
  const uint8_t *content;
  size_t content_len;
};

/* Reads the element at p[0..avail): a one-octet tag (high tag numbers
 * refused), a definite length in short or long form (at most 4 length
 * octets, minimal as DER wants; indefinite refused) that fits in avail.
 * Returns false, leaving *out alone, on any of those. */
bool sw_der_read(const uint8_t *p, size_t avail, struct sw_der_tlv *out);

/* The SubjectPublicKeyInfo of the X.509 certificate der[0..len) (RFC 5280
 * 4.1): Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version
 * OPTIONAL, serialNumber INTEGER, signature SEQUENCE, issuer SEQUENCE,
 * validity SEQUENCE, subject SEQUENCE, subjectPublicKeyInfo SEQUENCE, ...
 * }, ... }, taken by position with each tag checked. The certificate must
 * fill der[0..len) exactly. On success *spki is its whole encoding (what
 * TLSA selector 1 hashes) and true is returned. */
bool sw_der_cert_spki(const uint8_t *der, size_t len, struct sw_der_tlv *spki);

#endif
