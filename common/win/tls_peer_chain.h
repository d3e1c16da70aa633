/* The certificate chain a TLS server presented, as DER for DANE (issue 18):
 * Schannel hands the server's certificate (SECPKG_ATTR_REMOTE_CERT_CONTEXT)
 * and keeps every other certificate the server sent in that context's
 * hCertStore, as Microsoft documents for the remote certificate context. */
#ifndef SW_TLS_PEER_CHAIN_H
#define SW_TLS_PEER_CHAIN_H

#include <windows.h>
#include <wincrypt.h>

#include "cert_chain.h"
#include "sw_error.h"

/* The DER of `leaf` and of the certificates in leaf->hCertStore, leaf
 * first, into a new chain *out (cert_chain.h: bounded, `truncated` past
 * its bounds). The store does not keep the order the server sent them in,
 * so the order is rebuilt: after the leaf, its issuer among them (the one
 * whose subject is the leaf's issuer name), then that one's issuer, and so
 * on; any certificate that links to none of these comes last, in the
 * store's order. A copy of the leaf itself in the store is left out.
 * SW_E_NOMEM if memory ran out, SW_E_INVALID_ARGUMENT if the leaf itself
 * is over the bound (*out NULL either way). Fast and local: fine on the
 * loop thread. */
enum sw_error sw_tls_peer_chain(PCCERT_CONTEXT leaf, struct sw_cert_chain **out);

#endif
