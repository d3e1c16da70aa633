/* Named-pipe server on the engine's port. Each instance is a struct
 * sw_pipe_conn with one sw_engine_io per operation kind (connect, read,
 * write); it is freed only after its last pending operation completed
 * (the engine's endgame rule). */
#include "pipe_server.h"

#include <sddl.h>

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine_io.h"
#include "pipe_protocol.h"

#define sw_container_of_io(ptr, member)                                                  \
  ((struct sw_pipe_conn *)((char *)(ptr)-offsetof(struct sw_pipe_conn, member)))

#define SW_PIPE_LISTENERS 4 /* instances waiting for clients at any time */
#define SW_PIPE_IO_BUFFER 65536

enum conn_state { CONN_LISTENING, CONN_OPEN, CONN_CLOSING };

struct sw_pipe_conn {
  struct sw_pipe_server *server;
  struct sw_pipe_conn *prev, *next;
  HANDLE pipe;
  enum conn_state state;
  struct sw_engine_io connect_io, read_io, write_io;
  int pending; /* operations in flight */
  bool reading, writing;
  bool close_after_write;
  bool deferred;      /* a reply is owed by the owner (sw_pipe_conn_resume) */
  int64_t last_io_us; /* the last read or write that moved bytes */
  uintptr_t user;
  int admin; /* -1 unknown, 0 no, 1 yes */
  unsigned long pid;
  struct sw_buf in;  /* received, not yet a whole frame */
  struct sw_buf out; /* replies not yet written */
  size_t out_off;
  char rbuf[SW_PIPE_IO_BUFFER];
};

struct sw_pipe_server {
  struct sw_engine *engine;
  struct sw_pipe_server_config cfg;
  wchar_t name[256];
  SECURITY_ATTRIBUTES sa;
  PSECURITY_DESCRIPTOR sd;
  struct sw_pipe_conn *conns;
  unsigned instances, listening, open;
  bool first_created, stopping;
};

static void conn_close(struct sw_pipe_conn *c);
static void fill_listeners(struct sw_pipe_server *s);

static void conn_unlink_free(struct sw_pipe_conn *c)
{
  struct sw_pipe_server *s = c->server;
  if (c->prev)
    c->prev->next = c->next;
  else
    s->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  s->instances--;
  sw_buf_free(&c->in);
  sw_buf_free(&c->out);
  free(c);
}

/* After any event: free a closing connection with nothing in flight, and
 * keep enough instances listening. */
static void settle(struct sw_pipe_conn *c)
{
  struct sw_pipe_server *s = c->server;
  if (c->state == CONN_CLOSING && c->pending == 0)
    conn_unlink_free(c);
  if (!s->stopping)
    fill_listeners(s);
}

static void conn_close(struct sw_pipe_conn *c)
{
  if (c->state == CONN_CLOSING)
    return;
  struct sw_pipe_server *s = c->server;
  if (c->state == CONN_LISTENING)
    s->listening--;
  else
    s->open--;
  c->state = CONN_CLOSING;
  /* Closing the handle cancels what is pending; those completions still
   * arrive and are counted off before the struct is freed. No
   * DisconnectNamedPipe: it throws away what the client has not read yet,
   * such as the error that explains why we close; after a plain close the
   * client reads it, then sees the pipe broken. */
  CloseHandle(c->pipe);
  c->pipe = INVALID_HANDLE_VALUE;
}

static void start_read(struct sw_pipe_conn *c);

static void start_write(struct sw_pipe_conn *c)
{
  if (c->writing || c->state != CONN_OPEN)
    return;
  if (c->deferred && c->out_off >= c->out.len)
    return; /* nothing to send until the owner resumes us */
  if (c->out_off >= c->out.len) {
    sw_buf_free(&c->out);
    c->out_off = 0;
    if (c->close_after_write)
      conn_close(c);
    else
      start_read(c);
    return;
  }
  memset(&c->write_io.ov, 0, sizeof c->write_io.ov);
  DWORD n = (DWORD)(c->out.len - c->out_off);
  if (!WriteFile(c->pipe, c->out.data + c->out_off, n, NULL, &c->write_io.ov) &&
      GetLastError() != ERROR_IO_PENDING) {
    conn_close(c);
    return;
  }
  c->writing = true;
  c->pending++;
}

/* Hands every whole frame in c->in to the owner; queues the replies. */
static void process_input(struct sw_pipe_conn *c)
{
  struct sw_pipe_server *s = c->server;
  size_t off = 0;
  while (!c->close_after_write && !c->deferred) {
    struct sw_pipe_frame frame;
    size_t used;
    enum sw_pipe_decode d = sw_pipe_frame_decode((const uint8_t *)c->in.data + off,
                                                 c->in.len - off, &frame, &used);
    if (d == SW_PIPE_PARTIAL)
      break;
    if (d == SW_PIPE_TOO_LARGE) {
      conn_close(c); /* not a word more: it would keep sending */
      return;
    }
    if (d == SW_PIPE_MALFORMED) {
      sw_pipe_encode_error(
          &c->out, 0, SW_PIPE_ERR_BAD_REQUEST,
          "The request was not a valid frame; the connection is closed.");
      c->close_after_write = true;
      break;
    }
    enum sw_pipe_verdict v = s->cfg.on_request(s->cfg.ctx, c, &frame, &c->out);
    if (v == SW_PIPE_CLOSE)
      c->close_after_write = true;
    else if (v == SW_PIPE_DEFER) {
      c->deferred = true;
      c->pending++; /* held for the owner until sw_pipe_conn_resume */
    }
    off += used;
  }
  /* Keep only the unfinished tail. */
  if (off > 0) {
    memmove(c->in.data, c->in.data + off, c->in.len - off);
    c->in.len -= off;
  }
  start_write(c);
}

static void start_read(struct sw_pipe_conn *c)
{
  if (c->reading || c->writing || c->deferred || c->state != CONN_OPEN)
    return;
  memset(&c->read_io.ov, 0, sizeof c->read_io.ov);
  if (!ReadFile(c->pipe, c->rbuf, sizeof c->rbuf, NULL, &c->read_io.ov) &&
      GetLastError() != ERROR_IO_PENDING) {
    conn_close(c);
    return;
  }
  c->reading = true;
  c->pending++;
}

static void on_read(struct sw_engine_io *io, DWORD bytes, DWORD error)
{
  struct sw_pipe_conn *c = sw_container_of_io(io, read_io);
  c->pending--;
  c->reading = false;
  c->last_io_us = sw_clock_now_us();
  if (c->state == CONN_OPEN) {
    if ((error && error != ERROR_MORE_DATA) || bytes == 0) {
      conn_close(c); /* the client went away */
    } else if (sw_buf_append(&c->in, c->rbuf, bytes) != SW_E_OK || c->in.truncated) {
      conn_close(c); /* out of memory, or more than one frame can hold */
    } else {
      process_input(c);
      start_read(c); /* no-op while a reply is being written */
    }
  }
  settle(c);
}

static void on_write(struct sw_engine_io *io, DWORD bytes, DWORD error)
{
  struct sw_pipe_conn *c = sw_container_of_io(io, write_io);
  c->pending--;
  c->writing = false;
  c->last_io_us = sw_clock_now_us();
  if (c->state == CONN_OPEN) {
    if (error) {
      conn_close(c);
    } else {
      c->out_off += bytes;
      start_write(c);
    }
  }
  settle(c);
}

static void on_connect(struct sw_engine_io *io, DWORD bytes, DWORD error)
{
  (void)bytes;
  struct sw_pipe_conn *c = sw_container_of_io(io, connect_io);
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
      GetNamedPipeClientProcessId(c->pipe, &c->pid);
      start_read(c);
    }
  }
  settle(c);
}

static struct sw_pipe_conn *listen_one(struct sw_pipe_server *s, DWORD *err)
{
  struct sw_pipe_conn *c = calloc(1, sizeof *c);
  if (!c) {
    *err = ERROR_NOT_ENOUGH_MEMORY;
    return NULL;
  }
  DWORD open_mode = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED;
  if (!s->first_created)
    open_mode |= FILE_FLAG_FIRST_PIPE_INSTANCE; /* nobody squats our name */
  c->pipe = CreateNamedPipeW(
      s->name, open_mode,
      PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
      PIPE_UNLIMITED_INSTANCES, SW_PIPE_IO_BUFFER, SW_PIPE_IO_BUFFER, 0, &s->sa);
  if (c->pipe == INVALID_HANDLE_VALUE || (*err = sw_engine_attach(s->engine, c->pipe))) {
    if (c->pipe == INVALID_HANDLE_VALUE)
      *err = GetLastError();
    else
      CloseHandle(c->pipe);
    free(c);
    return NULL;
  }
  s->first_created = true;
  c->server = s;
  c->admin = -1;
  c->state = CONN_LISTENING;
  c->connect_io.done = on_connect;
  c->read_io.done = on_read;
  c->write_io.done = on_write;
  sw_buf_init(&c->in, SW_PIPE_FRAME_MAX + SW_PIPE_LENGTH_SIZE + SW_PIPE_IO_BUFFER);
  sw_buf_init(&c->out, 0);
  c->next = s->conns;
  if (s->conns)
    s->conns->prev = c;
  s->conns = c;
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
  *err = 0;
  return c;
}

static void fill_listeners(struct sw_pipe_server *s)
{
  unsigned max = s->cfg.max_clients ? s->cfg.max_clients : 64;
  while (s->listening < SW_PIPE_LISTENERS && s->open + s->listening < max) {
    DWORD err;
    if (!listen_one(s, &err))
      break; /* tried again at the next event */
  }
}

enum sw_error sw_pipe_server_start(struct sw_engine *e,
                                   const struct sw_pipe_server_config *cfg,
                                   struct sw_pipe_server **out, unsigned long *win_error)
{
  unsigned long ignored;
  if (!win_error)
    win_error = &ignored;
  *out = NULL;
  struct sw_pipe_server *s = calloc(1, sizeof *s);
  if (!s)
    return SW_E_NOMEM;
  s->engine = e;
  s->cfg = *cfg;
  wcsncpy(s->name, cfg->name ? cfg->name : SW_PIPE_NAME_W, 255);
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
          cfg->sddl ? cfg->sddl : SW_PIPE_SDDL, SDDL_REVISION_1, &s->sd, NULL)) {
    *win_error = GetLastError();
    free(s);
    return SW_E_SYSTEM;
  }
  s->sa.nLength = sizeof s->sa;
  s->sa.lpSecurityDescriptor = s->sd;
  s->sa.bInheritHandle = FALSE;
  DWORD err;
  if (!listen_one(s, &err)) {
    *win_error = err;
    LocalFree(s->sd);
    free(s);
    return SW_E_SYSTEM;
  }
  fill_listeners(s);
  *out = s;
  return SW_E_OK;
}

void sw_pipe_server_stop(struct sw_pipe_server *s)
{
  if (!s)
    return;
  s->stopping = true;
  for (struct sw_pipe_conn *c = s->conns; c; c = c->next)
    conn_close(c);
  /* Free what has nothing in flight; the rest goes as completions come. */
  struct sw_pipe_conn *c = s->conns;
  while (c) {
    struct sw_pipe_conn *next = c->next;
    if (c->pending == 0)
      conn_unlink_free(c);
    c = next;
  }
  int64_t deadline = sw_clock_now_us() + 2000000;
  while (s->conns && sw_clock_now_us() < deadline)
    sw_engine_run_once(s->engine, 50);
  if (s->conns)
    return; /* NEVER: a completion that never came; leak rather than crash */
  LocalFree(s->sd);
  free(s);
}

void sw_pipe_server_tick(struct sw_pipe_server *s, int64_t now_us)
{
  struct sw_pipe_conn *c = s->conns;
  while (c) {
    struct sw_pipe_conn *next = c->next; /* settle may free c */
    if (c->state == CONN_OPEN && !c->deferred) {
      int64_t idle = now_us - c->last_io_us;
      /* A request begun and not finished, or a reply the client does not
       * read, holds an instance others may need: not for long. */
      bool stuck = (c->in.len > 0 || c->writing) && idle > SW_PIPE_STALL_US;
      if (stuck || idle > SW_PIPE_IDLE_US) {
        conn_close(c);
        settle(c);
      }
    }
    c = next;
  }
}

unsigned sw_pipe_server_clients(const struct sw_pipe_server *s)
{
  return s->open;
}

bool sw_pipe_conn_is_admin(struct sw_pipe_conn *c)
{
  if (c->admin >= 0)
    return c->admin == 1;
  c->admin = 0;
  if (c->state != CONN_OPEN || !ImpersonateNamedPipeClient(c->pipe))
    return false;
  HANDLE token = NULL;
  BOOL member = FALSE;
  BYTE sid_buf[SECURITY_MAX_SID_SIZE];
  DWORD sid_size = sizeof sid_buf;
  if (OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &token) &&
      CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, sid_buf, &sid_size) &&
      CheckTokenMembership(token, sid_buf, &member) && member)
    c->admin = 1;
  if (token)
    CloseHandle(token);
  RevertToSelf();
  return c->admin == 1;
}

void sw_pipe_conn_resume(struct sw_pipe_conn *c, const struct sw_buf *reply)
{
  if (!c->deferred)
    return; /* NEVER: resumed twice */
  c->deferred = false;
  c->pending--;
  if (c->state == CONN_OPEN) {
    if (sw_buf_append(&c->out, reply->data, reply->len) != SW_E_OK)
      conn_close(c);
    else
      process_input(c); /* requests that came meanwhile, then the write */
  }
  settle(c);
}

uintptr_t *sw_pipe_conn_user(struct sw_pipe_conn *c)
{
  return &c->user;
}

unsigned long sw_pipe_conn_pid(const struct sw_pipe_conn *c)
{
  return c->pid;
}
