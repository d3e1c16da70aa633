/* UTF-8 <-> UTF-16 at the Windows API boundary. The product speaks UTF-8
 * everywhere (rules, the pipe, the store, the console); every Windows API
 * it calls is the W one. All conversions go through here, so that invalid
 * input and text too long for a buffer are handled one way. */
#ifndef SW_WIN_TEXT_H
#define SW_WIN_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* `utf8` as a new UTF-16 string (the caller frees it); NULL reads as "".
 * Ill-formed UTF-8 becomes U+FFFD: for showing text, not for names that
 * must be exact (see sw_wide_from_utf8). NULL only when memory runs out. */
wchar_t *sw_wide_dup(const char *utf8);

/* `wide` as a new UTF-8 string (the caller frees it); NULL reads as L"".
 * A lone surrogate becomes U+FFFD. NULL only when memory runs out. */
char *sw_utf8_dup(const wchar_t *wide);

/* `utf8` into out[0..cap) as UTF-16, exactly: false (out = L"") when the
 * text is not well-formed UTF-8 or does not fit. For host names, paths and
 * account names, where a substituted character would name something else. */
bool sw_wide_from_utf8(const char *utf8, wchar_t *out, size_t cap);

/* `utf8` into out[0..cap) as UTF-16 for showing (a list cell, a label):
 * ill-formed UTF-8 becomes U+FFFD and a text too long is cut at a whole
 * character. NULL reads as "". */
void sw_wide_show(const char *utf8, wchar_t *out, size_t cap);

/* `wide` into out[0..size) as UTF-8: false (out = "") when it does not
 * fit. A text that may be cut to fit goes through sw_utf8_dup and
 * sw_utf8_fit instead. */
bool sw_utf8_from_wide(const wchar_t *wide, char *out, size_t size);

#endif
