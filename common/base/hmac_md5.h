/* HMAC-MD5 (RFC 2104), the keyed digest of SMTP AUTH CRAM-MD5 (RFC 2195):
 * the key is the user's password, the message the server's challenge. */
#ifndef SW_HMAC_MD5_H
#define SW_HMAC_MD5_H

#include <stddef.h>

#include "md5.h"

/* HMAC-MD5 of msg[0..msg_len) under key[0..key_len) into mac[16]. A key
 * longer than MD5's 64-octet block is hashed first (RFC 2104 section 2).
 * Everything made from the key on the way (pads, inner digest) is wiped;
 * the caller wipes `mac` when it is done with it. */
void sw_hmac_md5(const void *key, size_t key_len, const void *msg, size_t msg_len,
                 unsigned char mac[SW_MD5_DIGEST_LEN]);

#endif
