/* Message digests through BCrypt (CNG): the digest callback the portable
 * code of common/domain takes (digest.h), for the Windows programs, and the
 * one BCrypt hashing helper of common/win. */
#ifndef SW_WIN_DIGEST_H
#define SW_WIN_DIGEST_H

#include <windows.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"

/* The `algorithm` digest (a BCRYPT_*_ALGORITHM name, e.g.
 * BCRYPT_SHA256_ALGORITHM) of data[0..len) into out[0..out_len), where
 * out_len is that algorithm's digest length. False if BCrypt refuses any
 * step or len does not fit in a ULONG. Thread-safe: each call opens its own
 * provider. */
bool sw_win_hash(const wchar_t *algorithm, const void *data, size_t len, uint8_t *out,
                 ULONG out_len);

/* An sw_digest_fn (digest.h) for SHA-256 and SHA-512; ctx is unused (pass
 * NULL). Thread-safe. */
bool sw_win_digest(void *ctx, enum sw_digest_kind kind, const uint8_t *data, size_t len,
                   uint8_t *out);

#endif
