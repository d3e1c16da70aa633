/* `smtpwatch status`, `history RULE`, `events` and `service info`: what the
 * service knows, read-only, so any user the pipe lets in may ask (`service
 * info` adds what this program finds out itself about the pipe and the
 * process serving it). Lists come a page at a time, newest first; when
 * there is more, the command that fetches the next page is printed (after
 * the table for people, on stderr for scripts, whose stdout must stay
 * parseable). */
#include <inttypes.h>
#include <stdio.h>

#include "cli_pipe.h"
#include "console_out.h"
#include "pipe_protocol.h"

static enum sw_error read_status(const uint8_t *body, size_t len,
                                 const struct sw_manage_view *v, bool brief,
                                 struct sw_table *t, struct sw_manage_page *page)
{
  (void)brief; /* the status table is the same for people and scripts */
  return sw_manage_status_table(body, len, v, t, page);
}

/* Every rule's status, a page at a time (the service pages by rule id). */
static int status(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  return sw_cli_print_list(c, SW_PIPE_MSG_STATUS, SW_PIPE_MSG_STATUS_OK, a->format,
                           read_status, SW_CLI_NO_RULES);
}

static void print_next_page(const struct sw_manage_args *a,
                            const struct sw_manage_page *p)
{
  char next[200];
  sw_manage_next_page(a->verb == SW_MANAGE_HISTORY ? a->rule_id : 0, a->limit, p->last_at,
                      p->last_key, next, sizeof next);
  const char *what = a->verb == SW_MANAGE_HISTORY ? "results" : "events";
  if (a->format == SW_TABLE_TEXT) {
    sw_console_printf(stdout, "Older %s: %s\n", what, next);
    fflush(stdout);
  } else {
    sw_console_printf(stderr, "Older %s: %s\n", what, next);
  }
}

/* HISTORY and EVENTS: one page, and how to get the next. */
static int page(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  bool history = a->verb == SW_MANAGE_HISTORY;
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  if (history)
    sw_tlv_put_int(&fields, SW_PIPE_TAG_RULE_ID, a->rule_id);
  if (a->has_before) {
    if (history)
      sw_tlv_put_int(&fields, SW_PIPE_TAG_BEFORE_AT, a->before_at);
    sw_tlv_put_int(&fields, SW_PIPE_TAG_BEFORE, a->before);
  }
  sw_tlv_put_int(&fields, SW_PIPE_TAG_LIMIT, a->limit);
  int code =
      history ? sw_cli_pipe_call(c, SW_PIPE_MSG_HISTORY, &fields, SW_PIPE_MSG_HISTORY_OK)
              : sw_cli_pipe_call(c, SW_PIPE_MSG_EVENTS, &fields, SW_PIPE_MSG_EVENTS_OK);
  sw_buf_free(&fields);
  if (code)
    return code;
  struct sw_manage_view v = sw_cli_view(a->format);
  struct sw_manage_page p;
  struct sw_table t;
  const uint8_t *body = c->reply.frame.body;
  size_t len = c->reply.frame.body_len;
  enum sw_error err = history ? sw_manage_history_table(body, len, &v, &t, &p)
                              : sw_manage_events_table(body, len, &v, &t, &p);
  if (!err && history && sw_table_rows(&t) == 0) {
    /* The service answers an empty page for a rule that does not exist;
     * the user should hear which it is. */
    sw_buf_init(&fields, 0);
    sw_tlv_put_int(&fields, SW_PIPE_TAG_RULE_ID, a->rule_id);
    code = sw_cli_pipe_call(c, SW_PIPE_MSG_RULE_GET, &fields, SW_PIPE_MSG_RULE_OK);
    sw_buf_free(&fields);
    if (code) {
      sw_table_free(&t);
      return code;
    }
  }
  if (!err && a->format == SW_TABLE_TEXT && sw_table_rows(&t) == 0) {
    if (history)
      sw_console_printf(stdout,
                        a->has_before ? "Rule %" PRId64 " has no older results.\n"
                                      : "Rule %" PRId64 " has no results yet.\n",
                        a->rule_id);
    else
      sw_console_printf(stdout, "%s\n",
                        a->has_before ? "There are no older events."
                                      : "There are no events yet.");
  } else {
    code = sw_cli_print_table(c, &t, a->format, false, err);
  }
  if (!code && p.more && sw_table_rows(&t) > 0)
    print_next_page(a, &p);
  sw_table_free(&t);
  return code;
}

static int service_info(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  int code =
      sw_cli_pipe_call(c, SW_PIPE_MSG_SERVICE_INFO, NULL, SW_PIPE_MSG_SERVICE_INFO_OK);
  if (code)
    return code;
  /* The pipe's security and its server, as this program finds them (not as
   * the service says): what an administrator checks after an install. */
  char sddl[2048];
  sw_pipe_client_sddl(c->client, sddl, sizeof sddl); /* or "unknown (why)" */
  struct sw_manage_server server = {sddl, NULL, SW_PIPE_TRUST_REFUSED};
  server.facts = sw_pipe_client_server(c->client, &server.trust);
  struct sw_manage_view v = sw_cli_view(a->format);
  struct sw_table t;
  enum sw_error err = sw_manage_service_table(c->reply.frame.body,
                                              c->reply.frame.body_len, &v, &server, &t);
  code = sw_cli_print_table(c, &t, a->format, true, err);
  sw_table_free(&t);
  return code;
}

const struct sw_cli_command sw_cli_observe_commands[] = {
    {SW_MANAGE_STATUS, false, status},
    {SW_MANAGE_HISTORY, true, page},
    {SW_MANAGE_EVENTS, false, page},
    {SW_MANAGE_SERVICE_INFO, false, service_info},
    {0, false, NULL},
};
