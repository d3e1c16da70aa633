/* What the editor lets its user do: change rules, or only look at them.
 * The service decides who may change rules (an administrator, by
 * CheckTokenMembership of BUILTIN\Administrators on the client's token);
 * the editor makes the same decision at start about its own token
 * (gui/editor_rights.c) so that a standard user, or an administrator
 * whose token UAC filtered, sees up front that the editor is read-only
 * instead of meeting a refusal at every change. This file is the portable
 * part: the command line, the decision, which command each mode allows
 * and the sentences that say so. Portable C11, UTF-8, unit-tested
 * without a window (tests/unit/editor/test_access_mode.c). */
#ifndef SW_ACCESS_MODE_H
#define SW_ACCESS_MODE_H

#include <stdbool.h>
#include <stddef.h>

/* Why the editor is in its mode. */
enum sw_access_why {
  SW_ACCESS_ADMIN,     /* full: the token is an administrator's */
  SW_ACCESS_NOT_ADMIN, /* read-only: it is not (a standard user) */
  SW_ACCESS_ASKED,     /* read-only: started with /readonly */
  SW_ACCESS_REFUSED,   /* read-only: the service refused a change meanwhile */
};

struct sw_access_mode {
  bool read_only;
  enum sw_access_why why;
};

/* What the user can ask of the main window (its buttons and keys). */
enum sw_access_command {
  SW_ACCESS_ADD,
  SW_ACCESS_EDIT, /* read-only: opens the rule to look at it (View) */
  SW_ACCESS_DELETE,
  SW_ACCESS_ENABLE,
  SW_ACCESS_SAVE,       /* the rule dialog's Save */
  SW_ACCESS_TEST_SAVED, /* a stored rule: the service lets anyone */
  SW_ACCESS_TEST_FORM,  /* a rule not saved: administrators only */
  SW_ACCESS_HISTORY,
  SW_ACCESS_REFRESH,
  SW_ACCESS_ACK, /* acknowledge a bad rule, or take it back */
};

/* Reads the editor's command line `args` (UTF-8, without the program's
 * name, as wWinMain gets it; NULL is empty). The one option is
 * "/readonly" ("-readonly" too, any case, quoted or not): *read_only is
 * set if it is there. Returns false, with a sentence for the user in
 * why[size], for anything else; true (why[] "") otherwise. */
bool sw_access_mode_parse_args(const char *args, bool *read_only, char *why, size_t size);

/* The mode at start: read-only if the user asked for it, else read-only
 * unless the token is an administrator's. */
struct sw_access_mode sw_access_mode_decide(bool asked_read_only, bool token_is_admin);

/* The mode once the service has refused a change (ERROR access_denied):
 * read-only from then on, whatever the editor thought at start. */
struct sw_access_mode sw_access_mode_refused(void);

/* Whether `mode` lets the user do `command`. */
bool sw_access_mode_allows(struct sw_access_mode mode, enum sw_access_command command);

/* The banner over the rule list: why the editor is read-only and how to
 * change rules; "" in full mode. Writes a NUL-terminated text into
 * out[size] (cut if it does not fit; nothing if size is 0). */
void sw_access_mode_banner(struct sw_access_mode mode, char *out, size_t size);

/* The status bar's word for the mode: "Read-only", or "" in full mode.
 * Static storage. */
const char *sw_access_mode_status(struct sw_access_mode mode);

/* The editor's sentence for the service's ERROR access_denied to a
 * change: who may change rules and what to do. Static storage. */
const char *sw_access_mode_denied_text(void);

#endif
