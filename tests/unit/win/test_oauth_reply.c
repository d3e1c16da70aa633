/* What the token endpoint's answers mean: a Bearer token and its lifetime,
 * an OAuth error as a sentence with its code, and never the secret in a
 * sentence even when the endpoint echoes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "oauth_reply.h"

#define SECRET "Qx8~secret.VALUE_4711"

static bool read_answer(int status, const char *body, struct sw_oauth_token *t,
                        char *detail, size_t size)
{
  return sw_oauth_reply_read(status, body, strlen(body), SECRET, t, detail, size);
}

static void test_entra_token(void **state)
{
  (void)state;
  struct sw_oauth_token t;
  char detail[256];
  /* Entra ID v2.0's answer; v1.0 sends expires_in as a string. */
  assert_true(read_answer(200,
                          "{\"token_type\":\"Bearer\",\"expires_in\":3599,"
                          "\"ext_expires_in\":3599,\"access_token\":\"eyJ0eXAi.x.y\"}",
                          &t, detail, sizeof detail));
  assert_string_equal(t.access_token, "eyJ0eXAi.x.y");
  assert_int_equal(t.expires_in_s, 3599);
  sw_oauth_token_free(&t);
  assert_null(t.access_token);
  assert_true(read_answer(200,
                          "{\"token_type\":\"bearer\",\"expires_in\":\"3600\","
                          "\"access_token\":\"tok\"}",
                          &t, detail, sizeof detail));
  assert_int_equal(t.expires_in_s, 3600);
  sw_oauth_token_free(&t);
  /* No lifetime: a token all the same, kept by nobody. */
  assert_true(read_answer(200, "{\"token_type\":\"Bearer\",\"access_token\":\"tok\"}", &t,
                          detail, sizeof detail));
  assert_int_equal(t.expires_in_s, 0);
  sw_oauth_token_free(&t);
}

static void test_bad_success_answers(void **state)
{
  (void)state;
  struct sw_oauth_token t;
  char detail[256];
  assert_false(read_answer(200, "<html>proxy login</html>", &t, detail, sizeof detail));
  assert_string_equal(detail, "the token endpoint answered 200 without a JSON object");
  assert_false(
      read_answer(200, "{\"token_type\":\"Bearer\"}", &t, detail, sizeof detail));
  assert_string_equal(detail, "the token endpoint answered 200 without an access_token");
  assert_false(read_answer(200, "{\"token_type\":\"mac\",\"access_token\":\"tok\"}", &t,
                           detail, sizeof detail));
  assert_string_equal(detail, "the token endpoint gave a token of type \"mac\"; XOAUTH2 "
                              "needs a Bearer token");
  assert_null(t.access_token);
  assert_false(sw_oauth_reply_read(200, "", 0, SECRET, &t, detail, sizeof detail));
}

static void test_refusals_name_their_code(void **state)
{
  (void)state;
  struct sw_oauth_token t;
  char detail[256];
  assert_false(read_answer(401,
                           "{\"error\":\"invalid_client\",\"error_description\":"
                           "\"AADSTS7000215: Invalid client secret provided.\","
                           "\"error_codes\":[7000215]}",
                           &t, detail, sizeof detail));
  assert_string_equal(detail, "the token endpoint refused the client (HTTP 401): "
                              "invalid_client (AADSTS7000215: Invalid client secret "
                              "provided.)");
  assert_false(
      read_answer(400, "{\"error\":\"invalid_scope\"}", &t, detail, sizeof detail));
  assert_string_equal(detail,
                      "the token endpoint refused the client (HTTP 400): invalid_scope");
  assert_false(read_answer(503, "Service Unavailable", &t, detail, sizeof detail));
  assert_string_equal(detail,
                      "the token endpoint answered HTTP 503 without an OAuth error");
  /* An endpoint that quotes the secret, with a control sequence. */
  assert_false(read_answer(401,
                           "{\"error\":\"invalid_client\",\"error_description\":"
                           "\"secret '" SECRET "' is wrong\\u001b[2J\"}",
                           &t, detail, sizeof detail));
  assert_null(strstr(detail, "secret.VALUE"));
  assert_non_null(strstr(detail, "secret '****' is wrong\\x1B[2J"));
  /* A long description is cut, and the sentence still fits a result. */
  char body[2048];
  snprintf(body, sizeof body,
           "{\"error\":\"invalid_request\",\"error_description\":\"%0*d\"}", 1500, 7);
  assert_false(read_answer(400, body, &t, detail, sizeof detail));
  assert_true(strlen(detail) < 256);
  assert_non_null(strstr(detail, "invalid_request (000"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_entra_token),
      cmocka_unit_test(test_bad_success_answers),
      cmocka_unit_test(test_refusals_name_their_code),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
