/* The client's side of `rules export` and `rules import`: the command
 * line, the file's rows cut into IMPORT_ROWS requests that each fit a
 * frame, and the service's IMPORT_OK told to people and scripts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "manage_fixture.h"
#include "rule_import.h"

static void test_command_lines(void **state)
{
  (void)state;
  struct parsed p;
  char *imp[] = {"rules", "import", "rules.json", "--dry-run", "--replace"};
  parses_ok(&p, ARGC(imp), imp);
  assert_int_equal(p.a.verb, SW_MANAGE_RULES_IMPORT);
  assert_string_equal(p.a.file, "rules.json");
  assert_true(p.a.dry_run && p.a.replace);
  done(&p);
  char *exp[] = {"rules", "export"};
  parses_ok(&p, ARGC(exp), exp);
  assert_int_equal(p.a.format, SW_TABLE_JSON); /* JSON unless --csv */
  done(&p);
  char *as_csv[] = {"rules", "export", "--csv"};
  parses_ok(&p, ARGC(as_csv), as_csv);
  assert_int_equal(p.a.format, SW_TABLE_CSV);
  done(&p);
  char *none[] = {"rules", "import"};
  assert_non_null(strstr(errors_of(&p, ARGC(none), none), "rules import needs the file"));
  done(&p);
  char *two[] = {"rules", "import", "a.json", "b.json"};
  assert_non_null(strstr(errors_of(&p, ARGC(two), two), "Unexpected argument 'b.json'"));
  done(&p);
}

/* 3,000 rules go in several requests, each under the chunk plus one
 * record, the first marked IMPORT_FIRST, every row with its line. */
static void test_rows_are_cut_into_frames(void **state)
{
  (void)state;
  struct sw_rule_file f = {0};
  f.count = 3000;
  f.rows = calloc(f.count, sizeof *f.rows);
  assert_non_null(f.rows);
  char name[32];
  for (size_t i = 0; i < f.count; i++) {
    sw_rule_init_defaults(&f.rows[i].rule);
    snprintf(name, sizeof name, "rule %05u", (unsigned)i);
    sw_rule_set_string(&f.rows[i].rule.name, name);
    sw_rule_set_string(&f.rows[i].rule.host, "mx.example.com");
    sw_rule_set_string(&f.rows[i].rule.expect,
                       "a fairly long expected text to fill frames "
                       "faster than names alone would do it ....");
    f.rows[i].line = (unsigned)(5 + 31 * i);
  }
  size_t next = 0, requests = 0, rows = 0;
  while (next < f.count) {
    struct sw_buf fields;
    sw_buf_init(&fields, 0);
    size_t before = next;
    sw_manage_import_rows(&f, &next, &fields);
    assert_true(next > before);
    assert_true(fields.len < SW_MANAGE_IMPORT_CHUNK + 4096);
    struct sw_tlv_reader r;
    struct sw_tlv_field x;
    sw_tlv_reader_init(&r, (const uint8_t *)fields.data, fields.len);
    bool first = false;
    int64_t line = 0;
    while (sw_tlv_next(&r, &x)) {
      if (x.tag == SW_PIPE_TAG_IMPORT_FIRST)
        first = true;
      else if (x.tag == SW_PIPE_TAG_IMPORT_LINE)
        line = x.i;
      else if (x.type == SW_TLV_BEGIN) {
        struct sw_pipe_rule pr;
        assert_int_equal(sw_pipe_get_rule(&r, &pr), SW_E_OK);
        assert_string_equal(pr.rule.name, f.rows[rows].rule.name);
        assert_int_equal(line, f.rows[rows].line);
        sw_rule_free(&pr.rule);
        rows++;
      }
    }
    assert_false(r.error);
    assert_int_equal(first, requests == 0);
    requests++;
    sw_buf_free(&fields);
  }
  assert_int_equal(rows, f.count);
  assert_true(requests > 1);
  sw_rule_file_free(&f);
}

static void test_plan_for_people_and_scripts(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_tlv_put_bool(&body, SW_PIPE_TAG_IMPORT_DRY_RUN, true);
  sw_tlv_put_bool(&body, SW_PIPE_TAG_IMPORT_REPLACE, true);
  sw_tlv_put_int(&body, SW_PIPE_TAG_IMPORT_ADDED, 1);
  sw_tlv_put_int(&body, SW_PIPE_TAG_IMPORT_UPDATED, 1);
  sw_tlv_put_int(&body, SW_PIPE_TAG_IMPORT_UNCHANGED, 1);
  sw_tlv_put_int(&body, SW_PIPE_TAG_IMPORT_DELETED, 3);
  sw_tlv_put_str(&body, SW_PIPE_TAG_IMPORT_ACTIONS, "ua=");
  sw_tlv_put_str(&body, SW_PIPE_TAG_IMPORT_DELETED_NAME, "old");
  struct sw_manage_import_result res;
  assert_int_equal(sw_manage_import_read((const uint8_t *)body.data, body.len, &res),
                   SW_E_OK);
  struct sw_rule_file f = {0};
  struct sw_rule_file_row rows[3];
  const char *names[] = {"a", "b", "c"};
  for (size_t i = 0; i < 3; i++) {
    sw_rule_init_defaults(&rows[i].rule);
    rows[i].rule.name = (char *)names[i];
    rows[i].line = (unsigned)(i + 2);
  }
  f.rows = rows;
  f.count = 3;
  struct sw_buf out;
  sw_buf_init(&out, 0);
  assert_int_equal(sw_manage_import_text(&f, &res, false, true, &out), SW_E_OK);
  assert_string_equal(sw_buf_str(&out),
                      "  updated    a (line 2)\n"
                      "  added      b (line 3)\n"
                      "  unchanged  c (line 4)\n"
                      "  deleted    old\n"
                      "  ... and 2 more rules deleted\n"
                      "Dry run, nothing was changed: would be 1 added, 1 updated, "
                      "1 unchanged, 3 deleted.\n");
  out.len = 0;
  assert_int_equal(sw_manage_import_text(&f, &res, true, false, &out), SW_E_OK);
  assert_non_null(
      strstr(sw_buf_str(&out), "{\"name\":\"b\",\"line\":3,\"action\":\"added\"}"));
  assert_non_null(strstr(sw_buf_str(&out), "\"deleted\":3"));
  sw_buf_free(&out);
  sw_manage_import_result_free(&res);
  /* A count of the wrong type is not read as 0. */
  body.len = 0;
  sw_tlv_put_str(&body, SW_PIPE_TAG_IMPORT_ADDED, "1");
  assert_int_equal(sw_manage_import_read((const uint8_t *)body.data, body.len, &res),
                   SW_E_INVALID_ARGUMENT);
  sw_buf_free(&body);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_command_lines),
      cmocka_unit_test(test_rows_are_cut_into_frames),
      cmocka_unit_test(test_plan_for_people_and_scripts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
