#include "sw_utf8.h"

size_t sw_utf8_next(const char *str, size_t len, uint32_t *cp)
{
  const unsigned char *s = (const unsigned char *)str;
  unsigned c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  /* The first byte fixes the length and the range the second byte may take;
   * those narrowed ranges are what rule out overlongs, surrogates and values
   * past U+10FFFF. */
  size_t need;
  unsigned lo = 0x80, hi = 0xBF;
  uint32_t v;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
    v = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    v = c & 0x0F;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    v = c & 0x07;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else {
    *cp = SW_UTF8_INVALID;
    return 1;
  }
  for (size_t i = 1; i <= need; i++) {
    if (i >= len || s[i] < lo || s[i] > hi) {
      *cp = SW_UTF8_INVALID;
      return i;
    }
    lo = 0x80;
    hi = 0xBF;
    v = (v << 6) | (s[i] & 0x3Fu);
  }
  *cp = v;
  return need + 1;
}

bool sw_utf8_valid(const char *s, size_t len)
{
  size_t i = 0;
  while (i < len) {
    uint32_t cp;
    i += sw_utf8_next(s + i, len - i, &cp);
    if (cp == SW_UTF8_INVALID)
      return false;
  }
  return true;
}

bool sw_utf8_is_control(uint32_t cp)
{
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

size_t sw_utf8_fit(const char *s, size_t len, size_t cap)
{
  if (len <= cap)
    return len;
  while (cap > 0 && ((unsigned char)s[cap] & 0xC0) == 0x80)
    cap--;
  return cap;
}

enum sw_line_problem sw_utf8_line_check(const char *s, size_t len, size_t *chars)
{
  enum sw_line_problem found = SW_LINE_OK;
  size_t n = 0;
  for (size_t i = 0; i < len; n++) {
    uint32_t cp;
    i += sw_utf8_next(s + i, len - i, &cp);
    if (cp == SW_UTF8_INVALID) {
      if (found == SW_LINE_OK)
        found = SW_LINE_BAD_UTF8;
    } else if (cp == '\r' || cp == '\n') {
      found = SW_LINE_BREAK;
    } else if (sw_utf8_is_control(cp) && found != SW_LINE_BREAK) {
      found = SW_LINE_CONTROL;
    }
  }
  if (chars)
    *chars = n;
  return found;
}
