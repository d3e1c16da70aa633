#include "sw_error.h"

static const char *const error_names[] = {
#define SW_ERROR_NAME(name, text) "SW_E_" #name,
    SW_ERROR_MAP(SW_ERROR_NAME)
#undef SW_ERROR_NAME
};

static const char *const error_texts[] = {
#define SW_ERROR_TEXT(name, text) text,
    SW_ERROR_MAP(SW_ERROR_TEXT)
#undef SW_ERROR_TEXT
};

const char *sw_error_name(enum sw_error err)
{
  return (unsigned)err < SW_E_COUNT ? error_names[err] : "SW_E_UNKNOWN";
}

const char *sw_error_text(enum sw_error err)
{
  return (unsigned)err < SW_E_COUNT ? error_texts[err] : "unknown error";
}
