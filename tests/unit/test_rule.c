/* The rule model and its validator: defaults, ownership, and that every
 * wrong field is reported at once with a sentence naming it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rule.h"
#include "rule_fixture.h"

/* A valid rule to break one field at a time. */
static void make_valid(struct sw_rule *r)
{
  sw_rule_init_defaults(r);
  assert_int_equal(sw_rule_set_string(&r->name, "Main relay"), SW_E_OK);
  assert_int_equal(sw_rule_set_string(&r->host, "mail.example.com"), SW_E_OK);
}

static void set(char **slot, const char *value)
{
  assert_int_equal(sw_rule_set_string(slot, value), SW_E_OK);
}

/* The message for `field` when the rule has exactly that one problem. */
static const char *only_problem(const struct sw_rule *r, enum sw_rule_field field)
{
  static struct sw_rule_problems p;
  assert_false(sw_rule_validate(r, &p));
  assert_int_equal(p.count, 1);
  assert_int_equal(p.items[0].field, field);
  return p.items[0].message;
}

static void assert_valid(const struct sw_rule *r)
{
  struct sw_rule_problems p;
  bool ok = sw_rule_validate(r, &p);
  if (!ok)
    fail_msg("unexpected problem: %s: %s", sw_rule_field_name(p.items[0].field),
             p.items[0].message);
  assert_int_equal(p.count, 0);
}

static void test_defaults(void **state)
{
  (void)state;
  struct sw_rule r;
  memset(&r, 0x5A, sizeof r);
  sw_rule_init_defaults(&r);
  assert_int_equal(r.id, 0);
  assert_null(r.name);
  assert_null(r.host);
  assert_null(r.command);
  assert_null(r.expect);
  assert_null(r.ehlo_name);
  assert_int_equal(r.port, 25);
  assert_int_equal(r.timeout_ms, 7000);
  assert_int_equal(r.interval_s, 60);
  assert_true(r.enabled);
  /* Defaults plus a name and a host are a complete rule. */
  make_valid(&r);
  assert_valid(&r);
  sw_rule_free(&r);
  assert_null(r.name);
  assert_int_equal(r.port, 25);
}

static void test_every_problem_at_once(void **state)
{
  (void)state;
  struct sw_rule r;
  sw_rule_init_defaults(&r);
  set(&r.command, "NOOP\r\nMAIL FROM:<>");
  set(&r.expect, "250\n");
  set(&r.ehlo_name, "localhost");
  set(&r.host, "mail..example");
  r.port = 0;
  r.timeout_ms = 50;
  r.interval_s = 5;
  struct sw_rule_problems p;
  assert_false(sw_rule_validate(&r, &p));
  const enum sw_rule_field want[] = {SW_RULE_FIELD_NAME,      SW_RULE_FIELD_HOST,
                                     SW_RULE_FIELD_PORT,      SW_RULE_FIELD_COMMAND,
                                     SW_RULE_FIELD_EXPECT,    SW_RULE_FIELD_TIMEOUT_MS,
                                     SW_RULE_FIELD_EHLO_NAME, SW_RULE_FIELD_INTERVAL_S};
  assert_int_equal(p.count, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < p.count; i++) {
    assert_int_equal(p.items[i].field, want[i]);
    /* Every sentence begins with the field's label and ends with a stop. */
    const char *label = sw_rule_field_label(want[i]);
    assert_memory_equal(p.items[i].message, label, strlen(label));
    assert_int_equal(p.items[i].message[strlen(p.items[i].message) - 1], '.');
  }
  assert_string_equal(sw_rule_problems_find(&p, SW_RULE_FIELD_PORT),
                      "Port must be between 1 and 65535.");
  assert_string_equal(
      sw_rule_problems_find(&p, SW_RULE_FIELD_TIMEOUT_MS),
      "Timeout must be between 100 and 300000 ms; 7000 ms is recommended.");
  assert_string_equal(sw_rule_problems_find(&p, SW_RULE_FIELD_INTERVAL_S),
                      "Interval must be between 10 seconds and 86400 seconds (one day).");
  assert_null(sw_rule_problems_find(&p, SW_RULE_FIELD_ENABLED));
  sw_rule_free(&r);
}

static void test_name(void **state)
{
  (void)state;
  struct sw_rule r;
  make_valid(&r);
  set(&r.name, "");
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_NAME), "required"));
  set(&r.name, NULL);
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_NAME), "required"));

  /* 100 characters of two bytes each is 100 characters, not 200. */
  char name[400] = "";
  for (int i = 0; i < 100; i++)
    strcat(name, "\xC3\xA9");
  set(&r.name, name);
  assert_valid(&r);
  strcat(name, "x");
  set(&r.name, name);
  assert_string_equal(only_problem(&r, SW_RULE_FIELD_NAME),
                      "Name must be at most 100 characters long; it has 101.");

  set(&r.name, "Relay\tB");
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_NAME), "control characters"));
  set(&r.name, "Relay\nB");
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_NAME), "control characters"));
  set(&r.name, "Relay \xC2\x85"); /* NEL: a C1 line break */
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_NAME), "control characters"));
  set(&r.name, "Relay \xE9"); /* Latin-1, not UTF-8 */
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_NAME), "UTF-8"));
  set(&r.name, "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x93\xAE");
  assert_valid(&r);
  sw_rule_free(&r);
}

static void test_host(void **state)
{
  (void)state;
  struct sw_rule r;
  make_valid(&r);
  static const char *const good[] = {"mail.example.com",
                                     "mail.example.com.",
                                     "localhost",
                                     "192.0.2.1",
                                     "::1",
                                     "[::1]",
                                     "2001:db8::25",
                                     "[::ffff:192.0.2.1]",
                                     "xn--bcher-kva.example"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    set(&r.host, good[i]);
    assert_valid(&r);
  }

  set(&r.host, "");
  assert_string_equal(only_problem(&r, SW_RULE_FIELD_HOST),
                      "Host is required: enter the server's DNS name or IP address (or, "
                      "for every MX host of a mail domain, the domain).");
  set(&r.host, "256.1.1.1");
  assert_string_equal(only_problem(&r, SW_RULE_FIELD_HOST),
                      "Host is not a valid IPv4 address: use four numbers from 0 to 255 "
                      "separated by dots, without leading zeros, such as 192.0.2.1.");
  set(&r.host, "010.1.1.1");
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_HOST), "leading zeros"));
  set(&r.host, "mail.example.com:25");
  assert_string_equal(only_problem(&r, SW_RULE_FIELD_HOST),
                      "Host must not include a port number; set the port separately.");
  set(&r.host, "1::2::3");
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_HOST), "not a valid IPv6"));
  set(&r.host, "[192.0.2.1]");
  assert_string_equal(only_problem(&r, SW_RULE_FIELD_HOST),
                      "Host in brackets must be an IPv6 address, such as [2001:db8::1].");
  set(&r.host, "mail..example.com");
  assert_string_equal(only_problem(&r, SW_RULE_FIELD_HOST),
                      "Host is not a valid DNS name: the name has an empty part (it "
                      "begins with a dot or has two dots in a row).");
  set(&r.host, "mail example.com");
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_HOST), "letters, digits"));
  set(&r.host, "b\xC3\xBC"
               "cher.example");
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_HOST), "xn--"));

  char long_name[300];
  memset(long_name, 'a', sizeof long_name);
  for (int i = 50; i < 299; i += 50)
    long_name[i] = '.';
  long_name[254] = '\0';
  set(&r.host, long_name);
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_HOST), "253"));
  sw_rule_free(&r);
}

static void test_command(void **state)
{
  (void)state;
  struct sw_rule r;
  make_valid(&r);
  set(&r.command, "NOOP");
  assert_valid(&r);
  set(&r.command, "");
  assert_valid(&r);
  set(&r.command, "VRFY j\xC3\xBCrgen"); /* UTF-8 is allowed (SMTPUTF8) */
  assert_valid(&r);

  char cmd[600];
  memset(cmd, 'X', 510);
  cmd[510] = '\0';
  set(&r.command, cmd);
  assert_valid(&r);
  strcpy(cmd + 510, "Y");
  set(&r.command, cmd);
  assert_string_equal(only_problem(&r, SW_RULE_FIELD_COMMAND),
                      "Command must be at most 510 bytes long (SMTP allows 512 per line, "
                      "line ending included); it has 511.");

  static const char *const two_lines[] = {"NOOP\r\nQUIT", "NOOP\n", "NOOP\rRSET",
                                          "NOOP\tx\nRSET"};
  for (size_t i = 0; i < 4; i++) {
    set(&r.command, two_lines[i]);
    assert_string_equal(
        only_problem(&r, SW_RULE_FIELD_COMMAND),
        "Command must be a single line: it contains a line break (CR or "
        "LF). Enter one SMTP command; the line ending is added when it is "
        "sent.");
  }
  set(&r.command, "NOOP\tnow");
  assert_string_equal(only_problem(&r, SW_RULE_FIELD_COMMAND),
                      "Command contains a control character (such as a tab); an SMTP "
                      "command is plain text on one line.");
  set(&r.command, "NOOP \x7F");
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_COMMAND), "control character"));
  set(&r.command, "NOOP \xFF");
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_COMMAND), "UTF-8"));
  sw_rule_free(&r);
}

static void test_expect(void **state)
{
  (void)state;
  struct sw_rule r;
  make_valid(&r);
  set(&r.expect, "2.0.0 Ok\tfine"); /* a tab may well be in a reply */
  assert_valid(&r);
  char text[600];
  memset(text, 'e', 500);
  text[500] = '\0';
  set(&r.expect, text);
  assert_valid(&r);
  strcpy(text + 500, "e");
  set(&r.expect, text);
  assert_string_equal(only_problem(&r, SW_RULE_FIELD_EXPECT),
                      "Expected text must be at most 500 bytes long; it has 501.");
  set(&r.expect, "250\r\n");
  assert_string_equal(only_problem(&r, SW_RULE_FIELD_EXPECT),
                      "Expected text must be on one line: it must not contain a line "
                      "break (CR or LF).");
  sw_rule_free(&r);
}

static void test_numeric_ranges(void **state)
{
  (void)state;
  struct sw_rule r;
  make_valid(&r);
  r.port = 1;
  assert_valid(&r);
  r.port = 65535;
  assert_valid(&r);
  r.port = 0;
  only_problem(&r, SW_RULE_FIELD_PORT);
  r.port = 25;

  const uint32_t timeouts_ok[] = {100, 7000, 300000};
  const uint32_t timeouts_bad[] = {0, 99, 300001, UINT32_MAX};
  for (size_t i = 0; i < 3; i++) {
    r.timeout_ms = timeouts_ok[i];
    assert_valid(&r);
  }
  for (size_t i = 0; i < 4; i++) {
    r.timeout_ms = timeouts_bad[i];
    assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_TIMEOUT_MS), "7000 ms"));
  }
  r.timeout_ms = 7000;

  const uint32_t intervals_ok[] = {10, 60, 86400};
  const uint32_t intervals_bad[] = {0, 9, 86401};
  for (size_t i = 0; i < 3; i++) {
    r.interval_s = intervals_ok[i];
    assert_valid(&r);
    r.interval_s = intervals_bad[i];
    only_problem(&r, SW_RULE_FIELD_INTERVAL_S);
  }
  sw_rule_free(&r);
}

static void test_ehlo_name(void **state)
{
  (void)state;
  struct sw_rule r;
  make_valid(&r);
  static const char *const good[] = {
      "",           "mail.example.com",   "probe.example.com.",     "[192.0.2.1]",
      "[IPv6:::1]", "[ipv6:2001:db8::1]", "[IPv6:::ffff:192.0.2.1]"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    set(&r.ehlo_name, good[i]);
    assert_valid(&r);
  }
  set(&r.ehlo_name, "localhost");
  assert_non_null(
      strstr(only_problem(&r, SW_RULE_FIELD_EHLO_NAME), "fully qualified domain name"));
  set(&r.ehlo_name, "localhost.");
  assert_non_null(
      strstr(only_problem(&r, SW_RULE_FIELD_EHLO_NAME), "fully qualified domain name"));
  set(&r.ehlo_name, "192.0.2.1");
  assert_string_equal(only_problem(&r, SW_RULE_FIELD_EHLO_NAME),
                      "EHLO name: an IPv4 address must be written in brackets, as an "
                      "address literal such as [192.0.2.1].");
  set(&r.ehlo_name, "2001:db8::1");
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_EHLO_NAME), "[IPv6:"));
  static const char *const bad_literals[] = {
      "[256.0.0.1]", "[IPv6:1::2::3]", "[2001:db8::1]",   "[IPv6:]",
      "[]",          "[192.0.2.1",     "[IPv6:192.0.2.1]"};
  for (size_t i = 0; i < sizeof bad_literals / sizeof bad_literals[0]; i++) {
    set(&r.ehlo_name, bad_literals[i]);
    assert_string_equal(only_problem(&r, SW_RULE_FIELD_EHLO_NAME),
                        "EHLO name is not a valid address literal: write [192.0.2.1] for "
                        "IPv4 or [IPv6:2001:db8::1] for IPv6.");
  }
  set(&r.ehlo_name, "probe_1.example.com");
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_EHLO_NAME), "not a valid DNS"));
  sw_rule_free(&r);
}

static void test_copy_and_set_string(void **state)
{
  (void)state;
  struct sw_rule a, b;
  make_valid(&a);
  a.id = 42;
  a.port = 587;
  set(&a.command, "NOOP");
  a.enabled = false;
  assert_int_equal(sw_rule_copy(&b, &a), SW_E_OK);
  assert_int_equal(b.id, 42);
  assert_int_equal(b.port, 587);
  assert_false(b.enabled);
  assert_string_equal(b.host, "mail.example.com");
  assert_string_equal(b.command, "NOOP");
  assert_null(b.expect);
  assert_ptr_not_equal(b.host, a.host); /* a deep copy: each frees its own */
  sw_rule_free(&a);
  assert_string_equal(b.name, "Main relay");

  /* Setting a field to (a pointer into) itself must not use freed memory. */
  set(&b.name, b.name);
  assert_string_equal(b.name, "Main relay");
  set(&b.name, b.name + 5);
  assert_string_equal(b.name, "relay");
  set(&b.name, NULL);
  assert_null(b.name);
  sw_rule_free(&b);
}

static void test_tls_settings(void **state)
{
  (void)state;
  struct sw_rule r;
  make_valid(&r);
  assert_int_equal(r.tls_mode, SW_TLS_NONE);
  assert_false(r.tls_insecure);
  assert_int_equal(r.cert_warn_days, 21);
  assert_int_equal(r.cert_crit_days, 7);
  for (int m = 0; m < SW_TLS_MODE_COUNT; m++) {
    r.tls_mode = (enum sw_tls_mode)m;
    assert_valid(&r);
  }
  r.tls_mode = SW_TLS_MODE_COUNT;
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_TLS_MODE), "require-starttls"));
  r.tls_mode = SW_TLS_IMPLICIT;

  r.cert_warn_days = 5; /* warning sooner than critical: never warns */
  assert_non_null(strstr(only_problem(&r, SW_RULE_FIELD_CERT_CRIT_DAYS), "7 days"));
  r.cert_warn_days = 7;
  assert_valid(&r);
  r.cert_warn_days = -1;
  only_problem(&r, SW_RULE_FIELD_CERT_WARN_DAYS);
  r.cert_warn_days = 21;
  r.cert_crit_days = 4000;
  only_problem(&r, SW_RULE_FIELD_CERT_CRIT_DAYS);
  r.cert_crit_days = 0;
  assert_valid(&r);

  const char *const names[] = {"none", "starttls", "require-starttls", "implicit"};
  for (int m = 0; m < SW_TLS_MODE_COUNT; m++) {
    enum sw_tls_mode back;
    assert_string_equal(sw_tls_mode_name((enum sw_tls_mode)m), names[m]);
    assert_true(sw_tls_mode_from_name(names[m], &back));
    assert_int_equal(back, m);
  }
  enum sw_tls_mode back;
  assert_false(sw_tls_mode_from_name("ssl", &back));
  sw_rule_free(&r);
}

static bool has(const char *text, const char *part)
{
  return strstr(text, part) != NULL;
}

static void test_auth_and_oauth_fields(void **state)
{
  (void)state;
  struct sw_rule r;
  make_valid(&r);
  set(&r.auth_user, "monitor@example.com");
  assert_true(has(only_problem(&r, SW_RULE_FIELD_AUTH_PASSWORD), "never shown back"));
  r.auth_password_set = true;
  r.auth_mech = SW_AUTH_MECH_CRAM_MD5;
  r.auth_plaintext = true;
  assert_valid(&r);
  set(&r.auth_user, "two\nlines");
  assert_true(has(only_problem(&r, SW_RULE_FIELD_AUTH_USER), "one line"));
  set(&r.auth_user, NULL);
  r.auth_password_set = false;
  struct sw_rule_problems p;
  assert_false(sw_rule_validate(&r, &p));
  assert_int_equal(p.count, 2); /* a mechanism and plain text, but no user */
  assert_true(has(sw_rule_problems_find(&p, SW_RULE_FIELD_AUTH_MECH), "no AUTH user"));
  assert_non_null(sw_rule_problems_find(&p, SW_RULE_FIELD_AUTH_PLAINTEXT));
  r.auth_mech = SW_AUTH_MECH_COUNT;
  r.auth_plaintext = false;
  assert_true(has(only_problem(&r, SW_RULE_FIELD_AUTH_MECH), "not one this version"));
  r.auth_mech = SW_AUTH_MECH_AUTO;

  /* XOAUTH2's client: the URL first, then what it needs. */
  set(&r.oauth_client_id, "client-1");
  assert_true(has(only_problem(&r, SW_RULE_FIELD_OAUTH_TOKEN_URL), "is required"));
  set(&r.oauth_token_url, "HTTPS://login.example.com/token");
  set(&r.auth_user, "monitor@example.com");
  r.oauth_client_secret_set = true;
  assert_true(has(only_problem(&r, SW_RULE_FIELD_AUTH_MECH), "XOAUTH2"));
  r.auth_mech = SW_AUTH_MECH_XOAUTH2;
  assert_valid(&r); /* no password needed: the token stands for it */
  set(&r.oauth_token_url, "http://login.example.com/token");
  assert_true(has(only_problem(&r, SW_RULE_FIELD_OAUTH_TOKEN_URL), "https://"));
  set(&r.oauth_token_url, "https://login.example.com/token");
  r.oauth_client_secret_set = false;
  assert_true(has(only_problem(&r, SW_RULE_FIELD_OAUTH_CLIENT_SECRET), "required"));
  sw_rule_free(&r);
}

static void test_round_trip_fields(void **state)
{
  (void)state;
  struct sw_rule r;
  make_valid(&r);
  sw_test_rule_round_trip(&r);
  assert_valid(&r);
  assert_int_equal(sw_rule_mailbox_port(&r), 1993);
  r.mailbox_port = 0;
  assert_int_equal(sw_rule_mailbox_port(&r), 143); /* IMAP with STARTTLS */
  r.round_trip = SW_ROUND_TRIP_POP3;
  r.mailbox_tls = SW_MAILBOX_TLS_MODE_IMPLICIT;
  assert_true(has(only_problem(&r, SW_RULE_FIELD_FOLDER), "IMAP only"));
  set(&r.folder, NULL);
  assert_int_equal(sw_rule_mailbox_port(&r), 995);
  assert_valid(&r);
  r.mailbox_port = 70000;
  assert_true(has(only_problem(&r, SW_RULE_FIELD_MAILBOX_PORT), "65535"));
  r.mailbox_port = 0;
  set(&r.mailbox_host, "");
  assert_true(
      has(only_problem(&r, SW_RULE_FIELD_MAILBOX_HOST), "Mailbox host is required"));
  set(&r.mailbox_host, "imap.example.com:993");
  assert_true(has(only_problem(&r, SW_RULE_FIELD_MAILBOX_HOST), "port"));
  set(&r.mailbox_host, "imap.example.com");
  r.mailbox_password_set = false;
  assert_true(has(only_problem(&r, SW_RULE_FIELD_MAILBOX_PASSWORD), "never shown back"));
  r.mailbox_password_set = true;
  set(&r.mailbox_user, "a\tb");
  assert_true(has(only_problem(&r, SW_RULE_FIELD_MAILBOX_USER), "one line"));
  set(&r.mailbox_user, "probe");
  set(&r.probe_to, "");
  assert_true(has(only_problem(&r, SW_RULE_FIELD_PROBE_TO), "required"));
  set(&r.probe_to, "not an address");
  assert_non_null(only_problem(&r, SW_RULE_FIELD_PROBE_TO));
  set(&r.probe_to, "probe@example.com");
  set(&r.probe_from, NULL);
  assert_valid(&r);
  assert_string_equal(sw_rule_probe_from(&r), "probe@example.com");
  r.deliver_within_s = 5;
  assert_true(has(only_problem(&r, SW_RULE_FIELD_DELIVER_WITHIN_S), "between 10 and"));
  r.deliver_within_s = 60;
  r.delivery_warn_ms = 30000;
  r.delivery_crit_ms = 20000;
  assert_true(has(only_problem(&r, SW_RULE_FIELD_DELIVERY_CRIT_MS), "not be less"));
  r.delivery_crit_ms = 61000;
  assert_true(has(only_problem(&r, SW_RULE_FIELD_DELIVERY_CRIT_MS), "Deliver within"));
  r.delivery_crit_ms = 0;
  assert_valid(&r);
  set(&r.rcpt_to, "a@example.com");
  set(&r.mail_from, "<>");
  assert_true(has(only_problem(&r, SW_RULE_FIELD_ROUND_TRIP), "MAIL FROM"));
  set(&r.rcpt_to, NULL);
  set(&r.mail_from, NULL);
  /* One probe to one host: not to a mail domain's MX hosts. */
  char *host = r.host;
  r.host = NULL;
  set(&r.domain, "example.com");
  assert_true(has(only_problem(&r, SW_RULE_FIELD_ROUND_TRIP), "mail domain"));
  set(&r.domain, NULL);
  r.host = host;
  r.round_trip = SW_ROUND_TRIP_COUNT;
  assert_true(has(only_problem(&r, SW_RULE_FIELD_ROUND_TRIP), "none, imap or pop3"));
  /* Off, the other fields wait unjudged. */
  r.round_trip = SW_ROUND_TRIP_NONE;
  set(&r.probe_to, "not an address");
  assert_valid(&r);
  sw_rule_free(&r);
}

static void test_envelope_and_relay_fields(void **state)
{
  (void)state;
  struct sw_rule r;
  make_valid(&r);
  set(&r.rcpt_to, "postmaster@example.com");
  assert_true(has(only_problem(&r, SW_RULE_FIELD_MAIL_FROM), "<> for the null sender"));
  set(&r.mail_from, "<>");
  assert_valid(&r);
  set(&r.rcpt_to, " a@example.com , b@example.com ");
  assert_valid(&r);
  set(&r.rcpt_to, "a@example.com,,b@example.com");
  assert_true(has(only_problem(&r, SW_RULE_FIELD_RCPT_TO), "none of them empty"));
  set(&r.rcpt_to, "a@example.com,not an address");
  assert_true(has(only_problem(&r, SW_RULE_FIELD_RCPT_TO), "recipient 2"));
  char many[SW_RULE_ADDRESS_LIST_MAX];
  many[0] = '\0';
  for (int i = 0; i <= SW_RULE_RCPT_MAX; i++)
    strcat(many, i ? ",r@example.com" : "r@example.com");
  set(&r.rcpt_to, many);
  assert_true(has(only_problem(&r, SW_RULE_FIELD_RCPT_TO), "1 to 16 addresses"));
  set(&r.rcpt_to, NULL);
  set(&r.mail_from, "monitor@example.com");
  assert_true(has(only_problem(&r, SW_RULE_FIELD_RCPT_TO), "open relay test"));
  r.relay_test = true;
  assert_valid(&r); /* MAIL FROM, then only the relay test's RCPT */
  set(&r.mail_from, "bad@");
  assert_non_null(only_problem(&r, SW_RULE_FIELD_MAIL_FROM));
  set(&r.mail_from, NULL);
  set(&r.command, "NOOP");
  assert_true(has(only_problem(&r, SW_RULE_FIELD_RELAY_TEST), "command"));
  set(&r.command, NULL);
  set(&r.auth_user, "monitor@example.com");
  r.auth_password_set = true;
  assert_true(has(only_problem(&r, SW_RULE_FIELD_RELAY_TEST), "without AUTH"));
  set(&r.auth_user, NULL);
  r.auth_password_set = false;
  set(&r.relay_test_rcpt, "x@relay.invalid");
  assert_valid(&r);
  r.relay_test = false;
  assert_true(has(only_problem(&r, SW_RULE_FIELD_RELAY_TEST_RCPT), "turn the test on"));
  set(&r.relay_test_rcpt, NULL);
  r.ip_family = SW_IP_FAMILY_COUNT;
  assert_true(has(only_problem(&r, SW_RULE_FIELD_IP_FAMILY), "any, 4 or 6"));
  sw_rule_free(&r);

  /* The split the engine uses. */
  char buf[SW_RULE_ADDRESS_LIST_MAX + 1];
  const char *to[SW_RULE_RCPT_MAX];
  size_t n;
  assert_true(sw_rule_split_recipients(" a@x.example ,b@x.example", buf, to, &n));
  assert_int_equal(n, 2);
  assert_string_equal(to[0], "a@x.example");
  assert_string_equal(to[1], "b@x.example");
  assert_false(sw_rule_split_recipients("a@x.example,", buf, to, &n));
  assert_false(sw_rule_split_recipients("", buf, to, &n));
}

static void test_ip_family_names(void **state)
{
  (void)state;
  const char *const names[] = {"any", "4", "6"};
  for (int f = 0; f < SW_IP_FAMILY_COUNT; f++) {
    enum sw_ip_family back;
    assert_string_equal(sw_ip_family_name((enum sw_ip_family)f), names[f]);
    assert_true(sw_ip_family_from_name(names[f], &back));
    assert_int_equal(back, f);
  }
  enum sw_ip_family back;
  assert_false(sw_ip_family_from_name("ipv4", &back));
  assert_string_equal(sw_ip_family_name(SW_IP_FAMILY_COUNT), "unknown");
}

static void test_field_names(void **state)
{
  (void)state;
  const char *const names[] = {"name",
                               "host",
                               "port",
                               "command",
                               "expect",
                               "timeout_ms",
                               "ehlo_name",
                               "interval_s",
                               "enabled",
                               "tls_mode",
                               "tls_insecure",
                               "cert_warn_days",
                               "cert_crit_days",
                               "auth_user",
                               "auth_password",
                               "auth_mech",
                               "auth_plaintext",
                               "oauth_token_url",
                               "oauth_client_id",
                               "oauth_client_secret",
                               "oauth_scope",
                               "mail_from",
                               "rcpt_to",
                               "relay_test",
                               "relay_test_rcpt",
                               "ip_family",
                               "all_addresses",
                               "check_ptr",
                               "drift",
                               "domain",
                               "min_ok",
                               "mta_sts",
                               "dane",
                               "dns_server",
                               "round_trip",
                               "mailbox_host",
                               "mailbox_port",
                               "mailbox_tls",
                               "mailbox_user",
                               "mailbox_password",
                               "folder",
                               "probe_to",
                               "probe_from",
                               "deliver_within_s",
                               "delivery_warn_ms",
                               "delivery_crit_ms"};
  assert_int_equal(SW_RULE_FIELD_COUNT, SW_COUNTOF(names));
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++) {
    assert_string_equal(sw_rule_field_name((enum sw_rule_field)f), names[f]);
    enum sw_rule_field back;
    assert_true(sw_rule_field_from_name(names[f], &back));
    assert_int_equal(back, f);
  }
  enum sw_rule_field back;
  assert_false(sw_rule_field_from_name("timeout", &back));
  assert_string_equal(sw_rule_field_name(SW_RULE_FIELD_COUNT), "unknown");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_every_problem_at_once),
      cmocka_unit_test(test_name),
      cmocka_unit_test(test_host),
      cmocka_unit_test(test_command),
      cmocka_unit_test(test_expect),
      cmocka_unit_test(test_numeric_ranges),
      cmocka_unit_test(test_ehlo_name),
      cmocka_unit_test(test_copy_and_set_string),
      cmocka_unit_test(test_tls_settings),
      cmocka_unit_test(test_auth_and_oauth_fields),
      cmocka_unit_test(test_envelope_and_relay_fields),
      cmocka_unit_test(test_round_trip_fields),
      cmocka_unit_test(test_ip_family_names),
      cmocka_unit_test(test_field_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
