/* What `smtpwatch rules list` and friends print: aligned text for people,
 * CSV a spreadsheet opens as is, JSON a script parses, and one record as
 * "Title: value" lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "table_output.h"

static const struct sw_table_column cols[] = {
    {"id", "ID", true, false},
    {"name", "Name", false, false},
    {"state", "State", false, false},
};

static void fill(struct sw_table *t)
{
  sw_table_init(t, cols, 3);
  sw_table_cell(t, "1");
  sw_table_cell(t, "Relais \xc3\xa9t\xc3\xa9"); /* "été": 3 code points, 5 bytes */
  sw_table_cell(t, "OK");
  sw_table_cellf(t, "%d", 12);
  sw_table_cell(t, "a, \"quoted\"\nname");
  sw_table_cell(t, NULL);
}

static const char *render(struct sw_table *t, enum sw_table_format f, size_t max,
                          struct sw_buf *out)
{
  sw_buf_init(out, 0);
  assert_int_equal(sw_table_render(t, f, max, out), SW_E_OK);
  return sw_buf_str(out);
}

/* Event Log messages have CRLF line breaks; a control byte from a server
 * must not reach the terminal. */
static void line_breaks_and_controls_in_cells(void **state)
{
  (void)state;
  static const struct sw_table_column one[] = {{.key = "m", .title = "M"}};
  struct sw_table t;
  sw_table_init(&t, one, 1);
  sw_table_cell(&t, "first\r\nsecond\x1b[31m");
  struct sw_buf out;
  assert_string_equal(render(&t, SW_TABLE_TEXT, 0, &out), "M\nfirst / second?[31m\n");
  sw_buf_free(&out);
  sw_table_free(&t);
}

static void text_columns_line_up_by_code_points(void **state)
{
  (void)state;
  struct sw_table t;
  fill(&t);
  assert_int_equal(sw_table_rows(&t), 2);
  struct sw_buf out;
  /* The line break in a cell is shown as " / ": one line per row. */
  assert_string_equal(render(&t, SW_TABLE_TEXT, 0, &out),
                      "ID  Name                State\n"
                      "1   Relais \xc3\xa9t\xc3\xa9          OK\n"
                      "12  a, \"quoted\" / name  \n");
  sw_buf_free(&out);
  assert_string_equal(render(&t, SW_TABLE_TEXT, 8, &out), "ID  Name      State\n"
                                                          "1   Relai...  OK\n"
                                                          "12  a, \"q...  \n");
  sw_buf_free(&out);
  sw_table_free(&t);
}

static void csv_quotes_what_needs_it(void **state)
{
  (void)state;
  struct sw_table t;
  fill(&t);
  struct sw_buf out;
  assert_string_equal(render(&t, SW_TABLE_CSV, 0, &out),
                      "id,name,state\r\n"
                      "1,Relais \xc3\xa9t\xc3\xa9,OK\r\n"
                      "12,\"a, \"\"quoted\"\"\nname\",\r\n");
  sw_buf_free(&out);
  sw_table_free(&t);
}

static void json_has_numbers_and_escapes(void **state)
{
  (void)state;
  struct sw_table t;
  fill(&t);
  struct sw_buf out;
  assert_string_equal(
      render(&t, SW_TABLE_JSON, 0, &out),
      "[{\"id\":1,\"name\":\"Relais \xc3\xa9t\xc3\xa9\",\"state\":\"OK\"},"
      "{\"id\":12,\"name\":\"a, \\\"quoted\\\"\\nname\",\"state\":\"\"}]\n");
  sw_buf_free(&out);
  sw_table_free(&t);
  /* No rows: still a valid document. */
  sw_table_init(&t, cols, 3);
  assert_string_equal(render(&t, SW_TABLE_JSON, 0, &out), "[]\n");
  sw_buf_free(&out);
  sw_table_free(&t);
}

static void one_record_for_show(void **state)
{
  (void)state;
  struct sw_table t;
  fill(&t);
  struct sw_buf out;
  sw_buf_init(&out, 0);
  assert_int_equal(sw_table_render_record(&t, 0, SW_TABLE_TEXT, &out), SW_E_OK);
  assert_string_equal(sw_buf_str(&out), "ID:    1\n"
                                        "Name:  Relais \xc3\xa9t\xc3\xa9\n"
                                        "State: OK\n");
  sw_buf_free(&out);
  sw_buf_init(&out, 0);
  assert_int_equal(sw_table_render_record(&t, 1, SW_TABLE_JSON, &out), SW_E_OK);
  assert_string_equal(
      sw_buf_str(&out),
      "{\"id\":12,\"name\":\"a, \\\"quoted\\\"\\nname\",\"state\":\"\"}\n");
  sw_buf_free(&out);
  sw_buf_init(&out, 0);
  assert_int_equal(sw_table_render_record(&t, 2, SW_TABLE_JSON, &out),
                   SW_E_INVALID_ARGUMENT);
  sw_buf_free(&out);
  sw_table_free(&t);
}

static void json_booleans(void **state)
{
  (void)state;
  /* A boolean column is true/false/null in JSON, its words elsewhere. */
  static const struct sw_table_column flags[] = {{"enabled", "Enabled", false, true}};
  struct sw_table t;
  sw_table_init(&t, flags, 1);
  sw_table_cell(&t, "true");
  sw_table_cell(&t, "false");
  sw_table_cell(&t, NULL);
  sw_table_cell(&t, "maybe");
  struct sw_buf out;
  assert_string_equal(render(&t, SW_TABLE_JSON, 0, &out),
                      "[{\"enabled\":true},{\"enabled\":false},{\"enabled\":null},"
                      "{\"enabled\":\"maybe\"}]\n");
  sw_buf_free(&out);
  assert_string_equal(render(&t, SW_TABLE_CSV, 0, &out),
                      "enabled\r\ntrue\r\nfalse\r\n\r\nmaybe\r\n");
  sw_buf_free(&out);
  sw_table_free(&t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(text_columns_line_up_by_code_points),
      cmocka_unit_test(line_breaks_and_controls_in_cells),
      cmocka_unit_test(csv_quotes_what_needs_it),
      cmocka_unit_test(json_has_numbers_and_escapes),
      cmocka_unit_test(one_record_for_show),
      cmocka_unit_test(json_booleans),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
