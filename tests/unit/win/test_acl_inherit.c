/* Windows' ACE inheritance rules (common/win/acl_inherit.h), each checked
 * on a parent DACL in SDDL and the child's DACL read back as SDDL. */
#include <windows.h>
#include <sddl.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "acl_inherit.h"

#define OWNER L"S-1-5-21-1-2-3-1001"

/* The DACL a file (or folder, is_dir) in a folder with `parent_sddl`
 * inherits, as "D:..." SDDL in out[cap]. */
static void inherit(const wchar_t *parent_sddl, bool is_dir, char *out, size_t cap)
{
  PSECURITY_DESCRIPTOR parent = NULL;
  PSID owner = NULL;
  BOOL present, defaulted;
  PACL dacl = NULL, child = NULL;
  assert_true(ConvertStringSecurityDescriptorToSecurityDescriptorW(
      parent_sddl, SDDL_REVISION_1, &parent, NULL));
  assert_true(ConvertStringSidToSidW(OWNER, &owner));
  assert_true(GetSecurityDescriptorDacl(parent, &present, &dacl, &defaulted));
  assert_int_equal(sw_acl_inherited(dacl, is_dir, owner, &child), SW_E_OK);

  SECURITY_DESCRIPTOR sd;
  LPWSTR text = NULL;
  assert_true(InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION));
  assert_true(SetSecurityDescriptorDacl(&sd, TRUE, child, FALSE));
  assert_true(ConvertSecurityDescriptorToStringSecurityDescriptorW(
      &sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &text, NULL));
  WideCharToMultiByte(CP_UTF8, 0, text, -1, out, (int)cap, NULL, NULL);
  LocalFree(text);
  LocalFree(child);
  LocalFree(owner);
  LocalFree(parent);
}

static void expect(const wchar_t *parent, bool is_dir, const char *child)
{
  char got[1024];
  inherit(parent, is_dir, got, sizeof got);
  if (strcmp(got, child))
    fail_msg("%ls -> %s %s, expected %s", parent, is_dir ? "folder" : "file", got, child);
}

/* Files take the OBJECT_INHERIT ACEs, effective, without flags. */
static void files_take_object_inherit(void **state)
{
  (void)state;
  const wchar_t *p = L"D:(A;OI;FA;;;SY)(A;CI;FA;;;BA)(A;OICI;FR;;;BU)(A;;FA;;;WD)"
                     L"(D;OIIO;FW;;;IU)";
  expect(p, false, "D:(A;ID;FA;;;SY)(A;ID;FR;;;BU)(D;ID;FW;;;IU)");
}

/* Folders take CONTAINER_INHERIT ACEs effective and passing on, and
 * OI-only ones as inherit-only for their files. */
static void folders_take_container_inherit(void **state)
{
  (void)state;
  const wchar_t *p = L"D:(A;OI;FA;;;SY)(A;CI;FA;;;BA)(A;OICI;FR;;;BU)(A;;FA;;;WD)"
                     L"(A;CIIO;FW;;;IU)";
  expect(p, true,
         "D:(A;OIIOID;FA;;;SY)(A;CIID;FA;;;BA)(A;OICIID;FR;;;BU)(A;CIID;FW;;;IU)");
}

/* NO_PROPAGATE_INHERIT: one level only. */
static void no_propagate(void **state)
{
  (void)state;
  const wchar_t *p = L"D:(A;OICINP;FA;;;SY)(A;OINP;FR;;;BU)";
  expect(p, true, "D:(A;ID;FA;;;SY)");
  expect(p, false, "D:(A;ID;FA;;;SY)(A;ID;FR;;;BU)");
}

/* CREATOR OWNER stands for the child's owner; a folder keeps it for what
 * is created below. */
static void creator_owner(void **state)
{
  (void)state;
  const wchar_t *p = L"D:(A;OICIIO;FA;;;CO)";
  expect(p, false,
         "D:(A;ID;FA;;;"
         "S-1-5-21-1-2-3-1001"
         ")");
  expect(p, true,
         "D:(A;ID;FA;;;"
         "S-1-5-21-1-2-3-1001"
         ")(A;OICIIOID;FA;;;CO)");
}

/* Nothing to inherit: an empty DACL, a NULL DACL. */
static void nothing(void **state)
{
  (void)state;
  expect(L"D:", false, "D:");
  expect(L"D:(A;;FA;;;WD)", true, "D:");
  PACL child = NULL;
  assert_int_equal(sw_acl_inherited(NULL, false, NULL, &child), SW_E_OK);
  assert_non_null(child);
  assert_int_equal(child->AceCount, 0);
  LocalFree(child);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(files_take_object_inherit),
      cmocka_unit_test(folders_take_container_inherit),
      cmocka_unit_test(no_propagate),
      cmocka_unit_test(creator_owner),
      cmocka_unit_test(nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
