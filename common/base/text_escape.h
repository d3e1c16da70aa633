/* What a server says, made printable before it reaches a log, a database
 * or a window, and the session transcripts built from it: the SMTP check's
 * (common/smtp/check_result.c) and the mailbox sessions'
 * (common/mailbox). Bytes that are not well-formed, non-control UTF-8
 * appear as \xNN and a backslash as \\, so a hostile server cannot inject
 * control sequences into logs. */
#ifndef SW_TEXT_ESCAPE_H
#define SW_TEXT_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_buf.h"

#define SW_TRANSCRIPT_MAX (32 * 1024) /* octets; a note marks where it was cut */

/* Writes in[0..len) to out[size] escaped as described above (keeping '\n'
 * as is if keep_lf, for multi-line replies), NUL-terminated; if it does not
 * fit, it is cut at a character boundary and ends in "...". Returns false if
 * it was cut. */
bool sw__escape_text(char *out, size_t size, const char *in, size_t len, bool keep_lf);
/* Appends "[  12.345 ms] <tag> <escaped data>\n" to the transcript `t`,
 * `rel_us` after the session started. Past SW_TRANSCRIPT_MAX one note says
 * the transcript was truncated and later lines are dropped (t->truncated is
 * set). Out of memory drops the line silently: a transcript is a
 * diagnostic, never a reason for a check to fail. */
void sw_transcript_line(struct sw_buf *t, int64_t rel_us, const char *tag,
                        const char *data, size_t len);

#endif
