/* A stop while a certificate chain is still being validated: where an
 * OCSP or CRL host is firewalled, the chain engine can block for as long
 * as it was allowed, and the service must still stop within the SCM's
 * wait hint, saying so with checkpoints meanwhile. A validator that blocks
 * until the test lets it go stands in for the chain engine (Wine's
 * revocation lookups fail at once), and the statuses the service would
 * hand to SetServiceStatus are read back through svc_status.c's seam.
 * docs/windows-verification.md item 11 has the real thing. */
#include <windows.h>
#include <wincrypt.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "cert_fixture.h"
#include "engine.h"
#include "engine_resolve.h"
#include "engine_verify.h"
#include "svc_status.h"

/* The validator's side; lives in main's frame, longer than any job. */
struct blocker {
  HANDLE entered, release;
  volatile LONG returned;
};

static enum sw_outcome blocking_validate(void *ctx, PCCERT_CONTEXT cert, const char *host,
                                         const char *names, uint32_t timeout_ms,
                                         char *detail, size_t size, unsigned long *error)
{
  (void)cert, (void)host, (void)names, (void)timeout_ms;
  struct blocker *b = ctx;
  SetEvent(b->entered);
  WaitForSingleObject(b->release, INFINITE);
  snprintf(detail, size, "let go by the test");
  *error = 0;
  InterlockedIncrement(&b->returned);
  return SW_OUTCOME_OK;
}

#define MAX_SEEN 64

/* What the service would have handed to SetServiceStatus. */
struct recorder {
  SERVICE_STATUS seen[MAX_SEEN];
  int n;
};

static void record(void *ctx, const SERVICE_STATUS *st)
{
  struct recorder *r = ctx;
  if (r->n < MAX_SEEN)
    r->seen[r->n] = *st;
  r->n++;
}

static void progress(void *ctx)
{
  sw_svc_status_progress(ctx);
}

/* Waits (bounded) for `counter()` to reach zero; its last value. */
static long wait_for_zero(long (*counter)(void))
{
  for (int i = 0; i < 1000 && counter() != 0; i++)
    Sleep(10);
  return counter();
}

static void test_stop_with_a_validation_blocked(void **state)
{
  struct blocker *b = *state;
  struct sw_engine *e = NULL;
  assert_int_equal(sw_engine_create(&e, NULL), SW_E_OK);
  sw_engine_set_validator(e, blocking_validate, b);
  PCCERT_CONTEXT cert = load_cert("selfsigned_until_2099.pem");
  assert_int_equal(sw_engine_validate_detached(e, cert, "mx.example.com", 60000),
                   SW_E_OK);
  CertFreeCertificateContext(cert); /* the job holds its own reference */
  assert_int_equal(WaitForSingleObject(b->entered, 30000), WAIT_OBJECT_0);
  assert_int_equal(sw_engine_verify_jobs(), 1);

  /* The stop as svc_scm.c does it: STOP_PENDING from the handler, then
   * checkpoints from the engine's drain, then STOPPED. */
  struct recorder rec = {0};
  struct sw_svc_status st = {.set = record, .ctx = &rec};
  st.status.dwCurrentState = SERVICE_RUNNING;
  sw_svc_status_report(&st, SERVICE_STOP_PENDING, NO_ERROR, SW_SVC_STOP_WAIT_HINT_MS);
  sw_engine_set_stop_progress(e, progress, &st);
  sw_engine_destroy(e);
  /* Back while the chain engine is still stuck: the stop is bounded. */
  assert_int_equal(InterlockedCompareExchange(&b->returned, 0, 0), 0);
  sw_svc_status_report(&st, SERVICE_STOPPED, NO_ERROR, 0);

  assert_true(rec.n <= MAX_SEEN);
  /* The handler's STOP_PENDING, at least two checkpoints of the drain,
   * then STOPPED. */
  assert_true(rec.n >= 4);
  for (int i = 0; i < rec.n - 1; i++) {
    const SERVICE_STATUS *s = &rec.seen[i];
    if (s->dwCurrentState != SERVICE_STOP_PENDING || s->dwCheckPoint != (DWORD)i + 1 ||
        s->dwWaitHint != SW_SVC_STOP_WAIT_HINT_MS || s->dwControlsAccepted != 0)
      fail_msg("status %d: state %lu checkpoint %lu hint %lu accepts %lu", i,
               s->dwCurrentState, s->dwCheckPoint, s->dwWaitHint, s->dwControlsAccepted);
  }
  const SERVICE_STATUS *last = &rec.seen[rec.n - 1];
  assert_int_equal(last->dwCurrentState, SERVICE_STOPPED);
  assert_int_equal(last->dwCheckPoint, 0);
  assert_int_equal(last->dwWaitHint, 0);

  /* The abandoned validation ends when the chain engine lets go, and
   * frees what it held (the certificate, the engine's shared port). */
  SetEvent(b->release);
  assert_int_equal(wait_for_zero(sw_engine_verify_jobs), 0);
  assert_int_equal(wait_for_zero(sw_engine_dns_records), 0);
  assert_int_equal(InterlockedCompareExchange(&b->returned, 0, 0), 1);
}

static void test_checkpoints_only_while_pending(void **state)
{
  (void)state;
  struct recorder rec = {0};
  struct sw_svc_status st = {.set = record, .ctx = &rec};
  sw_svc_status_report(&st, SERVICE_START_PENDING, NO_ERROR, SW_SVC_START_WAIT_HINT_MS);
  sw_svc_status_progress(&st);
  sw_svc_status_report(&st, SERVICE_RUNNING, NO_ERROR, 0);
  sw_svc_status_progress(&st); /* RUNNING: nothing to report */
  sw_svc_status_report(&st, SERVICE_STOP_PENDING, NO_ERROR, SW_SVC_STOP_WAIT_HINT_MS);
  assert_int_equal(rec.n, 4);
  assert_int_equal(rec.seen[0].dwCheckPoint, 1);
  assert_int_equal(rec.seen[1].dwCheckPoint, 2);
  assert_int_equal(rec.seen[1].dwWaitHint, SW_SVC_START_WAIT_HINT_MS);
  assert_int_equal(rec.seen[2].dwCurrentState, SERVICE_RUNNING);
  assert_int_equal(rec.seen[2].dwCheckPoint, 0);
  assert_int_equal(rec.seen[2].dwControlsAccepted,
                   SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN);
  /* A stop starts its own count. */
  assert_int_equal(rec.seen[3].dwCheckPoint, 1);
}

static int setup(void **state)
{
  static struct blocker b;
  b.entered = CreateEventW(NULL, TRUE, FALSE, NULL);
  b.release = CreateEventW(NULL, TRUE, FALSE, NULL);
  *state = &b;
  return b.entered && b.release ? 0 : -1;
}

static int teardown(void **state)
{
  struct blocker *b = *state;
  SetEvent(b->release); /* never leave a pool thread blocked */
  wait_for_zero(sw_engine_verify_jobs);
  CloseHandle(b->entered);
  CloseHandle(b->release);
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stop_with_a_validation_blocked),
      cmocka_unit_test(test_checkpoints_only_while_pending),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
