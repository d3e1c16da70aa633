/* The drift alarm's per-rule state (see svc_drift.h). */
#include "svc_drift.h"

#include <stdlib.h>
#include <string.h>

#include "store_drift.h"
#include "svc_rules.h"

void sw_svc_drift_free(struct sw_svc_drift *d)
{
  if (!d)
    return;
  free(d->current);
  free(d);
}

bool sw_svc_drift_on(const struct sw_rule *r)
{
  return r->drift; /* on by default; --no-drift turns it off */
}

enum sw_store_error sw_svc_drift_accept(struct sw_store *st, struct sw_svc_rule *r,
                                        const char *by, int64_t now_ms,
                                        struct sw_fp_diff *accepted_diff)
{
  struct sw_svc_drift *d = r->drift;
  if (!d || !d->current)
    return SW_STORE_NOT_FOUND;
  struct sw_fingerprint now;
  if (sw_fingerprint_parse(d->current, strlen(d->current), &now) != SW_E_OK)
    return SW_STORE_NOT_FOUND; /* NEVER: the loop wrote it */
  enum sw_store_error err =
      sw_store_fingerprint_accept(st, r->rule.id, d->current, now_ms, by);
  if (err)
    return err;
  *accepted_diff = d->diff;
  d->accepted = now;
  free(d->current);
  d->current = NULL;
  d->since_ms = 0;
  memset(&d->diff, 0, sizeof d->diff);
  return SW_STORE_OK;
}
