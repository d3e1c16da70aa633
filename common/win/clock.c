#include "clock.h"

#include <windows.h>

#include <stdbool.h>
#include <stdio.h>

/* FILETIME's 1601-01-01 to Unix time's 1970-01-01, in microseconds. */
#define UNIX_EPOCH_SINCE_1601_US INT64_C(11644473600000000)

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

int64_t sw_clock_wall_us(void)
{
  FILETIME ft;
  GetSystemTimePreciseAsFileTime(&ft);
  return sw_clock_unix_us(&ft);
}

int64_t sw_clock_unix_us(const FILETIME *ft)
{
  uint64_t ticks = ((uint64_t)ft->dwHighDateTime << 32) | ft->dwLowDateTime;
  return (int64_t)(ticks / 10) - UNIX_EPOCH_SINCE_1601_US;
}

void sw_clock_filetime(int64_t unix_us, FILETIME *ft)
{
  uint64_t ticks = ((uint64_t)unix_us + (uint64_t)UNIX_EPOCH_SINCE_1601_US) * 10u;
  ft->dwLowDateTime = (DWORD)ticks;
  ft->dwHighDateTime = (DWORD)(ticks >> 32);
}

/* `utc` in zone `z` (NULL: this machine's), with the zone's rules for
 * that year: GetTimeZoneInformationForYear gives them, as
 * SystemTimeToTzSpecificLocalTimeEx would (which Wine 8 lacks). */
static bool to_local(const SYSTEMTIME *utc, const DYNAMIC_TIME_ZONE_INFORMATION *z,
                     SYSTEMTIME *local)
{
  DYNAMIC_TIME_ZONE_INFORMATION here;
  TIME_ZONE_INFORMATION year;
  if (!z) {
    if (GetDynamicTimeZoneInformation(&here) == TIME_ZONE_ID_INVALID)
      return false;
    z = &here;
  }
  return GetTimeZoneInformationForYear(utc->wYear, (DYNAMIC_TIME_ZONE_INFORMATION *)z,
                                       &year) &&
         SystemTimeToTzSpecificLocalTime(&year, utc, local);
}

int64_t sw_clock_zone_wall_s(int64_t utc_s, void *zone)
{
  FILETIME ft;
  SYSTEMTIME utc, local;
  if (utc_s < 0 || utc_s > INT64_MAX / 10000000 - UNIX_EPOCH_SINCE_1601_US / 1000000)
    return utc_s; /* outside FILETIME's range */
  sw_clock_filetime(utc_s * 1000000, &ft);
  if (!FileTimeToSystemTime(&ft, &utc) || !to_local(&utc, zone, &local) ||
      !SystemTimeToFileTime(&local, &ft))
    return utc_s;
  return sw_clock_unix_us(&ft) / 1000000; /* whole seconds, as it was given */
}

void sw_clock_local_text(int64_t unix_ms, char *out, size_t size)
{
  FILETIME ft;
  SYSTEMTIME utc, local;
  /* Past INT64_MAX / 10000 ms the ticks no longer fit FILETIME's range,
   * which FileTimeToSystemTime refuses anyway. */
  bool in_range = unix_ms >= 0 && unix_ms <= INT64_MAX / 10000;
  if (in_range)
    sw_clock_filetime(unix_ms * 1000, &ft);
  if (!in_range || !FileTimeToSystemTime(&ft, &utc) || !to_local(&utc, NULL, &local)) {
    snprintf(out, size, "?");
    return;
  }
  snprintf(out, size, "%04u-%02u-%02u %02u:%02u:%02u", local.wYear, local.wMonth,
           local.wDay, local.wHour, local.wMinute, local.wSecond);
}
