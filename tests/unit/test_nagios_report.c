/* Nagios status and status line: the outcome-to-status mapping, the time
 * thresholds, and a line that monitoring front ends can parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nagios_report.h"

/* A check that went through every step except the command. */
static void make_ok(struct sw_check_result *r, int64_t total_us)
{
  sw_check_result_init(r);
  r->outcome = SW_OUTCOME_OK;
  r->step = SW_STEP_QUIT;
  r->reply_code = 221;
  snprintf(r->peer, sizeof r->peer, "127.0.0.1:25");
  r->step_us[SW_STEP_RESOLVE] = 10;
  r->step_us[SW_STEP_CONNECT] = 123;
  r->step_us[SW_STEP_GREETING] = 4567;
  r->step_us[SW_STEP_EHLO] = 2000;
  r->step_us[SW_STEP_QUIT] = 1000000;
  r->total_us = total_us;
}

static enum sw_nagios_status status_of(enum sw_outcome o)
{
  struct sw_check_result r;
  make_ok(&r, 1000);
  r.outcome = o;
  enum sw_nagios_status s = sw_nagios_status(&r, -1, -1);
  sw_check_result_free(&r);
  return s;
}

static void test_outcome_mapping(void **state)
{
  (void)state;
  assert_int_equal(status_of(SW_OUTCOME_OK), SW_NAGIOS_OK);
  assert_int_equal(status_of(SW_OUTCOME_TEMP_REJECT), SW_NAGIOS_WARNING);
  const enum sw_outcome critical[] = {
      SW_OUTCOME_MISMATCH, SW_OUTCOME_PERM_REJECT,    SW_OUTCOME_NOT_SMTP,
      SW_OUTCOME_REFUSED,  SW_OUTCOME_CLOSED,         SW_OUTCOME_RESOLVE_FAILED,
      SW_OUTCOME_TIMEOUT,  SW_OUTCOME_PROTOCOL_ERROR, SW_OUTCOME_NETWORK_ERROR};
  for (size_t i = 0; i < sizeof critical / sizeof critical[0]; i++)
    assert_int_equal(status_of(critical[i]), SW_NAGIOS_CRITICAL);
  assert_int_equal(status_of(SW_OUTCOME_CANCELLED), SW_NAGIOS_UNKNOWN);
  assert_int_equal(status_of(SW_OUTCOME_INTERNAL_ERROR), SW_NAGIOS_UNKNOWN);
  assert_int_equal(status_of((enum sw_outcome)99), SW_NAGIOS_UNKNOWN);
  /* The values are the plugin exit codes. */
  assert_int_equal(SW_NAGIOS_OK, 0);
  assert_int_equal(SW_NAGIOS_WARNING, 1);
  assert_int_equal(SW_NAGIOS_CRITICAL, 2);
  assert_int_equal(SW_NAGIOS_UNKNOWN, 3);
  assert_string_equal(sw_nagios_status_name(SW_NAGIOS_CRITICAL), "CRITICAL");
  assert_string_equal(sw_nagios_status_name((enum sw_nagios_status)7), "UNKNOWN");
}

/* Past the handshake: AUTH's 4xx and a refused sender, recipient or
 * message with a 4xx (greylisting) ask for a retry: WARNING; the rest,
 * an open relay included, is CRITICAL. */
static void test_transaction_statuses(void **state)
{
  (void)state;
  assert_int_equal(status_of(SW_OUTCOME_AUTH_UNAVAILABLE), SW_NAGIOS_WARNING);
  assert_int_equal(status_of(SW_OUTCOME_AUTH_FAILED), SW_NAGIOS_CRITICAL);
  assert_int_equal(status_of(SW_OUTCOME_AUTH_NOT_OFFERED), SW_NAGIOS_CRITICAL);
  assert_int_equal(status_of(SW_OUTCOME_AUTH_NOT_ENCRYPTED), SW_NAGIOS_CRITICAL);
  assert_int_equal(status_of(SW_OUTCOME_OPEN_RELAY), SW_NAGIOS_CRITICAL);
  const enum sw_outcome by_code[] = {SW_OUTCOME_SENDER_REJECTED,
                                     SW_OUTCOME_RECIPIENT_REJECTED,
                                     SW_OUTCOME_MESSAGE_REJECTED};
  for (size_t i = 0; i < sizeof by_code / sizeof by_code[0]; i++) {
    struct sw_check_result r;
    make_ok(&r, 1000);
    r.outcome = by_code[i];
    r.reply_code = 450;
    assert_int_equal(sw_nagios_status(&r, -1, -1), SW_NAGIOS_WARNING);
    r.reply_code = 550;
    assert_int_equal(sw_nagios_status(&r, -1, -1), SW_NAGIOS_CRITICAL);
    sw_check_result_free(&r);
  }
}

static void test_thresholds(void **state)
{
  (void)state;
  struct sw_check_result r;
  make_ok(&r, 1500000); /* 1.5 s */
  assert_int_equal(sw_nagios_status(&r, -1, -1), SW_NAGIOS_OK);
  assert_int_equal(sw_nagios_status(&r, 1000, -1), SW_NAGIOS_WARNING);
  assert_int_equal(sw_nagios_status(&r, 1000, 2000), SW_NAGIOS_WARNING);
  assert_int_equal(sw_nagios_status(&r, 1000, 1500), SW_NAGIOS_CRITICAL); /* >= */
  assert_int_equal(sw_nagios_status(&r, -1, 1500), SW_NAGIOS_CRITICAL);
  assert_int_equal(sw_nagios_status(&r, 1501, 2000), SW_NAGIOS_OK);
  r.total_us = 1499999;
  assert_int_equal(sw_nagios_status(&r, 1500, -1), SW_NAGIOS_OK);
  assert_int_equal(sw_nagios_status(&r, 0, -1), SW_NAGIOS_WARNING);
  /* Thresholds judge answers; a failure keeps its own status. */
  r.outcome = SW_OUTCOME_TEMP_REJECT;
  assert_int_equal(sw_nagios_status(&r, 0, 0), SW_NAGIOS_WARNING);
  r.outcome = SW_OUTCOME_CANCELLED;
  assert_int_equal(sw_nagios_status(&r, 0, 0), SW_NAGIOS_UNKNOWN);
  sw_check_result_free(&r);
}

static const char *format(const struct sw_check_result *r, const char *host,
                          uint16_t port, int warn, int crit, struct sw_buf *out)
{
  sw_buf_init(out, 0);
  assert_int_equal(sw_nagios_format(r, host, port, warn, crit, out), SW_E_OK);
  return sw_buf_str(out);
}

static void test_ok_line(void **state)
{
  (void)state;
  struct sw_check_result r;
  struct sw_buf out;
  make_ok(&r, 12345);
  assert_string_equal(format(&r, "127.0.0.1", 25, -1, -1, &out),
                      "SMTP OK - 127.0.0.1:25 answered in 12 ms | time=0.012345s;;;0; "
                      "resolve=0.000010s;;;0; connect=0.000123s;;;0; "
                      "greeting=0.004567s;;;0; ehlo=0.002000s;;;0; quit=1.000000s;;;0;");
  sw_buf_free(&out);

  /* Thresholds appear in seconds in the time entry, and in words; the
   * address that answered a host name follows it. */
  r.total_us = 2600000;
  snprintf(r.peer, sizeof r.peer, "192.0.2.25:587");
  r.step_us[SW_STEP_RESOLVE] = -1;
  assert_string_equal(
      format(&r, "mail.example.com", 587, 1000, 2500, &out),
      "SMTP CRITICAL - mail.example.com:587 (192.0.2.25:587) answered in 2600 "
      "ms, at or "
      "above the critical threshold of 2500 ms | "
      "time=2.600000s;1.000000;2.500000;0; connect=0.000123s;;;0; "
      "greeting=0.004567s;;;0; ehlo=0.002000s;;;0; quit=1.000000s;;;0;");
  sw_buf_free(&out);
  assert_string_equal(
      format(&r, "mail.example.com", 587, 2000, -1, &out),
      "SMTP WARNING - mail.example.com:587 (192.0.2.25:587) answered in 2600 "
      "ms, at or "
      "above the warning threshold of 2000 ms | "
      "time=2.600000s;2.000000;;0; connect=0.000123s;;;0; "
      "greeting=0.004567s;;;0; ehlo=0.002000s;;;0; quit=1.000000s;;;0;");
  sw_buf_free(&out);
  sw_check_result_free(&r);
}

static void test_ipv6_endpoint(void **state)
{
  (void)state;
  struct sw_check_result r;
  struct sw_buf out;
  make_ok(&r, 999);
  snprintf(r.peer, sizeof r.peer, "[::1]:25");
  assert_memory_equal(format(&r, "::1", 25, -1, -1, &out),
                      "SMTP OK - [::1]:25 answered in 1 ms | ", 38);
  sw_buf_free(&out);
  snprintf(r.peer, sizeof r.peer, "[2001:db8::1]:2525");
  assert_memory_equal(format(&r, "[2001:db8::1]", 2525, -1, -1, &out),
                      "SMTP OK - [2001:db8::1]:2525 answered in 1 ms | ", 48);
  sw_buf_free(&out);
  sw_check_result_free(&r);
}

static void test_failure_line(void **state)
{
  (void)state;
  struct sw_check_result r;
  sw_check_result_init(&r);
  r.outcome = SW_OUTCOME_REFUSED;
  r.step = SW_STEP_CONNECT;
  r.step_us[SW_STEP_RESOLVE] = 5;
  r.step_us[SW_STEP_CONNECT] = 310;
  r.total_us = 315;
  char sentence[512];
  sw_check_result_describe(&r, sentence, sizeof sentence);
  char want[1024];
  snprintf(want, sizeof want,
           "SMTP CRITICAL - 127.0.0.1:2525: %s | time=0.000315s;;;0; "
           "resolve=0.000005s;;;0; connect=0.000310s;;;0;",
           sentence);
  struct sw_buf out;
  assert_string_equal(format(&r, "127.0.0.1", 2525, -1, -1, &out), want);
  sw_buf_free(&out);

  r.outcome = SW_OUTCOME_CANCELLED;
  assert_memory_equal(format(&r, "127.0.0.1", 2525, -1, -1, &out), "SMTP UNKNOWN - ", 15);
  sw_buf_free(&out);
  sw_check_result_free(&r);
}

static void test_text_is_one_line_without_pipes(void **state)
{
  (void)state;
  struct sw_check_result r;
  make_ok(&r, 40000);
  r.outcome = SW_OUTCOME_PERM_REJECT;
  r.step = SW_STEP_GREETING;
  r.reply_code = 554;
  snprintf(r.reply, sizeof r.reply,
           "554-mx.example.com | no service\n554 5.7.1 Go away |\r\tnow \xFF");
  struct sw_buf out;
  const char *line = format(&r, "127.0.0.1", 25, -1, -1, &out);
  const char *bar = strchr(line, '|');
  assert_non_null(bar);
  assert_null(strchr(bar + 1, '|'));           /* only the perfdata separator */
  assert_memory_equal(bar - 1, " | time=", 8); /* ... and it is that one */
  assert_non_null(strstr(line, "mx.example.com / no service"));
  assert_non_null(strstr(line, "Go away /"));
  for (const char *p = line; *p; p++)
    assert_true((unsigned char)*p >= 0x20 && *p != 0x7F);
  assert_null(strstr(line, "\xFF")); /* the line is valid UTF-8 */
  sw_buf_free(&out);
  sw_check_result_free(&r);
}

static void test_no_timing_no_perfdata(void **state)
{
  (void)state;
  /* A check that never started (INTERNAL_ERROR straight from init) has no
   * numbers to report, rather than zeros that would draw a false graph. */
  struct sw_check_result r;
  sw_check_result_init(&r);
  r.total_us = -1;
  struct sw_buf out;
  const char *line = format(&r, "mail.example.com", 25, -1, -1, &out);
  assert_memory_equal(line, "SMTP UNKNOWN - mail.example.com:25: ", 36);
  assert_null(strchr(line, '|'));
  sw_buf_free(&out);
  sw_check_result_free(&r);
}

/* A check over TLS whose certificate has `days` days left. */
static void make_tls(struct sw_check_result *r, enum sw_outcome o, int days)
{
  make_ok(r, 8000);
  r->outcome = o;
  r->step_us[SW_STEP_TLS] = 3500;
  r->tls.used = true;
  r->tls.verified = true;
  snprintf(r->tls.version, sizeof r->tls.version, "TLS 1.2");
  r->tls.not_after = 1800000000;
  r->tls.days_left = days;
  r->tls.warn_days = 21;
  r->tls.crit_days = 7;
}

static void test_tls_statuses(void **state)
{
  (void)state;
  struct sw_check_result r;
  const enum sw_outcome critical[] = {
      SW_OUTCOME_STARTTLS_NOT_OFFERED, SW_OUTCOME_TLS_HANDSHAKE_FAILED,
      SW_OUTCOME_CERT_UNTRUSTED, SW_OUTCOME_CERT_NAME_MISMATCH, SW_OUTCOME_CERT_EXPIRED};
  for (size_t i = 0; i < sizeof critical / sizeof critical[0]; i++)
    assert_int_equal(status_of(critical[i]), SW_NAGIOS_CRITICAL);

  /* STARTTLS refused: 454 is "try later", a 5xx is not. */
  make_tls(&r, SW_OUTCOME_STARTTLS_REFUSED, 30);
  r.reply_code = 454;
  assert_int_equal(sw_nagios_status(&r, -1, -1), SW_NAGIOS_WARNING);
  r.reply_code = 502;
  assert_int_equal(sw_nagios_status(&r, -1, -1), SW_NAGIOS_CRITICAL);
  sw_check_result_free(&r);

  /* Expiring: WARNING from 20 days left down to 7, CRITICAL below 7. */
  const int days[] = {20, 7, 6, 0};
  const enum sw_nagios_status want[] = {SW_NAGIOS_WARNING, SW_NAGIOS_WARNING,
                                        SW_NAGIOS_CRITICAL, SW_NAGIOS_CRITICAL};
  for (int i = 0; i < 4; i++) {
    make_tls(&r, SW_OUTCOME_CERT_EXPIRING, days[i]);
    assert_int_equal(sw_nagios_status(&r, -1, -1), want[i]);
    sw_check_result_free(&r);
  }
  /* ... and a slow answer can only make it worse. */
  make_tls(&r, SW_OUTCOME_CERT_EXPIRING, 10);
  assert_int_equal(sw_nagios_status(&r, 1, 5), SW_NAGIOS_CRITICAL);
  assert_int_equal(sw_nagios_status(&r, 1, 60000), SW_NAGIOS_WARNING);
  sw_check_result_free(&r);
  make_tls(&r, SW_OUTCOME_CERT_EXPIRING, 3);
  assert_int_equal(sw_nagios_status(&r, 1, 60000), SW_NAGIOS_CRITICAL);
  sw_check_result_free(&r);

  /* Chain incomplete (intermediate not sent): WARNING however many days
   * are left (the expiry would be its own outcome), worse if slow. */
  make_tls(&r, SW_OUTCOME_CERT_CHAIN_INCOMPLETE, 3);
  assert_int_equal(sw_nagios_status(&r, -1, -1), SW_NAGIOS_WARNING);
  assert_int_equal(sw_nagios_status(&r, 1, 5), SW_NAGIOS_CRITICAL);
  sw_check_result_free(&r);
}

static void test_tls_line_and_cert_days(void **state)
{
  (void)state;
  struct sw_check_result r;
  struct sw_buf out;
  make_tls(&r, SW_OUTCOME_OK, 80);
  sw_buf_init(&out, 0);
  assert_int_equal(sw_nagios_format(&r, "mail.example.com", 465, -1, -1, &out), SW_E_OK);
  assert_string_equal(sw_buf_str(&out),
                      "SMTP OK - mail.example.com:465 (127.0.0.1:25) answered in 8 ms, "
                      "over TLS 1.2, "
                      "certificate valid for 80 more days | time=0.008000s;;;0; "
                      "resolve=0.000010s;;;0; connect=0.000123s;;;0; tls=0.003500s;;;0; "
                      "greeting=0.004567s;;;0; ehlo=0.002000s;;;0; quit=1.000000s;;;0; "
                      "cert_days=80;21:;7:;;");
  sw_buf_free(&out);
  r.tls.verified = false; /* --insecure */
  assert_int_equal(sw_nagios_format(&r, "mail.example.com", 465, -1, -1, &out), SW_E_OK);
  assert_non_null(strstr(sw_buf_str(&out), "80 more days (not validated) | "));
  sw_buf_free(&out);
  sw_check_result_free(&r);

  /* Expired: negative days, still in the perfdata for graphs. */
  make_tls(&r, SW_OUTCOME_CERT_EXPIRED, -3);
  snprintf(r.detail, sizeof r.detail,
           "the certificate expired on 2027-01-01, 2 days ago");
  r.step = SW_STEP_TLS;
  assert_int_equal(sw_nagios_format(&r, "mx", 25, -1, -1, &out), SW_E_OK);
  const char *line = sw_buf_str(&out);
  assert_non_null(strstr(line,
                         "SMTP CRITICAL - mx:25 (127.0.0.1:25): Certificate expired: "
                         "the certificate "
                         "expired on 2027-01-01, 2 days ago. | "));
  assert_non_null(strstr(line, " cert_days=-3;21:;7:;;"));
  sw_buf_free(&out);
  sw_check_result_free(&r);

  /* No TLS session, no cert_days. */
  make_tls(&r, SW_OUTCOME_TLS_HANDSHAKE_FAILED, 0);
  r.tls.used = false;
  assert_int_equal(sw_nagios_format(&r, "mx", 25, -1, -1, &out), SW_E_OK);
  assert_null(strstr(sw_buf_str(&out), "cert_days"));
  sw_buf_free(&out);
  sw_check_result_free(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_outcome_mapping),
      cmocka_unit_test(test_transaction_statuses),
      cmocka_unit_test(test_thresholds),
      cmocka_unit_test(test_ok_line),
      cmocka_unit_test(test_ipv6_endpoint),
      cmocka_unit_test(test_failure_line),
      cmocka_unit_test(test_text_is_one_line_without_pipes),
      cmocka_unit_test(test_no_timing_no_perfdata),
      cmocka_unit_test(test_tls_statuses),
      cmocka_unit_test(test_tls_line_and_cert_days),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
