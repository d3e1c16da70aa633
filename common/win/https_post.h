/* One HTTPS POST through WinHTTP, the way every sender of this product
 * makes it: the system's proxy settings, the Windows trust store (no
 * certificate error is ever ignored), no redirects, no cookies, never the
 * account's Windows credentials, and one time budget for the whole call.
 * The webhook notifier (webhook_post.c) and the OAuth token client
 * (oauth_token.c) post through it; what a URL may be, and what its answer
 * means, is theirs. */
#ifndef SW_HTTPS_POST_H
#define SW_HTTPS_POST_H

#include <stddef.h>
#include <stdint.h>

#include "sw_buf.h"

struct sw_https_request {
  const char *url;     /* https://..., ASCII, checked by the caller */
  const char *headers; /* "Name: value" lines joined by CRLF, ASCII */
  const void *body;
  size_t body_len;
  uint32_t timeout_ms; /* the whole call's budget, > 0 */
  size_t keep;         /* bytes of the answer's body kept in `body` */
};

struct sw_https_answer {
  int status;         /* the HTTP status; 0 when no answer came */
  struct sw_buf body; /* the first `keep` bytes of the answer (init'ed here) */
};

/* POSTs r->body. The proxy is the system's (WINHTTP_ACCESS_TYPE_AUTOMATIC_
 * PROXY, or on Windows before 8.1, which refuses it, the WinHTTP proxy
 * that `netsh winhttp set proxy` sets). Name resolution, connecting and
 * sending share the budget with waiting for and reading the answer.
 * Returns 0 when an answer came (whatever its status: out->status), else
 * the WinHTTP or Win32 error, a refused certificate narrowed down to its
 * reason (ERROR_WINHTTP_SECURE_INVALID_CA, _CERT_CN_INVALID, ...). The
 * caller frees out->body (sw_buf_free) either way. Thread-safe: every
 * handle is the call's own. */
unsigned long sw_https_post(const struct sw_https_request *r,
                            struct sw_https_answer *out);

/* "<what>: <what the error means for an HTTPS call> (error N)" for the
 * codes WinHTTP has no text for, else sw_win_error_sentence's. `what` is
 * already a sentence start ("could not deliver to https://host/..."). */
void sw_https_error_sentence(char *out, size_t size, unsigned long code,
                             const char *what);

#endif
