/* application/x-www-form-urlencoded (form_encode.h). */
#include "form_encode.h"

#include <string.h>

static enum sw_error append_encoded(struct sw_buf *out, const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  enum sw_error err = SW_E_OK;
  for (const unsigned char *p = (const unsigned char *)s; *p && !err; p++) {
    unsigned char c = *p;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        strchr("*-._", c)) {
      err = sw_buf_append(out, p, 1);
    } else if (c == ' ') {
      err = sw_buf_append(out, "+", 1);
    } else {
      char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
      err = sw_buf_append(out, esc, sizeof esc);
    }
  }
  return err;
}

enum sw_error sw_form_append(struct sw_buf *out, const char *name, const char *value)
{
  enum sw_error err = out->len ? sw_buf_append(out, "&", 1) : SW_E_OK;
  if (!err)
    err = append_encoded(out, name);
  if (!err)
    err = sw_buf_append(out, "=", 1);
  if (!err)
    err = append_encoded(out, value);
  return err;
}
