/* The editor's own admin check (gui/editor_rights.c) against the token,
 * evaluated independently: BUILTIN\Administrators among the token's
 * groups, enabled and not deny-only, is what the service counts
 * (CheckTokenMembership on the client's token). A token whose
 * Administrators group is deny-only, as UAC makes an administrator's
 * token before elevation, is not an administrator's: the editor is
 * read-only with it. The seam SMTPWATCH_EDITOR_ASSUME_STANDARD_USER=1 and
 * /readonly make it read-only too; a wrong command line is refused. */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "editor_rights.h"

/* Whether `token`'s groups hold Administrators, enabled and usable for
 * allow ACEs: read from TokenGroups, not through CheckTokenMembership. */
static bool groups_say_admin(HANDLE token)
{
  BYTE sid[SECURITY_MAX_SID_SIZE];
  DWORD sid_size = sizeof sid;
  assert_true(CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, sid, &sid_size));
  DWORD size = 0;
  GetTokenInformation(token, TokenGroups, NULL, 0, &size);
  TOKEN_GROUPS *groups = malloc(size);
  assert_non_null(groups);
  assert_true(GetTokenInformation(token, TokenGroups, groups, size, &size));
  bool admin = false;
  for (DWORD i = 0; i < groups->GroupCount; i++) {
    DWORD a = groups->Groups[i].Attributes;
    if (EqualSid(groups->Groups[i].Sid, sid) && (a & SE_GROUP_ENABLED) &&
        !(a & SE_GROUP_USE_FOR_DENY_ONLY))
      admin = true;
  }
  free(groups);
  return admin;
}

static HANDLE process_token(void)
{
  HANDLE token = NULL;
  assert_true(OpenProcessToken(
      GetCurrentProcess(), TOKEN_QUERY | TOKEN_DUPLICATE | TOKEN_ASSIGN_PRIMARY, &token));
  return token;
}

/* Whether the process's own token is an administrator's, by its groups. */
static bool process_is_admin(void)
{
  HANDLE token = process_token();
  bool admin = groups_say_admin(token);
  CloseHandle(token);
  return admin;
}

/* sw_editor_rights_decide(args) succeeds with the mode {read_only, why}. */
static void assert_decides(const char *args, bool read_only, enum sw_access_why why)
{
  struct sw_access_mode mode = {0};
  char text[300];
  assert_true(sw_editor_rights_decide(args, &mode, text, sizeof text));
  assert_int_equal(mode.read_only, read_only);
  assert_int_equal(mode.why, why);
}

static int no_seam(void **state)
{
  (void)state;
  SetEnvironmentVariableW(SW_EDITOR_ASSUME_STANDARD_USER_ENV, NULL);
  return 0;
}

static void the_check_agrees_with_the_tokens_groups(void **state)
{
  (void)state;
  assert_int_equal(sw_editor_rights_token_is_admin(), process_is_admin());
}

static void an_administrators_group_made_deny_only_is_not_admin(void **state)
{
  (void)state;
  HANDLE token = process_token();
  if (!groups_say_admin(token)) {
    /* A standard user already (a Windows runner): nothing to filter, and
     * the check must say so. */
    assert_false(sw_editor_rights_token_is_admin());
    CloseHandle(token);
    return;
  }
  /* What UAC does to an administrator's token before elevation. */
  BYTE sid[SECURITY_MAX_SID_SIZE];
  DWORD sid_size = sizeof sid;
  assert_true(CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, sid, &sid_size));
  SID_AND_ATTRIBUTES disable = {.Sid = sid};
  HANDLE filtered = NULL, impersonation = NULL;
  assert_true(CreateRestrictedToken(token, 0, 1, &disable, 0, NULL, 0, NULL, &filtered));
  assert_false(groups_say_admin(filtered));
  assert_true(DuplicateToken(filtered, SecurityImpersonation, &impersonation));
  assert_true(SetThreadToken(NULL, impersonation));
  bool admin = sw_editor_rights_token_is_admin();
  RevertToSelf();
  assert_false(admin);
  assert_true(sw_editor_rights_token_is_admin()); /* the process's own token again */
  CloseHandle(impersonation);
  CloseHandle(filtered);
  CloseHandle(token);
}

static void the_seam_makes_any_token_a_standard_users(void **state)
{
  (void)state;
  SetEnvironmentVariableW(SW_EDITOR_ASSUME_STANDARD_USER_ENV, L"1");
  assert_false(sw_editor_rights_token_is_admin());
  assert_decides("", true, SW_ACCESS_NOT_ADMIN);
  /* Only "1": anything else leaves the token's answer. */
  bool admin = process_is_admin();
  const wchar_t *others[] = {L"0", L"", L"11", L"yes"};
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
    SetEnvironmentVariableW(SW_EDITOR_ASSUME_STANDARD_USER_ENV, others[i]);
    if (sw_editor_rights_token_is_admin() != admin)
      fail_msg("the seam's value \"%ls\" changed the answer", others[i]);
  }
}

static void the_command_line_decides_first(void **state)
{
  (void)state;
  assert_decides("/readonly", true, SW_ACCESS_ASKED);
  bool admin = process_is_admin();
  assert_decides(NULL, !admin, admin ? SW_ACCESS_ADMIN : SW_ACCESS_NOT_ADMIN);
  struct sw_access_mode mode;
  char why[300];
  assert_false(sw_editor_rights_decide("/edit", &mode, why, sizeof why));
  assert_non_null(strstr(why, "does not know the option \"/edit\""));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(the_check_agrees_with_the_tokens_groups, no_seam),
      cmocka_unit_test_setup(an_administrators_group_made_deny_only_is_not_admin,
                             no_seam),
      cmocka_unit_test_setup_teardown(the_seam_makes_any_token_a_standard_users, no_seam,
                                      no_seam),
      cmocka_unit_test_setup(the_command_line_decides_first, no_seam),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
