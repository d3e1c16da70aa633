/* A mail domain's results in the service loop (issue 18,
 * docs/domain-checks.md): the MTA-STS policy id of each check is compared
 * with the last one, and a change is an event (RFC 8461 3.1: a new id
 * means a new policy). Loop thread only. */
#include "svc_loop_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "domain_report.h"

void sw__loop_domain_result(struct sw_svc_loop *l, struct sw_svc_rule *r,
                            const struct sw_check_result *result)
{
  const struct sw_domain_report *d = result->domain;
  if (!d || !d->sts_id[0])
    return; /* no policy this time (or no answer): nothing to compare */
  if (r->sts_id && strcmp(r->sts_id, d->sts_id) != 0) {
    struct sw_svc_args a = {0};
    LOG_EVENT(l, SW_MSG_MTA_STS_POLICY_CHANGED, r->rule.id, r->rule.name,
              sw_svc_arg(&a, "%" PRId64, r->rule.id), d->domain, r->sts_id, d->sts_id,
              d->sts_mode[0] ? d->sts_mode : "unknown: the policy could not be read");
  }
  if (r->sts_id && !strcmp(r->sts_id, d->sts_id))
    return;
  size_t n = strlen(d->sts_id) + 1;
  char *copy = malloc(n);
  if (!copy)
    return; /* out of memory: the next check compares again */
  memcpy(copy, d->sts_id, n);
  free(r->sts_id);
  r->sts_id = copy;
}
