/* The top-level fields of a control-pipe request, read once for every
 * handler (docs/pipe-protocol.md). */
#include "svc_request_fields.h"

#include <string.h>

/* LIMIT when the client gives none, and the most a page may hold. */
#define DEFAULT_LIMIT 100
#define MAX_LIMIT 1000

static enum sw_error nested_rule(void *ctx, struct sw_tlv_reader *rd, uint16_t tag)
{
  struct sw_svc_fields *f = ctx;
  if (tag != SW_PIPE_TAG_RULE || f->has_rule)
    return sw_tlv_skip_record(rd) ? SW_E_OK : SW_E_INVALID_ARGUMENT;
  enum sw_error err = sw_pipe_get_rule(rd, &f->rule);
  f->has_rule = err == SW_E_OK;
  return err;
}

void sw_svc_fields_read(const struct sw_pipe_frame *req, struct sw_svc_fields *f)
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

void sw_svc_fields_free(struct sw_svc_fields *f)
{
  if (f->has_rule)
    sw_rule_free(&f->rule.rule);
}
