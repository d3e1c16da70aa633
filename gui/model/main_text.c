/* The main window's sentences (main_text.h). */
#include "main_text.h"

#include "access_mode.h"
#include "pipe_protocol.h"

#include <stdio.h>
#include <string.h>

/* A question about a rule: `format` with its name and one more text
 * (NULL is ""). */
static void question(char *out, size_t size, const char *format, const char *name,
                     const char *other)
{
  if (size == 0)
    return;
  snprintf(out, size, format, name ? name : "", other ? other : "");
}

void sw_main_text_delete_question(const char *name, const char *server, char *out,
                                  size_t size)
{
  question(out, size,
           "Delete the rule \"%s\" (%s)?\n\nIts history is deleted with it; this "
           "cannot be undone.",
           name, server);
}

void sw_main_text_older_service(uint16_t message, char *out, size_t size)
{
  if (size == 0)
    return;
  out[0] = '\0';
  /* Asked as of the oldest version: the one a service that does not know
   * the request speaks. */
  if (sw_pipe_msg_allowed(message, SW_PIPE_PROTOCOL_VERSION_OLDEST, out, size) || !out[0])
    snprintf(out, size, "%s", sw_pipe_error_text(SW_PIPE_ERR_UNKNOWN_MESSAGE));
}

void sw_main_text_ack_question(const char *name, const char *state, char *out,
                               size_t size)
{
  question(out, size,
           "Acknowledge \"%s\" (%s)? Its notifications stop until its state changes; "
           "your comment goes to the events.",
           name, state);
}

static const char *failed_what(enum sw_main_action action)
{
  switch (action) {
  case SW_MAIN_DELETE:
    return "deleted";
  case SW_MAIN_ENABLE:
    return "enabled";
  case SW_MAIN_DISABLE:
    return "disabled";
  case SW_MAIN_TEST:
    return "tested";
  case SW_MAIN_ACK:
    return "acknowledged";
  case SW_MAIN_UNACK:
    return "unacknowledged";
  case SW_MAIN_ACCEPT:
    return "updated with its server's changes";
  case SW_MAIN_OPEN:
    break;
  }
  return "read from the service";
}

void sw_main_text_failure(enum sw_main_action action, const char *name,
                          const char *error_code, const char *error, char *out,
                          size_t size)
{
  if (size == 0)
    return;
  const char *code = error_code ? error_code : "";
  const char *why = error && error[0] ? error : "The service gave no reason.";
  char older[512];
  if (strcmp(code, "access_denied") == 0) {
    why = sw_access_mode_denied_text();
  } else if (strcmp(code, "unknown_message") == 0 &&
             (action == SW_MAIN_ACK || action == SW_MAIN_UNACK ||
              action == SW_MAIN_ACCEPT)) {
    sw_main_text_older_service(action == SW_MAIN_ACK     ? SW_PIPE_MSG_RULE_ACK
                               : action == SW_MAIN_UNACK ? SW_PIPE_MSG_RULE_UNACK
                                                         : SW_PIPE_MSG_RULE_ACCEPT,
                               older, sizeof older);
    why = older;
  } else if (strcmp(code, "not_found") == 0)
    why = "It no longer exists: someone deleted it meanwhile. The list is being "
          "refreshed.";
  snprintf(out, size, "The rule \"%s\" could not be %s.\n\n%s", name ? name : "",
           failed_what(action), why);
}

void sw_main_text_banner(const char *state_text, const char *updated_at, unsigned retry_s,
                         char *out, size_t size)
{
  if (size == 0)
    return;
  const char *state = state_text && state_text[0]
                          ? state_text
                          : "The SMTP Watch service cannot be reached.";
  /* The worker's sentences end with a full stop; make sure of it. */
  size_t len = strlen(state);
  const char *stop = len && strchr(".!?", state[len - 1]) ? "" : ".";
  if (updated_at && updated_at[0])
    snprintf(out, size,
             "%s%s The list shows the rules as they were at %s. Trying again every %u "
             "seconds.",
             state, stop, updated_at, retry_s);
  else
    snprintf(out, size, "%s%s Trying again every %u seconds.", state, stop, retry_s);
}

void sw_main_text_updated(const char *updated_at, char *out, size_t size)
{
  if (size == 0)
    return;
  if (updated_at && updated_at[0])
    snprintf(out, size, "Updated %s", updated_at);
  else
    snprintf(out, size, "Not updated yet");
}
