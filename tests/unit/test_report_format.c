/* smtpwatch report's words and formats: periods relative and absolute,
 * bad periods refused with a sentence; the AVAILABILITY record survives
 * the pipe; text, JSON, CSV and HTML say the same figures, CSV quotes
 * per RFC 4180 and HTML escapes every name, so a rule called
 * <script>"x",y cannot break either. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pipe_protocol.h"
#include "pipe_report.h"
#include "report_args.h"
#include "report_format.h"

#define NOW 1765152000000LL /* 2025-12-08T00:00:00Z */
#define HOUR 3600000LL

static bool parse(struct sw_report_args *a, struct sw_buf *err, int argc, ...)
{
  char *argv[16] = {"report"};
  va_list ap;
  va_start(ap, argc);
  for (int i = 1; i < argc; i++)
    argv[i] = va_arg(ap, char *);
  va_end(ap);
  err->len = 0;
  return sw_report_args_parse(argc, argv, NOW, a, err);
}

static void test_periods_and_options(void **state)
{
  (void)state;
  struct sw_report_args a;
  struct sw_buf e;
  sw_buf_init(&e, 0);
  assert_true(parse(&a, &e, 3, "--period", "7d"));
  assert_true(a.from_ms == NOW - 7 * 24 * HOUR && a.until_ms == NOW);
  assert_int_equal(a.format, SW_REPORT_TEXT);
  assert_true(parse(&a, &e, 6, "mx1", "7", "--period", "2025-12-01..2025-12-03T12:00Z",
                    "--json"));
  assert_int_equal(a.rule_count, 2);
  assert_string_equal(a.rules[1], "7");
  assert_true(a.from_ms == 1764547200000LL && a.until_ms == 1764547200000LL + 60 * HOUR);
  assert_null(a.file);
  /* A rule with dots after --csv is a rule; a .csv word is the file. */
  assert_true(parse(&a, &e, 5, "--csv", "mx.example.com", "--period", "24h"));
  assert_null(a.file);
  assert_int_equal(a.rule_count, 1);
  assert_true(parse(&a, &e, 5, "--csv", "out.csv", "--period", "24h"));
  assert_string_equal(a.file, "out.csv");
  assert_true(parse(&a, &e, 5, "--html", "r.html", "--period", "30d"));
  assert_true(a.format == SW_REPORT_HTML && !strcmp(a.file, "r.html"));
  /* Refused, each with its sentence. */
  assert_false(parse(&a, &e, 2, "mx1"));
  assert_non_null(strstr(sw_buf_str(&e), "Say which period"));
  assert_false(parse(&a, &e, 3, "--period", "2025-12-03..2025-12-01"));
  assert_non_null(strstr(sw_buf_str(&e), "before its UNTIL"));
  assert_false(parse(&a, &e, 3, "--period", "2025-13-01..2025-12-01"));
  assert_non_null(strstr(sw_buf_str(&e), "--period needs"));
  assert_false(parse(&a, &e, 4, "--period", "24h", "--html"));
  assert_non_null(strstr(sw_buf_str(&e), "--html needs the FILE"));
  assert_false(parse(&a, &e, 4, "--period", "24h", "--pdf"));
  sw_buf_free(&e);
}

/* One rule of a day: 23 h OK, 30 min down (refused), 30 min maintenance. */
static void sample(struct sw_pipe_availability *a, struct sw_outage *o, const char *name)
{
  memset(a, 0, sizeof *a);
  memset(o, 0, sizeof *o); /* compared with memcmp: no stray padding */
  a->rule_id = 7;
  a->name = (char *)name;
  a->host = "mx.example.com";
  a->port = 25;
  a->totals.period_ms = 24 * HOUR;
  a->totals.ms[SW_AVAIL_OK] = 23 * HOUR;
  a->totals.ms[SW_AVAIL_CRITICAL] = HOUR / 2;
  a->totals.ms[SW_AVAIL_MAINTENANCE] = HOUR / 2;
  a->totals.checks = 1440;
  o->start_ms = NOW - 5 * HOUR;
  o->end_ms = NOW - 5 * HOUR + HOUR / 2;
  o->outcome = SW_OUTCOME_REFUSED;
  o->open = false;
  o->began_before = false;
  a->outages = o;
  a->outage_count = 1;
  a->steps[0] = (struct sw_pipe_step_latency){SW_STEP_CONNECT, 1440, {1500, 1900, 2000}};
  a->step_count = 1;
}

static void test_record_round_trip(void **state)
{
  (void)state;
  struct sw_pipe_availability a, b;
  struct sw_outage o;
  sample(&a, &o, "mx1");
  struct sw_buf buf;
  sw_buf_init(&buf, 0);
  sw_pipe_put_availability(&buf, &a);
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&r, (const uint8_t *)buf.data, buf.len);
  assert_true(sw_tlv_next(&r, &f) && f.tag == SW_PIPE_TAG_AVAILABILITY);
  assert_int_equal(sw_pipe_get_availability(&r, &b), SW_E_OK);
  assert_string_equal(b.name, "mx1");
  assert_string_equal(b.host, "mx.example.com");
  assert_memory_equal(&b.totals, &a.totals, sizeof a.totals);
  assert_int_equal(b.outage_count, 1);
  assert_memory_equal(b.outages, &o, sizeof o);
  assert_int_equal(b.step_count, 1);
  assert_int_equal(b.steps[0].step, a.steps[0].step);
  assert_int_equal(b.steps[0].samples, a.steps[0].samples);
  assert_memory_equal(b.steps[0].percentile_us, a.steps[0].percentile_us,
                      sizeof a.steps[0].percentile_us);
  sw_pipe_availability_free(&b);
  /* Cut anywhere, it is refused, never read past. */
  for (size_t len = 1; len < buf.len; len++) {
    sw_tlv_reader_init(&r, (const uint8_t *)buf.data, len);
    if (sw_tlv_next(&r, &f)) {
      assert_int_not_equal(sw_pipe_get_availability(&r, &b), SW_E_OK);
      sw_pipe_availability_free(&b);
    }
  }
  sw_buf_free(&buf);
}

static void test_reply_pages_read_back(void **state)
{
  (void)state;
  struct sw_pipe_availability a;
  struct sw_outage o;
  sample(&a, &o, "mx1");
  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_tlv_put_int(&body, SW_PIPE_TAG_REPORT_FROM, NOW - 24 * HOUR);
  sw_tlv_put_int(&body, SW_PIPE_TAG_REPORT_UNTIL, NOW);
  sw_tlv_put_str(&body, SW_PIPE_TAG_MESSAGE, "rollups being built (40 %)");
  sw_pipe_put_availability(&body, &a);
  a.rule_id = 9;
  a.name = "mx2";
  sw_pipe_put_availability(&body, &a);
  sw_tlv_put_bool(&body, SW_PIPE_TAG_MORE, true);
  struct sw_report r = {0};
  bool more = false;
  int64_t last = 0;
  assert_int_equal(
      sw_report_read_page((const uint8_t *)body.data, body.len, &r, &more, &last),
      SW_E_OK);
  assert_true(more);
  assert_int_equal(last, 9);
  assert_int_equal(r.count, 2);
  assert_string_equal(r.rules[1].name, "mx2");
  assert_true(r.from_ms == NOW - 24 * HOUR && r.until_ms == NOW);
  assert_string_equal(r.note, "rollups being built (40 %)"); /* the service's note */
  /* A body cut short is refused; what was read is freed with the report. */
  assert_int_not_equal(
      sw_report_read_page((const uint8_t *)body.data, body.len - 3, &r, &more, &last),
      SW_E_OK);
  sw_report_free(&r);
  sw_buf_free(&body);
}

static char *render(const char *name, enum sw_report_format format, struct sw_buf *out)
{
  static struct sw_pipe_availability a;
  static struct sw_outage o;
  sample(&a, &o, name);
  struct sw_report r = {NOW - 24 * HOUR, NOW, &a, 1, NULL};
  sw_buf_init(out, 0);
  assert_int_equal(sw_report_render(&r, format, out), SW_E_OK);
  return out->data;
}

static void test_formats_say_the_same(void **state)
{
  (void)state;
  struct sw_buf b;
  /* 23 h OK of 23.5 h monitored. */
  char *t = render("mx1", SW_REPORT_TEXT, &b);
  assert_non_null(strstr(t, "97.872 %"));
  assert_non_null(
      strstr(t, "2025-12-07 19:00:00 UTC .. 2025-12-07 19:30:00 UTC (30 min 0 s)"));
  assert_non_null(strstr(t, "connection_refused"));
  assert_non_null(strstr(t, "1.50/1.90/2.00"));
  sw_buf_free(&b);
  char *j = render("mx1", SW_REPORT_JSON, &b);
  assert_non_null(strstr(j, "\"from\":\"2025-12-07T00:00:00Z\""));
  assert_non_null(strstr(j, "\"uptime_percent\":97.8723"));
  assert_non_null(strstr(j, "\"maintenance_s\":1800.000"));
  assert_non_null(
      strstr(j, "\"start\":\"2025-12-07T19:00:00Z\",\"end\":\"2025-12-07T19:30:00Z\","
                "\"duration_s\":1800.000,\"outcome\":\"connection_refused\""));
  assert_non_null(strstr(j, "{\"step\":\"connect\",\"samples\":1440,\"p50_ms\":1.500"));
  sw_buf_free(&b);
  char *c = render("mx1", SW_REPORT_CSV, &b);
  assert_true(!strncmp(c, "rule_id,name,host,port,from,until,uptime_percent,", 49));
  assert_non_null(strstr(c, "\r\n7,mx1,mx.example.com,25,2025-12-07T00:00:00Z,"
                            "2025-12-08T00:00:00Z,97.8723,84600.000,82800.000,"));
  assert_non_null(strstr(c, ",1,2025-12-07T19:00:00Z..2025-12-07T19:30:00Z "
                            "connection_refused,,,,1.500,1.900,2.000,"));
  sw_buf_free(&b);
}

static void test_names_are_escaped(void **state)
{
  (void)state;
  struct sw_buf b;
  const char *evil = "<script>\"x\",y&'z'\n";
  char *c = render(evil, SW_REPORT_CSV, &b);
  assert_non_null(strstr(c, "\r\n7,\"<script>\"\"x\"\",y&'z'\n\",mx.example.com,"));
  sw_buf_free(&b);
  char *h = render(evil, SW_REPORT_HTML, &b);
  assert_null(strstr(h, "<script>"));
  assert_non_null(strstr(h, "<td>&lt;script&gt;&quot;x&quot;,y&amp;&#39;z&#39;\n</td>"));
  /* Self-contained: nothing loaded from elsewhere. */
  assert_null(strstr(h, "src="));
  assert_null(strstr(h, "href="));
  assert_null(strstr(h, "url("));
  assert_true(!strncmp(h, "<!DOCTYPE html>", 15));
  assert_non_null(strstr(h, "</html>\n"));
  sw_buf_free(&b);
  char *j = render(evil, SW_REPORT_JSON, &b);
  assert_non_null(strstr(j, "\"name\":\"<script>\\\"x\\\",y&'z'\\n\""));
  sw_buf_free(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_periods_and_options),
      cmocka_unit_test(test_record_round_trip),
      cmocka_unit_test(test_reply_pages_read_back),
      cmocka_unit_test(test_formats_say_the_same),
      cmocka_unit_test(test_names_are_escaped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
