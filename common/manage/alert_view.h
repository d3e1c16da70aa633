/* What the alert commands print (table_output), from the service's
 * version 2 replies: notifiers, maintenance windows, the outbox of
 * notifications, and a rule with its alert settings. As manage_view.h:
 * short columns and local time for people, every field with numbers,
 * booleans and UTC times for scripts. No secret is ever in a reply (the
 * service sends a webhook URL only as "https://host/..." and a password
 * only as "set"), so none can be printed. Each table function initialises
 * `t` (free it with sw_table_free, also on error) and returns
 * SW_E_INVALID_ARGUMENT for a malformed body, SW_E_NOMEM. */
#ifndef SW_ALERT_VIEW_H
#define SW_ALERT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manage_view.h"
#include "pipe_alert_records.h"
#include "pipe_notifier.h"

/* NOTIFIER_LIST_OK or NOTIFIER_OK: one row per notifier. `brief` (for
 * `notifiers list` as text): name, kind, target, default, secret;
 * otherwise every field (`notifiers show`, and lists for scripts).
 * `defaults` is the default notifier set (RULE_ALERTS_OK for rule 0) that
 * marks the default notifiers; NULL if it is not known. */
enum sw_error sw_manage_notifiers_table(const uint8_t *body, size_t len,
                                        const struct sw_manage_view *v, bool brief,
                                        const struct sw_pipe_rule_alerts *defaults,
                                        struct sw_table *t);

/* MAINTENANCE_LIST_OK or MAINTENANCE_OK: one row per window. */
enum sw_error sw_manage_maintenance_table(const uint8_t *body, size_t len,
                                          const struct sw_manage_view *v,
                                          struct sw_table *t);

/* NOTIFICATIONS_OK (newest first; `page` says where it ended, its
 * last_key the next request's BEFORE) or NOTIFIER_TEST_OK (page NULL). */
enum sw_error sw_manage_notifications_table(const uint8_t *body, size_t len,
                                            const struct sw_manage_view *v,
                                            struct sw_table *t,
                                            struct sw_manage_page *page);

/* RULE_OK's rule as a one-row table with every field, followed by its
 * alert settings from RULE_ALERTS_OK (`alerts`; NULL for a service too old
 * to have them: the rule's fields only). */
enum sw_error sw_manage_rule_alerts_table(const uint8_t *rule_body, size_t rule_len,
                                          const struct sw_pipe_rule_alerts *alerts,
                                          const struct sw_manage_view *v,
                                          struct sw_table *t);

/* The first record of its kind in a reply body into `out` (initialised
 * here; free it with its _free whatever this returns);
 * SW_E_INVALID_ARGUMENT if there is none. */
enum sw_error sw_manage_body_rule_alerts(const uint8_t *body, size_t len,
                                         struct sw_pipe_rule_alerts *out);
enum sw_error sw_manage_body_notifier(const uint8_t *body, size_t len,
                                      struct sw_pipe_notifier *out);
enum sw_error sw_manage_body_maintenance(const uint8_t *body, size_t len,
                                         struct sw_pipe_maintenance *out);
enum sw_error sw_manage_body_notification(const uint8_t *body, size_t len,
                                          struct sw_pipe_notification *out);

/* The command for the outbox's next page:
 * "smtpwatch notifications --limit 20 --before 812". */
void sw_manage_notifications_next(uint32_t limit, int64_t before, char *out, size_t size);

/* What a notifier does, for people: "ops@example.com via mx1.example.com",
 * "https://hooks.example.com/... (teams)", the command line, "restart
 * W3SVC". */
void sw_manage_notifier_target(const struct sw_pipe_notifier *n, char *out, size_t size);

#endif
