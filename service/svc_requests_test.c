/* RULE_TEST: a rule run once, outside its schedule and without recording
 * the result, the answer deferred until the check ends. A stored
 * round-trip rule's test is a run of the rule for the scheduler (one probe
 * per rule in flight, docs/round-trip.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "pipe_protocol.h"
#include "svc_check_start.h"
#include "svc_request_fields.h"
#include "svc_requests_internal.h"
#include "svc_rule_secrets.h"

struct pending_test {
  struct sw_pipe_conn *conn;
  uint32_t request_id;
  int64_t rule_id;
  struct sw_svc_requests *q; /* with `run`: ends the rule's run when done */
  bool run;                  /* a round trip holds its rule's run */
  uint32_t token;
  int64_t started_at_ms;
  struct sw_check_extras extras; /* wiped when the test ends */
  struct sw_svc_check_hold hold; /* a round trip's copy of its rule */
};

static void on_test_done(void *ctx, struct sw_check_result *result)
{
  struct pending_test *t = ctx;
  struct sw_pipe_result r;
  sw_pipe_result_init(&r);
  r.rule_id = t->rule_id;
  r.started_at_ms = t->started_at_ms;
  r.status = sw_svc_result_status(&t->hold.rule, result);
  sw_check_result_move(&r.check, result);
  sw_check_result_describe(&r.check, r.message, sizeof r.message);
  struct sw_buf reply;
  sw_buf_init(&reply, 0);
  size_t start;
  sw__req_begin(&reply, SW_PIPE_MSG_RULE_TEST_OK, t->request_id, &start);
  sw_pipe_put_result(&reply, &r, true);
  sw__req_end(&reply, t->request_id, start);
  sw_pipe_conn_resume(t->conn, &reply);
  sw_buf_free(&reply);
  sw_pipe_result_free(&r);
  if (t->run)
    t->q->test_end(t->q->loop, t->rule_id, t->token);
  sw_check_extras_free(&t->extras);
  sw_svc_check_hold_free(&t->hold);
  free(t);
}

/* A stored round-trip rule's test takes the rule's run (one probe per
 * rule in flight); false, with the error in `reply`, if one is in flight. */
static bool take_probe_run(struct sw_svc_requests *q, struct sw_buf *reply, uint32_t id,
                           const struct sw_rule *rule, struct pending_test *t)
{
  if (t->rule_id == 0 || rule->round_trip == SW_ROUND_TRIP_NONE)
    return true;
  enum sw_error err = q->test_begin(q->loop, t->rule_id, &t->token);
  if (err != SW_E_BUSY) {
    t->q = q;
    t->run = err == SW_E_OK;
    return true;
  }
  char why[256];
  snprintf(why, sizeof why,
           "A probe of this rule is in flight (its scheduled run or another test): one "
           "probe per rule at a time. It ends when the probe arrives or after %u s; test "
           "again then.",
           (unsigned)rule->deliver_within_s);
  sw__req_error(reply, id, SW_PIPE_ERR_BUSY, why);
  return false;
}

/* Runs the rule once, outside its schedule and without recording the
 * result: the answer is deferred until the check ends. */
/* RULE_TEST of a rule sent with the request (not saved, or the editor's
 * form of a saved one): into *tested, with the stored rule's secrets in
 * *stored for those not sent. False once the reply is written. */
static bool take_unsaved(struct sw_svc_requests *q, struct sw_pipe_conn *conn,
                         const struct sw_svc_fields *f, struct sw_buf *reply, uint32_t id,
                         struct sw_store_rule *stored, struct sw_rule *tested)
{
  /* Only administrators may aim checks anywhere. */
  if (!sw__req_need_admin(conn, reply, id))
    return false;
  if (f->rule.rule.id > 0 && q->store && *q->store &&
      sw_store_rule_get(*q->store, f->rule.rule.id, stored) != SW_STORE_OK) {
    sw_store_rule_free(stored);
    memset(stored, 0, sizeof *stored);
  }
  if (sw_rule_copy(tested, &f->rule.rule)) {
    sw__req_error(reply, id, SW_PIPE_ERR_INTERNAL, sw_error_text(SW_E_NOMEM));
    return false;
  }
  sw_svc_secrets_known(tested, &f->secrets, stored);
  struct sw_rule_problems problems = {0};
  if (!sw_rule_validate(tested, &problems)) {
    sw__req_rule_invalid(reply, id, &problems);
    return false;
  }
  return true;
}

HANDLER(sw__req_rule_test)
{
  struct sw_store_rule stored;
  memset(&stored, 0, sizeof stored);
  sw_rule_init_defaults(&stored.rule);
  struct sw_rule tested;
  sw_rule_init_defaults(&tested);
  const struct sw_rule *rule = &tested;
  if (f->has_rule) {
    if (!take_unsaved(q, conn, f, reply, id, &stored, &tested)) {
      sw_store_rule_free(&stored);
      sw_rule_free(&tested);
      return SW_PIPE_KEEP;
    }
  } else {
    if (!sw__req_need_store(q, reply, id))
      return SW_PIPE_KEEP;
    enum sw_store_error err = sw_store_rule_get(*q->store, f->rule_id, &stored);
    if (err) {
      sw__req_store_error(q, reply, id, err, NULL);
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
    sw__req_error(reply, id, SW_PIPE_ERR_BUSY, why);
    sw_store_rule_free(&stored);
    sw_rule_free(&tested);
    return SW_PIPE_KEEP;
  }
  struct pending_test *t = malloc(sizeof *t);
  enum sw_error err = SW_E_NOMEM;
  char why[SW_DETAIL_MAX] = "";
  if (t) {
    *t = (struct pending_test){.conn = conn,
                               .request_id = id,
                               .rule_id = f->has_rule ? 0 : f->rule_id,
                               .started_at_ms = q->now_ms()};
    if (!take_probe_run(q, reply, id, rule, t)) {
      free(t);
      sw_store_rule_free(&stored);
      sw_rule_free(&tested);
      return SW_PIPE_KEEP;
    }
    if (!sw_svc_check_extras(rule, &stored.auth_secret, &stored.oauth_secret,
                             &stored.mailbox_secret, f->has_rule ? &f->secrets : NULL,
                             &t->extras, why, sizeof why)) {
      err = SW_E_SYSTEM;
    } else {
      /* A round trip answers once the probe arrived or its time is up. */
      err = sw_svc_check_start(q->engine, rule, &t->extras, &t->hold, on_test_done, t);
    }
  }
  sw_store_rule_free(&stored);
  sw_rule_free(&tested);
  if (err) {
    if (t) {
      if (t->run)
        q->test_end(q->loop, t->rule_id, t->token);
      sw_check_extras_free(&t->extras);
      sw_svc_check_hold_free(&t->hold);
    }
    free(t);
    sw__req_error(reply, id, SW_PIPE_ERR_INTERNAL, why[0] ? why : sw_error_text(err));
    return SW_PIPE_KEEP;
  }
  /* The callback may already have run (a check that failed at once): it
   * resumes the connection itself, which is why we defer in every case. */
  return SW_PIPE_DEFER;
}
