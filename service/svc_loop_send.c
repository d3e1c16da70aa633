/* Sending one notification through one notifier, for the outbox and for
 * "test this notifier": an alert mail through the engine
 * (svc_loop_mail.c), the other kinds on the thread pool (svc_delivery.c).
 * Whatever comes of it is handed to the caller's `done` on the loop
 * thread, once. */
#include "svc_loop_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"
#include "svc_outbox_payload.h"

/* Who is waiting for a thread-pool delivery. */
struct sending {
  struct sw_svc_loop *loop;
  sw_loop_sent_fn done;
  void *ctx;
};

static void on_delivery_back(struct sw_svc_delivery *d)
{
  struct sending *s = d->ctx;
  if (!s->loop->stopping)
    s->done(s->loop, s->ctx, d->ok, d->error, d->kind == SW_NOTIFIER_PROGRAM ? d : NULL);
  free(s);
  sw_svc_delivery_free(d);
}

bool sw__loop_read_secret(struct sw_svc_loop *l, int64_t notifier_id,
                          unsigned char **plain, size_t *len, char *why, size_t size)
{
  void *blob = NULL;
  size_t blob_len = 0;
  enum sw_store_error err =
      l->store ? sw_store_notifier_secret(l->store, notifier_id, &blob, &blob_len)
               : SW_STORE_CANTOPEN;
  bool ok = false;
  if (err)
    snprintf(why, size, "The notifier's secret could not be read: %s",
             l->store ? sw_store_last_error(l->store)->message : "no database");
  else if (!blob_len)
    snprintf(why, size, "The notifier has no secret stored: set it again.");
  else
    ok = sw_secret_unprotect(blob, blob_len, plain, len, why, size);
  free(blob);
  return ok;
}

/* The kind's part of a thread-pool delivery; false with a sentence. */
static bool fill(struct sw_svc_loop *l, struct sw_svc_delivery *d,
                 const struct sw_store_notifier *nf, const struct sw_alert_note *note,
                 char *why, size_t size)
{
  if (nf->kind == SW_NOTIFIER_WEBHOOK) {
    unsigned char *url = NULL;
    size_t len = 0;
    if (!sw__loop_read_secret(l, nf->id, &url, &len, why, size))
      return false;
    if ((d->url = malloc(len + 1)) != NULL) {
      memcpy(d->url, url, len);
      d->url[len] = '\0';
    }
    sw_secret_free(url, len);
    return d->url && sw_alert_webhook_json(note, nf->format, &d->body) == SW_E_OK;
  }
  if (nf->kind == SW_NOTIFIER_PROGRAM) {
    d->timeout_ms = nf->timeout_s * 1000u;
    if (!(d->command_line = strdup(nf->command_line)) ||
        sw_svc_program_env(note, d->env) != SW_E_OK)
      return false;
    d->env_count = SW_SVC_PROGRAM_VARS;
    return true;
  }
  return (d->service_name = strdup(nf->service_name)) != NULL;
}

bool sw__loop_send(struct sw_svc_loop *l, const struct sw_store_notifier *nf,
                   const struct sw_alert_note *note, sw_loop_sent_fn done, void *ctx,
                   char *why, size_t size)
{
  why[0] = '\0';
  if (nf->kind == SW_NOTIFIER_EMAIL)
    return sw__loop_mail_start(l, nf, note, done, ctx, why, size);
  if (!l->outbox.deliveries) {
    snprintf(why, size, "The service could not set up its worker threads at start.");
    return false;
  }
  struct sending *s = malloc(sizeof *s);
  struct sw_svc_delivery *d =
      s ? sw_svc_delivery_new(l->outbox.deliveries, nf->kind, on_delivery_back, s) : NULL;
  bool ok = d && fill(l, d, nf, note, why, size);
  if (ok) {
    *s = (struct sending){.loop = l, .done = done, .ctx = ctx};
    snprintf(d->notification_id, sizeof d->notification_id, "%s", note->id);
    ok = sw_svc_delivery_start(d);
    if (!ok)
      snprintf(why, size, "%s", d->error);
  }
  if (!ok && !why[0])
    snprintf(why, size, "The service ran out of memory.");
  if (!ok) {
    sw_svc_delivery_free(d);
    free(s);
  }
  return ok;
}
