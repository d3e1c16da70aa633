/* The SMTP check dialogue's machine. Every event enters through one of the
 * public functions at the bottom, every whole reply goes to
 * sw__dlg_on_reply (smtp_dialogue_replies.c), and only sw__dlg_set_state
 * changes the state (curl's smtp.c rule): so step timings and the trace
 * cannot miss a transition. The order of things is in the header;
 * STARTTLS and implicit TLS are in smtp_dialogue_tls.c, AUTH in
 * smtp_dialogue_auth.c (XOAUTH2 in smtp_dialogue_xoauth2.c), the envelope
 * and the message in smtp_dialogue_mail.c. */
#include "smtp_dialogue.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "smtp_dialogue_internal.h"

static const char *const state_names[] = {SW_DIALOGUE_STATE_MAP(SW_X_NAME_1)};

const char *sw_dialogue_state_name(enum sw_dialogue_state s)
{
  /* "RESOLVING", without the enum's prefix */
  return SW_TABLE_AT(state_names, s, "SW_DLG_UNKNOWN") + sizeof "SW_DLG_" - 1;
}

enum sw_step sw__dlg_step_of(enum sw_dialogue_state s)
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
  case SW_DLG_AUTH:
    return SW_STEP_AUTH;
  case SW_DLG_MAIL:
    return SW_STEP_MAIL;
  case SW_DLG_RCPT:
    return SW_STEP_RCPT;
  case SW_DLG_DATA:
  case SW_DLG_MESSAGE:
    return SW_STEP_DATA;
  case SW_DLG_RSET: /* ending the transaction is part of leaving */
  case SW_DLG_QUIT:
  case SW_DLG_DONE:
    break;
  }
  return SW_STEP_QUIT;
}

/* THE ONLY FUNCTION THAT CHANGES THE STATE. Time since the last change goes
 * to the step being left; a step is "reached" (0, not -1) on entry. */
void sw__dlg_set_state(struct sw_dialogue *d, enum sw_dialogue_state to, int64_t now)
{
  enum sw_dialogue_state from = d->state;
  int64_t spent = now - d->step_start_us;
  if (NEVER(spent < 0))
    spent = 0; /* the engine's clock is monotonic */
  d->result.step_us[sw__dlg_step_of(from)] += spent;
  d->step_start_us = now;
  if (from == SW_DLG_TLS && d->discarded_len > 0)
    sw__dlg_note_discarded(d); /* once, however the bytes were cut */
  if (to == SW_DLG_DONE) {
    int64_t total = now - d->start_us;
    d->result.total_us = total > 0 ? total : 0;
  } else if (d->result.step_us[sw__dlg_step_of(to)] < 0) {
    d->result.step_us[sw__dlg_step_of(to)] = 0;
  }
  d->state = to;
  if (d->cfg.trace)
    d->cfg.trace(d->cfg.trace_ctx, sw_dialogue_state_name(from),
                 sw_dialogue_state_name(to));
}

void sw__dlg_note(struct sw_dialogue *d, const char *tag, const char *data, size_t len)
{
  sw__transcript_line(&d->result, d->now_us - d->start_us, tag, data, len);
}

void sw__dlg_event(struct sw_dialogue *d, const char *text)
{
  sw__dlg_note(d, "--", text, strlen(text));
}

/* Each line of `text` ('\n'-separated, as the parser joins them). */
void sw__dlg_note_lines(struct sw_dialogue *d, const char *text, size_t len)
{
  while (len > 0) {
    const char *nl = memchr(text, '\n', len);
    size_t n = nl ? (size_t)(nl - text) : len;
    sw__dlg_note(d, "S:", text, n);
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
    sw__dlg_note_lines(d, p->text, p->text_len);
  size_t len;
  const char *line = sw_smtp_parser_line(p, &len);
  if (len > 0 || bad_line)
    sw__dlg_note(d, "S:", line, len);
}

void sw__dlg_set_detail(struct sw_dialogue *d, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d->result.detail, sizeof d->result.detail, fmt, ap);
  va_end(ap);
}

const char *sw__dlg_quote(char *buf, const char *data, size_t len)
{
  sw__escape_text(buf, SW_DLG_QUOTE_MAX, data, len, false);
  return buf;
}

void sw__dlg_clear_reply(struct sw_dialogue *d)
{
  d->result.reply_code = 0;
  d->result.enhanced_code[0] = '\0';
  d->result.reply[0] = '\0';
}

void sw__dlg_finish(struct sw_dialogue *d, enum sw_outcome outcome, enum sw_step step)
{
  d->result.outcome = outcome;
  d->result.step = step;
  /* Nothing more is said or read: whatever was queued or held is moot. */
  sw_auth_wipe(d->out, sizeof d->out);
  d->out_len = d->out_sent = 0;
  sw_buf_free(&d->held);
  d->eof_held = false;
  sw__dlg_set_state(d, SW_DLG_DONE, d->now_us);
}

/* The QUIT exchange is over (or cut short): report the verdict. An OK check
 * ended in QUIT; any other verdict is reported where it was decided. */
void sw__dlg_finish_verdict(struct sw_dialogue *d)
{
  sw__dlg_finish(d, d->verdict,
                 d->verdict == SW_OUTCOME_OK ? SW_STEP_QUIT : d->verdict_step);
}

static bool output_pending(const struct sw_dialogue *d)
{
  return d->out_sent < d->out_len;
}

/* Queues one command line; the CRLF is added here and nowhere else. The
 * transcript shows `shown`. */
static bool send_line_as(struct sw_dialogue *d, const char *line, const char *shown)
{
  size_t len = strlen(line);
  size_t unsent = d->out_len - d->out_sent;
  if (NEVER(unsent + len + 2 > sizeof d->out)) {
    sw__dlg_set_detail(d, "a command did not fit the output buffer");
    sw__dlg_finish(d, SW_OUTCOME_INTERNAL_ERROR, sw__dlg_step_of(d->state));
    return false;
  }
  memmove(d->out, d->out + d->out_sent, unsent);
  memcpy(d->out + unsent, line, len);
  memcpy(d->out + unsent + len, "\r\n", 2);
  d->out_len = unsent + len + 2;
  d->out_sent = 0;
  sw__dlg_note(d, "C:", shown, strlen(shown));
  return true;
}

bool sw__dlg_send_line(struct sw_dialogue *d, const char *line)
{
  return send_line_as(d, line, line);
}

bool sw__dlg_send_secret_line(struct sw_dialogue *d, const char *line, const char *shown)
{
  return send_line_as(d, line, shown);
}

const char *sw__dlg_awaited(const struct sw_dialogue *d)
{
  switch (d->state) {
  case SW_DLG_EHLO:
    return "EHLO";
  case SW_DLG_HELO:
    return "HELO";
  case SW_DLG_STARTTLS:
    return "STARTTLS";
  case SW_DLG_COMMAND:
    return "the command";
  case SW_DLG_AUTH:
    return "AUTH";
  case SW_DLG_MAIL:
    return "MAIL FROM";
  case SW_DLG_RCPT:
    return "RCPT TO";
  case SW_DLG_DATA:
    return "DATA";
  case SW_DLG_MESSAGE:
    return "the end of the message";
  case SW_DLG_RSET:
    return "RSET";
  case SW_DLG_QUIT:
    return "QUIT";
  default:
    return "the client"; /* nothing was said yet (greeting, TLS): callers say so */
  }
}

void sw__dlg_say_hello(struct sw_dialogue *d, bool helo)
{
  char line[8 + sizeof d->ehlo_name];
  snprintf(line, sizeof line, "%s %s", helo ? "HELO" : "EHLO", d->ehlo_name);
  if (sw__dlg_send_line(d, line))
    sw__dlg_set_state(d, helo ? SW_DLG_HELO : SW_DLG_EHLO, d->now_us);
}

static void on_parse_error(struct sw_dialogue *d, enum sw_error err)
{
  note_partial(d, true);
  size_t len;
  const char *line = sw_smtp_parser_line(&d->parser, &len);
  char q[SW_DLG_QUOTE_MAX];
  if (d->has_verdict) {
    sw__dlg_finish_verdict(d); /* garbage instead of 221: the answer is already known */
    return;
  }
  sw__dlg_clear_reply(d);
  /* The very first line is not SMTP: something else listens on this port.
   * Not a word more to it (it is not an SMTP server to say QUIT to). */
  if (d->state == SW_DLG_GREETING && err == SW_E_BAD_REPLY_LINE && d->parser.lines == 0) {
    if (len == 0)
      sw__dlg_set_detail(d, "the server sent an empty line instead of an SMTP greeting");
    else
      sw__dlg_set_detail(d, "the server sent \"%s\" instead of an SMTP greeting",
                         sw__dlg_quote(q, line, len));
    sw__dlg_finish(d, SW_OUTCOME_NOT_SMTP, SW_STEP_GREETING);
    return;
  }
  if (err == SW_E_BAD_REPLY_LINE)
    sw__dlg_set_detail(d, "the server sent a line that is not an SMTP reply: \"%s\"",
                       sw__dlg_quote(q, line, len));
  else if (err == SW_E_LINE_TOO_LONG)
    sw__dlg_set_detail(
        d, "the server sent a reply line longer than the %d octets SMTP allows",
        SW_SMTP_LINE_MAX);
  else
    sw__dlg_set_detail(
        d, "the server sent a reply longer than the %d octets this checker accepts",
        SW_SMTP_REPLY_MAX);
  /* The stream is out of step with us: a QUIT now could be read as part of
   * anything, so end here. */
  sw__dlg_finish(d, SW_OUTCOME_PROTOCOL_ERROR, sw__dlg_step_of(d->state));
}

static void hold(struct sw_dialogue *d, const char *data, size_t len)
{
  bool too_much = d->held.len + len > SW_DIALOGUE_HELD_MAX;
  if (!too_much && sw_buf_append(&d->held, data, len) == SW_E_OK)
    return;
  if (d->has_verdict) {
    sw__dlg_finish_verdict(d); /* only the reply to QUIT was still to come */
    return;
  }
  sw__dlg_clear_reply(d);
  if (too_much) {
    sw__dlg_set_detail(
        d, "the server sent more than %d octets without waiting for the client",
        SW_DIALOGUE_HELD_MAX);
    sw__dlg_finish(d, SW_OUTCOME_PROTOCOL_ERROR, sw__dlg_step_of(d->state));
  } else {
    sw__dlg_set_detail(d, "out of memory while receiving");
    sw__dlg_finish(d, SW_OUTCOME_INTERNAL_ERROR, sw__dlg_step_of(d->state));
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
      sw__dlg_on_reply(d, &reply);
      if (d->state == SW_DLG_TLS) {
        sw__dlg_discard(d, data, len); /* plaintext after "220" to STARTTLS */
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

/* What stopped the message on its way, with how much of it had gone. */
static void set_unsent_detail(struct sw_dialogue *d, const char *what)
{
  sw__dlg_set_detail(d, "%s (%lu of %lu octets had gone)", what,
                     (unsigned long)d->message_sent,
                     (unsigned long)d->cfg.mail.message_len);
}

static void on_eof(struct sw_dialogue *d)
{
  bool partial = sw_smtp_parser_has_partial(&d->parser);
  note_partial(d, false);
  sw__dlg_event(d, "connection closed by the server");
  if (d->state == SW_DLG_QUIT) {
    sw__dlg_finish_verdict(d); /* a close instead of 221 is fine (SMTP.md 9) */
    return;
  }
  sw__dlg_clear_reply(d);
  /* Quote the unfinished line, or else the last whole line of the reply. */
  size_t len;
  const char *line = sw_smtp_parser_line(&d->parser, &len);
  if (len == 0 && partial) {
    const char *nl = memrchr_or_null(d->parser.text, d->parser.text_len);
    line = nl ? nl + 1 : d->parser.text;
    len = (size_t)(d->parser.text + d->parser.text_len - line);
  }
  char q[SW_DLG_QUOTE_MAX];
  if (partial)
    sw__dlg_set_detail(
        d, "the server closed the connection in the middle of a reply: \"%s\"",
        sw__dlg_quote(q, line, len));
  else if (d->state == SW_DLG_GREETING)
    sw__dlg_set_detail(d, "the server closed the connection without sending a greeting");
  else if (sw__dlg_message_unsent(d))
    set_unsent_detail(
        d, "the server closed the connection while the message was being sent");
  else if (d->state == SW_DLG_TLS)
    sw__dlg_set_detail(d, "%s",
                       d->handshake_done
                           ? "the server closed the connection after the TLS handshake"
                           : "the server closed the connection during the TLS handshake");
  else
    sw__dlg_set_detail(d, "the server closed the connection instead of answering %s",
                       sw__dlg_awaited(d));
  sw__dlg_finish(d, SW_OUTCOME_CLOSED, sw__dlg_step_of(d->state));
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
  if (sw__dlg_has_command(d) && !command_is_one_line(d->cfg.command)) {
    sw__dlg_set_detail(d,
                       "the command is not one line of at most %d printable characters; "
                       "nothing was sent",
                       SW_SMTP_LINE_MAX - 2);
    sw__dlg_finish(d, SW_OUTCOME_INTERNAL_ERROR, SW_STEP_RESOLVE);
  } else if (!sw__dlg_auth_config_ok(d) || !sw__dlg_mail_config_ok(d)) {
    sw__dlg_finish(d, SW_OUTCOME_INTERNAL_ERROR, SW_STEP_RESOLVE);
  }
}

void sw_dialogue_free(struct sw_dialogue *d)
{
  sw_auth_wipe(d->out, sizeof d->out);
  sw_check_result_free(&d->result);
  sw_buf_free(&d->held);
}

void sw_dialogue_resolved(struct sw_dialogue *d, int64_t now_us)
{
  if (d->state == SW_DLG_DONE || NEVER(d->state != SW_DLG_RESOLVING))
    return; /* DONE: ended already, like any event after the end */
  d->now_us = now_us;
  sw__dlg_event(d, "name resolved");
  sw__dlg_set_state(d, SW_DLG_CONNECTING, now_us);
}

void sw_dialogue_connected(struct sw_dialogue *d, const char *peer, const char *ehlo_name,
                           int64_t now_us)
{
  if (d->state == SW_DLG_DONE)
    return; /* ended already, like any event after the end */
  if (d->state != SW_DLG_RESOLVING && NEVER(d->state != SW_DLG_CONNECTING))
    return;
  d->now_us = now_us;
  if (d->state == SW_DLG_RESOLVING)
    sw__dlg_set_state(d, SW_DLG_CONNECTING, now_us); /* an address: nothing to resolve */
  d->result.tls.warn_days = d->cfg.cert_warn_days;
  d->result.tls.crit_days = d->cfg.cert_crit_days;
  snprintf(d->result.peer, sizeof d->result.peer, "%s", peer ? peer : "");
  char text[16 + SW_PEER_MAX];
  snprintf(text, sizeof text, "connected to %s", d->result.peer);
  sw__dlg_event(d, text);
  if (!ehlo_name_ok(ehlo_name)) {
    sw__dlg_set_detail(
        d, "the name to announce in EHLO is empty, too long or not printable");
    sw__dlg_finish(d, SW_OUTCOME_INTERNAL_ERROR, SW_STEP_CONNECT);
    return;
  }
  snprintf(d->ehlo_name, sizeof d->ehlo_name, "%s", ehlo_name);
  /* RFC 8314: with implicit TLS, the greeting comes inside TLS. */
  sw__dlg_set_state(d, d->cfg.tls_mode == SW_TLS_IMPLICIT ? SW_DLG_TLS : SW_DLG_GREETING,
                    now_us);
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
    sw__dlg_discard(d, data, len);
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
  sw__dlg_event(d, detail);
  if (d->has_verdict) {
    sw__dlg_finish_verdict(d); /* e.g. a reset after QUIT: the answer is already in */
    return;
  }
  if (NEVER(outcome == SW_OUTCOME_OK || (unsigned)outcome >= SW_OUTCOME_COUNT))
    outcome = SW_OUTCOME_INTERNAL_ERROR;
  sw__dlg_clear_reply(d);
  sw__escape_text(d->result.detail, sizeof d->result.detail, detail, strlen(detail),
                  false);
  sw__dlg_finish(d, outcome, sw__dlg_step_of(d->state));
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
  sw__dlg_event(d, text);
  if (d->has_verdict && d->verdict != SW_OUTCOME_OK) {
    sw__dlg_finish_verdict(d);
    return;
  }
  if (!d->has_verdict)
    sw__dlg_clear_reply(d);
  const char *incomplete = partial ? " (its reply was incomplete)" : "";
  switch (d->state) {
  case SW_DLG_RESOLVING:
    sw__dlg_set_detail(d, "the host name was not resolved in time");
    break;
  case SW_DLG_CONNECTING:
    sw__dlg_set_detail(d, "the server did not accept the connection");
    break;
  case SW_DLG_GREETING:
    sw__dlg_set_detail(d, "%s",
                       partial
                           ? "the server began a greeting but did not finish it"
                           : "the server accepted the connection but sent no greeting");
    break;
  case SW_DLG_TLS:
    sw__dlg_set_detail(d, "%s",
                       d->handshake_done
                           ? "the server's certificate could not be checked in time"
                           : "the TLS handshake did not complete");
    break;
  case SW_DLG_QUIT:
  case SW_DLG_DONE:
    sw__dlg_set_detail(d, "the server neither answered QUIT nor closed the connection");
    break;
  default:
    if (d->token_wanted)
      sw__dlg_set_detail(d, "the OAuth access token was not fetched in time");
    else if (sw__dlg_message_unsent(d))
      set_unsent_detail(d, "the message could not be sent in time");
    else
      sw__dlg_set_detail(d, "the server did not answer %s%s", sw__dlg_awaited(d),
                         incomplete);
    break;
  }
  sw__dlg_finish(d, SW_OUTCOME_TIMEOUT, sw__dlg_step_of(d->state));
}

int64_t sw_dialogue_deadline(const struct sw_dialogue *d)
{
  return d->start_us + (int64_t)d->cfg.timeout_ms * 1000;
}

const char *sw_dialogue_output(const struct sw_dialogue *d, size_t *len)
{
  if (d->state == SW_DLG_DONE) {
    *len = 0;
    return NULL;
  }
  if (!output_pending(d))
    return sw__dlg_message_piece(d, len); /* a piece of the message, or nothing */
  size_t unsent = d->out_len - d->out_sent;
  *len = unsent < SW_DIALOGUE_SEND_MAX ? unsent : SW_DIALOGUE_SEND_MAX;
  return d->out + d->out_sent;
}

void sw_dialogue_sent(struct sw_dialogue *d, size_t n)
{
  if (d->state == SW_DLG_DONE)
    return;
  if (!output_pending(d)) {
    sw__dlg_message_sent(d, n); /* it can only have been a piece of the message */
    return;
  }
  size_t unsent = d->out_len - d->out_sent;
  if (NEVER(n > unsent))
    n = unsent;
  d->out_sent += n;
  if (output_pending(d))
    return;
  sw_auth_wipe(d->out, d->out_len); /* the line may have held a credential */
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
