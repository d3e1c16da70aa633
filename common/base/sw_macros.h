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

#endif
