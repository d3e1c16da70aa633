/* The control pipe codec: frames split anywhere, hostile lengths, malformed
 * fields, and rules that survive the trip with every field intact. What a
 * user notices: the editor and the command line see exactly what the
 * service stored, and a misbehaving client gets an error, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pipe_protocol.h"
#include "rule_fixture.h"

static void full_rule(struct sw_rule *r)
{
  sw_rule_init_defaults(r);
  r->id = 42;
  sw_rule_set_string(&r->name, "Relay \xc3\xa9t\xc3\xa9");
  sw_rule_set_string(&r->host, "mx.example.com");
  r->port = 587;
  sw_rule_set_string(&r->command, "VRFY postmaster");
  sw_rule_set_string(&r->expect, "252");
  r->timeout_ms = 9000;
  sw_rule_set_string(&r->ehlo_name, "[192.0.2.7]");
  r->interval_s = 300;
  r->enabled = false;
  r->tls_mode = SW_TLS_REQUIRE_STARTTLS;
  r->tls_insecure = true;
  r->cert_warn_days = 30;
  r->cert_crit_days = 10;
  sw_test_rule_past_handshake(r);
  sw_test_rule_round_trip(r);
}

/* Encodes a frame holding one RULE record. */
static void rule_frame(struct sw_buf *out, const struct sw_rule *r, int64_t revision)
{
  size_t start;
  assert_int_equal(sw_pipe_frame_begin(out, SW_PIPE_MSG_RULE_UPDATE, 7, &start), SW_E_OK);
  sw_pipe_put_rule(out, r, revision);
  assert_int_equal(sw_pipe_frame_end(out, start), SW_E_OK);
}

static void decode_rule_body(const struct sw_pipe_frame *fr, struct sw_pipe_rule *out)
{
  struct sw_tlv_reader rd;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&rd, fr->body, fr->body_len);
  assert_true(sw_tlv_next(&rd, &f));
  assert_int_equal(f.type, SW_TLV_BEGIN);
  assert_int_equal(f.tag, SW_PIPE_TAG_RULE);
  assert_int_equal(sw_pipe_get_rule(&rd, out), SW_E_OK);
  assert_false(sw_tlv_next(&rd, &f));
  assert_int_equal(rd.error, SW_E_OK);
}

static void rule_survives_the_trip(void **state)
{
  (void)state;
  struct sw_rule r;
  full_rule(&r);
  struct sw_buf out;
  sw_buf_init(&out, 0);
  rule_frame(&out, &r, 5);

  struct sw_pipe_frame fr;
  size_t used;
  assert_int_equal(sw_pipe_frame_decode((uint8_t *)out.data, out.len, &fr, &used),
                   SW_PIPE_COMPLETE);
  assert_int_equal(used, out.len);
  assert_int_equal(fr.message, SW_PIPE_MSG_RULE_UPDATE);
  assert_int_equal(fr.request_id, 7);
  struct sw_pipe_rule back;
  decode_rule_body(&fr, &back);
  assert_int_equal(back.revision, 5);
  assert_int_equal(back.rule.id, 42);
  assert_string_equal(back.rule.name, r.name);
  assert_string_equal(back.rule.host, "mx.example.com");
  assert_int_equal(back.rule.port, 587);
  assert_string_equal(back.rule.command, "VRFY postmaster");
  assert_string_equal(back.rule.expect, "252");
  assert_int_equal(back.rule.timeout_ms, 9000);
  assert_string_equal(back.rule.ehlo_name, "[192.0.2.7]");
  assert_int_equal(back.rule.interval_s, 300);
  assert_false(back.rule.enabled);
  assert_int_equal(back.rule.tls_mode, SW_TLS_REQUIRE_STARTTLS);
  assert_true(back.rule.tls_insecure);
  assert_int_equal(back.rule.cert_warn_days, 30);
  assert_int_equal(back.rule.cert_crit_days, 10);
  assert_int_equal(sw_rule_diff(&back.rule, &r), 0); /* and every other field */
  sw_rule_free(&back.rule);
  sw_rule_free(&r);
  sw_buf_free(&out);
}

static bool has_bytes(const char *data, size_t len, const char *what)
{
  size_t n = strlen(what);
  for (size_t i = 0; i + n <= len; i++)
    if (memcmp(data + i, what, n) == 0)
      return true;
  return false;
}

/* Secrets go from a client to the service only: the service's encoder has
 * no way to write them, a client's decoder skips them. */
static void rule_secrets_travel_one_way(void **state)
{
  (void)state;
  struct sw_rule r;
  full_rule(&r);
  char password[] = "pa55-w0rd", client_secret[] = "cl1ent-s3cret";
  char mailbox[] = "m41lb0x-pw";
  struct sw_pipe_rule_secrets sent = {password, client_secret, mailbox};
  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_pipe_put_rule_input(&body, &r, 2, &sent);

  struct sw_tlv_reader rd;
  struct sw_tlv_field f;
  struct sw_pipe_rule back;
  struct sw_pipe_rule_secrets got;
  sw_tlv_reader_init(&rd, (const uint8_t *)body.data, body.len);
  assert_true(sw_tlv_next(&rd, &f));
  assert_int_equal(sw_pipe_get_rule_input(&rd, &back, &got), SW_E_OK);
  assert_string_equal(got.auth_password, password);
  assert_string_equal(got.oauth_client_secret, client_secret);
  assert_string_equal(got.mailbox_password, mailbox);
  assert_int_equal(sw_rule_diff(&back.rule, &r), 0);
  sw_pipe_rule_secrets_free(&got);
  assert_null(got.auth_password);
  sw_rule_free(&back.rule);

  /* Only one sent: the other stays NULL (an update keeps it). */
  sent.oauth_client_secret = NULL;
  body.len = 0;
  sw_pipe_put_rule_input(&body, &r, 2, &sent);
  sw_tlv_reader_init(&rd, (const uint8_t *)body.data, body.len);
  assert_true(sw_tlv_next(&rd, &f));
  assert_int_equal(sw_pipe_get_rule_input(&rd, &back, &got), SW_E_OK);
  assert_null(got.oauth_client_secret);
  sw_pipe_rule_secrets_free(&got);
  sw_rule_free(&back.rule);

  /* The service's encoder: the facts, never the bytes. */
  body.len = 0;
  sw_pipe_put_rule(&body, &r, 2);
  assert_false(has_bytes(body.data, body.len, password));
  assert_false(has_bytes(body.data, body.len, mailbox));
  sw_tlv_reader_init(&rd, (const uint8_t *)body.data, body.len);
  assert_true(sw_tlv_next(&rd, &f));
  assert_int_equal(sw_pipe_get_rule(&rd, &back), SW_E_OK);
  assert_true(back.rule.auth_password_set);
  sw_rule_free(&back.rule);
  sw_rule_free(&r);
  sw_buf_free(&body);
}

/* Two frames back to back, delivered split at every offset: the decoder
 * waits for whole frames and never consumes a partial one. */
static void frames_split_anywhere(void **state)
{
  (void)state;
  struct sw_rule r;
  full_rule(&r);
  struct sw_buf out;
  sw_buf_init(&out, 0);
  rule_frame(&out, &r, 1);
  size_t first = out.len;
  assert_int_equal(sw_pipe_encode_error(&out, 9, SW_PIPE_ERR_STALE, NULL), SW_E_OK);
  const uint8_t *all = (const uint8_t *)out.data;
  for (size_t cut = 0; cut <= out.len; cut++) {
    struct sw_pipe_frame fr;
    size_t used;
    enum sw_pipe_decode d = sw_pipe_frame_decode(all, cut, &fr, &used);
    if (cut < first) {
      assert_int_equal(d, SW_PIPE_PARTIAL);
      assert_int_equal(used, 0);
    } else {
      assert_int_equal(d, SW_PIPE_COMPLETE);
      assert_int_equal(used, first);
      d = sw_pipe_frame_decode(all + first, cut - first, &fr, &used);
      assert_int_equal(d, cut == out.len ? SW_PIPE_COMPLETE : SW_PIPE_PARTIAL);
    }
  }
  sw_rule_free(&r);
  sw_buf_free(&out);
}

static void hostile_lengths_are_refused_early(void **state)
{
  (void)state;
  struct sw_pipe_frame fr;
  size_t used;
  /* 1 MiB + 1, judged from the four length bytes alone */
  const uint8_t big[4] = {0x01, 0x00, 0x10, 0x00};
  assert_int_equal(sw_pipe_frame_decode(big, 4, &fr, &used), SW_PIPE_TOO_LARGE);
  const uint8_t huge[4] = {0xff, 0xff, 0xff, 0xff};
  assert_int_equal(sw_pipe_frame_decode(huge, 4, &fr, &used), SW_PIPE_TOO_LARGE);
  /* shorter than the header */
  const uint8_t tiny[8] = {3, 0, 0, 0, 1, 0, 0};
  assert_int_equal(sw_pipe_frame_decode(tiny, 7, &fr, &used), SW_PIPE_MALFORMED);
  /* unknown flags */
  const uint8_t flags[12] = {8, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0};
  assert_int_equal(sw_pipe_frame_decode(flags, 12, &fr, &used), SW_PIPE_MALFORMED);
  /* a push (version 4) has no request id: one that has is malformed */
  const uint8_t push_with_id[12] = {8, 0, 0, 0, 119, 0, 1, 0, 7, 0, 0, 0};
  assert_int_equal(sw_pipe_frame_decode(push_with_id, 12, &fr, &used), SW_PIPE_MALFORMED);
  const uint8_t push[12] = {8, 0, 0, 0, 119, 0, 1, 0, 0, 0, 0, 0};
  assert_int_equal(sw_pipe_frame_decode(push, 12, &fr, &used), SW_PIPE_COMPLETE);
  assert_int_equal(fr.flags, SW_PIPE_FLAG_PUSH);
  assert_int_equal(fr.request_id, 0);
}

static void oversized_frames_are_not_sent(void **state)
{
  (void)state;
  struct sw_buf out;
  sw_buf_init(&out, 0);
  assert_int_equal(sw_pipe_encode_error(&out, 1, SW_PIPE_ERR_BUSY, NULL), SW_E_OK);
  size_t before = out.len;
  size_t start;
  sw_pipe_frame_begin(&out, SW_PIPE_MSG_RULE_LIST_OK, 2, &start);
  char *chunk = malloc(64 * 1024);
  memset(chunk, 'x', 64 * 1024);
  for (int i = 0; i < 17; i++)
    sw_tlv_put_strn(&out, SW_PIPE_TAG_RULE_NAME, chunk, 64 * 1024);
  assert_int_equal(sw_pipe_frame_end(&out, start), SW_E_INVALID_ARGUMENT);
  assert_int_equal(out.len, before); /* the earlier frame is intact */
  free(chunk);
  sw_buf_free(&out);
}

/* Every prefix of a valid body and a handful of corruptions: each ends in
 * an error or a clean end, and never reads outside the buffer (ASan). */
static void malformed_fields_are_errors(void **state)
{
  (void)state;
  struct sw_rule r;
  full_rule(&r);
  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_pipe_put_rule(&body, &r, 3);
  for (size_t cut = 0; cut < body.len; cut++) {
    uint8_t *copy = malloc(cut ? cut : 1);
    memcpy(copy, body.data, cut);
    struct sw_tlv_reader rd;
    struct sw_tlv_field f;
    sw_tlv_reader_init(&rd, copy, cut);
    if (cut > 0) {
      assert_true(sw_tlv_next(&rd, &f) || rd.error);
      if (!rd.error) {
        struct sw_pipe_rule back;
        assert_int_equal(sw_pipe_get_rule(&rd, &back), SW_E_INVALID_ARGUMENT);
      }
    }
    free(copy);
  }

  struct sw_tlv_reader rd;
  struct sw_tlv_field f;
  const uint8_t end_first[3] = {0, 0, SW_TLV_END};
  sw_tlv_reader_init(&rd, end_first, 3);
  assert_false(sw_tlv_next(&rd, &f));
  assert_int_equal(rd.error, SW_E_INVALID_ARGUMENT);

  const uint8_t bad_type[3] = {1, 0, 9};
  sw_tlv_reader_init(&rd, bad_type, 3);
  assert_false(sw_tlv_next(&rd, &f));
  assert_int_equal(rd.error, SW_E_INVALID_ARGUMENT);

  const uint8_t nul_in_string[9] = {23, 0, SW_TLV_STR, 2, 0, 0, 0, 'a', 0};
  sw_tlv_reader_init(&rd, nul_in_string, 9);
  assert_false(sw_tlv_next(&rd, &f));

  const uint8_t bool_two[4] = {31, 0, SW_TLV_BOOL, 2};
  sw_tlv_reader_init(&rd, bool_two, 4);
  assert_false(sw_tlv_next(&rd, &f));

  uint8_t deep[3 * (SW_TLV_MAX_DEPTH + 1)];
  for (int i = 0; i <= SW_TLV_MAX_DEPTH; i++) {
    deep[3 * i] = 20;
    deep[3 * i + 1] = 0;
    deep[3 * i + 2] = SW_TLV_BEGIN;
  }
  sw_tlv_reader_init(&rd, deep, sizeof deep);
  int n = 0;
  while (sw_tlv_next(&rd, &f))
    n++;
  assert_int_equal(n, SW_TLV_MAX_DEPTH);
  assert_int_equal(rd.error, SW_E_INVALID_ARGUMENT);

  /* an open record at the end of the body */
  const uint8_t open_record[3] = {20, 0, SW_TLV_BEGIN};
  sw_tlv_reader_init(&rd, open_record, 3);
  assert_true(sw_tlv_next(&rd, &f));
  assert_false(sw_tlv_next(&rd, &f));
  assert_int_equal(rd.error, SW_E_INVALID_ARGUMENT);

  sw_rule_free(&r);
  sw_buf_free(&body);
}

/* A client that leaves fields out gets the defaults; one that sends fields
 * we do not know (a newer version) is understood; a wrong type is an error;
 * absurd numbers reach the validator instead of wrapping around. */
static void partial_and_unknown_fields(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_tlv_begin(&body, SW_PIPE_TAG_RULE);
  sw_tlv_put_str(&body, SW_PIPE_TAG_RULE_NAME, "new");
  sw_tlv_put_str(&body, SW_PIPE_TAG_RULE_HOST, "192.0.2.1");
  sw_tlv_put_str(&body, 999, "from the future");
  sw_tlv_begin(&body, 998);
  sw_tlv_put_int(&body, 1, 1);
  sw_tlv_end(&body);
  sw_tlv_put_int(&body, SW_PIPE_TAG_RULE_PORT, 70000);
  sw_tlv_put_str(&body, SW_PIPE_TAG_RULE_TLS_MODE, "ssl");
  sw_tlv_end(&body);

  struct sw_tlv_reader rd;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&rd, (uint8_t *)body.data, body.len);
  assert_true(sw_tlv_next(&rd, &f));
  struct sw_pipe_rule back;
  assert_int_equal(sw_pipe_get_rule(&rd, &back), SW_E_OK);
  assert_string_equal(back.rule.name, "new");
  assert_int_equal(back.rule.timeout_ms, SW_RULE_DEFAULT_TIMEOUT_MS);
  assert_true(back.rule.enabled);
  struct sw_rule_problems p;
  assert_false(sw_rule_validate(&back.rule, &p));
  assert_non_null(sw_rule_problems_find(&p, SW_RULE_FIELD_PORT));
  assert_non_null(sw_rule_problems_find(&p, SW_RULE_FIELD_TLS_MODE));
  assert_int_equal(p.count, 2);
  sw_rule_free(&back.rule);

  sw_buf_free(&body);
  sw_buf_init(&body, 0);
  sw_tlv_begin(&body, SW_PIPE_TAG_RULE);
  sw_tlv_put_int(&body, SW_PIPE_TAG_RULE_NAME, 5); /* a number where text belongs */
  sw_tlv_end(&body);
  sw_tlv_reader_init(&rd, (uint8_t *)body.data, body.len);
  assert_true(sw_tlv_next(&rd, &f));
  assert_int_equal(sw_pipe_get_rule(&rd, &back), SW_E_INVALID_ARGUMENT);
  sw_buf_free(&body);
}

static void problems_and_errors_round_trip(void **state)
{
  (void)state;
  struct sw_rule r;
  sw_rule_init_defaults(&r);
  r.port = 0;
  struct sw_rule_problems p;
  assert_false(sw_rule_validate(&r, &p)); /* no name, no host, port 0 */
  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_pipe_put_problems(&body, &p);
  struct sw_rule_problems back = {0};
  struct sw_tlv_reader rd;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&rd, (uint8_t *)body.data, body.len);
  while (sw_tlv_next(&rd, &f))
    assert_int_equal(sw_pipe_get_problem(&rd, &back), SW_E_OK);
  assert_int_equal(rd.error, SW_E_OK);
  assert_int_equal(back.count, p.count);
  for (size_t i = 0; i < p.count; i++) {
    assert_int_equal(back.items[i].field, p.items[i].field);
    assert_string_equal(back.items[i].message, p.items[i].message);
  }
  sw_buf_free(&body);

  struct sw_buf out;
  sw_buf_init(&out, 0);
  assert_int_equal(sw_pipe_encode_error(&out, 77, SW_PIPE_ERR_STALE, NULL), SW_E_OK);
  struct sw_pipe_frame fr;
  size_t used;
  assert_int_equal(sw_pipe_frame_decode((uint8_t *)out.data, out.len, &fr, &used),
                   SW_PIPE_COMPLETE);
  assert_int_equal(fr.message, SW_PIPE_MSG_ERROR);
  assert_int_equal(fr.request_id, 77);
  sw_tlv_reader_init(&rd, fr.body, fr.body_len);
  assert_true(sw_tlv_next(&rd, &f));
  enum sw_pipe_error e;
  assert_true(sw_pipe_error_from_code(f.s, f.len, &e));
  assert_int_equal(e, SW_PIPE_ERR_STALE);
  assert_true(sw_tlv_next(&rd, &f));
  assert_int_equal(f.tag, SW_PIPE_TAG_ERROR_MESSAGE);
  assert_memory_equal(f.s, "The rule was changed", 20);
  sw_buf_free(&out);

  assert_string_equal(sw_pipe_msg_name(SW_PIPE_MSG_RULE_ADD), "RULE_ADD");
  assert_null(sw_pipe_msg_name(12345));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rule_survives_the_trip),
      cmocka_unit_test(rule_secrets_travel_one_way),
      cmocka_unit_test(frames_split_anywhere),
      cmocka_unit_test(hostile_lengths_are_refused_early),
      cmocka_unit_test(oversized_frames_are_not_sent),
      cmocka_unit_test(malformed_fields_are_errors),
      cmocka_unit_test(partial_and_unknown_fields),
      cmocka_unit_test(problems_and_errors_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
