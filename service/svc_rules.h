/* The service's copy of the rules in the database, with each rule's state
 * tracker. Kept in id order; a rule's record stays at the same address for
 * as long as the rule exists, so checks in flight may point at it by id and
 * the loop can look it up again when they end. Loop thread only. */
#ifndef SW_SVC_RULES_H
#define SW_SVC_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rule.h"
#include "rule_state.h"
#include "store.h"
#include "svc_alerts.h"
#include "svc_drift.h"
#include "svc_eventlog.h"

/* What the metrics show of a rule beyond its state tracker: the latest
 * check's time in each step (us; -1: not reached, also before the first
 * check of this run) and the server certificate's NotAfter as the latest
 * check with TLS saw it (Unix seconds; 0: none seen). */
struct sw_svc_rule_metrics {
  int32_t step_us[SW_STEP_COUNT];
  int64_t cert_not_after;
};
/* No check seen yet: every step -1, no certificate. */
void sw_svc_rule_metrics_init(struct sw_svc_rule_metrics *m);

/* What of a rule changed since it was last written to the store
 * (svc_loop_unsaved.c writes them with the next batch). */
enum {
  SW_SVC_UNSAVED_STATE = 1,       /* its state */
  SW_SVC_UNSAVED_TRACK = 2,       /* what its alerts told (alert.track) */
  SW_SVC_UNSAVED_FINGERPRINT = 4, /* its first fingerprint, accepted (drift) */
};

struct sw_svc_rule {
  struct sw_rule rule; /* owned; rule.id is the key */
  int64_t revision;    /* the store's revision this copy is of */
  struct sw_store_blob auth_secret, oauth_secret; /* DPAPI blobs; owned */
  struct sw_store_blob mailbox_secret;            /* the round trip's; owned */
  bool valid;    /* passed sw_rule_validate: only valid rules are checked */
  char *problem; /* the first problem when not valid (owned); else NULL */
  struct sw_rule_state state;
  uint8_t unsaved; /* what waits for the next batch write: SW_SVC_UNSAVED_* */
  struct sw_svc_rule_alert alert;     /* svc_loop_alerts.c's */
  struct sw_svc_drift *drift;         /* svc_loop_drift.c's; NULL until a
                                         fingerprint is accepted */
  struct sw_svc_rule_metrics metrics; /* svc_loop_metrics.c's */
  /* svc_push.c's: the change log's latest entry (seq + 1) for its state
   * and for the rule itself; 0: none. */
  uint64_t push_state_seq, push_rule_seq;
  /* A domain rule's MTA-STS policy id at its last check (owned; NULL until
   * one was seen): svc_loop_domain.c says when it changes. */
  char *sts_id;
};

struct sw_svc_rules {
  struct sw_svc_rule **items; /* sorted by rule.id */
  size_t count, cap;
  size_t enabled; /* valid and enabled: the rules being checked */
};

/* What a sync found, for the Event Log. */
struct sw_svc_rules_diff {
  size_t added, changed, removed;
};

/* Told about each difference during a sync, so the loop can update the
 * scheduler and log. Every member may be NULL. */
struct sw_svc_rules_observer {
  void *ctx;
  void (*added)(void *ctx, struct sw_svc_rule *r);
  /* `check_changed`: what a check does changed (host, port, command, ...),
   * so a check in flight no longer describes the rule. */
  void (*changed)(void *ctx, struct sw_svc_rule *r, bool check_changed);
  void (*removed)(void *ctx, struct sw_svc_rule *r); /* freed right after */
};

void sw_svc_rules_init(struct sw_svc_rules *t);
/* Frees every rule; the table is empty and usable again. */
void sw_svc_rules_free(struct sw_svc_rules *t);
/* The rule with this id, or NULL. O(log n). */
struct sw_svc_rule *sw_svc_rules_find(const struct sw_svc_rules *t, int64_t id);
/* The position in t->items of the first rule whose id is above `after`
 * (t->count if none): where a page that follows `after` begins. O(log n). */
size_t sw_svc_rules_first_after(const struct sw_svc_rules *t, int64_t after);

/* Makes the table match `list` (the store's rules in id order): new rules
 * are added with a fresh (OK) state, rules with another revision take the
 * new fields and keep their state, missing rules are removed. Each record
 * is validated. The strings of `list` are moved into the table (the list
 * still must be freed). SW_E_NOMEM leaves the table as it was, the
 * observer having seen nothing. */
enum sw_error sw_svc_rules_sync(struct sw_svc_rules *t, struct sw_store_rule_list *list,
                                const struct sw_svc_rules_observer *obs,
                                struct sw_svc_rules_diff *diff);

/* Makes the table's rule `id` match `from`, the store's record of it
 * (its strings are moved into the table), or removes it when `from` is
 * NULL (the store has no such rule): as sw_svc_rules_sync does for one
 * rule, at the cost of one rule, for a change the service made itself.
 * SW_E_NOMEM leaves the table as it was, the observer having seen
 * nothing. */
enum sw_error sw_svc_rules_apply_one(struct sw_svc_rules *t, int64_t id,
                                     struct sw_store_rule *from,
                                     const struct sw_svc_rules_observer *obs,
                                     struct sw_svc_rules_diff *diff);

/* Sets the rule's problem sentence (a copy; NULL: none). */
void sw_svc_rule_set_problem(struct sw_svc_rule *r, const char *problem);
/* Why the rule is not checked: its problem, "" for a valid rule (never
 * NULL, also if memory ran out for the sentence). */
const char *sw_svc_rule_problem(const struct sw_svc_rule *r);

/* The state alerts and holds speak of: OK before the first result. */
enum sw_nagios_status sw_svc_rule_state_now(const struct sw_svc_rule *r);
/* The rule `r` depends on, when that rule is checked (valid, enabled) and
 * not OK: what holds r's alerts as "unreachable"; else NULL. */
const struct sw_svc_rule *sw_svc_rules_parent_down(const struct sw_svc_rules *t,
                                                   const struct sw_svc_rule *r);

/* What the rule table holds in memory, for the service's figures (the
 * stats file; bench/service_bench.sh reads them). Sizes are what was asked
 * of the heap, without the allocator's overhead per block. */
struct sw_svc_rules_memory {
  size_t record_bytes; /* sizeof (struct sw_svc_rule), per rule */
  size_t rule_bytes;   /* of which the struct sw_rule */
  size_t state_bytes;  /* of which the state tracker */
  size_t alert_bytes;  /* of which the alert part */
  size_t string_bytes; /* the rules' strings, all rules */
  size_t secret_bytes; /* the DPAPI blobs, all rules */
  size_t other_bytes;  /* problem texts and drift records, all rules */
  size_t table_bytes;  /* the sorted array of pointers */
  size_t blocks;       /* heap blocks all of the above take */
};
/* Counts what `t` holds. O(rules). */
void sw_svc_rules_memory(const struct sw_svc_rules *t, struct sw_svc_rules_memory *out);

/* "host:port", with brackets around an IPv6 address, for the Event Log. */
void sw_svc_rule_hostport(const struct sw_rule *r, char *out, size_t size);

/* The Event Log message (2001-2006, docs/events.md) for a state tracker's
 * event and its insertion strings; `strings` points into this struct and
 * into the rule and result it was made from. */
#define SW_SVC_RULE_EVENT_STRINGS 12
struct sw_svc_rule_event_text {
  uint32_t id; /* an SW_MSG_RULE_* id */
  const char *strings[SW_SVC_RULE_EVENT_STRINGS];
  struct sw_svc_args args; /* the numbers among the strings */
  char hostport[300], detail[SW_DETAIL_MAX + 256], timings[256];
};
/* Fills *t for `ev` on rule `r`, made by result `res` under the tracker
 * settings `cfg`. Returns false (nothing to log) for SW_RULE_EVENT_NONE. */
bool sw_svc_rule_event_text(struct sw_svc_rule_event_text *t, const struct sw_rule *r,
                            const struct sw_rule_state_event *ev,
                            const struct sw_check_result *res,
                            const struct sw_rule_state_config *cfg);

#endif
