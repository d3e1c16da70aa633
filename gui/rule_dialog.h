/* The rule dialog: every field of one rule (model/rule_form turns the
 * texts into a rule and the shared validator's problems into messages
 * beside the fields), "Test" to run the rule once through the service
 * without saving it, and Save (add or update, with a stale revision
 * explained rather than lost). The check result dialog shows one check's
 * outcome, step timings and transcript; the main window's "Test now" uses
 * it too. */
#ifndef SW_RULE_DIALOG_H
#define SW_RULE_DIALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "editor.h"
#include "pipe_records.h"

/* Shows the dialog modally over `owner`: a new rule if rule_id is 0, else
 * the stored rule (fetched from the service), read-only if ed->mode is.
 * Returns true if a rule was saved (the caller refreshes its list); a
 * refusal from the service (access_denied) makes ed->mode read-only. UI
 * thread only. */
bool sw_rule_dialog_show(HWND owner, struct sw_editor *ed, int64_t rule_id);

/* Shows one check's result modally over `owner`: `title` (UTF-8) names
 * the rule. UI thread only. */
void sw_check_result_show(HWND owner, struct sw_editor *ed, const char *title,
                          const struct sw_pipe_result *result);

#endif
