/* The header-block reader (common/mailbox/header_block.c): fields in
 * order, folded values, the end of the header, lines that are not fields,
 * and the lexical pieces (comments, quoted strings) the parsers share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "header_block.h"

/* Compares a field's name and its unfolded value. */
static void assert_field(const struct sw_name_value *f, const char *name,
                         const char *value)
{
  struct sw_buf b;
  sw_buf_init(&b, 0);
  assert_int_equal(f->name_len, strlen(name));
  assert_memory_equal(f->name, name, f->name_len);
  assert_int_equal(sw_header_unfold(f->value, f->value_len, &b), SW_E_OK);
  assert_string_equal(sw_buf_str(&b), value);
  sw_buf_free(&b);
}

static void test_fields_in_order_until_the_body(void **state)
{
  (void)state;
  static const char msg[] =
      "Received: from a\r\n\tby b; Mon, 7 Dec 2026 10:00:00 +0000\r\n"
      "Subject: one\r\n  two\r\n"
      "X-Empty:\r\n"
      "Received: from c by d\r\n"
      "\r\n"
      "Received: in the body\r\n";
  struct sw_header_cursor c;
  struct sw_name_value f;
  sw_header_cursor_init(&c, msg, strlen(msg));
  assert_true(sw_header_next(&c, NULL, &f));
  assert_field(&f, "Received", "from a\tby b; Mon, 7 Dec 2026 10:00:00 +0000");
  assert_true(sw_header_next(&c, NULL, &f));
  assert_field(&f, "Subject", "one  two");
  assert_true(sw_header_next(&c, NULL, &f));
  assert_field(&f, "X-Empty", "");
  assert_true(sw_header_next(&c, NULL, &f));
  assert_field(&f, "Received", "from c by d");
  assert_false(sw_header_next(&c, NULL, &f));
  assert_false(sw_header_next(&c, NULL, &f)); /* stays at the end */

  /* By name, without regard to case: the body's line is not a field. */
  sw_header_cursor_init(&c, msg, strlen(msg));
  int n = 0;
  while (sw_header_next(&c, "RECEIVED", &f))
    n++;
  assert_int_equal(n, 2);
}

static void test_bare_lf_and_no_empty_line(void **state)
{
  (void)state;
  static const char msg[] = "To: a@b\n folded\nFrom: c@d"; /* no final line end */
  struct sw_header_cursor c;
  struct sw_name_value f;
  sw_header_cursor_init(&c, msg, strlen(msg));
  assert_true(sw_header_next(&c, NULL, &f));
  assert_field(&f, "To", "a@b folded");
  assert_true(sw_header_next(&c, NULL, &f));
  assert_field(&f, "From", "c@d");
  assert_false(sw_header_next(&c, NULL, &f));
}

/* Lines that are no fields are passed over with their continuations; a
 * space before the colon (obsolete syntax) is allowed. */
static void test_lines_that_are_not_fields(void **state)
{
  (void)state;
  static const char msg[] = "  orphan continuation\r\n"
                            "no colon here\r\n\tits continuation: x\r\n"
                            "Bad Name: has a space\r\n"
                            "Subject : spaced\r\n"
                            ": no name\r\n"
                            "X-Ok: yes\r\n";
  struct sw_header_cursor c;
  struct sw_name_value f;
  sw_header_cursor_init(&c, msg, strlen(msg));
  assert_true(sw_header_next(&c, NULL, &f));
  assert_field(&f, "Subject", "spaced");
  assert_true(sw_header_next(&c, NULL, &f));
  assert_field(&f, "X-Ok", "yes");
  assert_false(sw_header_next(&c, NULL, &f));
  sw_header_cursor_init(&c, NULL, 5); /* no block at all */
  assert_false(sw_header_next(&c, NULL, &f));
}

static void test_find_takes_the_first(void **state)
{
  (void)state;
  static const char msg[] = "A: 1\r\nb: 2\r\n\t 3 \r\nB: 4\r\n\r\n";
  struct sw_buf b;
  enum sw_error err = SW_E_OK;
  sw_buf_init(&b, 0);
  assert_true(sw_header_find(msg, strlen(msg), "B", &b, &err));
  assert_string_equal(sw_buf_str(&b), "2\t 3");
  sw_buf_free(&b);
  sw_buf_init(&b, 0);
  assert_false(sw_header_find(msg, strlen(msg), "C", &b, &err));
  assert_int_equal(err, SW_E_OK);
  assert_string_equal(sw_buf_str(&b), "");
  sw_buf_free(&b);
}

static void test_comments_and_quotes(void **state)
{
  (void)state;
  static const char s[] = " (a (nested \\) one) here)\t x";
  assert_int_equal(sw_header_skip_cfws(s, strlen(s), 0), strlen(s) - 1);
  static const char open[] = "(never closed";
  assert_int_equal(sw_header_skip_cfws(open, strlen(open), 0), strlen(open));
  static const char q[] = "\"a \\\" b\" rest";
  assert_int_equal(sw_header_skip_quoted(q, strlen(q), 0), 8);
  assert_int_equal(sw_header_skip_quoted("\"open", 5, 0), 5);

  /* ';' in comments and quoted strings separates nothing. */
  static const char v[] = "a (x;y) \"p;q\" b; c";
  size_t semi = sw_header_find_outside(v, strlen(v), 0, ';');
  assert_int_equal(semi, strlen(v) - 3);
  assert_int_equal(sw_header_find_outside(v, strlen(v), semi + 1, ';'), strlen(v));

  assert_true(sw_header_word_is("ReCeIvEd", 8, "received"));
  assert_false(sw_header_word_is("Receive", 7, "received"));
  assert_false(sw_header_word_is("Received2", 9, "received"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fields_in_order_until_the_body),
      cmocka_unit_test(test_bare_lf_and_no_empty_line),
      cmocka_unit_test(test_lines_that_are_not_fields),
      cmocka_unit_test(test_find_takes_the_first),
      cmocka_unit_test(test_comments_and_quotes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
