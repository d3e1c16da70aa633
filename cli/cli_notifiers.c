/* `smtpwatch notifiers list|show|add|delete|test`: the service's notifiers.
 * The service validates a notifier and keeps its secrets; this file reads
 * the relay password from the file the administrator names (never from the
 * command line, where other users could see it), sends it once, and wipes
 * every copy it made. Nothing here prints a secret: the service's replies
 * carry none. */
#include <windows.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_requests.h"
#include "alert_view.h"
#include "cli_pipe.h"
#include "console_out.h"
#include "json_writer.h"
#include "pipe_protocol.h"
#include "secret_file.h"
#include "smtp_auth.h"
#include "win_error.h"
#include "win_text.h"

/* A test notification may take a program's whole timeout, or a mail's
 * relays one after the other: the service needs this much at least. */
#define TEST_MIN_MS 120000u
#define TEST_MARGIN_MS 30000u

/* The relay password from the file `path` into *out (wipe and free it);
 * the exit code, after a sentence that names the file if it cannot be
 * read or holds no password. */
static int read_password(struct sw_cli_conn *c, const char *path, char **out)
{
  char why[400];
  *out = sw_cli_read_secret_file("auth-password-file", path, why, sizeof why);
  if (!*out) {
    sw_cli_say(c, "%s", why);
    return SW_MANAGE_EXIT_USAGE;
  }
  return SW_MANAGE_EXIT_OK;
}

static void name_field(struct sw_buf *fields, const char *name)
{
  sw_tlv_put_str(fields, SW_PIPE_TAG_NOTIFIER_NAME, name);
}

/* Prints the notifiers of the reply (NOTIFIER_LIST_OK or NOTIFIER_OK): a
 * list, or the first one as a record after `intro` (people only). */
static int print_notifiers(struct sw_cli_conn *c, enum sw_table_format format,
                           const struct sw_pipe_rule_alerts *defaults, bool record,
                           const char *intro)
{
  struct sw_manage_view v = sw_cli_view(format);
  struct sw_table t;
  bool brief = !record && format == SW_TABLE_TEXT;
  enum sw_error err = sw_manage_notifiers_table(
      c->reply.frame.body, c->reply.frame.body_len, &v, brief, defaults, &t);
  int code = sw_cli_print_rows(c, &t, format, record, err,
                               "There are no notifiers yet: add one with 'smtpwatch "
                               "notifiers add NAME --email ...' (see --help).",
                               intro);
  sw_table_free(&t);
  return code;
}

static int list(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  struct sw_pipe_rule_alerts defaults;
  int code = sw_cli_get_rule_alerts(c, SW_PIPE_DEFAULT_ALERTS, &defaults);
  if (!code)
    code = sw_cli_pipe_call(c, SW_PIPE_MSG_NOTIFIER_LIST, NULL,
                            SW_PIPE_MSG_NOTIFIER_LIST_OK);
  if (!code)
    code = print_notifiers(c, a->format, &defaults, false, NULL);
  sw_pipe_rule_alerts_free(&defaults);
  return code;
}

/* NOTIFIER_GET of a->notifier: NOTIFIER_OK in c->reply. */
static int get_notifier(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  name_field(&fields, a->notifier);
  int code =
      sw_cli_pipe_call(c, SW_PIPE_MSG_NOTIFIER_GET, &fields, SW_PIPE_MSG_NOTIFIER_OK);
  sw_buf_free(&fields);
  return code;
}

static int show(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  struct sw_pipe_rule_alerts defaults;
  int code = sw_cli_get_rule_alerts(c, SW_PIPE_DEFAULT_ALERTS, &defaults);
  if (!code)
    code = get_notifier(c, a);
  if (!code)
    code = print_notifiers(c, a->format, &defaults, true, NULL);
  sw_pipe_rule_alerts_free(&defaults);
  return code;
}

/* NOTIFIER_ADD with the secrets, whose copies are wiped once sent. */
static int add(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  const struct sw_notifier_args *na = &a->alert.notifier;
  char *password = NULL;
  int code = SW_MANAGE_EXIT_OK;
  if (na->auth_password_file && *na->auth_password_file)
    code = read_password(c, na->auth_password_file, &password);
  if (code)
    return code;
  struct sw_pipe_notifier_input in;
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  if (sw_manage_notifier_input(na, password, &in)) {
    sw_cli_say(c, "%s.", sw_error_text(SW_E_NOMEM));
    code = SW_MANAGE_EXIT_UNREACHABLE;
  } else {
    sw_pipe_put_notifier_input(&fields, &in);
    code =
        sw_cli_pipe_call(c, SW_PIPE_MSG_NOTIFIER_ADD, &fields, SW_PIPE_MSG_NOTIFIER_OK);
  }
  sw_auth_wipe(fields.data, fields.len);
  sw_buf_free(&fields);
  sw_pipe_notifier_input_free(&in); /* wipes its secrets */
  if (password) {
    sw_auth_wipe(password, strlen(password));
    free(password);
  }
  if (code)
    return code;
  char intro[200];
  snprintf(intro, sizeof intro, "Added notifier \"%s\":", a->notifier);
  return print_notifiers(c, a->format, NULL, true, intro);
}

static int delete_notifier(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  name_field(&fields, a->notifier);
  int code =
      sw_cli_pipe_call(c, SW_PIPE_MSG_NOTIFIER_DELETE, &fields, SW_PIPE_MSG_DONE_OK);
  sw_buf_free(&fields);
  if (code)
    return code;
  sw_console_printf(stdout, "Deleted notifier \"%s\".\n", a->notifier);
  fflush(stdout);
  return SW_MANAGE_EXIT_OK;
}

/* What the test's outcome says to people; 0 when it was delivered. */
static int say_outcome(const struct sw_manage_args *a,
                       const struct sw_pipe_notification *n)
{
  if (n->status == SW_PIPE_DELIVERY_SENT) {
    sw_console_printf(stdout,
                      "The test notification through \"%s\" was delivered (id %s).\n",
                      a->notifier, n->id ? n->id : "");
    return SW_MANAGE_EXIT_OK;
  }
  sw_console_printf(
      stdout, "The test notification through \"%s\" failed: %s\n", a->notifier,
      n->last_error && *n->last_error ? n->last_error : "the service gave no reason.");
  return SW_MANAGE_EXIT_REFUSED;
}

/* NOTIFIER_TEST: the service makes one attempt now, on a connection whose
 * timeout allows for it, and answers with the attempt (sent or failed). */
static int test(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  struct sw_pipe_notifier n;
  int code = get_notifier(c, a);
  if (code)
    return code;
  if (sw_manage_body_notifier(c->reply.frame.body, c->reply.frame.body_len, &n)) {
    sw_pipe_notifier_free(&n);
    return sw_cli_not_understood(c);
  }
  uint32_t timeout_ms = TEST_MIN_MS;
  if (n.kind == SW_NOTIFIER_PROGRAM && n.timeout_s * 1000u + TEST_MARGIN_MS > timeout_ms)
    timeout_ms = n.timeout_s * 1000u + TEST_MARGIN_MS;
  sw_pipe_notifier_free(&n);
  struct sw_cli_conn tc;
  code = sw_cli_pipe_open(&tc, c->command, 0, timeout_ms);
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  name_field(&fields, a->notifier);
  if (!code)
    code = sw_cli_pipe_call(&tc, SW_PIPE_MSG_NOTIFIER_TEST, &fields,
                            SW_PIPE_MSG_NOTIFIER_TEST_OK);
  sw_buf_free(&fields);
  struct sw_pipe_notification note;
  sw_pipe_notification_init(&note);
  if (!code &&
      sw_manage_body_notification(tc.reply.frame.body, tc.reply.frame.body_len, &note))
    code = sw_cli_not_understood(&tc);
  if (!code && a->format == SW_TABLE_TEXT) {
    code = say_outcome(a, &note);
  } else if (!code) {
    struct sw_manage_view v = sw_cli_view(a->format);
    struct sw_table t;
    enum sw_error err = sw_manage_notifications_table(
        tc.reply.frame.body, tc.reply.frame.body_len, &v, &t, NULL);
    code = sw_cli_print_table(&tc, &t, a->format, true, err);
    sw_table_free(&t);
    if (!code && note.status != SW_PIPE_DELIVERY_SENT)
      code = SW_MANAGE_EXIT_REFUSED;
  }
  fflush(stdout);
  sw_pipe_notification_free(&note);
  sw_cli_pipe_close(&tc);
  return code;
}

/* `notifiers defaults`: the default set (RULE_ALERTS of rule 0), shown,
 * or set to the names --notify gives. */
static int defaults(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  struct sw_pipe_rule_alerts d;
  sw_pipe_rule_alerts_init(&d);
  int code = SW_MANAGE_EXIT_OK;
  if (a->alert.rule.given & SW_RULE_ALERT_NOTIFY) {
    d.rule_id = SW_PIPE_DEFAULT_ALERTS;
    d.notify = (char **)a->alert.rule.notify;
    d.notify_count = a->alert.rule.notify_count;
    struct sw_buf fields;
    sw_buf_init(&fields, 0);
    sw_pipe_put_rule_alerts(&fields, &d);
    code = sw_cli_pipe_call(c, SW_PIPE_MSG_RULE_ALERTS_SET, &fields,
                            SW_PIPE_MSG_RULE_ALERTS_OK);
    sw_buf_free(&fields);
    sw_pipe_rule_alerts_init(&d); /* borrowed: nothing to free */
    if (!code &&
        sw_manage_body_rule_alerts(c->reply.frame.body, c->reply.frame.body_len, &d))
      code = sw_cli_not_understood(c);
  } else {
    code = sw_cli_get_rule_alerts(c, SW_PIPE_DEFAULT_ALERTS, &d);
  }
  if (!code) {
    if (a->format == SW_TABLE_JSON) {
      struct sw_buf out;
      sw_buf_init(&out, 0);
      struct sw_json j;
      sw_json_init(&j, &out);
      sw_json_begin_object(&j);
      sw_json_key(&j, "default_notifiers");
      sw_json_begin_array(&j);
      for (size_t i = 0; i < d.notify_count; i++)
        sw_json_string(&j, d.notify[i]);
      sw_json_end_array(&j);
      sw_json_end_object(&j);
      if (sw_json_finish(&j) == SW_E_OK)
        sw_console_printf(stdout, "%s\n", sw_buf_str(&out));
      sw_buf_free(&out);
    } else if (d.notify_count == 0) {
      sw_console_puts(stdout, "No default notifiers: a rule that names none tells "
                              "nobody.\n");
    } else {
      sw_console_puts(stdout, "Default notifiers (for every rule that names none):\n");
      for (size_t i = 0; i < d.notify_count; i++)
        sw_console_printf(stdout, "  %s\n", d.notify[i]);
    }
    fflush(stdout);
  }
  sw_pipe_rule_alerts_free(&d);
  return code;
}

const struct sw_cli_command sw_cli_notifier_commands[] = {
    {SW_MANAGE_NOTIFIERS_LIST, false, list},
    {SW_MANAGE_NOTIFIERS_SHOW, false, show},
    {SW_MANAGE_NOTIFIERS_ADD, false, add},
    {SW_MANAGE_NOTIFIERS_DELETE, false, delete_notifier},
    {SW_MANAGE_NOTIFIERS_TEST, false, test},
    {SW_MANAGE_NOTIFIERS_DEFAULTS, false, defaults},
    {0, false, NULL},
};
