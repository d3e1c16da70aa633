/* `smtpwatch check` arguments: what each option sets, both value syntaxes,
 * and the sentences a user sees for every kind of mistake. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "check_args.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct parsed {
  struct sw_check_args args;
  struct sw_buf errors;
  enum sw_error err;
};

static void parse(struct parsed *p, int argc, char **argv)
{
  sw_buf_init(&p->errors, 0);
  p->err = sw_check_args_parse(&p->args, argc, argv, false, &p->errors);
}

static void done(struct parsed *p)
{
  sw_check_args_free(&p->args);
  sw_buf_free(&p->errors);
}

/* Parses argv, which must fail, and returns the error text. */
static const char *errors_of(struct parsed *p, int argc, char **argv)
{
  parse(p, argc, argv);
  assert_int_equal(p->err, SW_E_INVALID_ARGUMENT);
  return sw_buf_str(&p->errors);
}

static void parses_ok(struct parsed *p, int argc, char **argv)
{
  parse(p, argc, argv);
  if (p->err)
    fail_msg("unexpected errors: %s", sw_buf_str(&p->errors));
  assert_int_equal(p->errors.len, 0);
}

static void test_host_only(void **state)
{
  (void)state;
  char *argv[] = {"check", "mail.example.com"};
  struct parsed p;
  parses_ok(&p, ARGC(argv), argv);
  const struct sw_check_args *a = &p.args;
  assert_string_equal(a->rule.host, "mail.example.com");
  assert_string_equal(a->rule.name, "mail.example.com");
  assert_int_equal(a->rule.port, 25);
  assert_int_equal(a->rule.timeout_ms, 7000);
  assert_null(a->rule.command);
  assert_null(a->rule.expect);
  assert_null(a->rule.ehlo_name);
  assert_int_equal(a->warn_ms, -1);
  assert_int_equal(a->crit_ms, -1);
  assert_false(a->json);
  assert_false(a->verbose);
  assert_false(a->help);
  done(&p);
}

static void test_long_options_both_syntaxes(void **state)
{
  (void)state;
  char *argv[] = {"check",
                  "--port",
                  "587",
                  "--send=NOOP",
                  "--expect",
                  "2.0.0 Ok",
                  "--timeout-ms=2500",
                  "--helo",
                  "probe.example.com",
                  "--warn-ms",
                  "800",
                  "--crit-ms=1500",
                  "--json",
                  "--verbose",
                  "192.0.2.25"};
  struct parsed p;
  parses_ok(&p, ARGC(argv), argv);
  const struct sw_check_args *a = &p.args;
  assert_string_equal(a->rule.host, "192.0.2.25");
  assert_int_equal(a->rule.port, 587);
  assert_string_equal(a->rule.command, "NOOP");
  assert_string_equal(a->rule.expect, "2.0.0 Ok");
  assert_int_equal(a->rule.timeout_ms, 2500);
  assert_string_equal(a->rule.ehlo_name, "probe.example.com");
  assert_int_equal(a->warn_ms, 800);
  assert_int_equal(a->crit_ms, 1500);
  assert_true(a->json);
  assert_true(a->verbose);
  done(&p);
}

static void test_short_options(void **state)
{
  (void)state;
  char *argv[] = {"check", "-H",  "::1", "-p",  "2525", "-sNOOP",
                  "-e",    "250", "-t",  "900", "-v"};
  struct parsed p;
  parses_ok(&p, ARGC(argv), argv);
  assert_string_equal(p.args.rule.host, "::1");
  assert_int_equal(p.args.rule.port, 2525);
  assert_string_equal(p.args.rule.command, "NOOP");
  assert_string_equal(p.args.rule.expect, "250");
  assert_int_equal(p.args.rule.timeout_ms, 900);
  assert_true(p.args.verbose);
  done(&p);
}

static void test_values_that_look_like_options(void **state)
{
  (void)state;
  /* A value is the next word whatever it looks like; "--opt=" gives "". */
  char *argv[] = {"check",   "[::1]",     "--expect", "-ERR", "--send=",
                  "--helo=", "--port=25", "--port",   "2526"};
  struct parsed p;
  parses_ok(&p, ARGC(argv), argv);
  assert_string_equal(p.args.rule.host, "[::1]");
  assert_string_equal(p.args.rule.expect, "-ERR");
  assert_string_equal(p.args.rule.command, "");
  assert_string_equal(p.args.rule.ehlo_name, "");
  assert_int_equal(p.args.rule.port, 2526); /* the last one wins */
  done(&p);

  char *argv2[] = {"check", "--json", "--", "mail.example.com"};
  parses_ok(&p, ARGC(argv2), argv2);
  assert_string_equal(p.args.rule.host, "mail.example.com");
  assert_true(p.args.json);
  done(&p);

  /* After "--" even an option's spelling is HOST (and not a valid one). */
  char *argv3[] = {"check", "--", "--json"};
  assert_non_null(strstr(errors_of(&p, ARGC(argv3), argv3), "HOST: Host is not"));
  assert_false(p.args.json);
  done(&p);
}

static void test_bad_port(void **state)
{
  (void)state;
  static const char *const bad[] = {"70000", "0", "abc", "-1",
                                    "25x",   "",  " 25", "99999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char *argv[] = {"check", "mail.example.com", "--port", (char *)bad[i]};
    struct parsed p;
    char want[128];
    snprintf(want, sizeof want, "--port: '%s' is not a port number (1-65535).", bad[i]);
    assert_string_equal(errors_of(&p, ARGC(argv), argv), want);
    done(&p);
  }
}

static void test_mistakes_in_words(void **state)
{
  (void)state;
  struct parsed p;
  char *missing_value[] = {"check", "mail.example.com", "--timeout-ms"};
  assert_string_equal(errors_of(&p, ARGC(missing_value), missing_value),
                      "--timeout-ms needs a value.");
  done(&p);

  char *short_missing[] = {"check", "mail.example.com", "-p"};
  assert_string_equal(errors_of(&p, ARGC(short_missing), short_missing),
                      "--port needs a value.");
  done(&p);

  char *unknown[] = {"check", "mail.example.com", "--tls-mode"};
  assert_string_equal(errors_of(&p, ARGC(unknown), unknown),
                      "Unknown option '--tls-mode'.");
  done(&p);

  char *unknown_short[] = {"check", "mail.example.com", "-x"};
  assert_string_equal(errors_of(&p, ARGC(unknown_short), unknown_short),
                      "Unknown option '-x'.");
  done(&p);

  char *flag_value[] = {"check", "mail.example.com", "--json=yes"};
  assert_string_equal(errors_of(&p, ARGC(flag_value), flag_value),
                      "--json does not take a value.");
  done(&p);

  char *no_host[] = {"check", "--json"};
  assert_string_equal(errors_of(&p, ARGC(no_host), no_host),
                      "HOST is missing: name the SMTP server to check, as in 'smtpwatch "
                      "check mail.example.com' (or a mail domain: --domain "
                      "example.com).");
  done(&p);

  char *two_hosts[] = {"check", "a.example", "-H", "b.example"};
  assert_string_equal(errors_of(&p, ARGC(two_hosts), two_hosts),
                      "Only one HOST may be given, but 'b.example' follows 'a.example'.");
  done(&p);

  char *timeout_word[] = {"check", "mail.example.com", "--timeout-ms", "7s"};
  assert_string_equal(errors_of(&p, ARGC(timeout_word), timeout_word),
                      "--timeout-ms: '7s' is not a number of milliseconds.");
  done(&p);

  /* A control character in an argument is shown, not printed raw. */
  char *ctl[] = {"check", "mail.example.com", "--port", "2\x1b[1m5"};
  assert_string_equal(errors_of(&p, ARGC(ctl), ctl),
                      "--port: '2?[1m5' is not a port number (1-65535).");
  done(&p);
}

static void test_thresholds(void **state)
{
  (void)state;
  struct parsed p;
  char *ok[] = {"check", "mail.example.com", "--warn-ms", "0", "--crit-ms", "0"};
  parses_ok(&p, ARGC(ok), ok);
  assert_int_equal(p.args.warn_ms, 0);
  assert_int_equal(p.args.crit_ms, 0);
  done(&p);

  char *only_crit[] = {"check", "mail.example.com", "--crit-ms=300000"};
  parses_ok(&p, ARGC(only_crit), only_crit);
  assert_int_equal(p.args.warn_ms, -1);
  assert_int_equal(p.args.crit_ms, 300000);
  done(&p);

  char *inverted[] = {"check", "mail.example.com", "--warn-ms",
                      "5000",  "--crit-ms",        "2000"};
  assert_string_equal(errors_of(&p, ARGC(inverted), inverted),
                      "--warn-ms (5000) must not be greater than --crit-ms (2000).");
  done(&p);

  char *huge[] = {"check", "mail.example.com", "--warn-ms", "300001"};
  assert_string_equal(errors_of(&p, ARGC(huge), huge),
                      "--warn-ms: '300001' is out of range: use 0 to 300000 ms.");
  done(&p);

  char *word[] = {"check", "mail.example.com", "--crit-ms", "1.5"};
  assert_string_equal(errors_of(&p, ARGC(word), word),
                      "--crit-ms: '1.5' is not a number of milliseconds.");
  done(&p);
}

/* --round-trip: the mailbox options, the password from a file, and
 * --warn-ms/--crit-ms as the delivery time's thresholds. */
static void test_round_trip_options(void **state)
{
  (void)state;
  struct parsed p;
  char *ok[] = {"check",
                "mail.example.com",
                "--round-trip",
                "pop3",
                "--mailbox-host",
                "pop.example.com",
                "--mailbox-tls",
                "starttls",
                "--mailbox-user",
                "probe",
                "--mailbox-password-file",
                "pw.txt",
                "--probe-to",
                "probe@example.com",
                "--deliver-within-s",
                "60",
                "--warn-ms",
                "20000",
                "--crit-ms",
                "40000"};
  parses_ok(&p, ARGC(ok), ok);
  const struct sw_rule *r = &p.args.rule;
  assert_int_equal(r->round_trip, SW_ROUND_TRIP_POP3);
  assert_string_equal(r->mailbox_host, "pop.example.com");
  assert_int_equal(r->mailbox_tls, SW_MAILBOX_TLS_MODE_STARTTLS);
  assert_int_equal(sw_rule_mailbox_port(r), 110);
  assert_true(r->mailbox_password_set);
  assert_string_equal(p.args.mailbox_password_file, "pw.txt");
  assert_int_equal(r->deliver_within_s, 60);
  assert_int_equal(r->delivery_warn_ms, 20000);
  assert_int_equal(r->delivery_crit_ms, 40000);
  done(&p);

  /* The thresholds are held against the deadline, under their own names. */
  char *late[] = {"check",
                  "mail.example.com",
                  "--round-trip=imap",
                  "--mailbox-host=imap.example.com",
                  "--mailbox-user=probe",
                  "--mailbox-password-file=pw.txt",
                  "--probe-to=probe@example.com",
                  "--deliver-within-s=10",
                  "--crit-ms=20000"};
  assert_non_null(
      strstr(errors_of(&p, ARGC(late), late),
             "--crit-ms: Delivery critical (20000 ms) must not be longer than "
             "Deliver within (10 s)"));
  done(&p);

  char *missing[] = {"check", "mail.example.com", "--round-trip", "imap"};
  const char *e = errors_of(&p, ARGC(missing), missing);
  assert_non_null(strstr(e, "--mailbox-host: Mailbox host is required"));
  assert_non_null(strstr(e, "--mailbox-password-file: Mailbox password is required"));
  assert_non_null(strstr(e, "--probe-to: Probe recipient is required"));
  done(&p);

  char *bad[] = {"check", "mail.example.com", "--round-trip", "smtp"};
  assert_non_null(strstr(errors_of(&p, ARGC(bad), bad),
                         "--round-trip: 'smtp' is not a mailbox protocol: use imap or "
                         "pop3."));
  done(&p);
}

static void test_validation_names_the_option(void **state)
{
  (void)state;
  struct parsed p;
  char *argv[] = {"check",  "256.1.1.1", "--timeout-ms", "50", "--send",   "NOOP\r\nQUIT",
                  "--helo", "localhost", "--port",       "0",  "--expect", "a\nb"};
  const char *e = errors_of(&p, ARGC(argv), argv);
  /* One line per problem, parse errors first, then the rule's problems in
   * field order, each prefixed with the words the user typed. */
  assert_string_equal(
      e, "--port: '0' is not a port number (1-65535).\n"
         "HOST: Host is not a valid IPv4 address: use four numbers from 0 to 255 "
         "separated by dots, without leading zeros, such as 192.0.2.1.\n"
         "--send: Command must be a single line: it contains a line break (CR or LF). "
         "Enter one SMTP command; the line ending is added when it is sent.\n"
         "--expect: Expected text must be on one line: it must not contain a line "
         "break (CR or LF).\n"
         "--timeout-ms: Timeout must be between 100 and 300000 ms; 7000 ms is "
         "recommended.\n"
         "--helo: EHLO name must be a fully qualified domain name such as "
         "mail.example.com: servers that check it reject single names like "
         "'localhost'. Leave it empty to use this machine's name.");
  done(&p);

  /* A huge timeout is reported as out of range, not wrapped around. */
  char *huge[] = {"check", "mail.example.com", "-t", "4294967296000"};
  assert_string_equal(errors_of(&p, ARGC(huge), huge),
                      "--timeout-ms: Timeout must be between 100 and 300000 ms; 7000 ms "
                      "is recommended.");
  done(&p);
}

static void test_long_host_is_not_a_name_problem(void **state)
{
  (void)state;
  /* The rule's name (at most 100 characters) is a copy of HOST here: a valid
   * 200-character host must not fail because of it. */
  char host[256];
  memset(host, 'a', 200);
  for (int i = 40; i < 200; i += 40)
    host[i] = '.';
  strcpy(host + 200, ".example");
  char *argv[] = {"check", host};
  struct parsed p;
  parses_ok(&p, ARGC(argv), argv);
  assert_string_equal(p.args.rule.host, host);
  done(&p);
}

static void test_help(void **state)
{
  (void)state;
  struct parsed p;
  /* --help wins over everything else, including missing or bad arguments. */
  char *argv[] = {"check", "--port", "x", "--help"};
  parses_ok(&p, ARGC(argv), argv);
  assert_true(p.args.help);
  done(&p);
  char *argv2[] = {"check", "-h"};
  parses_ok(&p, ARGC(argv2), argv2);
  assert_true(p.args.help);
  done(&p);
  /* ... but not when it is the value of another option. */
  char *argv3[] = {"check", "mail.example.com", "--expect", "--help"};
  parses_ok(&p, ARGC(argv3), argv3);
  assert_false(p.args.help);
  assert_string_equal(p.args.rule.expect, "--help");
  done(&p);
}

static void test_usage_documents_every_option(void **state)
{
  (void)state;
  const char *u = sw_check_args_usage();
  assert_non_null(strstr(u, "Usage: smtpwatch check HOST"));
  static const char *const words[] = {"--port",
                                      "--send",
                                      "--expect",
                                      "--timeout-ms",
                                      "--helo",
                                      "--warn-ms",
                                      "--crit-ms",
                                      "--json",
                                      "--verbose",
                                      "--host",
                                      "--help",
                                      "-p,",
                                      "-s,",
                                      "-e,",
                                      "-t,",
                                      "-v,",
                                      "-H,",
                                      "-h,",
                                      "--tls",
                                      "--insecure",
                                      "--cert-warn-days",
                                      "--cert-crit-days",
                                      "implicit",
                                      "require-starttls"};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (!strstr(u, words[i]))
      fail_msg("usage does not mention %s", words[i]);
  /* Lines fit an 80-column console (a full 80 would wrap to a blank line). */
  for (const char *line = u; *line;) {
    const char *nl = strchr(line, '\n');
    assert_non_null(nl);
    assert_true(nl - line < 80);
    line = nl + 1;
  }
}

static void test_tls_options(void **state)
{
  (void)state;
  struct parsed p;
  /* Off by default, with the rule's day thresholds. */
  char *plain[] = {"check", "mail.example.com"};
  parses_ok(&p, ARGC(plain), plain);
  assert_int_equal(p.args.rule.tls_mode, SW_TLS_NONE);
  assert_false(p.args.rule.tls_insecure);
  assert_int_equal(p.args.rule.cert_warn_days, 21);
  assert_int_equal(p.args.rule.cert_crit_days, 7);
  done(&p);

  const char *modes[] = {"none", "starttls", "require-starttls", "implicit"};
  for (int m = 0; m < 4; m++) {
    char value[32];
    snprintf(value, sizeof value, "--tls=%s", modes[m]);
    char *argv[] = {"check", "mail.example.com", "--port", "587", value};
    parses_ok(&p, ARGC(argv), argv);
    assert_int_equal(p.args.rule.tls_mode, (enum sw_tls_mode)m);
    done(&p);
  }

  char *all[] = {"check",      "mail.example.com", "--tls", "starttls",
                 "--insecure", "--cert-warn-days", "30",    "--cert-crit-days=10"};
  parses_ok(&p, ARGC(all), all);
  assert_int_equal(p.args.rule.tls_mode, SW_TLS_STARTTLS);
  assert_true(p.args.rule.tls_insecure);
  assert_int_equal(p.args.rule.cert_warn_days, 30);
  assert_int_equal(p.args.rule.cert_crit_days, 10);
  done(&p);

  /* RFC 8314: port 465 is implicit TLS, unless --tls says otherwise. */
  char *smtps[] = {"check", "mail.example.com", "-p", "465"};
  parses_ok(&p, ARGC(smtps), smtps);
  assert_int_equal(p.args.rule.tls_mode, SW_TLS_IMPLICIT);
  done(&p);
  char *smtps_plain[] = {"check", "mail.example.com", "-p", "465", "--tls", "none"};
  parses_ok(&p, ARGC(smtps_plain), smtps_plain);
  assert_int_equal(p.args.rule.tls_mode, SW_TLS_NONE);
  done(&p);
  char *smtps_insecure[] = {"check", "mail.example.com", "-p", "465", "--insecure"};
  parses_ok(&p, ARGC(smtps_insecure), smtps_insecure);
  assert_int_equal(p.args.rule.tls_mode, SW_TLS_IMPLICIT);
  assert_true(p.args.rule.tls_insecure);
  done(&p);
}

static void test_tls_mistakes(void **state)
{
  (void)state;
  struct parsed p;
  char *bad_mode[] = {"check", "mail.example.com", "--tls", "ssl"};
  assert_string_equal(errors_of(&p, ARGC(bad_mode), bad_mode),
                      "--tls: 'ssl' is not a TLS mode: use none, starttls, "
                      "require-starttls or implicit.");
  done(&p);

  /* Certificate options without TLS: the user thinks a certificate is looked at. */
  char *insecure_plain[] = {"check", "mail.example.com", "--insecure"};
  assert_string_equal(errors_of(&p, ARGC(insecure_plain), insecure_plain),
                      "--insecure is about the server's certificate, but TLS is off: add "
                      "--tls starttls, require-starttls or implicit.");
  done(&p);
  char *days_plain[] = {"check", "mail.example.com", "--tls",
                        "none",  "--cert-warn-days", "30"};
  assert_non_null(strstr(errors_of(&p, ARGC(days_plain), days_plain),
                         "--cert-warn-days is about the server's certificate"));
  done(&p);

  char *days_word[] = {"check",    "mail.example.com", "--tls",
                       "implicit", "--cert-crit-days", "week"};
  assert_string_equal(errors_of(&p, ARGC(days_word), days_word),
                      "--cert-crit-days: 'week' is not a number of days.");
  done(&p);

  /* The ranges and their order are the validator's, named by option. */
  char *too_many[] = {"check",    "mail.example.com", "--tls",
                      "implicit", "--cert-warn-days", "99999"};
  assert_non_null(strstr(errors_of(&p, ARGC(too_many), too_many),
                         "--cert-warn-days: Certificate warning must be between 0 and"));
  done(&p);
  char *inverted[] = {
      "check", "mail.example.com", "--tls", "implicit", "--cert-warn-days",
      "5",     "--cert-crit-days", "10"};
  assert_non_null(strstr(errors_of(&p, ARGC(inverted), inverted),
                         "--cert-crit-days: Certificate critical (10 days) must not be "
                         "more than the warning (5 days)"));
  done(&p);
}

static void test_errors_are_appended(void **state)
{
  (void)state;
  /* The caller's buffer keeps what it had: the CLI may prefix its own text. */
  char *argv[] = {"check"};
  struct sw_check_args a;
  struct sw_buf errors;
  sw_buf_init(&errors, 0);
  sw_buf_appends(&errors, "smtpwatch: ");
  assert_int_equal(sw_check_args_parse(&a, ARGC(argv), argv, false, &errors),
                   SW_E_INVALID_ARGUMENT);
  assert_memory_equal(sw_buf_str(&errors), "smtpwatch: HOST is missing", 26);
  sw_check_args_free(&a);
  sw_buf_free(&errors);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_host_only),
      cmocka_unit_test(test_long_options_both_syntaxes),
      cmocka_unit_test(test_short_options),
      cmocka_unit_test(test_values_that_look_like_options),
      cmocka_unit_test(test_bad_port),
      cmocka_unit_test(test_mistakes_in_words),
      cmocka_unit_test(test_thresholds),
      cmocka_unit_test(test_validation_names_the_option),
      cmocka_unit_test(test_long_host_is_not_a_name_problem),
      cmocka_unit_test(test_help),
      cmocka_unit_test(test_usage_documents_every_option),
      cmocka_unit_test(test_errors_are_appended),
      cmocka_unit_test(test_tls_options),
      cmocka_unit_test(test_tls_mistakes),
      cmocka_unit_test(test_round_trip_options),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
