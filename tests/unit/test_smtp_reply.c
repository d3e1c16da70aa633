/* The SMTP reply parser: line classification, enhanced status codes, and
 * whole replies fed in every way a network can cut them (RFC 5321 4.2,
 * 4.5.3.1.5; SMTP.md 1, 7, 11). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_reply.h"

static enum sw_line_kind classify(const char *s, int *code)
{
  *code = -1;
  return sw_smtp_line_classify(s, strlen(s), code);
}

static void test_classify(void **state)
{
  (void)state;
  int code;
  assert_int_equal(classify("250 OK", &code), SW_LINE_FINAL);
  assert_int_equal(code, 250);
  assert_int_equal(classify("250", &code), SW_LINE_FINAL); /* bare code: final */
  assert_int_equal(code, 250);
  assert_int_equal(classify("250 ", &code), SW_LINE_FINAL);
  assert_int_equal(classify("220-mx.example.com ESMTP", &code), SW_LINE_CONTINUATION);
  assert_int_equal(code, 220);
  assert_int_equal(classify("250-", &code), SW_LINE_CONTINUATION);
  assert_int_equal(classify("554 5.7.1 no", &code), SW_LINE_FINAL);
  assert_int_equal(code, 554);

  const char *invalid[] = {"",
                           "2",
                           "25",
                           "25 ok",
                           "2500",
                           "250ok",
                           "250\tok",
                           "250_ok",
                           "abc",
                           "HTTP/1.1 400 Bad Request",
                           "SSH-2.0-OpenSSH",
                           "+OK POP3",
                           "* OK IMAP4",
                           " 250 ok",
                           "099 ok",
                           "199 ok",
                           "600 ok",
                           "2x0 ok",
                           "25a ok"};
  for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
    if (classify(invalid[i], &code) != SW_LINE_INVALID)
      fail_msg("\"%s\" was not classified as invalid", invalid[i]);
    assert_int_equal(code, -1); /* untouched */
  }
  /* Only the given length counts, not what follows in memory. */
  assert_int_equal(sw_smtp_line_classify("250-more", 3, &code), SW_LINE_FINAL);
  assert_int_equal(sw_smtp_line_classify("25", 2, &code), SW_LINE_INVALID);
}

static void test_enhanced(void **state)
{
  (void)state;
  struct {
    const char *text, *want; /* want NULL: none */
  } cases[] = {
      {"5.7.1 Access denied", "5.7.1"},
      {"2.0.0", "2.0.0"},
      {"4.4.7 ", "4.4.7"},
      {"5.1.10 Recipient", "5.1.10"},
      {"2.123.456 x", "2.123.456"},
      {"3.1.1 x", NULL},    /* class 3 does not exist */
      {"5.1000.1 x", NULL}, /* subject of four digits */
      {"5.1.1000 x", NULL}, /* detail of four digits */
      {"5..1 x", NULL},
      {"5.7 x", NULL},
      {"5.7.", NULL},
      {"5.7.1x", NULL},
      {"5.7.1\tx", NULL},
      {"55.7.1 x", NULL},
      {"", NULL},
      {"Ok", NULL},
      {"mx.example.com ESMTP", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[16] = "junk";
    bool found = sw_smtp_parse_enhanced(cases[i].text, strlen(cases[i].text), out);
    if (found != (cases[i].want != NULL) ||
        strcmp(out, cases[i].want ? cases[i].want : ""))
      fail_msg("\"%s\": got %d \"%s\"", cases[i].text, found, out);
  }
  /* The length bounds it: "5.7.1" cut to "5.7." is not a code. */
  char out[16];
  assert_false(sw_smtp_parse_enhanced("5.7.1 x", 4, out));
  assert_true(sw_smtp_parse_enhanced("5.7.1234", 5, out));
  assert_string_equal(out, "5.7.1");
}

/* Feeds all of `s` as one piece; expects exactly one complete reply that
 * uses all of it. */
static struct sw_smtp_reply one_reply(struct sw_smtp_parser *p, const char *s, size_t len)
{
  struct sw_smtp_reply r;
  size_t used;
  bool complete;
  assert_int_equal(sw_smtp_parser_feed(p, s, len, &used, &r, &complete), SW_E_OK);
  assert_true(complete);
  assert_int_equal(used, len);
  return r;
}

static void test_single_line_reply(void **state)
{
  (void)state;
  struct sw_smtp_parser p;
  sw_smtp_parser_init(&p);
  struct sw_smtp_reply r = one_reply(&p, "250 2.1.0 Sender ok\r\n", 21);
  assert_int_equal(r.code, 250);
  assert_string_equal(r.enhanced, "2.1.0");
  assert_int_equal(r.lines, 1);
  assert_int_equal(r.len, 19);
  assert_memory_equal(r.text, "250 2.1.0 Sender ok", 19);
  assert_false(sw_smtp_parser_has_partial(&p));
}

static void test_bare_code_and_bare_lf(void **state)
{
  (void)state;
  struct sw_smtp_parser p;
  sw_smtp_parser_init(&p);
  struct sw_smtp_reply r = one_reply(&p, "250\r\n", 5);
  assert_int_equal(r.code, 250);
  assert_int_equal(r.len, 3);
  assert_string_equal(r.enhanced, "");
  r = one_reply(&p, "220 ready\n", 10);
  assert_int_equal(r.code, 220);
  assert_string_equal(r.text, "220 ready");
  r = one_reply(&p, "250\n", 4);
  assert_int_equal(r.code, 250);
  assert_string_equal(r.text, "250");
  /* A CR in the middle of a line is text, not an ending. */
  r = one_reply(&p, "250 a\rb\r\n", 9);
  assert_int_equal(r.len, 7);
  assert_memory_equal(r.text, "250 a\rb", 7);
}

static void test_multi_line_reply(void **state)
{
  (void)state;
  struct sw_smtp_parser p;
  sw_smtp_parser_init(&p);
  const char *s = "250-2.0.0 mx.example.com\r\n250-PIPELINING\n250-SIZE 1000\r\n"
                  "251 4.0.0 last\r\n";
  struct sw_smtp_reply r = one_reply(&p, s, strlen(s));
  assert_int_equal(r.code, 251);            /* the last line's code */
  assert_string_equal(r.enhanced, "2.0.0"); /* the first line's enhanced code */
  assert_int_equal(r.lines, 4);
  assert_string_equal(r.text, "250-2.0.0 mx.example.com\n250-PIPELINING\n250-SIZE 1000\n"
                              "251 4.0.0 last");
}

static void test_merged_replies_stop_after_first(void **state)
{
  (void)state;
  struct sw_smtp_parser p;
  sw_smtp_parser_init(&p);
  const char *s = "220 hi\r\n250-a\r\n250 b\r\n221 bye\r\n";
  size_t len = strlen(s), used;
  bool complete;
  struct sw_smtp_reply r;
  assert_int_equal(sw_smtp_parser_feed(&p, s, len, &used, &r, &complete), SW_E_OK);
  assert_true(complete);
  assert_int_equal(used, 8);
  assert_string_equal(r.text, "220 hi");
  s += used, len -= used;
  assert_int_equal(sw_smtp_parser_feed(&p, s, len, &used, &r, &complete), SW_E_OK);
  assert_true(complete);
  assert_int_equal(used, 14);
  assert_string_equal(r.text, "250-a\n250 b");
  s += used, len -= used;
  assert_int_equal(sw_smtp_parser_feed(&p, s, len, &used, &r, &complete), SW_E_OK);
  assert_true(complete);
  assert_int_equal(used, len);
  assert_int_equal(r.code, 221);
  /* Nothing more: an empty feed completes nothing. */
  assert_int_equal(sw_smtp_parser_feed(&p, "", 0, &used, &r, &complete), SW_E_OK);
  assert_false(complete);
  assert_int_equal(used, 0);
}

/* Every way of cutting a stream of replies gives the same replies. */
static void test_split_anywhere(void **state)
{
  (void)state;
  const char *s = "220-mx\r\n220 2.0.0 ESMTP\n250-mx\r\n250-8BITMIME\r\n250 DSN\r\n"
                  "550 5.1.1 no\r\n";
  const char *want[] = {"220-mx\n220 2.0.0 ESMTP", "250-mx\n250-8BITMIME\n250 DSN",
                        "550 5.1.1 no"};
  const int codes[] = {220, 250, 550};
  size_t len = strlen(s);
  /* Every chunk size, each with one extra cut at every offset. */
  for (size_t chunk = 1; chunk <= len; chunk++) {
    for (size_t at = 0; at <= len; at++) {
      struct sw_smtp_parser p;
      sw_smtp_parser_init(&p);
      int got = 0;
      size_t pos = 0;
      while (pos < len) {
        size_t end = pos + chunk < len ? pos + chunk : len;
        if (at > pos && at < end)
          end = at; /* and a cut at `at` */
        while (pos < end) {
          size_t used;
          bool complete;
          struct sw_smtp_reply r;
          assert_int_equal(
              sw_smtp_parser_feed(&p, s + pos, end - pos, &used, &r, &complete), SW_E_OK);
          assert_true(used > 0 && used <= end - pos);
          pos += used;
          if (complete) {
            assert_true(got < 3);
            assert_string_equal(r.text, want[got]);
            assert_int_equal(r.code, codes[got]);
            got++;
          }
        }
      }
      assert_int_equal(got, 3);
      assert_false(sw_smtp_parser_has_partial(&p));
    }
  }
}

/* A line of `content` octets plus `ending`. */
static char *make_line(const char *code, size_t content, const char *ending, size_t *len)
{
  size_t n = content + strlen(ending);
  char *s = malloc(n + 1);
  assert_non_null(s);
  memset(s, 'x', content);
  memcpy(s, code, strlen(code));
  memcpy(s + content, ending, strlen(ending) + 1);
  *len = n;
  return s;
}

static void test_line_length_limit(void **state)
{
  (void)state;
  struct {
    size_t content;
    const char *ending;
    bool ok;
  } cases[] = {
      {510, "\r\n", true},  /* 512 octets with CRLF: the limit */
      {511, "\r\n", false}, /* 513 */
      {511, "\n", true},    /* 512 with a bare LF */
      {512, "\n", false},   /* 513 */
      {600, "\r\n", false},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len;
    char *s = make_line("250 ", cases[i].content, cases[i].ending, &len);
    /* Whole and byte by byte alike. */
    for (int bytewise = 0; bytewise < 2; bytewise++) {
      struct sw_smtp_parser p;
      sw_smtp_parser_init(&p);
      enum sw_error err = SW_E_OK;
      bool complete = false;
      size_t pos = 0;
      struct sw_smtp_reply r;
      while (pos < len && !err && !complete) {
        size_t used;
        err = sw_smtp_parser_feed(&p, s + pos, bytewise ? 1 : len - pos, &used, &r,
                                  &complete);
        pos += used;
      }
      if (cases[i].ok) {
        assert_int_equal(err, SW_E_OK);
        assert_true(complete);
        assert_int_equal(r.len, cases[i].content);
      } else {
        assert_int_equal(err, SW_E_LINE_TOO_LONG);
        /* Found at the 512th octet, not after reading the whole line. */
        assert_int_equal(pos, SW_SMTP_LINE_MAX);
        size_t n;
        const char *line = sw_smtp_parser_line(&p, &n);
        assert_int_equal(n, SW_SMTP_LINE_MAX - 1);
        assert_memory_equal(line, "250 xxx", 7);
      }
    }
    free(s);
  }
}

static void test_bad_line_is_kept_for_quoting(void **state)
{
  (void)state;
  struct sw_smtp_parser p;
  sw_smtp_parser_init(&p);
  const char *s = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n";
  size_t used;
  bool complete;
  struct sw_smtp_reply r;
  assert_int_equal(sw_smtp_parser_feed(&p, s, strlen(s), &used, &r, &complete),
                   SW_E_BAD_REPLY_LINE);
  assert_false(complete);
  assert_int_equal(used, 26); /* up to the end of the bad line */
  size_t n;
  const char *line = sw_smtp_parser_line(&p, &n);
  assert_int_equal(n, 24);
  assert_memory_equal(line, "HTTP/1.1 400 Bad Request", 24);
  /* The error sticks until a reset. */
  assert_int_equal(sw_smtp_parser_feed(&p, "250 ok\r\n", 8, &used, &r, &complete),
                   SW_E_BAD_REPLY_LINE);
  assert_int_equal(used, 0);
  sw_smtp_parser_reset(&p);
  assert_int_equal(sw_smtp_parser_feed(&p, "250 ok\r\n", 8, &used, &r, &complete),
                   SW_E_OK);
  assert_true(complete);

  /* An empty line inside a multi-line reply is not a reply line either. */
  sw_smtp_parser_init(&p);
  assert_int_equal(sw_smtp_parser_feed(&p, "250-a\r\n\r\n", 9, &used, &r, &complete),
                   SW_E_BAD_REPLY_LINE);
  assert_int_equal(used, 9);
  line = sw_smtp_parser_line(&p, &n);
  assert_int_equal(n, 0);
}

static void test_overlong_garbage_is_bad_line(void **state)
{
  (void)state;
  /* 600 octets of HTML without a line break: not SMTP, rather than "long". */
  size_t len;
  char *s = make_line("<html>", 600, "", &len);
  struct sw_smtp_parser p;
  sw_smtp_parser_init(&p);
  size_t used;
  bool complete;
  struct sw_smtp_reply r;
  assert_int_equal(sw_smtp_parser_feed(&p, s, len, &used, &r, &complete),
                   SW_E_BAD_REPLY_LINE);
  assert_int_equal(used, SW_SMTP_LINE_MAX);
  size_t n;
  const char *line = sw_smtp_parser_line(&p, &n);
  assert_int_equal(n, SW_SMTP_LINE_MAX - 1);
  assert_memory_equal(line, "<html>", 6);
  free(s);
}

static void test_reply_too_long(void **state)
{
  (void)state;
  struct sw_smtp_parser p;
  sw_smtp_parser_init(&p);
  size_t len;
  char *line = make_line("250-", 500, "\r\n", &len); /* 500 octets a line */
  size_t used;
  bool complete;
  struct sw_smtp_reply r;
  enum sw_error err = SW_E_OK;
  int lines = 0;
  while (!err && lines < 100) {
    err = sw_smtp_parser_feed(&p, line, len, &used, &r, &complete);
    assert_false(complete);
    lines++;
  }
  assert_int_equal(err, SW_E_REPLY_TOO_LONG);
  /* 16 lines and their separators fit in 8192, the 17th does not. */
  assert_int_equal(lines, 17);
  assert_true(p.text_len <= SW_SMTP_REPLY_MAX);
  free(line);
}

static void test_partial_and_reset(void **state)
{
  (void)state;
  struct sw_smtp_parser p;
  sw_smtp_parser_init(&p);
  size_t used;
  bool complete;
  struct sw_smtp_reply r;
  assert_false(sw_smtp_parser_has_partial(&p));
  assert_int_equal(sw_smtp_parser_feed(&p, "220-mx\r\n22", 10, &used, &r, &complete),
                   SW_E_OK);
  assert_false(complete);
  assert_int_equal(used, 10);
  assert_true(sw_smtp_parser_has_partial(&p));
  size_t n;
  const char *line = sw_smtp_parser_line(&p, &n);
  assert_int_equal(n, 2);
  assert_memory_equal(line, "22", 2);
  /* After STARTTLS nothing from before may survive (SMTP.md 5). */
  sw_smtp_parser_reset(&p);
  assert_false(sw_smtp_parser_has_partial(&p));
  assert_int_equal(sw_smtp_parser_feed(&p, "0 ready\r\n", 9, &used, &r, &complete),
                   SW_E_BAD_REPLY_LINE);
  sw_smtp_parser_reset(&p);
  r = one_reply(&p, "220 ready\r\n", 11);
  assert_string_equal(r.text, "220 ready");
  assert_int_equal(r.lines, 1);
}

static void test_nul_bytes_are_text(void **state)
{
  (void)state;
  struct sw_smtp_parser p;
  sw_smtp_parser_init(&p);
  struct sw_smtp_reply r = one_reply(&p, "250 a\0b\r\n", 9);
  assert_int_equal(r.len, 7);
  assert_memory_equal(r.text, "250 a\0b", 7);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_classify),
      cmocka_unit_test(test_enhanced),
      cmocka_unit_test(test_single_line_reply),
      cmocka_unit_test(test_bare_code_and_bare_lf),
      cmocka_unit_test(test_multi_line_reply),
      cmocka_unit_test(test_merged_replies_stop_after_first),
      cmocka_unit_test(test_split_anywhere),
      cmocka_unit_test(test_line_length_limit),
      cmocka_unit_test(test_bad_line_is_kept_for_quoting),
      cmocka_unit_test(test_overlong_garbage_is_bad_line),
      cmocka_unit_test(test_reply_too_long),
      cmocka_unit_test(test_partial_and_reset),
      cmocka_unit_test(test_nul_bytes_are_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
