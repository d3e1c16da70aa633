/* A notification as a webhook's JSON body, in three formats:
 *  - generic: SMTP Watch's own document (docs/notifications.md), every
 *    fact as a field, times in RFC 3339 UTC;
 *  - teams:   a message with one Adaptive Card (version 1.4), as a Teams
 *    Workflows "When a Teams webhook request is received" flow posts it;
 *  - slack:   a Slack incoming-webhook message: a header and fields in
 *    plain_text blocks, so nothing a server said is read as markup, and
 *    a `text` fallback with Slack's three characters escaped. */
#ifndef SW_ALERT_WEBHOOK_H
#define SW_ALERT_WEBHOOK_H

#include <stdbool.h>

#include "alert_note.h"
#include "sw_buf.h"
#include "sw_error.h"
#include "sw_macros.h"

/* X(ENUM, name) */
#define SW_WEBHOOK_FORMAT_MAP(X)                                                         \
  X(SW_WEBHOOK_GENERIC, "generic")                                                       \
  X(SW_WEBHOOK_TEAMS, "teams")                                                           \
  X(SW_WEBHOOK_SLACK, "slack")

enum sw_webhook_format { SW_WEBHOOK_FORMAT_MAP(SW_X_1) SW_WEBHOOK_FORMAT_COUNT };

const char *sw_webhook_format_name(enum sw_webhook_format f);
/* Parses a format's name (exact, lower case); false if unknown. */
bool sw_webhook_format_from_name(const char *name, enum sw_webhook_format *out);

/* Appends the body to `out`. SW_E_NOMEM if memory ran out. */
enum sw_error sw_alert_webhook_json(const struct sw_alert_note *n,
                                    enum sw_webhook_format f, struct sw_buf *out);

#endif
