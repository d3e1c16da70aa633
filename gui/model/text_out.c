#include "text_out.h"

#include <stdarg.h>

void sw_text_put(struct sw_text_out *t, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  enum sw_error err = sw_buf_vprintf(t->buf, fmt, ap);
  va_end(ap);
  if (err && !t->err)
    t->err = err;
}

void sw_text_put_bytes(struct sw_text_out *t, const char *s, size_t len)
{
  enum sw_error err = sw_buf_append(t->buf, s, len);
  if (err && !t->err)
    t->err = err;
}
