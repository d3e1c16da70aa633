/* NEVER()/ALWAYS()/SW_NOT_REACHED() as a release build compiles them
 * (NDEBUG, as every MinGW build has it), whatever this build is. */
#ifndef NDEBUG
#define NDEBUG
#endif
#include "never_flavours.h"
#include "sw_macros.h"

int sw_test_never_release(int x, int *evaluations)
{
  return NEVER(++*evaluations && x);
}

int sw_test_always_release(int x, int *evaluations)
{
  return ALWAYS(++*evaluations && x);
}

int sw_test_not_reached_release(void)
{
  SW_NOT_REACHED();
  return 1;
}
