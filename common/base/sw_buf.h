/* A growable byte buffer with an optional hard limit. Text appended past the
 * limit is dropped and `truncated` is set, so a hostile peer cannot make a
 * transcript grow without bound. Always NUL-terminated when non-empty. */
#ifndef SW_BUF_H
#define SW_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "sw_error.h"

struct sw_buf {
  char *data;
  size_t len;
  size_t cap;
  size_t limit; /* 0 = no limit */
  bool truncated;
};

/* Initialises an empty buffer; allocates nothing until the first append. */
void sw_buf_init(struct sw_buf *b, size_t limit);
/* Frees the storage; the buffer is empty and usable again. */
void sw_buf_free(struct sw_buf *b);
/* Appends bytes. Returns SW_E_NOMEM if memory ran out (contents kept). Bytes
 * past the limit are dropped, which is not an error. */
enum sw_error sw_buf_append(struct sw_buf *b, const void *data, size_t len);
enum sw_error sw_buf_appends(struct sw_buf *b, const char *s);
enum sw_error sw_buf_printf(struct sw_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
enum sw_error sw_buf_vprintf(struct sw_buf *b, const char *fmt, va_list ap);
/* sw_buf_printf and sw_buf_append unless *err is already set, which then
 * keeps the first error: for writing a whole text and checking once. */
void sw_buf_printf_sticky(struct sw_buf *b, enum sw_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void sw_buf_append_sticky(struct sw_buf *b, enum sw_error *err, const void *data,
                          size_t len);
/* The contents as a C string ("" when empty); valid until the next change. */
const char *sw_buf_str(const struct sw_buf *b);
/* Hands the storage to the caller (free() it) and empties the buffer. */
char *sw_buf_take(struct sw_buf *b);

#endif
