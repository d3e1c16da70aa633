/* `smtpwatch rules list|show|add|edit|delete|enable|disable|test`: one or
 * two requests to the service each. Nothing here decides what a valid rule
 * is: the service runs the validator and names the fields at fault, so the
 * command line can never disagree with the editor. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli_pipe.h"
#include "console_out.h"
#include "nagios_report.h"
#include "pipe_protocol.h"
#include "engine_round_trip.h" /* SW_ROUND_TRIP_SESSION_MS */
#include "secret_file.h"
#include "smtp_auth.h"
#include "result_json.h"

/* A check may take its whole timeout; the service needs a moment more. */
#define TEST_MARGIN_MS 15000u

static void rule_id_field(struct sw_buf *fields, int64_t id)
{
  sw_tlv_put_int(fields, SW_PIPE_TAG_RULE_ID, id);
}

/* RULE_GET: the stored rule and its revision into `out` (free out->rule). */
static int get_rule(struct sw_cli_conn *c, int64_t id, struct sw_pipe_rule *out)
{
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  rule_id_field(&fields, id);
  int code = sw_cli_pipe_call(c, SW_PIPE_MSG_RULE_GET, &fields, SW_PIPE_MSG_RULE_OK);
  sw_buf_free(&fields);
  if (code)
    return code;
  if (sw_manage_body_rule(c->reply.frame.body, c->reply.frame.body_len, out))
    return sw_cli_not_understood(c);
  return SW_MANAGE_EXIT_OK;
}

/* Renders the rule of the last reply (RULE_OK) as a record into `out`. */
static int render_rule(struct sw_cli_conn *c, enum sw_table_format format,
                       struct sw_buf *out)
{
  struct sw_manage_view v = sw_cli_view(format);
  struct sw_table t = {0};
  enum sw_error err = sw_manage_rules_table(c->reply.frame.body, c->reply.frame.body_len,
                                            &v, false, &t, NULL);
  if (!err && sw_table_rows(&t) == 0)
    err = SW_E_INVALID_ARGUMENT;
  if (!err)
    err = sw_table_render_record(&t, 0, format, out);
  sw_table_free(&t);
  if (err == SW_E_NOMEM) {
    sw_cli_say(c, "%s.", sw_error_text(err));
    return SW_MANAGE_EXIT_UNREACHABLE;
  }
  return err ? sw_cli_not_understood(c) : SW_MANAGE_EXIT_OK;
}

/* After RULE_ADD or RULE_UPDATE (RULE_OK): the rule as the service now
 * has it, after a line for people that says what was done; an update's
 * names the new revision. */
static int print_changed(struct sw_cli_conn *c, enum sw_table_format format, bool updated)
{
  struct sw_pipe_rule pr;
  if (sw_manage_body_rule(c->reply.frame.body, c->reply.frame.body_len, &pr))
    return sw_cli_not_understood(c);
  char intro[160];
  if (updated)
    snprintf(intro, sizeof intro,
             "Updated rule %" PRId64 " (now revision %" PRId64 "):", pr.rule.id,
             pr.revision);
  else
    snprintf(intro, sizeof intro, "Added rule %" PRId64 ":", pr.rule.id);
  sw_rule_free(&pr.rule);
  return sw_cli_print_rule(c, format, intro);
}

/* Every rule, a page at a time: the service pages long lists by rule id. */
static int list(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  return sw_cli_print_list(c, SW_PIPE_MSG_RULE_LIST, SW_PIPE_MSG_RULE_LIST_OK, a->format,
                           sw_manage_rules_table, SW_CLI_NO_RULES);
}

static int show(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  struct sw_pipe_rule pr;
  int code = get_rule(c, a->rule_id, &pr);
  if (code)
    return code;
  sw_rule_free(&pr.rule);
  return sw_cli_print_rule(c, a->format, NULL);
}

/* RULE_ADD, then the alert settings given (RULE_ALERTS_SET): the rule
 * must exist before it can have them. */
/* The secrets named by --auth-password-file and --oauth-client-secret-file,
 * into *out (free with sw_pipe_rule_secrets_free); the exit code, after a
 * sentence naming the file that cannot be read. */
static int read_secrets(struct sw_cli_conn *c, const struct sw_rule_args *ra,
                        struct sw_pipe_rule_secrets *out)
{
  *out = (struct sw_pipe_rule_secrets){0};
  char why[400];
  if (ra->auth_password_file &&
      !(out->auth_password = sw_cli_read_secret_file(
            "auth-password-file", ra->auth_password_file, why, sizeof why))) {
    sw_cli_say(c, "%s", why);
    return SW_MANAGE_EXIT_USAGE;
  }
  if (ra->oauth_client_secret_file &&
      !(out->oauth_client_secret = sw_cli_read_secret_file(
            "oauth-client-secret-file", ra->oauth_client_secret_file, why, sizeof why))) {
    sw_cli_say(c, "%s", why);
    sw_pipe_rule_secrets_free(out);
    return SW_MANAGE_EXIT_USAGE;
  }
  if (ra->mailbox_password_file &&
      !(out->mailbox_password = sw_cli_read_secret_file(
            "mailbox-password-file", ra->mailbox_password_file, why, sizeof why))) {
    sw_cli_say(c, "%s", why);
    sw_pipe_rule_secrets_free(out);
    return SW_MANAGE_EXIT_USAGE;
  }
  return SW_MANAGE_EXIT_OK;
}

/* Sends `rule` (at `revision`) with the secrets the options name, as
 * request `msg` on `c`, expecting `ok`; every copy of a secret is wiped. */
static int send_rule(struct sw_cli_conn *c, const struct sw_manage_args *a,
                     const struct sw_rule *rule, int64_t revision, uint16_t msg,
                     uint16_t ok)
{
  struct sw_pipe_rule_secrets secrets;
  int code = read_secrets(c, &a->rule, &secrets);
  if (code)
    return code;
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  sw_pipe_put_rule_input(&fields, rule, revision, &secrets);
  sw_pipe_rule_secrets_free(&secrets);
  code = sw_cli_pipe_call(c, msg, &fields, ok);
  sw_auth_wipe(fields.data, fields.len);
  sw_buf_free(&fields);
  return code;
}

static int add(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  int code = sw_cli_rule_alerts_ready(c, a);
  if (code)
    return code;
  code = send_rule(c, a, &a->rule.rule, 0, SW_PIPE_MSG_RULE_ADD, SW_PIPE_MSG_RULE_OK);
  if (code || !a->alert.rule.given)
    return code ? code : print_changed(c, a->format, false);
  struct sw_pipe_rule pr;
  if (sw_manage_body_rule(c->reply.frame.body, c->reply.frame.body_len, &pr))
    return sw_cli_not_understood(c);
  int64_t id = pr.rule.id;
  sw_rule_free(&pr.rule);
  code = sw_cli_rule_alerts_save(c, id, a, true);
  if (code) {
    sw_cli_say(c,
               "Rule %" PRId64 " was added without its notification settings; set "
               "them with 'smtpwatch rules edit %" PRId64 " --notify ...'.",
               id, id);
    return code;
  }
  code = get_rule(c, id, &pr);
  if (code)
    return code;
  sw_rule_free(&pr.rule);
  return print_changed(c, a->format, false);
}

/* GET, change the fields given, UPDATE with the revision that was read:
 * if someone else saved the rule in between, the service refuses (stale)
 * and nothing is overwritten; the user decides what to do. */
static int edit_rule(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  struct sw_pipe_rule pr;
  int code = get_rule(c, a->rule_id, &pr);
  if (code)
    return code;
  struct sw_buf errors, fields;
  sw_buf_init(&errors, 0);
  sw_buf_init(&fields, 0);
  enum sw_error err = sw_manage_args_edit(a, &pr.rule, &errors);
  if (err) {
    sw_cli_say(c, "%s", err == SW_E_NOMEM ? sw_error_text(err) : sw_buf_str(&errors));
    code = SW_MANAGE_EXIT_USAGE;
  } else {
    /* A script's --revision is what its change was based on; the service
     * alone compares it with the stored one. */
    int64_t base = a->revision ? a->revision : pr.revision;
    c->quiet_stale = true;
    code = send_rule(c, a, &pr.rule, base, SW_PIPE_MSG_RULE_UPDATE, SW_PIPE_MSG_RULE_OK);
    if (code && !strcmp(c->error_code, "stale"))
      sw_cli_say(c,
                 "The rule was changed by someone else since revision %" PRId64
                 "%s; nothing was overwritten. Reload it with 'smtpwatch rules show "
                 "%" PRId64 "' and apply your change again.",
                 base, a->revision ? "" : ", which this command read", a->rule_id);
  }
  sw_buf_free(&errors);
  sw_buf_free(&fields);
  sw_rule_free(&pr.rule);
  return code;
}

/* The rule's fields given (edit_rule), then its alert settings given:
 * `rules edit ID --notify ops` changes only the notifications. */
static int edit(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  int code = sw_cli_rule_alerts_ready(c, a);
  if (!code && a->rule.given)
    code = edit_rule(c, a);
  if (code || !a->alert.rule.given)
    return code ? code : print_changed(c, a->format, true);
  code = sw_cli_rule_alerts_save(c, a->rule_id, a, false);
  if (code && a->rule.given)
    sw_cli_say(c, "The rule's fields were saved, its notification settings were not.");
  struct sw_pipe_rule pr;
  if (!code)
    code = get_rule(c, a->rule_id, &pr);
  if (code)
    return code;
  sw_rule_free(&pr.rule);
  if (a->rule.given)
    return print_changed(c, a->format, true);
  char intro[120];
  snprintf(intro, sizeof intro, "Updated the notification settings of rule %" PRId64 ":",
           a->rule_id);
  return sw_cli_print_rule(c, a->format, intro);
}

/* Reads the rule first, so that the user (or the log of a script) is told
 * what was deleted, not only its number. */
static int delete_rule(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  struct sw_pipe_rule pr;
  int code = get_rule(c, a->rule_id, &pr);
  if (code)
    return code;
  struct sw_buf out, fields;
  sw_buf_init(&out, 0);
  sw_buf_init(&fields, 0);
  char server[300];
  sw_manage_server_text(pr.rule.host, pr.rule.port, server, sizeof server);
  if (a->format == SW_TABLE_TEXT)
    sw_buf_printf(&out, "Deleted rule %" PRId64 " \"%s\" (%s).\n", a->rule_id,
                  pr.rule.name ? pr.rule.name : "", server);
  else
    code = render_rule(c, a->format, &out);
  if (!code) {
    rule_id_field(&fields, a->rule_id);
    code = sw_cli_pipe_call(c, SW_PIPE_MSG_RULE_DELETE, &fields, SW_PIPE_MSG_DONE_OK);
  }
  if (!code)
    code = sw_cli_print(&out, a->format);
  sw_buf_free(&out);
  sw_buf_free(&fields);
  sw_rule_free(&pr.rule);
  return code;
}

static int set_enabled(struct sw_cli_conn *c, const struct sw_manage_args *a, bool on)
{
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  rule_id_field(&fields, a->rule_id);
  sw_tlv_put_bool(&fields, SW_PIPE_TAG_ENABLED, on);
  int code =
      sw_cli_pipe_call(c, SW_PIPE_MSG_RULE_SET_ENABLED, &fields, SW_PIPE_MSG_RULE_OK);
  sw_buf_free(&fields);
  if (code)
    return code;
  struct sw_pipe_rule pr;
  if (sw_manage_body_rule(c->reply.frame.body, c->reply.frame.body_len, &pr))
    return sw_cli_not_understood(c);
  if (a->format == SW_TABLE_TEXT) {
    if (on)
      sw_console_printf(
          stdout,
          "Rule %" PRId64 " \"%s\" is enabled: the service checks it every %u s.\n",
          pr.rule.id, pr.rule.name ? pr.rule.name : "", (unsigned)pr.rule.interval_s);
    else
      sw_console_printf(stdout,
                        "Rule %" PRId64
                        " \"%s\" is disabled: the service keeps it but does not "
                        "check it.\n",
                        pr.rule.id, pr.rule.name ? pr.rule.name : "");
    fflush(stdout);
  } else {
    code = sw_cli_print_rule(c, a->format, NULL);
  }
  sw_rule_free(&pr.rule);
  return code;
}

/* Prints a test result the way `smtpwatch check` prints a check: the
 * status line (or JSON), then with --verbose the transcript. */
static int print_result(struct sw_cli_conn *c, const struct sw_manage_args *a,
                        const char *host, uint16_t port)
{
  struct sw_pipe_result res;
  enum sw_error err =
      sw_manage_body_result(c->reply.frame.body, c->reply.frame.body_len, &res);
  if (err) {
    sw_pipe_result_free(&res);
    return sw_cli_not_understood(c);
  }
  struct sw_buf out;
  sw_buf_init(&out, 0);
  if (a->format == SW_TABLE_JSON)
    err = sw_result_to_json(&res.check, host, port, res.status, &out);
  else
    err = sw_nagios_format(&res.check, host, port, -1, -1, &out);
  if (!err)
    err = sw_buf_append(&out, "\n", 1);
  if (!err && a->verbose && a->format != SW_TABLE_JSON)
    err = sw_buf_append(&out, res.check.transcript.data ? res.check.transcript.data : "",
                        res.check.transcript.len);
  int code = SW_MANAGE_EXIT_UNREACHABLE;
  if (err)
    sw_cli_say(c, "%s.", sw_error_text(err));
  else
    code = sw_cli_print(&out, a->format);
  sw_buf_free(&out);
  sw_pipe_result_free(&res);
  return code;
}

/* A saved rule (by id) or one described by options; the service runs it
 * now, outside the schedule, and stores nothing. */
static int test(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  struct sw_rule stored;
  sw_rule_init_defaults(&stored);
  const struct sw_rule *rule = &a->rule.rule;
  int code = SW_MANAGE_EXIT_OK;
  if (a->rule_id) {
    struct sw_pipe_rule pr;
    code = get_rule(c, a->rule_id, &pr);
    if (code)
      return code;
    stored = pr.rule;
    rule = &stored;
  }
  /* The exchange lasts as long as the check (a round trip: until the probe
   * arrived or its time is up, and a last look): a connection of its own
   * with a timeout to match. */
  uint32_t budget_ms = rule->timeout_ms + TEST_MARGIN_MS;
  if (rule->round_trip != SW_ROUND_TRIP_NONE)
    budget_ms += rule->deliver_within_s * 1000u + 2 * SW_ROUND_TRIP_SESSION_MS;
  struct sw_cli_conn tc;
  code = sw_cli_pipe_open(&tc, c->command, c->rule_id, budget_ms);
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  if (a->rule_id)
    rule_id_field(&fields, a->rule_id);
  if (!code && a->rule_id)
    code =
        sw_cli_pipe_call(&tc, SW_PIPE_MSG_RULE_TEST, &fields, SW_PIPE_MSG_RULE_TEST_OK);
  else if (!code)
    code = send_rule(&tc, a, rule, 0, SW_PIPE_MSG_RULE_TEST, SW_PIPE_MSG_RULE_TEST_OK);
  if (!code)
    code = print_result(&tc, a, rule->host ? rule->host : "", rule->port);
  sw_buf_free(&fields);
  sw_cli_pipe_close(&tc);
  sw_rule_free(&stored);
  return code;
}

static int enable(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  return set_enabled(c, a, true);
}

static int disable(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  return set_enabled(c, a, false);
}

const struct sw_cli_command sw_cli_rules_commands[] = {
    {SW_MANAGE_RULES_LIST, true, list},
    {SW_MANAGE_RULES_SHOW, true, show},
    {SW_MANAGE_RULES_ADD, true, add},
    {SW_MANAGE_RULES_EDIT, true, edit},
    {SW_MANAGE_RULES_DELETE, true, delete_rule},
    {SW_MANAGE_RULES_ENABLE, true, enable},
    {SW_MANAGE_RULES_DISABLE, true, disable},
    {SW_MANAGE_RULES_TEST, true, test},
    {0, false, NULL},
};
