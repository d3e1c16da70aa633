/* A notifier's program (common/win/program_run.c), run for real under Wine:
 * tests/tools/notify_child.exe and cmd.exe. What the program received (its
 * environment, written to a file it reads back), its exit code and the
 * first lines of its output are what the service keeps; a program past its
 * time limit is ended with what it started; a flood of output is cut while
 * the program still runs to its end; a program that does not exist says
 * so. */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "program_run.h"
#include "win_error.h"

static char child[MAX_PATH]; /* notify_child.exe, Windows' view */
static char temp_dir[MAX_PATH];

static int setup(void **state)
{
  (void)state;
  snprintf(child, sizeof child, "%s", SW_NOTIFY_CHILD_EXE);
  for (char *p = child; *p; p++)
    if (*p == '/')
      *p = '\\';
  GetTempPathA(sizeof temp_dir, temp_dir);
  return 0;
}

static const char *const notification[] = {
    "SMTPWATCH_RULE_ID=42",
    "SMTPWATCH_RULE_NAME=Relais M\xc3\xbcnchen \"main\"",
    "SMTPWATCH_HOST=mail.example.com",
    "SMTPWATCH_PORT=587",
    "SMTPWATCH_STATE=CRITICAL",
    "SMTPWATCH_PREVIOUS_STATE=OK",
    "SMTPWATCH_OUTCOME=connect_refused",
    "SMTPWATCH_MESSAGE=connection refused by 192.0.2.1:587 & more",
    "SMTPWATCH_SINCE=2026-12-07T13:40:00Z",
};

static bool run(const char *line, uint32_t timeout_ms, struct sw_program_result *r)
{
  struct sw_program_request req = {
      line, notification, sizeof notification / sizeof *notification, timeout_ms};
  return sw_program_run(&req, r);
}

/* The file's text (up to 64 KiB), NUL-terminated. */
static char *read_text(const char *path)
{
  static char text[65536];
  DWORD n = 0;
  HANDLE h =
      CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
  if (h == INVALID_HANDLE_VALUE)
    fail_msg("%s was not written", path);
  bool read = ReadFile(h, text, sizeof text - 1, &n, NULL);
  CloseHandle(h);
  assert_true(read);
  text[n] = '\0';
  return text;
}

/* notify_child.exe with `args`, within timeout_ms. */
static bool run_child(const char *args, uint32_t timeout_ms, struct sw_program_result *r)
{
  char line[3 * MAX_PATH];
  snprintf(line, sizeof line, "\"%s\" %s", child, args);
  return run(line, timeout_ms, r);
}

static void
test_program_receives_the_notification_and_the_service_environment(void **state)
{
  (void)state;
  /* A variable of the service's own: the program gets it too. */
  assert_true(SetEnvironmentVariableW(L"SW_TEST_SERVICE_OWN", L"kept"));
  char file[MAX_PATH], args[MAX_PATH + 8];
  snprintf(file, sizeof file, "%ssw-program-env-%lu.txt", temp_dir,
           GetCurrentProcessId());
  snprintf(args, sizeof args, "env \"%s\"", file);
  struct sw_program_result r;
  assert_true(run_child(args, 30000, &r));
  assert_true(r.started);
  assert_false(r.timed_out);
  assert_int_equal(r.exit_code, 0);
  assert_string_equal(r.error, "");
  const char *got = read_text(file);
  for (size_t i = 0; i < sizeof notification / sizeof *notification; i++) {
    char want[512];
    snprintf(want, sizeof want, "\n%s\n", notification[i]);
    if (!strstr(got, want))
      fail_msg("%s missing from what the program received:\n%s", notification[i], got);
  }
  assert_non_null(strstr(got, "\nSW_TEST_SERVICE_OWN=kept\n"));
  DeleteFileA(file);
}

static void test_exit_code_and_both_output_streams_are_kept(void **state)
{
  (void)state;
  struct sw_program_result r;
  assert_false(run_child("exit 3", 30000, &r));
  assert_true(r.started);
  assert_false(r.timed_out);
  assert_int_equal(r.exit_code, 3);
  assert_string_equal(r.output, "exiting with 3\nto stderr");
  assert_false(r.output_cut);
  char want[MAX_PATH + 64];
  snprintf(want, sizeof want, "\"%s\" exited with code 3", child);
  assert_string_equal(r.error, want);
}

static void test_cmd_line_runs_through_cmd_when_named(void **state)
{
  (void)state;
  struct sw_program_result r;
  assert_true(run("cmd.exe /c echo %SMTPWATCH_HOST%:%SMTPWATCH_PORT%", 30000, &r));
  assert_string_equal(r.output, "mail.example.com:587");
  assert_false(run("cmd.exe /c exit 4", 30000, &r));
  assert_int_equal(r.exit_code, 4);
  assert_string_equal(r.error, "\"cmd.exe\" exited with code 4");
}

static void test_program_past_its_time_is_ended_with_what_it_started(void **state)
{
  (void)state;
  char pidfile[MAX_PATH], args[MAX_PATH + 8];
  snprintf(pidfile, sizeof pidfile, "%ssw-program-tree-%lu.txt", temp_dir,
           GetCurrentProcessId());
  DeleteFileA(pidfile);
  snprintf(args, sizeof args, "tree \"%s\"", pidfile);
  struct sw_program_result r;
  /* Long enough for the child to have started its own child. */
  assert_false(run_child(args, 5000, &r));
  assert_true(r.started);
  assert_true(r.timed_out);
  assert_int_equal(r.exit_code, SW_PROGRAM_KILLED_EXIT_CODE);
  char want[MAX_PATH + 128];
  snprintf(want, sizeof want,
           "\"%s\" was still running after 5.0 s and was ended, with every program it "
           "started",
           child);
  assert_string_equal(r.error, want);
  /* The grandchild went with it. */
  DWORD pid = (DWORD)strtoul(read_text(pidfile), NULL, 10);
  assert_true(pid != 0);
  HANDLE h = OpenProcess(SYNCHRONIZE | PROCESS_TERMINATE, FALSE, pid);
  if (h) {
    DWORD w = WaitForSingleObject(h, 10000);
    if (w != WAIT_OBJECT_0)
      TerminateProcess(h, 1); /* not left behind by a failed test */
    CloseHandle(h);
    if (w != WAIT_OBJECT_0)
      fail_msg("the grandchild %lu still runs after its tree was ended", pid);
  }
  DeleteFileA(pidfile);
}

static void test_flood_of_output_is_cut_and_the_program_still_ends(void **state)
{
  (void)state;
  struct sw_program_result r;
  assert_true(run_child("spew 20000", 60000, &r)); /* 2 MB */
  assert_false(r.timed_out);
  assert_int_equal(r.exit_code, 0);
  assert_true(r.output_cut);
  /* The first SW_PROGRAM_OUTPUT_LINES lines (100 bytes each fit). */
  size_t lines = 1;
  for (const char *p = r.output; *p; p++) {
    if (*p == '\n')
      lines++;
    else
      assert_int_equal(*p, 'x');
  }
  assert_int_equal(lines, SW_PROGRAM_OUTPUT_LINES);
  assert_int_equal(strlen(r.output), SW_PROGRAM_OUTPUT_LINES * 100 - 1);
}

static void test_input_is_empty_so_a_reader_does_not_wait(void **state)
{
  (void)state;
  struct sw_program_result r;
  assert_true(run_child("stdin", 30000, &r));
  assert_false(r.timed_out);
}

static void test_missing_program_is_a_sentence(void **state)
{
  (void)state;
  struct sw_program_result r;
  assert_false(run("sw-no-such-program.exe --flag secret", 30000, &r));
  assert_false(r.started);
  /* The system's own words for ERROR_FILE_NOT_FOUND, and only the
   * program's name: its arguments stay out of the log. */
  char want[SW_PROGRAM_ERROR_MAX];
  sw_win_error_sentence(want, sizeof want, ERROR_FILE_NOT_FOUND,
                        "could not start \"sw-no-such-program.exe\"");
  assert_string_equal(r.error, want);
  assert_string_equal(r.output, "");
}

/* Programs run at once on several threads (thread-pool work items) each
 * get their own output and exit code. */
struct parallel_run {
  int code;
  struct sw_program_result r;
};

static DWORD WINAPI parallel_one(void *arg)
{
  struct parallel_run *p = arg;
  char args[32];
  snprintf(args, sizeof args, "exit %d", p->code);
  run_child(args, 30000, &p->r);
  return 0;
}

static void test_programs_on_several_threads_keep_to_their_own(void **state)
{
  (void)state;
  struct parallel_run runs[4];
  HANDLE threads[4];
  for (int i = 0; i < 4; i++) {
    runs[i].code = 10 + i;
    threads[i] = CreateThread(NULL, 0, parallel_one, &runs[i], 0, NULL);
    assert_non_null(threads[i]);
  }
  assert_int_equal(WaitForMultipleObjects(4, threads, TRUE, 120000), WAIT_OBJECT_0);
  for (int i = 0; i < 4; i++) {
    CloseHandle(threads[i]);
    char want[64];
    snprintf(want, sizeof want, "exiting with %d\nto stderr", 10 + i);
    assert_int_equal(runs[i].r.exit_code, 10 + i);
    assert_string_equal(runs[i].r.output, want);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(
          test_program_receives_the_notification_and_the_service_environment),
      cmocka_unit_test(test_exit_code_and_both_output_streams_are_kept),
      cmocka_unit_test(test_cmd_line_runs_through_cmd_when_named),
      cmocka_unit_test(test_program_past_its_time_is_ended_with_what_it_started),
      cmocka_unit_test(test_flood_of_output_is_cut_and_the_program_still_ends),
      cmocka_unit_test(test_input_is_empty_so_a_reader_does_not_wait),
      cmocka_unit_test(test_missing_program_is_a_sentence),
      cmocka_unit_test(test_programs_on_several_threads_keep_to_their_own),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
