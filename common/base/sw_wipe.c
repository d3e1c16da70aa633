/* Wiping secrets (sw_wipe.h). */
#include "sw_wipe.h"

void sw_wipe(void *p, size_t n)
{
  /* Through a volatile pointer: every store is an observable effect. */
  volatile unsigned char *v = p;
  while (n--)
    *v++ = 0;
}
