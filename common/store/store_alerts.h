/* The store's side of alerts (issue 14; docs/store.md, docs/notifications.md):
 * notifiers, each rule's alert settings, what was told per rule and its
 * acknowledgement, maintenance windows, and the outbox. Same conventions
 * as store.h: one thread per handle, times given by the caller, every
 * write all or nothing, the failure's sentence in sw_store_last_error.
 *
 * Times: the store's own timestamps (created, updated, attempts, the
 * outbox's schedule, acknowledgements) are Unix milliseconds like the rest
 * of the store; what common/alert defines in seconds (struct
 * sw_alert_track, struct sw_maint_window, a notification's `since`) is
 * stored in seconds as it is, so it reads back exactly. */
#ifndef SW_STORE_ALERTS_H
#define SW_STORE_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert_policy.h"
#include "maintenance.h"
#include "notifier.h"
#include "store.h"

/* ---- notifiers ------------------------------------------------------ */

/* A notifier as it is added or changed. Strings are borrowed and may be ""
 * (never NULL) where the kind does not use them. */
struct sw_store_notifier_input {
  const char *name; /* unique, ignoring the case of ASCII letters */
  enum sw_notifier_kind kind;
  bool is_default; /* used by rules that name no notifier */
  /* email */
  const char *to;     /* "a@example.com,b@example.com" (sw_mail_to_list_split) */
  const char *relays; /* "mx1.example.com,mx2.example.com:587" (sw_relay_list_parse) */
  const char *from;   /* "" = the service's default */
  enum sw_tls_mode tls_mode;
  const char *auth_user; /* "" = no AUTH; else the secret holds the password */
  /* webhook: the full URL is checked here and kept only as the secret the
   * caller encrypted; the store keeps sw_webhook_url_shown's form of it. */
  const char *url;
  enum sw_webhook_format format;
  /* program */
  const char *command_line;
  uint32_t timeout_s;
  /* restart_service */
  const char *service_name;
  /* Opaque bytes (DPAPI-encrypted by the service: the relay password or
   * the webhook's full URL); the store never reads them. NULL/0: none.
   * Kept only for a webhook and for e-mail with an AUTH user. */
  const void *secret;
  size_t secret_len;
};

/* A stored notifier, without its secret (lists never carry it). Strings
 * are owned, never NULL ("" where the kind does not use them). */
struct sw_store_notifier {
  int64_t id;
  char *name;
  enum sw_notifier_kind kind;
  bool is_default;
  char *to, *relays, *from, *auth_user; /* email */
  enum sw_tls_mode tls_mode;            /* email */
  char *url_shown;                      /* webhook: "https://host/..." */
  enum sw_webhook_format format;        /* webhook */
  char *command_line;                   /* program */
  uint32_t timeout_s;                   /* program */
  char *service_name;                   /* restart_service */
  bool has_secret;
  int64_t revision; /* 1 when added, +1 on every change */
  int64_t created_at_ms, updated_at_ms;
};

struct sw_store_notifier_list {
  struct sw_store_notifier *items;
  size_t count;
};

void sw_store_notifier_free(struct sw_store_notifier *n);
void sw_store_notifier_list_free(struct sw_store_notifier_list *l);

/* Validates `in` with sw_notifier_validate (the to list split, the relay
 * list parsed, AUTH's password counted as set when a secret is given) and
 * stores it. INVALID_INPUT with the validator's sentence, NAME_TAKEN if
 * the name is used (ignoring case); nothing is stored then. *id_out (may
 * be NULL) is the new id; ids are never reused. */
enum sw_store_error sw_store_notifier_add(struct sw_store *st,
                                          const struct sw_store_notifier_input *in,
                                          int64_t now_ms, int64_t *id_out);
/* Replaces every field and the secret of notifier `id`, validated as for
 * add (a caller that keeps the secret reads it with
 * sw_store_notifier_secret and passes it back). NOT_FOUND, INVALID_INPUT
 * or NAME_TAKEN change nothing. */
enum sw_store_error sw_store_notifier_update(struct sw_store *st, int64_t id,
                                             const struct sw_store_notifier_input *in,
                                             int64_t now_ms);
/* Deletes notifier `id`. Rules that named it no longer do (a rule left
 * with none uses the default notifiers), and its notifications in the
 * outbox, pending or not, go with it. NOT_FOUND if there is none. */
enum sw_store_error sw_store_notifier_delete(struct sw_store *st, int64_t id);
/* Reads notifier `id` (or the one named `name`, ignoring case) into *out,
 * which must own nothing. NOT_FOUND if there is none. */
enum sw_store_error sw_store_notifier_get(struct sw_store *st, int64_t id,
                                          struct sw_store_notifier *out);
enum sw_store_error sw_store_notifier_get_by_name(struct sw_store *st, const char *name,
                                                  struct sw_store_notifier *out);
/* Every notifier in name order (ASCII case ignored). */
enum sw_store_error sw_store_notifier_list(struct sw_store *st,
                                           struct sw_store_notifier_list *out);
/* The secret blob of notifier `id` in *data (malloc'd, the caller frees;
 * NULL and 0 if it has none). Only the sender and an update need it. */
enum sw_store_error sw_store_notifier_secret(struct sw_store *st, int64_t id, void **data,
                                             size_t *len);

/* ---- a rule's alert settings ------------------------------------------ */

/* A rule that never had its settings set: every transition, at once, no
 * reminders, no dependency, the default notifiers. */
#define SW_STORE_ALERT_DEFAULT_ON SW_ALERT_ON_ALL

#define SW_STORE_RULE_NOTIFIERS_MAX 64

struct sw_store_rule_alerts {
  int64_t rule_id;
  struct sw_alert_policy policy;
  int64_t depends_on; /* the parent rule's id; 0 = none */
  /* The notifiers the rule names (none: the defaults apply). Owned when
   * read (free with sw_store_rule_alerts_free), borrowed when set. */
  int64_t *notifier_ids;
  size_t notifier_count;
};

struct sw_store_rule_alerts_list {
  struct sw_store_rule_alerts *items;
  size_t count;
};

void sw_store_rule_alerts_free(struct sw_store_rule_alerts *a);
void sw_store_rule_alerts_list_free(struct sw_store_rule_alerts_list *l);

/* Reads rule `rule_id`'s settings (the defaults above if they were never
 * set). NOT_FOUND if there is no such rule. */
enum sw_store_error sw_store_rule_alerts_get(struct sw_store *st, int64_t rule_id,
                                             struct sw_store_rule_alerts *out);
/* Every rule's settings in rule id order, for the service's start; rules
 * never set read as the defaults. */
enum sw_store_error sw_store_rule_alerts_list(struct sw_store *st,
                                              struct sw_store_rule_alerts_list *out);
/* Replaces a->rule_id's settings and notifiers in one transaction.
 * NOT_FOUND (with a sentence) if the rule, the parent or a notifier does
 * not exist; INVALID_INPUT if `on` has unknown bits, there are too many
 * notifiers or a duplicate, or the rule would depend on itself or, through
 * others, on a rule that depends on it (the sentence names the loop). */
enum sw_store_error sw_store_rule_alerts_set(struct sw_store *st,
                                             const struct sw_store_rule_alerts *a);
/* The notifiers that rule `rule_id`'s notifications go to: its own, or
 * the default notifiers if it names none; in id order. *ids is malloc'd
 * (NULL when there are none). NOT_FOUND if there is no such rule. */
enum sw_store_error sw_store_rule_alert_targets(struct sw_store *st, int64_t rule_id,
                                                int64_t **ids, size_t *count);

/* ---- what was told, and acknowledgements ------------------------------ */

struct sw_store_alert_track {
  int64_t rule_id;
  struct sw_alert_track track;
};

struct sw_store_alert_track_list {
  struct sw_store_alert_track *items;
  size_t count;
};

void sw_store_alert_track_list_free(struct sw_store_alert_track_list *l);
/* Every written track in rule id order (the service's start). */
enum sw_store_error sw_store_alert_track_load(struct sw_store *st,
                                              struct sw_store_alert_track_list *out);

/* A track to write with a batch (struct sw_store_batch): a decision that
 * told nothing but changed the track. */
struct sw_store_track_write {
  int64_t rule_id;
  struct sw_alert_track track;
};

#define SW_STORE_ACK_TEXT_MAX 500 /* characters of who and of the comment */

/* An acknowledgement of one bad state of a rule. Strings owned when read,
 * borrowed when set. */
struct sw_store_ack {
  int64_t rule_id;
  enum sw_nagios_status state; /* the state acknowledged */
  char *by;                    /* who: "DOMAIN\\user" */
  int64_t at_ms;
  char *comment; /* "" if none */
};

struct sw_store_ack_list {
  struct sw_store_ack *items;
  size_t count;
};

void sw_store_ack_free(struct sw_store_ack *a);
void sw_store_ack_list_free(struct sw_store_ack_list *l);
/* Acknowledges a->state of rule a->rule_id, replacing an earlier one.
 * INVALID_INPUT if the state is OK or `by` is empty, or a text is not one
 * line of at most SW_STORE_ACK_TEXT_MAX characters; NOT_FOUND if the rule
 * is gone. The acknowledgement holds only while the rule stays in that
 * state: the service clears it when the state changes
 * (sw_store_ack_clear_unless). */
enum sw_store_error sw_store_ack_set(struct sw_store *st, const struct sw_store_ack *a);
/* Removes rule `rule_id`'s acknowledgement; *cleared (may be NULL) says
 * whether there was one. */
enum sw_store_error sw_store_ack_clear(struct sw_store *st, int64_t rule_id,
                                       bool *cleared);
/* Removes it only if it is for another state than `state` (the rule's
 * state changed): what the service calls on every state change. */
enum sw_store_error sw_store_ack_clear_unless(struct sw_store *st, int64_t rule_id,
                                              enum sw_nagios_status state, bool *cleared);
/* Rule `rule_id`'s acknowledgement in *out (owning nothing before);
 * NOT_FOUND if it has none. */
enum sw_store_error sw_store_ack_get(struct sw_store *st, int64_t rule_id,
                                     struct sw_store_ack *out);
/* Every acknowledgement in rule id order. */
enum sw_store_error sw_store_ack_list(struct sw_store *st, struct sw_store_ack_list *out);

/* ---- maintenance windows ---------------------------------------------- */

#define SW_STORE_MAINT_COMMENT_MAX 500 /* characters */

struct sw_store_maint {
  int64_t id;      /* set when read; ignored when added */
  int64_t rule_id; /* 0: all rules */
  struct sw_maint_window window;
  char *comment; /* owned when read, borrowed when added; "" if none */
  int64_t created_at_ms;
};

struct sw_store_maint_list {
  struct sw_store_maint *items;
  size_t count;
};

void sw_store_maint_list_free(struct sw_store_maint_list *l);
/* Adds a window (created now_ms). INVALID_INPUT with a sentence if a
 * one-off window does not end after it starts, a weekly one is not what
 * sw_maint_weekly_parse accepts, or the comment is not one line of at most
 * SW_STORE_MAINT_COMMENT_MAX characters; NOT_FOUND if the rule does not
 * exist. *id_out (may be NULL) is the new id. */
enum sw_store_error sw_store_maint_add(struct sw_store *st,
                                       const struct sw_store_maint *m, int64_t now_ms,
                                       int64_t *id_out);
/* Every window in id order: what the service evaluates. A rule's windows
 * go when the rule is deleted. */
enum sw_store_error sw_store_maint_list(struct sw_store *st,
                                        struct sw_store_maint_list *out);
/* NOT_FOUND if there is no window `id`. */
enum sw_store_error sw_store_maint_delete(struct sw_store *st, int64_t id);

/* ---- the outbox --------------------------------------------------------- */

/* X(ENUM, stored name) */
#define SW_OUTBOX_STATUS_MAP(X)                                                          \
  X(SW_OUTBOX_PENDING, "pending") /* not yet delivered; tried at next_attempt_at */      \
  X(SW_OUTBOX_SENT, "sent")                                                              \
  X(SW_OUTBOX_FAILED, "failed") /* given up */

enum sw_outbox_status { SW_OUTBOX_STATUS_MAP(SW_X_1) SW_OUTBOX_STATUS_COUNT };

const char *sw_outbox_status_name(enum sw_outbox_status s);

/* A notification id: 1 to 64 of A-Z a-z 0-9 . _ - (it goes into a mail
 * header and a JSON field as is). */
#define SW_STORE_NOTIFICATION_ID_MAX 64
#define SW_STORE_OUTBOX_ERROR_MAX 1000  /* bytes of an error sentence kept */
#define SW_STORE_OUTBOX_OUTPUT_MAX 4096 /* bytes of a program's output kept */

/* One notification to one notifier: what struct sw_alert_note needs to be
 * written again on every attempt. Strings are owned when read, borrowed
 * when enqueued; "" rather than NULL. */
struct sw_store_notification {
  int64_t id; /* the row's id, set when read */
  char *uid;  /* the stable id: X-SmtpWatch-Notification-Id */
  int64_t rule_id, notifier_id;
  enum sw_alert_kind kind;
  enum sw_nagios_status state, previous;
  enum sw_outcome outcome;
  char *rule_name, *host, *message;
  uint16_t port;
  int reply_code;
  int64_t response_ms; /* -1 if the server did not answer */
  int64_t since_s;     /* Unix seconds: when `state` began */
  /* Set when read; ignored when enqueued (created now, due now, pending). */
  int64_t created_at_ms, next_attempt_at_ms;
  uint32_t attempts;
  enum sw_outbox_status status;
  char *last_error;
};

struct sw_store_notification_list {
  struct sw_store_notification *items;
  size_t count;
};

void sw_store_notification_list_free(struct sw_store_notification_list *l);

/* Writes rule `rule_id`'s track and its `count` new notifications (may be
 * 0; their rule_id is this one, whatever they say) in ONE transaction, so that what
 * sw_alert_decide decided is either committed whole, ready to be attempted and surviving
 * a kill, or not at all. Each is pending and due at now_ms. NOT_FOUND if the rule or a
 * notifier is gone, INVALID_INPUT if an id is malformed or already in the
 * outbox: nothing is written then. */
enum sw_store_error sw_store_outbox_enqueue_with_track(
    struct sw_store *st, int64_t rule_id, const struct sw_alert_track *track,
    const struct sw_store_notification *items, size_t count, int64_t now_ms);

/* Up to `limit` pending notifications due at now_ms (next_attempt_at <=
 * now_ms), oldest first (created, then id). */
enum sw_store_error sw_store_outbox_due(struct sw_store *st, int64_t now_ms, size_t limit,
                                        struct sw_store_notification_list *out);

/* How many notifications are pending (to be attempted, now or later):
 * the outbox size the service's metrics report. */
enum sw_store_error sw_store_outbox_pending(struct sw_store *st, int64_t *count);

/* One attempt at a pending notification and what follows from it. */
struct sw_store_attempt {
  int64_t outbox_id;
  int64_t at_ms;
  /* SENT; PENDING: failed, tried again at next_attempt_at_ms (the caller's
   * sw_outbox_retry_at); FAILED: failed and given up. */
  enum sw_outbox_status then;
  int64_t next_attempt_at_ms;
  const char *error; /* why it failed ("" when sent); cut to ..._ERROR_MAX */
  bool ran_program;  /* a program notifier: exit_code and output apply */
  int exit_code;
  const char *output; /* its first lines; cut to ..._OUTPUT_MAX */
};

/* Records the attempt and updates the notification, in one transaction.
 * NOT_FOUND if it is gone; INVALID_INPUT if it is no longer pending (it
 * was sent or given up already). */
enum sw_store_error sw_store_outbox_record_attempt(struct sw_store *st,
                                                   const struct sw_store_attempt *a);

/* Up to `limit` notifications with ids below `before_id` (INT64_MAX: from
 * the newest), newest first, each with its attempt count and last error:
 * the `notifications` list. */
enum sw_store_error sw_store_outbox_recent(struct sw_store *st, int64_t before_id,
                                           size_t limit,
                                           struct sw_store_notification_list *out);

/* One stored attempt. */
struct sw_store_attempt_row {
  int64_t id;
  int64_t at_ms;
  bool ok;
  char *error; /* owned */
  bool ran_program;
  int exit_code;
  char *output; /* owned */
};

struct sw_store_attempt_list {
  struct sw_store_attempt_row *items;
  size_t count;
};

void sw_store_attempt_list_free(struct sw_store_attempt_list *l);
/* Every attempt at notification `outbox_id`, oldest first. */
enum sw_store_error sw_store_outbox_attempts(struct sw_store *st, int64_t outbox_id,
                                             struct sw_store_attempt_list *out);

/* Deletes at most `max_rows` sent or failed notifications (with their
 * attempts) created before `cutoff_ms`, oldest first, in one short
 * transaction; pending ones are never deleted. *deleted (may be NULL) is
 * how many went, *more (may be NULL) whether old ones remain, for the
 * service to call again on a later turn. */
enum sw_store_error sw_store_outbox_prune_step(struct sw_store *st, int64_t cutoff_ms,
                                               size_t max_rows, size_t *deleted,
                                               bool *more);

#endif
