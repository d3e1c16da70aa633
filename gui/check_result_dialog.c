/* The check result dialog (sw_check_result_show in rule_dialog.h): one
 * check's headline, coloured by its status (in the theme's text colour
 * when high contrast is on), above the report of model/check_report in a
 * read-only monospace edit box. Resizable; Copy puts the headline and the
 * report on the clipboard. Its layout, fonts and minimum size follow the
 * window's DPI (dialog_dpi.h). */
#include "rule_dialog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialog_dpi.h"
#include "editor_palette.h"
#include "resource.h"
#include "check_report.h"
#include "sw_macros.h"

#define MONO_POINTS 9 /* the report's font size */

/* How each control follows the window's size. */
static const struct {
  int id;
  enum sw_layout_anchor anchor;
} anchored[] = {
    {IDC_RESULT_HEADLINE, SW_LAYOUT_WIDEN},
    {IDC_RESULT_LABEL, SW_LAYOUT_FIXED},
    {IDC_RESULT_TEXT, SW_LAYOUT_GROW},
    {IDC_RESULT_COPY, SW_LAYOUT_CORNER},
    {IDOK, SW_LAYOUT_CORNER},
};
#define ANCHORED SW_COUNTOF(anchored)

struct result_dialog {
  struct sw_editor *ed;
  const char *title;
  const struct sw_pipe_result *result;
  wchar_t *headline, *report;           /* owned */
  HFONT mono, bold;                     /* owned, at dpi.dpi */
  struct sw_layout_rect base[ANCHORED]; /* client coordinates at the template's size */
  SIZE base_client, min_window;         /* at the template's DPI */
  struct sw_dialog_dpi dpi;
};

/* Builds the texts; on failure they say so instead. */
static void make_texts(struct result_dialog *d)
{
  char headline[sizeof d->result->message + 64];
  sw_check_report_headline(d->result, headline, sizeof headline);
  d->headline = sw_wide_dup(headline);
  struct sw_buf report;
  sw_buf_init(&report, 0);
  if (sw_check_report_text(d->result, &report)) {
    sw_buf_free(&report);
    sw_buf_appends(&report, "The editor ran out of memory while writing the report.");
  }
  d->report = sw_wide_dup(sw_buf_str(&report));
  sw_buf_free(&report);
}

static void init_layout(struct result_dialog *d, HWND hwnd)
{
  RECT client, window;
  GetClientRect(hwnd, &client);
  GetWindowRect(hwnd, &window);
  d->base_client.cx = client.right;
  d->base_client.cy = client.bottom;
  /* It may shrink a little, not so far that the buttons meet the text. */
  d->min_window.cx = (window.right - window.left) * 2 / 3;
  d->min_window.cy = (window.bottom - window.top) * 2 / 3;
  for (size_t i = 0; i < ANCHORED; i++)
    d->base[i] = sw_dialog_dpi_child_rect(hwnd, GetDlgItem(hwnd, anchored[i].id));
}

static void layout(struct result_dialog *d, HWND hwnd, int cx, int cy)
{
  HDWP dwp = BeginDeferWindowPos((int)ANCHORED);
  for (size_t i = 0; i < ANCHORED && dwp; i++) {
    struct sw_layout_rect r =
        sw_layout_anchor(d->base[i], anchored[i].anchor, d->base_client.cx,
                         d->base_client.cy, d->dpi.base_dpi, d->dpi.dpi, cx, cy);
    dwp =
        DeferWindowPos(dwp, GetDlgItem(hwnd, anchored[i].id), NULL, r.left, r.top,
                       r.right - r.left, r.bottom - r.top, SWP_NOZORDER | SWP_NOACTIVATE);
  }
  if (dwp)
    EndDeferWindowPos(dwp);
  InvalidateRect(GetDlgItem(hwnd, IDC_RESULT_HEADLINE), NULL, TRUE);
}

/* The headline's bold and the report's monospace font at the window's
 * DPI, given to their controls (the old ones freed once replaced). */
static void make_fonts(struct result_dialog *d, HWND hwnd)
{
  HFONT bold = NULL, mono;
  LOGFONTW lf;
  HFONT dialog_font = sw_dialog_dpi_font(&d->dpi, hwnd);
  if (dialog_font && GetObjectW(dialog_font, sizeof lf, &lf)) {
    lf.lfWeight = FW_BOLD;
    bold = CreateFontIndirectW(&lf);
  }
  mono =
      CreateFontW(-MulDiv(MONO_POINTS, (int)d->dpi.dpi, 72), 0, 0, 0, FW_NORMAL, FALSE,
                  FALSE, FALSE, DEFAULT_CHARSET, OUT_DEFAULT_PRECIS, CLIP_DEFAULT_PRECIS,
                  CLEARTYPE_QUALITY, FIXED_PITCH | FF_MODERN, L"Consolas");
  /* Out of GDI objects: the control keeps the font it has. */
  if (bold) {
    SendMessageW(GetDlgItem(hwnd, IDC_RESULT_HEADLINE), WM_SETFONT, (WPARAM)bold, TRUE);
    if (d->bold)
      DeleteObject(d->bold);
    d->bold = bold;
  }
  if (mono) {
    SendMessageW(GetDlgItem(hwnd, IDC_RESULT_TEXT), WM_SETFONT, (WPARAM)mono, TRUE);
    if (d->mono)
      DeleteObject(d->mono);
    d->mono = mono;
  }
}

/* The headline and the report as one text on the clipboard. */
static void copy(struct result_dialog *d, HWND hwnd)
{
  const wchar_t *h = d->headline ? d->headline : L"", *r = d->report ? d->report : L"";
  size_t len = wcslen(h) + 4 + wcslen(r);
  HGLOBAL mem = GlobalAlloc(GMEM_MOVEABLE, (len + 1) * sizeof(wchar_t));
  wchar_t *text = mem ? GlobalLock(mem) : NULL;
  if (text) {
    _snwprintf(text, len + 1, L"%ls\r\n\r\n%ls", h, r);
    text[len] = L'\0';
    GlobalUnlock(mem);
  }
  DWORD err = 0;
  if (!text)
    err = ERROR_NOT_ENOUGH_MEMORY;
  else if (!OpenClipboard(hwnd))
    err = GetLastError();
  else {
    EmptyClipboard();
    if (SetClipboardData(CF_UNICODETEXT, mem))
      mem = NULL; /* the clipboard owns it now */
    else
      err = GetLastError();
    CloseClipboard();
  }
  if (mem)
    GlobalFree(mem);
  if (err) {
    char msg[160];
    snprintf(msg, sizeof msg,
             "The report could not be copied to the clipboard (Windows error %lu): "
             "another program may be holding it. Try again.",
             (unsigned long)err);
    sw_editor_message(hwnd, msg, MB_OK | MB_ICONWARNING);
  }
}

static void on_init(struct result_dialog *d, HWND hwnd)
{
  char caption[300];
  snprintf(caption, sizeof caption, "%s - Test result - SMTP Watch",
           d->title ? d->title : "");
  wchar_t *wide = sw_wide_dup(caption);
  if (wide)
    SetWindowTextW(hwnd, wide);
  free(wide);

  make_texts(d);
  sw_dialog_dpi_init(&d->dpi, hwnd);
  make_fonts(d, hwnd);
  HWND headline = GetDlgItem(hwnd, IDC_RESULT_HEADLINE);
  SetWindowTextW(headline, d->headline ? d->headline : L"Out of memory.");

  HWND edit = GetDlgItem(hwnd, IDC_RESULT_TEXT);
  SendMessageW(edit, EM_SETLIMITTEXT, 0, 0); /* a transcript passes 32K */
  SetWindowTextW(edit, d->report ? d->report : L"Out of memory.");
  init_layout(d, hwnd);
  /* Close has the focus: Enter and Esc close (a multi-line edit box with
   * the focus may keep Enter for itself); Alt+D goes to the report. */
  SetFocus(GetDlgItem(hwnd, IDOK));
}

static INT_PTR CALLBACK dialog_proc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
  struct result_dialog *d = (struct result_dialog *)GetWindowLongPtrW(hwnd, DWLP_USER);
  switch (msg) {
  case WM_INITDIALOG:
    d = (struct result_dialog *)lp;
    SetWindowLongPtrW(hwnd, DWLP_USER, (LONG_PTR)d);
    on_init(d, hwnd);
    return FALSE; /* the focus is set */
  case WM_COMMAND:
    switch (LOWORD(wp)) {
    case IDOK:
    case IDCANCEL:
      EndDialog(hwnd, LOWORD(wp));
      return TRUE;
    case IDC_RESULT_COPY:
      if (d)
        copy(d, hwnd);
      return TRUE;
    default:
      break;
    }
    break;
  case WM_SIZE:
    if (d && wp != SIZE_MINIMIZED)
      layout(d, hwnd, LOWORD(lp), HIWORD(lp));
    return TRUE;
  case WM_GETMINMAXINFO:
    if (!d)
      break; /* before WM_INITDIALOG */
    ((MINMAXINFO *)lp)->ptMinTrackSize.x =
        sw_layout_scale(d->min_window.cx, d->dpi.dpi, d->dpi.base_dpi);
    ((MINMAXINFO *)lp)->ptMinTrackSize.y =
        sw_layout_scale(d->min_window.cy, d->dpi.dpi, d->dpi.base_dpi);
    return TRUE;
  case WM_DPICHANGED:
    if (!d)
      break;
    /* The fonts first: the move's WM_SIZE lays out at the new DPI. */
    sw_dialog_dpi_change(&d->dpi, hwnd, HIWORD(wp), (const RECT *)lp);
    make_fonts(d, hwnd);
    {
      RECT client; /* again, if the suggested size was the window's already */
      GetClientRect(hwnd, &client);
      layout(d, hwnd, client.right, client.bottom);
    }
    return TRUE; /* all done here: the dialog manager's scaling is off */
  case WM_CTLCOLORSTATIC:
    if (d && GetDlgCtrlID((HWND)lp) == IDC_RESULT_HEADLINE) {
      struct sw_palette colours;
      sw_editor_palette(&colours);
      enum sw_nagios_status s = d->result->status;
      HDC dc = (HDC)wp;
      SetTextColor(
          dc, colours.status_text[s < SW_NAGIOS_STATUS_COUNT ? s : SW_NAGIOS_UNKNOWN]);
      SetBkColor(dc, colours.face);
      SetDCBrushColor(dc, colours.face);
      return (INT_PTR)GetStockObject(DC_BRUSH);
    }
    break;
  case WM_SYSCOLORCHANGE:
  case WM_SETTINGCHANGE:
  case WM_THEMECHANGED:
    sw_editor_palette_follow(hwnd, msg, wp);
    break;
  default:
    break;
  }
  return FALSE;
}

void sw_check_result_show(HWND owner, struct sw_editor *ed, const char *title,
                          const struct sw_pipe_result *result)
{
  struct result_dialog d = {.ed = ed, .title = title, .result = result};
  INT_PTR r = DialogBoxParamW(ed->instance, MAKEINTRESOURCEW(IDD_CHECK_RESULT), owner,
                              dialog_proc, (LPARAM)&d);
  if (r == -1) {
    char text[200];
    snprintf(text, sizeof text, "The test result could not be shown (Windows error %lu).",
             (unsigned long)GetLastError());
    sw_editor_message(owner, text, MB_OK | MB_ICONERROR);
  }
  free(d.headline);
  free(d.report);
  if (d.mono)
    DeleteObject(d.mono);
  if (d.bold)
    DeleteObject(d.bold);
  sw_dialog_dpi_free(&d.dpi);
}
