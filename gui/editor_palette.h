/* The editor's colours for the theme in force (model/palette.h): the
 * system's colours and whether high contrast is on, read each time a
 * window paints, so that a theme changed while the editor is open takes
 * effect at the next paint (the windows repaint on WM_SYSCOLORCHANGE,
 * WM_SETTINGCHANGE and WM_THEMECHANGED: sw_editor_palette_follow). */
#ifndef SW_EDITOR_PALETTE_H
#define SW_EDITOR_PALETTE_H

#include <windows.h>

#include <stdbool.h>

#include "palette.h"

/* Whether high contrast is on (SPI_GETHIGHCONTRAST, HCF_HIGHCONTRASTON).
 * A seam: tests/unit/win/test_editor_dialogs.c replaces it, since Wine 8
 * refuses SPI_SETHIGHCONTRAST (ERROR_INVALID_SPI_VALUE) and reports high
 * contrast always off. UI thread only. */
extern bool (*sw_editor_high_contrast)(void);

/* The palette for the theme in force now. */
void sw_editor_palette(struct sw_palette *out);

/* WM_CTLCOLORSTATIC's answer for a static that says what is wrong: its
 * text in the palette's error colour (dark red; the theme's text colour
 * in high contrast) on the dialog's face. Returns the brush to give back
 * (the DC brush: nothing to free). */
INT_PTR sw_editor_error_colours(HDC dc);
/* Repaints `hwnd` and its children if `msg` (with `wp`) says the colours
 * or the contrast may have changed; for the window procedures'
 * WM_SYSCOLORCHANGE, WM_SETTINGCHANGE and WM_THEMECHANGED. */
void sw_editor_palette_follow(HWND hwnd, UINT msg, WPARAM wp);

#endif
