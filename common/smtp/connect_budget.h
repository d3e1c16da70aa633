/* How a check shares its time budget among the addresses its host resolved
 * to. The engine tries them one after another in the resolver's order
 * (GetAddrInfoW sorts by RFC 6724: IPv6 before IPv4 where both work), and
 * an address that drops SYNs must not starve the ones after it. Portable
 * and clock-free, so the split is tested with a fake clock
 * (tests/unit/test_connect_budget.c). */
#ifndef SW_CONNECT_BUDGET_H
#define SW_CONNECT_BUDGET_H

#include <stdint.h>

/* sw_connect_attempt_due's answer for the last address: it may use
 * everything up to the check's deadline. */
#define SW_CONNECT_UNTIL_DEADLINE 0

/* When the connection attempt that starts at `now` gives way to the next
 * address, given the check's `deadline` (same clock and unit, times above 0) and how many
 * addresses are still to be tried after this one (`after` >= 0). Each
 * address left, this one included, gets an equal share of the time left:
 * of two addresses the first gets at most half; an attempt that fails
 * sooner (a refusal) leaves its unused time to the next ones, whose shares
 * are computed again when they start. The last address gets
 * SW_CONNECT_UNTIL_DEADLINE. A deadline already reached gives `now`: the
 * attempt gives way at once (the check's own deadline ends it first). */
int64_t sw_connect_attempt_due(int64_t now, int64_t deadline, int after);

#endif
