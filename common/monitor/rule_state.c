/* Rule state tracker: thresholds, recovery and flap suppression. See
 * rule_state.h for the rules it implements. */
#include "rule_state.h"

#include <string.h>

#include "sw_macros.h"

void sw_rule_state_config_defaults(struct sw_rule_state_config *cfg)
{
  cfg->fail_threshold = SW_RULE_STATE_DEFAULT_FAIL_THRESHOLD;
  cfg->flap_changes = SW_RULE_STATE_DEFAULT_FLAP_CHANGES;
  cfg->flap_window_us = SW_RULE_STATE_DEFAULT_FLAP_WINDOW_US;
}

bool sw_rule_state_config_valid(const struct sw_rule_state_config *cfg)
{
  return cfg->fail_threshold >= 1 &&
         cfg->fail_threshold <= SW_RULE_STATE_FAIL_THRESHOLD_MAX &&
         (cfg->flap_changes == 0 ||
          (cfg->flap_changes >= 2 &&
           cfg->flap_changes <= SW_RULE_STATE_FLAP_CHANGES_MAX)) &&
         cfg->flap_window_us > 0;
}

void sw_rule_state_init(struct sw_rule_state *st)
{
  memset(st, 0, sizeof *st);
  st->state = SW_NAGIOS_OK;
  st->last_outcome = SW_OUTCOME_OK;
  st->logged = SW_NAGIOS_OK;
}

static uint32_t clamp_u32(uint32_t v, uint32_t lo, uint32_t hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* Remembers a state change at `at`; the oldest is dropped once the ring
 * holds as many as flapping can ask about. */
static void push_flip(struct sw_rule_state *st, int64_t at)
{
  st->flips[st->flips_next] = at;
  st->flips_next = (uint8_t)((st->flips_next + 1) % SW_RULE_STATE_FLAP_CHANGES_MAX);
  if (st->flips_len < SW_RULE_STATE_FLAP_CHANGES_MAX)
    st->flips_len++;
}

/* State changes less than `window` before `at` (the one at `at` included). */
static uint32_t flips_within(const struct sw_rule_state *st, int64_t at, int64_t window)
{
  uint32_t n = 0;
  for (uint32_t i = 0; i < st->flips_len; i++)
    if (at - st->flips[i] < window)
      n++;
  return n;
}

static void set_event(struct sw_rule_state_event *ev, enum sw_rule_event kind,
                      enum sw_nagios_status from, enum sw_nagios_status to)
{
  ev->kind = kind;
  ev->old_state = from;
  ev->new_state = to;
}

bool sw_rule_state_feed(struct sw_rule_state *st, const struct sw_rule_state_config *cfg,
                        enum sw_nagios_status status, enum sw_outcome outcome, int64_t at,
                        struct sw_rule_state_event *ev)
{
  uint32_t threshold =
      clamp_u32(cfg->fail_threshold, 1, SW_RULE_STATE_FAIL_THRESHOLD_MAX);
  uint32_t flap_changes =
      cfg->flap_changes ? clamp_u32(cfg->flap_changes, 2, SW_RULE_STATE_FLAP_CHANGES_MAX)
                        : 0;
  int64_t window = cfg->flap_window_us > 0 ? cfg->flap_window_us : 1;
  if ((unsigned)status >= SW_NAGIOS_STATUS_COUNT)
    status = SW_NAGIOS_UNKNOWN; /* cannot happen: sw_nagios_status's range */

  set_event(ev, SW_RULE_EVENT_NONE, st->state, st->state);
  ev->at = at;
  uint32_t streak = st->consecutive;
  st->last_result_at = at;
  st->last_outcome = outcome;
  if (st->since == 0)
    st->since = at;

  enum sw_nagios_status target = st->state;
  if (status == SW_NAGIOS_OK) {
    st->consecutive = 0;
    target = SW_NAGIOS_OK;
  } else {
    if (st->consecutive < UINT32_MAX)
      st->consecutive++;
    if (st->consecutive >= threshold)
      target = status;
  }
  ev->consecutive = st->consecutive;

  /* Settled: held its state for a whole window (or flap detection was
   * turned off). Checked before this result's change, which must not count
   * against a calm that already happened. */
  bool settled = st->flapping && (flap_changes == 0 || at - st->since >= window);
  if (target == st->state) {
    if (settled) {
      st->flapping = false;
      set_event(ev, SW_RULE_EVENT_FLAPPING_ENDED, st->logged, st->state);
    }
  } else {
    enum sw_nagios_status old = st->state;
    st->state = target;
    st->since = at;
    push_flip(st, at);
    if (settled) {
      /* Calm for a window, then this change: one event says both. */
      st->flapping = false;
      set_event(ev, SW_RULE_EVENT_FLAPPING_ENDED, st->logged, target);
    } else if (st->flapping) {
      /* suppressed: the point of flap detection */
    } else if (flap_changes && flips_within(st, at, window) >= flap_changes) {
      st->flapping = true;
      set_event(ev, SW_RULE_EVENT_FLAPPING_STARTED, old, target);
    } else if (target == SW_NAGIOS_OK) {
      set_event(ev, SW_RULE_EVENT_RECOVERED, old, target);
      ev->consecutive = streak;
    } else {
      set_event(ev, SW_RULE_EVENT_CHANGED, old, target);
    }
  }
  if (ev->kind == SW_RULE_EVENT_NONE)
    return false;
  st->logged = ev->new_state;
  return true;
}

bool sw_rule_state_feed_result(struct sw_rule_state *st,
                               const struct sw_rule_state_config *cfg,
                               const struct sw_check_result *r, int warn_ms, int crit_ms,
                               int64_t at, struct sw_rule_state_event *ev)
{
  return sw_rule_state_feed(st, cfg, sw_nagios_status(r, warn_ms, crit_ms), r->outcome,
                            at, ev);
}

/* The fields kept across a restart, under the same name in struct
 * sw_rule_state and struct sw_rule_state_saved: listed once for saving and
 * restoring. COPY_FIELD copies one from `from` to `to`. */
#define SAVED_FIELDS(X)                                                                  \
  X(state) X(consecutive) X(since) X(last_result_at) X(last_outcome) X(flapping)
#define COPY_FIELD(f) to->f = from->f;

void sw_rule_state_save(const struct sw_rule_state *st, struct sw_rule_state_saved *out)
{
  const struct sw_rule_state *from = st;
  struct sw_rule_state_saved *to = out;
  SAVED_FIELDS(COPY_FIELD)
}

enum sw_error sw_rule_state_restore(struct sw_rule_state *st,
                                    const struct sw_rule_state_saved *saved)
{
  sw_rule_state_init(st);
  if ((unsigned)saved->state >= SW_NAGIOS_STATUS_COUNT ||
      (unsigned)saved->last_outcome >= SW_OUTCOME_COUNT || saved->since < 0 ||
      saved->last_result_at < 0)
    return SW_E_INVALID_ARGUMENT;
  const struct sw_rule_state_saved *from = saved;
  struct sw_rule_state *to = st;
  SAVED_FIELDS(COPY_FIELD)
  st->logged = saved->state; /* what the log said last, as far as we know */
  return SW_E_OK;
}

const char *sw_rule_state_name(enum sw_nagios_status s)
{
  return sw_nagios_status_name(s);
}

bool sw_rule_state_from_name(const char *name, enum sw_nagios_status *out)
{
  return sw_nagios_status_from_text(name, strlen(name), out);
}

const char *sw_rule_event_name(enum sw_rule_event e)
{
  static const char *const names[] = {SW_RULE_EVENT_MAP(SW_X_2)};
  return SW_TABLE_AT(names, e, "unknown");
}
