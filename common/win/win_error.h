/* Win32 and Winsock error codes in words, for logs and for the detail of a
 * check result. This is the one place they are turned into text. */
#ifndef SW_WIN_ERROR_H
#define SW_WIN_ERROR_H

#include <stddef.h>

/* Writes "text of the error (code)" into `out`, e.g. "No connection could be
 * made because the target machine actively refused it. (10061)". Falls back
 * to "error 10061" when the system has no text. Always NUL-terminates. */
void sw_win_error_text(unsigned long code, char *out, size_t size);

#endif
