/* The editor's rule list model (rule_rows.h). Sorting goes through an
 * index array: the rows themselves never move after a replace, so a row
 * pointer stays valid until the next refresh. Each row gets a 16-byte key
 * for the column first (natural_order.h for texts, the value for
 * numbers), and a merge sort compares keys inline, so most comparisons
 * touch neither the row nor its text (bench/README.md has the figures
 * at 100,000 rows). Every comparison ends with the rule id: equal rows
 * always come out in id order, whatever order they were in before. */
#include "rule_rows.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manage_view.h"
#include "nagios_report.h"
#include "natural_order.h"
#include "rule_uptime.h"
#include "sw_macros.h"

/* ---- life ------------------------------------------------------------ */

void sw_rule_rows_init(struct sw_rule_rows *r, sw_rule_rows_time_fn local_time)
{
  memset(r, 0, sizeof *r);
  r->sort_column = SW_RULE_COL_NAME;
  r->local_time = local_time;
  sw_rule_filter_init(&r->filter);
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
  free(r->sorted);
  free(r->order);
  free(r->row_of);
  free(r->scratch);
  r->rows = NULL;
  r->sorted = r->order = r->row_of = NULL;
  r->scratch = NULL;
  r->count = r->shown = r->cap = 0;
}

/* ---- sort keys --------------------------------------------------------- */

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
  return sw_natural_cmp(a->name, b->name);
}

static int cmp_server(const struct sw_rule_row *a, const struct sw_rule_row *b)
{
  int c = sw_natural_cmp(a->host, b->host);
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
  return sw_natural_cmp(a->message, b->message);
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

/* A row in a sort: its key for the column, and the row (an index into
 * rows) for the rest; 40 bytes. */
struct sort_entry {
  uint64_t key[SW_NATURAL_KEY_WORDS];
  uint32_t index;
  bool whole; /* the key holds the whole value: equal keys, equal values */
};

/* The key of row `s` for `column`: keys that differ are in the column's
 * order (sw_rule_rows_sort); equal keys mean equal values only when
 * e->whole. */
static void key_of(const struct sw_rule_row *s, enum sw_rule_column column,
                   struct sort_entry *e)
{
  const uint64_t sign = UINT64_C(1) << 63; /* signed order as unsigned */
  memset(e->key, 0, sizeof e->key);
  e->whole = true;
  switch (column) {
  case SW_RULE_COL_SERVER: {
    /* The host decides first; equal hosts, the port, in the key's last two
     * bytes when the host leaves them (and the NUL before them) free. */
    size_t used = 0;
    e->whole = sw_natural_key(s->host, e->key, &used) && used + 3 <= SW_NATURAL_KEY_BYTES;
    if (e->whole)
      e->key[SW_NATURAL_KEY_WORDS - 1] |= s->port;
    return;
  }
  case SW_RULE_COL_MESSAGE:
    e->whole = sw_natural_key(s->message, e->key, NULL);
    return;
  case SW_RULE_COL_STATE:
    e->key[0] = (uint64_t)state_rank(s) << 32 | s->failures;
    return;
  case SW_RULE_COL_RESPONSE:
    e->key[0] = (uint64_t)s->response_us ^ sign;
    return;
  case SW_RULE_COL_LAST_CHECK:
    e->key[0] = (uint64_t)s->last_check_ms ^ sign;
    return;
  case SW_RULE_COL_UP_DAY:
  case SW_RULE_COL_UP_WEEK:
    /* No figure sorts before every figure, as a rule never checked. */
    e->key[0] = (uint64_t)(up_key(s->uptime[column - SW_RULE_COL_UP_DAY]) + 1);
    return;
  case SW_RULE_COL_NAME:
  case SW_RULE_COL_COUNT:
    break;
  }
  e->whole = sw_natural_key(s->name, e->key, NULL);
}

/* How a sort compares: the column's full comparison (for equal keys)
 * and the direction. */
struct sort_order {
  const struct sw_rule_row *rows;
  row_cmp cmp;
  bool descending;
};

static const row_cmp column_cmps[SW_RULE_COL_COUNT] = {
    [SW_RULE_COL_NAME] = cmp_name,
    [SW_RULE_COL_SERVER] = cmp_server,
    [SW_RULE_COL_STATE] = cmp_state,
    [SW_RULE_COL_RESPONSE] = cmp_response,
    [SW_RULE_COL_LAST_CHECK] = cmp_last_check,
    [SW_RULE_COL_MESSAGE] = cmp_message,
    [SW_RULE_COL_UP_DAY] = cmp_up_day,
    [SW_RULE_COL_UP_WEEK] = cmp_up_week,
};

/* Two entries by key, then by the column's comparison, reversed if
 * descending; the rule id tie-break does not reverse. */
static int ordered(const struct sort_order *o, const struct sort_entry *ea,
                   const struct sort_entry *eb)
{
  int c = 0;
  for (size_t w = 0; w < SW_NATURAL_KEY_WORDS && !c; w++)
    c = ea->key[w] != eb->key[w] ? (ea->key[w] < eb->key[w] ? -1 : 1) : 0;
  const struct sw_rule_row *a = &o->rows[ea->index], *b = &o->rows[eb->index];
  if (!c && !(ea->whole && eb->whole))
    c = o->cmp(a, b);
  if (o->descending)
    c = -c;
  return c ? c : int_cmp(a->rule_id, b->rule_id);
}

/* A bottom-up merge sort of `n` entries, `tmp` as large: qsort has no
 * context argument in C11 and copies elements through memcpy; this
 * compares keys inline and moves 40-byte entries as they are. The result
 * is in `a`. */
static void merge_sort(struct sort_entry *a, struct sort_entry *tmp, size_t n,
                       const struct sort_order *o)
{
  struct sort_entry *from = a, *to = tmp;
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n;
      size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        to[k++] = ordered(o, &from[j], &from[i]) < 0 ? from[j++] : from[i++];
      while (i < mid)
        to[k++] = from[i++];
      while (j < hi)
        to[k++] = from[j++];
    }
    struct sort_entry *t = from;
    from = to;
    to = t;
  }
  if (from != a)
    memcpy(a, from, n * sizeof *a);
}

/* The shown rows: those of `sorted` the filter lets through, in its
 * order. One pass, no sorting: what a keystroke in the filter box costs. */
static void apply_filter(struct sw_rule_rows *r)
{
  bool all = sw_rule_filter_is_empty(&r->filter);
  r->shown = 0;
  for (size_t i = 0; i < r->count; i++) {
    size_t index = r->sorted[i];
    const struct sw_rule_row *s = &r->rows[index];
    if (all || sw_rule_filter_match(&r->filter, s->name, s->host,
                                    (unsigned)sw_rule_rows_state_icon(s))) {
      r->order[r->shown] = index;
      r->row_of[index] = r->shown++;
    } else {
      r->row_of[index] = SW_RULE_ROW_HIDDEN;
    }
  }
}

/* Sorts every row into r->sorted, then filters. The entries are kept
 * between sorts (r->scratch): under Wine a fresh 8 MB block for 100,000
 * rows cost more than the sort itself (bench/README.md). */
static void sort_all(struct sw_rule_rows *r)
{
  struct sort_entry *entries = r->scratch;
  for (size_t i = 0; i < r->count; i++) {
    entries[i].index = (uint32_t)i;
    key_of(&r->rows[i], r->sort_column, &entries[i]);
  }
  const struct sort_order o = {r->rows, column_cmps[r->sort_column], r->descending};
  merge_sort(entries, entries + r->count, r->count, &o);
  for (size_t i = 0; i < r->count; i++)
    r->sorted[i] = entries[i].index;
  apply_filter(r);
}

/* Makes room for `n` rows in the index arrays and the sort's entries
 * (they only grow). SW_E_NOMEM changes nothing. */
static enum sw_error reserve(struct sw_rule_rows *r, size_t n)
{
  if (n <= r->cap)
    return SW_E_OK;
  if (n > UINT32_MAX)
    return SW_E_NOMEM; /* a sort entry holds a 32-bit index */
  size_t *sorted = malloc(n * sizeof *sorted);
  size_t *order = malloc(n * sizeof *order);
  size_t *row_of = malloc(n * sizeof *row_of);
  struct sort_entry *scratch = malloc(2 * n * sizeof *scratch);
  if (!sorted || !order || !row_of || !scratch) {
    free(sorted);
    free(order);
    free(row_of);
    free(scratch);
    return SW_E_NOMEM;
  }
  free(r->sorted);
  free(r->order);
  free(r->row_of);
  free(r->scratch);
  r->sorted = sorted;
  r->order = order;
  r->row_of = row_of;
  r->scratch = scratch;
  r->cap = n;
  return SW_E_OK;
}

void sw_rule_rows_set_filter(struct sw_rule_rows *r, const struct sw_rule_filter *f)
{
  r->filter = *f;
  /* The words point into the filter's own text: make them point into
   * the copy. */
  for (size_t i = 0; i < r->filter.word_count; i++)
    r->filter.words[i] = r->filter.folded + (f->words[i] - f->folded);
  apply_filter(r);
}

void sw_rule_rows_sort(struct sw_rule_rows *r, enum sw_rule_column column,
                       bool descending)
{
  if ((unsigned)column >= SW_RULE_COL_COUNT)
    column = SW_RULE_COL_NAME;
  r->sort_column = column;
  r->descending = descending;
  if (r->count > 0)
    sort_all(r);
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
  bool by_id = true;
  for (size_t i = 1; i < count && by_id; i++)
    by_id = rows[i - 1].rule_id < rows[i].rule_id;
  if (!by_id) {
    qsort(rows, count, sizeof *rows, by_rule_id);
    for (size_t i = 1; i < count; i++) {
      if (rows[i - 1].rule_id == rows[i].rule_id) {
        free_rows(rows, count);
        return SW_E_INVALID_ARGUMENT;
      }
    }
  }
  if (reserve(r, count)) {
    free_rows(rows, count);
    return SW_E_NOMEM;
  }
  sw_rule_uptime_carry(r->rows, r->count, rows, count);
  free_rows(r->rows, r->count);
  r->rows = rows;
  r->count = count;
  sort_all(r);
  return SW_E_OK;
}

/* ---- reading ------------------------------------------------------------ */

size_t sw_rule_rows_count(const struct sw_rule_rows *r)
{
  return r->shown;
}

size_t sw_rule_rows_total(const struct sw_rule_rows *r)
{
  return r->count;
}

const struct sw_rule_row *sw_rule_rows_at(const struct sw_rule_rows *r, size_t row)
{
  return row < r->shown ? &r->rows[r->order[row]] : NULL;
}

bool sw_rule_rows_find(const struct sw_rule_rows *r, int64_t rule_id, size_t *row)
{
  size_t lo = 0, hi = r->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t id = r->rows[mid].rule_id;
    if (id == rule_id) {
      *row = r->row_of[mid];
      return *row != SW_RULE_ROW_HIDDEN;
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
    if (sw_natural_fold(*x) != sw_natural_fold(*y))
      return false;
  }
  return true;
}

bool sw_rule_rows_find_prefix(const struct sw_rule_rows *r, const char *prefix,
                              size_t start, size_t *row)
{
  if (!prefix || !prefix[0] || r->shown == 0)
    return false;
  if (start >= r->shown)
    start = 0;
  for (size_t i = 0; i < r->shown; i++) {
    size_t at = (start + i) % r->shown;
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
  if (r->shown < r->count && n < size)
    snprintf(out + n, size - n, "; %zu shown", r->shown);
}
