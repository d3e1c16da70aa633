/* The pipe side of the management commands: connect, one request and its
 * reply, errors as sentences and exit codes, printing. Parsing and the
 * tables are portable (common/manage/manage_*.c); this file only moves them
 * between the pipe and the console. */
#include "clock.h"
#include "cli_pipe.h"

#include <windows.h>

#include <fcntl.h>
#include <inttypes.h>
#include <io.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "console_out.h"
#include "pipe_protocol.h"
#include "sw_macros.h"

void sw_cli_say(const struct sw_cli_conn *c, const char *fmt, ...)
{
  /* One write for the whole sentence: see console_out.h. */
  struct sw_buf text;
  sw_buf_init(&text, 0);
  if (c->rule_id)
    sw_buf_printf(&text, "smtpwatch %s %" PRId64 ": ", c->command, c->rule_id);
  else
    sw_buf_printf(&text, "smtpwatch %s: ", c->command);
  va_list ap;
  va_start(ap, fmt);
  sw_buf_vprintf(&text, fmt, ap);
  va_end(ap);
  sw_buf_appends(&text, "\n");
  sw_console_puts(stderr, sw_buf_str(&text));
  sw_buf_free(&text);
}

int sw_cli_pipe_open(struct sw_cli_conn *c, const char *command, int64_t rule_id,
                     uint32_t timeout_ms)
{
  memset(c, 0, sizeof *c);
  c->command = command;
  c->rule_id = rule_id;
  sw_pipe_reply_init(&c->reply);
  char error[1024]; /* a refused server's sentence names a path */
  unsigned long win_error = 0;
  c->client = sw_pipe_client_open(NULL, "smtpwatch " SW_VERSION_TEXT, timeout_ms, error,
                                  sizeof error, &win_error);
  if (!c->client) {
    sw_cli_say(c, "%s", error);
    return SW_MANAGE_EXIT_UNREACHABLE;
  }
  return SW_MANAGE_EXIT_OK;
}

void sw_cli_pipe_close(struct sw_cli_conn *c)
{
  sw_pipe_client_close(c->client);
  c->client = NULL;
  sw_pipe_reply_free(&c->reply);
}

int sw_cli_not_understood(struct sw_cli_conn *c)
{
  sw_cli_say(c, "The service sent a reply this program does not understand: are the "
                "service and this program the same version?");
  return SW_MANAGE_EXIT_UNREACHABLE;
}

static int refused_rule(struct sw_cli_conn *c)
{
  struct sw_rule_problems problems;
  if (sw_manage_body_problems(c->reply.frame.body, c->reply.frame.body_len, &problems)) {
    sw_cli_say(c, "The service refused the rule (nothing was changed), and its list of "
                  "problems could not be read.");
    return SW_MANAGE_EXIT_REFUSED;
  }
  struct sw_buf text;
  sw_buf_init(&text, 0);
  sw_manage_problems_text(&problems, &text);
  sw_cli_say(c, "the service refused the rule; nothing was changed. Fix %s:",
             problems.count == 1 ? "this field" : "these fields");
  sw_console_puts(stderr, sw_buf_str(&text));
  sw_buf_free(&text);
  return SW_MANAGE_EXIT_REFUSED;
}

bool sw_cli_pipe_has(const struct sw_cli_conn *c, uint16_t message)
{
  return sw_pipe_msg_allowed(message, sw_pipe_client_version(c->client), NULL, 0);
}

int sw_cli_pipe_call(struct sw_cli_conn *c, uint16_t message, const struct sw_buf *fields,
                     uint16_t expect)
{
  char error[512], code[32];
  c->error_code[0] = '\0';
  /* Never send a request the service's version does not have: it would
   * answer unknown_message, which tells the user less. */
  if (!sw_pipe_msg_allowed(message, sw_pipe_client_version(c->client), error,
                           sizeof error)) {
    sw_cli_say(c, "%s", error);
    return SW_MANAGE_EXIT_UNREACHABLE;
  }
  if (sw_pipe_client_call(c->client, message, fields, &c->reply, error, sizeof error)) {
    sw_cli_say(c, "%s", error);
    return SW_MANAGE_EXIT_UNREACHABLE;
  }
  uint16_t got = c->reply.frame.message;
  if (got == expect)
    return SW_MANAGE_EXIT_OK;
  if (sw_pipe_reply_error(&c->reply, code, sizeof code, error, sizeof error)) {
    snprintf(c->error_code, sizeof c->error_code, "%s", code);
    if (!(c->quiet_stale && !strcmp(code, "stale")))
      sw_cli_say(c, "%s", error);
    return sw_manage_exit_for_error(code);
  }
  if (got == SW_PIPE_MSG_RULE_INVALID)
    return refused_rule(c);
  const char *name = sw_pipe_msg_name(got);
  sw_cli_say(c,
             "The service answered %s with %s instead of %s: are the service and this "
             "program the same version?",
             sw_pipe_msg_name(message), name ? name : "an unknown message",
             sw_pipe_msg_name(expect));
  return SW_MANAGE_EXIT_UNREACHABLE;
}

/* One page of a list the service pages by rule id: the rules after `after`
 * (0: from the first), as many as the service gives at once. Same results
 * as sw_cli_pipe_call. */
int sw_cli_pipe_page(struct sw_cli_conn *c, uint16_t message, uint16_t expect,
                     int64_t after)
{
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  if (after)
    sw_tlv_put_int(&fields, SW_PIPE_TAG_AFTER, after);
  sw_tlv_put_int(&fields, SW_PIPE_TAG_LIMIT, SW_MANAGE_MAX_LIMIT);
  int code = sw_cli_pipe_call(c, message, &fields, expect);
  sw_buf_free(&fields);
  return code;
}

struct sw_manage_view sw_cli_view(enum sw_table_format format)
{
  struct sw_manage_view v = {format, sw_clock_local_text};
  return v;
}

int sw_cli_print(const struct sw_buf *out, enum sw_table_format format)
{
  /* CSV has its own CRLF line ends (RFC 4180): the C library's text mode
   * would make them CR CR LF. */
  if (format == SW_TABLE_CSV) {
    fflush(stdout);
    _setmode(_fileno(stdout), _O_BINARY);
  }
  if (!sw_console_write(stdout, out->data, out->len)) {
    sw_console_printf(stderr, "smtpwatch: could not write the output.\n");
    return SW_MANAGE_EXIT_UNREACHABLE;
  }
  fflush(stdout);
  return SW_MANAGE_EXIT_OK;
}

int sw_cli_print_table(struct sw_cli_conn *c, const struct sw_table *t,
                       enum sw_table_format format, bool record, enum sw_error err)
{
  if (err == SW_E_NOMEM) {
    sw_cli_say(c, "%s.", sw_error_text(err));
    return SW_MANAGE_EXIT_UNREACHABLE;
  }
  if (err || (record && sw_table_rows(t) == 0)) {
    sw_cli_say(c, "The service sent a reply this program does not understand: are the "
                  "service and this program the same version?");
    return SW_MANAGE_EXIT_UNREACHABLE;
  }
  struct sw_buf out;
  sw_buf_init(&out, 0);
  err = record ? sw_table_render_record(t, 0, format, &out)
               : sw_table_render(t, format, 0, &out);
  int code = SW_MANAGE_EXIT_OK;
  if (err) {
    sw_cli_say(c, "%s.", sw_error_text(err));
    code = SW_MANAGE_EXIT_UNREACHABLE;
  } else {
    code = sw_cli_print(&out, format);
  }
  sw_buf_free(&out);
  return code;
}

int sw_cli_print_rows(struct sw_cli_conn *c, const struct sw_table *t,
                      enum sw_table_format format, bool record, enum sw_error err,
                      const char *empty, const char *intro)
{
  bool text = format == SW_TABLE_TEXT;
  if (!err && text && empty && !record && sw_table_rows(t) == 0) {
    sw_console_printf(stdout, "%s\n", empty);
    fflush(stdout);
    return SW_MANAGE_EXIT_OK;
  }
  if (!err && text && intro && sw_table_rows(t) > 0)
    sw_console_printf(stdout, "%s\n", intro);
  return sw_cli_print_table(c, t, format, record, err);
}

int sw_cli_print_list(struct sw_cli_conn *c, uint16_t message, uint16_t expect,
                      enum sw_table_format format, sw_cli_page_reader *read,
                      const char *empty)
{
  struct sw_manage_view v = sw_cli_view(format);
  struct sw_table t = {0};
  struct sw_manage_page page;
  bool brief = format == SW_TABLE_TEXT;
  enum sw_error err = SW_E_OK;
  int64_t after = 0;
  int code;
  do {
    code = sw_cli_pipe_page(c, message, expect, after);
    if (code) {
      sw_table_free(&t);
      return code;
    }
    err = read(c->reply.frame.body, c->reply.frame.body_len, &v, brief, &t, &page);
    if (!err && page.more && page.last_key <= after)
      err = SW_E_INVALID_ARGUMENT; /* the service sent a page that does not move on */
    after = page.last_key;
  } while (!err && page.more);
  if (!err && brief && sw_table_rows(&t) == 0)
    sw_console_printf(stdout, "%s\n", empty);
  else
    code = sw_cli_print_table(c, &t, format, false, err);
  sw_table_free(&t);
  return code;
}

/* The command for `verb`, from the lists of each cli_*.c;
 * NULL if none, which the parser rules out: it accepts only their verbs. */
static const struct sw_cli_command *command_of(enum sw_manage_verb verb)
{
  const struct sw_cli_command *lists[] = {
      sw_cli_rules_commands,       sw_cli_observe_commands,    sw_cli_notifier_commands,
      sw_cli_maintenance_commands, sw_cli_rule_alert_commands, sw_cli_rules_io_commands,
      sw_cli_watch_commands};
  for (size_t i = 0; i < SW_COUNTOF(lists); i++)
    for (const struct sw_cli_command *cmd = lists[i]; cmd->run; cmd++)
      if (cmd->verb == verb)
        return cmd;
  return NULL;
}

/* Runs a parsed command on a connection of its own. */
static int run(const struct sw_manage_args *a)
{
  const struct sw_cli_command *cmd = command_of(a->verb);
  if (NEVER(!cmd))
    return SW_MANAGE_EXIT_USAGE; /* see command_of */
  struct sw_cli_conn c;
  int code = sw_cli_pipe_open(&c, sw_manage_verb_text(a->verb),
                              cmd->names_rule ? a->rule_id : 0, SW_CLI_PIPE_TIMEOUT_MS);
  if (code)
    return code;
  code = cmd->run(&c, a);
  sw_cli_pipe_close(&c);
  return code;
}

int sw_cli_manage(int argc, char **argv)
{
  struct sw_manage_args a;
  struct sw_buf errors;
  sw_buf_init(&errors, 0);
  enum sw_error err = sw_manage_args_parse(&a, argc, argv, &errors);
  int code;
  if (!err && a.help) {
    sw_console_puts(stdout, sw_manage_usage(argv[0]));
    code = SW_MANAGE_EXIT_OK;
  } else if (err) {
    sw_console_printf(stderr, "smtpwatch %s: %s\n\n%s",
                      a.verb < SW_MANAGE_VERB_COUNT ? sw_manage_verb_text(a.verb)
                                                    : argv[0],
                      err == SW_E_NOMEM ? sw_error_text(err) : sw_buf_str(&errors),
                      sw_manage_usage(argv[0]));
    code = SW_MANAGE_EXIT_USAGE;
  } else {
    code = run(&a);
  }
  sw_buf_free(&errors);
  sw_manage_args_free(&a);
  fflush(stdout);
  return code;
}
