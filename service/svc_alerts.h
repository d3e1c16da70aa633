/* What the service keeps to decide alerts: beside each rule, its alert
 * settings, what was told (struct sw_alert_track, also in the store), its
 * acknowledgement and the latest result's words; for the loop, the
 * maintenance windows and which rules they hold now. The decisions
 * themselves are made in svc_loop_alerts.c. Loop thread only. */
#ifndef SW_SVC_ALERTS_H
#define SW_SVC_ALERTS_H

#include <stdbool.h>
#include <stdint.h>

#include "alert_policy.h"
#include "check_result.h"
#include "nagios_report.h"
#include "store_alerts.h"

/* The words of a notification: sw_check_result_describe's sentence, cut. */
#define SW_SVC_ALERT_MESSAGE_MAX 512

struct sw_svc_rule_alert {
  struct sw_alert_policy policy;
  int64_t depends_on; /* the parent rule's id; 0: none */
  struct sw_alert_track track;
  bool acked;
  enum sw_nagios_status acked_state; /* the state acknowledged */
  bool in_maintenance;               /* a window held it at the last sweep */
  /* A result came since the service started: until then the state the
   * store kept may be older than what was told (a kill between the two
   * writes), and nothing is decided on it. */
  bool checked;
  int64_t next_at; /* Unix s: decide again then */
  /* The latest result, for the notification's text. */
  enum sw_outcome outcome;
  int reply_code;
  int64_t response_ms; /* -1: no answer */
  /* Its description (owned, sized to fit; NULL before the first result):
   * 100,000 rules with a 512-byte buffer each held 50 MB for it. */
  char *message;
};

/* A rule's alert part as a rule new to the service has it: every
 * transition at once, no reminders, nothing told, nothing held. */
void sw_svc_rule_alert_init(struct sw_svc_rule_alert *a);

/* Frees what the alert part owns (the message). */
void sw_svc_rule_alert_free(struct sw_svc_rule_alert *a);

/* Keeps the latest result's words for the notifications to come (the
 * message keeps its old words if memory runs out). */
void sw_svc_rule_alert_note_result(struct sw_svc_rule_alert *a,
                                   const struct sw_check_result *r);

struct sw_svc_alerts {
  bool loaded; /* settings, tracks, acknowledgements and windows are read */
  bool stale;  /* something changed them in the store: read again */
  struct sw_store_maint_list windows;
  bool hold_all; /* an all-rules window holds now */
  int64_t *held; /* rule ids a window of their own holds now, sorted */
  size_t held_count, held_cap;
  int64_t next_sweep_us; /* monotonic */
  uint32_t seq;          /* for notification ids */
};

void sw_svc_alerts_init(struct sw_svc_alerts *a);
void sw_svc_alerts_free(struct sw_svc_alerts *a);

/* Works out which rules the windows hold at UTC second `now_s`, in this
 * machine's time zone. False if memory ran out (nothing changes then). */
bool sw_svc_alerts_evaluate_windows(struct sw_svc_alerts *a, int64_t now_s);
/* True if a window holds rule `rule_id` (as of the last evaluation). */
bool sw_svc_alerts_holds(const struct sw_svc_alerts *a, int64_t rule_id);

/* A notification's stable id, "R-MS-SEQ-N" (rule, Unix ms, a sequence
 * number, notifier): unique within the store, which refuses a repeat. */
void sw_svc_notification_uid(int64_t rule_id, int64_t now_ms, uint32_t seq,
                             int64_t notifier_id, char *out, size_t size);

#endif
