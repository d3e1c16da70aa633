/* Win32 and Winsock error codes in words, for logs and for the detail of a
 * check result. This is the one place system messages are turned into
 * text: FormatMessageW, then UTF-8, because everything that holds the text
 * (results, events, the console, JSON) is UTF-8. FormatMessageA would give
 * the ANSI code page's bytes instead ("Acc\xe8s refus\xe9" on a French
 * Windows), which are not UTF-8. */
#ifndef SW_WIN_ERROR_H
#define SW_WIN_ERROR_H

#include <stdarg.h>
#include <stddef.h>

/* Writes "text of the error (code)" into `out`, e.g. "No connection could be
 * made because the target machine actively refused it. (10061)". Falls back
 * to "error 10061" when the system has no text. Always NUL-terminates; a
 * text cut to fit ends on a whole UTF-8 character. A message that says
 * what failed is sw_win_error_sentence's: this alone is for where
 * something else holds the sentence (an Event Log message table's
 * insertion string, "unknown (...)"). */
void sw_win_error_text(unsigned long code, char *out, size_t size);

/* The sentence for a failed Win32 or Winsock call: `what` (a printf
 * format and its arguments: what could not be done), ": ", then the
 * error's text and code as sw_win_error_text gives them, e.g. "could not
 * resolve mail.example.invalid: No such host is known. (11001)". The
 * error's part takes at most SW_WIN_ERROR_TEXT_MAX bytes. Always
 * NUL-terminated; where `size` is short the error's text gives way first
 * (on a whole character), then its code, then `what`. Returns `out`. Any
 * thread. */
#define SW_WIN_ERROR_TEXT_MAX 200
char *sw_win_error_sentence(char *out, size_t size, unsigned long code, const char *what,
                            ...) __attribute__((format(printf, 4, 5)));
/* The same with the arguments of `what` in `ap`. */
char *sw_win_error_vsentence(char *out, size_t size, unsigned long code, const char *what,
                             va_list ap) __attribute__((format(printf, 4, 0)));

/* The system's own text for `code`, in UTF-8, without the ".\r\n" it ends
 * with: US English where Windows has it, else the system's language.
 * Returns its length, or 0 (out = "") when the system has no text for the
 * code. `out` is NUL-terminated and cut on a whole character. Any thread. */
size_t sw_win_system_text(unsigned long code, char *out, size_t size);

/* Test seam: when set, stands in for FormatMessageW(FROM_SYSTEM) so that a
 * test can hand in the text a Windows in another language gives (Wine's
 * messages are English). Same contract as FormatMessageW with
 * FORMAT_MESSAGE_IGNORE_INSERTS: the characters written, 0 if none. */
struct sw__win_error_seam {
  unsigned long (*format)(unsigned long code, unsigned short lang, wchar_t *out,
                          unsigned long cap);
};
extern struct sw__win_error_seam sw__win_error_seam;

#endif
