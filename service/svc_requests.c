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
#include "svc_request_fields.h"
#include "svc_rule_secrets.h"
#include "svc_requests_internal.h"
#include "sw_macros.h"

/* ---- handshake and info ------------------------------------------------ */

static HANDLER(hello)
{
  (void)q;
  uint16_t version; /* a version 1 client still gets version 1 */
  if (!sw_pipe_version_choose(f->version_min, f->version_max, &version)) {
    sw__req_error(reply, id, SW_PIPE_ERR_VERSION, NULL);
    return SW_PIPE_KEEP;
  }
  *sw_pipe_conn_user(conn) =
      SW_REQ_GREETED | ((uintptr_t)version << SW_REQ_VERSION_SHIFT);
  size_t start;
  sw__req_begin(reply, SW_PIPE_MSG_HELLO_OK, id, &start);
  sw_tlv_put_int(reply, SW_PIPE_TAG_VERSION, version);
  sw_tlv_put_str(reply, SW_PIPE_TAG_SERVER_VERSION, SW_VERSION_TEXT);
  sw__req_end(reply, id, start);
  return SW_PIPE_KEEP;
}

static HANDLER(service_info)
{
  (void)conn, (void)f;
  struct sw_pipe_service_info info;
  memset(&info, 0, sizeof info);
  q->info(q->loop, &info);
  size_t start;
  sw__req_begin(reply, SW_PIPE_MSG_SERVICE_INFO_OK, id, &start);
  sw_pipe_put_service_info(reply, &info);
  sw__req_end(reply, id, start);
  return SW_PIPE_KEEP;
}

/* ---- rules -------------------------------------------------------------- */

static HANDLER(rule_list)
{
  (void)conn;
  /* The page's rules and one more (whether to say MORE), not every rule:
   * reading 100,000 rules for each page took a second of the loop. */
  struct sw_store_rule_list list = {0};
  enum sw_store_error err =
      sw_store_rule_page(*q->store, f->after, (size_t)f->limit + 1, &list);
  if (err) {
    sw__req_store_error(q, reply, id, err, NULL);
    return SW_PIPE_KEEP;
  }
  struct sw__req_page page;
  sw__req_page_begin(&page, reply, SW_PIPE_MSG_RULE_LIST_OK, id, f->limit);
  for (size_t i = 0; i < list.count; i++) {
    const struct sw_store_rule *r = &list.items[i];
    if (!sw__req_page_take(&page))
      break;
    sw_pipe_put_rule(reply, &r->rule, r->revision);
  }
  sw__req_page_end(&page);
  sw_store_rule_list_free(&list);
  return SW_PIPE_KEEP;
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
    sw__req_store_error(q, reply, id, err, NULL);
    return;
  }
  size_t start;
  sw__req_begin(reply, SW_PIPE_MSG_RULE_OK, id, &start);
  sw_pipe_put_rule(reply, &r.rule, r.revision);
  sw__req_end(reply, id, start);
  sw_store_rule_free(&r);
}

static HANDLER(rule_get)
{
  (void)conn;
  rule_ok(q, reply, id, f->rule_id);
  return SW_PIPE_KEEP;
}

void sw__req_rule_invalid(struct sw_buf *reply, uint32_t id,
                          const struct sw_rule_problems *problems)
{
  size_t start;
  sw__req_begin(reply, SW_PIPE_MSG_RULE_INVALID, id, &start);
  sw_pipe_put_problems(reply, problems);
  sw__req_end(reply, id, start);
}

/* After a change of rule `rule_id`: the scheduler hears of it before the
 * next turn. */
static void changed(struct sw_svc_requests *q, int64_t rule_id)
{
  q->rules_changed(q->loop, rule_id);
}

/* Answers a change of rule `rule_id` the store made or refused (`err`):
 * RULE_INVALID with the validator's `problems`, the store's error, or RULE_OK
 * with the rule as now stored, once the scheduler has heard of it. */
static enum sw_pipe_verdict answer_change(struct sw_svc_requests *q, struct sw_buf *reply,
                                          uint32_t id, enum sw_store_error err,
                                          const struct sw_rule_problems *problems,
                                          int64_t rule_id)
{
  if (err == SW_STORE_INVALID_RULE)
    sw__req_rule_invalid(reply, id, problems);
  else if (err)
    sw__req_store_error(q, reply, id, err, NULL);
  else {
    changed(q, rule_id);
    rule_ok(q, reply, id, rule_id);
  }
  return SW_PIPE_KEEP;
}

/* RULE_ADD (stored NULL) or RULE_UPDATE of the request's rule, with its
 * secrets settled against the stored ones (svc_rule_secrets.h). */
static enum sw_pipe_verdict save_rule(struct sw_svc_requests *q, struct sw_buf *reply,
                                      uint32_t id, const struct sw_svc_fields *f,
                                      const struct sw_store_rule *stored)
{
  struct sw_rule rule;
  if (sw_rule_copy(&rule, &f->rule.rule)) {
    sw__req_error(reply, id, SW_PIPE_ERR_INTERNAL, sw_error_text(SW_E_NOMEM));
    return SW_PIPE_KEEP;
  }
  struct sw_rule_problems problems = {0};
  struct sw_svc_secret_writes w;
  char why[256];
  int64_t new_id = 0;
  enum sw_store_error err = SW_STORE_OK;
  bool sealed = sw_svc_secrets_settle(&rule, &f->secrets, stored, &w, why, sizeof why);
  if (!sealed)
    sw__req_error(reply, id, SW_PIPE_ERR_INTERNAL, why);
  else if (stored)
    err = sw_store_rule_update_with_secrets(*q->store, &rule, &w.writes, f->rule.revision,
                                            q->now_ms(), &problems, NULL);
  else
    err = sw_store_rule_add_with_secrets(*q->store, &rule, &w.writes, q->now_ms(),
                                         &problems, &new_id);
  sw_svc_secret_writes_free(&w);
  sw_rule_free(&rule);
  if (!sealed)
    return SW_PIPE_KEEP;
  return answer_change(q, reply, id, err, &problems, stored ? f->rule.rule.id : new_id);
}

static HANDLER(rule_add)
{
  (void)conn;
  if (!f->has_rule) {
    sw__req_error(reply, id, SW_PIPE_ERR_BAD_REQUEST, "RULE_ADD needs a RULE record.");
    return SW_PIPE_KEEP;
  }
  return save_rule(q, reply, id, f, NULL);
}

static HANDLER(rule_update)
{
  (void)conn;
  if (!f->has_rule || f->rule.rule.id <= 0 || f->rule.revision <= 0) {
    sw__req_error(reply, id, SW_PIPE_ERR_BAD_REQUEST,
                  "RULE_UPDATE needs a RULE record with its id and the revision it was "
                  "read at.");
    return SW_PIPE_KEEP;
  }
  /* The stored secrets, for the ones the client did not send. */
  struct sw_store_rule stored;
  enum sw_store_error err = sw_store_rule_get(*q->store, f->rule.rule.id, &stored);
  if (err) {
    sw__req_store_error(q, reply, id, err, NULL);
    return SW_PIPE_KEEP;
  }
  enum sw_pipe_verdict d = save_rule(q, reply, id, f, &stored);
  sw_store_rule_free(&stored);
  return d;
}

static HANDLER(rule_delete)
{
  (void)conn;
  enum sw_store_error err = sw_store_rule_delete(*q->store, f->rule_id);
  if (err) {
    sw__req_store_error(q, reply, id, err, NULL);
    return SW_PIPE_KEEP;
  }
  changed(q, f->rule_id);
  size_t start;
  sw__req_begin(reply, SW_PIPE_MSG_DONE_OK, id, &start);
  sw_tlv_put_int(reply, SW_PIPE_TAG_RULE_ID, f->rule_id);
  sw__req_end(reply, id, start);
  return SW_PIPE_KEEP;
}

static HANDLER(rule_set_enabled)
{
  (void)conn;
  if (f->enabled < 0) {
    sw__req_error(reply, id, SW_PIPE_ERR_BAD_REQUEST, "RULE_SET_ENABLED needs ENABLED.");
    return SW_PIPE_KEEP;
  }
  enum sw_store_error err =
      sw_store_rule_set_enabled(*q->store, f->rule_id, f->enabled, q->now_ms(), NULL);
  if (err) {
    sw__req_store_error(q, reply, id, err, NULL);
    return SW_PIPE_KEEP;
  }
  changed(q, f->rule_id);
  rule_ok(q, reply, id, f->rule_id);
  return SW_PIPE_KEEP;
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

/* What holds the rule's alerts, and its acknowledgement, on its STATUS
 * record (strings borrowed from `r`, `acks` and the parent rule). */
static void put_holds(const struct sw_svc_requests *q, const struct sw_svc_rule *r,
                      const struct sw_store_ack_list *acks, struct sw_pipe_status *s)
{
  for (size_t i = 0; i < acks->count; i++)
    if (acks->items[i].rule_id == r->rule.id && r->alert.acked) {
      s->ack_at_ms = acks->items[i].at_ms;
      s->ack_by = acks->items[i].by;
      s->ack_comment = acks->items[i].comment;
    }
  const struct sw_svc_rule *p = sw_svc_rules_parent_down(q->rules, r);
  if (r->alert.in_maintenance) {
    s->held = SW_PIPE_HOLD_MAINTENANCE;
  } else if (p) {
    s->held = SW_PIPE_HOLD_UNREACHABLE;
    s->held_parent_id = p->rule.id;
    s->held_parent_name = p->rule.name;
  }
}

static HANDLER(status)
{
  (void)conn;
  q->status_requests++;
  /* Last results of this page's rules only: reading all of them for every
   * page made a page of 100 at 10,000 rules cost ~0.4 s of the loop. The
   * page starts where a binary search puts it. */
  size_t first = sw_svc_rules_first_after(q->rules, f->after);
  size_t past = first + (size_t)f->limit;
  if (past > q->rules->count)
    past = q->rules->count;
  struct sw_store_result_list latest = {0};
  enum sw_store_error err = SW_STORE_OK;
  if (past > first) {
    int64_t last_id = q->rules->items[past - 1]->rule.id;
    /* Only this page's rules' results need writing first: any result at
     * all, at 333 a second, made every page wait for a batch write. */
    q->sync(q->loop, SW_PIPE_MSG_STATUS, q->rules->items[first]->rule.id, last_id);
    err = sw_store_latest_results_between(*q->store, f->after, last_id, &latest);
  }
  if (err) {
    sw__req_store_error(q, reply, id, err, NULL);
    return SW_PIPE_KEEP;
  }
  struct sw_store_ack_list acks = {0};
  sw_store_ack_list(*q->store, &acks); /* none shown if it cannot be read */
  size_t cursor = 0;
  struct sw__req_page page;
  sw__req_page_begin(&page, reply, SW_PIPE_MSG_STATUS_OK, id, f->limit);
  for (size_t i = first; i < q->rules->count; i++) {
    const struct sw_svc_rule *r = q->rules->items[i];
    if (!sw__req_page_take(&page))
      break;
    struct sw_pipe_status s;
    sw_pipe_status_init(&s);
    s.rule_id = r->rule.id;
    s.name = r->rule.name;
    s.host = (char *)sw_rule_target(&r->rule); /* borrowed, as name is */
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
    put_holds(q, r, &acks, &s);
    if (r->drift && r->drift->current && r->drift->diff)
      s.drift = r->drift->diff->text;
    sw_pipe_put_status(reply, &s);
  }
  sw__req_page_end(&page);
  sw_store_ack_list_free(&acks);
  sw_store_result_list_free(&latest);
  return SW_PIPE_KEEP;
}

/* A page of history is read HISTORY_CHUNK results at a time, and cut
 * short (MORE, the last record the cursor of the next page, as the
 * protocol allows) once it has taken HISTORY_BUDGET_US of the loop: a
 * failing rule's 1,000 results take ~30 ms under Wine, time the checks
 * would wait for. The first chunk is always sent. */
#define HISTORY_CHUNK 200
#define HISTORY_BUDGET_US 5000

/* One chunk of a rule's history, `want` + 1 results (one more than wanted
 * tells whether there is more). For the first chunk, an empty answer is
 * told apart from a rule that does not exist (SW_STORE_NOT_FOUND). */
static enum sw_store_error history_chunk(struct sw_svc_requests *q, int64_t rule_id,
                                         const struct sw_store_cursor *cursor,
                                         size_t want, bool first,
                                         struct sw_store_result_list *list)
{
  enum sw_store_error err =
      sw_store_history_brief(*q->store, rule_id, cursor, want + 1, list);
  if (!err && first && list->count == 0) {
    struct sw_store_rule r;
    memset(&r, 0, sizeof r);
    sw_rule_init_defaults(&r.rule);
    err = sw_store_rule_get(*q->store, rule_id, &r);
    sw_store_rule_free(&r);
  }
  return err;
}

static HANDLER(history)
{
  (void)conn;
  q->sync(q->loop, SW_PIPE_MSG_HISTORY, f->rule_id, f->rule_id);
  int64_t t0 = sw_clock_now_us();
  struct sw_store_cursor cursor = {.started_at_ms = f->before_at, .id = f->before};
  bool has_cursor = f->before != 0, begun = false;
  size_t limit = (size_t)f->limit;
  struct sw__req_page page = {0};
  for (;;) {
    size_t want = limit - page.n < HISTORY_CHUNK ? limit - page.n : HISTORY_CHUNK;
    struct sw_store_result_list list = {0};
    enum sw_store_error err =
        history_chunk(q, f->rule_id, has_cursor ? &cursor : NULL, want, !begun, &list);
    if (err && !begun) {
      sw_store_result_list_free(&list);
      sw__req_store_error(q, reply, id, err, NULL);
      return SW_PIPE_KEEP;
    }
    if (!begun)
      sw__req_page_begin(&page, reply, SW_PIPE_MSG_HISTORY_OK, id, f->limit);
    begun = true;
    /* A failure after the first chunk ends the page early: the client asks
     * for the next one. */
    page.more = err != SW_STORE_OK || list.count > want;
    for (size_t i = 0; !err && i < list.count && i < want && sw__req_page_take(&page);
         i++) {
      struct sw_pipe_result r;
      pipe_result_of(&list.items[i], &r);
      sw_pipe_put_result(reply, &r, false);
      cursor = (struct sw_store_cursor){.started_at_ms = r.started_at_ms, .id = r.id};
      has_cursor = true;
    }
    sw_store_result_list_free(&list);
    if (!page.more || sw__req_page_full(&page))
      break;
    if (sw_clock_now_us() - t0 > HISTORY_BUDGET_US)
      break; /* more stays true */
  }
  sw__req_page_end(&page);
  return SW_PIPE_KEEP;
}

static HANDLER(events)
{
  (void)conn;
  q->sync(q->loop, SW_PIPE_MSG_EVENTS, 0, 0);
  struct sw_store_event_list list = {0};
  enum sw_store_error err =
      sw_store_events_recent(*q->store, f->before, (size_t)f->limit + 1, &list);
  if (err) {
    sw__req_store_error(q, reply, id, err, NULL);
    return SW_PIPE_KEEP;
  }
  struct sw__req_page page;
  sw__req_page_begin(&page, reply, SW_PIPE_MSG_EVENTS_OK, id, f->limit);
  for (size_t i = 0; i < list.count && sw__req_page_take(&page); i++) {
    const struct sw_store_event *e = &list.items[i];
    struct sw_pipe_event pe = {.key = e->id,
                               .at_ms = e->at_ms,
                               .event_id = e->event_id,
                               .rule_id = e->rule_id,
                               .message = e->message};
    snprintf(pe.severity, sizeof pe.severity, "%s", sw_event_severity_name(e->severity));
    sw_pipe_put_event(reply, &pe);
  }
  sw__req_page_end(&page);
  sw_store_event_list_free(&list);
  return SW_PIPE_KEEP;
}

/* ---- subscriptions (version 4) -------------------------------------------- */

/* Anyone who may read STATUS and EVENTS may have them pushed. */
static HANDLER(subscribe)
{
  struct sw_pipe_subscribe granted;
  if (!q->subscribe || !q->subscribe(q->loop, conn, &f->subscribe, &granted)) {
    sw__req_error(reply, id, SW_PIPE_ERR_BUSY,
                  "The service cannot take another subscriber now: ask for the "
                  "status instead.");
    return SW_PIPE_KEEP;
  }
  size_t start;
  sw__req_begin(reply, SW_PIPE_MSG_SUBSCRIBE_OK, id, &start);
  sw_pipe_put_subscribe(reply, &granted);
  sw__req_end(reply, id, start);
  return SW_PIPE_KEEP;
}

/* ---- dispatch ----------------------------------------------------------- */

/* Every request the service answers: whether only administrators may
 * send it (docs/security.md), and whether it needs the database open.
 * RULE_TEST checks both itself: an unsaved rule needs an administrator, a
 * saved one the database. */
static const struct route {
  uint16_t message;
  bool needs_admin;
  bool needs_store;
  HANDLER((*handle));
} routes[] = {
    {SW_PIPE_MSG_HELLO, false, false, hello},
    {SW_PIPE_MSG_SERVICE_INFO, false, false, service_info},
    {SW_PIPE_MSG_RULE_LIST, false, true, rule_list},
    {SW_PIPE_MSG_RULE_GET, false, true, rule_get},
    {SW_PIPE_MSG_RULE_ADD, true, true, rule_add},
    {SW_PIPE_MSG_RULE_UPDATE, true, true, rule_update},
    {SW_PIPE_MSG_RULE_DELETE, true, true, rule_delete},
    {SW_PIPE_MSG_RULE_SET_ENABLED, true, true, rule_set_enabled},
    {SW_PIPE_MSG_RULE_TEST, false, false, sw__req_rule_test},
    {SW_PIPE_MSG_STATUS, false, true, status},
    {SW_PIPE_MSG_HISTORY, false, true, history},
    {SW_PIPE_MSG_EVENTS, false, true, events},
    {SW_PIPE_MSG_NOTIFIER_LIST, false, true, sw__req_notifier_list},
    {SW_PIPE_MSG_NOTIFIER_GET, false, true, sw__req_notifier_get},
    {SW_PIPE_MSG_NOTIFIER_ADD, true, true, sw__req_notifier_add},
    {SW_PIPE_MSG_NOTIFIER_UPDATE, true, true, sw__req_notifier_update},
    {SW_PIPE_MSG_NOTIFIER_DELETE, true, true, sw__req_notifier_delete},
    {SW_PIPE_MSG_NOTIFIER_TEST, true, true, sw__req_notifier_test},
    {SW_PIPE_MSG_NOTIFICATIONS, false, true, sw__req_notifications},
    {SW_PIPE_MSG_MAINTENANCE_LIST, false, true, sw__req_maintenance_list},
    {SW_PIPE_MSG_MAINTENANCE_ADD, true, true, sw__req_maintenance_add},
    {SW_PIPE_MSG_MAINTENANCE_DELETE, true, true, sw__req_maintenance_delete},
    {SW_PIPE_MSG_RULE_ACK, true, true, sw__req_rule_ack},
    {SW_PIPE_MSG_RULE_UNACK, true, true, sw__req_rule_unack},
    {SW_PIPE_MSG_RULE_ALERTS_GET, false, true, sw__req_rule_alerts_get},
    {SW_PIPE_MSG_RULE_ALERTS_SET, true, true, sw__req_rule_alerts_set},
    {SW_PIPE_MSG_RULE_ACCEPT, true, true, sw__req_rule_accept},
    {SW_PIPE_MSG_IMPORT_ROWS, true, true, sw__req_import_rows},
    {SW_PIPE_MSG_IMPORT_COMMIT, true, true, sw__req_import_commit},
    {SW_PIPE_MSG_REPORT, false, true, sw__req_report},
    {SW_PIPE_MSG_SUBSCRIBE, false, false, subscribe},
};

static const struct route *route_of(uint16_t message)
{
  for (size_t i = 0; i < SW_COUNTOF(routes); i++)
    if (routes[i].message == message)
      return &routes[i];
  return NULL;
}

enum sw_pipe_verdict sw_svc_on_request(void *ctx, struct sw_pipe_conn *conn,
                                       const struct sw_pipe_frame *req,
                                       struct sw_buf *reply)
{
  struct sw_svc_requests *q = ctx;
  uint32_t id = req->request_id;
  const struct route *route = route_of(req->message);
  struct sw_svc_fields f;
  sw_svc_fields_read(req, &f);
  enum sw_pipe_verdict verdict = SW_PIPE_KEEP;
  if (f.bad)
    sw__req_error(reply, id, SW_PIPE_ERR_BAD_REQUEST,
                  "The request's fields are malformed or of the wrong type.");
  else if (req->message != SW_PIPE_MSG_HELLO &&
           !(*sw_pipe_conn_user(conn) & SW_REQ_GREETED))
    sw__req_error(reply, id, SW_PIPE_ERR_BAD_REQUEST,
                  "Say HELLO first: the protocol version must be agreed on.");
  else if (!route || (req->message != SW_PIPE_MSG_HELLO &&
                      sw_pipe_msg_version(req->message) >
                          (*sw_pipe_conn_user(conn) >> SW_REQ_VERSION_SHIFT)))
    /* Unknown, or not in the version this connection agreed on. */
    sw__req_error(reply, id, SW_PIPE_ERR_UNKNOWN_MESSAGE, NULL);
  else if ((!route->needs_admin || sw__req_need_admin(conn, reply, id)) &&
           (!route->needs_store || sw__req_need_store(q, reply, id)))
    verdict = route->handle(q, conn, &f, reply, id);
  sw_svc_fields_free(&f);
  return verdict;
}
