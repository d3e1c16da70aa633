/* Base64, RFC 4648 section 4 (base64.h). */
#include "base64.h"

#include <stdint.h>

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t sw_base64_encoded_len(size_t len)
{
  return (len + 2) / 3 * 4;
}

/* The four characters that encode p[i..i+3) of p[0..len). */
static void encode_quad(const unsigned char *p, size_t len, size_t i, char quad[4])
{
  uint32_t v = (uint32_t)p[i] << 16;
  if (i + 1 < len)
    v |= (uint32_t)p[i + 1] << 8;
  if (i + 2 < len)
    v |= p[i + 2];
  quad[0] = alphabet[v >> 18];
  quad[1] = alphabet[(v >> 12) & 63];
  quad[2] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
  quad[3] = i + 2 < len ? alphabet[v & 63] : '=';
}

enum sw_error sw_base64_encode(const void *data, size_t len, struct sw_buf *out)
{
  for (size_t i = 0; i < len; i += 3) {
    char quad[4];
    encode_quad(data, len, i, quad);
    enum sw_error err = sw_buf_append(out, quad, sizeof quad);
    if (err)
      return err;
  }
  return SW_E_OK;
}

bool sw_base64_encode_to(const void *data, size_t len, char *out, size_t size)
{
  size_t need = sw_base64_encoded_len(len);
  if (need >= size)
    return false;
  for (size_t i = 0; i < len; i += 3)
    encode_quad(data, len, i, out + i / 3 * 4);
  out[need] = '\0';
  return true;
}

/* The value of a base64 character, or -1. */
static int value_of(char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  return c == '+' ? 62 : c == '/' ? 63 : -1;
}

bool sw_base64_decode(const char *text, size_t len, struct sw_buf *out)
{
  if (len % 4 != 0)
    return false;
  size_t start = out->len;
  for (size_t i = 0; i < len; i += 4) {
    bool last = i + 4 == len;
    int pad =
        last ? (text[i + 3] == '=') + (text[i + 2] == '=' && text[i + 3] == '=') : 0;
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
      int d = k >= 4 - pad ? 0 : value_of(text[i + k]);
      if (d < 0)
        goto bad;
      v = v << 6 | (uint32_t)d;
    }
    if ((pad == 1 && (v & 0xFF)) || (pad == 2 && (v & 0xFFFF)))
      goto bad; /* padding bits that are not zero: not canonical */
    unsigned char bytes[3] = {(unsigned char)(v >> 16), (unsigned char)(v >> 8),
                              (unsigned char)v};
    if (sw_buf_append(out, bytes, (size_t)(3 - pad)) != SW_E_OK)
      goto bad;
  }
  return true;
bad:
  out->len = start;
  if (out->data)
    out->data[start] = '\0';
  return false;
}
