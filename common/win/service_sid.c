/* NT SERVICE\<name>: Microsoft documents the service SID as derived from
 * the service name ("S-1-5-80-{SHA-1 hash of the uppercase service
 * name}"); the hash is over the UTF-16LE text, its 20 bytes read as five
 * little-endian DWORDs. tests/unit/win/test_access_eval.c checks it
 * against SIDs that `sc showsid` prints on Windows. */
#include "service_sid.h"
#include "win_digest.h"

#include <bcrypt.h>

#include <string.h>
#include <wchar.h>

#define SERVICE_NAME_CAP 256 /* the SCM's limit on service names */
#define SHA1_BYTES 20

enum sw_error sw_service_sid(const wchar_t *service_name, PSID *out)
{
  *out = NULL;
  size_t n = service_name ? wcslen(service_name) : 0;
  if (n == 0 || n > SERVICE_NAME_CAP)
    return SW_E_INVALID_ARGUMENT;
  wchar_t upper[SERVICE_NAME_CAP + 1];
  memcpy(upper, service_name, (n + 1) * sizeof *upper);
  CharUpperBuffW(upper, (DWORD)n);

  /* wchar_t is UTF-16LE on Windows: the bytes hash as they are. */
  BYTE digest[SHA1_BYTES];
  if (!sw_win_hash(BCRYPT_SHA1_ALGORITHM, upper, n * sizeof *upper, digest, SHA1_BYTES))
    return SW_E_SYSTEM;
  DWORD sub[SHA1_BYTES / 4];
  for (int i = 0; i < SHA1_BYTES / 4; i++)
    sub[i] = (DWORD)digest[4 * i] | (DWORD)digest[4 * i + 1] << 8 |
             (DWORD)digest[4 * i + 2] << 16 | (DWORD)digest[4 * i + 3] << 24;

  SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
  PSID built = NULL;
  if (!AllocateAndInitializeSid(&nt, 6, SECURITY_SERVICE_ID_BASE_RID, sub[0], sub[1],
                                sub[2], sub[3], sub[4], 0, 0, &built))
    return SW_E_NOMEM;
  /* AllocateAndInitializeSid's SID is freed with FreeSid; the contract
   * promises LocalFree, so hand back a LocalAlloc'd copy. */
  DWORD len = GetLengthSid(built);
  *out = LocalAlloc(LMEM_FIXED, len);
  if (*out)
    CopySid(len, *out, built);
  FreeSid(built);
  return *out ? SW_E_OK : SW_E_NOMEM;
}
