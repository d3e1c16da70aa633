/* libFuzzer target for the HTTP/1.1 response reader (common/base/
 * http_reader.c): whatever a policy host, or whoever answers in its place,
 * sends. The first byte is the size of the pieces the rest is fed in (0 is
 * 1), then the connection ends. Invariants: no crash, no leak, no read
 * outside the input (ASan); a refusal always says why; the body never
 * passes its bound; a complete answer has a status code and its head; and
 * the same bytes fed whole read the same (status, code, body): splitting
 * changes nothing. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_reader.h"

#define CHECK(x)                                                                         \
  do {                                                                                   \
    if (!(x))                                                                            \
      abort();                                                                           \
  } while (0)

#define BODY_MAX 256

static struct sw_http_reader pieces, whole;

static enum sw_http_status read_in(struct sw_http_reader *r, const char *p, size_t len,
                                   size_t piece)
{
  sw_http_reader_init(r, BODY_MAX, false);
  enum sw_http_status st = SW_HTTP_MORE;
  for (size_t at = 0; at < len && st == SW_HTTP_MORE;) {
    size_t n = len - at < piece ? len - at : piece;
    size_t used = 0;
    st = sw_http_reader_feed(r, p + at, n, &used);
    CHECK(used <= n && (st != SW_HTTP_MORE || used == n));
    at += n;
  }
  if (st == SW_HTTP_MORE)
    st = sw_http_reader_eof(r);
  CHECK(st != SW_HTTP_MORE);
  CHECK(r->body.len <= BODY_MAX);
  if (st == SW_HTTP_BAD || st == SW_HTTP_TOO_BIG)
    CHECK(r->error[0] != '\0');
  if (st == SW_HTTP_DONE)
    CHECK(r->head_done && r->status_code >= 100 && r->status_code <= 999);
  return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  size_t piece = data[0] ? data[0] : 1;
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  enum sw_http_status a = read_in(&pieces, text, len, piece);
  enum sw_http_status b = read_in(&whole, text, len, len ? len : 1);
  CHECK(a == b);
  CHECK(pieces.status_code == whole.status_code);
  if (a == SW_HTTP_DONE)
    CHECK(pieces.body.len == whole.body.len &&
          (pieces.body.len == 0 ||
           memcmp(pieces.body.data, whole.body.data, pieces.body.len) == 0));
  sw_http_reader_free(&pieces);
  sw_http_reader_free(&whole);
  return 0;
}
