/* Base64 (RFC 4648, section 4: the standard alphabet, '=' padding), for
 * RFC 2047 encoded words and SMTP AUTH. */
#ifndef SW_BASE64_H
#define SW_BASE64_H

#include <stdbool.h>
#include <stddef.h>

#include "sw_buf.h"
#include "sw_error.h"

/* The length of the encoding of `len` bytes (padding included). */
size_t sw_base64_encoded_len(size_t len);

/* Appends the encoding of data[0..len) to `out`. */
enum sw_error sw_base64_encode(const void *data, size_t len, struct sw_buf *out);
/* The encoding of data[0..len) into out[size], NUL-terminated, with no
 * copy anywhere else (for secrets: the caller wipes `out`). False, with
 * `out` untouched, if it does not fit. */
bool sw_base64_encode_to(const void *data, size_t len, char *out, size_t size);

/* Appends the bytes text[0..len) encodes to `out`. False (and nothing
 * appended) if it is not canonical base64: a character outside the
 * alphabet, a length that is not a multiple of 4, misplaced padding, or
 * padding bits that are not zero. */
bool sw_base64_decode(const char *text, size_t len, struct sw_buf *out);

#endif
