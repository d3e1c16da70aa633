#include "history_rows.h"

#include "round_trip_result.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_expiry.h"
#include "pipe_protocol.h"
#include "pipe_records.h"
#include "sw_array.h"
#include "sw_macros.h"

void sw_history_rows_init(struct sw_history_rows *h, sw_history_time_fn local_time)
{
  memset(h, 0, sizeof *h);
  h->more = true;
  h->local_time = local_time;
}

static void free_rows(struct sw_history_row *rows, size_t from, size_t to)
{
  for (size_t i = from; i < to; i++)
    free(rows[i].message);
}

void sw_history_rows_free(struct sw_history_rows *h)
{
  sw_history_time_fn local_time = h->local_time;
  free_rows(h->rows, 0, h->count);
  free(h->rows);
  sw_history_rows_init(h, local_time);
}

bool sw_history_rows_wants_more(const struct sw_history_rows *h, size_t want)
{
  return h->more && h->count < want;
}

void sw_history_rows_request(const struct sw_history_rows *h, int64_t rule_id,
                             size_t want, struct sw_buf *fields)
{
  size_t limit = want > h->count ? want - h->count : 1;
  if (limit > SW_HISTORY_PAGE_MAX)
    limit = SW_HISTORY_PAGE_MAX;
  sw_tlv_put_int(fields, SW_PIPE_TAG_RULE_ID, rule_id);
  if (h->count > 0) {
    const struct sw_history_row *last = &h->rows[h->count - 1];
    sw_tlv_put_int(fields, SW_PIPE_TAG_BEFORE_AT, last->started_at_ms);
    sw_tlv_put_int(fields, SW_PIPE_TAG_BEFORE, last->id);
  }
  sw_tlv_put_int(fields, SW_PIPE_TAG_LIMIT, (int64_t)limit);
}

/* One line: CR dropped, each LF as " / " (as the command line's tables). */
static char *one_line(const char *text)
{
  size_t breaks = 0, len = strlen(text);
  for (size_t i = 0; i < len; i++)
    breaks += text[i] == '\n';
  char *out = malloc(len + 2 * breaks + 1);
  if (!out)
    return NULL;
  char *p = out;
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '\r')
      continue;
    if (text[i] == '\n') {
      memcpy(p, " / ", 3);
      p += 3;
    } else {
      *p++ = text[i];
    }
  }
  *p = '\0';
  return out;
}

static enum sw_error grow(struct sw_history_rows *h)
{
  struct sw_history_row *rows =
      sw_array_grow(h->rows, &h->capacity, h->count, sizeof *rows, 128);
  if (!rows)
    return SW_E_NOMEM;
  h->rows = rows;
  return SW_E_OK;
}

static enum sw_error take_result(struct sw_history_rows *h, struct sw_tlv_reader *r)
{
  struct sw_pipe_result res;
  enum sw_error err = sw_pipe_get_result(r, &res);
  if (!err)
    err = grow(h);
  char *message = err ? NULL : one_line(res.message);
  if (!err && !message)
    err = SW_E_NOMEM;
  if (!err) {
    h->rows[h->count++] = (struct sw_history_row){
        .id = res.id,
        .started_at_ms = res.started_at_ms,
        .status = res.status,
        .outcome = res.check.outcome,
        .total_us = res.check.total_us,
        .round_trip = res.check.round_trip != NULL,
        .delivery_us = res.check.round_trip && res.check.round_trip->found
                           ? res.check.round_trip->delivery_us
                           : -1,
        .message = message,
    };
  }
  sw_pipe_result_free(&res);
  return err;
}

enum sw_error sw_history_rows_append(struct sw_history_rows *h, const uint8_t *body,
                                     size_t len, size_t want)
{
  size_t before = h->count;
  bool more = false, cut = false;
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  enum sw_error err = SW_E_OK;
  sw_tlv_reader_init(&r, body, len);
  while (!err && sw_tlv_next(&r, &f)) {
    if (f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_RESULT && h->count < want) {
      err = take_result(h, &r);
    } else if (f.type == SW_TLV_BEGIN) {
      cut |= f.tag == SW_PIPE_TAG_RESULT;
      if (!sw_tlv_skip_record(&r))
        err = SW_E_INVALID_ARGUMENT;
    } else if (f.tag == SW_PIPE_TAG_MORE && f.type == SW_TLV_BOOL && f.depth == 0) {
      more = f.i != 0;
    }
  }
  if (!err)
    err = r.error;
  if (err) {
    free_rows(h->rows, before, h->count);
    h->count = before;
    return err;
  }
  /* Results past `want` were dropped: the service has them, so has more.
   * A page without a new result ends the paging whatever it says. */
  h->more = h->count > before && (more || cut);
  return SW_E_OK;
}

bool sw_history_row_failed(const struct sw_history_row *r)
{
  return !sw_outcome_answered(r->outcome);
}

const char *sw_history_column_title(enum sw_history_column col)
{
  switch (col) {
  case SW_HISTORY_COL_TIME:
    return "Time";
  case SW_HISTORY_COL_STATUS:
    return "Status";
  case SW_HISTORY_COL_RESPONSE:
    return "Response time";
  case SW_HISTORY_COL_MESSAGE:
    return "Message";
  case SW_HISTORY_COL_COUNT:
    break;
  }
  SW_NOT_REACHED(); /* every column is named above */
  return "";
}

void sw_history_duration_text(int64_t us, char *out, size_t size)
{
  if (size == 0)
    return;
  if (us > (INT64_C(1) << 50)) /* garbage; keeps the sums below from overflowing */
    us = INT64_C(1) << 50;
  int64_t tenths_ms = (us + 50) / 100, tenths_s = (us + 50000) / 100000;
  if (us < 0)
    out[0] = '\0';
  else if (tenths_ms == 0)
    snprintf(out, size, "0 ms");
  else if (tenths_ms < 10)
    snprintf(out, size, "0.%" PRId64 " ms", tenths_ms);
  else if (us < INT64_C(9999500))
    snprintf(out, size, "%" PRId64 " ms", (us + 500) / 1000);
  else if (tenths_s < 1000 && tenths_s % 10 != 0)
    snprintf(out, size, "%" PRId64 ".%" PRId64 " s", tenths_s / 10, tenths_s % 10);
  else
    snprintf(out, size, "%" PRId64 " s", (us + 500000) / 1000000);
}

/* The local time (or UTC, marked) of a row, "2025-06-01 14:03:22". */
static void time_text(const struct sw_history_rows *h, int64_t ms, char *out, size_t size)
{
  if (h->local_time) {
    h->local_time(ms, out, size);
    out[size - 1] = '\0';
  } else {
    sw_utc_format(ms / 1000 - (ms % 1000 < 0), out, size);
  }
}

void sw_history_rows_cell(const struct sw_history_rows *h, size_t row,
                          enum sw_history_column col, char *out, size_t size)
{
  if (size == 0)
    return;
  out[0] = '\0';
  if (row >= h->count)
    return;
  const struct sw_history_row *r = &h->rows[row];
  switch (col) {
  case SW_HISTORY_COL_TIME:
    time_text(h, r->started_at_ms, out, size);
    break;
  case SW_HISTORY_COL_STATUS:
    snprintf(out, size, "%s", sw_nagios_status_name(r->status));
    break;
  case SW_HISTORY_COL_RESPONSE:
    sw_history_duration_text(r->total_us, out, size);
    break;
  case SW_HISTORY_COL_MESSAGE:
    snprintf(out, size, "%s", r->message);
    break;
  case SW_HISTORY_COL_COUNT:
    break;
  }
}

void sw_history_rows_samples(const struct sw_history_rows *h,
                             struct sw_history_sample *out)
{
  for (size_t i = 0; i < h->count; i++) {
    const struct sw_history_row *r = &h->rows[i];
    out[i] = (struct sw_history_sample){
        .at_ms = r->started_at_ms,
        .response_us = r->total_us,
        .failed = sw_history_row_failed(r),
        .warning = r->status != SW_NAGIOS_OK,
    };
  }
}

size_t sw_history_rows_delivery_samples(const struct sw_history_rows *h,
                                        struct sw_history_sample *out, size_t *rows)
{
  size_t n = 0;
  for (size_t i = 0; i < h->count; i++) {
    const struct sw_history_row *r = &h->rows[i];
    if (!r->round_trip)
      continue;
    rows[n] = i;
    out[n++] = (struct sw_history_sample){
        .at_ms = r->started_at_ms,
        .response_us = r->delivery_us,
        .failed = r->delivery_us < 0,
        .warning = r->status != SW_NAGIOS_OK,
    };
  }
  return n;
}

static int cmp_i64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* "Successful checks took 8 ms (median), 1.2 s at most." from the
 * successes' times; nothing if there are none (or no memory to sort). */
static void response_text(const struct sw_history_rows *h, size_t successes, char *out,
                          size_t size)
{
  out[0] = '\0';
  int64_t *times = successes ? malloc(successes * sizeof *times) : NULL;
  if (!times)
    return;
  size_t n = 0;
  for (size_t i = 0; i < h->count; i++)
    if (!sw_history_row_failed(&h->rows[i]) && h->rows[i].total_us >= 0)
      times[n++] = h->rows[i].total_us;
  qsort(times, n, sizeof *times, cmp_i64);
  char median[32], max[32];
  if (n > 0) {
    sw_history_duration_text(times[n / 2], median, sizeof median);
    sw_history_duration_text(times[n - 1], max, sizeof max);
    if (n == 1)
      snprintf(out, size, " The successful check took %s.", max);
    else
      snprintf(out, size, " Successful checks took %s (median), %s at most.", median,
               max);
  }
  free(times);
}

void sw_history_rows_summary(const struct sw_history_rows *h, char *out, size_t size)
{
  if (size == 0)
    return;
  if (h->count == 0) {
    snprintf(out, size, "No results: the rule has not been checked yet.");
    return;
  }
  size_t failed = 0;
  for (size_t i = 0; i < h->count; i++)
    failed += sw_history_row_failed(&h->rows[i]);
  char newest[64], oldest[64], failures[64], times[160];
  time_text(h, h->rows[0].started_at_ms, newest, sizeof newest);
  time_text(h, h->rows[h->count - 1].started_at_ms, oldest, sizeof oldest);
  if (failed == 0)
    snprintf(failures, sizeof failures, h->count == 1 ? "It succeeded." : "None failed.");
  else if (failed == h->count)
    snprintf(failures, sizeof failures, h->count == 1 ? "It failed." : "All failed.");
  else
    snprintf(failures, sizeof failures, "%zu failed.", failed);
  response_text(h, h->count - failed, times, sizeof times);
  const char *older = h->more ? " Older results are not shown." : "";
  if (h->count == 1)
    snprintf(out, size, "1 result, at %s. %s%s%s", newest, failures, times, older);
  else
    snprintf(out, size, "%zu results from %s to %s. %s%s%s", h->count, oldest, newest,
             failures, times, older);
}

void sw_history_error_text(const char *error_code, const char *error, char *out,
                           size_t size)
{
  if (size == 0)
    return;
  if (error_code && strcmp(error_code, "not_found") == 0) {
    snprintf(out, size,
             "This rule no longer exists: it was deleted, and its history "
             "with it. Close this window; the rule list will catch up.");
    return;
  }
  if (!error || !error[0])
    error = "the service gave no reason.";
  snprintf(out, size, "The history could not be loaded: %s Press F5 to try again.",
           error);
}
