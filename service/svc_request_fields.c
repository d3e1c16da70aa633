/* The top-level fields of a control-pipe request, read once for every
 * handler (docs/pipe-protocol.md). */
#include "svc_request_fields.h"

#include <stdlib.h>
#include <string.h>

#include "sw_macros.h"

/* LIMIT when the client gives none, and the most a page may hold. */
#define DEFAULT_LIMIT 100
#define MAX_LIMIT 1000

/* The one record of each kind a request may carry; a second one, or a
 * record of another kind, is skipped. */
static enum sw_error nested_record(struct sw_svc_fields *f, struct sw_tlv_reader *rd,
                                   uint16_t tag)
{
  enum sw_error err;
  if (tag == SW_PIPE_TAG_RULE && !f->has_rule) {
    err = sw_pipe_get_rule_input(rd, &f->rule, &f->secrets);
    f->has_rule = err == SW_E_OK;
  } else if (tag == SW_PIPE_TAG_NOTIFIER && !f->has_notifier) {
    err = sw_pipe_get_notifier_input(rd, &f->notifier);
    f->has_notifier = true; /* freed either way */
  } else if (tag == SW_PIPE_TAG_MAINTENANCE && !f->has_maint) {
    err = sw_pipe_get_maintenance(rd, &f->maint);
    f->has_maint = true;
  } else if (tag == SW_PIPE_TAG_RULE_ALERTS && !f->has_alerts) {
    err = sw_pipe_get_rule_alerts(rd, &f->alerts);
    f->has_alerts = true;
  } else {
    err = sw_tlv_skip_record(rd) ? SW_E_OK : SW_E_INVALID_ARGUMENT;
  }
  return err;
}

/* The text field `tag` is read into; NULL for a tag that is not one. */
static char **text_field(struct sw_svc_fields *f, uint16_t tag)
{
  return tag == SW_PIPE_TAG_NOTIFIER_NAME ? &f->notifier_name
         : tag == SW_PIPE_TAG_ACK_COMMENT ? &f->comment
                                          : NULL;
}

/* The INT field `tag` is read into; NULL for a tag that is not one. */
static int64_t *int_field(struct sw_svc_fields *f, uint16_t tag)
{
  const struct {
    uint16_t tag;
    int64_t *field;
  } ints[] = {
      {SW_PIPE_TAG_RULE_ID, &f->rule_id},
      {SW_PIPE_TAG_BEFORE, &f->before},
      {SW_PIPE_TAG_BEFORE_AT, &f->before_at},
      {SW_PIPE_TAG_AFTER, &f->after},
      {SW_PIPE_TAG_LIMIT, &f->limit},
      {SW_PIPE_TAG_VERSION_MIN, &f->version_min},
      {SW_PIPE_TAG_VERSION_MAX, &f->version_max},
      {SW_PIPE_TAG_MAINT_ID, &f->maint_id},
      {SW_PIPE_TAG_REPORT_FROM, &f->report_from},
      {SW_PIPE_TAG_REPORT_UNTIL, &f->report_until},
  };
  for (size_t i = 0; i < SW_COUNTOF(ints); i++)
    if (ints[i].tag == tag)
      return ints[i].field;
  return NULL;
}

void sw_svc_fields_read(const struct sw_pipe_frame *req, struct sw_svc_fields *f)
{
  memset(f, 0, sizeof *f);
  sw_pipe_notifier_input_init(&f->notifier);
  sw_pipe_maintenance_init(&f->maint);
  sw_pipe_rule_alerts_init(&f->alerts);
  f->enabled = -1;
  f->limit = DEFAULT_LIMIT;
  f->frame = req;
  struct sw_tlv_reader rd;
  struct sw_tlv_field x;
  sw_tlv_reader_init(&rd, req->body, req->body_len);
  while (sw_tlv_next(&rd, &x)) {
    if (x.type == SW_TLV_BEGIN) {
      if (nested_record(f, &rd, x.tag) != SW_E_OK)
        f->bad = true;
      continue;
    }
    char **text = text_field(f, x.tag);
    if (text) {
      if (x.type != SW_TLV_STR)
        f->bad = true;
      else if (!*text && !(*text = sw_tlv_strdup(&x)))
        f->bad = true; /* out of memory: refused rather than read as absent */
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
    int64_t *field = int_field(f, x.tag);
    if (field && x.type != SW_TLV_INT)
      f->bad = true;
    else if (field)
      *field = x.i;
    /* else a newer client's field: skipped */
  }
  if (rd.error)
    f->bad = true;
  if (req->message == SW_PIPE_MSG_SUBSCRIBE &&
      sw_pipe_get_subscribe(req->body, req->body_len, &f->subscribe) != SW_E_OK)
    f->bad = true;
  f->limit = f->limit < 1 ? 1 : f->limit > MAX_LIMIT ? MAX_LIMIT : f->limit;
}

void sw_svc_fields_free(struct sw_svc_fields *f)
{
  if (f->has_rule)
    sw_rule_free(&f->rule.rule);
  sw_pipe_rule_secrets_free(&f->secrets);
  sw_pipe_notifier_input_free(&f->notifier); /* wipes the secrets */
  sw_pipe_maintenance_free(&f->maint);
  sw_pipe_rule_alerts_free(&f->alerts);
  free(f->notifier_name);
  free(f->comment);
  f->notifier_name = f->comment = NULL;
}
