/* The history dialog's response-time chart without a window: given a
 * rule's results (when, how long, failed or not) and the rectangle the
 * data is drawn in, where each point goes, which points a line joins, and
 * the axes' ticks and labels. The window only draws what this says.
 *
 * How it reads:
 * - Oldest on the left, newest on the right; the x axis spans the first to
 *   the last result, with ticks at round local times (1 s ... 30 d apart,
 *   as many as fit) labelled "14:05", "14:05:30" or "06-02", and with the
 *   date where a day begins ("06-02 00:00").
 * - The y axis starts at 0 and ends at a "nice" value (steps of 1, 2 or 5
 *   times a power of ten) a little above the slowest successful check, so
 *   that no point sits on the frame: labels "0", "250 ms", "1.5 s".
 * - Failures are not response times: a timeout's 300 s would flatten every
 *   other point. They are markers in a lane above the scale's top (or on
 *   the top edge), at their time, and the line stops at them (a gap, not a
 *   line across the failure).
 * - The line also stops where results are missing: two results more than
 *   5 times the usual (median) spacing apart are not joined.
 * - One slow success among many fast ones is clamped too: when the slowest
 *   is more than 3 times the 90th percentile (5 results or more), the
 *   scale covers 3 times that percentile and the slower points sit on the
 *   top edge, marked as off the scale.
 * - No results: no points and no time axis, the y axis 0-100 ms. One
 *   result, or all at one time: the point in the middle of a minute.
 *
 * Portable C11 (no windows.h); texts are UTF-8. */
#ifndef SW_HISTORY_CHART_H
#define SW_HISTORY_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_error.h"

/* Writes a Unix time in ms as local time, "2025-06-01 14:03:22"
 * (NUL-terminated), as struct sw_manage_view's local_time does. */
typedef void (*sw_history_time_fn)(int64_t unix_ms, char *out, size_t size);

/* One result as the chart needs it. */
struct sw_history_sample {
  int64_t at_ms;       /* when the check started, Unix ms */
  int64_t response_us; /* how long it took; negative if unknown */
  bool failed;         /* the check failed: a marker, not a response time */
  bool warning;        /* it succeeded with a warning (slow, certificate) */
};

/* Pixels; right and bottom are exclusive, as in a Win32 RECT. */
struct sw_history_rect {
  int left, top, right, bottom;
};

struct sw_history_layout {
  struct sw_history_rect plot; /* where the data points go */
  int y_gap_px;                /* at least this far between y grid lines */
  int x_gap_px;                /* at least this far between x ticks: the widest label
                                  ("06-02 00:00") and a space */
  int lane_px;                 /* the failures' lane, this high above plot.top (inside the
                                  window): failures at its middle; 0: on plot.top */
  sw_history_time_fn local_time; /* NULL: labels in UTC */
};

enum sw_history_mark {
  SW_HISTORY_MARK_LINE,      /* a success, on its run's line */
  SW_HISTORY_MARK_WARNING,   /* a success with a warning, on the line */
  SW_HISTORY_MARK_OFF_SCALE, /* a success slower than the scale: top edge */
  SW_HISTORY_MARK_FAILURE,   /* a failure: in the lane, no line through it */
};

struct sw_history_point {
  int x, y;
  enum sw_history_mark mark;
  size_t sample; /* its index in the samples given to the build */
};

/* Consecutive successes (in time) that one line joins: points[first ..
 * first + count). A run of one is a lone dot. */
struct sw_history_run {
  size_t first, count;
};

#define SW_HISTORY_TICKS_MAX 16
#define SW_HISTORY_LABEL_MAX 24

struct sw_history_tick {
  int pos; /* y for the value axis, x for the time axis */
  char label[SW_HISTORY_LABEL_MAX];
};

struct sw_history_chart {
  struct sw_history_point *points; /* oldest first; owned */
  size_t point_count;
  struct sw_history_run *runs; /* owned */
  size_t run_count;
  size_t failures, off_scale;

  int64_t y_max_us; /* the value at the top edge; 0 is at the bottom */
  struct sw_history_tick y_ticks[SW_HISTORY_TICKS_MAX]; /* from 0 up */
  size_t y_tick_count;

  int64_t from_ms, to_ms; /* the times at the left and right edges */
  struct sw_history_tick x_ticks[SW_HISTORY_TICKS_MAX]; /* left to right */
  size_t x_tick_count;
};

/* Lays out `n` samples (in any order; NULL if n is 0) in layout->plot.
 * `c` is initialised first; free it with sw_history_chart_free whatever
 * this returns. SW_E_INVALID_ARGUMENT if the plot rectangle is empty
 * (a window too small to draw in: draw nothing), SW_E_NOMEM. */
enum sw_error sw_history_chart_build(struct sw_history_chart *c,
                                     const struct sw_history_sample *samples, size_t n,
                                     const struct sw_history_layout *layout);
/* Releases the points and runs; the chart is left empty. */
void sw_history_chart_free(struct sw_history_chart *c);

/* The point nearest to (x, y) within `radius` pixels: its index in
 * c->points, or SIZE_MAX if none is that close. */
size_t sw_history_chart_hit(const struct sw_history_chart *c, int x, int y, int radius);

#endif
