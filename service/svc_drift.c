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
  sw_svc_drift_clear_current(d);
  free(d->accepted);
  free(d);
}

struct sw_svc_drift *sw_svc_drift_new(const char *accepted)
{
  struct sw_svc_drift *d = calloc(1, sizeof *d);
  if (d && sw_rule_set_string(&d->accepted, accepted) != SW_E_OK) {
    free(d);
    d = NULL;
  }
  return d;
}

bool sw_svc_drift_compare(const struct sw_svc_drift *d, const struct sw_fingerprint *now,
                          const char *now_text, enum sw_tls_mode mode,
                          struct sw_fp_diff *out)
{
  memset(out, 0, sizeof *out);
  if (!strcmp(d->accepted, now_text))
    return true; /* what nearly every check finds */
  struct sw_fingerprint *accepted = malloc(sizeof *accepted);
  bool ok = accepted &&
            sw_fingerprint_parse(d->accepted, strlen(d->accepted), accepted) == SW_E_OK;
  if (ok)
    sw_fingerprint_diff(accepted, now, mode, out);
  free(accepted);
  return ok;
}

bool sw_svc_drift_set_current(struct sw_svc_drift *d, char *text,
                              const struct sw_fp_diff *diff)
{
  struct sw_fp_diff *copy = d->diff ? d->diff : malloc(sizeof *copy);
  if (!copy) {
    free(text);
    return false;
  }
  *copy = *diff;
  d->diff = copy;
  if (d->current != text)
    free(d->current);
  d->current = text;
  return true;
}

void sw_svc_drift_clear_current(struct sw_svc_drift *d)
{
  free(d->current);
  free(d->diff);
  d->current = NULL;
  d->diff = NULL;
  d->since_ms = 0;
}

bool sw_svc_drift_on(const struct sw_rule *r)
{
  /* On by default; --no-drift turns it off. A domain's result speaks for
   * whichever MX address decided it, so its fingerprint would change from
   * one check to the next: the drift alarm is a host rule's. */
  return r->drift && !(r->domain && *r->domain);
}

enum sw_store_error sw_svc_drift_accept(struct sw_store *st, struct sw_svc_rule *r,
                                        const char *by, int64_t now_ms,
                                        struct sw_fp_diff *accepted_diff)
{
  struct sw_svc_drift *d = r->drift;
  if (!d || !d->current)
    return SW_STORE_NOT_FOUND;
  enum sw_store_error err =
      sw_store_fingerprint_accept(st, r->rule.id, d->current, now_ms, by);
  if (err)
    return err;
  if (d->diff)
    *accepted_diff = *d->diff;
  else
    memset(accepted_diff, 0, sizeof *accepted_diff);
  free(d->accepted);
  d->accepted = d->current; /* moved */
  d->current = NULL;
  sw_svc_drift_clear_current(d);
  return SW_STORE_OK;
}
