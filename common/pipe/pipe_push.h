/* Subscriptions on the control pipe (protocol version 4,
 * docs/pipe-protocol.md "Subscriptions"): what a client asks to receive
 * (SUBSCRIBE), what the service grants (SUBSCRIBE_OK), and the PUSH frames
 * the service then sends unasked: rules' changed states (RULE_STATE, the
 * few fields a list row shows), new events (EVENT) and rule changes
 * (RULE_CHANGE, with the revision), or RESYNC when the client fell too far
 * behind to be told what changed. Encoders borrow; decoders allocate, freed
 * by the matching _free. Pure buffers, fuzzed with the other records. */
#ifndef SW_PIPE_PUSH_H
#define SW_PIPE_PUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipe_protocol.h"
#include "pipe_records.h"

/* What a client wants pushed (SUBSCRIBE), or what it got (SUBSCRIBE_OK).
 * Nothing wanted ends the subscription. */
struct sw_pipe_subscribe {
  bool states, events, rules;
  int64_t interval_ms; /* SUBSCRIBE_OK: pushes are at least this far apart */
  int64_t log_size;    /* SUBSCRIBE_OK: changes the service keeps for a slow
                          reader before it sends RESYNC instead */
};

/* The top-level fields of SUBSCRIBE (interval and log size left out) or
 * SUBSCRIBE_OK. */
void sw_pipe_put_subscribe(struct sw_buf *out, const struct sw_pipe_subscribe *s);
/* Reads them from a frame's body; fields left out are false/0.
 * SW_E_INVALID_ARGUMENT for malformed data or a wrong type. */
enum sw_error sw_pipe_get_subscribe(const uint8_t *body, size_t len,
                                    struct sw_pipe_subscribe *out);

/* One rule's state as a list row shows it: the STATUS record's state
 * fields and the words of its last result, nothing else. */
struct sw_pipe_rule_state {
  int64_t rule_id;
  enum sw_nagios_status state;
  uint32_t failures; /* in a row */
  int64_t since_ms, last_result_at_ms;
  enum sw_outcome last_outcome;
  int64_t total_us; /* the last check's response time; 0: no answer */
  char *message;    /* the last check's description; NULL if none */
  bool acked;       /* its bad state is acknowledged */
  enum sw_pipe_hold held;
  char *held_parent_name; /* held unreachable: the rule it depends on */
  bool drifted;           /* its server differs from its accepted fingerprint */
};

void sw_pipe_rule_state_init(struct sw_pipe_rule_state *s);
void sw_pipe_rule_state_free(struct sw_pipe_rule_state *s);
void sw_pipe_put_rule_state(struct sw_buf *out, const struct sw_pipe_rule_state *s);
enum sw_error sw_pipe_get_rule_state(struct sw_tlv_reader *rd,
                                     struct sw_pipe_rule_state *out);

/* X(ENUM, name): what happened to a rule. */
#define SW_PIPE_CHANGE_MAP(X)                                                            \
  X(SW_PIPE_CHANGE_ADDED, "added")                                                       \
  X(SW_PIPE_CHANGE_UPDATED, "updated")                                                   \
  X(SW_PIPE_CHANGE_DELETED, "deleted")

enum sw_pipe_change { SW_PIPE_CHANGE_MAP(SW_X_1) SW_PIPE_CHANGE_COUNT };

const char *sw_pipe_change_name(enum sw_pipe_change c);

/* A rule added or updated (with the whole rule, without secrets, at
 * `revision`) or deleted (id only). */
struct sw_pipe_rule_change {
  enum sw_pipe_change kind;
  int64_t rule_id, revision;
  bool has_rule;
  struct sw_pipe_rule rule; /* owned when decoded, if has_rule */
};

/* Encodes a change; `rule` NULL for a deletion. */
void sw_pipe_put_rule_change(struct sw_buf *out, enum sw_pipe_change kind,
                             int64_t rule_id, const struct sw_rule *rule,
                             int64_t revision);
enum sw_error sw_pipe_get_rule_change(struct sw_tlv_reader *rd,
                                      struct sw_pipe_rule_change *out);
void sw_pipe_rule_change_free(struct sw_pipe_rule_change *c);

/* A decoded PUSH. Apply the rule changes first, then the states and the
 * events: a state may belong to a rule added in the same push. */
struct sw_pipe_push {
  bool resync; /* the client missed changes: read everything again */
  struct sw_pipe_rule_change *changes;
  size_t change_count;
  struct sw_pipe_rule_state *states;
  size_t state_count;
  struct sw_pipe_event *events; /* in the order they happened */
  size_t event_count;
};

/* Decodes a PUSH frame's body into `out` (zeroed first; free it with
 * sw_pipe_push_free also after an error). Unknown fields and records are
 * skipped. */
enum sw_error sw_pipe_get_push(const uint8_t *body, size_t len, struct sw_pipe_push *out);
void sw_pipe_push_free(struct sw_pipe_push *p);

#endif
