/* Alert mails as a relay and a mail client see them: the exact headers, a
 * non-ASCII subject as encoded words that decode back, folding and
 * quoted-printable that keep every line short and come back to the same
 * text, no header a rule name could add, and DATA's dot-stuffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"
#include "mail_message.h"

#define AT INT64_C(1796638623) /* Mon, 07 Dec 2026 10:17:03 UTC */

static const char *const two[] = {"ops@example.com", "oncall@example.net"};

static struct sw_mail_message message(const char *subject, const char *body)
{
  return (struct sw_mail_message){.from = "smtpwatch@mon.example.com",
                                  .to = two,
                                  .to_count = 2,
                                  .subject = subject,
                                  .body = body,
                                  .id = "0b5e7c1d-42",
                                  .host = "MAILMON01",
                                  .date = AT};
}

static char *written(const struct sw_mail_message *m)
{
  struct sw_buf b;
  sw_buf_init(&b, 0);
  assert_int_equal(sw_mail_message_write(m, &b), SW_E_OK);
  return sw_buf_take(&b);
}

static void assert_lines_short(const char *text)
{
  for (const char *line = text; *line;) {
    const char *end = strstr(line, "\r\n");
    assert_non_null(end); /* every line ends in CRLF */
    if (end - line > 78)
      fail_msg("a line of %d characters: %.*s", (int)(end - line), (int)(end - line),
               line);
    line = end + 2;
  }
}

static void test_headers_and_body(void **state)
{
  (void)state;
  struct sw_mail_message m =
      message("[SMTP Watch] CRITICAL: Main relay (mail.example.com:25)",
              "Main relay is CRITICAL (it was OK).\n\nFound: a=b\n");
  char *text = written(&m);
  assert_string_equal(
      text, "Date: Mon, 07 Dec 2026 10:17:03 +0000\r\n"
            "From: smtpwatch@mon.example.com\r\n"
            "To: ops@example.com, oncall@example.net\r\n"
            "Subject: [SMTP Watch] CRITICAL: Main relay (mail.example.com:25)\r\n"
            "Message-ID: <0b5e7c1d-42@MAILMON01>\r\n"
            "X-SmtpWatch-Notification-Id: 0b5e7c1d-42\r\n"
            "Auto-Submitted: auto-generated\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "Main relay is CRITICAL (it was OK).\r\n"
            "\r\n"
            "Found: a=3Db\r\n");
  free(text);
}

/* The text of a Subject header, unfolded and its encoded words decoded. */
static void decoded_subject(const char *text, char *out, size_t size)
{
  const char *h = strstr(text, "Subject: ");
  assert_non_null(h);
  h += strlen("Subject: ");
  size_t o = 0;
  while (*h && strncmp(h, "\r\nMessage-ID", 12) != 0) {
    if (strncmp(h, "\r\n ", 3) == 0) {
      h += 3; /* between encoded words, folding whitespace is dropped */
      continue;
    }
    if (strncmp(h, "=?UTF-8?B?", 10) == 0) {
      const char *end = strstr(h + 10, "?=");
      struct sw_buf b;
      sw_buf_init(&b, 0);
      assert_true(sw_base64_decode(h + 10, (size_t)(end - h - 10), &b));
      memcpy(out + o, b.data, b.len);
      o += b.len;
      sw_buf_free(&b);
      h = end + 2;
      continue;
    }
    out[o++] = *h++;
  }
  assert_true(o < size);
  out[o] = '\0';
}

static void test_non_ascii_subject_is_encoded_words(void **state)
{
  (void)state;
  const char *subject =
      "[SMTP Watch] CRITICAL: Relais Z\xC3\xBCrich \xE2\x80\x93 Gro\xC3\x9F"
      "kunden \xF0\x9F\x93\xA7 Eing\xC3\xA4nge (mx.example.ch:25)";
  struct sw_mail_message m = message(subject, "x\n");
  char *text = written(&m);
  assert_non_null(strstr(text, "Subject: =?UTF-8?B?"));
  assert_lines_short(text);
  char back[300];
  decoded_subject(text, back, sizeof back);
  assert_string_equal(back, subject);
  free(text);
}

static void test_long_ascii_subject_folds_before_spaces(void **state)
{
  (void)state;
  const char *subject =
      "[SMTP Watch] CRITICAL: The outbound relay of the branch office in "
      "the north building (relay-north-01.branch.example.com:587)";
  struct sw_mail_message m = message(subject, "x\n");
  char *text = written(&m);
  assert_lines_short(text);
  assert_non_null(strstr(text, "\r\n ")); /* it was folded */
  char back[300];
  decoded_subject(text, back, sizeof back); /* unfolding drops the CRLF only */
  free(text);
}

/* Quoted-printable decoded by hand (RFC 2045 6.7). */
static void qp_decode(const char *body, char *out, size_t size)
{
  size_t o = 0;
  for (const char *p = body; *p && o + 1 < size;) {
    if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
      p += 3;
    } else if (p[0] == '=') {
      unsigned v;
      assert_int_equal(sscanf(p + 1, "%2X", &v), 1);
      out[o++] = (char)v;
      p += 3;
    } else {
      out[o++] = *p++;
    }
  }
  out[o] = '\0';
}

static void test_body_quoted_printable_round_trip(void **state)
{
  (void)state;
  char body[600];
  snprintf(
      body, sizeof body,
      "Found:       554 5.7.1 Zugriff verweigert \xE2\x80\x93 Gr\xC3\xBC\xC3\x9F"
      "e an =alle= \n"
      "%s\n"
      ".a line that starts with a dot\n",
      "A very long reply line from the server that goes on and on beyond the seventy-"
      "six characters quoted-printable allows on one line, to be soft-broken");
  struct sw_mail_message m = message("s", body);
  char *text = written(&m);
  assert_lines_short(text);
  const char *payload = strstr(text, "\r\n\r\n") + 4;
  assert_non_null(strstr(payload, "=E2=80=93"));
  assert_non_null(strstr(payload, "=3D"));     /* "=" itself is encoded */
  assert_non_null(strstr(payload, "=20\r\n")); /* a space at a line's end is kept */
  char back[700], want[700];
  qp_decode(payload, back, sizeof back);
  /* The body's lines, with CRLF. */
  size_t o = 0;
  for (const char *p = body; *p; p++) {
    if (*p == '\n')
      want[o++] = '\r';
    want[o++] = *p;
  }
  want[o] = '\0';
  assert_string_equal(back, want);
  free(text);
}

static void test_no_header_can_be_added(void **state)
{
  (void)state;
  struct sw_buf b;
  sw_buf_init(&b, 0);
  struct sw_mail_message m = message("CRITICAL: x\r\nBcc: everyone@example.com", "x\n");
  assert_int_equal(sw_mail_message_write(&m, &b), SW_E_INVALID_ARGUMENT);
  const char *evil_to[] = {"ops@example.com\nBcc: x@example.com"};
  m = message("s", "x\n");
  m.to = evil_to;
  m.to_count = 1;
  assert_int_equal(sw_mail_message_write(&m, &b), SW_E_INVALID_ARGUMENT);
  m = message("s", "x\n");
  m.to_count = 0;
  assert_int_equal(sw_mail_message_write(&m, &b), SW_E_INVALID_ARGUMENT);
  assert_int_equal(b.len, 0);
  sw_buf_free(&b);
}

static void test_message_id_host(void **state)
{
  (void)state;
  struct sw_mail_message m = message("s", "x\n");
  m.host = "MAIL MON_01";
  char *text = written(&m);
  assert_non_null(strstr(text, "Message-ID: <0b5e7c1d-42@MAILMON01>\r\n"));
  free(text);
  m.host = "";
  text = written(&m);
  assert_non_null(strstr(text, "Message-ID: <0b5e7c1d-42@smtpwatch.invalid>\r\n"));
  free(text);
}

static void test_data_payload_dot_stuffing(void **state)
{
  (void)state;
  struct sw_buf b;
  sw_buf_init(&b, 0);
  const char *text = ".hidden\r\nok\r\n..\r\n";
  assert_int_equal(sw_mail_data_payload(text, strlen(text), &b), SW_E_OK);
  assert_string_equal(sw_buf_str(&b), "..hidden\r\nok\r\n...\r\n.\r\n");
  sw_buf_free(&b);
  sw_buf_init(&b, 0);
  assert_int_equal(sw_mail_data_payload("no end", 6, &b), SW_E_OK);
  assert_string_equal(sw_buf_str(&b), "no end\r\n.\r\n");
  sw_buf_free(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_headers_and_body),
      cmocka_unit_test(test_non_ascii_subject_is_encoded_words),
      cmocka_unit_test(test_long_ascii_subject_folds_before_spaces),
      cmocka_unit_test(test_body_quoted_printable_round_trip),
      cmocka_unit_test(test_no_header_can_be_added),
      cmocka_unit_test(test_message_id_host),
      cmocka_unit_test(test_data_payload_dot_stuffing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
