/* Maintenance windows: when a rule's alerts are held (its checks still run
 * and its history is kept). Portable and clock-free: the caller says what
 * time it is and how this machine's local time reads at an instant.
 *
 * Two kinds:
 *  - once:   [from, until) in UTC seconds (the command line and the editor
 *            take local times and convert them when the window is made);
 *  - weekly: on the given local weekdays, from a local time of day to
 *            another ("Sun 02:00-04:00"; "Sat 22:00-02:00" runs past
 *            midnight into Sunday; "Mon-Fri 00:00-24:00" is all of each day).
 *
 * A weekly window is a set of local wall-clock times, so it follows daylight
 * saving time: on the night the clocks go forward, the times that do not
 * exist are skipped (a window inside the skipped hour does not happen that
 * night), and on the night they go back, the repeated hour is covered both
 * times. */
#ifndef SW_MAINTENANCE_H
#define SW_MAINTENANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_MAINT_DAY_MINUTES 1440u
/* The longest text sw_maint_weekly_text writes, NUL included. */
#define SW_MAINT_WEEKLY_TEXT_MAX 48u

enum sw_maint_kind {
  SW_MAINT_ONCE,
  SW_MAINT_WEEKLY,
};

struct sw_maint_window {
  enum sw_maint_kind kind;
  int64_t from_s, until_s; /* once: UTC seconds, from < until */
  uint8_t days;       /* weekly: bit d set = starts on local weekday d (0 = Sunday) */
  uint16_t start_min; /* weekly: local minute of the day it starts, 0..1439 */
  uint16_t end_min;   /* weekly: local minute it ends, 1..1440; <= start_min
                       * means the next day */
};

/* How this machine's clock reads at UTC second `utc_s`: the local wall
 * time as seconds since 1970-01-01 00:00 *as if it were UTC* (so that
 * dividing by 86400 gives local days). On Windows, the time zone's rules
 * for that year (common/win/local_time.c); in tests, a zone of the test's. */
typedef int64_t (*sw_local_time_fn)(int64_t utc_s, void *ctx);

/* The UTC second at which the clock `local` reads `wall_s` (seconds since
 * 1970 as if that reading were UTC): how a one-off window typed in local
 * time is stored. A reading the clock shows twice (the hour repeated when
 * it goes back) is its first time; one it never shows (the hour skipped
 * when it goes forward) is the instant the clock jumps past it. Assumes at
 * most one change of offset within a day either side, as every zone has. */
int64_t sw_wall_to_utc(int64_t wall_s, sw_local_time_fn local, void *ctx);

/* True while `w` holds alerts at UTC second `now_s`. */
bool sw_maint_active(const struct sw_maint_window *w, int64_t now_s,
                     sw_local_time_fn local, void *ctx);

/* The first whole UTC minute after `now_s` at which sw_maint_active
 * changes, looking up to 8 days ahead; INT64_MAX if it does not change in
 * that time (a window that never ends, or one that is over). For "in
 * maintenance until ...". */
int64_t sw_maint_next_change(const struct sw_maint_window *w, int64_t now_s,
                             sw_local_time_fn local, void *ctx);

/* Parses a weekly window: DAYS HH:MM-HH:MM, where DAYS is a day ("Sun"),
 * a range ("Mon-Fri", wrapping: "Fri-Mon") or a comma list of either
 * ("Sat,Sun"), English three-letter names in any case, and the end may be
 * 24:00. On failure returns false and writes a sentence that says what is
 * wrong to why[why_size]. */
bool sw_maint_weekly_parse(const char *text, struct sw_maint_window *out, char *why,
                           size_t why_size);

/* The weekly window as sw_maint_weekly_parse reads it ("Mon-Fri 22:00-02:00");
 * runs of three or more days become ranges. */
void sw_maint_weekly_text(const struct sw_maint_window *w, char *out, size_t size);

#endif
