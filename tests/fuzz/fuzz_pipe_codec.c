/* libFuzzer target for the control pipe codec: arbitrary bytes from a
 * client are split into frames, their TLV fields walked, and every record
 * decoded: RULE, PROBLEM, RESULT, STATUS, EVENT, and those of version 2
 * (NOTIFIER both ways, MAINTENANCE, NOTIFICATION, RULE_ALERTS).
 * Invariants: no crash, no leak, no read outside the input (ASan); a
 * decoded rule re-encodes to a record that decodes to the same rule; a
 * decoded version 2 record re-encodes to bytes that decode and encode to
 * the same bytes again; what the service's notifier encoder writes never
 * holds a secret's tag; and every frame's message is judged against both
 * versions without a crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipe_alert_records.h"
#include "pipe_notifier.h"
#include "pipe_protocol.h"
#include "pipe_push.h"
#include "pipe_report.h"
#include "pipe_records.h"

/* Checked whatever NDEBUG says: the fuzz build is RelWithDebInfo. */
#define CHECK(x)                                                                         \
  do {                                                                                   \
    if (!(x))                                                                            \
      abort();                                                                           \
  } while (0)

static int same(const char *a, const char *b)
{
  return strcmp(a ? a : "", b ? b : "") == 0;
}

static void roundtrip(const struct sw_pipe_rule *in)
{
  struct sw_buf out;
  sw_buf_init(&out, 0);
  sw_pipe_put_rule(&out, &in->rule, in->revision);
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&r, (const uint8_t *)out.data, out.len);
  if (!out.truncated && sw_tlv_next(&r, &f)) {
    CHECK(f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_RULE);
    struct sw_pipe_rule back;
    enum sw_error err = sw_pipe_get_rule(&r, &back);
    CHECK(err == SW_E_OK);
    const struct sw_rule *a = &in->rule, *b = &back.rule;
    CHECK(a->id == b->id && a->port == b->port && a->timeout_ms == b->timeout_ms);
    CHECK(a->interval_s == b->interval_s && a->enabled == b->enabled);
    CHECK(a->tls_insecure == b->tls_insecure);
    CHECK(a->cert_warn_days == b->cert_warn_days &&
          a->cert_crit_days == b->cert_crit_days);
    CHECK(same(a->name, b->name) && same(a->host, b->host));
    CHECK(same(a->command, b->command) && same(a->expect, b->expect));
    CHECK(same(a->ehlo_name, b->ehlo_name));
    sw_rule_free(&back.rule);
  }
  sw_buf_free(&out);
}

/* ---- the version 2 records, through one table ---------------------- */

union v2_record {
  struct sw_pipe_notifier notifier;
  struct sw_pipe_notifier_input input;
  struct sw_pipe_maintenance maintenance;
  struct sw_pipe_notification notification;
  struct sw_pipe_rule_alerts alerts;
  struct sw_pipe_rule_state state; /* version 4's pushes */
  struct sw_pipe_rule_change change;
};

/* get_NAME, put_NAME, free_NAME over the union's MEMBER. */
#define V2_WRAP(name, member, get, put, release)                                         \
  static enum sw_error get_##name(struct sw_tlv_reader *r, union v2_record *x)           \
  {                                                                                      \
    return get(r, &x->member);                                                           \
  }                                                                                      \
  static void put_##name(struct sw_buf *out, const union v2_record *x)                   \
  {                                                                                      \
    put(out, &x->member);                                                                \
  }                                                                                      \
  static void free_##name(union v2_record *x)                                            \
  {                                                                                      \
    release(&x->member);                                                                 \
  }
V2_WRAP(notifier, notifier, sw_pipe_get_notifier, sw_pipe_put_notifier,
        sw_pipe_notifier_free)
V2_WRAP(input, input, sw_pipe_get_notifier_input, sw_pipe_put_notifier_input,
        sw_pipe_notifier_input_free)
V2_WRAP(maintenance, maintenance, sw_pipe_get_maintenance, sw_pipe_put_maintenance,
        sw_pipe_maintenance_free)
V2_WRAP(notification, notification, sw_pipe_get_notification, sw_pipe_put_notification,
        sw_pipe_notification_free)
V2_WRAP(alerts, alerts, sw_pipe_get_rule_alerts, sw_pipe_put_rule_alerts,
        sw_pipe_rule_alerts_free)

V2_WRAP(state, state, sw_pipe_get_rule_state, sw_pipe_put_rule_state,
        sw_pipe_rule_state_free)

static enum sw_error get_change(struct sw_tlv_reader *r, union v2_record *x)
{
  return sw_pipe_get_rule_change(r, &x->change);
}

static void put_change_of(struct sw_buf *out, const struct sw_pipe_rule_change *c)
{
  sw_pipe_put_rule_change(out, c->kind, c->rule_id, c->has_rule ? &c->rule.rule : NULL,
                          c->revision);
}

static void put_change(struct sw_buf *out, const union v2_record *x)
{
  put_change_of(out, &x->change);
}

static void free_change(union v2_record *x)
{
  sw_pipe_rule_change_free(&x->change);
}

/* What the service does with a client's notifier and window: build the
 * model and validate it; a window that passes turns into the model and
 * back into the same window. */
static void judge_input(union v2_record *x)
{
  struct sw_notifier model;
  struct sw_relay relays[SW_NOTIFIER_RELAYS_MAX];
  char why[512];
  if (sw_pipe_notifier_model(&x->input, &model, relays, why, sizeof why))
    sw_notifier_validate(&model, why, sizeof why);
}

static void judge_maintenance(union v2_record *x)
{
  struct sw_maint_window w, back;
  char why[512];
  if (!sw_pipe_maintenance_check(&x->maintenance, &w, why, sizeof why))
    return;
  if (sw_pipe_maintenance_set_window(&x->maintenance, &w) != SW_E_OK)
    return;
  CHECK(sw_pipe_maintenance_check(&x->maintenance, &back, why, sizeof why));
  CHECK(back.kind == w.kind && back.from_s == w.from_s && back.until_s == w.until_s);
  CHECK(back.days == w.days && back.start_min == w.start_min &&
        back.end_min == w.end_min);
}

static const struct v2_kind {
  uint16_t tag;
  enum sw_error (*get)(struct sw_tlv_reader *r, union v2_record *x);
  void (*put)(struct sw_buf *out, const union v2_record *x);
  void (*free)(union v2_record *x);
  void (*judge)(union v2_record *x); /* the service's checks; may be NULL */
} v2_kinds[] = {
    {SW_PIPE_TAG_NOTIFIER, get_notifier, put_notifier, free_notifier, NULL},
    {SW_PIPE_TAG_NOTIFIER, get_input, put_input, free_input, judge_input},
    {SW_PIPE_TAG_MAINTENANCE, get_maintenance, put_maintenance, free_maintenance,
     judge_maintenance},
    {SW_PIPE_TAG_NOTIFICATION, get_notification, put_notification, free_notification,
     NULL},
    {SW_PIPE_TAG_RULE_ALERTS, get_alerts, put_alerts, free_alerts, NULL},
    {SW_PIPE_TAG_RULE_STATE, get_state, put_state, free_state, NULL},
    {SW_PIPE_TAG_RULE_CHANGE, get_change, put_change, free_change, NULL},
};

/* Decodes the record that `x` encodes to, and encodes it again into
 * `again`. */
static void reencode(const struct v2_kind *k, const struct sw_buf *once,
                     struct sw_buf *again)
{
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&r, (const uint8_t *)once->data, once->len);
  CHECK(sw_tlv_next(&r, &f) && f.type == SW_TLV_BEGIN && f.tag == k->tag);
  union v2_record y;
  CHECK(k->get(&r, &y) == SW_E_OK);
  CHECK(!sw_tlv_next(&r, &f) && r.error == SW_E_OK);
  k->put(again, &y);
  k->free(&y);
}

/* The service's notifier encoder writes no secret's tag. */
static void check_no_secret(const struct sw_buf *b)
{
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&r, (const uint8_t *)b->data, b->len);
  while (sw_tlv_next(&r, &f))
    CHECK(f.type == SW_TLV_END ||
          (f.tag != SW_PIPE_TAG_NOTIFIER_PASSWORD && f.tag != SW_PIPE_TAG_NOTIFIER_URL));
}

/* Each decoder that takes the record at the reader: the first on the
 * reader itself, the others on copies of it, so that every decoder sees
 * every record. */
static void v2_records(struct sw_tlv_reader *r, uint16_t tag)
{
  struct sw_tlv_reader start = *r;
  bool first = true;
  for (size_t i = 0; i < sizeof v2_kinds / sizeof v2_kinds[0]; i++) {
    const struct v2_kind *k = &v2_kinds[i];
    if (k->tag != tag)
      continue;
    struct sw_tlv_reader copy = start;
    union v2_record x;
    enum sw_error err = k->get(first ? r : &copy, &x);
    first = false;
    if (err == SW_E_OK) {
      struct sw_buf once, twice, thrice;
      sw_buf_init(&once, 0);
      sw_buf_init(&twice, 0);
      sw_buf_init(&thrice, 0);
      k->put(&once, &x);
      if (k->get == get_notifier)
        check_no_secret(&once);
      if (!once.truncated) {
        reencode(k, &once, &twice);
        reencode(k, &twice, &thrice);
        CHECK(twice.len == thrice.len && memcmp(twice.data, thrice.data, twice.len) == 0);
      }
      sw_buf_free(&once);
      sw_buf_free(&twice);
      sw_buf_free(&thrice);
      if (k->judge)
        k->judge(&x);
    }
    k->free(&x);
  }
}

static bool is_v2_record(uint16_t tag)
{
  for (size_t i = 0; i < sizeof v2_kinds / sizeof v2_kinds[0]; i++)
    if (v2_kinds[i].tag == tag)
      return true;
  return false;
}

static void walk(const uint8_t *body, size_t len)
{
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  struct sw_rule_problems problems = {0};
  sw_tlv_reader_init(&r, body, len);
  while (sw_tlv_next(&r, &f)) {
    if (f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_RULE) {
      struct sw_pipe_rule rule;
      if (sw_pipe_get_rule(&r, &rule) == SW_E_OK) {
        roundtrip(&rule);
        sw_rule_free(&rule.rule);
      }
    } else if (f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_RESULT) {
      struct sw_pipe_result res;
      sw_pipe_get_result(&r, &res);
      sw_pipe_result_free(&res);
    } else if (f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_STATUS) {
      struct sw_pipe_status st;
      sw_pipe_get_status(&r, &st);
      sw_pipe_status_free(&st);
    } else if (f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_EVENT) {
      struct sw_pipe_event ev;
      sw_pipe_get_event(&r, &ev);
      sw_pipe_event_free(&ev);
    } else if (f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_AVAILABILITY) {
      struct sw_pipe_availability a;
      sw_pipe_get_availability(&r, &a);
      CHECK(a.step_count <= SW_STEP_COUNT);
      sw_pipe_availability_free(&a);
    } else if (f.type == SW_TLV_BEGIN && is_v2_record(f.tag)) {
      v2_records(&r, f.tag);
    } else if (f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_PROBLEM) {
      sw_pipe_get_problem(&r, &problems);
      CHECK(problems.count <= SW_RULE_FIELD_COUNT);
    }
  }
}

/* The bodies read whole (version 4): a PUSH, a SUBSCRIBE. A push that
 * decodes is written again record by record and must decode the same. */
static void whole_bodies(const uint8_t *body, size_t len)
{
  struct sw_pipe_subscribe sub;
  sw_pipe_get_subscribe(body, len, &sub);
  struct sw_pipe_push p;
  if (sw_pipe_get_push(body, len, &p) == SW_E_OK) {
    struct sw_buf again;
    sw_buf_init(&again, 0);
    sw_tlv_put_bool(&again, SW_PIPE_TAG_RESYNC, p.resync);
    for (size_t i = 0; i < p.change_count; i++)
      put_change_of(&again, &p.changes[i]);
    for (size_t i = 0; i < p.state_count; i++)
      sw_pipe_put_rule_state(&again, &p.states[i]);
    for (size_t i = 0; i < p.event_count; i++)
      sw_pipe_put_event(&again, &p.events[i]);
    struct sw_pipe_push q;
    if (!again.truncated) {
      CHECK(sw_pipe_get_push((const uint8_t *)again.data, again.len, &q) == SW_E_OK);
      CHECK(q.resync == p.resync && q.change_count == p.change_count &&
            q.state_count == p.state_count && q.event_count == p.event_count);
      sw_pipe_push_free(&q);
    }
    sw_buf_free(&again);
  }
  sw_pipe_push_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  size_t off = 0;
  while (off < size) {
    struct sw_pipe_frame frame;
    size_t used;
    enum sw_pipe_decode d = sw_pipe_frame_decode(data + off, size - off, &frame, &used);
    if (d != SW_PIPE_COMPLETE)
      break;
    CHECK(used >= SW_PIPE_LENGTH_SIZE + SW_PIPE_HEADER_SIZE && used <= size - off);
    char why[256];
    bool before = false;
    for (uint16_t v = 1; v <= SW_PIPE_PROTOCOL_VERSION; v++) {
      bool now = sw_pipe_msg_allowed(frame.message, v, why, sizeof why);
      CHECK(!before || now); /* each version has every message of the one before */
      before = now;
    }
    CHECK(before == (sw_pipe_msg_name(frame.message) != NULL));
    /* a push is never a reply: it carries no request id */
    CHECK(frame.flags == 0 || (frame.flags == SW_PIPE_FLAG_PUSH && !frame.request_id));
    walk(frame.body, frame.body_len);
    whole_bodies(frame.body, frame.body_len);
    off += used;
  }
  struct sw_pipe_service_info info;
  sw_pipe_get_service_info(data, size, &info);
  /* The same bytes as a bare TLV body, so fields are reached without the
   * fuzzer first having to find a valid frame header. */
  walk(data, size);
  whole_bodies(data, size);
  return 0;
}
