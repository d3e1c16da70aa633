/* The decision whether to talk to the server behind the pipe, and the
 * sentences about it (pipe_trust_rule.h). */
#include "pipe_trust_rule.h"

#include <stdio.h>
#include <string.h>

#include "sw_macros.h"

enum sw_pipe_trust sw_pipe_trust_decide(const struct sw_pipe_trust_facts *f)
{
  if (f->server_pid != 0 && f->scm == SW_PIPE_SCM_RUNNING && f->scm_pid == f->server_pid)
    return SW_PIPE_TRUST_SERVICE;
  if (f->server_pid != 0 && f->sid == SW_PIPE_SID_HELD)
    return SW_PIPE_TRUST_SERVICE_SID;
  if (f->opt_in)
    return SW_PIPE_TRUST_OPT_IN;
  return SW_PIPE_TRUST_REFUSED;
}

static const char *const trust_names[] = {SW_PIPE_TRUST_MAP(SW_X_2)};
static const char *const trust_texts[] = {SW_PIPE_TRUST_MAP(SW_X_3)};

/* An unknown verdict reads as a refusal. */
const char *sw_pipe_trust_name(enum sw_pipe_trust t)
{
  return SW_TABLE_AT(trust_names, t, trust_names[SW_PIPE_TRUST_REFUSED]);
}

const char *sw_pipe_trust_text(enum sw_pipe_trust t)
{
  return SW_TABLE_AT(trust_texts, t, trust_texts[SW_PIPE_TRUST_REFUSED]);
}

/* Why the server is not the service, in the SCM's words. */
static void scm_reason(const struct sw_pipe_trust_facts *f, char *out, size_t size)
{
  switch (f->scm) {
  case SW_PIPE_SCM_NOT_INSTALLED:
    snprintf(out, size, "the SmtpWatch service is not installed");
    break;
  case SW_PIPE_SCM_STOPPED:
    snprintf(out, size, "the SmtpWatch service is not running");
    break;
  case SW_PIPE_SCM_RUNNING:
    snprintf(out, size, "the SmtpWatch service runs as process %lu",
             (unsigned long)f->scm_pid);
    break;
  case SW_PIPE_SCM_UNKNOWN:
  default:
    snprintf(out, size,
             "the service control manager could not say which process "
             "runs the SmtpWatch service");
    break;
  }
}

static const char *sid_reason(enum sw_pipe_trust_sid sid)
{
  return sid == SW_PIPE_SID_UNKNOWN ? "its account could not be checked"
                                    : "it does not run as NT SERVICE\\SmtpWatch";
}

static const char *file_name(const char *path)
{
  const char *name = path;
  for (const char *p = path; *p; p++)
    if (*p == '\\' || *p == '/')
      name = p + 1;
  return name;
}

static int refusal(const struct sw_pipe_trust_facts *f, const char *pipe_name,
                   const char *image, char *out, size_t size)
{
  char scm[160], found[1400];
  scm_reason(f, scm, sizeof scm);
  if (f->server_pid)
    snprintf(found, sizeof found,
             "the process serving it, %lu (%s, %s), is not the "
             "SmtpWatch service: %s, and %s",
             (unsigned long)f->server_pid, image, f->account, scm, sid_reason(f->sid));
  else
    snprintf(found, sizeof found,
             "Windows would not say which process serves it, so it cannot be "
             "verified as the SmtpWatch service (%s)",
             scm);
  return snprintf(out, size,
                  "Nothing was sent to %s: %s. If you did not start that program, end "
                  "it and start the service ('sc start SmtpWatch'). For a service run "
                  "with --console in development, set " SW_PIPE_TRUST_OPT_IN_VAR
                  "=" SW_PIPE_TRUST_OPT_IN_VALUE " first.",
                  pipe_name, found);
}

void sw_pipe_trust_refusal(const struct sw_pipe_trust_facts *f, const char *pipe_name,
                           char *out, size_t size)
{
  int n = refusal(f, pipe_name, f->image, out, size);
  if (n >= 0 && (size_t)n >= size)
    refusal(f, pipe_name, file_name(f->image), out, size);
}

void sw_pipe_trust_process_text(const struct sw_pipe_trust_facts *f, char *out,
                                size_t size)
{
  if (f->server_pid)
    snprintf(out, size, "%s, process %lu, running as %s", f->image,
             (unsigned long)f->server_pid, f->account);
  else
    snprintf(out, size, "unknown (Windows did not say which process serves the pipe)");
}
