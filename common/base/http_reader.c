/* The HTTP/1.1 response reader (http_reader.h): a state machine over
 * lines (the status line, header fields, chunk sizes, trailers) and
 * counted or open-ended runs of body octets. */
#include "http_reader.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum state {
  ST_STATUS,     /* reading the status line */
  ST_HEADER,     /* reading header fields */
  ST_LENGTH,     /* reading `left` body octets (Content-Length) */
  ST_EOF_BODY,   /* reading body octets until the connection ends */
  ST_CHUNK_SIZE, /* reading a chunk-size line */
  ST_CHUNK_DATA, /* reading `left` octets of a chunk */
  ST_CHUNK_END,  /* reading the empty line after a chunk's data */
  ST_TRAILER,    /* reading trailer fields up to the empty line */
  ST_DONE,
  ST_BAD,
  ST_TOO_BIG,
};

void sw_http_reader_init(struct sw_http_reader *r, size_t body_max, bool no_body)
{
  memset(r, 0, sizeof *r);
  sw_buf_init(&r->body, 0);
  r->body_max = body_max;
  r->state = ST_STATUS;
  r->no_body = no_body;
}

void sw_http_reader_free(struct sw_http_reader *r)
{
  sw_buf_free(&r->body);
}

static enum sw_http_status fail(struct sw_http_reader *r, int state, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static enum sw_http_status fail(struct sw_http_reader *r, int state, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->error, sizeof r->error, fmt, ap);
  va_end(ap);
  r->state = state;
  return state == ST_BAD ? SW_HTTP_BAD : SW_HTTP_TOO_BIG;
}

static enum sw_http_status status_of(const struct sw_http_reader *r)
{
  switch (r->state) {
  case ST_DONE:
    return SW_HTTP_DONE;
  case ST_BAD:
    return SW_HTTP_BAD;
  case ST_TOO_BIG:
    return SW_HTTP_TOO_BIG;
  default:
    return SW_HTTP_MORE;
  }
}

/* ASCII only, whatever the C locale says. */
static int lower(unsigned char c)
{
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Whether s[0..n) is `word` (lower case) ignoring ASCII case. */
static bool is_word(const char *s, size_t n, const char *word)
{
  if (strlen(word) != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (lower((unsigned char)s[i]) != word[i])
      return false;
  return true;
}

static bool is_tchar(unsigned char c)
{
  return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* "HTTP/1.x NNN reason". */
static enum sw_http_status read_status_line(struct sw_http_reader *r, const char *s,
                                            size_t n)
{
  if (n == 0 && r->head_used <= 2)
    return SW_HTTP_MORE; /* RFC 9112 2.2: an empty line before it may be ignored */
  if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)s[7]) ||
      s[8] != ' ' || !isdigit((unsigned char)s[9]) || !isdigit((unsigned char)s[10]) ||
      !isdigit((unsigned char)s[11]) || (n > 12 && s[12] != ' '))
    return fail(r, ST_BAD, "the answer does not start with an HTTP/1.x status line");
  r->version_minor = s[7] - '0';
  r->status_code = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
  if (r->status_code < 100)
    return fail(r, ST_BAD, "the status line has no valid status code (%03d)",
                r->status_code);
  r->state = ST_HEADER;
  return SW_HTTP_MORE;
}

static void keep_field(char *dst, bool *cut, const char *v, size_t n)
{
  if (dst[0] || *cut)
    return; /* the first one counts */
  if (n >= SW_HTTP_FIELD_KEPT_MAX) {
    n = SW_HTTP_FIELD_KEPT_MAX - 1;
    *cut = true;
  }
  memcpy(dst, v, n);
  dst[n] = '\0';
}

static enum sw_http_status read_length(struct sw_http_reader *r, const char *v, size_t n)
{
  uint64_t value = 0;
  if (n == 0 || n > 19)
    return fail(r, ST_BAD, "the Content-Length is not a number of octets");
  for (size_t i = 0; i < n; i++) {
    if (!isdigit((unsigned char)v[i]))
      return fail(r, ST_BAD, "the Content-Length is not a number of octets");
    value = value * 10 + (uint64_t)(v[i] - '0');
  }
  if (r->has_length && r->content_length != value)
    return fail(r, ST_BAD, "the answer has two different Content-Lengths");
  r->has_length = true;
  r->content_length = value;
  return SW_HTTP_MORE;
}

/* One "Name: value" line (no line end). */
static enum sw_http_status read_field(struct sw_http_reader *r, const char *s, size_t n)
{
  if (s[0] == ' ' || s[0] == '\t')
    return fail(r, ST_BAD, "a header field is folded over two lines (obsolete, refused)");
  size_t name = 0;
  while (name < n && is_tchar((unsigned char)s[name]))
    name++;
  if (name == 0 || name >= n || s[name] != ':')
    return fail(r, ST_BAD, "a header line is not a \"Name: value\" field");
  const char *v = s + name + 1;
  size_t vn = n - name - 1;
  while (vn && (*v == ' ' || *v == '\t'))
    v++, vn--;
  while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
    vn--;
  for (size_t i = 0; i < vn; i++)
    if ((unsigned char)v[i] < 0x20 && v[i] != '\t')
      return fail(r, ST_BAD, "the header field %.*s holds a control character",
                  (int)(name < 40 ? name : 40), s);
  if (is_word(s, name, "content-length"))
    return read_length(r, v, vn);
  if (is_word(s, name, "transfer-encoding")) {
    if (!is_word(v, vn, "chunked") || r->chunked)
      return fail(r, ST_BAD,
                  "the transfer coding \"%.*s\" is not supported (only chunked)",
                  (int)(vn < 60 ? vn : 60), v);
    r->chunked = true;
  } else if (is_word(s, name, "content-type")) {
    keep_field(r->content_type, &r->content_type_cut, v, vn);
  } else if (is_word(s, name, "location")) {
    keep_field(r->location, &r->location_cut, v, vn);
  }
  return SW_HTTP_MORE;
}

/* The empty line after the header fields: where the body is. */
static enum sw_http_status end_of_head(struct sw_http_reader *r)
{
  if (r->status_code < 200) {
    if (r->status_code == 101)
      return fail(r, ST_BAD, "the server switched protocols (101), which was not asked");
    /* An interim answer (100 Continue, 103 Early Hints): the real one follows. */
    r->content_type[0] = r->location[0] = '\0';
    r->content_type_cut = r->location_cut = r->chunked = r->has_length = false;
    r->content_length = 0;
    r->state = ST_STATUS;
    return SW_HTTP_MORE;
  }
  r->head_done = true;
  if (r->chunked && r->has_length)
    /* RFC 9112 6.3: a sign of response splitting; to be handled as an error. */
    return fail(r, ST_BAD, "the answer has both Transfer-Encoding and Content-Length");
  if (r->no_body || r->status_code == 204 || r->status_code == 304) {
    r->state = ST_DONE;
  } else if (r->chunked) {
    r->state = ST_CHUNK_SIZE;
  } else if (r->has_length) {
    if (r->content_length > r->body_max)
      return fail(r, ST_TOO_BIG, "the body is %llu octets, more than the %llu allowed",
                  (unsigned long long)r->content_length, (unsigned long long)r->body_max);
    r->left = r->content_length;
    r->state = r->left ? ST_LENGTH : ST_DONE;
  } else {
    r->state = ST_EOF_BODY; /* RFC 9112 6.3 rule 8: until the connection ends */
  }
  return status_of(r);
}

/* "1a2b[;ext]": the next chunk's size. */
static enum sw_http_status read_chunk_size(struct sw_http_reader *r, const char *s,
                                           size_t n)
{
  uint64_t size = 0;
  size_t i = 0, digits = 0;
  for (; i < n && isxdigit((unsigned char)s[i]); i++) {
    if (size >> 60)
      return fail(r, ST_BAD, "a chunk size is too large to be real");
    size = size * 16 + (uint64_t)(isdigit((unsigned char)s[i])
                                      ? s[i] - '0'
                                      : lower((unsigned char)s[i]) - 'a' + 10);
    digits++;
  }
  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  if (digits == 0 || (i < n && s[i] != ';'))
    return fail(r, ST_BAD, "a chunk does not start with its size in hex digits");
  if (size == 0) {
    r->state = ST_TRAILER;
    return SW_HTTP_MORE;
  }
  if (size > r->body_max - r->body.len)
    return fail(r, ST_TOO_BIG, "the chunked body is more than the %llu octets allowed",
                (unsigned long long)r->body_max);
  r->left = size;
  r->state = ST_CHUNK_DATA;
  return SW_HTTP_MORE;
}

/* A whole line, its line end (LF, or CR LF) taken off. */
static enum sw_http_status read_line(struct sw_http_reader *r, const char *s, size_t n)
{
  if (n && s[n - 1] == '\r')
    n--;
  if (memchr(s, '\r', n) || memchr(s, '\0', n))
    return fail(r, ST_BAD, "a line of the answer holds a bare CR or a NUL octet");
  switch (r->state) {
  case ST_STATUS:
    return read_status_line(r, s, n);
  case ST_HEADER:
    return n == 0 ? end_of_head(r) : read_field(r, s, n);
  case ST_CHUNK_SIZE:
    return read_chunk_size(r, s, n);
  case ST_CHUNK_END:
    if (n != 0)
      return fail(r, ST_BAD, "a chunk's data is longer than its size says");
    r->state = ST_CHUNK_SIZE;
    return SW_HTTP_MORE;
  case ST_TRAILER:
    if (n == 0)
      r->state = ST_DONE;
    return status_of(r);
  default:
    return fail(r, ST_BAD, "the reader read a line where it expected none");
  }
}

static bool in_head(int state)
{
  return state == ST_STATUS || state == ST_HEADER || state == ST_TRAILER;
}

/* Takes octets of a line from data[0..len) into r->line; *used how many.
 * A whole line is read at once. */
static enum sw_http_status take_line(struct sw_http_reader *r, const char *data,
                                     size_t len, size_t *used)
{
  const char *lf = memchr(data, '\n', len);
  size_t n = lf ? (size_t)(lf - data) + 1 : len;
  *used = n;
  if (in_head(r->state)) {
    r->head_used += n;
    if (r->head_used > SW_HTTP_HEAD_MAX)
      return fail(r, ST_TOO_BIG,
                  "the answer's header is longer than the %u octets allowed",
                  SW_HTTP_HEAD_MAX);
  } else if (r->line_len + n > SW_HTTP_CHUNK_LINE_MAX) {
    return fail(r, ST_BAD, "a chunk-size line is longer than %u octets",
                SW_HTTP_CHUNK_LINE_MAX);
  }
  memcpy(r->line + r->line_len, data, n); /* bounded by the checks above */
  r->line_len += n;
  if (!lf)
    return SW_HTTP_MORE;
  size_t line_len = r->line_len - 1; /* without the LF */
  r->line_len = 0;
  return read_line(r, r->line, line_len);
}

static enum sw_http_status take_body(struct sw_http_reader *r, const char *data, size_t n)
{
  if (n > r->body_max - r->body.len)
    return fail(r, ST_TOO_BIG, "the body is more than the %llu octets allowed",
                (unsigned long long)r->body_max);
  if (sw_buf_append(&r->body, data, n) != SW_E_OK)
    return fail(r, ST_BAD, "out of memory reading the body");
  return SW_HTTP_MORE;
}

enum sw_http_status sw_http_reader_feed(struct sw_http_reader *r, const char *data,
                                        size_t len, size_t *used)
{
  size_t i = 0;
  enum sw_http_status st = status_of(r);
  while (i < len && st == SW_HTTP_MORE) {
    size_t n;
    switch (r->state) {
    case ST_LENGTH:
    case ST_CHUNK_DATA:
      n = len - i < r->left ? len - i : (size_t)r->left;
      st = take_body(r, data + i, n);
      r->left -= n;
      if (st == SW_HTTP_MORE && r->left == 0)
        r->state = r->state == ST_LENGTH ? ST_DONE : ST_CHUNK_END;
      st = st == SW_HTTP_MORE ? status_of(r) : st;
      break;
    case ST_EOF_BODY:
      n = len - i;
      st = take_body(r, data + i, n);
      break;
    default:
      st = take_line(r, data + i, len - i, &n);
      break;
    }
    i += n;
  }
  if (used)
    *used = i;
  return st;
}

enum sw_http_status sw_http_reader_eof(struct sw_http_reader *r)
{
  switch (r->state) {
  case ST_EOF_BODY:
    r->state = ST_DONE;
    return SW_HTTP_DONE;
  case ST_STATUS:
    if (r->head_used == 0)
      return fail(r, ST_BAD, "the connection closed without an answer");
    return fail(r, ST_BAD, "the connection closed in the middle of the status line");
  case ST_HEADER:
    return fail(r, ST_BAD, "the connection closed in the middle of the header");
  case ST_LENGTH:
    return fail(r, ST_BAD,
                "the connection closed after %llu of the %llu octets of the body",
                (unsigned long long)r->body.len, (unsigned long long)r->content_length);
  case ST_CHUNK_SIZE:
  case ST_CHUNK_DATA:
  case ST_CHUNK_END:
  case ST_TRAILER:
    return fail(
        r, ST_BAD,
        "the connection closed in the middle of the chunked body (after %llu octets)",
        (unsigned long long)r->body.len);
  default:
    return status_of(r);
  }
}

bool sw_http_media_type_is(const char *value, const char *type)
{
  while (*value == ' ' || *value == '\t')
    value++;
  size_t n = 0;
  while (value[n] && value[n] != ';' && value[n] != ' ' && value[n] != '\t')
    n++;
  char want[64];
  size_t tn = strlen(type);
  if (tn >= sizeof want)
    return false;
  for (size_t i = 0; i <= tn; i++)
    want[i] = (char)lower((unsigned char)type[i]);
  if (!is_word(value, n, want))
    return false;
  value += n;
  while (*value == ' ' || *value == '\t')
    value++;
  return *value == '\0' || *value == ';';
}
