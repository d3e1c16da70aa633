/* When a failed notification is tried again (outbox_retry.h). */
#include "outbox_retry.h"

void sw_outbox_retry_defaults(struct sw_outbox_retry *r)
{
  *r = (struct sw_outbox_retry){.first_s = SW_OUTBOX_FIRST_RETRY_S,
                                .max_s = SW_OUTBOX_MAX_RETRY_S,
                                .give_up_s = SW_OUTBOX_DEFAULT_GIVE_UP_S};
}

/* A well-mixed 64-bit value from `x` (splitmix64's finaliser). */
static uint64_t mix(uint64_t x)
{
  x ^= x >> 30;
  x *= UINT64_C(0xbf58476d1ce4e5b9);
  x ^= x >> 27;
  x *= UINT64_C(0x94d049bb133111eb);
  return x ^ (x >> 31);
}

int64_t sw_outbox_retry_at(const struct sw_outbox_retry *r, uint32_t failures,
                           int64_t made_at, int64_t now, uint64_t spread)
{
  int64_t deadline = made_at + (int64_t)r->give_up_s;
  if (now >= deadline)
    return SW_OUTBOX_GIVE_UP;
  uint64_t wait = r->first_s ? r->first_s : 1;
  for (uint32_t i = 1; i < failures && wait < r->max_s; i++)
    wait *= 2;
  if (wait > r->max_s)
    wait = r->max_s ? r->max_s : 1;
  wait += mix(spread + failures) % (wait / 4 + 1);
  int64_t at = now + (int64_t)wait;
  return at < deadline ? at : deadline;
}
