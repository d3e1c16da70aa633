/* The access evaluator (common/win/access_eval.h) and the per-service SID
 * (common/win/service_sid.h). Wine enforces no DACL, so the project's
 * permission tests evaluate descriptors with these rules; here the rules
 * themselves are checked on SDDL strings, one documented rule a test. */
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

#include "access_eval.h"
#include "sd_fixture.h"
#include "service_sid.h"

/* The interactive principal's made-up user SID (access_eval.c). */
#define INTERACTIVE_USER L"S-1-5-21-1004336348-1177238915-682003330-1002"

/* What principal `p` (service SmtpWatch) gets from `sddl` with the file
 * mapping. */
static ACCESS_MASK granted(const wchar_t *sddl, enum sw_principal p)
{
  struct sw_token_model m;
  assert_int_equal(sw_token_model_of(p, NULL, &m), SW_E_OK);
  PSECURITY_DESCRIPTOR sd = sd_of(sddl);
  ACCESS_MASK a = sw_access_granted(sd, &m, &sw_file_generic_mapping);
  LocalFree(sd);
  return a;
}

static void expect_sid(const wchar_t *name, const wchar_t *expected)
{
  PSID sid = NULL;
  LPWSTR text = NULL;
  assert_int_equal(sw_service_sid(name, &sid), SW_E_OK);
  assert_true(ConvertSidToStringSidW(sid, &text));
  if (wcscmp(text, expected))
    fail_msg("NT SERVICE\\%ls: %ls, expected %ls", name, text, expected);
  LocalFree(text);
  LocalFree(sid);
}

/* SIDs as `sc showsid` prints them on Windows, published widely:
 * TrustedInstaller owns the system's files; MSSQLSERVER's and Winmgmt's
 * appear in SQL Server's list of logins (the binary form, read as
 * little-endian sub-authorities). Winmgmt checks the upper-casing. */
static void service_sid_matches_windows(void **state)
{
  (void)state;
  expect_sid(L"TrustedInstaller",
             L"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464");
  expect_sid(L"trustedinstaller",
             L"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464");
  expect_sid(L"MSSQLSERVER",
             L"S-1-5-80-3880718306-3832830129-1677859214-2598158968-1052248003");
  expect_sid(L"Winmgmt",
             L"S-1-5-80-3750560858-172214265-3889451188-1914796615-4100997547");
}

static void service_sid_refuses_bad_names(void **state)
{
  (void)state;
  PSID sid = (PSID)1;
  assert_int_equal(sw_service_sid(L"", &sid), SW_E_INVALID_ARGUMENT);
  assert_null(sid);
  assert_int_equal(sw_service_sid(NULL, &sid), SW_E_INVALID_ARGUMENT);
  wchar_t long_name[300];
  wmemset(long_name, L'a', 299);
  long_name[299] = 0;
  assert_int_equal(sw_service_sid(long_name, &sid), SW_E_INVALID_ARGUMENT);
}

/* Every principal has a token; the service's carries NT SERVICE\SmtpWatch
 * (or the name asked for), another LocalService service's does not. */
static void token_models(void **state)
{
  (void)state;
  for (int p = 0; p < SW_PRINCIPAL_COUNT; p++) {
    struct sw_token_model m;
    assert_int_equal(sw_token_model_of(p, NULL, &m), SW_E_OK);
    assert_true(m.count >= 2);
    assert_string_not_equal(sw_principal_name(p), "?");
  }
  assert_string_equal(sw_principal_name(SW_PRINCIPAL_COUNT), "?");
  assert_string_equal(sw_principal_name(SW_PRINCIPAL_SERVICE), "NT SERVICE\\SmtpWatch");

  PSID svc;
  assert_int_equal(sw_service_sid(L"SmtpWatch", &svc), SW_E_OK);
  wchar_t sddl[300];
  LPWSTR text;
  assert_true(ConvertSidToStringSidW(svc, &text));
  swprintf(sddl, 300, L"D:(A;;FA;;;%ls)", text);
  LocalFree(text);
  LocalFree(svc);
  assert_int_equal(granted(sddl, SW_PRINCIPAL_SERVICE), FILE_ALL_ACCESS);
  assert_int_equal(granted(sddl, SW_PRINCIPAL_LOCAL_SERVICE), 0);
  assert_int_equal(granted(sddl, SW_PRINCIPAL_SYSTEM), 0);

  struct sw_token_model other;
  assert_int_equal(sw_token_model_of(SW_PRINCIPAL_SERVICE, L"Other", &other), SW_E_OK);
  PSECURITY_DESCRIPTOR sd = sd_of(sddl);
  assert_int_equal(sw_access_granted(sd, &other, &sw_file_generic_mapping), 0);
  LocalFree(sd);

  assert_int_equal(sw_token_model_of(SW_PRINCIPAL_COUNT, NULL, &other),
                   SW_E_INVALID_ARGUMENT);
}

/* Who is in which well-known group: a few lines of each token, through
 * what they are granted. */
static void token_groups(void **state)
{
  (void)state;
  const wchar_t *iu = L"D:(A;;FA;;;IU)", *nu = L"D:(A;;FA;;;NU)", *au = L"D:(A;;FA;;;AU)",
                *wd = L"D:(A;;FA;;;WD)", *ls = L"D:(A;;FA;;;LS)";
  assert_int_equal(granted(iu, SW_PRINCIPAL_INTERACTIVE), FILE_ALL_ACCESS);
  assert_int_equal(granted(iu, SW_PRINCIPAL_FILTERED_ADMIN), FILE_ALL_ACCESS);
  assert_int_equal(granted(iu, SW_PRINCIPAL_NETWORK), 0);
  assert_int_equal(granted(iu, SW_PRINCIPAL_AUTHENTICATED_USERS), 0);
  assert_int_equal(granted(iu, SW_PRINCIPAL_SERVICE), 0);
  assert_int_equal(granted(nu, SW_PRINCIPAL_NETWORK), FILE_ALL_ACCESS);
  assert_int_equal(granted(nu, SW_PRINCIPAL_ANONYMOUS), FILE_ALL_ACCESS);
  assert_int_equal(granted(nu, SW_PRINCIPAL_INTERACTIVE), 0);
  assert_int_equal(granted(au, SW_PRINCIPAL_ANONYMOUS), 0);
  assert_int_equal(granted(au, SW_PRINCIPAL_EVERYONE), 0);
  assert_int_equal(granted(au, SW_PRINCIPAL_SYSTEM), FILE_ALL_ACCESS);
  assert_int_equal(granted(au, SW_PRINCIPAL_SERVICE), FILE_ALL_ACCESS);
  /* Anonymous is not in Everyone (Windows' default since XP). */
  assert_int_equal(granted(wd, SW_PRINCIPAL_ANONYMOUS), 0);
  assert_int_equal(granted(wd, SW_PRINCIPAL_EVERYONE), FILE_ALL_ACCESS);
  assert_int_equal(granted(ls, SW_PRINCIPAL_SERVICE), FILE_ALL_ACCESS);
  assert_int_equal(granted(ls, SW_PRINCIPAL_LOCAL_SERVICE), FILE_ALL_ACCESS);
  assert_int_equal(granted(ls, SW_PRINCIPAL_SYSTEM), 0);
}

/* A NULL DACL grants everything to everyone; an empty DACL nothing. */
static void null_and_empty_dacl(void **state)
{
  (void)state;
  PSECURITY_DESCRIPTOR null_dacl = sd_of(NULL);
  struct sw_token_model m;
  assert_int_equal(sw_token_model_of(SW_PRINCIPAL_ANONYMOUS, NULL, &m), SW_E_OK);
  assert_int_equal(sw_access_granted(null_dacl, &m, &sw_file_generic_mapping),
                   FILE_ALL_ACCESS);
  LocalFree(null_dacl);
  /* No DACL at all (SE_DACL_PRESENT clear) is the same. */
  SECURITY_DESCRIPTOR none;
  assert_true(InitializeSecurityDescriptor(&none, SECURITY_DESCRIPTOR_REVISION));
  assert_int_equal(sw_access_granted(&none, &m, &sw_file_generic_mapping),
                   FILE_ALL_ACCESS);

  for (int p = 0; p < SW_PRINCIPAL_COUNT; p++)
    assert_int_equal(granted(L"D:", p), 0);
}

/* ACEs are applied in order: a deny after an allow takes nothing away; a
 * deny before it removes its bits. */
static void ace_order(void **state)
{
  (void)state;
  assert_int_equal(granted(L"D:(A;;FA;;;WD)(D;;FA;;;IU)", SW_PRINCIPAL_INTERACTIVE),
                   FILE_ALL_ACCESS);
  assert_int_equal(granted(L"D:(D;;FA;;;IU)(A;;FA;;;WD)", SW_PRINCIPAL_INTERACTIVE), 0);
  assert_int_equal(granted(L"D:(D;;FA;;;IU)(A;;FA;;;WD)", SW_PRINCIPAL_EVERYONE),
                   FILE_ALL_ACCESS);
  assert_int_equal(granted(L"D:(D;;0x2;;;IU)(A;;FA;;;WD)", SW_PRINCIPAL_INTERACTIVE),
                   FILE_ALL_ACCESS & ~FILE_WRITE_DATA);
  /* Allows add up; a partial allow before a deny keeps what it granted. */
  assert_int_equal(
      granted(L"D:(A;;FR;;;IU)(D;;FA;;;BU)(A;;FW;;;WD)", SW_PRINCIPAL_INTERACTIVE),
      FILE_GENERIC_READ);
  assert_int_equal(granted(L"D:(A;;FR;;;IU)(A;;0x2;;;BU)", SW_PRINCIPAL_INTERACTIVE),
                   FILE_GENERIC_READ | FILE_WRITE_DATA);
}

/* UAC's filtered token keeps Administrators for deny ACEs only. */
static void deny_only(void **state)
{
  (void)state;
  const wchar_t *ba_full = L"D:(A;;FA;;;BA)(A;;FR;;;BU)";
  assert_int_equal(granted(ba_full, SW_PRINCIPAL_ADMINISTRATORS), FILE_ALL_ACCESS);
  assert_int_equal(granted(ba_full, SW_PRINCIPAL_FILTERED_ADMIN), FILE_GENERIC_READ);
  const wchar_t *ba_denied = L"D:(D;;FA;;;BA)(A;;FR;;;BU)";
  assert_int_equal(granted(ba_denied, SW_PRINCIPAL_FILTERED_ADMIN), 0);
  assert_int_equal(granted(ba_denied, SW_PRINCIPAL_INTERACTIVE), FILE_GENERIC_READ);

  /* A disabled group (neither flag) matches nothing. */
  struct sw_token_model m = {.count = 0};
  PSID ba = NULL;
  assert_true(ConvertStringSidToSidW(L"S-1-5-32-544", &ba));
  assert_int_equal(sw_token_model_add(&m, ba, 0), SW_E_OK);
  LocalFree(ba);
  PSECURITY_DESCRIPTOR sd = sd_of(L"D:(D;;FA;;;WD)(A;;FA;;;BA)");
  assert_int_equal(sw_access_granted(sd, &m, &sw_file_generic_mapping), 0);
  LocalFree(sd);
  sd = sd_of(L"D:(D;;FA;;;BA)");
  assert_int_equal(sw_access_granted(sd, &m, &sw_file_generic_mapping), 0);
  LocalFree(sd);
}

/* Inherit-only ACEs are for children: they grant and deny nothing here. */
static void inherit_only_skipped(void **state)
{
  (void)state;
  assert_int_equal(granted(L"D:(A;OICIIO;FA;;;BU)(A;;FR;;;BU)", SW_PRINCIPAL_INTERACTIVE),
                   FILE_GENERIC_READ);
  assert_int_equal(granted(L"D:(D;OICIIO;FA;;;BU)(A;;FR;;;BU)", SW_PRINCIPAL_INTERACTIVE),
                   FILE_GENERIC_READ);
  /* OI/CI without IO apply to the object itself too. */
  assert_int_equal(granted(L"D:(A;OICI;FA;;;BU)", SW_PRINCIPAL_INTERACTIVE),
                   FILE_ALL_ACCESS);
}

/* Generic bits in ACEs are mapped: for files and pipes, GR/GW/GX/GA are
 * FILE_GENERIC_READ/_WRITE/_EXECUTE and FILE_ALL_ACCESS. */
static void generic_mapping(void **state)
{
  (void)state;
  assert_int_equal(granted(L"D:(A;;GR;;;IU)", SW_PRINCIPAL_INTERACTIVE),
                   FILE_GENERIC_READ);
  assert_int_equal(granted(L"D:(A;;GRGW;;;IU)", SW_PRINCIPAL_INTERACTIVE),
                   FILE_GENERIC_READ | FILE_GENERIC_WRITE);
  assert_int_equal(granted(L"D:(A;;GX;;;IU)", SW_PRINCIPAL_INTERACTIVE),
                   FILE_GENERIC_EXECUTE);
  assert_int_equal(granted(L"D:(A;;GA;;;IU)", SW_PRINCIPAL_INTERACTIVE), FILE_ALL_ACCESS);
  /* GENERIC_WRITE on a pipe includes FILE_CREATE_PIPE_INSTANCE
   * (= FILE_APPEND_DATA): who can write can add a server end. */
  assert_true(granted(L"D:(A;;GW;;;IU)", SW_PRINCIPAL_INTERACTIVE) &
              FILE_CREATE_PIPE_INSTANCE);
  /* A generic deny removes the mapped bits. */
  assert_int_equal(granted(L"D:(D;;GW;;;IU)(A;;FA;;;IU)", SW_PRINCIPAL_INTERACTIVE),
                   FILE_ALL_ACCESS & ~FILE_GENERIC_WRITE);
  /* Another object type's mapping (registry keys) gives other bits. */
  const GENERIC_MAPPING key = {KEY_READ, KEY_WRITE, KEY_EXECUTE, KEY_ALL_ACCESS};
  struct sw_token_model m;
  assert_int_equal(sw_token_model_of(SW_PRINCIPAL_INTERACTIVE, NULL, &m), SW_E_OK);
  PSECURITY_DESCRIPTOR sd = sd_of(L"D:(A;;GR;;;IU)");
  assert_int_equal(sw_access_granted(sd, &m, &key), KEY_READ);
  LocalFree(sd);
}

/* The owner gets READ_CONTROL | WRITE_DAC whatever the DACL says (a deny
 * cannot take them: they are granted first), unless an OWNER RIGHTS ACE
 * says otherwise. A deny-only owner SID is no owner. */
static void owner_rights(void **state)
{
  (void)state;
  const ACCESS_MASK implicit = READ_CONTROL | WRITE_DAC;
  assert_int_equal(granted(L"O:" INTERACTIVE_USER L"D:", SW_PRINCIPAL_INTERACTIVE),
                   implicit);
  assert_int_equal(
      granted(L"O:" INTERACTIVE_USER L"D:(D;;FA;;;WD)", SW_PRINCIPAL_INTERACTIVE),
      implicit);
  assert_int_equal(
      granted(L"O:" INTERACTIVE_USER L"D:(A;;FR;;;WD)", SW_PRINCIPAL_INTERACTIVE),
      FILE_GENERIC_READ | WRITE_DAC);
  assert_int_equal(granted(L"O:" INTERACTIVE_USER L"D:", SW_PRINCIPAL_NETWORK), 0);
  /* Owned by a group: its members are owners. */
  assert_int_equal(granted(L"O:BAD:", SW_PRINCIPAL_ADMINISTRATORS), implicit);
  assert_int_equal(granted(L"O:BAD:", SW_PRINCIPAL_FILTERED_ADMIN), 0);
  /* OWNER RIGHTS (S-1-3-4) replaces the implicit rights and matches only
   * the owner. */
  const wchar_t *ow_read = L"O:" INTERACTIVE_USER L"D:(A;;FR;;;S-1-3-4)";
  assert_int_equal(granted(ow_read, SW_PRINCIPAL_INTERACTIVE), FILE_GENERIC_READ);
  assert_int_equal(granted(ow_read, SW_PRINCIPAL_ADMINISTRATORS), 0);
  const wchar_t *ow_none = L"O:" INTERACTIVE_USER L"D:(A;;FR;;;WD)(D;;WD;;;S-1-3-4)";
  assert_int_equal(granted(ow_none, SW_PRINCIPAL_INTERACTIVE), FILE_GENERIC_READ);
  /* An inherit-only OWNER RIGHTS ACE is for children: implicit rights
   * stay. */
  assert_int_equal(granted(L"O:" INTERACTIVE_USER L"D:(A;OIIO;FR;;;S-1-3-4)",
                           SW_PRINCIPAL_INTERACTIVE),
                   implicit);
}

/* For reference (the lead owns the pipe): the pipe's SDDL before issue 11.
 * Interactive users get read and write without FILE_CREATE_PIPE_INSTANCE,
 * and the service, running as LocalService, gets nothing at all: every
 * instance after the first fails on Windows (issue 11, item 1). */
static void pipe_sddl_before_issue_11(void **state)
{
  (void)state;
  const wchar_t *old = L"D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;0x12019b;;;IU)";
  assert_int_equal(granted(old, SW_PRINCIPAL_INTERACTIVE), 0x12019b);
  assert_false(granted(old, SW_PRINCIPAL_INTERACTIVE) & FILE_CREATE_PIPE_INSTANCE);
  assert_int_equal(granted(old, SW_PRINCIPAL_SYSTEM), FILE_ALL_ACCESS);
  assert_int_equal(granted(old, SW_PRINCIPAL_ADMINISTRATORS), FILE_ALL_ACCESS);
  assert_int_equal(granted(old, SW_PRINCIPAL_FILTERED_ADMIN), 0x12019b);
  assert_int_equal(granted(old, SW_PRINCIPAL_SERVICE), 0);
  assert_int_equal(granted(old, SW_PRINCIPAL_NETWORK), 0);
  assert_int_equal(granted(old, SW_PRINCIPAL_ANONYMOUS), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(service_sid_matches_windows),
      cmocka_unit_test(service_sid_refuses_bad_names),
      cmocka_unit_test(token_models),
      cmocka_unit_test(token_groups),
      cmocka_unit_test(null_and_empty_dacl),
      cmocka_unit_test(ace_order),
      cmocka_unit_test(deny_only),
      cmocka_unit_test(inherit_only_skipped),
      cmocka_unit_test(generic_mapping),
      cmocka_unit_test(owner_rights),
      cmocka_unit_test(pipe_sddl_before_issue_11),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
