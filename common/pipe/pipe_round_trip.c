/* The round trip's part of a RESULT record (protocol version 5, issue 17):
 * written when the result has one, read into a struct sw_round_trip_result
 * made on its first tag. An older reader skips these tags as unknown. The
 * fields are rows of tables (pipe_fields.h), but for the hops, which go as
 * one text (sw_round_trip_hops_text). */
#include "pipe_round_trip.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "pipe_fields.h"
#include "pipe_protocol.h"
#include "round_trip_result.h"

static_assert(sizeof(unsigned) == sizeof(uint32_t), "the counts travel as U32 rows");

static const char *const protocol_names[] = {SW_ROUND_TRIP_MAP(SW_X_2)};

#define RT struct sw_round_trip_result
#define AT(m) offsetof(RT, m)
static const struct sw__pipe_field fields[] = {
    SW__PF_ENUM_ROW(SW_PIPE_TAG_RT_PROTOCOL, AT(protocol), protocol_names,
                    SW_ROUND_TRIP_IMAP, 0),
    SW__PF_ROW(SW_PIPE_TAG_RT_FOUND, SW__PF_BOOL, AT(found), 0),
    SW__PF_ROW(SW_PIPE_TAG_RT_SUBMIT_US, SW__PF_INT, AT(submit_us), 0),
    SW__PF_ROW(SW_PIPE_TAG_RT_DELIVERY_US, SW__PF_INT, AT(delivery_us), 0),
    SW__PF_ROW(SW_PIPE_TAG_RT_TOTAL_US, SW__PF_INT, AT(total_us), 0),
    SW__PF_ROW(SW_PIPE_TAG_RT_LOOKS, SW__PF_U32, AT(looks), 0),
    SW__PF_CHARS_ROW(SW_PIPE_TAG_RT_PROBE, RT, probe, 0),
    SW__PF_CHARS_ROW(SW_PIPE_TAG_RT_MAILBOX_PEER, RT, mailbox_peer, 0),
    SW__PF_CHARS_ROW(SW_PIPE_TAG_RT_MAILBOX_DETAIL, RT, mailbox_detail, 0),
    SW__PF_ROW(SW_PIPE_TAG_RT_DELETED, SW__PF_BOOL, AT(probe_deleted), 0),
    SW__PF_ROW(SW_PIPE_TAG_RT_STALE_DELETED, SW__PF_U32, AT(stale_deleted), 0),
    SW__PF_ROW(SW_PIPE_TAG_RT_SKIPPED_RUNS, SW__PF_U32, AT(skipped_runs),
               SW__PF_OMIT_ZERO),
};
/* Sent only when the probe had an Authentication-Results: field; any of
 * them read says it had. */
static const struct sw__pipe_field auth_fields[] = {
    SW__PF_CHARS_ROW(SW_PIPE_TAG_RT_AUTHSERV_ID, RT, authserv_id, 0),
    SW__PF_CHARS_ROW(SW_PIPE_TAG_RT_SPF, RT, spf, 0),
    SW__PF_CHARS_ROW(SW_PIPE_TAG_RT_DKIM, RT, dkim, 0),
    SW__PF_CHARS_ROW(SW_PIPE_TAG_RT_DMARC, RT, dmarc, 0),
};
#undef AT
#undef RT

void sw__pipe_put_round_trip(struct sw_buf *out, const struct sw_round_trip_result *rt)
{
  sw__pipe_put_fields(out, rt, fields, SW_COUNTOF(fields));
  struct sw_buf hops;
  sw_buf_init(&hops, 0);
  if (!sw_round_trip_hops_text(rt, &hops))
    sw_tlv_put_strn(out, SW_PIPE_TAG_RT_HOPS, hops.data ? hops.data : "", hops.len);
  sw_buf_free(&hops);
  if (rt->has_auth)
    sw__pipe_put_fields(out, rt, auth_fields, SW_COUNTOF(auth_fields));
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
  if (f->tag == SW_PIPE_TAG_RT_HOPS) {
    if (f->type == SW_TLV_STR)
      sw_round_trip_hops_parse(rt, f->s, f->len);
    return SW_E_OK;
  }
  bool auth = false;
  enum sw_error err =
      sw__pipe_get_field(rt, auth_fields, SW_COUNTOF(auth_fields), f, &auth);
  if (auth) {
    rt->has_auth = true;
    return err;
  }
  bool row = false;
  return sw__pipe_get_field(rt, fields, SW_COUNTOF(fields), f, &row);
}
