/* Named-pipe server on the engine's port. Each instance is a struct
 * sw_pipe_conn with one engine request (engine_req.h) per operation kind
 * (connect, read, write); it is freed only after its last pending operation
 * completed (the engine's endgame rule).
 *
 * Fairness: completions only move bytes. A connection with a whole request
 * waiting joins the ready queue, which a posted completion packet (work_io)
 * serves round-robin, one request per connection per round, for at most
 * SW_PIPE_SLICE_US; the rest waits for the next packet, behind the checks'
 * completions, and after a long slice (one costly request) for as long
 * again, so that requests get at most about half of the loop's time. A
 * connection reads and serves its next request only once its reply has been
 * written, so its output never holds more than one reply, and the work of a
 * client that has gone stops at the first failed write. */
#include "pipe_server.h"

#include <sddl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "clock.h"
#include "engine_req.h"
#include "pipe_protocol.h"
#include "sw_list.h"
#include "sw_macros.h"

#define SW_PIPE_LISTENERS 4 /* instances waiting for clients at any time */
#define SW_PIPE_IO_BUFFER 65536

enum conn_state { CONN_LISTENING, CONN_OPEN, CONN_CLOSING };

/* One client account (a token's user SID): its open connections and its
 * RULE_TEST allowance, kept while either is in use. */
struct account {
  struct sw_list_node link; /* in the server's accounts */
  struct sw_pipe_identity id;
  unsigned conns;
  int64_t test_tat_us; /* GCRA: when the allowance is whole again */
};

struct sw_pipe_conn {
  struct sw_pipe_server *server;
  struct sw_list_node link;  /* in the server's connections */
  struct sw_list_node ready; /* in the server's ready queue while `queued` */
  HANDLE pipe;
  enum conn_state state;
  struct sw_req connect_io, read_io, write_io;
  int pending; /* operations in flight, a deferred reply, a place in the queue
                */
  bool reading, writing, queued;
  bool close_after_write;
  bool deferred;      /* a reply is owed by the owner (sw_pipe_conn_resume) */
  bool in_request;    /* the owner's callback is running */
  bool resumed_early; /* ... and it already delivered the deferred reply */
  bool identified;
  bool admin;
  bool over_capacity;      /* connected past max_clients: refused at its first
                              request */
  struct account *account; /* counted while open, after the first request */
  int64_t last_io_us;      /* the last read or write that moved bytes */
  int64_t wait_since_us;   /* waiting for a whole request since (0: not) */
  int64_t write_since_us;  /* writing the current reply since (0: not) */
  uintptr_t user;
  unsigned long pid;
  struct sw_buf in;  /* received, not yet served */
  struct sw_buf out; /* the reply not yet written */
  size_t out_off;
  char rbuf[SW_PIPE_IO_BUFFER];
};

struct sw_pipe_server {
  struct sw_engine *engine;
  struct sw_pipe_server_config cfg;
  wchar_t name[256];
  SECURITY_ATTRIBUTES sa;
  PSECURITY_DESCRIPTOR sd;
  struct sw_list_node conns; /* every struct sw_pipe_conn not yet freed */
  struct sw_list_node
      ready_queue; /* connections with a request to serve, FIFO */
  struct sw_req work_io;
  bool work_posted; /* work_io is posted, or will be by the delay timer */
  /* After a slice that took long, the next waits as long (the loop gets at
   * least as much time for the checks as the requests had): this timer
   * posts work_io then. */
  PTP_TIMER delay;
  volatile LONG delay_armed;
  struct sw_list_node accounts;
  unsigned instances, handles, listening, open;
  bool first_created, stopping, failing;
};

static void fill_listeners(struct sw_pipe_server *s);
static void next_step(struct sw_pipe_conn *c);

/* ---- accounts ------------------------------------------------------------ */

static struct account *account_get(struct sw_pipe_server *s,
                                   const struct sw_pipe_identity *id) {
  struct sw_list_node *node;
  SW_LIST_FOREACH(node, &s->accounts) {
    struct account *a = sw_list_entry(node, struct account, link);
    if (a->id.known == id->known &&
        (!id->known || EqualSid((PSID)a->id.sid, (PSID)id->sid)))
      return a;
  }
  struct account *a = calloc(1, sizeof *a);
  if (!a)
    return NULL;
  a->id = *id;
  sw_list_insert_head(&s->accounts, &a->link);
  return a;
}

/* Frees the accounts with no connection and a whole allowance. */
static void accounts_prune(struct sw_pipe_server *s, int64_t now_us, bool all) {
  struct sw_list_node *node, *tmp;
  SW_LIST_FOREACH_SAFE(node, tmp, &s->accounts) {
    struct account *a = sw_list_entry(node, struct account, link);
    if (all || (a->conns == 0 && a->test_tat_us <= now_us)) {
      sw_list_remove(node);
      free(a);
    }
  }
}

/* The client's user and whether it is an administrator, by impersonating
 * it (the documented way: its token, not its claims). A failed
 * impersonation leaves the identity unknown, never the service's own. */
static void impersonate_identify(HANDLE pipe, struct sw_pipe_identity *out) {
  memset(out, 0, sizeof *out);
  if (!ImpersonateNamedPipeClient(pipe))
    return;
  HANDLE token = NULL;
  BYTE user_buf[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
  BYTE admins[SECURITY_MAX_SID_SIZE];
  DWORD size = sizeof admins, got = 0;
  BOOL member = FALSE;
  if (OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &token)) {
    TOKEN_USER *tu = (TOKEN_USER *)user_buf;
    if (GetTokenInformation(token, TokenUser, tu, sizeof user_buf, &got) &&
        CopySid(sizeof out->sid, (PSID)out->sid, tu->User.Sid))
      out->known = true;
    /* CheckTokenMembership honours deny-only groups: an administrator
     * under UAC who is not elevated is not one here. */
    if (out->known &&
        CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, admins, &size) &&
        CheckTokenMembership(token, admins, &member) && member)
      out->admin = true;
    CloseHandle(token);
  }
  if (!RevertToSelf())
    abort(); /* never go on in the client's context */
}

/* ---- connections --------------------------------------------------------- */

static void close_handle(struct sw_pipe_server *s, HANDLE *h) {
  if (*h == INVALID_HANDLE_VALUE)
    return;
  CloseHandle(*h);
  *h = INVALID_HANDLE_VALUE;
  /* With no handle left the name lapses: the next instance must be a
   * first instance again, so that nobody who took the name meanwhile
   * gets our clients. */
  if (--s->handles == 0)
    s->first_created = false;
}

static void conn_unlink_free(struct sw_pipe_conn *c) {
  sw_list_remove(&c->link);
  c->server->instances--;
  sw_buf_free(&c->in);
  sw_buf_free(&c->out);
  free(c);
}

/* After any event: free a closing connection with nothing in flight, and
 * keep instances listening. */
static void settle(struct sw_pipe_conn *c) {
  struct sw_pipe_server *s = c->server;
  if (c->state == CONN_CLOSING && c->pending == 0)
    conn_unlink_free(c);
  if (!s->stopping && !s->failing)
    fill_listeners(s); /* while failing, the tick retries */
}

static void conn_close(struct sw_pipe_conn *c) {
  if (c->state == CONN_CLOSING)
    return;
  struct sw_pipe_server *s = c->server;
  if (c->state == CONN_LISTENING)
    s->listening--;
  else
    s->open--;
  if (c->account) {
    c->account->conns--;
    c->account = NULL;
  }
  c->state = CONN_CLOSING;
  /* Closing the handle cancels what is pending; those completions still
   * arrive and are counted off before the struct is freed. No
   * DisconnectNamedPipe: it throws away what the client has not read yet,
   * such as the error that explains why we close; after a plain close the
   * client reads it, then sees the pipe broken. */
  close_handle(s, &c->pipe);
}

/* Queues an error reply and closes the connection once it is written. */
static void refuse(struct sw_pipe_conn *c, uint32_t request_id,
                   enum sw_pipe_error e, const char *why) {
  sw_pipe_encode_error(&c->out, request_id, e, why);
  c->close_after_write = true;
}

static void start_write(struct sw_pipe_conn *c) {
  memset(&c->write_io.ov, 0, sizeof c->write_io.ov);
  DWORD n = (DWORD)(c->out.len - c->out_off);
  if (!WriteFile(c->pipe, c->out.data + c->out_off, n, NULL, &c->write_io.ov) &&
      GetLastError() != ERROR_IO_PENDING) {
    conn_close(c);
    return;
  }
  if (!c->write_since_us)
    c->write_since_us = sw_clock_now_us();
  c->writing = true;
  c->pending++;
}

static void start_read(struct sw_pipe_conn *c) {
  memset(&c->read_io.ov, 0, sizeof c->read_io.ov);
  if (!ReadFile(c->pipe, c->rbuf, sizeof c->rbuf, NULL, &c->read_io.ov) &&
      GetLastError() != ERROR_IO_PENDING) {
    conn_close(c);
    return;
  }
  c->reading = true;
  c->pending++;
}

static void post_work(struct sw_pipe_server *s) {
  if (s->work_posted || s->stopping)
    return;
  /* The port is ours, so the post succeeds; if it did not, the next tick
   * posts again. */
  s->work_posted = ALWAYS(sw_engine_post(s->engine, &s->work_io, 0));
}

static void CALLBACK on_delay(PTP_CALLBACK_INSTANCE inst, void *ctx,
                              PTP_TIMER timer) {
  (void)inst;
  (void)timer;
  struct sw_pipe_server *s = ctx;
  if (InterlockedExchange(&s->delay_armed, 0) == 1)
    sw_engine_post(s->engine, &s->work_io, 0);
}

/* Serves the ready queue again after `delay_us` (at once if short). */
static void post_work_after(struct sw_pipe_server *s, int64_t delay_us) {
  if (s->work_posted || s->stopping)
    return;
  if (delay_us < SW_PIPE_SLICE_US / 10 || !s->delay) {
    post_work(s);
    return;
  }
  LONGLONG due = -(LONGLONG)delay_us * 10; /* relative, in 100 ns */
  FILETIME ft = {.dwLowDateTime = (DWORD)due,
                 .dwHighDateTime = (DWORD)(due >> 32)};
  s->work_posted = true;
  InterlockedExchange(&s->delay_armed, 1);
  SetThreadpoolTimer(s->delay, &ft, 0, 0);
}

static void enqueue(struct sw_pipe_conn *c) {
  struct sw_pipe_server *s = c->server;
  if (c->queued)
    return;
  c->queued = true;
  c->pending++; /* not freed while queued */
  sw_list_insert_tail(&s->ready_queue, &c->ready);
  post_work(s);
}

/* What an open connection does next when nothing of its own is in flight:
 * write what is owed, else close if asked to, else queue a whole request
 * for serving, else read more. */
static void next_step(struct sw_pipe_conn *c) {
  if (c->state != CONN_OPEN || c->reading || c->writing || c->deferred ||
      c->queued || c->in_request)
    return;
  if (c->out_off < c->out.len) {
    start_write(c);
    return;
  }
  sw_buf_free(&c->out);
  c->out_off = 0;
  c->write_since_us = 0;
  if (c->close_after_write) {
    conn_close(c);
    return;
  }
  struct sw_pipe_frame frame;
  size_t used;
  enum sw_pipe_decode d = sw_pipe_frame_decode((const uint8_t *)c->in.data,
                                               c->in.len, &frame, &used);
  if (d == SW_PIPE_PARTIAL) {
    /* The client owes the rest of a request: the stall deadline runs from
     * the moment we wait for it, not from its last byte. */
    if (c->in.len > 0 && !c->wait_since_us)
      c->wait_since_us = sw_clock_now_us();
    start_read(c);
  } else {
    c->wait_since_us = 0;
    enqueue(c);
  }
}

/* Finds out who the client is, at its first request (`request_id`); false
 * if the connection is refused: too many clients, or too many of the
 * account's connections. */
static bool identify(struct sw_pipe_conn *c, uint32_t request_id) {
  struct sw_pipe_server *s = c->server;
  c->identified = true;
  struct sw_pipe_identity id;
  memset(&id, 0, sizeof id);
  if (s->cfg.identify)
    s->cfg.identify(s->cfg.ctx, c->pipe, c->pid, &id);
  else
    impersonate_identify(c->pipe, &id);
  c->admin = id.known && id.admin;
  c->account = account_get(s, &id);
  if (!c->account) {
    refuse(c, request_id, SW_PIPE_ERR_BUSY,
           "The service is out of memory; try again later.");
    return false;
  }
  c->account->conns++;
  if (c->over_capacity) {
    refuse(c, request_id, SW_PIPE_ERR_BUSY,
           "The service is serving as many clients as it can; try again in a "
           "moment.");
    return false;
  }
  unsigned max =
      s->cfg.max_per_user ? s->cfg.max_per_user : SW_PIPE_MAX_PER_USER;
  if (!c->admin && c->account->conns > max) {
    char why[256];
    snprintf(why, sizeof why,
             "Too many connections to the service from your account at once "
             "(at most "
             "%u for an account that is not an administrator); close another "
             "SMTP Watch "
             "window or command and try again.",
             max);
    refuse(c, request_id, SW_PIPE_ERR_BUSY, why);
    return false;
  }
  return true;
}

/* Serves the request at the front of c->in (the ready queue's turn). */
static void serve_one(struct sw_pipe_conn *c) {
  struct sw_pipe_server *s = c->server;
  struct sw_pipe_frame frame;
  size_t used = 0;
  enum sw_pipe_decode d = sw_pipe_frame_decode((const uint8_t *)c->in.data,
                                               c->in.len, &frame, &used);
  if (d == SW_PIPE_TOO_LARGE) {
    conn_close(c); /* not a word more: it would keep sending */
    return;
  }
  if (d == SW_PIPE_MALFORMED) {
    refuse(c, 0, SW_PIPE_ERR_BAD_REQUEST,
           "The request was not a valid frame; the connection is closed.");
  } else if (d == SW_PIPE_COMPLETE &&
             (c->identified || identify(c, frame.request_id))) {
    c->in_request = true;
    enum sw_pipe_verdict v = s->cfg.on_request(s->cfg.ctx, c, &frame, &c->out);
    c->in_request = false;
    if (v == SW_PIPE_CLOSE) {
      c->close_after_write = true;
    } else if (v == SW_PIPE_DEFER && !c->resumed_early) {
      c->deferred = true;
      c->pending++; /* held for the owner until sw_pipe_conn_resume */
    }
    c->resumed_early = false;
  }
  /* The frame is used up; keep the rest (the next request, or part of
   * it) for after the reply. */
  if (used > 0) {
    memmove(c->in.data, c->in.data + used, c->in.len - used);
    c->in.len -= used;
  }
  next_step(c);
}

/* The posted packet: serves the ready queue for one slice. */
static void on_work(struct sw_req *io, DWORD bytes, DWORD error) {
  (void)bytes;
  (void)error;
  struct sw_pipe_server *s =
      sw_container_of(io, struct sw_pipe_server, work_io);
  s->work_posted = false;
  int64_t start = sw_clock_now_us(), deadline = start + SW_PIPE_SLICE_US;
  bool served = false;
  struct sw_list_node *node;
  while ((node = sw_list_first(&s->ready_queue)) != NULL &&
         (!served || sw_clock_now_us() < deadline)) {
    struct sw_pipe_conn *c = sw_list_entry(node, struct sw_pipe_conn, ready);
    sw_list_remove(node);
    c->queued = false;
    c->pending--;
    if (c->state == CONN_OPEN && !s->stopping) {
      serve_one(c);
      served = true;
    }
    settle(c);
  }
  if (!sw_list_empty(&s->ready_queue))
    post_work_after(s, sw_clock_now_us() - start);
}

static void on_read(struct sw_req *io, DWORD bytes, DWORD error) {
  struct sw_pipe_conn *c = sw_container_of(io, struct sw_pipe_conn, read_io);
  c->pending--;
  c->reading = false;
  if (c->state == CONN_OPEN) {
    c->last_io_us = sw_clock_now_us();
    if ((error && error != ERROR_MORE_DATA) || bytes == 0) {
      conn_close(c); /* the client went away */
    } else {
      if (c->in.len == 0 && !c->wait_since_us)
        c->wait_since_us = c->last_io_us; /* the first byte of a request */
      if (sw_buf_append(&c->in, c->rbuf, bytes) != SW_E_OK || c->in.truncated)
        conn_close(c); /* out of memory, or more than a frame can hold */
      else
        next_step(c);
    }
  }
  settle(c);
}

static void on_write(struct sw_req *io, DWORD bytes, DWORD error) {
  struct sw_pipe_conn *c = sw_container_of(io, struct sw_pipe_conn, write_io);
  c->pending--;
  c->writing = false;
  if (c->state == CONN_OPEN) {
    c->last_io_us = sw_clock_now_us();
    if (error) {
      conn_close(c); /* gone: nothing more is served for it */
    } else {
      c->out_off += bytes;
      next_step(c);
    }
  }
  settle(c);
}

static unsigned max_clients(const struct sw_pipe_server *s) {
  return s->cfg.max_clients ? s->cfg.max_clients : SW_PIPE_MAX_CLIENTS;
}

static void on_connect(struct sw_req *io, DWORD bytes, DWORD error) {
  (void)bytes;
  struct sw_pipe_conn *c = sw_container_of(io, struct sw_pipe_conn, connect_io);
  struct sw_pipe_server *s = c->server;
  c->pending--;
  if (c->state == CONN_LISTENING) {
    if (error && error != ERROR_PIPE_CONNECTED) {
      conn_close(c);
    } else {
      s->listening--;
      s->open++;
      c->state = CONN_OPEN;
      c->last_io_us = sw_clock_now_us();
      c->wait_since_us = c->last_io_us; /* its first request is due */
      GetNamedPipeClientProcessId(c->pipe, &c->pid);
      /* Told at its first request, so that the client can match the
       * answer to what it asked. */
      c->over_capacity = s->open > max_clients(s);
      next_step(c);
    }
  }
  settle(c);
}

static struct sw_pipe_conn *listen_one(struct sw_pipe_server *s, DWORD *err) {
  struct sw_pipe_conn *c = calloc(1, sizeof *c);
  if (!c) {
    *err = ERROR_NOT_ENOUGH_MEMORY;
    return NULL;
  }
  DWORD open_mode = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED;
  if (!s->first_created)
    open_mode |= FILE_FLAG_FIRST_PIPE_INSTANCE; /* nobody squats our name */
  c->pipe = CreateNamedPipeW(s->name, open_mode,
                             PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT |
                                 PIPE_REJECT_REMOTE_CLIENTS,
                             PIPE_UNLIMITED_INSTANCES, SW_PIPE_IO_BUFFER,
                             SW_PIPE_IO_BUFFER, 0, &s->sa);
  if (c->pipe == INVALID_HANDLE_VALUE) {
    *err = GetLastError();
    free(c);
    return NULL;
  }
  s->handles++;
  s->first_created = true;
  *err = sw_engine_attach(s->engine, c->pipe);
  if (*err) {
    close_handle(s, &c->pipe);
    free(c);
    return NULL;
  }
  c->server = s;
  c->state = CONN_LISTENING;
  sw_engine_req_init(&c->connect_io, on_connect);
  sw_engine_req_init(&c->read_io, on_read);
  sw_engine_req_init(&c->write_io, on_write);
  sw_buf_init(&c->in,
              SW_PIPE_FRAME_MAX + SW_PIPE_LENGTH_SIZE + SW_PIPE_IO_BUFFER);
  sw_buf_init(&c->out, 0);
  sw_list_insert_head(&s->conns, &c->link);
  s->instances++;
  s->listening++;
  c->pending++;
  if (!ConnectNamedPipe(c->pipe, &c->connect_io.ov)) {
    DWORD e = GetLastError();
    if (e == ERROR_PIPE_CONNECTED) {
      sw_engine_post(s->engine, &c->connect_io, 0); /* no packet of its own */
    } else if (e != ERROR_IO_PENDING) {
      c->pending--;
      conn_close(c);
    }
  }
  return c;
}

/* Keeps SW_PIPE_LISTENERS instances waiting, and always at least one, even
 * with every client slot taken (the extra client is told to come back):
 * the name must never lapse while the service runs. A failure is reported
 * once; the tick tries again. */
static void fill_listeners(struct sw_pipe_server *s) {
  unsigned want = s->open >= max_clients(s) ? 1 : SW_PIPE_LISTENERS;
  while (s->listening < want) {
    DWORD err;
    if (!listen_one(s, &err)) {
      if (!s->failing) {
        s->failing = true;
        if (s->cfg.on_problem)
          s->cfg.on_problem(s->cfg.ctx, SW_PIPE_INSTANCE_FAILED, err);
      }
      return;
    }
    if (s->failing) {
      s->failing = false;
      if (s->cfg.on_problem)
        s->cfg.on_problem(s->cfg.ctx, SW_PIPE_INSTANCE_RECOVERED, 0);
    }
  }
}

/* ---- the server ---------------------------------------------------------- */

/* Cancels the delay timer and waits for its callback: afterwards no
 * packet comes from it (work_posted says whether one is still due). */
static void close_delay(struct sw_pipe_server *s) {
  if (!s->delay)
    return;
  SetThreadpoolTimer(s->delay, NULL, 0, 0);
  WaitForThreadpoolTimerCallbacks(s->delay, TRUE);
  if (InterlockedExchange(&s->delay_armed, 0) == 1)
    s->work_posted = false; /* it never fired: nothing was posted */
  CloseThreadpoolTimer(s->delay);
  s->delay = NULL;
}

enum sw_error sw_pipe_server_start(struct sw_engine *e,
                                   const struct sw_pipe_server_config *cfg,
                                   struct sw_pipe_server **out,
                                   unsigned long *win_error) {
  unsigned long ignored;
  if (!win_error)
    win_error = &ignored;
  *out = NULL;
  struct sw_pipe_server *s = calloc(1, sizeof *s);
  if (!s)
    return SW_E_NOMEM;
  s->engine = e;
  s->cfg = *cfg;
  sw_list_init(&s->conns);
  sw_list_init(&s->ready_queue);
  sw_list_init(&s->accounts);
  sw_engine_req_init(&s->work_io, on_work);
  /* Without the timer, slices follow each other (still one request per
   * connection per round). */
  s->delay = CreateThreadpoolTimer(on_delay, s, NULL);
  wcsncpy(s->name, cfg->name ? cfg->name : SW_PIPE_NAME_W, 255);
  wchar_t sddl[512];
  DWORD err = cfg->sddl ? 0 : sw_pipe_security_sddl(NULL, sddl, 512);
  if (err) {
    *win_error = err;
    close_delay(s);
    free(s);
    return SW_E_SYSTEM;
  }
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
          cfg->sddl ? cfg->sddl : sddl, SDDL_REVISION_1, &s->sd, NULL)) {
    *win_error = GetLastError();
    close_delay(s);
    free(s);
    return SW_E_SYSTEM;
  }
  s->sa.nLength = sizeof s->sa;
  s->sa.lpSecurityDescriptor = s->sd;
  s->sa.bInheritHandle = FALSE;
  if (!listen_one(s, &err)) {
    *win_error = err;
    LocalFree(s->sd);
    close_delay(s);
    free(s);
    return SW_E_SYSTEM;
  }
  fill_listeners(s);
  *out = s;
  return SW_E_OK;
}

/* How long stop waits for the completions of the I/O it cancelled (they
 * follow the closed handles at once); past this, what is still pending is
 * leaked rather than freed while the kernel may write to it. */
#define STOP_DRAIN_US 2000000

void sw_pipe_server_stop(struct sw_pipe_server *s)
{
  if (!s)
    return;
  s->stopping = true;
  close_delay(s);
  struct sw_list_node *node, *tmp;
  SW_LIST_FOREACH(node, &s->conns) {
    conn_close(sw_list_entry(node, struct sw_pipe_conn, link));
  }
  /* Free what has nothing in flight; the rest goes as completions come
   * (the work packet empties the ready queue). */
  SW_LIST_FOREACH_SAFE(node, tmp, &s->conns) {
    struct sw_pipe_conn *c = sw_list_entry(node, struct sw_pipe_conn, link);
    if (c->pending == 0)
      conn_unlink_free(c);
  }
  if (!sw_list_empty(&s->ready_queue) && !s->work_posted)
    s->work_posted = sw_engine_post(s->engine, &s->work_io, 0);
  int64_t deadline = sw_clock_now_us() + STOP_DRAIN_US;
  while ((!sw_list_empty(&s->conns) || s->work_posted) && sw_clock_now_us() < deadline)
    sw_engine_run_once(s->engine, 50);
  if (NEVER(!sw_list_empty(&s->conns) || s->work_posted))
    return; /* a completion that never came: leak rather than crash */
  accounts_prune(s, 0, true);
  LocalFree(s->sd);
  free(s);
}

void sw_pipe_server_tick(struct sw_pipe_server *s, int64_t now_us) {
  struct sw_list_node *node, *tmp;
  SW_LIST_FOREACH_SAFE(node, tmp,
                       &s->conns) /* settle may free the connection */
  {
    struct sw_pipe_conn *c = sw_list_entry(node, struct sw_pipe_conn, link);
    if (c->state == CONN_OPEN && !c->deferred && !c->queued) {
      /* A request begun and not finished, or a reply the client does not
       * read, holds an instance others may need: not for long. */
      bool stuck =
          (c->wait_since_us && now_us - c->wait_since_us > SW_PIPE_STALL_US) ||
          (c->writing && now_us - c->write_since_us > SW_PIPE_STALL_US);
      bool idle = !c->writing && c->in.len == 0 &&
                  now_us - c->last_io_us > SW_PIPE_IDLE_US;
      if (stuck || idle) {
        conn_close(c);
        settle(c);
      }
    }
  }
  if (!s->stopping)
    fill_listeners(s);
  if (!sw_list_empty(&s->ready_queue))
    post_work(s);
  accounts_prune(s, now_us, false);
}

unsigned sw_pipe_server_clients(const struct sw_pipe_server *s) {
  return s->open;
}

unsigned sw_pipe_server_listening(const struct sw_pipe_server *s) {
  return s->listening;
}

HANDLE sw_pipe_server_handle(const struct sw_pipe_server *s) {
  const struct sw_list_node *node;
  SW_LIST_FOREACH(node, &s->conns) {
    const struct sw_pipe_conn *c =
        sw_list_entry(node, const struct sw_pipe_conn, link);
    if (c->pipe != INVALID_HANDLE_VALUE)
      return c->pipe;
  }
  return NULL;
}

bool sw_pipe_conn_is_admin(struct sw_pipe_conn *c) {
  return c->identified && c->admin;
}

bool sw_pipe_conn_rate_take(struct sw_pipe_conn *c, int64_t now_us) {
  if (sw_pipe_conn_is_admin(c))
    return true;
  struct account *a = c->account;
  if (NEVER(!a))
    return false; /* a request is served only after identify() */
  /* Generic cell rate: allowed while the theoretical arrival time is at
   * most BURST-1 intervals ahead. */
  int64_t tat = a->test_tat_us > now_us ? a->test_tat_us : now_us;
  if (tat - now_us > (SW_PIPE_TEST_BURST - 1) * SW_PIPE_TEST_EVERY_US)
    return false;
  a->test_tat_us = tat + SW_PIPE_TEST_EVERY_US;
  return true;
}

void sw_pipe_conn_resume(struct sw_pipe_conn *c, const struct sw_buf *reply) {
  if (c->in_request) {
    /* The check ended inside the callback that is deferring it: the reply
     * goes out as if the callback had answered at once. */
    if (sw_buf_append(&c->out, reply->data, reply->len) != SW_E_OK)
      c->close_after_write = true;
    c->resumed_early = true;
    return;
  }
  if (NEVER(!c->deferred))
    return; /* resumed twice */
  c->deferred = false;
  c->pending--;
  if (c->state == CONN_OPEN) {
    if (sw_buf_append(&c->out, reply->data, reply->len) != SW_E_OK)
      conn_close(c);
    else
      next_step(c);
  }
  settle(c);
}

uintptr_t *sw_pipe_conn_user(struct sw_pipe_conn *c) { return &c->user; }

unsigned long sw_pipe_conn_pid(const struct sw_pipe_conn *c) { return c->pid; }
