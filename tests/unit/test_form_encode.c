/* The body of an OAuth token request: what may stay as it is, what is
 * escaped, and the pairs joined by '&'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "form_encode.h"

static void test_client_credentials_body(void **state)
{
  (void)state;
  struct sw_buf b;
  sw_buf_init(&b, 0);
  assert_int_equal(sw_form_append(&b, "grant_type", "client_credentials"), SW_E_OK);
  assert_int_equal(
      sw_form_append(&b, "client_id", "6731de76-14a6-49ae-97bc-6eba6914391e"), SW_E_OK);
  /* A secret with every kind of octet an Entra ID secret may have. */
  assert_int_equal(sw_form_append(&b, "client_secret", "a+b/c=d&e~f g%h.i_j-k*l"),
                   SW_E_OK);
  assert_int_equal(sw_form_append(&b, "scope", "https://outlook.office365.com/.default"),
                   SW_E_OK);
  assert_string_equal(sw_buf_str(&b),
                      "grant_type=client_credentials"
                      "&client_id=6731de76-14a6-49ae-97bc-6eba6914391e"
                      "&client_secret=a%2Bb%2Fc%3Dd%26e%7Ef+g%25h.i_j-k*l"
                      "&scope=https%3A%2F%2Foutlook.office365.com%2F.default");
  sw_buf_free(&b);
}

static void test_utf8_and_controls_escaped(void **state)
{
  (void)state;
  struct sw_buf b;
  sw_buf_init(&b, 0);
  assert_int_equal(sw_form_append(&b, "n\xc3\xa4me", "M\xc3\xbcnchen\r\n\x7f"), SW_E_OK);
  assert_string_equal(sw_buf_str(&b), "n%C3%A4me=M%C3%BCnchen%0D%0A%7F");
  sw_buf_free(&b);
  assert_int_equal(sw_form_append(&b, "empty", ""), SW_E_OK);
  assert_string_equal(sw_buf_str(&b), "empty=");
  sw_buf_free(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_client_credentials_body),
      cmocka_unit_test(test_utf8_and_controls_escaped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
