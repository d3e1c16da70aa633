/* The check result dialog's text: the headline with the status, the step
 * timings with the step a failure ended in, TLS and certificate details,
 * the transcript, CRLF line ends for the edit box, and nothing a hostile
 * server could use to garble the window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "manage_view.h"
#include "pipe_protocol.h"
#include "check_report.h"
#include "domain_report.h"

static const char transcript[] = "[   0.412 ms] S: 220 mx.example.com ESMTP\n"
                                 "[   0.530 ms] C: EHLO probe.example.net\n"
                                 "[   0.801 ms] S: 250-mx.example.com\n"
                                 "[   0.801 ms] S: 250 STARTTLS\n"
                                 "[   0.950 ms] C: QUIT\n"
                                 "[   1.020 ms] S: 221 Bye\n";

/* An OK check of 12.3 ms against mx.example.com. */
static void make_ok(struct sw_pipe_result *r)
{
  sw_pipe_result_init(r);
  r->status = SW_NAGIOS_OK;
  struct sw_check_result *c = &r->check;
  c->outcome = SW_OUTCOME_OK;
  c->step = SW_STEP_QUIT;
  c->reply_code = 221;
  strcpy(c->reply, "221 Bye");
  strcpy(c->peer, "192.0.2.25:25");
  c->caps = SW_CAP(STARTTLS) | SW_CAP(PIPELINING);
  c->step_us[SW_STEP_RESOLVE] = 120;
  c->step_us[SW_STEP_CONNECT] = 1234;
  c->step_us[SW_STEP_GREETING] = 4000;
  c->step_us[SW_STEP_EHLO] = 2500;
  c->step_us[SW_STEP_QUIT] = 900;
  c->total_us = 12345;
  sw_buf_append(&c->transcript, transcript, strlen(transcript));
  sw_check_result_describe(c, r->message, sizeof r->message);
}

/* The report as a string (free() it). */
static char *report(const struct sw_pipe_result *r)
{
  struct sw_buf b;
  sw_buf_init(&b, 0);
  assert_int_equal(sw_check_report_text(r, &b), SW_E_OK);
  return sw_buf_take(&b);
}

/* Every line ends in CRLF, and no other control character is there. */
static void assert_edit_box_text(const char *s)
{
  size_t len = strlen(s);
  assert_true(len >= 2);
  assert_memory_equal(s + len - 2, "\r\n", 2);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\r')
      assert_int_equal(s[i + 1], '\n');
    else if (c == '\n')
      assert_true(i > 0 && s[i - 1] == '\r');
    else if (c < 0x20 || c == 0x7f)
      fail_msg("control character 0x%02x at %zu", c, i);
  }
}

static void test_ok_headline_and_timings(void **state)
{
  (void)state;
  struct sw_pipe_result r;
  make_ok(&r);
  char h[300];
  sw_check_report_headline(&r, h, sizeof h);
  assert_string_equal(h, "OK - The server answered as expected in 12 ms.");

  char *s = report(&r);
  assert_edit_box_text(s);
  assert_non_null(strstr(s, "Outcome:    The server answered as expected.\r\n"));
  assert_non_null(strstr(s, "Server:     192.0.2.25:25\r\n"));
  assert_non_null(strstr(s, "Offers:     PIPELINING, STARTTLS\r\n"));
  assert_null(strstr(s, "Ended in:"));
  assert_non_null(strstr(s, "Step timings\r\n"
                            "  name resolution       0.120 ms\r\n"
                            "  connect               1.234 ms\r\n"
                            "  greeting              4.000 ms\r\n"
                            "  EHLO                  2.500 ms\r\n"
                            "  QUIT                  0.900 ms\r\n"
                            "  total                12.345 ms\r\n"));
  assert_null(strstr(s, "  TLS ")); /* not reached: no row */
  assert_null(strstr(s, "\r\nTLS\r\n"));
  assert_null(strstr(s, "ended here"));
  assert_non_null(strstr(s, "[   0.530 ms] C: EHLO probe.example.net\r\n"
                            "[   0.801 ms] S: 250-mx.example.com\r\n"));
  assert_non_null(strstr(s, "[   1.020 ms] S: 221 Bye\r\n"));
  free(s);
  sw_pipe_result_free(&r);
}

static void test_failure_names_its_step(void **state)
{
  (void)state;
  struct sw_pipe_result r;
  sw_pipe_result_init(&r);
  r.status = SW_NAGIOS_CRITICAL;
  r.check.outcome = SW_OUTCOME_REFUSED;
  r.check.step = SW_STEP_CONNECT;
  r.check.step_us[SW_STEP_RESOLVE] = 50;
  r.check.step_us[SW_STEP_CONNECT] = 800;
  r.check.total_us = 850;
  sw_check_result_describe(&r.check, r.message, sizeof r.message);
  char h[300];
  sw_check_report_headline(&r, h, sizeof h);
  assert_string_equal(h, "CRITICAL - Connection refused.");

  char *s = report(&r);
  assert_edit_box_text(s);
  assert_non_null(strstr(s, "Ended in:   connect\r\n"));
  assert_non_null(strstr(s, "  connect               0.800 ms   <- ended here\r\n"));
  assert_non_null(strstr(s, "(empty: nothing was exchanged with the server)"));
  free(s);
  sw_pipe_result_free(&r);
}

static void test_multi_line_reply_is_indented(void **state)
{
  (void)state;
  struct sw_pipe_result r;
  sw_pipe_result_init(&r);
  r.status = SW_NAGIOS_CRITICAL;
  r.check.outcome = SW_OUTCOME_PERM_REJECT;
  r.check.step = SW_STEP_GREETING;
  r.check.reply_code = 554;
  strcpy(r.check.enhanced_code, "5.7.1");
  strcpy(r.check.reply, "554-5.7.1 Go away\n554 5.7.1 Really");
  sw_check_result_describe(&r.check, r.message, sizeof r.message);
  char h[300];
  sw_check_report_headline(&r, h, sizeof h);
  assert_string_equal(h, "CRITICAL - Permanent rejection at the greeting: 554-5.7.1 Go "
                         "away / 554 5.7.1 Really");
  char *s = report(&r);
  assert_edit_box_text(s);
  assert_non_null(strstr(s, "Reply:      554-5.7.1 Go away\r\n"
                            "            554 5.7.1 Really\r\n"));
  free(s);
  sw_pipe_result_free(&r);
}

static void test_tls_and_certificate(void **state)
{
  (void)state;
  struct sw_pipe_result r;
  make_ok(&r);
  r.status = SW_NAGIOS_WARNING;
  struct sw_check_result *c = &r.check;
  c->outcome = SW_OUTCOME_CERT_EXPIRING;
  c->step = SW_STEP_TLS;
  c->step_us[SW_STEP_TLS] = 15000;
  c->tls.used = true;
  strcpy(c->tls.version, "TLS 1.2");
  strcpy(c->tls.cipher, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  strcpy(c->tls.subject, "CN=mx.example.com");
  strcpy(c->tls.issuer, "CN=Example CA");
  static const char sans[] = "mx.example.com\nmail.example.com";
  c->tls.sans = malloc(sizeof sans);
  assert_non_null(c->tls.sans);
  memcpy(c->tls.sans, sans, sizeof sans);
  c->tls.not_after = 1767225600; /* 2026-01-01 00:00:00 UTC */
  c->tls.days_left = 5;
  sw_check_result_describe(c, r.message, sizeof r.message);

  char h[300];
  sw_check_report_headline(&r, h, sizeof h);
  assert_string_equal(h, "WARNING - Certificate expiring soon.");
  char *s = report(&r);
  assert_edit_box_text(s);
  assert_non_null(strstr(s, "  TLS                  15.000 ms   <- ended here\r\n"));
  assert_non_null(strstr(s, "\r\nTLS\r\n"
                            "  Version:  TLS 1.2\r\n"
                            "  Cipher:   TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\r\n"
                            "  Subject:  CN=mx.example.com\r\n"
                            "  Issuer:   CN=Example CA\r\n"
                            "  Names:    mx.example.com\r\n"
                            "            mail.example.com\r\n"
                            "  Expires:  2026-01-01 00:00:00 UTC (5 days left)\r\n"));
  free(s);

  c->tls.days_left = -3;
  s = report(&r);
  assert_non_null(strstr(s, "2026-01-01 00:00:00 UTC (expired)\r\n"));
  free(s);
  sw_pipe_result_free(&r);
}

/* The service escapes what a server says; the report holds even if a
 * newer or broken one does not. */
static void test_hostile_text_cannot_reach_the_window(void **state)
{
  (void)state;
  struct sw_pipe_result r;
  make_ok(&r);
  r.check.outcome = SW_OUTCOME_PROTOCOL_ERROR;
  strcpy(r.check.detail, "bad\x1b[2J\rline\x7f");
  strcpy(r.message, "Protocol error\x1b[2J\r\nsecond line");
  sw_buf_free(&r.check.transcript);
  const char hostile[] = "[   0.1 ms] S: 220 \x07\xff ok\r\n[   0.2 ms] C: QUIT";
  sw_buf_append(&r.check.transcript, hostile, sizeof hostile - 1);

  char h[300];
  sw_check_report_headline(&r, h, sizeof h);
  for (const char *p = h; *p; p++)
    assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
  char *s = report(&r);
  assert_edit_box_text(s);
  assert_non_null(strstr(s, "Detail:     bad?[2J?line?\r\n"));
  assert_non_null(strstr(s, "S: 220 ?? ok\r\n[   0.2 ms] C: QUIT\r\n"));
  free(s);
  sw_pipe_result_free(&r);
}

/* What the dialog really gets: a result that went through the pipe. */
static void test_report_of_a_decoded_result(void **state)
{
  (void)state;
  struct sw_pipe_result sent, got;
  make_ok(&sent);
  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_pipe_put_result(&body, &sent, true);
  assert_int_equal(sw_manage_body_result((const uint8_t *)body.data, body.len, &got),
                   SW_E_OK);
  char *a = report(&sent), *b = report(&got);
  assert_string_equal(a, b);
  free(a);
  free(b);
  sw_buf_free(&body);
  sw_pipe_result_free(&sent);
  sw_pipe_result_free(&got);
}

/* A mail domain's result: make_ok with a matrix of two MX hosts, one of
 * them refusing. */
static void make_domain(struct sw_pipe_result *r)
{
  make_ok(r);
  struct sw_domain_report *d = sw_domain_report_new("example.test", 0);
  assert_non_null(d);
  strcpy(d->dns_server, "127.0.0.1:5353");
  strcpy(d->sts_mode, "enforce");
  strcpy(d->sts_id, "20261207");
  strcpy(d->sts_note, "every MX host meets the policy");
  struct sw_domain_address *a = sw_domain_report_add(d, "mx1.example.test", 10);
  assert_non_null(a);
  strcpy(a->peer, "127.0.0.2:25");
  a->outcome = SW_OUTCOME_OK;
  a->starttls = a->cert_valid = a->sts_checked = true;
  a->dane = SW_DANE_MATCHED;
  a = sw_domain_report_add(d, "mx2.example.test", 20);
  assert_non_null(a);
  strcpy(a->peer, "127.0.0.3:25");
  a->outcome = SW_OUTCOME_REFUSED;
  strcpy(a->detail, "connection refused");
  r->check.domain = d;
}

static void test_a_domain_result_shows_its_matrix(void **state)
{
  (void)state;
  struct sw_pipe_result sent, got;
  make_domain(&sent);
  /* As the dialog gets it, from Test now or a history row: through the pipe. */
  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_pipe_put_result(&body, &sent, true);
  assert_int_equal(sw_manage_body_result((const uint8_t *)body.data, body.len, &got),
                   SW_E_OK);
  char *s = report(&got);
  assert_edit_box_text(s);
  /* One line per MX address, in the command line's words, then the policy. */
  struct sw_buf lines;
  sw_buf_init(&lines, 0);
  assert_int_equal(sw_domain_report_lines(sent.check.domain, &lines), SW_E_OK);
  assert_non_null(strstr(sw_buf_str(&lines), "mx1.example.test"));
  const char *first = strstr(s, "\r\n     10 mx1.example.test ");
  assert_non_null(first);
  assert_non_null(strstr(first, "127.0.0.2:25"));
  assert_non_null(strstr(first,
                         "ok, STARTTLS, certificate valid, MTA-STS ok, DANE matched"
                         "\r\n     20 mx2.example.test "));
  assert_non_null(strstr(s, "127.0.0.3:25"));
  assert_non_null(strstr(s, ": connection refused\r\n"));
  assert_non_null(strstr(s,
                         "\r\n  MTA-STS: enforce, id 20261207: every MX host meets the "
                         "policy\r\n"));
  assert_non_null(strstr(s, "(asked: 127.0.0.1:5353)\r\n"));
  free(s);
  /* A host's result has no matrix. */
  struct sw_pipe_result host;
  make_ok(&host);
  s = report(&host);
  assert_null(strstr(s, "MX hosts and addresses"));
  free(s);
  sw_pipe_result_free(&host);
  sw_buf_free(&lines);
  sw_buf_free(&body);
  sw_pipe_result_free(&sent);
  sw_pipe_result_free(&got);
}

static void test_headline_fits_any_buffer(void **state)
{
  (void)state;
  struct sw_pipe_result r;
  make_ok(&r);
  char h[8];
  memset(h, 'x', sizeof h);
  sw_check_report_headline(&r, h, sizeof h);
  assert_string_equal(h, "OK - Th");
  sw_pipe_result_free(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ok_headline_and_timings),
      cmocka_unit_test(test_failure_names_its_step),
      cmocka_unit_test(test_multi_line_reply_is_indented),
      cmocka_unit_test(test_tls_and_certificate),
      cmocka_unit_test(test_hostile_text_cannot_reach_the_window),
      cmocka_unit_test(test_report_of_a_decoded_result),
      cmocka_unit_test(test_headline_fits_any_buffer),
      cmocka_unit_test(test_a_domain_result_shows_its_matrix),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
