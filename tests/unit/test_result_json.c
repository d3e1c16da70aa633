/* The JSON writer (escaping, structure, misuse) and the result document of
 * `smtpwatch check --json`. Output is checked both as exact text and with a
 * strict RFC 8259 syntax check, so that nothing a server sends can make it
 * unparsable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_writer.h"
#include "result_json.h"
#include "sw_utf8.h"

/* ---- a strict JSON syntax checker (RFC 8259), for the tests only ---------- */

struct jp {
  const char *s;
  size_t i, n;
  int depth;
};

static bool jp_value(struct jp *p);

static void jp_ws(struct jp *p)
{
  while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]) && p->s[p->i])
    p->i++;
}

static bool jp_lit(struct jp *p, const char *lit)
{
  size_t len = strlen(lit);
  if (p->n - p->i < len || memcmp(p->s + p->i, lit, len) != 0)
    return false;
  p->i += len;
  return true;
}

static bool jp_digit(struct jp *p)
{
  return p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9';
}

static bool jp_number(struct jp *p)
{
  if (p->i < p->n && p->s[p->i] == '-')
    p->i++;
  if (!jp_digit(p))
    return false;
  if (p->s[p->i] == '0')
    p->i++;
  else
    while (jp_digit(p))
      p->i++;
  if (p->i < p->n && p->s[p->i] == '.') {
    p->i++;
    if (!jp_digit(p))
      return false;
    while (jp_digit(p))
      p->i++;
  }
  if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
    p->i++;
    if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
      p->i++;
    if (!jp_digit(p))
      return false;
    while (jp_digit(p))
      p->i++;
  }
  return true;
}

static bool jp_string(struct jp *p)
{
  if (p->i >= p->n || p->s[p->i] != '"')
    return false;
  p->i++;
  while (p->i < p->n) {
    unsigned char c = (unsigned char)p->s[p->i++];
    if (c == '"')
      return true;
    if (c < 0x20)
      return false;
    if (c == '\\') {
      if (p->i >= p->n)
        return false;
      char e = p->s[p->i++];
      if (e == 'u') {
        for (int k = 0; k < 4; k++, p->i++)
          if (p->i >= p->n || !strchr("0123456789abcdefABCDEF", p->s[p->i]) ||
              !p->s[p->i])
            return false;
      } else if (!strchr("\"\\/bfnrt", e) || !e) {
        return false;
      }
    }
  }
  return false;
}

static bool jp_container(struct jp *p, char close, bool object)
{
  p->i++;
  if (++p->depth > 64)
    return false;
  jp_ws(p);
  if (p->i < p->n && p->s[p->i] == close) {
    p->i++;
    p->depth--;
    return true;
  }
  for (;;) {
    if (object) {
      if (!jp_string(p))
        return false;
      jp_ws(p);
      if (p->i >= p->n || p->s[p->i++] != ':')
        return false;
    }
    if (!jp_value(p))
      return false;
    jp_ws(p);
    if (p->i >= p->n)
      return false;
    char c = p->s[p->i++];
    if (c == close)
      break;
    if (c != ',')
      return false;
    jp_ws(p);
  }
  p->depth--;
  return true;
}

static bool jp_value(struct jp *p)
{
  jp_ws(p);
  if (p->i >= p->n)
    return false;
  bool ok;
  switch (p->s[p->i]) {
  case '{':
    ok = jp_container(p, '}', true);
    break;
  case '[':
    ok = jp_container(p, ']', false);
    break;
  case '"':
    ok = jp_string(p);
    break;
  case 't':
    ok = jp_lit(p, "true");
    break;
  case 'f':
    ok = jp_lit(p, "false");
    break;
  case 'n':
    ok = jp_lit(p, "null");
    break;
  default:
    ok = jp_number(p);
    break;
  }
  jp_ws(p);
  return ok;
}

/* True if text[0..len) is one JSON value in well-formed UTF-8. */
static bool is_valid_json(const char *text, size_t len)
{
  struct jp p = {text, 0, len, 0};
  return sw_utf8_valid(text, len) && jp_value(&p) && p.i == len;
}

static void test_checker_rejects_bad_json(void **state)
{
  (void)state;
  /* The checker itself must be able to fail, or the tests below prove
   * nothing. */
  static const char *const bad[] = {
      "",   "{",   "{\"a\"}", "{\"a\":1,}", "[1 2]",     "\"a\nb\"", "\"\\x41\"",
      "01", "tru", "[1]]",    "{a:1}",      "\"\\u12\"", "\"\xFF\""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (is_valid_json(bad[i], strlen(bad[i])))
      fail_msg("checker accepted %s", bad[i]);
  static const char *const good[] = {
      "{}", "[]", "0", "-1.5e+3", "\"\\u00e9\"", "{\"a\":[1,{\"b\":null}],\"c\":true}"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    assert_true(is_valid_json(good[i], strlen(good[i])));
}

/* ---- escaping ------------------------------------------------------------ */

static void escapes_to(const char *in, size_t len, const char *want)
{
  struct sw_buf b;
  sw_buf_init(&b, 0);
  assert_int_equal(sw_json_append_string(&b, in, len), SW_E_OK);
  assert_string_equal(sw_buf_str(&b), want);
  assert_true(is_valid_json(b.data, b.len));
  sw_buf_free(&b);
}

#define ESCAPES(in, want) escapes_to(in, sizeof(in) - 1, want)

static void test_escaping(void **state)
{
  (void)state;
  ESCAPES("", "\"\"");
  ESCAPES("plain text 250 ok", "\"plain text 250 ok\"");
  ESCAPES("say \"hi\"", "\"say \\\"hi\\\"\"");
  ESCAPES("C:\\temp\\", "\"C:\\\\temp\\\\\"");
  ESCAPES("a\nb\rc\td\be\ff", "\"a\\nb\\rc\\td\\be\\ff\"");
  ESCAPES("\x01\x1f\x1b[0m", "\"\\u0001\\u001f\\u001b[0m\"");
  ESCAPES("a\0b", "\"a\\u0000b\"");
  /* DEL, '/' and non-ASCII need no escape: passed through as they are. */
  ESCAPES("\x7f/", "\"\x7f/\"");
  ESCAPES("gr\xC3\xBC\xC3\x9F \xE2\x82\xAC \xF0\x9F\x93\xAE",
          "\"gr\xC3\xBC\xC3\x9F \xE2\x82\xAC \xF0\x9F\x93\xAE\"");
}

static void test_bad_utf8_becomes_replacement_characters(void **state)
{
  (void)state;
#define FFFD "\xEF\xBF\xBD"
  ESCAPES("a\xFF"
          "b",
          "\"a" FFFD "b\"");
  ESCAPES("Latin-1 \xE9t\xE9", "\"Latin-1 " FFFD "t" FFFD "\"");
  ESCAPES("\xC0\xAF", "\"" FFFD FFFD "\"");          /* overlong '/' */
  ESCAPES("\xED\xA0\x80", "\"" FFFD FFFD FFFD "\""); /* a surrogate */
  ESCAPES("cut \xE2\x82", "\"cut " FFFD "\"");       /* one maximal subpart */
  ESCAPES("\xE2\x82\"", "\"" FFFD "\\\"\"");         /* and the quote survives */
  ESCAPES("\xF4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
#undef FFFD
}

/* ---- the writer ----------------------------------------------------------- */

static void test_structure(void **state)
{
  (void)state;
  struct sw_buf b;
  sw_buf_init(&b, 0);
  struct sw_json j;
  sw_json_init(&j, &b);
  sw_json_begin_object(&j);
  sw_json_key(&j, "a");
  sw_json_begin_array(&j);
  sw_json_int(&j, 1);
  sw_json_int(&j, INT64_MIN);
  sw_json_int(&j, INT64_MAX);
  sw_json_bool(&j, true);
  sw_json_bool(&j, false);
  sw_json_null(&j);
  sw_json_string(&j, NULL);
  sw_json_string(&j, "x");
  sw_json_end_array(&j);
  sw_json_key(&j, "b\"");
  sw_json_begin_object(&j);
  sw_json_end_object(&j);
  sw_json_key(&j, "c");
  sw_json_begin_array(&j);
  sw_json_begin_array(&j);
  sw_json_end_array(&j);
  sw_json_begin_object(&j);
  sw_json_key(&j, "d");
  sw_json_int(&j, 0);
  sw_json_end_object(&j);
  sw_json_end_array(&j);
  sw_json_end_object(&j);
  assert_int_equal(sw_json_finish(&j), SW_E_OK);
  assert_string_equal(
      sw_buf_str(&b),
      "{\"a\":[1,-9223372036854775808,9223372036854775807,true,false,null,"
      "null,\"x\"],\"b\\\"\":{},\"c\":[[],{\"d\":0}]}");
  assert_true(is_valid_json(b.data, b.len));
  sw_buf_free(&b);

  /* A scalar is a document too. */
  sw_buf_init(&b, 0);
  sw_json_init(&j, &b);
  sw_json_string(&j, "alone");
  assert_int_equal(sw_json_finish(&j), SW_E_OK);
  assert_string_equal(sw_buf_str(&b), "\"alone\"");
  sw_buf_free(&b);
}

/* Runs `misuse` on a fresh writer and checks it is refused and sticky. */
static void refused(void (*misuse)(struct sw_json *))
{
  struct sw_buf b;
  sw_buf_init(&b, 0);
  struct sw_json j;
  sw_json_init(&j, &b);
  misuse(&j);
  assert_int_equal(sw_json_finish(&j), SW_E_INVALID_ARGUMENT);
  size_t len = b.len;
  sw_json_null(&j); /* nothing more is written after an error */
  sw_json_end_object(&j);
  assert_int_equal(b.len, len);
  assert_int_equal(sw_json_finish(&j), SW_E_INVALID_ARGUMENT);
  sw_buf_free(&b);
}

static void value_without_key(struct sw_json *j)
{
  sw_json_begin_object(j);
  sw_json_int(j, 1);
}

static void key_in_array(struct sw_json *j)
{
  sw_json_begin_array(j);
  sw_json_key(j, "a");
}

static void key_after_key(struct sw_json *j)
{
  sw_json_begin_object(j);
  sw_json_key(j, "a");
  sw_json_key(j, "b");
}

static void wrong_end(struct sw_json *j)
{
  sw_json_begin_object(j);
  sw_json_end_array(j);
}

static void end_after_key(struct sw_json *j)
{
  sw_json_begin_object(j);
  sw_json_key(j, "a");
  sw_json_end_object(j);
}

static void left_open(struct sw_json *j)
{
  sw_json_begin_array(j);
  sw_json_int(j, 1);
}

static void two_documents(struct sw_json *j)
{
  sw_json_int(j, 1);
  sw_json_int(j, 2);
}

static void nothing(struct sw_json *j)
{
  (void)j;
}

static void too_deep(struct sw_json *j)
{
  for (int i = 0; i <= SW_JSON_MAX_DEPTH; i++)
    sw_json_begin_array(j);
}

static void test_misuse_is_refused(void **state)
{
  (void)state;
  refused(value_without_key);
  refused(key_in_array);
  refused(key_after_key);
  refused(wrong_end);
  refused(end_after_key);
  refused(left_open);
  refused(two_documents);
  refused(nothing);
  refused(too_deep);
}

static void test_full_buffer_is_an_error(void **state)
{
  (void)state;
  struct sw_buf b;
  sw_buf_init(&b, 16);
  struct sw_json j;
  sw_json_init(&j, &b);
  sw_json_begin_array(&j);
  sw_json_string(&j, "longer than sixteen bytes");
  sw_json_end_array(&j);
  assert_int_equal(sw_json_finish(&j), SW_E_NOMEM);
  sw_buf_free(&b);
}

/* ---- the result document -------------------------------------------------- */

/* strdup is not C11. */
static char *copy_string(const char *s)
{
  char *p = malloc(strlen(s) + 1);
  assert_non_null(p);
  return strcpy(p, s);
}

static void make_result(struct sw_check_result *r)
{
  sw_check_result_init(r);
  r->outcome = SW_OUTCOME_OK;
  r->step = SW_STEP_QUIT;
  r->reply_code = 250;
  strcpy(r->enhanced_code, "2.0.0");
  strcpy(r->reply, "250 2.0.0 Ok");
  strcpy(r->peer, "127.0.0.1:2525");
  strcpy(r->greeting_host, "mx");
  r->caps = SW_CAP(PIPELINING) | SW_CAP(8BITMIME) | SW_CAP(SMTPUTF8);
  r->ehlo_keywords = copy_string("PIPELINING\nSIZE 10240000\n8BITMIME\nSMTPUTF8");
  r->step_us[SW_STEP_RESOLVE] = 3;
  r->step_us[SW_STEP_CONNECT] = 250;
  r->step_us[SW_STEP_GREETING] = 4100;
  r->step_us[SW_STEP_EHLO] = 1200;
  r->step_us[SW_STEP_QUIT] = 800;
  r->total_us = 6353;
  sw_buf_appends(&r->transcript, "[    0.250 ms] S: 220 mx ESMTP\r\n"
                                 "[    4.350 ms] C: EHLO probe.example.com\n");
}

static void test_result_document(void **state)
{
  (void)state;
  struct sw_check_result r;
  make_result(&r);
  char message[1024];
  sw_check_result_describe(&r, message, sizeof message);
  struct sw_buf quoted;
  sw_buf_init(&quoted, 0);
  sw_json_append_string(&quoted, message, strlen(message));

  struct sw_buf out;
  sw_buf_init(&out, 0);
  assert_int_equal(sw_result_to_json(&r, "localhost", 2525, SW_NAGIOS_OK, &out), SW_E_OK);
  char want[2048];
  snprintf(
      want, sizeof want,
      "{\"host\":\"localhost\",\"port\":2525,\"peer\":\"127.0.0.1:2525\","
      "\"greeting_host\":\"mx\",\"ptr_name\":null,"
      "\"status\":\"OK\",\"exit_code\":0,\"outcome\":\"ok\",\"step\":\"quit\","
      "\"message\":%s,\"reply_code\":250,\"enhanced_code\":\"2.0.0\","
      "\"reply\":\"250 2.0.0 Ok\",\"used_helo\":false,"
      "\"capabilities\":[\"PIPELINING\",\"8BITMIME\",\"SMTPUTF8\"],"
      "\"ehlo_keywords\":[\"PIPELINING\",\"SIZE 10240000\",\"8BITMIME\",\"SMTPUTF8\"],"
      "\"tls\":null,"
      "\"timings_us\":{\"resolve\":3,\"connect\":250,\"tls\":null,\"greeting\":4100,"
      "\"ehlo\":1200,"
      "\"command\":null,\"quit\":800,\"total\":6353},"
      "\"transcript\":[\"[    0.250 ms] S: 220 mx ESMTP\","
      "\"[    4.350 ms] C: EHLO probe.example.com\"],"
      "\"transcript_truncated\":false,\"addresses\":null,\"round_trip\":null,"
      "\"domain\":null}",
      sw_buf_str(&quoted));
  assert_string_equal(sw_buf_str(&out), want);
  assert_true(is_valid_json(out.data, out.len));
  sw_buf_free(&out);

  /* The status is the caller's (thresholds), and exit_code follows it. */
  assert_int_equal(sw_result_to_json(&r, "localhost", 2525, SW_NAGIOS_WARNING, &out),
                   SW_E_OK);
  assert_non_null(strstr(sw_buf_str(&out), "\"status\":\"WARNING\",\"exit_code\":1,"));
  sw_buf_free(&out);
  sw_buf_free(&quoted);
  sw_check_result_free(&r);
}

static void test_unknown_values_are_null(void **state)
{
  (void)state;
  /* A check that failed before anything was known. */
  struct sw_check_result r;
  sw_check_result_init(&r);
  r.outcome = SW_OUTCOME_RESOLVE_FAILED;
  r.step_us[SW_STEP_RESOLVE] = 1500;
  r.total_us = 1500;
  struct sw_buf out;
  sw_buf_init(&out, 0);
  assert_int_equal(sw_result_to_json(&r, "nx.example", 25, SW_NAGIOS_CRITICAL, &out),
                   SW_E_OK);
  const char *s = sw_buf_str(&out);
  assert_true(is_valid_json(out.data, out.len));
  assert_non_null(strstr(s, "\"peer\":null,\"greeting_host\":null,\"ptr_name\":null,"
                            "\"status\":\"CRITICAL\",\"exit_code\":2,"
                            "\"outcome\":\"resolve_failed\",\"step\":\"resolve\","));
  assert_non_null(strstr(s, "\"reply_code\":null,\"enhanced_code\":null,\"reply\":null,"
                            "\"used_helo\":false,\"capabilities\":[],"
                            "\"ehlo_keywords\":[],\"tls\":null,"
                            "\"timings_us\":{\"resolve\":1500,\"connect\":null,"
                            "\"tls\":null,\"greeting\":null,\"ehlo\":null,"
                            "\"command\":null,\"quit\":null,\"total\":1500},"
                            "\"transcript\":[],\"transcript_truncated\":false,"
                            "\"addresses\":null,\"round_trip\":null,\"domain\":null}"));
  sw_buf_free(&out);
  /* The steps past the handshake (a mail sent) are there only when
   * reached, in their order between "ehlo" and "command". */
  r.step_us[SW_STEP_MAIL] = 20;
  r.step_us[SW_STEP_RCPT] = 30;
  r.step_us[SW_STEP_DATA] = 40;
  assert_int_equal(sw_result_to_json(&r, "nx.example", 25, SW_NAGIOS_CRITICAL, &out),
                   SW_E_OK);
  assert_non_null(strstr(sw_buf_str(&out), "\"greeting\":null,\"ehlo\":null,\"mail\":20,"
                                           "\"rcpt\":30,\"data\":40,\"command\":null,"));
  assert_true(is_valid_json(out.data, out.len));
  sw_buf_free(&out);
  sw_check_result_free(&r);
}

static void test_tls_object(void **state)
{
  (void)state;
  struct sw_check_result r;
  make_result(&r);
  r.step_us[SW_STEP_TLS] = 2500;
  r.tls.used = true;
  r.tls.verified = true;
  strcpy(r.tls.version, "TLS 1.2");
  strcpy(r.tls.cipher, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  strcpy(r.tls.subject, "CN=mx.example.com");
  strcpy(r.tls.issuer, "CN=Example CA, O=Example");
  strcpy(r.tls.key_sha256,
         "3f0c9b1e2d4a5b6c7d8e9f00112233445566778899aabbccddeeff0011223344");
  strcpy(r.tls.key_type, "RSA 2048");
  r.tls.sans = copy_string("mx.example.com\n192.0.2.1");
  r.tls.not_after = 1767225600; /* 2026-01-01 00:00:00 UTC */
  r.tls.days_left = 30;
  r.tls.warn_days = 21;
  r.tls.crit_days = 7;
  struct sw_buf out;
  sw_buf_init(&out, 0);
  assert_int_equal(sw_result_to_json(&r, "mx.example.com", 465, SW_NAGIOS_OK, &out),
                   SW_E_OK);
  assert_true(is_valid_json(out.data, out.len));
  assert_non_null(
      strstr(sw_buf_str(&out),
             "\"tls\":{\"version\":\"TLS "
             "1.2\",\"cipher\":\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\","
             "\"verified\":true,\"subject\":\"CN=mx.example.com\","
             "\"issuer\":\"CN=Example CA, "
             "O=Example\",\"key_sha256\":"
             "\"3f0c9b1e2d4a5b6c7d8e9f00112233445566778899aabbccddeeff0011223344\","
             "\"key_type\":\"RSA 2048\",\"sans\":[\"mx.example.com\",\"192.0.2.1\"],"
             "\"not_after\":1767225600,\"not_after_utc\":\"2026-01-01T00:00:00Z\","
             "\"days_left\":30,\"warn_days\":21,\"crit_days\":7},"
             "\"timings_us\":{\"resolve\":3,\"connect\":250,\"tls\":2500,"));
  sw_buf_free(&out);

  /* A certificate without a date (never seen, but a server may be odd). */
  r.tls.not_after = 0;
  free(r.tls.sans);
  r.tls.sans = NULL;
  assert_int_equal(sw_result_to_json(&r, "mx.example.com", 465, SW_NAGIOS_OK, &out),
                   SW_E_OK);
  assert_non_null(strstr(sw_buf_str(&out), "\"sans\":[],\"not_after\":null,"
                                           "\"not_after_utc\":null,\"days_left\":null,"));
  sw_buf_free(&out);
  sw_check_result_free(&r);
}

static void test_hostile_server_text_stays_valid_json(void **state)
{
  (void)state;
  struct sw_check_result r;
  make_result(&r);
  r.outcome = SW_OUTCOME_PERM_REJECT;
  /* Every byte value in the reply, keywords and transcript. */
  char all[256];
  for (int i = 1; i < 256; i++)
    all[i - 1] = (char)i;
  all[255] = '\0';
  memcpy(r.reply, all, sizeof all);
  strcpy(r.peer, "\"}]");
  strcpy(r.enhanced_code, "5.\xFF");
  free(r.ehlo_keywords);
  r.ehlo_keywords = copy_string(all);
  sw_buf_append(&r.transcript, all, 255);
  sw_buf_append(&r.transcript, "\0tail", 5);
  r.transcript.truncated = true;

  struct sw_buf out;
  sw_buf_init(&out, 0);
  assert_int_equal(sw_result_to_json(&r, "h\"ost\n", 25, SW_NAGIOS_CRITICAL, &out),
                   SW_E_OK);
  assert_true(is_valid_json(out.data, out.len));
  assert_null(memchr(out.data, '\0', out.len)); /* a NUL is escaped, never raw */
  assert_non_null(strstr(sw_buf_str(&out), "\"host\":\"h\\\"ost\\n\""));
  assert_non_null(strstr(sw_buf_str(&out), "\"transcript_truncated\":true"));
  sw_buf_free(&out);
  sw_check_result_free(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_checker_rejects_bad_json),
      cmocka_unit_test(test_escaping),
      cmocka_unit_test(test_bad_utf8_becomes_replacement_characters),
      cmocka_unit_test(test_structure),
      cmocka_unit_test(test_misuse_is_refused),
      cmocka_unit_test(test_full_buffer_is_an_error),
      cmocka_unit_test(test_result_document),
      cmocka_unit_test(test_unknown_values_are_null),
      cmocka_unit_test(test_hostile_server_text_stays_valid_json),
      cmocka_unit_test(test_tls_object),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
