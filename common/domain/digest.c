#include "digest.h"

size_t sw_digest_length(enum sw_digest_kind kind)
{
  switch (kind) {
  case SW_DIGEST_SHA256:
    return 32;
  case SW_DIGEST_SHA512:
    return 64;
  }
  return 0;
}
