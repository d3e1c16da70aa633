#include "clock.h"

#include <windows.h>

#include <stdio.h>

int64_t sw_clock_now_us(void)
{
  static LARGE_INTEGER freq; /* the frequency is fixed at boot */
  LARGE_INTEGER now;
  if (freq.QuadPart == 0)
    QueryPerformanceFrequency(&freq);
  QueryPerformanceCounter(&now);
  return (int64_t)(now.QuadPart / freq.QuadPart * 1000000 +
                   now.QuadPart % freq.QuadPart * 1000000 / freq.QuadPart);
}

void sw_clock_local_text(int64_t unix_ms, char *out, size_t size)
{
  ULARGE_INTEGER u; /* 100 ns units since 1601-01-01 */
  u.QuadPart = (ULONGLONG)(unix_ms + INT64_C(11644473600000)) * 10000u;
  FILETIME ft = {u.LowPart, u.HighPart};
  SYSTEMTIME utc, local;
  if (unix_ms < 0 || !FileTimeToSystemTime(&ft, &utc) ||
      !SystemTimeToTzSpecificLocalTime(NULL, &utc, &local)) {
    snprintf(out, size, "?");
    return;
  }
  snprintf(out, size, "%04u-%02u-%02u %02u:%02u:%02u", local.wYear, local.wMonth,
           local.wDay, local.wHour, local.wMinute, local.wSecond);
}
