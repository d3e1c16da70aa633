#include "connect_budget.h"

int64_t sw_connect_attempt_due(int64_t now, int64_t deadline, int after)
{
  if (after <= 0)
    return SW_CONNECT_UNTIL_DEADLINE;
  if (deadline <= now)
    return now;
  return now + (deadline - now) / (after + 1);
}
