/* Pushes applied to the rule list (rule_rows_live.h): a new array of rows,
 * built in rule id order from the old one (moved, not copied) and the
 * push, then sorted as the list is (sw_rule_rows_replace). A push's rows
 * are made through sw_rule_row_from_status, as a refresh's are, so a row
 * reads the same however it arrived. */
#include "rule_rows_live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What `row` shows, as a status record again (strings borrowed from it). */
static void status_of_row(const struct sw_rule_row *row, struct sw_pipe_status *s)
{
  sw_pipe_status_init(s);
  s->rule_id = row->rule_id;
  s->name = row->name;
  s->host = (char *)row->host;
  s->port = row->port;
  s->enabled = row->enabled;
  s->has_state = row->has_state;
  s->state = row->state;
  s->failures = row->failures;
  s->last_result_at_ms = row->last_check_ms;
  s->has_result = row->response_us >= 0 || row->message[0];
  s->last.started_at_ms = row->last_check_ms;
  s->last.check.total_us = row->response_us;
  snprintf(s->last.message, sizeof s->last.message, "%s", row->message);
  s->ack_at_ms = row->acknowledged ? 1 : 0;
  s->held = row->held;
  s->held_parent_name = (char *)row->parent;
  s->drift = row->drifted ? "drifted" : NULL;
}

/* A new row for `row` with the state `st` (or the rule `rule`, keeping its
 * state); `row` itself is left as it was. */
static enum sw_error remake(struct sw_rule_row *out, const struct sw_rule_row *row,
                            const struct sw_pipe_rule_state *st,
                            const struct sw_rule *rule)
{
  struct sw_pipe_status s;
  status_of_row(row, &s);
  if (rule) {
    s.name = rule->name;
    s.host = (char *)sw_rule_target(rule); /* borrowed, as name is */
    s.port = rule->port;
    s.enabled = rule->enabled;
  }
  if (st) {
    s.has_state = true;
    s.state = st->state;
    s.failures = st->failures;
    s.since_ms = st->since_ms;
    s.last_result_at_ms = st->last_result_at_ms;
    s.has_result = true;
    s.last.started_at_ms = st->last_result_at_ms;
    s.last.check.total_us = st->total_us ? st->total_us : -1;
    snprintf(s.last.message, sizeof s.last.message, "%s", st->message ? st->message : "");
    s.ack_at_ms = st->acked ? 1 : 0;
    s.held = st->held;
    s.held_parent_name = st->held_parent_name;
    s.drift = st->drifted ? "drifted" : NULL;
  }
  return sw_rule_row_from_status(out, &s);
}

/* The index of rule `id` in rows[0..n) (rule id order), or n. */
static size_t index_of(const struct sw_rule_row *rows, size_t n, int64_t id)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (rows[mid].rule_id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n && rows[lo].rule_id == id ? lo : n;
}

/* Replaces rows[i] by what `remake` makes of it. */
static enum sw_error replace_at(struct sw_rule_row *rows, size_t i,
                                const struct sw_pipe_rule_state *st,
                                const struct sw_rule *rule)
{
  struct sw_rule_row fresh;
  enum sw_error err = remake(&fresh, &rows[i], st, rule);
  if (err)
    return err;
  /* A push says nothing of availability: the figures fetched stay. */
  memcpy(fresh.uptime, rows[i].uptime, sizeof fresh.uptime);
  sw_rule_row_free(&rows[i]);
  rows[i] = fresh;
  return SW_E_OK;
}

/* Inserts a row for a rule the list does not have, in rule id order. */
static enum sw_error insert(struct sw_rule_row *rows, size_t *n,
                            const struct sw_rule *rule)
{
  char none[1] = "";
  struct sw_rule_row empty = {.rule_id = rule->id,
                              .name = none,
                              .host = none,
                              .message = none,
                              .parent = none,
                              .response_us = -1};
  struct sw_rule_row fresh;
  enum sw_error err = remake(&fresh, &empty, NULL, rule);
  if (err)
    return err;
  fresh.has_state = false; /* pending until its first check */
  size_t at = 0;
  while (at < *n && rows[at].rule_id < rule->id)
    at++;
  memmove(&rows[at + 1], &rows[at], (*n - at) * sizeof *rows);
  rows[at] = fresh;
  (*n)++;
  return SW_E_OK;
}

static enum sw_error apply_change(struct sw_rule_row *rows, size_t *n,
                                  const struct sw_pipe_rule_change *c)
{
  size_t i = index_of(rows, *n, c->rule_id);
  if (c->kind == SW_PIPE_CHANGE_DELETED) {
    if (i < *n) {
      sw_rule_row_free(&rows[i]);
      memmove(&rows[i], &rows[i + 1], (*n - i - 1) * sizeof *rows);
      (*n)--;
    }
    return SW_E_OK;
  }
  if (!c->has_rule)
    return SW_E_OK; /* nothing to show of it */
  /* Added and updated alike: a rule added and edited between two pushes
   * arrives once, as updated. */
  return i < *n ? replace_at(rows, i, NULL, &c->rule.rule)
                : insert(rows, n, &c->rule.rule);
}

enum sw_error sw_rule_rows_apply_push(struct sw_rule_rows *r,
                                      const struct sw_pipe_push *push)
{
  size_t cap = r->count + push->change_count;
  struct sw_rule_row *rows = malloc((cap ? cap : 1) * sizeof *rows);
  if (!rows) {
    sw_rule_rows_free(r);
    return SW_E_NOMEM;
  }
  size_t n = r->count;
  if (n)
    memcpy(rows, r->rows, n * sizeof *rows);
  memset(r->rows, 0, r->count * sizeof *r->rows); /* moved: nothing left to free */
  enum sw_error err = SW_E_OK;
  for (size_t i = 0; i < push->change_count && !err; i++)
    err = apply_change(rows, &n, &push->changes[i]);
  for (size_t i = 0; i < push->state_count && !err; i++) {
    size_t at = index_of(rows, n, push->states[i].rule_id);
    if (at < n)
      err = replace_at(rows, at, &push->states[i], NULL);
  }
  if (err) {
    for (size_t i = 0; i < n; i++)
      sw_rule_row_free(&rows[i]);
    free(rows);
    sw_rule_rows_free(r);
    return err;
  }
  err = sw_rule_rows_replace(r, rows, n); /* frees `rows` if it fails */
  if (err)
    sw_rule_rows_free(r); /* its rows were moved out */
  return err;
}
