/* The token endpoint's answer to a client credentials request (RFC 6749
 * section 5): 200 with {"access_token", "token_type": "Bearer",
 * "expires_in"}, or 400/401 with {"error", "error_description"}. Read with
 * cJSON; apart from the HTTP call so that it can be tested alone. */
#ifndef SW_OAUTH_REPLY_H
#define SW_OAUTH_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "oauth_token.h"

/* The answer with HTTP status `status` and body[0..len). True with *out
 * filled (a Bearer token with its lifetime; expires_in as a number or, as
 * Entra ID's v1 endpoint sends it, a string of digits). Else false with a
 * sentence in detail[size]: "the token endpoint refused the client:
 * invalid_client (description)" for an OAuth error, or what was wrong with
 * the answer. The sentence never holds `secret` (an endpoint that echoes
 * it gets "****" instead) nor a token; the description is cut and made
 * printable. */
bool sw_oauth_reply_read(int status, const char *body, size_t len, const char *secret,
                         struct sw_oauth_token *out, char *detail, size_t size);

#endif
