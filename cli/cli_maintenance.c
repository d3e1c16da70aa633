/* `smtpwatch maintenance list|add|delete`: the windows that hold alerts
 * (the outbox, `smtpwatch notifications`, pages like the events in
 * cli_observe.c). A one-off window typed in
 * local time is converted to UTC here, with this machine's time zone (the
 * service stores UTC); a weekly window stays in local time, which the
 * service follows across daylight saving changes. */
#include <inttypes.h>
#include <stdio.h>

#include "alert_requests.h"
#include "alert_view.h"
#include "cli_pipe.h"
#include "clock.h"
#include "console_out.h"
#include "pipe_protocol.h"

/* Prints the windows of the reply (MAINTENANCE_LIST_OK, or MAINTENANCE_OK
 * as a record after `intro`). */
static int print_windows(struct sw_cli_conn *c, enum sw_table_format format, bool record,
                         const char *intro)
{
  struct sw_manage_view v = sw_cli_view(format);
  struct sw_table t;
  enum sw_error err =
      sw_manage_maintenance_table(c->reply.frame.body, c->reply.frame.body_len, &v, &t);
  int code = sw_cli_print_rows(c, &t, format, record, err,
                               "There are no maintenance windows.", intro);
  sw_table_free(&t);
  return code;
}

static int list(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  int code = sw_cli_pipe_call(c, SW_PIPE_MSG_MAINTENANCE_LIST, NULL,
                              SW_PIPE_MSG_MAINTENANCE_LIST_OK);
  return code ? code : print_windows(c, a->format, false, NULL);
}

static int add(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  struct sw_pipe_maintenance m;
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  int code = SW_MANAGE_EXIT_OK;
  if (sw_manage_maintenance_record(&a->alert.maint, a->alert.comment,
                                   sw_clock_zone_wall_s, NULL, &m)) {
    sw_cli_say(c, "%s.", sw_error_text(SW_E_NOMEM));
    code = SW_MANAGE_EXIT_UNREACHABLE;
  } else if (!m.weekly && m.from_ms >= m.until_ms) {
    /* Both in local time they were in order; a daylight saving change
     * between them can still leave nothing. */
    sw_cli_say(c, "--until must be later than --from (in this machine's time zone).");
    code = SW_MANAGE_EXIT_USAGE;
  } else {
    sw_pipe_put_maintenance(&fields, &m);
    code = sw_cli_pipe_call(c, SW_PIPE_MSG_MAINTENANCE_ADD, &fields,
                            SW_PIPE_MSG_MAINTENANCE_OK);
  }
  sw_buf_free(&fields);
  sw_pipe_maintenance_free(&m);
  if (code)
    return code;
  struct sw_pipe_maintenance stored;
  if (sw_manage_body_maintenance(c->reply.frame.body, c->reply.frame.body_len, &stored)) {
    sw_pipe_maintenance_free(&stored);
    return sw_cli_not_understood(c);
  }
  char intro[80];
  snprintf(intro, sizeof intro, "Added maintenance window %" PRId64 ":", stored.id);
  sw_pipe_maintenance_free(&stored);
  return print_windows(c, a->format, true, intro);
}

static int delete_window(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  sw_tlv_put_int(&fields, SW_PIPE_TAG_MAINT_ID, a->maintenance_id);
  int code =
      sw_cli_pipe_call(c, SW_PIPE_MSG_MAINTENANCE_DELETE, &fields, SW_PIPE_MSG_DONE_OK);
  sw_buf_free(&fields);
  if (code)
    return code;
  sw_console_printf(stdout, "Deleted maintenance window %" PRId64 ".\n",
                    a->maintenance_id);
  fflush(stdout);
  return SW_MANAGE_EXIT_OK;
}

const struct sw_cli_command sw_cli_maintenance_commands[] = {
    {SW_MANAGE_MAINTENANCE_LIST, false, list},
    {SW_MANAGE_MAINTENANCE_ADD, false, add},
    {SW_MANAGE_MAINTENANCE_DELETE, false, delete_window},
    {0, false, NULL},
};
