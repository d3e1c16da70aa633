/* UTF-8 <-> UTF-16 at the Windows API boundary (win_text.h). */
#include "win_text.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "sw_utf8.h"

wchar_t *sw_wide_dup(const char *utf8)
{
  if (!utf8)
    utf8 = "";
  int n = MultiByteToWideChar(CP_UTF8, 0, utf8, -1, NULL, 0);
  if (n <= 0) /* without MB_ERR_INVALID_CHARS only a bad argument fails */
    return calloc(1, sizeof(wchar_t));
  wchar_t *out = malloc((size_t)n * sizeof *out);
  if (out && MultiByteToWideChar(CP_UTF8, 0, utf8, -1, out, n) != n)
    out[0] = L'\0';
  return out;
}

char *sw_utf8_dup(const wchar_t *wide)
{
  if (!wide)
    wide = L"";
  int n = WideCharToMultiByte(CP_UTF8, 0, wide, -1, NULL, 0, NULL, NULL);
  if (n <= 0)
    return calloc(1, 1);
  char *out = malloc((size_t)n);
  if (out && WideCharToMultiByte(CP_UTF8, 0, wide, -1, out, n, NULL, NULL) != n)
    out[0] = '\0';
  return out;
}

bool sw_wide_from_utf8(const char *utf8, wchar_t *out, size_t cap)
{
  if (cap == 0)
    return false;
  int room = cap > INT_MAX ? INT_MAX : (int)cap;
  if (utf8 && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, out, room) > 0)
    return true;
  out[0] = L'\0';
  return false;
}

void sw_wide_show(const char *utf8, wchar_t *out, size_t cap)
{
  if (cap == 0)
    return;
  if (!utf8)
    utf8 = "";
  int whole = cap > INT_MAX ? INT_MAX : (int)cap;
  if (MultiByteToWideChar(CP_UTF8, 0, utf8, -1, out, whole) > 0)
    return;
  /* Too long: keep the whole characters whose UTF-16 units fit. */
  size_t len = strlen(utf8), keep = 0, units = 0;
  while (keep < len) {
    uint32_t cp;
    size_t used = sw_utf8_next(utf8 + keep, len - keep, &cp);
    size_t need = cp != SW_UTF8_INVALID && cp >= 0x10000 ? 2 : 1;
    if (units + need > cap - 1 || keep + used > INT_MAX)
      break;
    units += need;
    keep += used;
  }
  int n = keep ? MultiByteToWideChar(CP_UTF8, 0, utf8, (int)keep, out, whole - 1) : 0;
  out[n > 0 ? n : 0] = L'\0';
}

bool sw_utf8_from_wide(const wchar_t *wide, char *out, size_t size)
{
  if (size == 0)
    return false;
  int room = size > INT_MAX ? INT_MAX : (int)size;
  if (wide && WideCharToMultiByte(CP_UTF8, 0, wide, -1, out, room, NULL, NULL) > 0)
    return true;
  out[0] = '\0';
  return false;
}
