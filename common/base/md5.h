/* MD5 (RFC 1321), for HMAC-MD5 (hmac_md5.h) and through it SMTP AUTH
 * CRAM-MD5 (RFC 2195), which is all it is here for: MD5 is broken as a
 * collision-resistant hash and must not be used as one. Portable C, any
 * byte order. */
#ifndef SW_MD5_H
#define SW_MD5_H

#include <stddef.h>
#include <stdint.h>

#define SW_MD5_DIGEST_LEN 16
#define SW_MD5_BLOCK_LEN 64

/* A hash in progress. Its buffered input may be secret (HMAC's key pads):
 * sw_md5_final wipes it. */
struct sw_md5 {
  uint32_t state[4];
  uint64_t length; /* octets hashed so far */
  unsigned char block[SW_MD5_BLOCK_LEN];
};

void sw_md5_init(struct sw_md5 *m);
/* Hashes data[0..len) after what came before. */
void sw_md5_update(struct sw_md5 *m, const void *data, size_t len);
/* The digest of everything given to sw_md5_update into digest[16]; the
 * context is wiped (sw_md5_init it again to reuse it). */
void sw_md5_final(struct sw_md5 *m, unsigned char digest[SW_MD5_DIGEST_LEN]);

#endif
