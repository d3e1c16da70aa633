/* Whether this editor may change rules, decided at start the way the
 * service decides it for each client (common/win/pipe_server.c,
 * sw_pipe_conn_is_admin): membership of BUILTIN\Administrators in the
 * token, by CheckTokenMembership, which counts a group UAC marked
 * deny-only as absent. What the decision means for the windows is
 * model/access_mode's. */
#ifndef SW_EDITOR_RIGHTS_H
#define SW_EDITOR_RIGHTS_H

#include <stdbool.h>

#include "access_mode.h"

/* The environment variable that makes the editor believe its token is
 * not an administrator's ("1"): the tests' seam for the read-only mode
 * on Wine, whose every process is a full administrator. It can only
 * take rights away, never give them. */
#define SW_EDITOR_ASSUME_STANDARD_USER_ENV L"SMTPWATCH_EDITOR_ASSUME_STANDARD_USER"

/* Whether the calling thread's token (the process's, as it does not
 * impersonate) is a member of BUILTIN\Administrators, enabled: true for
 * an elevated administrator, false for a standard user and for an
 * administrator's UAC-filtered token. False too if the check itself
 * fails (the service would not count the token either), and when
 * SW_EDITOR_ASSUME_STANDARD_USER_ENV is "1". Any thread. */
bool sw_editor_rights_token_is_admin(void);

/* The editor's mode at start from its command line `args` (UTF-8, as
 * wWinMain gets it) and its token. False, with a sentence in why[size],
 * if the command line is wrong. */
bool sw_editor_rights_decide(const char *args, struct sw_access_mode *mode, char *why,
                             size_t size);

#endif
