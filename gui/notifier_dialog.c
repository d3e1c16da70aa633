/* The notifier dialog (notifier_dialog.h). The controls of every kind are
 * in the template, on shared rows; choosing a kind shows its own. Save
 * checks the form with the shared validators (a sentence in red, nothing
 * sent), then sends NOTIFIER_ADD or NOTIFIER_UPDATE and closes once the
 * service answers NOTIFIER_OK; a refusal is shown the same way. */
#include "notifier_dialog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "editor_palette.h"
#include "notifier_form.h"
#include "pipe_protocol.h"
#include "resource.h"
#include "sw_macros.h"

_Static_assert(IDC_NOTIFIER_SERVICE == IDC_NOTIFIER_TEXT + SW_NOTIFIER_TEXT_SERVICE &&
                   IDC_NOTIFIER_SERVICE_LABEL ==
                       IDC_NOTIFIER_LABEL + SW_NOTIFIER_TEXT_SERVICE,
               "text controls follow enum sw_notifier_text");

static const wchar_t *const kind_texts[SW_NOTIFIER_KIND_COUNT] = {
    [SW_NOTIFIER_EMAIL] = L"E-mail",
    [SW_NOTIFIER_WEBHOOK] = L"Webhook (HTTPS POST)",
    [SW_NOTIFIER_PROGRAM] = L"Program",
    [SW_NOTIFIER_RESTART_SERVICE] = L"Restart a service",
};
static const wchar_t *const tls_texts[SW_TLS_MODE_COUNT] = {
    [SW_TLS_NONE] = L"None",
    [SW_TLS_STARTTLS] = L"STARTTLS if offered",
    [SW_TLS_REQUIRE_STARTTLS] = L"STARTTLS required",
    [SW_TLS_IMPLICIT] = L"Implicit TLS"};
static const wchar_t *const format_texts[SW_WEBHOOK_FORMAT_COUNT] = {
    [SW_WEBHOOK_GENERIC] = L"Generic JSON",
    [SW_WEBHOOK_TEAMS] = L"Microsoft Teams",
    [SW_WEBHOOK_SLACK] = L"Slack"};

struct notifier_dialog {
  struct sw_editor *ed;
  HWND hwnd;
  const struct sw_pipe_notifier *stored; /* NULL: a new notifier */
  bool busy, saved, error_shown;
};

static int selected(struct notifier_dialog *d, int id)
{
  LRESULT sel = SendDlgItemMessageW(d->hwnd, id, CB_GETCURSEL, 0, 0);
  return sel < 0 ? 0 : (int)sel;
}

/* Shows the chosen kind's controls and hides the others'. */
static void show_kind(struct notifier_dialog *d)
{
  enum sw_notifier_kind kind = (enum sw_notifier_kind)selected(d, IDC_NOTIFIER_KIND);
  for (int t = 0; t < SW_NOTIFIER_TEXT_COUNT; t++) {
    int show = sw_notifier_form_uses(kind, (enum sw_notifier_text)t) ? SW_SHOW : SW_HIDE;
    ShowWindow(GetDlgItem(d->hwnd, IDC_NOTIFIER_TEXT + t), show);
    ShowWindow(GetDlgItem(d->hwnd, IDC_NOTIFIER_LABEL + t), show);
  }
  static const struct {
    int id;
    enum sw_notifier_kind kind;
  } extras[] = {
      {IDC_NOTIFIER_TLS, SW_NOTIFIER_EMAIL},
      {IDC_NOTIFIER_TLS_LABEL, SW_NOTIFIER_EMAIL},
      {IDC_NOTIFIER_PASSWORD_NOTE, SW_NOTIFIER_EMAIL},
      {IDC_NOTIFIER_URL_NOTE, SW_NOTIFIER_WEBHOOK},
      {IDC_NOTIFIER_FORMAT, SW_NOTIFIER_WEBHOOK},
      {IDC_NOTIFIER_FORMAT_LABEL, SW_NOTIFIER_WEBHOOK},
  };
  for (size_t i = 0; i < SW_COUNTOF(extras); i++)
    ShowWindow(GetDlgItem(d->hwnd, extras[i].id),
               extras[i].kind == kind ? SW_SHOW : SW_HIDE);
}

static void fill_combo(HWND dlg, int id, const wchar_t *const *texts, int n, int sel)
{
  for (int i = 0; i < n; i++)
    SendDlgItemMessageW(dlg, id, CB_ADDSTRING, 0, (LPARAM)texts[i]);
  SendDlgItemMessageW(dlg, id, CB_SETCURSEL, (WPARAM)sel, 0);
}

static void on_init(struct notifier_dialog *d)
{
  const struct sw_pipe_notifier *n = d->stored;
  fill_combo(d->hwnd, IDC_NOTIFIER_KIND, kind_texts, SW_NOTIFIER_KIND_COUNT,
             n && n->kind < SW_NOTIFIER_KIND_COUNT ? (int)n->kind : 0);
  fill_combo(d->hwnd, IDC_NOTIFIER_TLS, tls_texts, SW_TLS_MODE_COUNT,
             n && n->tls_mode < SW_TLS_MODE_COUNT ? (int)n->tls_mode : SW_TLS_STARTTLS);
  fill_combo(d->hwnd, IDC_NOTIFIER_FORMAT, format_texts, SW_WEBHOOK_FORMAT_COUNT,
             n && n->format < SW_WEBHOOK_FORMAT_COUNT ? (int)n->format : 0);
  sw_editor_set_text(d->hwnd, IDC_NOTIFIER_PASSWORD_NOTE,
                     sw_notifier_form_secret_note(n && n->password_set));
  sw_editor_set_text(d->hwnd, IDC_NOTIFIER_URL_NOTE,
                     sw_notifier_form_secret_note(n && n->url_shown && n->url_shown[0]));
  if (n) {
    SetWindowTextW(d->hwnd, L"Notifier (change) - SMTP Watch");
    for (int t = 0; t < SW_NOTIFIER_TEXT_COUNT; t++) {
      char text[2048];
      sw_notifier_form_text(n, (enum sw_notifier_text)t, text, sizeof text);
      sw_editor_set_text(d->hwnd, IDC_NOTIFIER_TEXT + t, text);
    }
    /* The name is the notifier's key, the kind its shape: a new notifier
     * for another. */
    SendDlgItemMessageW(d->hwnd, IDC_NOTIFIER_NAME, EM_SETREADONLY, TRUE, 0);
    EnableWindow(GetDlgItem(d->hwnd, IDC_NOTIFIER_KIND), FALSE);
  } else {
    sw_editor_set_text(d->hwnd, IDC_NOTIFIER_TIMEOUT, "60");
  }
  show_kind(d);
}

static void show_error(struct notifier_dialog *d, const char *text)
{
  d->error_shown = text[0] != '\0';
  sw_editor_set_text(d->hwnd, IDC_NOTIFIER_ERROR, text);
}

static void on_save(struct notifier_dialog *d)
{
  if (d->busy || !d->ed->service) {
    MessageBeep(MB_OK);
    return;
  }
  char *texts[SW_NOTIFIER_TEXT_COUNT] = {0};
  struct sw_notifier_form f = {
      .kind = (enum sw_notifier_kind)selected(d, IDC_NOTIFIER_KIND),
      .tls_mode = (enum sw_tls_mode)selected(d, IDC_NOTIFIER_TLS),
      .format = (enum sw_webhook_format)selected(d, IDC_NOTIFIER_FORMAT),
      .editing = d->stored != NULL,
      .revision = d->stored ? d->stored->revision : 0,
      .password_set = d->stored && d->stored->password_set,
      .url_shown = d->stored ? d->stored->url_shown : NULL};
  for (int t = 0; t < SW_NOTIFIER_TEXT_COUNT; t++)
    f.text[t] = texts[t] = sw_editor_get_text(d->hwnd, IDC_NOTIFIER_TEXT + t);
  struct sw_pipe_notifier_input in;
  char why[512];
  enum sw_error err = sw_notifier_form_to_input(&f, &in, why, sizeof why);
  struct sw_service_job *job =
      err ? NULL
          : sw_service_job_new(
                d->hwnd,
                d->stored ? SW_PIPE_MSG_NOTIFIER_UPDATE : SW_PIPE_MSG_NOTIFIER_ADD, 0);
  if (job) {
    sw_pipe_put_notifier_input(&job->fields, &in);
    d->busy = true;
    show_error(d, "");
    sw_editor_set_text(d->hwnd, IDC_NOTIFIER_ERROR, "Saving...");
    sw_service_submit(d->ed->service, job);
  } else {
    show_error(d, err == SW_E_INVALID_ARGUMENT ? why : "The editor is out of memory.");
  }
  sw_pipe_notifier_input_free(&in); /* wipes the secrets */
  for (int t = 0; t < SW_NOTIFIER_TEXT_COUNT; t++)
    free(texts[t]);
  EnableWindow(GetDlgItem(d->hwnd, IDOK), !d->busy);
}

static void on_reply(void *ctx, struct sw_service_job *job)
{
  struct notifier_dialog *d = ctx;
  d->busy = false;
  EnableWindow(GetDlgItem(d->hwnd, IDOK), TRUE);
  if (job->outcome == SW_JOB_REPLIED && !job->error_code[0] &&
      job->reply.frame.message == SW_PIPE_MSG_NOTIFIER_OK) {
    d->saved = true;
    EndDialog(d->hwnd, IDOK);
    return;
  }
  if (!strcmp(job->error_code, "access_denied"))
    d->ed->mode = sw_access_mode_refused();
  char text[700];
  snprintf(text, sizeof text, "Nothing was saved: %s",
           !strcmp(job->error_code, "access_denied") ? sw_access_mode_denied_text()
           : job->error[0]                           ? job->error
                           : "the service's answer was not understood.");
  show_error(d, text);
}

static INT_PTR CALLBACK notifier_proc(HWND dlg, UINT msg, WPARAM wp, LPARAM lp)
{
  struct notifier_dialog *d = sw_editor_dialog_context(dlg, msg, lp);
  switch (msg) {
  case WM_INITDIALOG:
    d->hwnd = dlg;
    on_init(d);
    return TRUE;
  case WM_COMMAND:
    if (!d)
      break;
    if (LOWORD(wp) == IDOK)
      on_save(d);
    else if (LOWORD(wp) == IDCANCEL)
      EndDialog(dlg, IDCANCEL);
    else if (LOWORD(wp) == IDC_NOTIFIER_KIND && HIWORD(wp) == CBN_SELCHANGE)
      show_kind(d);
    return TRUE;
  case WM_SW_SERVICE_REPLY:
    sw_service_reply(lp, d, on_reply);
    return TRUE;
  case WM_CTLCOLORSTATIC:
    if (d && d->error_shown && GetDlgCtrlID((HWND)lp) == IDC_NOTIFIER_ERROR)
      return sw_editor_error_colours((HDC)wp);
    break;
  default:
    break;
  }
  return sw_editor_dialog_default(dlg, msg, wp);
}

bool sw_notifier_dialog_show(HWND owner, struct sw_editor *ed,
                             const struct sw_pipe_notifier *stored)
{
  struct notifier_dialog d = {.ed = ed, .stored = stored};
  DialogBoxParamW(ed->instance, MAKEINTRESOURCEW(IDD_NOTIFIER), owner, notifier_proc,
                  (LPARAM)&d);
  return d.saved;
}
