/* What a client of the control pipe asks Windows about the server behind
 * it, before it sends anything: the server's process id, what the service
 * control manager says about the SmtpWatch service, the server's image,
 * account and whether its token holds NT SERVICE\SmtpWatch, and the
 * console opt-in. The decision itself is portable (pipe_trust_rule.h).
 * Also the pipe's security descriptor as SDDL, read back from a client's
 * handle, for `smtpwatch service info`. */
#ifndef SW_PIPE_TRUST_H
#define SW_PIPE_TRUST_H

#include <windows.h>

#include <stdbool.h>
#include <stddef.h>

#include "pipe_trust_rule.h"

/* The service's name in the SCM, as the installer registers it; its
 * service SID is NT SERVICE\SmtpWatch. */
#define SW_PIPE_TRUST_SERVICE_NAME L"SmtpWatch"

/* Fills `f` for the server end of `pipe` (a client handle). Never fails:
 * what cannot be found out is recorded as unknown (server_pid 0,
 * SW_PIPE_SCM_UNKNOWN, SW_PIPE_SID_UNKNOWN, "unknown (access denied)").
 * Needs only what a standard user has: SC_MANAGER_CONNECT,
 * SERVICE_QUERY_STATUS, PROCESS_QUERY_LIMITED_INFORMATION, TOKEN_QUERY. */
void sw_pipe_trust_gather(HANDLE pipe, struct sw_pipe_trust_facts *f);

/* Whether `token` (opened with TOKEN_QUERY) holds `sid` as an enabled
 * group; a deny-only group grants nothing, so it does not count.
 * SW_PIPE_SID_UNKNOWN if the token's groups cannot be read. */
enum sw_pipe_trust_sid sw_pipe_trust_token_holds(HANDLE token, PSID sid);

/* True if SMTPWATCH_TRUST_CONSOLE_SERVICE is "1" in this process's
 * environment (read each time: a test may change it). */
bool sw_pipe_trust_opt_in(void);

/* The security descriptor of the pipe behind `pipe` (a handle with
 * READ_CONTROL, which GENERIC_READ includes) as SDDL (UTF-8): owner, group
 * and DACL as far as they can be read. Returns 0, or the Win32 error with
 * out set to "unknown (<why>)" as for the other facts: "unknown (access
 * denied)", "unknown (The handle is invalid (6))". */
unsigned long sw_pipe_trust_sddl(HANDLE pipe, char *out, size_t size);

#endif
