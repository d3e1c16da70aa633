/* application/x-www-form-urlencoded, the body of an OAuth 2.0 token
 * request (RFC 6749 appendix B, as the WHATWG URL standard defines the
 * serializer): letters, digits and "*-._" as they are, a space as '+',
 * every other octet (UTF-8 included) as %XX in upper case. */
#ifndef SW_FORM_ENCODE_H
#define SW_FORM_ENCODE_H

#include "sw_buf.h"
#include "sw_error.h"

/* Appends "name=value" to `out`, with '&' first unless `out` is empty.
 * SW_E_NOMEM if memory ran out (what was appended is then incomplete:
 * discard the buffer). */
enum sw_error sw_form_append(struct sw_buf *out, const char *name, const char *value);

#endif
