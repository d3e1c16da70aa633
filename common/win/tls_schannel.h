/* A TLS client session through Schannel (SSPI) as a bytes-in/bytes-out
 * machine: it never touches a socket. The engine feeds it what the network
 * delivered, sends what it produced, and moves plaintext between it and the
 * SMTP dialogue. One credential serves every session of an engine.
 *
 * Certificates are not validated here: the credential asks Schannel for
 * manual validation, and cert_check.c does it with the chain API (Wine's
 * Schannel would accept anything; PLATFORM.md). */
#ifndef SW_TLS_SCHANNEL_H
#define SW_TLS_SCHANNEL_H

#include <windows.h>
#include <wincrypt.h>

#include <stdbool.h>
#include <stddef.h>

#include "check_result.h"
#include "sw_buf.h"
#include "sw_error.h"
#include "sw_macros.h"

struct sw_tls_cred;
struct sw_tls;

enum sw_tls_cred_kind {
  SW_TLS_CRED_AUTO,  /* SCH_CREDENTIALS (TLS 1.3 where the system has it), else
                        SCHANNEL_CRED */
  SW_TLS_CRED_LEGACY /* SCHANNEL_CRED only (tests: the fallback path) */
};

/* X(ENUM): where a session is. */
#define SW_TLS_STATE_MAP(X)                                                              \
  X(SW_TLS_HANDSHAKE) /* hello sent, handshake running (or a TLS 1.3 renegotiation) */   \
  X(SW_TLS_OPEN)      /* application data flows */                                       \
  X(SW_TLS_CLOSED)    /* the server sent close_notify */                                 \
  X(SW_TLS_FAILED)    /* see sw_tls_failure */

enum sw_tls_state { SW_TLS_STATE_MAP(SW_X_1) };

/* Acquires an outbound Schannel credential with manual validation and no
 * default client certificate. Returns SW_E_SYSTEM with the SECURITY_STATUS
 * in *status (if not NULL) when Schannel refuses. Thread-safe; release with
 * sw_tls_cred_release once no session uses it. */
enum sw_error sw_tls_cred_acquire(struct sw_tls_cred **out, enum sw_tls_cred_kind kind,
                                  unsigned long *status);
/* Frees the credential (NULL is fine). */
void sw_tls_cred_release(struct sw_tls_cred *cred);
/* Whether the credential is the SCH_CREDENTIALS kind (else SCHANNEL_CRED). */
bool sw_tls_cred_is_modern(const struct sw_tls_cred *cred);

/* Creates a client session and begins the handshake: the ClientHello is
 * then waiting in the output. `server_name` (UTF-8) is sent as SNI; NULL or
 * an address literal sends none (RFC 6066 forbids literals there).
 * `cred` must outlive the session. On failure *out is NULL; SW_E_SYSTEM
 * leaves the SECURITY_STATUS in *status. */
enum sw_error sw_tls_create(struct sw_tls **out, struct sw_tls_cred *cred,
                            const char *server_name, unsigned long *status);
/* Frees the session (NULL is fine). */
void sw_tls_destroy(struct sw_tls *t);

/* Bytes from the network: advances the handshake, or decrypts into the
 * plaintext buffer. Always consumes all of them (keeping partial records).
 * Returns SW_E_NOMEM if memory ran out; a protocol failure is not an error
 * here: the state becomes SW_TLS_FAILED. */
enum sw_error sw_tls_receive(struct sw_tls *t, const char *data, size_t len);
/* Encrypts plaintext into the output. Only when SW_TLS_OPEN (else
 * SW_E_INVALID_ARGUMENT); SW_E_SYSTEM (state FAILED) if Schannel refuses. */
enum sw_error sw_tls_send(struct sw_tls *t, const char *data, size_t len);

/* Moves every byte waiting to go on the wire into `out` (appended; `out`
 * stays the caller's). Returns SW_E_NOMEM if memory ran out. */
enum sw_error sw_tls_take_output(struct sw_tls *t, struct sw_buf *out);
/* Whether bytes are waiting to go on the wire. */
bool sw_tls_has_output(const struct sw_tls *t);
/* Decrypted bytes not yet taken (NULL and 0 if none); valid until the next
 * call on the session. sw_tls_plaintext_taken(t) empties the buffer. */
const char *sw_tls_plaintext(const struct sw_tls *t, size_t *len);
void sw_tls_plaintext_taken(struct sw_tls *t);

enum sw_tls_state sw_tls_state(const struct sw_tls *t);
/* True once the first handshake has completed (it stays true through a
 * TLS 1.3 post-handshake message, a close or a later failure). */
bool sw_tls_handshake_complete(const struct sw_tls *t);
/* Why the session failed: the SECURITY_STATUS and a sentence naming the
 * step ("the server's handshake message was not accepted ..."). */
unsigned long sw_tls_failure(const struct sw_tls *t, char *text, size_t size);

/* After the handshake: "TLS 1.2" and the cipher suite's name into `info`
 * (version, cipher); fields Schannel cannot tell stay empty. */
void sw_tls_describe(struct sw_tls *t, struct sw_tls_info *info);
/* After the handshake: the server's certificate (with the intermediates it
 * sent in its hCertStore), or NULL. Free with CertFreeCertificateContext. */
PCCERT_CONTEXT sw_tls_peer_certificate(struct sw_tls *t);

#endif
