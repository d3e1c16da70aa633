/* The loop's side of the outbox: which notifications are being attempted,
 * how each notifier has fared lately (for the Event Log), and the retry
 * schedule. The attempts themselves are made in svc_loop_outbox.c. Loop
 * thread only. */
#ifndef SW_SVC_OUTBOX_H
#define SW_SVC_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outbox_retry.h"
#include "svc_delivery.h"

/* Notifications attempted at once; more wait their turn in the outbox. */
#define SW_SVC_OUTBOX_IN_FLIGHT_MAX 16
/* Failed attempts in a row through one notifier before the Event Log
 * hears of it (once, until one gets through). */
#define SW_SVC_NOTIFIER_FAILING_AFTER 3

/* A notification being attempted. */
struct sw_svc_attempt {
  int64_t outbox_id, notifier_id, rule_id;
  int64_t created_at_ms;
  uint32_t attempts; /* before this one */
  uint64_t spread;   /* from its id: retries of many spread out */
  char uid[72];
};

/* How a notifier has fared since the service started. */
struct sw_svc_notifier_health {
  int64_t notifier_id;
  uint32_t failures; /* in a row */
  bool logged;       /* the Event Log was told it keeps failing */
};

struct sw_svc_outbox {
  struct sw_svc_deliveries *deliveries; /* NULL if it could not be made */
  struct sw_svc_attempt in_flight[SW_SVC_OUTBOX_IN_FLIGHT_MAX];
  size_t in_flight_count;
  struct sw_svc_notifier_health *health;
  size_t health_count, health_cap;
  struct sw_outbox_retry retry;
  int64_t next_poll_us, next_prune_us; /* monotonic */
  char machine[256];                   /* this computer, for the notes */
};

/* Looks up (adding if new) a notifier's health; NULL if memory ran out. */
struct sw_svc_notifier_health *sw_svc_outbox_health(struct sw_svc_outbox *o,
                                                    int64_t notifier_id);
/* The attempt of `outbox_id` in flight, or NULL. */
struct sw_svc_attempt *sw_svc_outbox_find(struct sw_svc_outbox *o, int64_t outbox_id);
/* Forgets an attempt in flight. */
void sw_svc_outbox_forget(struct sw_svc_outbox *o, int64_t outbox_id);
void sw_svc_outbox_free(struct sw_svc_outbox *o);

#endif
