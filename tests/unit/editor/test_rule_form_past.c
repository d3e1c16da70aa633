/* The rule form's fields past the handshake (AUTH, the envelope and the
 * relay test, addresses, drift): every one round-trips between a rule and
 * the form, the ones that mean nothing in the form's state are greyed,
 * and the two secrets are write-only: a stored one is never in the form,
 * an empty box keeps it, "Remove" removes it, a typed one replaces it,
 * and the form's copy is wiped when it is freed. */
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

#define PASSWORD "s3cret-Passw0rd"

/* Whether `needle` is anywhere in the n bytes at `hay` (memmem is not C11). */
static bool contains(const void *hay, size_t n, const char *needle)
{
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp((const char *)hay + i, needle, k) == 0)
      return true;
  return false;
}

/* A stored rule using every field past the handshake. Not a valid one
 * (an open-relay test must run without AUTH): the validator's problems
 * are its own, and the form must add none. */
static void full_rule(struct sw_rule *r)
{
  sw_rule_init_defaults(r);
  r->id = 7;
  sw_rule_set_string(&r->name, "Submission");
  sw_rule_set_string(&r->host, "mail.example.com");
  r->port = 587;
  r->tls_mode = SW_TLS_REQUIRE_STARTTLS;
  sw_test_rule_past_handshake(r);
}

/* full_rule, valid: the relay test goes (the rule of its own the
 * validator asks for). */
static void valid_full_rule(struct sw_rule *r)
{
  full_rule(r);
  r->relay_test = false;
  sw_rule_set_string(&r->relay_test_rcpt, NULL);
}

/* The validator's problems with `r`, as the form's must be. */
static size_t validator_problems(const struct sw_rule *r)
{
  struct sw_rule_problems p;
  sw_rule_validate(r, &p);
  return p.count;
}

static void form_of(struct sw_rule_form *f, const struct sw_rule *r)
{
  sw_rule_form_init(f);
  assert_int_equal(sw_rule_form_from_rule(f, r), SW_E_OK);
}

static void to_rule(const struct sw_rule_form *f, struct sw_rule *out,
                    struct sw_rule_problems *p)
{
  assert_int_equal(sw_rule_form_to_rule(f, 7, out, p), SW_E_OK);
}

static void test_every_field_round_trips(void **state)
{
  (void)state;
  struct sw_rule in, out;
  struct sw_rule_problems p;
  struct sw_rule_form f;
  full_rule(&in);
  form_of(&f, &in);
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_AUTH_USER),
                      "monitor@example.com");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_RCPT_TO),
                      "a@example.com,b@example.com");
  assert_true(sw_rule_form_checked(&f, SW_RULE_FIELD_RELAY_TEST));
  assert_false(sw_rule_form_checked(&f, SW_RULE_FIELD_DRIFT));
  assert_int_equal(sw_rule_form_choice(&f, SW_RULE_FIELD_AUTH_MECH),
                   SW_AUTH_MECH_XOAUTH2);
  assert_int_equal(sw_rule_form_choice(&f, SW_RULE_FIELD_IP_FAMILY), SW_IP_V6);
  to_rule(&f, &out, &p);
  assert_int_equal(p.count, validator_problems(&in));
  /* Every field, the secrets by whether each is set. */
  assert_int_equal(sw_rule_diff(&in, &out), 0);
  sw_rule_free(&out);
  sw_rule_free(&in);

  /* Valid without the relay test: no problem at all; a field changed in
   * the form is the one that differs. */
  valid_full_rule(&in);
  assert_int_equal(sw_rule_form_from_rule(&f, &in), SW_E_OK);
  to_rule(&f, &out, &p);
  assert_int_equal(p.count, 0);
  assert_int_equal(sw_rule_diff(&in, &out), 0);
  sw_rule_free(&out);
  sw_rule_form_set_checked(&f, SW_RULE_FIELD_CHECK_PTR, false);
  assert_int_equal(sw_rule_form_set_choice(&f, SW_RULE_FIELD_IP_FAMILY, SW_IP_V4, NULL),
                   SW_E_OK);
  assert_int_equal(
      sw_rule_form_set_text(&f, SW_RULE_FIELD_MAIL_FROM, " monitor@example.com "),
      SW_E_OK);
  to_rule(&f, &out, &p);
  assert_int_equal(p.count, 0);
  assert_int_equal(sw_rule_diff(&in, &out),
                   SW_RULE_FIELD_BIT(SW_RULE_FIELD_CHECK_PTR) |
                       SW_RULE_FIELD_BIT(SW_RULE_FIELD_IP_FAMILY) |
                       SW_RULE_FIELD_BIT(SW_RULE_FIELD_MAIL_FROM));
  assert_string_equal(out.mail_from, "monitor@example.com"); /* trimmed */
  sw_rule_free(&out);
  sw_rule_free(&in);
  sw_rule_form_free(&f);
}

static void test_new_form_has_the_rule_defaults(void **state)
{
  (void)state;
  struct sw_rule d;
  sw_rule_init_defaults(&d);
  struct sw_rule_form f;
  sw_rule_form_init(&f);
  assert_true(sw_rule_form_checked(&f, SW_RULE_FIELD_DRIFT)); /* drift is opt-out */
  assert_int_equal(sw_rule_form_choice(&f, SW_RULE_FIELD_AUTH_MECH), SW_AUTH_MECH_AUTO);
  assert_int_equal(sw_rule_form_choice(&f, SW_RULE_FIELD_IP_FAMILY), SW_IP_ANY);
  assert_false(sw_rule_form_secret_stored(&f, SW_RULE_FIELD_AUTH_PASSWORD));
  for (int field = 0; field < SW_RULE_FIELD_COUNT; field++)
    if (sw_rule_form_kind((enum sw_rule_field)field) == SW_RULE_FORM_CHECK)
      assert_int_equal(sw_rule_form_checked(&f, (enum sw_rule_field)field),
                       field == SW_RULE_FIELD_ENABLED || field == SW_RULE_FIELD_DRIFT ||
                           field == SW_RULE_FIELD_MTA_STS);
  sw_rule_form_free(&f);
}

static void test_kinds_and_lists(void **state)
{
  (void)state;
  assert_int_equal(sw_rule_form_kind(SW_RULE_FIELD_AUTH_PASSWORD), SW_RULE_FORM_SECRET);
  assert_int_equal(sw_rule_form_kind(SW_RULE_FIELD_OAUTH_CLIENT_SECRET),
                   SW_RULE_FORM_SECRET);
  assert_false(sw_rule_form_is_text(SW_RULE_FIELD_AUTH_PASSWORD));
  assert_true(sw_rule_form_is_text(SW_RULE_FIELD_RELAY_TEST_RCPT));
  assert_int_equal(sw_rule_form_kind(SW_RULE_FIELD_AUTH_MECH), SW_RULE_FORM_CHOICE);
  assert_int_equal(sw_rule_form_kind(SW_RULE_FIELD_DRIFT), SW_RULE_FORM_CHECK);
  /* A secret is never a text: the form has no text for it to show. */
  struct sw_rule_form f;
  sw_rule_form_init(&f);
  assert_int_equal(sw_rule_form_set_text(&f, SW_RULE_FIELD_AUTH_PASSWORD, "x"),
                   SW_E_INVALID_ARGUMENT);
  assert_int_equal(sw_rule_form_set_secret(&f, SW_RULE_FIELD_AUTH_USER, "x"),
                   SW_E_INVALID_ARGUMENT);
  sw_rule_form_free(&f);
  /* The mechanism list: automatic, then each of SW_AUTH_MECH_MAP by name. */
  assert_int_equal(sw_rule_form_choice_count(SW_RULE_FIELD_AUTH_MECH),
                   SW_AUTH_MECH_COUNT);
  assert_string_equal(sw_rule_form_choice_text(SW_RULE_FIELD_AUTH_MECH, 0),
                      "Automatic (from the server's list)");
  assert_string_equal(
      sw_rule_form_choice_text(SW_RULE_FIELD_AUTH_MECH, SW_AUTH_MECH_PLAIN), "PLAIN");
  assert_int_equal(sw_rule_form_choice_count(SW_RULE_FIELD_IP_FAMILY), 3);
  assert_string_equal(sw_rule_form_choice_text(SW_RULE_FIELD_IP_FAMILY, SW_IP_V4),
                      "IPv4 only");
  assert_string_equal(sw_rule_form_choice_text(SW_RULE_FIELD_IP_FAMILY, 3), "");
  assert_int_equal(sw_rule_form_choice_count(SW_RULE_FIELD_HOST), 0);
  struct sw_rule_form g;
  sw_rule_form_init(&g);
  assert_int_equal(sw_rule_form_set_choice(&g, SW_RULE_FIELD_IP_FAMILY, 3, NULL),
                   SW_E_INVALID_ARGUMENT);
  assert_int_equal(sw_rule_form_set_choice(&g, SW_RULE_FIELD_HOST, 0, NULL),
                   SW_E_INVALID_ARGUMENT);
  sw_rule_form_free(&g);
}

static void test_fields_grey_out_when_they_mean_nothing(void **state)
{
  (void)state;
  struct sw_rule r;
  sw_rule_init_defaults(&r);
  struct sw_rule_form f;
  form_of(&f, &r);
  enum sw_rule_field auth_only[] = {SW_RULE_FIELD_AUTH_PASSWORD, SW_RULE_FIELD_AUTH_MECH,
                                    SW_RULE_FIELD_AUTH_PLAINTEXT};
  enum sw_rule_field oauth[] = {
      SW_RULE_FIELD_OAUTH_TOKEN_URL, SW_RULE_FIELD_OAUTH_CLIENT_ID,
      SW_RULE_FIELD_OAUTH_CLIENT_SECRET, SW_RULE_FIELD_OAUTH_SCOPE};
  /* No AUTH user: nothing of AUTH but the user. */
  assert_true(sw_rule_form_field_applies(&f, SW_RULE_FIELD_AUTH_USER));
  for (size_t i = 0; i < 3; i++)
    assert_false(sw_rule_form_field_applies(&f, auth_only[i]));
  assert_int_equal(sw_rule_form_set_text(&f, SW_RULE_FIELD_AUTH_USER, "  "), SW_E_OK);
  assert_false(sw_rule_form_field_applies(&f, SW_RULE_FIELD_AUTH_PASSWORD));
  assert_int_equal(sw_rule_form_set_text(&f, SW_RULE_FIELD_AUTH_USER, "u"), SW_E_OK);
  for (size_t i = 0; i < 3; i++)
    assert_true(sw_rule_form_field_applies(&f, auth_only[i]));
  /* The OAuth fields with the XOAUTH2 mechanism only (where this build
   * has it), whichever mechanism else. */
  for (int m = 0; m < SW_AUTH_MECH_COUNT; m++) {
    assert_int_equal(sw_rule_form_set_choice(&f, SW_RULE_FIELD_AUTH_MECH, m, NULL),
                     SW_E_OK);
    bool xoauth2 = strcmp(sw_auth_mech_name((enum sw_auth_mech)m), "XOAUTH2") == 0;
    for (size_t i = 0; i < 4; i++)
      assert_int_equal(sw_rule_form_field_applies(&f, oauth[i]), xoauth2);
  }
  /* ... or once a token URL is there (a rule made with the command line):
   * the validator asks for the rest then, so they must be reachable. */
  assert_int_equal(sw_rule_form_set_choice(&f, SW_RULE_FIELD_AUTH_MECH, 0, NULL),
                   SW_E_OK);
  assert_int_equal(
      sw_rule_form_set_text(&f, SW_RULE_FIELD_OAUTH_TOKEN_URL, "https://t.example/"),
      SW_E_OK);
  for (size_t i = 0; i < 4; i++)
    assert_true(sw_rule_form_field_applies(&f, oauth[i]));
  /* The relay test's recipient with the relay test only. */
  assert_false(sw_rule_form_field_applies(&f, SW_RULE_FIELD_RELAY_TEST_RCPT));
  sw_rule_form_set_checked(&f, SW_RULE_FIELD_RELAY_TEST, true);
  assert_true(sw_rule_form_field_applies(&f, SW_RULE_FIELD_RELAY_TEST_RCPT));
  /* The rest always. */
  assert_true(sw_rule_form_field_applies(&f, SW_RULE_FIELD_MAIL_FROM));
  assert_true(sw_rule_form_field_applies(&f, SW_RULE_FIELD_DRIFT));
  sw_rule_form_free(&f);
}

/* A mail domain's rule (issue 18): its fields round-trip through the form,
 * "all" is --min-ok 0, and the domain greys the host's own settings out
 * and its own in. */
static void test_a_domain_rule(void **state)
{
  (void)state;
  struct sw_rule in, out;
  struct sw_rule_problems p;
  struct sw_rule_form f;
  sw_rule_init_defaults(&in);
  sw_rule_set_string(&in.name, "Mail");
  sw_rule_set_string(&in.domain, "example.com");
  sw_rule_set_string(&in.dns_server, "[::1]:5353");
  in.min_ok = 2;
  in.dane = true;
  in.mta_sts = false;
  in.drift = false;
  form_of(&f, &in);
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_MIN_OK), "2");
  assert_true(sw_rule_form_checked(&f, SW_RULE_FIELD_DANE));
  assert_false(sw_rule_form_checked(&f, SW_RULE_FIELD_MTA_STS));
  to_rule(&f, &out, &p);
  assert_int_equal(p.count, 0);
  assert_int_equal(sw_rule_diff(&in, &out), 0);
  sw_rule_free(&out);
  assert_false(sw_rule_form_field_applies(&f, SW_RULE_FIELD_HOST));
  assert_false(sw_rule_form_field_applies(&f, SW_RULE_FIELD_ALL_ADDRESSES));
  assert_true(sw_rule_form_field_applies(&f, SW_RULE_FIELD_DNS_SERVER));
  assert_int_equal(sw_rule_form_set_text(&f, SW_RULE_FIELD_MIN_OK, "all"), SW_E_OK);
  to_rule(&f, &out, &p);
  assert_int_equal(out.min_ok, 0);
  sw_rule_free(&out);
  assert_int_equal(sw_rule_form_set_text(&f, SW_RULE_FIELD_MIN_OK, "some"), SW_E_OK);
  to_rule(&f, &out, &p);
  assert_non_null(sw_rule_problems_find(&p, SW_RULE_FIELD_MIN_OK));
  sw_rule_free(&out);
  /* without a domain: a host rule again */
  assert_int_equal(sw_rule_form_set_text(&f, SW_RULE_FIELD_DOMAIN, ""), SW_E_OK);
  assert_true(sw_rule_form_field_applies(&f, SW_RULE_FIELD_HOST));
  assert_false(sw_rule_form_field_applies(&f, SW_RULE_FIELD_DANE));
  sw_rule_free(&in);
  sw_rule_form_free(&f);
}

/* A form of a stored rule with an AUTH user, its password stored or not. */
static void auth_form(struct sw_rule_form *f, bool stored)
{
  struct sw_rule r;
  sw_rule_init_defaults(&r);
  sw_rule_set_string(&r.name, "Auth");
  sw_rule_set_string(&r.host, "mail.example.com");
  sw_rule_set_string(&r.auth_user, "monitor");
  r.auth_password_set = stored;
  form_of(f, &r);
  sw_rule_free(&r);
}

static void test_a_stored_secret_is_kept_replaced_or_removed(void **state)
{
  (void)state;
  struct sw_rule_form f;
  struct sw_rule out;
  struct sw_rule_problems p;
  struct sw_pipe_rule_secrets s;
  auth_form(&f, true);
  /* Shown only as "set": the form holds no secret. */
  assert_true(sw_rule_form_secret_stored(&f, SW_RULE_FIELD_AUTH_PASSWORD));
  assert_string_equal(f.secret[SW_RULE_FORM_PASSWORD], "");
  assert_string_equal(sw_rule_form_text(&f, SW_RULE_FIELD_AUTH_PASSWORD), "");
  assert_string_equal(sw_rule_form_secret_note(&f, SW_RULE_FIELD_AUTH_PASSWORD),
                      "Stored: set");
  assert_string_equal(sw_rule_form_secret_note(&f, SW_RULE_FIELD_OAUTH_CLIENT_SECRET),
                      "Stored: not set");
  /* Left empty: kept (nothing sent), and the rule says it is set. */
  to_rule(&f, &out, &p);
  assert_int_equal(p.count, 0);
  assert_true(out.auth_password_set);
  sw_rule_free(&out);
  sw_rule_form_secrets(&f, &s);
  assert_null(s.auth_password);
  assert_null(s.oauth_client_secret);
  /* Typed: sent, replacing it. */
  assert_int_equal(sw_rule_form_set_secret(&f, SW_RULE_FIELD_AUTH_PASSWORD, PASSWORD),
                   SW_E_OK);
  sw_rule_form_secrets(&f, &s);
  assert_string_equal(s.auth_password, PASSWORD);
  /* Removed (wins over a typed one): "" sent, and the validator's
   * sentence on the password field, since the user still needs one. */
  sw_rule_form_set_remove(&f, SW_RULE_FIELD_AUTH_PASSWORD, true);
  sw_rule_form_secrets(&f, &s);
  assert_string_equal(s.auth_password, "");
  to_rule(&f, &out, &p);
  assert_false(out.auth_password_set);
  assert_int_equal(p.count, 1);
  assert_int_equal(p.items[0].field, SW_RULE_FIELD_AUTH_PASSWORD);
  assert_string_equal(p.items[0].message,
                      "AUTH password is required with an AUTH user (it is kept "
                      "encrypted and never shown back).");
  sw_rule_free(&out);
  /* The AUTH user gone: the password is not sent at all (the service
   * removes what no longer applies). */
  sw_rule_form_set_remove(&f, SW_RULE_FIELD_AUTH_PASSWORD, false);
  assert_int_equal(sw_rule_form_set_text(&f, SW_RULE_FIELD_AUTH_USER, ""), SW_E_OK);
  sw_rule_form_secrets(&f, &s);
  assert_null(s.auth_password);
  sw_rule_form_free(&f);
}

static void test_a_new_password_is_required_and_taken(void **state)
{
  (void)state;
  struct sw_rule_form f;
  struct sw_rule out;
  struct sw_rule_problems p;
  auth_form(&f, false);
  assert_false(sw_rule_form_secret_stored(&f, SW_RULE_FIELD_AUTH_PASSWORD));
  to_rule(&f, &out, &p);
  assert_int_equal(p.count, 1);
  assert_int_equal(p.items[0].field, SW_RULE_FIELD_AUTH_PASSWORD);
  sw_rule_free(&out);
  assert_int_equal(sw_rule_form_set_secret(&f, SW_RULE_FIELD_AUTH_PASSWORD, PASSWORD),
                   SW_E_OK);
  to_rule(&f, &out, &p);
  assert_int_equal(p.count, 0);
  assert_true(out.auth_password_set);
  sw_rule_free(&out);
  /* Too long: the form's own sentence, on the password. */
  char *big = malloc(SW_RULE_FORM_SECRET_MAX + 10);
  assert_non_null(big);
  memset(big, 'x', SW_RULE_FORM_SECRET_MAX + 9);
  big[SW_RULE_FORM_SECRET_MAX + 9] = '\0';
  assert_int_equal(sw_rule_form_set_secret(&f, SW_RULE_FIELD_AUTH_PASSWORD, big),
                   SW_E_OK);
  free(big);
  to_rule(&f, &out, &p);
  assert_int_equal(p.count, 1);
  assert_int_equal(p.items[0].field, SW_RULE_FIELD_AUTH_PASSWORD);
  assert_string_equal(p.items[0].message,
                      "AUTH password must be at most 1024 bytes long.");
  sw_rule_free(&out);
  sw_rule_form_free(&f);
}

static void test_the_client_secret_goes_with_oauth(void **state)
{
  (void)state;
  struct sw_rule in;
  valid_full_rule(&in);
  in.oauth_client_secret_set = false;
  struct sw_rule_form f;
  form_of(&f, &in);
  struct sw_rule out;
  struct sw_rule_problems p;
  to_rule(&f, &out, &p);
  assert_non_null(sw_rule_problems_find(&p, SW_RULE_FIELD_OAUTH_CLIENT_SECRET));
  sw_rule_free(&out);
  assert_int_equal(
      sw_rule_form_set_secret(&f, SW_RULE_FIELD_OAUTH_CLIENT_SECRET, "client-secret"),
      SW_E_OK);
  struct sw_pipe_rule_secrets s;
  sw_rule_form_secrets(&f, &s);
  assert_null(s.auth_password); /* stored, kept */
  assert_string_equal(s.oauth_client_secret, "client-secret");
  to_rule(&f, &out, &p);
  assert_int_equal(p.count, 0);
  assert_true(out.oauth_client_secret_set);
  sw_rule_free(&out);
  /* Encoded for the service with the rule (a RULE record with both). */
  struct sw_buf wire;
  sw_buf_init(&wire, 0);
  sw_pipe_put_rule_input(&wire, &in, 3, &s);
  assert_true(contains(wire.data, wire.len, "client-secret"));
  sw_buf_free(&wire);
  sw_rule_free(&in);
  sw_rule_form_free(&f);
}

static void test_typed_secrets_are_wiped(void **state)
{
  (void)state;
  struct sw_rule_form f;
  auth_form(&f, true);
  assert_int_equal(sw_rule_form_set_secret(&f, SW_RULE_FIELD_AUTH_PASSWORD, PASSWORD),
                   SW_E_OK);
  /* A shorter one overwrites all of the longer one. */
  assert_int_equal(sw_rule_form_set_secret(&f, SW_RULE_FIELD_AUTH_PASSWORD, "ab"),
                   SW_E_OK);
  const char *slot = f.secret[SW_RULE_FORM_PASSWORD];
  assert_string_equal(slot, "ab");
  for (size_t i = 3; i < sizeof f.secret[0]; i++)
    assert_int_equal(slot[i], 0);
  /* Freed, or filled from another rule: no byte of it is left. */
  assert_int_equal(
      sw_rule_form_set_secret(&f, SW_RULE_FIELD_OAUTH_CLIENT_SECRET, PASSWORD), SW_E_OK);
  sw_rule_form_free(&f);
  for (size_t i = 0; i < sizeof f.secret; i++)
    assert_int_equal(((const char *)f.secret)[i], 0);
  auth_form(&f, true);
  assert_int_equal(sw_rule_form_set_secret(&f, SW_RULE_FIELD_AUTH_PASSWORD, PASSWORD),
                   SW_E_OK);
  struct sw_rule r;
  sw_rule_init_defaults(&r);
  assert_int_equal(sw_rule_form_from_rule(&f, &r), SW_E_OK);
  assert_false(contains(f.secret, sizeof f.secret, PASSWORD));
  assert_false(sw_rule_form_secret_stored(&f, SW_RULE_FIELD_AUTH_PASSWORD));
  sw_rule_form_free(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_field_round_trips),
      cmocka_unit_test(test_new_form_has_the_rule_defaults),
      cmocka_unit_test(test_kinds_and_lists),
      cmocka_unit_test(test_fields_grey_out_when_they_mean_nothing),
      cmocka_unit_test(test_a_domain_rule),
      cmocka_unit_test(test_a_stored_secret_is_kept_replaced_or_removed),
      cmocka_unit_test(test_a_new_password_is_required_and_taken),
      cmocka_unit_test(test_the_client_secret_goes_with_oauth),
      cmocka_unit_test(test_typed_secrets_are_wiped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
