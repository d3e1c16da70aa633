/* The control pipe's server side: overlapped named-pipe instances on the
 * engine's completion port, so the service's one loop thread serves its
 * clients between checks. Transport only: it splits the byte stream into
 * frames (pipe_frame.h) and hands each to the owner's callback, which
 * appends the reply. A slow or malicious client cannot stall anyone: every
 * operation is overlapped, a connection reads its next request only after
 * its reply went out, input is bounded by the frame limit, and a malformed
 * or oversized frame closes that connection only. */
#ifndef SW_PIPE_SERVER_H
#define SW_PIPE_SERVER_H

#include <windows.h>

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "pipe_frame.h"
#include "sw_buf.h"

/* SYSTEM and Administrators: full control; interactive users: read and
 * write (to ask for status; mutations are also checked against the
 * caller's token, see sw_pipe_conn_is_admin). No one else. Interactive
 * users get FILE_GENERIC_READ | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES |
 * FILE_WRITE_EA (0x12019b), not GENERIC_WRITE: that includes
 * FILE_CREATE_PIPE_INSTANCE (= FILE_APPEND_DATA), with which any
 * interactive user could add a server end of SmtpWatch and impersonate an
 * administrator's client that lands on it. Clients open the pipe with
 * GENERIC_READ | FILE_WRITE_DATA accordingly (pipe_client.c). */
#define SW_PIPE_SDDL L"D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;0x12019b;;;IU)"

struct sw_pipe_server;
struct sw_pipe_conn;

/* What the owner's callback did with a request. */
enum sw_pipe_verdict {
  SW_PIPE_KEEP,  /* replied; read the next request */
  SW_PIPE_CLOSE, /* replied; close the connection once the reply is sent */
  SW_PIPE_DEFER  /* the reply comes later through sw_pipe_conn_resume; the
                    connection reads nothing more until then */
};

struct sw_pipe_server_config {
  const wchar_t *name;  /* NULL: \\.\pipe\SmtpWatch */
  const wchar_t *sddl;  /* NULL: SW_PIPE_SDDL */
  unsigned max_clients; /* connections at once (0: 64) */
  /* Runs on the loop thread for every complete request: append the reply
   * frame(s) to `reply`, or defer it. */
  enum sw_pipe_verdict (*on_request)(void *ctx, struct sw_pipe_conn *conn,
                                     const struct sw_pipe_frame *req,
                                     struct sw_buf *reply);
  void *ctx;
};

/* Creates the first instances and starts listening. Returns SW_E_SYSTEM
 * with the Win32 code in *win_error (ERROR_ACCESS_DENIED when another
 * process owns the pipe name: FILE_FLAG_FIRST_PIPE_INSTANCE). */
enum sw_error sw_pipe_server_start(struct sw_engine *e,
                                   const struct sw_pipe_server_config *cfg,
                                   struct sw_pipe_server **out, unsigned long *win_error);
/* Closes every connection and listener and runs the engine until their
 * last completions have arrived (at most ~2 s), then frees the server. Loop
 * thread only. */
void sw_pipe_server_stop(struct sw_pipe_server *s);
/* How long a connection may hold a partial request or an unread reply, and
 * how long it may sit idle, before sw_pipe_server_tick closes it: a client
 * that connects and stalls must not keep others out for long (the number
 * of connections is bounded). */
#define SW_PIPE_STALL_US (10 * 1000000LL)
#define SW_PIPE_IDLE_US (300 * 1000000LL)

/* Closes the connections that stalled or idled past the limits above.
 * Call it from the loop every second or so; `now_us` is sw_clock_now_us().
 * A connection waiting for a deferred reply is never closed here. */
void sw_pipe_server_tick(struct sw_pipe_server *s, int64_t now_us);
/* Connections currently open (for service info and tests). */
unsigned sw_pipe_server_clients(const struct sw_pipe_server *s);

/* True if the client of `conn` is a member of Administrators (checked once
 * per connection by impersonating it: ImpersonateNamedPipeClient,
 * CheckTokenMembership). */
bool sw_pipe_conn_is_admin(struct sw_pipe_conn *conn);
/* Delivers the reply of a deferred request (whole frames) and resumes the
 * connection. The connection is kept (not freed) until this is called, even
 * if its client went away meanwhile: call it exactly once per SW_PIPE_DEFER.
 * Loop thread only. */
void sw_pipe_conn_resume(struct sw_pipe_conn *conn, const struct sw_buf *reply);
/* A slot the owner may use for per-connection state (0 at first). */
uintptr_t *sw_pipe_conn_user(struct sw_pipe_conn *conn);
/* The client's process id, for logs; 0 if unknown. */
unsigned long sw_pipe_conn_pid(const struct sw_pipe_conn *conn);

#endif
