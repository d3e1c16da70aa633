/* libFuzzer target: arbitrary server bytes into the reply parser and the
 * check dialogue, checking what must hold whatever a server sends.
 *
 * Input: byte 0 is the chunk size the bytes arrive in (0 means 1), byte 1
 * picks the configuration and how the check ends (bits below), byte 2 what
 * goes past the handshake (AUTH and its mechanism, an envelope, a message,
 * the open-relay test: P_ bits), the rest
 * is what the server sends. With a TLS mode, the engine's part is played at
 * once: whenever the dialogue asks for a handshake, the session is reported
 * up (its certificate expiring in 3 days with F_EXPIRING).
 *
 * Invariants: the client says nothing before a final greeting line has
 * arrived, and nothing at all to something that is not SMTP; every write is
 * exactly one command line; nothing follows QUIT; the dialogue always ends;
 * the result is consistent with what was said (outcome, step, timings,
 * printable text); the parser gives the same replies however the bytes are
 * cut; nothing leaks (ASan); STARTTLS only after EHLO and only if the rule
 * wants TLS, nothing at all while a handshake is due, EHLO again after it;
 * with implicit TLS, nothing before it. Past the handshake: AUTH only when
 * wanted, offered, and over TLS unless plain text is allowed, LOGIN's two
 * answers only after its command, CRAM-MD5's one answer (the user name and
 * 32 hex digits, in base64) or its "*" only after its command; MAIL FROM
 * after EHLO (and after AUTH went through), RCPT TO after MAIL FROM, one
 * per recipient in order and the relay test's last, then DATA (with a
 * message, never with a relay test) or RSET (without); the message only
 * after DATA, in order, streamed from the caller's bytes; never a
 * credential, nor any line that carried one, in the result; an accepted
 * message was sent whole; open_relay only on a 2xx to the relay test's
 * recipient, and an OK relay test only after it was refused. A violated
 * invariant aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "smtp_dialogue.h"
#include "smtp_reply.h"

#define CHECK(cond)                                                                      \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      fprintf(stderr, "invariant failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);     \
      abort();                                                                           \
    }                                                                                    \
  } while (0)

/* The seeds' third byte is 64 + these bits (see CMakeLists.txt), so 64
 * set means no relay test, as for the seeds that have none. */
enum {
  P_AUTH = 1,            /* cfg.auth with a user and password */
  P_PLAINTEXT = 2,       /* ... allowed without TLS */
  P_LOGIN = 4,           /* ... forced to LOGIN (with P_CRAM: automatic) */
  P_MAIL = 8,            /* cfg.mail: a sender and two recipients (no command then) */
  P_MESSAGE = 16,        /* ... and a message of more than one piece */
  P_CRAM = 32,           /* AUTH forced to CRAM-MD5 (with P_LOGIN: automatic) */
  P_NO_RELAY = 64,       /* clear: the open-relay test, after the two recipients
                            with P_MAIL, else alone from the null sender */
  P_RELAY_MESSAGE = 128, /* with the relay test: a message too (refused at
                            init, as with P_AUTH: nothing may be said) */
};

enum {
  F_COMMAND = 1,    /* cfg.command = "NOOP" */
  F_EXPECT = 2,     /* cfg.expect = "250" */
  F_EOF = 4,        /* the server closes at the end (else the deadline passes) */
  F_FAIL = 8,       /* the engine fails at the end (before the close/timeout) */
  F_TRICKLE = 16,   /* the engine sends our output one byte at a time */
  F_TLS_MASK = 96,  /* the TLS mode, see tls_mode_of() */
  F_EXPIRING = 128, /* the certificate has 3 days left */
};

/* The seeds' flag byte is a letter (64 + the low five bits, see
 * CMakeLists.txt): 64 must mean no TLS, so that they keep their meaning. */
static enum sw_tls_mode tls_mode_of(uint8_t flags)
{
  switch (flags & F_TLS_MASK) {
  case 64:
    return SW_TLS_NONE;
  case 0:
    return SW_TLS_REQUIRE_STARTTLS;
  case 32:
    return SW_TLS_IMPLICIT;
  default:
    return SW_TLS_STARTTLS;
  }
}

#define WALL 1800000000LL

/* Written independently of the parser: does s[0..len) contain a complete
 * line that looks like the last line of a reply ("ddd" then SP or the end)?
 * Without one, no greeting can be complete. */
static bool has_final_line(const uint8_t *s, size_t len)
{
  size_t start = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] != '\n')
      continue;
    size_t n = i - start;
    if (n > 0 && s[start + n - 1] == '\r')
      n--;
    const uint8_t *l = s + start;
    if (n >= 3 && l[0] >= '0' && l[0] <= '9' && l[1] >= '0' && l[1] <= '9' &&
        l[2] >= '0' && l[2] <= '9' && (n == 3 || l[3] == ' '))
      return true;
    start = i + 1;
  }
  return false;
}

/* s must be a C string within s[0..size), printable but for LF if lf_ok. */
static void check_text(const char *s, size_t size, bool lf_ok)
{
  const char *nul = memchr(s, '\0', size);
  CHECK(nul != NULL);
  size_t n = (size_t)(nul - s);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    CHECK(c >= 0x20 || (lf_ok && c == '\n'));
    CHECK(c != 0x7F);
  }
}

struct said {
  bool any, ehlo, helo, quit;
  bool starttls, tls_up, ehlo_over_tls;
  int writes;
  /* past the handshake */
  bool auth, mail, data, rset;
  int login_answers, cram_answers, rcpts;
  bool auth_cancelled, relay; /* "*" said; the relay test's RCPT TO said */
  size_t message;             /* octets of the message sent */
  /* The lines that carried a credential or a digest of one (PLAIN's
   * response, LOGIN's and CRAM-MD5's answers): never in the result. */
  char secret[4][SW_SMTP_LINE_MAX];
  int secrets;
};

#define USER "fuzz-user@example.com"
#define PASSWORD "fuzz password 0123456789"

static const char *const rcpts[] = {"one@example.com", "two@example.com"};
#define RELAY_RCPT "relay-test@smtpwatch.invalid"

static void keep_secret(struct said *said, const char *line, size_t n)
{
  CHECK(said->secrets < 4 && n < SW_SMTP_LINE_MAX);
  memcpy(said->secret[said->secrets], line, n);
  said->secret[said->secrets++][n] = '\0';
}

/* CRAM-MD5's answer (RFC 2195): the base64 of the user name, a space and
 * 32 lower-case hex digits. */
static void check_cram_md5_answer(const char *line, size_t n)
{
  struct sw_buf raw;
  sw_buf_init(&raw, 0);
  CHECK(sw_base64_decode(line, n, &raw));
  size_t u = strlen(USER);
  CHECK(raw.len == u + 1 + 32 && memcmp(raw.data, USER " ", u + 1) == 0);
  for (size_t i = u + 1; i < raw.len; i++)
    CHECK((raw.data[i] >= '0' && raw.data[i] <= '9') ||
          (raw.data[i] >= 'a' && raw.data[i] <= 'f'));
  sw_buf_free(&raw);
}

/* The recipient the dialogue must say next: the envelope's, then the relay
 * test's; NULL when none is due. */
static const char *next_rcpt(const struct sw_dialogue *d, const struct said *said)
{
  const struct sw_dialogue_mail *m = &d->cfg.mail;
  if ((size_t)said->rcpts < m->to_count)
    return m->to[said->rcpts];
  return (size_t)said->rcpts == m->to_count ? m->relay_rcpt : NULL;
}

static size_t rcpts_in_all(const struct sw_dialogue *d)
{
  return d->cfg.mail.to_count + (d->cfg.mail.relay_rcpt ? 1 : 0);
}

/* DATA's payload, more than one piece long, with a stuffed dot. */
static const char *message(size_t *len)
{
  static char m[SW_DIALOGUE_SEND_MAX + 1200];
  static size_t n;
  if (!n) {
    n = (size_t)snprintf(m, sizeof m, "Subject: fuzz\r\n\r\n..dot\r\n");
    while (n + 80 + 3 < sizeof m) {
      memset(m + n, 'x', 78);
      memcpy(m + n + 78, "\r\n", 2);
      n += 80;
    }
    memcpy(m + n, ".\r\n", 3);
    n += 3;
  }
  *len = n;
  return m;
}

/* AUTH and the lines of its exchange (`line`, n octets without its CRLF);
 * false if it is none of theirs. */
static bool auth_line(const struct sw_dialogue *d, const char *line, size_t n,
                      struct said *said)
{
  const struct sw_dialogue_config *c = &d->cfg;
  if (n > 5 && memcmp(line, "AUTH ", 5) == 0) {
    CHECK(c->auth.user && !said->auth && (said->ehlo || said->helo));
    CHECK(d->result.caps & SW_CAP(AUTH)); /* only when offered */
    CHECK(said->tls_up || c->auth.allow_plaintext);
    CHECK(d->cfg.tls_mode != SW_TLS_REQUIRE_STARTTLS || said->tls_up);
    CHECK(c->auth.mech != SW_AUTH_MECH_LOGIN ||
          (n == 10 && !memcmp(line + 5, "LOGIN", 5)));
    CHECK(c->auth.mech != SW_AUTH_MECH_CRAM_MD5 ||
          (n == 13 && !memcmp(line + 5, "CRAM-MD5", 8)));
    if (n > 11 && memcmp(line + 5, "PLAIN ", 6) == 0)
      keep_secret(said, line + 11, n - 11);
    said->auth = true;
    return true;
  }
  if (!said->auth || d->state != SW_DLG_AUTH || said->mail || said->auth_cancelled)
    return false;
  if (n == 1 && line[0] == '*') {
    /* Only CRAM-MD5 cancels (a challenge it cannot read), before its answer. */
    CHECK(d->auth_mech == SW_AUTH_MECH_CRAM_MD5 && said->cram_answers == 0);
    said->auth_cancelled = true;
    return true;
  }
  if (d->auth_mech == SW_AUTH_MECH_LOGIN && said->login_answers < 2) {
    said->login_answers++; /* the user name, then the password, in base64 */
    keep_secret(said, line, n);
    return true;
  }
  if (d->auth_mech == SW_AUTH_MECH_CRAM_MD5 && said->cram_answers < 1) {
    check_cram_md5_answer(line, n);
    said->cram_answers++;
    keep_secret(said, line, n);
    return true;
  }
  return false;
}

/* A write past the handshake (`line`, n octets without its CRLF); false if
 * it is none of theirs. */
static bool transaction_line(const struct sw_dialogue *d, const char *line, size_t n,
                             struct said *said)
{
  const struct sw_dialogue_config *c = &d->cfg;
  if (auth_line(d, line, n, said))
    return true;
  if (n > 10 && memcmp(line, "MAIL FROM:", 10) == 0) {
    CHECK(c->mail.from && !said->mail && (said->ehlo || said->helo));
    CHECK(!c->auth.user || d->auth_done);
    CHECK(n == 10 + strlen(c->mail.from) + 2);
    said->mail = true;
    return true;
  }
  if (n > 8 && memcmp(line, "RCPT TO:", 8) == 0) {
    const char *to = next_rcpt(d, said);
    CHECK(said->mail && to && !said->data);
    CHECK(n == 8 + strlen(to) + 2 && memcmp(line + 9, to, strlen(to)) == 0);
    said->relay = (size_t)said->rcpts == c->mail.to_count;
    said->rcpts++;
    return true;
  }
  if (n == 4 && memcmp(line, "DATA", 4) == 0) {
    CHECK(c->mail.message && !c->mail.relay_rcpt);
    CHECK((size_t)said->rcpts == c->mail.to_count && !said->data);
    said->data = true;
    return true;
  }
  if (n == 4 && memcmp(line, "RSET", 4) == 0) {
    CHECK(!c->mail.message && (size_t)said->rcpts == rcpts_in_all(d) && !said->rset);
    said->rset = true;
    return true;
  }
  return false;
}

/* Takes the dialogue's output the way the engine does, checking each write. */
static void drain(struct sw_dialogue *d, const char *command, bool trickle,
                  struct said *said)
{
  /* 64 lines at the most, and the message, one byte a write when trickled. */
  size_t writes_max = 64 + d->cfg.mail.message_len;
  for (size_t guard = 0; guard < writes_max; guard++) {
    size_t len;
    const char *out = sw_dialogue_output(d, &len);
    if (len == 0)
      return;
    CHECK(out != NULL);
    CHECK(!said->quit); /* nothing after QUIT */
    const char *msg = d->cfg.mail.message;
    if (msg && out >= msg && out < msg + d->cfg.mail.message_len) {
      /* A piece of the message: after DATA's 354, in order, from the
       * caller's own bytes. */
      CHECK(said->data && out == msg + said->message && len <= SW_DIALOGUE_SEND_MAX);
      CHECK(said->message + len <= d->cfg.mail.message_len);
      size_t n = trickle ? 1 : len;
      sw_dialogue_sent(d, n);
      said->message += n;
      said->writes++;
      continue;
    }
    CHECK(len >= 2 && len <= SW_DIALOGUE_OUT_MAX);
    CHECK(memcmp(out + len - 2, "\r\n", 2) == 0);
    CHECK(!memchr(out, '\n', len - 1) && !memchr(out, '\r', len - 2));
    const char *line = out;
    size_t n = len - 2;
    if (n > 5 && memcmp(line, "EHLO ", 5) == 0 && said->tls_up && said->starttls &&
        !said->ehlo_over_tls) {
      said->ehlo_over_tls = true; /* RFC 3207 4.2: EHLO again over TLS */
    } else if (n > 5 && memcmp(line, "EHLO ", 5) == 0) {
      CHECK(!said->any); /* EHLO comes first, once */
      said->ehlo = true;
    } else if (n == 8 && memcmp(line, "STARTTLS", 8) == 0) {
      CHECK(d->cfg.tls_mode == SW_TLS_STARTTLS ||
            d->cfg.tls_mode == SW_TLS_REQUIRE_STARTTLS);
      CHECK((said->ehlo || said->helo) && !said->starttls && !said->tls_up);
      CHECK(d->result.caps & SW_CAP(STARTTLS)); /* only when advertised */
      said->starttls = true;
    } else if (n > 5 && memcmp(line, "HELO ", 5) == 0) {
      CHECK(said->ehlo && !said->helo);
      said->helo = true;
    } else if (n == 4 && memcmp(line, "QUIT", 4) == 0) {
      /* Never in the middle of the message. */
      CHECK(!said->data || said->message == 0 ||
            said->message == d->cfg.mail.message_len);
      said->quit = true;
    } else if (transaction_line(d, line, n, said)) {
      /* checked there */
    } else {
      CHECK(command && strlen(command) == n && memcmp(line, command, n) == 0);
      CHECK(said->ehlo);
      /* A required STARTTLS comes before the command, and TLS with it. */
      CHECK(d->cfg.tls_mode != SW_TLS_REQUIRE_STARTTLS || said->tls_up);
      CHECK(d->cfg.tls_mode != SW_TLS_IMPLICIT || said->tls_up);
    }
    said->any = true;
    said->writes++;
    if (trickle) {
      /* Part of a line: the rest must still be there afterwards. */
      sw_dialogue_sent(d, 1);
      size_t rest;
      const char *more = sw_dialogue_output(d, &rest);
      if (rest > 0) {
        CHECK(rest == len - 1 && memcmp(more, line + 1, rest) == 0);
        sw_dialogue_sent(d, rest);
      }
    } else {
      sw_dialogue_sent(d, len);
    }
  }
  CHECK(!"the output never ran dry");
}

static bool contains(const uint8_t *hay, size_t len, const char *needle)
{
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= len; i++)
    if (memcmp(hay + i, needle, n) == 0)
      return true;
  return false;
}

/* Whether `form` shows anywhere in the result, unless the server itself
 * said it: the input holds it, raw or once escaped as the result's text
 * is ("\xBA" then "GZ1..." reads "...AGZ1..."). */
static bool shows(const struct sw_check_result *r, const uint8_t *input, size_t len,
                  const char *escaped, const char *form)
{
  return !contains(input, len, form) && !strstr(escaped, form) &&
         (strstr(sw_buf_str(&r->transcript), form) || strstr(r->reply, form) ||
          strstr(r->detail, form));
}

/* Whether a credential, or a line that carried one or a digest of one,
 * shows in the result. */
static bool leaks(const struct sw_check_result *r, const uint8_t *input, size_t len,
                  const struct said *said)
{
  static char escaped[4 * 65536 + 4];
  sw__escape_text(escaped, sizeof escaped, (const char *)input, len, true);
  const char *const forms[] = {PASSWORD, "ZnV6eiBwYXNzd29yZCAwMTIzNDU2Nzg5" /* LOGIN */,
                               ("AGZ1enotdXNlckBleGFtcGxlLmNvbQBmdXp6IHBhc3N3b3JkIDAxMjM0"
                                "NTY3ODk=") /* PLAIN */};
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
    if (shows(r, input, len, escaped, forms[i]))
      return true;
  for (int i = 0; i < said->secrets; i++)
    if (shows(r, input, len, escaped, said->secret[i]))
      return true;
  return false;
}

static void check_result(const struct sw_check_result *r, const struct said *said,
                         bool expect, bool saw_final_line, const uint8_t *input,
                         size_t len)
{
  CHECK((unsigned)r->outcome < SW_OUTCOME_COUNT);
  CHECK((unsigned)r->step < SW_STEP_COUNT);
  CHECK(r->step_us[r->step] >= 0); /* it ended in a step it reached */
  int64_t sum = 0;
  for (int i = 0; i < SW_STEP_COUNT; i++) {
    CHECK(r->step_us[i] >= -1);
    if (r->step_us[i] > 0)
      sum += r->step_us[i];
  }
  CHECK(r->total_us == sum); /* every microsecond is in exactly one step */
  CHECK(r->reply_code == 0 || (r->reply_code >= 200 && r->reply_code <= 599));
  check_text(r->reply, sizeof r->reply, true);
  check_text(r->detail, sizeof r->detail, false);
  check_text(r->enhanced_code, sizeof r->enhanced_code, false);
  check_text(r->peer, sizeof r->peer, false);
  if (r->ehlo_keywords)
    check_text(r->ehlo_keywords, strlen(r->ehlo_keywords) + 1, true);
  check_text(sw_buf_str(&r->transcript), r->transcript.len + 1, true);
  CHECK(r->transcript.len <= SW_TRANSCRIPT_MAX + 256);

  switch (r->outcome) {
  case SW_OUTCOME_OK:
    CHECK(r->step == SW_STEP_QUIT && said->quit);
    /* A relay test is OK on the refusal of its recipient, which it keeps. */
    CHECK(expect || (said->relay ? r->reply_code >= 400
                                 : r->reply_code >= 200 && r->reply_code < 400));
    CHECK(!said->mail || said->rset || r->message_accepted);
    CHECK(!said->auth_cancelled);
    break;
  case SW_OUTCOME_OPEN_RELAY:
    CHECK(said->relay && !said->data && !said->rset && said->quit);
    CHECK(r->step == SW_STEP_RCPT && r->reply_code / 100 == 2);
    break;
  case SW_OUTCOME_AUTH_FAILED:
  case SW_OUTCOME_AUTH_UNAVAILABLE:
    CHECK(said->auth &&
          r->reply_code / 100 == (r->outcome == SW_OUTCOME_AUTH_FAILED ? 5 : 4));
    break;
  case SW_OUTCOME_AUTH_NOT_OFFERED:
  case SW_OUTCOME_AUTH_NOT_ENCRYPTED:
    CHECK(!said->auth && said->quit);
    break;
  case SW_OUTCOME_SENDER_REJECTED:
    CHECK(said->mail && said->rcpts == 0 && r->reply_code >= 400);
    break;
  case SW_OUTCOME_RECIPIENT_REJECTED:
    CHECK(said->rcpts > 0 && !said->data && r->reply_code >= 400);
    break;
  case SW_OUTCOME_MESSAGE_REJECTED:
    CHECK(said->data && r->reply_code >= 400);
    break;
  case SW_OUTCOME_MISMATCH:
    CHECK(expect && said->quit);
    break;
  case SW_OUTCOME_NOT_SMTP:
    CHECK(r->step == SW_STEP_GREETING && !said->any);
    break;
  case SW_OUTCOME_TEMP_REJECT:
    CHECK(r->reply_code / 100 == 4);
    break;
  case SW_OUTCOME_PERM_REJECT:
    CHECK(r->reply_code / 100 == 5);
    break;
  case SW_OUTCOME_STARTTLS_NOT_OFFERED:
    CHECK(!said->starttls && !said->tls_up && said->quit);
    break;
  case SW_OUTCOME_STARTTLS_REFUSED:
    CHECK(said->starttls && !said->tls_up && r->reply_code >= 400);
    break;
  case SW_OUTCOME_CERT_EXPIRING:
    CHECK(said->tls_up && said->quit && r->tls.used && r->tls.days_left == 3);
    break;
  default:
    break;
  }
  CHECK(r->tls.used == said->tls_up);
  CHECK(!leaks(r, input, len, said));
  /* A cancelled exchange is a protocol error, or ended by the server or
   * the time before its answer came. */
  CHECK(!said->auth_cancelled || r->outcome == SW_OUTCOME_PROTOCOL_ERROR ||
        r->outcome == SW_OUTCOME_CLOSED || r->outcome == SW_OUTCOME_TIMEOUT ||
        r->outcome == SW_OUTCOME_TEMP_REJECT);
  /* Accepted: the whole message went, and the server said 2xx to its end. */
  CHECK(!r->message_accepted ||
        (said->data && r->reply_code / 100 == 2 && r->step_us[SW_STEP_DATA] >= 0));
  CHECK(!r->used_helo || said->helo);
  CHECK(r->caps == 0 || said->ehlo);
  CHECK(!said->any || saw_final_line);
}

/* The parser alone: the replies must not depend on how the bytes are cut. */
static void fuzz_parser(const uint8_t *data, size_t len, size_t chunk)
{
  static struct sw_smtp_parser whole, cut;
  sw_smtp_parser_init(&whole);
  sw_smtp_parser_init(&cut);
  static char texts[2][SW_SMTP_REPLY_MAX + 1];
  size_t wpos = 0, cpos = 0, cend = 0;
  enum sw_error werr = SW_E_OK, cerr = SW_E_OK;
  for (;;) {
    /* The next reply from each. */
    struct sw_smtp_reply wr, cr;
    bool wdone = false, cdone = false;
    while (!werr && !wdone && wpos < len) {
      size_t used;
      werr = sw_smtp_parser_feed(&whole, (const char *)data + wpos, len - wpos, &used,
                                 &wr, &wdone);
      CHECK(used <= len - wpos);
      CHECK(werr || wdone || used == len - wpos);
      wpos += used;
    }
    if (wdone) {
      CHECK(wr.len <= SW_SMTP_REPLY_MAX && wr.lines >= 1);
      CHECK(wr.code >= 200 && wr.code <= 599);
      /* Only reply lines get into a reply, the last one final. */
      const char *last = wr.text;
      for (const char *nl;
           (nl = memchr(last, '\n', wr.len - (size_t)(last - wr.text)));) {
        int code;
        CHECK(sw_smtp_line_classify(last, (size_t)(nl - last), &code) ==
              SW_LINE_CONTINUATION);
        last = nl + 1;
      }
      int code;
      CHECK(sw_smtp_line_classify(last, wr.len - (size_t)(last - wr.text), &code) ==
            SW_LINE_FINAL);
      CHECK(code == wr.code);
      memcpy(texts[0], wr.text, wr.len);
    }
    while (!cerr && !cdone && cpos < len) {
      if (cpos == cend)
        cend = cpos + chunk < len ? cpos + chunk : len;
      size_t used;
      cerr = sw_smtp_parser_feed(&cut, (const char *)data + cpos, cend - cpos, &used, &cr,
                                 &cdone);
      CHECK(used <= cend - cpos);
      cpos += used;
    }
    CHECK(wdone == cdone);
    if (!wdone)
      break;
    CHECK(wr.code == cr.code && wr.len == cr.len && wr.lines == cr.lines);
    CHECK(memcmp(texts[0], cr.text, cr.len) == 0);
    CHECK(strcmp(wr.enhanced, cr.enhanced) == 0);
    CHECK(wpos == cpos);
  }
  CHECK(werr == cerr);
  if (werr)
    CHECK(wpos == cpos); /* the error is found at the same octet */
}

/* The engine's part of TLS: when the dialogue asks, the session is up. */
static void handshake(struct sw_dialogue *d, uint8_t flags, int64_t now,
                      struct said *said)
{
  if (!sw_dialogue_wants_tls(d))
    return;
  size_t len;
  CHECK(sw_dialogue_output(d, &len) == NULL && len == 0); /* silence meanwhile */
  CHECK(d->cfg.tls_mode == SW_TLS_IMPLICIT ? !said->any : said->starttls);
  struct sw_tls_info info;
  memset(&info, 0, sizeof info);
  snprintf(info.version, sizeof info.version, "TLS 1.2");
  snprintf(info.subject, sizeof info.subject, "CN=mx.example.com");
  info.not_after = WALL + ((flags & F_EXPIRING) ? 3 : 90) * 86400LL;
  info.verified = true;
  sw_dialogue_tls_ready(d, &info, SW_OUTCOME_OK, "", WALL, now);
  CHECK(info.sans == NULL);
  said->tls_up = true;
}

/* The configuration bytes 1 and 2 pick; true for one the dialogue must
 * refuse at init (a relay test with a message or with AUTH). */
static bool config_of(uint8_t flags, uint8_t past, struct sw_dialogue_config *cfg)
{
  *cfg = (struct sw_dialogue_config){
      .command = (flags & F_COMMAND) ? "NOOP" : NULL,
      .expect = (flags & F_EXPECT) ? "250" : "",
      .timeout_ms = 7000,
      .tls_mode = tls_mode_of(flags),
      .cert_warn_days = 21,
      .cert_crit_days = 7,
  };
  if (past & P_AUTH) {
    enum sw_auth_mech mech = SW_AUTH_MECH_AUTO;
    if ((past & (P_LOGIN | P_CRAM)) == P_LOGIN)
      mech = SW_AUTH_MECH_LOGIN;
    else if ((past & (P_LOGIN | P_CRAM)) == P_CRAM)
      mech = SW_AUTH_MECH_CRAM_MD5;
    cfg->auth = (struct sw_dialogue_auth){.user = USER,
                                          .password = PASSWORD,
                                          .mech = mech,
                                          .allow_plaintext = (past & P_PLAINTEXT) != 0};
  }
  if (past & P_MAIL) {
    cfg->command = NULL; /* a command or an envelope */
    cfg->mail.from = "monitor@example.com";
    cfg->mail.to = rcpts;
    cfg->mail.to_count = 2;
    if (past & P_MESSAGE)
      cfg->mail.message = message(&cfg->mail.message_len);
  }
  if (past & P_NO_RELAY)
    return false;
  cfg->command = NULL;
  cfg->mail.relay_rcpt = RELAY_RCPT;
  if (!(past & P_MAIL))
    cfg->mail.from = ""; /* the relay test alone, from <> */
  if (past & P_RELAY_MESSAGE)
    cfg->mail.message = message(&cfg->mail.message_len);
  return cfg->mail.message != NULL || cfg->auth.user != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 3)
    return 0;
  size_t chunk = data[0] ? data[0] : 1;
  uint8_t flags = data[1], past = data[2];
  data += 3;
  size -= 3;

  fuzz_parser(data, size, chunk);

  struct sw_dialogue_config cfg;
  bool refused = config_of(flags, past, &cfg);
  static struct sw_dialogue d; /* ~20 KiB: not on the fuzzer's stack */
  int64_t now = 1000000;
  struct said said = {0};
  sw_dialogue_init(&d, &cfg, now);
  CHECK(sw_dialogue_done(&d) == refused);
  sw_dialogue_resolved(&d, now += 10);
  sw_dialogue_connected(&d, "127.0.0.1:25", "client.example", now += 10);
  drain(&d, cfg.command, flags & F_TRICKLE, &said);
  CHECK(!said.any);
  handshake(&d, flags, now += 10, &said);

  for (size_t pos = 0; pos < size; pos += chunk) {
    size_t n = size - pos < chunk ? size - pos : chunk;
    sw_dialogue_receive(&d, (const char *)data + pos, n, now += 1000);
    size_t len;
    sw_dialogue_output(&d, &len);
    CHECK(len == 0 || d.state > SW_DLG_GREETING);
    CHECK(len == 0 || has_final_line(data, pos + n));
    drain(&d, cfg.command, flags & F_TRICKLE, &said);
    handshake(&d, flags, now += 10, &said);
    drain(&d, cfg.command, flags & F_TRICKLE, &said);
  }
  if (flags & F_FAIL)
    sw_dialogue_fail(&d, SW_OUTCOME_CLOSED, "reset by peer", now += 1000);
  if (flags & F_EOF)
    sw_dialogue_eof(&d, now += 1000);
  drain(&d, cfg.command, flags & F_TRICKLE, &said);
  sw_dialogue_timeout(&d, now += 7000000);
  CHECK(sw_dialogue_done(&d));
  size_t len;
  CHECK(sw_dialogue_output(&d, &len) == NULL && len == 0);

  struct sw_check_result r;
  sw_dialogue_take_result(&d, &r);
  check_result(&r, &said, flags & F_EXPECT, has_final_line(data, size), data, size);
  char line[512];
  sw_check_result_describe(&r, line, sizeof line);
  CHECK(strlen(line) > 0);
  sw_check_result_free(&r);
  sw_dialogue_free(&d);
  return 0;
}
