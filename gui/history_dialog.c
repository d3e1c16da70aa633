/* The history dialog (history_dialog.h). The window procedure only routes:
 * what the rows show and how they page is model/history_rows, how the
 * chart scales is model/history_chart, how it is painted is
 * history_chart_view.c.
 *
 * Loading: HISTORY pages are asked for one after the other on the
 * editor's service worker (never on this thread), following the cursor
 * until the chosen number of results is there or the service has no more.
 * The pages gather in `loading` while the table and chart keep showing
 * the previous results; they are swapped in when the last page arrives.
 * Each load has a generation number (the job's tag): a reply to an older
 * load (Refresh pressed again, another count chosen) is dropped.
 *
 * While loading, the title ends in " (loading...)"; when it is back to
 * "History - <rule>" the table and chart are filled or the reason they
 * could not be is shown above them. */
#include "clock.h"
#include "history_dialog.h"

#include <commctrl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "editor_palette.h"
#include "history_chart_view.h"
#include "history_rows.h"
#include "pipe_protocol.h"
#include "resource.h"
#include "sw_macros.h"
#include "win_error.h"

#define WM_SW_HISTORY_RELAYOUT (WM_APP + 40) /* after the dialog manager's DPI change */
#define CELL_MAX 4096 /* a message of 1280 octets, each line break " / " */

static const unsigned show_counts[] = {100, 500, 1000};

/* Column widths at 96 DPI; the message takes what is left. */
static const int column_px[SW_HISTORY_COL_COUNT] = {140, 80, 95, 400};

struct history {
  struct sw_editor *ed;
  int64_t rule_id;
  wchar_t *title; /* "History - <rule>" */
  HWND dlg, list, chart;
  /* A round-trip rule's delivery chart, and the row of each of its
   * samples (owned; NULL while there is none). */
  HWND delivery;
  size_t *delivery_rows, delivery_count;
  struct sw_history_rows shown;   /* what the table and chart show */
  struct sw_history_rows loading; /* the pages of the load under way */
  size_t want;                    /* how many results to show */
  WPARAM generation;              /* the current load's tag */
  bool busy, error;
  UINT dpi;
  wchar_t cell[CELL_MAX];
};

/* F5 in a modal dialog: its message loop is the system's, so a message
 * filter hook sees the key (WH_MSGFILTER, as the Win32 documentation
 * suggests for accelerators in dialog boxes). One history dialog is open
 * at a time: it is modal and the UI has one thread. */
static HWND f5_dialog;
static HHOOK f5_hook;

static void fit_message_column(struct history *h);

static int sc(const struct history *h, int px)
{
  return MulDiv(px, (int)h->dpi, 96);
}

static void set_title(struct history *h)
{
  wchar_t text[600];
  _snwprintf(text, 600, h->busy ? L"%ls (loading...)" : L"%ls", h->title);
  text[599] = L'\0';
  SetWindowTextW(h->dlg, text);
}

static void set_status(struct history *h, const char *utf8, bool error)
{
  h->error = error;
  sw_editor_set_text(h->dlg, IDC_HISTORY_STATUS, utf8);
  InvalidateRect(GetDlgItem(h->dlg, IDC_HISTORY_STATUS), NULL, TRUE);
}

static void layout(struct history *h);

/* Whether the delivery chart is shown: its own style bit (IsWindowVisible
 * is false for every control before the dialog itself is shown). */
static bool delivery_shown(const struct history *h)
{
  return (GetWindowLongPtrW(h->delivery, GWL_STYLE) & WS_VISIBLE) != 0;
}

/* A round-trip rule's delivery times in their own chart beside the
 * response times (`room` has space for h->shown.count samples: the
 * response times' buffer, used again); hidden when no result is a round
 * trip, or when memory ran out. */
static void show_delivery(struct history *h, struct sw_history_sample *room)
{
  free(h->delivery_rows);
  h->delivery_rows = room ? malloc(h->shown.count * sizeof *h->delivery_rows) : NULL;
  h->delivery_count =
      h->delivery_rows
          ? sw_history_rows_delivery_samples(&h->shown, room, h->delivery_rows)
          : 0;
  sw_history_chart_view_set(h->delivery, room, h->delivery_count, sw_clock_local_text,
                            NULL);
  bool shown = h->delivery_count > 0;
  if (shown != delivery_shown(h)) {
    ShowWindow(h->delivery, shown ? SW_SHOWNA : SW_HIDE);
    layout(h);
  }
}

/* Puts h->shown in the table and the chart. */
static void show_rows(struct history *h)
{
  char summary[600];
  sw_history_rows_summary(&h->shown, summary, sizeof summary);
  struct sw_history_sample *samples =
      h->shown.count ? malloc(h->shown.count * sizeof *samples) : NULL;
  if (samples)
    sw_history_rows_samples(&h->shown, samples);
  sw_history_chart_view_set(
      h->chart, samples, samples ? h->shown.count : 0, sw_clock_local_text,
      h->shown.count && !samples ? "Out of memory: the chart cannot be drawn." : summary);
  show_delivery(h, samples);
  free(samples);
  ListView_SetItemCountEx(h->list, (int)h->shown.count, 0);
  InvalidateRect(h->list, NULL, FALSE);
  fit_message_column(h); /* a scroll bar may have come or gone */
  set_status(h, summary, false);
}

/* The load ended without results: say why, here and (if it is empty) in
 * the chart. A deleted rule's results are gone: stop showing them. */
static void fail(struct history *h, const char *code, const char *error)
{
  char text[800];
  sw_history_error_text(code, error, text, sizeof text);
  h->busy = false;
  sw_history_rows_free(&h->loading);
  if (strcmp(code, "not_found") == 0) {
    sw_history_rows_free(&h->shown);
    ListView_SetItemCountEx(h->list, 0, 0);
    sw_history_chart_view_set(h->chart, NULL, 0, sw_clock_local_text, text);
    show_delivery(h, NULL);
  } else if (h->shown.count == 0) {
    sw_history_chart_view_note(h->chart, text);
  }
  set_status(h, text, true);
  set_title(h);
}

/* Asks for the next page of the load under way. */
static void submit_page(struct history *h)
{
  struct sw_service_job *job =
      h->ed->service ? sw_service_job_new(h->dlg, SW_PIPE_MSG_HISTORY, h->generation)
                     : NULL;
  if (!job) {
    fail(h, "",
         h->ed->service ? "this computer is out of memory."
                        : "the editor's link to the service did not start.");
    return;
  }
  sw_history_rows_request(&h->loading, h->rule_id, h->want, &job->fields);
  sw_service_submit(h->ed->service, job);
}

static void start_load(struct history *h)
{
  h->generation++;
  h->busy = true;
  sw_history_rows_free(&h->loading);
  char text[100];
  snprintf(text, sizeof text, "Loading the last %zu results...", h->want);
  set_status(h, text, false);
  if (h->shown.count == 0)
    sw_history_chart_view_note(h->chart, "Loading...");
  set_title(h);
  submit_page(h);
}

static void on_reply(struct history *h, WPARAM tag, struct sw_service_job *job)
{
  if (tag != h->generation || !h->busy) { /* an older load's page */
    sw_service_job_free(job);
    return;
  }
  if (job->outcome == SW_JOB_UNREACHABLE || job->error_code[0]) {
    fail(h, job->error_code, job->error);
  } else if (job->reply.frame.message != SW_PIPE_MSG_HISTORY_OK) {
    fail(h, "bad_reply", "the service answered with something else than a history.");
  } else {
    enum sw_error err = sw_history_rows_append(&h->loading, job->reply.frame.body,
                                               job->reply.frame.body_len, h->want);
    if (err) {
      fail(h, "bad_reply",
           err == SW_E_NOMEM ? "this computer is out of memory."
                             : "the service's answer could not be read.");
    } else if (sw_history_rows_wants_more(&h->loading, h->want)) {
      char text[100];
      snprintf(text, sizeof text, "Loading... %zu of %zu results received.",
               h->loading.count, h->want);
      set_status(h, text, false);
      submit_page(h);
    } else {
      struct sw_history_rows done = h->loading;
      h->loading = h->shown;
      h->shown = done;
      sw_history_rows_free(&h->loading);
      h->busy = false;
      show_rows(h);
      set_title(h);
    }
  }
  sw_service_job_free(job);
}

/* ---- layout ------------------------------------------------------------ */

static int line_height(struct history *h)
{
  HDC dc = GetDC(h->dlg);
  HGDIOBJ old = SelectObject(dc, (HGDIOBJ)SendMessageW(h->dlg, WM_GETFONT, 0, 0));
  TEXTMETRICW tm;
  GetTextMetricsW(dc, &tm);
  SelectObject(dc, old);
  ReleaseDC(h->dlg, dc);
  return tm.tmHeight;
}

/* The message column takes the table's width that the others leave (a
 * long message is cut with "...", and shown whole in its tooltip). */
static void fit_message_column(struct history *h)
{
  RECT rc;
  GetClientRect(h->list, &rc);
  int w = rc.right;
  for (int col = 0; col < SW_HISTORY_COL_MESSAGE; col++)
    w -= ListView_GetColumnWidth(h->list, col);
  ListView_SetColumnWidth(h->list, SW_HISTORY_COL_MESSAGE,
                          w > sc(h, 150) ? w : sc(h, 150));
}

static void layout(struct history *h)
{
  RECT rc, combo;
  GetClientRect(h->dlg, &rc);
  GetWindowRect(GetDlgItem(h->dlg, IDC_HISTORY_SHOW), &combo);
  int m = sc(h, 10), gap = sc(h, 6), btn_w = sc(h, 88), btn_h = sc(h, 25);
  int line_h = line_height(h), w = rc.right - 2 * m;
  int combo_h = combo.bottom - combo.top, row_h = combo_h > btn_h ? combo_h : btn_h;
  int label_w = sc(h, 40), combo_w = sc(h, 170);
  int status_h = 2 * line_h + sc(h, 2);
  int top = m + row_h + gap + status_h + gap;
  int avail = rc.bottom - m - btn_h - gap - top;
  int chart_h = avail * 55 / 100, list_h = avail - chart_h - gap;
  HDWP d = BeginDeferWindowPos(8);
#define PLACE(id, x, y, cx, cy)                                                          \
  if (d)                                                                                 \
    d = DeferWindowPos(d, GetDlgItem(h->dlg, id), NULL, x, y, cx, cy,                    \
                       SWP_NOZORDER | SWP_NOACTIVATE | SWP_NOCOPYBITS);
  PLACE(IDC_HISTORY_SHOW_LABEL, m, m + (row_h - line_h) / 2, label_w, line_h)
  /* a drop-down list's height includes its list */
  PLACE(IDC_HISTORY_SHOW, m + label_w, m + (row_h - combo_h) / 2, combo_w, sc(h, 200))
  PLACE(IDC_HISTORY_REFRESH, m + label_w + combo_w + gap, m + (row_h - btn_h) / 2, btn_w,
        btn_h)
  PLACE(IDC_HISTORY_STATUS, m, m + row_h + gap, w, status_h)
  /* With a round trip, the delivery times take the right half. */
  int chart_w = delivery_shown(h) ? (w - gap) / 2 : w;
  PLACE(IDC_HISTORY_CHART, m, top, chart_w, chart_h > 0 ? chart_h : 0)
  PLACE(IDC_HISTORY_DELIVERY_CHART, m + chart_w + gap, top, w - chart_w - gap,
        chart_h > 0 ? chart_h : 0)
  PLACE(IDC_HISTORY_LIST, m, top + chart_h + gap, w, list_h > 0 ? list_h : 0)
  PLACE(IDOK, rc.right - m - btn_w, rc.bottom - m - btn_h, btn_w, btn_h)
#undef PLACE
  if (d)
    EndDeferWindowPos(d);
  fit_message_column(h);
  /* A static does not repaint what it wraps differently at its new width,
   * nor the table the rows that a larger size uncovers: all of it, then. */
  RedrawWindow(h->dlg, NULL, NULL, RDW_INVALIDATE | RDW_ALLCHILDREN);
}

/* After a DPI change the dialog manager has scaled the fonts and the
 * window: scale the columns too and lay out again. */
static void relayout_for_dpi(struct history *h, UINT old_dpi)
{
  for (int col = 0; col < SW_HISTORY_COL_MESSAGE; col++) {
    int w = ListView_GetColumnWidth(h->list, col);
    ListView_SetColumnWidth(h->list, col, MulDiv(w, (int)h->dpi, (int)old_dpi));
  }
  SendMessageW(h->chart, WM_SETFONT, SendMessageW(h->dlg, WM_GETFONT, 0, 0), TRUE);
  SendMessageW(h->delivery, WM_SETFONT, SendMessageW(h->dlg, WM_GETFONT, 0, 0), TRUE);
  layout(h);
}

/* ---- the table --------------------------------------------------------- */

static void add_columns(struct history *h)
{
  ListView_SetExtendedListViewStyle(h->list, LVS_EX_FULLROWSELECT | LVS_EX_DOUBLEBUFFER |
                                                 LVS_EX_LABELTIP);
  for (int col = 0; col < SW_HISTORY_COL_COUNT; col++) {
    wchar_t *title = sw_wide_dup(sw_history_column_title((enum sw_history_column)col));
    LVCOLUMNW c = {0};
    c.mask = LVCF_TEXT | LVCF_WIDTH | LVCF_FMT;
    c.fmt = col == SW_HISTORY_COL_RESPONSE ? LVCFMT_RIGHT : LVCFMT_LEFT;
    c.cx = sc(h, column_px[col]);
    c.pszText = title ? title : L"";
    SendMessageW(h->list, LVM_INSERTCOLUMNW, (WPARAM)col, (LPARAM)&c);
    free(title);
  }
}

static void cell_text(struct history *h, NMLVDISPINFOW *di)
{
  if (!(di->item.mask & LVIF_TEXT) || di->item.iItem < 0 || di->item.iSubItem < 0 ||
      di->item.iSubItem >= SW_HISTORY_COL_COUNT)
    return;
  char text[CELL_MAX];
  sw_history_rows_cell(&h->shown, (size_t)di->item.iItem,
                       (enum sw_history_column)di->item.iSubItem, text, sizeof text);
  sw_wide_show(text, h->cell, CELL_MAX);
  di->item.pszText = h->cell;
}

/* Failed checks' status in red, warnings in amber, as the chart marks them
 * (in the window's text colour when high contrast is on). */
static LRESULT custom_draw(struct history *h, NMLVCUSTOMDRAW *cd)
{
  switch (cd->nmcd.dwDrawStage) {
  case CDDS_PREPAINT:
    return CDRF_NOTIFYITEMDRAW;
  case CDDS_ITEMPREPAINT:
    return CDRF_NOTIFYSUBITEMDRAW;
  case CDDS_ITEMPREPAINT | CDDS_SUBITEM: {
    size_t row = (size_t)cd->nmcd.dwItemSpec;
    cd->clrText = GetSysColor(COLOR_WINDOWTEXT);
    if (cd->iSubItem == SW_HISTORY_COL_STATUS && row < h->shown.count) {
      const struct sw_history_row *r = &h->shown.rows[row];
      struct sw_palette colours;
      sw_editor_palette(&colours);
      if (sw_history_row_failed(r))
        cd->clrText = colours.failed_text;
      else if (r->status != SW_NAGIOS_OK)
        cd->clrText = colours.warning_text;
    }
    return CDRF_NEWFONT;
  }
  }
  return CDRF_DODEFAULT;
}

static LRESULT on_notify(struct history *h, NMHDR *n)
{
  if (n->idFrom != IDC_HISTORY_LIST)
    return 0;
  switch (n->code) {
  case LVN_GETDISPINFOW:
    cell_text(h, (NMLVDISPINFOW *)n);
    return 0;
  case NM_CUSTOMDRAW:
    return custom_draw(h, (NMLVCUSTOMDRAW *)n);
  case LVN_ITEMCHANGED: {
    int sel = ListView_GetNextItem(h->list, -1, LVNI_SELECTED);
    sw_history_chart_view_select(h->chart, sel < 0 ? SIZE_MAX : (size_t)sel);
    size_t at = SIZE_MAX; /* the selected row's sample in the delivery chart */
    for (size_t i = 0; sel >= 0 && i < h->delivery_count && at == SIZE_MAX; i++)
      if (h->delivery_rows[i] == (size_t)sel)
        at = i;
    sw_history_chart_view_select(h->delivery, at);
    return 0;
  }
  }
  return 0;
}

/* A click on a point of a chart selects its row. */
static void pick_row(struct history *h, bool delivery)
{
  size_t row = sw_history_chart_view_picked(delivery ? h->delivery : h->chart);
  if (delivery)
    row = row < h->delivery_count ? h->delivery_rows[row] : SIZE_MAX;
  if (row >= h->shown.count)
    return;
  ListView_SetItemState(h->list, -1, 0, LVIS_SELECTED | LVIS_FOCUSED);
  ListView_SetItemState(h->list, (int)row, LVIS_SELECTED | LVIS_FOCUSED,
                        LVIS_SELECTED | LVIS_FOCUSED);
  ListView_EnsureVisible(h->list, (int)row, FALSE);
}

/* ---- the dialog -------------------------------------------------------- */

static LRESULT CALLBACK f5_filter(int code, WPARAM wp, LPARAM lp)
{
  const MSG *m = (const MSG *)lp;
  if (code >= 0 && f5_dialog && m->message == WM_KEYDOWN && m->wParam == VK_F5 &&
      (m->hwnd == f5_dialog || IsChild(f5_dialog, m->hwnd))) {
    PostMessageW(f5_dialog, WM_COMMAND, MAKEWPARAM(IDC_HISTORY_REFRESH, BN_CLICKED), 0);
    return TRUE;
  }
  return CallNextHookEx(f5_hook, code, wp, lp);
}

static void init(struct history *h, HWND dlg)
{
  h->dlg = dlg;
  h->list = GetDlgItem(dlg, IDC_HISTORY_LIST);
  h->chart = GetDlgItem(dlg, IDC_HISTORY_CHART);
  h->delivery = GetDlgItem(dlg, IDC_HISTORY_DELIVERY_CHART);
  sw_history_chart_view_legend(h->delivery, L"Delivery time", L"Not delivered");
  h->dpi = GetDpiForWindow(dlg);
  if (h->dpi == 0)
    h->dpi = 96;
  HWND combo = GetDlgItem(dlg, IDC_HISTORY_SHOW);
  for (size_t i = 0; i < SW_COUNTOF(show_counts); i++) {
    wchar_t text[40];
    _snwprintf(text, 40, L"Last %u results", show_counts[i]);
    text[39] = L'\0';
    int item = (int)SendMessageW(combo, CB_ADDSTRING, 0, (LPARAM)text);
    SendMessageW(combo, CB_SETITEMDATA, (WPARAM)item, (LPARAM)show_counts[i]);
  }
  SendMessageW(combo, CB_SETCURSEL, 0, 0);
  h->want = show_counts[0];
  add_columns(h);
  f5_dialog = dlg;
  f5_hook = SetWindowsHookExW(WH_MSGFILTER, f5_filter, NULL, GetCurrentThreadId());
  layout(h);
  start_load(h);
}

static void destroy(struct history *h)
{
  if (f5_hook)
    UnhookWindowsHookEx(f5_hook);
  f5_hook = NULL;
  f5_dialog = NULL;
  sw_service_drain(h->dlg); /* replies already queued for this window */
  sw_history_rows_free(&h->shown);
  sw_history_rows_free(&h->loading);
  free(h->delivery_rows);
  h->delivery_rows = NULL;
  h->delivery_count = 0;
}

static void on_command(struct history *h, int id, int code)
{
  switch (id) {
  case IDOK:
  case IDCANCEL:
    EndDialog(h->dlg, id);
    break;
  case IDC_HISTORY_REFRESH:
    start_load(h);
    break;
  case IDC_HISTORY_SHOW:
    if (code == CBN_SELCHANGE) {
      HWND combo = GetDlgItem(h->dlg, IDC_HISTORY_SHOW);
      LRESULT sel = SendMessageW(combo, CB_GETCURSEL, 0, 0);
      if (sel != CB_ERR) {
        h->want = (size_t)SendMessageW(combo, CB_GETITEMDATA, (WPARAM)sel, 0);
        start_load(h);
      }
    }
    break;
  case IDC_HISTORY_CHART:
  case IDC_HISTORY_DELIVERY_CHART:
    if (code == SW_HISTORY_CHART_PICKED)
      pick_row(h, id == IDC_HISTORY_DELIVERY_CHART);
    break;
  }
}

static INT_PTR CALLBACK history_proc(HWND dlg, UINT msg, WPARAM wp, LPARAM lp)
{
  struct history *h = (struct history *)GetWindowLongPtrW(dlg, DWLP_USER);
  if (msg == WM_INITDIALOG) {
    h = (struct history *)lp;
    SetWindowLongPtrW(dlg, DWLP_USER, (LONG_PTR)h);
    init(h, dlg);
    SetFocus(h->list);
    return FALSE; /* focus set here */
  }
  if (msg == WM_GETMINMAXINFO) {
    UINT dpi = h ? h->dpi : GetDpiForWindow(dlg);
    MINMAXINFO *mm = (MINMAXINFO *)lp;
    mm->ptMinTrackSize.x = MulDiv(560, dpi ? (int)dpi : 96, 96);
    mm->ptMinTrackSize.y = MulDiv(440, dpi ? (int)dpi : 96, 96);
    return TRUE;
  }
  if (!h)
    return FALSE;
  switch (msg) {
  case WM_SIZE:
    layout(h);
    return TRUE;
  case WM_DPICHANGED: {
    /* Left to the dialog manager (fonts, size); then our own layout. */
    UINT old_dpi = h->dpi;
    h->dpi = HIWORD(wp);
    PostMessageW(dlg, WM_SW_HISTORY_RELAYOUT, old_dpi, 0);
    return FALSE;
  }
  case WM_SW_HISTORY_RELAYOUT:
    relayout_for_dpi(h, (UINT)wp);
    return TRUE;
  case WM_SW_SERVICE_REPLY:
    on_reply(h, wp, (struct sw_service_job *)lp);
    return TRUE;
  case WM_COMMAND:
    on_command(h, LOWORD(wp), HIWORD(wp));
    return TRUE;
  case WM_NOTIFY:
    SetWindowLongPtrW(dlg, DWLP_MSGRESULT, on_notify(h, (NMHDR *)lp));
    return TRUE;
  case WM_CTLCOLORSTATIC:
    if ((HWND)lp == GetDlgItem(dlg, IDC_HISTORY_STATUS) && h->error) {
      struct sw_palette colours;
      sw_editor_palette(&colours);
      SetTextColor((HDC)wp, colours.error_text);
      SetBkMode((HDC)wp, TRANSPARENT);
      SetDCBrushColor((HDC)wp, colours.face);
      return (INT_PTR)GetStockObject(DC_BRUSH);
    }
    return FALSE;
  case WM_SYSCOLORCHANGE:
  case WM_SETTINGCHANGE:
  case WM_THEMECHANGED:
    if (msg == WM_SYSCOLORCHANGE) /* common controls learn it from their parent */
      SendMessageW(h->list, msg, wp, lp);
    sw_editor_palette_follow(dlg, msg, wp);
    return FALSE;
  case WM_DESTROY:
    destroy(h);
    return TRUE;
  }
  return FALSE;
}

void sw_history_dialog_show(HWND owner, struct sw_editor *ed, int64_t rule_id,
                            const char *rule_name)
{
  INITCOMMONCONTROLSEX icc = {sizeof icc, ICC_LISTVIEW_CLASSES | ICC_STANDARD_CLASSES};
  InitCommonControlsEx(&icc);
  struct history *h = calloc(1, sizeof *h);
  wchar_t *name = sw_wide_dup(rule_name);
  size_t title_len = (name ? wcslen(name) : 0) + 16;
  if (h)
    h->title = malloc(title_len * sizeof(wchar_t));
  if (!h || !name || !h->title || !sw_history_chart_view_register(ed->instance)) {
    sw_editor_message(owner,
                      "The history cannot be shown: this computer is out of "
                      "memory or resources.",
                      MB_OK | MB_ICONERROR);
  } else {
    _snwprintf(h->title, title_len, L"History - %ls", name);
    h->title[title_len - 1] = L'\0';
    h->ed = ed;
    h->rule_id = rule_id;
    sw_history_rows_init(&h->shown, sw_clock_local_text);
    sw_history_rows_init(&h->loading, sw_clock_local_text);
    if (DialogBoxParamW(ed->instance, MAKEINTRESOURCEW(IDD_HISTORY), owner, history_proc,
                        (LPARAM)h) == -1) {
      char text[400];
      sw_win_error_sentence(text, sizeof text, GetLastError(),
                            "The history window could not be opened");
      sw_editor_message(owner, text, MB_OK | MB_ICONERROR);
    }
  }
  if (h)
    free(h->title);
  free(name);
  free(h);
}
