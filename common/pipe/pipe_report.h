/* The AVAILABILITY record of REPORT_OK (protocol version 4,
 * docs/pipe-protocol.md): one rule's figures over a report's period.
 * Encoders borrow; the decoder allocates, freed with
 * sw_pipe_availability_free. Unknown tags and records are skipped. */
#ifndef SW_PIPE_REPORT_H
#define SW_PIPE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "availability.h"
#include "pipe_tlv.h"

/* One step's response times: how many samples, p50/p95/p99 in us. */
struct sw_pipe_step_latency {
  enum sw_step step;
  uint64_t samples;
  int64_t percentile_us[SW_AVAIL_PERCENTILE_COUNT];
};

struct sw_pipe_availability {
  int64_t rule_id;
  char *name, *host; /* owned when decoded */
  int64_t port;
  struct sw_avail_totals totals;
  struct sw_outage *outages; /* owned when decoded; oldest first */
  size_t outage_count;
  struct sw_pipe_step_latency steps[SW_STEP_COUNT]; /* steps with samples */
  size_t step_count;
};

void sw_pipe_put_availability(struct sw_buf *out, const struct sw_pipe_availability *a);
/* Reads the AVAILABILITY record whose BEGIN was just read into `out`
 * (zeroed first; free it even after an error). */
enum sw_error sw_pipe_get_availability(struct sw_tlv_reader *rd,
                                       struct sw_pipe_availability *out);
void sw_pipe_availability_free(struct sw_pipe_availability *a);

#endif
