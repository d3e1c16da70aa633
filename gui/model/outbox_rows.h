/* The Notifications window's two lists: the notifiers (name, kind,
 * target) and the outbox (NOTIFICATIONS, newest first), and what a
 * notifier's Test came to. What each cell says is here, tested without a
 * window; the window only asks. Portable C11, UTF-8. Each writes a
 * NUL-terminated single line into out[size] (cut between characters). */
#ifndef SW_OUTBOX_ROWS_H
#define SW_OUTBOX_ROWS_H

#include <stddef.h>

#include "pipe_alert_records.h"
#include "pipe_notifier.h"
#include "rule_rows.h"

enum sw_notifier_column {
  SW_NOTIFIER_COL_NAME,
  SW_NOTIFIER_COL_KIND,   /* "email", "webhook (teams)", "program", "restart service" */
  SW_NOTIFIER_COL_TARGET, /* whom it tells: sw_alert_notifier_target */
  SW_NOTIFIER_COL_COUNT
};

enum sw_outbox_column {
  SW_OUTBOX_COL_CREATED, /* local time */
  SW_OUTBOX_COL_RULE,    /* the rule's name; "(test)" for a notifier's test */
  SW_OUTBOX_COL_NOTIFIER,
  SW_OUTBOX_COL_KIND,     /* problem, reminder, recovery, flapping */
  SW_OUTBOX_COL_STATE,    /* what it tells: OK, WARNING, CRITICAL, UNKNOWN */
  SW_OUTBOX_COL_STATUS,   /* pending, sent, failed */
  SW_OUTBOX_COL_ATTEMPTS, /* "2" */
  SW_OUTBOX_COL_ERROR,    /* the last attempt's error, or "" */
  SW_OUTBOX_COL_COUNT
};

/* A notifier's cell. */
void sw_notifier_cell(const struct sw_pipe_notifier *n, enum sw_notifier_column c,
                      char *out, size_t size);
/* A notification's cell; `local_time` NULL: times in UTC, marked so. */
void sw_outbox_cell(const struct sw_pipe_notification *n, enum sw_outbox_column c,
                    sw_rule_rows_time_fn local_time, char *out, size_t size);
/* What NOTIFIER_TEST of `notifier` came to (its NOTIFIER_TEST_OK): "The
 * test notification of "ops-mail" was sent (attempt 1, id ...)." or "...
 * failed: <error>". */
void sw_outbox_test_text(const struct sw_pipe_notification *n, const char *notifier,
                         char *out, size_t size);

/* The question before deleting notifier `name`. */
void sw_notifier_delete_question(const char *name, char *out, size_t size);

#endif
