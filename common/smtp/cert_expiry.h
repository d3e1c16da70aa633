/* How long a server certificate has left, judged against the rule's
 * thresholds. Portable and clock-free: the caller passes the wall-clock time
 * (Unix seconds), so the same certificate gives the same verdict in tests, in
 * the service and in the command line. */
#ifndef SW_CERT_EXPIRY_H
#define SW_CERT_EXPIRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "check_result.h"

/* Whole days from now_s until not_after, rounded down: 0 on its last day,
 * -1 on the first day after it expired. Both in Unix seconds. */
int sw_cert_days_left(int64_t not_after, int64_t now_s);

/* The certificate's verdict: SW_OUTCOME_CERT_EXPIRED once now_s is past
 * not_after (X.509 validity includes its last second),
 * SW_OUTCOME_CERT_EXPIRING when less than warn_days days are left
 * (warn_days 0: never), SW_OUTCOME_OK otherwise. */
enum sw_outcome sw_cert_expiry_outcome(int64_t not_after, int64_t now_s, int warn_days);

/* Whether an expiring certificate is already critical: fewer than
 * tls->crit_days whole days left. Expiring is one outcome with two
 * severities, so the reports ask this rather than the outcome. */
bool sw_cert_expiry_is_critical(const struct sw_tls_info *tls);

#endif
