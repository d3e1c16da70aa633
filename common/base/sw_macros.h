/* Small macros for every folder, defined once. */
#ifndef SW_MACROS_H
#define SW_MACROS_H

#include <assert.h>
#include <stddef.h>

/* The struct of type `type` whose member `member` is at `ptr` (libuv's
 * container_of): how a completion, a timer or a queue link is mapped back
 * to the struct that embeds it. */
#define sw_container_of(ptr, type, member)                                               \
  ((type *)((char *)(ptr)-offsetof(type, member)))

/* The number of elements of the array `a` (an array, not a pointer). */
#define SW_COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

/* Defensive branches for what cannot happen unless there is a bug (SQLite's
 * NEVER and ALWAYS): `if (NEVER(x))` where x is expected false, `if
 * (ALWAYS(x))` where it is expected true. Debug builds (no NDEBUG: the
 * native Debug/ASan build) assert, so a test that reaches the branch fails
 * at once; release builds (NDEBUG: every MinGW build, RelWithDebInfo) take
 * the branch and handle it, because a monitor must not crash on a bug
 * elsewhere. Both yield the truth value of x (0 or 1), and evaluate x once.
 * Only for our own contracts: never for what the network, a file, another
 * process or the user can make true. */
#ifndef NDEBUG
#define NEVER(x) ((x) ? (assert(!"NEVER(" #x ")"), 1) : 0)
#define ALWAYS(x) ((x) ? 1 : (assert(!"ALWAYS(" #x ")"), 0))
#else
#define NEVER(x) ((x) ? 1 : 0)
#define ALWAYS(x) ((x) ? 1 : 0)
#endif

/* Where control cannot arrive: after a switch that handles every value of
 * its enum, or in a case the code above rules out. Asserts in debug builds;
 * release builds go on to the code after it, which must still do something
 * safe. */
#define SW_NOT_REACHED() assert(!"SW_NOT_REACHED()")

/* `table[i]` if `i` indexes the array `table`, else `fallback`: how a
 * table made from an X-macro answers a value out of its enum's range (a
 * negative one too). */
#define SW_TABLE_AT(table, i, fallback)                                                  \
  ((size_t)(i) < SW_COUNTOF(table) ? (table)[(size_t)(i)] : (fallback))

/* Column pickers for X-macro maps: SW_FOO_MAP(SW_X_2) gives the second
 * column of every row, each followed by a comma, to initialise an array in
 * the map's (the enum's) order:
 *   static const char *const texts[] = {SW_OUTCOME_MAP(SW_X_3)};
 * The first column is the enumerator itself (SW_E_NOMEM), so that a
 * search for it finds its row: SW_X_1 declares the enum
 *   enum sw_outcome { SW_OUTCOME_MAP(SW_X_1) SW_OUTCOME_COUNT };
 * (SW_X_ENUM_VALUE where the second column is the value), and
 * SW_X_NAME_1 gives the enumerator as a string ("SW_E_NOMEM"). The
 * dummy argument gives the inner macro's `...` at least one argument, as
 * C11 requires, whatever number of columns the map has. */
#define SW_X_1(...) SW__X_1(__VA_ARGS__, ~)
#define SW_X_2(...) SW__X_2(__VA_ARGS__, ~)
#define SW_X_3(...) SW__X_3(__VA_ARGS__, ~)
#define SW_X_NAME_1(...) SW__X_NAME_1(__VA_ARGS__, ~)
#define SW_X_ENUM_VALUE(...) SW__X_ENUM_VALUE(__VA_ARGS__, ~)
#define SW__X_1(a, ...) a,
#define SW__X_2(a, b, ...) b,
#define SW__X_3(a, b, c, ...) c,
#define SW__X_NAME_1(a, ...) #a,
#define SW__X_ENUM_VALUE(a, b, ...) a = b,

#endif
