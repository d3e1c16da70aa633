/* SHA-2 through BCrypt: BCryptOpenAlgorithmProvider, BCryptCreateHash,
 * BCryptHashData, BCryptFinishHash (learn.microsoft.com, "Creating a Hash
 * with CNG"). A provider per call costs a little; the callers hash a few
 * certificates per check. */
#include "win_digest.h"

#include <bcrypt.h>

#include <limits.h>

bool sw_win_hash(const wchar_t *algorithm, const void *data, size_t len, uint8_t *out,
                 ULONG out_len)
{
  if (len > ULONG_MAX)
    return false;
  BCRYPT_ALG_HANDLE alg = NULL;
  BCRYPT_HASH_HANDLE hash = NULL;
  bool ok = BCRYPT_SUCCESS(BCryptOpenAlgorithmProvider(&alg, algorithm, NULL, 0)) &&
            BCRYPT_SUCCESS(BCryptCreateHash(alg, &hash, NULL, 0, NULL, 0, 0)) &&
            BCRYPT_SUCCESS(BCryptHashData(hash, (PUCHAR)data, (ULONG)len, 0)) &&
            BCRYPT_SUCCESS(BCryptFinishHash(hash, out, out_len, 0));
  if (hash)
    BCryptDestroyHash(hash);
  if (alg)
    BCryptCloseAlgorithmProvider(alg, 0);
  return ok;
}

bool sw_win_digest(void *ctx, enum sw_digest_kind kind, const uint8_t *data, size_t len,
                   uint8_t *out)
{
  (void)ctx;
  switch (kind) {
  case SW_DIGEST_SHA256:
    return sw_win_hash(BCRYPT_SHA256_ALGORITHM, data, len, out, 32);
  case SW_DIGEST_SHA512:
    return sw_win_hash(BCRYPT_SHA512_ALGORITHM, data, len, out, 64);
  }
  return false;
}
