#include "clock.h"

#include <windows.h>

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
