/* Per-monitor DPI for the editor's fixed-layout dialogs (dialog_dpi.h). */
#include "dialog_dpi.h"

#include "sw_macros.h"

void sw_dialog_dpi_init(struct sw_dialog_dpi *s, HWND dlg)
{
  s->base_dpi = s->dpi =
      GetDpiForWindow(dlg) ? GetDpiForWindow(dlg) : SW_LAYOUT_DPI_DEFAULT;
  HFONT font = (HFONT)SendMessageW(dlg, WM_GETFONT, 0, 0);
  s->has_font = font && GetObjectW(font, sizeof s->base_font, &s->base_font);
  s->font = NULL;
  sw_dialog_dpi_disable(dlg, DDC_DISABLE_ALL);
}

void sw_dialog_dpi_disable(HWND dlg, DIALOG_DPI_CHANGE_BEHAVIORS off)
{
  /* Looked up at run time: an import would keep the editor from starting
   * where user32 lacks it. */
  typedef BOOL(WINAPI * behaviour_fn)(HWND, DIALOG_DPI_CHANGE_BEHAVIORS,
                                      DIALOG_DPI_CHANGE_BEHAVIORS);
  behaviour_fn set_behaviour = (behaviour_fn)(void *)GetProcAddress(
      GetModuleHandleW(L"user32.dll"), "SetDialogDpiChangeBehavior");
  if (set_behaviour)
    set_behaviour(dlg, off, off);
}

static BOOL CALLBACK set_font(HWND child, LPARAM font)
{
  SendMessageW(child, WM_SETFONT, (WPARAM)font, FALSE);
  return TRUE;
}

void sw_dialog_dpi_change(struct sw_dialog_dpi *s, HWND dlg, UINT dpi,
                          const RECT *suggested)
{
  s->dpi = dpi ? dpi : SW_LAYOUT_DPI_DEFAULT;
  if (s->has_font) {
    HFONT font = NULL;
    if (s->dpi != s->base_dpi) {
      LOGFONTW lf = s->base_font;
      lf.lfHeight = sw_layout_scale(lf.lfHeight, s->dpi, s->base_dpi);
      lf.lfWidth = sw_layout_scale(lf.lfWidth, s->dpi, s->base_dpi);
      font = CreateFontIndirectW(&lf);
    }
    /* Out of GDI objects: the old font stays, the wrong size but
     * readable. */
    if (font || s->dpi == s->base_dpi) {
      HFONT old = s->font;
      s->font = font;
      EnumChildWindows(dlg, set_font, (LPARAM)sw_dialog_dpi_font(s, dlg));
      if (old)
        DeleteObject(old);
    }
  }
  SetWindowPos(dlg, NULL, suggested->left, suggested->top,
               suggested->right - suggested->left, suggested->bottom - suggested->top,
               SWP_NOZORDER | SWP_NOACTIVATE);
}

HFONT sw_dialog_dpi_font(const struct sw_dialog_dpi *s, HWND dlg)
{
  /* The dialog's own font (WM_GETFONT) stays the template's: it is never
   * given another. */
  return s->font ? s->font : (HFONT)SendMessageW(dlg, WM_GETFONT, 0, 0);
}

SIZE sw_dialog_dpi_window_size(const struct sw_dialog_dpi *s, HWND dlg, int cx, int cy)
{
  RECT r = {0, 0, cx, cy};
  DWORD style = (DWORD)GetWindowLongW(dlg, GWL_STYLE);
  DWORD ex_style = (DWORD)GetWindowLongW(dlg, GWL_EXSTYLE);
  if (NEVER(!AdjustWindowRectExForDpi(&r, style, FALSE, ex_style, s->dpi)))
    AdjustWindowRectEx(&r, style, FALSE, ex_style); /* it fails only on bad arguments */
  SIZE size = {r.right - r.left, r.bottom - r.top};
  return size;
}

struct sw_layout_rect sw_dialog_dpi_child_rect(HWND dlg, HWND child)
{
  RECT r;
  GetWindowRect(child, &r);
  MapWindowPoints(NULL, dlg, (POINT *)&r, 2);
  struct sw_layout_rect out = {r.left, r.top, r.right, r.bottom};
  return out;
}

void sw_dialog_dpi_free(struct sw_dialog_dpi *s)
{
  if (s->font)
    DeleteObject(s->font);
  s->font = NULL;
}
