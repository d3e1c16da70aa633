/* The metrics in the Prometheus text format: escaping, exact sample lines,
 * families written whole with their HELP and TYPE, the histogram's
 * cumulative buckets, rules not checked yet, and a buffer that runs out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metrics_text.h"
#include "prom_text.h"
#include "sw_buf.h"

/* True if `text` has `line` as a whole line. */
static bool has_line(const char *text, const char *line)
{
  size_t n = strlen(line);
  for (const char *at = strstr(text, line); at; at = strstr(at + 1, line))
    if ((at == text || at[-1] == '\n') && at[n] == '\n')
      return true;
  return false;
}

static void assert_line(const char *text, const char *line)
{
  if (!has_line(text, line))
    fail_msg("missing line: %s\nin:\n%s", line, text);
}

static void label_values_escape_backslash_quote_newline(void **state)
{
  (void)state;
  struct sw_buf b;
  sw_buf_init(&b, 0);
  struct sw_prom p;
  sw_prom_init(&p, &b);
  sw_prom_family(&p, "x_total", SW_PROM_COUNTER, "a \\ help\nwith \"quotes\"");
  struct sw_prom_label l[] = {{"rule", "C:\\path \"q\"\nnext"}, {"port", "25"}};
  sw_prom_int(&p, "", l, 2, 7);
  assert_int_equal(p.err, SW_E_OK);
  assert_string_equal(sw_buf_str(&b),
                      "# HELP x_total a \\\\ help\\nwith \"quotes\"\n"
                      "# TYPE x_total counter\n"
                      "x_total{rule=\"C:\\\\path \\\"q\\\"\\nnext\",port=\"25\"} 7\n");
  sw_buf_free(&b);
}

static void microseconds_are_exact_seconds(void **state)
{
  (void)state;
  struct sw_buf b;
  sw_buf_init(&b, 0);
  struct sw_prom p;
  sw_prom_init(&p, &b);
  sw_prom_family(&p, "d_seconds", SW_PROM_GAUGE, "d");
  sw_prom_us(&p, "", NULL, 0, 12345678);
  sw_prom_us(&p, "", NULL, 0, -1);
  sw_prom_us(&p, "", NULL, 0, 0);
  sw_prom_us(&p, "", NULL, 0, INT64_MIN);
  const char *t = sw_buf_str(&b);
  assert_line(t, "d_seconds 12.345678");
  assert_line(t, "d_seconds -0.000001");
  assert_line(t, "d_seconds 0.000000");
  assert_line(t, "d_seconds -9223372036854.775808");
  sw_buf_free(&b);
}

static void histogram_buckets_are_cumulative(void **state)
{
  (void)state;
  static const int64_t bounds[] = {1000, 500000, 2000000};
  uint64_t counts[4] = {0};
  struct sw_prom_histogram h = {.bounds_us = bounds, .nbounds = 3, .counts = counts};
  sw_prom_histogram_observe(&h, -5);      /* counts as 0 */
  sw_prom_histogram_observe(&h, 1000);    /* on the bound: in it */
  sw_prom_histogram_observe(&h, 1001);    /* the next */
  sw_prom_histogram_observe(&h, 9000000); /* above every bound */
  struct sw_buf b;
  sw_buf_init(&b, 0);
  struct sw_prom p;
  sw_prom_init(&p, &b);
  sw_prom_family(&p, "late_seconds", SW_PROM_HISTOGRAM, "late");
  struct sw_prom_label l = {"node", "a"};
  sw_prom_histogram_write(&p, &h, &l, 1);
  const char *t = sw_buf_str(&b);
  assert_line(t, "# TYPE late_seconds histogram");
  assert_line(t, "late_seconds_bucket{node=\"a\",le=\"0.001\"} 2");
  assert_line(t, "late_seconds_bucket{node=\"a\",le=\"0.5\"} 3");
  assert_line(t, "late_seconds_bucket{node=\"a\",le=\"2\"} 3");
  assert_line(t, "late_seconds_bucket{node=\"a\",le=\"+Inf\"} 4");
  assert_line(t, "late_seconds_sum{node=\"a\"} 9.002001");
  assert_line(t, "late_seconds_count{node=\"a\"} 4");
  sw_buf_free(&b);
}

/* Two checked rules, one checked once over TLS, one never. */
static void two_rules(struct sw_metrics_snapshot *s)
{
  sw_metrics_snapshot_init(s);
  struct sw_metrics_rule *r =
      sw_metrics_snapshot_add(s, 7, "mx \"one\"", "mx1.example.com", 25);
  assert_non_null(r);
  r->state = SW_NAGIOS_CRITICAL;
  r->last_check_us = INT64_C(1765000000250000);
  r->up = false;
  r->step_us[SW_STEP_CONNECT] = 1500;
  r->step_us[SW_STEP_GREETING] = 2000000;
  r->cert_not_after = 1790000000;
  r = sw_metrics_snapshot_add(s, 12, "new", "::1", 587);
  assert_non_null(r);
  s->rules_configured = 5;
  s->start_time_us = INT64_C(1764990000000000);
  s->checks[SW_OUTCOME_OK] = 40;
  s->checks[SW_OUTCOME_REFUSED] = 3;
  sw_metrics_lateness_observe(&s->lateness, 400);
  sw_metrics_lateness_observe(&s->lateness, 70000000);
  s->db_up = true;
  s->db_size_bytes = 1048576;
  s->db_write_failures = 2;
  s->outbox_pending = 4;
  s->pipe_clients = 1;
}

/* The snapshot of two_rules(), rendered: the tests' shared fixture. */
struct rendered {
  struct sw_metrics_snapshot snap;
  struct sw_buf text;
};

static int render_two_rules(void **state)
{
  struct rendered *r = calloc(1, sizeof *r);
  assert_non_null(r);
  two_rules(&r->snap);
  sw_buf_init(&r->text, 0);
  assert_int_equal(sw_metrics_render(&r->snap, &r->text), SW_E_OK);
  *state = r;
  return 0;
}

static int free_rendered(void **state)
{
  struct rendered *r = *state;
  sw_buf_free(&r->text);
  sw_metrics_snapshot_free(&r->snap);
  free(r);
  return 0;
}

#define RULE7 "rule_id=\"7\",rule=\"mx \\\"one\\\"\",host=\"mx1.example.com\",port=\"25\""
#define RULE12 "rule_id=\"12\",rule=\"new\",host=\"::1\",port=\"587\""

static void a_snapshot_renders_every_figure(void **state)
{
  const char *t = sw_buf_str(&((struct rendered *)*state)->text);
  assert_line(t, "smtpwatch_rule_up{" RULE7 "} 0");
  assert_line(t, "smtpwatch_rule_state{" RULE7 "} 2");
  assert_line(t, "smtpwatch_rule_state{" RULE12 "} 0");
  assert_line(t,
              "smtpwatch_rule_last_check_timestamp_seconds{" RULE7 "} 1765000000.250000");
  assert_line(t, "smtpwatch_rule_step_duration_seconds{" RULE7
                 ",step=\"connect\"} 0.001500");
  assert_line(t, "smtpwatch_rule_step_duration_seconds{" RULE7
                 ",step=\"greeting\"} 2.000000");
  assert_line(t, "smtpwatch_rule_certificate_expiry_timestamp_seconds{" RULE7
                 "} 1790000000");
  assert_line(t, "smtpwatch_checks_total{outcome=\"ok\"} 40");
  assert_line(t, "smtpwatch_checks_total{outcome=\"connection_refused\"} 3");
  assert_line(t, "smtpwatch_checks_total{outcome=\"timeout\"} 0");
  assert_line(t, "smtpwatch_schedule_lateness_seconds_bucket{le=\"0.001\"} 1");
  assert_line(t, "smtpwatch_schedule_lateness_seconds_bucket{le=\"60\"} 1");
  assert_line(t, "smtpwatch_schedule_lateness_seconds_bucket{le=\"+Inf\"} 2");
  assert_line(t, "smtpwatch_schedule_lateness_seconds_count 2");
  assert_line(t, "smtpwatch_schedule_lateness_seconds_sum 70.000400");
  assert_line(t, "smtpwatch_rules{checked=\"true\"} 2");
  assert_line(t, "smtpwatch_rules{checked=\"false\"} 3");
  assert_line(t, "smtpwatch_database_up 1");
  assert_line(t, "smtpwatch_database_size_bytes 1048576");
  assert_line(t, "smtpwatch_database_write_failures_total 2");
  assert_line(t, "smtpwatch_outbox_notifications 4");
  assert_line(t, "smtpwatch_pipe_clients 1");
  assert_line(t, "smtpwatch_start_time_seconds 1764990000.000000");
  /* Steps not reached and a rule never checked have no per-check sample. */
  assert_null(strstr(t, "step=\"ehlo\""));
  assert_null(strstr(t, "smtpwatch_rule_up{" RULE12));
  assert_null(strstr(t, "smtpwatch_rule_last_check_timestamp_seconds{" RULE12));
}

/* The format's grouping rule: every sample line belongs to the family of
 * the TYPE line above it (its name, or the name plus a histogram's
 * suffix), no family comes twice, and every family has HELP before TYPE. */
static void families_are_whole_and_named_by_convention(void **state)
{
  const struct sw_buf *b = &((struct rendered *)*state)->text;
  char *text = malloc(b->len + 1);
  assert_non_null(text);
  memcpy(text, sw_buf_str(b), b->len + 1);
  char family[128] = "", help_of[128] = "", seen[4096] = " ";
  size_t families = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    char name[128], type[32];
    if (sscanf(line, "# HELP %127s", name) == 1) {
      snprintf(help_of, sizeof help_of, "%s", name);
    } else if (sscanf(line, "# TYPE %127s %31s", name, type) == 2) {
      assert_string_equal(name, help_of);
      char key[140];
      snprintf(key, sizeof key, " %s ", name);
      assert_null(strstr(seen, key)); /* never split */
      strcat(seen, key + 1);
      snprintf(family, sizeof family, "%s", name);
      families++;
      if (!strcmp(type, "counter"))
        assert_non_null(strstr(name, "_total"));
      if (strstr(name, "timestamp"))
        assert_string_equal(strstr(name, "_timestamp_seconds"), "_timestamp_seconds");
    } else {
      size_t n = strcspn(line, "{ ");
      size_t f = strlen(family);
      assert_true(n >= f && !strncmp(line, family, f));
      const char *rest = line + f;
      size_t rn = n - f;
      assert_true(rn == 0 || (rn == 7 && !strncmp(rest, "_bucket", 7)) ||
                  (rn == 4 && !strncmp(rest, "_sum", 4)) ||
                  (rn == 6 && !strncmp(rest, "_count", 6)));
    }
  }
  assert_int_equal(families, SW_METRIC_COUNT);
  free(text);
}

static void unknown_figures_are_left_out(void **state)
{
  (void)state;
  struct sw_metrics_snapshot s;
  sw_metrics_snapshot_init(&s);
  struct sw_buf b;
  sw_buf_init(&b, 0);
  assert_int_equal(sw_metrics_render(&s, &b), SW_E_OK);
  const char *t = sw_buf_str(&b);
  assert_null(strstr(t, "smtpwatch_database_size_bytes"));
  assert_null(strstr(t, "smtpwatch_outbox_notifications"));
  assert_line(t, "smtpwatch_database_up 0");
  assert_line(t, "smtpwatch_rules{checked=\"true\"} 0");
  sw_buf_free(&b);
  sw_metrics_snapshot_free(&s);
}

static void a_full_buffer_is_an_error(void **state)
{
  (void)state;
  struct sw_metrics_snapshot s;
  two_rules(&s);
  struct sw_buf b;
  sw_buf_init(&b, 200);
  assert_int_not_equal(sw_metrics_render(&s, &b), SW_E_OK);
  sw_buf_free(&b);
  sw_metrics_snapshot_free(&s);
}

static void names_come_from_the_map(void **state)
{
  (void)state;
  assert_string_equal(sw_metric_name(SW_METRIC_RULE_UP), "smtpwatch_rule_up");
  assert_string_equal(sw_metric_name(SW_METRIC_COUNT), "");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(label_values_escape_backslash_quote_newline),
      cmocka_unit_test(microseconds_are_exact_seconds),
      cmocka_unit_test(histogram_buckets_are_cumulative),
      cmocka_unit_test_setup_teardown(a_snapshot_renders_every_figure, render_two_rules,
                                      free_rendered),
      cmocka_unit_test_setup_teardown(families_are_whole_and_named_by_convention,
                                      render_two_rules, free_rendered),
      cmocka_unit_test(unknown_figures_are_left_out),
      cmocka_unit_test(a_full_buffer_is_an_error),
      cmocka_unit_test(names_come_from_the_map),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
