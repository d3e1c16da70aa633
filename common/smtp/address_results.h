/* A check of every address of a host (all_addresses): each address has its
 * own dialogue, and this decides which one speaks for the check. Portable:
 * the engine runs the dialogues, this only judges their results. */
#ifndef SW_ADDRESS_RESULTS_H
#define SW_ADDRESS_RESULTS_H

#include <stddef.h>

#include "check_result.h"
#include "sw_error.h"

/* Which of results[0..n) (n >= 1, in the resolver's order) is the worst,
 * the one that decides the check:
 *   1. the highest Nagios status of its outcome, without time thresholds,
 *      ranked CRITICAL > UNKNOWN > WARNING > OK (an address nothing is
 *      known about is worse than one that only warns);
 *   2. among those, the longest total time (the caller's time thresholds
 *      then judge the slowest answer);
 *   3. among those, the first in the resolver's order.
 * The order is total, so the same results always give the same answer. */
size_t sw_check_results_worst(const struct sw_check_result *results, size_t n);

/* Makes `out` (empty, as after sw_check_result_init) the check's result:
 * the worst of results[0..n) is moved into it (its transcript starting
 * with a note naming its address), and out->addresses lists every
 * address's outcome in the given order. Every results[i] is left empty.
 * SW_E_INVALID_ARGUMENT if n is 0 (out untouched); SW_E_NOMEM if the list
 * could not be allocated (out is then the worst result, without it). */
enum sw_error sw_check_results_merge(struct sw_check_result *results, size_t n,
                                     struct sw_check_result *out);

#endif
