/* The server certificate: its fields for the result (subject, issuer,
 * names, expiry) and its validation with the chain API, which is the only
 * validation there is (the Schannel credential asks for manual validation;
 * under Wine, Schannel would accept anything). */
#ifndef SW_CERT_CHECK_H
#define SW_CERT_CHECK_H

#include <windows.h>
#include <wincrypt.h>

#include <stddef.h>
#include <stdint.h>

#include "check_result.h"
#include "sw_error.h"

/* Fills info->subject and ->issuer ("CN=mail.example.com, O=Example"),
 * ->sans (the DNS names and IP addresses of the subjectAltName, '\n'
 * separated; malloc'd, replacing nothing: info->sans must be NULL) and
 * ->not_after (Unix seconds). Returns SW_E_NOMEM if memory ran out (the
 * fields filled so far stay). Fast and local: fine on the loop thread. */
enum sw_error sw_cert_describe(PCCERT_CONTEXT cert, struct sw_tls_info *info);

/* Validates `cert` for a TLS server called `host` (UTF-8; a DNS name or an
 * address literal): CertGetCertificateChain with the intermediates the
 * server sent (cert->hCertStore), for server authentication, revocation
 * checked where the CA publishes it (unknown or offline status is not a
 * failure), then CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_SSL)
 * with the host name. The chain's own TrustStatus is judged as well as the
 * policy's answer (sw_cert_trust_judge says how). Returns SW_OUTCOME_OK,
 * SW_OUTCOME_CERT_CHAIN_INCOMPLETE (good, but only with an intermediate
 * the server did not send) with its sentence in `detail` and 0 in *error,
 * or SW_OUTCOME_CERT_UNTRUSTED, _CERT_NAME_MISMATCH or _CERT_EXPIRED with a
 * sentence in `detail` and the HRESULT in *error (SW_OUTCOME_INTERNAL_ERROR
 * if memory ran out). `names` (info->sans, may be NULL) is quoted in a
 * mismatch. URL retrieval (missing intermediates, root updates, revocation)
 * may take up to timeout_ms: call it off the loop thread. Thread-safe. */
enum sw_outcome sw_cert_validate(PCCERT_CONTEXT cert, const char *host, const char *names,
                                 uint32_t timeout_ms, char *detail, size_t size,
                                 unsigned long *error);

#endif
