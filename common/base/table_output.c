#include "table_output.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"
#include "sw_macros.h"
#include "sw_utf8.h"

void sw_table_init(struct sw_table *t, const struct sw_table_column *columns, size_t n)
{
  memset(t, 0, sizeof *t);
  if (NEVER(n > SW_TABLE_MAX_COLUMNS))
    n = SW_TABLE_MAX_COLUMNS; /* callers list a handful */
  memcpy(t->columns, columns, n * sizeof *columns);
  t->ncolumns = n;
}

void sw_table_free(struct sw_table *t)
{
  for (size_t i = 0; i < t->ncells; i++)
    free(t->cells[i]);
  free(t->cells);
  memset(t, 0, sizeof *t); /* not started: the next use starts it afresh */
}

void sw_table_cell(struct sw_table *t, const char *text)
{
  if (t->err)
    return;
  if (t->ncells == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 64;
    char **cells = realloc(t->cells, cap * sizeof *cells);
    if (!cells) {
      t->err = SW_E_NOMEM;
      return;
    }
    t->cells = cells;
    t->cap = cap;
  }
  size_t n = text ? strlen(text) : 0;
  char *copy = malloc(n + 1);
  if (!copy) {
    t->err = SW_E_NOMEM;
    return;
  }
  memcpy(copy, text ? text : "", n + 1);
  t->cells[t->ncells++] = copy;
}

void sw_table_cellf(struct sw_table *t, const char *fmt, ...)
{
  char text[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  sw_table_cell(t, text);
}

size_t sw_table_rows(const struct sw_table *t)
{
  return t->ncolumns ? t->ncells / t->ncolumns : 0;
}

static const char *cell(const struct sw_table *t, size_t row, size_t col)
{
  return t->cells[row * t->ncolumns + col];
}

/* Columns s takes as put_cell prints it: a code point each, a line break
 * (LF or CRLF) three (" / "). */
static size_t width(const char *s)
{
  size_t n = 0, len = strlen(s);
  while (len > 0) {
    uint32_t cp;
    size_t used = sw_utf8_next(s, len, &cp);
    if (cp == '\n')
      n += 3;
    else if (!(cp == '\r' && len > 1 && s[1] == '\n'))
      n++;
    s += used;
    len -= used;
  }
  return n;
}

/* Appends s, cut at `max` columns with "...", padded to `pad`: a table is
 * one line a row, so line breaks show as " / ", and control characters and
 * bad UTF-8 as '?'. */
static void put_cell(struct sw_buf *out, const char *s, size_t max, size_t pad)
{
  size_t len = strlen(s), shown = 0;
  bool cut = max && width(s) > max;
  size_t limit = cut ? (max > 3 ? max - 3 : 0) : (size_t)-1;
  while (len > 0 && shown < limit) {
    uint32_t cp;
    size_t used = sw_utf8_next(s, len, &cp);
    if (cp == '\r' && len > 1 && s[1] == '\n') {
      shown--; /* the LF that follows stands for the line break */
    } else if (cp == '\n') {
      sw_buf_append(out, " / ", 3); /* a multi-line message on one row */
      shown += 2;
    } else if (cp == SW_UTF8_INVALID || sw_utf8_is_control(cp)) {
      sw_buf_append(out, "?", 1);
    } else {
      sw_buf_append(out, s, used);
    }
    s += used;
    len -= used;
    shown++;
  }
  if (cut) {
    sw_buf_append(out, "...", max > 3 ? 3 : max);
    shown += max > 3 ? 3 : max;
  }
  for (; shown < pad; shown++)
    sw_buf_append(out, " ", 1);
}

static void render_text(const struct sw_table *t, size_t max_width, struct sw_buf *out)
{
  size_t widths[SW_TABLE_MAX_COLUMNS];
  size_t rows = sw_table_rows(t);
  for (size_t c = 0; c < t->ncolumns; c++) {
    widths[c] = width(t->columns[c].title);
    for (size_t r = 0; r < rows; r++) {
      size_t w = width(cell(t, r, c));
      if (max_width && w > max_width)
        w = max_width;
      if (w > widths[c])
        widths[c] = w;
    }
  }
  for (size_t r = 0; r <= rows; r++) {
    for (size_t c = 0; c < t->ncolumns; c++) {
      bool last = c + 1 == t->ncolumns;
      const char *s = r == 0 ? t->columns[c].title : cell(t, r - 1, c);
      put_cell(out, s, max_width, last ? 0 : widths[c]);
      if (!last)
        sw_buf_append(out, "  ", 2);
    }
    sw_buf_append(out, "\n", 1);
  }
}

/* RFC 4180: quote a field holding a comma, quote, CR or LF; double quotes. */
static void put_csv(struct sw_buf *out, const char *s)
{
  if (!strpbrk(s, ",\"\r\n")) {
    sw_buf_appends(out, s);
    return;
  }
  sw_buf_append(out, "\"", 1);
  for (; *s; s++) {
    if (*s == '"')
      sw_buf_append(out, "\"", 1);
    sw_buf_append(out, s, 1);
  }
  sw_buf_append(out, "\"", 1);
}

static void render_csv_row(const struct sw_table *t, size_t row, bool header,
                           struct sw_buf *out)
{
  for (size_t c = 0; c < t->ncolumns; c++) {
    if (c)
      sw_buf_append(out, ",", 1);
    put_csv(out, header ? t->columns[c].key : cell(t, row, c));
  }
  sw_buf_append(out, "\r\n", 2);
}

/* A JSON number if the column is numeric and the cell an integer; a JSON
 * boolean if the column is boolean and the cell says so. */
static void put_json_value(struct sw_json *j, const struct sw_table_column *col,
                           const char *s)
{
  if (col->boolean && (!*s || !strcmp(s, "true") || !strcmp(s, "false"))) {
    if (*s)
      sw_json_bool(j, *s == 't');
    else
      sw_json_null(j);
    return;
  }
  if (col->numeric) {
    if (!*s) {
      sw_json_null(j);
      return;
    }
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end == '\0') {
      sw_json_int(j, v);
      return;
    }
  }
  sw_json_string(j, s);
}

static void put_json_object(struct sw_json *j, const struct sw_table *t, size_t row)
{
  sw_json_begin_object(j);
  for (size_t c = 0; c < t->ncolumns; c++) {
    sw_json_key(j, t->columns[c].key);
    put_json_value(j, &t->columns[c], cell(t, row, c));
  }
  sw_json_end_object(j);
}

enum sw_error sw_table_render(const struct sw_table *t, enum sw_table_format format,
                              size_t max_width, struct sw_buf *out)
{
  if (t->err)
    return t->err;
  size_t rows = sw_table_rows(t);
  if (format == SW_TABLE_TEXT) {
    render_text(t, max_width, out);
  } else if (format == SW_TABLE_CSV) {
    render_csv_row(t, 0, true, out);
    for (size_t r = 0; r < rows; r++)
      render_csv_row(t, r, false, out);
  } else {
    struct sw_json j;
    sw_json_init(&j, out);
    sw_json_begin_array(&j);
    for (size_t r = 0; r < rows; r++)
      put_json_object(&j, t, r);
    sw_json_end_array(&j);
    enum sw_error err = sw_json_finish(&j);
    if (err)
      return err;
    sw_buf_append(out, "\n", 1);
  }
  return out->truncated ? SW_E_NOMEM : SW_E_OK;
}

enum sw_error sw_table_render_record(const struct sw_table *t, size_t row,
                                     enum sw_table_format format, struct sw_buf *out)
{
  if (t->err)
    return t->err;
  if (row >= sw_table_rows(t))
    return SW_E_INVALID_ARGUMENT;
  if (format == SW_TABLE_TEXT) {
    size_t w = 0;
    for (size_t c = 0; c < t->ncolumns; c++)
      if (width(t->columns[c].title) > w)
        w = width(t->columns[c].title);
    for (size_t c = 0; c < t->ncolumns; c++) {
      put_cell(out, t->columns[c].title, 0, 0);
      sw_buf_append(out, ":", 1);
      put_cell(out, "", 0, w - width(t->columns[c].title) + 1);
      put_cell(out, cell(t, row, c), 0, 0);
      sw_buf_append(out, "\n", 1);
    }
  } else if (format == SW_TABLE_CSV) {
    render_csv_row(t, 0, true, out);
    render_csv_row(t, row, false, out);
  } else {
    struct sw_json j;
    sw_json_init(&j, out);
    put_json_object(&j, t, row);
    enum sw_error err = sw_json_finish(&j);
    if (err)
      return err;
    sw_buf_append(out, "\n", 1);
  }
  return out->truncated ? SW_E_NOMEM : SW_E_OK;
}
