/* The editor's subscription thread (editor_live.h). */
#include "editor_live.h"

#include <stdlib.h>

#include "pipe_client.h"
#include "pipe_protocol.h"

#define CLIENT_NAME "smtpwatch-editor (live)"
#define OPEN_TIMEOUT_MS 5000
#define WAIT_MS 500   /* one wait for a push; the stop event is looked at between */
#define RETRY_MS 3000 /* after a lost or refused connection */

struct sw_live {
  HWND to;
  wchar_t pipe_name[128]; /* "" for the service's own */
  HANDLE stop, thread;
};

void sw_live_push_free(struct sw_pipe_push *p)
{
  if (!p)
    return;
  sw_pipe_push_free(p);
  free(p);
}

static void post(struct sw_live *l, enum sw_live_event ev, struct sw_pipe_push *p)
{
  if (!PostMessageW(l->to, WM_SW_LIVE, (WPARAM)ev, (LPARAM)p))
    sw_live_push_free(p); /* the window is gone */
}

/* SUBSCRIBE for the states and the rule changes (the list shows no
 * events). False if the service refused or the connection broke. */
static bool subscribe(struct sw_pipe_client *c)
{
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  struct sw_pipe_subscribe want = {.states = true, .rules = true};
  sw_pipe_put_subscribe(&fields, &want);
  struct sw_pipe_reply reply;
  sw_pipe_reply_init(&reply);
  char error[512];
  bool ok = !sw_pipe_client_call(c, SW_PIPE_MSG_SUBSCRIBE, &fields, &reply, error,
                                 sizeof error) &&
            reply.frame.message == SW_PIPE_MSG_SUBSCRIBE_OK;
  sw_pipe_reply_free(&reply);
  sw_buf_free(&fields);
  return ok;
}

/* Hands pushes to the window until the connection breaks or stop is set. */
static void relay(struct sw_live *l, struct sw_pipe_client *c)
{
  struct sw_pipe_reply push;
  sw_pipe_reply_init(&push);
  while (WaitForSingleObject(l->stop, 0) != WAIT_OBJECT_0) {
    bool timed_out;
    char error[512];
    if (sw_pipe_client_wait_push(c, WAIT_MS, &push, &timed_out, error, sizeof error))
      break;
    if (timed_out || push.frame.message != SW_PIPE_MSG_PUSH)
      continue;
    struct sw_pipe_push *p = malloc(sizeof *p);
    if (!p || sw_pipe_get_push(push.frame.body, push.frame.body_len, p)) {
      /* Out of memory or not understood: a push was missed, so the list
       * reads everything again. */
      if (p)
        sw_pipe_push_free(p);
      free(p);
      post(l, SW_LIVE_SUBSCRIBED, NULL);
      continue;
    }
    post(l, SW_LIVE_PUSH, p);
  }
  sw_pipe_reply_free(&push);
}

static DWORD WINAPI live_thread(void *arg)
{
  struct sw_live *l = arg;
  bool lost_told = false;
  do {
    char error[512];
    unsigned long win_error;
    struct sw_pipe_client *c =
        sw_pipe_client_open(l->pipe_name[0] ? l->pipe_name : NULL, CLIENT_NAME,
                            OPEN_TIMEOUT_MS, error, sizeof error, &win_error);
    if (c &&
        !sw_pipe_msg_allowed(SW_PIPE_MSG_SUBSCRIBE, sw_pipe_client_version(c), NULL, 0)) {
      sw_pipe_client_close(c);
      post(l, SW_LIVE_UNSUPPORTED, NULL);
      return 0; /* an older service: the window polls, as it always did */
    }
    if (c && subscribe(c)) {
      post(l, SW_LIVE_SUBSCRIBED, NULL);
      lost_told = false;
      relay(l, c);
    }
    sw_pipe_client_close(c);
    if (!lost_told)
      post(l, SW_LIVE_LOST, NULL);
    lost_told = true;
  } while (WaitForSingleObject(l->stop, RETRY_MS) == WAIT_TIMEOUT);
  return 0;
}

struct sw_live *sw_live_start(HWND to, const wchar_t *pipe_name)
{
  struct sw_live *l = calloc(1, sizeof *l);
  if (!l)
    return NULL;
  l->to = to;
  if (pipe_name)
    wcsncpy(l->pipe_name, pipe_name, 127);
  l->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
  l->thread = l->stop ? CreateThread(NULL, 0, live_thread, l, 0, NULL) : NULL;
  if (!l->thread) {
    if (l->stop)
      CloseHandle(l->stop);
    free(l);
    return NULL;
  }
  return l;
}

void sw_live_stop(struct sw_live *l)
{
  if (!l)
    return;
  SetEvent(l->stop);
  /* At most a wait for a push, or an open of the pipe, away. */
  WaitForSingleObject(l->thread, INFINITE);
  CloseHandle(l->thread);
  CloseHandle(l->stop);
  MSG msg;
  while (PeekMessageW(&msg, l->to, WM_SW_LIVE, WM_SW_LIVE, PM_REMOVE))
    if (msg.wParam == SW_LIVE_PUSH)
      sw_live_push_free((struct sw_pipe_push *)msg.lParam);
  free(l);
}
