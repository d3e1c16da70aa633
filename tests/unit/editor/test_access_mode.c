/* The editor's access mode: a token that is not an administrator's, or
 * /readonly, makes the editor read-only (no add, change, delete, enable,
 * save or test of an unsaved rule; view, test now of a saved rule,
 * history and refresh stay), and the banner says why and what to do;
 * an administrator's token gets the full editor; the command line knows
 * /readonly and refuses anything else with a sentence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "access_mode.h"

static bool parse(const char *args, bool *read_only, char *why, size_t size)
{
  *read_only = true; /* must be reset */
  return sw_access_mode_parse_args(args, read_only, why, size);
}

static void command_line_knows_readonly(void **state)
{
  (void)state;
  char why[256] = "x";
  bool ro;
  assert_true(parse(NULL, &ro, why, sizeof why));
  assert_false(ro);
  assert_string_equal(why, "");
  assert_true(parse("", &ro, why, sizeof why));
  assert_false(ro);
  assert_true(parse("  \t ", &ro, why, sizeof why));
  assert_false(ro);
  const char *yes[] = {"/readonly",   "/ReadOnly",     "-READONLY",
                       " /readonly ", "\"/readonly\"", "/readonly /readonly"};
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    if (!parse(yes[i], &ro, why, sizeof why) || !ro)
      fail_msg("%s is not taken as /readonly", yes[i]);
  }
}

static void command_line_refuses_anything_else(void **state)
{
  (void)state;
  char why[256];
  bool ro;
  assert_false(parse("/read-only", &ro, why, sizeof why));
  assert_string_equal(why, "The editor does not know the option \"/read-only\". Its one "
                           "option is /readonly: look at the rules without being able "
                           "to change them.");
  const char *no[] = {"readonly", "/readonlyx",  "/readonl",
                      "/",        "/readonly x", "x /readonly"};
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    if (parse(no[i], &ro, why, sizeof why))
      fail_msg("%s is taken", no[i]);
    assert_non_null(strstr(why, "does not know the option"));
  }
  /* A quoted argument is named without its quotes; the sentence is cut
   * to fit. */
  assert_false(parse("/readonly \"C:\\x y\"", &ro, why, sizeof why));
  assert_non_null(strstr(why, "\"C:\\x y\""));
  char small[12];
  assert_false(parse("/x", &ro, small, sizeof small));
  assert_string_equal(small, "The editor ");
  assert_false(parse("/x", &ro, small, 0));
}

static void the_token_decides_unless_readonly_is_asked(void **state)
{
  (void)state;
  struct sw_access_mode m = sw_access_mode_decide(false, true);
  assert_false(m.read_only);
  assert_int_equal(m.why, SW_ACCESS_ADMIN);
  m = sw_access_mode_decide(false, false);
  assert_true(m.read_only);
  assert_int_equal(m.why, SW_ACCESS_NOT_ADMIN);
  m = sw_access_mode_decide(true, true);
  assert_true(m.read_only);
  assert_int_equal(m.why, SW_ACCESS_ASKED);
  m = sw_access_mode_decide(true, false);
  assert_true(m.read_only);
  assert_int_equal(m.why, SW_ACCESS_ASKED);
  m = sw_access_mode_refused();
  assert_true(m.read_only);
  assert_int_equal(m.why, SW_ACCESS_REFUSED);
}

static void read_only_allows_what_the_service_allows_anyone(void **state)
{
  (void)state;
  const struct {
    enum sw_access_command command;
    bool read_only_allows;
  } table[] = {
      {SW_ACCESS_ADD, false},       {SW_ACCESS_EDIT, true},
      {SW_ACCESS_DELETE, false},    {SW_ACCESS_ENABLE, false},
      {SW_ACCESS_SAVE, false},      {SW_ACCESS_TEST_SAVED, true},
      {SW_ACCESS_TEST_FORM, false}, {SW_ACCESS_HISTORY, true},
      {SW_ACCESS_REFRESH, true},    {SW_ACCESS_ACK, false},
  };
  struct sw_access_mode full = sw_access_mode_decide(false, true);
  struct sw_access_mode modes[] = {sw_access_mode_decide(false, false),
                                   sw_access_mode_decide(true, true),
                                   sw_access_mode_refused()};
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    if (!sw_access_mode_allows(full, table[i].command))
      fail_msg("the full editor refuses command %d", (int)table[i].command);
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
      if (sw_access_mode_allows(modes[m], table[i].command) != table[i].read_only_allows)
        fail_msg("read-only mode %zu gets command %d wrong", m, (int)table[i].command);
  }
}

static void banner_and_status_say_why_and_what_to_do(void **state)
{
  (void)state;
  char text[300] = "x";
  sw_access_mode_banner(sw_access_mode_decide(false, true), text, sizeof text);
  assert_string_equal(text, "");
  assert_string_equal(sw_access_mode_status(sw_access_mode_decide(false, true)), "");

  sw_access_mode_banner(sw_access_mode_decide(false, false), text, sizeof text);
  assert_string_equal(text, "Read-only: you are not an administrator. To change rules, "
                            "start the editor as an administrator (right-click, Run as "
                            "administrator).");
  assert_string_equal(sw_access_mode_status(sw_access_mode_decide(false, false)),
                      "Read-only");
  sw_access_mode_banner(sw_access_mode_decide(true, true), text, sizeof text);
  assert_string_equal(text, "Read-only: the editor was started with /readonly. To change "
                            "rules, start it without /readonly.");
  sw_access_mode_banner(sw_access_mode_refused(), text, sizeof text);
  assert_string_equal(text, "Read-only: the service refused a change because it does not "
                            "count you as an administrator. To change rules, start the "
                            "editor as an administrator (right-click, Run as "
                            "administrator).");
  assert_string_equal(sw_access_mode_status(sw_access_mode_refused()), "Read-only");
  char small[10] = "xxxxxxxxx";
  sw_access_mode_banner(sw_access_mode_refused(), small, sizeof small);
  assert_string_equal(small, "Read-only");
  sw_access_mode_banner(sw_access_mode_refused(), small, 0);
  assert_string_equal(small, "Read-only");
}

static void a_refusal_says_who_may_and_what_to_do(void **state)
{
  (void)state;
  const char *t = sw_access_mode_denied_text();
  assert_non_null(strstr(t, "Only administrators may change rules"));
  assert_non_null(strstr(t, "\"Run as administrator\""));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(command_line_knows_readonly),
      cmocka_unit_test(command_line_refuses_anything_else),
      cmocka_unit_test(the_token_decides_unless_readonly_is_asked),
      cmocka_unit_test(read_only_allows_what_the_service_allows_anyone),
      cmocka_unit_test(banner_and_status_say_why_and_what_to_do),
      cmocka_unit_test(a_refusal_says_who_may_and_what_to_do),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
