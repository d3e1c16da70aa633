/* A notification's text for people (alert_note.h). */
#include "alert_note.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "host_text.h"

#define TIME_TEXT_MAX 32

void sw_alert_server(const struct sw_alert_note *n, char *out, size_t size)
{
  if (n->port)
    sw_host_format_endpoint(n->host, n->port, out, size);
  else
    snprintf(out, size, "%s", n->host); /* a test: the machine that sent it */
}

/* What the headline and the first sentence call the state. */
static const char *state_word(const struct sw_alert_note *n)
{
  switch (n->kind) {
  case SW_ALERT_RECOVERY:
    return "RECOVERED";
  case SW_ALERT_FLAPPING:
    return "FLAPPING";
  case SW_ALERT_TEST:
    return "TEST";
  default:
    return sw_nagios_status_name(n->state);
  }
}

void sw_alert_headline(const struct sw_alert_note *n, char *out, size_t size)
{
  char server[300];
  sw_alert_server(n, server, sizeof server);
  snprintf(out, size, "%s%s: %s (%s)", n->kind == SW_ALERT_REMINDER ? "still " : "",
           state_word(n), n->rule_name, server);
}

void sw_alert_subject(const struct sw_alert_note *n, char *out, size_t size)
{
  size_t len = strlen(SW_ALERT_SUBJECT_PREFIX);
  snprintf(out, size, "%s", SW_ALERT_SUBJECT_PREFIX);
  if (size > len)
    sw_alert_headline(n, out + len, size - len);
}

/* The opening sentence. */
static void opening(const struct sw_alert_note *n, struct sw_buf *out, enum sw_error *err)
{
  const char *now = sw_nagios_status_name(n->state);
  const char *was = sw_nagios_status_name(n->previous);
  switch (n->kind) {
  case SW_ALERT_RECOVERY:
    sw_buf_printf_sticky(out, err, "%s is OK again (it was %s).\n", n->rule_name, was);
    break;
  case SW_ALERT_REMINDER:
    sw_buf_printf_sticky(out, err, "%s is still %s.\n", n->rule_name, now);
    break;
  case SW_ALERT_FLAPPING:
    sw_buf_printf_sticky(
        out, err,
        "%s keeps changing state (now %s). No more notifications go out for it "
        "until it settles.\n",
        n->rule_name, now);
    break;
  case SW_ALERT_TEST:
    sw_buf_printf_sticky(out, err,
                         "This is a test of SMTP Watch's notifications (%s): nothing is "
                         "wrong. Alerts about your rules will reach you this way.\n",
                         n->rule_name);
    break;
  default:
    sw_buf_printf_sticky(out, err, "%s is %s (it was %s).\n", n->rule_name, now, was);
    break;
  }
}

enum sw_error sw_alert_body(const struct sw_alert_note *n, struct sw_buf *out)
{
  char server[300], since[TIME_TEXT_MAX], at[TIME_TEXT_MAX];
  sw_alert_server(n, server, sizeof server);
  sw_utc_format(n->since, since, sizeof since);
  sw_utc_format(n->at, at, sizeof at);
  enum sw_error err = SW_E_OK;
  opening(n, out, &err);
  sw_buf_printf_sticky(out, &err, "\nServer:      %s\n", server);
  sw_buf_printf_sticky(out, &err, "State:       %s since %s\n",
                       sw_nagios_status_name(n->state), since);
  sw_buf_printf_sticky(out, &err, "Outcome:     %s (%s)\n", sw_outcome_text(n->outcome),
                       sw_outcome_name(n->outcome));
  if (n->message[0])
    sw_buf_printf_sticky(out, &err, "Found:       %s\n", n->message);
  if (n->reply_code)
    sw_buf_printf_sticky(out, &err, "Reply code:  %d\n", n->reply_code);
  if (n->response_ms >= 0)
    sw_buf_printf_sticky(out, &err, "Response:    %" PRId64 " ms\n", n->response_ms);
  sw_buf_printf_sticky(out, &err, "Checked:     %s on %s\n", at, n->machine);
  sw_buf_printf_sticky(out, &err, "\nNotification id: %s\n", n->id);
  if (n->state != SW_NAGIOS_OK && n->kind != SW_ALERT_FLAPPING &&
      n->kind != SW_ALERT_TEST)
    sw_buf_printf_sticky(
        out, &err,
        "To stop reminders until the state changes: smtpwatch rules ack %" PRId64
        " --comment \"...\"\n",
        n->rule_id);
  return err;
}
