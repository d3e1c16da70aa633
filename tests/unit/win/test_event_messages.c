/* The Event Log message table of smtpwatch-svc.exe, read the way Event
 * Viewer reads it: the exe loaded as a data file, every message rendered by
 * FormatMessageW(FROM_HMODULE | ARGUMENT_ARRAY) with its insertion strings.
 * Asserts the exact text an administrator sees for every event id, the
 * severity of each, that the table holds no id this test does not know
 * (a new event needs its text checked here), and that docs/events.md
 * documents every id. Also renders, the way Event Viewer expands insertion
 * codes found inside inserts ([MS-EVEN] 3.2.4.1.5), an event whose inserts
 * carry a hostile server's "%%1" and "%1", made by the service's own code
 * (svc_eventlog.c, linked in with the message table). */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include <cmocka.h>

#include "messages.h"
#include "svc_eventlog.h"

#ifndef SW_SVC_EXE
#error "SW_SVC_EXE must name smtpwatch-svc.exe (tests/unit/CMakeLists.txt)"
#endif

#define SEV_INFO STATUS_SEVERITY_INFORMATIONAL
#define SEV_WARN STATUS_SEVERITY_WARNING
#define SEV_ERROR STATUS_SEVERITY_ERROR

/* Insertion strings of the rule-state messages (2xxx): a non-ASCII name,
 * and a '%' in the detail that FormatMessageW leaves as is (it does not
 * format inserts again; Event Viewer does, see test_server_text_is_literal:
 * the service never passes a '%'). */
#define RULE_STRINGS                                                                     \
  {                                                                                      \
    L"Relais Z\u00fcrich", L"42", L"mx.example.net:25", L"CRITICAL", L"OK", L"2",        \
        L"timeout", L"Timed out in the greeting after 7000 ms (100% of the budget).",    \
        L"(none)", L"connect 1.2 ms, greeting 7000.0 ms, total 7001.2 ms", L"5",         \
        L"30 minutes"                                                                    \
  }

struct expected {
  DWORD id;
  int severity;
  const wchar_t *strings[12];
  const wchar_t *text; /* exactly as FormatMessageW renders it */
};

static const struct expected messages[] = {
    {SW_MSG_SERVICE_STARTED,
     SEV_INFO,
     {L"0.1.0", L"3", L"4", L"C:\\ProgramData\\SmtpWatch"},
     L"SMTP Watch 0.1.0 started with 3 enabled rules of 4. Data directory: "
     L"C:\\ProgramData\\SmtpWatch\r\n"},
    {SW_MSG_SERVICE_STOPPED,
     SEV_INFO,
     {L"stop request from the Service Control Manager", L"3600", L"240", L"238", L"0"},
     L"SMTP Watch stopped (stop request from the Service Control Manager) after 3600 s: "
     L"240 checks finished, 238 results written, 0 results dropped.\r\n"},
    {SW_MSG_SERVICE_START_FAILED,
     SEV_ERROR,
     {L"The data directory D:\\x cannot be created: Access is denied. (5)",
      L"Give the service account write access to it, or start the service with "
      L"--data-dir DIR."},
     L"SMTP Watch could not start: The data directory D:\\x cannot be created: Access is "
     L"denied. (5)\r\nGive the service account write access to it, or start the service "
     L"with --data-dir DIR.\r\n"},
    {SW_MSG_CHECK_START_FAILED,
     SEV_WARN,
     {L"Relais", L"42", L"out of memory."},
     L"A check of rule \"Relais\" (id 42) could not be started: out of memory. The rule "
     L"is tried again at its next run; further failures to start checks are not logged "
     L"until one starts again.\r\n"},
    {SW_MSG_INSTALL_CONFIG_FAILED,
     SEV_ERROR,
     {L"C:\\ProgramData\\SmtpWatch\\old is a link (reparse point); the data folder may "
      L"hold only files and folders. Remove it and install again."},
     L"The installation of SMTP Watch could not configure the service: "
     L"C:\\ProgramData\\SmtpWatch\\old is a link (reparse point); the data folder may "
     L"hold only files and folders. Remove it and install again.\r\n"
     L"The installer undoes the installation. Run the MSI again with a log (msiexec /i "
     L"smtpwatch.msi /l*v install.log) to see every step, or run \"smtpwatch-svc "
     L"--install-config\" from an elevated prompt.\r\n"},
    {SW_MSG_STOP_WAIT_FAILED,
     SEV_WARN,
     {L"The SmtpWatch service stopped, but its process (4242) was still running 30 s "
      L"later: The service did not respond to the start or control request in a timely "
      L"fashion. (1053)."},
     L"The installer of SMTP Watch could not stop the SmtpWatch service and wait for its "
     L"process to end: The SmtpWatch service stopped, but its process (4242) was still "
     L"running 30 s later: The service did not respond to the start or control request "
     L"in a timely fashion. (1053).\r\n"
     L"Windows Installer goes on and stops the service itself; a file still in use then "
     L"stays until the next restart. To avoid that, stop the service (sc stop "
     L"SmtpWatch), "
     L"make sure smtpwatch-svc.exe no longer runs, and run the installer again.\r\n"},
    {SW_MSG_RULE_CRITICAL, SEV_ERROR, RULE_STRINGS,
     L"Rule \"Relais Z\u00fcrich\" (id 42, mx.example.net:25) is CRITICAL (it was OK) "
     L"after 2 failed checks in a row.\r\n"
     L"Outcome: timeout\r\n"
     L"Detail: Timed out in the greeting after 7000 ms (100% of the budget).\r\n"
     L"Server reply: (none)\r\n"
     L"Timings: connect 1.2 ms, greeting 7000.0 ms, total 7001.2 ms\r\n"},
    {SW_MSG_RULE_WARNING, SEV_WARN, RULE_STRINGS,
     L"Rule \"Relais Z\u00fcrich\" (id 42, mx.example.net:25) is WARNING (it was OK) "
     L"after 2 failed checks in a row.\r\n"
     L"Outcome: timeout\r\n"
     L"Detail: Timed out in the greeting after 7000 ms (100% of the budget).\r\n"
     L"Server reply: (none)\r\n"
     L"Timings: connect 1.2 ms, greeting 7000.0 ms, total 7001.2 ms\r\n"},
    {SW_MSG_RULE_UNKNOWN, SEV_WARN, RULE_STRINGS,
     L"Rule \"Relais Z\u00fcrich\" (id 42, mx.example.net:25) is UNKNOWN (it was OK): "
     L"its last 2 checks could not run on this machine, so nothing is known about the "
     L"server.\r\n"
     L"Outcome: timeout\r\n"
     L"Detail: Timed out in the greeting after 7000 ms (100% of the budget).\r\n"},
    {SW_MSG_RULE_RECOVERED, SEV_INFO, RULE_STRINGS,
     L"Rule \"Relais Z\u00fcrich\" (id 42, mx.example.net:25) has recovered: it is OK "
     L"again (it was OK, with 2 failed checks in a row).\r\n"
     L"Server reply: (none)\r\n"
     L"Timings: connect 1.2 ms, greeting 7000.0 ms, total 7001.2 ms\r\n"},
    {SW_MSG_RULE_FLAPPING, SEV_WARN, RULE_STRINGS,
     L"Rule \"Relais Z\u00fcrich\" (id 42, mx.example.net:25) is flapping: its state "
     L"changed 5 times within 30 minutes and is now CRITICAL (the last state logged was "
     L"OK). Its state changes are not logged one by one until it has kept one state for "
     L"30 minutes.\r\n"
     L"Outcome: timeout\r\n"
     L"Detail: Timed out in the greeting after 7000 ms (100% of the budget).\r\n"},
    {SW_MSG_RULE_FLAPPING_STOPPED, SEV_INFO, RULE_STRINGS,
     L"Rule \"Relais Z\u00fcrich\" (id 42, mx.example.net:25) has stopped flapping: it "
     L"has kept the state CRITICAL for 30 minutes (the last state logged was OK).\r\n"
     L"Outcome: timeout\r\n"
     L"Detail: Timed out in the greeting after 7000 ms (100% of the budget).\r\n"},
    {SW_MSG_DB_UNAVAILABLE,
     SEV_ERROR,
     {L"C:\\ProgramData\\SmtpWatch\\smtpwatch.db", L"write the results",
      L"the database is locked by another program.", L"100000", L"10",
      L"Close the program that holds the database open."},
     L"The database C:\\ProgramData\\SmtpWatch\\smtpwatch.db cannot be used: could not "
     L"write the results: the database is locked by another program.\r\nThe service "
     L"keeps checking and keeps up to 100000 results in memory; it tries again every "
     L"10 s and logs when the database works again. Close the program that holds the "
     L"database open.\r\n"},
    {SW_MSG_DB_RECOVERED,
     SEV_INFO,
     {L"C:\\data\\smtpwatch.db", L"75", L"1200", L"0"},
     L"The database C:\\data\\smtpwatch.db works again after 75 s: 1200 results kept in "
     L"memory were written, 0 were dropped while it was unavailable.\r\n"},
    {SW_MSG_RESULTS_DROPPED,
     SEV_WARN,
     {L"100000", L"C:\\data\\smtpwatch.db"},
     L"The memory buffer for results is full (100000 results) while the database "
     L"C:\\data\\smtpwatch.db cannot be written: from now on the oldest results are "
     L"dropped to make room for new ones. Rule states and Event Log messages are not "
     L"affected. The number dropped is logged when the database works again.\r\n"},
    {SW_MSG_RULES_RELOADED,
     SEV_INFO,
     {L"5", L"6", L"1", L"2", L"0"},
     L"Rule changes in the database were picked up without a restart: 5 enabled rules "
     L"of 6 (1 added, 2 changed, 0 removed).\r\n"},
    {SW_MSG_RULE_INVALID,
     SEV_WARN,
     {L"Relais", L"7", L"Port must be a number from 1 to 65535."},
     L"Rule \"Relais\" (id 7) in the database is not valid and is not checked: Port must "
     L"be a number from 1 to 65535.\r\nCorrect it with the rule editor; it is picked up "
     L"without a restart.\r\n"},
    {SW_MSG_DB_PRUNED,
     SEV_WARN,
     {L"2000", L"C:\\ProgramData\\SmtpWatch\\smtpwatch.db",
      L"its data went over the size cap", L"1030.4", L"921.5", L"1024 MB", L"1180.0"},
     L"The 2000 oldest check results were deleted from the database "
     L"C:\\ProgramData\\SmtpWatch\\smtpwatch.db because its data went over the size "
     L"cap. The data in it went from 1030.4 MB to 921.5 MB (size cap: 1024 MB; the files "
     L"take 1180.0 MB on disk). The newest result of every rule, the rules, their states "
     L"and the events are kept.\r\nTo keep more history, raise the cap (the service's "
     L"--max-db-mb option, docs/service.md) or free disk space.\r\n"},
    {SW_MSG_PIPE_FAILED,
     SEV_WARN,
     {L"\\\\.\\pipe\\SmtpWatch", L"Access is denied. (5)", L"1"},
     L"The control pipe \\\\.\\pipe\\SmtpWatch could not be created: Access is denied. "
     L"(5)\r\n"
     L"The service keeps checking its rules, but the rule editor and smtpwatch.exe "
     L"cannot reach it. If another program holds that pipe name, stop it: the service "
     L"tries again on its own, after 1 s and then at growing intervals up to a minute, "
     L"and logs when the pipe works.\r\n"},
    {SW_MSG_PIPE_INSTANCE_FAILED,
     SEV_WARN,
     {L"\\\\.\\pipe\\SmtpWatch", L"Access is denied. (5)"},
     L"The control pipe \\\\.\\pipe\\SmtpWatch cannot take more clients: a new instance "
     L"could not be created: Access is denied. (5)\r\n"
     L"Clients already connected are served; new ones may be refused until an instance "
     L"is created again. The service tries again every second and logs when it "
     L"succeeds.\r\n"},
    {SW_MSG_PIPE_RECOVERED,
     SEV_INFO,
     {L"\\\\.\\pipe\\SmtpWatch"},
     L"The control pipe \\\\.\\pipe\\SmtpWatch accepts clients again.\r\n"},
    {SW_MSG_NOTIFIER_FAILING,
     SEV_WARN,
     {L"Ops mail", L"3",
      L"mx1.example.com:25: The server rejected the message. (554 5.7.1 Relay access "
      L"denied)"},
     L"Notifications through the notifier Ops mail keep failing: 3 attempts in a row "
     L"have "
     L"failed, the latest with: mx1.example.com:25: The server rejected the message. "
     L"(554 "
     L"5.7.1 Relay access denied)\r\n"
     L"The notifications stay in the outbox and are tried again, at growing intervals, "
     L"for "
     L"up to a day after each was made ('smtpwatch notifications' lists every attempt). "
     L"Check the notifier with 'smtpwatch notifiers test' and its settings; the service "
     L"logs when it works again.\r\n"},
    {SW_MSG_NOTIFIER_RECOVERED,
     SEV_INFO,
     {L"Ops mail", L"4"},
     L"The notifier Ops mail delivers again: a notification went out after 4 failed "
     L"attempts in a row.\r\n"},
    {SW_MSG_NOTIFICATION_GIVEN_UP,
     SEV_ERROR,
     {L"12-1765112345678-3-2", L"12", L"Teams", L"14",
      L"https://example.webhook.office.com/... answered 500 Internal Server Error."},
     L"The notification 12-1765112345678-3-2 about rule 12 to the notifier Teams was "
     L"given "
     L"up after 14 attempts: it could not be delivered in the time allowed. The last "
     L"attempt failed with: https://example.webhook.office.com/... answered 500 Internal "
     L"Server Error.\r\n"
     L"The state it told is still shown by 'smtpwatch status'; 'smtpwatch notifications' "
     L"lists every attempt.\r\n"},
    {SW_MSG_RULE_ACKNOWLEDGED,
     SEV_INFO,
     {L"Main relay", L"12", L"CRITICAL", L"CONTOSO\\ann", L"looking into it"},
     L"Rule Main relay (id 12) was acknowledged in state CRITICAL by CONTOSO\\ann. "
     L"Comment: looking into it\r\n"
     L"No reminders go out for it until its state changes; a recovery or another bad "
     L"state is still told.\r\n"},
    {SW_MSG_RULE_UNACKNOWLEDGED,
     SEV_INFO,
     {L"Main relay", L"12", L"CONTOSO\\ann"},
     L"The acknowledgement of rule Main relay (id 12) was taken back by CONTOSO\\ann. "
     L"Its "
     L"notifications go out again as its settings say.\r\n"},
    {SW_MSG_RULE_DRIFTED,
     SEV_WARN,
     {L"Main relay", L"12", L"mx1.example.com:25", L"CRITICAL",
      L"STARTTLS is no longer offered; the certificate's key changed"},
     L"The server of rule \"Main relay\" (id 12, mx1.example.com:25) has changed since "
     L"its fingerprint was accepted: STARTTLS is no longer offered; the certificate's "
     L"key changed.\r\n"
     L"The rule's checks end in capabilities_changed (CRITICAL) until an administrator "
     L"accepts the change: smtpwatch rules accept 12, or Accept changes in the "
     L"editor.\r\n"},
    {SW_MSG_FINGERPRINT_ACCEPTED,
     SEV_INFO,
     {L"Main relay", L"12", L"CONTOSO\\ann", L"the certificate's key changed"},
     L"The changes of the server of rule \"Main relay\" (id 12) were accepted by "
     L"CONTOSO\\ann: the certificate's key changed.\r\n"
     L"Its checks are judged against the server as it is now.\r\n"},
    {SW_MSG_METRICS_FILE_FAILED,
     SEV_WARN,
     {L"C:\\Program Files\\windows_exporter\\textfile_inputs", L"Access is denied. (5)",
      L"15"},
     L"The metrics file smtpwatch.prom could not be written in the folder C:\\Program "
     L"Files\\windows_exporter\\textfile_inputs: Access is denied. (5)\r\n"
     L"The service keeps checking its rules; windows_exporter's textfile collector sees "
     L"the figures written last, or none. Give the service's account (NT "
     L"SERVICE\\SmtpWatch) write access to that folder, or name another one "
     L"(MetricsTextfileDir, docs/metrics.md). The service tries again every 15 s and "
     L"logs when it works.\r\n"},
    {SW_MSG_METRICS_FILE_RECOVERED,
     SEV_INFO,
     {L"C:\\prom"},
     L"The metrics file smtpwatch.prom is written in the folder C:\\prom again.\r\n"},
    {SW_MSG_METRICS_URL_FAILED,
     SEV_WARN,
     {L"http://127.0.0.1:9465/metrics", L"Access is denied. (5)"},
     L"The metrics cannot be served at http://127.0.0.1:9465/metrics through the HTTP "
     L"Server API (http.sys): Access is denied. (5)\r\n"
     L"The service keeps checking its rules and writes its metrics file if one is set, "
     L"but GET /metrics is not answered. The URL must be reserved for the service "
     L"(smtpwatch-svc --install-config reserves MetricsUrl, docs/metrics.md) and not be "
     L"taken by another program. Restart the service once it is fixed.\r\n"},
    {SW_MSG_METRICS_URL_SERVING,
     SEV_INFO,
     {L"http://127.0.0.1:9465/metrics"},
     L"The service answers GET http://127.0.0.1:9465/metrics with its metrics.\r\n"},
    {SW_MSG_METRICS_SETTINGS_INVALID,
     SEV_WARN,
     {L"MetricsIntervalSeconds wants a whole number of seconds from 1 to 3600."},
     L"The metrics settings in HKLM\\SOFTWARE\\SmtpWatch were not taken: "
     L"MetricsIntervalSeconds wants a whole number of seconds from 1 to 3600.\r\n"
     L"The service checks its rules as usual, without the metrics those settings turn "
     L"on. Correct the value (docs/metrics.md) and restart the service.\r\n"},
    {SW_MSG_RULES_IMPORTED,
     SEV_INFO,
     {L"CONTOSO\\ann", L"120", L"3", L"2", L"115", L"1",
      L"The rules not in the file were deleted (--replace)."},
     L"CONTOSO\\ann imported a rules file of 120 rules: 3 added, 2 updated, 115 "
     L"unchanged, 1 deleted.\r\n"
     L"The rules not in the file were deleted (--replace).\r\n"},
    {SW_MSG_ROLLUPS_BUILDING,
     SEV_INFO,
     {L"2400000"},
     L"The availability rollups of the 2400000 check results kept from before the "
     L"database was upgraded are being built in the background, between checks. Until "
     L"then a report counts the hours of a rule not yet built as unmonitored, and "
     L"`smtpwatch report` says the rollups are being built.\r\n"},
    {SW_MSG_ROLLUPS_BUILT,
     SEV_INFO,
     {L"2400000", L"140"},
     L"The availability rollups of the 2400000 check results from before the database "
     L"was upgraded were built in 140 s. Reports now cover the whole history.\r\n"},
    {SW_MSG_DB_PRUNED_ROLLUPS,
     SEV_WARN,
     {L"2000", L"0", L"C:\\ProgramData\\SmtpWatch\\smtpwatch.db",
      L"its data went over the size cap", L"1030.4", L"1020.9", L"7"},
     L"The 2000 oldest hourly and 0 oldest daily availability rollup rows were deleted "
     L"from the database C:\\ProgramData\\SmtpWatch\\smtpwatch.db because its data "
     L"went over the size cap, the check results being down to their last 7 days. The "
     L"data in it went from 1030.4 MB to 1020.9 MB. Reports over the days whose hourly "
     L"rows went still count whole days from the daily rows, but the hours at the ends "
     L"of their period count as unmonitored; over the days whose daily rows went they "
     L"show nothing.\r\nTo keep more history, raise the cap (the service's --max-db-mb "
     L"option, docs/service.md), or lower rollup_retention_days so that old rollups go "
     L"by age first (docs/reports.md).\r\n"},
    {SW_MSG_MTA_STS_POLICY_CHANGED,
     SEV_INFO,
     {L"Mail for example.com", L"7", L"example.com", L"20240101T000000",
      L"20261207T000000", L"enforce"},
     L"The MTA-STS policy of mail domain example.com (rule \"Mail for example.com\", id "
     L"7) changed: its id was 20240101T000000 and is now 20261207T000000 (mode "
     L"enforce).\r\n"
     L"Senders that cached the old policy fetch the new one; the rule's checks now "
     L"judge the MX hosts by it.\r\n"},
};
#define N_MESSAGES (sizeof messages / sizeof *messages)

static HMODULE module;

static int load_exe(void **state)
{
  (void)state;
  wchar_t path[MAX_PATH];
  MultiByteToWideChar(CP_UTF8, 0, SW_SVC_EXE, -1, path, MAX_PATH);
  for (wchar_t *p = path; *p; p++)
    if (*p == L'/')
      *p = L'\\';
  /* As Event Viewer does: resources only, no code runs. */
  module = LoadLibraryExW(path, NULL,
                          LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_AS_IMAGE_RESOURCE);
  if (!module)
    fprintf(stderr, "cannot load %s as a data file: error %lu\n", SW_SVC_EXE,
            (unsigned long)GetLastError());
  return module ? 0 : -1;
}

static int unload_exe(void **state)
{
  (void)state;
  FreeLibrary(module);
  return 0;
}

static void render(const struct expected *m, wchar_t *out, DWORD cap)
{
  DWORD_PTR args[12];
  for (int i = 0; i < 12; i++)
    args[i] = (DWORD_PTR)(m->strings[i] ? m->strings[i] : L"");
  DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY,
                           module, m->id, 0, out, cap, (va_list *)args);
  if (n == 0) {
    fprintf(stderr, "event %lu: FormatMessageW failed with error %lu\n",
            (unsigned long)(m->id & 0xffff), (unsigned long)GetLastError());
    fail();
  }
}

static void print_w(const char *label, const wchar_t *w)
{
  char buf[4096];
  WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, sizeof buf, NULL, NULL);
  fprintf(stderr, "%s: [%s]\n", label, buf);
}

/* Every event renders to exactly the text the docs promise. */
static void test_every_message_renders(void **state)
{
  (void)state;
  for (size_t i = 0; i < N_MESSAGES; i++) {
    wchar_t text[4096];
    render(&messages[i], text, 4096);
    if (wcscmp(text, messages[i].text) != 0) {
      fprintf(stderr, "event %lu renders differently\n",
              (unsigned long)(messages[i].id & 0xffff));
      print_w("got     ", text);
      print_w("expected", messages[i].text);
      fail();
    }
    /* No insert left unfilled, whatever the message. */
    for (const wchar_t *p = text; *p; p++)
      if (p[0] == L'%' && p[1] >= L'1' && p[1] <= L'9')
        fail_msg("event %lu has an unfilled insert",
                 (unsigned long)(messages[i].id & 0xffff));
  }
}

/* Event Viewer's icon comes from the type the service reports, which it
 * derives from these bits: problems must not show as information. */
static void test_severities(void **state)
{
  (void)state;
  for (size_t i = 0; i < N_MESSAGES; i++)
    assert_int_equal(messages[i].id >> 30, messages[i].severity);
  /* The id Event Viewer shows is the low word: the documented number. */
  assert_int_equal(SW_MSG_SERVICE_STARTED & 0xffff, 1000);
  assert_int_equal(SW_MSG_RULE_CRITICAL & 0xffff, 2001);
  assert_int_equal(SW_MSG_DB_UNAVAILABLE & 0xffff, 3000);
}

/* The table holds exactly the ids above: an event added to messages.mc
 * without its text being checked here fails. */
static void test_table_has_no_unknown_id(void **state)
{
  (void)state;
  HRSRC res = FindResourceW(module, MAKEINTRESOURCEW(1), (LPCWSTR)RT_MESSAGETABLE);
  assert_non_null(res);
  const MESSAGE_RESOURCE_DATA *data = LockResource(LoadResource(module, res));
  assert_non_null(data);
  size_t seen = 0;
  for (DWORD b = 0; b < data->NumberOfBlocks; b++) {
    for (DWORD id = data->Blocks[b].LowId; id <= data->Blocks[b].HighId; id++) {
      bool known = false;
      for (size_t i = 0; i < N_MESSAGES; i++)
        known |= messages[i].id == id;
      if (!known)
        fail_msg(
            "message table holds id 0x%08lx (event %lu) that this test does not check",
            (unsigned long)id, (unsigned long)(id & 0xffff));
      seen++;
    }
  }
  assert_int_equal(seen, N_MESSAGES);
}

/* An id that is not in the table fails to render: the service's console
 * echo and Event Viewer both depend on the ids matching. */
static void test_unknown_id_fails(void **state)
{
  (void)state;
  wchar_t text[64];
  DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_IGNORE_INSERTS,
                           module, 0x40000000 | 999, 0, text, 64, NULL);
  assert_int_equal(n, 0);
}

/* docs/events.md has a section for every id ("## 1000 ..."). */
static void test_every_id_is_documented(void **state)
{
  (void)state;
  char path[MAX_PATH];
  snprintf(path, sizeof path, "%s/../../docs/events.md", SW_TEST_DATA_DIR);
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s", path);
  static char doc[256 * 1024];
  size_t len = fread(doc, 1, sizeof doc - 1, f);
  fclose(f);
  doc[len] = '\0';
  for (size_t i = 0; i < N_MESSAGES; i++) {
    char heading[32];
    snprintf(heading, sizeof heading, "\n## %lu ",
             (unsigned long)(messages[i].id & 0xffff));
    if (!strstr(doc, heading))
      fail_msg("docs/events.md has no \"## %lu\" section",
               (unsigned long)(messages[i].id & 0xffff));
  }
}

/* ---- Event Viewer's second pass over inserted text ----------------------- */

/* Parameter string `n` for "%%n": the source has no ParameterMessageFile,
 * so the system message table stands in (any table shows the leak). */
static bool parameter_string(unsigned long n, wchar_t *out, size_t cap)
{
  DWORD len = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                             NULL, (DWORD)n, 0, out, (DWORD)cap, NULL);
  while (len > 0 && (out[len - 1] == L'\n' || out[len - 1] == L'\r'))
    out[--len] = L'\0';
  return len > 0;
}

/* Renders event `id` as [MS-EVEN] 3.2.4.1.5 says a client must: the message
 * with its inserts (FormatMessageW, as Event Viewer loads the exe), then
 * every insertion code that appears in the result, "%n" (insert n) and
 * "%%n" (parameter string n), replaced again and again, at most 16 rounds
 * (the client must bound it). An insertion code that cannot be filled is
 * kept verbatim. */
static void viewer_render(DWORD id, unsigned count, const wchar_t *const *inserts,
                          wchar_t *out, size_t cap)
{
  DWORD_PTR args[SW_SVC_EVENT_MAX_STRINGS];
  for (unsigned i = 0; i < SW_SVC_EVENT_MAX_STRINGS; i++)
    args[i] = (DWORD_PTR)(i < count && inserts[i] ? inserts[i] : L"");
  DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY,
                           module, id, 0, out, (DWORD)cap, (va_list *)args);
  assert_true(n > 0);
  static wchar_t next[16384];
  for (int round = 0; round < 16; round++) {
    size_t o = 0;
    bool changed = false;
    for (const wchar_t *p = out; *p && o + 1 < cap;) {
      bool param = p[0] == L'%' && p[1] == L'%' && iswdigit(p[2]);
      if ((param || (p[0] == L'%' && iswdigit(p[1])))) {
        wchar_t *end;
        unsigned long k = wcstoul(p + (param ? 2 : 1), &end, 10);
        wchar_t param_text[1024];
        const wchar_t *with = NULL;
        if (param && parameter_string(k, param_text, 1024))
          with = param_text;
        else if (!param && k >= 1 && k <= count)
          with = inserts[k - 1] ? inserts[k - 1] : L"";
        if (with) {
          for (const wchar_t *w = with; *w && o + 1 < cap; w++)
            next[o++] = *w;
          p = end;
          changed = true;
          continue;
        }
      }
      next[o++] = *p++;
    }
    next[o] = L'\0';
    wcscpy(out, next);
    if (!changed)
      break;
  }
}

static size_t count_of(const wchar_t *hay, const wchar_t *needle)
{
  size_t n = 0;
  for (const wchar_t *p = wcsstr(hay, needle); p; p = wcsstr(p + 1, needle))
    n++;
  return n;
}

/* A server that puts insertion codes into its greeting cannot make Event
 * Viewer (or the store's copy, or the console) show anything but its own
 * text: "%%1" would become parameter string 1 (the system's text of error 1),
 * "%1" the rule's name, again and again. */
static void test_server_text_is_literal(void **state)
{
  (void)state;
  const char *strings[12] = {"Relais Z\xc3\xbcrich",
                             "42",
                             "mx.example.net:25",
                             "CRITICAL",
                             "OK",
                             "2",
                             "server_rejected",
                             "The server refused the connection (554, 100% sure).",
                             "554 mx %%1 says %1 and %n%0 %{S-1-5-18} go away",
                             "connect 1.2 ms, greeting 3.0 ms, total 4.2 ms",
                             "5",
                             "30 minutes"};
  wchar_t *inserts[12] = {0};
  sw_svc_event_inserts(12, strings, inserts);
  for (int i = 0; i < 12; i++)
    assert_non_null(inserts[i]);

  static wchar_t shown[16384];
  viewer_render(SW_MSG_RULE_CRITICAL, 12, (const wchar_t *const *)inserts, shown, 16384);
  static const wchar_t expected[] =
      L"Rule \"Relais Z\u00fcrich\" (id 42, mx.example.net:25) is CRITICAL (it was OK) "
      L"after 2 failed checks in a row.\r\n"
      L"Outcome: server_rejected\r\n"
      L"Detail: The server refused the connection (554, 100\uff05 sure).\r\n"
      L"Server reply: 554 mx \uff05\uff051 says \uff051 and \uff05n\uff050 "
      L"\uff05{S-1-5-18} go away\r\n"
      L"Timings: connect 1.2 ms, greeting 3.0 ms, total 4.2 ms\r\n";
  if (wcscmp(shown, expected) != 0) {
    print_w("Event Viewer shows", shown);
    print_w("expected          ", expected);
    fail();
  }
  /* Nothing but the rule's own insert shows its name, and no '%' is left
   * for any later formatting (FormatMessage's %n, %0, %!...!) to act on. */
  assert_int_equal(count_of(shown, L"Relais"), 1);
  assert_null(wcschr(shown, L'%'));

  /* The store's copy (what `smtpwatch events` and the editor show) is the
   * same text, without the message's final line break. */
  char *stored = sw_svc_event_text(SW_MSG_RULE_CRITICAL, 12, strings);
  assert_non_null(stored);
  static char shown_utf8[4 * 16384];
  WideCharToMultiByte(CP_UTF8, 0, shown, -1, shown_utf8, sizeof shown_utf8, NULL, NULL);
  size_t len = strlen(shown_utf8); /* the store keeps no final line break */
  while (len > 0 && (shown_utf8[len - 1] == '\n' || shown_utf8[len - 1] == '\r'))
    shown_utf8[--len] = '\0';
  assert_string_equal(stored, shown_utf8);
  free(stored);
  sw_svc_event_inserts_free(12, inserts);
}

/* ---- registering the source as LocalService ------------------------------ */

#define TEST_KEY L"Software\\SmtpWatchTest\\EventLog\\SmtpWatch"
static unsigned create_calls;

/* What RegCreateKeyExW(HKLM...) answers LocalService on Windows. */
static LSTATUS create_denied(HKEY root, const wchar_t *subkey, HKEY *key)
{
  (void)root, (void)subkey, (void)key;
  create_calls++;
  return ERROR_ACCESS_DENIED;
}

/* Writes the values as the MSI does (an administrator's write). */
static void write_as_installer(DWORD type, const wchar_t *path)
{
  HKEY key;
  assert_int_equal(RegCreateKeyExW(HKEY_CURRENT_USER, TEST_KEY, 0, NULL, 0, KEY_SET_VALUE,
                                   NULL, &key, NULL),
                   ERROR_SUCCESS);
  assert_int_equal(RegSetValueExW(key, L"EventMessageFile", 0, type, (const BYTE *)path,
                                  (DWORD)((wcslen(path) + 1) * sizeof(wchar_t))),
                   ERROR_SUCCESS);
  DWORD types = SW_SVC_EVENT_TYPES;
  assert_int_equal(RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD,
                                  (const BYTE *)&types, sizeof types),
                   ERROR_SUCCESS);
  RegCloseKey(key);
}

/* The service runs as LocalService, which may read the source's key but
 * not write it. Installed by the MSI, the values are there: registering
 * writes nothing and succeeds, so there is nothing to log at each start.
 * When they are missing, the write is refused: the call says so and
 * changes nothing, and the service goes on (svc_scm.c ignores it, a
 * console run prints a note). Wine enforces no registry ACL, so the
 * refusal comes from a seam. */
static void test_registration_reads_before_it_writes(void **state)
{
  (void)state;
  RegDeleteTreeW(HKEY_CURRENT_USER, L"Software\\SmtpWatchTest");
  sw__svc_eventlog_seam = (struct sw__svc_eventlog_seam){
      .root = HKEY_CURRENT_USER, .subkey = TEST_KEY, .create = create_denied};
  DWORD err = 0;

  /* Missing, and not allowed to write: refused, nothing written. */
  create_calls = 0;
  assert_false(sw_svc_eventlog_register(&err));
  assert_int_equal(err, ERROR_ACCESS_DENIED);
  assert_int_equal(create_calls, 1);
  HKEY key;
  assert_int_not_equal(RegOpenKeyExW(HKEY_CURRENT_USER, TEST_KEY, 0, KEY_READ, &key),
                       ERROR_SUCCESS);

  /* Written by the installer: no write is even tried. */
  wchar_t exe[MAX_PATH];
  assert_true(GetModuleFileNameW(NULL, exe, MAX_PATH) > 0);
  write_as_installer(REG_SZ, exe);
  create_calls = 0;
  assert_true(sw_svc_eventlog_register(&err));
  assert_int_equal(err, ERROR_SUCCESS);
  assert_int_equal(create_calls, 0);

  /* REG_EXPAND_SZ with a %variable%, compared as Event Viewer reads it. */
  wchar_t dir[MAX_PATH], with_var[MAX_PATH + 32];
  wcscpy(dir, exe);
  wchar_t *slash = wcsrchr(dir, L'\\');
  assert_non_null(slash);
  *slash = L'\0';
  SetEnvironmentVariableW(L"SW_TEST_EXE_DIR", dir);
  swprintf(with_var, MAX_PATH + 32, L"%%SW_TEST_EXE_DIR%%\\%ls", slash + 1);
  write_as_installer(REG_EXPAND_SZ, with_var);
  create_calls = 0;
  assert_true(sw_svc_eventlog_register(&err));
  assert_int_equal(create_calls, 0);

  /* Pointing elsewhere (the service moved): a write is needed; refused
   * here, done with the rights to do it. */
  write_as_installer(REG_SZ, L"C:\\Old\\smtpwatch-svc.exe");
  create_calls = 0;
  assert_false(sw_svc_eventlog_register(&err));
  assert_int_equal(err, ERROR_ACCESS_DENIED);
  assert_int_equal(create_calls, 1);
  sw__svc_eventlog_seam.create = NULL;
  assert_true(sw_svc_eventlog_register(&err));
  sw__svc_eventlog_seam.create = create_denied;
  create_calls = 0;
  assert_true(sw_svc_eventlog_register(&err));
  assert_int_equal(create_calls, 0);

  sw__svc_eventlog_seam = (struct sw__svc_eventlog_seam){0};
  RegDeleteTreeW(HKEY_CURRENT_USER, L"Software\\SmtpWatchTest");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_message_renders),
      cmocka_unit_test(test_severities),
      cmocka_unit_test(test_table_has_no_unknown_id),
      cmocka_unit_test(test_unknown_id_fails),
      cmocka_unit_test(test_every_id_is_documented),
      cmocka_unit_test(test_server_text_is_literal),
      cmocka_unit_test(test_registration_reads_before_it_writes),
  };
  return cmocka_run_group_tests(tests, load_exe, unload_exe);
}
