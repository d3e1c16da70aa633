/* Text for people on stdout and stderr, in every program (smtpwatch.exe,
 * smtpwatch-svc.exe). Our text is UTF-8 throughout. Where it goes:
 *   - a console (GetConsoleMode succeeds): converted to UTF-16 and written
 *     with WriteConsoleW, a whole buffer at a time, so every character
 *     shows in cmd.exe and PowerShell whatever the console's code page, and
 *     the code page the caller chose is left alone;
 *   - anything else (a file, a pipe, PowerShell capturing a native
 *     program's output): the UTF-8 bytes as they are, through the C
 *     library's stream (so text mode still makes "\n" CRLF). README.md
 *     documents UTF-8 as the redirected encoding.
 * The C library would send UTF-8 to a console a byte at a time (stderr is
 * unbuffered), which the console decodes byte by byte: "Zürich" became
 * "ZÃ¼rich". Any thread; a stream's calls are not interleaved mid-buffer
 * with another thread's only if the caller serialises them. */
#ifndef SW_CONSOLE_OUT_H
#define SW_CONSOLE_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes `len` bytes of UTF-8 text to `f` (stdout or stderr) as above.
 * Returns false if the console or the stream refused it. Invalid UTF-8
 * shows as U+FFFD on a console and goes out unchanged otherwise. */
bool sw_console_write(FILE *f, const char *utf8, size_t len);

/* sw_console_write of a NUL-terminated string (no newline added). */
bool sw_console_puts(FILE *f, const char *utf8);

/* sw_console_write of printf-formatted text; false also when out of
 * memory. */
bool sw_console_printf(FILE *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Test seam: when `write_console` is set, every stream counts as a console
 * (or only those `is_console` says, when it is set too) and the UTF-16 text
 * that would go to WriteConsoleW goes to `write_console` instead, with `f`
 * to say which stream. Returns false to fail the write. */
struct sw__console_seam {
  bool (*is_console)(FILE *f);
  bool (*write_console)(FILE *f, const wchar_t *text, size_t len);
};
extern struct sw__console_seam sw__console_seam;

#endif
