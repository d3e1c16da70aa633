/* Lists for the command line: the same rows as an aligned text table for
 * people, CSV (RFC 4180) for spreadsheets, or a JSON array of objects for
 * scripts. Cells are UTF-8 text; a numeric column is written as a JSON
 * number. Column widths count code points, not bytes, so names with
 * accents line up. */
#ifndef SW_TABLE_OUTPUT_H
#define SW_TABLE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "sw_buf.h"
#include "sw_error.h"

#define SW_TABLE_MAX_COLUMNS 64 /* a rule with its alert settings has 49 */

enum sw_table_format { SW_TABLE_TEXT, SW_TABLE_CSV, SW_TABLE_JSON };

struct sw_table_column {
  const char *key;   /* JSON key and CSV header, "last_check" */
  const char *title; /* text header, "Last check" */
  bool numeric;      /* JSON number (the cell must be an integer or empty) */
  bool boolean;      /* JSON true/false for a cell "true"/"false"; null if empty */
};

struct sw_table {
  struct sw_table_column columns[SW_TABLE_MAX_COLUMNS];
  size_t ncolumns;
  char **cells; /* row-major, owned */
  size_t ncells, cap;
  enum sw_error err; /* sticky: out of memory while adding */
};

/* Starts an empty table with `n` columns (copied; the strings are
 * borrowed and must outlive the table). */
void sw_table_init(struct sw_table *t, const struct sw_table_column *columns, size_t n);
/* Frees the cells; the table is all zero again (not started). */
void sw_table_free(struct sw_table *t);
/* Appends the next cell, row after row; NULL is an empty cell. */
void sw_table_cell(struct sw_table *t, const char *text);
/* Appends a cell made with printf. */
void sw_table_cellf(struct sw_table *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
size_t sw_table_rows(const struct sw_table *t);
/* Renders every complete row into `out` in `format`; each format ends in a
 * newline. Text tables cut cells at `max_width` code points with "..." (0:
 * no limit). Returns the sticky error, if any. */
enum sw_error sw_table_render(const struct sw_table *t, enum sw_table_format format,
                              size_t max_width, struct sw_buf *out);
/* One row as "Title: value" lines (text), a one-row CSV, or one JSON
 * object: for `smtpwatch rules show`. */
enum sw_error sw_table_render_record(const struct sw_table *t, size_t row,
                                     enum sw_table_format format, struct sw_buf *out);

#endif
