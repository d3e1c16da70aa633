/* The reserve next to the database: space kept for a full disk. */
#include "svc_reserve.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "sw_macros.h"

/* db_path + "-reserve"; false if it does not fit. */
static bool reserve_path(const wchar_t *db_path, wchar_t *out, size_t cap)
{
  int n = swprintf(out, cap, L"%ls%ls", db_path, SW_SVC_RESERVE_SUFFIX);
  return n > 0 && (size_t)n < cap;
}

bool sw_svc_reserve_make(const wchar_t *db_path)
{
  wchar_t path[MAX_PATH + 32];
  if (!reserve_path(db_path, path, SW_COUNTOF(path)))
    return false;
  WIN32_FILE_ATTRIBUTE_DATA info;
  if (GetFileAttributesExW(path, GetFileExInfoStandard, &info) &&
      info.nFileSizeHigh == 0 && info.nFileSizeLow == SW_SVC_RESERVE_BYTES)
    return true;
  HANDLE h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                         FILE_ATTRIBUTE_NORMAL, NULL);
  if (h == INVALID_HANDLE_VALUE)
    return false;
  static const char zeros[64 * 1024];
  bool ok = true;
  for (DWORD done = 0; ok && done < SW_SVC_RESERVE_BYTES; done += sizeof zeros) {
    DWORD wrote = 0;
    ok = WriteFile(h, zeros, sizeof zeros, &wrote, NULL) && wrote == sizeof zeros;
  }
  ok = FlushFileBuffers(h) && ok;
  CloseHandle(h);
  if (!ok)
    DeleteFileW(path); /* no room: a part of a reserve only takes space */
  return ok;
}

bool sw_svc_reserve_release(const wchar_t *db_path)
{
  wchar_t path[MAX_PATH + 32];
  return reserve_path(db_path, path, SW_COUNTOF(path)) && DeleteFileW(path);
}
