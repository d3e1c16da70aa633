/* The engine's DNS lookups during a DNS outage, with an injected resolver
 * whose "hang-*" names block until the test releases them and whose
 * "slow-*" names answer late. What a user would notice: no more than the
 * limit of lookups run at once; a check whose lookup hangs still ends at
 * its deadline, and its rule can be checked again; certificate validation
 * (the process's thread pool) still runs; the service stops in time; and
 * answers that come after their check has ended change nothing. Every
 * name resolves to 127.0.0.1 at the check's port, a closed one, so a check
 * that got its answer ends as refused. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "engine_fixture.h"
#include "engine_resolve.h"

#define ORDER_MAX 1024

/* Shared with the DNS threads, which may outlive an engine: static. */
static struct fake {
  HANDLE release; /* manual reset: "hang-*" lookups return once it is set */
  volatile LONG started, running, max_running, returned;
  volatile LONG order[ORDER_MAX]; /* the N of "hang-N" / "slow-N", in start order */
} fake;

static int fake_resolve(void *ctx, const char *host, uint16_t port, int family,
                        struct sockaddr_storage *addrs, int max, int *naddrs)
{
  (void)family; /* every lookup here wants what it is given */
  struct fake *f = ctx;
  LONG nth = InterlockedIncrement(&f->started) - 1;
  LONG now = InterlockedIncrement(&f->running);
  LONG seen;
  while ((seen = f->max_running) < now &&
         InterlockedCompareExchange(&f->max_running, now, seen) != seen)
    ;
  const char *dash = strchr(host, '-');
  if (nth < ORDER_MAX)
    f->order[nth] = dash ? atol(dash + 1) : -1;
  if (!strncmp(host, "hang-", 5))
    WaitForSingleObject(f->release, INFINITE);
  else if (!strncmp(host, "slow-", 5))
    Sleep(300);
  struct sockaddr_in *a = (struct sockaddr_in *)&addrs[0];
  memset(a, 0, sizeof *a);
  a->sin_family = AF_INET;
  a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a->sin_port = htons(port);
  *naddrs = max > 0 ? 1 : 0;
  InterlockedDecrement(&f->running);
  InterlockedIncrement(&f->returned);
  return 0;
}

struct tally {
  int calls[SW_OUTCOME_COUNT];
  int total, in_resolve;
  ULONGLONG submitted, latest; /* GetTickCount64 at submit; latest callback */
};

static void on_done(void *ctx, struct sw_check_result *r)
{
  struct tally *t = ctx;
  assert_true(r->outcome >= 0 && r->outcome < SW_OUTCOME_COUNT);
  t->calls[r->outcome]++;
  t->total++;
  if (r->step == SW_STEP_RESOLVE)
    t->in_resolve++;
  t->latest = GetTickCount64();
}

static struct sw_engine *engine_new(void)
{
  struct sw_engine *e = NULL;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  sw_engine_set_resolver(e, fake_resolve, &fake);
  return e;
}

/* Submits `n` checks of "PREFIX-i.test" (i from 0) to a closed port. */
static void submit_named(struct sw_engine *e, const char *prefix, int n, uint16_t port,
                         uint32_t timeout_ms, struct tally *t)
{
  t->submitted = GetTickCount64();
  for (int i = 0; i < n; i++) {
    char host[64];
    snprintf(host, sizeof host, "%s-%d.test", prefix, i);
    struct sw_check_spec spec = {.host = host,
                                 .port = port,
                                 .ehlo_name = "engine.client",
                                 .timeout_ms = timeout_ms};
    assert_int_equal(sw_engine_submit(e, &spec, on_done, t), SW_E_OK);
  }
}

/* Turns the loop for `ms`, or until `*value` reaches `at_least`. */
static void turn_until(struct sw_engine *e, volatile LONG *value, LONG at_least, DWORD ms)
{
  ULONGLONG until = GetTickCount64() + ms;
  while (GetTickCount64() < until && (!value || *value < at_least))
    sw_engine_run_once(e, 20);
}

/* Polls `*value` (without a loop) until it equals `want` or `ms` pass. */
static LONG wait_equal(volatile LONG *value, LONG want, DWORD ms)
{
  ULONGLONG until = GetTickCount64() + ms;
  while (*value != want && GetTickCount64() < until)
    Sleep(10);
  return *value;
}

static LONG records_after(DWORD ms, LONG want)
{
  ULONGLONG until = GetTickCount64() + ms;
  while (sw_engine_dns_records() != want && GetTickCount64() < until)
    Sleep(10);
  return sw_engine_dns_records();
}

/* The limit holds with 100 names waiting for a dead DNS server, the rest
 * wait their turn in the order they came, and all are resolved once DNS
 * answers again. */
static void at_most_the_limit_of_lookups_run_at_once(void **state)
{
  (void)state;
  struct sw_engine *e = engine_new();
  struct tally t = {0};
  submit_named(e, "hang", 100, closed_port(), 60000, &t);
  turn_until(e, &fake.started, SW_DNS_LOOKUPS_MAX, 5000);
  turn_until(e, NULL, 0, 300); /* would more start? */
  assert_int_equal(fake.started, SW_DNS_LOOKUPS_MAX);
  assert_int_equal(fake.running, SW_DNS_LOOKUPS_MAX);
  for (int i = 0; i < SW_DNS_LOOKUPS_MAX; i++)
    assert_true(fake.order[i] >= 0 && fake.order[i] < SW_DNS_LOOKUPS_MAX);
  assert_int_equal(t.total, 0);

  SetEvent(fake.release); /* DNS is back */
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK);
  assert_int_equal(t.calls[SW_OUTCOME_REFUSED], 100);
  assert_int_equal(fake.started, 100);
  assert_true(fake.max_running <= SW_DNS_LOOKUPS_MAX);
  sw_engine_destroy(e);
}

/* Checks whose budget runs out while their lookup hangs (4 running, 6
 * queued) end as timeouts in the resolve step at their deadline; the
 * queued lookups never run; the same rule checked again once DNS answers
 * gets its answer, and the late answers of the first round change
 * nothing. */
static void checks_end_at_their_deadline_while_dns_hangs(void **state)
{
  (void)state;
  struct sw_engine *e = engine_new();
  sw_engine_set_dns_limit(e, 4);
  struct tally t = {0};
  uint16_t port = closed_port();
  submit_named(e, "hang", 10, port, 400, &t);
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK);
  ULONGLONG took = t.latest - t.submitted;
  assert_int_equal(t.calls[SW_OUTCOME_TIMEOUT], 10);
  assert_int_equal(t.in_resolve, 10);
  assert_true(took >= 350 && took <= 400 + 600);
  assert_int_equal(sw_engine_pending(e), 0);
  assert_int_equal(fake.started, 4);

  SetEvent(fake.release);
  struct tally again = {0};
  submit_named(e, "hang", 1, port, 5000, &again);
  assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK);
  assert_int_equal(again.calls[SW_OUTCOME_REFUSED], 1);
  turn_until(e, NULL, 0, 300); /* the last late answers arrive */
  assert_int_equal(wait_equal(&fake.returned, 5, 2000), 5);
  turn_until(e, NULL, 0, 100);
  assert_int_equal(t.total, 10);
  assert_int_equal(again.total, 1);
  assert_int_equal(fake.started, 5);
  ULONGLONG start = GetTickCount64();
  sw_engine_destroy(e);
  assert_true(GetTickCount64() - start < 1000); /* nothing left to wait for */
}

static void CALLBACK set_event(PTP_CALLBACK_INSTANCE instance, void *ctx)
{
  (void)instance;
  SetEvent(ctx);
}

/* Chain validation runs on the process's thread pool: 600 names stuck on
 * DNS (more than the default pool's 500-512 threads) must not starve it. */
static void thread_pool_work_runs_while_dns_hangs(void **state)
{
  (void)state;
  struct sw_engine *e = engine_new();
  struct tally t = {0};
  submit_named(e, "hang", 600, closed_port(), 60000, &t);
  turn_until(e, &fake.started, SW_DNS_LOOKUPS_MAX, 5000);
  turn_until(e, NULL, 0, 500);
  HANDLE ran = CreateEventW(NULL, TRUE, FALSE, NULL);
  ULONGLONG start = GetTickCount64();
  assert_true(TrySubmitThreadpoolCallback(set_event, ran, NULL));
  DWORD w = WaitForSingleObject(ran, 3000);
  ULONGLONG took = GetTickCount64() - start;
  SetEvent(fake.release); /* before any assertion can leave the test */
  assert_int_equal(w, WAIT_OBJECT_0);
  assert_true(took < 1000);
  assert_true(fake.started <= SW_DNS_LOOKUPS_MAX);
  CloseHandle(ran);
  sw_engine_destroy(e);
  assert_int_equal(t.calls[SW_OUTCOME_CANCELLED], 600);
}

static DWORD WINAPI destroy_thread(void *arg)
{
  sw_engine_destroy(arg);
  return 0;
}

/* Stop with lookups stuck on a dead DNS server: destroy returns after its
 * bounded wait; the abandoned lookups, released later, touch nothing of the
 * engine and free their own records. */
static void destroy_with_hanging_lookups_returns_in_time(void **state)
{
  (void)state;
  struct sw_engine *e = engine_new();
  struct tally t = {0};
  submit_named(e, "hang", 50, closed_port(), 60000, &t);
  turn_until(e, &fake.started, SW_DNS_LOOKUPS_MAX, 5000);
  assert_int_equal(fake.started, SW_DNS_LOOKUPS_MAX);
  sw_engine_stop(e);
  assert_false(sw_engine_run_once(e, 1000));
  assert_int_equal(t.calls[SW_OUTCOME_CANCELLED], 50);

  ULONGLONG start = GetTickCount64();
  HANDLE th = CreateThread(NULL, 0, destroy_thread, e, 0, NULL);
  assert_non_null(th);
  DWORD w = WaitForSingleObject(th, 5000);
  ULONGLONG took = GetTickCount64() - start;
  if (w != WAIT_OBJECT_0)
    fail_msg("sw_engine_destroy still waits for DNS after %llu ms", took);
  CloseHandle(th);
  assert_true(took >= SW_DNS_STOP_WAIT_MS - 100 && took <= SW_DNS_STOP_WAIT_MS + 1000);
  assert_int_equal(fake.returned, 0);
  /* The 32 abandoned lookups and their shared state, nothing queued. */
  assert_int_equal(sw_engine_dns_records(), SW_DNS_LOOKUPS_MAX + 1);

  SetEvent(fake.release);
  assert_int_equal(wait_equal(&fake.returned, SW_DNS_LOOKUPS_MAX, 5000),
                   SW_DNS_LOOKUPS_MAX);
  assert_int_equal(records_after(3000, 0), 0);
  assert_int_equal(fake.started, SW_DNS_LOOKUPS_MAX);
}

/* Answers that arrive after their check timed out, on an engine that goes
 * on checking (new checks of the same names, reusing the freed memory):
 * each check ends once, with its own answer, round after round. */
static void late_answers_are_discarded(void **state)
{
  (void)state;
  struct sw_engine *e = engine_new();
  uint16_t port = closed_port();
  for (int round = 0; round < 3; round++) {
    struct tally late = {0}, fresh = {0};
    submit_named(e, "slow", 20, port, 100, &late);
    assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK);
    assert_int_equal(late.calls[SW_OUTCOME_TIMEOUT], 20);
    submit_named(e, "slow", 20, port, 5000, &fresh);
    assert_int_equal(sw_engine_run(e, SW_RUN_UNTIL_IDLE), SW_E_OK);
    assert_int_equal(fresh.calls[SW_OUTCOME_REFUSED], 20);
    assert_int_equal(fresh.total, 20);
    assert_int_equal(late.total, 20);
  }
  assert_int_equal(wait_equal(&fake.returned, 120, 3000), 120);
  turn_until(e, NULL, 0, 100);
  assert_int_equal(records_after(1000, 1), 1); /* the engine's shared state only */
  ULONGLONG start = GetTickCount64();
  sw_engine_destroy(e);
  assert_true(GetTickCount64() - start < 1000);
  assert_int_equal(records_after(1000, 0), 0);
}

static int fake_reset(void **state)
{
  (void)state;
  ResetEvent(fake.release);
  fake.started = fake.running = fake.max_running = fake.returned = 0;
  memset((void *)fake.order, 0xff, sizeof fake.order);
  return 0;
}

/* Whatever a test left hanging returns before the next one starts. */
static int fake_drain(void **state)
{
  (void)state;
  SetEvent(fake.release);
  if (wait_equal(&fake.returned, fake.started, 10000) != fake.started)
    return -1;
  return records_after(3000, 0) == 0 ? 0 : -1;
}

static int setup(void **state)
{
  fake.release = CreateEventW(NULL, TRUE, FALSE, NULL);
  return setup_wsa(state) || !fake.release;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(at_most_the_limit_of_lookups_run_at_once,
                                      fake_reset, fake_drain),
      cmocka_unit_test_setup_teardown(checks_end_at_their_deadline_while_dns_hangs,
                                      fake_reset, fake_drain),
      cmocka_unit_test_setup_teardown(thread_pool_work_runs_while_dns_hangs, fake_reset,
                                      fake_drain),
      cmocka_unit_test_setup_teardown(destroy_with_hanging_lookups_returns_in_time,
                                      fake_reset, fake_drain),
      cmocka_unit_test_setup_teardown(late_answers_are_discarded, fake_reset, fake_drain),
  };
  return cmocka_run_group_tests(tests, setup, teardown_wsa);
}
