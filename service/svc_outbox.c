/* The loop's side of the outbox (svc_outbox.h). */
#include "svc_outbox.h"

#include <stdlib.h>
#include <string.h>

struct sw_svc_notifier_health *sw_svc_outbox_health(struct sw_svc_outbox *o,
                                                    int64_t notifier_id)
{
  for (size_t i = 0; i < o->health_count; i++)
    if (o->health[i].notifier_id == notifier_id)
      return &o->health[i];
  if (o->health_count == o->health_cap) {
    size_t cap = o->health_cap ? 2 * o->health_cap : 8;
    struct sw_svc_notifier_health *grown = realloc(o->health, cap * sizeof *grown);
    if (!grown)
      return NULL;
    o->health = grown;
    o->health_cap = cap;
  }
  struct sw_svc_notifier_health *h = &o->health[o->health_count++];
  *h = (struct sw_svc_notifier_health){.notifier_id = notifier_id};
  return h;
}

struct sw_svc_attempt *sw_svc_outbox_find(struct sw_svc_outbox *o, int64_t outbox_id)
{
  for (size_t i = 0; i < o->in_flight_count; i++)
    if (o->in_flight[i].outbox_id == outbox_id)
      return &o->in_flight[i];
  return NULL;
}

void sw_svc_outbox_forget(struct sw_svc_outbox *o, int64_t outbox_id)
{
  struct sw_svc_attempt *a = sw_svc_outbox_find(o, outbox_id);
  if (a)
    *a = o->in_flight[--o->in_flight_count];
}

void sw_svc_outbox_free(struct sw_svc_outbox *o)
{
  free(o->health);
  o->health = NULL;
  o->health_count = o->health_cap = 0;
}
