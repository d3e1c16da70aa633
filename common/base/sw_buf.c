#include "sw_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sw_buf_init(struct sw_buf *b, size_t limit)
{
  memset(b, 0, sizeof *b);
  b->limit = limit;
}

void sw_buf_free(struct sw_buf *b)
{
  free(b->data);
  sw_buf_init(b, b->limit);
}

static enum sw_error reserve(struct sw_buf *b, size_t extra)
{
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return SW_E_OK;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need)
    cap *= 2;
  char *p = realloc(b->data, cap);
  if (!p)
    return SW_E_NOMEM;
  b->data = p;
  b->cap = cap;
  return SW_E_OK;
}

enum sw_error sw_buf_append(struct sw_buf *b, const void *data, size_t len)
{
  if (b->limit && b->len + len > b->limit) {
    b->truncated = true;
    len = b->limit > b->len ? b->limit - b->len : 0;
  }
  if (len == 0)
    return SW_E_OK;
  enum sw_error err = reserve(b, len);
  if (err)
    return err;
  memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
  return SW_E_OK;
}

enum sw_error sw_buf_appends(struct sw_buf *b, const char *s)
{
  return sw_buf_append(b, s, strlen(s));
}

enum sw_error sw_buf_vprintf(struct sw_buf *b, const char *fmt, va_list ap)
{
  char small[256];
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(small, sizeof small, fmt, copy);
  va_end(copy);
  if (n < 0)
    return SW_E_INVALID_ARGUMENT;
  if ((size_t)n < sizeof small)
    return sw_buf_append(b, small, (size_t)n);
  char *big = malloc((size_t)n + 1);
  if (!big)
    return SW_E_NOMEM;
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  enum sw_error err = sw_buf_append(b, big, (size_t)n);
  free(big);
  return err;
}

enum sw_error sw_buf_printf(struct sw_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  enum sw_error err = sw_buf_vprintf(b, fmt, ap);
  va_end(ap);
  return err;
}

const char *sw_buf_str(const struct sw_buf *b)
{
  return b->len ? b->data : "";
}

char *sw_buf_take(struct sw_buf *b)
{
  char *p = b->data;
  if (!p)
    p = calloc(1, 1);
  sw_buf_init(b, b->limit);
  return p;
}

void sw_buf_printf_sticky(struct sw_buf *b, enum sw_error *err, const char *fmt, ...)
{
  if (*err)
    return;
  va_list ap;
  va_start(ap, fmt);
  *err = sw_buf_vprintf(b, fmt, ap);
  va_end(ap);
}

void sw_buf_append_sticky(struct sw_buf *b, enum sw_error *err, const void *data,
                          size_t len)
{
  if (!*err)
    *err = sw_buf_append(b, data, len);
}
