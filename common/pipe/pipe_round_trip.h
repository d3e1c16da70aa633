/* Internal to common/pipe: the round trip's fields of a RESULT record
 * (pipe_round_trip.c). */
#ifndef SW_PIPE_ROUND_TRIP_H
#define SW_PIPE_ROUND_TRIP_H

#include <stdbool.h>

#include "pipe_tlv.h"
#include "sw_buf.h"
#include "sw_error.h"

struct sw_round_trip_result;

/* Appends the round trip's fields (inside a RESULT record). */
void sw__pipe_put_round_trip(struct sw_buf *out, const struct sw_round_trip_result *rt);
/* If `f` is one of them (*known), reads it into *slot, which is made on
 * the first (SW_E_NOMEM if it cannot be). */
enum sw_error sw__pipe_get_round_trip_field(struct sw_round_trip_result **slot,
                                            const struct sw_tlv_field *f, bool *known);

#endif
