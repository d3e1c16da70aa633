#include "sw_array.h"

#include <stdint.h>
#include <stdlib.h>

void *sw_array_grow(void *items, size_t *cap, size_t count, size_t size, size_t first)
{
  if (count < *cap)
    return items;
  size_t ncap = *cap ? *cap * 2 : (first ? first : 1);
  if (ncap < *cap || size == 0 || ncap > SIZE_MAX / size)
    return NULL;
  void *p = realloc(items, ncap * size);
  if (!p)
    return NULL;
  *cap = ncap;
  return p;
}
