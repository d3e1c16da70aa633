/* The history dialog's chart: a child window class that paints a rule's
 * response times with GDI, as model/history_chart lays them out (axes,
 * grid, one line per run of successes, failures as red crosses on the top
 * edge, a legend), double-buffered so that resizing does not flicker.
 * Pen widths, marker sizes and margins follow the window's DPI; the text
 * uses the font the parent sets with WM_SETFONT.
 *
 * Clicking near a point tells the parent: WM_COMMAND with the control's
 * id and SW_HISTORY_CHART_PICKED; sw_history_chart_view_picked says which
 * sample. Everything here is UI thread only. */
#ifndef SW_HISTORY_CHART_VIEW_H
#define SW_HISTORY_CHART_VIEW_H

#include <windows.h>

#include <stdbool.h>
#include <stddef.h>

#include "history_chart.h"

#define SW_HISTORY_CHART_CLASS L"SmtpWatchHistoryChart"
#define SW_HISTORY_CHART_PICKED 1 /* WM_COMMAND notification code */

/* Registers the window class (once per process; again is harmless).
 * False if it could not be registered (GetLastError). */
bool sw_history_chart_view_register(HINSTANCE instance);

/* Replaces the samples shown (copied; `n` 0 clears the chart) and the
 * note shown when there are none ("Loading...", why the history could
 * not be read; UTF-8, NULL for none). The time axis is in local time
 * through `local_time`. False if out of memory (the chart is then empty
 * and says so). */
bool sw_history_chart_view_set(HWND chart, const struct sw_history_sample *samples,
                               size_t n, sw_history_time_fn local_time, const char *note);
/* Sets only the note (UTF-8, NULL for none), keeping the samples. */
void sw_history_chart_view_note(HWND chart, const char *note);
/* Rings the sample `index` (SIZE_MAX: none), e.g. the table's selection. */
void sw_history_chart_view_select(HWND chart, size_t index);
/* The legend's words for the line and for the failures' crosses (static
 * strings; NULL: "Response time", "Failed check"); the first is also the
 * window's text, its name for screen readers. */
void sw_history_chart_view_legend(HWND chart, const wchar_t *value_name,
                                  const wchar_t *failed_name);
/* The sample the user last clicked (after SW_HISTORY_CHART_PICKED). */
size_t sw_history_chart_view_picked(HWND chart);

#endif
