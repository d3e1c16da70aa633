/* The monotonic clock every Windows component uses for deadlines, and
 * wall-clock times shown to people in this machine's time zone. */
#ifndef SW_CLOCK_H
#define SW_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Microseconds since an arbitrary fixed point (QueryPerformanceCounter);
 * monotonic, thread-safe. */
int64_t sw_clock_now_us(void);

/* Writes Unix time `unix_ms` as this machine's local time, "2025-06-01
 * 14:03:22" (NUL-terminated; "?" if it cannot be converted). The zone's
 * rules for that date apply, daylight saving included. The shape of
 * sw_manage_view.local_time, which the command line and the editor pass
 * to the portable tables and models. Thread-safe. */
void sw_clock_local_text(int64_t unix_ms, char *out, size_t size);

#endif
