/* The editor's service worker (gui/editor_service.c) against a real pipe
 * server on this thread: replies arrive as window messages, STATUS is
 * gathered page by page, a service that is not running is said so and the
 * state message follows, a server that is not the service gets nothing,
 * a restarted service is reconnected to (a read is retried, a change is
 * not: it may have been carried out), and a test runs on a connection of
 * its own so the list's requests are not held up. */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "editor_service.h"
#include "engine.h"
#include "pipe_protocol.h"
#include "pipe_records.h"
#include "pipe_server.h"

#define RULES 2500 /* three pages of 1000 */

static wchar_t pipe_name[64];
static int requests_served; /* of any kind, HELLO included */
static int deletes_served;
static int tests_received;
static struct sw_pipe_conn *test_conn;
static uint32_t test_request_id;

static int64_t int_field(const struct sw_pipe_frame *req, uint16_t tag, int64_t dflt)
{
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&r, req->body, req->body_len);
  while (sw_tlv_next(&r, &f))
    if (f.tag == tag && f.type == SW_TLV_INT)
      return f.i;
  return dflt;
}

static void status_page(const struct sw_pipe_frame *req, struct sw_buf *reply)
{
  int64_t after = int_field(req, SW_PIPE_TAG_AFTER, 0);
  int64_t limit = int_field(req, SW_PIPE_TAG_LIMIT, 100);
  size_t start;
  sw_pipe_frame_begin(reply, SW_PIPE_MSG_STATUS_OK, req->request_id, &start);
  int64_t id = after + 1;
  for (; id <= RULES && id <= after + limit; id++) {
    char name[32];
    snprintf(name, sizeof name, "rule %lld", (long long)id);
    struct sw_pipe_status st;
    sw_pipe_status_init(&st);
    st.rule_id = id;
    st.name = name;
    st.host = "127.0.0.1";
    st.port = 25;
    st.enabled = true;
    sw_pipe_put_status(reply, &st);
  }
  sw_tlv_put_bool(reply, SW_PIPE_TAG_MORE, id <= RULES);
  sw_pipe_frame_end(reply, start);
}

static enum sw_pipe_verdict on_request(void *ctx, struct sw_pipe_conn *conn,
                                       const struct sw_pipe_frame *req,
                                       struct sw_buf *reply)
{
  (void)ctx;
  size_t start;
  requests_served++;
  switch (req->message) {
  case SW_PIPE_MSG_HELLO:
    sw_pipe_frame_begin(reply, SW_PIPE_MSG_HELLO_OK, req->request_id, &start);
    sw_tlv_put_int(reply, SW_PIPE_TAG_VERSION, 1);
    sw_tlv_put_str(reply, SW_PIPE_TAG_SERVER_VERSION, "9.8.7");
    sw_pipe_frame_end(reply, start);
    break;
  case SW_PIPE_MSG_STATUS:
    status_page(req, reply);
    break;
  case SW_PIPE_MSG_RULE_DELETE:
    deletes_served++;
    sw_pipe_frame_begin(reply, SW_PIPE_MSG_DONE_OK, req->request_id, &start);
    sw_pipe_frame_end(reply, start);
    break;
  case SW_PIPE_MSG_RULE_TEST: /* answered when the test says so */
    tests_received++;
    test_conn = conn;
    test_request_id = req->request_id;
    return SW_PIPE_DEFER;
  default:
    sw_pipe_encode_error(reply, req->request_id, SW_PIPE_ERR_NOT_FOUND, NULL);
  }
  return SW_PIPE_KEEP;
}

struct fixture {
  struct sw_engine *engine;
  struct sw_pipe_server *server;
  HWND window;
  struct sw_service *service;
  int states[16]; /* WM_SW_SERVICE_STATE values in order */
  int state_count;
};

static void start_server(struct fixture *f)
{
  struct sw_pipe_server_config cfg = {.name = pipe_name, .on_request = on_request};
  unsigned long err = 0;
  assert_int_equal(sw_pipe_server_start(f->engine, &cfg, &f->server, &err), SW_E_OK);
}

static void stop_server(struct fixture *f)
{
  sw_pipe_server_stop(f->server);
  f->server = NULL;
}

static int setup(void **state)
{
  static struct fixture f;
  memset(&f, 0, sizeof f);
  swprintf(pipe_name, 64, L"\\\\.\\pipe\\sw-editor-test-%lu", GetCurrentProcessId());
  requests_served = deletes_served = tests_received = 0;
  /* The server here is this test, not the SmtpWatch service: the clients
   * talk to it only with the development opt-in (pipe_trust_rule.h). */
  SetEnvironmentVariableW(L"SMTPWATCH_TRUST_CONSOLE_SERVICE", L"1");
  test_conn = NULL;
  if (sw_engine_create(&f.engine, NULL))
    return -1;
  f.window =
      CreateWindowExW(0, L"STATIC", L"", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
  f.service = sw_service_start_on(f.window, pipe_name);
  *state = &f;
  return f.window && f.service ? 0 : -1;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  sw_service_stop(f->service);
  sw_service_drain(f->window);
  if (f->server)
    stop_server(f);
  DestroyWindow(f->window);
  sw_engine_destroy(f->engine);
  return 0;
}

/* Runs the server's loop and this thread's messages until a job's reply
 * arrives (or 20 s: a failure). */
static struct sw_service_job *next_reply(struct fixture *f)
{
  DWORD start = GetTickCount();
  while (GetTickCount() - start < 20000) {
    sw_engine_run_once(f->engine, 5);
    MSG m;
    while (PeekMessageW(&m, NULL, 0, 0, PM_REMOVE)) {
      if (m.message == WM_SW_SERVICE_REPLY)
        return (struct sw_service_job *)m.lParam;
      if (m.message == WM_SW_SERVICE_STATE && f->state_count < 16)
        f->states[f->state_count++] = (int)m.wParam;
      DispatchMessageW(&m);
    }
  }
  fail_msg("no reply within 20 s");
  return NULL;
}

static struct sw_service_job *status_all(struct fixture *f, WPARAM tag)
{
  struct sw_service_job *job = sw_service_job_new(f->window, SW_PIPE_MSG_STATUS, tag);
  assert_non_null(job);
  job->all_status = true;
  sw_service_submit(f->service, job);
  return job;
}

static void not_running_is_said_and_shown(void **state)
{
  struct fixture *f = *state;
  status_all(f, 7);
  struct sw_service_job *job = next_reply(f);
  assert_int_equal(job->tag, 7);
  assert_int_equal(job->outcome, SW_JOB_UNREACHABLE);
  assert_non_null(strstr(job->error, "is not running"));
  sw_service_job_free(job);
  /* The state message was posted before the reply, so it was seen. */
  assert_int_equal(f->state_count, 1);
  assert_int_equal(f->states[0], SW_SERVICE_UNREACHABLE);
  char text[512];
  sw_service_state_text(f->service, text, sizeof text);
  assert_non_null(strstr(text, "is not running"));
}

/* A server that is not the service (this test, without the opt-in) gets
 * neither the list's request nor a change, and the banner's state says
 * what was found and what to do. */
static void an_unverified_server_gets_nothing(void **state)
{
  struct fixture *f = *state;
  SetEnvironmentVariableW(L"SMTPWATCH_TRUST_CONSOLE_SERVICE", NULL);
  start_server(f);
  status_all(f, 1);
  struct sw_service_job *job = next_reply(f);
  assert_int_equal(job->outcome, SW_JOB_UNREACHABLE);
  assert_non_null(strstr(job->error, "is not the SmtpWatch service"));
  sw_service_job_free(job);
  job = sw_service_job_new(f->window, SW_PIPE_MSG_RULE_DELETE, 2);
  assert_non_null(job);
  sw_service_submit(f->service, job);
  job = next_reply(f);
  assert_int_equal(job->outcome, SW_JOB_UNREACHABLE);
  sw_service_job_free(job);
  assert_int_equal(requests_served, 0);
  assert_int_equal(deletes_served, 0);
  char text[512];
  sw_service_state_text(f->service, text, sizeof text);
  assert_non_null(strstr(text, "Nothing was sent to \\\\.\\pipe\\sw-editor-test-"));
  assert_non_null(strstr(text, "SMTPWATCH_TRUST_CONSOLE_SERVICE=1"));
}

static void every_page_of_status_is_gathered(void **state)
{
  struct fixture *f = *state;
  start_server(f);
  status_all(f, 1);
  struct sw_service_job *job = next_reply(f);
  assert_int_equal(job->outcome, SW_JOB_REPLIED);
  assert_string_equal(job->error, "");
  assert_int_equal(job->row_count, RULES);
  for (size_t i = 0; i < job->row_count; i++)
    assert_int_equal(job->rows[i].rule_id, (int64_t)i + 1);
  assert_string_equal(job->rows[RULES - 1].name, "rule 2500");
  assert_string_equal(job->rows[RULES - 1].host, "127.0.0.1");
  assert_int_equal(job->rows[RULES - 1].port, 25);
  assert_false(job->rows[RULES - 1].has_state);
  sw_service_job_free(job);
  char text[512];
  sw_service_state_text(f->service, text, sizeof text);
  /* This test's server is trusted through the opt-in only: said so. */
  assert_string_equal(text, "Connected to the SMTP Watch service 9.8.7 (not verified: "
                            "SMTPWATCH_TRUST_CONSOLE_SERVICE=1, development only).");
  assert_int_equal(f->states[f->state_count - 1], SW_SERVICE_CONNECTED);
}

static void an_error_reply_carries_its_sentence(void **state)
{
  struct fixture *f = *state;
  start_server(f);
  struct sw_service_job *job = sw_service_job_new(f->window, SW_PIPE_MSG_RULE_GET, 0);
  sw_tlv_put_int(&job->fields, SW_PIPE_TAG_RULE_ID, 99);
  sw_service_submit(f->service, job);
  job = next_reply(f);
  assert_int_equal(job->outcome, SW_JOB_REPLIED);
  assert_string_equal(job->error_code, "not_found");
  assert_string_equal(job->error, sw_pipe_error_text(SW_PIPE_ERR_NOT_FOUND));
  sw_service_job_free(job);
}

static void a_restarted_service_is_reconnected_to(void **state)
{
  struct fixture *f = *state;
  start_server(f);
  sw_service_job_free((status_all(f, 1), next_reply(f)));
  stop_server(f);
  start_server(f);

  /* A read on the broken connection: tried again on a new one. */
  status_all(f, 2);
  struct sw_service_job *job = next_reply(f);
  assert_int_equal(job->outcome, SW_JOB_REPLIED);
  assert_int_equal(job->row_count, RULES);
  sw_service_job_free(job);

  /* A change on a broken connection is not repeated behind the user's
   * back: it fails, and the next one goes through. */
  stop_server(f);
  start_server(f);
  for (int i = 0; i < 2; i++) {
    job = sw_service_job_new(f->window, SW_PIPE_MSG_RULE_DELETE, 0);
    sw_tlv_put_int(&job->fields, SW_PIPE_TAG_RULE_ID, 5);
    sw_service_submit(f->service, job);
    job = next_reply(f);
    if (i == 0) {
      assert_int_equal(job->outcome, SW_JOB_UNREACHABLE);
      assert_string_not_equal(job->error, "");
      assert_int_equal(deletes_served, 0);
    } else {
      assert_int_equal(job->outcome, SW_JOB_REPLIED);
      assert_int_equal(job->reply.frame.message, SW_PIPE_MSG_DONE_OK);
      assert_int_equal(deletes_served, 1);
    }
    sw_service_job_free(job);
  }
}

static void a_test_does_not_hold_up_the_list(void **state)
{
  struct fixture *f = *state;
  start_server(f);
  struct sw_service_job *test = sw_service_job_new(f->window, SW_PIPE_MSG_RULE_TEST, 1);
  test->test_timeout_ms = 7000;
  sw_tlv_put_int(&test->fields, SW_PIPE_TAG_RULE_ID, 3);
  sw_service_submit(f->service, test);
  for (DWORD t0 = GetTickCount(); !tests_received && GetTickCount() - t0 < 10000;)
    sw_engine_run_once(f->engine, 5);
  assert_int_equal(tests_received, 1);

  status_all(f, 2); /* answered while the test is still running */
  struct sw_service_job *job = next_reply(f);
  assert_int_equal(job->tag, 2);
  assert_int_equal(job->row_count, RULES);
  sw_service_job_free(job);

  struct sw_buf reply;
  sw_buf_init(&reply, 0);
  size_t start;
  sw_pipe_frame_begin(&reply, SW_PIPE_MSG_RULE_TEST_OK, test_request_id, &start);
  sw_pipe_frame_end(&reply, start);
  sw_pipe_conn_resume(test_conn, &reply);
  sw_buf_free(&reply);
  job = next_reply(f);
  assert_int_equal(job->tag, 1);
  assert_int_equal(job->outcome, SW_JOB_REPLIED);
  assert_int_equal(job->reply.frame.message, SW_PIPE_MSG_RULE_TEST_OK);
  sw_service_job_free(job);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(not_running_is_said_and_shown, setup, teardown),
      cmocka_unit_test_setup_teardown(an_unverified_server_gets_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(every_page_of_status_is_gathered, setup, teardown),
      cmocka_unit_test_setup_teardown(an_error_reply_carries_its_sentence, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(a_restarted_service_is_reconnected_to, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(a_test_does_not_hold_up_the_list, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
