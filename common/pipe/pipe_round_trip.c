/* The round trip's part of a RESULT record (protocol version 5, issue 17):
 * written when the result has one, read into a struct sw_round_trip_result
 * made on its first tag. An older reader skips these tags as unknown. */
#include "pipe_round_trip.h"

#include <stdlib.h>
#include <string.h>

#include "pipe_fields.h"
#include "pipe_protocol.h"
#include "round_trip_result.h"

void sw__pipe_put_round_trip(struct sw_buf *out, const struct sw_round_trip_result *rt)
{
  sw_tlv_put_str(out, SW_PIPE_TAG_RT_PROTOCOL, sw_round_trip_name(rt->protocol));
  sw_tlv_put_bool(out, SW_PIPE_TAG_RT_FOUND, rt->found);
  sw_tlv_put_int(out, SW_PIPE_TAG_RT_SUBMIT_US, rt->submit_us);
  sw_tlv_put_int(out, SW_PIPE_TAG_RT_DELIVERY_US, rt->delivery_us);
  sw_tlv_put_int(out, SW_PIPE_TAG_RT_TOTAL_US, rt->total_us);
  sw_tlv_put_int(out, SW_PIPE_TAG_RT_LOOKS, rt->looks);
  sw_tlv_put_str(out, SW_PIPE_TAG_RT_PROBE, rt->probe);
  sw_tlv_put_str(out, SW_PIPE_TAG_RT_MAILBOX_PEER, rt->mailbox_peer);
  sw_tlv_put_str(out, SW_PIPE_TAG_RT_MAILBOX_DETAIL, rt->mailbox_detail);
  sw_tlv_put_bool(out, SW_PIPE_TAG_RT_DELETED, rt->probe_deleted);
  sw_tlv_put_int(out, SW_PIPE_TAG_RT_STALE_DELETED, rt->stale_deleted);
  if (rt->skipped_runs)
    sw_tlv_put_int(out, SW_PIPE_TAG_RT_SKIPPED_RUNS, rt->skipped_runs);
  struct sw_buf hops;
  sw_buf_init(&hops, 0);
  if (!sw_round_trip_hops_text(rt, &hops))
    sw_tlv_put_strn(out, SW_PIPE_TAG_RT_HOPS, hops.data ? hops.data : "", hops.len);
  sw_buf_free(&hops);
  if (rt->has_auth) {
    sw_tlv_put_str(out, SW_PIPE_TAG_RT_AUTHSERV_ID, rt->authserv_id);
    sw_tlv_put_str(out, SW_PIPE_TAG_RT_SPF, rt->spf);
    sw_tlv_put_str(out, SW_PIPE_TAG_RT_DKIM, rt->dkim);
    sw_tlv_put_str(out, SW_PIPE_TAG_RT_DMARC, rt->dmarc);
  }
}

static void get_int(struct sw_round_trip_result *rt, const struct sw_tlv_field *f)
{
  switch (f->tag) {
  case SW_PIPE_TAG_RT_SUBMIT_US:
    rt->submit_us = f->i;
    break;
  case SW_PIPE_TAG_RT_DELIVERY_US:
    rt->delivery_us = f->i;
    break;
  case SW_PIPE_TAG_RT_TOTAL_US:
    rt->total_us = f->i;
    break;
  case SW_PIPE_TAG_RT_LOOKS:
    rt->looks = f->i < 0 ? 0 : f->i > 1000000 ? 1000000 : (unsigned)f->i;
    break;
  case SW_PIPE_TAG_RT_STALE_DELETED:
    rt->stale_deleted = f->i < 0 ? 0 : f->i > 1000000 ? 1000000 : (unsigned)f->i;
    break;
  case SW_PIPE_TAG_RT_SKIPPED_RUNS:
    rt->skipped_runs = f->i < 0 ? 0 : f->i > 1000000 ? 1000000 : (unsigned)f->i;
    break;
  default:
    break;
  }
}

static void get_str(struct sw_round_trip_result *rt, const struct sw_tlv_field *f)
{
  char name[16];
  switch (f->tag) {
  case SW_PIPE_TAG_RT_PROTOCOL:
    sw__pipe_copy_text(name, sizeof name, f);
    if (!sw_round_trip_from_name(name, &rt->protocol))
      rt->protocol = SW_ROUND_TRIP_IMAP;
    break;
  case SW_PIPE_TAG_RT_PROBE:
    sw__pipe_copy_text(rt->probe, sizeof rt->probe, f);
    break;
  case SW_PIPE_TAG_RT_MAILBOX_PEER:
    sw__pipe_copy_text(rt->mailbox_peer, sizeof rt->mailbox_peer, f);
    break;
  case SW_PIPE_TAG_RT_MAILBOX_DETAIL:
    sw__pipe_copy_text(rt->mailbox_detail, sizeof rt->mailbox_detail, f);
    break;
  case SW_PIPE_TAG_RT_HOPS:
    sw_round_trip_hops_parse(rt, f->s, f->len);
    break;
  case SW_PIPE_TAG_RT_AUTHSERV_ID:
    rt->has_auth = true;
    sw__pipe_copy_text(rt->authserv_id, sizeof rt->authserv_id, f);
    break;
  case SW_PIPE_TAG_RT_SPF:
    sw__pipe_copy_text(rt->spf, sizeof rt->spf, f);
    break;
  case SW_PIPE_TAG_RT_DKIM:
    sw__pipe_copy_text(rt->dkim, sizeof rt->dkim, f);
    break;
  case SW_PIPE_TAG_RT_DMARC:
    sw__pipe_copy_text(rt->dmarc, sizeof rt->dmarc, f);
    break;
  default:
    break;
  }
}

enum sw_error sw__pipe_get_round_trip_field(struct sw_round_trip_result **slot,
                                            const struct sw_tlv_field *f, bool *known)
{
  *known = f->tag >= SW_PIPE_TAG_RT_PROTOCOL && f->tag <= SW_PIPE_TAG_RT_SKIPPED_RUNS;
  if (!*known)
    return SW_E_OK;
  if (!*slot && !(*slot = sw_round_trip_result_new(SW_ROUND_TRIP_IMAP)))
    return SW_E_NOMEM;
  struct sw_round_trip_result *rt = *slot;
  if (f->type == SW_TLV_INT)
    get_int(rt, f);
  else if (f->type == SW_TLV_STR)
    get_str(rt, f);
  else if (f->type == SW_TLV_BOOL && f->tag == SW_PIPE_TAG_RT_FOUND)
    rt->found = f->i != 0;
  else if (f->type == SW_TLV_BOOL && f->tag == SW_PIPE_TAG_RT_DELETED)
    rt->probe_deleted = f->i != 0;
  return SW_E_OK;
}
