/* Whether the process serving the control pipe is the SmtpWatch service,
 * decided from what a client found out about it (common/win/pipe_trust.c
 * asks Windows). Both clients (smtpwatch.exe and the editor) decide here,
 * before they send anything: any process that creates \\.\pipe\SmtpWatch
 * first, or while the service is stopped, would otherwise receive an
 * administrator's changes and could show made-up states.
 *
 * A server is trusted when
 * - it is the process the service control manager runs the SmtpWatch
 *   service as (RUNNING, START_PENDING or STOP_PENDING), or
 * - its token holds the per-service SID NT SERVICE\SmtpWatch (only the SCM
 *   can give a process that group), or
 * - the user opted in with SMTPWATCH_TRUST_CONSOLE_SERVICE=1, for a service
 *   run with --console in development and tests. A console service is just
 *   a process of the user's, so the opt-in accepts any server: development
 *   only.
 * Portable and pure: tested natively and under Wine (test_pipe_trust_rule). */
#ifndef SW_PIPE_TRUST_RULE_H
#define SW_PIPE_TRUST_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sw_macros.h"

/* The environment variable of the opt-in, and the only value that opts in. */
#define SW_PIPE_TRUST_OPT_IN_VAR "SMTPWATCH_TRUST_CONSOLE_SERVICE"
#define SW_PIPE_TRUST_OPT_IN_VALUE "1"

/* What the service control manager says about the SmtpWatch service. */
enum sw_pipe_trust_scm {
  SW_PIPE_SCM_UNKNOWN,       /* it could not be asked */
  SW_PIPE_SCM_NOT_INSTALLED, /* no service of that name */
  SW_PIPE_SCM_STOPPED,       /* installed, no process (or paused) */
  SW_PIPE_SCM_RUNNING        /* running, starting or stopping, as scm_pid */
};

/* Whether the server's token holds the service's SID. */
enum sw_pipe_trust_sid {
  SW_PIPE_SID_UNKNOWN, /* its token could not be read */
  SW_PIPE_SID_ABSENT,
  SW_PIPE_SID_HELD
};

struct sw_pipe_trust_facts {
  uint32_t server_pid; /* the process serving the pipe; 0: Windows did not say */
  enum sw_pipe_trust_scm scm;
  uint32_t scm_pid; /* the service's process when scm is RUNNING */
  enum sw_pipe_trust_sid sid;
  bool opt_in; /* SMTPWATCH_TRUST_CONSOLE_SERVICE=1 */
  /* For people (UTF-8): the server's image path and account ("HOST\user"),
   * or "unknown (access denied)" and the like when they could not be read. */
  char image[1024];
  char account[256];
};

/* X(ENUM, name for scripts, what it means for people) */
#define SW_PIPE_TRUST_MAP(X)                                                             \
  X(SW_PIPE_TRUST_SERVICE, "service",                                                    \
    "the SmtpWatch service, as the service control manager runs it")                     \
  X(SW_PIPE_TRUST_SERVICE_SID, "service_sid",                                            \
    "a process running as NT SERVICE\\SmtpWatch")                                        \
  X(SW_PIPE_TRUST_OPT_IN, "console_opt_in",                                              \
    "not verified: trusted because " SW_PIPE_TRUST_OPT_IN_VAR "=1 (development only)")   \
  X(SW_PIPE_TRUST_REFUSED, "refused", "not the SmtpWatch service")

enum sw_pipe_trust { SW_PIPE_TRUST_MAP(SW_X_1) };

/* The verdict on `f` (rules above). */
enum sw_pipe_trust sw_pipe_trust_decide(const struct sw_pipe_trust_facts *f);

/* "service", "service_sid", "console_opt_in", "refused"; never NULL. */
const char *sw_pipe_trust_name(enum sw_pipe_trust t);
/* What the verdict means, for people; never NULL. */
const char *sw_pipe_trust_text(enum sw_pipe_trust t);

/* The sentence for a refused server on `pipe_name` (UTF-8): the process
 * found (pid, image, account), why it is not trusted, and what to do,
 * naming the opt-in. Always NUL-terminated when size > 0; if the whole
 * sentence does not fit, the image is cut to its file name first. */
void sw_pipe_trust_refusal(const struct sw_pipe_trust_facts *f, const char *pipe_name,
                           char *out, size_t size);

/* "C:\dir\smtpwatch-svc.exe, process 1234, running as NT AUTHORITY\LOCAL
 * SERVICE": the server process, for `smtpwatch service info`. */
void sw_pipe_trust_process_text(const struct sw_pipe_trust_facts *f, char *out,
                                size_t size);

#endif
