/* IMAP's text for the mailbox session (imap_text.c): strings we send,
 * the response reader, and the response parts the dialogue reads. Internal
 * to common/mailbox. */
#ifndef SW_IMAP_TEXT_H
#define SW_IMAP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailbox_internal.h"

/* Appends `text` as an IMAP astring: quoted ("\"" and "\\" escaped) when it
 * is printable US-ASCII, else a synchronizing literal "{n}" CRLF whose
 * octets form the command's next part (they go after the server's "+").
 * A secret shows as "****" in the transcript. The text has no CR, LF or
 * NUL (the configuration is checked at init). */
void sw__imap_astring(struct sw_mbx_cmd *c, const char *text, bool secret);
/* True when `text` has octets past US-ASCII (SEARCH then says CHARSET). */
bool sw__imap_is_8bit(const char *text);

enum sw_imap_read {
  SW_IMAP_MORE,            /* all bytes used, no response complete yet */
  SW_IMAP_RESPONSE,        /* rd->line (and rd->literal) hold one response */
  SW_IMAP_TOO_LONG,        /* a line past SW_MBX_LINE_MAX */
  SW_IMAP_LITERAL_TOO_BIG, /* literals past SW_MBX_LITERAL_MAX, or no count */
  SW_IMAP_NOMEM,
};

/* Reads data[0..len) into the reader up to the end of one response: its
 * lines joined without their CRLF, each literal's "{n}" left in the text
 * and its octets taken out (the first literal's kept in rd->literal, up to
 * SW_MAILBOX_HEADER_MAX; rd->skipping if it was cut). *used says how many
 * bytes were read. */
enum sw_imap_read sw__imap_read(struct sw_mailbox_reader *rd, const char *data,
                                size_t len, size_t *used);
/* Forgets the response read, for the next one. */
void sw__imap_reader_reset(struct sw_mailbox_reader *rd);

/* A response line cut into its tag ("*", "+", "a3"), its first word ("OK",
 * "CAPABILITY", a number) and the rest. False when there is no space after
 * the tag (a lone "+" is fine). */
struct sw_imap_line {
  const char *tag, *word, *text;
  size_t tag_len, word_len, text_len;
};
bool sw__imap_split(const char *line, size_t len, struct sw_imap_line *out);
/* The line's word is `name` (upper case; compared without case). */
bool sw__imap_word(const struct sw_imap_line *l, const char *name);
/* The capabilities a list of words names (SW_MBX_CAP bits, KNOWN set). */
unsigned sw__imap_caps(const char *text, size_t len);
/* A status text that starts "[CAPABILITY ...]": its capabilities. */
bool sw__imap_caps_code(const char *text, size_t len, unsigned *caps);

/* What a FETCH response says: its UID, INTERNALDATE, and where the header
 * is (the response's literal, or a quoted string in the line). */
struct sw_imap_fetch {
  bool has_uid;
  uint32_t uid;
  int64_t internal_date_s; /* 0 if none or unreadable */
  bool header_literal;
  const char *header_quoted;
  size_t header_quoted_len;
};
/* Reads "FETCH (...)" (the text after "* n "). False when it is not one. */
bool sw__imap_fetch(const char *text, size_t len, struct sw_imap_fetch *f);

#endif
