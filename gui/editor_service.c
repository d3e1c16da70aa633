/* The editor's service worker (editor_service.h): a queue of jobs served
 * in order on one thread over one pipe connection, which is opened when a
 * job needs it and after a failure; test jobs on threads of their own. */
#include "editor_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "manage_args.h"
#include "pipe_protocol.h"
#include "smtp_auth.h" /* sw_auth_wipe */
#include "sw_array.h"
#include "sw_macros.h"

#define CLIENT_NAME "smtpwatch-editor"
#define CALL_TIMEOUT_MS 15000u /* an ordinary request (as smtpwatch.exe) */
#define TEST_MARGIN_MS 15000u  /* a test: the rule's timeout and this */
#define STOP_WAIT_MS 3000u     /* how long stop waits for a request */

struct sw_service {
  HWND state_window;
  wchar_t pipe_name[128]; /* "" for the service's own */
  HANDLE thread;
  CRITICAL_SECTION lock; /* guards everything below */
  CONDITION_VARIABLE wake;
  struct sw_service_job *head, *tail;
  bool stopping;
  enum sw_service_state state;
  char state_text[512];
  /* The worker's own: */
  struct sw_pipe_client *client;
};

struct sw_service_job *sw_service_job_new(HWND reply_to, uint16_t message, WPARAM tag)
{
  struct sw_service_job *job = calloc(1, sizeof *job);
  if (!job)
    return NULL;
  job->reply_to = reply_to;
  job->message = message;
  job->tag = tag;
  sw_buf_init(&job->fields, SW_PIPE_FRAME_MAX);
  sw_pipe_reply_init(&job->reply);
  return job;
}

/* Frees the rows a job has taken so far and forgets them. */
static void drop_rows(struct sw_service_job *job)
{
  for (size_t i = 0; i < job->row_count; i++)
    sw_rule_row_free(&job->rows[i]);
  job->row_count = 0;
}

void sw_service_job_free(struct sw_service_job *job)
{
  if (!job)
    return;
  /* A rule's or a notifier's secrets may have travelled in it. */
  if (job->fields.data)
    sw_auth_wipe(job->fields.data, job->fields.len);
  sw_buf_free(&job->fields);
  sw_pipe_reply_free(&job->reply);
  drop_rows(job);
  free(job->rows);
  free(job);
}

/* Hands a finished job to its window; frees it if the window is gone. */
static void deliver(struct sw_service_job *job)
{
  if (!job->reply_to ||
      !PostMessageW(job->reply_to, WM_SW_SERVICE_REPLY, job->tag, (LPARAM)job))
    sw_service_job_free(job);
}

static void set_state(struct sw_service *s, enum sw_service_state state, const char *text)
{
  bool changed;
  EnterCriticalSection(&s->lock);
  changed = s->state != state || strcmp(s->state_text, text) != 0;
  s->state = state;
  snprintf(s->state_text, sizeof s->state_text, "%s", text);
  LeaveCriticalSection(&s->lock);
  if (changed && s->state_window)
    PostMessageW(s->state_window, WM_SW_SERVICE_STATE, (WPARAM)state, 0);
}

/* Opens a connection on `pipe_name` ("" for the service's) for `job`; on
 * failure the job says why. */
static struct sw_pipe_client *open_client(const wchar_t *pipe_name,
                                          struct sw_service_job *job, uint32_t timeout_ms)
{
  unsigned long win_error = 0;
  struct sw_pipe_client *c =
      sw_pipe_client_open(pipe_name[0] ? pipe_name : NULL, CLIENT_NAME, timeout_ms,
                          job->error, sizeof job->error, &win_error);
  if (!c)
    job->outcome = SW_JOB_UNREACHABLE;
  return c;
}

/* One exchange; fills the job's outcome and error. Returns false if the
 * connection broke (the client must then be closed). */
static bool call(struct sw_pipe_client *c, struct sw_service_job *job, uint16_t message,
                 const struct sw_buf *fields)
{
  job->error[0] = '\0';
  job->error_code[0] = '\0';
  if (sw_pipe_client_call(c, message, fields, &job->reply, job->error,
                          sizeof job->error)) {
    job->outcome = SW_JOB_UNREACHABLE;
    return false;
  }
  job->outcome = SW_JOB_REPLIED;
  sw_pipe_reply_error(&job->reply, job->error_code, sizeof job->error_code, job->error,
                      sizeof job->error);
  return true;
}

/* Appends a STATUS record (its BEGIN just read) to job->rows: decoded
 * whole, kept only as a row. Sets *rule_id. */
static enum sw_error take_status(struct sw_service_job *job, struct sw_tlv_reader *r,
                                 int64_t *rule_id)
{
  struct sw_rule_row *grown =
      sw_array_grow(job->rows, &job->row_cap, job->row_count, sizeof *grown, 256);
  if (!grown)
    return SW_E_NOMEM;
  job->rows = grown;
  struct sw_pipe_status st;
  enum sw_error err = sw_pipe_get_status(r, &st);
  if (!err)
    err = sw_rule_row_from_status(&job->rows[job->row_count], &st);
  sw_pipe_status_free(&st);
  if (err)
    return err;
  *rule_id = job->rows[job->row_count++].rule_id;
  return SW_E_OK;
}

/* Decodes a STATUS_OK page into job->rows; sets *more and *last. */
static enum sw_error take_status_page(struct sw_service_job *job, bool *more,
                                      int64_t *last)
{
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  *more = false;
  sw_tlv_reader_init(&r, job->reply.frame.body, job->reply.frame.body_len);
  while (sw_tlv_next(&r, &f)) {
    if (f.type == SW_TLV_BOOL && f.tag == SW_PIPE_TAG_MORE) {
      *more = f.i != 0;
    } else if (f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_STATUS) {
      enum sw_error err = take_status(job, &r, last);
      if (err)
        return err;
    } else if (f.type == SW_TLV_BEGIN && !sw_tlv_skip_record(&r)) {
      break;
    }
  }
  return r.error;
}

/* STATUS, every page. Returns false if the connection broke. */
static bool call_all_status(struct sw_pipe_client *c, struct sw_service_job *job)
{
  int64_t after = 0;
  struct sw_buf fields;
  sw_buf_init(&fields, 64);
  for (;;) {
    sw_buf_free(&fields);
    sw_buf_init(&fields, 64);
    if (after)
      sw_tlv_put_int(&fields, SW_PIPE_TAG_AFTER, after);
    sw_tlv_put_int(&fields, SW_PIPE_TAG_LIMIT, SW_MANAGE_MAX_LIMIT);
    if (!call(c, job, SW_PIPE_MSG_STATUS, &fields)) {
      sw_buf_free(&fields);
      return false;
    }
    bool more = false;
    int64_t last = after;
    if (job->reply.frame.message != SW_PIPE_MSG_STATUS_OK)
      break; /* an ERROR: the job carries it */
    if (take_status_page(job, &more, &last)) {
      snprintf(job->error, sizeof job->error,
               "The service's list of rules could not be read (malformed or too large).");
      snprintf(job->error_code, sizeof job->error_code, "bad_reply");
      break;
    }
    if (!more || last <= after)
      break;
    after = last;
  }
  sw_buf_free(&fields);
  return true;
}

static bool is_read_only(uint16_t message)
{
  return message == SW_PIPE_MSG_STATUS || message == SW_PIPE_MSG_RULE_GET ||
         message == SW_PIPE_MSG_RULE_LIST || message == SW_PIPE_MSG_HISTORY ||
         message == SW_PIPE_MSG_EVENTS || message == SW_PIPE_MSG_SERVICE_INFO;
}

static bool run_once(struct sw_service *s, struct sw_service_job *job)
{
  if (!s->client) {
    s->client = open_client(s->pipe_name, job, CALL_TIMEOUT_MS);
    if (!s->client)
      return false;
  }
  bool alive = job->all_status ? call_all_status(s->client, job)
                               : call(s->client, job, job->message, &job->fields);
  if (!alive) {
    sw_pipe_client_close(s->client);
    s->client = NULL;
  }
  return alive;
}

/* Serves one job on the shared connection. A read-only request that
 * fails on a connection opened earlier is tried once more on a new one
 * (the service may have restarted since); a change is not, since it may
 * have been carried out before the connection broke. */
static void serve(struct sw_service *s, struct sw_service_job *job)
{
  bool had_client = s->client != NULL;
  if (!run_once(s, job) && had_client && is_read_only(job->message)) {
    drop_rows(job);
    run_once(s, job);
  }
  if (job->outcome == SW_JOB_UNREACHABLE) {
    set_state(s, SW_SERVICE_UNREACHABLE, job->error);
  } else {
    /* Trusted only through the development opt-in: say so where an
     * administrator looks, in case it was left set. */
    enum sw_pipe_trust trust;
    sw_pipe_client_server(s->client, &trust);
    char text[200];
    snprintf(text, sizeof text, "Connected to the SMTP Watch service %s%s.",
             sw_pipe_client_server_version(s->client),
             trust == SW_PIPE_TRUST_OPT_IN ? " (not verified: " SW_PIPE_TRUST_OPT_IN_VAR
                                             "=1, development only)"
                                           : "");
    set_state(s, SW_SERVICE_CONNECTED, text);
  }
}

struct test_run {
  wchar_t pipe_name[128]; /* a copy: the service may be stopped meanwhile */
  struct sw_service_job *job;
};

static DWORD WINAPI test_thread(void *arg)
{
  struct test_run run = *(struct test_run *)arg;
  free(arg);
  struct sw_service_job *job = run.job;
  struct sw_pipe_client *c =
      open_client(run.pipe_name, job, job->test_timeout_ms + TEST_MARGIN_MS);
  if (c) {
    call(c, job, job->message, &job->fields);
    sw_pipe_client_close(c);
  }
  deliver(job);
  return 0;
}

static DWORD WINAPI worker(void *arg)
{
  struct sw_service *s = arg;
  for (;;) {
    EnterCriticalSection(&s->lock);
    while (!s->head && !s->stopping)
      SleepConditionVariableCS(&s->wake, &s->lock, INFINITE);
    if (s->stopping) {
      LeaveCriticalSection(&s->lock);
      break;
    }
    struct sw_service_job *job = s->head;
    s->head = job->next;
    if (!s->head)
      s->tail = NULL;
    job->next = NULL;
    LeaveCriticalSection(&s->lock);
    serve(s, job);
    deliver(job);
  }
  sw_pipe_client_close(s->client);
  s->client = NULL;
  return 0;
}

struct sw_service *sw_service_start(HWND state_window)
{
  return sw_service_start_on(state_window, NULL);
}

struct sw_service *sw_service_start_on(HWND state_window, const wchar_t *pipe_name)
{
  struct sw_service *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  if (pipe_name && wcslen(pipe_name) < SW_COUNTOF(s->pipe_name))
    wcscpy(s->pipe_name, pipe_name);
  s->state_window = state_window;
  s->state = SW_SERVICE_CONNECTING;
  snprintf(s->state_text, sizeof s->state_text,
           "Connecting to the SMTP Watch service...");
  InitializeCriticalSection(&s->lock);
  InitializeConditionVariable(&s->wake);
  s->thread = CreateThread(NULL, 0, worker, s, 0, NULL);
  if (!s->thread) {
    DeleteCriticalSection(&s->lock);
    free(s);
    return NULL;
  }
  return s;
}

void sw_service_stop(struct sw_service *s)
{
  if (!s)
    return;
  EnterCriticalSection(&s->lock);
  s->stopping = true;
  struct sw_service_job *pending = s->head;
  s->head = s->tail = NULL;
  LeaveCriticalSection(&s->lock);
  WakeConditionVariable(&s->wake);
  while (pending) {
    struct sw_service_job *next = pending->next;
    sw_service_job_free(pending);
    pending = next;
  }
  /* A request in flight ends within its timeout; the process is exiting,
   * so after a short wait the worker is left to the system. */
  if (WaitForSingleObject(s->thread, STOP_WAIT_MS) == WAIT_OBJECT_0) {
    CloseHandle(s->thread);
    DeleteCriticalSection(&s->lock);
    free(s);
  }
}

void sw_service_submit(struct sw_service *s, struct sw_service_job *job)
{
  if (job->message == SW_PIPE_MSG_RULE_TEST ||
      job->message == SW_PIPE_MSG_NOTIFIER_TEST) {
    struct test_run *run = malloc(sizeof *run);
    HANDLE t = NULL;
    if (run) {
      wcscpy(run->pipe_name, s->pipe_name);
      run->job = job;
      t = CreateThread(NULL, 0, test_thread, run, 0, NULL);
      if (!t)
        free(run);
    }
    if (t) {
      CloseHandle(t);
      return;
    }
    job->outcome = SW_JOB_UNREACHABLE;
    snprintf(job->error, sizeof job->error,
             "The test could not be started: this computer is out of resources.");
    deliver(job);
    return;
  }
  EnterCriticalSection(&s->lock);
  if (s->tail)
    s->tail->next = job;
  else
    s->head = job;
  s->tail = job;
  LeaveCriticalSection(&s->lock);
  WakeConditionVariable(&s->wake);
}

void sw_service_state_text(struct sw_service *s, char *out, size_t size)
{
  EnterCriticalSection(&s->lock);
  snprintf(out, size, "%s", s->state_text);
  LeaveCriticalSection(&s->lock);
}

void sw_service_drain(HWND hwnd)
{
  MSG msg;
  while (PeekMessageW(&msg, hwnd, WM_SW_SERVICE_REPLY, WM_SW_SERVICE_REPLY, PM_REMOVE))
    sw_service_job_free((struct sw_service_job *)msg.lParam);
}

void sw_service_reply(LPARAM lp, void *ctx,
                      void (*fn)(void *ctx, struct sw_service_job *job))
{
  struct sw_service_job *job = (struct sw_service_job *)lp;
  if (ctx)
    fn(ctx, job);
  sw_service_job_free(job);
}
