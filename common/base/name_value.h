/* A field read out of a larger text, "Name: value" of a mail header or
 * "name=value" of a DNS TXT record: both parts point into that text and are
 * not NUL-terminated. What each reader trims or unfolds its header says. */
#ifndef SW_NAME_VALUE_H
#define SW_NAME_VALUE_H

#include <stddef.h>

struct sw_name_value {
  const char *name;
  size_t name_len;
  const char *value;
  size_t value_len;
};

#endif
