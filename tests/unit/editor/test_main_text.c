/* The main window's sentences: the delete question names the rule and its
 * server, failures say which rule, what was asked and why (with the
 * editor's own words for a refusal to a non-administrator and a rule
 * deleted meanwhile), and the banner over a stale list says since when
 * and that the editor keeps trying. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "main_text.h"

static void delete_question_names_the_rule(void **state)
{
  (void)state;
  char text[256];
  sw_main_text_delete_question("Relais \xc3\xa9t\xc3\xa9", "mail.example.com:587", text,
                               sizeof text);
  assert_string_equal(text, "Delete the rule \"Relais \xc3\xa9t\xc3\xa9\" "
                            "(mail.example.com:587)?\n\nIts history is deleted with "
                            "it; this cannot be undone.");
  char small[16] = "xxxxxxxxxxxxxxx";
  sw_main_text_delete_question("Relay", "a:25", small, sizeof small);
  assert_string_equal(small, "Delete the rule");
  sw_main_text_delete_question("Relay", "a:25", small, 0);
  assert_string_equal(small, "Delete the rule");
}

static void failures_say_what_and_why(void **state)
{
  (void)state;
  char text[512];
  sw_main_text_failure(SW_MAIN_DELETE, "Relay", "access_denied",
                       "Only administrators may change rules: run this as an "
                       "administrator.",
                       text, sizeof text);
  assert_string_equal(text, "The rule \"Relay\" could not be deleted.\n\nOnly "
                            "administrators may change rules, and the service does not "
                            "count you as one. Start the editor as an administrator "
                            "(right-click it, \"Run as administrator\") and try again.");
  sw_main_text_failure(SW_MAIN_DISABLE, "Relay", "not_found",
                       "There is no rule with that id.", text, sizeof text);
  assert_string_equal(text, "The rule \"Relay\" could not be disabled.\n\nIt no longer "
                            "exists: someone deleted it meanwhile. The list is being "
                            "refreshed.");
  /* Anything else: the service's own sentence. */
  sw_main_text_failure(SW_MAIN_ENABLE, "Relay", "busy",
                       "The service is busy: try again in a moment.", text, sizeof text);
  assert_string_equal(text, "The rule \"Relay\" could not be enabled.\n\nThe service is "
                            "busy: try again in a moment.");
  /* Not reached: why not. */
  sw_main_text_failure(SW_MAIN_TEST, "Relay", "",
                       "The SMTP Watch service is not running: start it.", text,
                       sizeof text);
  assert_string_equal(text, "The rule \"Relay\" could not be tested.\n\nThe SMTP Watch "
                            "service is not running: start it.");
  sw_main_text_failure(SW_MAIN_OPEN, "Relay", NULL, NULL, text, sizeof text);
  assert_string_equal(text, "The rule \"Relay\" could not be read from the service.\n\n"
                            "The service gave no reason.");
}

/* Acknowledging: the question names the rule and its state; a failure
 * says so; a service too old for the request says it is older, not that
 * the request was malformed. */
static void acknowledging_asks_and_explains(void **state)
{
  (void)state;
  char text[512];
  sw_main_text_ack_question("Relay", "CRITICAL", text, sizeof text);
  assert_string_equal(text, "Acknowledge \"Relay\" (CRITICAL)? Its notifications stop "
                            "until its state changes; your comment goes to the events.");
  static const struct {
    enum sw_main_action action;
    const char *code, *error, *said;
  } cases[] = {
      {SW_MAIN_ACK, "not_bad", "Only a rule in a bad state can be acknowledged.",
       "The rule \"Relay\" could not be acknowledged.\n\nOnly a rule in a bad state "
       "can be acknowledged."},
      {SW_MAIN_UNACK, "unknown_message", "The service does not know this request.",
       "The rule \"Relay\" could not be unacknowledged.\n\nThe SMTP Watch service is "
       "older than this tool: acknowledgements need protocol version 2 and it speaks "
       "version 1; update the service."},
      {SW_MAIN_ACCEPT, "no_drift", "There is nothing to accept.",
       "The rule \"Relay\" could not be updated with its server's changes.\n\nThere is "
       "nothing to accept."},
      {SW_MAIN_ACCEPT, "unknown_message", "The service does not know this request.",
       "The rule \"Relay\" could not be updated with its server's changes.\n\nThe SMTP "
       "Watch service is older than this tool: fingerprint acceptances need protocol "
       "version 3 and it speaks version 1; update the service."},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    sw_main_text_failure(cases[i].action, "Relay", cases[i].code, cases[i].error, text,
                         sizeof text);
    assert_string_equal(text, cases[i].said);
  }
}

static void banner_says_since_when_and_that_it_retries(void **state)
{
  (void)state;
  char text[512];
  sw_main_text_banner("The SMTP Watch service is not running.", "14:03:22", 5, text,
                      sizeof text);
  assert_string_equal(text, "The SMTP Watch service is not running. The list shows the "
                            "rules as they were at 14:03:22. Trying again every 5 "
                            "seconds.");
  /* Never filled; a sentence without its full stop gets one. */
  sw_main_text_banner("Access to the SMTP Watch service was denied", "", 5, text,
                      sizeof text);
  assert_string_equal(text, "Access to the SMTP Watch service was denied. Trying again "
                            "every 5 seconds.");
  sw_main_text_banner(NULL, NULL, 10, text, sizeof text);
  assert_string_equal(text, "The SMTP Watch service cannot be reached. Trying again "
                            "every 10 seconds.");
}

static void updated_part(void **state)
{
  (void)state;
  char text[64];
  sw_main_text_updated("14:03:22", text, sizeof text);
  assert_string_equal(text, "Updated 14:03:22");
  sw_main_text_updated("", text, sizeof text);
  assert_string_equal(text, "Not updated yet");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(delete_question_names_the_rule),
      cmocka_unit_test(failures_say_what_and_why),
      cmocka_unit_test(acknowledging_asks_and_explains),
      cmocka_unit_test(banner_says_since_when_and_that_it_retries),
      cmocka_unit_test(updated_part),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
