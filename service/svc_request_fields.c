/* The top-level fields of a control-pipe request, read once for every
 * handler (docs/pipe-protocol.md). */
#include "svc_request_fields.h"

#include <string.h>

#include "sw_macros.h"

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
  };
  for (size_t i = 0; i < SW_COUNTOF(ints); i++)
    if (ints[i].tag == tag)
      return ints[i].field;
  return NULL;
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
    int64_t *field = int_field(f, x.tag);
    if (field && x.type != SW_TLV_INT)
      f->bad = true;
    else if (field)
      *field = x.i;
    /* else a newer client's field: skipped */
  }
  if (rd.error)
    f->bad = true;
  f->limit = f->limit < 1 ? 1 : f->limit > MAX_LIMIT ? MAX_LIMIT : f->limit;
}

void sw_svc_fields_free(struct sw_svc_fields *f)
{
  if (f->has_rule)
    sw_rule_free(&f->rule.rule);
}
