/* A rule's state, as the Event Log reports it: fed each check's Nagios
 * status, it decides the rule's state and says when that is worth an event.
 * Sans-IO like all of common/ but win/: times are passed in, nothing is
 * logged or stored here; the service maps events to Event Log ids and the
 * store keeps struct sw_rule_state_saved.
 *
 * Rules (the Nagios soft/hard model, kept simple):
 * - The state is OK, WARNING, CRITICAL or UNKNOWN. A rule never checked is
 *   OK ("nothing known against it"); last_result_at == 0 tells it apart.
 * - One OK result makes the state OK at once: a RECOVERED event when it was
 *   not OK.
 * - A non-OK result (WARNING, CRITICAL or UNKNOWN alike) adds one to the
 *   consecutive failures. The state leaves OK only once there are
 *   fail_threshold of them in a row (default 2), and then takes the status of
 *   the latest result: so one failed check between good ones never shows,
 *   and WARNING needs the same count as CRITICAL (a single slow answer or 421
 *   is not news either). Once past the threshold, a change between non-OK
 *   statuses is immediate (CRITICAL -> WARNING is a CHANGED event).
 * - Flapping: a state change that makes flap_changes changes within
 *   flap_window (default 5 spanning less than 30 minutes) starts flapping: one
 *   FLAPPING_STARTED event instead of its CHANGED/RECOVERED, then no event
 *   per change. Flapping ends at the first result after the state has held
 *   for a whole flap_window: one FLAPPING_ENDED event with the state it
 *   settled in (its old_state is the state the previous event reported). So
 *   a rule that flips forever costs at most flap_changes events, then none.
 *
 * Times are wall-clock Unix time in microseconds (the store keeps them), so
 * "since" survives a restart; a clock step only shifts flap windows.
 * Not thread-safe; one tracker per rule, owned by the service loop. */
#ifndef SW_RULE_STATE_H
#define SW_RULE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "check_result.h"
#include "nagios_report.h"
#include "sw_error.h"
#include "sw_macros.h"

#define SW_RULE_STATE_DEFAULT_FAIL_THRESHOLD 2u
#define SW_RULE_STATE_FAIL_THRESHOLD_MAX 100u
#define SW_RULE_STATE_DEFAULT_FLAP_CHANGES 5u
#define SW_RULE_STATE_FLAP_CHANGES_MAX 10u /* the history a tracker keeps */
#define SW_RULE_STATE_DEFAULT_FLAP_WINDOW_US (INT64_C(30) * 60 * 1000000)

/* X(ENUM, machine name): what a result was worth telling. */
#define SW_RULE_EVENT_MAP(X)                                                             \
  X(SW_RULE_EVENT_NONE, "none")             /* nothing to log */                         \
  X(SW_RULE_EVENT_CHANGED, "state_changed") /* to WARNING, CRITICAL or UNKNOWN */        \
  X(SW_RULE_EVENT_RECOVERED, "recovered")   /* back to OK */                             \
  X(SW_RULE_EVENT_FLAPPING_STARTED, "flapping_started") /* changes stop being logged */  \
  X(SW_RULE_EVENT_FLAPPING_ENDED, "flapping_ended")     /* it settled in new_state */

enum sw_rule_event { SW_RULE_EVENT_MAP(SW_X_1) SW_RULE_EVENT_COUNT };

struct sw_rule_state_config {
  uint32_t fail_threshold; /* non-OK results in a row before the state leaves
                              OK; 1..SW_RULE_STATE_FAIL_THRESHOLD_MAX */
  uint32_t flap_changes;   /* state changes within flap_window_us that mean
                              flapping; 0 = never flapping, else
                              2..SW_RULE_STATE_FLAP_CHANGES_MAX */
  int64_t flap_window_us;  /* > 0 */
};

struct sw_rule_state {
  enum sw_nagios_status state;
  uint32_t consecutive;   /* non-OK results in a row, up to the latest */
  int64_t since;          /* when `state` began; 0 before the first result */
  int64_t last_result_at; /* 0: never checked */
  enum sw_outcome last_outcome;
  bool flapping;
  /* Private to rule_state.c: the state the latest event reported, and the
   * times of the latest state changes (a ring). */
  enum sw_nagios_status logged;
  uint8_t flips_len, flips_next;
  int64_t flips[SW_RULE_STATE_FLAP_CHANGES_MAX];
};

/* What sw_rule_state_feed has to tell. */
struct sw_rule_state_event {
  enum sw_rule_event kind;
  enum sw_nagios_status old_state, new_state;
  /* Non-OK results in a row: the count that made the change; for RECOVERED
   * the length of the failure streak that just ended. */
  uint32_t consecutive;
  int64_t at;
};

/* What the store keeps, and all a tracker needs to go on after a restart
 * (the flap history starts afresh; a rule that was flapping stays so until
 * it has held its state for a flap window). */
struct sw_rule_state_saved {
  enum sw_nagios_status state;
  uint32_t consecutive;
  int64_t since;
  int64_t last_result_at;
  enum sw_outcome last_outcome;
  bool flapping;
};

/* Defaults: threshold 2, flapping at 5 changes in 30 minutes. */
void sw_rule_state_config_defaults(struct sw_rule_state_config *cfg);
/* True if every member is in its documented range. The tracker clamps
 * out-of-range values rather than misbehave; use this to reject bad
 * configuration with a message. */
bool sw_rule_state_config_valid(const struct sw_rule_state_config *cfg);

/* A rule never checked: OK, no failures, no history. */
void sw_rule_state_init(struct sw_rule_state *st);
/* Feeds the status of a result that came at `at`. Fills *ev (kind NONE when
 * there is nothing to log) and returns true when there is an event. Feed
 * only results the scheduler called current, and not those of checks the
 * service itself cancelled while stopping: they say nothing of the server. */
bool sw_rule_state_feed(struct sw_rule_state *st, const struct sw_rule_state_config *cfg,
                        enum sw_nagios_status status, enum sw_outcome outcome, int64_t at,
                        struct sw_rule_state_event *ev);
/* sw_rule_state_feed with the status sw_nagios_status(r, warn_ms, crit_ms)
 * and r's outcome. */
bool sw_rule_state_feed_result(struct sw_rule_state *st,
                               const struct sw_rule_state_config *cfg,
                               const struct sw_check_result *r, int warn_ms, int crit_ms,
                               int64_t at, struct sw_rule_state_event *ev);

/* Copies what the store keeps out of a tracker. */
void sw_rule_state_save(const struct sw_rule_state *st, struct sw_rule_state_saved *out);
/* Makes *st a tracker that goes on from `saved`. SW_E_INVALID_ARGUMENT (and
 * *st as after sw_rule_state_init) if a member is out of range: an unknown
 * state or outcome, a negative time. */
enum sw_error sw_rule_state_restore(struct sw_rule_state *st,
                                    const struct sw_rule_state_saved *saved);

/* "OK", "WARNING", "CRITICAL", "UNKNOWN" (sw_nagios_status_name), the
 * names the store keeps. */
const char *sw_rule_state_name(enum sw_nagios_status s);
/* Parses a state name back (exact, as written by sw_rule_state_name);
 * false if unknown. */
bool sw_rule_state_from_name(const char *name, enum sw_nagios_status *out);
/* "state_changed" and friends; "unknown" for a value out of range. */
const char *sw_rule_event_name(enum sw_rule_event e);

#endif
