/* The HTTP/1.1 response reader (common/base/http_reader.c) by what a
 * server sends: every answer fed whole, split at every point and byte by
 * byte must read the same (picohttpparser's discipline); the framings a
 * policy host may use (Content-Length, chunked with extensions and
 * trailers, the connection's end, interim 1xx); what a lax reader would be
 * fooled by, refused with a sentence; and every bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http_reader.h"

#define MAX_BODY 64

/* What reading an answer came to. */
struct outcome {
  enum sw_http_status status;
  int code;
  char content_type[SW_HTTP_FIELD_KEPT_MAX], location[SW_HTTP_FIELD_KEPT_MAX];
  char body[MAX_BODY * 4];
  size_t body_len;
  size_t used; /* octets that belonged to the response */
  char error[SW_HTTP_ERROR_MAX];
};

/* Feeds text[0..len) in pieces: split at `cut` (0: whole), or one octet
 * at a time with `bytewise`; then the connection's end if `eof` and the
 * reader still wants more. */
static struct outcome run(const char *text, size_t len, size_t cut, bool bytewise,
                          bool eof, size_t body_max)
{
  struct sw_http_reader *r = malloc(sizeof *r);
  assert_non_null(r);
  sw_http_reader_init(r, body_max, false);
  struct outcome o = {.status = SW_HTTP_MORE};
  size_t at = 0;
  while (at < len && o.status == SW_HTTP_MORE) {
    size_t n = bytewise ? 1 : (cut && at < cut ? cut - at : len - at);
    size_t used = 0;
    o.status = sw_http_reader_feed(r, text + at, n, &used);
    assert_true(used <= n);
    if (o.status == SW_HTTP_MORE)
      assert_int_equal(used, n); /* nothing is left over while more is needed */
    o.used += used;
    at += n;
  }
  if (o.status == SW_HTTP_MORE && eof)
    o.status = sw_http_reader_eof(r);
  o.code = r->status_code;
  snprintf(o.content_type, sizeof o.content_type, "%s", r->content_type);
  snprintf(o.location, sizeof o.location, "%s", r->location);
  assert_true(r->body.len <= body_max);
  o.body_len = r->body.len;
  memcpy(o.body, r->body.data ? r->body.data : "", r->body.len);
  snprintf(o.error, sizeof o.error, "%s", r->error);
  if (o.status == SW_HTTP_BAD || o.status == SW_HTTP_TOO_BIG)
    assert_true(o.error[0] != '\0'); /* a refusal always says why */
  /* A finished reader reads nothing more and answers the same. */
  size_t used = 99;
  if (o.status != SW_HTTP_MORE) {
    assert_int_equal(sw_http_reader_feed(r, "x", 1, &used), o.status);
    assert_int_equal(used, 0);
  }
  sw_http_reader_free(r);
  free(r);
  return o;
}

static void assert_same(const struct outcome *a, const struct outcome *b, size_t cut)
{
  /* A refused body is cut wherever the piece that broke the bound began. */
  if (a->status != b->status || a->code != b->code ||
      (a->status == SW_HTTP_DONE && a->body_len != b->body_len) ||
      (a->status == SW_HTTP_DONE && memcmp(a->body, b->body, a->body_len) != 0) ||
      strcmp(a->content_type, b->content_type) != 0 ||
      strcmp(a->location, b->location) != 0 ||
      (a->status == SW_HTTP_DONE && a->used != b->used))
    fail_msg("split at %zu: status %d/%d, code %d/%d, body %zu/%zu octets (%s | %s)", cut,
             a->status, b->status, a->code, b->code, a->body_len, b->body_len, a->error,
             b->error);
}

/* The answer read whole; and the same at every split point and bytewise. */
static struct outcome read_all_ways(const char *text, bool eof, size_t body_max)
{
  size_t len = strlen(text);
  struct outcome whole = run(text, len, 0, false, eof, body_max);
  size_t splits = 0;
  for (size_t cut = 1; cut < len; cut++, splits++) {
    struct outcome o = run(text, len, cut, false, eof, body_max);
    assert_same(&whole, &o, cut);
  }
  struct outcome b = run(text, len, 0, true, eof, body_max);
  assert_same(&whole, &b, 0);
  assert_int_equal(splits, len ? len - 1 : 0); /* no split point was skipped */
  return whole;
}

static void test_content_length(void **state)
{
  (void)state;
  struct outcome o = read_all_ways("HTTP/1.1 200 OK\r\n"
                                   "Content-Type: text/plain; charset=utf-8\r\n"
                                   "content-length: 34\r\n"
                                   "\r\n"
                                   "version: STSv1\r\nmode: enforce\r\n...",
                                   false, MAX_BODY);
  assert_int_equal(o.status, SW_HTTP_DONE);
  assert_int_equal(o.code, 200);
  assert_string_equal(o.content_type, "text/plain; charset=utf-8");
  assert_int_equal(o.body_len, 34);
  assert_memory_equal(o.body, "version: STSv1\r\nmode: enforce\r\n...", 34);
}

static void test_bytes_after_the_response_are_not_used(void **state)
{
  (void)state;
  const char *text = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA";
  struct outcome o = run(text, strlen(text), 0, false, false, MAX_BODY);
  assert_int_equal(o.status, SW_HTTP_DONE);
  assert_int_equal(o.used, strlen(text) - 5);
  assert_int_equal(o.body_len, 2);
}

static void test_chunked(void **state)
{
  (void)state;
  struct outcome o = read_all_ways("HTTP/1.1 200 OK\r\n"
                                   "Transfer-Encoding: chunked\r\n"
                                   "Content-Type: text/plain\r\n"
                                   "\r\n"
                                   "7\r\nversion\r\n"
                                   "009;name=value\r\n: STSv1\r\n\r\n"
                                   "1 \r\nx\r\n"
                                   "0\r\n"
                                   "Trailer-Field: yes\r\n"
                                   "\r\n",
                                   false, MAX_BODY);
  assert_int_equal(o.status, SW_HTTP_DONE);
  assert_int_equal(o.body_len, 17);
  assert_memory_equal(o.body, "version: STSv1\r\nx", 17);
}

static void test_body_until_the_connection_ends(void **state)
{
  (void)state;
  struct outcome o = read_all_ways(
      "HTTP/1.0 200 OK\nContent-Type: text/plain\n\nmode: none\n", true, MAX_BODY);
  assert_int_equal(o.status, SW_HTTP_DONE);
  assert_string_equal(o.body, "mode: none\n");
  /* Without the end of the connection it is not complete. */
  const char *t = "HTTP/1.0 200 OK\n\nmode";
  assert_int_equal(run(t, strlen(t), 0, false, false, MAX_BODY).status, SW_HTTP_MORE);
}

static void test_interim_answers_are_skipped(void **state)
{
  (void)state;
  struct outcome o =
      read_all_ways("HTTP/1.1 100 Continue\r\n\r\n"
                    "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno\n",
                    false, MAX_BODY);
  assert_int_equal(o.status, SW_HTTP_DONE);
  assert_int_equal(o.code, 404);
  assert_string_equal(o.body, "no\n");
}

static void test_redirect_and_no_body_statuses(void **state)
{
  (void)state;
  struct outcome o = read_all_ways("HTTP/1.1 301 Moved\r\n"
                                   "Location: https://mta-sts.example.com/elsewhere\r\n"
                                   "Location: https://second.example/\r\n"
                                   "Content-Length: 0\r\n\r\n",
                                   false, MAX_BODY);
  assert_int_equal(o.status, SW_HTTP_DONE);
  assert_int_equal(o.code, 301);
  assert_string_equal(o.location,
                      "https://mta-sts.example.com/elsewhere"); /* the first */
  o = read_all_ways("HTTP/1.1 204 No Content\r\n\r\n", false, MAX_BODY);
  assert_int_equal(o.status, SW_HTTP_DONE);
  assert_int_equal(o.code, 204);
  assert_int_equal(o.body_len, 0);
}

static void test_long_fields_are_cut_when_kept(void **state)
{
  (void)state;
  char text[1024];
  char type[600];
  memset(type, 'a', sizeof type - 1);
  type[sizeof type - 1] = '\0';
  snprintf(text, sizeof text,
           "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: 0\r\n\r\n", type);
  struct outcome o = run(text, strlen(text), 0, false, false, MAX_BODY);
  assert_int_equal(o.status, SW_HTTP_DONE);
  assert_int_equal(strlen(o.content_type), SW_HTTP_FIELD_KEPT_MAX - 1);
}

/* Each of these is refused as no (trustworthy) HTTP/1.x answer. */
static void test_bad_answers(void **state)
{
  (void)state;
  static const char *const bad[] = {
      "SMTP/1.1 200 OK\r\n\r\n",
      "HTTP/2 200 OK\r\n\r\n",
      "HTTP/1.1 20 OK\r\n\r\n",
      "HTTP/1.1 200OK\r\n\r\n",
      "HTTP/1.1 099 Low\r\n\r\n",
      "HTTP/1.1 101 Switching\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n folded\r\n\r\n",
      "HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n",
      "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
      "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxy\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n",
      "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX: a\x01"
      "b\r\n\r\n",
      "\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct outcome o = read_all_ways(bad[i], true, MAX_BODY);
    if (o.status != SW_HTTP_BAD)
      fail_msg("answer %zu was read as %d: %s", i, o.status, bad[i]);
  }
  /* A NUL octet (which strlen would hide). */
  static const char nul[] = "HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n";
  assert_int_equal(run(nul, sizeof nul - 1, 0, false, true, MAX_BODY).status,
                   SW_HTTP_BAD);
}

static void test_connection_ends_too_early(void **state)
{
  (void)state;
  static const char *const cut[] = {
      "",
      "HTTP/1.1 200",
      "HTTP/1.1 200 OK\r\nContent-Type: text/pl",
      "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nonly5",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nTrailer: x\r\n",
  };
  for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
    struct outcome o = run(cut[i], strlen(cut[i]), 0, false, true, MAX_BODY);
    if (o.status != SW_HTTP_BAD)
      fail_msg("a cut answer %zu was read as %d", i, o.status);
  }
  struct outcome o = run("", 0, 0, false, true, MAX_BODY);
  assert_string_equal(o.error, "the connection closed without an answer");
}

static void test_bounds(void **state)
{
  (void)state;
  /* A Content-Length over the bound is refused before any body is read. */
  struct outcome o =
      read_all_ways("HTTP/1.1 200 OK\r\nContent-Length: 65\r\n\r\n", false, MAX_BODY);
  assert_int_equal(o.status, SW_HTTP_TOO_BIG);
  assert_int_equal(o.body_len, 0);
  /* Exactly the bound is fine. */
  char text[512];
  char body[MAX_BODY + 2];
  memset(body, 'b', MAX_BODY + 1);
  body[MAX_BODY + 1] = '\0';
  snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%.*s",
           MAX_BODY, MAX_BODY, body);
  assert_int_equal(read_all_ways(text, false, MAX_BODY).status, SW_HTTP_DONE);
  /* Chunks that add up to more. */
  snprintf(text, sizeof text,
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n%.32s\r\n21\r\n",
           body);
  assert_int_equal(read_all_ways(text, false, MAX_BODY).status, SW_HTTP_TOO_BIG);
  /* A body until the end of the connection that goes past it. */
  snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\n\r\n%s", body);
  o = read_all_ways(text, true, MAX_BODY);
  assert_int_equal(o.status, SW_HTTP_TOO_BIG);
  /* A header of more than SW_HTTP_HEAD_MAX octets. */
  size_t big = SW_HTTP_HEAD_MAX + 100;
  char *head = malloc(big + 64);
  assert_non_null(head);
  strcpy(head, "HTTP/1.1 200 OK\r\nX-Big: ");
  size_t at = strlen(head);
  memset(head + at, 'h', big - at);
  strcpy(head + big, "\r\n\r\n");
  assert_int_equal(run(head, strlen(head), 0, false, true, MAX_BODY).status,
                   SW_HTTP_TOO_BIG);
  assert_int_equal(run(head, strlen(head), 0, true, true, MAX_BODY).status,
                   SW_HTTP_TOO_BIG);
  /* A chunk-size line of more than SW_HTTP_CHUNK_LINE_MAX octets. */
  strcpy(head, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;");
  at = strlen(head);
  memset(head + at, 'e', SW_HTTP_CHUNK_LINE_MAX);
  strcpy(head + at + SW_HTTP_CHUNK_LINE_MAX, "\r\nx\r\n0\r\n\r\n");
  assert_int_equal(run(head, strlen(head), 0, false, true, MAX_BODY).status, SW_HTTP_BAD);
  free(head);
}

static void test_media_type(void **state)
{
  (void)state;
  assert_true(sw_http_media_type_is("text/plain", "text/plain"));
  assert_true(sw_http_media_type_is(" Text/Plain ; charset=utf-8", "text/plain"));
  assert_true(sw_http_media_type_is("TEXT/PLAIN;charset=us-ascii", "text/plain"));
  assert_false(sw_http_media_type_is("text/plainx", "text/plain"));
  assert_false(sw_http_media_type_is("text/html", "text/plain"));
  assert_false(sw_http_media_type_is("", "text/plain"));
  assert_false(sw_http_media_type_is("text/plain x", "text/plain"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_content_length),
      cmocka_unit_test(test_bytes_after_the_response_are_not_used),
      cmocka_unit_test(test_chunked),
      cmocka_unit_test(test_body_until_the_connection_ends),
      cmocka_unit_test(test_interim_answers_are_skipped),
      cmocka_unit_test(test_redirect_and_no_body_statuses),
      cmocka_unit_test(test_long_fields_are_cut_when_kept),
      cmocka_unit_test(test_bad_answers),
      cmocka_unit_test(test_connection_ends_too_early),
      cmocka_unit_test(test_bounds),
      cmocka_unit_test(test_media_type),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
