/* Machine names back to enum values (sw_names.h). */
#include "sw_names.h"

#include <limits.h>
#include <string.h>

int sw_name_index_n(const char *const *names, size_t count, const char *name, size_t len)
{
  if (!name || count > INT_MAX)
    return -1;
  for (size_t i = 0; i < count; i++)
    if (names[i] && strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
      return (int)i;
  return -1;
}

int sw_name_index(const char *const *names, size_t count, const char *name)
{
  return name ? sw_name_index_n(names, count, name, strlen(name)) : -1;
}
