/* UTF-8 <-> UTF-16 at the editor's window boundary: the portable code
 * (rules, the pipe, the models) speaks UTF-8; every window API is the W
 * one. */
#include "editor.h"

#include <stdlib.h>

#include "sw_macros.h"

wchar_t *sw_editor_wide(const char *utf8)
{
  if (!utf8)
    utf8 = "";
  int n = MultiByteToWideChar(CP_UTF8, 0, utf8, -1, NULL, 0);
  if (NEVER(n <= 0)) /* without MB_ERR_INVALID_CHARS it cannot fail */
    return calloc(1, sizeof(wchar_t));
  wchar_t *out = malloc((size_t)n * sizeof(wchar_t));
  if (out)
    MultiByteToWideChar(CP_UTF8, 0, utf8, -1, out, n);
  return out;
}

char *sw_editor_utf8(const wchar_t *wide)
{
  if (!wide)
    wide = L"";
  int n = WideCharToMultiByte(CP_UTF8, 0, wide, -1, NULL, 0, NULL, NULL);
  if (n <= 0)
    return calloc(1, 1);
  char *out = malloc((size_t)n);
  if (out)
    WideCharToMultiByte(CP_UTF8, 0, wide, -1, out, n, NULL, NULL);
  return out;
}

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
  char *out = sw_editor_utf8(wide);
  free(wide);
  return out;
}

void sw_editor_set_text(HWND dlg, int id, const char *utf8)
{
  wchar_t *wide = sw_editor_wide(utf8);
  SetDlgItemTextW(dlg, id, wide ? wide : L"");
  free(wide);
}

int sw_editor_message(HWND owner, const char *utf8, UINT flags)
{
  wchar_t *wide = sw_editor_wide(utf8);
  int answer = MessageBoxW(owner, wide ? wide : L"Out of memory.", L"SMTP Watch", flags);
  free(wide);
  return answer;
}
