/* The outbox in the service loop: once a second (and whenever an attempt
 * comes back) the notifications that are due are read from the store and
 * attempted, at most SW_SVC_OUTBOX_IN_FLIGHT_MAX at once: a mail through
 * the engine like a check (svc_loop_mail.c), a webhook, a program or a
 * service restart on the thread pool (svc_delivery.c). Every attempt is
 * recorded with what came of it; a failed one is tried again on the
 * outbox_retry.h schedule until it is given up (event 5002). A notifier
 * whose attempts keep failing is reported once (5000) and again when it
 * works (5001). Nothing here waits: the checks go on. */
#include "svc_loop_internal.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "svc_eventlog.h"
#include "svc_outbox_payload.h"

#define POLL_EVERY_MS 1000
#define PRUNE_EVERY_MS (3600 * 1000)
#define PRUNE_ROWS 500
/* Finished notifications are kept this long for `smtpwatch notifications`. */
#define KEEP_FINISHED_DAYS 30

/* FNV-1a of the id: the spread of its retries. */
static uint64_t spread_of(const char *uid)
{
  uint64_t h = UINT64_C(14695981039346656037);
  for (; *uid; uid++)
    h = (h ^ (unsigned char)*uid) * UINT64_C(1099511628211);
  return h;
}

/* "Ops mail" for the Event Log; the notifier's id if it cannot be read. */
static void notifier_name(struct sw_svc_loop *l, int64_t id, char *out, size_t size)
{
  struct sw_store_notifier n = {0};
  if (l->store && sw_store_notifier_get(l->store, id, &n) == SW_STORE_OK)
    snprintf(out, size, "%s", n.name);
  else
    snprintf(out, size, "%" PRId64, id);
  sw_store_notifier_free(&n);
}

/* Tells the Event Log when a notifier starts failing or works again. */
static void note_health(struct sw_svc_loop *l, int64_t notifier_id, bool ok,
                        const char *error)
{
  struct sw_svc_notifier_health *h = sw_svc_outbox_health(&l->outbox, notifier_id);
  if (!h)
    return;
  char name[SW_NOTIFIER_NAME_MAX_CHARS * 4 + 1];
  struct sw_svc_args a = {0};
  if (ok) {
    if (h->logged) {
      notifier_name(l, notifier_id, name, sizeof name);
      LOG_EVENT(l, SW_MSG_NOTIFIER_RECOVERED, 0, name,
                sw_svc_arg(&a, "%" PRIu32, h->failures));
    }
    h->failures = 0;
    h->logged = false;
    return;
  }
  if (++h->failures >= SW_SVC_NOTIFIER_FAILING_AFTER && !h->logged) {
    h->logged = true;
    notifier_name(l, notifier_id, name, sizeof name);
    LOG_EVENT(l, SW_MSG_NOTIFIER_FAILING, 0, name,
              sw_svc_arg(&a, "%" PRIu32, h->failures), error);
  }
}

/* The outbox's clock: Unix ms, with the waits scaled like the schedule
 * (tests run the service with a shorter unit). */
static int64_t retry_at_ms(const struct sw_svc_loop *l, const struct sw_svc_attempt *at,
                           int64_t now_ms)
{
  int64_t unit = l->cfg->interval_unit_ms ? l->cfg->interval_unit_ms : 1000;
  int64_t when = sw_outbox_retry_at(&l->outbox.retry, at->attempts + 1,
                                    at->created_at_ms / unit, now_ms / unit, at->spread);
  return when == SW_OUTBOX_GIVE_UP ? SW_OUTBOX_GIVE_UP : when * unit;
}

void sw__loop_outbox_done(struct sw_svc_loop *l, int64_t outbox_id, bool ok,
                          const char *error, const struct sw_svc_delivery *program)
{
  struct sw_svc_attempt *at = sw_svc_outbox_find(&l->outbox, outbox_id);
  if (!at)
    return;
  int64_t now_ms = sw_clock_wall_us() / 1000;
  int64_t next = ok ? 0 : retry_at_ms(l, at, now_ms);
  struct sw_store_attempt rec = {
      .outbox_id = outbox_id,
      .at_ms = now_ms,
      .then = ok                          ? SW_OUTBOX_SENT
              : next == SW_OUTBOX_GIVE_UP ? SW_OUTBOX_FAILED
                                          : SW_OUTBOX_PENDING,
      .next_attempt_at_ms = next == SW_OUTBOX_GIVE_UP ? 0 : next,
      .error = ok ? "" : error,
      .ran_program = program && program->ran_program,
      .exit_code = program ? (int)program->exit_code : 0,
      .output = program ? program->output : "",
  };
  enum sw_store_error err =
      l->store ? sw_store_outbox_record_attempt(l->store, &rec) : SW_STORE_CANTOPEN;
  if (err && err != SW_STORE_NOT_FOUND && err != SW_STORE_INVALID_INPUT)
    sw__loop_store_failed_on(l, "record a notification's attempt", err);
  /* Not recorded: it stays pending and is attempted again (at least once). */
  note_health(l, at->notifier_id, ok, error);
  if (!err && rec.then == SW_OUTBOX_FAILED) {
    struct sw_svc_args a = {0};
    char name[SW_NOTIFIER_NAME_MAX_CHARS * 4 + 1];
    notifier_name(l, at->notifier_id, name, sizeof name);
    LOG_EVENT(l, SW_MSG_NOTIFICATION_GIVEN_UP, at->rule_id, at->uid,
              sw_svc_arg(&a, "%" PRId64, at->rule_id), name,
              sw_svc_arg(&a, "%" PRIu32, at->attempts + 1), error);
  }
  sw_svc_outbox_forget(&l->outbox, outbox_id);
  l->outbox.next_poll_us = 0; /* room for the next one */
}

/* An attempt started by attempt() is back. */
static void attempt_back(struct sw_svc_loop *l, void *ctx, bool ok, const char *error,
                         const struct sw_svc_delivery *program)
{
  sw__loop_outbox_done(l, (int64_t)(intptr_t)ctx, ok, error, program);
}

/* Attempts notification `n`: returns when it is on its way, or after
 * recording the attempt that could not even start. */
static void attempt(struct sw_svc_loop *l, const struct sw_store_notification *n)
{
  struct sw_svc_attempt *at = &l->outbox.in_flight[l->outbox.in_flight_count++];
  *at = (struct sw_svc_attempt){.outbox_id = n->id,
                                .notifier_id = n->notifier_id,
                                .rule_id = n->rule_id,
                                .created_at_ms = n->created_at_ms,
                                .attempts = n->attempts,
                                .spread = spread_of(n->uid)};
  snprintf(at->uid, sizeof at->uid, "%s", n->uid);
  char why[SW_SVC_DELIVERY_ERROR_MAX] = "";
  struct sw_store_notifier nf = {0};
  struct sw_alert_note note;
  sw_svc_note_of(n, l->outbox.machine, &note);
  bool started = false;
  enum sw_store_error err = sw_store_notifier_get(l->store, n->notifier_id, &nf);
  if (err)
    snprintf(why, sizeof why, "The notifier could not be read: %s",
             sw_store_last_error(l->store)->message);
  else
    started = sw__loop_send(l, &nf, &note, attempt_back, (void *)(intptr_t)n->id, why,
                            sizeof why);
  sw_store_notifier_free(&nf);
  if (!started)
    sw__loop_outbox_done(l, n->id, false, why, NULL);
}

static void prune(struct sw_svc_loop *l, int64_t now_us)
{
  int64_t cutoff = sw_clock_wall_us() / 1000 - (int64_t)KEEP_FINISHED_DAYS * 86400 * 1000;
  bool more = false;
  enum sw_store_error err =
      sw_store_outbox_prune_step(l->store, cutoff, PRUNE_ROWS, NULL, &more);
  if (err)
    sw__loop_store_failed_on(l, "delete old notifications", err);
  l->outbox.next_prune_us = now_us + (int64_t)(more ? 1000 : PRUNE_EVERY_MS) * 1000;
}

void sw__loop_tend_outbox(struct sw_svc_loop *l, int64_t now_us)
{
  struct sw_svc_outbox *o = &l->outbox;
  if (!l->store || l->db.failing || !o->deliveries || now_us < o->next_poll_us)
    return;
  o->next_poll_us = now_us + (int64_t)POLL_EVERY_MS * 1000;
  size_t room = SW_SVC_OUTBOX_IN_FLIGHT_MAX - o->in_flight_count;
  if (room == 0)
    return;
  struct sw_store_notification_list due = {0};
  enum sw_store_error err = sw_store_outbox_due(l->store, sw_clock_wall_us() / 1000,
                                                SW_SVC_OUTBOX_IN_FLIGHT_MAX * 2, &due);
  if (err) {
    sw__loop_store_failed_on(l, "read the notifications that are due", err);
    return;
  }
  for (size_t i = 0;
       i < due.count && o->in_flight_count < SW_SVC_OUTBOX_IN_FLIGHT_MAX && l->store; i++)
    if (!sw_svc_outbox_find(o, due.items[i].id))
      attempt(l, &due.items[i]);
  sw_store_notification_list_free(&due);
  if (l->store && now_us >= o->next_prune_us)
    prune(l, now_us);
}

int64_t sw__loop_outbox_wake_us(const struct sw_svc_loop *l)
{
  return l->store && l->outbox.deliveries ? l->outbox.next_poll_us : INT64_MAX;
}
