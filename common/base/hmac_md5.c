/* HMAC-MD5, written from RFC 2104 (hmac_md5.h). */
#include "hmac_md5.h"

#include <string.h>

#include "sw_wipe.h"

void sw_hmac_md5(const void *key, size_t key_len, const void *msg, size_t msg_len,
                 unsigned char mac[SW_MD5_DIGEST_LEN])
{
  /* RFC 2104 section 2: K padded with zeros to the block (after hashing a
   * key longer than the block), then
   * H(K XOR opad, H(K XOR ipad, text)). */
  unsigned char k[SW_MD5_BLOCK_LEN] = {0};
  unsigned char pad[SW_MD5_BLOCK_LEN];
  unsigned char inner[SW_MD5_DIGEST_LEN];
  struct sw_md5 m;
  if (key_len > SW_MD5_BLOCK_LEN) {
    sw_md5_init(&m);
    sw_md5_update(&m, key, key_len);
    sw_md5_final(&m, k);
  } else if (key_len > 0) {
    memcpy(k, key, key_len);
  }
  for (size_t i = 0; i < SW_MD5_BLOCK_LEN; i++)
    pad[i] = k[i] ^ 0x36;
  sw_md5_init(&m);
  sw_md5_update(&m, pad, sizeof pad);
  sw_md5_update(&m, msg, msg_len);
  sw_md5_final(&m, inner);
  for (size_t i = 0; i < SW_MD5_BLOCK_LEN; i++)
    pad[i] = k[i] ^ 0x5c;
  sw_md5_init(&m);
  sw_md5_update(&m, pad, sizeof pad);
  sw_md5_update(&m, inner, sizeof inner);
  sw_md5_final(&m, mac);
  sw_wipe(k, sizeof k);
  sw_wipe(pad, sizeof pad);
  sw_wipe(inner, sizeof inner);
}
