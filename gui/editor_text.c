/* Control text in UTF-8: the portable code (rules, the pipe, the models)
 * speaks UTF-8; every window API is the W one (win_text.h converts). */
#include "editor.h"
#include "editor_palette.h"

#include <stdlib.h>

char *sw_editor_get_text(HWND dlg, int id)
{
  HWND control = GetDlgItem(dlg, id);
  int len = control ? GetWindowTextLengthW(control) : 0;
  wchar_t *wide = malloc(((size_t)len + 1) * sizeof(wchar_t));
  if (!wide)
    return NULL;
  wide[0] = L'\0';
  if (control)
    GetWindowTextW(control, wide, len + 1);
  char *out = sw_utf8_dup(wide);
  free(wide);
  return out;
}

void sw_editor_set_text(HWND dlg, int id, const char *utf8)
{
  wchar_t *wide = sw_wide_dup(utf8);
  SetDlgItemTextW(dlg, id, wide ? wide : L"");
  free(wide);
}

int sw_editor_message(HWND owner, const char *utf8, UINT flags)
{
  wchar_t *wide = sw_wide_dup(utf8);
  int answer = MessageBoxW(owner, wide ? wide : L"Out of memory.", L"SMTP Watch", flags);
  free(wide);
  return answer;
}

void *sw_editor_dialog_context(HWND dlg, UINT msg, LPARAM lp)
{
  if (msg == WM_INITDIALOG) {
    SetWindowLongPtrW(dlg, DWLP_USER, (LONG_PTR)lp);
    return (void *)lp;
  }
  return (void *)GetWindowLongPtrW(dlg, DWLP_USER);
}

INT_PTR sw_editor_dialog_default(HWND dlg, UINT msg, WPARAM wp)
{
  if (msg == WM_DESTROY)
    sw_service_drain(dlg);
  sw_editor_palette_follow(dlg, msg, wp);
  return FALSE;
}
