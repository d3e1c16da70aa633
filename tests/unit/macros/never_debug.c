/* NEVER()/ALWAYS()/SW_NOT_REACHED() as a debug build compiles them (no
 * NDEBUG), whatever this build is, with assert() routed to cmocka's
 * mock_assert so that test_sw_macros.c can expect the assertion instead of
 * dying of it. */
#undef NDEBUG
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "never_flavours.h"
#include "sw_macros.h"

#undef assert
#define assert(e) mock_assert((int)(e), #e, __FILE__, __LINE__)

int sw_test_never_debug(int x, int *evaluations)
{
  return NEVER(++*evaluations && x);
}

int sw_test_always_debug(int x, int *evaluations)
{
  return ALWAYS(++*evaluations && x);
}

int sw_test_not_reached_debug(void)
{
  SW_NOT_REACHED();
  return 1;
}
