/* Foreign I/O on the engine's completion port: the service's pipe server
 * runs its overlapped ReadFile/WriteFile/ConnectNamedPipe on the same loop
 * thread as the checks, so one thread serves both (STYLE.md: the loop
 * dispatches by request type). */
#ifndef SW_ENGINE_IO_H
#define SW_ENGINE_IO_H

#include <windows.h>

#include <stdbool.h>

#include "engine.h"

/* One overlapped operation of another component. Pass &io->ov to the
 * Windows call; when it completes, `done` runs on the loop thread with the
 * bytes transferred and 0 or the Win32 error. The struct must stay alive
 * until then (the owner's endgame). */
struct sw_engine_io {
  OVERLAPPED ov;
  void (*done)(struct sw_engine_io *io, DWORD bytes, DWORD error);
};

/* Associates `h` (opened with FILE_FLAG_OVERLAPPED) with the engine's
 * completion port. Returns 0 or the Win32 error. */
DWORD sw_engine_attach(struct sw_engine *e, HANDLE h);
/* Queues `io` as completed with `bytes` and no error: hands work to the
 * loop thread from any thread. Returns false if the port refused. */
bool sw_engine_post(struct sw_engine *e, struct sw_engine_io *io, DWORD bytes);

#endif
