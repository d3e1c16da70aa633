/* What the management commands print, from reply bodies encoded the way
 * the service encodes them: short tables in local time for people, every
 * field with numbers, booleans and UTC times for scripts, the paging
 * cursor, refused rules by field, and the exit code of each error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cert_expiry.h"
#include "manage_args.h"
#include "manage_fixture.h"
#include "manage_view.h"
#include "pipe_protocol.h"
#include "pipe_records.h"

static void two_rules(struct sw_buf *body)
{
  struct sw_rule r;
  sw_rule_init_defaults(&r);
  r.id = 3;
  sw_rule_set_string(&r.name, "Relay");
  sw_rule_set_string(&r.host, "mail.example.com");
  r.port = 587;
  sw_rule_set_string(&r.command, "NOOP");
  r.tls_mode = SW_TLS_REQUIRE_STARTTLS;
  sw_pipe_put_rule(body, &r, 5);
  /* A record from a newer service, unknown here, is skipped. */
  sw_tlv_begin(body, 200);
  sw_tlv_put_str(body, 201, "future");
  sw_tlv_end(body);
  sw_rule_free(&r);
  sw_rule_init_defaults(&r);
  r.id = 12;
  sw_rule_set_string(&r.name, "Loopback v6");
  sw_rule_set_string(&r.host, "::1");
  r.enabled = false;
  r.interval_s = 300;
  r.tls_insecure = true;
  sw_pipe_put_rule(body, &r, 1);
  sw_rule_free(&r);
}

static void test_rules_for_people_and_scripts(void **state)
{
  (void)state;
  struct sw_buf body, out;
  sw_buf_init(&body, 0);
  sw_buf_init(&out, 0);
  two_rules(&body);
  const uint8_t *b = (const uint8_t *)body.data;
  struct sw_table t = {0};

  assert_int_equal(sw_manage_rules_table(b, body.len, &people, true, &t, NULL), SW_E_OK);
  assert_string_equal(render(&t, SW_TABLE_TEXT, &out),
                      "ID  Name         Server                TLS               Every  "
                      "Enabled  Command\n"
                      "3   Relay        mail.example.com:587  require-starttls  60 s   "
                      "yes      NOOP\n"
                      "12  Loopback v6  [::1]:25              none              300 s  "
                      "no       \n");
  sw_table_free(&t);

  assert_int_equal(sw_manage_rules_table(b, body.len, &json, false, &t, NULL), SW_E_OK);
  assert_string_equal(
      render(&t, SW_TABLE_JSON, &out),
      "[{\"id\":3,\"revision\":5,\"name\":\"Relay\",\"host\":\"mail.example.com\","
      "\"port\":587,\"command\":\"NOOP\",\"expect\":\"\",\"timeout_ms\":7000,"
      "\"ehlo_name\":\"\",\"interval_s\":60,\"enabled\":true,"
      "\"tls_mode\":\"require-starttls\",\"tls_insecure\":false,\"cert_warn_days\":21,"
      "\"cert_crit_days\":7,"
      "\"auth_user\":\"\",\"auth_password\":false,\"auth_mech\":\"auto\",\"auth_"
      "plaintext\":false,"
      "\"oauth_token_url\":\"\",\"oauth_client_id\":\"\",\"oauth_client_secret\":false,"
      "\"oauth_scope\":\"\",\"mail_from\":\"\",\"rcpt_to\":\"\",\"relay_test\":false,"
      "\"relay_test_rcpt\":\"\",\"ip_family\":\"any\",\"all_addresses\":false,"
      "\"check_ptr\":false,\"drift\":true,\"domain\":\"\",\"min_ok\":0,\"mta_sts\":true,"
      "\"dane\":false,\"dns_server\":\"\",\"round_trip\":\"none\",\"mailbox_host\":\"\","
      "\"mailbox_port\":0,"
      "\"mailbox_tls\":\"implicit\",\"mailbox_user\":\"\",\"mailbox_password\":false,"
      "\"folder\":\"\",\"probe_to\":\"\",\"probe_from\":\"\",\"deliver_within_s\":300,"
      "\"delivery_warn_ms\":0,\"delivery_crit_ms\":0},"
      "{\"id\":12,\"revision\":1,\"name\":\"Loopback v6\",\"host\":\"::1\",\"port\":25,"
      "\"command\":\"\",\"expect\":\"\",\"timeout_ms\":7000,\"ehlo_name\":\"\","
      "\"interval_s\":300,\"enabled\":false,\"tls_mode\":\"none\","
      "\"tls_insecure\":true,\"cert_warn_days\":21,\"cert_crit_days\":7,"
      "\"auth_user\":\"\",\"auth_password\":false,\"auth_mech\":\"auto\",\"auth_"
      "plaintext\":false,"
      "\"oauth_token_url\":\"\",\"oauth_client_id\":\"\",\"oauth_client_secret\":false,"
      "\"oauth_scope\":\"\",\"mail_from\":\"\",\"rcpt_to\":\"\",\"relay_test\":false,"
      "\"relay_test_rcpt\":\"\",\"ip_family\":\"any\",\"all_addresses\":false,"
      "\"check_ptr\":false,\"drift\":true,\"domain\":\"\",\"min_ok\":0,\"mta_sts\":true,"
      "\"dane\":false,\"dns_server\":\"\",\"round_trip\":\"none\",\"mailbox_host\":\"\","
      "\"mailbox_port\":0,"
      "\"mailbox_tls\":\"implicit\",\"mailbox_user\":\"\",\"mailbox_password\":false,"
      "\"folder\":\"\",\"probe_to\":\"\",\"probe_from\":\"\",\"deliver_within_s\":300,"
      "\"delivery_warn_ms\":0,\"delivery_crit_ms\":0}]\n");
  sw_table_free(&t);

  assert_int_equal(sw_manage_rules_table(b, body.len, &csv, false, &t, NULL), SW_E_OK);
  assert_string_equal(
      render_record(&t, SW_TABLE_CSV, &out),
      "id,revision,name,host,port,command,expect,timeout_ms,ehlo_name,"
      "interval_s,enabled,tls_mode,tls_insecure,cert_warn_days,"
      "cert_crit_days,auth_user,auth_password,auth_mech,auth_plaintext,"
      "oauth_token_url,oauth_client_id,oauth_client_secret,oauth_scope,"
      "mail_from,rcpt_to,relay_test,relay_test_rcpt,ip_family,"
      "all_addresses,check_ptr,drift,domain,min_ok,mta_sts,dane,dns_server,round_trip,"
      "mailbox_host,mailbox_port,mailbox_tls,"
      "mailbox_user,mailbox_password,folder,probe_to,probe_from,deliver_within_s,"
      "delivery_warn_ms,delivery_crit_ms\r\n"
      "3,5,Relay,mail.example.com,587,NOOP,,7000,,60,true,"
      "require-starttls,false,21,7,,false,auto,false,,,false,,,,false,,any,"
      "false,false,true,,0,true,false,,none,,0,implicit,,false,,,,300,0,0\r\n");
  sw_table_free(&t);

  /* `rules show`: every field, with the labels the editor uses. */
  assert_int_equal(sw_manage_rules_table(b, body.len, &people, false, &t, NULL), SW_E_OK);
  assert_string_equal(
      render_record(&t, SW_TABLE_TEXT, &out),
      "ID:                          3\n"
      "Revision:                    5\n"
      "Name:                        Relay\n"
      "Host:                        mail.example.com\n"
      "Port:                        587\n"
      "Command:                     NOOP\n"
      "Expected text:               \n"
      "Timeout:                     7000\n"
      "EHLO name:                   (this machine's name)\n"
      "Interval:                    60\n"
      "Enabled:                     yes\n"
      "TLS:                         require-starttls\n"
      "Skip certificate validation: no\n"
      "Certificate warning (days):  21\n"
      "Certificate critical (days): 7\n" FX_RULE_PAST_HANDSHAKE_DEFAULTS_TEXT);
  sw_table_free(&t);

  struct sw_pipe_rule pr;
  assert_int_equal(sw_manage_body_rule(b, body.len, &pr), SW_E_OK);
  assert_int_equal(pr.rule.id, 3);
  assert_int_equal(pr.revision, 5);
  assert_string_equal(pr.rule.name, "Relay");
  sw_rule_free(&pr.rule);

  sw_buf_free(&out);
  sw_buf_free(&body);
}

static void fill_result(struct sw_pipe_result *r, int64_t id, int64_t at_ms,
                        enum sw_nagios_status status, enum sw_outcome outcome,
                        int64_t total_us, const char *message)
{
  r->id = id;
  r->rule_id = 3;
  r->started_at_ms = at_ms;
  r->status = status;
  r->check.outcome = outcome;
  r->check.step = outcome == SW_OUTCOME_OK ? SW_STEP_QUIT : SW_STEP_GREETING;
  r->check.reply_code = outcome == SW_OUTCOME_OK ? 221 : 0;
  r->check.total_us = total_us;
  snprintf(r->check.peer, sizeof r->check.peer, "127.0.0.1:2525");
  snprintf(r->message, sizeof r->message, "%s", message);
}

static void test_lists_come_in_pages(void **state)
{
  (void)state;
  /* The service pages rule lists and status by rule id: MORE, and the
   * last id is the next request's AFTER. Pages add up to one table. */
  struct sw_buf first, second, out;
  sw_buf_init(&first, 0);
  sw_buf_init(&second, 0);
  sw_buf_init(&out, 0);
  two_rules(&first);
  sw_tlv_put_bool(&first, SW_PIPE_TAG_MORE, true);
  struct sw_rule r;
  sw_rule_init_defaults(&r);
  r.id = 40;
  sw_rule_set_string(&r.name, "Third");
  sw_rule_set_string(&r.host, "third.example.com");
  sw_pipe_put_rule(&second, &r, 2);
  sw_rule_free(&r);
  sw_tlv_put_bool(&second, SW_PIPE_TAG_MORE, false);

  struct sw_table t = {0};
  struct sw_manage_page page;
  assert_int_equal(sw_manage_rules_table((const uint8_t *)first.data, first.len, &csv,
                                         false, &t, &page),
                   SW_E_OK);
  assert_true(page.more);
  assert_int_equal(page.last_key, 12);
  assert_int_equal(sw_manage_rules_table((const uint8_t *)second.data, second.len, &csv,
                                         false, &t, &page),
                   SW_E_OK);
  assert_false(page.more);
  assert_int_equal(page.last_key, 40);
  assert_int_equal(sw_table_rows(&t), 3);
  render(&t, SW_TABLE_CSV, &out);
  assert_non_null(strstr(sw_buf_str(&out), "\r\n40,2,Third,third.example.com,25,"));
  sw_table_free(&t);

  /* Status pages the same way. */
  sw_buf_free(&first);
  struct sw_pipe_status s;
  sw_pipe_status_init(&s);
  s.rule_id = 7;
  s.name = "Seven";
  s.host = "seven.example.com";
  s.port = 25;
  s.enabled = true;
  sw_pipe_put_status(&first, &s);
  sw_tlv_put_bool(&first, SW_PIPE_TAG_MORE, true);
  assert_int_equal(
      sw_manage_status_table((const uint8_t *)first.data, first.len, &people, &t, &page),
      SW_E_OK);
  assert_true(page.more);
  assert_int_equal(page.last_key, 7);
  sw_table_free(&t);

  sw_buf_free(&out);
  sw_buf_free(&first);
  sw_buf_free(&second);
}

static void put_result(struct sw_buf *body, int64_t id, int64_t at_ms,
                       enum sw_nagios_status status, enum sw_outcome outcome,
                       int64_t total_us, const char *message)
{
  struct sw_pipe_result r;
  sw_pipe_result_init(&r);
  fill_result(&r, id, at_ms, status, outcome, total_us, message);
  sw_pipe_put_result(body, &r, false);
  sw_pipe_result_free(&r);
}

static void test_status_of_every_kind_of_rule(void **state)
{
  (void)state;
  struct sw_buf body, out;
  sw_buf_init(&body, 0);
  sw_buf_init(&out, 0);
  struct sw_pipe_status s;
  sw_pipe_status_init(&s);
  s.rule_id = 3;
  s.name = "Relay";
  s.host = "mail.example.com";
  s.port = 25;
  s.enabled = true;
  s.has_state = true;
  s.state = SW_NAGIOS_CRITICAL;
  s.failures = 4;
  s.since_ms = T0;
  s.last_result_at_ms = T0 + 60000;
  s.has_result = true; /* its last result, nested in the record */
  fill_result(&s.last, 900, T0 + 60000, SW_NAGIOS_CRITICAL, SW_OUTCOME_TIMEOUT, 7000400,
              "Timed out in the greeting after 7000 ms.");
  sw_pipe_put_status(&body, &s);
  sw_pipe_result_free(&s.last);

  struct sw_pipe_status pending;
  sw_pipe_status_init(&pending);
  pending.rule_id = 4;
  pending.name = "New";
  pending.host = "2001:db8::25";
  pending.port = 25;
  pending.enabled = true;
  sw_pipe_put_status(&body, &pending);
  pending.rule_id = 5;
  pending.name = "Off";
  pending.host = "off.example.com";
  pending.enabled = false;
  sw_pipe_put_status(&body, &pending);
  /* OK through a failure below the service's threshold. */
  pending.rule_id = 6;
  pending.name = "Flaky";
  pending.host = "flaky.example.com";
  pending.enabled = true;
  pending.has_state = true;
  pending.state = SW_NAGIOS_OK;
  pending.failures = 1;
  pending.since_ms = T0;
  pending.last_result_at_ms = T0;
  /* its server changed: scripts get the sentences in a column of their own */
  pending.drift = "STARTTLS is no longer offered\nthe certificate's key changed";
  sw_pipe_put_status(&body, &pending);

  const uint8_t *b = (const uint8_t *)body.data;
  struct sw_table t = {0};
  assert_int_equal(sw_manage_status_table(b, body.len, &people, &t, NULL), SW_E_OK);
  assert_string_equal(
      render(&t, SW_TABLE_TEXT, &out),
      "ID  Name   Server                State           Since                La"
      "st check           Time     Message\n"
      "3   Relay  mail.example.com:25   CRITICAL        2024-05-01 14:03:22  20"
      "24-05-01 14:04:22  7000 ms  Timed out in the greeting after 7000 ms.\n"
      "4   New    [2001:db8::25]:25     pending                                "
      "                            \n"
      "5   Off    off.example.com:25    disabled                               "
      "                            \n"
      "6   Flaky  flaky.example.com:25  OK (1 failure)  2024-05-01 14:03:22  20"
      "24-05-01 14:03:22           \n");
  sw_table_free(&t);

  assert_int_equal(sw_manage_status_table(b, body.len, &json, &t, NULL), SW_E_OK);
  assert_string_equal(
      render(&t, SW_TABLE_JSON, &out),
      "[{\"id\":3,\"name\":\"Relay\",\"host\":\"mail.example.com\",\"port\":25,"
      "\"enabled\":true,\"state\":\"CRITICAL\",\"failures\":4,"
      "\"since\":\"2024-05-01T12:03:22Z\",\"last_check\":\"2024-05-01T12:04:22Z\","
      "\"response_ms\":7000,\"outcome\":\"timeout\","
      "\"message\":\"Timed out in the greeting after 7000 ms.\",\"drift\":\"\"},"
      "{\"id\":4,\"name\":\"New\",\"host\":\"2001:db8::25\",\"port\":25,"
      "\"enabled\":true,\"state\":\"pending\",\"failures\":null,\"since\":\"\","
      "\"last_check\":\"\",\"response_ms\":null,\"outcome\":\"\",\"message\":\"\","
      "\"drift\":\"\"},"
      "{\"id\":5,\"name\":\"Off\",\"host\":\"off.example.com\",\"port\":25,"
      "\"enabled\":false,\"state\":\"disabled\",\"failures\":null,\"since\":\"\","
      "\"last_check\":\"\",\"response_ms\":null,\"outcome\":\"\",\"message\":\"\","
      "\"drift\":\"\"},"
      /* scripts get the state and the count apart */
      "{\"id\":6,\"name\":\"Flaky\",\"host\":\"flaky.example.com\",\"port\":25,"
      "\"enabled\":true,\"state\":\"OK\",\"failures\":1,"
      "\"since\":\"2024-05-01T12:03:22Z\",\"last_check\":\"2024-05-01T12:03:22Z\","
      "\"response_ms\":null,\"outcome\":\"\",\"message\":\"\","
      "\"drift\":\"STARTTLS is no longer offered\\nthe certificate's key changed\"}]\n");
  sw_table_free(&t);
  sw_buf_free(&out);
  sw_buf_free(&body);
}

static void test_history_pages(void **state)
{
  (void)state;
  struct sw_buf body, out;
  sw_buf_init(&body, 0);
  sw_buf_init(&out, 0);
  put_result(&body, 902, T0 + 120000, SW_NAGIOS_OK, SW_OUTCOME_OK, 12345, "OK.");
  put_result(&body, 901, T0 + 60000, SW_NAGIOS_CRITICAL, SW_OUTCOME_TIMEOUT, 7000000,
             "Timed out.");
  sw_tlv_put_bool(&body, SW_PIPE_TAG_MORE, true);
  const uint8_t *b = (const uint8_t *)body.data;
  struct sw_table t = {0};
  struct sw_manage_page page;

  assert_int_equal(sw_manage_history_table(b, body.len, &people, &t, &page), SW_E_OK);
  assert_string_equal(render(&t, SW_TABLE_TEXT, &out),
                      "Started              Status    Outcome  Time     Message\n"
                      "2024-05-01 14:05:22  OK        ok       12 ms    OK.\n"
                      "2024-05-01 14:04:22  CRITICAL  timeout  7000 ms  Timed out.\n");
  assert_true(page.more);
  assert_int_equal(page.last_at, T0 + 60000);
  assert_int_equal(page.last_key, 901);
  char next[200];
  sw_manage_next_page(3, 20, page.last_at, page.last_key, next, sizeof next);
  assert_string_equal(next, "smtpwatch history 3 --limit 20 --before 1714565062000:901");
  sw_table_free(&t);

  /* The hint's cursor reads back as the request's BEFORE_AT and BEFORE. */
  char *argv[] = {"history", "3", "--before", strrchr(next, ' ') + 1};
  struct sw_manage_args a;
  struct sw_buf errors;
  sw_buf_init(&errors, 0);
  assert_int_equal(sw_manage_args_parse(&a, 4, argv, &errors), SW_E_OK);
  assert_int_equal(a.before_at, T0 + 60000);
  assert_int_equal(a.before, 901);
  sw_manage_args_free(&a);
  sw_buf_free(&errors);

  assert_int_equal(sw_manage_history_table(b, body.len, &csv, &t, &page), SW_E_OK);
  assert_string_equal(
      render(&t, SW_TABLE_CSV, &out),
      "id,rule_id,started,started_at_ms,status,outcome,step,reply_code,"
      "enhanced_code,response_ms,peer,message,cursor,delivery_ms,hops\r\n"
      "902,3,2024-05-01T12:05:22Z,1714565122000,OK,ok,quit,221,,12,"
      "127.0.0.1:2525,OK.,1714565122000:902,,\r\n"
      "901,3,2024-05-01T12:04:22Z,1714565062000,CRITICAL,timeout,"
      "greeting,,,7000,127.0.0.1:2525,Timed out.,1714565062000:901,,\r\n");
  sw_table_free(&t);

  /* Without MORE, there is no next page. */
  sw_buf_free(&body);
  put_result(&body, 1, T0, SW_NAGIOS_OK, SW_OUTCOME_OK, 1000, "OK.");
  sw_tlv_put_bool(&body, SW_PIPE_TAG_MORE, false);
  b = (const uint8_t *)body.data;
  assert_int_equal(sw_manage_history_table(b, body.len, &people, &t, &page), SW_E_OK);
  assert_false(page.more);
  assert_int_equal(sw_table_rows(&t), 1);
  sw_table_free(&t);

  /* A test result with its transcript. */
  sw_buf_free(&body);
  struct sw_pipe_result r;
  sw_pipe_result_init(&r);
  r.status = SW_NAGIOS_WARNING;
  r.check.outcome = SW_OUTCOME_TEMP_REJECT;
  r.check.reply_code = 421;
  sw_buf_appends(&r.check.transcript, "S: 421 busy\n");
  sw_pipe_put_result(&body, &r, true);
  sw_pipe_result_free(&r);
  b = (const uint8_t *)body.data;
  assert_int_equal(sw_manage_body_result(b, body.len, &r), SW_E_OK);
  assert_int_equal(r.status, SW_NAGIOS_WARNING);
  assert_int_equal(r.check.outcome, SW_OUTCOME_TEMP_REJECT);
  assert_int_equal(r.check.reply_code, 421);
  assert_string_equal(sw_buf_str(&r.check.transcript), "S: 421 busy\n");
  sw_pipe_result_free(&r);

  sw_buf_free(&out);
  sw_buf_free(&body);
}

static void test_events(void **state)
{
  (void)state;
  struct sw_buf body, out;
  sw_buf_init(&body, 0);
  sw_buf_init(&out, 0);
  struct sw_pipe_event e = {812, T0, 1001, "error", 3, "Rule 3 is CRITICAL."};
  sw_pipe_put_event(&body, &e);
  struct sw_pipe_event started = {811, T0 - 1000, 100, "info", 0, "Started."};
  sw_pipe_put_event(&body, &started);
  sw_tlv_put_bool(&body, SW_PIPE_TAG_MORE, true);
  const uint8_t *b = (const uint8_t *)body.data;
  struct sw_table t = {0};
  struct sw_manage_page page;
  assert_int_equal(sw_manage_events_table(b, body.len, &people, &t, &page), SW_E_OK);
  assert_string_equal(render(&t, SW_TABLE_TEXT, &out),
                      "Time                 Severity  Event  Rule  Message\n"
                      "2024-05-01 14:03:22  error     1001   3     Rule 3 is CRITICAL.\n"
                      "2024-05-01 14:03:21  info      100          Started.\n");
  assert_true(page.more);
  assert_int_equal(page.last_key, 811);
  char next[200];
  sw_manage_next_page(0, 50, 0, page.last_key, next, sizeof next);
  assert_string_equal(next, "smtpwatch events --limit 50 --before 811");
  sw_table_free(&t);

  assert_int_equal(sw_manage_events_table(b, body.len, &json, &t, &page), SW_E_OK);
  assert_string_equal(
      render(&t, SW_TABLE_JSON, &out),
      "[{\"key\":812,\"time\":\"2024-05-01T12:03:22Z\","
      "\"time_ms\":1714565002000,\"severity\":\"error\",\"event_id\":1001,"
      "\"rule_id\":3,\"message\":\"Rule 3 is CRITICAL.\"},"
      "{\"key\":811,\"time\":\"2024-05-01T12:03:21Z\","
      "\"time_ms\":1714565001000,\"severity\":\"info\",\"event_id\":100,"
      "\"rule_id\":null,\"message\":\"Started.\"}]\n");
  sw_table_free(&t);
  sw_buf_free(&out);
  sw_buf_free(&body);
}

static void test_service_info(void **state)
{
  (void)state;
  struct sw_buf body, out;
  sw_buf_init(&body, 0);
  sw_buf_init(&out, 0);
  struct sw_pipe_service_info i = {
      "0.1.0", 2 * 86400 + 3 * 3600 + 59,    10, 9, 540, 3, 123456, 0,
      2,       "C:\\ProgramData\\SmtpWatch", 7,  1};
  sw_pipe_put_service_info(&body, &i);
  const uint8_t *b = (const uint8_t *)body.data;
  struct sw_table t = {0};
  assert_int_equal(sw_manage_service_table(b, body.len, &people, NULL, &t), SW_E_OK);
  assert_string_equal(render_record(&t, SW_TABLE_TEXT, &out),
                      "Version:                 0.1.0\n"
                      "Uptime:                  2 d 3 h\n"
                      "Rules:                   10\n"
                      "Enabled rules:           9\n"
                      "Checks per minute:       540\n"
                      "Checks in flight:        3\n"
                      "Checks since start:      123456\n"
                      "Results not yet written: 0\n"
                      "Clients connected:       2\n"
                      "Data folder:             C:\\ProgramData\\SmtpWatch\n"
                      "Clients subscribed:      1\n"
                      "Status requests:         7\n");
  sw_table_free(&t);
  assert_int_equal(sw_manage_service_table(b, body.len, &json, NULL, &t), SW_E_OK);
  assert_string_equal(render_record(&t, SW_TABLE_JSON, &out),
                      "{\"version\":\"0.1.0\",\"uptime_s\":183659,\"rules\":10,"
                      "\"rules_enabled\":9,\"checks_per_min\":540,\"checks_in_flight\":3,"
                      "\"checks_total\":123456,\"results_buffered\":0,\"pipe_clients\":2,"
                      "\"data_dir\":\"C:\\\\ProgramData\\\\SmtpWatch\","
                      "\"subscribers\":1,\"status_requests\":7}\n");
  sw_table_free(&t);

  char text[48];
  sw_manage_duration_text(59, text, sizeof text);
  assert_string_equal(text, "59 s");
  sw_manage_duration_text(3600 + 120, text, sizeof text);
  assert_string_equal(text, "1 h 2 min");
  sw_manage_duration_text(61, text, sizeof text);
  assert_string_equal(text, "1 min 1 s");
  sw_buf_free(&out);
  sw_buf_free(&body);
}

/* `service info` with what smtpwatch found out itself: the pipe's SDDL
 * and the server process, one line each for people, apart for scripts. */
static void test_service_info_with_server(void **state)
{
  (void)state;
  struct sw_buf body, out;
  sw_buf_init(&body, 0);
  sw_buf_init(&out, 0);
  struct sw_pipe_service_info i = {"0.1.0", 5, 1, 1, 0, 0, 0, 0, 1, "C:\\D", 0, 0};
  sw_pipe_put_service_info(&body, &i);
  struct sw_pipe_trust_facts f = {.server_pid = 4242,
                                  .scm = SW_PIPE_SCM_RUNNING,
                                  .scm_pid = 4242,
                                  .image = "C:\\SW\\smtpwatch-svc.exe",
                                  .account = "NT AUTHORITY\\LOCAL SERVICE"};
  struct sw_manage_server server = {"O:SYG:SYD:P(A;;FA;;;SY)", &f, SW_PIPE_TRUST_SERVICE};
  const uint8_t *b = (const uint8_t *)body.data;
  struct sw_table t = {0};
  assert_int_equal(sw_manage_service_table(b, body.len, &people, &server, &t), SW_E_OK);
  const char *text = render_record(&t, SW_TABLE_TEXT, &out);
  assert_non_null(strstr(text, "Data folder:             C:\\D\n"
                               "Clients subscribed:      0\n"
                               "Status requests:         0\n"
                               "Pipe security:           O:SYG:SYD:P(A;;FA;;;SY)\n"
                               "Server process:          C:\\SW\\smtpwatch-svc.exe, "
                               "process 4242, running as NT AUTHORITY\\LOCAL SERVICE\n"
                               "Server verified as:      the SmtpWatch service, as the "
                               "service control manager runs it\n"));
  sw_table_free(&t);
  server.trust = SW_PIPE_TRUST_OPT_IN;
  assert_int_equal(sw_manage_service_table(b, body.len, &json, &server, &t), SW_E_OK);
  assert_non_null(
      strstr(render_record(&t, SW_TABLE_JSON, &out),
             "\"data_dir\":\"C:\\\\D\",\"subscribers\":0,\"status_requests\":0,"
             "\"pipe_security\":\"O:SYG:SYD:P(A;;FA;;;SY)\","
             "\"server_pid\":4242,\"server_image\":\"C:\\\\SW\\\\smtpwatch-svc.exe\","
             "\"server_account\":\"NT AUTHORITY\\\\LOCAL SERVICE\","
             "\"server_trust\":\"console_opt_in\"}"));
  sw_table_free(&t);
  sw_buf_free(&out);
  sw_buf_free(&body);
}

static void test_refused_rule_by_field(void **state)
{
  (void)state;
  struct sw_rule r;
  sw_rule_init_defaults(&r);
  sw_rule_set_string(&r.name, "x");
  sw_rule_set_string(&r.host, "bad host");
  r.port = 0;
  r.timeout_ms = 5;
  struct sw_rule_problems sent, got;
  assert_false(sw_rule_validate(&r, &sent));
  sw_rule_free(&r);
  struct sw_buf body, out;
  sw_buf_init(&body, 0);
  sw_buf_init(&out, 0);
  sw_pipe_put_problems(&body, &sent);
  assert_int_equal(sw_manage_body_problems((const uint8_t *)body.data, body.len, &got),
                   SW_E_OK);
  assert_int_equal(got.count, sent.count);
  sw_manage_problems_text(&got, &out);
  char want[2048];
  snprintf(want, sizeof want, "host: %s\nport: %s\ntimeout_ms: %s\n",
           sw_rule_problems_find(&sent, SW_RULE_FIELD_HOST),
           sw_rule_problems_find(&sent, SW_RULE_FIELD_PORT),
           sw_rule_problems_find(&sent, SW_RULE_FIELD_TIMEOUT_MS));
  assert_string_equal(sw_buf_str(&out), want);
  assert_non_null(strstr(sw_buf_str(&out), "port: Port must be between 1 and 65535"));

  /* A field this program does not know is not silently taken as valid. */
  sw_buf_free(&out);
  got.count = 0;
  sw_manage_problems_text(&got, &out);
  assert_string_equal(sw_buf_str(&out),
                      "The service refused the rule without naming a field this program "
                      "knows: is it older than the service?\n");
  sw_buf_free(&out);
  sw_buf_free(&body);
}

static void test_malformed_bodies(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, 0);
  two_rules(&body);
  struct sw_table t = {0};
  struct sw_manage_page page;
  struct sw_pipe_rule pr;
  struct sw_pipe_result res;
  /* Cut in the middle of the second rule. */
  const uint8_t *b = (const uint8_t *)body.data;
  size_t cut = body.len - 10;
  assert_int_equal(sw_manage_rules_table(b, cut, &people, true, &t, NULL),
                   SW_E_INVALID_ARGUMENT);
  sw_table_free(&t);
  assert_int_equal(sw_manage_status_table(b, cut, &people, &t, NULL),
                   SW_E_INVALID_ARGUMENT);
  sw_table_free(&t);
  assert_int_equal(sw_manage_history_table(b, cut, &people, &t, &page),
                   SW_E_INVALID_ARGUMENT);
  sw_table_free(&t);
  /* No record of the kind asked for. */
  assert_int_equal(sw_manage_body_result(b, body.len, &res), SW_E_INVALID_ARGUMENT);
  sw_pipe_result_free(&res);
  assert_int_equal(sw_manage_body_rule(b, 0, &pr), SW_E_INVALID_ARGUMENT);
  /* A known tag of the wrong type. */
  sw_buf_free(&body);
  sw_tlv_begin(&body, SW_PIPE_TAG_RULE);
  sw_tlv_put_str(&body, SW_PIPE_TAG_RULE_PORT, "25");
  sw_tlv_end(&body);
  b = (const uint8_t *)body.data;
  assert_int_equal(sw_manage_body_rule(b, body.len, &pr), SW_E_INVALID_ARGUMENT);
  sw_buf_free(&body);
}

static void test_times_servers_and_exit_codes(void **state)
{
  (void)state;
  char text[64];
  sw_manage_time(&people, T0, text, sizeof text);
  assert_string_equal(text, "2024-05-01 14:03:22");
  sw_manage_time(&json, T0 + 999, text, sizeof text);
  assert_string_equal(text, "2024-05-01T12:03:22Z");
  sw_manage_time(&people, 0, text, sizeof text);
  assert_string_equal(text, "");
  /* Without a time zone function, people get UTC and are told so. */
  struct sw_manage_view utc = {SW_TABLE_TEXT, NULL};
  sw_manage_time(&utc, T0, text, sizeof text);
  assert_string_equal(text, "2024-05-01 12:03:22 UTC");

  sw_manage_server_text("2001:db8::1", 25, text, sizeof text);
  assert_string_equal(text, "[2001:db8::1]:25");
  sw_manage_server_text("[::1]", 2525, text, sizeof text);
  assert_string_equal(text, "[::1]:2525");
  sw_manage_server_text("192.0.2.1", 465, text, sizeof text);
  assert_string_equal(text, "192.0.2.1:465");

  assert_int_equal(sw_manage_exit_for_error("not_found"), SW_MANAGE_EXIT_REFUSED);
  assert_int_equal(sw_manage_exit_for_error("stale"), SW_MANAGE_EXIT_REFUSED);
  assert_int_equal(sw_manage_exit_for_error("access_denied"), SW_MANAGE_EXIT_REFUSED);
  assert_int_equal(sw_manage_exit_for_error("busy"), SW_MANAGE_EXIT_REFUSED);
  assert_int_equal(sw_manage_exit_for_error("some_new_code"), SW_MANAGE_EXIT_REFUSED);
  assert_int_equal(sw_manage_exit_for_error("version"), SW_MANAGE_EXIT_UNREACHABLE);
  assert_int_equal(sw_manage_exit_for_error("unknown_message"),
                   SW_MANAGE_EXIT_UNREACHABLE);
  assert_int_equal(sw_manage_exit_for_error("bad_request"), SW_MANAGE_EXIT_UNREACHABLE);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rules_for_people_and_scripts),
      cmocka_unit_test(test_lists_come_in_pages),
      cmocka_unit_test(test_status_of_every_kind_of_rule),
      cmocka_unit_test(test_history_pages),
      cmocka_unit_test(test_events),
      cmocka_unit_test(test_service_info),
      cmocka_unit_test(test_service_info_with_server),
      cmocka_unit_test(test_refused_rule_by_field),
      cmocka_unit_test(test_malformed_bodies),
      cmocka_unit_test(test_times_servers_and_exit_codes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
