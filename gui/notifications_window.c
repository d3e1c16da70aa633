/* The Notifications window (notifications_window.h). Requests: NOTIFIER_LIST
 * (at open and after each change), NOTIFICATIONS (a page of 100, newest
 * first; Older asks for the page before the last row, Refresh for the
 * newest), NOTIFIER_DELETE (after asking) and NOTIFIER_TEST (on a
 * connection of its own: a test waits for the relay, the receiver or the
 * program). Changes and tests are for administrators, as everywhere in
 * the editor: in read-only mode their buttons are greyed. */
#include "notifications_window.h"

#include <commctrl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_replies.h"
#include "clock.h"
#include "main_text.h"
#include "notifier_dialog.h"
#include "outbox_rows.h"
#include "pipe_protocol.h"
#include "resource.h"
#include "sw_macros.h"

#define PAGE 100
#define TEST_WAIT_MS 120000u /* a relay's timeouts, a program's own */

enum tag { TAG_NOTIFIERS = 1, TAG_OUTBOX, TAG_DELETE, TAG_TEST };

struct notifications {
  struct sw_editor *ed;
  HWND hwnd;
  struct sw_pipe_notifier *notifiers;
  size_t notifier_count;
  int64_t oldest_key; /* the last row of the page shown: Older's cursor */
  bool more;          /* an older page is there */
  char testing[128];  /* the notifier being tested */
};

static const wchar_t *const notifier_titles[SW_NOTIFIER_COL_COUNT] = {L"Name", L"Kind",
                                                                      L"Target"};
static const int notifier_widths[SW_NOTIFIER_COL_COUNT] = {120, 110, 300};
static const wchar_t *const outbox_titles[SW_OUTBOX_COL_COUNT] = {
    L"Created", L"Rule",   L"Notifier", L"Kind",
    L"State",   L"Status", L"Attempts", L"Last error"};
static const int outbox_widths[SW_OUTBOX_COL_COUNT] = {130, 90, 90, 70, 70, 60, 60, 250};

static void add_columns(HWND list, const wchar_t *const *titles, const int *widths,
                        int count)
{
  SendMessageW(list, LVM_SETEXTENDEDLISTVIEWSTYLE, LVS_EX_FULLROWSELECT,
               LVS_EX_FULLROWSELECT);
  for (int i = 0; i < count; i++) {
    LVCOLUMNW col = {.mask = LVCF_TEXT | LVCF_WIDTH | LVCF_SUBITEM,
                     .cx = widths[i],
                     .pszText = (wchar_t *)titles[i],
                     .iSubItem = i};
    SendMessageW(list, LVM_INSERTCOLUMNW, (WPARAM)i, (LPARAM)&col);
  }
}

static void set_cell(HWND list, int row, int col, const char *utf8)
{
  wchar_t *wide = sw_wide_dup(utf8);
  LVITEMW it = {
      .mask = LVIF_TEXT, .iItem = row, .iSubItem = col, .pszText = wide ? wide : L""};
  SendMessageW(list, col ? LVM_SETITEMTEXTW : LVM_INSERTITEMW, (WPARAM)row, (LPARAM)&it);
  free(wide);
}

static void set_status(struct notifications *w, const char *text)
{
  sw_editor_set_text(w->hwnd, IDC_NOTIF_STATUS, text);
}

static int selected_notifier(const struct notifications *w)
{
  LRESULT i = SendDlgItemMessageW(w->hwnd, IDC_NOTIF_LIST, LVM_GETNEXTITEM, (WPARAM)-1,
                                  LVNI_SELECTED);
  return i >= 0 && (size_t)i < w->notifier_count ? (int)i : -1;
}

/* A button about to be greyed gives the focus to the notifiers first: the
 * keyboard would have nowhere to go. */
static void enable(struct notifications *w, int id, bool on)
{
  HWND b = GetDlgItem(w->hwnd, id);
  if (!on && GetFocus() == b)
    SendMessageW(w->hwnd, WM_NEXTDLGCTL, (WPARAM)GetDlgItem(w->hwnd, IDC_NOTIF_LIST),
                 TRUE);
  EnableWindow(b, on);
}

static void update_buttons(struct notifications *w)
{
  bool admin = !w->ed->mode.read_only, one = selected_notifier(w) >= 0;
  enable(w, IDC_NOTIF_ADD, admin);
  enable(w, IDC_NOTIF_EDIT, admin && one);
  enable(w, IDC_NOTIF_DELETE, admin && one);
  enable(w, IDC_NOTIF_TEST, admin && one && !w->testing[0]);
  enable(w, IDC_OUTBOX_OLDER, w->more);
}

static void submit(struct notifications *w, uint16_t message, enum tag tag,
                   const char *name, int64_t before)
{
  struct sw_service_job *job = sw_service_job_new(w->hwnd, message, (WPARAM)tag);
  if (!job) {
    set_status(w, "The editor is out of memory: nothing was sent.");
    return;
  }
  if (name)
    sw_tlv_put_str(&job->fields, SW_PIPE_TAG_NOTIFIER_NAME, name);
  if (tag == TAG_OUTBOX) {
    sw_tlv_put_int(&job->fields, SW_PIPE_TAG_LIMIT, PAGE);
    if (before)
      sw_tlv_put_int(&job->fields, SW_PIPE_TAG_BEFORE, before);
  }
  if (tag == TAG_TEST)
    job->test_timeout_ms = TEST_WAIT_MS;
  sw_service_submit(w->ed->service, job);
}

/* ---- answers ------------------------------------------------------------------ */

static void show_notifiers(struct notifications *w, const struct sw_service_job *job)
{
  sw_alert_notifiers_free(w->notifiers, w->notifier_count);
  w->notifiers = NULL;
  w->notifier_count = 0;
  HWND list = GetDlgItem(w->hwnd, IDC_NOTIF_LIST);
  SendMessageW(list, LVM_DELETEALLITEMS, 0, 0);
  if (sw_alert_notifiers_decode(job->reply.frame.body, job->reply.frame.body_len,
                                &w->notifiers, &w->notifier_count)) {
    set_status(w, "The service's list of notifiers was not understood.");
    return;
  }
  for (size_t i = 0; i < w->notifier_count; i++)
    for (int c = 0; c < SW_NOTIFIER_COL_COUNT; c++) {
      char text[1024];
      sw_notifier_cell(&w->notifiers[i], (enum sw_notifier_column)c, text, sizeof text);
      set_cell(list, (int)i, c, text);
    }
}

static void show_outbox(struct notifications *w, const struct sw_service_job *job)
{
  struct sw_pipe_notification *page;
  size_t count;
  HWND list = GetDlgItem(w->hwnd, IDC_OUTBOX_LIST);
  SendMessageW(list, LVM_DELETEALLITEMS, 0, 0);
  if (sw_alert_notifications_decode(job->reply.frame.body, job->reply.frame.body_len,
                                    &page, &count, &w->more)) {
    set_status(w, "The service's outbox was not understood.");
    count = 0;
    w->more = false;
  }
  for (size_t i = 0; i < count; i++)
    for (int c = 0; c < SW_OUTBOX_COL_COUNT; c++) {
      char text[1024];
      sw_outbox_cell(&page[i], (enum sw_outbox_column)c, sw_clock_local_text, text,
                     sizeof text);
      set_cell(list, (int)i, c, text);
    }
  if (count)
    w->oldest_key = page[count - 1].key;
  sw_alert_notifications_free(page, count);
}

static void show_test(struct notifications *w, const struct sw_service_job *job)
{
  struct sw_pipe_notification *one;
  size_t count;
  char text[1200];
  if (sw_alert_notifications_decode(job->reply.frame.body, job->reply.frame.body_len,
                                    &one, &count, NULL) ||
      count == 0)
    snprintf(text, sizeof text, "The service's answer to the test was not understood.");
  else
    sw_outbox_test_text(&one[0], w->testing, text, sizeof text);
  sw_alert_notifications_free(one, count);
  set_status(w, text);
  submit(w, SW_PIPE_MSG_NOTIFICATIONS, TAG_OUTBOX, NULL, 0); /* the test is there */
}

/* Why a request failed, as the status line says it. */
static void show_failure(struct notifications *w, const struct sw_service_job *job)
{
  char why[600], text[800];
  if (!strcmp(job->error_code, "unknown_message") || !strcmp(job->error_code, "version"))
    sw_main_text_older_service(job->message, why, sizeof why);
  else if (!strcmp(job->error_code, "access_denied"))
    snprintf(why, sizeof why, "%s", sw_access_mode_denied_text());
  else
    snprintf(why, sizeof why, "%s",
             job->error[0] ? job->error : "The service's answer was not understood.");
  snprintf(text, sizeof text, "%s%s", job->tag == TAG_TEST ? "The test failed: " : "",
           why);
  set_status(w, text);
}

static void on_reply(void *ctx, struct sw_service_job *job)
{
  struct notifications *w = ctx;
  static const uint16_t expected[] = {[TAG_NOTIFIERS] = SW_PIPE_MSG_NOTIFIER_LIST_OK,
                                      [TAG_OUTBOX] = SW_PIPE_MSG_NOTIFICATIONS_OK,
                                      [TAG_DELETE] = SW_PIPE_MSG_DONE_OK,
                                      [TAG_TEST] = SW_PIPE_MSG_NOTIFIER_TEST_OK};
  enum tag tag = (enum tag)job->tag;
  if (tag < TAG_NOTIFIERS || tag > TAG_TEST)
    return; /* NEVER: every job here has one of the tags */
  bool ok = job->outcome == SW_JOB_REPLIED && !job->error_code[0] &&
            job->reply.frame.message == expected[tag];
  if (!ok)
    show_failure(w, job);
  else if (tag == TAG_NOTIFIERS)
    show_notifiers(w, job);
  else if (tag == TAG_OUTBOX)
    show_outbox(w, job);
  else if (tag == TAG_TEST)
    show_test(w, job);
  if (ok && tag == TAG_DELETE)
    submit(w, SW_PIPE_MSG_NOTIFIER_LIST, TAG_NOTIFIERS, NULL, 0);
  if (tag == TAG_TEST)
    w->testing[0] = '\0';
  update_buttons(w);
}

/* ---- commands --------------------------------------------------------------------- */

static void on_command(struct notifications *w, int id)
{
  int i = selected_notifier(w);
  const struct sw_pipe_notifier *n = i >= 0 ? &w->notifiers[i] : NULL;
  switch (id) {
  case IDC_NOTIF_ADD:
  case IDC_NOTIF_EDIT:
    if (!w->ed->mode.read_only && (id == IDC_NOTIF_ADD || n) &&
        sw_notifier_dialog_show(w->hwnd, w->ed, id == IDC_NOTIF_ADD ? NULL : n))
      submit(w, SW_PIPE_MSG_NOTIFIER_LIST, TAG_NOTIFIERS, NULL, 0);
    break;
  case IDC_NOTIF_DELETE: {
    if (!n || w->ed->mode.read_only)
      break;
    char text[400];
    sw_notifier_delete_question(n->name, text, sizeof text);
    if (sw_editor_message(w->hwnd, text, MB_YESNO | MB_ICONWARNING | MB_DEFBUTTON2) ==
        IDYES)
      submit(w, SW_PIPE_MSG_NOTIFIER_DELETE, TAG_DELETE, n->name, 0);
    break;
  }
  case IDC_NOTIF_TEST:
    if (!n || w->ed->mode.read_only || w->testing[0])
      break;
    snprintf(w->testing, sizeof w->testing, "%s", n->name ? n->name : "");
    char text[300];
    snprintf(text, sizeof text, "Testing \"%s\"...", w->testing);
    set_status(w, text);
    submit(w, SW_PIPE_MSG_NOTIFIER_TEST, TAG_TEST, n->name, 0);
    break;
  case IDC_OUTBOX_REFRESH:
    submit(w, SW_PIPE_MSG_NOTIFICATIONS, TAG_OUTBOX, NULL, 0);
    break;
  case IDC_OUTBOX_OLDER:
    if (w->more)
      submit(w, SW_PIPE_MSG_NOTIFICATIONS, TAG_OUTBOX, NULL, w->oldest_key);
    break;
  case IDCANCEL:
  case IDOK:
    EndDialog(w->hwnd, IDOK);
    break;
  default:
    break;
  }
  update_buttons(w);
}

static INT_PTR CALLBACK notifications_proc(HWND dlg, UINT msg, WPARAM wp, LPARAM lp)
{
  struct notifications *w = sw_editor_dialog_context(dlg, msg, lp);
  switch (msg) {
  case WM_INITDIALOG:
    w->hwnd = dlg;
    add_columns(GetDlgItem(dlg, IDC_NOTIF_LIST), notifier_titles, notifier_widths,
                SW_NOTIFIER_COL_COUNT);
    add_columns(GetDlgItem(dlg, IDC_OUTBOX_LIST), outbox_titles, outbox_widths,
                SW_OUTBOX_COL_COUNT);
    submit(w, SW_PIPE_MSG_NOTIFIER_LIST, TAG_NOTIFIERS, NULL, 0);
    submit(w, SW_PIPE_MSG_NOTIFICATIONS, TAG_OUTBOX, NULL, 0);
    update_buttons(w);
    return TRUE;
  case WM_COMMAND:
    if (w && HIWORD(wp) <= 1)
      on_command(w, LOWORD(wp));
    return TRUE;
  case WM_NOTIFY:
    if (w && ((NMHDR *)lp)->code == LVN_ITEMCHANGED)
      update_buttons(w);
    break;
  case WM_SW_SERVICE_REPLY:
    sw_service_reply(lp, w, on_reply);
    return TRUE;
  default:
    break;
  }
  return sw_editor_dialog_default(dlg, msg, wp);
}

void sw_notifications_window_show(HWND owner, struct sw_editor *ed)
{
  if (!ed->service)
    return;
  struct notifications w = {.ed = ed};
  DialogBoxParamW(ed->instance, MAKEINTRESOURCEW(IDD_NOTIFICATIONS), owner,
                  notifications_proc, (LPARAM)&w);
  sw_alert_notifiers_free(w.notifiers, w.notifier_count);
}
