/* What the probe the mailbox gave back says (issue 17): the path it took
 * (its Received: hops) and the receiving side's SPF, DKIM and DMARC
 * verdicts, put into the round trip's result (common/smtp/
 * round_trip_result.h), which the store, the pipe and the reports carry. */
#ifndef SW_PROBE_FOUND_H
#define SW_PROBE_FOUND_H

#include <stddef.h>

#include "round_trip_result.h"
#include "sw_error.h"

/* Reads the probe's header block into rt->hops (oldest first, as
 * received_hops.h reads them) and rt's verdicts (the topmost
 * Authentication-Results: field, auth_results.h; has_auth false without
 * one). SW_E_NOMEM if memory ran out (rt then has no hops). */
enum sw_error sw_probe_found_read(const char *header, size_t len,
                                  struct sw_round_trip_result *rt);

#endif
