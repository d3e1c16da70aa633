/* Incremental SMTP reply parser (RFC 5321 4.2, 4.5.3.1.5). Fed bytes as they
 * arrive, split or merged in any way; yields one whole reply at a time. It
 * accepts CRLF and bare LF, enforces the 512-octet line limit as a protocol
 * error, and never reads past the end of what it was given. */
#ifndef SW_SMTP_REPLY_H
#define SW_SMTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "sw_error.h"

#define SW_SMTP_LINE_MAX 512   /* octets in a reply line, CRLF included */
#define SW_SMTP_REPLY_MAX 8192 /* octets in all lines of one reply */

enum sw_line_kind {
  SW_LINE_FINAL,        /* "250 text", "250" */
  SW_LINE_CONTINUATION, /* "250-text" */
  SW_LINE_INVALID       /* anything else */
};

/* The one place that decides what a reply line is. `line` excludes the line
 * ending. On FINAL and CONTINUATION, *code gets the three-digit code. */
enum sw_line_kind sw_smtp_line_classify(const char *line, size_t len, int *code);

/* Parses an RFC 3463 enhanced status code ("5.7.1") at the start of `text`
 * into `out` (at least 16 bytes). Returns false, leaving "" in `out`, if there
 * is none. */
bool sw_smtp_parse_enhanced(const char *text, size_t len, char *out);

/* A whole reply; `text` points into the parser and is valid until the next
 * call to sw_smtp_parser_feed or _reset. */
struct sw_smtp_reply {
  int code;          /* code of the final line */
  char enhanced[16]; /* enhanced status code of the first line, or "" */
  const char *text;  /* every line without its ending, joined by '\n' */
  size_t len;
  int lines;
};

struct sw_smtp_parser {
  /* The line being assembled, without its LF (a CR before the LF is dropped
   * when the line ends); after an error, the offending line. */
  char line[SW_SMTP_LINE_MAX];
  size_t line_len;
  char text[SW_SMTP_REPLY_MAX + 1]; /* the lines of this reply so far */
  size_t text_len;
  int lines;
  bool reply_ready;    /* the previous feed returned a reply */
  enum sw_error error; /* sticky until reset */
};

void sw_smtp_parser_init(struct sw_smtp_parser *p);
/* Forgets everything, including a partly received line (after STARTTLS). */
void sw_smtp_parser_reset(struct sw_smtp_parser *p);
/* True if bytes of an unfinished reply are buffered. */
bool sw_smtp_parser_has_partial(const struct sw_smtp_parser *p);
/* The line being assembled (without its ending), so a caller can quote what
 * the server said: after SW_E_BAD_REPLY_LINE the whole offending line (e.g.
 * "HTTP/1.1 400 Bad Request"), after SW_E_LINE_TOO_LONG its first 511
 * octets, otherwise an unfinished line (empty if none). Raw bytes, not
 * NUL-terminated; valid until the next feed or reset. */
const char *sw_smtp_parser_line(const struct sw_smtp_parser *p, size_t *len);

/* Consumes bytes from `data` until one reply is complete or the input is
 * used up; *consumed tells how many. Returns SW_E_OK and sets *complete (and
 * fills *reply) when a reply is whole; bytes after it are left unconsumed.
 * Errors: SW_E_LINE_TOO_LONG (a line over SW_SMTP_LINE_MAX octets counting
 * its CRLF or LF, found at its 512th octet, so nothing overflows),
 * SW_E_REPLY_TOO_LONG, SW_E_BAD_REPLY_LINE (a complete line that is not a
 * reply line, or an overlong one whose first four octets already are not);
 * *consumed then counts up to the octet that gave the error away. Errors are
 * sticky: later feeds return the same error and consume nothing until
 * sw_smtp_parser_reset. */
enum sw_error sw_smtp_parser_feed(struct sw_smtp_parser *p, const char *data, size_t len,
                                  size_t *consumed, struct sw_smtp_reply *reply,
                                  bool *complete);

#endif
