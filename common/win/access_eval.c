/* The access-check rules of "How DACLs Control Access to an Object" and
 * AccessCheck's MAXIMUM_ALLOWED (learn.microsoft.com), applied to a token
 * model instead of a real token: see access_eval.h. */
#include "access_eval.h"

#include <sddl.h>

#include <string.h>

#include "service_sid.h"
#include "sw_macros.h"

#define DEFAULT_SERVICE L"SmtpWatch"
/* A real service of Windows that runs as LocalService, standing for "any
 * other LocalService service". */
#define OTHER_SERVICE L"W32Time"

/* Made-up local accounts (S-1-5-21-<machine>-<rid>) for the people. */
#define USER_SID(rid) L"S-1-5-21-1004336348-1177238915-682003330-" rid

const GENERIC_MAPPING sw_file_generic_mapping = {FILE_GENERIC_READ, FILE_GENERIC_WRITE,
                                                 FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS};

/* Group SIDs in SDDL string form; "" ends a list. */
#define EVERYONE L"S-1-1-0"
#define LOCAL L"S-1-2-0"
#define CONSOLE_LOGON L"S-1-2-1"
#define NETWORK L"S-1-5-2"
#define BATCH L"S-1-5-3"
#define INTERACTIVE L"S-1-5-4"
#define SERVICE L"S-1-5-6"
#define AUTHENTICATED_USERS L"S-1-5-11"
#define THIS_ORGANIZATION L"S-1-5-15"
#define NTLM_AUTHENTICATION L"S-1-5-64-10"
#define LOCAL_ACCOUNT L"S-1-5-113"
#define LOCAL_ACCOUNT_ADMIN L"S-1-5-114"
#define ADMINISTRATORS L"S-1-5-32-544"
#define USERS L"S-1-5-32-545"
#define SERVICE_SID_HERE L"*service" /* the per-service SID, computed */

#define ENABLED SE_GROUP_ENABLED
#define DENY_ONLY SE_GROUP_USE_FOR_DENY_ONLY

/* The runs of groups that several tokens share. (clang-format would
 * take the braces of a macro's initialisers for a block.) */
// clang-format off
/* What every local account's token has after the group of its kind of
 * logon (INTERACTIVE, BATCH, NETWORK). */
#define LOCAL_USER_GROUPS                                                                \
  {AUTHENTICATED_USERS, ENABLED}, {THIS_ORGANIZATION, ENABLED}, {LOCAL_ACCOUNT, ENABLED}
/* The groups of an interactive (console) logon whose logon SID is `logon`,
 * for an administrator and a standard user alike. */
#define INTERACTIVE_GROUPS(logon)                                                        \
  {INTERACTIVE, ENABLED}, {CONSOLE_LOGON, ENABLED}, LOCAL_USER_GROUPS, {logon, ENABLED}, \
  {LOCAL, ENABLED}, {NTLM_AUTHENTICATION, ENABLED}
// clang-format on

struct model_sid {
  const wchar_t *sid;
  DWORD attributes;
};

struct principal {
  const char *name;
  const wchar_t *service; /* whose SID SERVICE_SID_HERE is; NULL: the caller's */
  /* Another principal's SIDs instead of sids[]; `filtered`: as UAC filters
   * them (the administrator groups deny-only). */
  const struct principal *like;
  bool filtered;
  struct model_sid sids[SW_TOKEN_MAX_SIDS];
};

/* The tokens, as `whoami /user /groups` shows them for each kind of logon
 * (integrity labels and privileges left out: not modelled). Services get
 * their per-service SID, the logon SID and LOCAL from the SCM
 * (SERVICE_SID_INFO's remarks). */
static const struct principal principals[SW_PRINCIPAL_COUNT] = {
    [SW_PRINCIPAL_SYSTEM] = {"SYSTEM",
                             NULL,
                             NULL,
                             false,
                             {{L"S-1-5-18", ENABLED},
                              {ADMINISTRATORS, ENABLED},
                              {EVERYONE, ENABLED},
                              {AUTHENTICATED_USERS, ENABLED}}},
    [SW_PRINCIPAL_ADMINISTRATORS] = {"Administrators",
                                     NULL,
                                     NULL,
                                     false,
                                     {{USER_SID(L"1001"), ENABLED},
                                      {EVERYONE, ENABLED},
                                      {LOCAL_ACCOUNT_ADMIN, ENABLED},
                                      {ADMINISTRATORS, ENABLED},
                                      {USERS, ENABLED},
                                      INTERACTIVE_GROUPS(L"S-1-5-5-0-101")}},
    [SW_PRINCIPAL_SERVICE] = {"NT SERVICE\\SmtpWatch",
                              NULL,
                              NULL,
                              false,
                              {{L"S-1-5-19", ENABLED},
                               {EVERYONE, ENABLED},
                               {USERS, ENABLED},
                               {SERVICE, ENABLED},
                               {CONSOLE_LOGON, ENABLED},
                               {AUTHENTICATED_USERS, ENABLED},
                               {THIS_ORGANIZATION, ENABLED},
                               {SERVICE_SID_HERE, ENABLED},
                               {L"S-1-5-5-0-102", ENABLED},
                               {LOCAL, ENABLED}}},
    [SW_PRINCIPAL_LOCAL_SERVICE] = {"LocalService (another service)", OTHER_SERVICE,
                                    &principals[SW_PRINCIPAL_SERVICE]},
    [SW_PRINCIPAL_INTERACTIVE] = {"INTERACTIVE (a standard user)",
                                  NULL,
                                  NULL,
                                  false,
                                  {{USER_SID(L"1002"), ENABLED},
                                   {EVERYONE, ENABLED},
                                   {USERS, ENABLED},
                                   INTERACTIVE_GROUPS(L"S-1-5-5-0-104")}},
    /* UAC's filtered token: the administrator's, with Administrators and
     * "Local account and member of Administrators group" deny-only. */
    [SW_PRINCIPAL_FILTERED_ADMIN] = {"Administrators (UAC-filtered)", NULL,
                                     &principals[SW_PRINCIPAL_ADMINISTRATORS], true},
    [SW_PRINCIPAL_AUTHENTICATED_USERS] = {"Authenticated Users (a batch logon)",
                                          NULL,
                                          NULL,
                                          false,
                                          {{USER_SID(L"1003"), ENABLED},
                                           {EVERYONE, ENABLED},
                                           {USERS, ENABLED},
                                           {BATCH, ENABLED},
                                           LOCAL_USER_GROUPS,
                                           {L"S-1-5-5-0-106", ENABLED},
                                           {LOCAL, ENABLED}}},
    [SW_PRINCIPAL_NETWORK] = {"NETWORK",
                              NULL,
                              NULL,
                              false,
                              {{USER_SID(L"1004"), ENABLED},
                               {EVERYONE, ENABLED},
                               {USERS, ENABLED},
                               {NETWORK, ENABLED},
                               LOCAL_USER_GROUPS,
                               {NTLM_AUTHENTICATION, ENABLED}}},
    [SW_PRINCIPAL_EVERYONE] = {"Everyone",
                               NULL,
                               NULL,
                               false,
                               {{USER_SID(L"1005"), ENABLED}, {EVERYONE, ENABLED}}},
    /* Everyone does not include anonymous logons by default (the
     * "Let Everyone permissions apply to anonymous users" policy is off). */
    [SW_PRINCIPAL_ANONYMOUS] = {"ANONYMOUS LOGON",
                                NULL,
                                NULL,
                                false,
                                {{L"S-1-5-7", ENABLED}, {NETWORK, ENABLED}}},
};

const char *sw_principal_name(enum sw_principal p)
{
  return (unsigned)p < SW_PRINCIPAL_COUNT ? principals[p].name : "?";
}

enum sw_error sw_token_model_add(struct sw_token_model *m, PSID sid, DWORD attributes)
{
  if (!sid || !IsValidSid(sid) || m->count >= SW_TOKEN_MAX_SIDS ||
      !CopySid(SECURITY_MAX_SID_SIZE, m->storage[m->count], sid))
    return SW_E_INVALID_ARGUMENT;
  m->sids[m->count] = (struct sw_token_sid){m->storage[m->count], attributes};
  m->count++;
  return SW_E_OK;
}

enum sw_error sw_token_model_of(enum sw_principal p, const wchar_t *service_name,
                                struct sw_token_model *out)
{
  out->count = 0;
  if ((unsigned)p >= SW_PRINCIPAL_COUNT)
    return SW_E_INVALID_ARGUMENT;
  const struct principal *pr = &principals[p];
  const struct model_sid *sids = pr->like ? pr->like->sids : pr->sids;
  const wchar_t *service = pr->service    ? pr->service
                           : service_name ? service_name
                                          : DEFAULT_SERVICE;
  enum sw_error err = SW_E_OK;
  for (size_t i = 0; err == SW_E_OK && i < SW_TOKEN_MAX_SIDS && sids[i].sid; i++) {
    PSID sid = NULL;
    DWORD attributes = sids[i].attributes;
    if (pr->filtered && (!wcscmp(sids[i].sid, ADMINISTRATORS) ||
                         !wcscmp(sids[i].sid, LOCAL_ACCOUNT_ADMIN)))
      attributes = DENY_ONLY;
    if (!wcscmp(sids[i].sid, SERVICE_SID_HERE))
      err = sw_service_sid(service, &sid);
    else if (!ConvertStringSidToSidW(sids[i].sid, &sid))
      err = SW_E_NOMEM; /* out of memory: the table's strings are good SIDs */
    if (err == SW_E_OK)
      err = sw_token_model_add(out, sid, attributes);
    LocalFree(sid);
  }
  if (err)
    out->count = 0;
  return err;
}

/* Does the token hold `sid`? `deny`: for a deny ACE, where deny-only SIDs
 * count too. */
static bool holds(const struct sw_token_model *m, PSID sid, bool deny)
{
  DWORD need = deny ? (SE_GROUP_ENABLED | SE_GROUP_USE_FOR_DENY_ONLY) : SE_GROUP_ENABLED;
  for (size_t i = 0; i < m->count; i++)
    if ((m->sids[i].attributes & need) && EqualSid(m->sids[i].sid, sid))
      return true;
  return false;
}

static ACCESS_MASK map_generic(ACCESS_MASK mask, const GENERIC_MAPPING *mapping)
{
  ACCESS_MASK out =
      mask & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
  if (mask & GENERIC_READ)
    out |= mapping->GenericRead;
  if (mask & GENERIC_WRITE)
    out |= mapping->GenericWrite;
  if (mask & GENERIC_EXECUTE)
    out |= mapping->GenericExecute;
  if (mask & GENERIC_ALL)
    out |= mapping->GenericAll;
  return out;
}

/* The ACE's SID and mask if it is an allow or deny ACE that takes part in
 * the check (not inherit-only); false for anything else. */
static bool effective_ace(const ACE_HEADER *h, PSID *sid, ACCESS_MASK *mask)
{
  if (h->AceFlags & INHERIT_ONLY_ACE)
    return false;
  if (h->AceType != ACCESS_ALLOWED_ACE_TYPE && h->AceType != ACCESS_DENIED_ACE_TYPE)
    return false;
  /* ACCESS_ALLOWED_ACE and ACCESS_DENIED_ACE have the same layout. */
  const ACCESS_ALLOWED_ACE *a = (const ACCESS_ALLOWED_ACE *)h;
  *sid = (PSID)&a->SidStart;
  *mask = a->Mask;
  return true;
}

ACCESS_MASK sw_access_granted(PSECURITY_DESCRIPTOR sd, const struct sw_token_model *m,
                              const GENERIC_MAPPING *mapping)
{
  BOOL present = FALSE, defaulted;
  PACL dacl = NULL;
  PSID owner = NULL;
  if (NEVER(!GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted)))
    return 0; /* not a security descriptor: grant nothing */
  if (!present || !dacl)
    return mapping->GenericAll;
  GetSecurityDescriptorOwner(sd, &owner, &defaulted);

  BYTE owner_rights_buf[SECURITY_MAX_SID_SIZE];
  DWORD len = sizeof owner_rights_buf;
  PSID owner_rights = owner_rights_buf;
  if (NEVER(!CreateWellKnownSid(WinCreatorOwnerRightsSid, NULL, owner_rights, &len)))
    owner_rights = NULL; /* a well-known SID, in a buffer of the largest size */

  bool is_owner = owner && holds(m, owner, false);
  bool has_owner_rights_ace = false;
  for (DWORD i = 0; owner_rights && i < dacl->AceCount; i++) {
    ACE_HEADER *h;
    PSID sid;
    ACCESS_MASK mask;
    if (GetAce(dacl, i, (LPVOID *)&h) && effective_ace(h, &sid, &mask) &&
        EqualSid(sid, owner_rights))
      has_owner_rights_ace = true;
  }

  ACCESS_MASK granted = 0, denied = 0;
  if (is_owner && !has_owner_rights_ace)
    granted = READ_CONTROL | WRITE_DAC;
  for (DWORD i = 0; i < dacl->AceCount; i++) {
    ACE_HEADER *h;
    PSID sid;
    ACCESS_MASK mask;
    if (!GetAce(dacl, i, (LPVOID *)&h) || !effective_ace(h, &sid, &mask))
      continue;
    bool deny = h->AceType == ACCESS_DENIED_ACE_TYPE;
    bool match =
        owner_rights && EqualSid(sid, owner_rights) ? is_owner : holds(m, sid, deny);
    if (!match)
      continue;
    mask = map_generic(mask, mapping);
    if (deny)
      denied |= mask & ~granted;
    else
      granted |= mask & ~denied;
  }
  return granted;
}
