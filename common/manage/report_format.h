/* An availability report as people and programs read it (docs/reports.md):
 * a text table, JSON, CSV (RFC 4180, one row per rule) or one
 * self-contained HTML file (no external resources; every text escaped). */
#ifndef SW_REPORT_FORMAT_H
#define SW_REPORT_FORMAT_H

#include <stdbool.h>
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
  /* The service's note on the figures (NULL: none), e.g. "rollups being
   * built (40 %): ..." after an upgrade (docs/reports.md). Owned. */
  char *note;
};

void sw_report_free(struct sw_report *r);

/* Appends the AVAILABILITY records of one REPORT_OK body to r, and takes
 * its period; *more says whether the service has more rules, *last_id is
 * the last rule read (the next page's AFTER). SW_E_INVALID_ARGUMENT for a
 * malformed body (what was read stays in r, freed with it). */
enum sw_error sw_report_read_page(const uint8_t *body, size_t len, struct sw_report *r,
                                  bool *more, int64_t *last_id);

/* The fields of a REPORT request for one page: the period, one rule
 * (`rule_id`; 0: every rule), the rules after rule `after` (0: from the
 * first), at most `limit` of them. For smtpwatch report and the editor. */
void sw_report_put_request(struct sw_buf *fields, int64_t from_ms, int64_t until_ms,
                           int64_t rule_id, int64_t after, int64_t limit);

/* Appends the report in `format` to `out`. SW_E_NOMEM if memory ran out. */
enum sw_error sw_report_render(const struct sw_report *r, enum sw_report_format format,
                               struct sw_buf *out);

/* A duration in milliseconds for people, as the other commands write
 * one (sw_manage_duration_text): "3 d 4 h", "4 min 7 s". */
void sw__report_duration(int64_t ms, char *out, size_t size);

#endif
