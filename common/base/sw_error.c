#include "sw_error.h"

#include "sw_macros.h"

static const char *const error_names[] = {
#define SW_ERROR_NAME(name, text) "SW_E_" #name,
    SW_ERROR_MAP(SW_ERROR_NAME)
#undef SW_ERROR_NAME
};

static const char *const error_texts[] = {SW_ERROR_MAP(SW_X_2)};

const char *sw_error_name(enum sw_error err)
{
  return SW_TABLE_AT(error_names, err, "SW_E_UNKNOWN");
}

const char *sw_error_text(enum sw_error err)
{
  return SW_TABLE_AT(error_texts, err, "unknown error");
}
