/* The control pipe's descriptor for the identity that serves it. */
#include "pipe_security.h"

#include <sddl.h>

#include <stdlib.h>
#include <wchar.h>

#include "service_sid.h"

bool sw_pipe_sddl_for(const wchar_t *self_sid, wchar_t *out, size_t cap)
{
  int n = swprintf(out, cap, SW_PIPE_SDDL_FORMAT, self_sid);
  return n > 0 && (size_t)n < cap;
}

/* The token's group equal to `sid`, if enabled. */
static bool token_has_enabled_group(HANDLE token, PSID sid)
{
  DWORD size = 0;
  GetTokenInformation(token, TokenGroups, NULL, 0, &size);
  TOKEN_GROUPS *groups = size ? malloc(size) : NULL;
  bool found = false;
  if (groups && GetTokenInformation(token, TokenGroups, groups, size, &size))
    for (DWORD i = 0; i < groups->GroupCount && !found; i++)
      found = (groups->Groups[i].Attributes & SE_GROUP_ENABLED) &&
              EqualSid(groups->Groups[i].Sid, sid);
  free(groups);
  return found;
}

unsigned long sw_pipe_security_sddl(const wchar_t *service_name, wchar_t *out, size_t cap)
{
  HANDLE token = NULL;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
    return GetLastError();
  BYTE user[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
  DWORD got = 0;
  PSID service = NULL;
  PSID self = NULL;
  DWORD err = 0;
  if (service_name && sw_service_sid(service_name, &service) == SW_E_OK &&
      token_has_enabled_group(token, service))
    self = service;
  else if (GetTokenInformation(token, TokenUser, user, sizeof user, &got))
    self = ((TOKEN_USER *)user)->User.Sid;
  else
    err = GetLastError();
  LPWSTR text = NULL;
  if (self && !ConvertSidToStringSidW(self, &text))
    err = GetLastError();
  if (text && !sw_pipe_sddl_for(text, out, cap))
    err = ERROR_INSUFFICIENT_BUFFER;
  LocalFree(text);
  LocalFree(service);
  CloseHandle(token);
  return err;
}
