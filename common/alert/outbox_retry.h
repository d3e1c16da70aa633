/* When a notification that failed is tried again. Every notification is
 * committed to the outbox before its first attempt and retried with a
 * backoff until it is delivered or too old (24 hours unless configured):
 * at least once, never holding up the checks. Sans-IO: times are Unix
 * seconds passed in. */
#ifndef SW_OUTBOX_RETRY_H
#define SW_OUTBOX_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#define SW_OUTBOX_FIRST_RETRY_S 30u
#define SW_OUTBOX_MAX_RETRY_S 1800u
#define SW_OUTBOX_DEFAULT_GIVE_UP_S (24u * 3600u)
#define SW_OUTBOX_GIVE_UP INT64_MIN /* "no more attempts: it failed" */

struct sw_outbox_retry {
  uint32_t first_s;   /* the wait after the first failure */
  uint32_t max_s;     /* the wait stops doubling here */
  uint32_t give_up_s; /* no attempt later than this after the notification was made */
};

/* 30 s, doubling to 30 min, giving up after 24 h. */
void sw_outbox_retry_defaults(struct sw_outbox_retry *r);

/* When to try again after the `failures`-th failed attempt (1 for the
 * first) at `now`, of a notification made at `made_at`: the wait doubles
 * from first_s up to max_s, plus up to a quarter more chosen by `spread`
 * (the notification's id, so that notifications failing together do not
 * all come back together), and the last attempt falls at made_at +
 * give_up_s. SW_OUTBOX_GIVE_UP once that time has come. */
int64_t sw_outbox_retry_at(const struct sw_outbox_retry *r, uint32_t failures,
                           int64_t made_at, int64_t now, uint64_t spread);

#endif
