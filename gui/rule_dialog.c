/* Placeholder until the rule dialog lands (being written now). */
#include "rule_dialog.h"

bool sw_rule_dialog_show(HWND owner, struct sw_editor *ed, int64_t rule_id)
{
  (void)ed, (void)rule_id;
  MessageBoxW(owner, L"The rule dialog is not built yet.", L"SMTP Watch", MB_OK);
  return false;
}

void sw_test_result_show(HWND owner, struct sw_editor *ed, const char *title,
                         const struct sw_pipe_result *result)
{
  (void)ed, (void)title, (void)result;
  MessageBoxW(owner, L"The test result dialog is not built yet.", L"SMTP Watch", MB_OK);
}
