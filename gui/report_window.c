/* The report window (report_window.h). Requests: REPORT, a page of 1000
 * rules at a time, from the window's opening and each change of period;
 * a page of an earlier period is dropped (its tag is not the current
 * one). Both lists are virtual: 100,000 rules cost what a screenful
 * costs. The layout is the template's, placed again at each DPI
 * (dialog_dpi.h), the lists' column widths with it. */
#include "report_window.h"

#include <commctrl.h>
#include <commdlg.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "dialog_dpi.h"
#include "main_text.h"
#include "pipe_protocol.h"
#include "report_view.h"
#include "resource.h"
#include "sw_macros.h"
#include "win_error.h"
#include "win_text.h"

#define PAGE 1000

/* Every control, placed from the template at each DPI. */
static const int controls[] = {
    IDC_REPORT_PERIOD_LABEL, IDC_REPORT_PERIOD,
    IDC_REPORT_SUMMARY,      IDC_REPORT_RULES_LABEL,
    IDC_REPORT_RULES,        IDC_REPORT_OUTAGES_LABEL,
    IDC_REPORT_OUTAGES,      IDC_REPORT_STATUS,
    IDC_REPORT_SAVE,         IDCANCEL,
};
#define CONTROLS SW_COUNTOF(controls)

static const wchar_t *const rule_titles[SW_REPORT_COL_COUNT] = {
    L"Rule", L"Uptime", L"Monitored", L"Maintenance", L"Outages", L"p95 connect"};
static const int rule_widths[SW_REPORT_COL_COUNT] = {190, 80, 90, 95, 60, 90};
static const wchar_t *const outage_titles[SW_OUTAGE_COL_COUNT] = {
    L"Start", L"End", L"Duration", L"Began with"};
static const int outage_widths[SW_OUTAGE_COL_COUNT] = {160, 160, 80, 150};

struct report_window {
  struct sw_editor *ed;
  HWND hwnd, rules, outages;
  struct sw_report_view view;
  WPARAM tag; /* the current period's requests; earlier pages are dropped */
  struct sw_dialog_dpi dpi;
  struct sw_layout_rect base[CONTROLS]; /* at dpi.base_dpi */
};

static void set_status(struct report_window *w, const char *text)
{
  sw_editor_set_text(w->hwnd, IDC_REPORT_STATUS, text);
}

static void ask(struct report_window *w)
{
  struct sw_service_job *job = sw_service_job_new(w->hwnd, SW_PIPE_MSG_REPORT, w->tag);
  if (!job) {
    set_status(w, "This computer is out of memory.");
    return;
  }
  sw_report_view_request(&w->view, PAGE, &job->fields);
  sw_service_submit(w->ed->service, job);
}

/* The table and the summary follow the report; the outages, the
 * selected rule. */
static void show(struct report_window *w)
{
  char text[300];
  sw_report_view_summary(&w->view, text, sizeof text);
  sw_editor_set_text(w->hwnd, IDC_REPORT_SUMMARY, text);
  size_t n = sw_report_view_count(&w->view);
  if ((size_t)SendMessageW(w->rules, LVM_GETITEMCOUNT, 0, 0) != n)
    SendMessageW(w->rules, LVM_SETITEMCOUNT, (WPARAM)n, LVSICF_NOSCROLL);
  int sel = (int)SendMessageW(w->rules, LVM_GETNEXTITEM, (WPARAM)-1, LVNI_SELECTED);
  size_t outages = sel < 0 ? 0 : sw_report_view_outage_count(&w->view, (size_t)sel);
  SendMessageW(w->outages, LVM_SETITEMCOUNT, (WPARAM)outages, 0);
  InvalidateRect(w->rules, NULL, FALSE);
  InvalidateRect(w->outages, NULL, FALSE);
  EnableWindow(GetDlgItem(w->hwnd, IDC_REPORT_SAVE), w->view.complete && n > 0);
}

static void start(struct report_window *w)
{
  int choice = (int)SendDlgItemMessageW(w->hwnd, IDC_REPORT_PERIOD, CB_GETCURSEL, 0, 0);
  sw_report_view_start(&w->view, (enum sw_report_period)choice,
                       sw_clock_wall_us() / 1000);
  w->tag++;
  set_status(w, "");
  SendMessageW(w->rules, LVM_SETITEMCOUNT, 0, 0);
  show(w);
  ask(w);
}

/* Why the report did not come, as the status line says it. */
static void show_failure(struct report_window *w, const struct sw_service_job *job)
{
  char why[600];
  if (!strcmp(job->error_code, "unknown_message") || !strcmp(job->error_code, "version"))
    sw_main_text_older_service(job->message, why, sizeof why);
  else
    snprintf(why, sizeof why, "%s",
             job->error[0] ? job->error : "The service's answer was not understood.");
  w->view.complete = true;
  set_status(w, why);
}

static void on_reply(void *ctx, struct sw_service_job *job)
{
  struct report_window *w = ctx;
  if (job->tag != w->tag)
    return; /* a page of a period no longer shown */
  bool more = false;
  if (job->outcome != SW_JOB_REPLIED || job->reply.frame.message != SW_PIPE_MSG_REPORT_OK)
    show_failure(w, job);
  else if (sw_report_view_add_page(&w->view, job->reply.frame.body,
                                   job->reply.frame.body_len, &more))
    set_status(w, "The service's answer was not understood.");
  show(w);
  if (more)
    ask(w);
}

/* ---- Save HTML ------------------------------------------------------------- */

/* Writes `text` to `path`; false with the sentence that says why in
 * `why` (it names the file). */
static bool write_file(const wchar_t *path, const char *shown_path,
                       const struct sw_buf *text, char *why, size_t size)
{
  HANDLE f = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                         FILE_ATTRIBUTE_NORMAL, NULL);
  DWORD done = 0;
  bool ok = f != INVALID_HANDLE_VALUE &&
            WriteFile(f, text->data, (DWORD)text->len, &done, NULL) && done == text->len;
  DWORD err = ok ? 0 : GetLastError();
  if (f != INVALID_HANDLE_VALUE && !CloseHandle(f) && ok) {
    ok = false;
    err = GetLastError();
  }
  if (!ok)
    sw_win_error_sentence(why, size, err, "%s could not be written", shown_path);
  return ok;
}

static void save(struct report_window *w)
{
  wchar_t path[MAX_PATH] = L"smtpwatch-report.html";
  OPENFILENAMEW ofn = {.lStructSize = sizeof ofn,
                       .hwndOwner = w->hwnd,
                       .lpstrFilter = L"HTML files (*.html)\0*.html\0All files\0*.*\0",
                       .lpstrFile = path,
                       .nMaxFile = SW_COUNTOF(path),
                       .lpstrDefExt = L"html",
                       .Flags = OFN_OVERWRITEPROMPT | OFN_PATHMUSTEXIST |
                                OFN_NOCHANGEDIR | OFN_EXPLORER};
  if (!GetSaveFileNameW(&ofn))
    return; /* cancelled */
  struct sw_buf html;
  sw_buf_init(&html, 0);
  char text[MAX_PATH * 3 + 500];
  char *shown = sw_utf8_dup(path);
  const char *shown_path = shown ? shown : "The file";
  if (sw_report_view_html(&w->view, &html) != SW_E_OK)
    snprintf(text, sizeof text, "The report could not be made: out of memory.");
  else if (write_file(path, shown_path, &html, text, sizeof text))
    snprintf(text, sizeof text, "Saved to %s", shown_path);
  set_status(w, text);
  free(shown);
  sw_buf_free(&html);
}

/* ---- the lists -------------------------------------------------------------- */

/* The columns; those in the bit mask `right` are right-aligned (figures). */
static void add_columns(HWND list, const wchar_t *const *titles, const int *widths,
                        int count, unsigned right, UINT dpi)
{
  SendMessageW(list, LVM_SETEXTENDEDLISTVIEWSTYLE, LVS_EX_FULLROWSELECT,
               LVS_EX_FULLROWSELECT);
  for (int i = 0; i < count; i++) {
    LVCOLUMNW col = {.mask = LVCF_TEXT | LVCF_WIDTH | LVCF_FMT | LVCF_SUBITEM,
                     .fmt = (right >> i) & 1u ? LVCFMT_RIGHT : LVCFMT_LEFT,
                     .cx = MulDiv(widths[i], (int)dpi, 96),
                     .pszText = (wchar_t *)titles[i],
                     .iSubItem = i};
    SendMessageW(list, LVM_INSERTCOLUMNW, (WPARAM)i, (LPARAM)&col);
  }
}

static void get_cell(struct report_window *w, NMLVDISPINFOW *di)
{
  LVITEMW *item = &di->item;
  if (!(item->mask & LVIF_TEXT) || !item->pszText || item->cchTextMax <= 0 ||
      item->iItem < 0 || item->iSubItem < 0)
    return;
  char text[600];
  if (di->hdr.hwndFrom == w->rules) {
    sw_report_view_cell(&w->view, (size_t)item->iItem,
                        (enum sw_report_view_column)item->iSubItem, text, sizeof text);
  } else {
    int sel = (int)SendMessageW(w->rules, LVM_GETNEXTITEM, (WPARAM)-1, LVNI_SELECTED);
    text[0] = '\0';
    if (sel >= 0)
      sw_report_view_outage_cell(&w->view, (size_t)sel, (size_t)item->iItem,
                                 (enum sw_report_outage_column)item->iSubItem, text,
                                 sizeof text);
  }
  sw_wide_show(text, item->pszText, (size_t)item->cchTextMax);
}

/* ---- the window -------------------------------------------------------------- */

static void place(struct report_window *w)
{
  for (size_t i = 0; i < CONTROLS; i++) {
    struct sw_layout_rect r =
        sw_layout_scale_rect(w->base[i], w->dpi.dpi, w->dpi.base_dpi);
    SetWindowPos(GetDlgItem(w->hwnd, controls[i]), NULL, r.left, r.top, r.right - r.left,
                 r.bottom - r.top, SWP_NOZORDER | SWP_NOACTIVATE);
  }
}

static void dpi_changed(struct report_window *w, UINT dpi, const RECT *suggested)
{
  UINT old = w->dpi.dpi;
  sw_dialog_dpi_change(&w->dpi, w->hwnd, dpi, suggested);
  place(w);
  for (int i = 0; i < SW_REPORT_COL_COUNT || i < SW_OUTAGE_COL_COUNT; i++) {
    HWND lists[] = {w->rules, w->outages};
    for (int k = 0; k < 2; k++) {
      int cx = (int)SendMessageW(lists[k], LVM_GETCOLUMNWIDTH, (WPARAM)i, 0);
      if (cx > 0)
        SendMessageW(lists[k], LVM_SETCOLUMNWIDTH, (WPARAM)i,
                     MulDiv(cx, (int)dpi, (int)old));
    }
  }
}

static void init(struct report_window *w, HWND dlg)
{
  w->hwnd = dlg;
  w->rules = GetDlgItem(dlg, IDC_REPORT_RULES);
  w->outages = GetDlgItem(dlg, IDC_REPORT_OUTAGES);
  sw_dialog_dpi_init(&w->dpi, dlg);
  for (size_t i = 0; i < CONTROLS; i++)
    w->base[i] = sw_dialog_dpi_child_rect(dlg, GetDlgItem(dlg, controls[i]));
  add_columns(w->rules, rule_titles, rule_widths, SW_REPORT_COL_COUNT, ~1u, w->dpi.dpi);
  add_columns(w->outages, outage_titles, outage_widths, SW_OUTAGE_COL_COUNT,
              1u << SW_OUTAGE_COL_DURATION, w->dpi.dpi);
  for (int p = 0; p < SW_REPORT_PERIOD_COUNT; p++) {
    wchar_t *label = sw_wide_dup(sw_report_view_period_label((enum sw_report_period)p));
    SendDlgItemMessageW(dlg, IDC_REPORT_PERIOD, CB_ADDSTRING, 0,
                        (LPARAM)(label ? label : L""));
    free(label);
  }
  SendDlgItemMessageW(dlg, IDC_REPORT_PERIOD, CB_SETCURSEL, SW_REPORT_24H, 0);
  start(w);
}

static INT_PTR CALLBACK report_proc(HWND dlg, UINT msg, WPARAM wp, LPARAM lp)
{
  struct report_window *w = sw_editor_dialog_context(dlg, msg, lp);
  if (!w)
    return sw_editor_dialog_default(dlg, msg, wp);
  switch (msg) {
  case WM_INITDIALOG:
    init(w, dlg);
    return TRUE;
  case WM_SW_SERVICE_REPLY: /* a page of the report */
    sw_service_reply(lp, w, on_reply);
    return TRUE;
  case WM_COMMAND:
    if (LOWORD(wp) == IDC_REPORT_PERIOD && HIWORD(wp) == CBN_SELCHANGE)
      start(w);
    else if (LOWORD(wp) == IDC_REPORT_SAVE && HIWORD(wp) <= 1)
      save(w);
    else if ((LOWORD(wp) == IDCANCEL || LOWORD(wp) == IDOK) && HIWORD(wp) <= 1)
      EndDialog(dlg, IDOK);
    return TRUE;
  case WM_NOTIFY: {
    NMHDR *h = (NMHDR *)lp;
    if (h->code == LVN_GETDISPINFOW)
      get_cell(w, (NMLVDISPINFOW *)h);
    else if (h->code == LVN_ITEMCHANGED && h->hwndFrom == w->rules)
      show(w);
    return TRUE;
  }
  case WM_DPICHANGED:
    dpi_changed(w, HIWORD(wp), (const RECT *)lp);
    return TRUE; /* all done here: the dialog manager's scaling is off */
  default:
    break;
  }
  return sw_editor_dialog_default(dlg, msg, wp);
}

void sw_report_window_show(HWND owner, struct sw_editor *ed)
{
  struct report_window w = {.ed = ed};
  sw_report_view_init(&w.view);
  if (ed->service) /* NULL only if the worker could not start */
    DialogBoxParamW(ed->instance, MAKEINTRESOURCEW(IDD_REPORT), owner, report_proc,
                    (LPARAM)&w);
  sw_report_view_free(&w.view);
  sw_dialog_dpi_free(&w.dpi);
}
