/* Control-pipe requests, one function each. Replies are whole frames
 * appended to `reply`; a store failure becomes an ERROR the client can
 * show ("busy" for a locked database, "internal" otherwise), never a
 * dropped connection. */
#include "svc_requests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "pipe_protocol.h"

#define DEFAULT_LIMIT 100
#define MAX_LIMIT 1000
/* Stop adding records to a reply past this, and say MORE: the frame limit
 * is 1 MiB and the last record may be large. */
#define REPLY_SOFT_MAX (768u * 1024u)
#define GREETED 1u

/* The request's top-level fields, read once. */
struct fields {
  int64_t rule_id, before, before_at, after, limit;
  int enabled; /* -1 absent */
  int64_t version_min, version_max;
  bool has_rule;
  struct sw_pipe_rule rule; /* owned if has_rule */
  bool bad;                 /* malformed, or a known field of the wrong type */
};

static enum sw_error nested_rule(void *ctx, struct sw_tlv_reader *rd, uint16_t tag)
{
  struct fields *f = ctx;
  if (tag != SW_PIPE_TAG_RULE || f->has_rule)
    return sw_tlv_skip_record(rd) ? SW_E_OK : SW_E_INVALID_ARGUMENT;
  enum sw_error err = sw_pipe_get_rule(rd, &f->rule);
  f->has_rule = err == SW_E_OK;
  return err;
}

static void read_fields(const struct sw_pipe_frame *req, struct fields *f)
{
  memset(f, 0, sizeof *f);
  f->enabled = -1;
  f->limit = DEFAULT_LIMIT;
  struct sw_tlv_reader rd;
  struct sw_tlv_field x;
  sw_tlv_reader_init(&rd, req->body, req->body_len);
  while (sw_tlv_next(&rd, &x)) {
    if (x.type == SW_TLV_BEGIN) {
      if (nested_rule(f, &rd, x.tag) != SW_E_OK)
        f->bad = true;
      continue;
    }
    if (x.tag == SW_PIPE_TAG_ENABLED || x.tag == SW_PIPE_TAG_CLIENT_NAME) {
      /* A known field of the wrong type is malformed, not skipped
       * (docs/pipe-protocol.md): a RULE_ID sent as text must not read as
       * "no rule id". */
      enum sw_tlv_type want = x.tag == SW_PIPE_TAG_ENABLED ? SW_TLV_BOOL : SW_TLV_STR;
      if (x.type != want)
        f->bad = true;
      else if (x.tag == SW_PIPE_TAG_ENABLED)
        f->enabled = x.i != 0;
      continue;
    }
    if (x.type != SW_TLV_INT) {
      switch (x.tag) {
      case SW_PIPE_TAG_RULE_ID:
      case SW_PIPE_TAG_BEFORE:
      case SW_PIPE_TAG_BEFORE_AT:
      case SW_PIPE_TAG_AFTER:
      case SW_PIPE_TAG_LIMIT:
      case SW_PIPE_TAG_VERSION_MIN:
      case SW_PIPE_TAG_VERSION_MAX:
        f->bad = true;
        break;
      default:
        break; /* a newer client's field: skipped */
      }
      continue;
    }
    switch (x.tag) {
    case SW_PIPE_TAG_RULE_ID:
      f->rule_id = x.i;
      break;
    case SW_PIPE_TAG_BEFORE:
      f->before = x.i;
      break;
    case SW_PIPE_TAG_BEFORE_AT:
      f->before_at = x.i;
      break;
    case SW_PIPE_TAG_AFTER:
      f->after = x.i;
      break;
    case SW_PIPE_TAG_LIMIT:
      f->limit = x.i < 1 ? 1 : x.i > MAX_LIMIT ? MAX_LIMIT : x.i;
      break;
    case SW_PIPE_TAG_VERSION_MIN:
      f->version_min = x.i;
      break;
    case SW_PIPE_TAG_VERSION_MAX:
      f->version_max = x.i;
      break;
    default:
      break;
    }
  }
  if (rd.error)
    f->bad = true;
}

static void free_fields(struct fields *f)
{
  if (f->has_rule)
    sw_rule_free(&f->rule.rule);
}

static void error_reply(struct sw_buf *reply, uint32_t id, enum sw_pipe_error e,
                        const char *detail)
{
  sw_pipe_encode_error(reply, id, e, detail);
}

/* A store failure in words for the client. */
static void store_error_reply(struct sw_svc_requests *q, struct sw_buf *reply,
                              uint32_t id, enum sw_store_error err)
{
  if (err == SW_STORE_NOT_FOUND) {
    error_reply(reply, id, SW_PIPE_ERR_NOT_FOUND, NULL);
    return;
  }
  if (err == SW_STORE_STALE) {
    error_reply(reply, id, SW_PIPE_ERR_STALE, NULL);
    return;
  }
  char text[SW_STORE_MESSAGE_MAX + 200];
  const struct sw_store_diag *d = *q->store ? sw_store_last_error(*q->store) : NULL;
  snprintf(text, sizeof text, "%s%s%s", sw_store_error_text(err),
           d && d->message[0] ? " Details: " : "", d && d->message[0] ? d->message : "");
  error_reply(reply, id,
              sw_store_error_is_transient(err) ? SW_PIPE_ERR_BUSY : SW_PIPE_ERR_INTERNAL,
              text);
}

/* The database is not open: answer what could not be read. */
static bool need_store(struct sw_svc_requests *q, struct sw_buf *reply, uint32_t id)
{
  if (*q->store)
    return true;
  error_reply(reply, id, SW_PIPE_ERR_BUSY,
              "The service cannot open its database right now (see its event log); it "
              "keeps checking and will answer once the database is back.");
  return false;
}

static bool need_admin(struct sw_pipe_conn *conn, struct sw_buf *reply, uint32_t id)
{
  if (sw_pipe_conn_is_admin(conn))
    return true;
  error_reply(reply, id, SW_PIPE_ERR_ACCESS_DENIED, NULL);
  return false;
}

static void begin(struct sw_buf *reply, uint16_t msg, uint32_t id, size_t *start)
{
  sw_pipe_frame_begin(reply, msg, id, start);
}

/* Ends a frame; one that grew past the frame limit becomes an ERROR. */
static void end(struct sw_buf *reply, uint32_t id, size_t start)
{
  if (sw_pipe_frame_end(reply, start) == SW_E_INVALID_ARGUMENT)
    error_reply(reply, id, SW_PIPE_ERR_INTERNAL,
                "The answer would exceed the 1 MiB frame limit; ask for fewer items.");
}

/* ---- handshake and info ------------------------------------------------ */

static void hello(const struct fields *f, uintptr_t *user, struct sw_buf *reply,
                  uint32_t id)
{
  if (f->version_min > SW_PIPE_PROTOCOL_VERSION ||
      f->version_max < SW_PIPE_PROTOCOL_VERSION) {
    error_reply(reply, id, SW_PIPE_ERR_VERSION, NULL);
    return;
  }
  *user |= GREETED;
  size_t start;
  begin(reply, SW_PIPE_MSG_HELLO_OK, id, &start);
  sw_tlv_put_int(reply, SW_PIPE_TAG_VERSION, SW_PIPE_PROTOCOL_VERSION);
  sw_tlv_put_str(reply, SW_PIPE_TAG_SERVER_VERSION, SW_VERSION_TEXT);
  end(reply, id, start);
}

static void service_info(struct sw_svc_requests *q, struct sw_buf *reply, uint32_t id)
{
  struct sw_pipe_service_info info;
  memset(&info, 0, sizeof info);
  q->info(q->loop, &info);
  size_t start;
  begin(reply, SW_PIPE_MSG_SERVICE_INFO_OK, id, &start);
  sw_pipe_put_service_info(reply, &info);
  end(reply, id, start);
}

/* ---- rules -------------------------------------------------------------- */

static void rule_list(struct sw_svc_requests *q, const struct fields *f,
                      struct sw_buf *reply, uint32_t id)
{
  if (!need_store(q, reply, id))
    return;
  struct sw_store_rule_list list = {0};
  enum sw_store_error err = sw_store_rule_list(*q->store, &list);
  if (err) {
    store_error_reply(q, reply, id, err);
    return;
  }
  size_t start;
  begin(reply, SW_PIPE_MSG_RULE_LIST_OK, id, &start);
  int64_t n = 0;
  bool more = false;
  for (size_t i = 0; i < list.count; i++) {
    const struct sw_store_rule *r = &list.items[i];
    if (r->rule.id <= f->after)
      continue;
    if (n == f->limit || reply->len - start > REPLY_SOFT_MAX) {
      more = true;
      break;
    }
    sw_pipe_put_rule(reply, &r->rule, r->revision);
    n++;
  }
  sw_tlv_put_bool(reply, SW_PIPE_TAG_MORE, more);
  end(reply, id, start);
  sw_store_rule_list_free(&list);
}

/* Answers RULE_OK with the stored rule `rule_id`. */
static void rule_ok(struct sw_svc_requests *q, struct sw_buf *reply, uint32_t id,
                    int64_t rule_id)
{
  struct sw_store_rule r;
  memset(&r, 0, sizeof r);
  sw_rule_init_defaults(&r.rule);
  enum sw_store_error err = sw_store_rule_get(*q->store, rule_id, &r);
  if (err) {
    store_error_reply(q, reply, id, err);
    return;
  }
  size_t start;
  begin(reply, SW_PIPE_MSG_RULE_OK, id, &start);
  sw_pipe_put_rule(reply, &r.rule, r.revision);
  end(reply, id, start);
  sw_store_rule_free(&r);
}

static void rule_invalid(struct sw_buf *reply, uint32_t id,
                         const struct sw_rule_problems *problems)
{
  size_t start;
  begin(reply, SW_PIPE_MSG_RULE_INVALID, id, &start);
  sw_pipe_put_problems(reply, problems);
  end(reply, id, start);
}

/* After a change: the scheduler hears of it before the next turn. */
static void changed(struct sw_svc_requests *q)
{
  q->rules_changed(q->loop);
}

static void rule_add(struct sw_svc_requests *q, const struct fields *f,
                     struct sw_buf *reply, uint32_t id)
{
  if (!f->has_rule) {
    error_reply(reply, id, SW_PIPE_ERR_BAD_REQUEST, "RULE_ADD needs a RULE record.");
    return;
  }
  struct sw_rule_problems problems = {0};
  int64_t new_id = 0;
  enum sw_store_error err =
      sw_store_rule_add(*q->store, &f->rule.rule, q->now_ms(), &problems, &new_id);
  if (err == SW_STORE_INVALID_RULE) {
    rule_invalid(reply, id, &problems);
    return;
  }
  if (err) {
    store_error_reply(q, reply, id, err);
    return;
  }
  changed(q);
  rule_ok(q, reply, id, new_id);
}

static void rule_update(struct sw_svc_requests *q, const struct fields *f,
                        struct sw_buf *reply, uint32_t id)
{
  if (!f->has_rule || f->rule.rule.id <= 0 || f->rule.revision <= 0) {
    error_reply(reply, id, SW_PIPE_ERR_BAD_REQUEST,
                "RULE_UPDATE needs a RULE record with its id and the revision it was "
                "read at.");
    return;
  }
  struct sw_rule_problems problems = {0};
  enum sw_store_error err = sw_store_rule_update(
      *q->store, &f->rule.rule, f->rule.revision, q->now_ms(), &problems, NULL);
  if (err == SW_STORE_INVALID_RULE) {
    rule_invalid(reply, id, &problems);
    return;
  }
  if (err) {
    store_error_reply(q, reply, id, err);
    return;
  }
  changed(q);
  rule_ok(q, reply, id, f->rule.rule.id);
}

static void rule_delete(struct sw_svc_requests *q, const struct fields *f,
                        struct sw_buf *reply, uint32_t id)
{
  enum sw_store_error err = sw_store_rule_delete(*q->store, f->rule_id);
  if (err) {
    store_error_reply(q, reply, id, err);
    return;
  }
  changed(q);
  size_t start;
  begin(reply, SW_PIPE_MSG_DONE_OK, id, &start);
  sw_tlv_put_int(reply, SW_PIPE_TAG_RULE_ID, f->rule_id);
  end(reply, id, start);
}

static void rule_set_enabled(struct sw_svc_requests *q, const struct fields *f,
                             struct sw_buf *reply, uint32_t id)
{
  if (f->enabled < 0) {
    error_reply(reply, id, SW_PIPE_ERR_BAD_REQUEST, "RULE_SET_ENABLED needs ENABLED.");
    return;
  }
  enum sw_store_error err =
      sw_store_rule_set_enabled(*q->store, f->rule_id, f->enabled, q->now_ms(), NULL);
  if (err) {
    store_error_reply(q, reply, id, err);
    return;
  }
  changed(q);
  rule_ok(q, reply, id, f->rule_id);
}

/* ---- test now ----------------------------------------------------------- */

struct pending_test {
  struct sw_pipe_conn *conn;
  uint32_t request_id;
  int64_t rule_id;
  int64_t started_at_ms;
};

static void on_test_done(void *ctx, struct sw_check_result *result)
{
  struct pending_test *t = ctx;
  struct sw_pipe_result r;
  sw_pipe_result_init(&r);
  r.rule_id = t->rule_id;
  r.started_at_ms = t->started_at_ms;
  r.status = sw_nagios_status(result, -1, -1);
  sw_check_result_move(&r.check, result);
  sw_check_result_describe(&r.check, r.message, sizeof r.message);
  struct sw_buf reply;
  sw_buf_init(&reply, 0);
  size_t start;
  begin(&reply, SW_PIPE_MSG_RULE_TEST_OK, t->request_id, &start);
  sw_pipe_put_result(&reply, &r, true);
  end(&reply, t->request_id, start);
  sw_pipe_conn_resume(t->conn, &reply);
  sw_buf_free(&reply);
  sw_pipe_result_free(&r);
  free(t);
}

/* Runs the rule once, outside its schedule and without recording the
 * result: the answer is deferred until the check ends. */
static enum sw_pipe_verdict rule_test(struct sw_svc_requests *q,
                                      struct sw_pipe_conn *conn, const struct fields *f,
                                      struct sw_buf *reply, uint32_t id)
{
  struct sw_store_rule stored;
  memset(&stored, 0, sizeof stored);
  sw_rule_init_defaults(&stored.rule);
  const struct sw_rule *rule;
  if (f->has_rule) {
    /* A rule not saved yet: only administrators may aim checks anywhere. */
    if (!need_admin(conn, reply, id))
      return SW_PIPE_KEEP;
    struct sw_rule_problems problems = {0};
    if (!sw_rule_validate(&f->rule.rule, &problems)) {
      rule_invalid(reply, id, &problems);
      return SW_PIPE_KEEP;
    }
    rule = &f->rule.rule;
  } else {
    if (!need_store(q, reply, id))
      return SW_PIPE_KEEP;
    enum sw_store_error err = sw_store_rule_get(*q->store, f->rule_id, &stored);
    if (err) {
      store_error_reply(q, reply, id, err);
      return SW_PIPE_KEEP;
    }
    rule = &stored.rule;
  }
  /* Each test opens a connection to a server of the caller's choosing (a
   * saved rule's): a standard user may not use the service to do so in
   * bulk. */
  if (!sw_pipe_conn_rate_take(conn, sw_clock_now_us())) {
    char why[200];
    snprintf(why, sizeof why,
             "Too many tests from your account: an account that is not an administrator "
             "may start %d tests in quick succession, then one every %lld seconds. Try "
             "again in a moment.",
             SW_PIPE_TEST_BURST, (long long)(SW_PIPE_TEST_EVERY_US / 1000000));
    error_reply(reply, id, SW_PIPE_ERR_BUSY, why);
    sw_store_rule_free(&stored);
    return SW_PIPE_KEEP;
  }
  struct pending_test *t = malloc(sizeof *t);
  enum sw_error err = SW_E_NOMEM;
  if (t) {
    *t = (struct pending_test){.conn = conn,
                               .request_id = id,
                               .rule_id = f->has_rule ? 0 : f->rule_id,
                               .started_at_ms = q->now_ms()};
    struct sw_check_spec spec = sw_check_spec_of(rule);
    err = sw_engine_submit(q->engine, &spec, on_test_done, t);
  }
  sw_store_rule_free(&stored);
  if (err) {
    free(t);
    error_reply(reply, id, SW_PIPE_ERR_INTERNAL, sw_error_text(err));
    return SW_PIPE_KEEP;
  }
  /* The callback may already have run (a check that failed at once): it
   * resumes the connection itself, which is why we defer in every case. */
  return SW_PIPE_DEFER;
}

/* ---- status, history, events ------------------------------------------ */

/* A stored result as the pipe carries it; the check is borrowed. */
static void pipe_result_of(const struct sw_store_result *s, struct sw_pipe_result *r)
{
  r->id = s->id;
  r->rule_id = s->rule_id;
  r->started_at_ms = s->started_at_ms;
  r->status = s->status;
  r->check = s->check; /* borrowed: never freed through r */
  sw_check_result_describe(&s->check, r->message, sizeof r->message);
}

static const struct sw_store_result *latest_for(const struct sw_store_result_list *l,
                                                int64_t rule_id, size_t *cursor)
{
  /* Both lists are in rule id order: one forward walk serves all rules. */
  while (*cursor < l->count && l->items[*cursor].rule_id < rule_id)
    (*cursor)++;
  if (*cursor < l->count && l->items[*cursor].rule_id == rule_id)
    return &l->items[*cursor];
  return NULL;
}

static void status(struct sw_svc_requests *q, const struct fields *f,
                   struct sw_buf *reply, uint32_t id)
{
  if (!need_store(q, reply, id))
    return;
  q->sync(q->loop, SW_PIPE_MSG_STATUS, 0);
  /* Last results of this page's rules only: reading all of them for every
   * page made a page of 100 at 10,000 rules cost ~0.4 s of the loop. */
  size_t first = 0;
  while (first < q->rules->count && q->rules->items[first]->rule.id <= f->after)
    first++;
  size_t past = first + (size_t)f->limit;
  if (past > q->rules->count)
    past = q->rules->count;
  struct sw_store_result_list latest = {0};
  enum sw_store_error err = SW_STORE_OK;
  if (past > first)
    err = sw_store_latest_results_between(*q->store, f->after,
                                          q->rules->items[past - 1]->rule.id, &latest);
  if (err) {
    store_error_reply(q, reply, id, err);
    return;
  }
  size_t start, cursor = 0;
  begin(reply, SW_PIPE_MSG_STATUS_OK, id, &start);
  int64_t n = 0;
  bool more = false;
  for (size_t i = 0; i < q->rules->count; i++) {
    const struct sw_svc_rule *r = q->rules->items[i];
    if (r->rule.id <= f->after)
      continue;
    if (n == f->limit || reply->len - start > REPLY_SOFT_MAX) {
      more = true;
      break;
    }
    struct sw_pipe_status s;
    sw_pipe_status_init(&s);
    s.rule_id = r->rule.id;
    s.name = r->rule.name;
    s.host = r->rule.host;
    s.port = r->rule.port;
    s.enabled = r->rule.enabled;
    s.has_state = r->state.last_result_at != 0;
    s.state = r->state.state;
    s.failures = r->state.consecutive;
    s.since_ms = r->state.since / 1000;
    s.last_result_at_ms = r->state.last_result_at / 1000;
    const struct sw_store_result *last = latest_for(&latest, r->rule.id, &cursor);
    if (last) {
      s.has_result = true;
      pipe_result_of(last, &s.last);
    }
    sw_pipe_put_status(reply, &s);
    n++;
  }
  sw_tlv_put_bool(reply, SW_PIPE_TAG_MORE, more);
  end(reply, id, start);
  sw_store_result_list_free(&latest);
}

/* A page of history is read HISTORY_CHUNK results at a time, and cut
 * short (MORE, the last record the cursor of the next page, as the
 * protocol allows) once it has taken HISTORY_BUDGET_US of the loop: a
 * failing rule's 1,000 results take ~30 ms under Wine, time the checks
 * would wait for. The first chunk is always sent. */
#define HISTORY_CHUNK 200
#define HISTORY_BUDGET_US 5000

static void history(struct sw_svc_requests *q, const struct fields *f,
                    struct sw_buf *reply, uint32_t id)
{
  if (!need_store(q, reply, id))
    return;
  q->sync(q->loop, SW_PIPE_MSG_HISTORY, f->rule_id);
  int64_t t0 = sw_clock_now_us();
  struct sw_store_cursor cursor = {.started_at_ms = f->before_at, .id = f->before};
  bool has_cursor = f->before != 0;
  size_t limit = (size_t)f->limit, sent = 0, start = 0;
  bool more = false;
  for (;;) {
    size_t want = limit - sent < HISTORY_CHUNK ? limit - sent : HISTORY_CHUNK;
    struct sw_store_result_list list = {0};
    /* One more than wanted tells whether there is more. */
    enum sw_store_error err = sw_store_history_brief(
        *q->store, f->rule_id, has_cursor ? &cursor : NULL, want + 1, &list);
    if (!err && sent == 0 && list.count == 0) {
      /* No results, or no such rule: a client should be told which. */
      struct sw_store_rule r;
      memset(&r, 0, sizeof r);
      sw_rule_init_defaults(&r.rule);
      err = sw_store_rule_get(*q->store, f->rule_id, &r);
      sw_store_rule_free(&r);
    }
    if (err && sent == 0) {
      sw_store_result_list_free(&list);
      store_error_reply(q, reply, id, err);
      return;
    }
    if (sent == 0)
      begin(reply, SW_PIPE_MSG_HISTORY_OK, id, &start);
    /* A failure after the first chunk ends the page early: the client asks
     * for the next one. */
    more = err != SW_STORE_OK || list.count > want;
    for (size_t i = 0; !err && i < list.count && i < want; i++) {
      if (reply->len - start > REPLY_SOFT_MAX) {
        more = true;
        break;
      }
      struct sw_pipe_result r;
      pipe_result_of(&list.items[i], &r);
      sw_pipe_put_result(reply, &r, false);
      cursor = (struct sw_store_cursor){.started_at_ms = r.started_at_ms, .id = r.id};
      has_cursor = true;
      sent++;
    }
    sw_store_result_list_free(&list);
    if (!more || sent == limit || reply->len - start > REPLY_SOFT_MAX)
      break;
    if (sw_clock_now_us() - t0 > HISTORY_BUDGET_US)
      break; /* more stays true */
  }
  sw_tlv_put_bool(reply, SW_PIPE_TAG_MORE, more);
  end(reply, id, start);
}

static void events(struct sw_svc_requests *q, const struct fields *f,
                   struct sw_buf *reply, uint32_t id)
{
  if (!need_store(q, reply, id))
    return;
  q->sync(q->loop, SW_PIPE_MSG_EVENTS, 0);
  struct sw_store_event_list list = {0};
  enum sw_store_error err =
      sw_store_events_recent(*q->store, f->before, (size_t)f->limit + 1, &list);
  if (err) {
    store_error_reply(q, reply, id, err);
    return;
  }
  size_t start;
  begin(reply, SW_PIPE_MSG_EVENTS_OK, id, &start);
  bool more = list.count > (size_t)f->limit;
  for (size_t i = 0; i < list.count && i < (size_t)f->limit; i++) {
    const struct sw_store_event *e = &list.items[i];
    struct sw_pipe_event pe = {.key = e->id,
                               .at_ms = e->at_ms,
                               .event_id = e->event_id,
                               .rule_id = e->rule_id,
                               .message = e->message};
    snprintf(pe.severity, sizeof pe.severity, "%s", sw_event_severity_name(e->severity));
    sw_pipe_put_event(reply, &pe);
  }
  sw_tlv_put_bool(reply, SW_PIPE_TAG_MORE, more);
  end(reply, id, start);
  sw_store_event_list_free(&list);
}

/* ---- dispatch ----------------------------------------------------------- */

static bool is_mutation(uint16_t msg)
{
  return msg == SW_PIPE_MSG_RULE_ADD || msg == SW_PIPE_MSG_RULE_UPDATE ||
         msg == SW_PIPE_MSG_RULE_DELETE || msg == SW_PIPE_MSG_RULE_SET_ENABLED;
}

enum sw_pipe_verdict sw_svc_on_request(void *ctx, struct sw_pipe_conn *conn,
                                       const struct sw_pipe_frame *req,
                                       struct sw_buf *reply)
{
  struct sw_svc_requests *q = ctx;
  uint32_t id = req->request_id;
  uintptr_t *user = sw_pipe_conn_user(conn);
  struct fields f;
  read_fields(req, &f);
  enum sw_pipe_verdict verdict = SW_PIPE_KEEP;
  if (f.bad) {
    error_reply(reply, id, SW_PIPE_ERR_BAD_REQUEST,
                "The request's fields are malformed or of the wrong type.");
  } else if (req->message == SW_PIPE_MSG_HELLO) {
    hello(&f, user, reply, id);
  } else if (!(*user & GREETED)) {
    error_reply(reply, id, SW_PIPE_ERR_BAD_REQUEST,
                "Say HELLO first: the protocol version must be agreed on.");
  } else if (is_mutation(req->message) &&
             (!need_admin(conn, reply, id) || !need_store(q, reply, id))) {
    /* answered */
  } else {
    switch (req->message) {
    case SW_PIPE_MSG_SERVICE_INFO:
      service_info(q, reply, id);
      break;
    case SW_PIPE_MSG_RULE_LIST:
      rule_list(q, &f, reply, id);
      break;
    case SW_PIPE_MSG_RULE_GET:
      if (need_store(q, reply, id))
        rule_ok(q, reply, id, f.rule_id);
      break;
    case SW_PIPE_MSG_RULE_ADD:
      rule_add(q, &f, reply, id);
      break;
    case SW_PIPE_MSG_RULE_UPDATE:
      rule_update(q, &f, reply, id);
      break;
    case SW_PIPE_MSG_RULE_DELETE:
      rule_delete(q, &f, reply, id);
      break;
    case SW_PIPE_MSG_RULE_SET_ENABLED:
      rule_set_enabled(q, &f, reply, id);
      break;
    case SW_PIPE_MSG_RULE_TEST:
      verdict = rule_test(q, conn, &f, reply, id);
      break;
    case SW_PIPE_MSG_STATUS:
      status(q, &f, reply, id);
      break;
    case SW_PIPE_MSG_HISTORY:
      history(q, &f, reply, id);
      break;
    case SW_PIPE_MSG_EVENTS:
      events(q, &f, reply, id);
      break;
    default:
      error_reply(reply, id, SW_PIPE_ERR_UNKNOWN_MESSAGE, NULL);
      break;
    }
  }
  free_fields(&f);
  return verdict;
}
