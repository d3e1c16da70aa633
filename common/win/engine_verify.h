/* Certificate validation for the engine's TLS checks: how it is started
 * off the loop and abandoned at a stop (engine_tls.c), and the seams that
 * let tests replace the chain engine. The service needs none of these
 * calls: the defaults are what it runs with. */
#ifndef SW_ENGINE_VERIFY_H
#define SW_ENGINE_VERIFY_H

#include <windows.h>
#include <wincrypt.h>

#include <stddef.h>
#include <stdint.h>

#include "check_result.h"
#include "engine.h"

/* Validates `cert` for `host` as sw_cert_validate does (same contract).
 * Runs on a thread of the system pool and may block; it may also run
 * after the engine that started it is destroyed, so whatever `ctx` points
 * to must outlive every validation. */
typedef enum sw_outcome (*sw_engine_validator_fn)(void *ctx, PCCERT_CONTEXT cert,
                                                  const char *host, const char *names,
                                                  uint32_t timeout_ms, char *detail,
                                                  size_t size, unsigned long *error);

/* Test only: validates with `fn` instead of sw_cert_validate (NULL: back
 * to it). Applies to validations started afterwards. Loop thread. */
void sw_engine_set_validator(struct sw_engine *e, sw_engine_validator_fn fn, void *ctx);

/* Test only: starts a validation of `cert` (duplicated) for `host` as a
 * TLS check would once its handshake is done, with no check waiting for
 * its verdict: what a check leaves behind when it is cancelled while its
 * chain is being built. SW_E_SYSTEM if the pool refused it. Loop thread. */
enum sw_error sw_engine_validate_detached(struct sw_engine *e, PCCERT_CONTEXT cert,
                                          const char *host, uint32_t timeout_ms);

/* Test only: validation jobs alive in this process (running, or abandoned
 * and still running). Zero once every engine is destroyed and every
 * abandoned validation has returned. Any thread. */
long sw_engine_verify_jobs(void);

#endif
