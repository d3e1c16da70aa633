/* The rows of the editor's rule list: every rule's status as the service
 * last reported it (STATUS, all pages), in the order the user sorted them,
 * and the text each cell shows. A row keeps only what the list shows of a
 * status (struct sw_rule_row), made from each record as it is decoded:
 * a decoded sw_pipe_status is ~3.5 KB, mostly the last result's details,
 * which 10,000 rules would hold in 35 MB every refresh. The main window's virtual
 * ListView asks for row n's cells; this module answers, so that what a row shows and how
 * the list sorts are tested without a window.
 *
 * The rows are replaced wholesale on each refresh. Keeping the user's
 * selection and focus across a refresh is the window's job: it remembers
 * the rule ids and finds their new rows with sw_rule_rows_find.
 *
 * Portable C11 (no windows.h). Not thread-safe: the UI thread owns it.
 * Texts are UTF-8. */
#ifndef SW_RULE_ROWS_H
#define SW_RULE_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipe_records.h"
#include "rule_filter.h"
#include "sw_error.h"

/* The list's columns, left to right. */
enum sw_rule_column {
  SW_RULE_COL_NAME,
  SW_RULE_COL_SERVER,     /* "host:port" */
  SW_RULE_COL_STATE,      /* text and icon */
  SW_RULE_COL_RESPONSE,   /* the last check's response time, "153 ms" */
  SW_RULE_COL_LAST_CHECK, /* local time of the last check */
  SW_RULE_COL_MESSAGE,    /* the last check's one-line description */
  SW_RULE_COL_UP_DAY,     /* uptime over the last 24 h, "99.93 %" (rule_uptime.h) */
  SW_RULE_COL_UP_WEEK,    /* and over the last 7 days */
  SW_RULE_COL_COUNT
};

/* What the state column's icon shows; the window's image list holds one
 * image per value, in this order. */
enum sw_rule_icon {
  SW_RULE_ICON_OK,
  SW_RULE_ICON_WARNING,
  SW_RULE_ICON_CRITICAL,
  SW_RULE_ICON_UNKNOWN,
  SW_RULE_ICON_PENDING,  /* enabled, not checked yet */
  SW_RULE_ICON_DISABLED, /* not checked at all */
  SW_RULE_ICON_COUNT
};

/* Writes a Unix time in ms as local time, "2025-06-01 14:03:22"
 * (NUL-terminated), as struct sw_manage_view's local_time does. */
typedef void (*sw_rule_rows_time_fn)(int64_t unix_ms, char *out, size_t size);

/* The periods of the availability columns (rule_uptime.h). */
enum sw_uptime_period { SW_UPTIME_DAY, SW_UPTIME_WEEK, SW_UPTIME_PERIOD_COUNT };

/* One rule as its row shows it: what the columns, the icon, the sort,
 * the summary and the main window's actions read of its status. */
struct sw_rule_row {
  int64_t rule_id;
  char *name;          /* owned: one allocation that also holds host, message
                          and parent */
  const char *host;    /* in name's allocation */
  const char *message; /* the last check's description; "" if none */
  const char *parent;  /* held unreachable: the rule it depends on; "" if not */
  uint16_t port;
  bool enabled;
  bool has_state; /* false: never checked since the service started */
  enum sw_nagios_status state;
  uint32_t failures;                       /* in a row */
  uint16_t uptime[SW_UPTIME_PERIOD_COUNT]; /* hundredths of a percent, or
                                              SW_UPTIME_NONE (rule_uptime.h) */
  int64_t response_us;                     /* the last check's total time; -1 if none */
  int64_t last_check_ms;                   /* Unix ms of the last check; 0 if never */
  bool acknowledged;      /* an administrator acknowledged the bad state */
  enum sw_pipe_hold held; /* maintenance, unreachable, or none */
  bool drifted;           /* its server changed since its fingerprint was
                             accepted: Accept changes (docs/drift.md) */
};

/* Makes `row` from a decoded status, which stays the caller's (free it
 * as soon as the row is made). SW_E_NOMEM if memory ran out (`row` is then
 * empty: sw_rule_row_free does nothing to it). */
enum sw_error sw_rule_row_from_status(struct sw_rule_row *row,
                                      const struct sw_pipe_status *s);
/* Frees what a row owns; `row` is empty afterwards. */
void sw_rule_row_free(struct sw_rule_row *row);

/* The list shows the rows the filter lets through, sorted: a "row" below
 * is a shown row's position (what the ListView numbers), an "index" an
 * element of `rows`. */
struct sw_rule_rows {
  struct sw_rule_row *rows; /* owned; in rule id order */
  size_t count;             /* every row, shown or not */
  size_t *sorted;           /* every index, in the sort order */
  size_t *order;            /* row -> index: the shown ones of `sorted` */
  size_t shown;             /* rows shown (<= count) */
  size_t *row_of;           /* index -> row; SW_RULE_ROW_HIDDEN if filtered out */
  size_t cap;               /* room in the arrays above (they only grow) */
  void *scratch;            /* the sort's entries, kept between sorts */
  enum sw_rule_column sort_column;
  bool descending;
  struct sw_rule_filter filter;
  sw_rule_rows_time_fn local_time; /* NULL: times in UTC, marked so */
};
#define SW_RULE_ROW_HIDDEN SIZE_MAX

/* An empty list sorted by name, ascending. `local_time` may be NULL. */
void sw_rule_rows_init(struct sw_rule_rows *r, sw_rule_rows_time_fn local_time);
/* Frees the rows; `r` is empty afterwards and may be used again. */
void sw_rule_rows_free(struct sw_rule_rows *r);

/* Replaces every row with `rows` (count of them), which the list takes
 * over: an array from malloc whose elements are freed with
 * sw_rule_row_free (a worker job's rows[]; set the job's pointer to NULL
 * afterwards). They are sorted by the current column. `rows` may be NULL
 * if count is 0. On SW_E_NOMEM the new rows are freed and the old ones
 * stay. Two rows with the same rule id: SW_E_INVALID_ARGUMENT (also freed;
 * the old rows stay). */
enum sw_error sw_rule_rows_replace(struct sw_rule_rows *r, struct sw_rule_row *rows,
                                   size_t count);

/* Sorts by `column`, ascending or descending; rows that compare equal are
 * in rule id order either way, so the order never depends on the previous
 * one. The state column sorts by severity: disabled, pending, OK,
 * WARNING, UNKNOWN, CRITICAL (descending puts CRITICAL first); an OK rule
 * with failures in a row comes after one without. A rule never checked
 * has no response time or last check and sorts before every rule that
 * has. Text sorts as people expect: numbers in it by value ("relay 9"
 * before "relay 10", "10.0.0.9" before "10.0.0.10"), ASCII letters
 * case-insensitively. */
void sw_rule_rows_sort(struct sw_rule_rows *r, enum sw_rule_column column,
                       bool descending);

/* Shows only the rows `f` lets through (a copy is kept; replace and sort
 * keep it), in the current order. O(rows): the order is not sorted again. */
void sw_rule_rows_set_filter(struct sw_rule_rows *r, const struct sw_rule_filter *f);

/* The number of rows shown. */
size_t sw_rule_rows_count(const struct sw_rule_rows *r);
/* The number of rows, shown or filtered out. */
size_t sw_rule_rows_total(const struct sw_rule_rows *r);
/* Row `row` (borrowed until the next replace/free); NULL if `row` is out
 * of range. */
const struct sw_rule_row *sw_rule_rows_at(const struct sw_rule_rows *r, size_t row);
/* The row that shows rule `rule_id`: true and *row set, or false if no row
 * does (no such rule, or the filter hides it). O(log n). */
bool sw_rule_rows_find(const struct sw_rule_rows *r, int64_t rule_id, size_t *row);

/* Type-ahead: the first row from `start` on (wrapping round to the top)
 * whose name begins with `prefix` (ASCII letters case-insensitively);
 * true and *row set, or false if none does or prefix is "". */
bool sw_rule_rows_find_prefix(const struct sw_rule_rows *r, const char *prefix,
                              size_t start, size_t *row);

/* The text of one cell (UTF-8, NUL-terminated, cut at a character
 * boundary to fit `size`); "" for a row out of range or an empty cell. */
void sw_rule_rows_cell(const struct sw_rule_rows *r, size_t row,
                       enum sw_rule_column column, char *out, size_t size);
/* The icon of row `row`'s state; SW_RULE_ICON_UNKNOWN if out of range. */
enum sw_rule_icon sw_rule_rows_icon(const struct sw_rule_rows *r, size_t row);

/* A row's state as the list shows it: "OK", "OK (2 failures)",
 * "WARNING", "CRITICAL", "UNKNOWN", "Pending", "Disabled", followed by
 * what holds its alerts, if anything does: ", acknowledged",
 * ", maintenance", ", unreachable (depends on NAME)" (an acknowledgement
 * first: it is what someone did about it). */
void sw_rule_rows_state_text(const struct sw_rule_row *s, char *out, size_t size);
/* The icon for a row's state. */
enum sw_rule_icon sw_rule_rows_state_icon(const struct sw_rule_row *s);

/* What the main window's Acknowledge command does to a row's rule. */
enum sw_rule_ack {
  SW_RULE_ACK_NONE,  /* nothing: the rule is OK, pending or disabled */
  SW_RULE_ACK_ACK,   /* acknowledge its bad state (WARNING, CRITICAL, UNKNOWN) */
  SW_RULE_ACK_UNACK, /* take its acknowledgement back */
};
/* What Acknowledge does to `s` (NULL: nothing). */
enum sw_rule_ack sw_rule_rows_ack_action(const struct sw_rule_row *s);

/* Copies UTF-8 `src` (NULL is "") into out[size] for one line of a list:
 * a line break (CR, LF or CRLF) becomes " / ", any other control character
 * a space, and the text is cut before a character that does not fit
 * whole. */
void sw_rule_rows_one_line(const char *src, char *out, size_t size);

/* A summary for the status bar: "No rules", "1 rule", "12 rules: 9 OK,
 * 1 WARNING, 2 CRITICAL" (states with no rule left out; pending and
 * disabled counted as such), of every rule; while a filter hides some,
 * followed by "; 3 shown". */
void sw_rule_rows_summary(const struct sw_rule_rows *r, char *out, size_t size);

#endif
