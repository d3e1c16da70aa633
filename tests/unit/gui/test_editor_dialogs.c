/* The editor's dialogs in this process, under Wine on a display of their
 * own (tests/integration/gui_unit.py), for what Wine never does by itself:
 *
 * - A move to a monitor at 150 %. Wine never sends WM_DPICHANGED: it is
 *   sent here, with 144 DPI and the rectangle Windows would suggest.
 *   Then the rule dialog's Save and Test (which show the form's problems
 *   and used to put every control back where it was at 100 %), and the
 *   check result dialog's resizing; the controls' positions and fonts are
 *   read back. A move back to 96 DPI lands on the first layout's pixels.
 *   The report window's controls, font and table columns scale too.
 * - High contrast. Wine 8 refuses SPI_SETHIGHCONTRAST, so the editor's
 *   seam (sw_editor_high_contrast, editor_palette.h) turns it on; the
 *   colours the dialogs give their texts (WM_CTLCOLORSTATIC on a memory
 *   DC) and the pixels of the history chart (WM_PRINTCLIENT) are read
 *   back, with it off and on.
 *
 * The dialogs are modal: a thread timer gets control once their modal
 * loop runs, does the steps and records what it saw; the assertions come
 * after the dialog has closed. */
#include <windows.h>
#include <commctrl.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "editor.h"
#include "editor_palette.h"
#include "history_chart_view.h"
#include "report_window.h"
#include "resource.h"
#include "rule_dialog.h"
#include "rule_form.h"

#define NEW_DPI 144

static struct sw_editor ed;
static bool high_contrast_on;

static bool fake_high_contrast(void)
{
  return high_contrast_on;
}

static int scaled(int px)
{
  return MulDiv(px, NEW_DPI, 96);
}

/* A control's rectangle in its dialog's client coordinates. */
static RECT child_rect(HWND dlg, int id)
{
  RECT r = {0};
  GetWindowRect(GetDlgItem(dlg, id), &r);
  MapWindowPoints(NULL, dlg, (POINT *)&r, 2);
  return r;
}

static LONG font_height(HWND control)
{
  LOGFONTW lf = {0};
  HFONT font = (HFONT)SendMessageW(control, WM_GETFONT, 0, 0);
  if (!font || !GetObjectW(font, sizeof lf, &lf))
    return 0;
  return lf.lfHeight;
}

/* What Windows suggests when the window moves to a monitor at `dpi`: the
 * same top left corner, the size scaled. */
static void send_dpi_change(HWND dlg, UINT dpi, UINT from_dpi)
{
  RECT w;
  GetWindowRect(dlg, &w);
  RECT suggested = {w.left, w.top,
                    w.left + MulDiv(w.right - w.left, (int)dpi, (int)from_dpi),
                    w.top + MulDiv(w.bottom - w.top, (int)dpi, (int)from_dpi)};
  SendMessageW(dlg, WM_DPICHANGED, MAKEWPARAM(dpi, dpi), (LPARAM)&suggested);
}

/* The text colour, background colour and brush a dialog gives a static. */
struct static_colours {
  COLORREF text, back;
  bool brush;
};

static struct static_colours static_colours(HWND dlg, int id)
{
  HDC dc = CreateCompatibleDC(NULL);
  SetTextColor(dc, RGB(1, 2, 3)); /* neither the editor's nor the theme's */
  SetBkColor(dc, RGB(4, 5, 6));
  INT_PTR brush =
      SendMessageW(dlg, WM_CTLCOLORSTATIC, (WPARAM)dc, (LPARAM)GetDlgItem(dlg, id));
  struct static_colours c = {GetTextColor(dc), GetBkColor(dc), brush != 0};
  DeleteDC(dc);
  return c;
}

static HWND find_dialog(const wchar_t *title_part)
{
  HWND found = NULL;
  for (HWND w = GetTopWindow(NULL); w && !found; w = GetWindow(w, GW_HWNDNEXT)) {
    wchar_t title[256];
    DWORD pid = 0;
    GetWindowThreadProcessId(w, &pid);
    if (pid == GetCurrentProcessId() && GetWindowTextW(w, title, 256) &&
        wcsstr(title, title_part))
      found = w;
  }
  return found;
}

/* ---- the rule dialog ----------------------------------------------------- */

struct rule_seen {
  bool opened;
  RECT host96, save96, client96;
  LONG font96;
  RECT host_after_save, save_after_save, name_error_after_save, name_after_save;
  bool name_error_shown;
  RECT after_after_save, after_error_after_save; /* the notifications column */
  bool after_error_shown;
  RECT host_after_test, save_after_test;
  LONG font144;
  RECT host_back, save_back; /* after a move back to 96 DPI */
  struct static_colours error_normal, error_contrast;
};
static struct rule_seen rule_seen;

static void CALLBACK drive_rule_dialog(HWND unused, UINT msg, UINT_PTR timer, DWORD now)
{
  (void)unused, (void)msg, (void)now;
  KillTimer(NULL, timer);
  struct rule_seen *s = &rule_seen;
  HWND dlg = find_dialog(L"Rule - SMTP Watch");
  if (!dlg)
    return; /* the test fails on s->opened */
  s->opened = true;
  s->host96 = child_rect(dlg, IDC_RULE_HOST);
  s->save96 = child_rect(dlg, IDOK);
  GetClientRect(dlg, &s->client96);
  s->font96 = font_height(GetDlgItem(dlg, IDC_RULE_HOST));

  send_dpi_change(dlg, NEW_DPI, 96);
  s->font144 = font_height(GetDlgItem(dlg, IDC_RULE_HOST));
  /* Save with a new rule's empty name and host, and a wait of "x" in the
   * notifications column: the form's problems are shown under their
   * fields, and the dialog lays itself out again. */
  SetDlgItemTextW(dlg, IDC_RULE_AFTER, L"x");
  SendMessageW(dlg, WM_COMMAND, MAKEWPARAM(IDOK, BN_CLICKED), 0);
  s->after_after_save = child_rect(dlg, IDC_RULE_AFTER);
  s->after_error_after_save = child_rect(dlg, IDC_RULE_AFTER_ERROR);
  s->after_error_shown =
      (GetWindowLongW(GetDlgItem(dlg, IDC_RULE_AFTER_ERROR), GWL_STYLE) & WS_VISIBLE) !=
      0;
  s->host_after_save = child_rect(dlg, IDC_RULE_HOST);
  s->save_after_save = child_rect(dlg, IDOK);
  s->name_after_save = child_rect(dlg, IDC_RULE_NAME);
  s->name_error_after_save = child_rect(dlg, IDC_RULE_NAME_ERROR);
  s->name_error_shown =
      (GetWindowLongW(GetDlgItem(dlg, IDC_RULE_NAME_ERROR), GWL_STYLE) & WS_VISIBLE) != 0;
  SendMessageW(dlg, WM_COMMAND, MAKEWPARAM(IDC_RULE_TEST, BN_CLICKED), 0);
  s->host_after_test = child_rect(dlg, IDC_RULE_HOST);
  s->save_after_test = child_rect(dlg, IDOK);

  high_contrast_on = false;
  s->error_normal = static_colours(dlg, IDC_RULE_NAME_ERROR);
  high_contrast_on = true;
  s->error_contrast = static_colours(dlg, IDC_RULE_NAME_ERROR);
  high_contrast_on = false;

  send_dpi_change(dlg, 96, NEW_DPI);
  s->host_back = child_rect(dlg, IDC_RULE_HOST);
  s->save_back = child_rect(dlg, IDOK);
  SendMessageW(dlg, WM_COMMAND, MAKEWPARAM(IDCANCEL, BN_CLICKED), 0);
}

static void rule_dialog_keeps_a_new_dpi_through_save_and_test(void **state)
{
  (void)state;
  SetTimer(NULL, 0, 10, drive_rule_dialog);
  assert_false(sw_rule_dialog_show(NULL, &ed, 0));
  const struct rule_seen *s = &rule_seen;
  assert_true(s->opened);

  /* The font at 150 %. */
  assert_true(s->font96 != 0);
  assert_int_equal(s->font144, MulDiv(s->font96, NEW_DPI, 96));
  /* After Save, across: the host field where 150 % puts it, as wide (it
   * was back at its 100 % place and width before the fix). */
  assert_int_equal(s->host_after_save.left, scaled(s->host96.left));
  assert_int_equal(s->host_after_save.right, scaled(s->host96.right));
  assert_int_equal(s->save_after_save.left, scaled(s->save96.left));
  assert_int_equal(s->save_after_save.right, scaled(s->save96.right));
  /* And down: the name's error is shown under the name field, and Save
   * is lower than at 150 % without errors by at least that error. */
  assert_true(s->name_error_shown);
  assert_true(s->name_error_after_save.top >= s->name_after_save.bottom);
  int error_h = s->name_error_after_save.bottom - s->name_error_after_save.top;
  assert_true(error_h > 0);
  assert_true(s->save_after_save.top >= scaled(s->save96.top) + error_h);
  /* The notifications column's error too, under its field. */
  assert_true(s->after_error_shown);
  assert_true(s->after_error_after_save.top >= s->after_after_save.bottom);
  assert_true(s->after_error_after_save.bottom > s->after_error_after_save.top);
  assert_int_equal(s->save_after_save.bottom - s->save_after_save.top,
                   scaled(s->save96.bottom) - scaled(s->save96.top));
  /* Test shows the same problems: the same layout, still at 150 %. */
  assert_memory_equal(&s->host_after_test, &s->host_after_save, sizeof(RECT));
  assert_memory_equal(&s->save_after_test, &s->save_after_save, sizeof(RECT));
  /* Back at 100 %: the first layout's columns to the pixel. */
  assert_int_equal(s->host_back.left, s->host96.left);
  assert_int_equal(s->host_back.right, s->host96.right);
  assert_int_equal(s->save_back.left, s->save96.left);
  assert_int_equal(s->save_back.right, s->save96.right);
}

static void rule_dialog_errors_take_the_themes_colours_in_high_contrast(void **state)
{
  (void)state;
  /* Set by the previous test's run of the dialog. */
  const struct rule_seen *s = &rule_seen;
  assert_true(s->opened);
  assert_true(s->error_normal.brush);
  assert_int_equal(s->error_normal.text, RGB(192, 0, 0));
  assert_int_equal(s->error_normal.back, GetSysColor(COLOR_BTNFACE));
  assert_true(s->error_contrast.brush);
  assert_int_equal(s->error_contrast.text, GetSysColor(COLOR_BTNTEXT));
  assert_int_equal(s->error_contrast.back, GetSysColor(COLOR_BTNFACE));
}

/* ---- the rule dialog's middle column: beyond the handshake ---------------- */

struct past_seen {
  bool opened;
  SIZE window96, window144; /* the dialog's outer size */
  bool password_box[2];     /* ES_PASSWORD */
  bool before[6], after[6]; /* enabled: password, mechanism, plain text,
                               OAuth URL, relay recipient, remove */
  LRESULT mechanisms, families;
  bool password_error_shown;
  wchar_t password_error[300], note[100];
  wchar_t password_after_save[40];
  bool drift_checked; /* a new rule's default, not the template's */
};
static struct past_seen past_seen;

static bool enabled(HWND dlg, int id)
{
  return IsWindowEnabled(GetDlgItem(dlg, id)) != 0;
}

static void note_enabled(HWND dlg, bool out[6])
{
  static const int ids[6] = {IDC_RULE_AUTH_PASSWORD,  IDC_RULE_AUTH_MECH,
                             IDC_RULE_AUTH_PLAINTEXT, IDC_RULE_OAUTH_URL,
                             IDC_RULE_RELAY_RCPT,     IDC_RULE_AUTH_PASSWORD_REMOVE};
  for (int i = 0; i < 6; i++)
    out[i] = enabled(dlg, ids[i]);
}

static SIZE window_size(HWND dlg)
{
  RECT w;
  GetWindowRect(dlg, &w);
  return (SIZE){w.right - w.left, w.bottom - w.top};
}

static void CALLBACK drive_past_column(HWND unused, UINT msg, UINT_PTR timer, DWORD now)
{
  (void)unused, (void)msg, (void)now;
  KillTimer(NULL, timer);
  struct past_seen *s = &past_seen;
  HWND dlg = find_dialog(L"Rule - SMTP Watch");
  if (!dlg)
    return;
  s->opened = true;
  s->window96 = window_size(dlg);
  s->password_box[0] =
      (GetWindowLongW(GetDlgItem(dlg, IDC_RULE_AUTH_PASSWORD), GWL_STYLE) &
       ES_PASSWORD) != 0;
  s->password_box[1] =
      (GetWindowLongW(GetDlgItem(dlg, IDC_RULE_OAUTH_SECRET), GWL_STYLE) & ES_PASSWORD) !=
      0;
  s->mechanisms = SendDlgItemMessageW(dlg, IDC_RULE_AUTH_MECH, CB_GETCOUNT, 0, 0);
  s->families = SendDlgItemMessageW(dlg, IDC_RULE_IP_FAMILY, CB_GETCOUNT, 0, 0);
  GetDlgItemTextW(dlg, IDC_RULE_AUTH_PASSWORD_NOTE, s->note, 100);
  s->drift_checked = IsDlgButtonChecked(dlg, IDC_RULE_DRIFT) == BST_CHECKED;
  note_enabled(dlg, s->before);
  /* A user typed (the edit tells the dialog, EN_CHANGE), the relay test
   * checked as a click does. */
  SetDlgItemTextW(dlg, IDC_RULE_AUTH_USER, L"monitor");
  CheckDlgButton(dlg, IDC_RULE_RELAY_TEST, BST_CHECKED);
  SendMessageW(dlg, WM_COMMAND, MAKEWPARAM(IDC_RULE_RELAY_TEST, BN_CLICKED),
               (LPARAM)GetDlgItem(dlg, IDC_RULE_RELAY_TEST));
  note_enabled(dlg, s->after);
  /* Save without a password: the shared validator's sentence under it. */
  SetDlgItemTextW(dlg, IDC_RULE_NAME, L"Auth");
  SetDlgItemTextW(dlg, IDC_RULE_HOST, L"127.0.0.1");
  SendMessageW(dlg, WM_COMMAND, MAKEWPARAM(IDOK, BN_CLICKED), 0);
  s->password_error_shown =
      (GetWindowLongW(GetDlgItem(dlg, IDC_RULE_AUTH_PASSWORD_ERROR), GWL_STYLE) &
       WS_VISIBLE) != 0;
  GetDlgItemTextW(dlg, IDC_RULE_AUTH_PASSWORD_ERROR, s->password_error, 300);
  /* With one: the form takes it (no service here: nothing is sent), and
   * the box keeps what the user typed for a second try. */
  SetDlgItemTextW(dlg, IDC_RULE_AUTH_PASSWORD, L"pw");
  SendMessageW(dlg, WM_COMMAND, MAKEWPARAM(IDOK, BN_CLICKED), 0);
  GetDlgItemTextW(dlg, IDC_RULE_AUTH_PASSWORD, s->password_after_save, 40);
  send_dpi_change(dlg, NEW_DPI, 96);
  s->window144 = window_size(dlg);
  SendMessageW(dlg, WM_COMMAND, MAKEWPARAM(IDCANCEL, BN_CLICKED), 0);
}

static void rule_dialog_past_column_greys_and_takes_a_password(void **state)
{
  (void)state;
  SetTimer(NULL, 0, 10, drive_past_column);
  assert_false(sw_rule_dialog_show(NULL, &ed, 0));
  const struct past_seen *s = &past_seen;
  assert_true(s->opened);
  assert_true(s->password_box[0]);
  assert_true(s->password_box[1]);
  assert_int_equal(s->mechanisms, SW_AUTH_MECH_COUNT);
  assert_int_equal(s->families, SW_IP_FAMILY_COUNT);
  assert_true(wcscmp(s->note, L"Stored: not set") == 0);
  assert_true(s->drift_checked);
  /* Nothing of AUTH but the user, no relay recipient, nothing to remove. */
  for (int i = 0; i < 6; i++)
    assert_false(s->before[i]);
  /* With a user: password, mechanism, plain text; OAuth only with
   * XOAUTH2 (the mechanism is automatic); the relay recipient with the
   * relay test; still nothing stored to remove. */
  assert_true(s->after[0]);
  assert_true(s->after[1]);
  assert_true(s->after[2]);
  assert_false(s->after[3]);
  assert_true(s->after[4]);
  assert_false(s->after[5]);
  assert_true(s->password_error_shown);
  assert_true(wcscmp(s->password_error,
                     L"AUTH password is required with an AUTH user (it "
                     L"is kept encrypted and never shown back).") == 0);
  assert_true(wcscmp(s->password_after_save, L"pw") == 0);
  /* The three columns fit a 1366 x 768 screen at 100 % and a 1920 x 1080
   * one at 150 % (the taskbar takes 40 pixels, 60 at 150 %). */
  assert_true(s->window96.cx <= 1366 && s->window96.cy <= 768 - 40);
  assert_true(s->window144.cx <= 1920 && s->window144.cy <= 1080 - 60);
}

/* ---- the check result dialog ---------------------------------------------- */

struct result_seen {
  bool opened;
  RECT client96, report96, close96, client144, report144, close144;
  RECT client_resized, report_resized, close_resized;
  LONG mono96, mono144, bold96, bold144, label96, label144;
  POINT min96, min144;
  struct static_colours headline_normal, headline_contrast;
};
static struct result_seen result_seen;

static POINT min_track(HWND dlg)
{
  MINMAXINFO mm = {0};
  SendMessageW(dlg, WM_GETMINMAXINFO, 0, (LPARAM)&mm);
  return mm.ptMinTrackSize;
}

static void CALLBACK drive_result_dialog(HWND unused, UINT msg, UINT_PTR timer, DWORD now)
{
  (void)unused, (void)msg, (void)now;
  KillTimer(NULL, timer);
  struct result_seen *s = &result_seen;
  HWND dlg = find_dialog(L"Test result - SMTP Watch");
  if (!dlg)
    return;
  s->opened = true;
  GetClientRect(dlg, &s->client96);
  s->report96 = child_rect(dlg, IDC_RESULT_TEXT);
  s->close96 = child_rect(dlg, IDOK);
  s->mono96 = font_height(GetDlgItem(dlg, IDC_RESULT_TEXT));
  s->bold96 = font_height(GetDlgItem(dlg, IDC_RESULT_HEADLINE));
  s->label96 = font_height(GetDlgItem(dlg, IDC_RESULT_LABEL));
  s->min96 = min_track(dlg);

  send_dpi_change(dlg, NEW_DPI, 96);
  GetClientRect(dlg, &s->client144);
  s->report144 = child_rect(dlg, IDC_RESULT_TEXT);
  s->close144 = child_rect(dlg, IDOK);
  s->mono144 = font_height(GetDlgItem(dlg, IDC_RESULT_TEXT));
  s->bold144 = font_height(GetDlgItem(dlg, IDC_RESULT_HEADLINE));
  s->label144 = font_height(GetDlgItem(dlg, IDC_RESULT_LABEL));
  s->min144 = min_track(dlg);

  /* The user makes it smaller (larger would pass the 1024 x 768 screen):
   * the report shrinks, Close stays in the corner. */
  RECT w;
  GetWindowRect(dlg, &w);
  SetWindowPos(dlg, NULL, 0, 0, w.right - w.left - 100, w.bottom - w.top - 60,
               SWP_NOMOVE | SWP_NOZORDER | SWP_NOACTIVATE);
  GetClientRect(dlg, &s->client_resized);
  s->report_resized = child_rect(dlg, IDC_RESULT_TEXT);
  s->close_resized = child_rect(dlg, IDOK);

  high_contrast_on = false;
  s->headline_normal = static_colours(dlg, IDC_RESULT_HEADLINE);
  high_contrast_on = true;
  s->headline_contrast = static_colours(dlg, IDC_RESULT_HEADLINE);
  high_contrast_on = false;
  SendMessageW(dlg, WM_COMMAND, MAKEWPARAM(IDOK, BN_CLICKED), 0);
}

static void result_dialog_follows_a_new_dpi(void **state)
{
  (void)state;
  struct sw_pipe_result *r = calloc(1, sizeof *r);
  assert_non_null(r);
  sw_pipe_result_init(r);
  r->status = SW_NAGIOS_CRITICAL;
  snprintf(r->message, sizeof r->message, "Connection refused");
  SetTimer(NULL, 0, 10, drive_result_dialog);
  sw_check_result_show(NULL, &ed, "Relay", r);
  sw_pipe_result_free(r);
  free(r);
  const struct result_seen *s = &result_seen;
  assert_true(s->opened);

  /* Fonts: the report's 9 pt at 144 DPI, the others scaled. */
  assert_int_equal(s->mono96, -MulDiv(9, 96, 72));
  assert_int_equal(s->mono144, -MulDiv(9, NEW_DPI, 72));
  assert_int_equal(s->bold144, MulDiv(s->bold96, NEW_DPI, 96));
  assert_int_equal(s->label144, MulDiv(s->label96, NEW_DPI, 96));
  /* Margins and sizes scaled, anchored to the client area Wine gives the
   * suggested window (its frame does not scale). */
  assert_int_equal(s->report144.left, scaled(s->report96.left));
  assert_int_equal(s->report144.top, scaled(s->report96.top));
  assert_int_equal(s->client144.right - s->report144.right,
                   scaled(s->client96.right) - scaled(s->report96.right));
  assert_int_equal(s->close144.right - s->close144.left,
                   scaled(s->close96.right) - scaled(s->close96.left));
  assert_int_equal(s->client144.right - s->close144.right,
                   scaled(s->client96.right) - scaled(s->close96.right));
  assert_int_equal(s->client144.bottom - s->close144.bottom,
                   scaled(s->client96.bottom) - scaled(s->close96.bottom));
  /* The minimum size too. */
  assert_int_equal(s->min144.x, MulDiv(s->min96.x, NEW_DPI, 96));
  assert_int_equal(s->min144.y, MulDiv(s->min96.y, NEW_DPI, 96));
  /* Resized by hand: still 150 % margins, the report takes the rest. */
  assert_int_equal(s->client144.right - s->client_resized.right, 100);
  assert_int_equal(s->report_resized.left, s->report144.left);
  assert_int_equal(s->report144.right - s->report_resized.right, 100);
  assert_int_equal(s->report144.bottom - s->report_resized.bottom, 60);
  assert_int_equal(s->close144.left - s->close_resized.left, 100);
  assert_int_equal(s->close_resized.right - s->close_resized.left,
                   s->close144.right - s->close144.left);
}

static void result_headline_takes_the_themes_colours_in_high_contrast(void **state)
{
  (void)state;
  const struct result_seen *s = &result_seen;
  assert_true(s->opened);
  assert_int_equal(s->headline_normal.text, RGB(192, 0, 0)); /* CRITICAL */
  assert_int_equal(s->headline_contrast.text, GetSysColor(COLOR_BTNTEXT));
  assert_int_equal(s->headline_contrast.back, GetSysColor(COLOR_BTNFACE));
  assert_true(s->headline_contrast.brush);
}

/* ---- the history chart --------------------------------------------------- */

struct pixels {
  size_t red, pink, blue, hotlight, total;
  COLORREF corner; /* inside the frame */
};

/* The chart with successes and failures, painted into a bitmap. */
static struct pixels chart_pixels(void)
{
  struct sw_history_sample samples[24];
  for (int i = 0; i < 24; i++)
    samples[i] = (struct sw_history_sample){.at_ms = 1767225600000 + i * 300000LL,
                                            .response_us = 40000 + i * 1000,
                                            .failed = i % 5 == 0};
  HWND chart = CreateWindowExW(0, SW_HISTORY_CHART_CLASS, L"", WS_POPUP, 0, 0, 480, 300,
                               NULL, NULL, ed.instance, NULL);
  struct pixels p = {0};
  if (!chart)
    return p;
  sw_history_chart_view_set(chart, samples, 24, NULL, NULL);
  HDC screen = GetDC(NULL);
  HDC dc = CreateCompatibleDC(screen);
  HBITMAP bitmap = CreateCompatibleBitmap(screen, 480, 300);
  HGDIOBJ old = SelectObject(dc, bitmap);
  SendMessageW(chart, WM_PRINTCLIENT, (WPARAM)dc, PRF_CLIENT);
  COLORREF hot = GetSysColor(COLOR_HOTLIGHT);
  for (int y = 0; y < 300; y++) {
    for (int x = 0; x < 480; x++) {
      COLORREF c = GetPixel(dc, x, y);
      p.total++;
      p.red += c == RGB(204, 0, 0);
      p.pink += c == RGB(253, 234, 234);
      p.blue += c == RGB(0, 102, 204);
      p.hotlight += c == hot;
    }
  }
  p.corner = GetPixel(dc, 2, 2);
  SelectObject(dc, old);
  DeleteObject(bitmap);
  DeleteDC(dc);
  ReleaseDC(NULL, screen);
  DestroyWindow(chart);
  return p;
}

static void chart_takes_the_themes_colours_in_high_contrast(void **state)
{
  (void)state;
  assert_true(sw_history_chart_view_register(ed.instance));
  high_contrast_on = false;
  struct pixels normal = chart_pixels();
  high_contrast_on = true;
  struct pixels contrast = chart_pixels();
  high_contrast_on = false;
  assert_int_equal(normal.total, 480 * 300);
  /* Normally: red crosses, the pink failure lane, the blue line. */
  assert_true(normal.red > 0);
  assert_true(normal.pink > 0);
  assert_true(normal.blue > 0);
  assert_int_equal(normal.corner, GetSysColor(COLOR_WINDOW));
  /* In high contrast: none of them; the line in the theme's link colour. */
  assert_int_equal(contrast.total, 480 * 300);
  assert_int_equal(contrast.red, 0);
  assert_int_equal(contrast.pink, 0);
  assert_int_equal(contrast.blue, 0);
  assert_true(contrast.hotlight > 0);
  assert_int_equal(contrast.corner, GetSysColor(COLOR_WINDOW));
}

/* ---- the report window ------------------------------------------------------ */

/* What the report window shows at 96 DPI ([0]) and at NEW_DPI ([1]). */
struct report_seen {
  bool opened;
  RECT rules[2], save[2];
  int column[2];
  LONG font[2];
};
static struct report_seen report_seen;

static void record_report(HWND dlg, int at)
{
  report_seen.rules[at] = child_rect(dlg, IDC_REPORT_RULES);
  report_seen.save[at] = child_rect(dlg, IDC_REPORT_SAVE);
  report_seen.column[at] =
      (int)SendDlgItemMessageW(dlg, IDC_REPORT_RULES, LVM_GETCOLUMNWIDTH, 0, 0);
  report_seen.font[at] = font_height(GetDlgItem(dlg, IDC_REPORT_SAVE));
}

static void CALLBACK drive_report_window(HWND unused, UINT msg, UINT_PTR timer, DWORD now)
{
  (void)unused, (void)msg, (void)now;
  KillTimer(NULL, timer);
  HWND dlg = find_dialog(L"Availability report - SMTP Watch");
  report_seen.opened = dlg != NULL;
  if (dlg) {
    record_report(dlg, 0);
    send_dpi_change(dlg, NEW_DPI, 96);
    record_report(dlg, 1);
    SendMessageW(dlg, WM_COMMAND, MAKEWPARAM(IDCANCEL, BN_CLICKED), 0);
  }
}

/* The report window places its controls, fonts and the table's columns
 * again at 150 % (its request goes to a pipe nobody serves). */
static void report_window_follows_a_new_dpi(void **state)
{
  (void)state;
  ed.service = sw_service_start_on(NULL, L"\\.\\pipe\\SmtpWatch-test-nobody");
  assert_non_null(ed.service);
  SetTimer(NULL, 0, 10, drive_report_window);
  sw_report_window_show(NULL, &ed);
  sw_service_stop(ed.service);
  ed.service = NULL;
  const struct report_seen *s = &report_seen;
  assert_true(s->opened);
  assert_int_equal(s->rules[1].left, scaled(s->rules[0].left));
  assert_int_equal(s->rules[1].top, scaled(s->rules[0].top));
  assert_int_equal(s->rules[1].right, scaled(s->rules[0].right));
  assert_int_equal(s->rules[1].bottom, scaled(s->rules[0].bottom));
  assert_int_equal(s->save[1].left, scaled(s->save[0].left));
  assert_int_equal(s->save[1].bottom, scaled(s->save[0].bottom));
  assert_int_equal(s->column[1], scaled(s->column[0]));
  assert_int_equal(s->font[1], MulDiv(s->font[0], NEW_DPI, 96));
}

int main(void)
{
  ed.instance = GetModuleHandleW(NULL);
  sw_editor_high_contrast = fake_high_contrast;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rule_dialog_keeps_a_new_dpi_through_save_and_test),
      cmocka_unit_test(rule_dialog_errors_take_the_themes_colours_in_high_contrast),
      cmocka_unit_test(rule_dialog_past_column_greys_and_takes_a_password),
      cmocka_unit_test(result_dialog_follows_a_new_dpi),
      cmocka_unit_test(result_headline_takes_the_themes_colours_in_high_contrast),
      cmocka_unit_test(chart_takes_the_themes_colours_in_high_contrast),
      cmocka_unit_test(report_window_follows_a_new_dpi),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
