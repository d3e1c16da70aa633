/* The mailbox sessions (common/mailbox): the IMAP transcripts in
 * tests/data/imap and the POP3 ones in tests/data/pop3 (format:
 * tests/data/imap/README.md), each run whole, with every server turn split at
 * every offset, and byte by byte (script_file.h, as the SMTP dialogue's);
 * plus the cases a transcript cannot express (refused settings, the
 * strings IMAP needs quoted or as literals, dates, headers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "imap_text.h"
#include "mailbox_internal.h"
#include "mailbox_session.h"
#include "script_file.h"

#define T0 1000000 /* the clock at the start of every run, in us */

enum event_kind {
  EV_EOF,
  EV_TIMEOUT,
  EV_DEADLINE,
  EV_FAIL,
  EV_WAIT,
  EV_TLS_READY,
  EV_TLS_FAILED,
  EV_COUNT
};
static const char *const event_names[] = {"eof",  "timeout",   "deadline",  "fail",
                                          "wait", "tls-ready", "tls-failed"};

struct mscript {
  struct script_file f;
  struct sw_mailbox_config cfg;
  struct sw_buf user, password, folder, probe;
  char peer[64];
};

static bool setting(void *ctx, const char *path, int line, const char *key, const char *v)
{
  struct mscript *sc = ctx;
  struct sw_mailbox_config *c = &sc->cfg;
  if (strcmp(key, "tls") == 0) {
    c->tls = strcmp(v, "starttls") == 0   ? SW_MAILBOX_TLS_STARTTLS
             : strcmp(v, "implicit") == 0 ? SW_MAILBOX_TLS_IMPLICIT
                                          : SW_MAILBOX_TLS_NONE;
  } else if (strcmp(key, "user") == 0) {
    sc->user.len = 0;
    unescape(path, line, v, &sc->user);
  } else if (strcmp(key, "password") == 0) {
    sc->password.len = 0;
    unescape(path, line, v, &sc->password);
  } else if (strcmp(key, "folder") == 0) {
    unescape(path, line, v, &sc->folder);
  } else if (strcmp(key, "probe") == 0) {
    sc->probe.len = 0;
    unescape(path, line, v, &sc->probe);
  } else if (strcmp(key, "allow-plaintext") == 0) {
    c->allow_plaintext = true;
  } else if (strcmp(key, "stale-s") == 0) {
    c->stale_s = atol(v);
  } else if (strcmp(key, "wall") == 0) {
    c->wall_s = atoll(v);
  } else if (strcmp(key, "timeout-ms") == 0) {
    c->timeout_ms = (uint32_t)atol(v);
  } else if (strcmp(key, "wait-ms") == 0) {
    c->wait_ms = (uint32_t)atol(v);
  } else {
    return false;
  }
  return true;
}

static void load(struct mscript *sc, const char *path)
{
  memset(sc, 0, sizeof *sc);
  bool pop3 = strstr(path, "/pop3/") != NULL;
  sc->cfg = (struct sw_mailbox_config){
      .protocol = pop3 ? SW_MAILBOX_POP3 : SW_MAILBOX_IMAP,
      .stale_s = 86400,
      .wall_s = 1796601600, /* 2026-12-07 00:00:00 UTC */
      .timeout_ms = 30000,
  };
  sw_buf_init(&sc->user, 0);
  sw_buf_init(&sc->password, 0);
  sw_buf_init(&sc->folder, 0);
  sw_buf_init(&sc->probe, 0);
  sw_buf_appends(&sc->user, "probe@example.com");
  sw_buf_appends(&sc->password, "s3cret pass\"word\\");
  sw_buf_appends(&sc->probe, "web-mx/8f14e45fceea167a");
  snprintf(sc->peer, sizeof sc->peer, "127.0.0.1:%s", pop3 ? "110" : "143");
  struct script_format fmt = {
      .events = event_names, .nevents = EV_COUNT, .setting = setting, .ctx = sc};
  script_load(&sc->f, path, &fmt);
  sc->cfg.user = sw_buf_str(&sc->user);
  sc->cfg.password = sw_buf_str(&sc->password);
  sc->cfg.folder = sw_buf_str(&sc->folder);
  sc->cfg.probe = sw_buf_str(&sc->probe);
}

static void unload(struct mscript *sc)
{
  script_free(&sc->f);
  sw_buf_free(&sc->user);
  sw_buf_free(&sc->password);
  sw_buf_free(&sc->folder);
  sw_buf_free(&sc->probe);
}

/* ---- running one ------------------------------------------------------- */

static bool holds(const char *hay, size_t len, const char *needle, size_t n)
{
  for (size_t i = 0; n && i + n <= len; i++)
    if (memcmp(hay + i, needle, n) == 0)
      return true;
  return false;
}

/* The password raw and AUTHENTICATE PLAIN's base64 are nowhere in the
 * result nor left in the session's buffers. */
static void check_no_secret(const struct mscript *sc, const struct run_mode *m,
                            const struct sw_mailbox *s)
{
  struct sw_buf plain, b64;
  sw_buf_init(&plain, 0);
  sw_buf_init(&b64, 0);
  sw_buf_append(&plain, "", 1);
  sw_buf_append(&plain, sc->user.data, sc->user.len);
  sw_buf_append(&plain, "", 1);
  sw_buf_append(&plain, sc->password.data, sc->password.len);
  sw_base64_encode(plain.data, plain.len, &b64);
  const struct sw_buf *forms[] = {&sc->password, &b64};
  const struct sw_mailbox_result *r = sw_mailbox_result(s);
  for (size_t i = 0; i < SW_COUNTOF(forms); i++) {
    const char *f = sw_buf_str(forms[i]);
    size_t n = forms[i]->len;
    if (holds(sw_buf_str(&r->transcript), r->transcript.len, f, n) ||
        holds(r->detail, strlen(r->detail), f, n) ||
        holds(r->reply, strlen(r->reply), f, n) || holds(s->out, sizeof s->out, f, n) ||
        holds(s->shown, sizeof s->shown, f, n))
      fail_msg("%s (%s): the password (form %zu) is in the result or a buffer",
               sc->f.path, m->text, i);
  }
  sw_buf_free(&plain);
  sw_buf_free(&b64);
}

/* Takes everything the client has to say; each write must be one line. */
static void drain(const struct mscript *sc, struct sw_mailbox *s,
                  const struct run_mode *m, int line, struct sw_buf *got)
{
  for (int guard = 0; guard < 100000; guard++) {
    size_t len;
    const char *out = sw_mailbox_output(s, &len);
    if (len == 0)
      return;
    if (m->bytewise) {
      sw_buf_append(got, out, 1);
      sw_mailbox_sent(s, 1);
      continue;
    }
    bool one_line = len >= 2 && memcmp(out + len - 2, "\r\n", 2) == 0 &&
                    !memchr(out, '\n', len - 1) && !memchr(out, '\r', len - 2);
    if (!one_line)
      fail_msg("%s:%d (%s): one write held other than one line: \"%.*s\"", sc->f.path,
               line, m->text, (int)len, out);
    sw_buf_append(got, out, len);
    sw_mailbox_sent(s, len);
  }
  fail_msg("%s:%d (%s): the output never ran dry", sc->f.path, line, m->text);
}

static void compare_output(const struct mscript *sc, const struct run_mode *m, int line,
                           const struct sw_buf *got, const struct sw_buf *want)
{
  if (got->len != want->len || memcmp(sw_buf_str(got), sw_buf_str(want), got->len) != 0)
    fail_msg("%s:%d (%s): the client sent \"%.2000s\" (%zu octets), expected "
             "\"%.2000s\" (%zu)",
             sc->f.path, line, m->text, sw_buf_str(got), got->len, sw_buf_str(want),
             want->len);
}

struct feeding {
  struct sw_mailbox *s;
  int64_t now;
};

static void feed_piece(void *ctx, const char *p, size_t n)
{
  struct feeding *fd = ctx;
  sw_mailbox_receive(fd->s, p, n, fd->now);
}

static void event(const struct mscript *sc, const struct run_mode *m,
                  struct sw_mailbox *s, const struct script_action *a, int64_t *now)
{
  switch ((enum event_kind)a->ev) {
  case EV_EOF:
    sw_mailbox_eof(s, *now);
    break;
  case EV_TIMEOUT:
    sw_mailbox_timeout(s, *now);
    break;
  case EV_DEADLINE: /* what the engine does: wait for the deadline, then say so */
    if (sw_mailbox_deadline(s) > *now)
      *now = sw_mailbox_deadline(s);
    sw_mailbox_timeout(s, *now);
    break;
  case EV_FAIL:
    sw_mailbox_fail(s, a->detail, *now);
    break;
  case EV_WAIT:
    *now += (int64_t)a->ms * 1000;
    break;
  case EV_TLS_READY:
  case EV_TLS_FAILED:
    if (!sw_mailbox_wants_tls(s))
      fail_msg("%s:%d (%s): the session did not ask for TLS (state %s)", sc->f.path,
               a->line, m->text, sw_mailbox_state_name(s->state));
    if (a->ev == EV_TLS_READY)
      sw_mailbox_tls_ready(s, *now);
    else
      sw_mailbox_tls_failed(s, a->detail, *now);
    break;
  case EV_COUNT:
    break;
  }
}

/* One run (script_runs.run): `ctx` is the script, `result` a struct sw_mailbox_result. */
static void run(void *ctx, const struct run_mode *m, void *result)
{
  const struct mscript *sc = ctx;
  struct sw_mailbox_result *out = result;
  struct sw_mailbox *s = malloc(sizeof *s);
  assert_non_null(s);
  int64_t now = T0;
  struct sw_buf got;
  sw_buf_init(&got, 0);
  sw_mailbox_init(s, &sc->cfg, now);
  sw_mailbox_connected(s, sc->peer, now);
  drain(sc, s, m, 0, &got);
  compare_output(sc, m, 0, &got, &sc->f.start.expect_out);
  for (int i = 0; i < sc->f.nactions; i++) {
    const struct script_action *a = &sc->f.actions[i];
    if (a->is_turn) {
      struct feeding fd = {s, now};
      script_feed_turn(&sc->f, i, m, feed_piece, &fd);
    } else {
      event(sc, m, s, a, &now);
    }
    got.len = 0;
    drain(sc, s, m, a->line, &got);
    compare_output(sc, m, a->line, &got, &a->expect_out);
  }
  if (!sw_mailbox_done(s))
    fail_msg("%s (%s): the session is not done at the end (state %s)", sc->f.path,
             m->text, sw_mailbox_state_name(s->state));
  sw_mailbox_receive(s, "* BYE late\r\n", 12, now); /* changes nothing */
  sw_mailbox_eof(s, now);
  check_no_secret(sc, m, s);
  sw_mailbox_take_result(s, out);
  sw_mailbox_free(s);
  free(s);
  sw_buf_free(&got);
}

/* ---- expectations ---------------------------------------------------------- */

static const char *yes_no(bool b)
{
  return b ? "yes" : "no";
}

/* The result's yes/no fields by their expectation's key. */
static bool flag_of(const char *key, const struct sw_mailbox_result *r, bool *out)
{
  const struct {
    const char *key;
    bool value;
  } flags[] = {{"found", r->found},
               {"probe_deleted", r->probe_deleted},
               {"tls", r->tls_used},
               {"idled", r->idled},
               {"idle_offered", r->idle_offered},
               {"header_cut", r->header_cut}};
  for (size_t i = 0; i < SW_COUNTOF(flags); i++)
    if (strcmp(key, flags[i].key) == 0)
      return *out = flags[i].value, true;
  return false;
}

/* script_runs.expect: `e` against the first result. */
static void check_expectation(void *ctx, const struct script_expectation *e,
                              const void *first)
{
  const struct mscript *sc = ctx;
  const struct sw_mailbox_result *r = first;
  const char *k = e->key, *v = e->value;
  char got[64];
  const char *have;
  bool b;
  bool substring = k[strlen(k) - 1] == '~';
  if (strcmp(k, "outcome") == 0)
    have = sw_mailbox_outcome_name(r->outcome);
  else if (strcmp(k, "state") == 0)
    have = sw_mailbox_state_name(r->state);
  else if (flag_of(k, r, &b))
    have = yes_no(b);
  else if (strcmp(k, "probe_id") == 0)
    have = r->probe_id;
  else if (strncmp(k, "detail", 6) == 0)
    have = r->detail;
  else if (strncmp(k, "reply", 5) == 0)
    have = r->reply;
  else if (strncmp(k, "transcript", 10) == 0)
    have = sw_buf_str(&r->transcript);
  else if (strcmp(k, "header") == 0 || strcmp(k, "header~") == 0)
    have = sw_buf_str(&r->header);
  else {
    if (strcmp(k, "stale_deleted") == 0)
      snprintf(got, sizeof got, "%u", r->stale_deleted);
    else if (strcmp(k, "internal_date") == 0)
      snprintf(got, sizeof got, "%lld", (long long)r->internal_date_s);
    else if (strcmp(k, "found_ms") == 0)
      snprintf(got, sizeof got, "%lld", (long long)(r->found_us - T0) / 1000);
    else if (strcmp(k, "total_ms") == 0)
      snprintf(got, sizeof got, "%lld", (long long)r->total_us / 1000);
    else if (strcmp(k, "header_len") == 0)
      snprintf(got, sizeof got, "%zu", r->header.len);
    else
      fail_msg("%s:%d: unknown expectation %s", sc->f.path, e->line, k);
    have = got;
  }
  bool ok = substring ? strstr(have, v) != NULL : strcmp(have, v) == 0;
  if (!ok)
    fail_msg("%s:%d: expected %s \"%s\", got \"%s\"\n  (%s: %s)\n%s", sc->f.path, e->line,
             k, v, have, sw_mailbox_outcome_name(r->outcome), r->detail,
             sw_buf_str(&r->transcript));
}

/* script_runs.same: `a` the first result, `b` another. */
static void same_result(void *ctx, const struct run_mode *m, const void *first,
                        const void *other)
{
  const struct mscript *sc = ctx;
  const struct sw_mailbox_result *a = first, *b = other;
  bool same =
      a->outcome == b->outcome && a->state == b->state && a->found == b->found &&
      a->probe_deleted == b->probe_deleted && a->stale_deleted == b->stale_deleted &&
      a->idled == b->idled && a->header_cut == b->header_cut &&
      a->found_us == b->found_us && a->total_us == b->total_us &&
      strcmp(a->detail, b->detail) == 0 && strcmp(a->reply, b->reply) == 0 &&
      strcmp(a->probe_id, b->probe_id) == 0 && a->header.len == b->header.len &&
      memcmp(sw_buf_str(&a->header), sw_buf_str(&b->header), a->header.len) == 0 &&
      strcmp(sw_buf_str(&a->transcript), sw_buf_str(&b->transcript)) == 0;
  if (!same)
    fail_msg("%s (%s): the result differs from the one fed whole:\n%s\n---- whole:\n%s",
             sc->f.path, m->text, sw_buf_str(&b->transcript), sw_buf_str(&a->transcript));
}

SCRIPT_RUNS(mailbox_runs, struct mscript, load, unload, struct sw_mailbox_result,
            sw_mailbox_result_free, run, check_expectation, same_result);

/* ---- cases a transcript cannot express ------------------------------------- */

static struct sw_mailbox_config base_cfg(void)
{
  return (struct sw_mailbox_config){.protocol = SW_MAILBOX_IMAP,
                                    .user = "u",
                                    .password = "p",
                                    .probe = "r/n",
                                    .stale_s = 86400,
                                    .wall_s = 1796601600,
                                    .timeout_ms = 1000};
}

static void test_settings_that_cannot_be_sent(void **state)
{
  (void)state;
  struct sw_mailbox_config bad[6];
  for (size_t i = 0; i < SW_COUNTOF(bad); i++)
    bad[i] = base_cfg();
  bad[0].password = "pass\r\nA2 DELETE INBOX";
  bad[1].user = "";
  bad[2].folder = "INBOX\nx";
  bad[3].probe = "no-slash";
  bad[4].probe = "/nonce";
  bad[5].stale_s = 0;
  for (size_t i = 0; i < SW_COUNTOF(bad); i++) {
    struct sw_mailbox s;
    sw_mailbox_init(&s, &bad[i], T0);
    assert_true(sw_mailbox_done(&s));
    assert_int_equal(sw_mailbox_result(&s)->outcome, SW_MAILBOX_INTERNAL_ERROR);
    assert_true(strlen(sw_mailbox_result(&s)->detail) > 0);
    /* An engine that carries on regardless gets nothing to send. */
    sw_mailbox_connected(&s, "127.0.0.1:143", T0);
    sw_mailbox_receive(&s, "* OK hi\r\n", 9, T0);
    size_t len;
    assert_null(sw_mailbox_output(&s, &len));
    assert_false(
        holds(sw_buf_str(&s.result.transcript), s.result.transcript.len, "pass", 4));
    sw_mailbox_free(&s);
  }
}

/* How IMAP strings are sent: quoted with escapes, or as a literal. */
static void test_imap_astrings(void **state)
{
  (void)state;
  struct {
    const char *text, *sent, *shown;
    int cuts;
  } cases[] = {
      {"plain", "\"plain\"", "\"plain\"", 0},
      {"a\"b\\c", "\"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\"", 0},
      {"", "\"\"", "\"\"", 0},
      {"gr\xc3\xbc\xc3\x9f", "{6}\r\ngr\xc3\xbc\xc3\x9f", "{6}\r\ngr\xc3\xbc\xc3\x9f", 1},
      {"tab\there", "{8}\r\ntab\there", "{8}\r\ntab\there", 1},
  };
  for (size_t i = 0; i < SW_COUNTOF(cases); i++) {
    struct sw_mbx_cmd c;
    sw__mbx_cmd_init(&c);
    sw__imap_astring(&c, cases[i].text, false);
    assert_int_equal(c.len, strlen(cases[i].sent));
    assert_memory_equal(c.buf, cases[i].sent, c.len);
    assert_int_equal(c.ncuts, cases[i].cuts);
    assert_int_equal(c.shown_len, strlen(cases[i].shown));
    /* A secret shows as ****, quoted or not; a literal's length stays. */
    sw__mbx_cmd_init(&c);
    sw__imap_astring(&c, cases[i].text, true);
    assert_int_equal(c.len, strlen(cases[i].sent));
    assert_false(holds(c.shown, c.shown_len, cases[i].text, strlen(cases[i].text)) &&
                 strlen(cases[i].text) > 0);
  }
}

static void test_mail_dates(void **state)
{
  (void)state;
  struct {
    const char *text;
    int64_t want; /* -1: refused */
  } cases[] = {
      {"Mon, 7 Dec 2026 22:53:17 +0000", 1796683997},
      {"7 Dec 2026 22:53:17 +0000", 1796683997},
      {"Mon, 07 Dec 2026 23:53:17 +0100 (CET)", 1796683997},
      {"07-Dec-2026 22:53:17 +0000", 1796683997},
      {" 7-Dec-2026 17:53:17 -0500", 1796683997},
      {"Mon, 7 Dec 2026 17:53:17 EST", 1796683997},
      {"Mon, 7 Dec 26 22:53 GMT", 1796683980},
      {"7 Foo 2026 22:53:17 +0000", -1},
      {"7 Dec 2026 25:00:00 +0000", -1},
      {"7 Dec 2026 22:53:17", -1},
      {"", -1},
  };
  for (size_t i = 0; i < SW_COUNTOF(cases); i++) {
    int64_t t = 0;
    bool ok = sw__parse_mail_date(cases[i].text, &t);
    if (ok != (cases[i].want >= 0) || (ok && t != cases[i].want))
      fail_msg("\"%s\": got %d %lld", cases[i].text, ok, (long long)t);
  }
}

static void test_header_fields_and_kinds(void **state)
{
  (void)state;
  const char *hdr = "Received: from a\r\n\tby b; Mon, 7 Dec 2026 22:00:00 +0000\r\n"
                    "x-smtpwatch-probe:   r/n  \r\n"
                    "Date: Sat, 5 Dec 2026 00:00:00 +0000\r\n"
                    "\r\n"
                    "Subject: in the body\r\n";
  char v[128];
  assert_true(sw__header_field(hdr, strlen(hdr), "X-SmtpWatch-Probe", v, sizeof v));
  assert_string_equal(v, "r/n");
  assert_true(sw__header_field(hdr, strlen(hdr), "received", v, sizeof v));
  assert_string_equal(v, "from a\tby b; Mon, 7 Dec 2026 22:00:00 +0000");
  assert_false(sw__header_field(hdr, strlen(hdr), "Subject", v, sizeof v));
  char tiny[4];
  assert_false(sw__header_field(hdr, strlen(hdr), "Date", tiny, sizeof tiny));
  struct sw_mailbox_config c = base_cfg();
  assert_int_equal(sw__probe_kind(&c, hdr, strlen(hdr), 0), SW_PROBE_THIS);
  c.probe = "r/other";
  assert_int_equal(sw__probe_kind(&c, hdr, strlen(hdr), 0), SW_PROBE_STALE);
  assert_int_equal(sw__probe_kind(&c, hdr, strlen(hdr), c.wall_s - 10), SW_PROBE_RECENT);
  c.probe = "rr/n"; /* "r/n" is not a probe of rule "rr" */
  assert_int_equal(sw__probe_kind(&c, hdr, strlen(hdr), 0), SW_PROBE_OTHER);
  c.probe = "R/x"; /* rules are compared exactly */
  assert_int_equal(sw__probe_kind(&c, hdr, strlen(hdr), 0), SW_PROBE_OTHER);
  const char *undated = "X-SmtpWatch-Probe: r/old\r\n\r\n";
  c.probe = "r/n";
  assert_int_equal(sw__probe_kind(&c, undated, strlen(undated), 0), SW_PROBE_RECENT);
}

/* Feeds `text` and takes what the session says, as one string. */
static const char *say(struct sw_mailbox *s, const char *text, char *out, size_t size)
{
  sw_mailbox_receive(s, text, strlen(text), T0);
  size_t len;
  const char *o = sw_mailbox_output(s, &len);
  snprintf(out, size, "%.*s", (int)len, o ? o : "");
  sw_mailbox_sent(s, len);
  return out;
}

/* An IMAP session of `c` (plain text allowed) past its greeting with
 * `caps`, logged in by LOGIN, its folder selected. */
static void logged_in(struct sw_mailbox *s, struct sw_mailbox_config *c, const char *caps)
{
  char out[256], line[128];
  c->allow_plaintext = true;
  sw_mailbox_init(s, c, T0);
  sw_mailbox_connected(s, "127.0.0.1:143", T0);
  snprintf(line, sizeof line, "* OK [CAPABILITY IMAP4rev1 %s] hi\r\n", caps);
  assert_string_equal(say(s, line, out, sizeof out), "a1 LOGIN \"u\" \"p\"\r\n");
  snprintf(line, sizeof line, "a1 OK [CAPABILITY IMAP4rev1 %s] in\r\n", caps);
  assert_string_equal(say(s, line, out, sizeof out), "a2 SELECT \"INBOX\"\r\n");
  say(s, "a2 OK selected\r\n", out, sizeof out);
}

/* A header past SW_MAILBOX_HEADER_MAX: all of it is read, its start kept
 * and said to be cut; the probe is still found by its field. */
static void test_big_header_is_cut(void **state)
{
  (void)state;
  struct sw_mailbox_config c = base_cfg();
  struct sw_mailbox s;
  char out[256];
  logged_in(&s, &c, "UIDPLUS");
  assert_string_equal(say(&s, "* SEARCH 4\r\na3 OK\r\n", out, sizeof out),
                      "a4 UID FETCH 4 (UID INTERNALDATE BODY.PEEK[HEADER])\r\n");
  size_t big = SW_MAILBOX_HEADER_MAX + 5000;
  struct sw_buf fetch;
  sw_buf_init(&fetch, 0);
  sw_buf_printf(&fetch, "* 1 FETCH (UID 4 BODY[HEADER] {%lu}\r\n", (unsigned long)big);
  const char *field = "X-SmtpWatch-Probe: r/n\r\nComment: ";
  sw_buf_appends(&fetch, field);
  for (size_t i = strlen(field); i < big - 4; i++)
    sw_buf_append(&fetch, "x", 1);
  sw_buf_appends(&fetch, "\r\n\r\n)\r\na4 OK\r\n");
  sw_mailbox_receive(&s, fetch.data, fetch.len, T0);
  sw_buf_free(&fetch);
  size_t len;
  const char *o = sw_mailbox_output(&s, &len);
  assert_non_null(o);
  assert_memory_equal(o, "a5 UID STORE 4 +FLAGS.SILENT (\\Deleted)\r\n", len);
  const struct sw_mailbox_result *r = sw_mailbox_result(&s);
  assert_true(r->found);
  assert_true(r->header_cut);
  assert_int_equal(r->header.len, SW_MAILBOX_HEADER_MAX);
  sw_mailbox_free(&s);
}

/* The wait ends before the server's "+" to IDLE came: DONE follows it. */
static void test_wait_over_before_idle_began(void **state)
{
  (void)state;
  struct sw_mailbox_config c = base_cfg();
  c.wait_ms = 2000;
  c.timeout_ms = 30000;
  struct sw_mailbox s;
  char out[256];
  logged_in(&s, &c, "IDLE");
  assert_string_equal(say(&s, "* SEARCH\r\na3 OK\r\n", out, sizeof out), "a4 IDLE\r\n");
  assert_int_equal(sw_mailbox_deadline(&s), T0 + 2000000);
  sw_mailbox_timeout(&s, T0 + 2000000);
  size_t len;
  assert_null(sw_mailbox_output(&s, &len));
  assert_string_equal(say(&s, "+ idling\r\n", out, sizeof out), "DONE\r\n");
  assert_string_equal(say(&s, "a4 OK done\r\n", out, sizeof out), "a5 LOGOUT\r\n");
  /* The budget's end, not the wait's, is the deadline now. */
  assert_int_equal(sw_mailbox_deadline(&s), T0 + 30000000);
  say(&s, "a5 OK bye\r\n", out, sizeof out);
  assert_true(sw_mailbox_done(&s));
  assert_int_equal(sw_mailbox_result(&s)->outcome, SW_MAILBOX_NOT_FOUND);
  sw_mailbox_free(&s);
}

static int run_cases(void)
{
  const struct CMUnitTest unit[] = {
      cmocka_unit_test(test_settings_that_cannot_be_sent),
      cmocka_unit_test(test_imap_astrings),
      cmocka_unit_test(test_mail_dates),
      cmocka_unit_test(test_header_fields_and_kinds),
      cmocka_unit_test(test_big_header_is_cut),
      cmocka_unit_test(test_wait_over_before_idle_began),
  };
  return cmocka_run_group_tests_name("mailbox", unit, NULL, NULL);
}

int main(void)
{
  struct script_suite suite = {0};
  bool enough = script_suite_add(&suite, SW_TEST_DATA_DIR "/imap", 12, &mailbox_runs);
  enough = script_suite_add(&suite, SW_TEST_DATA_DIR "/pop3", 6, &mailbox_runs) && enough;
  int failed = script_suite_run(&suite);
  failed += run_cases();
  return enough ? failed : failed + 1;
}
