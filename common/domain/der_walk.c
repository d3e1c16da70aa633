#include "der_walk.h"

enum {
  TAG_INTEGER = 0x02,
  TAG_BIT_STRING = 0x03,
  TAG_SEQUENCE = 0x30,
  TAG_VERSION = 0xa0, /* [0] EXPLICIT, constructed */
};

bool sw_der_read(const uint8_t *p, size_t avail, struct sw_der_tlv *out)
{
  if (!p || avail < 2)
    return false;
  uint8_t tag = p[0];
  if ((tag & 0x1f) == 0x1f)
    return false; /* high tag number form: not in a certificate's skeleton */
  size_t head = 2, len = p[1];
  if (len & 0x80) {
    size_t octets = len & 0x7f;
    if (octets == 0 || octets > 4 || avail < 2 + octets)
      return false; /* indefinite (BER only), or longer than any certificate */
    if (p[2] == 0)
      return false; /* not minimal */
    len = 0;
    for (size_t i = 0; i < octets; i++)
      len = (len << 8) | p[2 + i];
    if (len < 0x80)
      return false; /* the short form was due */
    head += octets;
  }
  if (len > avail - head)
    return false;
  out->tag = tag;
  out->whole = p;
  out->whole_len = head + len;
  out->content = p + head;
  out->content_len = len;
  return true;
}

/* The element at *p within [*p, end) if its tag is `tag`; moves *p past it. */
static bool take(const uint8_t **p, const uint8_t *end, uint8_t tag,
                 struct sw_der_tlv *out)
{
  struct sw_der_tlv t;
  if (!sw_der_read(*p, (size_t)(end - *p), &t) || t.tag != tag)
    return false;
  *p = t.content + t.content_len;
  *out = t;
  return true;
}

bool sw_der_cert_spki(const uint8_t *der, size_t len, struct sw_der_tlv *spki)
{
  struct sw_der_tlv cert, tbs, skip;
  if (!sw_der_read(der, len, &cert) || cert.tag != TAG_SEQUENCE || cert.whole_len != len)
    return false;
  const uint8_t *p = cert.content, *end = cert.content + cert.content_len;
  if (!take(&p, end, TAG_SEQUENCE, &tbs))
    return false;
  p = tbs.content;
  end = tbs.content + tbs.content_len;
  if (p < end && *p == TAG_VERSION && !take(&p, end, TAG_VERSION, &skip))
    return false;
  if (!take(&p, end, TAG_INTEGER, &skip)) /* serialNumber */
    return false;
  for (int i = 0; i < 4; i++) /* signature, issuer, validity, subject */
    if (!take(&p, end, TAG_SEQUENCE, &skip))
      return false;
  struct sw_der_tlv key, algorithm, bits;
  if (!take(&p, end, TAG_SEQUENCE, &key))
    return false;
  /* SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
   * subjectPublicKey BIT STRING }, nothing after. */
  p = key.content;
  end = key.content + key.content_len;
  if (!take(&p, end, TAG_SEQUENCE, &algorithm) || !take(&p, end, TAG_BIT_STRING, &bits) ||
      p != end)
    return false;
  *spki = key;
  return true;
}
