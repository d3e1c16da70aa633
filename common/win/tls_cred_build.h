/* The two Schannel credential structures the TLS client can be given,
 * built in one place so that both ask for the same thing:
 * SCH_CREDENTIALS (Windows 10 1809 / Server 2019 and later) and the
 * SCHANNEL_CRED fallback (Server 2016, older Windows 10). A server must get
 * the same verdict whichever of the two this Windows takes.
 *
 * Include this before anything includes <schannel.h>: SCH_CREDENTIALS
 * needs SCHANNEL_USE_BLACKLISTS and UNICODE_STRING (PLATFORM.md). */
#ifndef SW_TLS_CRED_BUILD_H
#define SW_TLS_CRED_BUILD_H

#ifndef SECURITY_WIN32
#define SECURITY_WIN32
#endif
#include <windows.h>
#include <wincrypt.h>

#include <security.h>
#define SCHANNEL_USE_BLACKLISTS
#include <subauth.h>
#include <schannel.h>

/* What both kinds carry in dwFlags:
 * - SCH_CRED_MANUAL_CRED_VALIDATION: the chain is validated by
 *   cert_check.c with the chain API, on both kinds alike;
 * - SCH_CRED_NO_DEFAULT_CREDS: a monitor has no client certificate to
 *   offer, and must never pick a machine certificate;
 * - SCH_USE_STRONG_CRYPTO: no weak cipher suites (RC4, 3DES, export, ...)
 *   and no SSL 3.0, whichever structure this Windows accepts. */
#define SW_TLS_CRED_FLAGS                                                                \
  (SCH_CRED_MANUAL_CRED_VALIDATION | SCH_CRED_NO_DEFAULT_CREDS | SCH_USE_STRONG_CRYPTO)

/* Fills *sc for an outbound client credential: SW_TLS_CRED_FLAGS, no
 * certificate, and no TLS_PARAMETERS, so the protocol versions are the
 * system's (TLS 1.3 where Windows has it, whatever the registry's
 * SCHANNEL\Protocols allows). Pure: any thread. */
void sw_tls_cred_build_modern(SCH_CREDENTIALS *sc);

/* Fills *sc the same way for SCHANNEL_CRED: SW_TLS_CRED_FLAGS, no
 * certificate, grbitEnabledProtocols 0 (the system's versions, as
 * Microsoft recommends) and the system's cipher strengths. Pure. */
void sw_tls_cred_build_legacy(SCHANNEL_CRED *sc);

#endif
