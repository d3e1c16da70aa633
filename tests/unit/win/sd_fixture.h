/* Security descriptors for the permission tests, from SDDL. Include after
 * <cmocka.h>. */
#ifndef SW_SD_FIXTURE_H
#define SW_SD_FIXTURE_H

#include <windows.h>
#include <sddl.h>

/* A self-relative descriptor (LocalFree) made from `sddl`; NULL: one with
 * a NULL DACL and no owner (everyone full access; built by hand, as Wine's
 * SDDL parser makes NO_ACCESS_CONTROL an empty DACL). Fails the test if
 * the SDDL does not parse. */
static inline PSECURITY_DESCRIPTOR sd_of(const wchar_t *sddl)
{
  PSECURITY_DESCRIPTOR sd = NULL;
  if (!sddl) {
    SECURITY_DESCRIPTOR open;
    DWORD len = 0;
    InitializeSecurityDescriptor(&open, SECURITY_DESCRIPTOR_REVISION);
    SetSecurityDescriptorDacl(&open, TRUE, NULL, FALSE);
    MakeSelfRelativeSD(&open, NULL, &len);
    sd = LocalAlloc(LMEM_FIXED, len);
    if (!sd || !MakeSelfRelativeSD(&open, sd, &len))
      fail_msg("a descriptor with a NULL DACL cannot be made: error %lu", GetLastError());
    return sd;
  }
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd,
                                                            NULL))
    fail_msg("SDDL %ls does not parse: error %lu", sddl, GetLastError());
  return sd;
}

#endif
