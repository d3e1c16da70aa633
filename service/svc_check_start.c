#include "svc_check_start.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "engine_round_trip.h"
#include "nagios_report.h"

enum sw_error sw_svc_check_start(struct sw_engine *e, const struct sw_rule *rule,
                                 const struct sw_check_extras *x,
                                 struct sw_svc_check_hold *hold, sw_check_done_fn done,
                                 void *ctx)
{
  sw_rule_init_defaults(&hold->rule);
  if (rule->round_trip == SW_ROUND_TRIP_NONE) {
    struct sw_check_spec spec = sw_check_spec_of(rule, x);
    return sw_engine_submit(e, &spec, done, ctx);
  }
  enum sw_error err = sw_rule_copy(&hold->rule, rule);
  if (err)
    return err;
  if (rule->id > 0)
    snprintf(hold->probe_rule, sizeof hold->probe_rule, "%" PRId64, rule->id);
  else
    snprintf(hold->probe_rule, sizeof hold->probe_rule, "test");
  struct sw_round_trip_spec spec = {&hold->rule, x, x->mailbox_password,
                                    hold->probe_rule};
  return sw_engine_round_trip(e, &spec, done, ctx);
}

void sw_svc_check_hold_free(struct sw_svc_check_hold *hold)
{
  sw_rule_free(&hold->rule);
}

enum sw_nagios_status sw_svc_result_status(const struct sw_rule *rule,
                                           const struct sw_check_result *result)
{
  if (!result->round_trip)
    return sw_nagios_status(result, -1, -1);
  int warn = rule->delivery_warn_ms ? (int)rule->delivery_warn_ms : -1;
  int crit = rule->delivery_crit_ms ? (int)rule->delivery_crit_ms : -1;
  return sw_nagios_status(result, warn, crit);
}
