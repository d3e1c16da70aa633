/* SMTP AUTH's pieces: the mechanisms read from an EHLO AUTH line, which one
 * is used, and the responses as RFC 4616, the LOGIN draft and RFC 2195
 * (CRAM-MD5) have them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "smtp_auth.h"

#define PLAIN SW_AUTH_OFFERS(SW_AUTH_MECH_PLAIN)
#define LOGIN SW_AUTH_OFFERS(SW_AUTH_MECH_LOGIN)
#define CRAM SW_AUTH_OFFERS(SW_AUTH_MECH_CRAM_MD5)

static void test_offered_mechanisms(void **state)
{
  (void)state;
  const char *line = "PLAIN LOGIN";
  assert_int_equal(sw_auth_offered(line, strlen(line)), PLAIN | LOGIN);
  line = "  login   cram-md5 GSSAPI ";
  assert_int_equal(sw_auth_offered(line, strlen(line)),
                   LOGIN | CRAM | SW_AUTH_OFFERS_OTHER);
  line = "NTLM PLAINX CRAM-MD";
  assert_int_equal(sw_auth_offered(line, strlen(line)), SW_AUTH_OFFERS_OTHER);
  assert_int_equal(sw_auth_offered("", 0), 0);
  /* Only the given length counts. */
  assert_int_equal(sw_auth_offered("PLAIN LOGIN", 5), PLAIN);
}

static void test_pick_order_and_force(void **state)
{
  (void)state;
  const unsigned all = PLAIN | LOGIN | CRAM;
  /* Over TLS: PLAIN, else LOGIN, else CRAM-MD5. */
  assert_int_equal(sw_auth_pick(all, SW_AUTH_MECH_AUTO, true), SW_AUTH_MECH_PLAIN);
  assert_int_equal(sw_auth_pick(LOGIN | CRAM, SW_AUTH_MECH_AUTO, true),
                   SW_AUTH_MECH_LOGIN);
  assert_int_equal(sw_auth_pick(CRAM, SW_AUTH_MECH_AUTO, true), SW_AUTH_MECH_CRAM_MD5);
  /* Without TLS (plain text allowed): CRAM-MD5 first, it hides the
   * password; then PLAIN, then LOGIN. */
  assert_int_equal(sw_auth_pick(all, SW_AUTH_MECH_AUTO, false), SW_AUTH_MECH_CRAM_MD5);
  assert_int_equal(sw_auth_pick(PLAIN | LOGIN, SW_AUTH_MECH_AUTO, false),
                   SW_AUTH_MECH_PLAIN);
  assert_int_equal(sw_auth_pick(LOGIN, SW_AUTH_MECH_AUTO, false), SW_AUTH_MECH_LOGIN);
  assert_int_equal(sw_auth_pick(SW_AUTH_OFFERS_OTHER, SW_AUTH_MECH_AUTO, true),
                   SW_AUTH_MECH_AUTO);
  assert_int_equal(sw_auth_pick(0, SW_AUTH_MECH_AUTO, false), SW_AUTH_MECH_AUTO);
  /* Forced: used when offered, whatever the order says. */
  assert_int_equal(sw_auth_pick(all, SW_AUTH_MECH_LOGIN, false), SW_AUTH_MECH_LOGIN);
  assert_int_equal(sw_auth_pick(all, SW_AUTH_MECH_CRAM_MD5, true), SW_AUTH_MECH_CRAM_MD5);
  /* A forced mechanism that is not offered is not tried. */
  assert_int_equal(sw_auth_pick(PLAIN, SW_AUTH_MECH_LOGIN, true), SW_AUTH_MECH_AUTO);
  assert_int_equal(sw_auth_pick(PLAIN | LOGIN, SW_AUTH_MECH_CRAM_MD5, false),
                   SW_AUTH_MECH_AUTO);
  assert_int_equal(sw_auth_pick(PLAIN, (enum sw_auth_mech)99, true), SW_AUTH_MECH_AUTO);
}

static void test_names(void **state)
{
  (void)state;
  enum sw_auth_mech m;
  assert_true(sw_auth_mech_from_name("plain", &m));
  assert_int_equal(m, SW_AUTH_MECH_PLAIN);
  assert_true(sw_auth_mech_from_name("LOGIN", &m));
  assert_int_equal(m, SW_AUTH_MECH_LOGIN);
  assert_true(sw_auth_mech_from_name("cram-md5", &m));
  assert_int_equal(m, SW_AUTH_MECH_CRAM_MD5);
  assert_string_equal(sw_auth_mech_name(SW_AUTH_MECH_CRAM_MD5), "CRAM-MD5");
  assert_false(sw_auth_mech_from_name("CRAM-SHA1", &m));
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

static void test_cram_md5_response(void **state)
{
  (void)state;
  char out[600];
  /* RFC 2195 section 2's example, byte for byte. */
  const char *challenge = "<1896.697170952@postoffice.reston.mci.net>";
  assert_true(sw_auth_cram_md5_response("tim", "tanstaaftanstaaf", challenge,
                                        strlen(challenge), out, sizeof out));
  assert_string_equal(out, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
  /* The longest user name still fits one line; one octet more is refused. */
  char user[SW_AUTH_USER_MAX + 2];
  memset(user, 'u', sizeof user);
  user[SW_AUTH_USER_MAX] = '\0';
  assert_true(sw_auth_cram_md5_response(user, "p", "c", 1, out, sizeof out));
  assert_true(strlen(out) <= 510);
  user[SW_AUTH_USER_MAX] = 'u';
  user[SW_AUTH_USER_MAX + 1] = '\0';
  assert_false(sw_auth_cram_md5_response(user, "p", "c", 1, out, sizeof out));
  assert_false(sw_auth_cram_md5_response("tim", "p", "c", 1, out, 20));
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
      cmocka_unit_test(test_pick_order_and_force),
      cmocka_unit_test(test_cram_md5_response),
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_responses),
      cmocka_unit_test(test_wipe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
