/* Natural text order and its sort keys (natural_order.h). The key is the
 * start of an encoding whose byte order is sw_natural_cmp's, which holds
 * because:
 * - a digit next to a non-digit: sw_natural_cmp compares the digit's byte
 *   (0x30-0x39) with the other; no non-digit lies in that range, so the
 *   marker '0' compares the same way whatever the digit;
 * - two runs of digits: both markers are equal, then the lengths without
 *   leading zeros decide, then the digits, as in sw_natural_cmp;
 * - the end of a text: NUL, below every byte a text holds, as the end is
 *   in sw_natural_cmp.
 * A run of 255 digits or more ends the key (zeros after its length byte):
 * two such keys are equal up to there and sw_natural_cmp decides. */
#include "natural_order.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define LONG_RUN 255

unsigned sw_natural_fold(unsigned c)
{
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool is_digit(unsigned c)
{
  return c >= '0' && c <= '9';
}

int sw_natural_cmp(const char *a, const char *b)
{
  const unsigned char *x = (const unsigned char *)(a ? a : "");
  const unsigned char *y = (const unsigned char *)(b ? b : "");
  for (;;) {
    if (is_digit(*x) && is_digit(*y)) {
      while (*x == '0')
        x++;
      while (*y == '0')
        y++;
      size_t nx = 0, ny = 0;
      while (is_digit(x[nx]))
        nx++;
      while (is_digit(y[ny]))
        ny++;
      if (nx != ny)
        return nx < ny ? -1 : 1;
      int c = memcmp(x, y, nx);
      if (c)
        return c < 0 ? -1 : 1;
      x += nx;
      y += ny;
      continue;
    }
    unsigned cx = sw_natural_fold(*x), cy = sw_natural_fold(*y);
    if (cx != cy)
      return cx < cy ? -1 : 1;
    if (cx == 0)
      return 0;
    x++, y++;
  }
}

/* Packs the encoded bytes into the key's words; returns `whole`. */
static bool fill(uint64_t key[SW_NATURAL_KEY_WORDS], const unsigned char *out, bool whole)
{
  for (size_t w = 0; w < SW_NATURAL_KEY_WORDS; w++) {
    key[w] = 0;
    for (size_t i = 0; i < 8; i++)
      key[w] = key[w] << 8 | out[w * 8 + i];
  }
  return whole;
}

bool sw_natural_key(const char *s, uint64_t key[SW_NATURAL_KEY_WORDS], size_t *used)
{
  unsigned char out[SW_NATURAL_KEY_BYTES] = {0};
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  size_t n = 0;
  while (*p && n < sizeof out) {
    if (!is_digit(*p)) {
      out[n++] = (unsigned char)sw_natural_fold(*p++);
      continue;
    }
    while (*p == '0')
      p++;
    size_t len = 0;
    while (is_digit(p[len]))
      len++;
    out[n++] = '0';
    if (n < sizeof out)
      out[n++] = (unsigned char)(len < LONG_RUN ? len : LONG_RUN);
    if (len >= LONG_RUN)
      return fill(key, out, false);
    for (size_t i = 0; i < len && n < sizeof out; i++)
      out[n++] = p[i];
    p += len;
  }
  /* Whole if the text ended and there is still room for its end (a NUL
   * that is not there would tell "a" from "a" followed by a cut-off run). */
  if (used)
    *used = n;
  return fill(key, out, *p == '\0' && n < sizeof out);
}
