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
#include "pipe_security.h"
#include "pipe_frame.h"
#include "sw_buf.h"

struct sw_pipe_server;
struct sw_pipe_conn;

/* What the owner's callback did with a request. */
enum sw_pipe_verdict {
  SW_PIPE_KEEP,  /* replied; read the next request */
  SW_PIPE_CLOSE, /* replied; close the connection once the reply is sent */
  SW_PIPE_DEFER  /* the reply comes later through sw_pipe_conn_resume; the
                    connection reads nothing more until then */
};

/* Who the client of a connection is, found at its first request (a named
 * pipe client can be impersonated only once it has written something). */
struct sw_pipe_identity {
  bool known;                      /* false: impersonation failed */
  bool admin;                      /* a member of Administrators, enabled */
  BYTE sid[SECURITY_MAX_SID_SIZE]; /* the token's user */
};

/* Problems the owner should report (the Event Log): the server keeps
 * trying on its own, every tick. */
enum sw_pipe_problem {
  SW_PIPE_INSTANCE_FAILED,   /* CreateNamedPipe failed; win_error says why */
  SW_PIPE_INSTANCE_RECOVERED /* an instance was created again */
};

struct sw_pipe_server_config {
  const wchar_t *name;   /* NULL: \\.\pipe\SmtpWatch */
  const wchar_t *sddl;   /* NULL: sw_pipe_security_sddl(NULL) */
  unsigned max_clients;  /* connections at once (0: SW_PIPE_MAX_CLIENTS) */
  unsigned max_per_user; /* connections at once per non-administrator account
                            (0: SW_PIPE_MAX_PER_USER) */
  /* Runs on the loop thread for every complete request, one at a time per
   * connection: append the reply frame(s) to `reply`, or defer it. */
  enum sw_pipe_verdict (*on_request)(void *ctx, struct sw_pipe_conn *conn,
                                     const struct sw_pipe_frame *req,
                                     struct sw_buf *reply);
  void *ctx;
  /* Optional: told when instances cannot be created and when they can
   * again (loop thread). */
  void (*on_problem)(void *ctx, enum sw_pipe_problem what, unsigned long win_error);
  /* Tests only: replaces the impersonation that identifies a client (Wine
   * gives every process an administrator's token). NULL in the product. */
  void (*identify)(void *ctx, HANDLE pipe, unsigned long client_pid,
                   struct sw_pipe_identity *out);
  /* Optional: an open connection is closing (its client left, stalled, or
   * the server stops), so what the owner keeps for it (a subscription, a
   * staged import) can go; `conn` must not be used after this returns.
   * Loop thread. */
  void (*on_closed)(void *ctx, struct sw_pipe_conn *conn);
};

#define SW_PIPE_MAX_CLIENTS 64
#define SW_PIPE_MAX_PER_USER 8
/* Requests are served from a posted completion packet, round-robin over
 * the connections that have one waiting, for at most this long per packet
 * (at least one request): the checks' completions, queued meanwhile, come
 * next; after a slice longer than a tenth of this, the next one waits as
 * long as it took (a threadpool timer posts it), so requests take at most
 * about half of the loop's time however costly each is. */
#define SW_PIPE_SLICE_US 10000
/* RULE_TEST for non-administrators: a burst of this many, then one more
 * every SW_PIPE_TEST_EVERY_US, per account. */
#define SW_PIPE_TEST_BURST 5
#define SW_PIPE_TEST_EVERY_US (12 * 1000000LL)

/* Creates the first instance with FILE_FLAG_FIRST_PIPE_INSTANCE (so nobody
 * else already owns the name) and starts listening. Returns SW_E_SYSTEM
 * with the Win32 code in *win_error (ERROR_ACCESS_DENIED when another
 * process owns the pipe name). */
enum sw_error sw_pipe_server_start(struct sw_engine *e,
                                   const struct sw_pipe_server_config *cfg,
                                   struct sw_pipe_server **out, unsigned long *win_error);
/* Closes every connection and listener and runs the engine until their
 * last completions have arrived (at most ~2 s), then frees the server. Loop
 * thread only. */
void sw_pipe_server_stop(struct sw_pipe_server *s);
/* How long a client may take to send a whole request (from the moment the
 * server waits for it: the connection, or the first byte of a frame) or
 * to read a whole reply, and how long it may sit idle between requests,
 * before sw_pipe_server_tick closes it: a client that connects and stalls,
 * or drips a byte at a time, must not keep others out for long. */
#define SW_PIPE_STALL_US (10 * 1000000LL)
#define SW_PIPE_IDLE_US (300 * 1000000LL)

/* Closes the connections that stalled or idled past the limits above, and
 * creates listening instances again if creating them failed. Call it from
 * the loop every second or so; `now_us` is sw_clock_now_us(). A connection
 * waiting for a deferred reply is never closed here. */
void sw_pipe_server_tick(struct sw_pipe_server *s, int64_t now_us);
/* Connections currently open (for service info and tests). */
unsigned sw_pipe_server_clients(const struct sw_pipe_server *s);
/* Instances waiting for a client (tests: never 0 while the server runs). */
unsigned sw_pipe_server_listening(const struct sw_pipe_server *s);
/* The server's first instance handle, for reading the pipe's security
 * descriptor back (GetSecurityInfo); NULL if there is none right now. */
HANDLE sw_pipe_server_handle(const struct sw_pipe_server *s);

/* True if the client of `conn` is a member of Administrators (found at its
 * first request by impersonating it: ImpersonateNamedPipeClient,
 * CheckTokenMembership). False before its first request. */
bool sw_pipe_conn_is_admin(struct sw_pipe_conn *conn);
/* The client's account as "DOMAIN\\user" (UTF-8) in out[size], for the
 * record of who did what (an acknowledgement); its SID as text if the name
 * cannot be found, "unknown" if the client could not be identified. */
void sw_pipe_conn_account_name(struct sw_pipe_conn *conn, char *out, size_t size);
/* Takes one RULE_TEST from the account's allowance: always true for
 * administrators; for others SW_PIPE_TEST_BURST, refilled one every
 * SW_PIPE_TEST_EVERY_US (shared by all connections of the account). */
bool sw_pipe_conn_rate_take(struct sw_pipe_conn *conn, int64_t now_us);
/* Delivers the reply of a deferred request (whole frames) and resumes the
 * connection. The connection is kept (not freed) until this is called, even
 * if its client went away meanwhile: call it exactly once per SW_PIPE_DEFER,
 * possibly before the request callback that deferred has returned (a check
 * that ends inside sw_engine_submit). Loop thread only. */
void sw_pipe_conn_resume(struct sw_pipe_conn *conn, const struct sw_buf *reply);
/* Pushes (protocol version 4): whether the connection can take one now:
 * open, and nothing of its own being written or answered (so a push never
 * splits a reply, and a client that does not read holds at most one push
 * on our side, besides what the pipe's buffer holds). */
bool sw_pipe_conn_push_ready(const struct sw_pipe_conn *conn);
/* Writes `frames` (whole PUSH frames) to a connection that is push-ready,
 * beside a read in flight; the stall limit (SW_PIPE_STALL_US) applies to
 * it as to a reply, so a client that leaves it unread is closed. Loop
 * thread; not from inside the connection's own request callback. */
void sw_pipe_conn_push(struct sw_pipe_conn *conn, const struct sw_buf *frames);
/* A subscribed connection waits for pushes, however long nothing
 * changes: it is not closed for idling (SW_PIPE_IDLE_US). */
void sw_pipe_conn_set_subscribed(struct sw_pipe_conn *conn, bool subscribed);
/* A slot the owner may use for per-connection state (0 at first). */
uintptr_t *sw_pipe_conn_user(struct sw_pipe_conn *conn);
/* The client's process id, for logs; 0 if unknown. */
unsigned long sw_pipe_conn_pid(const struct sw_pipe_conn *conn);

#endif
