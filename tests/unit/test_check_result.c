/* Check results: the name tables, the sentence a user reads, ownership, and
 * the escaping that keeps server bytes printable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "check_result.h"

static void test_init(void **state)
{
  (void)state;
  struct sw_check_result r;
  memset(&r, 0x5A, sizeof r);
  sw_check_result_init(&r);
  assert_int_equal(r.outcome, SW_OUTCOME_INTERNAL_ERROR);
  for (int i = 0; i < SW_STEP_COUNT; i++)
    assert_int_equal(r.step_us[i], -1);
  assert_null(r.ehlo_keywords);
  assert_string_equal(r.reply, "");
  assert_string_equal(sw_buf_str(&r.transcript), "");
  sw_check_result_free(&r);
  sw_check_result_free(&r); /* harmless twice: free leaves it initialised */
}

static void test_names_round_trip(void **state)
{
  (void)state;
  for (int i = 0; i < SW_OUTCOME_COUNT; i++) {
    enum sw_outcome o = (enum sw_outcome)i, back = SW_OUTCOME_COUNT;
    const char *name = sw_outcome_name(o);
    assert_true(sw_outcome_from_name(name, &back));
    assert_int_equal(back, o);
    /* Sentences for humans start with a capital and end with a period. */
    const char *text = sw_outcome_text(o);
    assert_true(text[0] >= 'A' && text[0] <= 'Z');
    assert_int_equal(text[strlen(text) - 1], '.');
  }
  assert_string_equal(sw_outcome_name(SW_OUTCOME_MISMATCH), "response_mismatch");
  assert_string_equal(sw_outcome_name(SW_OUTCOME_TEMP_REJECT), "temporary_rejection");
  assert_string_equal(sw_outcome_name(SW_OUTCOME_CERT_CHAIN_INCOMPLETE),
                      "certificate_chain_incomplete");
  assert_true(sw_outcome_is_certificate(SW_OUTCOME_CERT_CHAIN_INCOMPLETE));
  assert_true(sw_outcome_is_certificate_warning(SW_OUTCOME_CERT_CHAIN_INCOMPLETE));
  assert_true(sw_outcome_is_certificate_warning(SW_OUTCOME_CERT_EXPIRING));
  assert_false(sw_outcome_is_certificate_warning(SW_OUTCOME_CERT_UNTRUSTED));
  assert_false(sw_outcome_is_certificate_warning(SW_OUTCOME_OK));
  /* Answers with a finding on top, which graphs do not show as failures. */
  assert_true(sw_outcome_answered(SW_OUTCOME_OK));
  assert_true(sw_outcome_answered(SW_OUTCOME_CERT_EXPIRING));
  assert_true(sw_outcome_answered(SW_OUTCOME_BANNER_MISMATCH));
  assert_true(sw_outcome_answered(SW_OUTCOME_CAPABILITIES_CHANGED));
  assert_false(sw_outcome_answered(SW_OUTCOME_OPEN_RELAY));
  assert_false(sw_outcome_answered(SW_OUTCOME_AUTH_FAILED));
  enum sw_outcome o = SW_OUTCOME_OK;
  assert_false(sw_outcome_from_name("OK", &o)); /* names are exact */
  assert_false(sw_outcome_from_name("", &o));
  assert_false(sw_outcome_from_name(NULL, &o));
  assert_int_equal(o, SW_OUTCOME_OK);
  assert_string_equal(sw_outcome_name((enum sw_outcome)99), "unknown");

  assert_string_equal(sw_step_name(SW_STEP_GREETING), "greeting");
  assert_string_equal(sw_step_label(SW_STEP_EHLO), "EHLO");
  assert_string_equal(sw_step_name(SW_STEP_QUIT), "quit");
  assert_string_equal(sw_step_label(SW_STEP_RESOLVE), "name resolution");
  assert_string_equal(sw_step_name(SW_STEP_RCPT), "rcpt");
  assert_string_equal(sw_step_label(SW_STEP_MAIL), "MAIL FROM");
  assert_true(sw_step_is_transaction(SW_STEP_AUTH));
  assert_true(sw_step_is_transaction(SW_STEP_DATA));
  assert_false(sw_step_is_transaction(SW_STEP_EHLO));
  assert_false(sw_step_is_transaction(SW_STEP_COMMAND));
  assert_string_equal(sw_outcome_name(SW_OUTCOME_AUTH_NOT_ENCRYPTED),
                      "auth_not_encrypted");
  assert_string_equal(sw_outcome_name(SW_OUTCOME_MESSAGE_REJECTED), "message_rejected");
  assert_string_equal(sw_outcome_name(SW_OUTCOME_OAUTH_TOKEN_FAILED),
                      "oauth_token_failed");
  assert_string_equal(sw_step_name((enum sw_step)42), "unknown");
  assert_string_equal(sw_step_label((enum sw_step) - 1), "unknown step");

  /* EHLO keywords by bit, as the JSON report and the editor show them. */
  assert_string_equal(sw_cap_name(SW_CAP_BIT_PIPELINING), "PIPELINING");
  assert_string_equal(sw_cap_name(SW_CAP_BIT_STARTTLS), "STARTTLS");
  assert_string_equal(sw_cap_name(SW_CAP_BIT_8BITMIME), "8BITMIME");
  assert_string_equal(sw_cap_name(SW_CAP_BIT_DSN), "DSN");
  assert_string_equal(sw_cap_name((enum sw_cap_bit)SW_CAP_COUNT), "?");
  assert_string_equal(sw_cap_name((enum sw_cap_bit) - 1), "?");
}

static void describe(const struct sw_check_result *r, const char *want)
{
  char out[512];
  sw_check_result_describe(r, out, sizeof out);
  assert_string_equal(out, want);
}

static void test_describe(void **state)
{
  (void)state;
  struct sw_check_result r;
  sw_check_result_init(&r);

  r.outcome = SW_OUTCOME_TIMEOUT;
  r.step = SW_STEP_GREETING;
  r.total_us = 7000000;
  strcpy(r.detail, "the server accepted the connection but sent no greeting");
  describe(&r, "Timed out in the greeting after 7000 ms: the server accepted the "
               "connection but sent no greeting.");

  sw_check_result_init(&r);
  r.outcome = SW_OUTCOME_PERM_REJECT;
  r.step = SW_STEP_GREETING;
  r.reply_code = 554;
  strcpy(r.reply, "554 5.7.1 Access denied");
  describe(&r, "Permanent rejection at the greeting: 554 5.7.1 Access denied");

  sw_check_result_init(&r);
  r.outcome = SW_OUTCOME_OK;
  r.step = SW_STEP_QUIT;
  r.total_us = 11600; /* rounds to 12 ms */
  strcpy(r.reply, "250-mx.example.com\n250 PIPELINING");
  describe(&r, "OK in 12 ms: 250-mx.example.com / 250 PIPELINING");

  sw_check_result_init(&r);
  r.outcome = SW_OUTCOME_MISMATCH;
  r.step = SW_STEP_COMMAND;
  strcpy(r.reply, "250 2.0.0 Ok");
  strcpy(r.detail, "the reply did not contain \"OK\"");
  describe(&r, "Response mismatch at the command: the reply did not contain \"OK\"; the "
               "server said: 250 2.0.0 Ok");

  /* A timeout has no server words, even if a reply was seen before. */
  sw_check_result_init(&r);
  r.outcome = SW_OUTCOME_TIMEOUT;
  r.step = SW_STEP_QUIT;
  r.total_us = 7000000;
  strcpy(r.reply, "250 ok");
  strcpy(r.detail, "the server neither answered QUIT nor closed the connection");
  describe(&r, "Timed out in the QUIT step after 7000 ms: the server neither answered "
               "QUIT nor closed the connection.");

  sw_check_result_init(&r);
  r.outcome = SW_OUTCOME_REFUSED;
  r.step = SW_STEP_CONNECT;
  strcpy(r.detail, "could not connect to 127.0.0.1:25");
  describe(&r, "Connection refused: could not connect to 127.0.0.1:25.");

  sw_check_result_init(&r);
  r.outcome = SW_OUTCOME_CANCELLED;
  r.step = SW_STEP_EHLO;
  describe(&r, "Cancelled in the EHLO step.");

  /* Nonsense values still give a sentence. */
  sw_check_result_init(&r);
  r.outcome = (enum sw_outcome)77;
  r.step = (enum sw_step)77;
  describe(&r, "Internal error during name resolution.");
  sw_check_result_free(&r);
}

static void test_describe_small_buffers(void **state)
{
  (void)state;
  struct sw_check_result r;
  sw_check_result_init(&r);
  r.outcome = SW_OUTCOME_PERM_REJECT;
  r.step = SW_STEP_GREETING;
  memset(r.reply, 'x', sizeof r.reply - 1);
  r.reply[sizeof r.reply - 1] = '\0';
  for (size_t size = 1; size < 60; size++) {
    char out[64];
    memset(out, '#', sizeof out);
    sw_check_result_describe(&r, out, size);
    assert_int_equal(strlen(out), size - 1);
    assert_int_equal(out[size], '#'); /* nothing written past size */
  }
  char one = '#';
  sw_check_result_describe(&r, &one, 0); /* size 0: nothing at all */
  assert_int_equal(one, '#');
  sw_check_result_free(&r);
}

static void test_move_transfers_ownership(void **state)
{
  (void)state;
  struct sw_check_result a, b;
  sw_check_result_init(&a);
  a.outcome = SW_OUTCOME_OK;
  a.ehlo_keywords = malloc(6);
  strcpy(a.ehlo_keywords, "DSN\nX");
  sw__transcript_line(&a, 1500, "S:", "220 hi", 6);
  sw_check_result_move(&b, &a);
  assert_int_equal(b.outcome, SW_OUTCOME_OK);
  assert_string_equal(b.ehlo_keywords, "DSN\nX");
  assert_string_equal(sw_buf_str(&b.transcript), "[    1.500 ms] S: 220 hi\n");
  /* `a` is empty again and owns nothing (ASan would see a double free). */
  assert_null(a.ehlo_keywords);
  assert_int_equal(a.transcript.len, 0);
  assert_int_equal(a.outcome, SW_OUTCOME_INTERNAL_ERROR);
  sw_check_result_free(&a);
  sw_check_result_free(&b);
}

static void test_escape(void **state)
{
  (void)state;
  char out[64];
  assert_true(sw__escape_text(out, sizeof out, "plain text", 10, false));
  assert_string_equal(out, "plain text");
  /* Controls, a NUL, DEL, a C1 control, bad UTF-8 and a backslash. */
  const char raw[] = "a\x1b[31m\0\x7f\xc2\x85\xff\\z";
  assert_true(sw__escape_text(out, sizeof out, raw, sizeof raw - 1, false));
  assert_string_equal(out, "a\\x1B[31m\\x00\\x7F\\xC2\\x85\\xFF\\\\z");
  /* Well-formed UTF-8 stays readable. */
  assert_true(
      sw__escape_text(out, sizeof out, "gr\xc3\xbc\xc3\x9f \xe2\x82\xac", 10, false));
  assert_string_equal(out, "gr\xc3\xbc\xc3\x9f \xe2\x82\xac");
  /* A truncated sequence at the end is escaped, not dropped. */
  assert_true(sw__escape_text(out, sizeof out, "x\xe2\x82", 3, false));
  assert_string_equal(out, "x\\xE2\\x82");
  /* LF kept only when asked. */
  assert_true(sw__escape_text(out, sizeof out, "a\nb", 3, true));
  assert_string_equal(out, "a\nb");
  assert_true(sw__escape_text(out, sizeof out, "a\nb", 3, false));
  assert_string_equal(out, "a\\x0Ab");
}

static void test_escape_cuts_at_boundaries(void **state)
{
  (void)state;
  char out[12];
  assert_false(sw__escape_text(out, sizeof out, "abcdefghijklmnop", 16, false));
  assert_string_equal(out, "abcdefgh...");
  /* Never half an escape or half a character. */
  assert_false(sw__escape_text(out, sizeof out, "abcdef\x01zzzzzz", 13, false));
  assert_string_equal(out, "abcdef...");
  assert_false(sw__escape_text(out, sizeof out,
                               "abcdefg\xe2\x82\xac"
                               "zz",
                               12, false));
  assert_string_equal(out, "abcdefg...");
  /* Exactly fitting needs no "...". */
  assert_true(sw__escape_text(out, sizeof out, "abcdefghijk", 11, false));
  assert_string_equal(out, "abcdefghijk");
  char tiny[3];
  assert_false(sw__escape_text(tiny, sizeof tiny, "abcd", 4, false));
  assert_string_equal(tiny, "");
}

static void test_transcript_limit(void **state)
{
  (void)state;
  struct sw_check_result r;
  sw_check_result_init(&r);
  char line[400];
  memset(line, 'x', sizeof line);
  int n = 0;
  while (!r.transcript.truncated && n < 1000) {
    sw__transcript_line(&r, (int64_t)n * 1000, "S:", line, sizeof line);
    n++;
  }
  assert_true(r.transcript.truncated);
  assert_true(n > 32768 / 450 && n < 32768 / 400 + 2);
  size_t len = r.transcript.len;
  assert_true(len <= SW_TRANSCRIPT_MAX + 200);
  const char *t = sw_buf_str(&r.transcript);
  assert_non_null(strstr(t, "-- transcript truncated"));
  assert_int_equal(t[len - 1], '\n');
  /* Later lines are dropped, the note is not repeated. */
  sw__transcript_line(&r, 99000000, "S:", "250 ok", 6);
  assert_int_equal(r.transcript.len, len);
  sw_check_result_free(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_init),
      cmocka_unit_test(test_names_round_trip),
      cmocka_unit_test(test_describe),
      cmocka_unit_test(test_describe_small_buffers),
      cmocka_unit_test(test_move_transfers_ownership),
      cmocka_unit_test(test_escape),
      cmocka_unit_test(test_escape_cuts_at_boundaries),
      cmocka_unit_test(test_transcript_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
