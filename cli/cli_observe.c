/* `smtpwatch status`, `history RULE`, `events`, `notifications` and
 * `service info`: what the service knows, read-only, so any user the pipe
 * lets in may ask (`service info` adds what this program finds out itself
 * about the pipe and the process serving it). Lists come a page at a time, newest first;
 * when there is more, the command that fetches the next page is printed (after the table
 * for people, on stderr for scripts, whose stdout must stay parseable). */
#include <inttypes.h>
#include <stdio.h>

#include "alert_view.h"
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

/* The paged lists, newest first: what each asks and how it shows. */
struct paged {
  uint16_t message, expect;
  const char *what; /* "results": "Older results: ..." */
  const char *none, *no_older;
  enum sw_error (*table)(const uint8_t *body, size_t len, const struct sw_manage_view *v,
                         struct sw_table *t, struct sw_manage_page *page);
};

static enum sw_error notifications_table(const uint8_t *body, size_t len,
                                         const struct sw_manage_view *v,
                                         struct sw_table *t, struct sw_manage_page *page)
{
  return sw_manage_notifications_table(body, len, v, t, page);
}

static const struct paged history_list = {
    SW_PIPE_MSG_HISTORY,   SW_PIPE_MSG_HISTORY_OK,  "results",
    "has no results yet.", "has no older results.", sw_manage_history_table};
static const struct paged events_list = {
    SW_PIPE_MSG_EVENTS,         SW_PIPE_MSG_EVENTS_OK,        "events",
    "There are no events yet.", "There are no older events.", sw_manage_events_table};
static const struct paged notifications_list = {SW_PIPE_MSG_NOTIFICATIONS,
                                                SW_PIPE_MSG_NOTIFICATIONS_OK,
                                                "notifications",
                                                "There are no notifications yet.",
                                                "There are no older notifications.",
                                                notifications_table};

static void print_next_page(const struct sw_manage_args *a, const struct paged *list,
                            const struct sw_manage_page *p)
{
  char next[200];
  if (list == &notifications_list)
    sw_manage_notifications_next(a->limit, p->last_key, next, sizeof next);
  else
    sw_manage_next_page(a->verb == SW_MANAGE_HISTORY ? a->rule_id : 0, a->limit,
                        p->last_at, p->last_key, next, sizeof next);
  if (a->format == SW_TABLE_TEXT) {
    sw_console_printf(stdout, "Older %s: %s\n", list->what, next);
    fflush(stdout);
  } else {
    sw_console_printf(stderr, "Older %s: %s\n", list->what, next);
  }
}

/* HISTORY, EVENTS and NOTIFICATIONS: one page, and how to get the next. */
static int page(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  bool history = a->verb == SW_MANAGE_HISTORY;
  const struct paged *list = history                              ? &history_list
                             : a->verb == SW_MANAGE_NOTIFICATIONS ? &notifications_list
                                                                  : &events_list;
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
  int code = sw_cli_pipe_call(c, list->message, &fields, list->expect);
  sw_buf_free(&fields);
  if (code)
    return code;
  struct sw_manage_view v = sw_cli_view(a->format);
  struct sw_manage_page p;
  struct sw_table t;
  enum sw_error err =
      list->table(c->reply.frame.body, c->reply.frame.body_len, &v, &t, &p);
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
    const char *none = a->has_before ? list->no_older : list->none;
    if (history)
      sw_console_printf(stdout, "Rule %" PRId64 " %s\n", a->rule_id, none);
    else
      sw_console_printf(stdout, "%s\n", none);
  } else {
    code = sw_cli_print_table(c, &t, a->format, false, err);
  }
  if (!code && p.more && sw_table_rows(&t) > 0)
    print_next_page(a, list, &p);
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
    {SW_MANAGE_STATUS, false, status},      {SW_MANAGE_HISTORY, true, page},
    {SW_MANAGE_EVENTS, false, page},        {SW_MANAGE_SERVICE_INFO, false, service_info},
    {SW_MANAGE_NOTIFICATIONS, false, page}, {0, false, NULL},
};
