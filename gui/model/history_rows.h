/* The rows of the history dialog: one rule's recent results as the
 * service sends them (HISTORY_OK pages, newest first), how to ask for the
 * next page, what each cell of the table shows, the samples the chart is
 * drawn from, and the one-paragraph summary above it. The dialog's virtual
 * ListView asks for row n's cells; this module answers, so that what a row
 * shows is tested without a window.
 *
 * Failed means the check did not complete as the rule asks: any outcome
 * but those of sw_outcome_answered ("ok", and the warnings found on top of
 * a normal answer: the certificate's, "banner_mismatch",
 * "capabilities_changed"; the server answered, so the response time is a
 * real one).
 *
 * Portable C11 (no windows.h). Not thread-safe: the UI thread owns it.
 * Texts are UTF-8. */
#ifndef SW_HISTORY_ROWS_H
#define SW_HISTORY_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_result.h"
#include "history_chart.h"
#include "nagios_report.h"
#include "sw_buf.h"
#include "sw_error.h"

/* The protocol's largest page (docs/pipe-protocol.md, LIMIT). */
#define SW_HISTORY_PAGE_MAX 1000

/* The table's columns, left to right. */
enum sw_history_column {
  SW_HISTORY_COL_TIME,     /* local time the check started */
  SW_HISTORY_COL_STATUS,   /* "OK", "WARNING", "CRITICAL", "UNKNOWN" */
  SW_HISTORY_COL_RESPONSE, /* "12 ms" */
  SW_HISTORY_COL_MESSAGE,  /* the result's one-line description */
  SW_HISTORY_COL_COUNT
};

struct sw_history_row {
  int64_t id; /* result id: the paging cursor with started_at_ms */
  int64_t started_at_ms;
  enum sw_nagios_status status;
  enum sw_outcome outcome;
  int64_t total_us; /* the response time; negative if unknown */
  /* A round trip's (issue 17): whether the result is one, and its delivery
   * time (negative: not delivered). */
  bool round_trip;
  int64_t delivery_us;
  char *message; /* owned; never NULL */
};

struct sw_history_rows {
  struct sw_history_row *rows; /* owned; newest first */
  size_t count, capacity;
  bool more; /* the service may have older results than the last row (true
                before the first page) */
  sw_history_time_fn local_time; /* NULL: times in UTC, marked so */
};

/* An empty list, before its first page. `local_time` may be NULL. */
void sw_history_rows_init(struct sw_history_rows *h, sw_history_time_fn local_time);
/* Frees every row; `h` is left as after init (same local_time). */
void sw_history_rows_free(struct sw_history_rows *h);

/* Whether another page is needed to show `want` results: the service may
 * have more, and fewer than `want` are here. */
bool sw_history_rows_wants_more(const struct sw_history_rows *h, size_t want);
/* Appends the HISTORY request's fields for the next page of rule `rule_id`
 * to `fields`: RULE_ID, the cursor after the last row (BEFORE_AT, BEFORE;
 * none before the first page) and LIMIT (what is missing to `want`, at
 * most SW_HISTORY_PAGE_MAX). */
void sw_history_rows_request(const struct sw_history_rows *h, int64_t rule_id,
                             size_t want, struct sw_buf *fields);
/* Appends the RESULT records of a HISTORY_OK body, keeping at most `want`
 * rows in all, and takes its MORE. A page that brings nothing new ends the
 * paging (more = false), so a confused service cannot make the dialog ask
 * forever. On error (SW_E_INVALID_ARGUMENT for a malformed body,
 * SW_E_NOMEM) the rows are as they were before the call. */
enum sw_error sw_history_rows_append(struct sw_history_rows *h, const uint8_t *body,
                                     size_t len, size_t want);

/* Whether the row's check failed (see above). */
bool sw_history_row_failed(const struct sw_history_row *r);
/* The column's heading: "Time", "Status", "Response time", "Message". */
const char *sw_history_column_title(enum sw_history_column col);
/* The text of row `row`, column `col` into `out` (always NUL-terminated;
 * "" for a row out of range). Line breaks in a message show as " / ". */
void sw_history_rows_cell(const struct sw_history_rows *h, size_t row,
                          enum sw_history_column col, char *out, size_t size);
/* A response time for people: "0.4 ms", "12 ms", "2350 ms", "12.5 s",
 * "300 s"; "" for a negative (unknown) one. */
void sw_history_duration_text(int64_t us, char *out, size_t size);

/* The chart's samples, one per row in row order: `out` has room for
 * h->count. */
void sw_history_rows_samples(const struct sw_history_rows *h,
                             struct sw_history_sample *out);
/* The delivery chart's samples: one per round-trip row, in row order, its
 * delivery time (a probe not delivered, or not submitted, is a failure),
 * into `out` and its row's index into `rows` (both with room for
 * h->count). Returns how many; 0 for a rule without round trips. */
size_t sw_history_rows_delivery_samples(const struct sw_history_rows *h,
                                        struct sw_history_sample *out, size_t *rows);

/* What the rows add up to, for the line above the chart, e.g.
 * "100 results from 2025-06-01 12:03:22 to 2025-06-01 14:03:22. 3 failed.
 * Successful checks took 8 ms (median), 1.2 s at most." or "No results:
 * the rule has not been checked yet." Always NUL-terminates `out`. */
void sw_history_rows_summary(const struct sw_history_rows *h, char *out, size_t size);

/* Why the history could not be shown, as the dialog says it: for
 * `error_code` "not_found" that the rule was deleted; for "" (the service
 * was not reached) and any other code "The history could not be loaded: "
 * and `error` (the worker's or the service's sentence), and that F5 tries
 * again. Always NUL-terminates `out`. */
void sw_history_error_text(const char *error_code, const char *error, char *out,
                           size_t size);

#endif
