/* The rule dialog's form model: texts to a rule and back, the sentences a
 * user reads beside a field (the form's own for a text that is no number,
 * the shared validator's for the rest, one per field in form order), the
 * port that follows the TLS mode, the service's RULE_INVALID problems, and
 * the question asked when someone else saved the rule first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pipe_protocol.h"
#include "rule_form.h"

/* A form for a valid new rule: the defaults plus a name and a host. */
static void make_form(struct sw_rule_form *f)
{
  struct sw_rule r;
  sw_rule_init_defaults(&r);
  sw_rule_form_init(f);
  assert_int_equal(sw_rule_form_from_rule(f, &r), SW_E_OK);
  assert_int_equal(sw_rule_form_set_text(f, SW_RULE_FIELD_NAME, "Main relay"), SW_E_OK);
  assert_int_equal(sw_rule_form_set_text(f, SW_RULE_FIELD_HOST, "mail.example.com"),
                   SW_E_OK);
}

static void set(struct sw_rule_form *f, enum sw_rule_field field, const char *text)
{
  assert_int_equal(sw_rule_form_set_text(f, field, text), SW_E_OK);
}

/* The form's rule and its problems; the rule is freed here. */
static void problems_of(const struct sw_rule_form *f, struct sw_rule_problems *p)
{
  struct sw_rule r;
  assert_int_equal(sw_rule_form_to_rule(f, 0, &r, p), SW_E_OK);
  sw_rule_free(&r);
}

/* The one problem of a form that has exactly one. */
static const char *only_problem(const struct sw_rule_form *f, enum sw_rule_field field)
{
  static struct sw_rule_problems p;
  problems_of(f, &p);
  if (p.count != 1)
    fail_msg("expected one problem, got %zu (first: %s)", p.count,
             p.count ? p.items[0].message : "none");
  assert_int_equal(p.items[0].field, field);
  return p.items[0].message;
}

static void test_new_rule_form_shows_the_defaults(void **state)
{
  (void)state;
  struct sw_rule_form f;
  make_form(&f);
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_PORT), "25");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_TIMEOUT_MS), "7000");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_INTERVAL_S), "60");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_CERT_WARN_DAYS), "21");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_CERT_CRIT_DAYS), "7");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_EHLO_NAME), "");
  assert_true(f.enabled);
  assert_false(f.tls_insecure);
  assert_int_equal(f.tls_mode, SW_TLS_NONE);
  /* Not a text: never NULL, always "". */
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_ENABLED), "");
  assert_int_equal(sw_rule_form_set_text(&f, SW_RULE_FIELD_TLS_MODE, "implicit"),
                   SW_E_INVALID_ARGUMENT);

  struct sw_rule r;
  struct sw_rule_problems p;
  assert_int_equal(sw_rule_form_to_rule(&f, 0, &r, &p), SW_E_OK);
  assert_int_equal(p.count, 0);
  assert_int_equal(r.port, 25);
  assert_int_equal(r.timeout_ms, 7000);
  assert_null(r.ehlo_name); /* blank: this computer's name */
  sw_rule_free(&r);
  sw_rule_form_free(&f);
}

static void test_rule_round_trips_through_the_form(void **state)
{
  (void)state;
  struct sw_rule in;
  sw_rule_init_defaults(&in);
  in.id = 42;
  sw_rule_set_string(&in.name, "Relais Z\xc3\xbcrich \xe2\x9c\x89"); /* Zürich ✉ */
  sw_rule_set_string(&in.host, "2001:db8::25");
  in.port = 587;
  sw_rule_set_string(&in.command, "NOOP");
  sw_rule_set_string(&in.expect, "250 ");
  in.timeout_ms = 12000;
  sw_rule_set_string(&in.ehlo_name, "probe.example.net");
  in.interval_s = 300;
  in.enabled = false;
  in.tls_mode = SW_TLS_REQUIRE_STARTTLS;
  in.tls_insecure = true;
  in.cert_warn_days = 30;
  in.cert_crit_days = 10;

  struct sw_rule_form f;
  sw_rule_form_init(&f);
  assert_int_equal(sw_rule_form_from_rule(&f, &in), SW_E_OK);
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_NAME),
                      "Relais Z\xc3\xbcrich \xe2\x9c\x89");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_PORT), "587");

  struct sw_rule out;
  struct sw_rule_problems p;
  assert_int_equal(sw_rule_form_to_rule(&f, 42, &out, &p), SW_E_OK);
  assert_int_equal(p.count, 0);
  assert_int_equal(out.id, 42);
  assert_int_equal(sw_rule_diff(&in, &out), 0);
  sw_rule_free(&out);
  sw_rule_free(&in);
  sw_rule_form_free(&f);
}

static void test_blanks_around_names_and_numbers_are_slips(void **state)
{
  (void)state;
  struct sw_rule_form f;
  make_form(&f);
  set(&f, SW_RULE_FIELD_NAME, "  Main relay\t");
  set(&f, SW_RULE_FIELD_HOST, " mail.example.com ");
  set(&f, SW_RULE_FIELD_PORT, " 2525 ");
  set(&f, SW_RULE_FIELD_TIMEOUT_MS, "5000 ");
  set(&f, SW_RULE_FIELD_COMMAND, "NOOP "); /* sent as typed */
  set(&f, SW_RULE_FIELD_EHLO_NAME, "   ");
  struct sw_rule r;
  struct sw_rule_problems p;
  assert_int_equal(sw_rule_form_to_rule(&f, 0, &r, &p), SW_E_OK);
  assert_int_equal(p.count, 0);
  assert_string_equal(r.name, "Main relay");
  assert_string_equal(r.host, "mail.example.com");
  assert_int_equal(r.port, 2525);
  assert_int_equal(r.timeout_ms, 5000);
  assert_string_equal(r.command, "NOOP ");
  assert_null(r.ehlo_name);
  sw_rule_free(&r);
  sw_rule_form_free(&f);
}

static void test_port_that_is_no_port_is_named(void **state)
{
  (void)state;
  struct sw_rule_form f;
  make_form(&f);
  set(&f, SW_RULE_FIELD_PORT, "abc");
  assert_string_equal(only_problem(&f, SW_RULE_FIELD_PORT),
                      "Port must be a number between 1 and 65535; 'abc' is not.");
  set(&f, SW_RULE_FIELD_PORT, "70000");
  assert_string_equal(only_problem(&f, SW_RULE_FIELD_PORT),
                      "Port must be between 1 and 65535.");
  set(&f, SW_RULE_FIELD_PORT, "99999999999999999999999");
  assert_string_equal(only_problem(&f, SW_RULE_FIELD_PORT),
                      "Port must be between 1 and 65535.");
  set(&f, SW_RULE_FIELD_PORT, "-25");
  assert_non_null(strstr(only_problem(&f, SW_RULE_FIELD_PORT), "'-25' is not"));
  set(&f, SW_RULE_FIELD_PORT, "");
  assert_non_null(strstr(only_problem(&f, SW_RULE_FIELD_PORT), "Port is required"));
  /* 0 fits the rule: the validator says it, in the same words. */
  set(&f, SW_RULE_FIELD_PORT, "0");
  assert_string_equal(only_problem(&f, SW_RULE_FIELD_PORT),
                      "Port must be between 1 and 65535.");
  sw_rule_form_free(&f);
}

static void test_timeout_and_interval_that_are_no_numbers(void **state)
{
  (void)state;
  struct sw_rule_form f;
  make_form(&f);
  set(&f, SW_RULE_FIELD_TIMEOUT_MS, "7s");
  assert_string_equal(only_problem(&f, SW_RULE_FIELD_TIMEOUT_MS),
                      "Timeout must be a whole number of milliseconds, such as 7000; "
                      "'7s' is not.");
  /* In range or not is the validator's to say, also for huge numbers,
   * which must not wrap around into a valid timeout. */
  set(&f, SW_RULE_FIELD_TIMEOUT_MS, "50");
  assert_non_null(strstr(only_problem(&f, SW_RULE_FIELD_TIMEOUT_MS),
                         "Timeout must be between 100 and 300000 ms"));
  set(&f, SW_RULE_FIELD_TIMEOUT_MS, "4294967396"); /* 2^32 + 100 */
  assert_non_null(strstr(only_problem(&f, SW_RULE_FIELD_TIMEOUT_MS),
                         "Timeout must be between 100 and 300000 ms"));
  set(&f, SW_RULE_FIELD_TIMEOUT_MS, "7000");
  set(&f, SW_RULE_FIELD_INTERVAL_S, "1.5");
  assert_string_equal(only_problem(&f, SW_RULE_FIELD_INTERVAL_S),
                      "Interval must be a whole number of seconds, such as 60; '1.5' is "
                      "not.");
  set(&f, SW_RULE_FIELD_INTERVAL_S, " ");
  assert_string_equal(only_problem(&f, SW_RULE_FIELD_INTERVAL_S),
                      "Interval is required: enter a number of seconds between 10 and "
                      "86400 (one day), such as 60.");
  sw_rule_form_free(&f);
}

static void test_certificate_days(void **state)
{
  (void)state;
  struct sw_rule_form f;
  make_form(&f);
  set(&f, SW_RULE_FIELD_CERT_WARN_DAYS, "three weeks");
  assert_non_null(
      strstr(only_problem(&f, SW_RULE_FIELD_CERT_WARN_DAYS),
             "Certificate warning must be a whole number of days, such as 21; "
             "'three weeks' is not."));
  set(&f, SW_RULE_FIELD_CERT_WARN_DAYS, "99999");
  assert_string_equal(only_problem(&f, SW_RULE_FIELD_CERT_WARN_DAYS),
                      "Certificate warning must be between 0 and 3650 days.");
  set(&f, SW_RULE_FIELD_CERT_WARN_DAYS, "5");
  /* Critical above warning: the validator's cross-field rule. */
  assert_non_null(strstr(only_problem(&f, SW_RULE_FIELD_CERT_CRIT_DAYS),
                         "must not be more than the warning"));
  sw_rule_form_free(&f);
}

static void test_every_problem_once_in_form_order(void **state)
{
  (void)state;
  struct sw_rule_form f;
  make_form(&f);
  set(&f, SW_RULE_FIELD_CERT_CRIT_DAYS, "x");
  set(&f, SW_RULE_FIELD_TIMEOUT_MS, "7s");
  set(&f, SW_RULE_FIELD_PORT, "abc");
  set(&f, SW_RULE_FIELD_HOST, "mail.example.com:25");
  set(&f, SW_RULE_FIELD_NAME, "");
  set(&f, SW_RULE_FIELD_EHLO_NAME, "localhost");
  struct sw_rule_problems p;
  problems_of(&f, &p);
  assert_int_equal(p.count, 6);
  enum sw_rule_field want[] = {SW_RULE_FIELD_NAME,      SW_RULE_FIELD_HOST,
                               SW_RULE_FIELD_PORT,      SW_RULE_FIELD_TIMEOUT_MS,
                               SW_RULE_FIELD_EHLO_NAME, SW_RULE_FIELD_CERT_CRIT_DAYS};
  for (size_t i = 0; i < p.count; i++)
    assert_int_equal(p.items[i].field, want[i]);
  assert_non_null(strstr(p.items[0].message, "Name is required"));
  assert_non_null(strstr(p.items[1].message, "must not include a port number"));
  /* The form's words, not the validator's about the default put in its
   * place. */
  assert_non_null(strstr(p.items[2].message, "'abc' is not"));
  assert_non_null(strstr(p.items[3].message, "'7s' is not"));
  assert_non_null(strstr(p.items[4].message, "fully qualified"));
  assert_non_null(strstr(p.items[5].message, "'x' is not"));
  sw_rule_form_free(&f);
}

static void test_quoted_text_is_short_and_printable(void **state)
{
  (void)state;
  struct sw_rule_form f;
  make_form(&f);
  set(&f, SW_RULE_FIELD_PORT, "25\x1b[31m and a very long paste that goes on and on");
  const char *m = only_problem(&f, SW_RULE_FIELD_PORT);
  assert_non_null(strstr(m, "'25?[31m and a very l...' is not."));
  for (const char *c = m; *c; c++)
    assert_true((unsigned char)*c >= 0x20);
  /* Cut at a character, not inside one: 25 two-byte characters. */
  char many[64] = "";
  for (int i = 0; i < 25; i++)
    strcat(many, "\xc3\xa9");
  set(&f, SW_RULE_FIELD_PORT, many);
  m = only_problem(&f, SW_RULE_FIELD_PORT);
  const char *q = strchr(m, '\'');
  assert_non_null(q);
  assert_int_equal(strncmp(q + 1 + 40, "...'", 4), 0); /* 20 é, then "..." */
  sw_rule_form_free(&f);
}

static void test_port_follows_implicit_tls(void **state)
{
  (void)state;
  struct sw_rule_form f;
  make_form(&f);
  bool changed = false;
  assert_int_equal(sw_rule_form_set_tls_mode(&f, SW_TLS_IMPLICIT, &changed), SW_E_OK);
  assert_true(changed);
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_PORT), "465");
  assert_int_equal(f.tls_mode, SW_TLS_IMPLICIT);
  /* Implicit to implicit: nothing to do. */
  assert_int_equal(sw_rule_form_set_tls_mode(&f, SW_TLS_IMPLICIT, &changed), SW_E_OK);
  assert_false(changed);
  assert_int_equal(sw_rule_form_set_tls_mode(&f, SW_TLS_STARTTLS, &changed), SW_E_OK);
  assert_true(changed);
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_PORT), "25");

  /* A port the user chose stays, both ways. */
  set(&f, SW_RULE_FIELD_PORT, "2525");
  assert_int_equal(sw_rule_form_set_tls_mode(&f, SW_TLS_IMPLICIT, &changed), SW_E_OK);
  assert_false(changed);
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_PORT), "2525");
  set(&f, SW_RULE_FIELD_PORT, "10465");
  assert_int_equal(sw_rule_form_set_tls_mode(&f, SW_TLS_NONE, &changed), SW_E_OK);
  assert_false(changed);
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_PORT), "10465");
  /* 465 without implicit TLS before the switch is the user's too. */
  set(&f, SW_RULE_FIELD_PORT, "465");
  assert_int_equal(sw_rule_form_set_tls_mode(&f, SW_TLS_STARTTLS, NULL), SW_E_OK);
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_PORT), "465");
  /* Text that is no port is left for the user to see and fix. */
  set(&f, SW_RULE_FIELD_PORT, "abc");
  assert_int_equal(sw_rule_form_set_tls_mode(&f, SW_TLS_IMPLICIT, &changed), SW_E_OK);
  assert_false(changed);
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_PORT), "abc");
  sw_rule_form_free(&f);
}

static void test_certificate_fields_apply_only_with_tls(void **state)
{
  (void)state;
  struct sw_rule_form f;
  make_form(&f);
  assert_false(sw_rule_form_field_applies(&f, SW_RULE_FIELD_TLS_INSECURE));
  assert_false(sw_rule_form_field_applies(&f, SW_RULE_FIELD_CERT_WARN_DAYS));
  assert_false(sw_rule_form_field_applies(&f, SW_RULE_FIELD_CERT_CRIT_DAYS));
  assert_true(sw_rule_form_field_applies(&f, SW_RULE_FIELD_PORT));
  sw_rule_form_set_tls_mode(&f, SW_TLS_STARTTLS, NULL);
  assert_true(sw_rule_form_field_applies(&f, SW_RULE_FIELD_TLS_INSECURE));
  assert_true(sw_rule_form_field_applies(&f, SW_RULE_FIELD_CERT_CRIT_DAYS));
  sw_rule_form_free(&f);
}

static void put_problem(struct sw_buf *b, const char *field, const char *message)
{
  sw_tlv_begin(b, SW_PIPE_TAG_PROBLEM);
  sw_tlv_put_str(b, SW_PIPE_TAG_PROBLEM_FIELD, field);
  sw_tlv_put_str(b, SW_PIPE_TAG_PROBLEM_MESSAGE, message);
  sw_tlv_end(b);
}

static void test_service_problems_map_to_fields(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, 0);
  put_problem(&body, "timeout_ms", "Timeout must be between 100 and 300000 ms.");
  put_problem(&body, "a_newer_field", "Something this editor does not know.");
  put_problem(&body, "host", "Host is required.");
  put_problem(&body, "timeout_ms", "A second one for the same field.");
  struct sw_rule_problems p;
  assert_int_equal(
      sw_rule_form_service_problems((const uint8_t *)body.data, body.len, &p), SW_E_OK);
  assert_int_equal(p.count, 2);
  assert_int_equal(p.items[0].field, SW_RULE_FIELD_HOST);
  assert_string_equal(p.items[0].message, "Host is required.");
  assert_int_equal(p.items[1].field, SW_RULE_FIELD_TIMEOUT_MS);
  assert_string_equal(p.items[1].message, "Timeout must be between 100 and 300000 ms.");

  /* A body cut short is refused, not half-read. */
  assert_int_equal(
      sw_rule_form_service_problems((const uint8_t *)body.data, body.len - 1, &p),
      SW_E_INVALID_ARGUMENT);
  assert_int_equal(p.count, 0);
  sw_buf_free(&body);
}

static void test_summaries(void **state)
{
  (void)state;
  struct sw_rule_problems p = {0};
  char s[300];
  sw_rule_form_summary(&p, false, false, s, sizeof s);
  assert_string_equal(s, "");
  sw_rule_form_summary(&p, true, false, s, sizeof s);
  assert_non_null(strstr(s, "without naming a field this editor knows"));
  p.count = 1;
  sw_rule_form_summary(&p, false, false, s, sizeof s);
  assert_string_equal(s, "Nothing was saved: fix the field marked in red.");
  p.count = 3;
  sw_rule_form_summary(&p, true, true, s, sizeof s);
  assert_string_equal(s, "The service refused the rule. Nothing was tested: fix the 3 "
                         "fields marked in red.");
}

static void test_stale_question_names_their_changes(void **state)
{
  (void)state;
  struct sw_rule opened, theirs, mine;
  sw_rule_init_defaults(&opened);
  sw_rule_set_string(&opened.name, "Main relay");
  sw_rule_set_string(&opened.host, "mail.example.com");
  assert_int_equal(sw_rule_copy(&theirs, &opened), SW_E_OK);
  assert_int_equal(sw_rule_copy(&mine, &opened), SW_E_OK);
  sw_rule_set_string(&theirs.host, "mx.example.com");
  theirs.port = 2525;
  theirs.tls_mode = SW_TLS_STARTTLS;
  mine.port = 587;
  assert_int_equal(sw_rule_diff(&opened, &theirs),
                   SW_RULE_FIELD_BIT(SW_RULE_FIELD_HOST) |
                       SW_RULE_FIELD_BIT(SW_RULE_FIELD_PORT) |
                       SW_RULE_FIELD_BIT(SW_RULE_FIELD_TLS_MODE));

  struct sw_buf q;
  sw_buf_init(&q, 0);
  assert_int_equal(sw_rule_form_stale_question(&opened, &theirs, &mine, &q), SW_E_OK);
  const char *s = sw_buf_str(&q);
  assert_non_null(strstr(s, "The rule \"Main relay\" was changed by someone else since "
                            "you opened it. They changed: Host, Port and TLS. You both "
                            "changed: Port."));
  assert_non_null(strstr(s, "Yes: save your version over theirs."));
  assert_non_null(strstr(s, "No: load their version"));
  assert_non_null(strstr(s, "Cancel: go back to your changes"));

  /* Saved again with nothing changed (say, disabled and enabled). */
  sw_buf_free(&q);
  assert_int_equal(sw_rule_form_stale_question(&opened, &opened, &mine, &q), SW_E_OK);
  assert_non_null(strstr(sw_buf_str(&q), "its fields are as you found them"));
  assert_null(strstr(sw_buf_str(&q), "You both"));
  sw_buf_free(&q);
  sw_rule_free(&opened);
  sw_rule_free(&theirs);
  sw_rule_free(&mine);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_new_rule_form_shows_the_defaults),
      cmocka_unit_test(test_rule_round_trips_through_the_form),
      cmocka_unit_test(test_blanks_around_names_and_numbers_are_slips),
      cmocka_unit_test(test_port_that_is_no_port_is_named),
      cmocka_unit_test(test_timeout_and_interval_that_are_no_numbers),
      cmocka_unit_test(test_certificate_days),
      cmocka_unit_test(test_every_problem_once_in_form_order),
      cmocka_unit_test(test_quoted_text_is_short_and_printable),
      cmocka_unit_test(test_port_follows_implicit_tls),
      cmocka_unit_test(test_certificate_fields_apply_only_with_tls),
      cmocka_unit_test(test_service_problems_map_to_fields),
      cmocka_unit_test(test_summaries),
      cmocka_unit_test(test_stale_question_names_their_changes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
