#include "console_out.h"

#include <windows.h>

#include <io.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sw_buf.h"
#include "sw_macros.h"

struct sw__console_seam sw__console_seam;

/* WriteConsoleW takes at most this many characters a call: large writes
 * have failed with ERROR_NOT_ENOUGH_MEMORY on older Windows (the buffer
 * goes through a shared heap of 64 KiB). */
#define CONSOLE_CHUNK 8192

static HANDLE handle_of(FILE *f)
{
  return (HANDLE)_get_osfhandle(_fileno(f));
}

static bool is_console(FILE *f)
{
  if (sw__console_seam.write_console)
    return !sw__console_seam.is_console || sw__console_seam.is_console(f);
  DWORD mode;
  HANDLE h = handle_of(f);
  return h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode);
}

static bool write_wide(FILE *f, const wchar_t *text, size_t len)
{
  if (sw__console_seam.write_console)
    return sw__console_seam.write_console(f, text, len);
  HANDLE h = handle_of(f);
  while (len > 0) {
    size_t n = len > CONSOLE_CHUNK ? CONSOLE_CHUNK : len;
    if (n < len && IS_HIGH_SURROGATE(text[n - 1]))
      n--; /* a pair goes out whole */
    DWORD done = 0;
    if (!WriteConsoleW(h, text, (DWORD)n, &done, NULL) || done == 0)
      return false;
    text += done;
    len -= done;
  }
  return true;
}

bool sw_console_write(FILE *f, const char *utf8, size_t len)
{
  if (len == 0)
    return true;
  if (!is_console(f))
    return fwrite(utf8, 1, len, f) == len;
  /* What went to the stream before must show first. */
  fflush(f);
  if (NEVER(len > INT_MAX))
    return false; /* our texts are far smaller */
  int n = MultiByteToWideChar(CP_UTF8, 0, utf8, (int)len, NULL, 0);
  wchar_t *wide = n > 0 ? malloc((size_t)n * sizeof *wide) : NULL;
  bool ok = wide && MultiByteToWideChar(CP_UTF8, 0, utf8, (int)len, wide, n) == n &&
            write_wide(f, wide, (size_t)n);
  free(wide);
  return ok;
}

bool sw_console_puts(FILE *f, const char *utf8)
{
  return sw_console_write(f, utf8, strlen(utf8));
}

bool sw_console_printf(FILE *f, const char *fmt, ...)
{
  struct sw_buf b;
  sw_buf_init(&b, 0);
  va_list ap;
  va_start(ap, fmt);
  bool ok = sw_buf_vprintf(&b, fmt, ap) == SW_E_OK && sw_console_write(f, b.data, b.len);
  va_end(ap);
  sw_buf_free(&b);
  return ok;
}
