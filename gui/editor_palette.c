/* The editor's colours for the theme in force (editor_palette.h). */
#include "editor_palette.h"

static bool system_high_contrast(void)
{
  HIGHCONTRASTW hc = {.cbSize = sizeof hc};
  return SystemParametersInfoW(SPI_GETHIGHCONTRAST, sizeof hc, &hc, 0) &&
         (hc.dwFlags & HCF_HIGHCONTRASTON);
}

bool (*sw_editor_high_contrast)(void) = system_high_contrast;

void sw_editor_palette(struct sw_palette *out)
{
  struct sw_system_colours sys = {
      .window = GetSysColor(COLOR_WINDOW),
      .window_text = GetSysColor(COLOR_WINDOWTEXT),
      .face = GetSysColor(COLOR_BTNFACE),
      .face_text = GetSysColor(COLOR_BTNTEXT),
      .gray_text = GetSysColor(COLOR_GRAYTEXT),
      .hotlight = GetSysColor(COLOR_HOTLIGHT),
      .shadow = GetSysColor(COLOR_3DSHADOW),
  };
  sw_palette_choose(sw_editor_high_contrast(), &sys, out);
}

void sw_editor_palette_follow(HWND hwnd, UINT msg, WPARAM wp)
{
  /* Turning high contrast on or off sends WM_SETTINGCHANGE with
   * SPI_SETHIGHCONTRAST, and changes the system colours
   * (WM_SYSCOLORCHANGE) and the visual style (WM_THEMECHANGED). */
  if (msg == WM_SYSCOLORCHANGE || msg == WM_THEMECHANGED ||
      (msg == WM_SETTINGCHANGE && (wp == SPI_SETHIGHCONTRAST || wp == 0)))
    RedrawWindow(hwnd, NULL, NULL, RDW_INVALIDATE | RDW_ERASE | RDW_ALLCHILDREN);
}

INT_PTR sw_editor_error_colours(HDC dc)
{
  struct sw_palette colours;
  sw_editor_palette(&colours);
  SetTextColor(dc, colours.error_text);
  SetBkColor(dc, colours.face);
  SetDCBrushColor(dc, colours.face);
  return (INT_PTR)GetStockObject(DC_BRUSH);
}
