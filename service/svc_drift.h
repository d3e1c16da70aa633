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

/* The fingerprints are kept as their text forms (a few hundred bytes),
 * not as struct sw_fingerprint (5 KB) with a struct sw_fp_diff (2 KB):
 * 100,000 rules held 700 MB that way. A result whose text equals the
 * accepted one needs no more; only a different one is parsed and
 * compared. */
struct sw_svc_drift {
  char *accepted;          /* its text (owned) */
  int64_t accepted_at_ms;  /* when a first check accepted it (written with a batch) */
  char *current;           /* its text (owned); NULL while the server matches */
  int64_t since_ms;        /* when `current` was first seen */
  struct sw_fp_diff *diff; /* accepted against current (owned), while current */
};

/* A drift record with a copy of `accepted` (the text of a fingerprint this
 * build parses), nothing current; NULL if out of memory. */
struct sw_svc_drift *sw_svc_drift_new(const char *accepted);
/* Compares fingerprint `now` (and its text) with d's accepted one for a
 * rule of TLS mode `mode` into *out (count 0: the same). False if the
 * accepted text cannot be parsed or memory ran out (*out is then empty). */
bool sw_svc_drift_compare(const struct sw_svc_drift *d, const struct sw_fingerprint *now,
                          const char *now_text, enum sw_tls_mode mode,
                          struct sw_fp_diff *out);
/* Makes `text` (owned, moved in) and a copy of *diff d's current drift;
 * false (nothing kept, text freed) if out of memory. */
bool sw_svc_drift_set_current(struct sw_svc_drift *d, char *text,
                              const struct sw_fp_diff *diff);
/* Forgets d's current drift. */
void sw_svc_drift_clear_current(struct sw_svc_drift *d);

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
