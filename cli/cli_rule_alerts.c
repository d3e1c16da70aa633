/* A rule's alerts on the command line: `rules ack|unack|accept`, the alert
 * options of `rules add|edit` (RULE_ALERTS_GET, merged, RULE_ALERTS_SET),
 * and the rule as `rules show` prints it, with its alert settings. The
 * service checks the settings (notifier names, dependency cycles) and
 * says what is wrong. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "alert_requests.h"
#include "alert_view.h"
#include "cli_pipe.h"
#include "console_out.h"
#include "pipe_protocol.h"

int sw_cli_rule_alerts_ready(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  char why[300];
  if (!a->alert.rule.given ||
      sw_pipe_msg_allowed(SW_PIPE_MSG_RULE_ALERTS_SET, sw_pipe_client_version(c->client),
                          why, sizeof why))
    return SW_MANAGE_EXIT_OK;
  sw_cli_say(c, "%s Nothing was changed.", why);
  return SW_MANAGE_EXIT_UNREACHABLE;
}

int sw_cli_get_rule_alerts(struct sw_cli_conn *c, int64_t id,
                           struct sw_pipe_rule_alerts *out)
{
  sw_pipe_rule_alerts_init(out);
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  sw_tlv_put_int(&fields, SW_PIPE_TAG_RULE_ID, id);
  int code = sw_cli_pipe_call(c, SW_PIPE_MSG_RULE_ALERTS_GET, &fields,
                              SW_PIPE_MSG_RULE_ALERTS_OK);
  sw_buf_free(&fields);
  if (!code &&
      sw_manage_body_rule_alerts(c->reply.frame.body, c->reply.frame.body_len, out))
    code = sw_cli_not_understood(c);
  return code;
}

int sw_cli_rule_alerts_save(struct sw_cli_conn *c, int64_t rule_id,
                            const struct sw_manage_args *a, bool new_rule)
{
  struct sw_pipe_rule_alerts alerts;
  int code = SW_MANAGE_EXIT_OK;
  if (new_rule)
    sw_pipe_rule_alerts_init(&alerts);
  else
    code = sw_cli_get_rule_alerts(c, rule_id, &alerts);
  if (!code && sw_manage_alerts_merge(&a->alert.rule, &alerts)) {
    sw_cli_say(c, "%s.", sw_error_text(SW_E_NOMEM));
    code = SW_MANAGE_EXIT_UNREACHABLE;
  }
  if (!code) {
    alerts.rule_id = rule_id;
    struct sw_buf fields;
    sw_buf_init(&fields, 0);
    sw_pipe_put_rule_alerts(&fields, &alerts);
    code = sw_cli_pipe_call(c, SW_PIPE_MSG_RULE_ALERTS_SET, &fields,
                            SW_PIPE_MSG_RULE_ALERTS_OK);
    sw_buf_free(&fields);
  }
  sw_pipe_rule_alerts_free(&alerts);
  return code;
}

/* Renders the rule of `rule` (a RULE_OK body) with `alerts` (may be NULL)
 * as a record and prints it after `intro`. */
static int print_record(struct sw_cli_conn *c, const struct sw_buf *rule,
                        const struct sw_pipe_rule_alerts *alerts,
                        enum sw_table_format format, const char *intro)
{
  struct sw_manage_view v = sw_cli_view(format);
  struct sw_table t = {0};
  enum sw_error err =
      sw_manage_rule_alerts_table((const uint8_t *)rule->data, rule->len, alerts, &v, &t);
  int code = sw_cli_print_rows(c, &t, format, true, err, NULL, intro);
  sw_table_free(&t);
  return code;
}

int sw_cli_print_rule(struct sw_cli_conn *c, enum sw_table_format format,
                      const char *intro)
{
  /* The rule's body is kept: the next request replaces c->reply. */
  struct sw_buf rule;
  sw_buf_init(&rule, 0);
  if (sw_buf_append(&rule, (const char *)c->reply.frame.body, c->reply.frame.body_len)) {
    sw_cli_say(c, "%s.", sw_error_text(SW_E_NOMEM));
    return SW_MANAGE_EXIT_UNREACHABLE;
  }
  struct sw_pipe_rule pr;
  int code = SW_MANAGE_EXIT_OK;
  struct sw_pipe_rule_alerts alerts;
  sw_pipe_rule_alerts_init(&alerts);
  bool have = sw_cli_pipe_has(c, SW_PIPE_MSG_RULE_ALERTS_GET);
  if (sw_manage_body_rule((const uint8_t *)rule.data, rule.len, &pr)) {
    code = sw_cli_not_understood(c);
  } else {
    if (have) /* an older service has no alert settings: the rule alone */
      code = sw_cli_get_rule_alerts(c, pr.rule.id, &alerts);
    sw_rule_free(&pr.rule);
  }
  if (!code)
    code = print_record(c, &rule, have ? &alerts : NULL, format, intro);
  sw_pipe_rule_alerts_free(&alerts);
  sw_buf_free(&rule);
  return code;
}

/* RULE_ACK with the comment, or RULE_UNACK: DONE_OK. */
static int ack(struct sw_cli_conn *c, const struct sw_manage_args *a, bool on)
{
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  sw_tlv_put_int(&fields, SW_PIPE_TAG_RULE_ID, a->rule_id);
  if (on && a->alert.comment)
    sw_tlv_put_str(&fields, SW_PIPE_TAG_ACK_COMMENT, a->alert.comment);
  int code = sw_cli_pipe_call(c, on ? SW_PIPE_MSG_RULE_ACK : SW_PIPE_MSG_RULE_UNACK,
                              &fields, SW_PIPE_MSG_DONE_OK);
  sw_buf_free(&fields);
  if (code)
    return code;
  if (on)
    sw_console_printf(stdout,
                      "Acknowledged rule %" PRId64
                      ": no notifications for it until its state changes.\n",
                      a->rule_id);
  else
    sw_console_printf(stdout,
                      "Rule %" PRId64 " is no longer acknowledged: it notifies again.\n",
                      a->rule_id);
  fflush(stdout);
  return SW_MANAGE_EXIT_OK;
}

static int rule_ack(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  return ack(c, a, true);
}

static int rule_unack(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  return ack(c, a, false);
}

/* RULE_ACCEPT: the server's changes become its accepted fingerprint. */
static int rule_accept(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  sw_tlv_put_int(&fields, SW_PIPE_TAG_RULE_ID, a->rule_id);
  int code = sw_cli_pipe_call(c, SW_PIPE_MSG_RULE_ACCEPT, &fields, SW_PIPE_MSG_DONE_OK);
  sw_buf_free(&fields);
  if (code)
    return code;
  sw_console_printf(stdout,
                    "Accepted the changes of the server of rule %" PRId64
                    ": its next checks are compared with the server as it is now.\n",
                    a->rule_id);
  fflush(stdout);
  return SW_MANAGE_EXIT_OK;
}

const struct sw_cli_command sw_cli_rule_alert_commands[] = {
    {SW_MANAGE_RULES_ACK, true, rule_ack},
    {SW_MANAGE_RULES_UNACK, true, rule_unack},
    {SW_MANAGE_RULES_ACCEPT, true, rule_accept},
    {0, false, NULL},
};
