/* DNS messages (common/domain/dns_message.c): our query byte for byte
 * against the one the real servers answered, the answers of NSD and a
 * validating Unbound captured by tests/fixtures/dns_capture.py, and
 * hand-made answers that break every rule the reader checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns_message.h"

#define ID 0x5357

static struct sw_dns_answer answer; /* large: one for every test */
static char why[256];

/* ---- captured messages ------------------------------------------------------ */

static size_t read_data(const char *name, const char *ext, uint8_t *buf, size_t size)
{
  char path[512];
  snprintf(path, sizeof path, "%s/dns/%s.%s", SW_TEST_DATA_DIR, name, ext);
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s", path);
  size_t n = fread(buf, 1, size, f);
  fclose(f);
  assert_true(n > 0 && n < size);
  return n;
}

/* The captured answer `name` to our query for qname/type, which must be
 * byte for byte the query the capture sent. */
static void parse_captured(const char *name, const char *qname, enum sw_dns_type type,
                           struct sw_dns_query *q)
{
  static uint8_t sent[600], got[4096];
  assert_true(sw_dns_query_build(q, qname, type, ID, why, sizeof why));
  size_t n = read_data(name, "query", sent, sizeof sent);
  assert_int_equal(n, q->len);
  assert_memory_equal(sent, q->bytes, n);
  n = read_data(name, "answer", got, sizeof got);
  if (!sw_dns_answer_parse(got, n, q, &answer, why, sizeof why))
    fail_msg("%s: %s", name, why);
}

/* The captured answer's one record, read through Unbound (AD=1) or
 * straight from NSD (AD=0). */
static const struct sw_dns_record *only_record(const char *name, const char *qname,
                                               enum sw_dns_type type, bool ad)
{
  struct sw_dns_query q;
  parse_captured(name, qname, type, &q);
  assert_int_equal(answer.ad, ad);
  assert_int_equal(answer.result, SW_DNS_RESULT_RECORDS);
  assert_int_equal(answer.nrecords, 1);
  assert_int_equal(answer.records[0].type, type);
  return &answer.records[0];
}

static const char *name_of(size_t i)
{
  return sw_dns_record_name(&answer, &answer.records[i]);
}

static void test_mx_through_unbound(void **state)
{
  (void)state;
  struct sw_dns_query q;
  parse_captured("unbound-mx", "example.test", SW_DNS_MX, &q);
  assert_true(answer.qr && answer.rd && answer.ra);
  assert_true(answer.ad); /* Unbound validated the signed zone */
  assert_false(answer.aa);
  assert_int_equal(answer.result, SW_DNS_RESULT_RECORDS);
  assert_int_equal(answer.nrecords, 4);
  assert_false(answer.null_mx);
  assert_string_equal(answer.canonical, "example.test");
  /* Unbound rotates the set (rrset-roundrobin): whatever the order,
   * preference 10 is mx1, 20 mx2, ... */
  unsigned seen = 0;
  for (size_t i = 0; i < 4; i++) {
    unsigned pref = answer.records[i].mx_preference;
    char want[32];
    snprintf(want, sizeof want, "mx%u.example.test", pref / 10);
    assert_int_equal(answer.records[i].type, SW_DNS_MX);
    assert_true(pref % 10 == 0 && pref >= 10 && pref <= 40);
    assert_int_equal(answer.records[i].ttl, 300);
    assert_string_equal(name_of(i), want);
    seen |= 1u << (pref / 10);
  }
  assert_int_equal(seen, 0x1E);
}

static void test_mx_from_authoritative(void **state)
{
  (void)state;
  struct sw_dns_query q;
  parse_captured("nsd-mx", "example.test", SW_DNS_MX, &q);
  assert_true(answer.aa);
  assert_false(answer.ad); /* an authoritative server never sets it */
  assert_int_equal(answer.nrecords, 4);
  assert_string_equal(name_of(0), "mx1.example.test");
  assert_string_equal(name_of(3), "mx4.example.test");
}

static void test_addresses(void **state)
{
  (void)state;
  static const uint8_t v4[4] = {127, 0, 0, 2}, v6[16] = {[15] = 1};
  const struct sw_dns_record *r =
      only_record("unbound-a-mx1", "mx1.example.test", SW_DNS_A, true);
  assert_memory_equal(r->a, v4, 4);
  r = only_record("unbound-aaaa-mx1", "mx1.example.test", SW_DNS_AAAA, true);
  assert_memory_equal(r->aaaa, v6, 16);
}

/* The record's data as text, its length checked. */
static const char *txt_of(const struct sw_dns_record *r)
{
  size_t len;
  const char *text = (const char *)sw_dns_record_data(&answer, r, &len);
  assert_int_equal(len, strlen(text));
  return text;
}

static void test_txt_strings_joined(void **state)
{
  (void)state;
  /* "v=STSv1; " "id=20261207T000000;" in the zone: one text */
  const struct sw_dns_record *r =
      only_record("unbound-txt-mta-sts", "_mta-sts.example.test", SW_DNS_TXT, true);
  assert_string_equal(txt_of(r), "v=STSv1; id=20261207T000000;");
  r = only_record("unbound-txt-tlsrpt", "_smtp._tls.example.test", SW_DNS_TXT, true);
  assert_string_equal(txt_of(r), "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
}

/* A TLSA record's fields and the first and last bytes of its data. */
static void expect_tlsa(const struct sw_dns_record *r, int usage, int selector,
                        int matching, size_t len, int first, int last)
{
  size_t n;
  const uint8_t *d = sw_dns_record_data(&answer, r, &n);
  assert_int_equal(r->tlsa.usage, usage);
  assert_int_equal(r->tlsa.selector, selector);
  assert_int_equal(r->tlsa.matching_type, matching);
  assert_int_equal(n, len);
  assert_int_equal(d[0], first);
  assert_int_equal(d[len - 1], last);
}

static void test_tlsa(void **state)
{
  (void)state;
  expect_tlsa(
      only_record("unbound-tlsa-mx1", "_25._tcp.mx1.example.test", SW_DNS_TLSA, true), 3,
      1, 1, 32, 0x8c, 0x8d);
  expect_tlsa(
      only_record("nsd-tlsa-mx2", "_25._tcp.mx2.example.test", SW_DNS_TLSA, false), 2, 0,
      2, 64, 0x01, 0x10);
}

static void test_null_mx_nodata_nxdomain(void **state)
{
  (void)state;
  struct sw_dns_query q;
  char s[200];
  parse_captured("unbound-mx-nullmx", "nullmx.example.test", SW_DNS_MX, &q);
  assert_int_equal(answer.result, SW_DNS_RESULT_RECORDS);
  assert_true(answer.null_mx);
  assert_string_equal(name_of(0), "");
  parse_captured("unbound-mx-fallback", "fallback.example.test", SW_DNS_MX, &q);
  assert_int_equal(answer.result, SW_DNS_RESULT_NODATA);
  assert_int_equal(answer.nrecords, 0);
  assert_true(answer.ad); /* the NSEC proof validated */
  sw_dns_answer_sentence(&answer, &q, s, sizeof s);
  assert_string_equal(s, "fallback.example.test has no MX record");
  parse_captured("unbound-a-nxdomain", "nope.example.test", SW_DNS_A, &q);
  assert_int_equal(answer.result, SW_DNS_RESULT_NXDOMAIN);
  assert_int_equal(answer.rcode, 3);
  assert_true(answer.ad);
  sw_dns_answer_sentence(&answer, &q, s, sizeof s);
  assert_string_equal(s, "nope.example.test does not exist (NXDOMAIN)");
}

static void test_cname_chain(void **state)
{
  (void)state;
  struct sw_dns_query q;
  parse_captured("unbound-a-alias2", "alias2.example.test", SW_DNS_A, &q);
  assert_int_equal(answer.cname_hops, 2);
  assert_string_equal(answer.canonical, "mx2.example.test");
  assert_int_equal(answer.nrecords, 1);
  static const uint8_t v4[4] = {127, 0, 0, 3};
  assert_memory_equal(answer.records[0].a, v4, 4);
}

/* Every cut of a real answer is read without a fault; cut before the end
 * of its answer section, it is refused. */
static void test_every_cut(void **state)
{
  (void)state;
  static uint8_t got[4096];
  struct sw_dns_query q;
  assert_true(sw_dns_query_build(&q, "example.test", SW_DNS_MX, ID, why, sizeof why));
  size_t n = read_data("unbound-mx", "answer", got, sizeof got);
  /* header, question, 4 MX and their RRSIG: the answer section ends at
   * the RRSIG's end, which is the message's end for Unbound here but for
   * its OPT record (11 bytes) */
  size_t answers_end = n - 11;
  for (size_t cut = 0; cut < n; cut++) {
    uint8_t *copy = malloc(cut ? cut : 1);
    memcpy(copy, got, cut);
    bool ok = sw_dns_answer_parse(copy, cut, &q, &answer, why, sizeof why);
    if (cut < answers_end && ok)
      fail_msg("a cut at %zu of %zu bytes was read", cut, n);
    free(copy);
  }
}

/* ---- queries ------------------------------------------------------------------ */

static void test_query_bytes(void **state)
{
  (void)state;
  struct sw_dns_query q;
  assert_true(
      sw_dns_query_build(&q, "Mx.Example.TEST.", SW_DNS_TLSA, 0xBEEF, why, sizeof why));
  assert_string_equal(q.name, "Mx.Example.TEST");
  static const uint8_t want[] = {
      0xBE, 0xEF, 0x01, 0x20, 0,    1,   0,   0,    0,   0,   0,   1, /* header */
      2,    'M',  'x',  7,    'E',  'x', 'a', 'm',  'p', 'l', 'e', 4, 'T', 'E', /* name */
      'S',  'T',  0,    0,    52,   0,   1,                       /* TLSA IN */
      0,    0,    41,   0x04, 0xD0, 0,   0,   0x80, 0,   0,   0}; /* OPT, DO */
  assert_int_equal(q.len, sizeof want);
  assert_memory_equal(q.bytes, want, sizeof want);
}

static void expect_bad_name(const char *name, const char *words)
{
  struct sw_dns_query q;
  assert_false(sw_dns_query_build(&q, name, SW_DNS_A, 1, why, sizeof why));
  if (!strstr(why, words))
    fail_msg("\"%s\": \"%s\" lacks \"%s\"", name, why, words);
}

static void test_query_names_refused(void **state)
{
  (void)state;
  char longest[300];
  expect_bad_name("", "empty");
  expect_bad_name(".", "empty");
  expect_bad_name("a..b", "empty label");
  expect_bad_name(".a", "empty label");
  expect_bad_name("exa mple.com", "holds ' '");
  expect_bad_name("bücher.de", "xn--");
  memset(longest, 'a', 64);
  longest[64] = '\0';
  expect_bad_name(longest, "DNS allows 63");
  for (int i = 0; i < 254; i++)
    longest[i] = i % 2 ? '.' : 'a';
  longest[254] = '\0'; /* "a.a. ... a." : 254 with the dot, 253 without */
  struct sw_dns_query q;
  assert_true(sw_dns_query_build(&q, longest, SW_DNS_A, 1, why, sizeof why));
  longest[253] = 'a';
  longest[254] = 'a';
  longest[255] = '\0';
  expect_bad_name(longest, "DNS allows 253");
  assert_false(sw_dns_query_build(&q, "a.b", (enum sw_dns_type)99, 1, why, sizeof why));
  assert_non_null(strstr(why, "record type 99"));
  assert_false(sw_dns_query_build(&q, NULL, SW_DNS_A, 1, why, sizeof why));
}

static void test_type_names(void **state)
{
  (void)state;
  static const struct {
    const char *name;
    int type; /* -1: none */
  } cases[] = {{"tlsa", SW_DNS_TLSA},
               {"AAAA", SW_DNS_AAAA},
               {"Mx", SW_DNS_MX},
               {"SOA", -1},
               {"", -1},
               {"MXMXMXMXMX", -1}};
  for (size_t i = 0; i < SW_COUNTOF(cases); i++) {
    enum sw_dns_type t = (enum sw_dns_type)0;
    assert_int_equal(sw_dns_type_from_name(cases[i].name, &t), cases[i].type >= 0);
    if (cases[i].type >= 0)
      assert_int_equal(t, cases[i].type);
  }
  assert_string_equal(sw_dns_type_name(SW_DNS_MX), "MX");
  assert_null(sw_dns_type_name((enum sw_dns_type)2));
  char buf[16];
  assert_string_equal(sw_dns_rcode_name(2, buf, sizeof buf), "SERVFAIL");
  assert_string_equal(sw_dns_rcode_name(12, buf, sizeof buf), "RCODE 12");
}

/* ---- hand-made answers ------------------------------------------------------- */

struct pkt {
  size_t n;
  uint8_t b[70000];
};
static struct pkt p;

static void put(const void *d, size_t n)
{
  assert_true(p.n + n <= sizeof p.b);
  memcpy(p.b + p.n, d, n);
  p.n += n;
}

static void put8(unsigned v)
{
  uint8_t b = (uint8_t)v;
  put(&b, 1);
}

static void put16(unsigned v)
{
  put8(v >> 8);
  put8(v);
}

static void put_name(const char *name)
{
  while (*name) {
    const char *dot = strchr(name, '.');
    size_t n = dot ? (size_t)(dot - name) : strlen(name);
    put8((unsigned)n);
    put(name, n);
    name += n + (dot ? 1 : 0);
  }
  put8(0);
}

/* Header (flags: QR RD / RA, rcode), then the question for `name` and
 * `type`; record counts set by the caller through an, which is patched. */
static void start(uint16_t id, unsigned flags1, unsigned flags2, const char *name,
                  unsigned type)
{
  p.n = 0;
  put16(id);
  put8(flags1);
  put8(flags2);
  put16(1);
  put16(0);
  put16(0);
  put16(0);
  put_name(name);
  put16(type);
  put16(1);
}

static void set_ancount(unsigned n)
{
  p.b[6] = (uint8_t)(n >> 8);
  p.b[7] = (uint8_t)n;
}

/* A record after its owner name: type, class IN, TTL 60, the RDATA. */
static void rr_rest(unsigned type, const void *rdata, size_t rdlen)
{
  put16(type);
  put16(1);
  put16(0);
  put16(60);
  put16((unsigned)rdlen);
  put(rdata, rdlen);
}

/* A record whose owner is a pointer to the question's name (offset 12). */
static void rr_at_question(unsigned type, const void *rdata, size_t rdlen)
{
  put16(0xC00C);
  rr_rest(type, rdata, rdlen);
}

static void rr_named(const char *owner, unsigned type, const void *rdata, size_t rdlen)
{
  put_name(owner);
  rr_rest(type, rdata, rdlen);
}

/* An answer for `name` with one record of `type` at the question's name. */
static void answer_with(const char *name, unsigned type, const void *rdata, size_t rdlen)
{
  start(ID, 0x81, 0x80, name, type);
  rr_at_question(type, rdata, rdlen);
  set_ancount(1);
}

static bool parse_hand(const char *name, enum sw_dns_type type)
{
  struct sw_dns_query q;
  assert_true(sw_dns_query_build(&q, name, type, ID, why, sizeof why));
  return sw_dns_answer_parse(p.b, p.n, &q, &answer, why, sizeof why);
}

static void expect_refused(const char *name, enum sw_dns_type type, const char *words)
{
  assert_false(parse_hand(name, type));
  if (!strstr(why, words))
    fail_msg("\"%s\" lacks \"%s\"", why, words);
}

static const uint8_t loopback[4] = {127, 0, 0, 1};

static void test_header_and_question_checked(void **state)
{
  (void)state;
  p.n = 5;
  expect_refused("a.test", SW_DNS_A, "shorter than a DNS header");
  start(ID + 1, 0x81, 0x80, "a.test", SW_DNS_A);
  expect_refused("a.test", SW_DNS_A, "id 21336 is not the query's (21335)");
  start(ID, 0x01, 0x80, "a.test", SW_DNS_A);
  expect_refused("a.test", SW_DNS_A, "QR is 0");
  start(ID, 0x83, 0x80, "a.test", SW_DNS_A);
  expect_refused("a.test", SW_DNS_A, "truncated (TC)");
  start(ID, 0x81 | 0x28, 0x80, "a.test", SW_DNS_A); /* opcode 5 */
  expect_refused("a.test", SW_DNS_A, "opcode is 5");
  start(ID, 0x81, 0x80, "b.test", SW_DNS_A);
  expect_refused("a.test", SW_DNS_A, "another question than A a.test");
  start(ID, 0x81, 0x80, "a.test", SW_DNS_AAAA);
  expect_refused("a.test", SW_DNS_A, "another question");
  start(ID, 0x81, 0x80, "a.test", SW_DNS_A);
  p.b[5] = 2; /* two questions */
  expect_refused("a.test", SW_DNS_A, "2 questions");
  /* 0x20 randomisation: the question's case may differ */
  answer_with("A.TeSt", SW_DNS_A, loopback, 4);
  assert_true(parse_hand("a.test", SW_DNS_A));
  assert_int_equal(answer.nrecords, 1);
  assert_false(answer.ad);
}

static void test_refusal_without_question(void **state)
{
  (void)state;
  start(ID, 0x81, 0x82, "a.test", SW_DNS_A); /* SERVFAIL */
  p.b[5] = 0;                                /* no question echoed */
  p.n = 12;
  assert_true(parse_hand("a.test", SW_DNS_MX));
  assert_int_equal(answer.result, SW_DNS_RESULT_FAILED);
  char s[200];
  struct sw_dns_query q;
  assert_true(sw_dns_query_build(&q, "a.test", SW_DNS_MX, ID, why, sizeof why));
  sw_dns_answer_sentence(&answer, &q, s, sizeof s);
  assert_string_equal(s, "the DNS server answered SERVFAIL for MX a.test (it could not "
                         "answer; a validating resolver says so when DNSSEC validation "
                         "fails)");
}

static void test_compression_checked(void **state)
{
  (void)state;
  /* A pointer to itself, and one that points forward. */
  start(ID, 0x81, 0x80, "a.test", SW_DNS_A);
  size_t at = p.n;
  put16(0xC000 | (unsigned)at);
  set_ancount(1);
  expect_refused("a.test", SW_DNS_A, "points forward");
  start(ID, 0x81, 0x80, "a.test", SW_DNS_A);
  at = p.n;
  put16(0xC000 | (unsigned)(at + 4));
  set_ancount(1);
  expect_refused("a.test", SW_DNS_A, "points forward");
  /* Label type 01 (RFC 6891's extended labels, never deployed). */
  start(ID, 0x81, 0x80, "a.test", SW_DNS_A);
  put8(0x41);
  set_ancount(1);
  expect_refused("a.test", SW_DNS_A, "label type 0x40");
  /* A pointer cut in half, and a name cut short. */
  start(ID, 0x81, 0x80, "a.test", SW_DNS_A);
  put8(0xC0);
  set_ancount(1);
  expect_refused("a.test", SW_DNS_A, "cut off");
  start(ID, 0x81, 0x80, "a.test", SW_DNS_A);
  put8(5);
  put("ab", 2);
  set_ancount(1);
  expect_refused("a.test", SW_DNS_A, "past the end");
  /* A name longer than 255 bytes made of pointers to ever longer names:
   * each record's owner is one more 63-byte label before the last one. */
  start(ID, 0x81, 0x80, "a.test", SW_DNS_A);
  char label[64];
  memset(label, 'x', 63);
  size_t prev = 12;
  for (int i = 0; i < 4; i++) {
    size_t here = p.n;
    put8(63);
    put(label, 63);
    put16(0xC000 | (unsigned)prev);
    put16(SW_DNS_A);
    put16(1);
    put16(0);
    put16(60);
    put16(4);
    put(loopback, 4);
    prev = here;
  }
  set_ancount(4);
  expect_refused("a.test", SW_DNS_A, "longer than the 255 bytes");
}

static void test_records_checked(void **state)
{
  (void)state;
  static const uint8_t five[5] = {1, 2, 3, 4, 5};
  answer_with("a.test", SW_DNS_A, five, 5);
  expect_refused("a.test", SW_DNS_A, "A record's data is 5 bytes, not 4");
  start(ID, 0x81, 0x80, "a.test", SW_DNS_A);
  rr_at_question(SW_DNS_A, loopback, 4);
  p.b[p.n - 5] = 200; /* RDLENGTH past the end */
  set_ancount(1);
  expect_refused("a.test", SW_DNS_A, "runs past the end");
  start(ID, 0x81, 0x80, "a.test", SW_DNS_A);
  set_ancount(1); /* a record announced, none there */
  expect_refused("a.test", SW_DNS_A, "past the end");
  start(ID, 0x81, 0x80, "a.test", SW_DNS_A);
  put16(0xC00C);
  put16(SW_DNS_A);
  set_ancount(1);
  expect_refused("a.test", SW_DNS_A, "cut off after its name");
  /* TXT: a string longer than its record. */
  static const uint8_t txt[] = {3, 'a', 'b', 'c', 9, 'd'};
  answer_with("a.test", SW_DNS_TXT, txt, sizeof txt);
  expect_refused("a.test", SW_DNS_TXT, "TXT string runs past");
  /* MX: bytes after the exchange, and too short. */
  static const uint8_t mx_tail[] = {0, 10, 2, 'm', 'x', 0, 7};
  answer_with("a.test", SW_DNS_MX, mx_tail, sizeof mx_tail);
  expect_refused("a.test", SW_DNS_MX, "1 bytes after its name");
  answer_with("a.test", SW_DNS_MX, mx_tail, 2);
  expect_refused("a.test", SW_DNS_MX, "too short");
  /* An MX exchange whose name runs out of its RDATA into the next bytes. */
  static const uint8_t mx_over[] = {0, 10, 5, 'm', 'x'};
  start(ID, 0x81, 0x80, "a.test", SW_DNS_MX);
  rr_at_question(SW_DNS_MX, mx_over, sizeof mx_over);
  put("abc", 3);
  put8(0);
  set_ancount(1);
  expect_refused("a.test", SW_DNS_MX, "past the end");
  static const uint8_t tlsa[2] = {3, 1};
  answer_with("a.test", SW_DNS_TLSA, tlsa, 2);
  expect_refused("a.test", SW_DNS_TLSA, "TLSA record's data is 2 bytes");
}

/* Only records of the asked type, class IN, and the asked name count; an
 * exchange with unusual bytes is written \DDD; a compressed exchange is
 * followed. */
static void test_records_selected(void **state)
{
  (void)state;
  start(ID, 0x81, 0x80, "a.test", SW_DNS_MX);
  static const uint8_t mx_odd[] = {0, 5, 3, 'a', 1, '.', 0xC0, 14}; /* -> "a.test" */
  rr_at_question(SW_DNS_MX, mx_odd, sizeof mx_odd);
  rr_named("other.test", SW_DNS_MX, mx_odd,
           3);                           /* another owner: ignored (bad data too) */
  rr_at_question(SW_DNS_A, loopback, 4); /* another type */
  put16(0xC00C);                         /* class CH */
  put16(SW_DNS_MX);
  put16(3);
  put16(0);
  put16(60);
  put16(2);
  put16(0);
  set_ancount(4);
  assert_true(parse_hand("a.test", SW_DNS_MX));
  assert_int_equal(answer.nrecords, 1);
  assert_int_equal(answer.records[0].mx_preference, 5);
  assert_string_equal(name_of(0), "a\\001\\046.test");
  assert_false(answer.null_mx);
}

static void test_cname_limits(void **state)
{
  (void)state;
  /* a.test -> b.test -> a.test */
  start(ID, 0x81, 0x80, "a.test", SW_DNS_A);
  uint8_t b[16];
  b[0] = 1;
  b[1] = 'b';
  b[2] = 0xC0;
  b[3] = 14; /* "test" of the question */
  rr_at_question(SW_DNS_CNAME, b, 4);
  static const uint8_t to_a[] = {0xC0, 12};
  rr_named("b.test", SW_DNS_CNAME, to_a, 2);
  set_ancount(2);
  expect_refused("a.test", SW_DNS_A, "form a loop");
  /* n0 -> n1 -> ... -> n9: nine links */
  start(ID, 0x81, 0x80, "n0.test", SW_DNS_A);
  for (int i = 0; i < 9; i++) {
    char owner[16], target[16];
    snprintf(owner, sizeof owner, "n%d.test", i);
    snprintf(target, sizeof target, "n%d", i + 1);
    uint8_t rd[8] = {2, (uint8_t)target[0], (uint8_t)target[1], 0xC0, 15};
    rr_named(owner, SW_DNS_CNAME, rd, 5);
  }
  set_ancount(9);
  expect_refused("n0.test", SW_DNS_A, "longer than 8 links");
  /* Asking for the CNAME itself does not follow it. */
  answer_with("a.test", SW_DNS_CNAME, b, 4);
  assert_true(parse_hand("a.test", SW_DNS_CNAME));
  assert_int_equal(answer.cname_hops, 0);
  assert_string_equal(name_of(0), "b.test");
}

static void test_bounds_of_the_struct(void **state)
{
  (void)state;
  /* 40 A records: 32 kept, 8 counted. */
  start(ID, 0x81, 0x80, "a.test", SW_DNS_A);
  for (int i = 0; i < 40; i++)
    rr_at_question(SW_DNS_A, loopback, 4);
  set_ancount(40);
  if (!parse_hand("a.test", SW_DNS_A))
    fail_msg("%s", why);
  assert_int_equal(answer.nrecords, SW_DNS_RECORDS_MAX);
  assert_int_equal(answer.dropped, 8);
  char s[100];
  struct sw_dns_query q;
  assert_true(sw_dns_query_build(&q, "a.test", SW_DNS_A, ID, why, sizeof why));
  sw_dns_answer_sentence(&answer, &q, s, sizeof s);
  assert_string_equal(s, "a.test has 40 A records");
  /* Two TXT records of 36 strings of 255 bytes: more text than the answer
   * keeps. */
  start(ID, 0x81, 0x80, "a.test", SW_DNS_TXT);
  static uint8_t txt[36 * 256];
  for (int i = 0; i < 36; i++) {
    txt[i * 256] = 255;
    memset(txt + i * 256 + 1, 't', 255);
  }
  rr_at_question(SW_DNS_TXT, txt, sizeof txt);
  rr_at_question(SW_DNS_TXT, txt, sizeof txt);
  set_ancount(2);
  expect_refused("a.test", SW_DNS_TXT, "exceed the 16384 bytes");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mx_through_unbound),
      cmocka_unit_test(test_mx_from_authoritative),
      cmocka_unit_test(test_addresses),
      cmocka_unit_test(test_txt_strings_joined),
      cmocka_unit_test(test_tlsa),
      cmocka_unit_test(test_null_mx_nodata_nxdomain),
      cmocka_unit_test(test_cname_chain),
      cmocka_unit_test(test_every_cut),
      cmocka_unit_test(test_query_bytes),
      cmocka_unit_test(test_query_names_refused),
      cmocka_unit_test(test_type_names),
      cmocka_unit_test(test_header_and_question_checked),
      cmocka_unit_test(test_refusal_without_question),
      cmocka_unit_test(test_compression_checked),
      cmocka_unit_test(test_records_checked),
      cmocka_unit_test(test_records_selected),
      cmocka_unit_test(test_cname_limits),
      cmocka_unit_test(test_bounds_of_the_struct),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
