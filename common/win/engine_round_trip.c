/* The round trip as a job of checks (engine_round_trip.h): submit the
 * probe, then look for it in the mailbox until it is there or the time is
 * up, between looks waiting on an engine timer. */
#include "engine_round_trip.h"

#include <windows.h>
#include <bcrypt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine_internal.h"
#include "engine_mailbox.h"
#include "mail_message.h" /* sw_mail_data_payload */
#include "probe_found.h"
#include "probe_message.h"
#include "round_trip_result.h"

struct round_trip {
  struct sw_engine *engine;
  struct sw_round_trip_spec spec;
  sw_check_done_fn done;
  void *ctx;
  char probe_tag[SW_PROBE_RULE_MAX + SW_PROBE_NONCE_MAX + 2];
  const char *to[1];
  struct sw_buf payload;         /* DATA's payload: the probe, dot-stuffed */
  struct sw_check_result result; /* the submission's, then the round trip's */
  struct sw_round_trip_result *rt;
  struct sw_mailbox_result look; /* the last mailbox session's */
  int64_t start_us, submitted_us, deadline_us;
  struct sw_engine_timer timer; /* the wait between looks */
};

/* 16 random bytes as 32 hex digits (the probe's nonce). */
static bool random_nonce(char out[33])
{
  unsigned char bytes[16];
  if (!BCRYPT_SUCCESS(
          BCryptGenRandom(NULL, bytes, sizeof bytes, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
    return false;
  for (size_t i = 0; i < sizeof bytes; i++)
    snprintf(out + 2 * i, 3, "%02x", bytes[i]);
  return true;
}

/* The round trip's answer, once: the callback, then the job is freed. */
static void finish(struct round_trip *j, enum sw_outcome outcome, const char *detail)
{
  int64_t now = sw_clock_now_us();
  if ((unsigned)outcome < SW_OUTCOME_COUNT)
    j->result.outcome = outcome;
  if (detail)
    snprintf(j->result.detail, sizeof j->result.detail, "%s", detail);
  j->rt->total_us = now - j->start_us;
  j->result.round_trip = j->rt;
  j->rt = NULL;
  j->done(j->ctx, &j->result);
  sw_check_result_free(&j->result);
  sw_mailbox_result_free(&j->look);
  sw_buf_free(&j->payload);
  free(j);
}

static void look(struct round_trip *j);

static void on_timer(struct sw_engine_timer *t, bool cancelled)
{
  struct round_trip *j = sw_container_of(t, struct round_trip, timer);
  if (cancelled)
    finish(j, SW_OUTCOME_CANCELLED, "the engine was stopped");
  else
    look(j);
}

/* The mailbox session's transcript after the submission's. */
static void append_transcript(struct round_trip *j)
{
  const struct sw_buf *t = &j->look.transcript;
  if (!t->len)
    return;
  static const char head[] = "-- the mailbox:\n";
  if (sw_buf_append(&j->result.transcript, head, sizeof head - 1) == SW_E_OK)
    sw_buf_append(&j->result.transcript, t->data, t->len);
}

/* The probe was found: what it says, and the delivery time. */
static void delivered(struct round_trip *j)
{
  struct sw_round_trip_result *rt = j->rt;
  rt->found = true;
  rt->delivery_us = j->look.found_us - j->submitted_us;
  if (rt->delivery_us < 0)
    rt->delivery_us = 0;
  rt->probe_deleted = j->look.probe_deleted;
  if (sw_probe_found_read(j->look.header.data ? j->look.header.data : "",
                          j->look.header.len, rt) != SW_E_OK)
    snprintf(rt->mailbox_detail, sizeof rt->mailbox_detail,
             "out of memory while reading the probe's header");
  /* A warning of the submission (a certificate that expires soon) stays. */
  enum sw_outcome o =
      j->result.outcome == SW_OUTCOME_OK ? SW_OUTCOME_DELIVERED : j->result.outcome;
  finish(j, o, NULL);
}

static void on_look(void *ctx, struct sw_check_result *r)
{
  struct round_trip *j = ctx;
  struct sw_round_trip_result *rt = j->rt;
  rt->looks++;
  rt->stale_deleted += j->look.stale_deleted;
  snprintf(rt->mailbox_peer, sizeof rt->mailbox_peer, "%s", j->look.peer);
  append_transcript(j);
  if (r->outcome == SW_OUTCOME_CANCELLED) {
    finish(j, SW_OUTCOME_CANCELLED, r->detail);
    return;
  }
  if (r->outcome != SW_OUTCOME_OK) {
    /* The mailbox's outcome decides; its words are the round trip's. */
    snprintf(rt->mailbox_detail, sizeof rt->mailbox_detail, "%s", r->detail);
    enum sw_outcome o = r->outcome == SW_OUTCOME_RESOLVE_FAILED
                            ? SW_OUTCOME_MAILBOX_UNREACHABLE
                            : r->outcome;
    finish(j, o, r->detail);
    return;
  }
  if (j->look.found) {
    delivered(j);
    return;
  }
  /* Looked at the deadline or later: the probe did not arrive in time. The
   * last look before it is at the deadline itself. */
  int64_t now = sw_clock_now_us();
  if (now >= j->deadline_us) {
    char detail[SW_DETAIL_MAX];
    snprintf(detail, sizeof detail,
             "the probe was not in the mailbox %u s after it was submitted",
             (unsigned)j->spec.rule->deliver_within_s);
    finish(j, SW_OUTCOME_NOT_DELIVERED, detail);
    return;
  }
  int64_t next = now + (int64_t)SW_ROUND_TRIP_POLL_MS * 1000;
  if (next > j->deadline_us)
    next = j->deadline_us;
  sw_mailbox_result_free(&j->look);
  j->timer.fn = on_timer;
  if (sw_engine_timer_arm(j->engine, &j->timer, next) != SW_E_OK)
    finish(j, SW_OUTCOME_INTERNAL_ERROR, "out of memory while waiting to look again");
}

/* One mailbox session: it waits in IMAP IDLE for the time left where the
 * server offers it. */
static void look(struct round_trip *j)
{
  const struct sw_rule *rule = j->spec.rule;
  int64_t now = sw_clock_now_us();
  int64_t left_ms = (j->deadline_us - now) / 1000;
  if (left_ms < 0)
    left_ms = 0;
  static const enum sw_mailbox_tls tls[] = {
      [SW_MAILBOX_TLS_MODE_IMPLICIT] = SW_MAILBOX_TLS_IMPLICIT,
      [SW_MAILBOX_TLS_MODE_STARTTLS] = SW_MAILBOX_TLS_STARTTLS,
      [SW_MAILBOX_TLS_MODE_NONE] = SW_MAILBOX_TLS_NONE,
  };
  struct sw_mailbox_spec m = {
      .host = rule->mailbox_host,
      .port = sw_rule_mailbox_port(rule),
      .insecure = rule->tls_insecure,
      .ip_family = rule->ip_family,
      .cfg = {.protocol = rule->round_trip == SW_ROUND_TRIP_POP3 ? SW_MAILBOX_POP3
                                                                 : SW_MAILBOX_IMAP,
              .tls = SW_TABLE_AT(tls, rule->mailbox_tls, SW_MAILBOX_TLS_IMPLICIT),
              .user = rule->mailbox_user,
              .password = j->spec.mailbox_password,
              /* "none" was asked for by name: the password goes as it is */
              .allow_plaintext = rule->mailbox_tls == SW_MAILBOX_TLS_MODE_NONE,
              .folder = rule->folder,
              .probe = j->probe_tag,
              .stale_s = SW_ROUND_TRIP_STALE_S,
              .wall_s = sw_clock_wall_us() / 1000000,
              .timeout_ms = (uint32_t)left_ms + SW_ROUND_TRIP_SESSION_MS,
              .wait_ms = (uint32_t)left_ms},
  };
  enum sw_error err = sw_engine_submit_mailbox(j->engine, &m, &j->look, on_look, j);
  if (err)
    finish(j, SW_OUTCOME_INTERNAL_ERROR, "the mailbox session could not be started");
}

static void on_submitted(void *ctx, struct sw_check_result *r)
{
  struct round_trip *j = ctx;
  sw_check_result_move(&j->result, r);
  j->rt->submit_us = j->result.total_us;
  if (!j->result.message_accepted) {
    /* The SMTP side's own outcome; a cancel is one too. */
    finish(j,
           j->result.outcome == SW_OUTCOME_OK ? SW_OUTCOME_INTERNAL_ERROR
                                              : j->result.outcome,
           NULL);
    return;
  }
  j->submitted_us = sw_clock_now_us();
  j->deadline_us = j->submitted_us + (int64_t)j->spec.rule->deliver_within_s * 1000000;
  look(j);
}

/* The probe as DATA's payload into j->payload. SW_E_SYSTEM without
 * random numbers for its nonce, SW_E_INVALID_ARGUMENT for a field the
 * builder refuses (why[size] says which: the validator lets none through),
 * SW_E_NOMEM. */
static enum sw_error build_probe(struct round_trip *j, char *why, size_t size)
{
  char nonce[33];
  if (!random_nonce(nonce)) {
    snprintf(why, size, "no random numbers for the probe's nonce");
    return SW_E_SYSTEM;
  }
  snprintf(j->probe_tag, sizeof j->probe_tag, "%s/%s", j->spec.probe_rule, nonce);
  int64_t now_s = sw_clock_wall_us() / 1000000;
  const char *fqdn = j->engine->fqdn[0] ? j->engine->fqdn : "localhost.localdomain";
  struct sw_probe_message p = {
      .rule = j->spec.probe_rule,
      .nonce = nonce,
      .from = sw_rule_probe_from(j->spec.rule),
      .to = j->spec.rule->probe_to,
      .id_domain = fqdn,
      .date = now_s,
      .utc_offset_min = (int)((sw_clock_zone_wall_s(now_s, NULL) - now_s) / 60),
  };
  struct sw_buf text;
  sw_buf_init(&text, 0);
  enum sw_error err = sw_probe_message_write(&p, &text, why, size);
  if (!err)
    err = sw_mail_data_payload(text.data, text.len, &j->payload);
  sw_buf_free(&text);
  return err;
}

enum sw_error sw_engine_round_trip(struct sw_engine *e,
                                   const struct sw_round_trip_spec *spec,
                                   sw_check_done_fn done, void *ctx)
{
  if (!spec || !spec->rule || spec->rule->round_trip == SW_ROUND_TRIP_NONE ||
      !spec->probe_rule || !done)
    return SW_E_INVALID_ARGUMENT;
  struct round_trip *j = calloc(1, sizeof *j);
  if (!j)
    return SW_E_NOMEM;
  j->rt = sw_round_trip_result_new(spec->rule->round_trip);
  if (!j->rt) {
    free(j);
    return SW_E_NOMEM;
  }
  j->engine = e;
  j->spec = *spec;
  j->done = done;
  j->ctx = ctx;
  j->start_us = sw_clock_now_us();
  sw_timer_init(&j->timer.t);
  sw_check_result_init(&j->result);
  sw_buf_init(&j->payload, 0);
  char why[SW_DETAIL_MAX];
  enum sw_error err = build_probe(j, why, sizeof why);
  if (!err) {
    snprintf(j->rt->probe, sizeof j->rt->probe, "%s", j->probe_tag);
    j->to[0] = spec->rule->probe_to;
    struct sw_check_spec smtp = sw_check_spec_of(spec->rule, spec->extras);
    smtp.command = smtp.expect = NULL;
    smtp.all_addresses = smtp.check_ptr = false;
    smtp.mail = (struct sw_dialogue_mail){.from = sw_rule_probe_from(spec->rule),
                                          .to = j->to,
                                          .to_count = 1,
                                          .message = j->payload.data,
                                          .message_len = j->payload.len};
    err = sw_engine_submit(e, &smtp, on_submitted, j);
  }
  if (err) {
    sw_round_trip_result_free(j->rt);
    sw_check_result_free(&j->result);
    sw_buf_free(&j->payload);
    free(j);
  }
  return err;
}
