#include "sw_error.h"

#include <stdarg.h>
#include <stdio.h>

#include "sw_macros.h"

static const char *const error_names[] = {SW_ERROR_MAP(SW_X_NAME_1)};

static const char *const error_texts[] = {SW_ERROR_MAP(SW_X_2)};

const char *sw_error_name(enum sw_error err)
{
  return SW_TABLE_AT(error_names, err, "SW_E_UNKNOWN");
}

const char *sw_error_text(enum sw_error err)
{
  return SW_TABLE_AT(error_texts, err, "unknown error");
}

bool sw_error_say(char *why, size_t size, const char *fmt, ...)
{
  if (size > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
  }
  return false;
}
