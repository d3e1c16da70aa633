/* The history dialog: one rule's recent results as a response-time chart
 * (GDI, failures marked; model/history_chart does the scaling) above a
 * table of the same results, newest first. */
#ifndef SW_HISTORY_DIALOG_H
#define SW_HISTORY_DIALOG_H

#include <stdint.h>

#include "editor.h"

/* Shows the history of rule `rule_id`, named `rule_name` (UTF-8), modally
 * over `owner`. UI thread only. */
void sw_history_dialog_show(HWND owner, struct sw_editor *ed, int64_t rule_id,
                            const char *rule_name);

#endif
