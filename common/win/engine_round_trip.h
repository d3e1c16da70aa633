/* The round trip (issue 17, docs/round-trip.md) as one job on the engine:
 * the probe is submitted through the rule's SMTP server (an ordinary check
 * with a mail: the rule's TLS and AUTH), then the rule's mailbox is looked
 * at (engine_mailbox.h) until the probe is there or the rule's
 * deliver_within_s has passed: IMAP waits in IDLE where the server offers
 * it, else the mailbox is looked at again every SW_ROUND_TRIP_POLL_MS. The
 * session deletes the probe and the rule's stale probes. */
#ifndef SW_ENGINE_ROUND_TRIP_H
#define SW_ENGINE_ROUND_TRIP_H

#include "check_extras.h"
#include "engine.h"
#include "rule.h"

#define SW_ROUND_TRIP_POLL_MS 5000u
/* A probe of the rule older than this is stale, and deleted. */
#define SW_ROUND_TRIP_STALE_S 86400
/* What a mailbox session may take beyond the wait: log in, read, delete,
 * log out. */
#define SW_ROUND_TRIP_SESSION_MS 30000u

struct sw_round_trip_spec {
  const struct sw_rule *rule;           /* its round trip set; borrowed */
  const struct sw_check_extras *extras; /* the SMTP side's AUTH; borrowed */
  const char *mailbox_password;         /* borrowed */
  /* The probe's RULE: the rule's store id ("17"), or another tag of
   * 1-64 letters, digits, '.', '_', '-' for a rule that is not stored. */
  const char *probe_rule;
};

/* Starts a round trip; everything in `spec` is borrowed until `done` has
 * run (once, from the loop). Its result: the submission's own outcome when
 * that failed (the SMTP side's outcomes); else delivered (a warning of
 * the submission, such as a certificate that expires soon, stays), or
 * not_delivered at the deadline, mailbox_login_failed,
 * mailbox_unreachable, mailbox_protocol_error, cancelled. result->
 * round_trip has the timings, hops and verdicts whatever the outcome;
 * the transcript is the submission's, then the mailbox's last session's.
 * Loop thread. */
enum sw_error sw_engine_round_trip(struct sw_engine *e,
                                   const struct sw_round_trip_spec *spec,
                                   sw_check_done_fn done, void *ctx);

#endif
