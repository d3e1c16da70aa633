/* An availability report as people and programs read it (docs/reports.md):
 * a text table, JSON, CSV (RFC 4180, one row per rule) or one
 * self-contained HTML file (no external resources; every text escaped). */
#ifndef SW_REPORT_FORMAT_H
#define SW_REPORT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "pipe_report.h"
#include "report_args.h"
#include "sw_buf.h"

/* What the service answered: the period (whole hours) and every rule's
 * figures. */
struct sw_report {
  int64_t from_ms, until_ms;
  struct sw_pipe_availability *rules; /* owned */
  size_t count;
};

void sw_report_free(struct sw_report *r);

/* Appends the report in `format` to `out`. SW_E_NOMEM if memory ran out. */
enum sw_error sw_report_render(const struct sw_report *r, enum sw_report_format format,
                               struct sw_buf *out);

/* A duration in milliseconds for people, as the other commands write
 * one (sw_manage_duration_text): "3 d 4 h", "4 min 7 s". */
void sw__report_duration(int64_t ms, char *out, size_t size);

#endif
