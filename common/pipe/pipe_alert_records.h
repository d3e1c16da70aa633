/* The alert records of protocol version 2 (docs/pipe-protocol.md): a
 * maintenance window, a notification in the outbox, and a rule's alert
 * settings (its notifiers, the transitions, the delays, its dependency).
 * The models are common/alert's (maintenance.h, alert_policy.h); these
 * structs are how they travel, and own their strings when decoded.
 *
 * Encoders borrow; decoders allocate (free each struct with its _free, also
 * after an error). Decoders skip unknown tags and nested records and fail
 * on malformed data or a known tag of the wrong type. */
#ifndef SW_PIPE_ALERT_RECORDS_H
#define SW_PIPE_ALERT_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert_policy.h"
#include "maintenance.h"
#include "nagios_report.h"
#include "pipe_tlv.h"
#include "sw_buf.h"
#include "sw_macros.h"

/* ---- MAINTENANCE -------------------------------------------------------- */

struct sw_pipe_maintenance {
  int64_t id;                /* 0 in MAINTENANCE_ADD */
  int64_t rule_id;           /* the rule it holds; 0 with `all` */
  bool all;                  /* it holds every rule */
  char *rule_name;           /* service -> client: the rule's name */
  int64_t from_ms, until_ms; /* a one-off window: [from, until), Unix ms UTC */
  char *weekly;              /* a weekly window, as sw_maint_weekly_parse reads it
                                ("Sun 02:00-04:00"); NULL or "" for a one-off one */
  char *comment;             /* may be NULL */
  bool active;               /* service -> client: it holds alerts now */
  int64_t next_change_ms;    /* service -> client: when it starts or ends next;
                                0 if it never changes again */
};

void sw_pipe_maintenance_init(struct sw_pipe_maintenance *m);
void sw_pipe_maintenance_free(struct sw_pipe_maintenance *m);
void sw_pipe_put_maintenance(struct sw_buf *out, const struct sw_pipe_maintenance *m);
enum sw_error sw_pipe_get_maintenance(struct sw_tlv_reader *rd,
                                      struct sw_pipe_maintenance *out);

/* What the service checks before it stores a MAINTENANCE_ADD: one scope
 * (a rule id, or all, not both), a one-off window that ends after it
 * starts or a weekly one that parses, a one-line comment. The window as
 * the model (maintenance.h) in *out (a one-off window's times rounded out
 * to whole seconds). False with a sentence in why[size] otherwise. */
bool sw_pipe_maintenance_check(const struct sw_pipe_maintenance *m,
                               struct sw_maint_window *out, char *why, size_t size);

/* Sets m's times or weekly text from a stored window (the text is
 * allocated: SW_E_NOMEM). */
enum sw_error sw_pipe_maintenance_set_window(struct sw_pipe_maintenance *m,
                                             const struct sw_maint_window *w);

/* ---- NOTIFICATION -------------------------------------------------------- */

/* X(ENUM, name): where a notification is in the outbox. */
#define SW_PIPE_DELIVERY_MAP(X)                                                          \
  X(SW_PIPE_DELIVERY_PENDING, "pending") /* not delivered yet; tried again later */      \
  X(SW_PIPE_DELIVERY_SENT, "sent")       /* delivered */                                 \
  X(SW_PIPE_DELIVERY_FAILED, "failed")   /* given up: no more attempts */

enum sw_pipe_delivery { SW_PIPE_DELIVERY_MAP(SW_X_1) SW_PIPE_DELIVERY_COUNT };

/* "pending", "sent", "failed"; "unknown" out of range. */
const char *sw_pipe_delivery_name(enum sw_pipe_delivery d);

/* One notification in the outbox, or the outcome of NOTIFIER_TEST. */
struct sw_pipe_notification {
  int64_t key;     /* store id: the paging cursor (NOTIFICATIONS' BEFORE) */
  char *id;        /* stable over retries: X-SmtpWatch-Notification-Id */
  int64_t rule_id; /* 0 for a test */
  char *rule_name;
  char *notifier;
  enum sw_alert_kind kind;      /* SW_ALERT_NONE for a kind this build does not know */
  enum sw_nagios_status state;  /* what it tells (OK for a recovery) */
  enum sw_pipe_delivery status; /* SW_PIPE_DELIVERY_COUNT: unknown */
  uint32_t attempts;
  int64_t created_ms;      /* Unix ms UTC */
  int64_t next_attempt_ms; /* 0: none due (sent or failed) */
  int64_t last_attempt_ms; /* 0: not tried yet */
  char *last_error;        /* the last attempt's error, a sentence; NULL: none */
};

void sw_pipe_notification_init(struct sw_pipe_notification *n);
void sw_pipe_notification_free(struct sw_pipe_notification *n);
void sw_pipe_put_notification(struct sw_buf *out, const struct sw_pipe_notification *n);
enum sw_error sw_pipe_get_notification(struct sw_tlv_reader *rd,
                                       struct sw_pipe_notification *out);

/* ---- RULE_ALERTS --------------------------------------------------------- */

/* The rule id of the default notifier set: RULE_ALERTS_GET and _SET with
 * RULE_ID 0 (or none) read and write the notifiers a rule that names none
 * sends to; only `notify` counts there. */
#define SW_PIPE_DEFAULT_ALERTS 0

struct sw_pipe_rule_alerts {
  int64_t rule_id; /* SW_PIPE_DEFAULT_ALERTS: the default notifier set */
  char **notify;   /* notifier names, one NOTIFY each; none: the defaults */
  size_t notify_count;
  uint8_t on; /* SW_ALERT_ON_*, sent as names (sw_pipe_alert_on_text); 0: the
                 rule sends nothing */
  uint32_t after_s, renotify_s; /* struct sw_alert_policy */
  int64_t depends_on;           /* the parent rule's id; 0: none */
  char *depends_on_name;        /* service -> client: the parent's name */
};

/* Empty, with what a field left out of RULE_ALERTS_SET takes: on every
 * transition, at once, no reminders, no parent. */
void sw_pipe_rule_alerts_init(struct sw_pipe_rule_alerts *a);
void sw_pipe_rule_alerts_free(struct sw_pipe_rule_alerts *a);
void sw_pipe_put_rule_alerts(struct sw_buf *out, const struct sw_pipe_rule_alerts *a);
enum sw_error sw_pipe_get_rule_alerts(struct sw_tlv_reader *rd,
                                      struct sw_pipe_rule_alerts *out);

/* The policy (alert_policy.h) the settings make. */
void sw_pipe_rule_alerts_policy(const struct sw_pipe_rule_alerts *a,
                                struct sw_alert_policy *out);

/* "critical,warning,recovered,flapping" for SW_ALERT_ON_* bits, in that
 * order; "" for none. */
void sw_pipe_alert_on_text(uint8_t on, char *out, size_t size);
/* The bits of such a list (any order, spaces around names allowed, "" is
 * none). False if a name is not one of the four: *on still gets the known
 * ones, so that the service keeps what it understands of a newer client's
 * list, while the command line refuses a typo. */
bool sw_pipe_alert_on_parse(const char *text, size_t len, uint8_t *on);

#endif
