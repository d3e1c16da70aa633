/* The engine's wait on its completion port, made to end on time (issue 12
 * item 10). A timeout given to GetQueuedCompletionStatusEx ends on the
 * system timer's tick: 15.6 ms by default, so a check's deadline or a
 * rule's run comes up to a tick late. Where Windows has it (Windows 10
 * 1803+, Server 2019+), the engine arms a high-resolution waitable timer
 * (CreateWaitableTimerExW with CREATE_WAITABLE_TIMER_HIGH_RESOLUTION) for
 * the exact wait, and waits alertably: the timer's APC ends the wait when
 * it is due. The ordinary timeout stays as a safety net (it never ends the
 * wait sooner, only later). Where the flag is unknown the engine waits as
 * before and is up to a tick late; the figures are in bench/README.md
 * ("Wait lateness"). */
#ifndef SW_ENGINE_WAIT_H
#define SW_ENGINE_WAIT_H

#include <windows.h>

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"

/* Documented for CreateWaitableTimerExW (0x00000002, Windows 10 1803+);
 * older MinGW headers lack it. */
#ifndef CREATE_WAITABLE_TIMER_HIGH_RESOLUTION
#define CREATE_WAITABLE_TIMER_HIGH_RESOLUTION 0x00000002
#endif

struct sw_engine_wait {
  HANDLE timer; /* high-resolution waitable timer, NULL where there is none */
  bool use_timer;
  uint64_t timer_wakes; /* waits the timer ended */
  uint64_t timeouts;    /* waits the ordinary timeout ended */
};

/* Creates the timer if Windows has high-resolution ones; without one the
 * waits are plain. Never fails. */
void sw__engine_wait_init(struct sw_engine_wait *w);
void sw__engine_wait_free(struct sw_engine_wait *w);
/* GetQueuedCompletionStatusEx on `port` for at most `wait_us` µs (-1: no
 * limit; 0: only what is there). Returns the number of entries filled. */
ULONG sw__engine_wait(struct sw_engine_wait *w, HANDLE port, OVERLAPPED_ENTRY *entries,
                      ULONG max, int64_t wait_us);

/* How the engine's waits have ended. */
struct sw_engine_wait_info {
  bool high_resolution; /* a high-resolution timer ends the waits */
  uint64_t timer_wakes, timeouts;
};
void sw_engine_wait_info(const struct sw_engine *e, struct sw_engine_wait_info *out);
/* Test and bench only: whether the high-resolution timer is used (if
 * there is one); false: plain waits, as on Windows before 1803. Returns
 * whether it is used now. Loop thread. */
bool sw_engine_set_precise_waits(struct sw_engine *e, bool on);

#endif
