/* The metrics' cost (common/monitor/metrics_text.c): for 1,000 to 100,000
 * checked rules, the snapshot the loop takes (the copy of each rule's
 * figures: the loop thread's whole share) and the rendering the worker
 * does, with the text's size, against a peer measured in the same run:
 * copying the same number of bytes with memcpy, the least any producer of
 * that text could spend. Each figure is the best of 5 rounds. Prints
 * figures; never fails on a timing. Usage: metrics_bench [MAX_RULES] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metrics_text.h"
#include "sw_buf.h"

#define ROUNDS 5

/* Processor time, as the other benchmarks of common/ measure it
 * (clock(): MinGW has no timespec_get), in ns. */
static int64_t now_ns(void)
{
  return (int64_t)((double)clock() * 1e9 / CLOCKS_PER_SEC);
}

/* A rule as the service has it after a few checks: five steps reached, a
 * certificate on every other one, names and hosts of a usual length. */
static void fill(struct sw_metrics_snapshot *s, size_t n)
{
  sw_metrics_snapshot_init(s);
  s->rules_configured = n;
  for (size_t i = 0; i < n; i++) {
    char name[64], host[64];
    snprintf(name, sizeof name, "Relay %zu of the mail estate", i);
    snprintf(host, sizeof host, "mx%zu.branch%zu.example.com", i % 100, i / 100);
    struct sw_metrics_rule *r = sw_metrics_snapshot_add(s, (int64_t)i + 1, name, host,
                                                        (uint16_t)(i % 2 ? 25 : 587));
    if (!r) {
      fprintf(stderr, "metrics_bench: out of memory at %zu rules\n", i);
      exit(1);
    }
    r->state = (enum sw_nagios_status)(i % 4);
    r->last_check_us = INT64_C(1765000000000000) + (int64_t)i;
    r->up = i % 7 != 0;
    const enum sw_step steps[] = {SW_STEP_RESOLVE, SW_STEP_CONNECT, SW_STEP_GREETING,
                                  SW_STEP_EHLO, SW_STEP_QUIT};
    for (size_t k = 0; k < sizeof steps / sizeof *steps; k++)
      r->step_us[steps[k]] = (int32_t)(1000 + i % 5000 + k);
    r->cert_not_after = i % 2 ? 1790000000 : 0;
  }
  s->checks[SW_OUTCOME_OK] = 12345678;
}

int main(int argc, char **argv)
{
  size_t max = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
  printf("%9s %12s %12s %10s %12s %10s %9s\n", "rules", "snapshot_ms", "render_ms", "MB",
         "bytes/rule", "memcpy_ms", "ratio");
  for (size_t n = 1000; n <= max; n *= 10) {
    int64_t best_snap = INT64_MAX, best_render = INT64_MAX, best_copy = INT64_MAX;
    size_t bytes = 0;
    for (int round = 0; round < ROUNDS; round++) {
      struct sw_metrics_snapshot s;
      int64_t t0 = now_ns();
      fill(&s, n);
      int64_t t1 = now_ns();
      struct sw_buf out;
      sw_buf_init(&out, 0);
      if (sw_metrics_render(&s, &out) != SW_E_OK) {
        fprintf(stderr, "metrics_bench: rendering failed\n");
        return 1;
      }
      int64_t t2 = now_ns();
      char *copy = malloc(out.len);
      int64_t t3 = now_ns();
      memcpy(copy, sw_buf_str(&out), out.len);
      int64_t t4 = now_ns();
      bytes = out.len + (size_t)(copy[out.len / 2] == 0); /* keeps the copy */
      free(copy);
      sw_buf_free(&out);
      sw_metrics_snapshot_free(&s);
      best_snap = t1 - t0 < best_snap ? t1 - t0 : best_snap;
      best_render = t2 - t1 < best_render ? t2 - t1 : best_render;
      best_copy = t4 - t3 < best_copy ? t4 - t3 : best_copy;
    }
    printf("%9zu %12.2f %12.2f %10.1f %12zu %10.2f %8.0fx\n", n, best_snap / 1e6,
           best_render / 1e6, bytes / 1e6, bytes / n, best_copy / 1e6,
           (double)best_render / (double)(best_copy ? best_copy : 1));
  }
  return 0;
}
