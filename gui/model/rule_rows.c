/* The editor's rule list model (rule_rows.h). Sorting goes through an
 * index array with qsort: the rows themselves never move after a
 * replace, so a row pointer stays valid until the next refresh,
 * and 10,000 rows sort in a few milliseconds. qsort is not stable, so every
 * comparison ends with the rule id: equal rows always come out in id
 * order, whatever order they were in before. */
#include "rule_rows.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manage_view.h"
#include "nagios_report.h"
#include "rule_uptime.h"
#include "sw_macros.h"

/* ---- life ------------------------------------------------------------ */

void sw_rule_rows_init(struct sw_rule_rows *r, sw_rule_rows_time_fn local_time)
{
  memset(r, 0, sizeof *r);
  r->sort_column = SW_RULE_COL_NAME;
  r->local_time = local_time;
}

/* The last check's time and description, as manage_view's status table
 * takes them: the latest result's start, else the state's last result. */
static int64_t last_check_of(const struct sw_pipe_status *s)
{
  return s->has_result ? s->last.started_at_ms : s->has_state ? s->last_result_at_ms : 0;
}

enum sw_error sw_rule_row_from_status(struct sw_rule_row *row,
                                      const struct sw_pipe_status *s)
{
  memset(row, 0, sizeof *row);
  const char *name = s->name ? s->name : "";
  const char *host = s->host ? s->host : "";
  const char *message = s->has_result ? s->last.message : "";
  bool unreachable = s->held == SW_PIPE_HOLD_UNREACHABLE;
  const char *parent = unreachable && s->held_parent_name ? s->held_parent_name : "";
  size_t nn = strlen(name) + 1, nh = strlen(host) + 1, nm = strlen(message) + 1;
  size_t np = strlen(parent) + 1;
  char *text = malloc(nn + nh + nm + np);
  if (!text)
    return SW_E_NOMEM;
  memcpy(text, name, nn);
  memcpy(text + nn, host, nh);
  memcpy(text + nn + nh, message, nm);
  memcpy(text + nn + nh + nm, parent, np);
  row->rule_id = s->rule_id;
  row->name = text;
  row->host = text + nn;
  row->message = text + nn + nh;
  row->parent = text + nn + nh + nm;
  row->acknowledged = s->ack_at_ms != 0;
  row->drifted = s->drift != NULL && s->drift[0] != '\0';
  row->held = s->held < SW_PIPE_HOLD_COUNT ? s->held : SW_PIPE_HOLD_NONE;
  row->port = s->port;
  row->enabled = s->enabled;
  row->has_state = s->has_state;
  row->state = s->state;
  row->failures = s->failures;
  row->response_us = s->has_result ? s->last.check.total_us : -1;
  row->last_check_ms = last_check_of(s);
  row->uptime[SW_UPTIME_DAY] = row->uptime[SW_UPTIME_WEEK] = SW_UPTIME_NONE;
  return SW_E_OK;
}

void sw_rule_row_free(struct sw_rule_row *row)
{
  free(row->name);
  memset(row, 0, sizeof *row);
}

static void free_rows(struct sw_rule_row *rows, size_t count)
{
  for (size_t i = 0; i < count; i++)
    sw_rule_row_free(&rows[i]);
  free(rows);
}

void sw_rule_rows_free(struct sw_rule_rows *r)
{
  free_rows(r->rows, r->count);
  free(r->order);
  free(r->row_of);
  r->rows = NULL;
  r->order = r->row_of = NULL;
  r->count = 0;
}

/* ---- sort keys --------------------------------------------------------- */

static unsigned fold(unsigned c)
{
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool is_digit(unsigned c)
{
  return c >= '0' && c <= '9';
}

/* The order people expect of names with numbers in them (Explorer's):
 * runs of digits compare as numbers ("relay 9" before "relay 10",
 * "10.0.0.9" before "10.0.0.10"), ASCII letters case-insensitively, other
 * bytes (UTF-8 sequences) by value. NULL is "". */
static int text_cmp(const char *a, const char *b)
{
  const unsigned char *x = (const unsigned char *)(a ? a : "");
  const unsigned char *y = (const unsigned char *)(b ? b : "");
  for (;;) {
    if (is_digit(*x) && is_digit(*y)) {
      while (*x == '0')
        x++;
      while (*y == '0')
        y++;
      size_t nx = 0, ny = 0;
      while (is_digit(x[nx]))
        nx++;
      while (is_digit(y[ny]))
        ny++;
      if (nx != ny)
        return nx < ny ? -1 : 1;
      int c = memcmp(x, y, nx);
      if (c)
        return c < 0 ? -1 : 1;
      x += nx;
      y += ny;
      continue;
    }
    unsigned cx = fold(*x), cy = fold(*y);
    if (cx != cy)
      return cx < cy ? -1 : 1;
    if (cx == 0)
      return 0;
    x++, y++;
  }
}

static int int_cmp(int64_t a, int64_t b)
{
  return a < b ? -1 : a > b;
}

/* Severity order for sorting: see sw_rule_rows_sort. */
static int state_rank(const struct sw_rule_row *s)
{
  switch (sw_rule_rows_state_icon(s)) {
  case SW_RULE_ICON_DISABLED:
    return 0;
  case SW_RULE_ICON_PENDING:
    return 1;
  case SW_RULE_ICON_OK:
    return 2;
  case SW_RULE_ICON_WARNING:
    return 3;
  case SW_RULE_ICON_UNKNOWN:
    return 4;
  case SW_RULE_ICON_CRITICAL:
    return 5;
  case SW_RULE_ICON_COUNT:
    break;
  }
  SW_NOT_REACHED(); /* every icon is listed above */
  return 4;
}

static int cmp_name(const struct sw_rule_row *a, const struct sw_rule_row *b)
{
  return text_cmp(a->name, b->name);
}

static int cmp_server(const struct sw_rule_row *a, const struct sw_rule_row *b)
{
  int c = text_cmp(a->host, b->host);
  return c ? c : int_cmp(a->port, b->port);
}

static int cmp_state(const struct sw_rule_row *a, const struct sw_rule_row *b)
{
  int c = int_cmp(state_rank(a), state_rank(b));
  return c ? c : int_cmp(a->failures, b->failures);
}

static int cmp_response(const struct sw_rule_row *a, const struct sw_rule_row *b)
{
  return int_cmp(a->response_us, b->response_us);
}

static int cmp_last_check(const struct sw_rule_row *a, const struct sw_rule_row *b)
{
  return int_cmp(a->last_check_ms, b->last_check_ms);
}

static int cmp_message(const struct sw_rule_row *a, const struct sw_rule_row *b)
{
  return text_cmp(a->message, b->message);
}

/* An uptime column's key: no figure sorts before every figure, as a rule
 * never checked does. */
static int up_key(uint16_t uptime)
{
  return uptime == SW_UPTIME_NONE ? -1 : (int)uptime;
}

static int cmp_up_day(const struct sw_rule_row *a, const struct sw_rule_row *b)
{
  return up_key(a->uptime[SW_UPTIME_DAY]) - up_key(b->uptime[SW_UPTIME_DAY]);
}

static int cmp_up_week(const struct sw_rule_row *a, const struct sw_rule_row *b)
{
  return up_key(a->uptime[SW_UPTIME_WEEK]) - up_key(b->uptime[SW_UPTIME_WEEK]);
}

typedef int (*row_cmp)(const struct sw_rule_row *, const struct sw_rule_row *);

/* Two rows (qsort's pointers to row pointers) by `cmp`, reversed if
 * `descending`; the rule id tie-break does not reverse. */
static int ordered(row_cmp cmp, const void *pa, const void *pb, bool descending)
{
  const struct sw_rule_row *a = *(const struct sw_rule_row *const *)pa;
  const struct sw_rule_row *b = *(const struct sw_rule_row *const *)pb;
  int c = descending ? cmp(b, a) : cmp(a, b);
  return c ? c : int_cmp(a->rule_id, b->rule_id);
}

/* qsort has no context argument in C11: one comparator per column and
 * direction, each over pointers into the rows (the index array is rebuilt
 * from them). */
#define SW_ROWS_COMPARATORS(col)                                                         \
  static int asc_##col(const void *pa, const void *pb)                                   \
  {                                                                                      \
    return ordered(cmp_##col, pa, pb, false);                                            \
  }                                                                                      \
  static int desc_##col(const void *pa, const void *pb)                                  \
  {                                                                                      \
    return ordered(cmp_##col, pa, pb, true);                                             \
  }

SW_ROWS_COMPARATORS(name)
SW_ROWS_COMPARATORS(server)
SW_ROWS_COMPARATORS(state)
SW_ROWS_COMPARATORS(response)
SW_ROWS_COMPARATORS(last_check)
SW_ROWS_COMPARATORS(message)
SW_ROWS_COMPARATORS(up_day)
SW_ROWS_COMPARATORS(up_week)

typedef int (*comparator)(const void *, const void *);

static const comparator comparators[SW_RULE_COL_COUNT][2] = {
    [SW_RULE_COL_NAME] = {asc_name, desc_name},
    [SW_RULE_COL_SERVER] = {asc_server, desc_server},
    [SW_RULE_COL_STATE] = {asc_state, desc_state},
    [SW_RULE_COL_RESPONSE] = {asc_response, desc_response},
    [SW_RULE_COL_LAST_CHECK] = {asc_last_check, desc_last_check},
    [SW_RULE_COL_MESSAGE] = {asc_message, desc_message},
    [SW_RULE_COL_UP_DAY] = {asc_up_day, desc_up_day},
    [SW_RULE_COL_UP_WEEK] = {asc_up_week, desc_up_week},
};

/* Sorts into the existing order/row_of arrays; `ptrs` is scratch space of
 * r->count pointers. */
static void sort_with(struct sw_rule_rows *r, const struct sw_rule_row **ptrs)
{
  for (size_t i = 0; i < r->count; i++)
    ptrs[i] = &r->rows[i];
  if (r->count > 1)
    qsort(ptrs, r->count, sizeof *ptrs, comparators[r->sort_column][r->descending]);
  for (size_t row = 0; row < r->count; row++) {
    size_t index = (size_t)(ptrs[row] - r->rows);
    r->order[row] = index;
    r->row_of[index] = row;
  }
}

void sw_rule_rows_sort(struct sw_rule_rows *r, enum sw_rule_column column,
                       bool descending)
{
  if ((unsigned)column >= SW_RULE_COL_COUNT)
    column = SW_RULE_COL_NAME;
  r->sort_column = column;
  r->descending = descending;
  if (r->count == 0)
    return;
  const struct sw_rule_row **ptrs = malloc(r->count * sizeof *ptrs);
  if (!ptrs) {
    /* The rows keep their previous order: a list that does not re-sort
     * when memory is this short is the least of the user's problems. */
    return;
  }
  sort_with(r, ptrs);
  free(ptrs);
}

/* ---- replace ------------------------------------------------------------ */

static int by_rule_id(const void *pa, const void *pb)
{
  const struct sw_rule_row *a = pa, *b = pb;
  return int_cmp(a->rule_id, b->rule_id);
}

enum sw_error sw_rule_rows_replace(struct sw_rule_rows *r, struct sw_rule_row *rows,
                                   size_t count)
{
  if (count == 0) {
    free_rows(rows, 0);
    sw_rule_rows_free(r);
    return SW_E_OK;
  }
  /* The service sends rule id order; sort only if it did not, so that
   * find is a binary search. */
  bool sorted = true;
  for (size_t i = 1; i < count && sorted; i++)
    sorted = rows[i - 1].rule_id < rows[i].rule_id;
  if (!sorted) {
    qsort(rows, count, sizeof *rows, by_rule_id);
    for (size_t i = 1; i < count; i++) {
      if (rows[i - 1].rule_id == rows[i].rule_id) {
        free_rows(rows, count);
        return SW_E_INVALID_ARGUMENT;
      }
    }
  }
  size_t *order = malloc(count * sizeof *order);
  size_t *row_of = malloc(count * sizeof *row_of);
  const struct sw_rule_row **ptrs = malloc(count * sizeof *ptrs);
  if (!order || !row_of || !ptrs) {
    free(order);
    free(row_of);
    free(ptrs);
    free_rows(rows, count);
    return SW_E_NOMEM;
  }
  sw_rule_uptime_carry(r->rows, r->count, rows, count);
  sw_rule_rows_free(r);
  r->rows = rows;
  r->count = count;
  r->order = order;
  r->row_of = row_of;
  sort_with(r, ptrs);
  free(ptrs);
  return SW_E_OK;
}

/* ---- reading ------------------------------------------------------------ */

size_t sw_rule_rows_count(const struct sw_rule_rows *r)
{
  return r->count;
}

const struct sw_rule_row *sw_rule_rows_at(const struct sw_rule_rows *r, size_t row)
{
  return row < r->count ? &r->rows[r->order[row]] : NULL;
}

bool sw_rule_rows_find(const struct sw_rule_rows *r, int64_t rule_id, size_t *row)
{
  size_t lo = 0, hi = r->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t id = r->rows[mid].rule_id;
    if (id == rule_id) {
      *row = r->row_of[mid];
      return true;
    }
    if (id < rule_id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}

/* Does `name` begin with `prefix`, ASCII letters in either case? */
static bool begins_with(const char *name, const char *prefix)
{
  const unsigned char *x = (const unsigned char *)(name ? name : "");
  const unsigned char *y = (const unsigned char *)prefix;
  for (; *y; x++, y++) {
    if (fold(*x) != fold(*y))
      return false;
  }
  return true;
}

bool sw_rule_rows_find_prefix(const struct sw_rule_rows *r, const char *prefix,
                              size_t start, size_t *row)
{
  if (!prefix || !prefix[0] || r->count == 0)
    return false;
  if (start >= r->count)
    start = 0;
  for (size_t i = 0; i < r->count; i++) {
    size_t at = (start + i) % r->count;
    if (begins_with(r->rows[r->order[at]].name, prefix)) {
      *row = at;
      return true;
    }
  }
  return false;
}

enum sw_rule_icon sw_rule_rows_state_icon(const struct sw_rule_row *s)
{
  if (!s->enabled)
    return SW_RULE_ICON_DISABLED;
  if (!s->has_state)
    return SW_RULE_ICON_PENDING;
  switch (s->state) {
  case SW_NAGIOS_OK:
    return SW_RULE_ICON_OK;
  case SW_NAGIOS_WARNING:
    return SW_RULE_ICON_WARNING;
  case SW_NAGIOS_CRITICAL:
    return SW_RULE_ICON_CRITICAL;
  default:
    return SW_RULE_ICON_UNKNOWN;
  }
}

/* What holds the row's alerts, after its state: see sw_rule_rows_state_text. */
static void append_hold(const struct sw_rule_row *s, char *out, size_t size)
{
  size_t n = strlen(out);
  if (s->acknowledged && n < size)
    n += (size_t)snprintf(out + n, size - n, ", acknowledged");
  if (s->held == SW_PIPE_HOLD_MAINTENANCE && n < size)
    snprintf(out + n, size - n, ", maintenance");
  else if (s->held == SW_PIPE_HOLD_UNREACHABLE && n < size && s->parent && s->parent[0])
    snprintf(out + n, size - n, ", unreachable (depends on %s)", s->parent);
  else if (s->held == SW_PIPE_HOLD_UNREACHABLE && n < size)
    snprintf(out + n, size - n, ", unreachable");
}

/* The state itself: see sw_rule_rows_state_text. */
static void state_word(const struct sw_rule_row *s, char *out, size_t size)
{
  switch (sw_rule_rows_state_icon(s)) {
  case SW_RULE_ICON_DISABLED:
    snprintf(out, size, "Disabled");
    return;
  case SW_RULE_ICON_PENDING:
    snprintf(out, size, "Pending");
    return;
  case SW_RULE_ICON_OK:
    /* A rule stays OK through a few failures in a row (the service's
     * threshold): say so, or the last message seems to contradict it. */
    if (s->failures > 0) {
      snprintf(out, size, "OK (%" PRIu32 " failure%s)", s->failures,
               s->failures == 1 ? "" : "s");
      return;
    }
    break;
  default:
    break;
  }
  snprintf(out, size, "%s", sw_nagios_status_name(s->state));
}

void sw_rule_rows_state_text(const struct sw_rule_row *s, char *out, size_t size)
{
  if (size == 0)
    return;
  state_word(s, out, size);
  append_hold(s, out, size);
}

enum sw_rule_ack sw_rule_rows_ack_action(const struct sw_rule_row *s)
{
  if (!s)
    return SW_RULE_ACK_NONE;
  if (s->acknowledged)
    return SW_RULE_ACK_UNACK;
  switch (sw_rule_rows_state_icon(s)) {
  case SW_RULE_ICON_WARNING:
  case SW_RULE_ICON_CRITICAL:
  case SW_RULE_ICON_UNKNOWN:
    return SW_RULE_ACK_ACK;
  default:
    return SW_RULE_ACK_NONE;
  }
}

enum sw_rule_icon sw_rule_rows_icon(const struct sw_rule_rows *r, size_t row)
{
  const struct sw_rule_row *s = sw_rule_rows_at(r, row);
  return s ? sw_rule_rows_state_icon(s) : SW_RULE_ICON_UNKNOWN;
}

void sw_rule_rows_one_line(const char *src, char *out, size_t size)
{
  if (size == 0)
    return;
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)(src ? src : ""); *p;) {
    const char *piece;
    size_t len, used;
    char one[4];
    if (*p == '\r' || *p == '\n') {
      used = (p[0] == '\r' && p[1] == '\n') ? 2 : 1;
      piece = " / ";
      len = 3;
    } else if (*p < 0x20 || *p == 0x7f) {
      used = 1;
      one[0] = ' ';
      piece = one;
      len = 1;
    } else {
      /* A whole UTF-8 sequence: its lead byte says how long. */
      len = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
      for (size_t i = 1; i < len; i++) {
        if (NEVER(p[i] == '\0')) { /* the pipe's codec checks UTF-8 */
          len = i;
          break;
        }
      }
      used = len;
      piece = (const char *)p;
    }
    if (n + len + 1 > size)
      break;
    memcpy(out + n, piece, len);
    n += len;
    p += used;
  }
  out[n] = '\0';
}

void sw_rule_rows_cell(const struct sw_rule_rows *r, size_t row,
                       enum sw_rule_column column, char *out, size_t size)
{
  if (size == 0)
    return;
  out[0] = '\0';
  const struct sw_rule_row *s = sw_rule_rows_at(r, row);
  if (!s)
    return;
  char text[320];
  switch (column) {
  case SW_RULE_COL_NAME:
    sw_rule_rows_one_line(s->name, out, size);
    return;
  case SW_RULE_COL_SERVER:
    sw_manage_server_text(s->host, s->port, text, sizeof text);
    sw_rule_rows_one_line(text, out, size);
    return;
  case SW_RULE_COL_STATE:
    sw_rule_rows_state_text(s, text, sizeof text);
    sw_rule_rows_one_line(text, out, size);
    return;
  case SW_RULE_COL_RESPONSE:
    if (s->response_us >= 0) {
      snprintf(text, sizeof text, "%" PRId64 " ms", (s->response_us + 500) / 1000);
      sw_rule_rows_one_line(text, out, size);
    }
    return;
  case SW_RULE_COL_LAST_CHECK: {
    struct sw_manage_view v = {SW_TABLE_TEXT, r->local_time};
    sw_manage_time(&v, s->last_check_ms, text, sizeof text);
    sw_rule_rows_one_line(text, out, size);
    return;
  }
  case SW_RULE_COL_MESSAGE:
    sw_rule_rows_one_line(s->message, out, size);
    return;
  case SW_RULE_COL_UP_DAY:
  case SW_RULE_COL_UP_WEEK:
    sw_uptime_text(s->uptime[column - SW_RULE_COL_UP_DAY], out, size);
    return;
  case SW_RULE_COL_COUNT:
    break;
  }
}

void sw_rule_rows_summary(const struct sw_rule_rows *r, char *out, size_t size)
{
  if (size == 0)
    return;
  if (r->count == 0) {
    snprintf(out, size, "No rules");
    return;
  }
  size_t counts[SW_RULE_ICON_COUNT] = {0};
  for (size_t i = 0; i < r->count; i++)
    counts[sw_rule_rows_state_icon(&r->rows[i])]++;
  /* Worst first: what needs attention leads. */
  static const struct {
    enum sw_rule_icon icon;
    const char *name;
  } shown[] = {
      {SW_RULE_ICON_CRITICAL, "CRITICAL"}, {SW_RULE_ICON_WARNING, "WARNING"},
      {SW_RULE_ICON_UNKNOWN, "UNKNOWN"},   {SW_RULE_ICON_OK, "OK"},
      {SW_RULE_ICON_PENDING, "pending"},   {SW_RULE_ICON_DISABLED, "disabled"},
  };
  size_t n =
      (size_t)snprintf(out, size, "%zu rule%s:", r->count, r->count == 1 ? "" : "s");
  const char *sep = " ";
  for (size_t i = 0; i < SW_COUNTOF(shown); i++) {
    if (!counts[shown[i].icon] || n >= size)
      continue;
    n += (size_t)snprintf(out + n, size - n, "%s%zu %s", sep, counts[shown[i].icon],
                          shown[i].name);
    sep = ", ";
  }
}
