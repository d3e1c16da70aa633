/* What a client finds out about the server behind the control pipe
 * (common/win/pipe_trust.c), against a pipe this test serves itself: the
 * server's process id, image and account, that it is not the SmtpWatch
 * service (nor holds its SID: the group scan is tested on this process's
 * token), the console opt-in read from the environment, and the pipe's
 * security descriptor read back through the client's handle. Then the
 * real client (pipe_client.c) against it: refused without the opt-in,
 * and the server end received nothing. */
#include <windows.h>

#include <sddl.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "pipe_client.h"
#include "pipe_trust.h"
#include "service_sid.h"

#define OPT_IN L"SMTPWATCH_TRUST_CONSOLE_SERVICE"
/* Specific rights only, so that the text read back is the text applied
 * (generic rights may be mapped when the pipe is created). */
#define TEST_DACL "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x12019b;;;IU)"

static wchar_t pipe_name[64];

struct served {
  HANDLE server; /* the server end */
  HANDLE client; /* a client handle, as pipe_client.c opens it */
};

static int setup(void **state)
{
  static struct served s;
  swprintf(pipe_name, 64, L"\\\\.\\pipe\\sw-trust-test-%lu", GetCurrentProcessId());
  SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, FALSE};
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
          L"" TEST_DACL, SDDL_REVISION_1, &sa.lpSecurityDescriptor, NULL))
    return -1;
  s.server = CreateNamedPipeW(
      pipe_name, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE,
      PIPE_TYPE_BYTE | PIPE_REJECT_REMOTE_CLIENTS, 1, 4096, 4096, 0, &sa);
  LocalFree(sa.lpSecurityDescriptor);
  if (s.server == INVALID_HANDLE_VALUE)
    return -1;
  s.client =
      CreateFileW(pipe_name, GENERIC_READ | FILE_WRITE_DATA, 0, NULL, OPEN_EXISTING,
                  SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, NULL);
  *state = &s;
  return s.client == INVALID_HANDLE_VALUE ? -1 : 0;
}

static int teardown(void **state)
{
  struct served *s = *state;
  if (s->client != INVALID_HANDLE_VALUE)
    CloseHandle(s->client);
  CloseHandle(s->server);
  SetEnvironmentVariableW(OPT_IN, NULL);
  return 0;
}

static bool ends_with(const char *s, const char *tail)
{
  size_t n = strlen(s), m = strlen(tail);
  return n >= m && _stricmp(s + n - m, tail) == 0;
}

/* This process serves the pipe: the client sees its id, image and
 * account, and nothing that makes it the service. */
static void the_server_process_is_found(void **state)
{
  struct served *s = *state;
  struct sw_pipe_trust_facts f;
  sw_pipe_trust_gather(s->client, &f);
  assert_int_equal(f.server_pid, GetCurrentProcessId());
  assert_true(ends_with(f.image, "\\test_pipe_trust.exe"));
  assert_non_null(strchr(f.account, '\\')); /* "DOMAIN\user" */
  assert_null(strstr(f.account, "unknown"));
  assert_int_not_equal(f.sid, SW_PIPE_SID_HELD);
  /* Whatever the SCM says of SmtpWatch on this machine, it is not us. */
  assert_false(f.scm == SW_PIPE_SCM_RUNNING && f.scm_pid == f.server_pid);
  assert_false(f.opt_in);
  assert_int_equal(sw_pipe_trust_decide(&f), SW_PIPE_TRUST_REFUSED);
}

/* The service SID proof looks for an enabled group of the token: this
 * process's token holds Everyone, not NT SERVICE\SmtpWatch. */
static void a_token_group_is_found(void **state)
{
  (void)state;
  HANDLE token;
  assert_true(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token));
  PSID everyone = NULL, service = NULL;
  assert_true(ConvertStringSidToSidW(L"S-1-1-0", &everyone));
  assert_int_equal(sw_pipe_trust_token_holds(token, everyone), SW_PIPE_SID_HELD);
  assert_int_equal(sw_service_sid(SW_PIPE_TRUST_SERVICE_NAME, &service), SW_E_OK);
  assert_int_equal(sw_pipe_trust_token_holds(token, service), SW_PIPE_SID_ABSENT);
  assert_int_equal(sw_pipe_trust_token_holds(NULL, everyone), SW_PIPE_SID_UNKNOWN);
  LocalFree(everyone);
  LocalFree(service);
  CloseHandle(token);
}

static void the_opt_in_is_read_from_the_environment(void **state)
{
  struct served *s = *state;
  struct sw_pipe_trust_facts f;
  SetEnvironmentVariableW(OPT_IN, L"1");
  assert_true(sw_pipe_trust_opt_in());
  sw_pipe_trust_gather(s->client, &f);
  assert_true(f.opt_in);
  assert_int_equal(sw_pipe_trust_decide(&f), SW_PIPE_TRUST_OPT_IN);
  /* Only "1" opts in. */
  SetEnvironmentVariableW(OPT_IN, L"yes");
  assert_false(sw_pipe_trust_opt_in());
  SetEnvironmentVariableW(OPT_IN, L"");
  assert_false(sw_pipe_trust_opt_in());
  SetEnvironmentVariableW(OPT_IN, NULL);
  assert_false(sw_pipe_trust_opt_in());
}

/* The descriptor read back through a client's handle (GENERIC_READ holds
 * READ_CONTROL) is the one the server applied. */
static void the_pipe_security_is_read_back(void **state)
{
  struct served *s = *state;
  char sddl[1024];
  assert_int_equal(sw_pipe_trust_sddl(s->client, sddl, sizeof sddl), 0);
  print_message("pipe security: %s\n", sddl);
  assert_true(strncmp(sddl, "O:", 2) == 0);
  assert_non_null(strstr(sddl, "G:"));
  assert_true(ends_with(sddl, TEST_DACL));
  /* No handle: the error, and a text that says the descriptor is unknown
   * and why, as `smtpwatch service info` shows it. */
  assert_int_equal(sw_pipe_trust_sddl(NULL, sddl, sizeof sddl), ERROR_INVALID_HANDLE);
  assert_true(strncmp(sddl, "unknown (", 9) == 0);
  assert_true(ends_with(sddl, " (6))"));
}

/* Waits for one client on the server end and returns how many bytes it
 * sent before it closed. */
static DWORD bytes_received(HANDLE server)
{
  if (!ConnectNamedPipe(server, NULL) && GetLastError() != ERROR_PIPE_CONNECTED &&
      GetLastError() != ERROR_NO_DATA)
    return (DWORD)-1;
  DWORD total = 0, n;
  char buf[512];
  while (ReadFile(server, buf, sizeof buf, &n, NULL) && n > 0)
    total += n;
  DisconnectNamedPipe(server);
  return total;
}

struct opener {
  struct sw_pipe_client *client;
  unsigned long win_error;
  char error[1024];
};

static DWORD WINAPI open_client(void *arg)
{
  struct opener *o = arg;
  o->win_error = 1;
  o->client = sw_pipe_client_open(pipe_name, "test", 2000, o->error, sizeof o->error,
                                  &o->win_error);
  return 0;
}

/* One client on a thread of its own against the server end; returns the
 * bytes the server received. */
static DWORD serve_one(HANDLE server, struct opener *o)
{
  memset(o, 0, sizeof *o);
  HANDLE t = CreateThread(NULL, 0, open_client, o, 0, NULL);
  assert_non_null(t);
  DWORD received = bytes_received(server);
  WaitForSingleObject(t, INFINITE);
  CloseHandle(t);
  return received;
}

/* The real client: refused before it writes its HELLO, so the server end
 * receives nothing. With the opt-in the same server gets the HELLO (which
 * nobody answers here: the client gives up). */
static void the_client_sends_nothing_to_an_unverified_server(void **state)
{
  struct served *s = *state;
  CloseHandle(s->client); /* the pipe has one instance: free it */
  s->client = INVALID_HANDLE_VALUE;
  DisconnectNamedPipe(s->server);
  struct opener o;
  assert_int_equal(serve_one(s->server, &o), 0);
  assert_null(o.client);
  assert_int_equal(o.win_error, 0);
  print_message("refusal: %s\n", o.error);
  char self[64];
  snprintf(self, sizeof self, "the process serving it, %lu (", GetCurrentProcessId());
  assert_non_null(strstr(o.error, self));
  assert_non_null(strstr(o.error, "test_pipe_trust.exe"));
  assert_non_null(strstr(o.error, "is not the SmtpWatch service"));
  assert_non_null(strstr(o.error, "SMTPWATCH_TRUST_CONSOLE_SERVICE=1"));

  SetEnvironmentVariableW(OPT_IN, L"1");
  assert_true(serve_one(s->server, &o) > 0);
  assert_null(o.client);
  assert_null(strstr(o.error, "is not the SmtpWatch service"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(the_server_process_is_found, setup, teardown),
      cmocka_unit_test(a_token_group_is_found),
      cmocka_unit_test_setup_teardown(the_opt_in_is_read_from_the_environment, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(the_pipe_security_is_read_back, setup, teardown),
      cmocka_unit_test_setup_teardown(the_client_sends_nothing_to_an_unverified_server,
                                      setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
