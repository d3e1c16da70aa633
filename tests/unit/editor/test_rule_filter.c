/* The rule list's filter box: what the typed text means (words in the
 * name or the host, state: words, what is refused and why), and the list
 * it leaves: only matching rows, in the sort order, found by rule id only
 * when shown, kept across a refresh and a re-sort, counted in the
 * summary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rule_filter.h"
#include "rule_rows.h"
#include "rule_rows_ids.h"

struct spec {
  int64_t id;
  const char *name, *host;
  bool enabled;
  const char *state; /* NULL: pending */
};

static const struct spec rules[] = {
    {1, "Relay Paris", "mx1.example.com", true, "OK"},
    {2, "relay london", "mx2.example.com", true, "CRITICAL"},
    {3, "Archive", "archive.example.net", false, "OK"},
    {4, "Backup MX", "mx9.example.org", true, NULL},
    {5, "Outbound", "smtp.example.com", true, "WARNING"},
    {6, "Legacy", "mx1.legacy.example", true, "UNKNOWN"},
};
#define RULES (sizeof rules / sizeof rules[0])

static void load(struct sw_rule_rows *r, const struct spec *specs, size_t n)
{
  struct sw_rule_row *rows = calloc(n, sizeof *rows);
  assert_non_null(rows);
  for (size_t i = 0; i < n; i++) {
    struct sw_pipe_status s;
    sw_pipe_status_init(&s);
    s.rule_id = specs[i].id;
    s.name = (char *)specs[i].name; /* borrowed: the row copies it */
    s.host = (char *)specs[i].host;
    s.port = 25;
    s.enabled = specs[i].enabled;
    s.has_state = specs[i].state != NULL;
    if (s.has_state)
      assert_true(
          sw_nagios_status_from_text(specs[i].state, strlen(specs[i].state), &s.state));
    assert_int_equal(sw_rule_row_from_status(&rows[i], &s), SW_E_OK);
  }
  assert_int_equal(sw_rule_rows_replace(r, rows, n), SW_E_OK);
}

/* Filters `r` by `typed`, which must parse. */
static void filter(struct sw_rule_rows *r, const char *typed)
{
  struct sw_rule_filter f;
  char why[256] = "untouched";
  assert_true(sw_rule_filter_parse(&f, typed, why, sizeof why));
  assert_string_equal(why, "");
  sw_rule_rows_set_filter(r, &f);
}

/* The rows shown once `r` is filtered by `typed`, as ids() says them. */
static const char *shows(struct sw_rule_rows *r, const char *typed)
{
  filter(r, typed);
  return ids(r);
}

/* Every test starts with the six rules loaded, sorted by name. */
static int loaded(void **state)
{
  struct sw_rule_rows *r = malloc(sizeof *r);
  assert_non_null(r);
  sw_rule_rows_init(r, NULL);
  load(r, rules, RULES);
  *state = r;
  return 0;
}

static int freed(void **state)
{
  sw_rule_rows_free(*state);
  free(*state);
  return 0;
}

static void words_match_name_or_host_in_any_case(void **state)
{
  struct sw_rule_rows *r = *state;
  assert_string_equal(shows(r, "RELAY"), "2,1");
  assert_string_equal(shows(r, "mx1"), "6,1"); /* by name: Legacy, Relay Paris */
  assert_string_equal(shows(r, "  relay   mx2 "),
                      "2"); /* both words, one in the name, one in the host */
  assert_string_equal(shows(r, "example.org"), "4");
  assert_string_equal(shows(r, "nothing-like-it"), "");
  assert_string_equal(shows(r, ""), "3,4,6,5,2,1");
}

static void states_filter_as_the_state_column_shows_them(void **state)
{
  struct sw_rule_rows *r = *state;
  assert_string_equal(shows(r, "state:critical"), "2");
  assert_string_equal(shows(r, "State:OK"),
                      "1"); /* the disabled Archive is Disabled, not OK */
  assert_string_equal(shows(r, "state:warning,critical"), "5,2");
  assert_string_equal(shows(r, "state:warning state:unknown"), "6,5");
  assert_string_equal(shows(r, "state:problem"), "6,5,2");
  assert_string_equal(shows(r, "state:pending"), "4");
  assert_string_equal(shows(r, "state:disabled"), "3");
  assert_string_equal(shows(r, "state:problem mx"), "6,2");
  assert_string_equal(shows(r, "state:"),
                      "3,4,6,5,2,1"); /* still being typed: every state */
}

static void what_cannot_be_a_filter_is_said_and_shows_everything(void **state)
{
  (void)state;
  struct sw_rule_filter f;
  char why[256];
  assert_false(sw_rule_filter_parse(&f, "mx state:broken", why, sizeof why));
  assert_string_equal(why, "Unknown state \"broken\": use ok, warning, critical, "
                           "unknown, pending, disabled or problem.");
  assert_true(sw_rule_filter_is_empty(&f));
  assert_false(
      sw_rule_filter_parse(&f, "a b c d e f g h i j k l m n o p q", why, sizeof why));
  assert_string_equal(why, "The filter has too many words: at most 16.");
  char long_text[300];
  memset(long_text, 'x', sizeof long_text - 1);
  long_text[sizeof long_text - 1] = '\0';
  assert_false(sw_rule_filter_parse(&f, long_text, why, sizeof why));
  assert_string_equal(why, "The filter is too long: at most 256 characters.");
  assert_true(sw_rule_filter_parse(&f, NULL, why, sizeof why));
  assert_true(sw_rule_filter_is_empty(&f));
  assert_true(sw_rule_filter_match(&f, NULL, NULL, 0));
}

static void hidden_rows_are_not_found_and_the_summary_counts_all(void **state)
{
  struct sw_rule_rows *r = *state;
  filter(r, "relay");
  assert_int_equal(sw_rule_rows_count(r), 2);
  assert_int_equal(sw_rule_rows_total(r), RULES);
  size_t row = 99;
  assert_true(sw_rule_rows_find(r, 1, &row));
  assert_int_equal(row, 1);
  assert_false(sw_rule_rows_find(r, 3, &row));
  assert_null(sw_rule_rows_at(r, 2));
  assert_false(sw_rule_rows_find_prefix(r, "arch", 0, &row));
  assert_true(sw_rule_rows_find_prefix(r, "relay p", 0, &row));
  assert_int_equal(row, 1);
  char text[200];
  sw_rule_rows_summary(r, text, sizeof text);
  assert_string_equal(text, "6 rules: 1 CRITICAL, 1 WARNING, 1 UNKNOWN, 1 OK, 1 pending, "
                            "1 disabled; 2 shown");
}

static void the_filter_stays_through_a_sort_and_a_refresh(void **state)
{
  struct sw_rule_rows *r = *state;
  assert_string_equal(shows(r, "example.com"), "5,2,1");
  sw_rule_rows_sort(r, SW_RULE_COL_STATE, true);
  assert_string_equal(ids(r), "2,5,1");
  /* The next refresh: rule 5 recovered, a new rule on example.com. */
  struct spec next[RULES + 1];
  memcpy(next, rules, sizeof rules);
  next[4].state = "OK";
  next[RULES] = (struct spec){7, "New", "new.example.com", true, "WARNING"};
  load(r, next, RULES + 1);
  assert_string_equal(ids(r), "2,7,1,5");
  filter(r, "");
  assert_int_equal(sw_rule_rows_count(r), RULES + 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(words_match_name_or_host_in_any_case, loaded,
                                      freed),
      cmocka_unit_test_setup_teardown(states_filter_as_the_state_column_shows_them,
                                      loaded, freed),
      cmocka_unit_test(what_cannot_be_a_filter_is_said_and_shows_everything),
      cmocka_unit_test_setup_teardown(
          hidden_rows_are_not_found_and_the_summary_counts_all, loaded, freed),
      cmocka_unit_test_setup_teardown(the_filter_stays_through_a_sort_and_a_refresh,
                                      loaded, freed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
