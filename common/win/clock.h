/* The monotonic clock every Windows component uses for deadlines. */
#ifndef SW_CLOCK_H
#define SW_CLOCK_H

#include <stdint.h>

/* Microseconds since an arbitrary fixed point (QueryPerformanceCounter);
 * monotonic, thread-safe. */
int64_t sw_clock_now_us(void);

#endif
