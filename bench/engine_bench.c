/* engine_bench: the bare_loop workload run through our check engine.
 *
 * Keeps IN_FLIGHT checks submitted until TOTAL have finished: each done
 * callback submits the next one, as the service's scheduler will. Every
 * check is the full product path: spec copy, address parsing, the
 * sans-IO dialogue, timers, transcript and result.
 *
 *   engine_bench HOST PORT IN_FLIGHT TOTAL [--tls implicit|starttls] [--insecure]
 *
 * With --tls every check also does a TLS handshake (Schannel) and, unless
 * --insecure, validates the server's certificate for HOST with the chain
 * API, as the product does; the CA must be in the Root store then.
 *
 * Prints one line, "engine_bench: checks=... ok=... failures=... seconds=...
 * checks_per_s=...", in the same format as bare_loop for bench/run.sh, and
 * on stderr the first failures and a count per outcome. Exit status 0 when
 * every check was OK, 1 when some were not, 2 on bad arguments or setup
 * errors. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define FAILURES_SHOWN 5

struct bench {
  struct sw_engine *engine;
  struct sw_check_spec spec;
  unsigned in_flight, total;
  unsigned submitted, finished, failures;
  unsigned per_outcome[SW_OUTCOME_COUNT];
};

static void note_failure(struct bench *b, const char *what, const char *step,
                         const char *detail)
{
  b->failures++;
  if (b->failures <= FAILURES_SHOWN)
    fprintf(stderr, "engine_bench: check failed: %s in %s: %s\n", what, step, detail);
}

static void on_done(void *ctx, struct sw_check_result *r);

/* Tops the engine up to IN_FLIGHT checks. A submit that fails counts as a
 * finished, failed check, so the run still ends. */
static void top_up(struct bench *b)
{
  while (b->submitted < b->total && b->submitted - b->finished < b->in_flight) {
    b->submitted++;
    enum sw_error err = sw_engine_submit(b->engine, &b->spec, on_done, b);
    if (err) {
      b->finished++;
      note_failure(b, "submit refused", "submit", sw_error_text(err));
    }
  }
}

static void on_done(void *ctx, struct sw_check_result *r)
{
  struct bench *b = ctx;
  b->finished++;
  if ((unsigned)r->outcome < SW_OUTCOME_COUNT)
    b->per_outcome[r->outcome]++;
  if (r->outcome != SW_OUTCOME_OK)
    note_failure(b, sw_outcome_name(r->outcome), sw_step_name(r->step), r->detail);
  top_up(b);
}

static double now_s(void)
{
  static LARGE_INTEGER freq;
  LARGE_INTEGER t;
  if (!freq.QuadPart)
    QueryPerformanceFrequency(&freq);
  QueryPerformanceCounter(&t);
  return (double)t.QuadPart / (double)freq.QuadPart;
}

int main(int argc, char **argv)
{
  enum sw_tls_mode tls = SW_TLS_NONE;
  bool insecure = false;
  for (int i = 5; i < argc; i++) {
    if (!strcmp(argv[i], "--tls") && i + 1 < argc &&
        sw_tls_mode_from_name(argv[i + 1], &tls))
      i++;
    else if (!strcmp(argv[i], "--insecure"))
      insecure = true;
    else
      argc = 0; /* usage */
  }
  if (argc < 5) {
    fprintf(stderr,
            "usage: engine_bench HOST PORT IN_FLIGHT TOTAL [--tls implicit|starttls] "
            "[--insecure]\n");
    return 2;
  }
  long port = strtol(argv[2], NULL, 10);
  long in_flight = strtol(argv[3], NULL, 10);
  long total = strtol(argv[4], NULL, 10);
  if (port < 1 || port > 65535 || in_flight < 1 || total < 0) {
    fprintf(stderr, "engine_bench: PORT must be 1-65535, IN_FLIGHT >= 1, TOTAL >= 0\n");
    return 2;
  }
  struct bench b = {
      .spec = {.host = argv[1],
               .port = (uint16_t)port,
               .command = NULL,
               .expect = NULL,
               .ehlo_name = "bench.client",
               .timeout_ms = 10000,
               .tls_mode = tls,
               .tls_insecure = insecure,
               .cert_warn_days = 21,
               .cert_crit_days = 7},
      .in_flight = (unsigned)in_flight,
      .total = (unsigned)total,
  };
  unsigned long win_error = 0;
  enum sw_error err = sw_engine_create(&b.engine, &win_error);
  if (err) {
    fprintf(stderr, "engine_bench: cannot create the engine: %s (Win32 error %lu)\n",
            sw_error_text(err), win_error);
    return 2;
  }

  double t0 = now_s();
  top_up(&b);
  err = sw_engine_run(b.engine, SW_RUN_UNTIL_IDLE);
  double secs = now_s() - t0;
  if (err)
    fprintf(stderr, "engine_bench: the engine loop failed: %s\n", sw_error_text(err));
  sw_engine_destroy(b.engine);

  /* A loop that returned early leaves checks neither OK nor failed. */
  unsigned failed = b.failures + (b.total - b.finished);
  printf("engine_bench: checks=%u ok=%u failures=%u seconds=%.3f checks_per_s=%.1f\n",
         b.total, b.total - failed, failed, secs,
         secs > 0 ? (double)(b.total - failed) / secs : 0.0);
  fflush(stdout);
  if (failed) {
    for (int o = 0; o < SW_OUTCOME_COUNT; o++)
      if (b.per_outcome[o])
        fprintf(stderr, "engine_bench: %u x %s\n", b.per_outcome[o],
                sw_outcome_name((enum sw_outcome)o));
  }
  return failed ? 1 : 0;
}
