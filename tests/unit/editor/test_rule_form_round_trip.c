/* The rule form's round trip (issue 17): every field goes from a rule to
 * the form and back, the numbers whose 0 means "none" show blank, the
 * mailbox password is write-only like the other secrets (never in the
 * form, kept, replaced or removed), the settings are greyed while the
 * round trip is off (the folder with POP3 too), and what is no number is
 * the form's to say, the rest the validator's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pipe_protocol.h"
#include "../rule_fixture.h"
#include "rule_form.h"

#define MAILBOX_SECRET "Mailb0x-secret"

/* A valid stored round-trip rule. */
static void round_trip_rule(struct sw_rule *r)
{
  sw_rule_init_defaults(r);
  r->id = 9;
  sw_rule_set_string(&r->name, "Round trip");
  sw_rule_set_string(&r->host, "mail.example.com");
  sw_test_rule_round_trip(r);
}

static void form_of(struct sw_rule_form *f, const struct sw_rule *r)
{
  sw_rule_form_init(f);
  assert_int_equal(sw_rule_form_from_rule(f, r), SW_E_OK);
}

static void test_a_round_trip_rule_goes_to_the_form_and_back(void **state)
{
  (void)state;
  struct sw_rule in, out;
  struct sw_rule_problems p;
  struct sw_rule_form f;
  round_trip_rule(&in);
  form_of(&f, &in);
  assert_int_equal(sw_rule_form_choice(&f, SW_RULE_FIELD_ROUND_TRIP), SW_ROUND_TRIP_IMAP);
  assert_int_equal(sw_rule_form_choice(&f, SW_RULE_FIELD_MAILBOX_TLS),
                   SW_MAILBOX_TLS_MODE_STARTTLS);
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_MAILBOX_HOST),
                      "imap.example.com");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_MAILBOX_PORT), "1993");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_MAILBOX_USER), "probe");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_FOLDER), "Probes");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_PROBE_TO), "probe@example.com");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_PROBE_FROM),
                      "monitor@example.com");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_DELIVER_WITHIN_S), "120");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_DELIVERY_WARN_MS), "30000");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_DELIVERY_CRIT_MS), "60000");
  assert_int_equal(sw_rule_form_to_rule(&f, 9, &out, &p), SW_E_OK);
  assert_int_equal(p.count, 0);
  assert_int_equal(sw_rule_diff(&in, &out), 0); /* every field as it was */
  sw_rule_free(&out);
  sw_rule_form_free(&f);
  sw_rule_free(&in);
}

static void test_zero_shows_blank_and_blank_is_zero(void **state)
{
  (void)state;
  struct sw_rule in, out;
  struct sw_rule_problems p;
  struct sw_rule_form f;
  round_trip_rule(&in);
  in.mailbox_port = 0; /* the protocol's own */
  in.delivery_warn_ms = 0;
  in.delivery_crit_ms = 0;
  form_of(&f, &in);
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_MAILBOX_PORT), "");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_DELIVERY_WARN_MS), "");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_DELIVERY_CRIT_MS), "");
  assert_int_equal(sw_rule_form_to_rule(&f, 9, &out, &p), SW_E_OK);
  assert_int_equal(p.count, 0);
  assert_int_equal(out.mailbox_port, 0);
  assert_int_equal(out.delivery_warn_ms, 0);
  assert_int_equal(out.delivery_crit_ms, 0);
  sw_rule_free(&out);
  sw_rule_form_free(&f);
  sw_rule_free(&in);
}

static void test_a_new_form_has_no_round_trip(void **state)
{
  (void)state;
  struct sw_rule defaults, out;
  struct sw_rule_problems p;
  struct sw_rule_form f;
  sw_rule_init_defaults(&defaults);
  sw_rule_set_string(&defaults.name, "New");
  sw_rule_set_string(&defaults.host, "mail.example.com");
  form_of(&f, &defaults);
  assert_int_equal(sw_rule_form_choice(&f, SW_RULE_FIELD_ROUND_TRIP), SW_ROUND_TRIP_NONE);
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_DELIVER_WITHIN_S), "300");
  assert_int_equal(sw_rule_form_to_rule(&f, 0, &out, &p), SW_E_OK);
  assert_int_equal(p.count, 0);
  assert_int_equal(out.round_trip, SW_ROUND_TRIP_NONE);
  assert_int_equal(out.deliver_within_s, SW_RULE_DEFAULT_DELIVER_WITHIN_S);
  sw_rule_free(&out);
  sw_rule_form_free(&f);
  sw_rule_free(&defaults);
}

static void test_the_mailbox_password_is_never_in_the_form(void **state)
{
  (void)state;
  struct sw_rule in, out;
  struct sw_rule_problems p;
  struct sw_rule_form f;
  struct sw_pipe_rule_secrets s;
  round_trip_rule(&in); /* its password is stored */
  form_of(&f, &in);
  assert_int_equal(sw_rule_form_kind(SW_RULE_FIELD_MAILBOX_PASSWORD),
                   SW_RULE_FORM_SECRET);
  assert_false(sw_rule_form_is_text(SW_RULE_FIELD_MAILBOX_PASSWORD));
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_MAILBOX_PASSWORD), "");
  assert_string_equal(f.secret[SW_RULE_FORM_MAILBOX_PASSWORD], "");
  assert_string_equal(sw_rule_form_secret_note(&f, SW_RULE_FIELD_MAILBOX_PASSWORD),
                      "Stored: set");
  /* Left empty: kept, nothing sent, the rule says it is set. */
  sw_rule_form_secrets(&f, &s);
  assert_null(s.mailbox_password);
  assert_int_equal(sw_rule_form_to_rule(&f, 9, &out, &p), SW_E_OK);
  assert_int_equal(p.count, 0);
  assert_true(out.mailbox_password_set);
  sw_rule_free(&out);
  /* Typed: sent. */
  assert_int_equal(
      sw_rule_form_set_secret(&f, SW_RULE_FIELD_MAILBOX_PASSWORD, MAILBOX_SECRET),
      SW_E_OK);
  sw_rule_form_secrets(&f, &s);
  assert_string_equal(s.mailbox_password, MAILBOX_SECRET);
  /* Removed: "" sent, and the validator asks for one on its field. */
  sw_rule_form_set_remove(&f, SW_RULE_FIELD_MAILBOX_PASSWORD, true);
  sw_rule_form_secrets(&f, &s);
  assert_string_equal(s.mailbox_password, "");
  assert_int_equal(sw_rule_form_to_rule(&f, 9, &out, &p), SW_E_OK);
  assert_false(out.mailbox_password_set);
  assert_int_equal(p.count, 1);
  assert_int_equal(p.items[0].field, SW_RULE_FIELD_MAILBOX_PASSWORD);
  sw_rule_free(&out);
  /* The round trip off: not sent at all. */
  sw_rule_form_set_remove(&f, SW_RULE_FIELD_MAILBOX_PASSWORD, false);
  assert_int_equal(
      sw_rule_form_set_choice(&f, SW_RULE_FIELD_ROUND_TRIP, SW_ROUND_TRIP_NONE, NULL),
      SW_E_OK);
  sw_rule_form_secrets(&f, &s);
  assert_null(s.mailbox_password);
  /* Reloading wipes what was typed. */
  assert_int_equal(sw_rule_form_from_rule(&f, &in), SW_E_OK);
  assert_string_equal(f.secret[SW_RULE_FORM_MAILBOX_PASSWORD], "");
  sw_rule_form_free(&f);
  sw_rule_free(&in);
}

static const enum sw_rule_field settings[] = {
    SW_RULE_FIELD_MAILBOX_HOST,     SW_RULE_FIELD_MAILBOX_PORT,
    SW_RULE_FIELD_MAILBOX_TLS,      SW_RULE_FIELD_MAILBOX_USER,
    SW_RULE_FIELD_MAILBOX_PASSWORD, SW_RULE_FIELD_PROBE_TO,
    SW_RULE_FIELD_PROBE_FROM,       SW_RULE_FIELD_DELIVER_WITHIN_S,
    SW_RULE_FIELD_DELIVERY_WARN_MS, SW_RULE_FIELD_DELIVERY_CRIT_MS,
};

static void test_the_settings_are_greyed_without_a_round_trip(void **state)
{
  (void)state;
  struct sw_rule in;
  struct sw_rule_form f;
  round_trip_rule(&in);
  form_of(&f, &in);
  for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
    assert_true(sw_rule_form_field_applies(&f, settings[i]));
  assert_true(sw_rule_form_field_applies(&f, SW_RULE_FIELD_FOLDER));
  /* POP3 reads the inbox alone: the folder is greyed, the rest is not. */
  assert_int_equal(
      sw_rule_form_set_choice(&f, SW_RULE_FIELD_ROUND_TRIP, SW_ROUND_TRIP_POP3, NULL),
      SW_E_OK);
  assert_false(sw_rule_form_field_applies(&f, SW_RULE_FIELD_FOLDER));
  assert_true(sw_rule_form_field_applies(&f, SW_RULE_FIELD_MAILBOX_HOST));
  /* None: every setting greyed, the choice itself not. */
  assert_int_equal(
      sw_rule_form_set_choice(&f, SW_RULE_FIELD_ROUND_TRIP, SW_ROUND_TRIP_NONE, NULL),
      SW_E_OK);
  for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
    assert_false(sw_rule_form_field_applies(&f, settings[i]));
  assert_false(sw_rule_form_field_applies(&f, SW_RULE_FIELD_FOLDER));
  assert_true(sw_rule_form_field_applies(&f, SW_RULE_FIELD_ROUND_TRIP));
  sw_rule_form_free(&f);
  sw_rule_free(&in);
}

static void test_the_lists_name_each_choice(void **state)
{
  (void)state;
  assert_int_equal(sw_rule_form_kind(SW_RULE_FIELD_ROUND_TRIP), SW_RULE_FORM_CHOICE);
  assert_int_equal(sw_rule_form_choice_count(SW_RULE_FIELD_ROUND_TRIP),
                   SW_ROUND_TRIP_COUNT);
  assert_string_equal(
      sw_rule_form_choice_text(SW_RULE_FIELD_ROUND_TRIP, SW_ROUND_TRIP_POP3),
      "POP3 (read the inbox)");
  assert_int_equal(sw_rule_form_choice_count(SW_RULE_FIELD_MAILBOX_TLS),
                   SW_MAILBOX_TLS_MODE_COUNT);
  assert_string_equal(
      sw_rule_form_choice_text(SW_RULE_FIELD_MAILBOX_TLS, SW_MAILBOX_TLS_MODE_NONE),
      "None (the password goes in clear)");
  struct sw_rule_form f;
  sw_rule_form_init(&f);
  assert_int_equal(sw_rule_form_set_choice(&f, SW_RULE_FIELD_MAILBOX_TLS,
                                           SW_MAILBOX_TLS_MODE_COUNT, NULL),
                   SW_E_INVALID_ARGUMENT);
  sw_rule_form_free(&f);
}

static void test_what_is_no_number_is_the_forms_the_rest_the_validators(void **state)
{
  (void)state;
  struct sw_rule in, out;
  struct sw_rule_problems p;
  struct sw_rule_form f;
  round_trip_rule(&in);
  form_of(&f, &in);
  assert_int_equal(sw_rule_form_set_text(&f, SW_RULE_FIELD_MAILBOX_PORT, "imaps"),
                   SW_E_OK);
  assert_int_equal(sw_rule_form_set_text(&f, SW_RULE_FIELD_DELIVER_WITHIN_S, ""),
                   SW_E_OK);
  assert_int_equal(sw_rule_form_set_text(&f, SW_RULE_FIELD_DELIVERY_WARN_MS, "5 s"),
                   SW_E_OK);
  assert_int_equal(sw_rule_form_set_text(&f, SW_RULE_FIELD_PROBE_TO, ""), SW_E_OK);
  assert_int_equal(sw_rule_form_to_rule(&f, 9, &out, &p), SW_E_OK);
  assert_int_equal(p.count, 4); /* in form order */
  assert_int_equal(p.items[0].field, SW_RULE_FIELD_MAILBOX_PORT);
  assert_string_equal(p.items[0].message,
                      "Mailbox port must be a number between 1 and 65535, or blank for "
                      "the protocol's own; 'imaps' is not.");
  assert_int_equal(p.items[1].field, SW_RULE_FIELD_PROBE_TO);
  assert_string_equal(p.items[1].message,
                      "Probe recipient is required with a round trip: the address of "
                      "the mailbox that is read.");
  assert_int_equal(p.items[2].field, SW_RULE_FIELD_DELIVER_WITHIN_S);
  assert_string_equal(p.items[2].message,
                      "Deliver within is required: enter a number of seconds between "
                      "10 and 3600, such as 300.");
  assert_int_equal(p.items[3].field, SW_RULE_FIELD_DELIVERY_WARN_MS);
  assert_string_equal(p.items[3].message,
                      "Delivery warning must be a whole number of milliseconds, such "
                      "as 60000; '5 s' is not.");
  sw_rule_free(&out);
  /* A round trip with a mail domain: the validator says so on the round
   * trip's field. */
  sw_rule_form_free(&f);
  form_of(&f, &in);
  assert_int_equal(sw_rule_form_set_text(&f, SW_RULE_FIELD_DOMAIN, "example.com"),
                   SW_E_OK);
  assert_int_equal(sw_rule_form_to_rule(&f, 9, &out, &p), SW_E_OK);
  assert_non_null(sw_rule_problems_find(&p, SW_RULE_FIELD_ROUND_TRIP));
  sw_rule_free(&out);
  sw_rule_form_free(&f);
  sw_rule_free(&in);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_a_round_trip_rule_goes_to_the_form_and_back),
      cmocka_unit_test(test_zero_shows_blank_and_blank_is_zero),
      cmocka_unit_test(test_a_new_form_has_no_round_trip),
      cmocka_unit_test(test_the_mailbox_password_is_never_in_the_form),
      cmocka_unit_test(test_the_settings_are_greyed_without_a_round_trip),
      cmocka_unit_test(test_the_lists_name_each_choice),
      cmocka_unit_test(test_what_is_no_number_is_the_forms_the_rest_the_validators),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
