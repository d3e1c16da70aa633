/* Error codes shared by every module: one X-macro gives the enum, its name
 * and a sentence for humans (http-parser's HPE_* map). Functions return an
 * enum sw_error and hand results back through pointers. */
#ifndef SW_ERROR_H
#define SW_ERROR_H

#define SW_ERROR_MAP(X)                                                                  \
  X(OK, "success")                                                                       \
  X(NOMEM, "out of memory")                                                              \
  X(INVALID_ARGUMENT, "an argument was not valid")                                       \
  X(LINE_TOO_LONG, "a reply line was longer than the 512 octets SMTP allows")            \
  X(REPLY_TOO_LONG, "a multi-line reply was longer than this checker accepts")           \
  X(BAD_REPLY_LINE, "a reply line did not start with a three-digit code")                \
  X(BUSY, "the operation is already in progress")                                        \
  X(SYSTEM, "the operating system reported an error")

#define SW_ERROR_ENUM(name, text) SW_E_##name,
enum sw_error { SW_ERROR_MAP(SW_ERROR_ENUM) SW_E_COUNT };
#undef SW_ERROR_ENUM

/* "SW_E_NOMEM" and friends; never NULL. */
const char *sw_error_name(enum sw_error err);
/* A sentence for humans; never NULL. */
const char *sw_error_text(enum sw_error err);

#endif
