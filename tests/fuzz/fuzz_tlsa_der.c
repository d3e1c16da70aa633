/* libFuzzer target for TLSA matching and its DER walker (common/domain):
 * what an MX host presents (its certificates) and what DNS says (TLSA
 * records), both under an attacker's control. Input: one octet with the
 * number of records (modulo 5), each record as usage, selector, matching
 * type, a length octet and that many data octets; the rest is the chain,
 * certificates separated by the four octets "\xff\x00\xff\x00". The digest
 * here is a cheap stand-in (the fuzzer looks for memory errors, not
 * collisions) that is right about lengths: 32 or 64 octets. Invariants: no
 * crash or read outside the input (ASan); a walked public key lies inside
 * its certificate; a match names a record and a certificate that exist and
 * a usable record; nothing unauthenticated is validated. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "der_walk.h"
#include "tlsa_match.h"

#define CHECK(x)                                                                         \
  do {                                                                                   \
    if (!(x))                                                                            \
      abort();                                                                           \
  } while (0)

static bool stand_in_digest(void *ctx, enum sw_digest_kind kind, const uint8_t *data,
                            size_t len, uint8_t *out)
{
  (void)ctx;
  size_t n = sw_digest_length(kind);
  memset(out, 0, n);
  for (size_t i = 0; i < len; i++)
    out[i % n] = (uint8_t)(out[i % n] * 31u + data[i]);
  return true;
}

static const uint8_t sep[4] = {0xff, 0x00, 0xff, 0x00};

static size_t split_chain(const uint8_t *p, size_t len, struct sw_cert_der *chain,
                          size_t max)
{
  size_t n = 0, start = 0;
  for (size_t i = 0; n < max;) {
    bool at_sep = i + 4 <= len && memcmp(p + i, sep, 4) == 0;
    if (i >= len || at_sep) {
      chain[n++] = (struct sw_cert_der){p + start, (i < len ? i : len) - start};
      if (i >= len)
        break;
      i += 4;
      start = i;
    } else {
      i++;
    }
  }
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  size_t want = data[0] % 5, pos = 1, count = 0;
  struct sw_tlsa_record recs[4];
  while (count < want && pos + 4 <= size) {
    size_t dlen = data[pos + 3];
    if (pos + 4 + dlen > size)
      break;
    recs[count++] = (struct sw_tlsa_record){data[pos], data[pos + 1], data[pos + 2],
                                            data + pos + 4, dlen};
    pos += 4 + dlen;
  }
  struct sw_cert_der chain[4];
  size_t chain_len = split_chain(data + pos, size - pos, chain, 4);
  for (size_t i = 0; i < chain_len; i++) {
    struct sw_der_tlv spki;
    if (sw_der_cert_spki(chain[i].der, chain[i].len, &spki))
      CHECK(spki.whole >= chain[i].der &&
            spki.whole + spki.whole_len <= chain[i].der + chain[i].len);
  }
  for (int auth = 0; auth < 2; auth++) {
    struct sw_tlsa_result r;
    sw_tlsa_match(recs, count, chain, chain_len, auth, stand_in_digest, NULL, &r);
    CHECK(r.sentence[0] != '\0');
    CHECK(r.usable <= count);
    if (r.verdict == SW_TLSA_MATCHED) {
      CHECK(r.record < count && r.cert < chain_len);
      CHECK(recs[r.record].usage == 2 || recs[r.record].usage == 3);
      CHECK((recs[r.record].usage == 3) == (r.cert == 0));
    }
    CHECK(!sw_tlsa_validated(&r, true) || (auth && r.verdict == SW_TLSA_MATCHED));
  }
  return 0;
}
