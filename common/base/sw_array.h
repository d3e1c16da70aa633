/* Growing arrays: the one doubling rule for the arrays that collect rows
 * (the store's lists, the editor's rule and history rows). */
#ifndef SW_ARRAY_H
#define SW_ARRAY_H

#include <stddef.h>

/* Makes room for item number `count` in the array `items` of `size`-byte
 * items whose capacity is *cap: when it is full, the capacity doubles
 * (from `first` items for an empty array) and *cap says the new one.
 * Returns the array, maybe moved, or NULL if memory ran out or the size
 * would overflow (then `items` and *cap are unchanged and still valid).
 * The new room is not initialised. */
void *sw_array_grow(void *items, size_t *cap, size_t count, size_t size, size_t first);

#endif
