/* `smtpwatch watch`: subscribes (protocol version 4) and prints what the
 * service pushes, one line each, until Ctrl+C (common/manage/manage_watch.c
 * writes the lines). For scripts that must react to a state change
 * without polling `smtpwatch status`. */
#include <windows.h>

#include <stdio.h>

#include "cli_pipe.h"
#include "console_out.h"
#include "manage_watch.h"
#include "pipe_push.h"

/* How long one wait for a push lasts: Ctrl+C is noticed within it. */
#define WATCH_POLL_MS 500

static volatile LONG stop_requested;

static BOOL WINAPI on_console_ctrl(DWORD type)
{
  (void)type;
  InterlockedExchange(&stop_requested, 1);
  return TRUE; /* we end by ourselves, having closed the pipe */
}

static void print(struct sw_buf *lines)
{
  if (lines->len)
    sw_console_puts(stdout, sw_buf_str(lines));
  fflush(stdout); /* a script reads each line as it comes */
  sw_buf_free(lines);
}

/* Subscribes to everything and prints the first line. */
static int subscribe(struct sw_cli_conn *c, const struct sw_manage_view *v)
{
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  struct sw_pipe_subscribe want = {.states = true, .events = true, .rules = true};
  sw_pipe_put_subscribe(&fields, &want);
  int code =
      sw_cli_pipe_call(c, SW_PIPE_MSG_SUBSCRIBE, &fields, SW_PIPE_MSG_SUBSCRIBE_OK);
  sw_buf_free(&fields);
  if (code)
    return code;
  struct sw_pipe_subscribe granted;
  if (sw_pipe_get_subscribe(c->reply.frame.body, c->reply.frame.body_len, &granted))
    return sw_cli_not_understood(c);
  struct sw_buf lines;
  sw_buf_init(&lines, 0);
  sw_manage_watch_subscribed(v, &granted, &lines);
  print(&lines);
  return 0;
}

static int watch(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  struct sw_manage_view v = sw_cli_view(a->format);
  int code = subscribe(c, &v);
  if (code)
    return code;
  SetConsoleCtrlHandler(on_console_ctrl, TRUE);
  while (!stop_requested) {
    bool timed_out;
    char error[512];
    if (sw_pipe_client_wait_push(c->client, WATCH_POLL_MS, &c->reply, &timed_out, error,
                                 sizeof error)) {
      sw_cli_say(c, "%s", error);
      return SW_MANAGE_EXIT_UNREACHABLE;
    }
    if (timed_out)
      continue;
    if (c->reply.frame.message != SW_PIPE_MSG_PUSH)
      continue; /* a newer service's push this program does not know */
    struct sw_buf lines;
    sw_buf_init(&lines, 0);
    if (sw_manage_watch_lines(c->reply.frame.body, c->reply.frame.body_len, &v, &lines)) {
      sw_buf_free(&lines);
      return sw_cli_not_understood(c);
    }
    print(&lines);
  }
  return SW_MANAGE_EXIT_OK;
}

const struct sw_cli_command sw_cli_watch_commands[] = {
    {SW_MANAGE_WATCH, false, watch},
    {0, false, NULL},
};
