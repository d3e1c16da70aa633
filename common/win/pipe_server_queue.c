/* The pipe server's ready queue: fair serving of requests. Completions
 * only move bytes. A connection with a whole request waiting joins the
 * ready queue, which a posted completion packet (work_io) serves
 * round-robin, one request per connection per round, for at most
 * SW_PIPE_SLICE_US; the rest waits for the next packet, behind the checks'
 * completions, and after a long slice (one costly request) for as long
 * again, so that requests get at most about half of the loop's time. */
#include <string.h>

#include "clock.h"
#include "pipe_server_internal.h"
#include "sw_macros.h"

void sw__pipe_post_work(struct sw_pipe_server *s)
{
  if (s->work_posted || s->stopping)
    return;
  /* The port is ours, so the post succeeds; if it did not, the next tick
   * posts again. */
  s->work_posted = ALWAYS(sw_engine_post(s->engine, &s->work_io, 0));
}

static void CALLBACK on_delay(PTP_CALLBACK_INSTANCE inst, void *ctx, PTP_TIMER timer)
{
  (void)inst;
  (void)timer;
  struct sw_pipe_server *s = ctx;
  if (InterlockedExchange(&s->delay_armed, 0) == 1)
    sw_engine_post(s->engine, &s->work_io, 0);
}

/* Serves the ready queue again after `delay_us` (at once if short). */
static void post_work_after(struct sw_pipe_server *s, int64_t delay_us)
{
  if (s->work_posted || s->stopping)
    return;
  if (delay_us < SW_PIPE_SLICE_US / 10 || !s->delay) {
    sw__pipe_post_work(s);
    return;
  }
  LONGLONG due = -(LONGLONG)delay_us * 10; /* relative, in 100 ns */
  FILETIME ft = {.dwLowDateTime = (DWORD)due, .dwHighDateTime = (DWORD)(due >> 32)};
  s->work_posted = true;
  InterlockedExchange(&s->delay_armed, 1);
  SetThreadpoolTimer(s->delay, &ft, 0, 0);
}

void sw__pipe_enqueue(struct sw_pipe_conn *c)
{
  struct sw_pipe_server *s = c->server;
  if (c->queued)
    return;
  c->queued = true;
  c->pending++; /* not freed while queued */
  sw_list_insert_tail(&s->ready_queue, &c->ready);
  sw__pipe_post_work(s);
}

/* Serves the request at the front of c->in (the ready queue's turn). */
static void serve_one(struct sw_pipe_conn *c)
{
  struct sw_pipe_server *s = c->server;
  struct sw_pipe_frame frame;
  size_t used = 0;
  enum sw_pipe_decode d =
      sw_pipe_frame_decode((const uint8_t *)c->in.data, c->in.len, &frame, &used);
  if (d == SW_PIPE_TOO_LARGE) {
    sw__pipe_conn_close(c); /* not a word more: it would keep sending */
    return;
  }
  /* Only the server pushes: a client's push flag is a malformed frame. */
  if (d == SW_PIPE_MALFORMED || (d == SW_PIPE_COMPLETE && frame.flags != 0)) {
    sw__pipe_refuse(c, 0, SW_PIPE_ERR_BAD_REQUEST,
                    "The request was not a valid frame; the connection is closed.");
  } else if (d == SW_PIPE_COMPLETE &&
             (c->identified || sw__pipe_identify(c, frame.request_id))) {
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
  sw__pipe_next_step(c);
}

/* The posted packet: serves the ready queue for one slice. */
static void on_work(struct sw_req *io, DWORD bytes, DWORD error)
{
  (void)bytes;
  (void)error;
  struct sw_pipe_server *s = sw_container_of(io, struct sw_pipe_server, work_io);
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
    if (c->state == SW_PIPE_CONN_OPEN && !s->stopping) {
      serve_one(c);
      served = true;
    }
    sw__pipe_settle(c);
  }
  if (!sw_list_empty(&s->ready_queue))
    post_work_after(s, sw_clock_now_us() - start);
}

/* Cancels the delay timer and waits for its callback: afterwards no
 * packet comes from it (work_posted says whether one is still due). */
void sw__pipe_queue_init(struct sw_pipe_server *s)
{
  sw_list_init(&s->ready_queue);
  sw_engine_req_init(&s->work_io, on_work);
  /* Without the timer, slices follow each other (still one request per
   * connection per round). */
  s->delay = CreateThreadpoolTimer(on_delay, s, NULL);
}

void sw__pipe_queue_close(struct sw_pipe_server *s)
{
  if (!s->delay)
    return;
  SetThreadpoolTimer(s->delay, NULL, 0, 0);
  WaitForThreadpoolTimerCallbacks(s->delay, TRUE);
  if (InterlockedExchange(&s->delay_armed, 0) == 1)
    s->work_posted = false; /* it never fired: nothing was posted */
  CloseThreadpoolTimer(s->delay);
  s->delay = NULL;
}
