/* An OAuth 2.0 access token for SMTP AUTH XOAUTH2, by the client
 * credentials grant (RFC 6749 section 4.4): the application's id and
 * secret are POSTed to the token endpoint over HTTPS (https_post.h: the
 * system's proxy, the Windows trust store), and its JSON answer read
 * (oauth_reply.h). Microsoft Entra ID (Exchange Online) and Google both
 * speak it. The secret goes nowhere but into the request's body: never
 * into a sentence, a log or a cache. */
#ifndef SW_OAUTH_TOKEN_H
#define SW_OAUTH_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oauth_client.h" /* struct sw_oauth_client */

/* A token the endpoint issued: access_token (malloc'd: wipe and free it with
 * sw_oauth_token_free) and its lifetime, expires_in (0 when the endpoint
 * gave none). */
struct sw_oauth_token {
  char *access_token;
  int64_t expires_in_s;
};

#define SW_OAUTH_URL_MAX 2048
#define SW_OAUTH_FIELD_MAX 1024 /* client id, secret and scope each */
#define SW_OAUTH_DETAIL_MAX 512
#define SW_OAUTH_ANSWER_MAX 65536 /* bytes of the endpoint's answer read */

/* Fetches a token within timeout_ms (> 0). True with *out filled; else
 * false with a sentence in detail[size] that says what went wrong (the
 * endpoint's error code and description, its HTTP status, or why it could
 * not be reached) and holds neither the secret nor a token. Blocks: run
 * it off the engine's loop (engine_oauth.c does, on the thread pool).
 * Thread-safe. */
bool sw_oauth_fetch(const struct sw_oauth_client *c, uint32_t timeout_ms,
                    struct sw_oauth_token *out, char *detail, size_t size);

/* Whether the client's fields can make a request: an https:// URL of
 * printable ASCII, a client id and a secret, each within its limit. False
 * with a sentence (never the secret) otherwise. */
bool sw_oauth_client_check(const struct sw_oauth_client *c, char *why, size_t size);

/* Wipes and frees the token; the struct is empty afterwards. */
void sw_oauth_token_free(struct sw_oauth_token *t);

#endif
