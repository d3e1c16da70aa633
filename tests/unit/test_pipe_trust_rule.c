/* The clients' decision whether the process serving the control pipe is
 * the SmtpWatch service (pipe_trust_rule.h), and the sentence a refused
 * server gets: every way a server can be trusted, every way an impostor
 * is refused, and what the user reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pipe_trust_rule.h"

/* A server process that is not the service, as a squatter would be. */
static struct sw_pipe_trust_facts squatter(void)
{
  struct sw_pipe_trust_facts f = {.server_pid = 777,
                                  .scm = SW_PIPE_SCM_STOPPED,
                                  .sid = SW_PIPE_SID_ABSENT,
                                  .image = "C:\\Users\\bob\\squat.exe",
                                  .account = "PC\\bob"};
  return f;
}

static void the_scm_process_is_the_service(void **state)
{
  (void)state;
  struct sw_pipe_trust_facts f = squatter();
  f.scm = SW_PIPE_SCM_RUNNING;
  f.scm_pid = 777;
  assert_int_equal(sw_pipe_trust_decide(&f), SW_PIPE_TRUST_SERVICE);
  /* Its token need not be readable: a standard user may not open it. */
  f.sid = SW_PIPE_SID_UNKNOWN;
  assert_int_equal(sw_pipe_trust_decide(&f), SW_PIPE_TRUST_SERVICE);
}

static void another_process_while_the_service_runs_is_refused(void **state)
{
  (void)state;
  struct sw_pipe_trust_facts f = squatter();
  f.scm = SW_PIPE_SCM_RUNNING;
  f.scm_pid = 778;
  assert_int_equal(sw_pipe_trust_decide(&f), SW_PIPE_TRUST_REFUSED);
}

static void the_service_sid_is_the_service(void **state)
{
  (void)state;
  struct sw_pipe_trust_facts f = squatter();
  f.sid = SW_PIPE_SID_HELD;
  for (int scm = SW_PIPE_SCM_UNKNOWN; scm <= SW_PIPE_SCM_RUNNING; scm++) {
    f.scm = (enum sw_pipe_trust_scm)scm;
    assert_int_equal(sw_pipe_trust_decide(&f), SW_PIPE_TRUST_SERVICE_SID);
  }
}

static void nothing_proven_is_refused(void **state)
{
  (void)state;
  struct sw_pipe_trust_facts f = squatter();
  for (int scm = SW_PIPE_SCM_UNKNOWN; scm <= SW_PIPE_SCM_STOPPED; scm++)
    for (int sid = SW_PIPE_SID_UNKNOWN; sid <= SW_PIPE_SID_ABSENT; sid++) {
      f.scm = (enum sw_pipe_trust_scm)scm;
      f.sid = (enum sw_pipe_trust_sid)sid;
      assert_int_equal(sw_pipe_trust_decide(&f), SW_PIPE_TRUST_REFUSED);
    }
}

/* Without the server's process id nothing matches, not even a pid of 0
 * that a stopped service reports. */
static void an_unknown_server_is_refused(void **state)
{
  (void)state;
  struct sw_pipe_trust_facts f = squatter();
  f.server_pid = 0;
  f.scm = SW_PIPE_SCM_RUNNING;
  f.scm_pid = 0;
  assert_int_equal(sw_pipe_trust_decide(&f), SW_PIPE_TRUST_REFUSED);
  f.sid = SW_PIPE_SID_HELD;
  assert_int_equal(sw_pipe_trust_decide(&f), SW_PIPE_TRUST_REFUSED);
}

/* The opt-in accepts any server (a console service is just a process of
 * the user's), but proof of the service wins, so `service info` says so. */
static void the_opt_in_accepts_any_server(void **state)
{
  (void)state;
  struct sw_pipe_trust_facts f = squatter();
  f.opt_in = true;
  assert_int_equal(sw_pipe_trust_decide(&f), SW_PIPE_TRUST_OPT_IN);
  f.server_pid = 0;
  assert_int_equal(sw_pipe_trust_decide(&f), SW_PIPE_TRUST_OPT_IN);
  f = squatter();
  f.opt_in = true;
  f.scm = SW_PIPE_SCM_RUNNING;
  f.scm_pid = 777;
  assert_int_equal(sw_pipe_trust_decide(&f), SW_PIPE_TRUST_SERVICE);
}

static void the_refusal_says_what_was_found_why_and_what_to_do(void **state)
{
  (void)state;
  struct sw_pipe_trust_facts f = squatter();
  char text[1024];
  sw_pipe_trust_refusal(&f, "\\\\.\\pipe\\SmtpWatch", text, sizeof text);
  assert_string_equal(
      text, "Nothing was sent to \\\\.\\pipe\\SmtpWatch: the process serving it, 777 "
            "(C:\\Users\\bob\\squat.exe, PC\\bob), is not the SmtpWatch service: the "
            "SmtpWatch service is not running, and it does not run as NT "
            "SERVICE\\SmtpWatch. If you did not start that program, end it and start "
            "the service ('sc start SmtpWatch'). For a service run with --console in "
            "development, set SMTPWATCH_TRUST_CONSOLE_SERVICE=1 first.");
  f.scm = SW_PIPE_SCM_RUNNING;
  f.scm_pid = 4242;
  f.sid = SW_PIPE_SID_UNKNOWN;
  sw_pipe_trust_refusal(&f, "P", text, sizeof text);
  assert_non_null(strstr(text, "the SmtpWatch service runs as process 4242, and its "
                               "account could not be checked."));
  f.scm = SW_PIPE_SCM_NOT_INSTALLED;
  sw_pipe_trust_refusal(&f, "P", text, sizeof text);
  assert_non_null(strstr(text, "the SmtpWatch service is not installed, and"));
  f.scm = SW_PIPE_SCM_UNKNOWN;
  sw_pipe_trust_refusal(&f, "P", text, sizeof text);
  assert_non_null(strstr(text, "the service control manager could not say which "
                               "process runs the SmtpWatch service, and"));
  f.server_pid = 0;
  sw_pipe_trust_refusal(&f, "P", text, sizeof text);
  assert_non_null(strstr(text, "Nothing was sent to P: Windows would not say which "
                               "process serves it"));
  assert_non_null(strstr(text, "SMTPWATCH_TRUST_CONSOLE_SERVICE=1"));
}

/* A long path gives way to the advice: the image is cut to its name. */
static void a_long_image_path_keeps_the_advice(void **state)
{
  (void)state;
  struct sw_pipe_trust_facts f = squatter();
  memset(f.image, 'd', 600);
  strcpy(f.image + 600, "\\squat.exe");
  char text[512];
  sw_pipe_trust_refusal(&f, "\\\\.\\pipe\\SmtpWatch", text, sizeof text);
  assert_non_null(strstr(text, "777 (squat.exe, PC\\bob)"));
  assert_non_null(strstr(text, "SMTPWATCH_TRUST_CONSOLE_SERVICE=1 first."));
}

static void names_and_texts(void **state)
{
  (void)state;
  assert_string_equal(sw_pipe_trust_name(SW_PIPE_TRUST_SERVICE), "service");
  assert_string_equal(sw_pipe_trust_name(SW_PIPE_TRUST_SERVICE_SID), "service_sid");
  assert_string_equal(sw_pipe_trust_name(SW_PIPE_TRUST_OPT_IN), "console_opt_in");
  assert_string_equal(sw_pipe_trust_name(SW_PIPE_TRUST_REFUSED), "refused");
  assert_non_null(strstr(sw_pipe_trust_text(SW_PIPE_TRUST_OPT_IN),
                         "SMTPWATCH_TRUST_CONSOLE_SERVICE=1"));
  struct sw_pipe_trust_facts f = squatter();
  char text[256];
  sw_pipe_trust_process_text(&f, text, sizeof text);
  assert_string_equal(text, "C:\\Users\\bob\\squat.exe, process 777, running as PC\\bob");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(the_scm_process_is_the_service),
      cmocka_unit_test(another_process_while_the_service_runs_is_refused),
      cmocka_unit_test(the_service_sid_is_the_service),
      cmocka_unit_test(nothing_proven_is_refused),
      cmocka_unit_test(an_unknown_server_is_refused),
      cmocka_unit_test(the_opt_in_accepts_any_server),
      cmocka_unit_test(the_refusal_says_what_was_found_why_and_what_to_do),
      cmocka_unit_test(a_long_image_path_keeps_the_advice),
      cmocka_unit_test(names_and_texts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
