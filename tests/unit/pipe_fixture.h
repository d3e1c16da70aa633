/* Shared by the pipe records' test programs (test_pipe_records.c,
 * test_pipe_notifier.c, test_pipe_alert_records.c): reading back a record
 * an encoder wrote, and a status to start from. Static inline functions, so that each
 * test program stays one source file. */
#ifndef SW_PIPE_FIXTURE_H
#define SW_PIPE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pipe_records.h"
#include "pipe_tlv.h"
#include "sw_buf.h"

/* Positions `rd` on `body` just after the BEGIN of its first record, which
 * must be a `tag` record. */
static inline void pipe_open_record(const struct sw_buf *body, struct sw_tlv_reader *rd,
                                    uint16_t tag)
{
  struct sw_tlv_field f;
  sw_tlv_reader_init(rd, (const uint8_t *)body->data, body->len);
  assert_true(sw_tlv_next(rd, &f));
  assert_int_equal(f.type, SW_TLV_BEGIN);
  assert_int_equal(f.tag, tag);
}

/* Whether any field of `body`, at any depth, has `tag` (END fields, whose
 * tag is 0, do not count). The body must be well formed. */
static inline bool pipe_has_tag(const struct sw_buf *body, uint16_t tag)
{
  struct sw_tlv_reader rd;
  struct sw_tlv_field f;
  bool found = false;
  sw_tlv_reader_init(&rd, (const uint8_t *)body->data, body->len);
  while (sw_tlv_next(&rd, &f))
    found = found || (f.tag == tag && f.type != SW_TLV_END);
  assert_int_equal(rd.error, SW_E_OK);
  return found;
}

/* A rule's status as both status tests start it: rule 12, "Main relay" on
 * mx.example.com:25, enabled, CRITICAL (strings borrowed). */
static inline void pipe_status_sample(struct sw_pipe_status *s)
{
  sw_pipe_status_init(s);
  s->rule_id = 12;
  s->name = "Main relay";
  s->host = "mx.example.com";
  s->port = 25;
  s->enabled = true;
  s->has_state = true;
  s->state = SW_NAGIOS_CRITICAL;
}

#endif
