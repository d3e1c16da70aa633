/* The drift alarm's state of one rule in the service (docs/drift.md): the
 * fingerprint accepted for its server and, while the server differs from
 * it, the fingerprint it has now, since when, and the differences in
 * words. Kept on the rule (struct sw_svc_rule.drift), mirrored in the
 * store (store_drift.h). Loop thread only. */
#ifndef SW_SVC_DRIFT_H
#define SW_SVC_DRIFT_H

#include <stdbool.h>
#include <stdint.h>

#include "fingerprint.h"
#include "rule.h"
#include "store.h"

struct sw_svc_drift {
  struct sw_fingerprint accepted;
  char *current;          /* its text (owned); NULL while the server matches */
  int64_t since_ms;       /* when `current` was first seen */
  struct sw_fp_diff diff; /* accepted against current, while current */
};

/* Frees `d` (may be NULL) and what it owns. */
void sw_svc_drift_free(struct sw_svc_drift *d);

/* Whether rule `r` is watched for drift. */
bool sw_svc_drift_on(const struct sw_rule *r);

struct sw_svc_rule;
/* Makes the current fingerprint of rule `r` its accepted one, in the store
 * (accepted by `by` at `now_ms`) and then in memory; the differences it
 * had stay in *accepted_diff for the event. SW_STORE_NOT_FOUND if the rule
 * has no drift to accept; a store failure changes nothing. */
enum sw_store_error sw_svc_drift_accept(struct sw_store *st, struct sw_svc_rule *r,
                                        const char *by, int64_t now_ms,
                                        struct sw_fp_diff *accepted_diff);

#endif
