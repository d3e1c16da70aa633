/* Control-pipe requests about notifiers and the outbox: list, show, add,
 * change, delete and test a notifier, and the notifications with their
 * attempts. Secrets (a relay password, a webhook's URL with its token)
 * come in ADD and UPDATE only; the service encrypts them with DPAPI before
 * they reach the store, and never sends them back: a client sees that a
 * password is set and the URL as https://host/... */
#include "svc_requests_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"
#include "svc_delivery.h"
#include "sw_buf.h"

/* The store's notifier as the pipe shows it; `to` holds the split list
 * (the record borrows from `n` and `to`). */
struct shown {
  struct sw_pipe_notifier p;
  char *to_buf;
  const char *to[SW_NOTIFIER_TO_MAX];
};

static void show(const struct sw_store_notifier *n, struct shown *s)
{
  memset(s, 0, sizeof *s);
  sw_pipe_notifier_init(&s->p);
  size_t count = 0;
  char why[160];
  if (n->to[0] && (s->to_buf = strdup(n->to)) != NULL &&
      !sw_mail_to_list_split(s->to_buf, s->to, SW_NOTIFIER_TO_MAX, &count, why,
                             sizeof why))
    count = 0;
  s->p = (struct sw_pipe_notifier){
      .name = n->name,
      .kind = n->kind,
      .revision = n->revision,
      .to = (char **)s->to,
      .to_count = count,
      .relays = n->relays,
      .from = n->from,
      .tls_mode = n->tls_mode,
      .auth_user = n->auth_user,
      .password_set = n->kind == SW_NOTIFIER_EMAIL && n->has_secret,
      .url_shown = n->url_shown,
      .format = n->format,
      .command_line = n->command_line,
      .timeout_s = n->timeout_s,
      .service_name = n->service_name,
  };
}

static void put_shown(struct sw_buf *reply, const struct sw_store_notifier *n)
{
  struct shown s;
  show(n, &s);
  sw_pipe_put_notifier(reply, &s.p);
  free(s.to_buf);
}

/* A notifier store error in the pipe's words. */
static void notifier_error(struct sw_svc_requests *q, struct sw_buf *reply, uint32_t id,
                           enum sw_store_error err)
{
  const char *said = *q->store ? sw_store_last_error(*q->store)->message : "";
  if (err == SW_STORE_NOT_FOUND)
    sw__req_error(reply, id, SW_PIPE_ERR_NOTIFIER_NOT_FOUND, NULL);
  else if (err == SW_STORE_NAME_TAKEN)
    sw__req_error(reply, id, SW_PIPE_ERR_NOTIFIER_EXISTS, NULL);
  else if (err == SW_STORE_INVALID_INPUT)
    sw__req_error(reply, id, SW_PIPE_ERR_INVALID, said[0] ? said : NULL);
  else
    sw__req_store_error(q, reply, id, err, NULL);
}

/* The notifier the request names (NOTIFIER_NAME, or the record's name). */
static enum sw_store_error named(struct sw_svc_requests *q, const struct sw_svc_fields *f,
                                 struct sw_store_notifier *out)
{
  const char *name = f->notifier_name                        ? f->notifier_name
                     : f->has_notifier && f->notifier.n.name ? f->notifier.n.name
                                                             : "";
  return sw_store_notifier_get_by_name(*q->store, name, out);
}

HANDLER(sw__req_notifier_list)
{
  (void)conn, (void)f;
  struct sw_store_notifier_list list = {0};
  enum sw_store_error err = sw_store_notifier_list(*q->store, &list);
  if (err) {
    notifier_error(q, reply, id, err);
    return SW_PIPE_KEEP;
  }
  size_t start;
  sw__req_begin(reply, SW_PIPE_MSG_NOTIFIER_LIST_OK, id, &start);
  for (size_t i = 0; i < list.count; i++)
    put_shown(reply, &list.items[i]);
  sw__req_end(reply, id, start);
  sw_store_notifier_list_free(&list);
  return SW_PIPE_KEEP;
}

/* NOTIFIER_OK with notifier `nid` as it is stored now. */
static void notifier_ok(struct sw_svc_requests *q, struct sw_buf *reply, uint32_t id,
                        int64_t nid)
{
  struct sw_store_notifier n = {0};
  enum sw_store_error err = sw_store_notifier_get(*q->store, nid, &n);
  if (err) {
    notifier_error(q, reply, id, err);
    return;
  }
  size_t start;
  sw__req_begin(reply, SW_PIPE_MSG_NOTIFIER_OK, id, &start);
  put_shown(reply, &n);
  sw__req_end(reply, id, start);
  sw_store_notifier_free(&n);
}

HANDLER(sw__req_notifier_get)
{
  (void)conn;
  struct sw_store_notifier n = {0};
  enum sw_store_error err = named(q, f, &n);
  if (!err)
    notifier_ok(q, reply, id, n.id);
  else
    notifier_error(q, reply, id, err);
  sw_store_notifier_free(&n);
  return SW_PIPE_KEEP;
}

/* What ADD or UPDATE stores: the fields of the request's record, and its
 * secret encrypted (or the stored one kept when the request leaves it out:
 * `stored`, NULL for an add). */
struct input {
  struct sw_store_notifier_input in;
  struct sw_buf to;
  unsigned char *secret; /* the DPAPI blob made from the request's secret */
  size_t secret_len;
  void *kept;              /* the stored blob, kept as it is */
  unsigned char *kept_url; /* the stored URL, decrypted to validate */
  size_t kept_url_len;
};

static void input_free(struct input *x)
{
  sw_buf_free(&x->to);
  free(x->secret);
  free(x->kept);
  sw_secret_free(x->kept_url, x->kept_url_len);
}

/* The secret the request gives (the password for e-mail with AUTH, the
 * URL for a webhook), encrypted; or the stored one. False with a
 * sentence. */
static bool settle_secret(struct sw_svc_requests *q,
                          const struct sw_pipe_notifier_input *r,
                          const struct sw_store_notifier *stored, struct input *x,
                          char *why, size_t size)
{
  const struct sw_pipe_notifier *n = &r->n;
  const char *given = n->kind == SW_NOTIFIER_WEBHOOK ? r->url
                      : n->kind == SW_NOTIFIER_EMAIL && n->auth_user && *n->auth_user
                          ? r->password
                          : NULL;
  bool wants = n->kind == SW_NOTIFIER_WEBHOOK ||
               (n->kind == SW_NOTIFIER_EMAIL && n->auth_user && *n->auth_user);
  if (!wants)
    return true;
  if (given && *given) {
    size_t blob_len = 0;
    if (!sw_secret_protect(given, strlen(given), &x->secret, &blob_len, why, size))
      return false;
    x->secret_len = blob_len;
    x->in.secret = x->secret;
    x->in.secret_len = blob_len;
    if (n->kind == SW_NOTIFIER_WEBHOOK)
      x->in.url = given;
    return true;
  }
  if (!stored || (given && !*given) || stored->kind != n->kind || !stored->has_secret)
    return true; /* none: the validator says what is missing */
  size_t len = 0;
  if (sw_store_notifier_secret(*q->store, stored->id, &x->kept, &len)) {
    snprintf(why, size, "The stored secret could not be read: %s",
             sw_store_last_error(*q->store)->message);
    return false;
  }
  x->in.secret = x->kept;
  x->in.secret_len = len;
  if (n->kind == SW_NOTIFIER_WEBHOOK) {
    if (!sw_secret_unprotect(x->kept, len, &x->kept_url, &x->kept_url_len, why, size))
      return false;
    x->in.url = (const char *)x->kept_url;
  }
  return true;
}

static bool make_input(struct sw_svc_requests *q, const struct sw_pipe_notifier_input *r,
                       const struct sw_store_notifier *stored, struct input *x, char *why,
                       size_t size)
{
  const struct sw_pipe_notifier *n = &r->n;
  memset(x, 0, sizeof *x);
  sw_buf_init(&x->to, 0);
  for (size_t i = 0; i < n->to_count; i++)
    if (sw_buf_printf(&x->to, "%s%s", i ? "," : "", n->to[i] ? n->to[i] : "")) {
      snprintf(why, size, "The service ran out of memory.");
      return false;
    }
  x->in = (struct sw_store_notifier_input){
      .name = n->name ? n->name : "",
      .kind = n->kind,
      .is_default = stored && stored->is_default,
      .to = sw_buf_str(&x->to),
      .relays = n->relays ? n->relays : "",
      .from = n->from ? n->from : "",
      .tls_mode = n->tls_mode,
      .auth_user = n->auth_user ? n->auth_user : "",
      .url = "",
      .format = n->format,
      .command_line = n->command_line ? n->command_line : "",
      .timeout_s = n->timeout_s ? n->timeout_s : SW_PROGRAM_DEFAULT_TIMEOUT_S,
      .service_name = n->service_name ? n->service_name : "",
  };
  if (n->kind >= SW_NOTIFIER_KIND_COUNT) {
    snprintf(why, size, "The notifier's kind is not one this service knows.");
    return false;
  }
  return settle_secret(q, r, stored, x, why, size);
}

/* ADD (stored NULL) or UPDATE of `stored`. */
static enum sw_pipe_verdict write_notifier(struct sw_svc_requests *q,
                                           const struct sw_svc_fields *f,
                                           const struct sw_store_notifier *stored,
                                           struct sw_buf *reply, uint32_t id)
{
  if (!f->has_notifier) {
    sw__req_error(reply, id, SW_PIPE_ERR_BAD_REQUEST, "The NOTIFIER record is missing.");
    return SW_PIPE_KEEP;
  }
  struct input x;
  char why[SW_NOTIFIER_PROBLEM_MAX + 64] = "";
  int64_t nid = stored ? stored->id : 0;
  enum sw_store_error err = SW_STORE_OK;
  if (!make_input(q, &f->notifier, stored, &x, why, sizeof why))
    sw__req_error(reply, id, SW_PIPE_ERR_INVALID, why);
  else if ((err = stored ? sw_store_notifier_update(*q->store, nid, &x.in, q->now_ms())
                         : sw_store_notifier_add(*q->store, &x.in, q->now_ms(), &nid)))
    notifier_error(q, reply, id, err);
  else {
    q->alerts_changed(q->loop);
    notifier_ok(q, reply, id, nid);
  }
  input_free(&x);
  return SW_PIPE_KEEP;
}

HANDLER(sw__req_notifier_add)
{
  (void)conn;
  return write_notifier(q, f, NULL, reply, id);
}

HANDLER(sw__req_notifier_update)
{
  (void)conn;
  struct sw_store_notifier stored = {0};
  enum sw_store_error err = named(q, f, &stored);
  if (err)
    notifier_error(q, reply, id, err);
  else if (f->notifier.n.revision && f->notifier.n.revision != stored.revision)
    sw__req_error(reply, id, SW_PIPE_ERR_STALE,
                  "The notifier was changed by someone else since you read it: read it "
                  "again and make your change again.");
  else
    write_notifier(q, f, &stored, reply, id);
  sw_store_notifier_free(&stored);
  return SW_PIPE_KEEP;
}

/* The first rule that sends to notifier `nid`, 0 if none does. */
static enum sw_store_error rule_sending_to(struct sw_svc_requests *q, int64_t nid,
                                           int64_t *rule_id)
{
  struct sw_store_rule_alerts_list all = {0};
  enum sw_store_error err = sw_store_rule_alerts_list(*q->store, &all);
  *rule_id = 0;
  for (size_t i = 0; !err && !*rule_id && i < all.count; i++)
    for (size_t k = 0; k < all.items[i].notifier_count; k++)
      if (all.items[i].notifier_ids[k] == nid)
        *rule_id = all.items[i].rule_id;
  sw_store_rule_alerts_list_free(&all);
  return err;
}

/* A notifier that rules send to, or a default one, is not deleted: its
 * pending notifications would go with it, and the rules would fall back
 * to the defaults unannounced. */
HANDLER(sw__req_notifier_delete)
{
  (void)conn;
  struct sw_store_notifier n = {0};
  int64_t user = 0;
  enum sw_store_error err = named(q, f, &n);
  if (!err)
    err = rule_sending_to(q, n.id, &user);
  if (!err && (user || n.is_default)) {
    char why[SW_NOTIFIER_NAME_MAX_CHARS * 4 + 300];
    if (user)
      snprintf(why, sizeof why,
               "Rule %lld (%s) still sends to the notifier \"%s\": take it out of that "
               "rule's notifications first (smtpwatch rules edit %lld --notify ...).",
               (long long)user, sw__req_rule_name(q, user, "?"), n.name, (long long)user);
    else
      snprintf(why, sizeof why,
               "The notifier \"%s\" is a default notifier: take it out of the default "
               "notifiers first.",
               n.name);
    sw__req_error(reply, id, SW_PIPE_ERR_NOTIFIER_IN_USE, why);
  } else if (!err && (err = sw_store_notifier_delete(*q->store, n.id)) != SW_STORE_OK) {
    notifier_error(q, reply, id, err);
  } else if (err) {
    notifier_error(q, reply, id, err);
  } else {
    q->alerts_changed(q->loop);
    size_t start;
    sw__req_begin(reply, SW_PIPE_MSG_DONE_OK, id, &start);
    sw__req_end(reply, id, start);
  }
  sw_store_notifier_free(&n);
  return SW_PIPE_KEEP;
}

/* ---- a test ---------------------------------------------------------- */

/* A client waiting for its test's outcome. */
struct test {
  struct sw_pipe_conn *conn;
  uint32_t request_id;
  char uid[48];
  char notifier[SW_NOTIFIER_NAME_MAX_CHARS * 4 + 1];
  int64_t created_ms;
  int64_t (*now_ms)(void);
};

static void test_answer(struct test *t, bool ok, const char *error)
{
  struct sw_buf reply;
  sw_buf_init(&reply, 0);
  struct sw_pipe_notification n;
  sw_pipe_notification_init(&n);
  n.id = t->uid;
  n.rule_name = "test";
  n.notifier = t->notifier;
  n.kind = SW_ALERT_TEST;
  n.state = SW_NAGIOS_OK;
  n.status = ok ? SW_PIPE_DELIVERY_SENT : SW_PIPE_DELIVERY_FAILED;
  n.attempts = 1;
  n.created_ms = t->created_ms;
  n.last_attempt_ms = t->now_ms();
  n.last_error = ok ? NULL : (char *)error;
  size_t start;
  sw__req_begin(&reply, SW_PIPE_MSG_NOTIFIER_TEST_OK, t->request_id, &start);
  sw_pipe_put_notification(&reply, &n);
  sw__req_end(&reply, t->request_id, start);
  sw_pipe_conn_resume(t->conn, &reply);
  sw_buf_free(&reply);
  free(t);
}

static void test_done(void *ctx, bool ok, const char *error)
{
  test_answer(ctx, ok, error);
}

HANDLER(sw__req_notifier_test)
{
  if (!f->notifier_name) {
    sw__req_error(reply, id, SW_PIPE_ERR_INVALID,
                  "Name a stored notifier to test: save a new one first, then test it.");
    return SW_PIPE_KEEP;
  }
  struct sw_store_notifier n = {0};
  enum sw_store_error err = named(q, f, &n);
  struct test *t = err ? NULL : calloc(1, sizeof *t);
  char why[SW_SVC_DELIVERY_ERROR_MAX] = "";
  enum sw_pipe_verdict verdict = SW_PIPE_KEEP;
  if (err) {
    notifier_error(q, reply, id, err);
  } else if (!t) {
    sw__req_error(reply, id, SW_PIPE_ERR_BUSY, "The service ran out of memory.");
  } else {
    *t = (struct test){
        .conn = conn, .request_id = id, .created_ms = q->now_ms(), .now_ms = q->now_ms};
    snprintf(t->uid, sizeof t->uid, "test-%lld-%lld", (long long)n.id,
             (long long)t->created_ms);
    snprintf(t->notifier, sizeof t->notifier, "%s", n.name);
    if (q->test_notifier(q->loop, &n, t->uid, test_done, t, why, sizeof why)) {
      verdict = SW_PIPE_DEFER;
    } else {
      /* Could not even start: that is the outcome, told at once (a
       * deferred answer may come before the handler returns). */
      test_answer(t, false, why);
      verdict = SW_PIPE_DEFER;
    }
  }
  sw_store_notifier_free(&n);
  return verdict;
}

/* ---- the outbox -------------------------------------------------------- */

/* The store's outbox status travels as the pipe's delivery, value for
 * value. */
_Static_assert(SW_OUTBOX_PENDING == (int)SW_PIPE_DELIVERY_PENDING &&
                   SW_OUTBOX_SENT == (int)SW_PIPE_DELIVERY_SENT &&
                   SW_OUTBOX_FAILED == (int)SW_PIPE_DELIVERY_FAILED,
               "the outbox's statuses and the pipe's deliveries are in the same order");

HANDLER(sw__req_notifications)
{
  (void)conn;
  struct sw_store_notification_list list = {0};
  enum sw_store_error err = sw_store_outbox_recent(
      *q->store, f->before ? f->before : INT64_MAX, (size_t)f->limit + 1, &list);
  if (err) {
    sw__req_store_error(q, reply, id, err, NULL);
    return SW_PIPE_KEEP;
  }
  struct sw_store_notifier_list notifiers = {0};
  sw_store_notifier_list(*q->store, &notifiers); /* names only: none if it fails */
  struct sw__req_page page;
  sw__req_page_begin(&page, reply, SW_PIPE_MSG_NOTIFICATIONS_OK, id, f->limit);
  for (size_t i = 0; i < list.count && sw__req_page_take(&page); i++) {
    const struct sw_store_notification *s = &list.items[i];
    struct sw_pipe_notification n;
    sw_pipe_notification_init(&n);
    n.key = s->id;
    n.id = s->uid;
    n.rule_id = s->rule_id;
    n.rule_name = s->rule_name;
    n.notifier = "";
    for (size_t k = 0; k < notifiers.count; k++)
      if (notifiers.items[k].id == s->notifier_id)
        n.notifier = notifiers.items[k].name;
    n.kind = s->kind;
    n.state = s->state;
    n.status = (enum sw_pipe_delivery)s->status;
    n.attempts = s->attempts;
    n.created_ms = s->created_at_ms;
    n.next_attempt_ms = s->status == SW_OUTBOX_PENDING ? s->next_attempt_at_ms : 0;
    n.last_error = s->last_error[0] ? s->last_error : NULL;
    sw_pipe_put_notification(reply, &n);
  }
  sw__req_page_end(&page);
  sw_store_notifier_list_free(&notifiers);
  sw_store_notification_list_free(&list);
  return SW_PIPE_KEEP;
}
