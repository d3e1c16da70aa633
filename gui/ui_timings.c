/* The editor's action timings (ui_timings.h). */
#include "ui_timings.h"

#include <commctrl.h>

#include <stdio.h>
#include <stdlib.h>

#include "clock.h"

static FILE *timings;
static bool opened;

bool sw_ui_timings_open(void)
{
  if (opened)
    return timings != NULL;
  opened = true;
  const wchar_t *path = _wgetenv(L"SW_EDITOR_TIMINGS");
  if (path && path[0])
    timings = _wfopen(path, L"a");
  return timings != NULL;
}

bool sw_ui_timings_on(void)
{
  return timings != NULL;
}

int64_t sw_ui_timing_start(void)
{
  return timings ? sw_clock_now_us() : 0;
}

double sw_ui_timing_ms(int64_t start)
{
  return timings ? (double)(sw_clock_now_us() - start) / 1000.0 : 0;
}

void sw_ui_timing_log(const char *action, int64_t start, size_t shown, size_t total,
                      const char *detail)
{
  if (!timings)
    return;
  fprintf(timings, "%s %.3f rows=%zu of=%zu%s%s\n", action, sw_ui_timing_ms(start), shown,
          total, detail ? " " : "", detail ? detail : "");
  fflush(timings);
}

#define MESSAGES 2000

void sw_ui_timing_messages(HWND list)
{
  if (!timings)
    return;
  int64_t t0 = sw_clock_now_us();
  MSG msg;
  for (int i = 0; i < MESSAGES; i++) {
    PostMessageW(list, WM_NULL, 0, 0);
    PeekMessageW(&msg, list, WM_NULL, WM_NULL, PM_REMOVE);
  }
  int64_t t1 = sw_clock_now_us();
  for (int i = 0; i < MESSAGES; i++)
    SendMessageW(list, LVM_GETITEMCOUNT, 0, 0);
  int64_t t2 = sw_clock_now_us();
  fprintf(timings, "round_trip %.2f us\nsend %.2f us\n", (double)(t1 - t0) / MESSAGES,
          (double)(t2 - t1) / MESSAGES);
  fflush(timings);
}
