#include "win_error.h"

#include <windows.h>

#include <stdio.h>
#include <string.h>

void sw_win_error_text(unsigned long code, char *out, size_t size)
{
  if (size == 0)
    return;
  char text[256];
  DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                           NULL, code, MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US), text,
                           sizeof text, NULL);
  if (n == 0)
    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                       code, 0, text, sizeof text, NULL);
  /* System texts end in ".\r\n"; a detail line wants neither. */
  while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' ' ||
                   text[n - 1] == '.'))
    n--;
  text[n] = '\0';
  if (n > 0)
    snprintf(out, size, "%s (%lu)", text, code);
  else
    snprintf(out, size, "error %lu", code);
}
