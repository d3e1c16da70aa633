/* Per-monitor DPI for the editor's fixed-layout dialogs (the rule dialog,
 * the check result dialog). The manifest makes the editor per-monitor (v2)
 * DPI aware: a dialog moved to a monitor with another scale gets
 * WM_DPICHANGED. The dialog manager's own answer (scaling the template's
 * layout and fonts) knows nothing of the controls a dialog places itself
 * or the fonts it makes, so these dialogs turn it off and do it all: a
 * font at the new DPI for every control, the suggested rectangle, then
 * their own layout from the template's rectangles (model/dialog_layout.h).
 * Wine never sends WM_DPICHANGED: tests send it (test_editor_dialogs.c). */
#ifndef SW_DIALOG_DPI_H
#define SW_DIALOG_DPI_H

#include <windows.h>

#include <stdbool.h>

#include "dialog_layout.h"

struct sw_dialog_dpi {
  UINT base_dpi;      /* the DPI the template was laid out at (WM_INITDIALOG) */
  UINT dpi;           /* the window's now */
  LOGFONTW base_font; /* the template's font as created at base_dpi */
  bool has_font;
  HFONT font; /* owned: the template's font at `dpi`; NULL while at base_dpi */
};

/* At WM_INITDIALOG: notes the window's DPI and its font, and turns the
 * dialog manager's DPI handling off for `dlg` (Windows 10 1703+). */
void sw_dialog_dpi_init(struct sw_dialog_dpi *s, HWND dlg);

/* Turns off the parts of the dialog manager's answer to a DPI change
 * named in `off` (DDC_ flags of DIALOG_DPI_CHANGE_BEHAVIORS) for `dlg`,
 * where Windows has SetDialogDpiChangeBehavior (10 1703 and later; not
 * Wine 8, whose dialog manager has no DPI handling to turn off). */
void sw_dialog_dpi_disable(HWND dlg, DIALOG_DPI_CHANGE_BEHAVIORS off);

/* At WM_DPICHANGED (`dpi` from its wParam, `suggested` its lParam): every
 * child gets the template's font at `dpi`, then the window takes the
 * suggested rectangle (WM_SIZE comes with s->dpi already `dpi`). The
 * caller then gives its own fonts and lays out. */
void sw_dialog_dpi_change(struct sw_dialog_dpi *s, HWND dlg, UINT dpi,
                          const RECT *suggested);

/* The template's font at the current DPI. */
HFONT sw_dialog_dpi_font(const struct sw_dialog_dpi *s, HWND dlg);

/* A window rectangle's size for a client area of cx x cy at the current
 * DPI (the frame and caption scale too). */
SIZE sw_dialog_dpi_window_size(const struct sw_dialog_dpi *s, HWND dlg, int cx, int cy);

/* A child's rectangle in `dlg`'s client coordinates. */
struct sw_layout_rect sw_dialog_dpi_child_rect(HWND dlg, HWND child);

/* Frees the font made for a DPI change. */
void sw_dialog_dpi_free(struct sw_dialog_dpi *s);

#endif
