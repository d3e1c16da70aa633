/* The Windows queries behind the client's check of the pipe's server
 * (pipe_trust.h). Every query uses only rights a standard user has; a
 * query that fails leaves its fact unknown, and the decision
 * (pipe_trust_rule.c) treats unknown as unproven. */
#include "pipe_trust.h"

#include <aclapi.h>
#include <sddl.h>

#include <stdio.h>
#include <string.h>

#include "service_sid.h"
#include "sw_macros.h"
#include "win_error.h"
#include "win_text.h"

static void to_utf8(const wchar_t *w, char *out, size_t size)
{
  if (!sw_utf8_from_wide(w, out, size))
    snprintf(out, size, "?");
}

/* "unknown (access denied)" and the like, for a fact that could not be read. */
static void unknown(DWORD err, char *out, size_t size)
{
  if (err == ERROR_ACCESS_DENIED) {
    snprintf(out, size, "unknown (access denied)");
    return;
  }
  char text[200];
  sw_win_error_text(err, text, sizeof text);
  snprintf(out, size, "unknown (%s)", text);
}

static void ask_scm(struct sw_pipe_trust_facts *f)
{
  f->scm = SW_PIPE_SCM_UNKNOWN;
  SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
  if (!scm)
    return;
  SC_HANDLE svc = OpenServiceW(scm, SW_PIPE_TRUST_SERVICE_NAME, SERVICE_QUERY_STATUS);
  if (!svc) {
    if (GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST)
      f->scm = SW_PIPE_SCM_NOT_INSTALLED;
    CloseServiceHandle(scm);
    return;
  }
  SERVICE_STATUS_PROCESS st;
  DWORD needed = 0;
  if (QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (BYTE *)&st, sizeof st,
                           &needed)) {
    bool has_process = st.dwCurrentState == SERVICE_RUNNING ||
                       st.dwCurrentState == SERVICE_START_PENDING ||
                       st.dwCurrentState == SERVICE_STOP_PENDING;
    f->scm = has_process ? SW_PIPE_SCM_RUNNING : SW_PIPE_SCM_STOPPED;
    f->scm_pid = has_process ? st.dwProcessId : 0;
  }
  CloseServiceHandle(svc);
  CloseServiceHandle(scm);
}

/* A token's information class as a LocalAlloc'ed buffer, or NULL. */
static void *token_info(HANDLE token, TOKEN_INFORMATION_CLASS what)
{
  DWORD size = 0;
  GetTokenInformation(token, what, NULL, 0, &size);
  if (GetLastError() != ERROR_INSUFFICIENT_BUFFER)
    return NULL;
  void *info = LocalAlloc(LMEM_FIXED, size);
  if (info && !GetTokenInformation(token, what, info, size, &size)) {
    LocalFree(info);
    info = NULL;
  }
  return info;
}

enum sw_pipe_trust_sid sw_pipe_trust_token_holds(HANDLE token, PSID sid)
{
  TOKEN_GROUPS *groups = token_info(token, TokenGroups);
  if (!groups)
    return SW_PIPE_SID_UNKNOWN;
  enum sw_pipe_trust_sid found = SW_PIPE_SID_ABSENT;
  for (DWORD i = 0; i < groups->GroupCount; i++) {
    DWORD attr = groups->Groups[i].Attributes;
    if ((attr & SE_GROUP_ENABLED) && !(attr & SE_GROUP_USE_FOR_DENY_ONLY) &&
        EqualSid(groups->Groups[i].Sid, sid))
      found = SW_PIPE_SID_HELD;
  }
  LocalFree(groups);
  return found;
}

/* "DOMAIN\name" of the token's user, or its SID as text. */
static void account(HANDLE token, char *out, size_t size)
{
  TOKEN_USER *user = token_info(token, TokenUser);
  if (!user) {
    unknown(GetLastError(), out, size);
    return;
  }
  wchar_t name[256], domain[256], text[520];
  DWORD name_len = SW_COUNTOF(name), domain_len = SW_COUNTOF(domain);
  SID_NAME_USE use;
  wchar_t *sid_text = NULL;
  if (LookupAccountSidW(NULL, user->User.Sid, name, &name_len, domain, &domain_len,
                        &use)) {
    if (domain[0])
      swprintf(text, SW_COUNTOF(text), L"%ls\\%ls", domain, name);
    else
      swprintf(text, SW_COUNTOF(text), L"%ls", name);
    to_utf8(text, out, size);
  } else if (ConvertSidToStringSidW(user->User.Sid, &sid_text)) {
    to_utf8(sid_text, out, size);
    LocalFree(sid_text);
  } else {
    unknown(GetLastError(), out, size);
  }
  LocalFree(user);
}

/* The server's image, account and service SID membership. */
static void ask_process(struct sw_pipe_trust_facts *f)
{
  HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, f->server_pid);
  if (!process) {
    DWORD err = GetLastError();
    unknown(err, f->image, sizeof f->image);
    unknown(err, f->account, sizeof f->account);
    return;
  }
  wchar_t image[1024];
  DWORD len = SW_COUNTOF(image);
  if (QueryFullProcessImageNameW(process, 0, image, &len))
    to_utf8(image, f->image, sizeof f->image);
  else
    unknown(GetLastError(), f->image, sizeof f->image);
  HANDLE token;
  if (OpenProcessToken(process, TOKEN_QUERY, &token)) {
    account(token, f->account, sizeof f->account);
    /* Computed, not looked up: LSA knows NT SERVICE\SmtpWatch only while
     * the service is installed. */
    PSID sid = NULL;
    if (!sw_service_sid(SW_PIPE_TRUST_SERVICE_NAME, &sid)) {
      f->sid = sw_pipe_trust_token_holds(token, sid);
      LocalFree(sid);
    }
    CloseHandle(token);
  } else {
    unknown(GetLastError(), f->account, sizeof f->account);
  }
  CloseHandle(process);
}

void sw_pipe_trust_gather(HANDLE pipe, struct sw_pipe_trust_facts *f)
{
  memset(f, 0, sizeof *f);
  f->opt_in = sw_pipe_trust_opt_in();
  ULONG pid = 0;
  if (GetNamedPipeServerProcessId(pipe, &pid)) {
    f->server_pid = pid;
  } else {
    unknown(GetLastError(), f->image, sizeof f->image);
    snprintf(f->account, sizeof f->account, "%s", f->image);
  }
  ask_scm(f);
  if (f->server_pid)
    ask_process(f);
}

bool sw_pipe_trust_opt_in(void)
{
  wchar_t value[8];
  DWORD n =
      GetEnvironmentVariableW(L"" SW_PIPE_TRUST_OPT_IN_VAR, value, SW_COUNTOF(value));
  return n > 0 && n < SW_COUNTOF(value) &&
         wcscmp(value, L"" SW_PIPE_TRUST_OPT_IN_VALUE) == 0;
}

unsigned long sw_pipe_trust_sddl(HANDLE pipe, char *out, size_t size)
{
  SECURITY_INFORMATION what =
      OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION;
  PSECURITY_DESCRIPTOR sd = NULL;
  DWORD err = GetSecurityInfo(pipe, SE_KERNEL_OBJECT, what, NULL, NULL, NULL, NULL, &sd);
  if (err) {
    unknown(err, out, size);
    return err;
  }
  wchar_t *text = NULL;
  if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1, what,
                                                            &text, NULL)) {
    err = GetLastError();
    LocalFree(sd);
    unknown(err, out, size);
    return err;
  }
  to_utf8(text, out, size);
  LocalFree(text);
  LocalFree(sd);
  return 0;
}
