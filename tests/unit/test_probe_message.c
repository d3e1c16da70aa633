/* The round trip's probe message (common/mailbox/probe_message.c): the
 * exact text, its form (CRLF, short lines, ASCII), refusals (header
 * injection among them), and its X-SmtpWatch-Probe header read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "header_block.h"
#include "probe_message.h"
#include "received_hops.h"

#define AT INT64_C(1796638623) /* 2026-12-07 10:17:03 UTC */

static struct sw_probe_message good(void)
{
  return (struct sw_probe_message){.rule = "17",
                                   .nonce = "9f86d081884c7d659a2feaa0c55ad015",
                                   .from = "monitor@example.com",
                                   .to = "probe@mail.example.net",
                                   .id_domain = "host.example.com",
                                   .date = AT,
                                   .utc_offset_min = 60};
}

static void test_exact_text(void **state)
{
  (void)state;
  struct sw_probe_message p = good();
  struct sw_buf b;
  char why[200] = "";
  sw_buf_init(&b, 0);
  assert_int_equal(sw_probe_message_write(&p, &b, why, sizeof why), SW_E_OK);
  assert_string_equal(
      sw_buf_str(&b),
      "Date: Mon, 07 Dec 2026 11:17:03 +0100\r\n"
      "From: <monitor@example.com>\r\n"
      "To: <probe@mail.example.net>\r\n"
      "Subject: SMTP Watch round-trip probe 17\r\n"
      "Message-ID: <9f86d081884c7d659a2feaa0c55ad015@host.example.com>\r\n"
      "X-SmtpWatch-Probe: 17/9f86d081884c7d659a2feaa0c55ad015\r\n"
      "Auto-Submitted: auto-generated\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=us-ascii\r\n"
      "Content-Transfer-Encoding: 7bit\r\n"
      "\r\n"
      "SMTP Watch sent this message to check that mail reaches this\r\n"
      "mailbox. It deletes the message when it finds it, and any probe\r\n"
      "of the same rule older than a day.\r\n"
      "\r\n"
      "Rule: 17\r\n"
      "Probe: 9f86d081884c7d659a2feaa0c55ad015\r\n"
      "Sent: Mon, 07 Dec 2026 11:17:03 +0100\r\n");
  sw_buf_free(&b);
}

/* The longest fields still make lines of at most 998 characters, CRLF
 * only, ASCII only; the header reader finds the probe's header. */
static void test_form_at_the_limits(void **state)
{
  (void)state;
  char rule[SW_PROBE_RULE_MAX + 1], nonce[SW_PROBE_NONCE_MAX + 1], local[65], to[255];
  memset(rule, 'r', SW_PROBE_RULE_MAX);
  rule[SW_PROBE_RULE_MAX] = '\0';
  memset(nonce, 'N', SW_PROBE_NONCE_MAX);
  nonce[SW_PROBE_NONCE_MAX] = '\0';
  memset(local, 'l', 64);
  local[64] = '\0';
  snprintf(to, sizeof to, "%s@%s.%s.%s", local, local + 1, local + 1,
           local + 3); /* 254 */
  struct sw_probe_message p = good();
  p.rule = rule;
  p.nonce = nonce;
  p.to = to;
  p.utc_offset_min = -(12 * 60);
  struct sw_buf b;
  char why[200] = "";
  sw_buf_init(&b, 0);
  assert_int_equal(sw_probe_message_write(&p, &b, why, sizeof why), SW_E_OK);
  const char *s = sw_buf_str(&b);
  size_t line = 0;
  for (size_t i = 0; i < b.len; i++) {
    assert_true((unsigned char)s[i] < 0x80);
    if (s[i] == '\n') {
      assert_true(i > 0 && s[i - 1] == '\r'); /* no bare LF */
      line = 0;
    } else if (s[i] != '\r') {
      assert_true(++line <= 998);
    } else {
      assert_true(i + 1 < b.len && s[i + 1] == '\n'); /* no bare CR */
    }
  }
  struct sw_buf v;
  enum sw_error err = SW_E_OK;
  sw_buf_init(&v, 0);
  assert_true(sw_header_find(s, b.len, SW_PROBE_HEADER, &v, &err));
  char r[SW_PROBE_RULE_MAX + 1], n[SW_PROBE_NONCE_MAX + 1];
  assert_true(sw_probe_tag_parse(sw_buf_str(&v), v.len, r, sizeof r, n, sizeof n));
  assert_string_equal(r, rule);
  assert_string_equal(n, nonce);
  /* Not yet sent anywhere: no hops. */
  struct sw_received_hops hops;
  assert_int_equal(sw_received_hops_parse(s, b.len, &hops), SW_E_OK);
  assert_int_equal(hops.count, 0);
  sw_buf_free(&v);
  sw_buf_free(&b);
}

/* Each bad field is refused with a sentence that names it, and nothing is
 * written; a CR or LF anywhere (a header of the caller's own) among them. */
static void test_refusals(void **state)
{
  (void)state;
  static const struct {
    const char *field, *value, *said;
  } bad[] = {
      {"rule", "", "rule tag"},
      {"rule", "my rule", "rule tag"},
      {"rule", "17\r\nBcc: victim@example.org", "rule tag"},
      {"nonce", "short", "nonce"},
      {"nonce", "9f86d081884c7d65\r\nBcc: x@y", "nonce"},
      {"nonce", "9f86d081-884c7d65", "nonce"},
      {"from", "monitor@example.com\r\nBcc: victim@example.org", "sender"},
      {"from", "not an address", "sender"},
      {"to", "probe@example.net\nX-Evil: 1", "recipient"},
      {"to", NULL, "recipient"},
      {"id_domain", "host.example.com>\r\nBcc: x@y", "Message-ID"},
      {"id_domain", "", "Message-ID"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct sw_probe_message p = good();
    if (strcmp(bad[i].field, "rule") == 0)
      p.rule = bad[i].value;
    else if (strcmp(bad[i].field, "nonce") == 0)
      p.nonce = bad[i].value;
    else if (strcmp(bad[i].field, "from") == 0)
      p.from = bad[i].value;
    else if (strcmp(bad[i].field, "to") == 0)
      p.to = bad[i].value;
    else
      p.id_domain = bad[i].value;
    struct sw_buf b;
    char why[200] = "";
    sw_buf_init(&b, 0);
    assert_int_equal(sw_probe_message_write(&p, &b, why, sizeof why),
                     SW_E_INVALID_ARGUMENT);
    assert_int_equal(b.len, 0);
    if (!strstr(why, bad[i].said))
      fail_msg("%s=%s: \"%s\" does not say \"%s\"", bad[i].field, bad[i].value, why,
               bad[i].said);
    sw_buf_free(&b);
  }
  struct sw_probe_message p = good();
  char why[200];
  p.utc_offset_min = 24 * 60;
  assert_false(sw_probe_message_check(&p, why, sizeof why));
  assert_non_null(strstr(why, "UTC offset"));
  p = good();
  p.date = INT64_C(253402300800); /* year 10000 */
  assert_false(sw_probe_message_check(&p, why, sizeof why));
  assert_non_null(strstr(why, "date"));
  p = good();
  p.id_domain = "[192.0.2.7]"; /* an address literal is a fine id-right */
  assert_true(sw_probe_message_check(&p, why, sizeof why));
}

static void test_tag_read_back(void **state)
{
  (void)state;
  char rule[SW_PROBE_RULE_MAX + 1], nonce[SW_PROBE_NONCE_MAX + 1];
  assert_true(sw_probe_tag_parse(" 17/9f86d081884c7d65 ", 21, rule, sizeof rule, nonce,
                                 sizeof nonce));
  assert_string_equal(rule, "17");
  assert_string_equal(nonce, "9f86d081884c7d65");
  /* What a search for "17/" also finds is told apart by the caller. */
  assert_true(sw_probe_tag_parse("117/9f86d081884c7d65", 20, rule, sizeof rule, nonce,
                                 sizeof nonce));
  assert_string_equal(rule, "117");
  static const char *const bad[] = {"",
                                    "17",
                                    "/9f86d081884c7d65",
                                    "17/short",
                                    "17/9f86d081884c7d65/x",
                                    "1 7/9f86d081884c7d65",
                                    "17/9f86d081884c7d65 trailing"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (sw_probe_tag_parse(bad[i], strlen(bad[i]), rule, sizeof rule, nonce,
                           sizeof nonce))
      fail_msg("read \"%s\"", bad[i]);
  /* Too small for the caller's buffers: refused, not cut. */
  assert_false(
      sw_probe_tag_parse("17/9f86d081884c7d65", 19, rule, 2, nonce, sizeof nonce));
  assert_false(
      sw_probe_tag_parse("17/9f86d081884c7d65", 19, rule, sizeof rule, nonce, 16));
  assert_false(sw_probe_tag_parse(NULL, 0, rule, sizeof rule, nonce, sizeof nonce));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_exact_text),
      cmocka_unit_test(test_form_at_the_limits),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_tag_read_back),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
