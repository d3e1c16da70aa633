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

/* `table[i]` if `i` indexes the array `table`, else `fallback`: how a
 * table made from an X-macro answers a value out of its enum's range (a
 * negative one too). */
#define SW_TABLE_AT(table, i, fallback)                                                  \
  ((size_t)(i) < SW_COUNTOF(table) ? (table)[(size_t)(i)] : (fallback))

/* Column pickers for X-macro maps: SW_FOO_MAP(SW_X_2) gives the second
 * column of every row, each followed by a comma, to initialise an array in
 * the map's (the enum's) order:
 *   static const char *const texts[] = {SW_OUTCOME_MAP(SW_X_3)};
 * SW_X_NAME_1 gives the first column as a string ("NOMEM" for NOMEM). The
 * dummy argument gives the inner macro's `...` at least one argument, as
 * C11 requires, whatever number of columns the map has. */
#define SW_X_1(...) SW__X_1(__VA_ARGS__, ~)
#define SW_X_2(...) SW__X_2(__VA_ARGS__, ~)
#define SW_X_3(...) SW__X_3(__VA_ARGS__, ~)
#define SW_X_NAME_1(...) SW__X_NAME_1(__VA_ARGS__, ~)
#define SW__X_1(a, ...) a,
#define SW__X_2(a, b, ...) b,
#define SW__X_3(a, b, c, ...) c,
#define SW__X_NAME_1(a, ...) #a,

#endif
