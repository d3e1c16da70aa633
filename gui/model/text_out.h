/* Text written piece by piece into a sw_buf, keeping the first error (out
 * of memory) so that a long report is written without a check per line
 * and the error is looked at once at the end. Shared by the editor's
 * models that write multi-line texts (check_report, rule_form). */
#ifndef SW_TEXT_OUT_H
#define SW_TEXT_OUT_H

#include <stddef.h>

#include "sw_buf.h"
#include "sw_error.h"

struct sw_text_out {
  struct sw_buf *buf; /* borrowed */
  enum sw_error err;  /* the first error; SW_E_OK if none */
};

/* Appends formatted text; a failure is kept in t->err. */
void sw_text_put(struct sw_text_out *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Appends `len` bytes; a failure is kept in t->err. */
void sw_text_put_bytes(struct sw_text_out *t, const char *s, size_t len);

#endif
