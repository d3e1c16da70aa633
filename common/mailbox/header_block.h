/* A message's header block (RFC 5322 2.2): fields "Name: value" up to the
 * first empty line, a value folded over lines that start with a space or a
 * tab. The one reader of it for the round trip's parsers (the probe's
 * header, Received:, Authentication-Results:), and the lexical pieces they
 * share: words compared without case, comments and quoted strings (RFC 5322
 * 3.2). Lines may end in CRLF or a bare LF (what a mailbox hands back is
 * not always canonical). Nothing here allocates but sw_header_unfold's
 * buffer; nothing keeps a pointer past the call. */
#ifndef SW_HEADER_BLOCK_H
#define SW_HEADER_BLOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "name_value.h"
#include "sw_buf.h"
#include "sw_error.h"

/* Where a walk over a block stands. */
struct sw_header_cursor {
  const char *block;
  size_t len;
  size_t pos;
};

/* Starts a walk over block[0..len) (the whole message may be given: the
 * walk stops at the empty line that ends the header). */
void sw_header_cursor_init(struct sw_header_cursor *c, const char *block, size_t len);

/* The next field called `name` (ASCII, without regard to case; NULL: any
 * field) into *f, its value from after the colon to the end of its last
 * continuation line, still folded: true, or false at the end of the header. A line that
 * is not a field (no colon, a name RFC 5322 3.6.8 does not allow, a continuation line
 * before any field) is passed over with its own continuation lines. Fields come in the
 * order of the block: for trace fields (Received:) that is the newest first. */
bool sw_header_next(struct sw_header_cursor *c, const char *name,
                    struct sw_name_value *f);

/* Appends value[0..len) unfolded (a line break is removed wherever it is,
 * RFC 5322 2.2.3; the space or tab after it stays) and without the
 * whitespace around it. SW_E_NOMEM if memory ran out. */
enum sw_error sw_header_unfold(const char *value, size_t len, struct sw_buf *out);

/* The first field called `name`, unfolded, appended to out: true if there
 * is one. *err is set to SW_E_NOMEM if memory ran out (and the
 * answer is false), else left alone. */
bool sw_header_find(const char *block, size_t len, const char *name, struct sw_buf *out,
                    enum sw_error *err);

/* True if s[0..len) is `word` (ASCII, without regard to case). */
bool sw_header_word_is(const char *s, size_t len, const char *word);

/* The position in s[0..len) after the whitespace and comments that start
 * at pos (CFWS, RFC 5322 3.2.2: comments nest, and a backslash quotes the
 * next character in them). An unclosed comment runs to len. */
size_t sw_header_skip_cfws(const char *s, size_t len, size_t pos);

/* The position after the quoted string that starts at pos (s[pos] is the
 * opening quote; a backslash quotes the next character); len if it is not
 * closed. */
size_t sw_header_skip_quoted(const char *s, size_t len, size_t pos);

/* The position of the first `ch` at or after pos in s[0..len) that is
 * outside comments and quoted strings (a clause separator such as ';'), or
 * len if there is none. */
size_t sw_header_find_outside(const char *s, size_t len, size_t pos, char ch);

#endif
