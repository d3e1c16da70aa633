/* Error codes shared by every module: one X-macro gives the enum, its name
 * and a sentence for humans (http-parser's HPE_* map). Functions return an
 * enum sw_error and hand results back through pointers. */
#ifndef SW_ERROR_H
#define SW_ERROR_H

#include <stdbool.h>
#include <stddef.h>

#include "sw_macros.h"

#define SW_ERROR_MAP(X)                                                                  \
  X(SW_E_OK, "success")                                                                  \
  X(SW_E_NOMEM, "out of memory")                                                         \
  X(SW_E_INVALID_ARGUMENT, "an argument was not valid")                                  \
  X(SW_E_LINE_TOO_LONG, "a reply line was longer than the 512 octets SMTP allows")       \
  X(SW_E_REPLY_TOO_LONG, "a multi-line reply was longer than this checker accepts")      \
  X(SW_E_BAD_REPLY_LINE, "a reply line did not start with a three-digit code")           \
  X(SW_E_BUSY, "the operation is already in progress")                                   \
  X(SW_E_SYSTEM, "the operating system reported an error")

enum sw_error { SW_ERROR_MAP(SW_X_1) SW_E_COUNT };

/* "SW_E_NOMEM" and friends; never NULL. */
const char *sw_error_name(enum sw_error err);
/* A sentence for humans; never NULL. */
const char *sw_error_text(enum sw_error err);

/* A validator's answer: the printf-style sentence saying what is wrong into
 * why[size] (cut to fit, always terminated when size > 0), and false, so
 * that a check reads `return sw_error_say(why, size, "...", ...);`. */
bool sw_error_say(char *why, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
