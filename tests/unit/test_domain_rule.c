/* A mail domain's rule and report (issue 18): the validator's sentences for
 * the domain fields, the --domain/--min-ok options, the verdict over the
 * MX x address matrix (--min-ok N and all, MTA-STS, DANE, null MX, no mail
 * host), its Nagios status and the text the store keeps, read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arg_walk.h"
#include "domain_report.h"
#include "nagios_report.h"
#include "pipe_fixture.h"
#include "pipe_protocol.h"
#include "pipe_records.h"
#include "result_json.h"
#include "rule.h"
#include "rule_args.h"

static void set(char **slot, const char *v)
{
  assert_int_equal(sw_rule_set_string(slot, v), SW_E_OK);
}

static struct sw_rule domain_rule(void)
{
  struct sw_rule r;
  sw_rule_init_defaults(&r);
  set(&r.name, "Mail for example.test");
  set(&r.domain, "example.test");
  return r;
}

static const char *problem(const struct sw_rule *r, enum sw_rule_field f)
{
  static struct sw_rule_problems p;
  sw_rule_validate(r, &p);
  return sw_rule_problems_find(&p, f);
}

static void test_domain_rule_validation(void **state)
{
  (void)state;
  struct sw_rule r = domain_rule();
  struct sw_rule_problems p;
  assert_true(sw_rule_validate(&r, &p)); /* no host needed */
  assert_true(r.mta_sts);                /* on by default */
  assert_false(r.dane);

  set(&r.host, "mx1.example.test");
  assert_string_equal(problem(&r, SW_RULE_FIELD_DOMAIN),
                      "A rule checks either a host or a mail domain (every MX host of "
                      "it): clear one of Host and Mail domain.");
  set(&r.host, NULL);
  set(&r.domain, "192.0.2.1");
  assert_non_null(strstr(problem(&r, SW_RULE_FIELD_DOMAIN), "not an address"));
  set(&r.domain, "localhost");
  assert_non_null(strstr(problem(&r, SW_RULE_FIELD_DOMAIN), "two labels"));
  set(&r.domain, "exa mple.test");
  assert_non_null(strstr(problem(&r, SW_RULE_FIELD_DOMAIN), "not a valid DNS name"));
  set(&r.domain, "example.test");

  r.min_ok = SW_RULE_MIN_OK_MAX + 1;
  assert_non_null(strstr(problem(&r, SW_RULE_FIELD_MIN_OK), "from 1 to 64"));
  r.min_ok = 2;
  const char *good_servers[] = {"127.0.0.1", "127.0.0.1:5353", "::1", "[::1]:5353",
                                "2001:db8::53"};
  for (size_t i = 0; i < sizeof good_servers / sizeof *good_servers; i++) {
    set(&r.dns_server, good_servers[i]);
    assert_true(sw_rule_validate(&r, &p));
  }
  const char *bad_servers[] = {"ns1.example.test", "127.0.0.1:0",
                               "127.0.0.1:99999",  "[::1",
                               "::1:5353x",        "[127.0.0.1]:53"};
  for (size_t i = 0; i < sizeof bad_servers / sizeof *bad_servers; i++) {
    set(&r.dns_server, bad_servers[i]);
    assert_non_null(problem(&r, SW_RULE_FIELD_DNS_SERVER));
  }
  set(&r.dns_server, NULL);

  /* the domain settings on a host rule */
  set(&r.domain, NULL);
  set(&r.host, "mx1.example.test");
  r.dane = true;
  set(&r.dns_server, "127.0.0.1");
  assert_non_null(strstr(problem(&r, SW_RULE_FIELD_MIN_OK), "mail domain's check only"));
  assert_non_null(strstr(problem(&r, SW_RULE_FIELD_DANE), "MX hosts only"));
  assert_non_null(strstr(problem(&r, SW_RULE_FIELD_DNS_SERVER), "mail domain's check"));
  /* neither host nor domain */
  set(&r.host, NULL);
  assert_non_null(strstr(problem(&r, SW_RULE_FIELD_HOST), "mail domain"));
  sw_rule_free(&r);
}

struct walked {
  struct sw_rule_args args;
  struct sw_arg_errors errors;
};

static void on_arg(void *ctx, const struct sw_arg_opt *o, const char *value)
{
  struct walked *w = ctx;
  static const struct sw_arg_opt *host;
  host = &sw_rule_args_options(true)[SW_RULE_OPT_HOST];
  sw_rule_args_apply(&w->args, o ? o : host, value, &w->errors);
}

static void walk(struct walked *w, int argc, char **argv)
{
  memset(w, 0, sizeof *w);
  sw_rule_args_init(&w->args);
  sw_arg_errors_init(&w->errors);
  const struct sw_arg_opt *const tables[] = {sw_rule_args_options(true), NULL};
  sw_arg_walk(argc, argv, 0, tables, on_arg, w, &w->errors);
}

static void done(struct walked *w)
{
  sw_rule_args_free(&w->args);
  sw_arg_errors_free(&w->errors);
}

static void test_domain_options(void **state)
{
  (void)state;
  struct walked w;
  char *all[] = {"--domain",     "example.test", "--min-ok",     "2",
                 "--no-mta-sts", "--dane",       "--dns-server", "[::1]:5353"};
  walk(&w, 8, all);
  assert_int_equal(w.errors.text.len, 0);
  assert_string_equal(w.args.rule.domain, "example.test");
  assert_int_equal(w.args.rule.min_ok, 2);
  assert_false(w.args.rule.mta_sts);
  assert_true(w.args.rule.dane);
  assert_string_equal(w.args.rule.dns_server, "[::1]:5353");
  /* --domain names the host too (cleared): an edit turns a host rule into
   * a domain rule */
  assert_true(w.args.given & SW_RULE_FIELD_BIT(SW_RULE_FIELD_HOST));
  done(&w);

  char *min_all[] = {"--domain", "example.test", "--min-ok", "all"};
  walk(&w, 4, min_all);
  assert_int_equal(w.errors.text.len, 0);
  assert_int_equal(w.args.rule.min_ok, 0);
  done(&w);

  char *bad_min[] = {"--domain", "example.test", "--min-ok", "some"};
  walk(&w, 4, bad_min);
  assert_true(w.errors.text.len > 0);
  done(&w);

  char *both[] = {"mx1.example.test", "--domain", "example.test"};
  walk(&w, 3, both);
  assert_true(w.errors.text.len > 0);
  done(&w);
}

/* A result whose report holds `n` addresses of which the first `ok`
 * answered OK and the rest were refused. */
static void matrix(struct sw_check_result *r, size_t n, size_t ok, uint32_t min_ok)
{
  sw_check_result_init(r);
  r->domain = sw_domain_report_new("example.test", min_ok);
  assert_non_null(r->domain);
  for (size_t i = 0; i < n; i++) {
    char mx[32];
    snprintf(mx, sizeof mx, "mx%u.example.test", (unsigned)i + 1);
    struct sw_domain_address *a = sw_domain_report_add(r->domain, mx, 10);
    assert_non_null(a);
    snprintf(a->peer, sizeof a->peer, "127.0.0.%u:25", (unsigned)i + 2);
    a->outcome = i < ok ? SW_OUTCOME_OK : SW_OUTCOME_REFUSED;
  }
}

static enum sw_nagios_status judged(struct sw_check_result *r)
{
  sw_domain_report_judge(r);
  return sw_nagios_status(r, -1, -1);
}

static void test_min_ok(void **state)
{
  (void)state;
  struct sw_check_result r;
  matrix(&r, 4, 4, 0);
  assert_int_equal(judged(&r), SW_NAGIOS_OK);
  assert_int_equal(r.outcome, SW_OUTCOME_OK);
  sw_check_result_free(&r);

  matrix(&r, 4, 3, 0); /* all must be OK: one down is CRITICAL */
  assert_int_equal(judged(&r), SW_NAGIOS_CRITICAL);
  assert_int_equal(r.outcome, SW_OUTCOME_MX_UNREACHABLE);
  char text[512];
  sw_check_result_describe(&r, text, sizeof text);
  assert_string_equal(text, "example.test: 3 of 4 MX addresses OK (all must be); "
                            "mx4.example.test 127.0.0.5:25 connection_refused. MX "
                            "unreachable.");
  sw_check_result_free(&r);

  matrix(&r, 4, 3, 1); /* --min-ok 1: one down is WARNING */
  assert_int_equal(judged(&r), SW_NAGIOS_WARNING);
  assert_int_equal(r.outcome, SW_OUTCOME_MX_PARTLY_UNREACHABLE);
  sw_check_result_free(&r);

  matrix(&r, 4, 0, 1); /* none up: CRITICAL even with --min-ok 1 */
  assert_int_equal(judged(&r), SW_NAGIOS_CRITICAL);
  assert_int_equal(r.outcome, SW_OUTCOME_MX_UNREACHABLE);
  sw_check_result_free(&r);

  matrix(&r, 2, 2, 3); /* more asked for than there are */
  assert_int_equal(judged(&r), SW_NAGIOS_CRITICAL);
  sw_check_result_free(&r);
}

static void test_policies_and_sources(void **state)
{
  (void)state;
  struct sw_check_result r;
  matrix(&r, 2, 2, 0);
  r.domain->items[1].sts_checked = true;
  r.domain->items[1].sts_level = 1; /* testing */
  assert_int_equal(judged(&r), SW_NAGIOS_WARNING);
  assert_int_equal(r.outcome, SW_OUTCOME_MTA_STS_VIOLATION);
  r.domain->items[1].sts_level = 2; /* enforce */
  assert_int_equal(judged(&r), SW_NAGIOS_CRITICAL);
  assert_int_equal(r.outcome, SW_OUTCOME_MTA_STS_VIOLATION);
  r.domain->items[1].sts_level = 0;
  r.domain->items[0].dane = SW_DANE_UNAUTHENTICATED;
  assert_int_equal(judged(&r), SW_NAGIOS_WARNING);
  assert_int_equal(r.outcome, SW_OUTCOME_DANE_UNAUTHENTICATED);
  r.domain->items[1].dane = SW_DANE_MISMATCH;
  assert_int_equal(judged(&r), SW_NAGIOS_CRITICAL);
  assert_int_equal(r.outcome, SW_OUTCOME_DANE_MISMATCH);
  r.domain->items[1].dane = SW_DANE_MATCHED;
  r.domain->items[0].dane = SW_DANE_MATCHED;
  r.domain->items[0].outcome = SW_OUTCOME_CERT_EXPIRING; /* a warning speaks */
  judged(&r);
  assert_int_equal(r.outcome, SW_OUTCOME_CERT_EXPIRING);
  sw_check_result_free(&r);

  matrix(&r, 0, 0, 0);
  r.domain->source = SW_DOMAIN_NULL_MX;
  assert_int_equal(judged(&r), SW_NAGIOS_CRITICAL);
  assert_int_equal(r.outcome, SW_OUTCOME_NULL_MX);
  r.domain->source = SW_DOMAIN_NONE;
  assert_int_equal(judged(&r), SW_NAGIOS_CRITICAL);
  assert_int_equal(r.outcome, SW_OUTCOME_NO_MAIL_HOST);
  sw_check_result_free(&r);
}

static void test_text_round_trip(void **state)
{
  (void)state;
  struct sw_check_result r;
  matrix(&r, 3, 2, 1);
  struct sw_domain_report *d = r.domain;
  d->mx_authenticated = true;
  snprintf(d->sts_mode, sizeof d->sts_mode, "enforce");
  snprintf(d->sts_id, sizeof d->sts_id, "20261207T000000");
  snprintf(d->sts_note, sizeof d->sts_note, "a\ttab\nand a line");
  snprintf(d->items[2].detail, sizeof d->items[2].detail, "nothing listens");
  d->items[0].dane = SW_DANE_MATCHED;
  d->items[0].starttls = d->items[0].cert_valid = true;
  struct sw_buf text;
  sw_buf_init(&text, 0);
  assert_int_equal(sw_domain_report_format(d, &text), SW_E_OK);
  struct sw_domain_report *back;
  assert_int_equal(sw_domain_report_parse(text.data, text.len, &back), SW_E_OK);
  assert_string_equal(back->domain, "example.test");
  assert_int_equal(back->min_ok, 1);
  assert_true(back->mx_authenticated);
  assert_string_equal(back->sts_note, "a tab and a line");
  assert_int_equal(back->count, 3);
  assert_string_equal(back->items[2].mx, "mx3.example.test");
  assert_string_equal(back->items[2].peer, "127.0.0.4:25");
  assert_int_equal(back->items[2].outcome, SW_OUTCOME_REFUSED);
  assert_string_equal(back->items[2].detail, "nothing listens");
  assert_int_equal(back->items[0].dane, SW_DANE_MATCHED);
  assert_true(back->items[0].cert_valid);
  sw_domain_report_free(back);
  /* damaged text is refused, not half read */
  assert_int_equal(sw_domain_report_parse("address\tx\n", 10, &back),
                   SW_E_INVALID_ARGUMENT);
  assert_null(back);
  assert_int_equal(sw_domain_report_parse("domain\texample.test", 19, &back),
                   SW_E_INVALID_ARGUMENT);

  /* the JSON has the matrix */
  sw_buf_free(&text);
  sw_buf_init(&text, 0);
  sw_domain_report_judge(&r);
  assert_int_equal(sw_result_to_json(&r, "example.test", 25, SW_NAGIOS_WARNING, &text),
                   SW_E_OK);
  assert_non_null(strstr(text.data, "\"domain\":{\"domain\":\"example.test\","
                                    "\"source\":\"mx\",\"min_ok\":1,\"answered\":2,"));
  assert_non_null(strstr(text.data, "{\"mx\":\"mx3.example.test\",\"preference\":10,"
                                    "\"peer\":\"127.0.0.4:25\",\"outcome\":"
                                    "\"connection_refused\""));
  sw_buf_free(&text);
  sw_check_result_free(&r);
}

/* The pipe's RESULT record carries the matrix (tag 310, version 5). */
static void test_pipe_carries_the_matrix(void **state)
{
  (void)state;
  struct sw_pipe_result in;
  sw_pipe_result_init(&in);
  sw_check_result_free(&in.check);
  matrix(&in.check, 2, 1, 1);
  sw_domain_report_judge(&in.check);
  struct sw_buf wire;
  sw_buf_init(&wire, 0);
  sw_pipe_put_result(&wire, &in, false);
  struct sw_tlv_reader rd;
  pipe_open_record(&wire, &rd, SW_PIPE_TAG_RESULT);
  struct sw_pipe_result out;
  assert_int_equal(sw_pipe_get_result(&rd, &out), SW_E_OK);
  assert_int_equal(out.check.outcome, SW_OUTCOME_MX_PARTLY_UNREACHABLE);
  assert_non_null(out.check.domain);
  assert_int_equal(out.check.domain->count, 2);
  assert_string_equal(out.check.domain->items[1].peer, "127.0.0.3:25");
  assert_int_equal(out.check.domain->items[1].outcome, SW_OUTCOME_REFUSED);
  sw_pipe_result_free(&out);
  sw_pipe_result_free(&in);
  sw_buf_free(&wire);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_domain_rule_validation),
      cmocka_unit_test(test_domain_options),
      cmocka_unit_test(test_min_ok),
      cmocka_unit_test(test_policies_and_sources),
      cmocka_unit_test(test_text_round_trip),
      cmocka_unit_test(test_pipe_carries_the_matrix),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
