/* What a server says, made printable before it reaches a log, a database
 * or a window, and the session transcripts built from it: the SMTP check's
 * (common/smtp/check_result.c) and the mailbox sessions'
 * (common/mailbox). Bytes that are not well-formed, non-control UTF-8
 * appear as \xNN and a backslash as \\, so a hostile server cannot inject
 * control sequences into logs. */
#include "text_escape.h"

#include <inttypes.h>
#include <string.h>

#include "sw_macros.h"
#include "sw_utf8.h"

/* The printable form of the character at in[0..len): a well-formed UTF-8
 * character that is not a control is kept as is, anything else becomes
 * \xNN per byte. Writes at most 16 bytes to piece (no NUL) and returns its
 * length; *used gets how many input bytes it stands for. */
static size_t escape_piece(const char *in, size_t len, bool keep_lf, char *piece,
                           size_t *used)
{
  uint32_t cp;
  size_t n = sw_utf8_next(in, len, &cp);
  if (cp == '\n' && keep_lf) {
    *used = 1;
    piece[0] = '\n';
    return 1;
  }
  if (cp == '\\') {
    *used = 1;
    memcpy(piece, "\\\\", 2);
    return 2;
  }
  if (cp != SW_UTF8_INVALID && !sw_utf8_is_control(cp)) {
    *used = n;
    memcpy(piece, in, n);
    return n;
  }
  /* An ill-formed sequence is escaped byte by byte, so nothing is lost. */
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)in[i];
    piece[4 * i] = '\\';
    piece[4 * i + 1] = 'x';
    piece[4 * i + 2] = hex[c >> 4];
    piece[4 * i + 3] = hex[c & 15];
  }
  *used = n;
  return 4 * n;
}

bool sw__escape_text(char *out, size_t size, const char *in, size_t len, bool keep_lf)
{
  if (size == 0)
    return len == 0;
  /* First the whole length, to know whether "..." must make room. */
  size_t total = 0;
  char piece[16];
  for (size_t i = 0, used; i < len; i += used)
    total += escape_piece(in + i, len - i, keep_lf, piece, &used);
  bool fits = total < size;
  size_t budget = fits ? size - 1 : (size > 4 ? size - 4 : 0);
  size_t pos = 0;
  for (size_t i = 0, used; i < len; i += used) {
    size_t n = escape_piece(in + i, len - i, keep_lf, piece, &used);
    if (pos + n > budget)
      break;
    memcpy(out + pos, piece, n);
    pos += n;
  }
  if (!fits && size > 4) {
    memcpy(out + pos, "...", 3);
    pos += 3;
  }
  out[pos] = '\0';
  return fits;
}

void sw_transcript_line(struct sw_buf *t, int64_t rel_us, const char *tag,
                        const char *data, size_t len)
{
  if (t->truncated)
    return;
  if (NEVER(rel_us < 0))
    rel_us = 0; /* the engine's clock is monotonic */
  struct sw_buf line;
  sw_buf_init(&line, 0);
  sw_buf_printf(&line, "[%5" PRId64 ".%03" PRId64 " ms] %s ", rel_us / 1000,
                rel_us % 1000, tag);
  char piece[16];
  for (size_t i = 0, used; i < len; i += used) {
    size_t n = escape_piece(data + i, len - i, false, piece, &used);
    sw_buf_append(&line, piece, n);
  }
  sw_buf_append(&line, "\n", 1);
  if (t->len + line.len > SW_TRANSCRIPT_MAX) {
    sw_buf_printf(t,
                  "[%5" PRId64 ".%03" PRId64 " ms] -- transcript truncated: it reached "
                  "its limit of %d octets\n",
                  rel_us / 1000, rel_us % 1000, SW_TRANSCRIPT_MAX);
    t->truncated = true;
  } else {
    sw_buf_append(t, line.data, line.len);
  }
  sw_buf_free(&line);
}
