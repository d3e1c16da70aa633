/* XOAUTH2's token requests in the engine (engine_oauth.c): the seams that
 * let tests replace the token endpoint and count the requests still
 * alive. The service needs none of these calls: the default is
 * sw_oauth_fetch. */
#ifndef SW_ENGINE_OAUTH_H
#define SW_ENGINE_OAUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "oauth_token.h"

/* Fetches a token as sw_oauth_fetch does (same contract). Runs on a
 * thread of the system pool and may block; it may also run after the
 * engine that started it is destroyed, so whatever `ctx` points to must
 * outlive every request. */
typedef bool (*sw_engine_token_fn)(void *ctx, const struct sw_oauth_client *c,
                                   uint32_t timeout_ms, struct sw_oauth_token *out,
                                   char *detail, size_t size);

/* Test only: fetches tokens with `fn` instead of sw_oauth_fetch (NULL: back
 * to it). Applies to requests started afterwards. Loop thread. */
void sw_engine_set_token_fetcher(struct sw_engine *e, sw_engine_token_fn fn, void *ctx);

/* Test only: token requests alive in this process (running, or abandoned
 * and still running). Any thread. */
long sw_engine_oauth_jobs(void);

#endif
