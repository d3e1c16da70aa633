/* The SMTP check dialogue. Every event enters through one of the public
 * functions at the bottom, every reply goes through on_reply, and only
 * set_state changes the state (curl's smtp.c rule): so step timings and the
 * trace cannot miss a transition. The order of things is in the header. */
#include "smtp_dialogue.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_expiry.h"
#include "sw_macros.h"

/* A branch for something that cannot happen if the engine keeps the
 * contract; it is handled anyway, because a monitor must not crash on a bug
 * elsewhere (SQLite's NEVER). */
#define NEVER(x) (x)

static const char *const state_names[] = {SW_DIALOGUE_STATE_MAP(SW_X_NAME_1)};

const char *sw_dialogue_state_name(enum sw_dialogue_state s)
{
  return SW_TABLE_AT(state_names, s, "UNKNOWN");
}

static enum sw_step step_of(enum sw_dialogue_state s)
{
  switch (s) {
  case SW_DLG_RESOLVING:
    return SW_STEP_RESOLVE;
  case SW_DLG_CONNECTING:
    return SW_STEP_CONNECT;
  case SW_DLG_GREETING:
    return SW_STEP_GREETING;
  case SW_DLG_EHLO:
  case SW_DLG_HELO: /* the fallback is part of saying hello */
    return SW_STEP_EHLO;
  case SW_DLG_STARTTLS:
  case SW_DLG_TLS:
    return SW_STEP_TLS;
  case SW_DLG_COMMAND:
    return SW_STEP_COMMAND;
  case SW_DLG_QUIT:
  case SW_DLG_DONE:
    break;
  }
  return SW_STEP_QUIT;
}

static bool has_command(const struct sw_dialogue *d)
{
  return d->cfg.command && d->cfg.command[0];
}

static bool has_expect(const struct sw_dialogue *d)
{
  return d->cfg.expect && d->cfg.expect[0];
}

/* STARTTLS is still to be tried (after EHLO, before any command). */
static bool wants_starttls(const struct sw_dialogue *d)
{
  return !d->tls_done && (d->cfg.tls_mode == SW_TLS_STARTTLS ||
                          d->cfg.tls_mode == SW_TLS_REQUIRE_STARTTLS);
}

static void note_discarded(struct sw_dialogue *d);

/* THE ONLY FUNCTION THAT CHANGES THE STATE. Time since the last change goes
 * to the step being left; a step is "reached" (0, not -1) on entry. */
static void set_state(struct sw_dialogue *d, enum sw_dialogue_state to, int64_t now)
{
  enum sw_dialogue_state from = d->state;
  int64_t spent = now - d->step_start_us;
  if (NEVER(spent < 0))
    spent = 0; /* the engine's clock is monotonic */
  d->result.step_us[step_of(from)] += spent;
  d->step_start_us = now;
  if (from == SW_DLG_TLS && d->discarded_len > 0)
    note_discarded(d); /* once, however the bytes were cut */
  if (to == SW_DLG_DONE) {
    int64_t total = now - d->start_us;
    d->result.total_us = total > 0 ? total : 0;
  } else if (d->result.step_us[step_of(to)] < 0) {
    d->result.step_us[step_of(to)] = 0;
  }
  d->state = to;
  if (d->cfg.trace)
    d->cfg.trace(d->cfg.trace_ctx, sw_dialogue_state_name(from),
                 sw_dialogue_state_name(to));
}

static void note(struct sw_dialogue *d, const char *tag, const char *data, size_t len)
{
  sw__transcript_line(&d->result, d->now_us - d->start_us, tag, data, len);
}

static void event(struct sw_dialogue *d, const char *text)
{
  note(d, "--", text, strlen(text));
}

/* Plaintext after "220" to STARTTLS (RFC 3207 section 6: the client must
 * discard what it learnt before TLS). Whatever it says, it is never read:
 * an attacker on the path could have put it there. */
static void discard(struct sw_dialogue *d, const char *data, size_t len)
{
  size_t keep = sizeof d->discarded - 1;
  if (d->discarded_len < keep) {
    size_t n = len < keep - d->discarded_len ? len : keep - d->discarded_len;
    memcpy(d->discarded + d->discarded_len, data, n);
  }
  d->discarded_len += len;
}

static void note_discarded(struct sw_dialogue *d)
{
  size_t shown = d->discarded_len < sizeof d->discarded - 1 ? d->discarded_len
                                                            : sizeof d->discarded - 1;
  /* The bytes go in raw: the transcript escapes what needs escaping, once. */
  char text[sizeof d->discarded + 160];
  int n = snprintf(text, sizeof text,
                   "discarded %lu octet%s the server sent after its 220 to STARTTLS, "
                   "before TLS: \"",
                   (unsigned long)d->discarded_len, d->discarded_len == 1 ? "" : "s");
  size_t len = n > 0 ? (size_t)n : 0;
  memcpy(text + len, d->discarded, shown);
  len += shown;
  const char *tail = shown < d->discarded_len ? "...\"" : "\"";
  memcpy(text + len, tail, strlen(tail));
  len += strlen(tail);
  note(d, "--", text, len);
  d->discarded_len = 0;
}

/* Each line of `text` ('\n'-separated, as the parser joins them). */
static void note_lines(struct sw_dialogue *d, const char *text, size_t len)
{
  while (len > 0) {
    const char *nl = memchr(text, '\n', len);
    size_t n = nl ? (size_t)(nl - text) : len;
    note(d, "S:", text, n);
    if (!nl)
      break;
    text += n + 1;
    len -= n + 1;
  }
}

/* What an unfinished or broken reply said so far, for the transcript; the
 * line being read even if empty when `bad_line` (it is the offending one). */
static void note_partial(struct sw_dialogue *d, bool bad_line)
{
  const struct sw_smtp_parser *p = &d->parser;
  if (!p->reply_ready && p->lines > 0)
    note_lines(d, p->text, p->text_len);
  size_t len;
  const char *line = sw_smtp_parser_line(p, &len);
  if (len > 0 || bad_line)
    note(d, "S:", line, len);
}

static void set_detail(struct sw_dialogue *d, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void set_detail(struct sw_dialogue *d, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d->result.detail, sizeof d->result.detail, fmt, ap);
  va_end(ap);
}

/* Server bytes fit to be quoted inside a detail sentence. */
#define QUOTE_MAX 160
static const char *quote(char *buf, const char *data, size_t len)
{
  sw__escape_text(buf, QUOTE_MAX, data, len, false);
  return buf;
}

static void record_reply(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  d->result.reply_code = r->code;
  memcpy(d->result.enhanced_code, r->enhanced, sizeof d->result.enhanced_code);
  sw__escape_text(d->result.reply, sizeof d->result.reply, r->text, r->len, true);
}

static void clear_reply(struct sw_dialogue *d)
{
  d->result.reply_code = 0;
  d->result.enhanced_code[0] = '\0';
  d->result.reply[0] = '\0';
}

static void finish(struct sw_dialogue *d, enum sw_outcome outcome, enum sw_step step)
{
  d->result.outcome = outcome;
  d->result.step = step;
  /* Nothing more is said or read: whatever was queued or held is moot. */
  d->out_len = d->out_sent = 0;
  sw_buf_free(&d->held);
  d->eof_held = false;
  set_state(d, SW_DLG_DONE, d->now_us);
}

/* The QUIT exchange is over (or cut short): report the verdict. An OK check
 * ended in QUIT; any other verdict is reported where it was decided. */
static void finish_verdict(struct sw_dialogue *d)
{
  finish(d, d->verdict, d->verdict == SW_OUTCOME_OK ? SW_STEP_QUIT : d->verdict_step);
}

static bool output_pending(const struct sw_dialogue *d)
{
  return d->out_sent < d->out_len;
}

/* Queues one command line; the CRLF is added here and nowhere else. */
static bool send_line(struct sw_dialogue *d, const char *line)
{
  size_t len = strlen(line);
  size_t unsent = d->out_len - d->out_sent;
  if (NEVER(unsent + len + 2 > sizeof d->out)) {
    set_detail(d, "a command did not fit the output buffer");
    finish(d, SW_OUTCOME_INTERNAL_ERROR, step_of(d->state));
    return false;
  }
  memmove(d->out, d->out + d->out_sent, unsent);
  memcpy(d->out + unsent, line, len);
  memcpy(d->out + unsent + len, "\r\n", 2);
  d->out_len = unsent + len + 2;
  d->out_sent = 0;
  note(d, "C:", line, len);
  return true;
}

/* The certificate's warning into the detail: "the certificate expires on
 * ..., in 2 days (...)", with the incomplete chain said too (in short: the
 * engine's sentence, naming the intermediates, is in the transcript); or
 * the incomplete chain alone. */
static void cert_warning_detail(struct sw_dialogue *d)
{
  if (d->cert_verdict == SW_OUTCOME_CERT_CHAIN_INCOMPLETE) {
    set_detail(d, "%s", d->chain_note);
    return;
  }
  const struct sw_tls_info *t = &d->result.tls;
  char date[40];
  sw_utc_format(t->not_after, date, sizeof date);
  set_detail(d,
             "the certificate expires on %s, in %d day%s (warning below %d days, "
             "critical below %d)%s",
             date, t->days_left, t->days_left == 1 ? "" : "s", t->warn_days, t->crit_days,
             d->chain_note[0]
                 ? "; and the server does not send its intermediate "
                   "certificate(s): other MTAs that do not fetch them will fail"
                 : "");
}

/* The verdict is known: say goodbye politely and wait for 221 or the close.
 * `r` is the reply that decided it, or NULL to keep the one recorded. */
static void decide(struct sw_dialogue *d, enum sw_outcome outcome, enum sw_step step,
                   const struct sw_smtp_reply *r)
{
  if (r)
    record_reply(d, r);
  if (outcome == SW_OUTCOME_OK && d->cert_verdict != SW_OUTCOME_OK) {
    /* The server answered well, but its certificate runs out soon or its
     * chain is incomplete: that is what the user must hear about. */
    outcome = d->cert_verdict;
    step = SW_STEP_TLS;
    cert_warning_detail(d);
  }
  d->verdict = outcome;
  d->verdict_step = step;
  d->has_verdict = true;
  if (send_line(d, "QUIT"))
    set_state(d, SW_DLG_QUIT, d->now_us);
}

/* A 4xx or 5xx reply that is not an expectation's business. */
static void reject(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  decide(d, r->code / 100 == 4 ? SW_OUTCOME_TEMP_REJECT : SW_OUTCOME_PERM_REJECT,
         step_of(d->state), r);
}

static bool contains(const char *hay, size_t hay_len, const char *needle)
{
  size_t n = strlen(needle);
  if (n > hay_len)
    return false;
  for (size_t i = 0; i + n <= hay_len; i++)
    if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
      return true;
  return false;
}

/* The deciding reply against the user's expectation: a substring of the
 * whole reply (codes included) wins over any code; without one, the code. */
static void judge(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  enum sw_step step = step_of(d->state);
  if (has_expect(d)) {
    if (contains(r->text, r->len, d->cfg.expect)) {
      decide(d, SW_OUTCOME_OK, step, r);
    } else {
      char q[QUOTE_MAX];
      set_detail(d, "the reply did not contain \"%s\"",
                 quote(q, d->cfg.expect, strlen(d->cfg.expect)));
      decide(d, SW_OUTCOME_MISMATCH, step, r);
    }
  } else if (r->code / 100 == 2 || r->code / 100 == 3) {
    decide(d, SW_OUTCOME_OK, step, r);
  } else {
    reject(d, r);
  }
}

static void unexpected_code(struct sw_dialogue *d, const struct sw_smtp_reply *r,
                            const char *what)
{
  set_detail(d, "the server answered %s with code %d, which SMTP does not allow there",
             what, r->code);
  decide(d, SW_OUTCOME_PROTOCOL_ERROR, step_of(d->state), r);
}

static void on_greeting(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  int cls = r->code / 100;
  if (r->code == 220) {
    if (!has_command(d)) {
      /* The greeting decides; EHLO still runs, to learn the capabilities
       * and to see that the server really takes mail. */
      if (has_expect(d) && !contains(r->text, r->len, d->cfg.expect)) {
        judge(d, r);
        return;
      }
      record_reply(d, r);
    }
    char line[8 + sizeof d->ehlo_name];
    snprintf(line, sizeof line, "EHLO %s", d->ehlo_name);
    if (send_line(d, line))
      set_state(d, SW_DLG_EHLO, d->now_us);
  } else if (cls == 4 || cls == 5) {
    /* A refusal (554 is the usual one); with an expectation on the
     * greeting itself, the expectation wins. Either way: QUIT (SMTP.md 2). */
    if (!has_command(d) && has_expect(d))
      judge(d, r);
    else
      reject(d, r);
  } else {
    set_detail(d, "the server greeted with code %d instead of 220", r->code);
    decide(d, SW_OUTCOME_PROTOCOL_ERROR, SW_STEP_GREETING, r);
  }
}

static bool is_cap_keyword(const char *kw, size_t len, const char *name)
{
  size_t n = strlen(name);
  if (len != n)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = kw[i];
    if (c >= 'a' && c <= 'z')
      c = (char)(c - 'a' + 'A');
    if (c != name[i])
      return false;
  }
  return true;
}

/* EHLO lines 2..n are "keyword [params]" (RFC 5321 4.1.1.1), keywords
 * case-insensitive; the old "AUTH=LOGIN" form counts as AUTH. */
static void read_capabilities(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  struct sw_buf kw;
  sw_buf_init(&kw, 0);
  const char *line = memchr(r->text, '\n', r->len);
  const char *end = r->text + r->len;
  while (line && line < end) {
    line++; /* past the '\n' */
    const char *nl = memchr(line, '\n', (size_t)(end - line));
    size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
    const char *text = n > 4 ? line + 4 : line + n; /* past "250-" */
    size_t tlen = (size_t)(line + n - text);
    size_t klen = 0;
    while (klen < tlen && text[klen] != ' ' && text[klen] != '=')
      klen++;
    for (int i = 0; i < SW_CAP_COUNT; i++)
      if (is_cap_keyword(text, klen, sw_cap_name(i)))
        d->result.caps |= 1u << i;
    char esc[4 * SW_SMTP_LINE_MAX + 4];
    sw__escape_text(esc, sizeof esc, text, tlen, false);
    if (kw.len)
      sw_buf_append(&kw, "\n", 1);
    sw_buf_appends(&kw, esc);
    line = nl;
  }
  free(d->result.ehlo_keywords);
  d->result.ehlo_keywords = sw_buf_take(&kw); /* "" (or NULL, out of memory) */
}

/* EHLO or HELO went through (`r` is its reply): STARTTLS if the rule wants
 * it, else the command, or the verdict from the greeting. */
static void after_hello(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  if (wants_starttls(d)) {
    /* RFC 3207 section 4: only when advertised, and HELO advertises nothing. */
    if (d->result.caps & SW_CAP(STARTTLS)) {
      if (send_line(d, "STARTTLS"))
        set_state(d, SW_DLG_STARTTLS, d->now_us);
      return;
    }
    if (d->cfg.tls_mode == SW_TLS_REQUIRE_STARTTLS) {
      set_detail(d, "%s",
                 d->result.used_helo
                     ? "the server refused EHLO, so it offers no extensions, "
                       "STARTTLS included"
                     : "the server's reply to EHLO does not list STARTTLS");
      decide(d, SW_OUTCOME_STARTTLS_NOT_OFFERED, SW_STEP_EHLO, r);
      return;
    }
    event(d, "STARTTLS is not offered: going on without TLS");
  }
  if (has_command(d)) {
    if (send_line(d, d->cfg.command))
      set_state(d, SW_DLG_COMMAND, d->now_us);
  } else {
    decide(d, SW_OUTCOME_OK, SW_STEP_GREETING, NULL); /* the greeting is recorded */
  }
}

static void on_ehlo(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  int cls = r->code / 100;
  if (cls == 2) {
    read_capabilities(d, r);
    after_hello(d, r);
  } else if (r->code == 500 || r->code == 501 || r->code == 502 || r->code == 550) {
    /* RFC 5321 4.1.1.1 / 3.2: an old server that does not know EHLO. */
    d->result.used_helo = true;
    char line[8 + sizeof d->ehlo_name];
    snprintf(line, sizeof line, "HELO %s", d->ehlo_name);
    if (send_line(d, line))
      set_state(d, SW_DLG_HELO, d->now_us);
  } else if (cls == 4 || cls == 5) {
    reject(d, r);
  } else {
    unexpected_code(d, r, "EHLO");
  }
}

static void on_helo(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  int cls = r->code / 100;
  if (cls == 2) {
    after_hello(d, r);
  } else if (cls == 4 || cls == 5) {
    set_detail(d, "the server refused both EHLO and HELO");
    reject(d, r);
  } else {
    unexpected_code(d, r, "HELO");
  }
}

static void on_starttls(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  int cls = r->code / 100;
  if (r->code == 220) {
    /* From here on only TLS: what was said before is forgotten, and any
     * bytes after this reply are discarded by consume(). */
    sw_smtp_parser_init(&d->parser);
    sw_buf_free(&d->held);
    set_state(d, SW_DLG_TLS, d->now_us);
  } else if (cls == 4 || cls == 5) {
    /* 454 (RFC 3207: TLS not available for a temporary reason) or worse. */
    decide(d, SW_OUTCOME_STARTTLS_REFUSED, SW_STEP_TLS, r);
  } else {
    unexpected_code(d, r, "STARTTLS");
  }
}

static void on_reply(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  note_lines(d, r->text, r->len);
  if (d->state == SW_DLG_QUIT) {
    finish_verdict(d); /* 221 or not, the conversation is over */
    return;
  }
  if (r->code == 421) {
    /* RFC 5321 3.8: the server is closing the channel; a QUIT would go
     * nowhere. */
    record_reply(d, r);
    finish(d, SW_OUTCOME_TEMP_REJECT, step_of(d->state));
    return;
  }
  switch (d->state) {
  case SW_DLG_GREETING:
    on_greeting(d, r);
    break;
  case SW_DLG_EHLO:
    on_ehlo(d, r);
    break;
  case SW_DLG_HELO:
    on_helo(d, r);
    break;
  case SW_DLG_STARTTLS:
    on_starttls(d, r);
    break;
  case SW_DLG_COMMAND:
    judge(d, r);
    break;
  default:
    break; /* NEVER: nothing is read before the connection or after DONE */
  }
}

static void on_parse_error(struct sw_dialogue *d, enum sw_error err)
{
  note_partial(d, true);
  size_t len;
  const char *line = sw_smtp_parser_line(&d->parser, &len);
  char q[QUOTE_MAX];
  if (d->has_verdict) {
    finish_verdict(d); /* garbage instead of 221: the answer is already known */
    return;
  }
  clear_reply(d);
  /* The very first line is not SMTP: something else listens on this port.
   * Not a word more to it (it is not an SMTP server to say QUIT to). */
  if (d->state == SW_DLG_GREETING && err == SW_E_BAD_REPLY_LINE && d->parser.lines == 0) {
    if (len == 0)
      set_detail(d, "the server sent an empty line instead of an SMTP greeting");
    else
      set_detail(d, "the server sent \"%s\" instead of an SMTP greeting",
                 quote(q, line, len));
    finish(d, SW_OUTCOME_NOT_SMTP, SW_STEP_GREETING);
    return;
  }
  if (err == SW_E_BAD_REPLY_LINE)
    set_detail(d, "the server sent a line that is not an SMTP reply: \"%s\"",
               quote(q, line, len));
  else if (err == SW_E_LINE_TOO_LONG)
    set_detail(d, "the server sent a reply line longer than the %d octets SMTP allows",
               SW_SMTP_LINE_MAX);
  else
    set_detail(d,
               "the server sent a reply longer than the %d octets this checker accepts",
               SW_SMTP_REPLY_MAX);
  /* The stream is out of step with us: a QUIT now could be read as part of
   * anything, so end here. */
  finish(d, SW_OUTCOME_PROTOCOL_ERROR, step_of(d->state));
}

static void hold(struct sw_dialogue *d, const char *data, size_t len)
{
  bool too_much = d->held.len + len > SW_DIALOGUE_HELD_MAX;
  if (!too_much && sw_buf_append(&d->held, data, len) == SW_E_OK)
    return;
  if (d->has_verdict) {
    finish_verdict(d); /* only the reply to QUIT was still to come */
    return;
  }
  clear_reply(d);
  if (too_much) {
    set_detail(d, "the server sent more than %d octets without waiting for the client",
               SW_DIALOGUE_HELD_MAX);
    finish(d, SW_OUTCOME_PROTOCOL_ERROR, step_of(d->state));
  } else {
    set_detail(d, "out of memory while receiving");
    finish(d, SW_OUTCOME_INTERNAL_ERROR, step_of(d->state));
  }
}

/* Feeds server bytes to the parser, one reply at a time. Once a reply made
 * us say something, the rest waits for that to be sent (see `held`). */
static void consume(struct sw_dialogue *d, const char *data, size_t len)
{
  while (len > 0 && d->state != SW_DLG_DONE) {
    size_t used;
    bool complete;
    struct sw_smtp_reply reply;
    enum sw_error err =
        sw_smtp_parser_feed(&d->parser, data, len, &used, &reply, &complete);
    data += used;
    len -= used;
    if (err) {
      on_parse_error(d, err);
      return;
    }
    if (complete) {
      on_reply(d, &reply);
      if (d->state == SW_DLG_TLS) {
        discard(d, data, len); /* plaintext after "220" to STARTTLS */
        return;
      }
      if (len > 0 && output_pending(d)) {
        hold(d, data, len);
        return;
      }
    }
  }
}

/* The last '\n' in s[0..len), or NULL (memrchr is a GNU extension). */
static const char *memrchr_or_null(const char *s, size_t len)
{
  while (len > 0)
    if (s[--len] == '\n')
      return s + len;
  return NULL;
}

static void on_eof(struct sw_dialogue *d)
{
  bool partial = sw_smtp_parser_has_partial(&d->parser);
  note_partial(d, false);
  event(d, "connection closed by the server");
  if (d->state == SW_DLG_QUIT) {
    finish_verdict(d); /* a close instead of 221 is fine (SMTP.md 9) */
    return;
  }
  clear_reply(d);
  /* Quote the unfinished line, or else the last whole line of the reply. */
  size_t len;
  const char *line = sw_smtp_parser_line(&d->parser, &len);
  if (len == 0 && partial) {
    const char *nl = memrchr_or_null(d->parser.text, d->parser.text_len);
    line = nl ? nl + 1 : d->parser.text;
    len = (size_t)(d->parser.text + d->parser.text_len - line);
  }
  char q[QUOTE_MAX];
  if (partial)
    set_detail(d, "the server closed the connection in the middle of a reply: \"%s\"",
               quote(q, line, len));
  else if (d->state == SW_DLG_GREETING)
    set_detail(d, "the server closed the connection without sending a greeting");
  else if (d->state == SW_DLG_COMMAND)
    set_detail(d, "the server closed the connection instead of answering the command");
  else if (d->state == SW_DLG_STARTTLS)
    set_detail(d, "the server closed the connection instead of answering STARTTLS");
  else if (d->state == SW_DLG_TLS)
    set_detail(d, "%s",
               d->handshake_done
                   ? "the server closed the connection after the TLS handshake"
                   : "the server closed the connection during the TLS handshake");
  else
    set_detail(d, "the server closed the connection instead of answering %s",
               d->state == SW_DLG_HELO ? "HELO" : "EHLO");
  finish(d, SW_OUTCOME_CLOSED, step_of(d->state));
}

/* Everything up to 510 octets of printable text: a command must reach the
 * wire as exactly one line (SMTP.md 12). The rule validator says so to the
 * user; this is the last line of defence. */
static bool command_is_one_line(const char *cmd)
{
  size_t n = strlen(cmd);
  if (n > SW_SMTP_LINE_MAX - 2)
    return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)cmd[i];
    if ((c < 0x20 && c != '\t') || c == 0x7F)
      return false;
  }
  return true;
}

static bool ehlo_name_ok(const char *name)
{
  size_t n = name ? strlen(name) : 0;
  if (n == 0 || n > 255)
    return false;
  for (size_t i = 0; i < n; i++)
    if (name[i] <= ' ' || name[i] > '~')
      return false;
  return true;
}

void sw_dialogue_init(struct sw_dialogue *d, const struct sw_dialogue_config *cfg,
                      int64_t now_us)
{
  memset(d, 0, sizeof *d);
  d->cfg = *cfg;
  sw_smtp_parser_init(&d->parser);
  sw_check_result_init(&d->result);
  sw_buf_init(&d->held, 0);
  d->state = SW_DLG_RESOLVING;
  d->start_us = d->step_start_us = d->now_us = now_us;
  d->result.step_us[SW_STEP_RESOLVE] = 0;
  if (has_command(d) && !command_is_one_line(d->cfg.command)) {
    set_detail(d,
               "the command is not one line of at most %d printable characters; "
               "nothing was sent",
               SW_SMTP_LINE_MAX - 2);
    finish(d, SW_OUTCOME_INTERNAL_ERROR, SW_STEP_RESOLVE);
  }
}

void sw_dialogue_free(struct sw_dialogue *d)
{
  sw_check_result_free(&d->result);
  sw_buf_free(&d->held);
}

void sw_dialogue_resolved(struct sw_dialogue *d, int64_t now_us)
{
  if (NEVER(d->state != SW_DLG_RESOLVING))
    return;
  d->now_us = now_us;
  event(d, "name resolved");
  set_state(d, SW_DLG_CONNECTING, now_us);
}

void sw_dialogue_connected(struct sw_dialogue *d, const char *peer, const char *ehlo_name,
                           int64_t now_us)
{
  if (d->state != SW_DLG_RESOLVING && NEVER(d->state != SW_DLG_CONNECTING))
    return;
  d->now_us = now_us;
  if (d->state == SW_DLG_RESOLVING)
    set_state(d, SW_DLG_CONNECTING, now_us); /* an address: nothing to resolve */
  d->result.tls.warn_days = d->cfg.cert_warn_days;
  d->result.tls.crit_days = d->cfg.cert_crit_days;
  snprintf(d->result.peer, sizeof d->result.peer, "%s", peer ? peer : "");
  char text[16 + SW_PEER_MAX];
  snprintf(text, sizeof text, "connected to %s", d->result.peer);
  event(d, text);
  if (!ehlo_name_ok(ehlo_name)) {
    set_detail(d, "the name to announce in EHLO is empty, too long or not printable");
    finish(d, SW_OUTCOME_INTERNAL_ERROR, SW_STEP_CONNECT);
    return;
  }
  snprintf(d->ehlo_name, sizeof d->ehlo_name, "%s", ehlo_name);
  /* RFC 8314: with implicit TLS, the greeting comes inside TLS. */
  set_state(d, d->cfg.tls_mode == SW_TLS_IMPLICIT ? SW_DLG_TLS : SW_DLG_GREETING, now_us);
}

void sw_dialogue_receive(struct sw_dialogue *d, const char *data, size_t len,
                         int64_t now_us)
{
  if (d->state == SW_DLG_DONE || len == 0)
    return;
  if (NEVER(d->state < SW_DLG_GREETING))
    return; /* bytes before the connection: an engine bug */
  d->now_us = now_us;
  if (d->state == SW_DLG_TLS) {
    /* Plaintext the engine read before the handshake began: after "220" to
     * STARTTLS it is the injection RFC 3207 warns of, and with implicit TLS
     * (or after the handshake) it must not come here at all. */
    discard(d, data, len);
    return;
  }
  if (output_pending(d) || d->held.len > 0)
    hold(d, data, len);
  else
    consume(d, data, len);
}

void sw_dialogue_eof(struct sw_dialogue *d, int64_t now_us)
{
  if (d->state == SW_DLG_DONE)
    return;
  d->now_us = now_us;
  if (d->held.len > 0)
    d->eof_held = true; /* after the held bytes, in sw_dialogue_sent */
  else
    on_eof(d);
}

void sw_dialogue_fail(struct sw_dialogue *d, enum sw_outcome outcome, const char *detail,
                      int64_t now_us)
{
  if (d->state == SW_DLG_DONE)
    return;
  d->now_us = now_us;
  if (!detail)
    detail = "";
  event(d, detail);
  if (d->has_verdict) {
    finish_verdict(d); /* e.g. a reset after QUIT: the answer is already in */
    return;
  }
  if (NEVER(outcome == SW_OUTCOME_OK || (unsigned)outcome >= SW_OUTCOME_COUNT))
    outcome = SW_OUTCOME_INTERNAL_ERROR;
  clear_reply(d);
  sw__escape_text(d->result.detail, sizeof d->result.detail, detail, strlen(detail),
                  false);
  finish(d, outcome, step_of(d->state));
}

void sw_dialogue_timeout(struct sw_dialogue *d, int64_t now_us)
{
  if (d->state == SW_DLG_DONE)
    return;
  d->now_us = now_us;
  bool partial = sw_smtp_parser_has_partial(&d->parser);
  note_partial(d, false);
  char text[64];
  snprintf(text, sizeof text, "timed out after %lu ms", (unsigned long)d->cfg.timeout_ms);
  event(d, text);
  if (d->has_verdict && d->verdict != SW_OUTCOME_OK) {
    finish_verdict(d);
    return;
  }
  if (!d->has_verdict)
    clear_reply(d);
  const char *incomplete = partial ? " (its reply was incomplete)" : "";
  switch (d->state) {
  case SW_DLG_RESOLVING:
    set_detail(d, "the host name was not resolved in time");
    break;
  case SW_DLG_CONNECTING:
    set_detail(d, "the server did not accept the connection");
    break;
  case SW_DLG_GREETING:
    set_detail(d, "%s",
               partial ? "the server began a greeting but did not finish it"
                       : "the server accepted the connection but sent no greeting");
    break;
  case SW_DLG_EHLO:
  case SW_DLG_HELO:
    set_detail(d, "the server did not answer %s%s",
               d->state == SW_DLG_HELO ? "HELO" : "EHLO", incomplete);
    break;
  case SW_DLG_COMMAND:
    set_detail(d, "the server did not answer the command%s", incomplete);
    break;
  case SW_DLG_STARTTLS:
    set_detail(d, "the server did not answer STARTTLS%s", incomplete);
    break;
  case SW_DLG_TLS:
    set_detail(d, "%s",
               d->handshake_done ? "the server's certificate could not be checked in time"
                                 : "the TLS handshake did not complete");
    break;
  default:
    set_detail(d, "the server neither answered QUIT nor closed the connection");
    break;
  }
  finish(d, SW_OUTCOME_TIMEOUT, step_of(d->state));
}

bool sw_dialogue_wants_tls(const struct sw_dialogue *d)
{
  return d->state == SW_DLG_TLS && !d->handshake_done;
}

void sw_dialogue_tls_handshake_done(struct sw_dialogue *d, int64_t now_us)
{
  if (NEVER(d->state != SW_DLG_TLS) || d->handshake_done)
    return;
  d->now_us = now_us;
  d->handshake_done = true;
  if (d->discarded_len > 0)
    note_discarded(d);
  event(d, "TLS handshake complete; checking the certificate");
}

/* "TLS 1.2, TLS_ECDHE_..., certificate "CN=x" issued by "CN=y", valid until
 * ... (N days)" into the transcript. */
static void note_tls(struct sw_dialogue *d, enum sw_outcome trust)
{
  const struct sw_tls_info *t = &d->result.tls;
  char date[40] = "an unknown date", text[2 * SW_TLS_TEXT_MAX + 200];
  if (t->not_after)
    sw_utc_format(t->not_after, date, sizeof date);
  snprintf(text, sizeof text,
           "%s, %s; certificate \"%s\" issued by \"%s\", valid until %s (%d days)%s",
           t->version[0] ? t->version : "TLS",
           t->cipher[0] ? t->cipher : "unknown cipher", t->subject, t->issuer, date,
           t->days_left,
           trust == SW_OUTCOME_OK && !t->verified ? "; chain and host name not validated"
                                                  : "");
  event(d, text);
}

/* A certificate is the server's text as much as its replies are: the same
 * escaping before it reaches a transcript, a database or a window. */
static void printable(char *field, size_t size, bool keep_lf)
{
  const char *nul = memchr(field, '\0', size); /* an engine may have filled it all */
  size_t len = nul ? (size_t)(nul - field) : size - 1;
  char tmp[4 * SW_TLS_TEXT_MAX];
  sw__escape_text(tmp, size < sizeof tmp ? size : sizeof tmp, field, len, keep_lf);
  snprintf(field, size, "%s", tmp);
}

static void make_printable(struct sw_tls_info *t)
{
  printable(t->version, sizeof t->version, false);
  printable(t->cipher, sizeof t->cipher, false);
  printable(t->subject, sizeof t->subject, false);
  printable(t->issuer, sizeof t->issuer, false);
  if (t->sans) {
    size_t len = strlen(t->sans), size = 4 * len + 4;
    char *esc = malloc(size);
    if (esc) {
      sw__escape_text(esc, size, t->sans, len, true);
      free(t->sans);
      t->sans = esc;
    }
  }
}

void sw_dialogue_tls_ready(struct sw_dialogue *d, struct sw_tls_info *info,
                           enum sw_outcome trust, const char *detail, int64_t wall_s,
                           int64_t now_us)
{
  if (d->state != SW_DLG_TLS || NEVER(!info)) {
    if (info) {
      free(info->sans);
      info->sans = NULL;
    }
    return; /* DONE (timed out meanwhile), or an engine bug */
  }
  d->now_us = now_us;
  d->handshake_done = true;
  if (d->discarded_len > 0)
    note_discarded(d);
  free(d->result.tls.sans);
  d->result.tls = *info;
  info->sans = NULL;
  struct sw_tls_info *t = &d->result.tls;
  make_printable(t);
  t->used = true;
  t->warn_days = d->cfg.cert_warn_days;
  t->crit_days = d->cfg.cert_crit_days;
  t->days_left = t->not_after ? sw_cert_days_left(t->not_after, wall_s) : 0;
  note_tls(d, trust);

  enum sw_outcome verdict = trust;
  if (trust == SW_OUTCOME_CERT_CHAIN_INCOMPLETE) {
    /* A good chain that this machine had to complete: said once the server
     * has answered (unless its expiry says worse), named here. */
    sw__escape_text(d->chain_note, sizeof d->chain_note, detail ? detail : "",
                    detail ? strlen(detail) : 0, false);
    char text[SW_DETAIL_MAX + 40];
    snprintf(text, sizeof text, "certificate chain incomplete: %s", detail ? detail : "");
    event(d, text);
    d->cert_verdict = trust;
    verdict = SW_OUTCOME_OK;
  }
  if (verdict == SW_OUTCOME_OK && t->not_after)
    verdict = sw_cert_expiry_outcome(t->not_after, wall_s, t->warn_days);
  if (verdict == SW_OUTCOME_CERT_EXPIRING) {
    d->cert_verdict = verdict; /* reported once the server has answered */
    verdict = SW_OUTCOME_OK;
  }
  if (verdict != SW_OUTCOME_OK) {
    /* Not a word through a channel we do not trust (and no QUIT: it would
     * have to go through it). */
    clear_reply(d);
    char date[40];
    sw_utc_format(t->not_after, date, sizeof date);
    int ago = -t->days_left - 1; /* whole days since it expired */
    if (verdict == SW_OUTCOME_CERT_EXPIRED && t->not_after && wall_s > t->not_after &&
        ago == 0)
      set_detail(d, "the certificate expired on %s, less than a day ago", date);
    else if (verdict == SW_OUTCOME_CERT_EXPIRED && t->not_after && wall_s > t->not_after)
      set_detail(d, "the certificate expired on %s, %d day%s ago", date, ago,
                 ago == 1 ? "" : "s");
    else
      sw__escape_text(d->result.detail, sizeof d->result.detail, detail ? detail : "",
                      detail ? strlen(detail) : 0, false);
    if (NEVER((unsigned)verdict >= SW_OUTCOME_COUNT))
      verdict = SW_OUTCOME_INTERNAL_ERROR;
    finish(d, verdict, SW_STEP_TLS);
    return;
  }
  d->tls_done = true;
  sw_smtp_parser_init(&d->parser);
  if (d->cfg.tls_mode == SW_TLS_IMPLICIT) {
    set_state(d, SW_DLG_GREETING, now_us); /* RFC 8314: now the greeting */
    return;
  }
  /* RFC 3207 section 4.2: forget what EHLO said in plaintext, and ask again. */
  d->result.caps = 0;
  d->result.used_helo = false;
  free(d->result.ehlo_keywords);
  d->result.ehlo_keywords = NULL;
  char line[8 + sizeof d->ehlo_name];
  snprintf(line, sizeof line, "EHLO %s", d->ehlo_name);
  if (send_line(d, line))
    set_state(d, SW_DLG_EHLO, now_us);
}

void sw_dialogue_tls_failed(struct sw_dialogue *d, const char *detail, int64_t now_us)
{
  if (d->state == SW_DLG_DONE)
    return;
  if (NEVER(d->state != SW_DLG_TLS)) {
    sw_dialogue_fail(d, SW_OUTCOME_INTERNAL_ERROR, "a TLS failure outside the TLS step",
                     now_us);
    return;
  }
  sw_dialogue_fail(d, SW_OUTCOME_TLS_HANDSHAKE_FAILED, detail, now_us);
}

int64_t sw_dialogue_deadline(const struct sw_dialogue *d)
{
  return d->start_us + (int64_t)d->cfg.timeout_ms * 1000;
}

const char *sw_dialogue_output(const struct sw_dialogue *d, size_t *len)
{
  if (d->state == SW_DLG_DONE || !output_pending(d)) {
    *len = 0;
    return NULL;
  }
  *len = d->out_len - d->out_sent;
  return d->out + d->out_sent;
}

void sw_dialogue_sent(struct sw_dialogue *d, size_t n)
{
  if (d->state == SW_DLG_DONE)
    return;
  size_t unsent = d->out_len - d->out_sent;
  if (NEVER(n > unsent))
    n = unsent;
  d->out_sent += n;
  if (output_pending(d))
    return;
  d->out_len = d->out_sent = 0;
  /* Our words are out: what the server said meanwhile may now be read. */
  while (d->held.len > 0 && !output_pending(d) && d->state != SW_DLG_DONE) {
    struct sw_buf bytes = d->held;
    sw_buf_init(&d->held, 0);
    consume(d, bytes.data, bytes.len);
    sw_buf_free(&bytes);
  }
  if (d->eof_held && d->held.len == 0 && d->state != SW_DLG_DONE) {
    d->eof_held = false;
    on_eof(d);
  }
}

const struct sw_check_result *sw_dialogue_result(const struct sw_dialogue *d)
{
  return &d->result;
}

void sw_dialogue_take_result(struct sw_dialogue *d, struct sw_check_result *out)
{
  sw_check_result_move(out, &d->result);
}
