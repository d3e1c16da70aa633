/* The AVAILABILITY record (pipe_report.h): totals by kind, outages and
 * per-step percentiles of one rule. */
#include "pipe_report.h"

#include <stdlib.h>
#include <string.h>

#include "pipe_fields.h"
#include "pipe_protocol.h"

/* The tags of the totals, in SW_AVAIL_KIND_MAP order. */
static const uint16_t kind_tags[SW_AVAIL_KIND_COUNT] = {
    SW_PIPE_TAG_OK_MS, SW_PIPE_TAG_WARNING_MS, SW_PIPE_TAG_CRITICAL_MS,
    SW_PIPE_TAG_UNKNOWN_MS, SW_PIPE_TAG_MAINTENANCE_MS};
static const uint16_t percentile_tags[SW_AVAIL_PERCENTILE_COUNT] = {
    SW_PIPE_TAG_P50_US, SW_PIPE_TAG_P95_US, SW_PIPE_TAG_P99_US};

void sw_pipe_put_availability(struct sw_buf *out, const struct sw_pipe_availability *a)
{
  sw_tlv_begin(out, SW_PIPE_TAG_AVAILABILITY);
  sw__pipe_put_rule_identity(out, a->rule_id, a->name, a->host, a->port);
  sw_tlv_put_int(out, SW_PIPE_TAG_PERIOD_MS, a->totals.period_ms);
  for (int k = 0; k < SW_AVAIL_KIND_COUNT; k++)
    sw_tlv_put_int(out, kind_tags[k], a->totals.ms[k]);
  sw_tlv_put_int(out, SW_PIPE_TAG_CHECKS, a->totals.checks);
  for (size_t i = 0; i < a->outage_count; i++) {
    const struct sw_outage *o = &a->outages[i];
    sw_tlv_begin(out, SW_PIPE_TAG_OUTAGE);
    sw_tlv_put_int(out, SW_PIPE_TAG_OUTAGE_START, o->start_ms);
    sw_tlv_put_int(out, SW_PIPE_TAG_OUTAGE_END, o->end_ms);
    sw_tlv_put_str(out, SW_PIPE_TAG_OUTCOME, sw_outcome_name(o->outcome));
    sw_tlv_put_bool(out, SW_PIPE_TAG_OUTAGE_OPEN, o->open);
    sw_tlv_put_bool(out, SW_PIPE_TAG_OUTAGE_BEFORE, o->began_before);
    sw_tlv_end(out);
  }
  for (size_t i = 0; i < a->step_count; i++) {
    const struct sw_pipe_step_latency *s = &a->steps[i];
    sw_tlv_begin(out, SW_PIPE_TAG_STEP_LATENCY);
    sw_tlv_put_str(out, SW_PIPE_TAG_STEP, sw_step_name(s->step));
    sw_tlv_put_int(out, SW_PIPE_TAG_SAMPLES, (int64_t)s->samples);
    for (int p = 0; p < SW_AVAIL_PERCENTILE_COUNT; p++)
      sw_tlv_put_int(out, percentile_tags[p], s->percentile_us[p]);
    sw_tlv_end(out);
  }
  sw_tlv_end(out);
}

static enum sw_error outage_field(void *ctx, const struct sw_tlv_field *f)
{
  struct sw_outage *o = ctx;
  if (f->tag == SW_PIPE_TAG_OUTAGE_START && f->type == SW_TLV_INT)
    o->start_ms = f->i;
  else if (f->tag == SW_PIPE_TAG_OUTAGE_END && f->type == SW_TLV_INT)
    o->end_ms = f->i;
  else if (f->tag == SW_PIPE_TAG_OUTAGE_OPEN && f->type == SW_TLV_BOOL)
    o->open = f->i != 0;
  else if (f->tag == SW_PIPE_TAG_OUTAGE_BEFORE && f->type == SW_TLV_BOOL)
    o->began_before = f->i != 0;
  else if (f->tag == SW_PIPE_TAG_OUTCOME && f->type == SW_TLV_STR) {
    char name[64];
    sw__pipe_copy_text(name, sizeof name, f);
    if (!sw_outcome_from_name(name, &o->outcome))
      o->outcome = SW_OUTCOME_INTERNAL_ERROR; /* a newer service's outcome */
  }
  return SW_E_OK;
}

/* A step record; `known` is false for a step this build does not know. */
struct step_read {
  struct sw_pipe_step_latency s;
  bool known;
};

static enum sw_error step_field(void *ctx, const struct sw_tlv_field *f)
{
  struct step_read *r = ctx;
  if (f->tag == SW_PIPE_TAG_STEP && f->type == SW_TLV_STR)
    r->known = sw_step_from_name(f->s, f->len, &r->s.step);
  else if (f->tag == SW_PIPE_TAG_SAMPLES && f->type == SW_TLV_INT)
    r->s.samples = f->i < 0 ? 0 : (uint64_t)f->i;
  for (int p = 0; p < SW_AVAIL_PERCENTILE_COUNT; p++)
    if (f->tag == percentile_tags[p] && f->type == SW_TLV_INT)
      r->s.percentile_us[p] = f->i;
  return SW_E_OK;
}

static enum sw_error read_outage(struct sw_pipe_availability *a, struct sw_tlv_reader *rd)
{
  void *grown = realloc(a->outages, (a->outage_count + 1) * sizeof *a->outages);
  if (!grown)
    return SW_E_NOMEM;
  a->outages = grown;
  struct sw_outage *o = &a->outages[a->outage_count++];
  memset(o, 0, sizeof *o);
  return sw_tlv_each_field(rd, outage_field, NULL, o);
}

static enum sw_error availability_nested(void *ctx, struct sw_tlv_reader *rd,
                                         uint16_t tag)
{
  struct sw_pipe_availability *a = ctx;
  if (tag == SW_PIPE_TAG_OUTAGE)
    return read_outage(a, rd);
  if (tag != SW_PIPE_TAG_STEP_LATENCY)
    return sw_tlv_skip_record(rd) ? SW_E_OK : SW_E_INVALID_ARGUMENT;
  struct step_read r = {.known = false};
  for (int p = 0; p < SW_AVAIL_PERCENTILE_COUNT; p++)
    r.s.percentile_us[p] = -1;
  enum sw_error err = sw_tlv_each_field(rd, step_field, NULL, &r);
  if (!err && r.known && a->step_count < SW_STEP_COUNT)
    a->steps[a->step_count++] = r.s;
  return err;
}

static enum sw_error availability_field(void *ctx, const struct sw_tlv_field *f)
{
  struct sw_pipe_availability *a = ctx;
  if (f->type == SW_TLV_STR &&
      (f->tag == SW_PIPE_TAG_RULE_NAME || f->tag == SW_PIPE_TAG_RULE_HOST)) {
    char **dst = f->tag == SW_PIPE_TAG_RULE_NAME ? &a->name : &a->host;
    free(*dst);
    *dst = sw_tlv_strdup(f);
    return *dst ? SW_E_OK : SW_E_NOMEM;
  }
  if (f->type != SW_TLV_INT)
    return SW_E_OK;
  if (f->tag == SW_PIPE_TAG_RULE_ID)
    a->rule_id = f->i;
  else if (f->tag == SW_PIPE_TAG_RULE_PORT)
    a->port = f->i;
  else if (f->tag == SW_PIPE_TAG_PERIOD_MS)
    a->totals.period_ms = f->i;
  else if (f->tag == SW_PIPE_TAG_CHECKS)
    a->totals.checks = f->i;
  for (int k = 0; k < SW_AVAIL_KIND_COUNT; k++)
    if (f->tag == kind_tags[k])
      a->totals.ms[k] = f->i;
  return SW_E_OK;
}

enum sw_error sw_pipe_get_availability(struct sw_tlv_reader *rd,
                                       struct sw_pipe_availability *out)
{
  memset(out, 0, sizeof *out);
  return sw_tlv_each_field(rd, availability_field, availability_nested, out);
}

void sw_pipe_availability_free(struct sw_pipe_availability *a)
{
  free(a->name);
  free(a->host);
  free(a->outages);
  memset(a, 0, sizeof *a);
}
