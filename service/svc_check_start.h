/* Starting a rule's check on the engine, for the schedule and for "test
 * now": an ordinary check, or the rule's round trip (issue 17,
 * engine_round_trip.h), which reads the rule for minutes and so gets a
 * copy of its own (the rule may be changed or deleted meanwhile). And the
 * thresholds a rule's result is judged by: a round trip's delivery time's. */
#ifndef SW_SVC_CHECK_START_H
#define SW_SVC_CHECK_START_H

#include <stdint.h>

#include "check_extras.h"
#include "engine.h"
#include "rule.h"

/* What a started check keeps until its callback has run. */
struct sw_svc_check_hold {
  struct sw_rule rule; /* a round trip's copy of its rule; defaults otherwise */
  char probe_rule[24]; /* the probe's RULE: the rule's id, or "test" unsaved */
};

/* Starts the check of `rule` with `x` (borrowed until `done` has run, as
 * *hold, which the caller frees with sw_svc_check_hold_free after it).
 * SW_E_NOMEM, or what the engine refused. */
enum sw_error sw_svc_check_start(struct sw_engine *e, const struct sw_rule *rule,
                                 const struct sw_check_extras *x,
                                 struct sw_svc_check_hold *hold, sw_check_done_fn done,
                                 void *ctx);
void sw_svc_check_hold_free(struct sw_svc_check_hold *hold);

/* The status of `result` of `rule`: a round trip's delivery time is judged
 * by the rule's delivery_warn_ms and delivery_crit_ms (0: none); an
 * ordinary check's time by nothing. */
enum sw_nagios_status sw_svc_result_status(const struct sw_rule *rule,
                                           const struct sw_check_result *result);

#endif
