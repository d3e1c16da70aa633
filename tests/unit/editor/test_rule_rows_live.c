/* The editor's list kept up to date by pushes: what the user sees after a
 * rule's state changed, a rule was added, edited or deleted elsewhere, and
 * that the sort and the rows' text are those of a full refresh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rule_rows_live.h"

/* Two rules as a refresh shows them: 1 "beta" OK in 12 ms, 2 "alpha"
 * never checked. */
static void two_rows(struct sw_rule_rows *r)
{
  sw_rule_rows_init(r, NULL);
  struct sw_rule_row *rows = calloc(2, sizeof *rows);
  assert_non_null(rows);
  struct sw_pipe_status s;
  sw_pipe_status_init(&s);
  s.rule_id = 1;
  s.name = "beta";
  s.host = "b.example.com";
  s.port = 25;
  s.enabled = true;
  s.has_state = true;
  s.has_result = true;
  s.last.started_at_ms = 5000;
  s.last.check.total_us = 12000;
  strcpy(s.last.message, "250 OK");
  assert_int_equal(sw_rule_row_from_status(&rows[0], &s), SW_E_OK);
  sw_pipe_status_init(&s);
  s.rule_id = 2;
  s.name = "alpha";
  s.host = "a.example.com";
  s.port = 587;
  s.enabled = true;
  assert_int_equal(sw_rule_row_from_status(&rows[1], &s), SW_E_OK);
  assert_int_equal(sw_rule_rows_replace(r, rows, 2), SW_E_OK);
}

static void cell(const struct sw_rule_rows *r, size_t row, enum sw_rule_column c,
                 const char *want)
{
  char text[256];
  sw_rule_rows_cell(r, row, c, text, sizeof text);
  assert_string_equal(text, want);
}

static void state_push_changes_the_row(void **state)
{
  (void)state;
  struct sw_rule_rows r;
  two_rows(&r);
  struct sw_pipe_rule_state st;
  sw_pipe_rule_state_init(&st);
  st.rule_id = 1;
  st.state = SW_NAGIOS_CRITICAL;
  st.failures = 3;
  st.last_result_at_ms = 9000;
  st.last_outcome = SW_OUTCOME_REFUSED;
  st.message = "Connection refused";
  st.acked = true;
  struct sw_pipe_rule_state unknown = st;
  unknown.rule_id = 77; /* not in the list: skipped */
  struct sw_pipe_rule_state states[] = {st, unknown};
  struct sw_pipe_push push = {.states = states, .state_count = 2};
  for (size_t i = 0; i < r.count; i++)
    r.rows[i].uptime[SW_UPTIME_DAY] = 9993; /* fetched by REPORT, not pushed */
  assert_int_equal(sw_rule_rows_apply_push(&r, &push), SW_E_OK);
  assert_int_equal(sw_rule_rows_count(&r), 2);
  size_t row;
  assert_true(sw_rule_rows_find(&r, 1, &row));
  cell(&r, row, SW_RULE_COL_NAME, "beta"); /* the rule's own fields stay */
  cell(&r, row, SW_RULE_COL_SERVER, "b.example.com:25");
  cell(&r, row, SW_RULE_COL_STATE, "CRITICAL, acknowledged");
  cell(&r, row, SW_RULE_COL_RESPONSE, ""); /* refused: no answer */
  cell(&r, row, SW_RULE_COL_MESSAGE, "Connection refused");
  cell(&r, row, SW_RULE_COL_UP_DAY, "99.93 %"); /* the push keeps the figures */
  assert_int_equal(sw_rule_rows_icon(&r, row), SW_RULE_ICON_CRITICAL);
  /* sorted by state, descending: CRITICAL first */
  sw_rule_rows_sort(&r, SW_RULE_COL_STATE, true);
  assert_int_equal(sw_rule_rows_at(&r, 0)->rule_id, 1);
  sw_rule_rows_free(&r);
}

static void rule_changes_add_edit_and_delete_rows(void **state)
{
  (void)state;
  struct sw_rule_rows r;
  two_rows(&r);
  struct sw_pipe_rule_change changes[3];
  memset(changes, 0, sizeof changes);
  changes[0].kind = SW_PIPE_CHANGE_ADDED;
  changes[0].rule_id = 3;
  changes[0].has_rule = true;
  sw_rule_init_defaults(&changes[0].rule.rule);
  changes[0].rule.rule.id = 3;
  sw_rule_set_string(&changes[0].rule.rule.name, "gamma");
  sw_rule_set_string(&changes[0].rule.rule.host, "c.example.com");
  changes[1].kind = SW_PIPE_CHANGE_UPDATED;
  changes[1].rule_id = 1;
  changes[1].has_rule = true;
  sw_rule_init_defaults(&changes[1].rule.rule);
  changes[1].rule.rule.id = 1;
  sw_rule_set_string(&changes[1].rule.rule.name, "beta renamed");
  sw_rule_set_string(&changes[1].rule.rule.host, "b2.example.com");
  changes[1].rule.rule.enabled = false;
  changes[2].kind = SW_PIPE_CHANGE_DELETED;
  changes[2].rule_id = 2;
  struct sw_pipe_push push = {.changes = changes, .change_count = 3};
  assert_int_equal(sw_rule_rows_apply_push(&r, &push), SW_E_OK);
  assert_int_equal(sw_rule_rows_count(&r), 2);
  size_t row;
  assert_false(sw_rule_rows_find(&r, 2, &row)); /* deleted */
  assert_true(sw_rule_rows_find(&r, 3, &row));
  cell(&r, row, SW_RULE_COL_NAME, "gamma");
  cell(&r, row, SW_RULE_COL_STATE, "Pending");
  assert_true(sw_rule_rows_find(&r, 1, &row));
  cell(&r, row, SW_RULE_COL_NAME, "beta renamed");
  cell(&r, row, SW_RULE_COL_SERVER, "b2.example.com:25");
  cell(&r, row, SW_RULE_COL_STATE, "Disabled");
  cell(&r, row, SW_RULE_COL_MESSAGE, "250 OK"); /* its last check stays */
  /* sorted by name, as before: "beta renamed" before "gamma" */
  assert_int_equal(sw_rule_rows_at(&r, 0)->rule_id, 1);
  assert_int_equal(sw_rule_rows_at(&r, 1)->rule_id, 3);
  for (size_t i = 0; i < 2; i++)
    sw_rule_free(&changes[i].rule.rule);
  /* the last rule deleted: an empty list */
  struct sw_pipe_rule_change gone[2] = {{.kind = SW_PIPE_CHANGE_DELETED, .rule_id = 1},
                                        {.kind = SW_PIPE_CHANGE_DELETED, .rule_id = 3}};
  struct sw_pipe_push last = {.changes = gone, .change_count = 2};
  assert_int_equal(sw_rule_rows_apply_push(&r, &last), SW_E_OK);
  assert_int_equal(sw_rule_rows_count(&r), 0);
  sw_rule_rows_free(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(state_push_changes_the_row),
      cmocka_unit_test(rule_changes_add_edit_and_delete_rows),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
