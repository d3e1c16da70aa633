/* Alert mails: sent by the service's own SMTP engine, like a check that
 * goes on past the handshake (AUTH if the notifier has a user, MAIL FROM,
 * RCPT TO, DATA), through the notifier's relays in order: the relay being
 * watched may be the one that is down, so one attempt tries each relay
 * until one accepts the message. The attempt fails only when every relay
 * failed, with each relay's reason. */
#include "svc_loop_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"
#include "svc_outbox_payload.h"

/* Each relay's time for the whole exchange. */
#define MAIL_TIMEOUT_MS 60000u

struct mail_job {
  struct sw_svc_loop *loop;
  sw_loop_sent_fn done;
  void *ctx;
  struct sw_relay relays[SW_NOTIFIER_RELAYS_MAX];
  size_t relay_count, next;
  char *to_buf;
  const char *to[SW_NOTIFIER_TO_MAX];
  size_t to_count;
  char from[SW_MAIL_ADDRESS_MAX + 1];
  enum sw_tls_mode tls_mode;
  char *user;
  unsigned char *password; /* decrypted: wiped when freed */
  size_t password_len;
  struct sw_buf payload;
  char errors[SW_SVC_DELIVERY_ERROR_MAX]; /* "mx1:25: ...; mx2:25: ..." */
};

static void job_free(struct mail_job *j)
{
  free(j->to_buf);
  free(j->user);
  sw_secret_free(j->password, j->password_len);
  sw_buf_free(&j->payload);
  free(j);
}

static bool try_next_relay(struct mail_job *j);

static void on_mail_done(void *ctx, struct sw_check_result *r)
{
  struct mail_job *j = ctx;
  struct sw_svc_loop *l = j->loop;
  if (l->stopping) {
    job_free(j);
    return;
  }
  if (r->message_accepted) {
    j->done(l, j->ctx, true, "", NULL);
    job_free(j);
    return;
  }
  const struct sw_relay *relay = &j->relays[j->next - 1];
  char said[SW_DETAIL_MAX + SW_REPLY_TEXT_MAX];
  sw_check_result_describe(r, said, sizeof said);
  size_t used = strlen(j->errors);
  snprintf(j->errors + used, sizeof j->errors - used, "%s%s%s%s:%u: %s", used ? "; " : "",
           strchr(relay->host, ':') ? "[" : "", relay->host,
           strchr(relay->host, ':') ? "]" : "", relay->port, said);
  if (!try_next_relay(j)) {
    j->done(l, j->ctx, false, j->errors, NULL);
    job_free(j);
  }
}

/* Submits the mail to the next relay; false when none is left or it could
 * not be submitted (the reason added to j->errors). */
static bool try_next_relay(struct mail_job *j)
{
  while (j->next < j->relay_count) {
    const struct sw_relay *relay = &j->relays[j->next++];
    struct sw_check_spec spec = {
        .host = relay->host,
        .port = relay->port,
        .timeout_ms = MAIL_TIMEOUT_MS,
        .tls_mode = j->tls_mode,
        .auth = {.user = j->user, .password = (const char *)j->password},
        .mail = {.from = j->from,
                 .to = j->to,
                 .to_count = j->to_count,
                 .message = (const char *)j->payload.data,
                 .message_len = j->payload.len},
    };
    enum sw_error err = sw_engine_submit(j->loop->engine, &spec, on_mail_done, j);
    if (!err)
      return true;
    size_t used = strlen(j->errors);
    snprintf(j->errors + used, sizeof j->errors - used, "%s%s: %s", used ? "; " : "",
             relay->host, sw_error_text(err));
  }
  return false;
}

/* The notifier's settings into the job; false with a sentence. */
static bool settle(struct sw_svc_loop *l, struct mail_job *j,
                   const struct sw_store_notifier *nf, char *why, size_t size)
{
  if (!sw_relay_list_parse(nf->relays, j->relays, SW_NOTIFIER_RELAYS_MAX, &j->relay_count,
                           why, size))
    return false;
  if (!(j->to_buf = strdup(nf->to))) {
    snprintf(why, size, "The service ran out of memory.");
    return false;
  }
  if (!sw_mail_to_list_split(j->to_buf, j->to, SW_NOTIFIER_TO_MAX, &j->to_count, why,
                             size))
    return false;
  if (nf->from[0])
    snprintf(j->from, sizeof j->from, "%s", nf->from);
  else
    snprintf(j->from, sizeof j->from, "smtpwatch@%s", l->outbox.machine);
  j->tls_mode = nf->tls_mode;
  if (!nf->auth_user[0])
    return true;
  if (!(j->user = strdup(nf->auth_user))) {
    snprintf(why, size, "The service ran out of memory.");
    return false;
  }
  return sw__loop_read_secret(l, nf->id, &j->password, &j->password_len, why, size);
}

bool sw__loop_mail_start(struct sw_svc_loop *l, const struct sw_store_notifier *nf,
                         const struct sw_alert_note *note, sw_loop_sent_fn done,
                         void *ctx, char *why, size_t size)
{
  struct mail_job *j = calloc(1, sizeof *j);
  if (!j) {
    snprintf(why, size, "The service ran out of memory.");
    return false;
  }
  j->loop = l;
  j->done = done;
  j->ctx = ctx;
  sw_buf_init(&j->payload, 0);
  bool ok = settle(l, j, nf, why, size);
  if (ok && sw_svc_mail_payload(note, j->from, j->to, j->to_count, &j->payload)) {
    snprintf(why, size,
             "The alert mail could not be written (out of memory, or a "
             "header with a line break).");
    ok = false;
  }
  if (ok && !try_next_relay(j)) {
    snprintf(why, size, "%s", j->errors);
    ok = false;
  }
  if (!ok)
    job_free(j);
  return ok;
}
