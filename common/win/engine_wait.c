#include "engine_internal.h"

#include <string.h>

#include "engine_wait.h"

/* How much later than the timer the safety-net timeout is (ms). */
#define SW_WAIT_SAFETY_MS 100

void sw__engine_wait_init(struct sw_engine_wait *w)
{
  memset(w, 0, sizeof *w);
  /* Before Windows 10 1803 the flag is refused (ERROR_INVALID_PARAMETER):
   * no timer, plain waits. */
  w->timer = CreateWaitableTimerExW(NULL, NULL, CREATE_WAITABLE_TIMER_HIGH_RESOLUTION,
                                    TIMER_ALL_ACCESS);
  w->use_timer = w->timer != NULL;
}

void sw__engine_wait_free(struct sw_engine_wait *w)
{
  if (w->timer)
    CloseHandle(w->timer);
  w->timer = NULL;
}

/* Queued to the loop thread when the timer is due: its arrival ends the
 * alertable wait, which is all it is for. */
static void CALLBACK timer_due(void *ctx, DWORD low, DWORD high)
{
  (void)ctx;
  (void)low;
  (void)high;
}

ULONG sw__engine_wait(struct sw_engine_wait *w, HANDLE port, OVERLAPPED_ENTRY *entries,
                      ULONG max, int64_t wait_us)
{
  /* Rounded up: the ordinary timeout never ends a wait early. */
  DWORD timeout_ms = wait_us < 0 ? INFINITE : (DWORD)((wait_us + 999) / 1000);
  bool armed = false;
  if (w->use_timer && wait_us > 0) {
    LARGE_INTEGER due;
    due.QuadPart = -wait_us * 10; /* relative, in 100 ns units */
    armed = SetWaitableTimer(w->timer, &due, 0, timer_due, NULL, FALSE) != 0;
    /* The timeout is then only a safety net: later than the timer, so
     * that it does not race it (under Wine both are precise). */
    if (armed && timeout_ms < INFINITE - SW_WAIT_SAFETY_MS)
      timeout_ms += SW_WAIT_SAFETY_MS;
  }
  ULONG n = 0;
  BOOL ok = GetQueuedCompletionStatusEx(port, entries, max, &n, timeout_ms, armed);
  DWORD why = ok ? 0 : GetLastError();
  if (armed)
    CancelWaitableTimer(w->timer); /* also drops its APC if it is queued */
  if (ok)
    return n;
  if (why == WAIT_IO_COMPLETION)
    w->timer_wakes++;
  else if (why == WAIT_TIMEOUT && wait_us != 0)
    w->timeouts++;
  return 0;
}

void sw_engine_wait_info(const struct sw_engine *e, struct sw_engine_wait_info *out)
{
  out->high_resolution = e->wait.use_timer;
  out->timer_wakes = e->wait.timer_wakes;
  out->timeouts = e->wait.timeouts;
}

bool sw_engine_set_precise_waits(struct sw_engine *e, bool on)
{
  e->wait.use_timer = on && e->wait.timer != NULL;
  return e->wait.use_timer;
}
