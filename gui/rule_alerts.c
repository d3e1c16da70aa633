/* The rule dialog's notifications column (rule_alerts.h). */
#include "rule_alerts.h"

#include <commctrl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_replies.h"
#include "main_text.h"
#include "pipe_protocol.h"
#include "resource.h"
#include "sw_macros.h"

enum tag {
  TAG_NOTIFIERS = SW_RULE_ALERTS_TAG_FIRST, /* NOTIFIER_LIST */
  TAG_RULES,                                /* STATUS: the rules it may depend on */
  TAG_ALERTS,                               /* RULE_ALERTS_GET */
  TAG_SET,                                  /* RULE_ALERTS_SET */
  TAG_END
};

/* The transitions' check boxes, in SW_ALERT_ON_* bit order. */
static const int on_boxes[] = {IDC_RULE_ON_CRITICAL, IDC_RULE_ON_WARNING,
                               IDC_RULE_ON_RECOVERED, IDC_RULE_ON_FLAPPING};

/* Every control of the column but the error texts. */
static const int controls[] = {
    IDC_RULE_NOTIFY_LABEL,   IDC_RULE_NOTIFY,      IDC_RULE_ON_LABEL,
    IDC_RULE_ON_CRITICAL,    IDC_RULE_ON_WARNING,  IDC_RULE_ON_RECOVERED,
    IDC_RULE_ON_FLAPPING,    IDC_RULE_AFTER_LABEL, IDC_RULE_AFTER,
    IDC_RULE_RENOTIFY_LABEL, IDC_RULE_RENOTIFY,    IDC_RULE_DEPENDS_LABEL,
    IDC_RULE_DEPENDS};

static HWND item(const struct sw_rule_alerts *a, int id)
{
  return GetDlgItem(a->dlg, id);
}

/* Usable once everything is read, unless read-only or a read failed. */
static void update(struct sw_rule_alerts *a)
{
  bool on = !a->read_only && !a->failed && (a->busy & ~(1u << TAG_SET)) == 0;
  for (size_t i = 0; i < SW_COUNTOF(controls); i++)
    EnableWindow(item(a, controls[i]), on);
}

/* The sentence under `field`; "" hides it. Lays the dialog out again. */
static void set_problem(struct sw_rule_alerts *a, enum sw_alert_field field,
                        const char *text)
{
  HWND error = item(a, IDC_RULE_ALERT_ERROR + (int)field);
  a->has_problem[field] = text[0] != '\0';
  sw_editor_set_text(a->dlg, IDC_RULE_ALERT_ERROR + (int)field, text);
  ShowWindow(error, text[0] ? SW_SHOWNA : SW_HIDE);
}

static void show_problems(struct sw_rule_alerts *a, const struct sw_alert_problems *p)
{
  for (int f = 0; f < SW_ALERT_FIELD_COUNT; f++)
    set_problem(a, (enum sw_alert_field)f, p->text[f]);
  sw_rule_layout_flow(a->layout);
}

/* A read failed: the column is greyed, with why. */
static void fail(struct sw_rule_alerts *a, const char *why)
{
  a->failed = true;
  char text[600];
  snprintf(text, sizeof text, "The notifications could not be read: %s", why);
  set_problem(a, SW_ALERT_FIELD_NOTIFY, text);
  sw_rule_layout_flow(a->layout);
  update(a);
}

/* ---- the form and the controls ------------------------------------------- */

static void show_choices(struct sw_rule_alerts *a)
{
  HWND list = item(a, IDC_RULE_NOTIFY);
  SendMessageW(list, LVM_DELETEALLITEMS, 0, 0);
  for (size_t i = 0; i < a->form.choice_count; i++) {
    wchar_t *label = sw_wide_dup(a->form.choices[i].label);
    LVITEMW it = {.mask = LVIF_TEXT, .iItem = (int)i, .pszText = label ? label : L""};
    SendMessageW(list, LVM_INSERTITEMW, 0, (LPARAM)&it);
    free(label);
    ListView_SetCheckState(list, (int)i, a->form.choices[i].checked);
  }
}

static void show_parents(struct sw_rule_alerts *a)
{
  HWND combo = item(a, IDC_RULE_DEPENDS);
  SendMessageW(combo, CB_RESETCONTENT, 0, 0);
  SendMessageW(combo, CB_ADDSTRING, 0, (LPARAM)L"(none)");
  for (size_t i = 0; i < a->form.parent_count; i++) {
    wchar_t *name = sw_wide_dup(a->form.parents[i].name);
    SendMessageW(combo, CB_ADDSTRING, 0, (LPARAM)(name ? name : L"?"));
    free(name);
  }
  SendMessageW(combo, CB_SETCURSEL, sw_alert_form_parent_index(&a->form), 0);
}

static void show_form(struct sw_rule_alerts *a)
{
  show_choices(a);
  for (size_t i = 0; i < SW_COUNTOF(on_boxes); i++)
    CheckDlgButton(a->dlg, on_boxes[i],
                   (a->form.on >> i) & 1u ? BST_CHECKED : BST_UNCHECKED);
  sw_editor_set_text(a->dlg, IDC_RULE_AFTER, a->form.after);
  sw_editor_set_text(a->dlg, IDC_RULE_RENOTIFY, a->form.renotify);
  show_parents(a);
}

/* The controls into a->form (what the user may have changed). */
static void read_form(struct sw_rule_alerts *a)
{
  HWND list = item(a, IDC_RULE_NOTIFY);
  for (size_t i = 0; i < a->form.choice_count; i++)
    a->form.choices[i].checked = ListView_GetCheckState(list, (int)i) != 0;
  a->form.on = 0;
  for (size_t i = 0; i < SW_COUNTOF(on_boxes); i++)
    if (IsDlgButtonChecked(a->dlg, on_boxes[i]) == BST_CHECKED)
      a->form.on |= (uint8_t)(1u << i);
  char *after = sw_editor_get_text(a->dlg, IDC_RULE_AFTER);
  char *renotify = sw_editor_get_text(a->dlg, IDC_RULE_RENOTIFY);
  snprintf(a->form.after, sizeof a->form.after, "%s", after ? after : "");
  snprintf(a->form.renotify, sizeof a->form.renotify, "%s", renotify ? renotify : "");
  free(after);
  free(renotify);
  LRESULT sel = SendDlgItemMessageW(a->dlg, IDC_RULE_DEPENDS, CB_GETCURSEL, 0, 0);
  a->form.depends_on = sel > 0 && (size_t)sel <= a->form.parent_count
                           ? a->form.parents[sel - 1].rule_id
                           : 0;
}

/* ---- requests --------------------------------------------------------------- */

static struct sw_service_job *new_job(struct sw_rule_alerts *a, uint16_t message,
                                      enum tag tag)
{
  if (!a->ed->service) /* no worker (the dialog's own tests): nothing to read */
    return NULL;
  struct sw_service_job *job = sw_service_job_new(a->dlg, message, (WPARAM)tag);
  if (!job)
    fail(a, "the editor is out of memory.");
  return job;
}

static void submit(struct sw_rule_alerts *a, struct sw_service_job *job)
{
  a->busy |= 1u << job->tag;
  sw_service_submit(a->ed->service, job);
  update(a);
}

void sw_rule_alerts_init(struct sw_rule_alerts *a, HWND dlg, struct sw_editor *ed,
                         struct sw_rule_layout *layout, int64_t rule_id, bool read_only)
{
  memset(a, 0, sizeof *a);
  a->dlg = dlg;
  a->ed = ed;
  a->layout = layout;
  a->rule_id = rule_id;
  a->read_only = read_only;
  sw_alert_form_init(&a->form);
  HWND list = item(a, IDC_RULE_NOTIFY);
  SendMessageW(list, LVM_SETEXTENDEDLISTVIEWSTYLE,
               LVS_EX_CHECKBOXES | LVS_EX_FULLROWSELECT,
               LVS_EX_CHECKBOXES | LVS_EX_FULLROWSELECT);
  RECT r;
  GetClientRect(list, &r);
  LVCOLUMNW col = {.mask = LVCF_WIDTH, .cx = r.right};
  SendMessageW(list, LVM_INSERTCOLUMNW, 0, (LPARAM)&col);
  SendDlgItemMessageW(dlg, IDC_RULE_AFTER, EM_LIMITTEXT, sizeof a->form.after - 1, 0);
  SendDlgItemMessageW(dlg, IDC_RULE_RENOTIFY, EM_LIMITTEXT, sizeof a->form.renotify - 1,
                      0);
  show_form(a);
  struct sw_service_job *job = new_job(a, SW_PIPE_MSG_NOTIFIER_LIST, TAG_NOTIFIERS);
  if (job)
    submit(a, job);
  job = a->failed ? NULL : new_job(a, SW_PIPE_MSG_STATUS, TAG_RULES);
  if (job) {
    job->all_status = true;
    submit(a, job);
  }
  job =
      rule_id && !a->failed ? new_job(a, SW_PIPE_MSG_RULE_ALERTS_GET, TAG_ALERTS) : NULL;
  if (job) {
    sw_tlv_put_int(&job->fields, SW_PIPE_TAG_RULE_ID, rule_id);
    submit(a, job);
  }
  update(a);
}

void sw_rule_alerts_free(struct sw_rule_alerts *a)
{
  sw_alert_form_free(&a->form);
}

bool sw_rule_alerts_busy(const struct sw_rule_alerts *a)
{
  return a->busy != 0;
}

bool sw_rule_alerts_owns(WPARAM tag)
{
  return tag >= SW_RULE_ALERTS_TAG_FIRST && tag < TAG_END;
}

bool sw_rule_alerts_is_error(int id)
{
  return id >= IDC_RULE_ALERT_ERROR && id < IDC_RULE_ALERT_ERROR + SW_ALERT_FIELD_COUNT;
}

/* ---- answers ------------------------------------------------------------------ */

/* What the answer says, once read into the form; false (said) if it
 * could not be. */
static bool take(struct sw_rule_alerts *a, enum tag tag, struct sw_service_job *job)
{
  const uint8_t *body = job->reply.frame.body;
  size_t len = job->reply.frame.body_len;
  enum sw_error err = SW_E_OK;
  if (tag == TAG_NOTIFIERS) {
    struct sw_pipe_notifier *list;
    size_t count;
    err = sw_alert_notifiers_decode(body, len, &list, &count);
    if (!err)
      err = sw_alert_form_set_notifiers(&a->form, list, count);
    sw_alert_notifiers_free(list, count);
  } else if (tag == TAG_RULES) {
    int64_t *ids = calloc(job->row_count + 1, sizeof *ids);
    const char **names = calloc(job->row_count + 1, sizeof *names);
    for (size_t i = 0; ids && names && i < job->row_count; i++) {
      ids[i] = job->rows[i].rule_id;
      names[i] = job->rows[i].name;
    }
    err = ids && names
              ? sw_alert_form_set_rules(&a->form, ids, names, job->row_count, a->rule_id)
              : SW_E_NOMEM;
    free(ids);
    free(names);
  } else {
    struct sw_pipe_rule_alerts stored;
    err = sw_alert_rule_alerts_decode(body, len, &stored);
    if (!err)
      err = sw_alert_form_load(&a->form, &stored);
    sw_pipe_rule_alerts_free(&stored);
  }
  if (err)
    fail(a, err == SW_E_NOMEM ? "the editor is out of memory."
                              : "the service's answer was not understood.");
  return !err;
}

/* Why a request failed, as a sentence: a service older than the editor
 * says so. */
static void failure_text(const struct sw_service_job *job, char *out, size_t size)
{
  if (!strcmp(job->error_code, "unknown_message") || !strcmp(job->error_code, "version"))
    sw_main_text_older_service(job->message, out, size);
  else
    snprintf(out, size, "%s", job->error[0] ? job->error : "the request failed.");
}

enum sw_rule_alerts_outcome sw_rule_alerts_reply(struct sw_rule_alerts *a,
                                                 struct sw_service_job *job)
{
  enum tag tag = (enum tag)job->tag;
  a->busy &= ~(1u << tag);
  bool answered = job->outcome == SW_JOB_REPLIED && !job->error_code[0];
  char why[600];
  if (tag == TAG_SET) {
    update(a);
    if (answered && job->reply.frame.message == SW_PIPE_MSG_RULE_ALERTS_OK)
      return SW_RULE_ALERTS_SAVED; /* it carries the settings stored: as sent */
    struct sw_alert_problems p = {0};
    if (answered)
      snprintf(why, sizeof why, "The service's answer was not understood.");
    else
      failure_text(job, why, sizeof why);
    sw_alert_form_service_problem(job->error_code, why, &p);
    show_problems(a, &p);
    return SW_RULE_ALERTS_NOT_SAVED;
  }
  static const uint16_t expected[] = {SW_PIPE_MSG_NOTIFIER_LIST_OK, SW_PIPE_MSG_STATUS_OK,
                                      SW_PIPE_MSG_RULE_ALERTS_OK};
  if (a->failed) {
    /* said already */
  } else if (!answered) {
    failure_text(job, why, sizeof why);
    fail(a, why);
  } else if (job->reply.frame.message != expected[tag - TAG_NOTIFIERS]) {
    fail(a, "the service's answer was not understood.");
  } else if (take(a, tag, job)) {
    show_form(a); /* the controls stay greyed until every read is in */
  }
  update(a);
  return SW_RULE_ALERTS_READ;
}

/* ---- saving ------------------------------------------------------------------- */

bool sw_rule_alerts_check(struct sw_rule_alerts *a)
{
  if (a->failed || a->read_only)
    return true;
  read_form(a);
  struct sw_pipe_rule_alerts out;
  struct sw_alert_problems p;
  enum sw_error err = sw_alert_form_to_alerts(&a->form, a->rule_id, &out, &p);
  free(out.notify);
  show_problems(a, &p);
  return !err && p.count == 0;
}

bool sw_rule_alerts_send(struct sw_rule_alerts *a, int64_t rule_id)
{
  if (a->failed || a->read_only || !a->ed->service)
    return false;
  a->rule_id = rule_id;
  read_form(a);
  struct sw_pipe_rule_alerts out;
  struct sw_alert_problems p;
  if (sw_alert_form_to_alerts(&a->form, rule_id, &out, &p) || p.count) {
    free(out.notify);
    show_problems(a, &p); /* checked before the save: only memory can fail here */
    return false;
  }
  struct sw_service_job *job = new_job(a, SW_PIPE_MSG_RULE_ALERTS_SET, TAG_SET);
  if (job) {
    sw_pipe_put_rule_alerts(&job->fields, &out);
    submit(a, job);
  }
  free(out.notify); /* its names are the form's */
  return job != NULL;
}
