/* The editor's access mode (access_mode.h). */
#include "access_mode.h"

#include <stdio.h>
#include <string.h>

#include "sw_macros.h"

/* Whether token[0..len) is the read-only switch, in any case. */
static bool is_read_only_switch(const char *token, size_t len)
{
  static const char name[] = "readonly";
  if (len != sizeof name || (token[0] != '/' && token[0] != '-'))
    return false;
  for (size_t i = 0; i + 1 < sizeof name; i++) {
    char c = token[i + 1];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c != name[i])
      return false;
  }
  return true;
}

bool sw_access_mode_parse_args(const char *args, bool *read_only, char *why, size_t size)
{
  *read_only = false;
  if (size)
    why[0] = '\0';
  const char *p = args ? args : "";
  for (;;) {
    while (*p == ' ' || *p == '\t')
      p++;
    if (!*p)
      return true;
    const char *start = p, *end;
    if (*p == '"') {
      start = ++p;
      while (*p && *p != '"')
        p++;
      end = p;
      if (*p)
        p++;
    } else {
      while (*p && *p != ' ' && *p != '\t')
        p++;
      end = p;
    }
    size_t len = (size_t)(end - start);
    if (is_read_only_switch(start, len)) {
      *read_only = true;
      continue;
    }
    if (size)
      snprintf(why, size,
               "The editor does not know the option \"%.*s\". Its one option is "
               "/readonly: look at the rules without being able to change them.",
               len > 100 ? 100 : (int)len, start);
    return false;
  }
}

struct sw_access_mode sw_access_mode_decide(bool asked_read_only, bool token_is_admin)
{
  if (asked_read_only)
    return (struct sw_access_mode){.read_only = true, .why = SW_ACCESS_ASKED};
  if (!token_is_admin)
    return (struct sw_access_mode){.read_only = true, .why = SW_ACCESS_NOT_ADMIN};
  return (struct sw_access_mode){.read_only = false, .why = SW_ACCESS_ADMIN};
}

struct sw_access_mode sw_access_mode_refused(void)
{
  return (struct sw_access_mode){.read_only = true, .why = SW_ACCESS_REFUSED};
}

bool sw_access_mode_allows(struct sw_access_mode mode, enum sw_access_command command)
{
  switch (command) {
  case SW_ACCESS_EDIT: /* as View in read-only mode */
  case SW_ACCESS_TEST_SAVED:
  case SW_ACCESS_HISTORY:
  case SW_ACCESS_REFRESH:
    return true;
  case SW_ACCESS_ADD:
  case SW_ACCESS_DELETE:
  case SW_ACCESS_ENABLE:
  case SW_ACCESS_SAVE:
  case SW_ACCESS_TEST_FORM:
  case SW_ACCESS_ACK:
    break;
  }
  return !mode.read_only;
}

#define HOW_TO_CHANGE                                                                    \
  "To change rules, start the editor as an administrator (right-click, Run as "          \
  "administrator)."

void sw_access_mode_banner(struct sw_access_mode mode, char *out, size_t size)
{
  if (size == 0)
    return;
  const char *text = "";
  if (mode.read_only) {
    switch (mode.why) {
    case SW_ACCESS_ASKED:
      text = "Read-only: the editor was started with /readonly. To change rules, start "
             "it without /readonly.";
      break;
    case SW_ACCESS_REFUSED:
      text = "Read-only: the service refused a change because it does not count you as "
             "an administrator. " HOW_TO_CHANGE;
      break;
    case SW_ACCESS_ADMIN:
      SW_NOT_REACHED(); /* an administrator's mode is full, not read-only */
      /* fall through */
    case SW_ACCESS_NOT_ADMIN:
      text = "Read-only: you are not an administrator. " HOW_TO_CHANGE;
      break;
    }
  }
  snprintf(out, size, "%s", text);
}

const char *sw_access_mode_status(struct sw_access_mode mode)
{
  return mode.read_only ? "Read-only" : "";
}

const char *sw_access_mode_denied_text(void)
{
  return "Only administrators may change rules, and the service does not count you as "
         "one. Start the editor as an administrator (right-click it, \"Run as "
         "administrator\") and try again.";
}
