#include "tlsa_match.h"

#include <stdio.h>
#include <string.h>

#include "der_walk.h"

void sw_tlsa_record_text(const struct sw_tlsa_record *rec, char *out, size_t size)
{
  snprintf(out, size, "%u %u %u", rec->usage, rec->selector, rec->matching);
}

bool sw_tlsa_validated(const struct sw_tlsa_result *r, bool chain_checked)
{
  return r->verdict == SW_TLSA_MATCHED && r->authenticated &&
         (!r->needs_chain_check || chain_checked);
}

/* Whether SMTP may use the record (RFC 7672 3.1.3; RFC 6698 2.1). */
static bool usable(const struct sw_tlsa_record *rec)
{
  if (rec->usage != SW_TLSA_DANE_TA && rec->usage != SW_TLSA_DANE_EE)
    return false;
  if (rec->selector != SW_TLSA_CERT && rec->selector != SW_TLSA_SPKI)
    return false;
  switch (rec->matching) {
  case SW_TLSA_FULL:
    return rec->data_len > 0;
  case SW_TLSA_SHA256:
    return rec->data_len == sw_digest_length(SW_DIGEST_SHA256);
  case SW_TLSA_SHA512:
    return rec->data_len == sw_digest_length(SW_DIGEST_SHA512);
  default:
    return false;
  }
}

enum cert_match { NO, YES, UNREADABLE, DIGEST_FAILED };

/* Whether the record matches the certificate cert[0..len). */
static enum cert_match match_cert(const struct sw_tlsa_record *rec, const uint8_t *der,
                                  size_t len, sw_digest_fn digest, void *ctx)
{
  const uint8_t *bytes = der;
  size_t n = len;
  if (rec->selector == SW_TLSA_SPKI) {
    struct sw_der_tlv spki;
    if (!sw_der_cert_spki(der, len, &spki))
      return UNREADABLE;
    bytes = spki.whole;
    n = spki.whole_len;
  }
  if (rec->matching == SW_TLSA_FULL)
    return n == rec->data_len && memcmp(bytes, rec->data, n) == 0 ? YES : NO;
  enum sw_digest_kind kind =
      rec->matching == SW_TLSA_SHA256 ? SW_DIGEST_SHA256 : SW_DIGEST_SHA512;
  uint8_t d[SW_DIGEST_MAX];
  if (!digest || !digest(ctx, kind, bytes, n, d))
    return DIGEST_FAILED;
  return memcmp(d, rec->data, rec->data_len) == 0 ? YES : NO;
}

static const char *auth_clause(bool authenticated)
{
  return authenticated ? "the TLSA answer was DNSSEC-authenticated"
                       : "the TLSA answer was not DNSSEC-authenticated";
}

static void say_matched(struct sw_tlsa_result *out, const struct sw_tlsa_record *rec)
{
  char nums[16];
  sw_tlsa_record_text(rec, nums, sizeof nums);
  if (rec->usage == SW_TLSA_DANE_EE && out->authenticated)
    snprintf(out->sentence, sizeof out->sentence,
             "DANE validated: TLSA record %zu (%s) matches the server's certificate, and "
             "%s",
             out->record + 1, nums, auth_clause(true));
  else if (rec->usage == SW_TLSA_DANE_EE)
    snprintf(out->sentence, sizeof out->sentence,
             "TLSA record %zu (%s) matches the server's certificate, but %s, so this is "
             "not a DANE validation",
             out->record + 1, nums, auth_clause(false));
  else if (out->authenticated)
    snprintf(out->sentence, sizeof out->sentence,
             "TLSA record %zu (%s) matches certificate %zu of the chain as its trust "
             "anchor, and %s; DANE holds once the chain's signatures up to it and the "
             "host name check out",
             out->record + 1, nums, out->cert + 1, auth_clause(true));
  else
    snprintf(out->sentence, sizeof out->sentence,
             "TLSA record %zu (%s) matches certificate %zu of the chain as its trust "
             "anchor, but %s, so this is not a DANE validation",
             out->record + 1, nums, out->cert + 1, auth_clause(false));
}

static void say_unmatched(struct sw_tlsa_result *out, size_t count, size_t chain_len,
                          long unreadable)
{
  char extra[96] = "";
  if (unreadable >= 0)
    snprintf(extra, sizeof extra, " (certificate %ld could not be read for its key)",
             unreadable + 1);
  if (out->verdict == SW_TLSA_NO_USABLE)
    snprintf(
        out->sentence, sizeof out->sentence,
        "none of the %zu TLSA records is usable for SMTP (only usages 2 and 3, "
        "selectors 0 and 1 and matching types 0, 1 and 2 with their lengths are), so "
        "DANE does not apply; %s",
        count, auth_clause(out->authenticated));
  else if (chain_len == 0)
    snprintf(out->sentence, sizeof out->sentence,
             "the server presented no certificate to match its %zu usable TLSA records "
             "against; %s",
             out->usable, auth_clause(out->authenticated));
  else if (out->authenticated)
    snprintf(
        out->sentence, sizeof out->sentence,
        "none of the %zu usable TLSA records matches the %zu certificates the server "
        "presented%s; %s, so senders that apply DANE will not deliver to it",
        out->usable, chain_len, extra, auth_clause(true));
  else
    snprintf(
        out->sentence, sizeof out->sentence,
        "none of the %zu usable TLSA records matches the %zu certificates the server "
        "presented%s; %s, so senders would ignore these records",
        out->usable, chain_len, extra, auth_clause(false));
}

void sw_tlsa_match(const struct sw_tlsa_record *records, size_t count,
                   const struct sw_cert_der *chain, size_t chain_len, bool authenticated,
                   sw_digest_fn digest, void *digest_ctx, struct sw_tlsa_result *out)
{
  memset(out, 0, sizeof *out);
  out->authenticated = authenticated;
  long unreadable = -1;
  for (size_t i = 0; i < count; i++) {
    const struct sw_tlsa_record *rec = &records[i];
    if (!usable(rec))
      continue;
    out->usable++;
    /* DANE-EE: the leaf; DANE-TA: what issued it, up the chain. */
    size_t first = rec->usage == SW_TLSA_DANE_EE ? 0 : 1;
    size_t last = rec->usage == SW_TLSA_DANE_EE ? (chain_len ? 1 : 0) : chain_len;
    for (size_t c = first; c < last; c++) {
      switch (match_cert(rec, chain[c].der, chain[c].len, digest, digest_ctx)) {
      case YES:
        out->verdict = SW_TLSA_MATCHED;
        out->record = i;
        out->cert = c;
        out->needs_chain_check = rec->usage == SW_TLSA_DANE_TA;
        say_matched(out, rec);
        return;
      case UNREADABLE:
        unreadable = (long)c;
        break;
      case DIGEST_FAILED:
        out->verdict = SW_TLSA_FAILED;
        snprintf(out->sentence, sizeof out->sentence,
                 "the TLSA records could not be matched: the certificate digest failed");
        return;
      case NO:
        break;
      }
    }
  }
  out->verdict = out->usable ? SW_TLSA_MISMATCH : SW_TLSA_NO_USABLE;
  say_unmatched(out, count, chain_len, unreadable);
}
