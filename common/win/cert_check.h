/* The server certificate: its fields for the result (subject, issuer,
 * names, expiry) and its validation with the chain API, which is the only
 * validation there is (the Schannel credential asks for manual validation;
 * under Wine, Schannel would accept anything). */
#ifndef SW_CERT_CHECK_H
#define SW_CERT_CHECK_H

#include <windows.h>
#include <wincrypt.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_result.h"
#include "sw_error.h"

/* Fills info->subject and ->issuer ("CN=mail.example.com, O=Example"),
 * ->key_sha256 and ->key_type (the SHA-256 of the DER SubjectPublicKeyInfo,
 * "RSA 2048"),
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
 * mismatch. `timeout_ms` is what is left of the check's budget: URL
 * retrieval (missing intermediates, root updates, revocation) gets only a
 * share of it (sw_cert_chain_params), so that a firewalled OCSP or CRL
 * host leaves the revocation status unknown, which is no failure, instead
 * of eating the whole check. May block that long: call it off the loop
 * thread. Thread-safe. */
enum sw_outcome sw_cert_validate(PCCERT_CONTEXT cert, const char *host, const char *names,
                                 uint32_t timeout_ms, char *detail, size_t size,
                                 unsigned long *error);

/* URL retrieval's share of the budget left: a third of it, at least
 * SW_CERT_URL_FLOOR_MS (an AIA or OCSP answer needs a round trip or two)
 * and at most SW_CERT_URL_CEILING_MS (a CA that has not answered in 5 s
 * will not), and never more than the budget itself. */
#define SW_CERT_URL_SHARE_DIVISOR 3
#define SW_CERT_URL_FLOOR_MS 500
#define SW_CERT_URL_CEILING_MS 5000

/* What one CertGetCertificateChain call of sw_cert_validate gets. */
struct sw_cert_chain_params {
  uint32_t url_timeout_ms; /* CERT_CHAIN_PARA.dwUrlRetrievalTimeout */
  unsigned long flags;     /* its dwFlags */
};

/* The parameters of a chain build with `budget_ms` left of the check
 * (0 counts as 1): the URL retrieval timeout above, and with `revocation`
 * CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT |
 * CERT_CHAIN_REVOCATION_ACCUMULATIVE_TIMEOUT, so that all revocation
 * fetches of the chain together stay within that timeout (each missing
 * intermediate fetched through AIA gets it too). Pure. */
struct sw_cert_chain_params sw_cert_chain_params(uint32_t budget_ms, bool revocation);

/* Test only: `fn` sees every CERT_CHAIN_PARA and dwFlags just before
 * sw_cert_validate passes them to CertGetCertificateChain (NULL: nobody).
 * Process-wide; set it while no validation runs. The para has the extra
 * fields: define CERT_CHAIN_PARA_HAS_EXTRA_FIELDS before <windows.h> to
 * read them. */
typedef void (*sw_cert_chain_observer_fn)(void *ctx, const CERT_CHAIN_PARA *para,
                                          unsigned long flags);
void sw_cert_set_chain_observer(sw_cert_chain_observer_fn fn, void *ctx);

#endif
