/* The editor's rights (editor_rights.h). */
#include "editor_rights.h"

#include <windows.h>

bool sw_editor_rights_token_is_admin(void)
{
  wchar_t seam[4];
  DWORD n = GetEnvironmentVariableW(SW_EDITOR_ASSUME_STANDARD_USER_ENV, seam, 4);
  if (n == 1 && seam[0] == L'1')
    return false;
  BYTE sid[SECURITY_MAX_SID_SIZE];
  DWORD sid_size = sizeof sid;
  BOOL member = FALSE;
  /* A NULL token: the thread's impersonation token if any, else the
   * process's primary token; a deny-only group does not count. */
  return CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, sid, &sid_size) &&
         CheckTokenMembership(NULL, sid, &member) && member;
}

bool sw_editor_rights_decide(const char *args, struct sw_access_mode *mode, char *why,
                             size_t size)
{
  bool asked = false;
  if (!sw_access_mode_parse_args(args, &asked, why, size))
    return false;
  *mode = sw_access_mode_decide(asked, sw_editor_rights_token_is_admin());
  return true;
}
