/* What fuzz_imap_dialogue.c and fuzz_pop3_dialogue.c share: arbitrary
 * server bytes into a mailbox session (common/mailbox), checking what must
 * hold whatever a server sends. Static functions in a header, so that each
 * target stays one source file.
 *
 * Input: byte 0 is the chunk size the bytes arrive in (0 means 1), byte 1
 * the configuration and how the session ends (F_ bits), the rest is what
 * the server sends. The engine's part is played at once: whenever the
 * session asks for a handshake, the TLS session is up.
 *
 * Invariants: nothing is said before a whole line came; every write is
 * exactly one line; the password (raw, or in AUTHENTICATE PLAIN's base64)
 * goes only after TLS unless plain text is allowed, and never shows in the
 * result unless the server itself sent it; nothing is flagged or deleted
 * before a header with an X-SmtpWatch-Probe field was read; the session
 * always ends; its result is consistent (found only with the probe's header
 * kept, deleted only when found, bounded printable text); and the result
 * is the same however the bytes are cut (the input fed whole against fed in
 * chunks). A violated invariant aborts; ASan/UBSan catch the rest. */
#ifndef SW_FUZZ_MAILBOX_H
#define SW_FUZZ_MAILBOX_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailbox_session.h"
#include "text_escape.h"

#define CHECK(cond)                                                                      \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);      \
      abort();                                                                           \
    }                                                                                    \
  } while (0)

enum {
  F_STARTTLS = 1,  /* with F_IMPLICIT clear */
  F_IMPLICIT = 2,  /* implicit TLS */
  F_PLAINTEXT = 4, /* the password may go without TLS */
  F_WAIT = 8,      /* wait for new mail (IMAP IDLE) */
  F_EOF = 16,      /* the server closes at the end */
  F_TRICKLE = 32,  /* the engine sends one octet at a time */
};

#define PASSWORD "fuzz pass\"word\\ 0123456789"
#define PLAIN_B64 "AGZ1enpAZXhhbXBsZS5jb20AZnV6eiBwYXNzIndvcmRcIDAxMjM0NTY3ODk="

struct said {
  bool any, secret, tls_up, deleted;
  int fetches;
};

/* Whether `needle` is in hay[0..len), with or without case (header names
 * are compared without). */
static bool find(const char *hay, size_t len, const char *needle, bool nocase)
{
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= len; i++) {
    size_t k = 0;
    while (k < n &&
           (nocase ? (hay[i + k] | 0x20) == (needle[k] | 0x20) : hay[i + k] == needle[k]))
      k++;
    if (k == n)
      return true;
  }
  return false;
}

#define contains(hay, len, needle) find(hay, len, needle, false)
#define icontains(hay, len, needle) find(hay, len, needle, true)

static bool has_line_end(const uint8_t *data, size_t len)
{
  return memchr(data, '\n', len) != NULL;
}

/* Takes everything the session says, checking each write. */
static void drain(struct sw_mailbox *s, uint8_t flags, const uint8_t *input, size_t seen,
                  struct said *said)
{
  for (int guard = 0; guard < 10000; guard++) {
    size_t len;
    const char *out = sw_mailbox_output(s, &len);
    if (len == 0)
      return;
    CHECK(has_line_end(input, seen)); /* never before a whole line came */
    CHECK(len >= 2 && memcmp(out + len - 2, "\r\n", 2) == 0);
    CHECK(!memchr(out, '\n', len - 1) && !memchr(out, '\r', len - 2));
    if (contains(out, len, PASSWORD) || contains(out, len, PLAIN_B64)) {
      CHECK(said->tls_up || (flags & F_PLAINTEXT));
      said->secret = true;
    }
    if (contains(out, len, "FETCH") || contains(out, len, "TOP "))
      said->fetches++;
    if (contains(out, len, "STORE") || contains(out, len, "DELE ") ||
        contains(out, len, "EXPUNGE")) {
      /* Only after a header of a probe of this rule was read. */
      CHECK(said->fetches > 0);
      CHECK(icontains((const char *)input, seen, "x-smtpwatch-probe:"));
      CHECK(contains((const char *)input, seen, "web-mx/"));
      said->deleted = true;
    }
    said->any = true;
    if (flags & F_TRICKLE) {
      sw_mailbox_sent(s, 1);
      size_t rest;
      const char *more = sw_mailbox_output(s, &rest);
      if (rest > 0) {
        CHECK(rest == len - 1 && more == out + 1);
        sw_mailbox_sent(s, rest);
      }
    } else {
      sw_mailbox_sent(s, len);
    }
  }
  CHECK(!"the output never ran dry");
}

static void handshake(struct sw_mailbox *s, int64_t now, struct said *said)
{
  if (!sw_mailbox_wants_tls(s))
    return;
  size_t len;
  CHECK(sw_mailbox_output(s, &len) == NULL && len == 0); /* silence meanwhile */
  sw_mailbox_tls_ready(s, now);
  said->tls_up = true;
}

static void check_text(const char *text, size_t len)
{
  for (size_t i = 0; i < len; i++)
    CHECK((unsigned char)text[i] >= 0x20 || text[i] == '\n');
}

static void check_result(const struct sw_mailbox_result *r, const struct sw_mailbox *s,
                         const uint8_t *input, size_t len, const struct said *said)
{
  CHECK((unsigned)r->outcome < SW_MAILBOX_OUTCOME_COUNT);
  CHECK(r->outcome != SW_MAILBOX_FOUND || r->found);
  CHECK(!r->found || contains(sw_buf_str(&r->header), r->header.len, s->cfg.probe));
  CHECK(!r->probe_deleted || (r->found && said->deleted));
  CHECK(r->stale_deleted == 0 || said->deleted);
  CHECK(r->header.len <= SW_MAILBOX_HEADER_MAX);
  CHECK(r->transcript.len <= SW_TRANSCRIPT_MAX + 256);
  CHECK(r->tls_used == said->tls_up);
  check_text(r->detail, strlen(r->detail));
  check_text(r->reply, strlen(r->reply));
  check_text(sw_buf_str(&r->transcript), r->transcript.len);
  /* The password shows nowhere, unless the server said it itself. */
  if (!contains((const char *)input, len, "fuzz pass")) {
    CHECK(!strstr(sw_buf_str(&r->transcript), "fuzz pass"));
    CHECK(!strstr(r->detail, "fuzz pass") && !strstr(r->reply, "fuzz pass"));
  }
  if (!contains((const char *)input, len, PLAIN_B64))
    CHECK(!strstr(sw_buf_str(&r->transcript), PLAIN_B64));
}

/* One run: the bytes in `chunk`-sized pieces, all at the same time (so
 * that runs cut differently must give the same transcript). */
static void run_once(enum sw_mailbox_protocol proto, uint8_t flags, const uint8_t *data,
                     size_t size, size_t chunk, struct sw_mailbox_result *out)
{
  struct sw_mailbox_config cfg = {
      .protocol = proto,
      .tls = (flags & F_IMPLICIT)   ? SW_MAILBOX_TLS_IMPLICIT
             : (flags & F_STARTTLS) ? SW_MAILBOX_TLS_STARTTLS
                                    : SW_MAILBOX_TLS_NONE,
      .user = "fuzz@example.com",
      .password = PASSWORD,
      .allow_plaintext = (flags & F_PLAINTEXT) != 0,
      .probe = "web-mx/8f14e45fceea167a",
      .stale_s = 86400,
      .wall_s = 1796601600,
      .timeout_ms = 30000,
      .wait_ms = (flags & F_WAIT) ? 5000 : 0,
  };
  static struct sw_mailbox s; /* not on the fuzzer's stack */
  struct said said = {0};
  int64_t now = 1000000;
  sw_mailbox_init(&s, &cfg, now);
  CHECK(!sw_mailbox_done(&s));
  sw_mailbox_connected(&s, "127.0.0.1:143", now);
  handshake(&s, now, &said);
  drain(&s, flags, data, 0, &said);
  CHECK(!said.any);
  for (size_t pos = 0; pos < size; pos += chunk) {
    size_t n = size - pos < chunk ? size - pos : chunk;
    sw_mailbox_receive(&s, (const char *)data + pos, n, now);
    drain(&s, flags, data, pos + n, &said);
    handshake(&s, now, &said);
    drain(&s, flags, data, pos + n, &said);
  }
  if (flags & F_EOF)
    sw_mailbox_eof(&s, now);
  drain(&s, flags, data, size, &said);
  for (int i = 0; i < 4 && !sw_mailbox_done(&s); i++) {
    now = sw_mailbox_deadline(&s); /* an IDLE's end, then the budget's */
    sw_mailbox_timeout(&s, now);
    drain(&s, flags, data, size, &said);
  }
  sw_mailbox_timeout(&s, now + 60000000);
  CHECK(sw_mailbox_done(&s));
  size_t len;
  CHECK(sw_mailbox_output(&s, &len) == NULL && len == 0);
  sw_mailbox_take_result(&s, out);
  check_result(out, &s, data, size, &said);
  sw_mailbox_free(&s);
}

static int fuzz_mailbox(enum sw_mailbox_protocol proto, const uint8_t *data, size_t size)
{
  if (size < 2)
    return 0;
  size_t chunk = data[0] ? data[0] : 1;
  uint8_t flags = data[1];
  data += 2;
  size -= 2;
  struct sw_mailbox_result whole, cut;
  run_once(proto, flags, data, size, size ? size : 1, &whole);
  run_once(proto, flags, data, size, chunk, &cut);
  /* With STARTTLS the bytes after the server's yes are discarded when they
   * came with it, and read over TLS when they came after the handshake:
   * only then may the cut differ. */
  if (!(flags & F_STARTTLS) || (flags & F_IMPLICIT)) {
    CHECK(whole.outcome == cut.outcome && whole.found == cut.found);
    CHECK(strcmp(whole.detail, cut.detail) == 0);
    CHECK(whole.transcript.len == cut.transcript.len &&
          memcmp(sw_buf_str(&whole.transcript), sw_buf_str(&cut.transcript),
                 whole.transcript.len) == 0);
  }
  sw_mailbox_result_free(&whole);
  sw_mailbox_result_free(&cut);
  return 0;
}

#endif
