/* DANE for SMTP: matching the TLSA records of _25._tcp.MXHOST against the
 * certificate chain the MX host presented (RFC 6698 2.1, RFC 7671, RFC 7672
 * 3.1). Usages DANE-TA(2) and DANE-EE(3); PKIX-TA(0) and PKIX-EE(1) are
 * unusable for SMTP (RFC 7672 3.1.3). Selectors Cert(0) and SPKI(1);
 * matching types Full(0), SHA2-256(1), SHA2-512(2). Digests go through the
 * caller's callback (digest.h). Portable, no allocation.
 *
 * A match is a DANE validation only when the TLSA answer was
 * DNSSEC-authenticated (the resolver's AD bit, from a resolver the caller
 * trusts): an unauthenticated answer could have been forged by whoever forged
 * the rest, so the result then says that it matched and that this is not a
 * validation. */
#ifndef SW_TLSA_MATCH_H
#define SW_TLSA_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cert_chain.h"
#include "digest.h"

enum sw_tlsa_usage {
  SW_TLSA_PKIX_TA = 0,
  SW_TLSA_PKIX_EE = 1,
  SW_TLSA_DANE_TA = 2,
  SW_TLSA_DANE_EE = 3,
};
enum sw_tlsa_selector { SW_TLSA_CERT = 0, SW_TLSA_SPKI = 1 };
enum sw_tlsa_matching { SW_TLSA_FULL = 0, SW_TLSA_SHA256 = 1, SW_TLSA_SHA512 = 2 };

/* One TLSA record's RDATA, read by the DNS layer: data points into its
 * buffer. */
struct sw_tlsa_record {
  uint8_t usage;
  uint8_t selector;
  uint8_t matching;
  const uint8_t *data;
  size_t data_len;
};

/* The presented chain is an array of struct sw_cert_der (cert_chain.h),
 * leaf first. */

enum sw_tlsa_verdict {
  SW_TLSA_MATCHED,   /* a usable record matches the chain */
  SW_TLSA_MISMATCH,  /* usable records exist and none matches */
  SW_TLSA_NO_USABLE, /* no record is usable: DANE does not apply (RFC 7672 2.2) */
  SW_TLSA_FAILED,    /* the digest callback failed: nothing can be said */
};

#define SW_TLSA_SENTENCE_MAX 400

struct sw_tlsa_result {
  enum sw_tlsa_verdict verdict;
  bool authenticated; /* as the caller said: the TLSA answer had the AD bit */
  size_t record;      /* MATCHED: the index of the record that matched */
  size_t cert;        /* MATCHED: the index in the chain it matched (0 = leaf) */
  size_t usable;      /* how many records were usable */
  /* MATCHED by DANE-TA(2): the trust anchor is in the chain, but the chain's
   * signatures from the leaf up to it, and the leaf's name, still have to be
   * checked by the TLS layer (RFC 7672 3.1.2, 3.2.3). DANE-EE(3) needs
   * neither (RFC 7672 3.1.1). */
  bool needs_chain_check;
  char sentence[SW_TLSA_SENTENCE_MAX];
};

/* Matches records[0..count) against chain[0..chain_len) (leaf first): a
 * DANE-EE record against the leaf only, a DANE-TA record against the
 * certificates above it. Records are tried in order, and for each the
 * chain from the leaf up; the first match decides. A record whose digest
 * length is wrong for its matching type, or whose usage, selector or
 * matching type is unknown, is unusable. `authenticated` is whether the
 * TLSA answer was DNSSEC-authenticated; it changes the sentence, never the
 * verdict: call the result validated only through sw_tlsa_validated().
 * `chain` may be NULL when chain_len is 0.
 * Fills *out; never fails (a broken callback gives SW_TLSA_FAILED). */
void sw_tlsa_match(const struct sw_tlsa_record *records, size_t count,
                   const struct sw_cert_der *chain, size_t chain_len, bool authenticated,
                   sw_digest_fn digest, void *digest_ctx, struct sw_tlsa_result *out);

/* Whether the result is a DANE validation: matched, from an authenticated
 * answer, and for a DANE-TA match with the chain up to the trust anchor and
 * the host name checked by the TLS layer (chain_checked). */
bool sw_tlsa_validated(const struct sw_tlsa_result *r, bool chain_checked);

/* "3 1 1" and the like, for sentences: the record's three numbers, into
 * out[size]. */
void sw_tlsa_record_text(const struct sw_tlsa_record *rec, char *out, size_t size);

#endif
