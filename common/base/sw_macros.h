/* Small macros for every folder, defined once. */
#ifndef SW_MACROS_H
#define SW_MACROS_H

#include <stddef.h>

/* The struct of type `type` whose member `member` is at `ptr` (libuv's
 * container_of): how a completion, a timer or a queue link is mapped back
 * to the struct that embeds it. */
#define sw_container_of(ptr, type, member)                                               \
  ((type *)((char *)(ptr)-offsetof(type, member)))

/* The number of elements of the array `a` (an array, not a pointer). */
#define SW_COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

#endif
