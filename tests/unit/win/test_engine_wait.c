/* The engine's wait (engine_wait.h, issue 12 item 10): a high-resolution
 * waitable timer ends it where Windows has one, so deadlines do not wait
 * for the system tick. Which mechanism ended each wait is counted: these
 * tests assert that, never a duration (the figures are bench/wait_bench.c's). */
#include <winsock2.h>
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine.h"
#include "engine_req.h"
#include "engine_wait.h"

static struct sw_engine *engine_new(void)
{
  struct sw_engine *e;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  return e;
}

static struct sw_engine_wait_info info_of(struct sw_engine *e)
{
  struct sw_engine_wait_info info;
  sw_engine_wait_info(e, &info);
  return info;
}

static void waits_end_by_the_high_resolution_timer(void **state)
{
  (void)state;
  struct sw_engine *e = engine_new();
  /* Windows 10 1803+ and Wine 8 both create one. */
  assert_true(info_of(e).high_resolution);
  for (int i = 0; i < 3; i++)
    assert_true(sw_engine_run_once(e, 5));
  struct sw_engine_wait_info info = info_of(e);
  assert_int_equal(info.timer_wakes, 3);
  assert_int_equal(info.timeouts, 0);
  sw_engine_destroy(e);
}

static void plain_waits_when_the_timer_is_off(void **state)
{
  (void)state;
  struct sw_engine *e = engine_new();
  assert_false(sw_engine_set_precise_waits(e, false));
  assert_false(info_of(e).high_resolution);
  for (int i = 0; i < 2; i++)
    assert_true(sw_engine_run_once(e, 5));
  struct sw_engine_wait_info info = info_of(e);
  assert_int_equal(info.timer_wakes, 0);
  assert_int_equal(info.timeouts, 2);
  assert_true(sw_engine_set_precise_waits(e, true));
  assert_true(sw_engine_run_once(e, 5));
  assert_int_equal(info_of(e).timer_wakes, 1);
  sw_engine_destroy(e);
}

static int completions;
static void on_posted(struct sw_req *io, DWORD bytes, DWORD error)
{
  (void)io;
  (void)bytes;
  (void)error;
  completions++;
}

/* A wait that a completion ends must not leave its timer behind: its APC
 * would end some later alertable wait of the thread early. */
static void a_completion_first_leaves_no_stray_timer(void **state)
{
  (void)state;
  struct sw_engine *e = engine_new();
  struct sw_req io;
  sw_engine_req_init(&io, on_posted);
  completions = 0;
  assert_true(sw_engine_post(e, &io, 0));
  assert_true(sw_engine_run_once(e, 50)); /* the timer is armed for 50 ms */
  assert_int_equal(completions, 1);
  assert_int_equal(info_of(e).timer_wakes, 0);
  /* Past the 50 ms, alertably: no APC may arrive. */
  assert_int_equal(SleepEx(120, TRUE), 0);
  sw_engine_destroy(e);
}

/* A check's own deadline goes through the same wait. */
static void done_once(void *ctx, struct sw_check_result *result)
{
  *(enum sw_outcome *)ctx = result->outcome;
}

static void a_check_deadline_is_met_by_the_timer(void **state)
{
  (void)state;
  struct sw_engine *e = engine_new();
  /* A silent listener: the check can only end by its deadline. */
  SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(listen(l, 4), 0);
  int len = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &len);
  enum sw_outcome outcome = SW_OUTCOME_OK;
  struct sw_check_spec spec = {
      .host = "127.0.0.1", .port = ntohs(a.sin_port), .timeout_ms = 200};
  assert_int_equal(sw_engine_submit(e, &spec, done_once, &outcome), SW_E_OK);
  sw_engine_run(e, SW_RUN_UNTIL_IDLE);
  assert_int_equal(outcome, SW_OUTCOME_TIMEOUT);
  struct sw_engine_wait_info info = info_of(e);
  assert_true(info.timer_wakes >= 1);
  assert_int_equal(info.timeouts, 0);
  closesocket(l);
  sw_engine_destroy(e);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(waits_end_by_the_high_resolution_timer),
      cmocka_unit_test(plain_waits_when_the_timer_is_off),
      cmocka_unit_test(a_completion_first_leaves_no_stray_timer),
      cmocka_unit_test(a_check_deadline_is_met_by_the_timer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
