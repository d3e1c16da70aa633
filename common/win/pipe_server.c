/* Named-pipe server on the engine's port: its instances and connections.
 * Each instance is a struct sw_pipe_conn with one engine request
 * (engine_req.h) per operation kind (connect, read, write); it is freed
 * only after its last pending operation completed (the engine's endgame
 * rule). Completions only move bytes: a whole request waits in the ready
 * queue (pipe_server_queue.c) for its turn. A connection reads and serves
 * its next request only once its reply has been written, so its output
 * never holds more than one reply, and the work of a client that has gone
 * stops at the first failed write. */
#include "pipe_server.h"

#include <sddl.h>

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "clock.h"
#include "pipe_server_internal.h"
#include "sw_macros.h"

static void fill_listeners(struct sw_pipe_server *s);

static void close_handle(struct sw_pipe_server *s, HANDLE *h)
{
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

static void conn_unlink_free(struct sw_pipe_conn *c)
{
  sw_list_remove(&c->link);
  c->server->instances--;
  sw_buf_free(&c->in);
  sw_buf_free(&c->out);
  free(c);
}

/* After any event: free a closing connection with nothing in flight, and
 * keep instances listening. */
void sw__pipe_settle(struct sw_pipe_conn *c)
{
  struct sw_pipe_server *s = c->server;
  if (c->state == SW_PIPE_CONN_CLOSING && c->pending == 0)
    conn_unlink_free(c);
  if (!s->stopping && !s->failing)
    fill_listeners(s); /* while failing, the tick retries */
}

void sw__pipe_conn_close(struct sw_pipe_conn *c)
{
  if (c->state == SW_PIPE_CONN_CLOSING)
    return;
  struct sw_pipe_server *s = c->server;
  if (c->state == SW_PIPE_CONN_LISTENING)
    s->listening--;
  else
    s->open--;
  if (c->account) {
    c->account->conns--;
    c->account = NULL;
  }
  /* Before the state changes: the owner forgets what it keeps for it (a
   * subscription, a staged import). */
  if (c->state == SW_PIPE_CONN_OPEN && s->cfg.on_closed)
    s->cfg.on_closed(s->cfg.ctx, c);
  c->state = SW_PIPE_CONN_CLOSING;
  /* Closing the handle cancels what is pending; those completions still
   * arrive and are counted off before the struct is freed. No
   * DisconnectNamedPipe: it throws away what the client has not read yet,
   * such as the error that explains why we close; after a plain close the
   * client reads it, then sees the pipe broken. */
  close_handle(s, &c->pipe);
}

/* Queues an error reply and closes the connection once it is written. */
void sw__pipe_refuse(struct sw_pipe_conn *c, uint32_t request_id, enum sw_pipe_error e,
                     const char *why)
{
  sw_pipe_encode_error(&c->out, request_id, e, why);
  c->close_after_write = true;
}

static void start_write(struct sw_pipe_conn *c)
{
  memset(&c->write_io.ov, 0, sizeof c->write_io.ov);
  DWORD n = (DWORD)(c->out.len - c->out_off);
  if (!WriteFile(c->pipe, c->out.data + c->out_off, n, NULL, &c->write_io.ov) &&
      GetLastError() != ERROR_IO_PENDING) {
    sw__pipe_conn_close(c);
    return;
  }
  if (!c->write_since_us)
    c->write_since_us = sw_clock_now_us();
  c->writing = true;
  c->pending++;
}

static void start_read(struct sw_pipe_conn *c)
{
  memset(&c->read_io.ov, 0, sizeof c->read_io.ov);
  if (!ReadFile(c->pipe, c->rbuf, sizeof c->rbuf, NULL, &c->read_io.ov) &&
      GetLastError() != ERROR_IO_PENDING) {
    sw__pipe_conn_close(c);
    return;
  }
  c->reading = true;
  c->pending++;
}

/* What an open connection does next when nothing of its own is in flight:
 * write what is owed, else close if asked to, else queue a whole request
 * for serving, else read more. */
void sw__pipe_next_step(struct sw_pipe_conn *c)
{
  if (c->state != SW_PIPE_CONN_OPEN || c->reading || c->writing || c->deferred ||
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
    sw__pipe_conn_close(c);
    return;
  }
  struct sw_pipe_frame frame;
  size_t used;
  enum sw_pipe_decode d =
      sw_pipe_frame_decode((const uint8_t *)c->in.data, c->in.len, &frame, &used);
  if (d == SW_PIPE_PARTIAL) {
    /* The client owes the rest of a request: the stall deadline runs from
     * the moment we wait for it, not from its last byte. */
    if (c->in.len > 0 && !c->wait_since_us)
      c->wait_since_us = sw_clock_now_us();
    start_read(c);
  } else {
    c->wait_since_us = 0;
    sw__pipe_enqueue(c);
  }
}

static void on_read(struct sw_req *io, DWORD bytes, DWORD error)
{
  struct sw_pipe_conn *c = sw_container_of(io, struct sw_pipe_conn, read_io);
  c->pending--;
  c->reading = false;
  if (c->state == SW_PIPE_CONN_OPEN) {
    c->last_io_us = sw_clock_now_us();
    if ((error && error != ERROR_MORE_DATA) || bytes == 0) {
      sw__pipe_conn_close(c); /* the client went away */
    } else {
      if (c->in.len == 0 && !c->wait_since_us)
        c->wait_since_us = c->last_io_us; /* the first byte of a request */
      if (sw_buf_append(&c->in, c->rbuf, bytes) != SW_E_OK || c->in.truncated)
        sw__pipe_conn_close(c); /* out of memory, or more than a frame can hold */
      else
        sw__pipe_next_step(c);
    }
  }
  sw__pipe_settle(c);
}

static void on_write(struct sw_req *io, DWORD bytes, DWORD error)
{
  struct sw_pipe_conn *c = sw_container_of(io, struct sw_pipe_conn, write_io);
  c->pending--;
  c->writing = false;
  if (c->state == SW_PIPE_CONN_OPEN) {
    c->last_io_us = sw_clock_now_us();
    if (error) {
      sw__pipe_conn_close(c); /* gone: nothing more is served for it */
    } else {
      c->out_off += bytes;
      if (c->out_off < c->out.len) {
        start_write(c); /* what is owed goes on, whatever else is in flight */
      } else if (!c->in_request) {
        sw_buf_free(&c->out);
        c->out_off = 0;
        c->write_since_us = 0;
        sw__pipe_next_step(c);
      }
    }
  }
  sw__pipe_settle(c);
}

static unsigned max_clients(const struct sw_pipe_server *s)
{
  return s->cfg.max_clients ? s->cfg.max_clients : SW_PIPE_MAX_CLIENTS;
}

static void on_connect(struct sw_req *io, DWORD bytes, DWORD error)
{
  (void)bytes;
  struct sw_pipe_conn *c = sw_container_of(io, struct sw_pipe_conn, connect_io);
  struct sw_pipe_server *s = c->server;
  c->pending--;
  if (c->state == SW_PIPE_CONN_LISTENING) {
    if (error && error != ERROR_PIPE_CONNECTED) {
      sw__pipe_conn_close(c);
    } else {
      s->listening--;
      s->open++;
      c->state = SW_PIPE_CONN_OPEN;
      c->last_io_us = sw_clock_now_us();
      c->wait_since_us = c->last_io_us; /* its first request is due */
      GetNamedPipeClientProcessId(c->pipe, &c->pid);
      /* Told at its first request, so that the client can match the
       * answer to what it asked. */
      c->over_capacity = s->open > max_clients(s);
      sw__pipe_next_step(c);
    }
  }
  sw__pipe_settle(c);
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
  c->state = SW_PIPE_CONN_LISTENING;
  sw_engine_req_init(&c->connect_io, on_connect);
  sw_engine_req_init(&c->read_io, on_read);
  sw_engine_req_init(&c->write_io, on_write);
  sw_buf_init(&c->in, SW_PIPE_FRAME_MAX + SW_PIPE_LENGTH_SIZE + SW_PIPE_IO_BUFFER);
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
      sw__pipe_conn_close(c);
    }
  }
  return c;
}

/* Keeps SW_PIPE_LISTENERS instances waiting, and always at least one, even
 * with every client slot taken (the extra client is told to come back):
 * the name must never lapse while the service runs. A failure is reported
 * once; the tick tries again. */
static void fill_listeners(struct sw_pipe_server *s)
{
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
  sw_list_init(&s->conns);
  sw_list_init(&s->accounts);
  sw__pipe_queue_init(s);
  wcsncpy(s->name, cfg->name ? cfg->name : SW_PIPE_NAME_W, 255);
  wchar_t sddl[512];
  DWORD err = cfg->sddl ? 0 : sw_pipe_security_sddl(NULL, sddl, 512);
  if (err) {
    *win_error = err;
    sw__pipe_queue_close(s);
    free(s);
    return SW_E_SYSTEM;
  }
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
          cfg->sddl ? cfg->sddl : sddl, SDDL_REVISION_1, &s->sd, NULL)) {
    *win_error = GetLastError();
    sw__pipe_queue_close(s);
    free(s);
    return SW_E_SYSTEM;
  }
  s->sa.nLength = sizeof s->sa;
  s->sa.lpSecurityDescriptor = s->sd;
  s->sa.bInheritHandle = FALSE;
  if (!listen_one(s, &err)) {
    *win_error = err;
    LocalFree(s->sd);
    sw__pipe_queue_close(s);
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
  sw__pipe_queue_close(s);
  struct sw_list_node *node, *tmp;
  SW_LIST_FOREACH(node, &s->conns)
  {
    sw__pipe_conn_close(sw_list_entry(node, struct sw_pipe_conn, link));
  }
  /* Free what has nothing in flight; the rest goes as completions come
   * (the work packet empties the ready queue). */
  SW_LIST_FOREACH_SAFE(node, tmp, &s->conns)
  {
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
  sw__pipe_accounts_prune(s, 0, true);
  LocalFree(s->sd);
  free(s);
}

void sw_pipe_server_tick(struct sw_pipe_server *s, int64_t now_us)
{
  struct sw_list_node *node, *tmp;
  SW_LIST_FOREACH_SAFE(node, tmp, &s->conns) /* settle may free the connection */
  {
    struct sw_pipe_conn *c = sw_list_entry(node, struct sw_pipe_conn, link);
    if (c->state == SW_PIPE_CONN_OPEN && !c->deferred && !c->queued) {
      /* A request begun and not finished, or a reply the client does not
       * read, holds an instance others may need: not for long. */
      bool stuck = (c->wait_since_us && now_us - c->wait_since_us > SW_PIPE_STALL_US) ||
                   (c->writing && now_us - c->write_since_us > SW_PIPE_STALL_US);
      bool idle = !c->writing && c->in.len == 0 && !c->subscribed &&
                  now_us - c->last_io_us > SW_PIPE_IDLE_US;
      if (stuck || idle) {
        sw__pipe_conn_close(c);
        sw__pipe_settle(c);
      }
    }
  }
  if (!s->stopping)
    fill_listeners(s);
  if (!sw_list_empty(&s->ready_queue))
    sw__pipe_post_work(s);
  sw__pipe_accounts_prune(s, now_us, false);
}

unsigned sw_pipe_server_clients(const struct sw_pipe_server *s)
{
  return s->open;
}

unsigned sw_pipe_server_listening(const struct sw_pipe_server *s)
{
  return s->listening;
}

HANDLE sw_pipe_server_handle(const struct sw_pipe_server *s)
{
  const struct sw_list_node *node;
  SW_LIST_FOREACH(node, &s->conns)
  {
    const struct sw_pipe_conn *c = sw_list_entry(node, const struct sw_pipe_conn, link);
    if (c->pipe != INVALID_HANDLE_VALUE)
      return c->pipe;
  }
  return NULL;
}

void sw_pipe_conn_resume(struct sw_pipe_conn *c, const struct sw_buf *reply)
{
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
  if (c->state == SW_PIPE_CONN_OPEN) {
    if (sw_buf_append(&c->out, reply->data, reply->len) != SW_E_OK)
      sw__pipe_conn_close(c);
    else
      sw__pipe_next_step(c);
  }
  sw__pipe_settle(c);
}

bool sw_pipe_conn_push_ready(const struct sw_pipe_conn *c)
{
  return c->state == SW_PIPE_CONN_OPEN && !c->writing && !c->in_request &&
         !c->close_after_write && c->out_off >= c->out.len;
}

void sw_pipe_conn_push(struct sw_pipe_conn *c, const struct sw_buf *frames)
{
  if (NEVER(!sw_pipe_conn_push_ready(c)) || frames->len == 0)
    return;
  if (sw_buf_append(&c->out, frames->data, frames->len) != SW_E_OK) {
    sw__pipe_conn_close(c);
  } else {
    /* Written beside a read in flight: a subscriber waits for pushes
     * with a read of its own pending on our side too. */
    start_write(c);
  }
  sw__pipe_settle(c);
}

void sw_pipe_conn_set_subscribed(struct sw_pipe_conn *c, bool subscribed)
{
  c->subscribed = subscribed;
}

uintptr_t *sw_pipe_conn_user(struct sw_pipe_conn *c)
{
  return &c->user;
}

unsigned long sw_pipe_conn_pid(const struct sw_pipe_conn *c)
{
  return c->pid;
}
