/* The engine's request: one model for everything that completes on its
 * port (libuv's uv_req_t). A request embeds its OVERLAPPED and a type tag;
 * the loop maps a completion back with sw_container_of and dispatches it by
 * type in one switch (engine.c). The checks' socket operations, the answers
 * of name lookups and certificate validations, the stop packet, and the
 * operations of other components on the same loop thread (the service's
 * pipe server: ConnectNamedPipe, ReadFile, WriteFile, posted work) are all
 * requests, and their status is read in one place. */
#ifndef SW_ENGINE_REQ_H
#define SW_ENGINE_REQ_H

#include <windows.h>

#include <stdbool.h>

#include "engine.h"

enum sw_req_type {
  SW_REQ_CONNECT,  /* a check's ConnectEx */
  SW_REQ_READ,     /* a check's WSARecv */
  SW_REQ_WRITE,    /* a check's WSASend */
  SW_REQ_RESOLVED, /* a name lookup's answer, posted by a DNS thread */
  SW_REQ_VERIFIED, /* a certificate validation's verdict, posted by the pool */
  SW_REQ_WAKE,     /* sw_engine_stop's packet: it only ends the wait */
  SW_REQ_CALLBACK  /* another component's operation: `done` runs */
};

struct sw_req;
/* Runs on the loop thread when a SW_REQ_CALLBACK request completes, with
 * the bytes transferred and 0 or the Win32 error. */
typedef void (*sw_req_done_fn)(struct sw_req *req, DWORD bytes, DWORD error);

/* One overlapped operation. Pass &req->ov to the Windows call; the struct
 * must stay alive until its completion has been dispatched (the owner's
 * endgame: count what is pending, free at zero). */
struct sw_req {
  OVERLAPPED ov;
  enum sw_req_type type;
  struct sw_check *check; /* CONNECT, READ, WRITE: the check it belongs to */
  sw_req_done_fn done;    /* CALLBACK: what runs when it completes */
};

/* Makes `req` a SW_REQ_CALLBACK request whose completion runs `done`. */
void sw_engine_req_init(struct sw_req *req, sw_req_done_fn done);
/* Associates `h` (opened with FILE_FLAG_OVERLAPPED) with the engine's
 * completion port. Returns 0 or the Win32 error. */
DWORD sw_engine_attach(struct sw_engine *e, HANDLE h);
/* Queues the callback request `req` as completed with `bytes` and no
 * error: hands work to the loop thread from any thread. Returns false if
 * the port refused. */
bool sw_engine_post(struct sw_engine *e, struct sw_req *req, DWORD bytes);

#endif
