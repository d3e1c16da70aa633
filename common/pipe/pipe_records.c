/* Encoders and decoders of the RESULT, STATUS and EVENT records and of the
 * service info fields. */
#include "pipe_records.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_report.h"
#include "pipe_fields.h"
#include "pipe_protocol.h"
#include "pipe_round_trip.h"
#include "step_times.h"

/* ---- RESULT ---------------------------------------------------------- */

void sw_pipe_result_init(struct sw_pipe_result *r)
{
  memset(r, 0, sizeof *r);
  r->status = SW_NAGIOS_UNKNOWN;
  sw_check_result_init(&r->check);
}

void sw_pipe_result_free(struct sw_pipe_result *r)
{
  sw_check_result_free(&r->check);
  sw_pipe_result_init(r);
}

void sw_pipe_put_result(struct sw_buf *out, const struct sw_pipe_result *r,
                        bool with_transcript)
{
  const struct sw_check_result *c = &r->check;
  char times[SW_STEP_TIMES_MAX];
  sw_step_times_format(c, times, sizeof times);
  sw_tlv_begin(out, SW_PIPE_TAG_RESULT);
  if (r->id)
    sw_tlv_put_int(out, SW_PIPE_TAG_RESULT_ID, r->id);
  if (r->rule_id)
    sw_tlv_put_int(out, SW_PIPE_TAG_RULE_ID, r->rule_id);
  sw_tlv_put_int(out, SW_PIPE_TAG_STARTED_AT, r->started_at_ms);
  sw_tlv_put_str(out, SW_PIPE_TAG_STATUS_NAME, sw_nagios_status_name(r->status));
  sw_tlv_put_str(out, SW_PIPE_TAG_OUTCOME, sw_outcome_name(c->outcome));
  sw_tlv_put_str(out, SW_PIPE_TAG_STEP, sw_step_name(c->step));
  sw_tlv_put_int(out, SW_PIPE_TAG_REPLY_CODE, c->reply_code);
  sw_tlv_put_str(out, SW_PIPE_TAG_ENHANCED_CODE, c->enhanced_code);
  sw_tlv_put_str(out, SW_PIPE_TAG_REPLY, c->reply);
  sw_tlv_put_str(out, SW_PIPE_TAG_DETAIL, c->detail);
  sw_tlv_put_str(out, SW_PIPE_TAG_PEER, c->peer);
  sw_tlv_put_bool(out, SW_PIPE_TAG_USED_HELO, c->used_helo);
  sw_tlv_put_int(out, SW_PIPE_TAG_CAPS, c->caps);
  sw_tlv_put_int(out, SW_PIPE_TAG_TOTAL_US, c->total_us);
  sw_tlv_put_str(out, SW_PIPE_TAG_STEP_TIMES, times);
  sw_tlv_put_str(out, SW_PIPE_TAG_MESSAGE, r->message);
  if (c->tls.used) {
    sw_tlv_put_bool(out, SW_PIPE_TAG_TLS_USED, true);
    sw_tlv_put_str(out, SW_PIPE_TAG_TLS_VERSION, c->tls.version);
    sw_tlv_put_str(out, SW_PIPE_TAG_TLS_CIPHER, c->tls.cipher);
    sw_tlv_put_str(out, SW_PIPE_TAG_CERT_SUBJECT, c->tls.subject);
    sw_tlv_put_str(out, SW_PIPE_TAG_CERT_ISSUER, c->tls.issuer);
    if (c->tls.key_sha256[0])
      sw_tlv_put_str(out, SW_PIPE_TAG_CERT_KEY_SHA256, c->tls.key_sha256);
    if (c->tls.key_type[0])
      sw_tlv_put_str(out, SW_PIPE_TAG_CERT_KEY_TYPE, c->tls.key_type);
    sw_tlv_put_str(out, SW_PIPE_TAG_CERT_SANS, c->tls.sans);
    sw_tlv_put_int(out, SW_PIPE_TAG_CERT_NOT_AFTER, c->tls.not_after);
    sw_tlv_put_int(out, SW_PIPE_TAG_CERT_DAYS_LEFT, c->tls.days_left);
  }
  if (c->round_trip)
    sw__pipe_put_round_trip(out, c->round_trip);
  if (c->domain) { /* a mail domain's matrix, as the store keeps it (version 5) */
    struct sw_buf text;
    sw_buf_init(&text, 0);
    if (sw_domain_report_format(c->domain, &text) == SW_E_OK)
      sw_tlv_put_strn(out, SW_PIPE_TAG_DOMAIN_REPORT, text.data ? text.data : "",
                      text.len);
    sw_buf_free(&text);
  }
  if (with_transcript)
    sw_tlv_put_strn(out, SW_PIPE_TAG_TRANSCRIPT,
                    c->transcript.data ? c->transcript.data : "", c->transcript.len);
  sw_tlv_end(out);
}

static enum sw_error result_int(struct sw_pipe_result *r, const struct sw_tlv_field *f)
{
  struct sw_check_result *c = &r->check;
  switch (f->tag) {
  case SW_PIPE_TAG_RESULT_ID:
    r->id = f->i;
    break;
  case SW_PIPE_TAG_RULE_ID:
    r->rule_id = f->i;
    break;
  case SW_PIPE_TAG_STARTED_AT:
    r->started_at_ms = f->i;
    break;
  case SW_PIPE_TAG_REPLY_CODE:
    c->reply_code = f->i >= 0 && f->i <= 999 ? (int)f->i : 0;
    break;
  case SW_PIPE_TAG_CAPS:
    c->caps = (unsigned)f->i;
    break;
  case SW_PIPE_TAG_TOTAL_US:
    c->total_us = f->i;
    break;
  case SW_PIPE_TAG_CERT_NOT_AFTER:
    c->tls.not_after = f->i;
    break;
  case SW_PIPE_TAG_CERT_DAYS_LEFT:
    c->tls.days_left = f->i < -100000 ? -100000 : f->i > 100000 ? 100000 : (int)f->i;
    break;
  default:
    break;
  }
  return SW_E_OK;
}

/* The result's fixed-size texts, each read by its row. */
#define TEXT_ROW(tag, member)                                                            \
  {                                                                                      \
    (tag), offsetof(struct sw_pipe_result, member),                                      \
        sizeof(((struct sw_pipe_result *)0)->member)                                     \
  }
static const struct {
  uint16_t tag;
  size_t at, size;
} result_texts[] = {
    TEXT_ROW(SW_PIPE_TAG_ENHANCED_CODE, check.enhanced_code),
    TEXT_ROW(SW_PIPE_TAG_REPLY, check.reply),
    TEXT_ROW(SW_PIPE_TAG_DETAIL, check.detail),
    TEXT_ROW(SW_PIPE_TAG_PEER, check.peer),
    TEXT_ROW(SW_PIPE_TAG_MESSAGE, message),
    TEXT_ROW(SW_PIPE_TAG_TLS_VERSION, check.tls.version),
    TEXT_ROW(SW_PIPE_TAG_TLS_CIPHER, check.tls.cipher),
    TEXT_ROW(SW_PIPE_TAG_CERT_SUBJECT, check.tls.subject),
    TEXT_ROW(SW_PIPE_TAG_CERT_ISSUER, check.tls.issuer),
    TEXT_ROW(SW_PIPE_TAG_CERT_KEY_SHA256, check.tls.key_sha256),
    TEXT_ROW(SW_PIPE_TAG_CERT_KEY_TYPE, check.tls.key_type),
};
#undef TEXT_ROW

static enum sw_error result_str(struct sw_pipe_result *r, const struct sw_tlv_field *f)
{
  struct sw_check_result *c = &r->check;
  for (size_t i = 0; i < SW_COUNTOF(result_texts); i++)
    if (result_texts[i].tag == f->tag) {
      sw__pipe_copy_text((char *)r + result_texts[i].at, result_texts[i].size, f);
      return SW_E_OK;
    }
  char name[40];
  switch (f->tag) {
  case SW_PIPE_TAG_STATUS_NAME:
    if (!sw_nagios_status_from_text(f->s, f->len, &r->status))
      r->status = SW_NAGIOS_UNKNOWN;
    break;
  case SW_PIPE_TAG_OUTCOME:
    sw__pipe_copy_text(name, sizeof name, f);
    if (!sw_outcome_from_name(name, &c->outcome))
      c->outcome = SW_OUTCOME_INTERNAL_ERROR; /* a newer service's outcome */
    break;
  case SW_PIPE_TAG_STEP:
    sw_step_from_name(f->s, f->len, &c->step);
    break;
  case SW_PIPE_TAG_STEP_TIMES:
    sw_step_times_parse(f->s, f->len, c);
    break;
  case SW_PIPE_TAG_CERT_SANS:
    return sw__pipe_dup_text(&c->tls.sans, f);
  case SW_PIPE_TAG_DOMAIN_REPORT:
    /* A matrix this build cannot read (a newer service's) is left out. */
    sw_domain_report_free(c->domain);
    c->domain = NULL;
    return sw_domain_report_parse(f->s, f->len, &c->domain) == SW_E_NOMEM ? SW_E_NOMEM
                                                                          : SW_E_OK;
  case SW_PIPE_TAG_TRANSCRIPT:
    sw_buf_free(&c->transcript);
    return sw_buf_append(&c->transcript, f->s, f->len);
  default:
    break;
  }
  return SW_E_OK;
}

static enum sw_error result_field(void *ctx, const struct sw_tlv_field *f)
{
  struct sw_pipe_result *r = ctx;
  bool known;
  enum sw_error err = sw__pipe_get_round_trip_field(&r->check.round_trip, f, &known);
  if (err || known)
    return err;
  switch (f->type) {
  case SW_TLV_INT:
    return result_int(r, f);
  case SW_TLV_STR:
    return result_str(r, f);
  case SW_TLV_BOOL:
    if (f->tag == SW_PIPE_TAG_USED_HELO)
      r->check.used_helo = f->i != 0;
    else if (f->tag == SW_PIPE_TAG_TLS_USED)
      r->check.tls.used = f->i != 0;
    return SW_E_OK;
  default:
    return SW_E_OK;
  }
}

enum sw_error sw_pipe_get_result(struct sw_tlv_reader *rd, struct sw_pipe_result *out)
{
  sw_pipe_result_init(out);
  for (int i = 0; i < SW_STEP_COUNT; i++)
    out->check.step_us[i] = -1;
  return sw_tlv_each_field(rd, result_field, NULL, out);
}

/* ---- STATUS ---------------------------------------------------------- */

static const char *const hold_names[] = {SW_PIPE_HOLD_MAP(SW_X_2)};
_Static_assert(sizeof(enum sw_pipe_hold) == sizeof(int), "SW__PF_ENUM reads int");

const char *sw_pipe_hold_name(enum sw_pipe_hold h)
{
  return SW_TABLE_AT(hold_names, h, hold_names[SW_PIPE_HOLD_NONE]);
}

/* The fields of versions 2 and 3, each left out when not set. */
#define AT(m) offsetof(struct sw_pipe_status, m)
static const struct sw__pipe_field status_v2_fields[] = {
    SW__PF_ROW(SW_PIPE_TAG_ACK_AT, SW__PF_INT, AT(ack_at_ms), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_ACK_BY, SW__PF_TEXT, AT(ack_by), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_ACK_COMMENT, SW__PF_TEXT, AT(ack_comment), SW__PF_OMIT_ZERO),
    SW__PF_ENUM_ROW(SW_PIPE_TAG_HELD, AT(held), hold_names, SW_PIPE_HOLD_NONE,
                    SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_HELD_PARENT_ID, SW__PF_INT, AT(held_parent_id),
               SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_HELD_PARENT_NAME, SW__PF_TEXT, AT(held_parent_name),
               SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_HELD_UNTIL, SW__PF_INT, AT(held_until_ms), SW__PF_OMIT_ZERO),
    SW__PF_ROW(SW_PIPE_TAG_DRIFT, SW__PF_TEXT, AT(drift), SW__PF_OMIT_ZERO),
};
#undef AT

void sw_pipe_status_init(struct sw_pipe_status *s)
{
  memset(s, 0, sizeof *s);
  s->state = SW_NAGIOS_UNKNOWN;
  sw_pipe_result_init(&s->last);
}

void sw_pipe_status_free(struct sw_pipe_status *s)
{
  free(s->name);
  free(s->host);
  sw__pipe_free_fields(s, status_v2_fields, SW_COUNTOF(status_v2_fields));
  sw_pipe_result_free(&s->last);
  sw_pipe_status_init(s);
}

void sw_pipe_put_status(struct sw_buf *out, const struct sw_pipe_status *s)
{
  sw_tlv_begin(out, SW_PIPE_TAG_STATUS);
  sw__pipe_put_rule_identity(out, s->rule_id, s->name, s->host, s->port);
  sw_tlv_put_bool(out, SW_PIPE_TAG_RULE_ENABLED, s->enabled);
  if (s->has_state) {
    sw_tlv_put_str(out, SW_PIPE_TAG_STATE, sw_nagios_status_name(s->state));
    sw_tlv_put_int(out, SW_PIPE_TAG_FAILURES, s->failures);
    sw_tlv_put_int(out, SW_PIPE_TAG_SINCE, s->since_ms);
    sw_tlv_put_int(out, SW_PIPE_TAG_LAST_RESULT_AT, s->last_result_at_ms);
  }
  sw__pipe_put_fields(out, s, status_v2_fields, SW_COUNTOF(status_v2_fields));
  if (s->has_result)
    sw_pipe_put_result(out, &s->last, false);
  sw_tlv_end(out);
}

static enum sw_error status_field(void *ctx, const struct sw_tlv_field *f)
{
  struct sw_pipe_status *s = ctx;
  bool known = false;
  enum sw_error err =
      sw__pipe_get_field(s, status_v2_fields, SW_COUNTOF(status_v2_fields), f, &known);
  if (err || known)
    return err;
  if (f->type == SW_TLV_INT) {
    if (f->tag == SW_PIPE_TAG_RULE_ID)
      s->rule_id = f->i;
    else if (f->tag == SW_PIPE_TAG_RULE_PORT)
      s->port = f->i > 0 && f->i <= 65535 ? (uint16_t)f->i : 0;
    else if (f->tag == SW_PIPE_TAG_FAILURES)
      s->failures = f->i < 0 ? 0 : f->i > UINT32_MAX ? UINT32_MAX : (uint32_t)f->i;
    else if (f->tag == SW_PIPE_TAG_SINCE)
      s->since_ms = f->i;
    else if (f->tag == SW_PIPE_TAG_LAST_RESULT_AT)
      s->last_result_at_ms = f->i;
  } else if (f->type == SW_TLV_STR) {
    if (f->tag == SW_PIPE_TAG_RULE_NAME)
      return sw__pipe_dup_text(&s->name, f);
    if (f->tag == SW_PIPE_TAG_RULE_HOST)
      return sw__pipe_dup_text(&s->host, f);
    if (f->tag == SW_PIPE_TAG_STATE)
      s->has_state = sw_nagios_status_from_text(f->s, f->len, &s->state);
  } else if (f->type == SW_TLV_BOOL && f->tag == SW_PIPE_TAG_RULE_ENABLED) {
    s->enabled = f->i != 0;
  }
  return SW_E_OK;
}

static enum sw_error status_nested(void *ctx, struct sw_tlv_reader *rd, uint16_t tag)
{
  struct sw_pipe_status *s = ctx;
  if (tag != SW_PIPE_TAG_RESULT || s->has_result)
    return sw_tlv_skip_record(rd) ? SW_E_OK : SW_E_INVALID_ARGUMENT;
  sw_pipe_result_free(&s->last);
  s->has_result = true;
  return sw_pipe_get_result(rd, &s->last);
}

enum sw_error sw_pipe_get_status(struct sw_tlv_reader *rd, struct sw_pipe_status *out)
{
  sw_pipe_status_init(out);
  return sw_tlv_each_field(rd, status_field, status_nested, out);
}

/* ---- EVENT ----------------------------------------------------------- */

void sw_pipe_put_event(struct sw_buf *out, const struct sw_pipe_event *e)
{
  sw_tlv_begin(out, SW_PIPE_TAG_EVENT);
  sw_tlv_put_int(out, SW_PIPE_TAG_EVENT_KEY, e->key);
  sw_tlv_put_int(out, SW_PIPE_TAG_EVENT_AT, e->at_ms);
  sw_tlv_put_int(out, SW_PIPE_TAG_EVENT_ID, e->event_id);
  sw_tlv_put_str(out, SW_PIPE_TAG_SEVERITY, e->severity);
  if (e->rule_id)
    sw_tlv_put_int(out, SW_PIPE_TAG_RULE_ID, e->rule_id);
  sw_tlv_put_str(out, SW_PIPE_TAG_EVENT_MESSAGE, e->message);
  sw_tlv_end(out);
}

static enum sw_error event_field(void *ctx, const struct sw_tlv_field *f)
{
  struct sw_pipe_event *e = ctx;
  if (f->type == SW_TLV_INT) {
    if (f->tag == SW_PIPE_TAG_EVENT_KEY)
      e->key = f->i;
    else if (f->tag == SW_PIPE_TAG_EVENT_AT)
      e->at_ms = f->i;
    else if (f->tag == SW_PIPE_TAG_EVENT_ID)
      e->event_id = (uint32_t)f->i;
    else if (f->tag == SW_PIPE_TAG_RULE_ID)
      e->rule_id = f->i;
  } else if (f->type == SW_TLV_STR) {
    if (f->tag == SW_PIPE_TAG_SEVERITY)
      sw__pipe_copy_text(e->severity, sizeof e->severity, f);
    else if (f->tag == SW_PIPE_TAG_EVENT_MESSAGE)
      return sw__pipe_dup_text(&e->message, f);
  }
  return SW_E_OK;
}

enum sw_error sw_pipe_get_event(struct sw_tlv_reader *rd, struct sw_pipe_event *out)
{
  memset(out, 0, sizeof *out);
  return sw_tlv_each_field(rd, event_field, NULL, out);
}

void sw_pipe_event_free(struct sw_pipe_event *e)
{
  free(e->message);
  memset(e, 0, sizeof *e);
}

/* ---- SERVICE_INFO_OK -------------------------------------------------- */

/* Its figures; the version and the data folder are texts of fixed size. */
#define AT(m) offsetof(struct sw_pipe_service_info, m)
static const struct sw__pipe_field service_info_fields[] = {
    SW__PF_ROW(SW_PIPE_TAG_UPTIME_S, SW__PF_INT, AT(uptime_s), 0),
    SW__PF_ROW(SW_PIPE_TAG_RULE_COUNT, SW__PF_INT, AT(rules), 0),
    SW__PF_ROW(SW_PIPE_TAG_RULES_ENABLED, SW__PF_INT, AT(rules_enabled), 0),
    SW__PF_ROW(SW_PIPE_TAG_CHECKS_PER_MIN, SW__PF_INT, AT(checks_per_min), 0),
    SW__PF_ROW(SW_PIPE_TAG_CHECKS_IN_FLIGHT, SW__PF_INT, AT(checks_in_flight), 0),
    SW__PF_ROW(SW_PIPE_TAG_CHECKS_TOTAL, SW__PF_INT, AT(checks_total), 0),
    SW__PF_ROW(SW_PIPE_TAG_RESULTS_BUFFERED, SW__PF_INT, AT(results_buffered), 0),
    SW__PF_ROW(SW_PIPE_TAG_PIPE_CLIENTS, SW__PF_INT, AT(pipe_clients), 0),
    SW__PF_ROW(SW_PIPE_TAG_STATUS_REQUESTS, SW__PF_INT, AT(status_requests), 0),
    SW__PF_ROW(SW_PIPE_TAG_SUBSCRIBERS, SW__PF_INT, AT(subscribers), 0),
};
#undef AT

void sw_pipe_put_service_info(struct sw_buf *out, const struct sw_pipe_service_info *i)
{
  sw_tlv_put_str(out, SW_PIPE_TAG_SERVER_VERSION, i->version);
  sw_tlv_put_str(out, SW_PIPE_TAG_DATA_DIR, i->data_dir);
  sw__pipe_put_fields(out, i, service_info_fields, SW_COUNTOF(service_info_fields));
}

static enum sw_error service_info_field(void *ctx, const struct sw_tlv_field *f)
{
  struct sw_pipe_service_info *out = ctx;
  bool known;
  if (f->type == SW_TLV_STR && f->tag == SW_PIPE_TAG_SERVER_VERSION)
    sw__pipe_copy_text(out->version, sizeof out->version, f);
  else if (f->type == SW_TLV_STR && f->tag == SW_PIPE_TAG_DATA_DIR)
    sw__pipe_copy_text(out->data_dir, sizeof out->data_dir, f);
  else
    return sw__pipe_get_field(out, service_info_fields, SW_COUNTOF(service_info_fields),
                              f, &known);
  return SW_E_OK;
}

enum sw_error sw_pipe_get_service_info(const uint8_t *body, size_t len,
                                       struct sw_pipe_service_info *out)
{
  memset(out, 0, sizeof *out);
  return sw_tlv_each_body_field(body, len, service_info_field, NULL, out);
}
