/* The main window's sentences (main_text.h). */
#include "main_text.h"

#include "access_mode.h"

#include <stdio.h>
#include <string.h>

void sw_main_text_delete_question(const char *name, const char *server, char *out,
                                  size_t size)
{
  if (size == 0)
    return;
  snprintf(out, size,
           "Delete the rule \"%s\" (%s)?\n\nIts history is deleted with it; this "
           "cannot be undone.",
           name ? name : "", server ? server : "");
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
  if (strcmp(code, "access_denied") == 0)
    why = sw_access_mode_denied_text();
  else if (strcmp(code, "not_found") == 0)
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
