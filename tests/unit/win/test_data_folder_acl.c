/* The data folder's security (service/svc_data_acl.h), evaluated for every
 * kind of caller with access_eval.h against the matrix in docs/security.md
 * ("The data folder"). Wine neither enforces DACLs nor passes a folder's
 * ACEs on to its files, so a denial cannot be watched there: the
 * descriptors --install-config applies are computed by the same functions
 * it uses, and evaluated. Issue 11, item 6: a file a standard user created
 * before the installation, owned by them and with an explicit ACE for
 * Users, must be theirs no longer. */
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
#include "svc_data_acl.h"

/* FILE_GENERIC_READ | FILE_GENERIC_WRITE | FILE_GENERIC_EXECUTE | DELETE:
 * "Modify" in Explorer's words. */
#define MODIFY 0x1301bfu
#define FULL FILE_ALL_ACCESS

/* docs/security.md, "The data folder": the folder and smtpwatch.db (and
 * every other file or folder in it) give the same. */
static const ACCESS_MASK matrix[SW_PRINCIPAL_COUNT] = {
    [SW_PRINCIPAL_SYSTEM] = FULL,
    [SW_PRINCIPAL_ADMINISTRATORS] = FULL,
    [SW_PRINCIPAL_SERVICE] = MODIFY,
    [SW_PRINCIPAL_LOCAL_SERVICE] = 0,
    [SW_PRINCIPAL_INTERACTIVE] = 0,
    [SW_PRINCIPAL_FILTERED_ADMIN] = 0,
    [SW_PRINCIPAL_AUTHENTICATED_USERS] = 0,
    [SW_PRINCIPAL_NETWORK] = 0,
    [SW_PRINCIPAL_EVERYONE] = 0,
    [SW_PRINCIPAL_ANONYMOUS] = 0,
};

/* The standard user who created the file first (access_eval.c's
 * interactive user). */
#define USER L"S-1-5-21-1004336348-1177238915-682003330-1002"

static wchar_t service_sid[200];

static int setup(void **state)
{
  (void)state;
  PSID sid;
  LPWSTR text;
  if (sw_service_sid(L"SmtpWatch", &sid) || !ConvertSidToStringSidW(sid, &text))
    return -1;
  swprintf(service_sid, 200, L"%ls", text);
  LocalFree(text);
  LocalFree(sid);
  return 0;
}

/* Fails with every principal's grant, expected and got, if any differs. */
static void assert_matrix(PSECURITY_DESCRIPTOR sd, const ACCESS_MASK *expected,
                          const char *what)
{
  char report[2048] = "";
  bool differs = false;
  for (int p = 0; p < SW_PRINCIPAL_COUNT; p++) {
    struct sw_token_model m;
    assert_int_equal(sw_token_model_of(p, L"SmtpWatch", &m), SW_E_OK);
    ACCESS_MASK got = sw_access_granted(sd, &m, &sw_file_generic_mapping);
    size_t n = strlen(report);
    snprintf(report + n, sizeof report - n, "  %-36s expected 0x%06lx got 0x%06lx%s\n",
             sw_principal_name(p), (unsigned long)expected[p], (unsigned long)got,
             got == expected[p] ? "" : "  <--");
    differs |= got != expected[p];
  }
  if (differs) {
    char sddl[2048];
    sw_data_acl_sddl(sd, sddl, sizeof sddl);
    fail_msg("%s (%s):\n%s", what, sddl, report);
  }
}

static PSECURITY_DESCRIPTOR folder(const wchar_t *trustee)
{
  PSECURITY_DESCRIPTOR sd = NULL;
  assert_int_equal(sw_data_acl_folder(trustee, &sd, NULL, 0), SW_E_OK);
  return sd;
}

/* What --install-config makes of a file or folder inside `parent` that
 * had `sddl`. */
static PSECURITY_DESCRIPTOR reset(PSECURITY_DESCRIPTOR parent, const wchar_t *sddl,
                                  bool is_dir)
{
  PSECURITY_DESCRIPTOR current = sd_of(sddl), out = NULL;
  assert_int_equal(sw_data_acl_reset(parent, current, is_dir, &out), SW_E_OK);
  LocalFree(current);
  return out;
}

static void assert_owner_administrators(PSECURITY_DESCRIPTOR sd)
{
  PSID owner = NULL;
  BOOL defaulted;
  assert_true(GetSecurityDescriptorOwner(sd, &owner, &defaulted));
  assert_non_null(owner);
  assert_true(IsWellKnownSid(owner, WinBuiltinAdministratorsSid));
}

static void folder_matrix(void **state)
{
  (void)state;
  PSECURITY_DESCRIPTOR sd = folder(service_sid);
  assert_matrix(sd, matrix, "the data folder");
  assert_owner_administrators(sd);
  LocalFree(sd);
}

/* Where the system has no per-service SIDs the folder names LocalService:
 * then every LocalService service gets what SmtpWatch gets. */
static void folder_matrix_without_service_sid(void **state)
{
  (void)state;
  ACCESS_MASK expected[SW_PRINCIPAL_COUNT];
  memcpy(expected, matrix, sizeof expected);
  expected[SW_PRINCIPAL_LOCAL_SERVICE] = MODIFY;
  PSECURITY_DESCRIPTOR sd = folder(L"LS");
  assert_matrix(sd, expected, "the data folder naming LocalService");
  LocalFree(sd);
}

/* Issue 11, item 6: a standard user created smtpwatch.db before the
 * installation (any user may create folders in ProgramData). They own it
 * and gave Users full control. After --install-config nobody but SYSTEM,
 * Administrators and the service gets in: the owner is Administrators and
 * the ACE is gone. */
static void user_created_db_is_theirs_no_longer(void **state)
{
  (void)state;
  PSECURITY_DESCRIPTOR dir = folder(service_sid);
  PSECURITY_DESCRIPTOR db =
      reset(dir, L"O:" USER L"G:" USER L"D:(A;;FA;;;BU)(A;;FA;;;" USER L")", false);
  assert_matrix(db, matrix, "smtpwatch.db created first by a standard user");
  assert_owner_administrators(db);
  LocalFree(db);
  LocalFree(dir);
}

/* Other ways a file may have come: protected with Everyone, a NULL DACL,
 * one denying the service and SYSTEM, one made by the service itself, one
 * already inherited, one passing Authenticated Users on; each as a file
 * and as a folder (and a file in that folder). All end as the matrix
 * says. */
static void every_file_ends_as_the_matrix_says(void **state)
{
  (void)state;
  static const wchar_t *before[] = {
      L"O:" USER L"D:P(A;;FA;;;WD)",
      L"O:BAD:(D;;FA;;;S-1-5-19)(D;;FA;;;SY)(A;ID;FA;;;BA)",
      L"O:LSD:(A;;FA;;;LS)",
      L"O:BAD:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;0x1301bf;;;LS)",
      L"O:" USER L"D:(A;OICI;FA;;;AU)(A;;FA;;;IU)",
  };
  PSECURITY_DESCRIPTOR dir = folder(service_sid);
  for (size_t i = 0; i < sizeof before / sizeof *before; i++) {
    for (int is_dir = 0; is_dir <= 1; is_dir++) {
      PSECURITY_DESCRIPTOR item = reset(dir, before[i], is_dir);
      char what[256];
      snprintf(what, sizeof what, "a %s that had %ls", is_dir ? "folder" : "file",
               before[i]);
      assert_matrix(item, matrix, what);
      assert_owner_administrators(item);
      if (is_dir) {
        /* What is inside that folder is reset against it. */
        PSECURITY_DESCRIPTOR inner = reset(item, before[i], false);
        snprintf(what, sizeof what, "a file in a folder, both having had %ls", before[i]);
        assert_matrix(inner, matrix, what);
        LocalFree(inner);
      }
      LocalFree(item);
    }
  }
  PSECURITY_DESCRIPTOR null_dacl = reset(dir, NULL, false);
  assert_matrix(null_dacl, matrix, "a file that had a NULL DACL (everyone full access)");
  LocalFree(null_dacl);
  LocalFree(dir);
}

/* The reset's descriptor in SDDL: only inherited ACEs, not protected. */
static void reset_descriptor_text(void **state)
{
  (void)state;
  PSECURITY_DESCRIPTOR dir = folder(L"LS");
  char sddl[1024];
  PSECURITY_DESCRIPTOR db = reset(dir, L"O:" USER L"D:P(A;;FA;;;BU)", false);
  sw_data_acl_sddl(db, sddl, sizeof sddl);
  assert_string_equal(sddl, "O:BAD:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;0x1301bf;;;LS)");
  LocalFree(db);
  PSECURITY_DESCRIPTOR sub = reset(dir, L"O:" USER L"D:P(A;;FA;;;BU)", true);
  sw_data_acl_sddl(sub, sddl, sizeof sddl);
  assert_string_equal(
      sddl, "O:BAD:AI(A;OICIID;FA;;;SY)(A;OICIID;FA;;;BA)(A;OICIID;0x1301bf;;;LS)");
  LocalFree(sub);
  LocalFree(dir);
}

/* What --install-config reports for each item it resets. */
static void describe_says_what_changed(void **state)
{
  (void)state;
  PSECURITY_DESCRIPTOR dir = folder(L"LS");
  struct {
    const wchar_t *before;
    const char *said;
  } cases[] = {
      {L"O:" USER L"D:P(A;;FA;;;BU)(A;ID;FA;;;SY)",
       "owner was "
       "S-1-5-21-1004336348-1177238915-682003330-1002"
       "; 1 explicit ACE removed; inheritance was blocked"},
      {L"O:BAD:(A;;FA;;;BU)(D;;FA;;;WD)", "2 explicit ACEs removed"},
      {L"O:BAD:AI(A;ID;FA;;;SY)", "inherited ACEs renewed"},
      {L"O:BAD:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;0x1301bf;;;LS)", "unchanged"},
      {NULL, "owner was none; had no DACL (everyone had full access)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    PSECURITY_DESCRIPTOR current = sd_of(cases[i].before), out = NULL;
    assert_int_equal(sw_data_acl_reset(dir, current, false, &out), SW_E_OK);
    char said[512];
    sw_data_acl_describe(current, out, said, sizeof said);
    assert_string_equal(said, cases[i].said);
    LocalFree(out);
    LocalFree(current);
  }
  LocalFree(dir);
}

static void bad_trustee_is_refused(void **state)
{
  (void)state;
  PSECURITY_DESCRIPTOR sd = (PSECURITY_DESCRIPTOR)1;
  assert_int_equal(sw_data_acl_folder(L"not a SID", &sd, NULL, 0), SW_E_INVALID_ARGUMENT);
  assert_null(sd);
  wchar_t sddl[320];
  assert_int_equal(sw_data_acl_folder(L"LS", &sd, sddl, 320), SW_E_OK);
  assert_true(
      !wcscmp(sddl, L"O:BAD:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;LS)"));
  LocalFree(sd);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(folder_matrix),
      cmocka_unit_test(folder_matrix_without_service_sid),
      cmocka_unit_test(user_created_db_is_theirs_no_longer),
      cmocka_unit_test(every_file_ends_as_the_matrix_says),
      cmocka_unit_test(reset_descriptor_text),
      cmocka_unit_test(describe_says_what_changed),
      cmocka_unit_test(bad_trustee_is_refused),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
