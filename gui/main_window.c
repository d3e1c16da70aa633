/* The editor's main window (main_window.h): the window, its layout, the
 * status bar and the list's refresh. The window procedure only routes:
 * the rule list's ListView is main_list.c (what a row shows and how the
 * list sorts is model/rule_rows), the sentences are model/main_text, what
 * the commands do is main_actions.c, the state icons are state_icons.c,
 * what the editor's read-only mode allows is model/access_mode
 * (sw__main_apply_mode shows it: a banner, greyed buttons, a key table
 * without the keys that change a rule, "Read-only" in the status bar). */
#include "main_window.h"
#include "main_window_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "clock.h"
#include "dialog_dpi.h"
#include "editor_palette.h"
#include "pipe_protocol.h"
#include "resource.h"
#include "state_icons.h"
#include "sw_macros.h"
#include "ui_timings.h"

#define REFRESH_TIMER 1
#define REFRESH_S 5u
#define UPTIME_TIMER 2                 /* the availability columns: SW_MAIN_UPTIME_S */
#define WM_MAIN_RELAYOUT (WM_APP + 20) /* after the dialog manager's DPI change */
#define WM_MAIN_START (WM_APP + 21)    /* the first refresh, once the worker runs */

/* The buttons' places in dialog units: a column on the right, gaps
 * between the groups. */
static const struct {
  int id, top;
} buttons[] = {
    {IDC_MAIN_ADD, 0},     {IDC_MAIN_EDIT, 18},    {IDC_MAIN_DELETE, 36},
    {IDC_MAIN_ENABLE, 54}, {IDC_MAIN_TEST, 78},    {IDC_MAIN_HISTORY, 96},
    {IDC_MAIN_ACK, 120},   {IDC_MAIN_ACCEPT, 138}, {IDC_MAIN_REFRESH, 162},
};
#define MARGIN_DLU 7
#define BUTTON_W_DLU 64
#define BUTTON_H_DLU 14
#define LABEL_H_DLU 8
#define FILTER_H_DLU 12       /* the filter box's height */
#define FILTER_LABEL_W_DLU 30 /* "Filter:" */
#define BANNER_H_DLU 20
#define MODE_PART_W 90 /* the status bar's "Read-only", in pixels at 96 DPI */
#define MIN_W_DLU 300
#define MIN_H_DLU 200

/* ---- small helpers -------------------------------------------------------- */

static UINT window_dpi(HWND hwnd)
{
  typedef UINT(WINAPI * dpi_fn)(HWND);
  static dpi_fn get_dpi;
  static bool looked;
  if (!looked) {
    looked = true;
    get_dpi = (dpi_fn)(void *)GetProcAddress(GetModuleHandleW(L"user32.dll"),
                                             "GetDpiForWindow");
  }
  UINT dpi = get_dpi ? get_dpi(hwnd) : 0;
  if (dpi == 0) {
    HDC dc = GetDC(hwnd);
    dpi = dc ? (UINT)GetDeviceCaps(dc, LOGPIXELSY) : 96;
    if (dc)
      ReleaseDC(hwnd, dc);
  }
  return dpi ? dpi : 96;
}

static int scale(const struct sw_main_window *w, int px96)
{
  return MulDiv(px96, (int)w->dpi, 96);
}

static void set_wide_text(HWND hwnd, const char *utf8)
{
  wchar_t *wide = sw_wide_dup(utf8);
  SetWindowTextW(hwnd, wide ? wide : L"");
  free(wide);
}

static void set_status_part(struct sw_main_window *w, int part, const char *utf8)
{
  wchar_t *wide = sw_wide_dup(utf8);
  SendMessageW(w->status, SB_SETTEXTW, (WPARAM)part, (LPARAM)(wide ? wide : L""));
  free(wide);
}

static void make_icons(struct sw_main_window *w)
{
  HIMAGELIST list = sw_state_icons_create(scale(w, 16));
  if (!list)
    return; /* no icons: the state's text is still there */
  SendMessageW(w->list, LVM_SETIMAGELIST, LVSIL_SMALL, (LPARAM)list);
  if (w->icons)
    ImageList_Destroy(w->icons);
  w->icons = list;
}

/* ---- layout ----------------------------------------------------------------- */

static RECT dlu(HWND hwnd, int left, int top, int right, int bottom)
{
  RECT r = {left, top, right, bottom};
  MapDialogRect(hwnd, &r);
  return r;
}

static void layout(struct sw_main_window *w)
{
  RECT client;
  GetClientRect(w->hwnd, &client);
  SendMessageW(w->status, WM_SIZE, 0, 0);
  RECT sb;
  GetWindowRect(w->status, &sb);
  int status_h = sb.bottom - sb.top;
  bool read_only = w->ed->mode.read_only;
  int mode_w = read_only ? scale(w, MODE_PART_W) : 0;
  int parts[4] = {client.right - mode_w - scale(w, 420),
                  client.right - mode_w - scale(w, 150), client.right - mode_w, -1};
  if (parts[0] < scale(w, 100))
    parts[0] = scale(w, 100);
  if (parts[1] < parts[0])
    parts[1] = parts[0];
  if (parts[2] < parts[1])
    parts[2] = parts[1];
  if (!read_only)
    parts[2] = -1;
  SendMessageW(w->status, SB_SETPARTS, read_only ? 4 : 3, (LPARAM)parts);

  RECT m = dlu(w->hwnd, MARGIN_DLU, MARGIN_DLU, BUTTON_W_DLU, BUTTON_H_DLU);
  int margin_x = m.left, margin_y = m.top, bw = m.right, bh = m.bottom;
  RECT heights = dlu(w->hwnd, FILTER_LABEL_W_DLU, LABEL_H_DLU, 0, BANNER_H_DLU);
  int label_h = heights.top, banner_h = heights.bottom, filter_label_w = heights.left;
  int filter_h = dlu(w->hwnd, 0, FILTER_H_DLU, 0, 0).top;
  int bx = client.right - margin_x - bw;
  /* The filter box, the label, then the banner (while the list is stale),
   * then the list; the buttons start level with the list's usual top and
   * stay there. */
  int label_top = margin_y + filter_h + margin_y / 2;
  int content_top = label_top + label_h + margin_y / 2;
  int list_top = content_top, list_right = bx - margin_x;
  int bottom = client.bottom - status_h - margin_y;
  HDWP dwp = BeginDeferWindowPos(6 + (int)SW_COUNTOF(buttons));
  dwp = DeferWindowPos(dwp, GetDlgItem(w->hwnd, IDC_MAIN_FILTER_LABEL), NULL, margin_x,
                       margin_y + (filter_h - label_h) / 2, filter_label_w, label_h,
                       SWP_NOZORDER | SWP_NOACTIVATE);
  dwp = DeferWindowPos(dwp, GetDlgItem(w->hwnd, IDC_MAIN_FILTER), NULL,
                       margin_x + filter_label_w, margin_y,
                       list_right - margin_x - filter_label_w, filter_h,
                       SWP_NOZORDER | SWP_NOACTIVATE);
  dwp = DeferWindowPos(dwp, GetDlgItem(w->hwnd, IDC_MAIN_LIST_LABEL), NULL, margin_x,
                       label_top, list_right - margin_x, label_h,
                       SWP_NOZORDER | SWP_NOACTIVATE);
  if (read_only) { /* the mode first: it lasts, the service's absence may not */
    dwp = DeferWindowPos(dwp, w->mode_banner, NULL, margin_x, list_top,
                         list_right - margin_x, banner_h, SWP_NOZORDER | SWP_NOACTIVATE);
    list_top += banner_h + margin_y / 2;
  }
  if (w->stale) {
    dwp = DeferWindowPos(dwp, w->banner, NULL, margin_x, list_top, list_right - margin_x,
                         banner_h, SWP_NOZORDER | SWP_NOACTIVATE);
    list_top += banner_h + margin_y / 2;
  }
  dwp = DeferWindowPos(dwp, w->list, NULL, margin_x, list_top, list_right - margin_x,
                       bottom - list_top, SWP_NOZORDER | SWP_NOACTIVATE);
  for (size_t i = 0; i < SW_COUNTOF(buttons); i++) {
    RECT top = dlu(w->hwnd, 0, buttons[i].top, 0, 0);
    dwp = DeferWindowPos(dwp, GetDlgItem(w->hwnd, buttons[i].id), NULL, bx,
                         content_top + top.top, bw, bh, SWP_NOZORDER | SWP_NOACTIVATE);
  }
  if (dwp)
    EndDeferWindowPos(dwp);
  ShowWindow(w->banner, w->stale ? SW_SHOWNA : SW_HIDE);
  ShowWindow(w->mode_banner, read_only ? SW_SHOWNA : SW_HIDE);
}

static void min_size(struct sw_main_window *w, MINMAXINFO *mmi)
{
  RECT r = dlu(w->hwnd, 0, 0, MIN_W_DLU, MIN_H_DLU);
  AdjustWindowRectEx(&r, (DWORD)GetWindowLongPtrW(w->hwnd, GWL_STYLE), FALSE,
                     (DWORD)GetWindowLongPtrW(w->hwnd, GWL_EXSTYLE));
  mmi->ptMinTrackSize.x = r.right - r.left;
  mmi->ptMinTrackSize.y = r.bottom - r.top;
}

/* ---- what the window shows ------------------------------------------------ */

/* A command is on if the mode allows it and, but for Add and Refresh, a
 * rule is selected; Acknowledge only for a rule it can act on, and it
 * reads "Unacknowledge" for an acknowledged one; Accept changes only for
 * a rule whose server changed (docs/drift.md). */
static bool command_on(struct sw_main_window *w, int id)
{
  const struct sw_rule_row *s = sw__main_selected(w);
  bool on_selection = id != IDC_MAIN_ADD && id != IDC_MAIN_REFRESH;
  if (id == IDC_MAIN_ACK && sw_rule_rows_ack_action(s) == SW_RULE_ACK_NONE)
    return false;
  if (id == IDC_MAIN_ACCEPT && !(s && s->drifted))
    return false;
  return (s || !on_selection) && sw__main_allowed(w, id);
}

static void show_ack_wording(struct sw_main_window *w)
{
  bool unack = sw_rule_rows_ack_action(sw__main_selected(w)) == SW_RULE_ACK_UNACK;
  const wchar_t *text = unack ? L"Unac&knowledge" : L"Ac&knowledge...";
  wchar_t now[32];
  if (GetDlgItemTextW(w->hwnd, IDC_MAIN_ACK, now, SW_COUNTOF(now)) && !wcscmp(now, text))
    return; /* every refresh comes here: no repaint for nothing */
  SetDlgItemTextW(w->hwnd, IDC_MAIN_ACK, text);
  HMENU menu = GetMenu(w->hwnd);
  if (menu)
    ModifyMenuW(menu, IDC_MAIN_ACK, MF_BYCOMMAND | MF_STRING, IDC_MAIN_ACK,
                unack ? L"Unac&knowledge\tCtrl+K" : L"Ac&knowledge...\tCtrl+K");
}

void sw__main_update_buttons(struct sw_main_window *w)
{
  HWND focus = GetFocus();
  HMENU menu = GetMenu(w->hwnd);
  show_ack_wording(w);
  for (size_t i = 0; i < SW_COUNTOF(buttons); i++) {
    int id = buttons[i].id;
    bool on = command_on(w, id);
    HWND b = GetDlgItem(w->hwnd, id);
    /* A button about to be disabled must not keep the focus: the keyboard
     * would have nowhere to go. */
    if (!on && b == focus)
      SendMessageW(w->hwnd, WM_NEXTDLGCTL, (WPARAM)w->list, TRUE);
    EnableWindow(b, on);
    if (menu) /* the menu's items are the buttons' commands */
      EnableMenuItem(menu, (UINT)id, MF_BYCOMMAND | (on ? MF_ENABLED : MF_GRAYED));
  }
}

void sw__main_update_status(struct sw_main_window *w)
{
  char text[512];
  if (w->ed->service)
    sw_service_state_text(w->ed->service, text, sizeof text);
  else
    snprintf(text, sizeof text, "Starting...");
  set_status_part(w, 0, text);
  if (w->filter_why[0]) /* what to fix in the filter box comes first */
    snprintf(text, sizeof text, "%s", w->filter_why);
  else
    sw_rule_rows_summary(&w->rows, text, sizeof text);
  set_status_part(w, 1, text);
  if (w->tests_running)
    snprintf(text, sizeof text, "Testing \"%s\"...", w->testing);
  else
    sw_main_text_updated(w->updated_at, text, sizeof text);
  set_status_part(w, 2, text);
  if (w->ed->mode.read_only)
    set_status_part(w, 3, sw_access_mode_status(w->ed->mode));
  if (w->stale) {
    sw_main_text_banner(w->stale_why, w->updated_at, REFRESH_S, text, sizeof text);
    set_wide_text(w->banner, text);
  }
}

void sw__main_apply_mode(struct sw_main_window *w)
{
  struct sw_access_mode mode = w->ed->mode;
  w->ed->accel = LoadAcceleratorsW(
      w->ed->instance,
      MAKEINTRESOURCEW(mode.read_only ? IDR_ACCEL_READ_ONLY : IDR_ACCEL_MAIN));
  SetDlgItemTextW(w->hwnd, IDC_MAIN_EDIT, mode.read_only ? L"&View..." : L"&Edit...");
  if (GetMenu(w->hwnd))
    ModifyMenuW(GetMenu(w->hwnd), IDC_MAIN_EDIT, MF_BYCOMMAND | MF_STRING, IDC_MAIN_EDIT,
                mode.read_only ? L"&View...\tEnter" : L"&Edit...\tF2");
  char text[512];
  sw_access_mode_banner(mode, text, sizeof text);
  set_wide_text(w->mode_banner, text);
  layout(w);
  sw__main_update_buttons(w);
  sw__main_update_status(w);
}

static void set_stale(struct sw_main_window *w, bool stale, const char *why)
{
  if (why)
    snprintf(w->stale_why, sizeof w->stale_why, "%s", why);
  if (w->stale != stale) {
    w->stale = stale;
    layout(w);
    InvalidateRect(w->list, NULL, TRUE); /* grey or not */
  }
  sw__main_update_status(w);
}

/* ---- talking to the service ----------------------------------------------- */

void sw__main_refresh(struct sw_main_window *w, bool now)
{
  if (!w->ed->service)
    return;
  if (w->refreshing) {
    w->refresh_again = w->refresh_again || now;
    return;
  }
  struct sw_service_job *job =
      sw_service_job_new(w->hwnd, SW_PIPE_MSG_STATUS, SW_MAIN_TAG_STATUS);
  if (!job)
    return; /* out of memory: the timer tries again */
  job->all_status = true;
  w->refreshing = true;
  w->refresh_again = false;
  sw_service_submit(w->ed->service, job);
}

static void status_done(struct sw_main_window *w, struct sw_service_job *job)
{
  w->refreshing = false;
  if (job->outcome == SW_JOB_UNREACHABLE) {
    set_stale(w, true, job->error);
  } else if (job->reply.frame.message != SW_PIPE_MSG_STATUS_OK || job->error_code[0]) {
    set_stale(w, true,
              job->error[0] ? job->error : "The service's answer was not understood.");
  } else {
    int64_t t0 = sw_ui_timing_start();
    struct sw_main_marks marks = sw__main_list_marks(w);
    enum sw_error err = sw_rule_rows_replace(&w->rows, job->rows, job->row_count);
    double model_ms = sw_ui_timing_ms(t0);
    job->rows = NULL; /* the list owns (or freed) them now */
    job->row_count = 0;
    if (err) {
      set_stale(w, true,
                err == SW_E_NOMEM ? "The list could not be updated: this computer is out "
                                    "of memory."
                                  : "The service's list of rules was not understood "
                                    "(a rule appeared twice).");
    } else {
      SYSTEMTIME now;
      GetLocalTime(&now);
      snprintf(w->updated_at, sizeof w->updated_at, "%02u:%02u:%02u", now.wHour,
               now.wMinute, now.wSecond);
      sw__main_list_rows_changed(w, marks, false);
      set_stale(w, false, "");
      UpdateWindow(w->list);
      char detail[32];
      snprintf(detail, sizeof detail, "model=%.3f", model_ms);
      sw_ui_timing_log("refresh", t0, sw_rule_rows_count(&w->rows),
                       sw_rule_rows_total(&w->rows), detail);
      if (!w->uptime.started)
        sw__main_uptime_fetch(w);
    }
  }
  if (w->refresh_again)
    sw__main_refresh(w, true);
}

/* ---- the window ------------------------------------------------------------- */

static void set_icons(struct sw_main_window *w)
{
  HICON big = LoadImageW(w->ed->instance, MAKEINTRESOURCEW(IDI_APP), IMAGE_ICON,
                         GetSystemMetrics(SM_CXICON), GetSystemMetrics(SM_CYICON), 0);
  HICON small = LoadImageW(w->ed->instance, MAKEINTRESOURCEW(IDI_APP), IMAGE_ICON,
                           scale(w, 16), scale(w, 16), 0);
  SendMessageW(w->hwnd, WM_SETICON, ICON_BIG, (LPARAM)big);
  SendMessageW(w->hwnd, WM_SETICON, ICON_SMALL, (LPARAM)small);
  if (w->big_icon)
    DestroyIcon(w->big_icon);
  if (w->small_icon)
    DestroyIcon(w->small_icon);
  w->big_icon = big;
  w->small_icon = small;
}

static BOOL init(struct sw_main_window *w, HWND hwnd)
{
  w->hwnd = hwnd;
  w->ed->main = hwnd;
  w->list = GetDlgItem(hwnd, IDC_MAIN_LIST);
  w->banner = GetDlgItem(hwnd, IDC_MAIN_BANNER);
  w->mode_banner = GetDlgItem(hwnd, IDC_MAIN_MODE_BANNER);
  w->dpi = window_dpi(hwnd);
  /* Our own layout replaces the dialog manager's on a DPI change (it
   * still updates the fonts), so it must not move the controls itself. */
  sw_dialog_dpi_disable(hwnd, DDC_DISABLE_RESIZE | DDC_DISABLE_CONTROL_RELAYOUT);
  w->status = CreateWindowExW(0, STATUSCLASSNAMEW, NULL,
                              WS_CHILD | WS_VISIBLE | SBARS_SIZEGRIP, 0, 0, 0, 0, hwnd,
                              (HMENU)(INT_PTR)IDC_MAIN_STATUS, w->ed->instance, NULL);
  SendMessageW(w->status, WM_SETFONT, SendMessageW(hwnd, WM_GETFONT, 0, 0), FALSE);
  SendMessageW(w->list, LVM_SETEXTENDEDLISTVIEWSTYLE,
               LVS_EX_FULLROWSELECT | LVS_EX_DOUBLEBUFFER | LVS_EX_LABELTIP,
               LVS_EX_FULLROWSELECT | LVS_EX_DOUBLEBUFFER | LVS_EX_LABELTIP);
  sw__main_list_init(w);
  SendDlgItemMessageW(hwnd, IDC_MAIN_FILTER, EM_SETCUEBANNER, TRUE,
                      (LPARAM)L"Name or host; state:critical, state:problem");
  SendDlgItemMessageW(hwnd, IDC_MAIN_FILTER, EM_LIMITTEXT, SW_RULE_FILTER_TEXT_MAX, 0);
  make_icons(w);
  set_icons(w);
  sw__main_apply_mode(w); /* lays out, sets the buttons and the status bar */
  sw_ui_timing_messages(w->list);
  SetTimer(hwnd, REFRESH_TIMER, REFRESH_S * 1000u, NULL);
  SetTimer(hwnd, UPTIME_TIMER, SW_MAIN_UPTIME_S * 1000u, NULL);
  PostMessageW(hwnd, WM_MAIN_START, 0, 0);
  w->live = sw_live_start(hwnd, NULL); /* without it, the timer refreshes */
  SetFocus(w->list);
  return FALSE; /* we set the focus */
}

static void dpi_changed(struct sw_main_window *w, UINT dpi, const RECT *suggested)
{
  UINT old = w->dpi;
  w->dpi = dpi;
  for (int i = 0; i < SW_RULE_COL_COUNT; i++) {
    int cx = (int)SendMessageW(w->list, LVM_GETCOLUMNWIDTH, (WPARAM)i, 0);
    SendMessageW(w->list, LVM_SETCOLUMNWIDTH, (WPARAM)i, MulDiv(cx, (int)dpi, (int)old));
  }
  make_icons(w);
  set_icons(w);
  SetWindowPos(w->hwnd, NULL, suggested->left, suggested->top,
               suggested->right - suggested->left, suggested->bottom - suggested->top,
               SWP_NOZORDER | SWP_NOACTIVATE);
  /* The dialog manager changes the fonts after this message: lay out
   * again once it has. */
  PostMessageW(w->hwnd, WM_MAIN_RELAYOUT, 0, 0);
}

static void destroy(struct sw_main_window *w)
{
  KillTimer(w->hwnd, REFRESH_TIMER);
  sw_live_stop(w->live);
  KillTimer(w->hwnd, UPTIME_TIMER);
  sw_service_drain(w->hwnd);
  sw__main_actions_free(w);
  sw_rule_rows_free(&w->rows);
  SendMessageW(w->list, LVM_SETIMAGELIST, LVSIL_SMALL, 0);
  if (w->icons)
    ImageList_Destroy(w->icons);
  if (w->big_icon)
    DestroyIcon(w->big_icon);
  if (w->small_icon)
    DestroyIcon(w->small_icon);
  w->ed->main = NULL;
  PostQuitMessage(0);
  free(w);
}

/* A dialog procedure answers WM_NOTIFY through DWLP_MSGRESULT. */
static INT_PTR result(HWND hwnd, LRESULT value)
{
  SetWindowLongPtrW(hwnd, DWLP_MSGRESULT, value);
  return TRUE;
}

/* The connection's state changed: a lost service makes the list stale. */
static void service_state(struct sw_main_window *w, enum sw_service_state state)
{
  if (state == SW_SERVICE_UNREACHABLE) {
    char why[512];
    sw_service_state_text(w->ed->service, why, sizeof why);
    set_stale(w, true, why);
  } else {
    sw__main_update_status(w);
  }
}

/* A job came back: the list's refresh or an action's answer. */
static void service_reply(struct sw_main_window *w, struct sw_service_job *job)
{
  if (job->tag == SW_MAIN_TAG_STATUS)
    status_done(w, job);
  else if (job->tag >= SW_MAIN_TAG_UPTIME && job->tag < SW_MAIN_TAG_UPTIME_END)
    sw__main_uptime_done(w, job);
  else
    sw__main_action_done(w, job);
  sw_service_job_free(job);
}

/* The banners' colours: pale yellow (the service is gone) or pale blue
 * (read-only); the window's colours when high contrast is on. FALSE for
 * every other static. */
static INT_PTR banner_colours(struct sw_main_window *w, HDC dc, HWND control)
{
  struct sw_palette colours;
  bool notice = control == w->banner;
  if (!notice && control != w->mode_banner)
    return FALSE;
  sw_editor_palette(&colours);
  COLORREF back = notice ? colours.notice_back : colours.mode_back;
  SetBkColor(dc, back);
  SetTextColor(dc, notice ? colours.notice_text : colours.mode_text);
  SetDCBrushColor(dc, back);
  return (INT_PTR)GetStockObject(DC_BRUSH);
}

static INT_PTR CALLBACK main_proc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
  struct sw_main_window *w = (struct sw_main_window *)GetWindowLongPtrW(hwnd, DWLP_USER);
  if (msg == WM_INITDIALOG) {
    w = (struct sw_main_window *)lp;
    SetWindowLongPtrW(hwnd, DWLP_USER, (LONG_PTR)w);
    return init(w, hwnd);
  }
  if (!w)
    return FALSE;
  switch (msg) {
  case WM_SIZE:
  case WM_MAIN_RELAYOUT: /* after the dialog manager's DPI change */
    layout(w);
    return TRUE;
  case WM_GETMINMAXINFO:
    min_size(w, (MINMAXINFO *)lp);
    return TRUE;
  case WM_DPICHANGED:
    dpi_changed(w, HIWORD(wp), (const RECT *)lp);
    return FALSE; /* the dialog manager updates the fonts */
  case WM_MAIN_START:
  case WM_TIMER:
    if (msg == WM_TIMER && wp == UPTIME_TIMER)
      sw__main_uptime_fetch(w);
    else if (msg == WM_MAIN_START || !w->live_on) /* subscribed: pushes keep it current */
      sw__main_refresh(w, false);
    return TRUE;
  case WM_SW_LIVE:
    sw__main_live_event(w, wp, lp);
    return TRUE;
  case WM_SW_SERVICE_STATE:
    service_state(w, (enum sw_service_state)wp);
    return TRUE;
  case WM_SW_SERVICE_REPLY:
    service_reply(w, (struct sw_service_job *)lp);
    return TRUE;
  case WM_NOTIFY:
    if (((NMHDR *)lp)->idFrom == IDC_MAIN_LIST)
      return result(hwnd, sw__main_list_notify(w, (NMHDR *)lp));
    return FALSE;
  case WM_CTLCOLORSTATIC:
    return banner_colours(w, (HDC)wp, (HWND)lp);
  case WM_SYSCOLORCHANGE:
  case WM_SETTINGCHANGE:
  case WM_THEMECHANGED:
    if (msg == WM_SYSCOLORCHANGE) { /* common controls learn it from their parent */
      SendMessageW(w->list, msg, wp, lp);
      SendMessageW(w->status, msg, wp, lp);
    }
    sw_editor_palette_follow(hwnd, msg, wp);
    return FALSE;
  case WM_COMMAND:
    if (LOWORD(wp) == IDC_MAIN_FILTER && HIWORD(wp) == EN_CHANGE) {
      sw__main_filter_changed(w);
      return TRUE;
    }
    if (HIWORD(wp) > 1)
      return FALSE; /* a notification, not a click, key or accelerator */
    if (sw__main_filter_key(w, LOWORD(wp)))
      return TRUE;
    if (LOWORD(wp) == IDCANCEL)
      return TRUE; /* Esc does not close the main window: Alt+F4 does */
    sw__main_command(w, LOWORD(wp));
    return TRUE;
  case WM_CLOSE:
    DestroyWindow(hwnd);
    return TRUE;
  case WM_DESTROY:
    SetWindowLongPtrW(hwnd, DWLP_USER, 0);
    destroy(w);
    return TRUE;
  default:
    return FALSE;
  }
}

HWND sw_main_window_create(struct sw_editor *ed, int show)
{
  struct sw_main_window *w = calloc(1, sizeof *w);
  if (!w) {
    SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return NULL;
  }
  w->ed = ed;
  sw_rule_rows_init(&w->rows, sw_clock_local_text);
  sw_ui_timings_open();
  HWND hwnd = CreateDialogParamW(ed->instance, MAKEINTRESOURCEW(IDD_MAIN), NULL,
                                 main_proc, (LPARAM)w);
  if (!hwnd) {
    DWORD err = GetLastError();
    sw_rule_rows_free(&w->rows);
    free(w);
    SetLastError(err);
    return NULL;
  }
  ShowWindow(hwnd, show);
  return hwnd;
}
