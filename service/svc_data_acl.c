/* The data folder's descriptors: see svc_data_acl.h. */
#include "svc_data_acl.h"

#include <sddl.h>

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "acl_inherit.h"
#include "sw_macros.h"
#include "win_text.h"

enum sw_error sw_data_acl_folder(const wchar_t *trustee, PSECURITY_DESCRIPTOR *out,
                                 wchar_t *sddl, size_t cap)
{
  wchar_t text[320];
  *out = NULL;
  if (swprintf(text, SW_COUNTOF(text), SW_DATA_DIR_SDDL, trustee) < 0 ||
      !ConvertStringSecurityDescriptorToSecurityDescriptorW(text, SDDL_REVISION_1, out,
                                                            NULL)) {
    *out = NULL;
    return SW_E_INVALID_ARGUMENT;
  }
  if (sddl)
    swprintf(sddl, cap, L"%ls", text);
  return SW_E_OK;
}

/* A self-relative copy of the absolute `sd` (LocalAlloc), or NULL. */
static PSECURITY_DESCRIPTOR self_relative(PSECURITY_DESCRIPTOR sd)
{
  DWORD len = 0;
  MakeSelfRelativeSD(sd, NULL, &len);
  PSECURITY_DESCRIPTOR out = len ? LocalAlloc(LMEM_FIXED, len) : NULL;
  if (out && !MakeSelfRelativeSD(sd, out, &len)) {
    LocalFree(out);
    out = NULL;
  }
  return out;
}

enum sw_error sw_data_acl_reset(PSECURITY_DESCRIPTOR parent, PSECURITY_DESCRIPTOR current,
                                bool is_dir, PSECURITY_DESCRIPTOR *out)
{
  *out = NULL;
  BOOL present = FALSE, defaulted;
  PACL parent_dacl = NULL;
  PSID group = NULL;
  if (!GetSecurityDescriptorDacl(parent, &present, &parent_dacl, &defaulted) ||
      !GetSecurityDescriptorGroup(current, &group, &defaulted))
    return SW_E_INVALID_ARGUMENT;
  BYTE owner[SECURITY_MAX_SID_SIZE];
  DWORD len = sizeof owner;
  if (NEVER(!CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, owner, &len)))
    return SW_E_NOMEM; /* a well-known SID, in a buffer of the largest size */

  /* Nothing of `current` but its group: its explicit ACEs, its owner and
   * its protection are what a user who made the file first controls. */
  PACL dacl = NULL;
  enum sw_error err =
      sw_acl_inherited(present ? parent_dacl : NULL, is_dir, owner, &dacl);
  if (err)
    return err;
  SECURITY_DESCRIPTOR abs;
  if (NEVER(!InitializeSecurityDescriptor(&abs, SECURITY_DESCRIPTOR_REVISION) ||
            !SetSecurityDescriptorOwner(&abs, owner, FALSE) ||
            !SetSecurityDescriptorGroup(&abs, group, FALSE) ||
            !SetSecurityDescriptorDacl(&abs, TRUE, dacl, FALSE) ||
            !SetSecurityDescriptorControl(&abs,
                                          SE_DACL_AUTO_INHERITED | SE_DACL_PROTECTED,
                                          SE_DACL_AUTO_INHERITED)))
    err = SW_E_INVALID_ARGUMENT; /* valid parts */
  if (!err && !(*out = self_relative(&abs)))
    err = SW_E_NOMEM;
  LocalFree(dacl);
  return err;
}

void sw_data_acl_sddl(PSECURITY_DESCRIPTOR sd, char *out, size_t cap)
{
  LPWSTR text = NULL;
  if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(
          sd, SDDL_REVISION_1, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
          &text, NULL) ||
      !sw_utf8_from_wide(text, out, cap))
    snprintf(out, cap, "?");
  LocalFree(text);
}

/* Appends "; " (unless first) and `what` to out[cap]. */
static void add(char *out, size_t cap, const char *what)
{
  size_t n = strlen(out);
  snprintf(out + n, cap - n, "%s%s", n ? "; " : "", what);
}

void sw_data_acl_describe(PSECURITY_DESCRIPTOR current, PSECURITY_DESCRIPTOR reset,
                          char *out, size_t cap)
{
  out[0] = 0;
  PSID was = NULL, now = NULL;
  BOOL present = FALSE, defaulted;
  PACL dacl = NULL;
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision;
  GetSecurityDescriptorOwner(current, &was, &defaulted);
  GetSecurityDescriptorOwner(reset, &now, &defaulted);
  if (!was || !now || !EqualSid(was, now)) {
    LPWSTR sid = NULL;
    char text[200], u8[200];
    if (!was || !ConvertSidToStringSidW(was, &sid) ||
        !sw_utf8_from_wide(sid, u8, sizeof u8))
      snprintf(u8, sizeof u8, "none");
    LocalFree(sid);
    snprintf(text, sizeof text, "owner was %s", u8);
    add(out, cap, text);
  }
  GetSecurityDescriptorDacl(current, &present, &dacl, &defaulted);
  if (!present || !dacl) {
    add(out, cap, "had no DACL (everyone had full access)");
  } else {
    unsigned explicit_aces = 0;
    for (DWORD i = 0; i < dacl->AceCount; i++) {
      ACE_HEADER *h;
      if (GetAce(dacl, i, (LPVOID *)&h) && !(h->AceFlags & INHERITED_ACE))
        explicit_aces++;
    }
    if (explicit_aces) {
      char text[64];
      snprintf(text, sizeof text, "%u explicit ACE%s removed", explicit_aces,
               explicit_aces == 1 ? "" : "s");
      add(out, cap, text);
    }
  }
  if (GetSecurityDescriptorControl(current, &control, &revision) &&
      (control & SE_DACL_PROTECTED))
    add(out, cap, "inheritance was blocked");
  if (!out[0]) {
    char a[2048], b[2048];
    sw_data_acl_sddl(current, a, sizeof a);
    sw_data_acl_sddl(reset, b, sizeof b);
    add(out, cap, strcmp(a, b) ? "inherited ACEs renewed" : "unchanged");
  }
}
