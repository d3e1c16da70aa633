/* What the main window's commands do (main_window_internal.h): Add and
 * Edit open the rule dialog (Edit is View in read-only mode, where Add,
 * Delete and Enable/Disable do nothing), History the history dialog; Delete (after
 * asking), Enable/Disable and Test now send their request through the
 * service worker and handle its answer when it comes back, each as a
 * struct sw_main_pending that remembers which rule it was about. */
#include "main_window_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ack_dialog.h"
#include "history_dialog.h"
#include "notifications_window.h"
#include "report_window.h"
#include "manage_view.h"
#include "pipe_protocol.h"
#include "resource.h"
#include "rule_dialog.h"
#include "sw_macros.h"

/* A new pending action on rule `rule_id` (called `name`), listed on the window; NULL (and
 * the user told) if out of memory. */
static struct sw_main_pending *new_action(struct sw_main_window *w,
                                          enum sw_main_action kind, int64_t rule_id,
                                          const char *name)
{
  struct sw_main_pending *a = calloc(1, sizeof *a);
  if (!a) {
    sw_editor_message(w->hwnd, "The editor is out of memory: nothing was sent.",
                      MB_OK | MB_ICONERROR);
    return NULL;
  }
  a->kind = kind;
  a->rule_id = rule_id;
  snprintf(a->name, sizeof a->name, "%s", name);
  a->next = w->actions;
  w->actions = a;
  return a;
}

static struct sw_main_pending *take_action(struct sw_main_window *w, WPARAM tag)
{
  for (struct sw_main_pending **p = &w->actions; *p; p = &(*p)->next) {
    if ((WPARAM)*p == tag) {
      struct sw_main_pending *a = *p;
      *p = a->next;
      return a;
    }
  }
  return NULL; /* not a pending action */
}

/* Sends `message` about the action's rule (RULE_ID, and ENABLED for a
 * toggle); false (and the action dropped) if out of memory. */
static bool submit_action(struct sw_main_window *w, struct sw_main_pending *a,
                          uint16_t message, uint32_t test_timeout_ms)
{
  struct sw_service_job *job = sw_service_job_new(w->hwnd, message, (WPARAM)a);
  if (!job) {
    free(take_action(w, (WPARAM)a));
    sw_editor_message(w->hwnd, "The editor is out of memory.", MB_OK | MB_ICONERROR);
    return false;
  }
  sw_tlv_put_int(&job->fields, SW_PIPE_TAG_RULE_ID, a->rule_id);
  if (message == SW_PIPE_MSG_RULE_SET_ENABLED)
    sw_tlv_put_bool(&job->fields, SW_PIPE_TAG_ENABLED, a->kind == SW_MAIN_ENABLE);
  job->test_timeout_ms = test_timeout_ms;
  sw_service_submit(w->ed->service, job);
  return true;
}

static void show_failure(struct sw_main_window *w, const struct sw_main_pending *a,
                         enum sw_main_action kind, const struct sw_service_job *job)
{
  struct sw_service_job bad = {.outcome = SW_JOB_REPLIED};
  if (job->outcome == SW_JOB_REPLIED && !job->error_code[0] && !job->error[0]) {
    /* An answer of the wrong kind, or one that did not decode. */
    snprintf(bad.error, sizeof bad.error,
             "The service's answer was not understood: the editor and the service may "
             "be different versions.");
    job = &bad;
  }
  char text[1024];
  sw_main_text_failure(kind, a->name, job->error_code, job->error, text, sizeof text);
  bool refused = strcmp(job->error_code, "access_denied") == 0 && kind != SW_MAIN_TEST &&
                 kind != SW_MAIN_OPEN;
  if (refused) {
    /* The service does not count this user as an administrator after all
     * (e.g. the account left the group since it logged on): the editor
     * says so up front from now on, rather than at every change. */
    w->ed->mode = sw_access_mode_refused();
    sw__main_apply_mode(w);
  }
  sw_editor_message(w->hwnd, text, MB_OK | MB_ICONERROR);
  if (strcmp(job->error_code, "not_found") == 0)
    sw__main_refresh(w, true);
}

static bool replied(const struct sw_service_job *job, uint16_t expect)
{
  return job->outcome == SW_JOB_REPLIED && job->reply.frame.message == expect &&
         !job->error_code[0];
}

/* Test now, step 2: the rule's timeout is known; run it. */
static void test_got_rule(struct sw_main_window *w, struct sw_main_pending *a,
                          const struct sw_service_job *job)
{
  struct sw_pipe_rule pr;
  if (sw_manage_body_rule(job->reply.frame.body, job->reply.frame.body_len, &pr)) {
    show_failure(w, a, SW_MAIN_OPEN, job);
    free(a);
    return;
  }
  uint32_t timeout_ms = pr.rule.timeout_ms;
  sw_rule_free(&pr.rule);
  a->kind = SW_MAIN_TEST;
  a->next = w->actions;
  w->actions = a;
  if (submit_action(w, a, SW_PIPE_MSG_RULE_TEST, timeout_ms)) {
    w->tests_running++;
    snprintf(w->testing, sizeof w->testing, "%s", a->name);
    sw__main_update_status(w);
  }
}

static void test_done(struct sw_main_window *w, const struct sw_main_pending *a,
                      const struct sw_service_job *job)
{
  w->tests_running--;
  sw__main_update_status(w);
  if (!replied(job, SW_PIPE_MSG_RULE_TEST_OK)) {
    show_failure(w, a, SW_MAIN_TEST, job);
    return;
  }
  struct sw_pipe_result result;
  if (sw_manage_body_result(job->reply.frame.body, job->reply.frame.body_len, &result)) {
    struct sw_service_job bad = {.outcome = SW_JOB_REPLIED};
    show_failure(w, a, SW_MAIN_TEST, &bad);
  } else {
    sw_check_result_show(w->hwnd, w->ed, a->name, &result);
  }
  sw_pipe_result_free(&result);
}

void sw__main_action_done(struct sw_main_window *w, struct sw_service_job *job)
{
  struct sw_main_pending *a = take_action(w, job->tag);
  if (NEVER(!a))
    return; /* every tag but SW_MAIN_TAG_STATUS is a pending action */
  switch (a->kind) {
  case SW_MAIN_ACK:
  case SW_MAIN_UNACK:
  case SW_MAIN_ACCEPT:
  case SW_MAIN_DELETE:
  case SW_MAIN_ENABLE:
  case SW_MAIN_DISABLE:
    if (replied(job, a->kind == SW_MAIN_ENABLE || a->kind == SW_MAIN_DISABLE
                         ? SW_PIPE_MSG_RULE_OK
                         : SW_PIPE_MSG_DONE_OK))
      sw__main_refresh(w, true);
    else
      show_failure(w, a, a->kind, job);
    break;
  case SW_MAIN_OPEN:
    if (replied(job, SW_PIPE_MSG_RULE_OK)) {
      test_got_rule(w, a, job);
      return; /* `a` lives on as the test, or was freed */
    }
    show_failure(w, a, SW_MAIN_TEST, job);
    break;
  case SW_MAIN_TEST:
    test_done(w, a, job);
    break;
  }
  free(a);
}

/* ---- commands ------------------------------------------------------------- */

bool sw__main_allowed(const struct sw_main_window *w, int id)
{
  enum sw_access_command c;
  switch (id) {
  case IDC_MAIN_ADD:
    c = SW_ACCESS_ADD;
    break;
  case IDOK: /* Enter in the list */
  case IDC_MAIN_EDIT:
    c = SW_ACCESS_EDIT;
    break;
  case IDC_MAIN_DELETE:
    c = SW_ACCESS_DELETE;
    break;
  case IDC_MAIN_ENABLE:
    c = SW_ACCESS_ENABLE;
    break;
  case IDC_MAIN_TEST:
    c = SW_ACCESS_TEST_SAVED;
    break;
  case IDC_MAIN_HISTORY:
    c = SW_ACCESS_HISTORY;
    break;
  case IDC_MAIN_ACK:
  case IDC_MAIN_ACCEPT: /* an administrator's word on a rule, like an ack */
    c = SW_ACCESS_ACK;
    break;
  default:
    c = SW_ACCESS_REFRESH;
    break;
  }
  return sw_access_mode_allows(w->ed->mode, c);
}

/* Acknowledge: asks for a comment and sends RULE_ACK for a bad rule, or
 * RULE_UNACK for an acknowledged one (at once: taking it back loses
 * nothing). */
static void acknowledge(struct sw_main_window *w, const struct sw_rule_row *s)
{
  enum sw_rule_ack what = sw_rule_rows_ack_action(s);
  if (what == SW_RULE_ACK_NONE) {
    MessageBeep(MB_OK); /* Ctrl+K on a rule that is not bad */
    return;
  }
  int64_t rule_id = s->rule_id;
  char name[256], state[64], question[768];
  snprintf(name, sizeof name, "%s", s->name);
  snprintf(state, sizeof state, "%s", sw_nagios_status_name(s->state));
  char *comment = NULL;
  if (what == SW_RULE_ACK_ACK) {
    sw_main_text_ack_question(name, state, question, sizeof question);
    if (!sw_ack_dialog_show(w->hwnd, w->ed, question, &comment))
      return; /* s may be gone: the dialog's loop may have replaced the rows */
  }
  struct sw_main_pending *a =
      new_action(w, what == SW_RULE_ACK_ACK ? SW_MAIN_ACK : SW_MAIN_UNACK, rule_id, name);
  struct sw_service_job *job =
      a ? sw_service_job_new(w->hwnd,
                             what == SW_RULE_ACK_ACK ? SW_PIPE_MSG_RULE_ACK
                                                     : SW_PIPE_MSG_RULE_UNACK,
                             (WPARAM)a)
        : NULL;
  if (a && !job) {
    free(take_action(w, (WPARAM)a));
    sw_editor_message(w->hwnd, "The editor is out of memory.", MB_OK | MB_ICONERROR);
  }
  if (job) {
    sw_tlv_put_int(&job->fields, SW_PIPE_TAG_RULE_ID, rule_id);
    if (comment && comment[0])
      sw_tlv_put_str(&job->fields, SW_PIPE_TAG_ACK_COMMENT, comment);
    sw_service_submit(w->ed->service, job);
  }
  free(comment);
}

/* The rule dialog for `rule_id` (0: a new rule); it opens read-only in
 * read-only mode, and a refusal it met makes the window read-only. */
static void show_rule(struct sw_main_window *w, int64_t rule_id)
{
  bool saved = sw_rule_dialog_show(w->hwnd, w->ed, rule_id);
  sw__main_apply_mode(w);
  if (saved)
    sw__main_refresh(w, true);
}

void sw__main_command(struct sw_main_window *w, int id)
{
  if (!sw__main_allowed(w, id)) {
    /* Not from a button (greyed) or a key (not there), but a WM_COMMAND can
     * come from another program. */
    MessageBeep(MB_OK);
    return;
  }
  const struct sw_rule_row *s = sw__main_selected(w);
  /* Copies: the rows may be replaced while a modal dialog runs. */
  int64_t rule_id = s ? s->rule_id : 0;
  char name[256];
  snprintf(name, sizeof name, "%s", s ? s->name : "");
  switch (id) {
  case IDC_MAIN_ADD:
    show_rule(w, 0);
    return;
  case IDC_MAIN_REFRESH:
    sw__main_refresh(w, true);
    return;
  case IDC_MAIN_NOTIFICATIONS:
    sw_notifications_window_show(w->hwnd, w->ed);
    sw__main_apply_mode(w); /* a refusal there makes the editor read-only */
    return;
  case IDC_MAIN_REPORT:
    sw_report_window_show(w->hwnd, w->ed);
    return;
  default:
    break;
  }
  if (!s || !w->ed->service) {
    MessageBeep(MB_OK); /* a key for a rule with no rule selected */
    return;
  }
  switch (id) {
  case IDOK: /* Enter in the list */
  case IDC_MAIN_EDIT:
    show_rule(w, rule_id);
    break;
  case IDC_MAIN_DELETE: {
    char server[300], text[1024];
    sw_manage_server_text(s->host, s->port, server, sizeof server);
    sw_main_text_delete_question(name, server, text, sizeof text);
    if (sw_editor_message(w->hwnd, text, MB_YESNO | MB_ICONWARNING | MB_DEFBUTTON2) !=
        IDYES)
      break;
    s = NULL; /* the message box's loop may have replaced the rows */
    struct sw_main_pending *a = new_action(w, SW_MAIN_DELETE, rule_id, name);
    if (a)
      submit_action(w, a, SW_PIPE_MSG_RULE_DELETE, 0);
    break;
  }
  case IDC_MAIN_ENABLE: {
    struct sw_main_pending *a =
        new_action(w, s->enabled ? SW_MAIN_DISABLE : SW_MAIN_ENABLE, rule_id, name);
    if (a)
      submit_action(w, a, SW_PIPE_MSG_RULE_SET_ENABLED, 0);
    break;
  }
  case IDC_MAIN_TEST: {
    /* RULE_GET first: the test's connection waits as long as the rule's
     * own timeout allows, which the status does not carry. */
    struct sw_main_pending *a = new_action(w, SW_MAIN_OPEN, rule_id, name);
    if (a)
      submit_action(w, a, SW_PIPE_MSG_RULE_GET, 0);
    break;
  }
  case IDC_MAIN_HISTORY:
    sw_history_dialog_show(w->hwnd, w->ed, rule_id, name);
    break;
  case IDC_MAIN_ACK:
    acknowledge(w, s);
    break;
  case IDC_MAIN_ACCEPT: {
    /* No question: accepting is undone by the server changing again, and
     * the event says who accepted what. */
    struct sw_main_pending *a = new_action(w, SW_MAIN_ACCEPT, rule_id, name);
    if (a)
      submit_action(w, a, SW_PIPE_MSG_RULE_ACCEPT, 0);
    break;
  }
  }
}

void sw__main_actions_free(struct sw_main_window *w)
{
  while (w->actions) {
    struct sw_main_pending *next = w->actions->next;
    free(w->actions);
    w->actions = next;
  }
}
