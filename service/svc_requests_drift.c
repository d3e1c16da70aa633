/* Control-pipe request of the drift alarm (docs/drift.md): RULE_ACCEPT
 * makes the fingerprint a rule's server has now its accepted one; who
 * accepted which differences goes to the Event Log. */
#include "svc_requests_internal.h"

#include <windows.h>

#include <stdio.h>

#include "clock.h"
#include "messages.h"
#include "svc_drift.h"
#include "svc_rules.h"

HANDLER(sw__req_rule_accept)
{
  struct sw_svc_rule *r = sw_svc_rules_find(q->rules, f->rule_id);
  if (!r) {
    sw__req_error(reply, id, SW_PIPE_ERR_NOT_FOUND, NULL);
    return SW_PIPE_KEEP;
  }
  char by[300];
  sw_pipe_conn_account_name(conn, by, sizeof by);
  struct sw_fp_diff accepted;
  enum sw_store_error err = sw_svc_drift_accept(*q->store, r, by, q->now_ms(), &accepted);
  if (err == SW_STORE_NOT_FOUND) {
    sw__req_error(reply, id, SW_PIPE_ERR_NO_DRIFT, NULL);
    return SW_PIPE_KEEP;
  }
  if (err) {
    sw__req_store_error(q, reply, id, err, NULL);
    return SW_PIPE_KEEP;
  }
  char rid[24], words[SW_FP_DIFF_TEXT_MAX + 256];
  snprintf(rid, sizeof rid, "%lld", (long long)r->rule.id);
  sw_fp_diff_join(&accepted, words, sizeof words);
  const char *strings[] = {r->rule.name, rid, by, words};
  q->log(q->loop, SW_MSG_FINGERPRINT_ACCEPTED, r->rule.id, SW_COUNTOF(strings), strings);
  size_t start;
  sw__req_begin(reply, SW_PIPE_MSG_DONE_OK, id, &start);
  sw__req_end(reply, id, start);
  return SW_PIPE_KEEP;
}
