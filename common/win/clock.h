/* The monotonic clock every Windows component uses for deadlines, the
 * wall clock (Unix time), the one conversion between Windows' FILETIME and
 * Unix time, and wall-clock times shown to people in this machine's time
 * zone. */
#ifndef SW_CLOCK_H
#define SW_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* FILETIME without <windows.h> here: an includer that needs winsock2.h
 * must include it before windows.h, so this header includes neither. The
 * tag is the one the Windows headers give FILETIME. */
struct _FILETIME;

/* Microseconds since an arbitrary fixed point (QueryPerformanceCounter);
 * monotonic, thread-safe. */
int64_t sw_clock_now_us(void);

/* Unix time now in microseconds (GetSystemTimePreciseAsFileTime): for
 * timestamps that are stored or shown, never for deadlines (it jumps when
 * the clock is set). Thread-safe. */
int64_t sw_clock_wall_us(void);

/* A FILETIME (100 ns ticks since 1601-01-01 UTC) as Unix time in
 * microseconds; negative before 1970. */
int64_t sw_clock_unix_us(const struct _FILETIME *ft);

/* Unix time `unix_us` (at least -11644473600000000, 1601-01-01) as a
 * FILETIME. */
void sw_clock_filetime(int64_t unix_us, struct _FILETIME *ft);

/* Writes Unix time `unix_ms` as this machine's local time, "2025-06-01
 * 14:03:22" (NUL-terminated; "?" if it cannot be converted). The zone's
 * rules for that date apply, daylight saving included. The shape of
 * sw_manage_view.local_time, which the command line and the editor pass
 * to the portable tables and models. Thread-safe. */
void sw_clock_local_text(int64_t unix_ms, char *out, size_t size);

/* How a time zone's wall clock reads at Unix second `utc_s`, as seconds
 * since 1970 as if that reading were UTC: the sw_local_time_fn of
 * common/alert/maintenance.h, so that weekly maintenance windows follow
 * the zone's daylight saving rules for that year. `zone` is a
 * DYNAMIC_TIME_ZONE_INFORMATION, or NULL for this machine's zone (read
 * again at each call: pass one the caller keeps when calling often). A
 * time Windows cannot convert reads as UTC. Thread-safe. */
int64_t sw_clock_zone_wall_s(int64_t utc_s, void *zone);

#endif
