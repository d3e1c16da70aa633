/* Wiping memory that held a secret (a password, a key, a digest made from
 * one), in a way the compiler keeps. */
#ifndef SW_WIPE_H
#define SW_WIPE_H

#include <stddef.h>

/* Overwrites p[0..n) with zeros. A plain memset of a buffer that is not
 * read again (about to be reused, freed or to go out of scope) may be
 * optimised away; this is not. */
void sw_wipe(void *p, size_t n);

#endif
