/* The rule dialog (rule_dialog.h). Thin: what the texts mean and what is
 * wrong with them is model/rule_form's, talking to the service is the
 * worker's (editor_service.h). This file moves texts between the controls
 * and the form, sends RULE_GET / RULE_ADD / RULE_UPDATE / RULE_TEST and
 * acts on the answers; where the controls go is rule_dialog_layout's.
 *
 * In the editor's read-only mode (model/access_mode.h) the dialog shows a
 * stored rule without letting it change: the texts are read-only (still
 * selectable and copyable), the other fields greyed, Save off, Enter and
 * Esc close it, and Test tests the stored rule, which the service lets
 * anyone do.
 *
 * Requests are asynchronous: the dialog stays responsive while one is in
 * flight, with Save and Test disabled until it is answered. Closing the
 * dialog abandons an answer still to come (the worker frees a job whose
 * window is gone; sw_service_drain frees those already queued). */
#include "rule_dialog.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "editor_palette.h"
#include "manage_view.h"
#include "pipe_protocol.h"
#include "resource.h"
#include "rule_alerts.h"
#include "rule_dialog_fields.h"
#include "rule_dialog_layout.h"
#include "rule_form.h"
#include "sw_macros.h"

/* What a request was for: its reply comes back with it. */
enum tag {
  TAG_LOAD = 1, /* RULE_GET of the rule being opened */
  TAG_SAVE,     /* RULE_ADD or RULE_UPDATE */
  TAG_TEST,     /* RULE_TEST of the form's rule */
  TAG_THEIRS,   /* RULE_GET after a stale save: the other user's version */
};

struct rule_dialog {
  struct sw_editor *ed;
  HWND hwnd;
  int64_t rule_id;       /* 0: a new rule (until it is saved) */
  int64_t revision;      /* of the stored rule the form is based on */
  struct sw_rule opened; /* the stored rule as loaded: what "they changed" means */
  struct sw_rule sent;   /* the rule of the last save */
  struct sw_rule_form form;
  char test_title[160]; /* names the rule in the check result dialog */
  unsigned busy;        /* 1 << tag for each request in flight */
  bool loaded;          /* the form holds a rule (new, or fetched) */
  bool read_only;       /* viewing a stored rule: nothing can change */
  bool saved;
  bool banner_is_error;
  bool has_problem[SW_RULE_FIELD_COUNT];
  struct sw_rule_layout layout;
  struct sw_rule_alerts alerts; /* the right column: the rule's notifications */
};

static HWND field_control(struct rule_dialog *d, int field)
{
  return GetDlgItem(d->hwnd, IDC_RULE_FIELD + field);
}

/* ---- the form and the controls ------------------------------------------- */

/* The controls into d->form. False if out of memory. */
static bool read_form(struct rule_dialog *d)
{
  return sw_rule_fields_read(d->hwnd, &d->form);
}

static void focus(struct rule_dialog *d, HWND control)
{
  SendMessageW(d->hwnd, WM_NEXTDLGCTL, (WPARAM)control, TRUE);
}

/* Fields are usable once the rule is there (greyed when they mean nothing
 * with the TLS mode, unless they are wrong: the user must be able to fix
 * them); Save and Test while nothing is in flight. */
static void update_controls(struct rule_dialog *d)
{
  sw_rule_fields_enable(d->hwnd, &d->form, d->loaded, d->read_only, d->has_problem);
  bool can_act = d->loaded && d->busy == 0 && !sw_rule_alerts_busy(&d->alerts);
  bool can_save = can_act && !d->read_only;
  HWND save = GetDlgItem(d->hwnd, IDOK), test = GetDlgItem(d->hwnd, IDC_RULE_TEST);
  HWND had = GetFocus();
  /* A disabled button keeps no focus. */
  if ((!can_save && had == save) || (!can_act && had == test))
    focus(d, GetDlgItem(d->hwnd, d->loaded ? IDC_RULE_NAME : IDCANCEL));
  EnableWindow(save, can_save);
  EnableWindow(test, can_act);
}

/* The line on top: what is going on (`error` false) or what went wrong
 * (red); "" hides it. */
static void set_banner(struct rule_dialog *d, const char *text, bool error)
{
  d->banner_is_error = error;
  sw_editor_set_text(d->hwnd, IDC_RULE_BANNER, text);
  ShowWindow(GetDlgItem(d->hwnd, IDC_RULE_BANNER), text[0] ? SW_SHOWNA : SW_HIDE);
  sw_rule_layout_flow(&d->layout);
}

/* The banner when nothing is going on: empty, or why the rule cannot be
 * changed here. */
static void idle_banner(struct rule_dialog *d)
{
  char text[300] = "";
  if (d->read_only)
    sw_access_mode_banner(d->ed->mode, text, sizeof text);
  set_banner(d, text, false);
}

/* Shows each problem under its field (and clears the others), says in the
 * banner that nothing was done, and focuses the first field at fault. */
static void show_problems(struct rule_dialog *d, const struct sw_rule_problems *p,
                          bool from_service, bool testing)
{
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++) {
    const char *m = sw_rule_problems_find(p, (enum sw_rule_field)f);
    d->has_problem[f] = m != NULL;
    sw_editor_set_text(d->hwnd, IDC_RULE_ERROR + f, m ? m : "");
    ShowWindow(GetDlgItem(d->hwnd, IDC_RULE_ERROR + f), m ? SW_SHOWNA : SW_HIDE);
  }
  /* The round trip's page when a problem is there, for the user to see it. */
  for (size_t i = 0; i < p->count; i++)
    if (p->items[i].field >= SW_RULE_FIELD_ROUND_TRIP) {
      sw_rule_layout_show_page(&d->layout, SW_RULE_PAGE_ROUND_TRIP);
      break;
    }
  char summary[300];
  sw_rule_form_summary(p, from_service, testing, summary, sizeof summary);
  set_banner(d, summary, true);
  update_controls(d);
  if (p->count)
    focus(d, field_control(d, p->items[0].field));
}

static void clear_problems(struct rule_dialog *d)
{
  struct sw_rule_problems none = {0};
  show_problems(d, &none, false, false);
}

/* ---- requests ----------------------------------------------------------------- */

/* Sends `message` with `rule` (NULL: the rule id only). False if it could
 * not be sent (said in the banner). */
static bool submit(struct rule_dialog *d, enum tag tag, uint16_t message,
                   const struct sw_rule *rule, int64_t revision)
{
  if (NEVER(!d->ed->service)) { /* the worker starts before any rule window */
    set_banner(d, "The editor has no link to the service: nothing was sent.", true);
    return false;
  }
  struct sw_service_job *job = sw_service_job_new(d->hwnd, message, (WPARAM)tag);
  if (!job) {
    set_banner(d, "The editor is out of memory: nothing was sent to the service.", true);
    return false;
  }
  if (rule) { /* the form's secrets with it: typed, to remove, or kept */
    struct sw_pipe_rule_secrets secrets;
    sw_rule_form_secrets(&d->form, &secrets);
    sw_pipe_put_rule_input(&job->fields, rule, revision, &secrets);
  } else
    sw_tlv_put_int(&job->fields, SW_PIPE_TAG_RULE_ID, d->rule_id);
  if (message == SW_PIPE_MSG_RULE_TEST)
    job->test_timeout_ms = rule ? rule->timeout_ms : d->opened.timeout_ms;
  d->busy |= 1u << tag;
  sw_service_submit(d->ed->service, job);
  update_controls(d);
  return true;
}

/* The form's rule into `out` (free it) if it is valid; else its problems
 * are shown and nothing is to be sent. */
static bool form_rule(struct rule_dialog *d, bool testing, struct sw_rule *out)
{
  struct sw_rule_problems p;
  if (!read_form(d) || sw_rule_form_to_rule(&d->form, d->rule_id, out, &p)) {
    sw_rule_free(out);
    set_banner(d, "The editor is out of memory: nothing was sent to the service.", true);
    return false;
  }
  if (p.count) {
    show_problems(d, &p, false, testing);
    sw_rule_free(out);
    return false;
  }
  clear_problems(d);
  return true;
}

static void send_save(struct rule_dialog *d)
{
  bool update = d->rule_id != 0;
  d->sent.id = d->rule_id;
  set_banner(d, update ? "Saving the rule..." : "Adding the rule...", false);
  submit(d, TAG_SAVE, update ? SW_PIPE_MSG_RULE_UPDATE : SW_PIPE_MSG_RULE_ADD, &d->sent,
         update ? d->revision : 0);
}

static void on_save(struct rule_dialog *d)
{
  if (!d->loaded || d->busy || d->read_only) {
    MessageBeep(MB_OK); /* Enter while Save is disabled */
    return;
  }
  struct sw_rule rule;
  bool alerts_ok = sw_rule_alerts_check(&d->alerts);
  if (!form_rule(d, false, &rule))
    return;
  if (!alerts_ok) {
    sw_rule_free(&rule);
    set_banner(d, "Nothing was saved: correct the notifications as shown.", true);
    return;
  }
  sw_rule_free(&d->sent);
  d->sent = rule;
  send_save(d);
}

/* Test: the form's rule, unsaved (administrators only); in read-only
 * mode the stored rule, by its id (anyone). */
static void on_test(struct rule_dialog *d)
{
  if (!d->loaded || d->busy)
    return;
  struct sw_rule form;
  const struct sw_rule *rule = &d->opened;
  if (!d->read_only) {
    if (!form_rule(d, true, &form))
      return;
    /* The form's rule, with the stored rule's id: the service tests it
     * as sent, with the stored secrets for those the form does not send. */
    rule = &form;
  }
  char server[300], text[400];
  sw_manage_server_text(sw_rule_target(rule), rule->port, server, sizeof server);
  snprintf(d->test_title, sizeof d->test_title, "%s", rule->name ? rule->name : server);
  snprintf(text, sizeof text, "Testing %s%s; this takes at most %u seconds...", server,
           d->read_only ? "" : " without saving",
           (unsigned)((rule->timeout_ms + 999) / 1000));
  set_banner(d, text, false);
  submit(d, TAG_TEST, SW_PIPE_MSG_RULE_TEST, d->read_only ? NULL : rule, 0);
  if (!d->read_only)
    sw_rule_free(&form);
}

static void on_tls_change(struct rule_dialog *d)
{
  LRESULT sel = SendDlgItemMessageW(d->hwnd, IDC_RULE_TLS, CB_GETCURSEL, 0, 0);
  if (sel < 0 || sel >= SW_TLS_MODE_COUNT)
    return;
  /* The port as typed now decides whether it follows the mode. */
  char *port = sw_editor_get_text(d->hwnd, IDC_RULE_PORT);
  bool changed = false;
  if (port && !sw_rule_form_set_text(&d->form, SW_RULE_FIELD_PORT, port) &&
      !sw_rule_form_set_tls_mode(&d->form, (enum sw_tls_mode)sel, &changed) && changed)
    sw_editor_set_text(d->hwnd, IDC_RULE_PORT,
                       sw_rule_form_text(&d->form, SW_RULE_FIELD_PORT));
  free(port);
  d->form.tls_mode = (enum sw_tls_mode)sel;
  update_controls(d);
}

/* ---- replies ------------------------------------------------------------------ */

static void not_understood(struct rule_dialog *d)
{
  set_banner(d,
             "The service sent a reply this editor does not understand: are the service "
             "and the editor the same version?",
             true);
}

/* The request failed with `why` (a sentence): say what it means here. */
static void failed(struct rule_dialog *d, enum tag tag, const char *why)
{
  const char *then = tag == TAG_LOAD ? "The rule was not loaded: close this window and "
                                       "open it again."
                     : tag == TAG_TEST
                         ? "The rule was not tested."
                         : "Nothing was saved; your changes are still here.";
  char text[800];
  snprintf(text, sizeof text, "%s %s", why[0] ? why : "The request failed.", then);
  set_banner(d, text, true);
}

/* Makes `stored` (taken over) the rule the form is based on and shows it. */
static void take_stored(struct rule_dialog *d, struct sw_pipe_rule *stored)
{
  sw_rule_free(&d->opened);
  d->opened = stored->rule;
  d->revision = stored->revision;
  if (sw_rule_form_from_rule(&d->form, &d->opened)) {
    d->loaded = false;
    set_banner(d, "The editor is out of memory: the rule could not be shown.", true);
    return;
  }
  sw_rule_fields_write(d->hwnd, &d->form);
  d->loaded = true;
}

static void on_deleted_meanwhile(struct rule_dialog *d)
{
  set_banner(d, "Nothing is saved yet: the rule was deleted by someone else.", true);
  int answer =
      sw_editor_message(d->hwnd,
                        "The rule was deleted by someone else since you opened it.\n\n"
                        "Yes: add your version as a new rule.\n"
                        "No: go back to your changes; nothing is saved.",
                        MB_YESNO | MB_ICONWARNING);
  if (answer == IDYES) {
    d->rule_id = 0;
    d->revision = 0;
    send_save(d);
  } else {
    set_banner(d,
               "Nothing was saved: the rule no longer exists. Your changes are still "
               "here; Save asks again.",
               true);
  }
}

/* After a stale save: their version is in; the user decides. */
static void ask_stale(struct rule_dialog *d, struct sw_pipe_rule *theirs)
{
  struct sw_buf q;
  sw_buf_init(&q, 0);
  if (sw_rule_form_stale_question(&d->opened, &theirs->rule, &d->sent, &q)) {
    sw_buf_free(&q);
    sw_rule_free(&theirs->rule);
    set_banner(d, "The editor is out of memory: nothing was saved.", true);
    return;
  }
  set_banner(d,
             "Nothing is saved yet: someone else changed this rule since you opened it.",
             true);
  int answer = sw_editor_message(d->hwnd, sw_buf_str(&q),
                                 MB_YESNOCANCEL | MB_ICONWARNING | MB_DEFBUTTON3);
  sw_buf_free(&q);
  if (answer == IDYES) { /* mine over theirs: based on their revision now */
    sw_rule_free(&d->opened);
    d->opened = theirs->rule;
    d->revision = theirs->revision;
    send_save(d);
  } else if (answer == IDNO) {
    take_stored(d, theirs);
    clear_problems(d);
    set_banner(d, "Their version of the rule is loaded; your changes were discarded.",
               false);
  } else { /* the revision stays: the next Save asks again */
    sw_rule_free(&theirs->rule);
    set_banner(
        d,
        "Nothing was saved: someone else changed this rule. Your changes are still "
        "here; Save asks again.",
        true);
  }
}

static void on_error(struct rule_dialog *d, enum tag tag, struct sw_service_job *job)
{
  bool not_found = !strcmp(job->error_code, "not_found");
  if (tag == TAG_SAVE && !strcmp(job->error_code, "stale")) {
    set_banner(d,
               "Someone else changed this rule since you opened it; fetching their "
               "version...",
               false);
    submit(d, TAG_THEIRS, SW_PIPE_MSG_RULE_GET, NULL, 0);
  } else if ((tag == TAG_SAVE || tag == TAG_THEIRS) && not_found && d->rule_id) {
    on_deleted_meanwhile(d);
  } else if (!strcmp(job->error_code, "access_denied")) {
    /* Not an administrator after all, in the service's eyes: the main
     * window turns read-only once this dialog closes. */
    if (!d->read_only)
      d->ed->mode = sw_access_mode_refused();
    failed(d, tag, sw_access_mode_denied_text());
  } else if (tag == TAG_LOAD && not_found) {
    char text[200];
    snprintf(text, sizeof text,
             "Rule %" PRId64 " no longer exists: someone deleted it. Close this window.",
             d->rule_id);
    set_banner(d, text, true);
  } else {
    failed(d, tag, job->error);
  }
}

/* The rule is saved (`stored` taken over): its notifications follow
 * (RULE_ALERTS_SET), then the dialog closes. The rule is now stored: a
 * second Save after a refusal of its notifications updates it. */
static void saved(struct rule_dialog *d, struct sw_pipe_rule *stored)
{
  d->saved = true;
  d->rule_id = stored->rule.id;
  d->revision = stored->revision;
  sw_rule_free(&d->opened);
  d->opened = stored->rule;
  if (sw_rule_alerts_send(&d->alerts, d->rule_id))
    set_banner(d, "Saving the rule's notifications...", false);
  else
    EndDialog(d->hwnd, IDOK);
}

static void on_rule(struct rule_dialog *d, enum tag tag, struct sw_service_job *job)
{
  struct sw_pipe_rule pr;
  if (tag == TAG_TEST ||
      sw_manage_body_rule(job->reply.frame.body, job->reply.frame.body_len, &pr)) {
    not_understood(d);
    return;
  }
  switch (tag) {
  case TAG_LOAD:
    take_stored(d, &pr);
    if (d->loaded) {
      idle_banner(d);
      update_controls(d);
      focus(d, GetDlgItem(d->hwnd, IDC_RULE_NAME));
    }
    break;
  case TAG_SAVE:
    saved(d, &pr);
    break;
  case TAG_THEIRS:
    ask_stale(d, &pr);
    break;
  case TAG_TEST:
    SW_NOT_REACHED(); /* refused above */
    break;
  }
}

static void on_alerts_reply(struct rule_dialog *d, struct sw_service_job *job)
{
  switch (sw_rule_alerts_reply(&d->alerts, job)) {
  case SW_RULE_ALERTS_SAVED:
    EndDialog(d->hwnd, IDOK);
    break;
  case SW_RULE_ALERTS_NOT_SAVED:
    set_banner(d,
               "The rule was saved, but not its notifications: correct them as shown and "
               "Save again.",
               true);
    break;
  case SW_RULE_ALERTS_READ:
    break;
  }
  update_controls(d);
}

static void on_test_result(struct rule_dialog *d, enum tag tag,
                           struct sw_service_job *job)
{
  struct sw_pipe_result result;
  if (tag != TAG_TEST ||
      sw_manage_body_result(job->reply.frame.body, job->reply.frame.body_len, &result)) {
    if (tag == TAG_TEST)
      sw_pipe_result_free(&result);
    not_understood(d);
    return;
  }
  idle_banner(d);
  sw_check_result_show(d->hwnd, d->ed, d->test_title, &result);
  sw_pipe_result_free(&result);
}

static void on_reply(struct rule_dialog *d, struct sw_service_job *job)
{
  if (sw_rule_alerts_owns(job->tag)) {
    on_alerts_reply(d, job);
    return;
  }
  enum tag tag = (enum tag)job->tag;
  d->busy &= ~(1u << tag);
  update_controls(d); /* before a message box or the result dialog */
  if (job->outcome == SW_JOB_UNREACHABLE) {
    failed(d, tag, job->error);
  } else {
    switch (job->reply.frame.message) {
    case SW_PIPE_MSG_ERROR:
      on_error(d, tag, job);
      break;
    case SW_PIPE_MSG_RULE_INVALID: {
      struct sw_rule_problems p;
      if (sw_rule_form_service_problems(job->reply.frame.body, job->reply.frame.body_len,
                                        &p))
        not_understood(d);
      else
        show_problems(d, &p, true, tag == TAG_TEST);
      break;
    }
    case SW_PIPE_MSG_RULE_OK:
      on_rule(d, tag, job);
      break;
    case SW_PIPE_MSG_RULE_TEST_OK:
      on_test_result(d, tag, job);
      break;
    default:
      not_understood(d);
      break;
    }
  }
  update_controls(d);
}

/* ---- the dialog ------------------------------------------------------------------ */

/* Read-only mode: the texts cannot be typed into, Close instead of
 * Cancel, and Enter closes (Save stays, greyed, so that the dialog looks
 * as it does for an administrator). */
static void init_read_only(struct rule_dialog *d)
{
  SetWindowTextW(d->hwnd, L"Rule (read-only) - SMTP Watch");
  SetDlgItemTextW(d->hwnd, IDCANCEL, L"Close");
  SendMessageW(d->hwnd, DM_SETDEFID, IDCANCEL, 0);
}

static void on_init(struct rule_dialog *d)
{
  sw_rule_fields_init(d->hwnd, d->read_only);
  if (d->read_only)
    init_read_only(d);
  sw_rule_layout_init(&d->layout, d->hwnd);
  sw_rule_layout_show_page(&d->layout, SW_RULE_PAGE_ALERTS);
  sw_rule_alerts_init(&d->alerts, d->hwnd, d->ed, &d->layout, d->rule_id, d->read_only);
  if (d->rule_id == 0) {
    struct sw_pipe_rule fresh = {.revision = 0};
    sw_rule_init_defaults(&fresh.rule);
    take_stored(d, &fresh);
    update_controls(d);
  } else {
    sw_rule_form_init(&d->form);
    update_controls(d);
    set_banner(d, "Loading the rule from the service...", false);
    submit(d, TAG_LOAD, SW_PIPE_MSG_RULE_GET, NULL, 0);
  }
}

static INT_PTR CALLBACK dialog_proc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
  struct rule_dialog *d = (struct rule_dialog *)GetWindowLongPtrW(hwnd, DWLP_USER);
  switch (msg) {
  case WM_INITDIALOG:
    d = (struct rule_dialog *)lp;
    d->hwnd = hwnd;
    SetWindowLongPtrW(hwnd, DWLP_USER, (LONG_PTR)d);
    on_init(d);
    if (d->loaded)
      return TRUE; /* focus on the first field, Name */
    SetFocus(GetDlgItem(hwnd, IDCANCEL));
    return FALSE;
  case WM_COMMAND:
    if (!d)
      break;
    switch (LOWORD(wp)) {
    case IDOK:
      on_save(d);
      return TRUE;
    case IDCANCEL:
      EndDialog(hwnd, IDCANCEL);
      return TRUE;
    case IDC_RULE_TEST:
      on_test(d);
      return TRUE;
    case IDC_RULE_TLS:
      if (HIWORD(wp) == CBN_SELCHANGE)
        on_tls_change(d);
      return TRUE;
    case IDC_RULE_PAGE_ALERTS:
    case IDC_RULE_PAGE_ROUND_TRIP:
      if (HIWORD(wp) == BN_CLICKED)
        sw_rule_layout_show_page(&d->layout, LOWORD(wp) == IDC_RULE_PAGE_ROUND_TRIP
                                                 ? SW_RULE_PAGE_ROUND_TRIP
                                                 : SW_RULE_PAGE_ALERTS);
      return TRUE;
    default:
      if (sw_rule_fields_changed(hwnd, &d->form, LOWORD(wp), HIWORD(wp)))
        update_controls(d);
      break;
    }
    break;
  case WM_SW_SERVICE_REPLY: {
    struct sw_service_job *job = (struct sw_service_job *)lp;
    if (d)
      on_reply(d, job);
    sw_service_job_free(job);
    return TRUE;
  }
  case WM_DPICHANGED:
    if (!d)
      break;
    sw_rule_layout_dpi_changed(&d->layout, HIWORD(wp), (const RECT *)lp);
    return TRUE; /* all done here: the dialog manager's scaling is off */
  case WM_CTLCOLORSTATIC: {
    int id = GetDlgCtrlID((HWND)lp);
    bool error = (id >= IDC_RULE_ERROR && id < IDC_RULE_ERROR + SW_RULE_FIELD_COUNT) ||
                 sw_rule_alerts_is_error(id) ||
                 (id == IDC_RULE_BANNER && d && d->banner_is_error);
    if (!error)
      break;
    /* Red in the normal theme; the theme's text colour in high contrast. */
    return sw_editor_error_colours((HDC)wp);
  }
  case WM_SYSCOLORCHANGE:
  case WM_SETTINGCHANGE:
  case WM_THEMECHANGED:
    sw_editor_palette_follow(hwnd, msg, wp);
    break;
  case WM_DESTROY:
    sw_service_drain(hwnd);
    break;
  default:
    break;
  }
  return FALSE;
}

bool sw_rule_dialog_show(HWND owner, struct sw_editor *ed, int64_t rule_id)
{
  struct rule_dialog *d = calloc(1, sizeof *d);
  if (!d) {
    sw_editor_message(owner, "The editor is out of memory: the rule cannot be opened.",
                      MB_OK | MB_ICONERROR);
    return false;
  }
  d->ed = ed;
  d->rule_id = rule_id;
  /* Nothing to view in a new rule: the main window offers no Add then. */
  d->read_only = ed->mode.read_only && rule_id != 0;
  sw_rule_init_defaults(&d->opened);
  sw_rule_init_defaults(&d->sent);
  sw_rule_form_init(&d->form);
  INT_PTR r = DialogBoxParamW(ed->instance, MAKEINTRESOURCEW(IDD_RULE), owner,
                              dialog_proc, (LPARAM)d);
  if (r == -1) {
    char text[200];
    snprintf(text, sizeof text,
             "The rule dialog could not be opened (Windows error %lu).",
             (unsigned long)GetLastError());
    sw_editor_message(owner, text, MB_OK | MB_ICONERROR);
  }
  bool saved = d->saved;
  sw_rule_alerts_free(&d->alerts);
  sw_rule_layout_free(&d->layout);
  sw_rule_free(&d->opened);
  sw_rule_free(&d->sent);
  sw_rule_form_free(&d->form);
  free(d);
  return saved;
}
