/* The store's checkpoints on a thread-pool timer (svc_checkpointer.h).
 * The timer is one-shot and re-armed at the end of each callback, so two
 * checkpoints never run at once and the handle is used by one thread at a
 * time (store.h). */
#include "svc_checkpointer.h"

#include <windows.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "store.h"

struct sw_svc_checkpointer {
  PTP_TIMER timer;
  char *path;
  struct sw_store *store; /* the callback's; opened at its first run */
  bool running;           /* the loop's: sw_svc_checkpointer_run was called */
  volatile LONG stopping;
  volatile LONG64 last_ok_us;
};

static void arm(struct sw_svc_checkpointer *c)
{
  /* Relative due time, in 100 ns units, negative. */
  LARGE_INTEGER due = {.QuadPart = -(LONGLONG)SW_SVC_CHECKPOINT_EVERY_MS * 10000};
  FILETIME ft = {.dwLowDateTime = due.LowPart, .dwHighDateTime = (DWORD)due.HighPart};
  SetThreadpoolTimer(c->timer, &ft, 0, 0);
}

/* One checkpoint. A handle that fails for a reason other than a busy
 * database is closed, to be opened afresh next time (the loop reports the
 * database's health: this one stays quiet). */
static void checkpoint(struct sw_svc_checkpointer *c)
{
  if (!c->store) {
    struct sw_store_options opt = {.busy_timeout_ms = 100, .manual_checkpoints = true};
    if (sw_store_open(c->path, &opt, &c->store, NULL) != SW_STORE_OK) {
      c->store = NULL;
      return;
    }
  }
  enum sw_store_error err =
      sw_store_checkpoint(c->store, SW_STORE_CHECKPOINT_PASSIVE, NULL, NULL);
  if (!err)
    InterlockedExchange64(&c->last_ok_us, sw_clock_now_us());
  else if (err != SW_STORE_BUSY) {
    sw_store_close(c->store);
    c->store = NULL;
  }
}

static VOID CALLBACK tick(PTP_CALLBACK_INSTANCE instance, PVOID ctx, PTP_TIMER timer)
{
  (void)instance;
  (void)timer;
  struct sw_svc_checkpointer *c = ctx;
  if (InterlockedCompareExchange(&c->stopping, 0, 0))
    return;
  checkpoint(c);
  if (!InterlockedCompareExchange(&c->stopping, 0, 0))
    arm(c);
}

struct sw_svc_checkpointer *sw_svc_checkpointer_create(const char *db_path)
{
  struct sw_svc_checkpointer *c = calloc(1, sizeof *c);
  if (c)
    c->path = malloc(strlen(db_path) + 1);
  if (c && c->path)
    c->timer = CreateThreadpoolTimer(tick, c, NULL);
  if (!c || !c->path || !c->timer) {
    if (c)
      free(c->path);
    free(c);
    return NULL;
  }
  strcpy(c->path, db_path);
  return c;
}

void sw_svc_checkpointer_run(struct sw_svc_checkpointer *c)
{
  if (c->running)
    return;
  c->running = true;
  arm(c);
}

int64_t sw_svc_checkpointer_last_ok_us(const struct sw_svc_checkpointer *c)
{
  return InterlockedCompareExchange64((volatile LONG64 *)&c->last_ok_us, 0, 0);
}

void sw_svc_checkpointer_stop(struct sw_svc_checkpointer *c)
{
  if (!c)
    return;
  InterlockedExchange(&c->stopping, 1);
  /* Twice: a callback that ran while `stopping` was set may have armed the
   * timer once more before the first wait returned. */
  for (int i = 0; i < 2; i++) {
    SetThreadpoolTimer(c->timer, NULL, 0, 0);
    WaitForThreadpoolTimerCallbacks(c->timer, TRUE);
  }
  CloseThreadpoolTimer(c->timer);
  sw_store_close(c->store);
  free(c->path);
  free(c);
}
