/* Subscriptions' records (pipe_push.h): SUBSCRIBE's fields, RULE_STATE as
 * a table of its fields, RULE_CHANGE (a table and the nested RULE), and
 * the PUSH body that carries them. */
#include "pipe_push.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "pipe_fields.h"

static const char *const state_names[] = {SW_NAGIOS_STATUS_MAP(SW_X_2)};
static const char *const outcome_names[] = {SW_OUTCOME_MAP(SW_X_2)};
static const char *const hold_names[] = {SW_PIPE_HOLD_MAP(SW_X_2)};
static const char *const change_names[] = {SW_PIPE_CHANGE_MAP(SW_X_2)};

const char *sw_pipe_change_name(enum sw_pipe_change c)
{
  return SW_TABLE_AT(change_names, c, "updated");
}

/* ---- SUBSCRIBE and SUBSCRIBE_OK ---------------------------------------- */

#define AT(m) offsetof(struct sw_pipe_subscribe, m)
static const struct sw__pipe_field subscribe_fields[] = {
    SW__PF_ROW(SW_PIPE_TAG_SUB_STATES, SW__PF_BOOL, AT(states), 0),
    SW__PF_ROW(SW_PIPE_TAG_SUB_EVENTS, SW__PF_BOOL, AT(events), 0),
    SW__PF_ROW(SW_PIPE_TAG_SUB_RULES, SW__PF_BOOL, AT(rules), 0),
    SW__PF_ROW(SW_PIPE_TAG_PUSH_INTERVAL_MS, SW__PF_INT, AT(interval_ms),
               SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_PUSH_LOG_SIZE, SW__PF_INT, AT(log_size), SW__PF_OMIT_ZERO),
};
#undef AT

void sw_pipe_put_subscribe(struct sw_buf *out, const struct sw_pipe_subscribe *s)
{
  sw__pipe_put_fields(out, s, subscribe_fields, SW_COUNTOF(subscribe_fields));
}

static enum sw_error subscribe_field(void *ctx, const struct sw_tlv_field *f)
{
  bool known;
  return sw__pipe_get_field(ctx, subscribe_fields, SW_COUNTOF(subscribe_fields), f,
                            &known);
}

enum sw_error sw_pipe_get_subscribe(const uint8_t *body, size_t len,
                                    struct sw_pipe_subscribe *out)
{
  memset(out, 0, sizeof *out);
  return sw_tlv_each_body_field(body, len, subscribe_field, NULL, out);
}

/* ---- RULE_STATE ----------------------------------------------------------- */

#define AT(m) offsetof(struct sw_pipe_rule_state, m)
static const struct sw__pipe_field rule_state_fields[] = {
    SW__PF_ROW(SW_PIPE_TAG_RULE_ID, SW__PF_INT, AT(rule_id), 0),
    SW__PF_ENUM_ROW(SW_PIPE_TAG_STATE, AT(state), state_names, SW_NAGIOS_UNKNOWN, 0),
    SW__PF_ROW(SW_PIPE_TAG_FAILURES, SW__PF_U32, AT(failures), 0),
    SW__PF_ROW(SW_PIPE_TAG_SINCE, SW__PF_INT, AT(since_ms), 0),
    SW__PF_ROW(SW_PIPE_TAG_LAST_RESULT_AT, SW__PF_INT, AT(last_result_at_ms), 0),
    SW__PF_ENUM_ROW(SW_PIPE_TAG_LAST_OUTCOME, AT(last_outcome), outcome_names,
                    SW_OUTCOME_INTERNAL_ERROR, 0),
    SW__PF_ROW(SW_PIPE_TAG_TOTAL_US, SW__PF_INT, AT(total_us), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_MESSAGE, SW__PF_TEXT, AT(message), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_ACKED, SW__PF_BOOL, AT(acked), SW__PF_OMIT_ZERO),
    SW__PF_ENUM_ROW(SW_PIPE_TAG_HELD, AT(held), hold_names, SW_PIPE_HOLD_NONE,
                    SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_HELD_PARENT_NAME, SW__PF_TEXT, AT(held_parent_name),
               SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_DRIFTED, SW__PF_BOOL, AT(drifted), SW__PF_OMIT_ZERO),
};
#undef AT

static void rule_state_init(void *rec)
{
  sw_pipe_rule_state_init(rec);
}

static const struct sw__pipe_record rule_state_record = {
    SW_PIPE_TAG_RULE_STATE, rule_state_fields, SW_COUNTOF(rule_state_fields),
    rule_state_init};

void sw_pipe_rule_state_init(struct sw_pipe_rule_state *s)
{
  memset(s, 0, sizeof *s);
  s->state = SW_NAGIOS_UNKNOWN;
  s->last_outcome = SW_OUTCOME_INTERNAL_ERROR;
}

void sw_pipe_rule_state_free(struct sw_pipe_rule_state *s)
{
  sw__pipe_record_free(&rule_state_record, s);
}

void sw_pipe_put_rule_state(struct sw_buf *out, const struct sw_pipe_rule_state *s)
{
  sw__pipe_record_put(out, &rule_state_record, s);
}

enum sw_error sw_pipe_get_rule_state(struct sw_tlv_reader *rd,
                                     struct sw_pipe_rule_state *out)
{
  return sw__pipe_record_get(rd, &rule_state_record, out);
}

/* ---- RULE_CHANGE ---------------------------------------------------------- */

#define AT(m) offsetof(struct sw_pipe_rule_change, m)
static const struct sw__pipe_field change_fields[] = {
    SW__PF_ENUM_ROW(SW_PIPE_TAG_RULE_CHANGE_KIND, AT(kind), change_names,
                    SW_PIPE_CHANGE_UPDATED, 0),
    SW__PF_ROW(SW_PIPE_TAG_RULE_ID, SW__PF_INT, AT(rule_id), 0),
    SW__PF_ROW(SW_PIPE_TAG_RULE_REVISION, SW__PF_INT, AT(revision), SW__PF_OMIT_ZERO),
};
#undef AT

void sw_pipe_put_rule_change(struct sw_buf *out, enum sw_pipe_change kind,
                             int64_t rule_id, const struct sw_rule *rule,
                             int64_t revision)
{
  struct sw_pipe_rule_change c = {.kind = kind, .rule_id = rule_id, .revision = revision};
  sw_tlv_begin(out, SW_PIPE_TAG_RULE_CHANGE);
  sw__pipe_put_fields(out, &c, change_fields, SW_COUNTOF(change_fields));
  if (rule)
    sw_pipe_put_rule(out, rule, revision);
  sw_tlv_end(out);
}

static enum sw_error change_field(void *ctx, const struct sw_tlv_field *f)
{
  bool known;
  return sw__pipe_get_field(ctx, change_fields, SW_COUNTOF(change_fields), f, &known);
}

static enum sw_error change_nested(void *ctx, struct sw_tlv_reader *rd, uint16_t tag)
{
  struct sw_pipe_rule_change *c = ctx;
  if (tag != SW_PIPE_TAG_RULE || c->has_rule)
    return sw_tlv_skip_record(rd) ? SW_E_OK : SW_E_INVALID_ARGUMENT;
  enum sw_error err = sw_pipe_get_rule(rd, &c->rule); /* frees it on error */
  c->has_rule = err == SW_E_OK;
  return err;
}

enum sw_error sw_pipe_get_rule_change(struct sw_tlv_reader *rd,
                                      struct sw_pipe_rule_change *out)
{
  memset(out, 0, sizeof *out);
  out->kind = SW_PIPE_CHANGE_UPDATED;
  return sw_tlv_each_field(rd, change_field, change_nested, out);
}

void sw_pipe_rule_change_free(struct sw_pipe_rule_change *c)
{
  if (c->has_rule)
    sw_rule_free(&c->rule.rule);
  memset(c, 0, sizeof *c);
}

/* ---- PUSH ----------------------------------------------------------------- */

/* Makes room for one more element of size `size` in *items (count *n). */
static void *grow(void **items, size_t *n, size_t size)
{
  void *p = realloc(*items, (*n + 1) * size);
  if (!p)
    return NULL;
  *items = p;
  void *slot = (char *)p + *n * size;
  memset(slot, 0, size);
  return slot;
}

/* The decoders a push's records go through, with a void * record. */
static enum sw_error get_state(struct sw_tlv_reader *rd, void *out)
{
  return sw_pipe_get_rule_state(rd, out);
}

static enum sw_error get_event(struct sw_tlv_reader *rd, void *out)
{
  return sw_pipe_get_event(rd, out);
}

static enum sw_error get_change(struct sw_tlv_reader *rd, void *out)
{
  return sw_pipe_get_rule_change(rd, out);
}

/* Decodes one record into a new element at the end of *items (count *n);
 * it is counted, and so freed with the rest, also after an error. */
static enum sw_error take(struct sw_tlv_reader *rd, void **items, size_t *n, size_t size,
                          enum sw_error (*get)(struct sw_tlv_reader *rd, void *out))
{
  void *slot = grow(items, n, size);
  if (!slot)
    return SW_E_NOMEM;
  enum sw_error err = get(rd, slot);
  (*n)++;
  return err;
}

/* One record of a push, whose BEGIN (`tag`) was just read. */
static enum sw_error push_record(void *ctx, struct sw_tlv_reader *rd, uint16_t tag)
{
  struct sw_pipe_push *p = ctx;
  switch (tag) {
  case SW_PIPE_TAG_RULE_STATE:
    return take(rd, (void **)&p->states, &p->state_count, sizeof *p->states, get_state);
  case SW_PIPE_TAG_EVENT:
    return take(rd, (void **)&p->events, &p->event_count, sizeof *p->events, get_event);
  case SW_PIPE_TAG_RULE_CHANGE:
    return take(rd, (void **)&p->changes, &p->change_count, sizeof *p->changes,
                get_change);
  default:
    return sw_tlv_skip_record(rd) ? SW_E_OK : SW_E_INVALID_ARGUMENT;
  }
}

static enum sw_error push_field(void *ctx, const struct sw_tlv_field *f)
{
  struct sw_pipe_push *p = ctx;
  if (f->tag != SW_PIPE_TAG_RESYNC)
    return SW_E_OK;
  if (f->type != SW_TLV_BOOL)
    return SW_E_INVALID_ARGUMENT;
  p->resync = f->i != 0;
  return SW_E_OK;
}

enum sw_error sw_pipe_get_push(const uint8_t *body, size_t len, struct sw_pipe_push *out)
{
  memset(out, 0, sizeof *out);
  return sw_tlv_each_body_field(body, len, push_field, push_record, out);
}

void sw_pipe_push_free(struct sw_pipe_push *p)
{
  for (size_t i = 0; i < p->change_count; i++)
    sw_pipe_rule_change_free(&p->changes[i]);
  for (size_t i = 0; i < p->state_count; i++)
    sw_pipe_rule_state_free(&p->states[i]);
  for (size_t i = 0; i < p->event_count; i++)
    sw_pipe_event_free(&p->events[i]);
  free(p->changes);
  free(p->states);
  free(p->events);
  memset(p, 0, sizeof *p);
}
