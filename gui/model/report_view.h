/* The editor's report window (docs/reports.md): one period's availability
 * report as it arrives in REPORT pages, the table per rule, the selected
 * rule's outages, and the HTML file "Save HTML..." writes, which is the
 * very text `smtpwatch report --html` writes (report_format.h renders
 * both). The window only shows these texts.
 *
 * Portable C11, UTF-8, unit-tested (tests/unit/editor/test_report_view.c). */
#ifndef SW_REPORT_VIEW_H
#define SW_REPORT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report_format.h"
#include "sw_buf.h"

/* The periods the window offers: each that long up to now. */
enum sw_report_period {
  SW_REPORT_24H,
  SW_REPORT_7D,
  SW_REPORT_30D,
  SW_REPORT_PERIOD_COUNT
};

/* The table's columns, left to right. */
enum sw_report_view_column {
  SW_REPORT_COL_NAME,
  SW_REPORT_COL_UPTIME,      /* "99.931 %", "-" when nothing was monitored */
  SW_REPORT_COL_MONITORED,   /* "23 h 59 min" */
  SW_REPORT_COL_MAINTENANCE, /* "1 h" */
  SW_REPORT_COL_OUTAGES,     /* how many */
  SW_REPORT_COL_P95_CONNECT, /* "12.40 ms"; "" without samples */
  SW_REPORT_COL_COUNT
};

/* The outages list's columns. */
enum sw_report_outage_column {
  SW_OUTAGE_COL_START,
  SW_OUTAGE_COL_END, /* "still open" for one not over */
  SW_OUTAGE_COL_DURATION,
  SW_OUTAGE_COL_OUTCOME, /* what began it: "refused", "timeout"... */
  SW_OUTAGE_COL_COUNT
};

struct sw_report_view {
  struct sw_report report; /* the pages read so far */
  enum sw_report_period period;
  int64_t from_ms, until_ms; /* what was asked */
  int64_t after;             /* the next page's AFTER */
  bool complete;             /* the last page came */
};

void sw_report_view_init(struct sw_report_view *v);
void sw_report_view_free(struct sw_report_view *v);

/* The choice's label: "Last 24 hours", "Last 7 days", "Last 30 days". */
const char *sw_report_view_period_label(enum sw_report_period p);

/* Forgets the report and starts `p` (out of range: 24 hours) up to
 * `now_ms`; then ask for the first page with sw_report_view_request. */
void sw_report_view_start(struct sw_report_view *v, enum sw_report_period p,
                          int64_t now_ms);
/* The fields of the REPORT request for the next page of `limit` rules. */
void sw_report_view_request(const struct sw_report_view *v, int64_t limit,
                            struct sw_buf *fields);
/* Reads a REPORT_OK body; true if another page is to be asked for
 * (v->complete is false then). SW_E_INVALID_ARGUMENT for a malformed
 * body (the report so far stays, marked complete). */
enum sw_error sw_report_view_add_page(struct sw_report_view *v, const uint8_t *body,
                                      size_t len, bool *more);

/* The rules of the report (rows of the table). */
size_t sw_report_view_count(const struct sw_report_view *v);
/* One cell of the table (NUL-terminated, cut to `size`); "" out of range. */
void sw_report_view_cell(const struct sw_report_view *v, size_t row,
                         enum sw_report_view_column column, char *out, size_t size);
/* The outages of rule row `row`, oldest first; 0 out of range. */
size_t sw_report_view_outage_count(const struct sw_report_view *v, size_t row);
void sw_report_view_outage_cell(const struct sw_report_view *v, size_t row, size_t k,
                                enum sw_report_outage_column column, char *out,
                                size_t size);
/* The one-line summary over the table: "12 rules from 2026-12-06 21:00:00
 * UTC to 2026-12-07 21:00:00 UTC.", then the service's note if it sent one
 * (" Note: rollups being built (40 %): ...", docs/reports.md). */
void sw_report_view_summary(const struct sw_report_view *v, char *out, size_t size);

/* Appends the HTML report (what `smtpwatch report --html` writes) to `out`. */
enum sw_error sw_report_view_html(const struct sw_report_view *v, struct sw_buf *out);

#endif
