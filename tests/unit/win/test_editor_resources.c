/* What Windows reads from smtpwatch-editor.exe before any of its code
 * runs, read back the way Explorer and the loader do (the exe loaded as a
 * data file): the manifest (Common Controls 6, per-monitor v2 DPI,
 * highestAvailable: an administrator is asked once at start and gets the
 * full token the service wants for a change), the version resource
 * (Properties > Details shows the project's version), the icon in every
 * size the shell asks for, each window's dialog template, and the main
 * window's accelerators (in read-only mode, none of the keys that change
 * a rule). */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "resource.h"

#ifndef SW_EDITOR_EXE
#error "SW_EDITOR_EXE must name smtpwatch-editor.exe (tests/unit/CMakeLists.txt)"
#endif

static HMODULE editor;

static int load(void **state)
{
  (void)state;
  editor = LoadLibraryExW(L"" SW_EDITOR_EXE, NULL,
                          LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_AS_IMAGE_RESOURCE);
  return editor ? 0 : -1;
}

static int unload(void **state)
{
  (void)state;
  FreeLibrary(editor);
  return 0;
}

/* The bytes of one resource (`type` is RT_*, `id` its number); NULL if it
 * is missing. */
static const char *resource(LPCSTR type, WORD id, DWORD *size)
{
  HRSRC r =
      FindResourceW(editor, MAKEINTRESOURCEW(id), MAKEINTRESOURCEW((ULONG_PTR)type));
  if (!r)
    return NULL;
  *size = SizeofResource(editor, r);
  return LockResource(LoadResource(editor, r));
}

static bool contains(const char *data, DWORD size, const char *needle)
{
  size_t n = strlen(needle);
  for (DWORD i = 0; i + n <= size; i++)
    if (!memcmp(data + i, needle, n))
      return true;
  return false;
}

static void manifest_asks_for_common_controls_6_dpi_and_elevation(void **state)
{
  (void)state;
  DWORD size = 0;
  const char *m = resource(RT_MANIFEST, 1, &size);
  assert_non_null(m);
  assert_true(contains(m, size, "name=\"Microsoft.Windows.Common-Controls\""));
  assert_true(contains(m, size, "version=\"6.0.0.0\""));
  assert_true(contains(m, size, "PerMonitorV2"));
  assert_true(contains(m, size, "level=\"highestAvailable\""));
  assert_false(contains(m, size, "asInvoker"));
  assert_true(contains(m, size, "uiAccess=\"false\""));
  assert_true(
      contains(m, size, "{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}")); /* Windows 10 */
}

static void version_resource_carries_the_project_version(void **state)
{
  (void)state;
  DWORD ignored = 0;
  DWORD size = GetFileVersionInfoSizeW(L"" SW_EDITOR_EXE, &ignored);
  assert_true(size > 0);
  void *info = malloc(size);
  assert_true(GetFileVersionInfoW(L"" SW_EDITOR_EXE, 0, size, info));

  VS_FIXEDFILEINFO *fixed = NULL;
  UINT len = 0;
  assert_true(VerQueryValueW(info, L"\\", (void **)&fixed, &len));
  assert_int_equal(fixed->dwSignature, 0xFEEF04BD);
  assert_int_equal(HIWORD(fixed->dwProductVersionMS), SW_VERSION_MAJOR);
  assert_int_equal(LOWORD(fixed->dwProductVersionMS), SW_VERSION_MINOR);
  assert_int_equal(HIWORD(fixed->dwProductVersionLS), SW_VERSION_PATCH);
  assert_int_equal(fixed->dwFileType, VFT_APP);

  const struct {
    const wchar_t *key, *want;
  } strings[] = {
      {L"\\StringFileInfo\\040904B0\\ProductVersion", L"" SW_VERSION_TEXT},
      {L"\\StringFileInfo\\040904B0\\FileVersion", L"" SW_VERSION_TEXT},
      {L"\\StringFileInfo\\040904B0\\ProductName", L"SMTP Watch"},
      {L"\\StringFileInfo\\040904B0\\FileDescription", L"SMTP Watch rule editor"},
      {L"\\StringFileInfo\\040904B0\\OriginalFilename", L"smtpwatch-editor.exe"},
  };
  for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
    wchar_t *value = NULL;
    if (!VerQueryValueW(info, strings[i].key, (void **)&value, &len))
      fail_msg("%ls is missing", strings[i].key);
    if (wcscmp(value, strings[i].want) != 0)
      fail_msg("%ls is \"%ls\", not \"%ls\"", strings[i].key, value, strings[i].want);
  }
  free(info);
}

#pragma pack(push, 2)
struct icon_dir_entry { /* GRPICONDIRENTRY */
  BYTE width, height, colors, reserved;
  WORD planes, bit_count;
  DWORD bytes;
  WORD id;
};
#pragma pack(pop)

static void icon_comes_in_every_size_the_shell_uses(void **state)
{
  (void)state;
  DWORD size = 0;
  const char *group = resource(RT_GROUP_ICON, IDI_APP, &size);
  assert_non_null(group);
  WORD count;
  memcpy(&count, group + 4, sizeof count);
  assert_true(size >= 6 + count * sizeof(struct icon_dir_entry));
  bool seen[257] = {false};
  for (WORD i = 0; i < count; i++) {
    struct icon_dir_entry e;
    memcpy(&e, group + 6 + i * sizeof e, sizeof e);
    int px = e.width ? e.width : 256;
    seen[px] = true;
    DWORD image_size = 0;
    assert_non_null(resource(RT_ICON, e.id, &image_size));
    assert_int_equal(image_size, e.bytes);
  }
  const int sizes[] = {16, 24, 32, 48, 256};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    if (!seen[sizes[i]])
      fail_msg("no %d px icon", sizes[i]);
}

static void every_window_has_its_dialog_template(void **state)
{
  (void)state;
  const int dialogs[] = {IDD_MAIN, IDD_RULE, IDD_HISTORY};
  for (size_t i = 0; i < sizeof dialogs / sizeof dialogs[0]; i++) {
    DWORD size = 0;
    if (!resource(RT_DIALOG, (WORD)dialogs[i], &size))
      fail_msg("dialog %d is missing", dialogs[i]);
  }
}

struct key {
  WORD key, cmd;
};

/* Whether accelerator table `id` gives command `cmd` for virtual key `key`. */
static bool table_has(WORD id, struct key want)
{
  HACCEL table = LoadAcceleratorsW(editor, MAKEINTRESOURCEW(id));
  assert_non_null(table);
  ACCEL keys[32];
  int n = CopyAcceleratorTableW(table, keys, 32);
  bool found = false;
  for (int k = 0; k < n; k++)
    found |=
        keys[k].key == want.key && keys[k].cmd == want.cmd && (keys[k].fVirt & FVIRTKEY);
  DestroyAcceleratorTable(table);
  return found;
}

static void main_window_keys_are_in_its_accelerator_table(void **state)
{
  (void)state;
  const struct key want[] = {
      {VK_INSERT, IDC_MAIN_ADD}, {VK_F2, IDC_MAIN_EDIT}, {VK_DELETE, IDC_MAIN_DELETE},
      {VK_F5, IDC_MAIN_REFRESH}, {'E', IDC_MAIN_ENABLE}, {'T', IDC_MAIN_TEST},
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    if (!table_has(IDR_ACCEL_MAIN, want[i]))
      fail_msg("key 0x%x does not give command %u", want[i].key, want[i].cmd);
}

static void read_only_keys_only_look(void **state)
{
  (void)state;
  const struct key kept[] = {
      {VK_F5, IDC_MAIN_REFRESH}, {'T', IDC_MAIN_TEST}, {'H', IDC_MAIN_HISTORY}};
  for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
    if (!table_has(IDR_ACCEL_READ_ONLY, kept[i]))
      fail_msg("read-only: key 0x%x does not give command %u", kept[i].key, kept[i].cmd);
  const struct key gone[] = {{VK_INSERT, IDC_MAIN_ADD},
                             {VK_F2, IDC_MAIN_EDIT},
                             {VK_DELETE, IDC_MAIN_DELETE},
                             {'E', IDC_MAIN_ENABLE}};
  for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
    if (table_has(IDR_ACCEL_READ_ONLY, gone[i]))
      fail_msg("read-only: key 0x%x still gives command %u", gone[i].key, gone[i].cmd);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(manifest_asks_for_common_controls_6_dpi_and_elevation),
      cmocka_unit_test(version_resource_carries_the_project_version),
      cmocka_unit_test(icon_comes_in_every_size_the_shell_uses),
      cmocka_unit_test(every_window_has_its_dialog_template),
      cmocka_unit_test(main_window_keys_are_in_its_accelerator_table),
      cmocka_unit_test(read_only_keys_only_look),
  };
  return cmocka_run_group_tests(tests, load, unload);
}
