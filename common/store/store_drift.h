/* The drift alarm's rows (docs/drift.md): per rule, the server fingerprint
 * an administrator accepted (or the first good check did), and while the
 * server differs from it, the fingerprint it has now and since when. The
 * texts are sw_fingerprint_format's; the store keeps them as they are.
 * Same conventions as store.h; times are Unix milliseconds. */
#ifndef SW_STORE_DRIFT_H
#define SW_STORE_DRIFT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* One rule's fingerprints. Strings owned when read, borrowed when written. */
struct sw_store_fingerprint {
  int64_t rule_id;
  char *accepted;
  int64_t accepted_at_ms;
  char *accepted_by; /* "" when the rule's first good check accepted it */
  char *current;     /* NULL while the server matches `accepted` */
  int64_t since_ms;  /* when `current` was first seen; 0 without it */
};

struct sw_store_fingerprint_list {
  struct sw_store_fingerprint *items;
  size_t count;
};

void sw_store_fingerprint_free(struct sw_store_fingerprint *f);
void sw_store_fingerprint_list_free(struct sw_store_fingerprint_list *l);
/* Every rule's fingerprints in rule id order (the service's start). */
enum sw_store_error sw_store_fingerprint_load(struct sw_store *st,
                                              struct sw_store_fingerprint_list *out);
/* Makes `text` rule `rule_id`'s accepted fingerprint, accepted at `at_ms`
 * by `by` ("" for a first check; else one line of at most
 * SW_STORE_ACK_TEXT_MAX characters), and forgets any drift. NOT_FOUND if
 * the rule is gone; INVALID_INPUT for an empty text. */
enum sw_store_error sw_store_fingerprint_accept(struct sw_store *st, int64_t rule_id,
                                                const char *text, int64_t at_ms,
                                                const char *by);
/* A first check's fingerprint to accept with a batch (struct
 * sw_store_batch), as sw_store_fingerprint_accept does with `by` "". */
struct sw_store_first_fingerprint {
  int64_t rule_id;
  const char *text; /* borrowed; not empty */
  int64_t at_ms;
};

/* Records that the server of rule `rule_id` now has fingerprint `current`
 * (NULL: it matches the accepted one again) since `since_ms`. NOT_FOUND if
 * the rule has no accepted fingerprint. */
enum sw_store_error sw_store_fingerprint_drift(struct sw_store *st, int64_t rule_id,
                                               const char *current, int64_t since_ms);
/* Forgets rule `rule_id`'s fingerprints (what its checks do changed: the
 * next good check accepts afresh). No row is no error. */
enum sw_store_error sw_store_fingerprint_forget(struct sw_store *st, int64_t rule_id);

#endif
