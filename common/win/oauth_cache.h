/* The process's OAuth access tokens, so that checks of the same
 * application share one token until shortly before it expires instead of
 * asking the token endpoint every time (Entra ID throttles clients that
 * do). Keyed by (token URL, client id, scope); the secret is not part of
 * the key and is never kept here. Thread-safe: the engine's loop reads it,
 * and the thread-pool work that fetched a token puts it in, even when the
 * check that asked has ended meanwhile. */
#ifndef SW_OAUTH_CACHE_H
#define SW_OAUTH_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "oauth_token.h"

/* A token is used until this long before expires_in runs out (the check
 * that uses it must still be able to finish in time), or until half its
 * lifetime is left for tokens that live less than twice this. */
#define SW_OAUTH_EXPIRY_MARGIN_S 60
#define SW_OAUTH_CACHE_MAX 64 /* applications remembered; the oldest goes first */

/* A copy of the client's token if one is kept and not yet due (malloc'd:
 * the caller wipes and frees it, sw_oauth_token_free), else NULL. `now_us`
 * on the monotonic clock (sw_clock_now_us). Out of memory: NULL. */
char *sw_oauth_cache_get(const struct sw_oauth_client *c, int64_t now_us);
/* Keeps `token` for the client for its lifetime expires_in_s from now_us
 * (less the margin); a lifetime of 0 (none given) keeps nothing. Replaces
 * what the client had. Out of memory keeps nothing. */
void sw_oauth_cache_put(const struct sw_oauth_client *c, const char *token,
                        int64_t expires_in_s, int64_t now_us);
/* Forgets the client's token if it is `token`: the SMTP server refused it
 * (535), so the next check fetches a fresh one. A newer token is kept. */
void sw_oauth_cache_drop(const struct sw_oauth_client *c, const char *token);
/* Forgets every token (tests; a service stopping). */
void sw_oauth_cache_clear(void);

#endif
