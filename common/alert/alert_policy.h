/* When a rule's state is worth a notification: the per-rule policy (which
 * transitions, after how long, how often again) and what holds alerts
 * back (maintenance, an acknowledgement, a parent rule that is down,
 * flapping). Sans-IO like the rest of common/: the service tells it the
 * rule's state and the time, and keeps struct sw_alert_track in the store
 * so that a restart neither repeats nor forgets a notification.
 *
 * The rules:
 * - A rule is bad while its state is WARNING, CRITICAL or UNKNOWN (UNKNOWN
 *   counts as CRITICAL for choosing: the check could not say it is fine).
 * - A problem is told once the rule has been bad for `after_s` (counted
 *   from when it left OK, so CRITICAL -> WARNING does not restart the
 *   wait), and only for the states the policy names; a change between bad
 *   states is told again; `renotify_s` > 0 repeats it while nothing
 *   changes (a reminder).
 * - A recovery is told only when a problem was: a failure too short to be
 *   told is never "recovered" either.
 * - Held, nothing goes out: in maintenance; while a parent rule is not OK
 *   (the rule shows "unreachable"); while the rule is flapping (one
 *   FLAPPING notification instead, when the policy names it); while the
 *   bad state is acknowledged (a recovery or another state still goes out:
 *   an acknowledgement is for one state). When a hold ends, what the rule
 *   is then is compared with what was last told, and told if different;
 *   leaving maintenance while still bad tells the problem once more. */
#ifndef SW_ALERT_POLICY_H
#define SW_ALERT_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "nagios_report.h"
#include "sw_macros.h"

/* Which transitions a rule's notifications cover (bits of .on). */
#define SW_ALERT_ON_CRITICAL 0x1u
#define SW_ALERT_ON_WARNING 0x2u
#define SW_ALERT_ON_RECOVERED 0x4u
#define SW_ALERT_ON_FLAPPING 0x8u
#define SW_ALERT_ON_ALL 0xFu
/* The longest text sw_alert_on_text writes, NUL included. */
#define SW_ALERT_ON_TEXT_MAX sizeof("critical,warning,recovered,flapping")

#define SW_ALERT_NONE_AT INT64_MAX /* "nothing to do later" */

struct sw_alert_policy {
  uint8_t on;          /* SW_ALERT_ON_* */
  uint32_t after_s;    /* bad this long before the first notification */
  uint32_t renotify_s; /* repeat while still bad; 0 = once */
};

/* X(ENUM, machine name): what a notification says. */
#define SW_ALERT_KIND_MAP(X)                                                             \
  X(SW_ALERT_NONE, "none")                                                               \
  X(SW_ALERT_PROBLEM, "problem")   /* the rule is bad (or bad in another way) */         \
  X(SW_ALERT_REMINDER, "reminder") /* still bad, renotify_s after the last */            \
  X(SW_ALERT_RECOVERY, "recovery") /* OK again after a problem that was told */          \
  X(SW_ALERT_FLAPPING, "flapping") /* changing too often: no more until it settles */    \
  X(SW_ALERT_TEST, "test")         /* a notifier's test, sent by hand; never decided */

enum sw_alert_kind { SW_ALERT_KIND_MAP(SW_X_1) SW_ALERT_KIND_COUNT };

/* What the rule is now, as the service sees it. Times: Unix seconds. */
struct sw_alert_view {
  enum sw_nagios_status state;
  int64_t since; /* when `state` began */
  bool flapping;
  bool maintenance;  /* a maintenance window holds it */
  bool parent_down;  /* the rule it depends on is not OK */
  bool acknowledged; /* an administrator acknowledged `state` */
  int64_t now;
};

/* What was told, kept per rule in the store. All zero for a rule never
 * told anything (sw_alert_track_init). */
struct sw_alert_track {
  enum sw_nagios_status told; /* the state the latest notification told; OK = none bad */
  int64_t told_at;            /* when (for reminders) */
  int64_t bad_since;          /* when the rule left OK; 0 while OK */
  bool told_flapping;         /* the FLAPPING notification went out */
  bool in_maintenance;        /* a window held it at the last decision */
};

struct sw_alert_decision {
  enum sw_alert_kind kind;
  enum sw_nagios_status state; /* the state it tells (OK for a recovery) */
  int64_t next_at; /* when to decide again without news; SW_ALERT_NONE_AT if never */
};

void sw_alert_track_init(struct sw_alert_track *t);

/* Decides, and updates *t as if the notification went out (the outbox
 * takes it from there: it is committed with the track in one
 * transaction). Call it after every result, every state change, every
 * change of a hold, and at decision.next_at. */
void sw_alert_decide(const struct sw_alert_policy *p, const struct sw_alert_view *v,
                     struct sw_alert_track *t, struct sw_alert_decision *out);

/* "critical,warning,recovered,flapping" (any of them, in any order, any
 * case, each once) into SW_ALERT_ON_* bits, or "none" for 0; false with a
 * sentence naming the word at fault in why[size] otherwise. */
bool sw_alert_on_parse(const char *text, uint8_t *on, char *why, size_t size);
/* The bits as sw_alert_on_parse reads them ("critical,recovered"; "none"
 * for 0), in out[size] (SW_ALERT_ON_TEXT_MAX is always enough). */
void sw_alert_on_text(uint8_t on, char *out, size_t size);

/* "problem", "reminder", ... (the notification's machine name). */
const char *sw_alert_kind_name(enum sw_alert_kind k);

#endif
