/* The management views' small texts: times, servers, durations, a
 * refused rule's problems, the next page's command and the exit code for
 * an error. The tables are in manage_tables.c, the reply bodies in
 * manage_replies.c. */
#include "manage_view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cert_expiry.h"
#include "manage_args.h"
#include "manage_view_internal.h"

/* Floor division, so that a time before 1970 still lands in its second. */
static int64_t seconds_of(int64_t ms)
{
  return ms / 1000 - (ms % 1000 < 0);
}

void sw_manage_time(const struct sw_manage_view *v, int64_t unix_ms, char *out,
                    size_t size)
{
  if (size == 0)
    return;
  out[0] = '\0';
  if (unix_ms == 0)
    return;
  if (sw__manage_for_people(v) && v->local_time) {
    v->local_time(unix_ms, out, size);
    return;
  }
  char text[40];
  sw_utc_format(seconds_of(unix_ms), text, sizeof text);
  /* "2025-06-01 12:00:00 UTC" -> "2025-06-01T12:00:00Z" for scripts */
  if (!sw__manage_for_people(v) && strlen(text) == 23) {
    text[10] = 'T';
    memcpy(text + 19, "Z", 2);
  }
  snprintf(out, size, "%s", text);
}

void sw_manage_server_text(const char *host, uint16_t port, char *out, size_t size)
{
  host = host ? host : "";
  bool v6 = strchr(host, ':') && host[0] != '[';
  snprintf(out, size, v6 ? "[%s]:%u" : "%s:%u", host, (unsigned)port);
}

void sw_manage_duration_text(int64_t s, char *out, size_t size)
{
  if (s < 0)
    s = 0;
  if (s >= 86400)
    snprintf(out, size, "%" PRId64 " d %" PRId64 " h", s / 86400, s % 86400 / 3600);
  else if (s >= 3600)
    snprintf(out, size, "%" PRId64 " h %" PRId64 " min", s / 3600, s % 3600 / 60);
  else if (s >= 60)
    snprintf(out, size, "%" PRId64 " min %" PRId64 " s", s / 60, s % 60);
  else
    snprintf(out, size, "%" PRId64 " s", s);
}

/* ---- messages -------------------------------------------------------- */

void sw_manage_problems_text(const struct sw_rule_problems *p, struct sw_buf *out)
{
  if (p->count == 0) {
    sw_buf_appends(out, "The service refused the rule without naming a field this "
                        "program knows: is it older than the service?\n");
    return;
  }
  for (size_t i = 0; i < p->count; i++)
    sw_buf_printf(out, "%s: %s\n", sw_rule_field_name(p->items[i].field),
                  p->items[i].message);
}

void sw_manage_next_page(int64_t rule_id, uint32_t limit, int64_t before_at,
                         int64_t before, char *out, size_t size)
{
  if (rule_id) {
    char cursor[48];
    sw_manage_cursor_format(before_at, before, cursor, sizeof cursor);
    snprintf(out, size, "smtpwatch history %" PRId64 " --limit %" PRIu32 " --before %s",
             rule_id, limit, cursor);
  } else {
    snprintf(out, size, "smtpwatch events --limit %" PRIu32 " --before %" PRId64, limit,
             before);
  }
}

int sw_manage_exit_for_error(const char *code)
{
  enum sw_pipe_error e;
  if (!sw_pipe_error_from_code(code, strlen(code), &e))
    return SW_MANAGE_EXIT_REFUSED; /* a newer service's refusal */
  switch (e) {
  case SW_PIPE_ERR_BAD_REQUEST:
  case SW_PIPE_ERR_UNKNOWN_MESSAGE:
  case SW_PIPE_ERR_VERSION:
    return SW_MANAGE_EXIT_UNREACHABLE;
  default:
    return SW_MANAGE_EXIT_REFUSED;
  }
}
