/* A sans-IO reader of one HTTP/1.1 response (RFC 9112), for the few GETs
 * the engine makes itself (the MTA-STS policy, RFC 8461 3.3): fed the
 * bytes the connection delivered, in pieces of any size, it reads the
 * status line, the header fields it needs, and the body as
 * Content-Length, the chunked transfer coding or the connection's end
 * delimits it. It never touches a socket or a clock.
 *
 * Bounded: the status line, header section and trailers together take at
 * most SW_HTTP_HEAD_MAX octets, a chunk-size line at most
 * SW_HTTP_CHUNK_LINE_MAX, and the body at most the caller's body_max
 * (a Content-Length above it is refused before any of the body is read).
 * Lenient where RFC 9112 allows (a bare LF ends a line; interim 1xx
 * responses are skipped), strict where a lax reader would be fooled:
 * obsolete line folding, a Transfer-Encoding other than chunked, two
 * differing Content-Lengths, a chunk size that overflows, a NUL or CR in
 * a field are refused with a sentence. */
#ifndef SW_HTTP_READER_H
#define SW_HTTP_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_buf.h"

#define SW_HTTP_HEAD_MAX (16u * 1024u)
#define SW_HTTP_CHUNK_LINE_MAX 1024u
#define SW_HTTP_FIELD_KEPT_MAX 256 /* Content-Type and Location, as kept */
#define SW_HTTP_ERROR_MAX 200

enum sw_http_status {
  SW_HTTP_MORE,    /* everything fed was used; more is needed */
  SW_HTTP_DONE,    /* the response is complete (bytes after it are not used) */
  SW_HTTP_BAD,     /* the bytes are not an HTTP/1.x response: see error */
  SW_HTTP_TOO_BIG, /* the head or the body is over its bound: see error */
};

struct sw_http_reader {
  /* What was read, valid once the head is complete (head_done). */
  int status_code;                           /* 100..999 */
  int version_minor;                         /* HTTP/1.0 or HTTP/1.1 */
  char content_type[SW_HTTP_FIELD_KEPT_MAX]; /* the first one; "" if none */
  char location[SW_HTTP_FIELD_KEPT_MAX];     /* the first one; "" if none */
  bool content_type_cut, location_cut;       /* longer than kept */
  bool chunked;                              /* Transfer-Encoding: chunked */
  bool has_length;                           /* Content-Length given */
  uint64_t content_length;
  bool head_done;
  struct sw_buf body; /* the body as read so far (de-chunked) */
  char error[SW_HTTP_ERROR_MAX];
  /* The reader's own state. */
  int state;
  size_t body_max;
  bool no_body;
  size_t head_used; /* octets of the head and trailers so far */
  uint64_t left;    /* of the current chunk or Content-Length */
  char line[SW_HTTP_HEAD_MAX];
  size_t line_len;
};

/* Prepares `r` for one response whose body may be at most body_max octets;
 * `no_body` for a response to HEAD (its head only). Allocates nothing yet. */
void sw_http_reader_init(struct sw_http_reader *r, size_t body_max, bool no_body);
/* Releases the body; `r` may be initialised again. */
void sw_http_reader_free(struct sw_http_reader *r);

/* Reads data[0..len). *used (may be NULL) is how many octets belong to the
 * response (all of them but on DONE). Returns MORE, DONE, or BAD / TOO_BIG
 * with a sentence in r->error; after DONE, BAD or TOO_BIG it reads nothing
 * more and returns the same. SW_HTTP_BAD too if memory ran out for the
 * body ("out of memory ..."). */
enum sw_http_status sw_http_reader_feed(struct sw_http_reader *r, const char *data,
                                        size_t len, size_t *used);
/* The connection ended (EOF): DONE if the body was delimited by the
 * connection's end (no Content-Length, not chunked), else BAD, "the
 * connection closed before the response was complete" with where; the
 * same answer as before if the reader had already finished. */
enum sw_http_status sw_http_reader_eof(struct sw_http_reader *r);

/* Whether the media type of a Content-Type value is `type` ("text/plain"),
 * ignoring case, whitespace around it and parameters ("text/plain;
 * charset=utf-8" is text/plain). */
bool sw_http_media_type_is(const char *value, const char *type);

#endif
