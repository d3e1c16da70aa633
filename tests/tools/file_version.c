/* file_version: prints a program's version resource as Windows reads it
 * (GetFileVersionInfoW, VerQueryValueW), so that tests check what Explorer
 * and Windows Installer see, independently of installer/pe_version.py,
 * which reads the same resource on Linux to fill the MSI's File table.
 *
 *   file_version FILE
 *
 * Prints, in UTF-8:
 *   fixed: <FILEVERSION a.b.c.d> product <PRODUCTVERSION a.b.c.d>
 *   translation: <language hex>-<code page hex>     (each one listed)
 *   <Name>: <value>    for CompanyName, FileDescription, FileVersion,
 *                      InternalName, LegalCopyright, OriginalFilename,
 *                      ProductName, ProductVersion of the first translation
 *                      ("<Name>: (missing)" when absent)
 * Exit codes: 0 read, 1 the file has no version resource (or cannot be
 * read), 2 usage. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

static const wchar_t *const names[] = {
    L"CompanyName",    L"FileDescription",  L"FileVersion", L"InternalName",
    L"LegalCopyright", L"OriginalFilename", L"ProductName", L"ProductVersion",
};

static void print_utf8(const wchar_t *text)
{
  char out[2048];
  if (WideCharToMultiByte(CP_UTF8, 0, text, -1, out, (int)sizeof out, NULL, NULL) <= 0)
    out[0] = '\0';
  fputs(out, stdout);
}

struct translation {
  WORD language;
  WORD code_page;
};

int wmain(int argc, wchar_t **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: file_version FILE\n");
    return 2;
  }
  DWORD ignored = 0;
  DWORD size = GetFileVersionInfoSizeW(argv[1], &ignored);
  if (size == 0) {
    fprintf(stderr,
            "file_version: no version resource (GetFileVersionInfoSizeW: error %lu)\n",
            GetLastError());
    return 1;
  }
  void *info = malloc(size);
  if (!info) {
    fprintf(stderr, "file_version: out of memory\n");
    return 1;
  }
  if (!GetFileVersionInfoW(argv[1], 0, size, info)) {
    fprintf(stderr, "file_version: GetFileVersionInfoW: error %lu\n", GetLastError());
    free(info);
    return 1;
  }

  VS_FIXEDFILEINFO *fixed = NULL;
  UINT len = 0;
  if (!VerQueryValueW(info, L"\\", (void **)&fixed, &len) || len < sizeof *fixed ||
      fixed->dwSignature != VS_FFI_SIGNATURE) {
    fprintf(stderr, "file_version: no VS_FIXEDFILEINFO\n");
    free(info);
    return 1;
  }
  printf("fixed: %u.%u.%u.%u product %u.%u.%u.%u\n", HIWORD(fixed->dwFileVersionMS),
         LOWORD(fixed->dwFileVersionMS), HIWORD(fixed->dwFileVersionLS),
         LOWORD(fixed->dwFileVersionLS), HIWORD(fixed->dwProductVersionMS),
         LOWORD(fixed->dwProductVersionMS), HIWORD(fixed->dwProductVersionLS),
         LOWORD(fixed->dwProductVersionLS));

  struct translation *tr = NULL;
  if (!VerQueryValueW(info, L"\\VarFileInfo\\Translation", (void **)&tr, &len) ||
      len < sizeof *tr) {
    fprintf(stderr, "file_version: no VarFileInfo\\Translation\n");
    free(info);
    return 1;
  }
  for (UINT i = 0; i < len / sizeof *tr; i++)
    printf("translation: %04x-%04x\n", tr[i].language, tr[i].code_page);

  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    wchar_t query[128];
    swprintf(query, 128, L"\\StringFileInfo\\%04x%04x\\%ls", tr[0].language,
             tr[0].code_page, names[i]);
    wchar_t *value = NULL;
    UINT chars = 0;
    print_utf8(names[i]);
    if (VerQueryValueW(info, query, (void **)&value, &chars) && value) {
      fputs(": ", stdout);
      print_utf8(value);
      fputs("\n", stdout);
    } else {
      fputs(": (missing)\n", stdout);
    }
  }
  free(info);
  return 0;
}
