/* The rule dialog's right column: the rule's notifications (protocol
 * version 2). Thin over model/alert_form: this file fills the controls
 * from the service's answers (NOTIFIER_LIST, STATUS for the other rules,
 * RULE_ALERTS_GET), reads them back, shows each mistake under its field,
 * and sends RULE_ALERTS_SET once the rule itself is saved.
 *
 * If the settings could not be read (a service older than the editor, or
 * any other failure) the column is greyed with the reason under the
 * notifiers, and nothing is sent: a rule's stored settings are never
 * replaced by defaults the user did not see. UI thread only. */
#ifndef SW_RULE_ALERTS_H
#define SW_RULE_ALERTS_H

#include <windows.h>

#include <stdbool.h>
#include <stdint.h>

#include "alert_form.h"
#include "editor.h"
#include "rule_dialog_layout.h"

/* The tags of the column's requests start here (the dialog's own are
 * smaller). */
#define SW_RULE_ALERTS_TAG_FIRST 16

struct sw_rule_alerts {
  HWND dlg;
  struct sw_editor *ed;
  struct sw_rule_layout *layout;
  struct sw_alert_form form;
  int64_t rule_id;
  bool read_only;
  bool failed;   /* a read failed: greyed, nothing is sent */
  unsigned busy; /* a bit per request in flight */
  bool has_problem[SW_ALERT_FIELD_COUNT];
};

/* What an answer meant to the dialog. */
enum sw_rule_alerts_outcome {
  SW_RULE_ALERTS_READ,      /* something was read (or failed to be) */
  SW_RULE_ALERTS_SAVED,     /* RULE_ALERTS_SET was carried out */
  SW_RULE_ALERTS_NOT_SAVED, /* it was refused: the reason is under its field */
};

/* At WM_INITDIALOG, after the layout's init: sets the controls up and
 * asks the service for what they show (`rule_id` 0: a new rule, which
 * starts with the defaults). */
void sw_rule_alerts_init(struct sw_rule_alerts *a, HWND dlg, struct sw_editor *ed,
                         struct sw_rule_layout *layout, int64_t rule_id, bool read_only);
void sw_rule_alerts_free(struct sw_rule_alerts *a);

/* Whether a request of the column is in flight (Save waits for it). */
bool sw_rule_alerts_busy(const struct sw_rule_alerts *a);
/* Whether the reply tagged `tag` is the column's. */
bool sw_rule_alerts_owns(WPARAM tag);
/* Handles the column's reply (the caller frees the job). */
enum sw_rule_alerts_outcome sw_rule_alerts_reply(struct sw_rule_alerts *a,
                                                 struct sw_service_job *job);

/* Reads the controls and shows each mistake under its field; true if
 * there is none (or the column sends nothing). Before the rule is saved. */
bool sw_rule_alerts_check(struct sw_rule_alerts *a);
/* Sends RULE_ALERTS_SET for rule `rule_id` (just saved); false if nothing
 * is to be sent (the column failed to read, is read-only, or is out of
 * memory, which it says). */
bool sw_rule_alerts_send(struct sw_rule_alerts *a, int64_t rule_id);

/* Whether control `id` is one of the column's error texts (red). */
bool sw_rule_alerts_is_error(int id);

#endif
