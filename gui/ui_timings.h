/* How long the editor's list actions take on the UI thread, for the
 * scale benchmark and the editor's tests (docs/scale.md): with the
 * environment variable SW_EDITOR_TIMINGS set to a file name, each
 * refresh, sort, filter and scroll of the rule list appends one line
 *   <action> <ms> rows=<shown> of=<total> [<detail>]
 * to it; without it nothing is measured or written. The time includes
 * painting what the action changed (the caller paints before it logs).
 * UI thread only. */
#ifndef SW_UI_TIMINGS_H
#define SW_UI_TIMINGS_H

#include <windows.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Opens the file named by SW_EDITOR_TIMINGS, if any (once; later calls
 * change nothing). Returns whether timings are on. */
bool sw_ui_timings_open(void);
/* Whether timings are on. */
bool sw_ui_timings_on(void);
/* The time to pass to sw_ui_timing_log when the action ends (0 when
 * timings are off). */
int64_t sw_ui_timing_start(void);
/* Milliseconds since `start` (0 when timings are off): a part of an
 * action, for its detail ("model=1.234": the list model's share). */
double sw_ui_timing_ms(int64_t start);
/* Appends one line for `action` begun at `start` (see above; `detail`
 * may be NULL), flushed at once so a test can read it while the editor
 * runs. Does nothing when timings are off. */
void sw_ui_timing_log(const char *action, int64_t start, size_t shown, size_t total,
                      const char *detail);

/* With timings on, logs what one message costs on this machine, for
 * telling Wine's share of the actions' times (docs/scale.md):
 *   round_trip <us> posted message and its removal (PostMessage to this
 *                   thread, then PeekMessage): under Wine each is a call to
 *                   the wineserver, on Windows a kernel queue operation
 *   send <us>       SendMessage of LVM_GETITEMCOUNT to `list` (this thread's
 *                   window: a direct call on both)
 * Each the average of 2,000. */
void sw_ui_timing_messages(HWND list);

#endif
