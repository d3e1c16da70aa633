#include "win_error.h"

#include <windows.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sw_macros.h"

struct sw__win_error_seam sw__win_error_seam;

static unsigned long system_format(unsigned long code, unsigned short lang, wchar_t *out,
                                   unsigned long cap)
{
  if (sw__win_error_seam.format)
    return sw__win_error_seam.format(code, lang, out, cap);
  return FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                        (DWORD)code, lang, out, (DWORD)cap, NULL);
}

/* How many bytes of `s` (`len` long) fit in `cap` without cutting a UTF-8
 * character in two. */
static size_t whole_chars(const char *s, size_t len, size_t cap)
{
  if (len <= cap)
    return len;
  while (cap > 0 && ((unsigned char)s[cap] & 0xC0) == 0x80)
    cap--; /* s[cap] continues a character that began before it */
  return cap;
}

size_t sw_win_system_text(unsigned long code, char *out, size_t size)
{
  if (size == 0)
    return 0;
  out[0] = '\0';
  wchar_t text[512];
  DWORD cap = (DWORD)SW_COUNTOF(text);
  unsigned long n =
      system_format(code, MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US), text, cap);
  if (n == 0) /* no English messages on this system: its own language */
    n = system_format(code, 0, text, cap);
  if (NEVER(n >= cap))
    n = 0; /* FormatMessageW fails rather than overflow */
  /* System texts end in ".\r\n"; a detail line wants neither. */
  while (n > 0 && (text[n - 1] == L'\n' || text[n - 1] == L'\r' || text[n - 1] == L' ' ||
                   text[n - 1] == L'.'))
    n--;
  if (n == 0)
    return 0;
  char utf8[SW_COUNTOF(text) * 3];
  int len =
      WideCharToMultiByte(CP_UTF8, 0, text, (int)n, utf8, (int)sizeof utf8, NULL, NULL);
  if (NEVER(len <= 0))
    return 0; /* 3 bytes a UTF-16 unit always fit */
  size_t keep = whole_chars(utf8, (size_t)len, size - 1);
  memcpy(out, utf8, keep);
  out[keep] = '\0';
  return keep;
}

void sw_win_error_text(unsigned long code, char *out, size_t size)
{
  if (size == 0)
    return;
  char text[1024];
  char suffix[32];
  if (sw_win_system_text(code, text, sizeof text) == 0) {
    snprintf(out, size, "error %lu", code);
    return;
  }
  int slen = snprintf(suffix, sizeof suffix, " (%lu)", code);
  /* The code is what a reader searches for: the text gives way to it. */
  size_t room = size > (size_t)slen ? size - (size_t)slen - 1 : 0;
  size_t keep = whole_chars(text, strlen(text), room);
  memcpy(out, text, keep);
  snprintf(out + keep, size - keep, "%s", suffix);
}

char *sw_win_error_sentence(char *out, size_t size, unsigned long code, const char *what,
                            ...)
{
  va_list ap;
  va_start(ap, what);
  sw_win_error_vsentence(out, size, code, what, ap);
  va_end(ap);
  return out;
}

char *sw_win_error_vsentence(char *out, size_t size, unsigned long code, const char *what,
                             va_list ap)
{
  if (size == 0)
    return out;
  int n = vsnprintf(out, size, what, ap);
  if (NEVER(n < 0)) { /* a format error: our formats are literals */
    out[0] = '\0';
    n = 0;
  }
  if ((size_t)n + 2 >= size - 1)
    return out; /* no room for the error's part */
  /* Cut by sw_win_error_text, which keeps the code and whole characters. */
  size_t room = size - (size_t)n - 2;
  char text[SW_WIN_ERROR_TEXT_MAX];
  sw_win_error_text(code, text, room < sizeof text ? room : sizeof text);
  snprintf(out + n, size - (size_t)n, ": %s", text);
  return out;
}
