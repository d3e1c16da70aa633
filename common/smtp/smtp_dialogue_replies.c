/* What each reply of the server means: the greeting, EHLO (its
 * capabilities) and the HELO fallback, the user's command against the
 * expectation, and the verdict that the QUIT follows; the replies past the
 * handshake go on to smtp_dialogue_auth.c and _mail.c. Part of the dialogue
 * (smtp_dialogue.c runs the machine; smtp_dialogue_internal.h says what the
 * parts share). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_dialogue_internal.h"

static bool has_expect(const struct sw_dialogue *d)
{
  return d->cfg.expect && d->cfg.expect[0];
}

void sw__dlg_record_reply(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  d->result.reply_code = r->code;
  memcpy(d->result.enhanced_code, r->enhanced, sizeof d->result.enhanced_code);
  sw__escape_text(d->result.reply, sizeof d->result.reply, r->text, r->len, true);
}

/* The verdict is known: say goodbye politely and wait for 221 or the close.
 * `r` is the reply that decided it, or NULL to keep the one recorded. */
void sw__dlg_decide(struct sw_dialogue *d, enum sw_outcome outcome, enum sw_step step,
                    const struct sw_smtp_reply *r)
{
  if (r)
    sw__dlg_record_reply(d, r);
  if (outcome == SW_OUTCOME_OK && d->cert_verdict != SW_OUTCOME_OK) {
    /* The server answered well, but its certificate runs out soon or its
     * chain is incomplete: that is what the user must hear about. */
    outcome = d->cert_verdict;
    step = SW_STEP_TLS;
    sw__dlg_cert_warning_detail(d);
  }
  d->verdict = outcome;
  d->verdict_step = step;
  d->has_verdict = true;
  if (sw__dlg_send_line(d, "QUIT"))
    sw__dlg_set_state(d, SW_DLG_QUIT, d->now_us);
}

/* A 4xx or 5xx reply that is not an expectation's business. */
static void reject(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  sw__dlg_decide(d, r->code / 100 == 4 ? SW_OUTCOME_TEMP_REJECT : SW_OUTCOME_PERM_REJECT,
                 sw__dlg_step_of(d->state), r);
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
  enum sw_step step = sw__dlg_step_of(d->state);
  if (has_expect(d)) {
    if (contains(r->text, r->len, d->cfg.expect)) {
      sw__dlg_decide(d, SW_OUTCOME_OK, step, r);
    } else {
      char q[SW_DLG_QUOTE_MAX];
      sw__dlg_set_detail(d, "the reply did not contain \"%s\"",
                         sw__dlg_quote(q, d->cfg.expect, strlen(d->cfg.expect)));
      sw__dlg_decide(d, SW_OUTCOME_MISMATCH, step, r);
    }
  } else if (r->code / 100 == 2 || r->code / 100 == 3) {
    sw__dlg_decide(d, SW_OUTCOME_OK, step, r);
  } else {
    reject(d, r);
  }
}

void sw__dlg_unexpected_code(struct sw_dialogue *d, const struct sw_smtp_reply *r,
                             const char *what)
{
  sw__dlg_set_detail(
      d, "the server answered %s with code %d, which SMTP does not allow there", what,
      r->code);
  sw__dlg_decide(d, SW_OUTCOME_PROTOCOL_ERROR, sw__dlg_step_of(d->state), r);
}

/* "220 mx1.example.com ESMTP ready": the word after the code, which RFC
 * 5321 4.3.1 makes the server's domain or address literal. */
static void read_greeting_host(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  const char *text = r->len > 4 ? r->text + 4 : r->text + r->len;
  const char *end = r->text + r->len;
  size_t n = 0;
  while (text + n < end && text[n] != ' ' && text[n] != '\n')
    n++;
  sw__escape_text(d->result.greeting_host, sizeof d->result.greeting_host, text, n,
                  false);
}

static void on_greeting(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  int cls = r->code / 100;
  if (r->code == 220) {
    read_greeting_host(d, r);
    if (!sw__dlg_has_command(d)) {
      /* The greeting decides; EHLO still runs, to learn the capabilities
       * and to see that the server really takes mail. */
      if (has_expect(d) && !contains(r->text, r->len, d->cfg.expect)) {
        judge(d, r);
        return;
      }
      sw__dlg_record_reply(d, r);
    }
    sw__dlg_say_hello(d, false);
  } else if (cls == 4 || cls == 5) {
    /* A refusal (554 is the usual one); with an expectation on the
     * greeting itself, the expectation wins. Either way: QUIT (SMTP.md 2). */
    if (!sw__dlg_has_command(d) && has_expect(d))
      judge(d, r);
    else
      reject(d, r);
  } else {
    sw__dlg_set_detail(d, "the server greeted with code %d instead of 220", r->code);
    sw__dlg_decide(d, SW_OUTCOME_PROTOCOL_ERROR, SW_STEP_GREETING, r);
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
    if (klen < tlen && is_cap_keyword(text, klen, "AUTH"))
      sw__dlg_auth_offered(d, text + klen + 1, tlen - klen - 1);
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

void sw__dlg_proceed(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  if (sw__dlg_has_mail(d)) {
    sw__dlg_start_mail(d);
  } else if (sw__dlg_has_command(d)) {
    if (sw__dlg_send_line(d, d->cfg.command))
      sw__dlg_set_state(d, SW_DLG_COMMAND, d->now_us);
  } else if (d->auth_done) {
    sw__dlg_decide(d, SW_OUTCOME_OK, SW_STEP_AUTH, r); /* AUTH was the point */
  } else {
    /* The greeting decides; it is recorded already. */
    sw__dlg_decide(d, SW_OUTCOME_OK, SW_STEP_GREETING, NULL);
  }
}

/* EHLO or HELO went through (`r` is its reply): STARTTLS if the rule wants
 * it, else AUTH if it wants that, else on past the handshake. */
static void after_hello(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  if (sw__dlg_starttls_after_hello(d, r) || sw__dlg_auth_after_hello(d, r))
    return;
  sw__dlg_proceed(d, r);
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
    sw__dlg_say_hello(d, true);
  } else if (cls == 4 || cls == 5) {
    reject(d, r);
  } else {
    sw__dlg_unexpected_code(d, r, "EHLO");
  }
}

static void on_helo(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  int cls = r->code / 100;
  if (cls == 2) {
    after_hello(d, r);
  } else if (cls == 4 || cls == 5) {
    sw__dlg_set_detail(d, "the server refused both EHLO and HELO");
    reject(d, r);
  } else {
    sw__dlg_unexpected_code(d, r, "HELO");
  }
}

void sw__dlg_on_reply(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  sw__dlg_note_lines(d, r->text, r->len);
  if (d->state == SW_DLG_QUIT) {
    sw__dlg_finish_verdict(d); /* 221 or not, the conversation is over */
    return;
  }
  if (r->code == 421) {
    /* RFC 5321 3.8: the server is closing the channel; a QUIT would go
     * nowhere. */
    sw__dlg_record_reply(d, r);
    sw__dlg_finish(d, SW_OUTCOME_TEMP_REJECT, sw__dlg_step_of(d->state));
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
    sw__dlg_on_starttls(d, r);
    break;
  case SW_DLG_COMMAND:
    judge(d, r);
    break;
  case SW_DLG_AUTH:
    sw__dlg_on_auth(d, r);
    break;
  case SW_DLG_MAIL:
  case SW_DLG_RCPT:
  case SW_DLG_DATA:
  case SW_DLG_MESSAGE:
  case SW_DLG_RSET:
    sw__dlg_on_mail_reply(d, r);
    break;
  default:
    SW_NOT_REACHED(); /* nothing is read before the connection or after DONE */
    break;
  }
}
