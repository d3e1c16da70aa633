/* Availability reports at scale: a store with RULES rules and DAYS days of
 * results every INTERVAL seconds (written through the store's API, batch
 * by batch, as the service writes them), then the report of the whole
 * period over every rule twice in the same run:
 *   - from the rollups (sw_store_availability: what REPORT does), and
 *   - the peer: the same figures computed from the raw results (every
 *     rule's history read through the store's API, then the same
 *     arithmetic, availability.h and latency_hist.h).
 * It prints both times, their ratio, and whether the figures agree (they
 * must: the period is whole days, so each result's time falls the same
 * way). Never a pass/fail on time.
 *
 *   report_bench DB [RULES [DAYS [INTERVAL_S]]]   (10000, 30, 300)
 *
 * DB is created (an existing file is reused as it is, to time the reports
 * again without writing for minutes). Portable: built natively and for
 * Windows. */
#ifdef _WIN32
#include <windows.h>
#else
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "latency_hist.h"
#include "store.h"
#include "store_report.h"

#define T0 INT64_C(1764547200000) /* 2025-12-01T00:00:00Z */
#define DAY_MS INT64_C(86400000)

/* Wall-clock seconds. */
static double now_s(void)
{
#ifdef _WIN32
  LARGE_INTEGER f, c;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  return (double)c.QuadPart / (double)f.QuadPart;
#else
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
#endif
}

/* CPU seconds of this process where clock() measures that (not on
 * Windows, where it is wall time): on a busy machine the fairer figure. */
static double cpu_s(void)
{
#ifdef _WIN32
  return now_s();
#else
  return (double)clock() / CLOCKS_PER_SEC;
#endif
}

static void die(struct sw_store *st, const char *what, enum sw_store_error err)
{
  fprintf(stderr, "report_bench: %s: %s (%s)\n", what, sw_store_error_name(err),
          st ? sw_store_last_error(st)->message : "");
  exit(1);
}

/* Rule r's check number k: mostly OK with a few ms per step; about one
 * outage of 3 checks in 4 days per rule, refused at connect. */
static void make_result(struct sw_store_result *res, int64_t rule, int64_t k,
                        int64_t at_ms, unsigned *seed)
{
  sw_store_result_init(res);
  res->rule_id = rule;
  res->started_at_ms = at_ms;
  struct sw_check_result *c = &res->check;
  *seed = *seed * 1103515245u + 12345u;
  unsigned r = *seed >> 8;
  bool down = (k + rule * 37) % 1152 < 3;
  c->outcome = down ? SW_OUTCOME_REFUSED : SW_OUTCOME_OK;
  c->step = down ? SW_STEP_CONNECT : SW_STEP_QUIT;
  res->status = down ? SW_NAGIOS_CRITICAL : SW_NAGIOS_OK;
  c->step_us[SW_STEP_RESOLVE] = 50 + r % 200;
  c->step_us[SW_STEP_CONNECT] = 300 + r % 20000;
  if (!down) {
    c->step_us[SW_STEP_GREETING] = 2000 + (r >> 4) % 50000;
    c->step_us[SW_STEP_EHLO] = 500 + (r >> 6) % 5000;
    c->step_us[SW_STEP_QUIT] = 100 + (r >> 8) % 1000;
  }
}

static void generate(struct sw_store *st, int rules, int days, int interval_s)
{
  int64_t *ids = malloc((size_t)rules * sizeof *ids);
  struct sw_store_result *batch = malloc((size_t)rules * sizeof *batch);
  if (!ids || !batch)
    exit(1);
  for (int i = 0; i < rules; i++) {
    struct sw_rule r;
    sw_rule_init_defaults(&r);
    char name[32], host[40];
    snprintf(name, sizeof name, "bench %d", i);
    snprintf(host, sizeof host, "mx%d.example.com", i);
    sw_rule_set_string(&r.name, name);
    sw_rule_set_string(&r.host, host);
    r.interval_s = (uint32_t)interval_s;
    enum sw_store_error err = sw_store_rule_add(st, &r, T0, NULL, &ids[i]);
    sw_rule_free(&r);
    if (err)
      die(st, "adding a rule", err);
  }
  unsigned seed = 1;
  int64_t checks = (int64_t)days * 86400 / interval_s;
  double t0 = now_s();
  for (int64_t k = 0; k < checks; k++) {
    for (int i = 0; i < rules; i++) /* spread over the interval, as scheduled */
      make_result(&batch[i], ids[i], k,
                  T0 + k * interval_s * 1000 + (int64_t)i * interval_s * 1000 / rules,
                  &seed);
    struct sw_store_batch b = {.results = batch, .result_count = (size_t)rules};
    enum sw_store_error err = sw_store_write(st, &b, NULL);
    for (int i = 0; i < rules; i++)
      sw_store_result_free(&batch[i]);
    if (err)
      die(st, "writing results", err);
    if (k % 288 == 287 || k == checks - 1)
      fprintf(stderr, "  %lld of %lld checks per rule written, %.0f results/s\n",
              (long long)k + 1, (long long)checks,
              (double)(k + 1) * rules / (now_s() - t0));
  }
  free(ids);
  free(batch);
}

/* The peer's figures of one rule, from its raw results. */
struct raw_figures {
  struct sw_avail_totals totals;
  struct sw_step_latency latency;
  size_t outages;
  int64_t first_outage_ms;
};

/* Reads the rule's results from `from - slack` to `until`, oldest first,
 * into *out (grown as needed). */
static size_t read_raw(struct sw_store *st, int64_t rule, int64_t from, int64_t until,
                       struct sw_store_result **out, size_t *cap)
{
  size_t n = 0;
  struct sw_store_cursor cur = {until, 0};
  for (;;) {
    struct sw_store_result_list page;
    enum sw_store_error err = sw_store_history_brief(st, rule, &cur, 1000, &page);
    if (err)
      die(st, "reading the history", err);
    size_t kept = 0;
    for (size_t i = 0; i < page.count; i++) {
      if (page.items[i].started_at_ms < from)
        continue;
      if (n == *cap) {
        *cap = *cap ? *cap * 2 : 4096;
        *out = realloc(*out, *cap * sizeof **out);
        if (!*out)
          exit(1);
      }
      (*out)[n++] = page.items[i];
      page.items[i].check = (struct sw_check_result){0}; /* moved */
      sw_check_result_init(&page.items[i].check);
      kept++;
    }
    bool done = page.count < 1000 || kept < page.count;
    if (page.count)
      cur = (struct sw_store_cursor){page.items[page.count - 1].started_at_ms,
                                     page.items[page.count - 1].id};
    sw_store_result_list_free(&page);
    if (done)
      break;
  }
  for (size_t i = 0; i < n / 2; i++) { /* newest first -> oldest first */
    struct sw_store_result t = (*out)[i];
    (*out)[i] = (*out)[n - 1 - i];
    (*out)[n - 1 - i] = t;
  }
  return n;
}

static void raw_rule(struct sw_store *st, int64_t rule, int64_t interval_ms, int64_t from,
                     int64_t until, struct sw_store_result **buf, size_t *cap,
                     struct sw_avail_change **changes, struct raw_figures *f)
{
  memset(f, 0, sizeof *f);
  size_t n = read_raw(st, rule, from - interval_ms, until, buf, cap);
  *changes = realloc(*changes, (n + 1) * sizeof **changes);
  size_t nc = 0;
  int64_t covered = 0, a, b;
  for (size_t i = 0; i < n; i++) {
    struct sw_store_result *r = &(*buf)[i];
    enum sw_avail_kind kind = sw_avail_kind_of(r->status, r->in_maintenance);
    if (sw_avail_cover(r->started_at_ms, interval_ms, &covered, &a, &b)) {
      a = a > from ? a : from;
      b = b < until ? b : until;
      if (b > a)
        f->totals.ms[kind] += b - a;
    }
    if (r->started_at_ms >= from) {
      f->totals.checks++;
      sw_step_latency_add_check(&f->latency, &r->check);
    }
    if (!nc || (*changes)[nc - 1].kind != kind)
      (*changes)[nc++] =
          (struct sw_avail_change){r->started_at_ms, kind, r->check.outcome};
    sw_store_result_free(r);
  }
  struct sw_outage *o = malloc((nc + 1) * sizeof *o);
  f->outages = sw_avail_outages(*changes, nc, from, until, o);
  f->first_outage_ms = f->outages ? o[0].start_ms : 0;
  free(o);
}

static bool agree(const struct sw_store_availability *x, const struct raw_figures *f)
{
  if (memcmp(x->totals.ms, f->totals.ms, sizeof f->totals.ms) ||
      x->totals.checks != f->totals.checks || x->outage_count != f->outages ||
      (f->outages && x->outages[0].start_ms != f->first_outage_ms))
    return false;
  for (int s = 0; s < SW_STEP_COUNT; s++)
    for (int p = 0; p < SW_AVAIL_PERCENTILE_COUNT; p++)
      if (x->percentile_us[s][p] !=
          sw_latency_percentile(&f->latency.step[s], sw_avail_percentiles[p]))
        return false;
  return true;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: report_bench DB [RULES [DAYS [INTERVAL_S]]]\n");
    return 2;
  }
  int rules = argc > 2 ? atoi(argv[2]) : 10000;
  int days = argc > 3 ? atoi(argv[3]) : 30;
  int interval_s = argc > 4 ? atoi(argv[4]) : 300;
  if (rules < 1 || days < 1 || interval_s < 10)
    return 2;
  FILE *exists = fopen(argv[1], "rb");
  if (exists)
    fclose(exists);
  struct sw_store *st;
  struct sw_store_diag diag;
  enum sw_store_error err = sw_store_open(argv[1], NULL, &st, &diag);
  if (err)
    die(NULL, diag.message, err);
  double t = now_s();
  if (!exists) {
    fprintf(stderr, "generating %d rules x %d days every %d s...\n", rules, days,
            interval_s);
    generate(st, rules, days, interval_s);
    printf("generate: %d rules, %lld results in %.1f s\n", rules,
           (long long)rules * days * 86400 / interval_s, now_s() - t);
  }
  struct sw_store_rule_list list;
  if ((err = sw_store_rule_list(st, &list)))
    die(st, "listing the rules", err);
  int64_t *ids = malloc(list.count * sizeof *ids);
  for (size_t i = 0; i < list.count; i++)
    ids[i] = list.items[i].rule.id;
  int64_t from = T0, until = T0 + days * DAY_MS;
  struct sw_store_report_period p;
  sw_store_report_period(st, from, until, until, &p);

  t = now_s();
  double c = cpu_s();
  struct sw_store_availability_list rep;
  if ((err = sw_store_availability(st, ids, list.count, &p, &rep)))
    die(st, "reading the report", err);
  double rollup_s = now_s() - t, rollup_cpu = cpu_s() - c;

  t = now_s();
  c = cpu_s();
  struct sw_store_result *buf = NULL;
  struct sw_avail_change *changes = NULL;
  size_t cap = 0, disagree = 0;
  struct raw_figures *f = malloc(sizeof *f);
  for (size_t i = 0; i < list.count; i++) {
    raw_rule(st, ids[i], (int64_t)list.items[i].rule.interval_s * 1000, from, until, &buf,
             &cap, &changes, f);
    disagree += !agree(&rep.items[i], f);
  }
  double raw_s = now_s() - t, raw_cpu = cpu_s() - c;
  printf("report over %zu rules, %d days: rollups %.3f s (cpu %.3f s; %.1f ms per 1000 "
         "rules), raw results %.3f s (cpu %.3f s); raw/rollups %.0fx; figures %s\n",
         list.count, days, rollup_s, rollup_cpu,
         rollup_s * 1000 / ((double)list.count / 1000), raw_s, raw_cpu, raw_s / rollup_s,
         disagree ? "DISAGREE" : "agree");
  free(f);
  free(buf);
  free(changes);
  free(ids);
  sw_store_availability_list_free(&rep);
  sw_store_rule_list_free(&list);
  sw_store_close(st);
  return disagree ? 1 : 0;
}
