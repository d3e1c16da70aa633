/* SMTP AUTH's pieces: the mechanisms read from an EHLO AUTH line, which one
 * is used, and the responses as RFC 4616 and the LOGIN draft have them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "smtp_auth.h"

#define PLAIN SW_AUTH_OFFERS(SW_AUTH_MECH_PLAIN)
#define LOGIN SW_AUTH_OFFERS(SW_AUTH_MECH_LOGIN)

static void test_offered_mechanisms(void **state)
{
  (void)state;
  const char *line = "PLAIN LOGIN";
  assert_int_equal(sw_auth_offered(line, strlen(line)), PLAIN | LOGIN);
  line = "  login   cram-md5 ";
  assert_int_equal(sw_auth_offered(line, strlen(line)), LOGIN | SW_AUTH_OFFERS_OTHER);
  line = "XOAUTH2 PLAINX";
  assert_int_equal(sw_auth_offered(line, strlen(line)), SW_AUTH_OFFERS_OTHER);
  assert_int_equal(sw_auth_offered("", 0), 0);
  /* Only the given length counts. */
  assert_int_equal(sw_auth_offered("PLAIN LOGIN", 5), PLAIN);
}

static void test_pick_prefers_plain_and_honours_force(void **state)
{
  (void)state;
  assert_int_equal(sw_auth_pick(PLAIN | LOGIN, SW_AUTH_MECH_AUTO), SW_AUTH_MECH_PLAIN);
  assert_int_equal(sw_auth_pick(LOGIN, SW_AUTH_MECH_AUTO), SW_AUTH_MECH_LOGIN);
  assert_int_equal(sw_auth_pick(SW_AUTH_OFFERS_OTHER, SW_AUTH_MECH_AUTO),
                   SW_AUTH_MECH_AUTO);
  assert_int_equal(sw_auth_pick(PLAIN | LOGIN, SW_AUTH_MECH_LOGIN), SW_AUTH_MECH_LOGIN);
  /* A forced mechanism that is not offered is not tried. */
  assert_int_equal(sw_auth_pick(PLAIN, SW_AUTH_MECH_LOGIN), SW_AUTH_MECH_AUTO);
  assert_int_equal(sw_auth_pick(PLAIN, (enum sw_auth_mech)99), SW_AUTH_MECH_AUTO);
}

static void test_names(void **state)
{
  (void)state;
  enum sw_auth_mech m;
  assert_true(sw_auth_mech_from_name("plain", &m));
  assert_int_equal(m, SW_AUTH_MECH_PLAIN);
  assert_true(sw_auth_mech_from_name("LOGIN", &m));
  assert_int_equal(m, SW_AUTH_MECH_LOGIN);
  assert_false(sw_auth_mech_from_name("CRAM-MD5", &m));
  assert_string_equal(sw_auth_mech_name(SW_AUTH_MECH_PLAIN), "PLAIN");
  assert_string_equal(sw_auth_mech_name((enum sw_auth_mech)7), "?");
}

static void test_responses(void **state)
{
  (void)state;
  char out[600];
  /* RFC 4616 section 4's example: "\0tim\0tanstaaftanstaaf". */
  assert_true(sw_auth_plain_response("tim", "tanstaaftanstaaf", out, sizeof out));
  assert_string_equal(out, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
  assert_true(sw_auth_login_response("tim", out, sizeof out));
  assert_string_equal(out, "dGlt");
  /* The longest credentials fit one AUTH PLAIN line; one octet more does
   * not go at all. */
  char user[SW_AUTH_CREDENTIALS_MAX + 2];
  memset(user, 'u', sizeof user);
  user[SW_AUTH_CREDENTIALS_MAX - 1] = '\0';
  assert_true(sw_auth_plain_response(user, "p", out, sizeof out));
  assert_true(strlen("AUTH PLAIN ") + strlen(out) <= 510);
  user[SW_AUTH_CREDENTIALS_MAX - 1] = 'u';
  user[SW_AUTH_CREDENTIALS_MAX] = '\0';
  assert_false(sw_auth_plain_response(user, "p", out, sizeof out));
  assert_false(sw_auth_plain_response("tim", "tanstaaftanstaaf", out, 10));
}

static void test_wipe(void **state)
{
  (void)state;
  char secret[8] = "hunter2";
  sw_auth_wipe(secret, sizeof secret);
  for (size_t i = 0; i < sizeof secret; i++)
    assert_int_equal(secret[i], 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_offered_mechanisms),
      cmocka_unit_test(test_pick_prefers_plain_and_honours_force),
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_responses),
      cmocka_unit_test(test_wipe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
