/* The Notifications window's cells (outbox_rows.h). */
#include "outbox_rows.h"

#include <inttypes.h>
#include <stdio.h>

#include "alert_form.h"
#include "alert_webhook.h"
#include "manage_view.h"

void sw_notifier_cell(const struct sw_pipe_notifier *n, enum sw_notifier_column c,
                      char *out, size_t size)
{
  if (size == 0)
    return;
  char text[1024] = "";
  switch (c) {
  case SW_NOTIFIER_COL_NAME:
    snprintf(text, sizeof text, "%s", n->name ? n->name : "");
    break;
  case SW_NOTIFIER_COL_KIND:
    sw_alert_notifier_kind(n, text, sizeof text);
    break;
  case SW_NOTIFIER_COL_TARGET:
    sw_alert_notifier_target(n, text, sizeof text);
    break;
  case SW_NOTIFIER_COL_COUNT:
    break;
  }
  sw_rule_rows_one_line(text, out, size);
}

void sw_outbox_cell(const struct sw_pipe_notification *n, enum sw_outbox_column c,
                    sw_rule_rows_time_fn local_time, char *out, size_t size)
{
  if (size == 0)
    return;
  char text[1024] = "";
  switch (c) {
  case SW_OUTBOX_COL_CREATED: {
    struct sw_manage_view v = {SW_TABLE_TEXT, local_time};
    sw_manage_time(&v, n->created_ms, text, sizeof text);
    break;
  }
  case SW_OUTBOX_COL_RULE:
    snprintf(text, sizeof text, "%s",
             n->rule_id == 0 ? "(test)"
             : n->rule_name  ? n->rule_name
                             : "");
    break;
  case SW_OUTBOX_COL_NOTIFIER:
    snprintf(text, sizeof text, "%s", n->notifier ? n->notifier : "");
    break;
  case SW_OUTBOX_COL_KIND:
    snprintf(text, sizeof text, "%s", sw_alert_kind_name(n->kind));
    break;
  case SW_OUTBOX_COL_STATE:
    snprintf(text, sizeof text, "%s", sw_nagios_status_name(n->state));
    break;
  case SW_OUTBOX_COL_STATUS:
    snprintf(text, sizeof text, "%s", sw_pipe_delivery_name(n->status));
    break;
  case SW_OUTBOX_COL_ATTEMPTS:
    snprintf(text, sizeof text, "%" PRIu32, n->attempts);
    break;
  case SW_OUTBOX_COL_ERROR:
    snprintf(text, sizeof text, "%s", n->last_error ? n->last_error : "");
    break;
  case SW_OUTBOX_COL_COUNT:
    break;
  }
  sw_rule_rows_one_line(text, out, size);
}

void sw_outbox_test_text(const struct sw_pipe_notification *n, const char *notifier,
                         char *out, size_t size)
{
  if (size == 0)
    return;
  const char *name = notifier ? notifier : "";
  if (n->status == SW_PIPE_DELIVERY_SENT)
    snprintf(out, size, "The test notification of \"%s\" was sent (id %s).", name,
             n->id ? n->id : "?");
  else if (n->status == SW_PIPE_DELIVERY_PENDING)
    snprintf(out, size, "The test notification of \"%s\" is not delivered yet: %s", name,
             n->last_error && n->last_error[0] ? n->last_error
                                               : "the service is still trying.");
  else
    snprintf(out, size, "The test notification of \"%s\" failed: %s", name,
             n->last_error && n->last_error[0] ? n->last_error
                                               : "the service gave no reason.");
}

void sw_notifier_delete_question(const char *name, char *out, size_t size)
{
  if (size)
    snprintf(out, size,
             "Delete the notifier \"%s\"?\n\nThe service refuses while rules send to it "
             "or it is a default notifier.",
             name ? name : "");
}
