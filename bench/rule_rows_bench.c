/* The editor's rule list at 1,000 to 100,000 rules: what a refresh pays
 * to turn each decoded status into a row and replace the list, what a
 * sort by each column costs (both ways: the average and the slowest
 * column), what a keystroke in the filter box costs (a word, a state,
 * and back to every row), and the memory a row keeps against the decoded
 * status it was made from. Rule ids, names, hosts and messages repeat the
 * way a big installation's do (many ties). Sorts and filters: the fastest
 * of three runs, in wall time.
 *
 *   rule_rows_bench [MAX_RULES]     (default 100000)
 *
 * Portable (gui/model only): built natively and for Windows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rule_rows.h"

/* Wall time: what the user waits for. On a shared machine it includes
 * other people's work, which is why each sort and filter is timed REPEAT
 * times and the fastest kept. (MinGW's C library has no timespec_get.) */
#if defined(_WIN32)
#include <windows.h>
static double now_s(void)
{
  LARGE_INTEGER f, c;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  return (double)c.QuadPart / (double)f.QuadPart;
}
#else
static double now_s(void)
{
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
#endif

#define REPEAT 3

/* A status as the worker decodes it from a STATUS page. */
static void fill(struct sw_pipe_status *s, int i)
{
  static char name[40], host[40];
  sw_pipe_status_init(s);
  snprintf(name, sizeof name, "Relay %d", (i * 7919) % 1000);
  snprintf(host, sizeof host, "mx%d.example.com", (i * 31) % 97);
  s->rule_id = i + 1;
  s->name = name;
  s->host = host;
  s->port = (uint16_t)(25 + i % 3);
  s->enabled = i % 11 != 0;
  s->has_state = s->has_result = i % 13 != 0;
  s->state = (enum sw_nagios_status)(i % 4);
  s->failures = (uint32_t)(i % 3);
  s->last.started_at_ms = INT64_C(1714565002000) + (i % 600) * 1000;
  s->last.check.total_us = (i * 104729) % 5000000;
  snprintf(s->last.message, sizeof s->last.message,
           "OK in %d ms: 220 mx%d.example.com ESMTP ready", (i * 7) % 900, i % 97);
}

/* Returns 0, or 1 if the list refused the rows (the figures mean
 * nothing then). */
static int bench(int n)
{
  struct sw_rule_row *rows = calloc((size_t)n, sizeof *rows);
  if (!rows) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  /* The statuses are made one at a time (100,000 of them would be 350
   * MB), so the row's cost is the loop's less that of filling alone. */
  struct sw_pipe_status s;
  double t = now_s();
  for (int i = 0; i < n; i++)
    fill(&s, i);
  double fill_s = now_s() - t;
  double text_bytes = 0;
  t = now_s();
  for (int i = 0; i < n; i++) {
    fill(&s, i);
    if (sw_rule_row_from_status(&rows[i], &s)) {
      fprintf(stderr, "out of memory at %d rows\n", i);
      return 1;
    }
  }
  double make_s = now_s() - t - fill_s;
  for (int i = 0; i < n; i++)
    text_bytes += (double)(strlen(rows[i].name) + strlen(rows[i].host) +
                           strlen(rows[i].message) + 3);
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, NULL);
  t = now_s();
  if (sw_rule_rows_replace(&r, rows, (size_t)n)) {
    fprintf(stderr, "the list refused %d rows\n", n);
    return 1;
  }
  double replace_s = now_s() - t;
  double sort_s = 0, sort_max_s = 0;
  for (int col = 0; col < SW_RULE_COL_COUNT; col++)
    for (int desc = 0; desc < 2; desc++) {
      double one = 1e9;
      for (int k = 0; k < REPEAT; k++) {
        t = now_s();
        sw_rule_rows_sort(&r, (enum sw_rule_column)col, desc != 0);
        double d = now_s() - t;
        one = d < one ? d : one;
      }
      sort_s += one / (2.0 * SW_RULE_COL_COUNT);
      sort_max_s = one > sort_max_s ? one : sort_max_s;
    }
  sw_rule_rows_sort(&r, SW_RULE_COL_NAME, false);
  /* What the filter box does on each keystroke: parse, then one pass. */
  static const char *const typed[] = {"mx1", "state:problem relay", ""};
  double filter_s[3];
  size_t shown[3];
  for (int i = 0; i < 3; i++) {
    struct sw_rule_filter f;
    char why[128];
    filter_s[i] = 1e9;
    for (int k = 0; k < REPEAT; k++) {
      t = now_s();
      sw_rule_filter_parse(&f, typed[i], why, sizeof why);
      sw_rule_rows_set_filter(&r, &f);
      double d = now_s() - t;
      filter_s[i] = d < filter_s[i] ? d : filter_s[i];
    }
    shown[i] = sw_rule_rows_count(&r);
  }
  /* A row, its texts, and its three index entries (sorted, shown, row_of). */
  double row_bytes =
      (double)sizeof(struct sw_rule_row) + text_bytes / n + 3 * sizeof(size_t);
  printf("%9d %6.0f %9zu %8.1f %11.2f %8.2f %8.2f %10.2f %10.2f %10.2f   (%zu, %zu, %zu "
         "shown)\n",
         n, row_bytes, sizeof(struct sw_pipe_status), (make_s > 0 ? make_s : 0) * 1e9 / n,
         replace_s * 1e3, sort_s * 1e3, sort_max_s * 1e3, filter_s[0] * 1e3,
         filter_s[1] * 1e3, filter_s[2] * 1e3, shown[0], shown[1], shown[2]);
  sw_rule_rows_free(&r);
  return 0;
}

int main(int argc, char **argv)
{
  int max = argc > 1 ? atoi(argv[1]) : 100000;
  if (max < 1000) {
    fprintf(stderr, "usage: rule_rows_bench [MAX_RULES >= 1000]\n");
    return 2;
  }
  printf("%9s %6s %9s %8s %11s %8s %8s %10s %10s %10s\n", "rules", "B/row", "B/status",
         "make ns", "replace ms", "sort ms", "max ms", "filter ms", "state ms",
         "clear ms");
  for (int n = 1000; n <= max; n *= 10)
    if (bench(n))
      return 1;
  return 0;
}
