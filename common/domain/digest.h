/* Message digests for the portable code of common/domain, through a
 * callback: nothing here hand-writes SHA-2. Windows programs pass
 * sw_win_digest (common/win/win_digest.c, BCrypt); native tests pass one
 * built on OpenSSL. */
#ifndef SW_DIGEST_H
#define SW_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sw_digest_kind {
  SW_DIGEST_SHA256, /* 32 octets */
  SW_DIGEST_SHA512, /* 64 octets */
};

/* The largest digest any kind gives. */
#define SW_DIGEST_MAX 64

/* The length of a kind's digest, in octets; 0 for a value out of range. */
size_t sw_digest_length(enum sw_digest_kind kind);

/* Writes the `kind` digest of data[0..len) into out[0..sw_digest_length
 * (kind)) and returns true, or returns false if it could not (out is then
 * undefined). `ctx` is the caller's, passed through. Must be safe to call
 * from any thread the caller uses it on. */
typedef bool (*sw_digest_fn)(void *ctx, enum sw_digest_kind kind, const uint8_t *data,
                             size_t len, uint8_t *out);

#endif
