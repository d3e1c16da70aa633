/* Placeholder until the history dialog lands (being written now). */
#include "history_dialog.h"

void sw_history_dialog_show(HWND owner, struct sw_editor *ed, int64_t rule_id,
                            const char *rule_name)
{
  (void)ed, (void)rule_id, (void)rule_name;
  MessageBoxW(owner, L"The history dialog is not built yet.", L"SMTP Watch", MB_OK);
}
