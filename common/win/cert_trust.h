/* The verdict on a server's certificate chain, from facts alone: the chain
 * Windows built (its TrustStatus, each element's status, which elements the
 * server itself sent) and what the SSL policy said of it. No chain API is
 * called here, so every combination can be tested with crafted facts,
 * including those Wine never produces. cert_check.c gathers the facts.
 *
 * Why not the policy alone: CertVerifyCertificateChainPolicy(SSL) maps only
 * some TrustStatus bits to errors, and Wine's maps fewer still (a chain it
 * could not complete passes). So, as curl's Schannel backend does, every
 * error bit of the chain counts unless it is excused below. */
#ifndef SW_CERT_TRUST_H
#define SW_CERT_TRUST_H

#include <windows.h>
#include <wincrypt.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_result.h"

/* Error bits that are no verdict on the certificate: revocation status that
 * could not be learnt (no CRL/OCSP reachable: documented as not a failure),
 * an issuance policy we never ask for, and time nesting, which Microsoft
 * documents as obsolete. Every other bit fails the chain. */
#define SW_CERT_TRUST_EXCUSED                                                            \
  (CERT_TRUST_REVOCATION_STATUS_UNKNOWN | CERT_TRUST_IS_OFFLINE_REVOCATION |             \
   CERT_TRUST_NO_ISSUANCE_CHAIN_POLICY | CERT_TRUST_IS_NOT_TIME_NESTED)

/* One certificate of the built chain. */
struct sw_cert_trust_element {
  unsigned long errors; /* its TrustStatus.dwErrorStatus (CERT_TRUST_*) */
  bool sent;            /* the server sent it, or one with the same subject and
                           key (a cross-signed twin completes the chain alike) */
  bool self_signed;     /* subject and issuer are the same name */
  const char *subject;  /* "CN=..., O=..." (UTF-8; "" if unknown) */
  const char *issuer;
};

struct sw_cert_trust_facts {
  /* The chain context's TrustStatus.dwErrorStatus, with its first simple
   * chain's (where Windows puts IS_PARTIAL_CHAIN and IS_CYCLIC). */
  unsigned long chain_errors;
  /* The first simple chain as built: [0] the server's certificate, then its
   * issuers up to the root (or as far as Windows got). count >= 1. */
  const struct sw_cert_trust_element *elements;
  size_t count;
  /* CERT_CHAIN_POLICY_STATUS.dwError of the SSL policy (0: it passed). A
   * revocation status that could not be learnt (see
   * sw_cert_trust_revocation_unknown) counts as 0. */
  unsigned long policy_error;
  const char *host;  /* the name checked (UTF-8), for a name mismatch */
  const char *names; /* the certificate's DNS names and addresses,
                        '\n'-separated; may be NULL */
};

/* The verdict, most serious first:
 *   1. the chain is broken or distrusted (bad signature, revoked, explicitly
 *      distrusted, cyclic, constraints or extensions violated): CRITICAL
 *      SW_OUTCOME_CERT_UNTRUSTED;
 *   2. it cannot be completed up to a trusted root (partial chain,
 *      untrusted root): SW_OUTCOME_CERT_UNTRUSTED, whatever the policy said;
 *   3. a certificate of it is out of its validity: SW_OUTCOME_CERT_EXPIRED;
 *   4. a certificate is not meant for TLS servers: SW_OUTCOME_CERT_UNTRUSTED;
 *   5. any other error bit not excused above: SW_OUTCOME_CERT_UNTRUSTED;
 *   6. the policy's own error (a name mismatch above all):
 *      SW_OUTCOME_CERT_NAME_MISMATCH, _EXPIRED or _UNTRUSTED;
 *   7. a good chain that needed an intermediate the server did not send
 *      (Windows had it in a store or cache, or fetched it through AIA):
 *      SW_OUTCOME_CERT_CHAIN_INCOMPLETE, a warning;
 *   8. SW_OUTCOME_OK.
 * Writes a sentence for every verdict but OK into detail[size] (always
 * NUL-terminated; "" for OK) naming the certificate concerned. *error gets
 * the HRESULT that stands for it (the policy's, or the CERT_E_* code of the
 * first failing bit; 0 for OK and a chain that is only incomplete). Pure:
 * any thread. */
enum sw_outcome sw_cert_trust_judge(const struct sw_cert_trust_facts *f, char *detail,
                                    size_t size, unsigned long *error);

/* Whether a policy error only says that revocation could not be checked
 * (CERT_E_REVOCATION_FAILURE, CRYPT_E_REVOCATION_OFFLINE,
 * CRYPT_E_NO_REVOCATION_CHECK): no CRL or OCSP answer within the time
 * allowed. Documented as no failure (README, docs/security.md); a revoked
 * certificate (CRYPT_E_REVOKED) is one. Pure. */
bool sw_cert_trust_revocation_unknown(unsigned long code);

/* "text of the code (0x800B0109)" for an HRESULT such as CERT_E_*, in
 * English; "error 0x800B0109" when the system has no text. Always
 * NUL-terminates. */
void sw_cert_error_text(unsigned long code, char *out, size_t size);

#endif
