/* UTF-8 decoding for the places that must not trust their input: the rule
 * validator (names, commands) and the JSON writer (server replies). It is
 * strict in the sense of Unicode chapter 3, table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF. */
#ifndef SW_UTF8_H
#define SW_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_UTF8_INVALID 0xFFFFFFFFu

/* Decodes the code point at the start of s[0..len), len > 0. Returns how many
 * bytes it used (1 to 4). On ill-formed input *cp is SW_UTF8_INVALID and the
 * return value is the length of the "maximal subpart" (Unicode 3.9, U+FFFD
 * substitution): a caller that emits one U+FFFD per call replaces bad input
 * the way browsers and Python do. Never reads past s[len - 1]. */
size_t sw_utf8_next(const char *s, size_t len, uint32_t *cp);

/* True if s[0..len) is well-formed UTF-8. */
bool sw_utf8_valid(const char *s, size_t len);

/* The length of the longest prefix of s[0..len) that has at most `cap` bytes
 * and does not end inside a multi-byte character: where to cut a text that
 * must fit a buffer. (Only the cut point is checked, not the text.) */
size_t sw_utf8_fit(const char *s, size_t len, size_t cap);

/* What is wrong with the characters of a one-line text field (a name, a
 * command): line breaks are reported before other controls, being the
 * likely mistake (a pasted second line) and the dangerous one (a second
 * SMTP command or mail header smuggled in). */
enum sw_line_problem {
  SW_LINE_OK,
  SW_LINE_BAD_UTF8,
  SW_LINE_BREAK,
  SW_LINE_CONTROL,
};

/* Checks s[0..len) as one line of text; *chars (if not NULL) gets its
 * length in code points. */
enum sw_line_problem sw_utf8_line_check(const char *s, size_t len, size_t *chars);

/* True for C0 controls, DEL and C1 controls (U+0080..U+009F): characters
 * that have no business in a name or a one-line command. */
bool sw_utf8_is_control(uint32_t cp);

#endif
