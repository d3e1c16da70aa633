/* libFuzzer target for the control pipe codec: arbitrary bytes from a
 * client are split into frames, their TLV fields walked, and every RULE and
 * PROBLEM record decoded. Invariants: no crash, no leak, no read outside the
 * input (ASan), and a decoded rule re-encodes to a record that decodes to
 * the same rule. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipe_protocol.h"
#include "pipe_records.h"

/* Checked whatever NDEBUG says: the fuzz build is RelWithDebInfo. */
#define CHECK(x)                                                                         \
  do {                                                                                   \
    if (!(x))                                                                            \
      abort();                                                                           \
  } while (0)

static int same(const char *a, const char *b)
{
  return strcmp(a ? a : "", b ? b : "") == 0;
}

static void roundtrip(const struct sw_pipe_rule *in)
{
  struct sw_buf out;
  sw_buf_init(&out, 0);
  sw_pipe_put_rule(&out, &in->rule, in->revision);
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&r, (const uint8_t *)out.data, out.len);
  if (!out.truncated && sw_tlv_next(&r, &f)) {
    CHECK(f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_RULE);
    struct sw_pipe_rule back;
    enum sw_error err = sw_pipe_get_rule(&r, &back);
    CHECK(err == SW_E_OK);
    const struct sw_rule *a = &in->rule, *b = &back.rule;
    CHECK(a->id == b->id && a->port == b->port && a->timeout_ms == b->timeout_ms);
    CHECK(a->interval_s == b->interval_s && a->enabled == b->enabled);
    CHECK(a->tls_insecure == b->tls_insecure);
    CHECK(a->cert_warn_days == b->cert_warn_days &&
          a->cert_crit_days == b->cert_crit_days);
    CHECK(same(a->name, b->name) && same(a->host, b->host));
    CHECK(same(a->command, b->command) && same(a->expect, b->expect));
    CHECK(same(a->ehlo_name, b->ehlo_name));
    sw_rule_free(&back.rule);
  }
  sw_buf_free(&out);
}

static void walk(const uint8_t *body, size_t len)
{
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  struct sw_rule_problems problems = {0};
  sw_tlv_reader_init(&r, body, len);
  while (sw_tlv_next(&r, &f)) {
    if (f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_RULE) {
      struct sw_pipe_rule rule;
      if (sw_pipe_get_rule(&r, &rule) == SW_E_OK) {
        roundtrip(&rule);
        sw_rule_free(&rule.rule);
      }
    } else if (f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_RESULT) {
      struct sw_pipe_result res;
      sw_pipe_get_result(&r, &res);
      sw_pipe_result_free(&res);
    } else if (f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_STATUS) {
      struct sw_pipe_status st;
      sw_pipe_get_status(&r, &st);
      sw_pipe_status_free(&st);
    } else if (f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_EVENT) {
      struct sw_pipe_event ev;
      sw_pipe_get_event(&r, &ev);
      sw_pipe_event_free(&ev);
    } else if (f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_PROBLEM) {
      sw_pipe_get_problem(&r, &problems);
      CHECK(problems.count <= SW_RULE_FIELD_COUNT);
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  size_t off = 0;
  while (off < size) {
    struct sw_pipe_frame frame;
    size_t used;
    enum sw_pipe_decode d = sw_pipe_frame_decode(data + off, size - off, &frame, &used);
    if (d != SW_PIPE_COMPLETE)
      break;
    CHECK(used >= SW_PIPE_LENGTH_SIZE + SW_PIPE_HEADER_SIZE && used <= size - off);
    walk(frame.body, frame.body_len);
    off += used;
  }
  struct sw_pipe_service_info info;
  sw_pipe_get_service_info(data, size, &info);
  /* The same bytes as a bare TLV body, so fields are reached without the
   * fuzzer first having to find a valid frame header. */
  walk(data, size);
  return 0;
}
