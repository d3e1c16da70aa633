/* The mail transaction in the dialogue (RFC 5321 3.3): MAIL FROM, RCPT TO
 * for each recipient and the open-relay test's, then RSET for an envelope
 * check or DATA and the message, streamed from the caller's bytes in
 * pieces. Part of the dialogue
 * (smtp_dialogue_internal.h says what the parts share). */
#include <stdio.h>
#include <string.h>

#include "mail_address.h"
#include "smtp_dialogue_internal.h"

/* DATA's payload as sw_mail_data_payload makes it: CRLF lines only (a bare
 * CR or LF could end the data early at a lenient server), every line that
 * starts with '.' stuffed (".."), and the last line a lone "." (RFC 5321
 * 4.5.2): so the server sees the end exactly where it is. */
static bool is_data_payload(const char *m, size_t len)
{
  if (len < 3 || memcmp(m + len - 3, ".\r\n", 3) != 0 ||
      (len > 3 && (len < 5 || memcmp(m + len - 5, "\r\n", 2) != 0)))
    return false;
  bool line_start = true;
  for (size_t i = 0; i < len - 3; i++) {
    if (line_start && m[i] == '.' && m[i + 1] != '.')
      return false;
    if (m[i] == '\r' && m[i + 1] != '\n')
      return false;
    if (m[i] == '\n' && (i == 0 || m[i - 1] != '\r'))
      return false;
    line_start = m[i] == '\n';
  }
  return true;
}

/* An address the dialogue may say; else the detail says why. */
static bool address_ok(struct sw_dialogue *d, const char *what, const char *address)
{
  char why[SW_DETAIL_MAX];
  if (sw_mail_address_check(address, why, sizeof why))
    return true;
  sw__dlg_set_detail(d, "%s: %s Nothing was sent.", what, why);
  return false;
}

/* The open-relay test's own conditions (with an envelope sender). */
static bool relay_config_ok(struct sw_dialogue *d)
{
  if (d->cfg.mail.message) {
    sw__dlg_set_detail(d, "a relay test never sends a message (only RCPT TO, then "
                          "RSET); nothing was sent");
    return false;
  }
  if (sw__dlg_has_auth(d)) {
    /* A server may rightly relay for a user it authenticated: only an
     * anonymous session can show an open relay. */
    sw__dlg_set_detail(d, "a relay test runs without AUTH (a server may relay for "
                          "the users it authenticates); nothing was sent");
    return false;
  }
  return address_ok(d, "the relay test's recipient", d->cfg.mail.relay_rcpt);
}

bool sw__dlg_mail_config_ok(struct sw_dialogue *d)
{
  const struct sw_dialogue_mail *m = &d->cfg.mail;
  if (!sw__dlg_has_mail(d)) {
    if (m->message)
      sw__dlg_set_detail(d, "a message needs a sender and recipients; nothing was sent");
    else if (m->relay_rcpt)
      sw__dlg_set_detail(d, "the relay test needs an envelope sender (\"\" for the null "
                            "sender <>); nothing was sent");
    return !m->message && !m->relay_rcpt;
  }
  if (sw__dlg_has_command(d)) {
    sw__dlg_set_detail(d, "a check sends a command or a mail envelope, not both");
    return false;
  }
  if (m->relay_rcpt && !relay_config_ok(d))
    return false;
  if (m->from[0] && !address_ok(d, "the sender", m->from))
    return false;
  size_t least = m->relay_rcpt ? 0 : 1;
  if ((m->to_count > 0 && !m->to) || m->to_count < least ||
      m->to_count > SW_DIALOGUE_RCPT_MAX) {
    sw__dlg_set_detail(d, "a mail needs %lu to %d recipients%s; nothing was sent",
                       (unsigned long)least, SW_DIALOGUE_RCPT_MAX,
                       m->relay_rcpt ? " besides the relay test's" : "");
    return false;
  }
  for (size_t i = 0; i < m->to_count; i++)
    if (!address_ok(d, "a recipient", m->to[i] ? m->to[i] : ""))
      return false;
  if (m->message && !is_data_payload(m->message, m->message_len)) {
    sw__dlg_set_detail(d, "the message is not DATA's payload (CRLF lines, dots "
                          "stuffed, ending in a \".\" line); nothing was sent");
    return false;
  }
  return true;
}

/* "MAIL FROM:<a@example.com>" or "RCPT TO:<...>": an address is at most
 * SW_MAIL_ADDRESS_MAX octets, so the line fits. */
static bool say_path(struct sw_dialogue *d, const char *verb, const char *address)
{
  char line[16 + SW_MAIL_ADDRESS_MAX];
  snprintf(line, sizeof line, "%s<%s>", verb, address);
  return sw__dlg_send_line(d, line);
}

void sw__dlg_start_mail(struct sw_dialogue *d)
{
  if (say_path(d, "MAIL FROM:", d->cfg.mail.from))
    sw__dlg_set_state(d, SW_DLG_MAIL, d->now_us);
}

/* The recipients are said in order, the relay test's last. */
static bool at_relay_test(const struct sw_dialogue *d)
{
  return d->cfg.mail.relay_rcpt && d->rcpt_next == d->cfg.mail.to_count;
}

static void say_rcpt(struct sw_dialogue *d)
{
  const char *to = d->cfg.mail.relay_rcpt;
  if (at_relay_test(d))
    sw__dlg_event(d, "the open-relay test: a recipient the server must refuse");
  else
    to = d->cfg.mail.to[d->rcpt_next];
  if (say_path(d, "RCPT TO:", to) && d->state != SW_DLG_RCPT)
    sw__dlg_set_state(d, SW_DLG_RCPT, d->now_us);
}

/* 4xx or 5xx to a step of the transaction: `outcome`, with the reply. */
static void refused(struct sw_dialogue *d, enum sw_outcome outcome,
                    const struct sw_smtp_reply *r)
{
  sw__dlg_decide(d, outcome, sw__dlg_step_of(d->state), r);
}

static void on_mail(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  int cls = r->code / 100;
  if (cls == 2) {
    d->rcpt_next = 0;
    say_rcpt(d);
  } else if (cls == 4 || cls == 5) {
    sw__dlg_set_detail(d, "the server refused the sender <%s>", d->cfg.mail.from);
    refused(d, SW_OUTCOME_SENDER_REJECTED, r);
  } else {
    sw__dlg_unexpected_code(d, r, "MAIL FROM");
  }
}

/* Every recipient is in (and the relay test refused): the message, or RSET
 * for an envelope check. */
static void envelope_done(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  if (d->cfg.mail.message) {
    if (sw__dlg_send_line(d, "DATA"))
      sw__dlg_set_state(d, SW_DLG_DATA, d->now_us);
    return;
  }
  /* The last recipient's 250 (or the relay test's refusal) is the answer;
   * RSET ends the transaction without a mail (SMTP.md 12), and QUIT
   * follows it. */
  sw__dlg_record_reply(d, r);
  if (sw__dlg_send_line(d, "RSET"))
    sw__dlg_set_state(d, SW_DLG_RSET, d->now_us);
}

/* The answer to the relay test's recipient: a refusal, temporary or not,
 * is right; taking it means the server relays for anyone. */
static void on_relay_rcpt(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  int cls = r->code / 100;
  if (cls == 2) {
    sw__dlg_set_detail(d,
                       "the server accepted the recipient <%s>, in a domain it must not "
                       "relay for: it relays mail for anyone",
                       d->cfg.mail.relay_rcpt);
    sw__dlg_decide(d, SW_OUTCOME_OPEN_RELAY, SW_STEP_RCPT, r);
  } else if (cls == 4 || cls == 5) {
    sw__dlg_event(d, "the server refused to relay, as it should");
    envelope_done(d, r);
  } else {
    sw__dlg_unexpected_code(d, r, "RCPT TO");
  }
}

static void on_rcpt(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  int cls = r->code / 100;
  if (at_relay_test(d)) {
    on_relay_rcpt(d, r);
  } else if (cls == 2) {
    /* 250, or 251 "will forward" */
    if (++d->rcpt_next < d->cfg.mail.to_count || d->cfg.mail.relay_rcpt)
      say_rcpt(d);
    else
      envelope_done(d, r);
  } else if (cls == 4 || cls == 5) {
    /* One refusal fails the mail: it goes to all its recipients or to none
     * (smtp_dialogue.h). */
    if (d->cfg.mail.to_count > 1)
      sw__dlg_set_detail(d, "the server refused the recipient <%s> (%lu of %lu)",
                         d->cfg.mail.to[d->rcpt_next], (unsigned long)d->rcpt_next + 1,
                         (unsigned long)d->cfg.mail.to_count);
    else
      sw__dlg_set_detail(d, "the server refused the recipient <%s>",
                         d->cfg.mail.to[d->rcpt_next]);
    refused(d, SW_OUTCOME_RECIPIENT_REJECTED, r);
  } else {
    sw__dlg_unexpected_code(d, r, "RCPT TO");
  }
}

static void on_data(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  int cls = r->code / 100;
  if (r->code == 354) {
    d->message_sent = 0;
    sw__dlg_set_state(d, SW_DLG_MESSAGE, d->now_us);
  } else if (cls == 4 || cls == 5) {
    sw__dlg_set_detail(d, "the server refused DATA");
    refused(d, SW_OUTCOME_MESSAGE_REJECTED, r);
  } else {
    sw__dlg_unexpected_code(d, r, "DATA");
  }
}

/* A reply while the message is still going out: the server gave up on it
 * (a size limit, a shutdown). What it reads of the rest, or of a QUIT, is
 * no longer ours to know: end here. */
static void answered_early(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  int cls = r->code / 100;
  sw__dlg_record_reply(d, r);
  sw__dlg_set_detail(d,
                     "the server answered before the end of the message (%lu of %lu "
                     "octets had gone)",
                     (unsigned long)d->message_sent,
                     (unsigned long)d->cfg.mail.message_len);
  sw__dlg_finish(
      d, cls == 4 || cls == 5 ? SW_OUTCOME_MESSAGE_REJECTED : SW_OUTCOME_PROTOCOL_ERROR,
      SW_STEP_DATA);
}

static void on_message(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  int cls = r->code / 100;
  if (sw__dlg_message_unsent(d)) {
    answered_early(d, r);
  } else if (cls == 2) {
    /* "250 2.0.0 Ok: queued as ABC": the reply (and its queue id) stays. */
    d->result.message_accepted = true;
    sw__dlg_decide(d, SW_OUTCOME_OK, SW_STEP_DATA, r);
  } else if (cls == 4 || cls == 5) {
    refused(d, SW_OUTCOME_MESSAGE_REJECTED, r);
  } else {
    sw__dlg_unexpected_code(d, r, "the end of the message");
  }
}

void sw__dlg_on_mail_reply(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  switch (d->state) {
  case SW_DLG_MAIL:
    on_mail(d, r);
    break;
  case SW_DLG_RCPT:
    on_rcpt(d, r);
    break;
  case SW_DLG_DATA:
    on_data(d, r);
    break;
  case SW_DLG_MESSAGE:
    on_message(d, r);
    break;
  case SW_DLG_RSET:
    /* Whatever it says, the envelope was accepted: the recorded reply. */
    sw__dlg_decide(d, SW_OUTCOME_OK, SW_STEP_RCPT, NULL);
    break;
  default:
    SW_NOT_REACHED(); /* smtp_dialogue_replies.c sends only these here */
    break;
  }
}

bool sw__dlg_message_unsent(const struct sw_dialogue *d)
{
  return d->state == SW_DLG_MESSAGE && d->message_sent < d->cfg.mail.message_len;
}

const char *sw__dlg_message_piece(const struct sw_dialogue *d, size_t *len)
{
  if (!sw__dlg_message_unsent(d)) {
    *len = 0;
    return NULL;
  }
  size_t left = d->cfg.mail.message_len - d->message_sent;
  *len = left < SW_DIALOGUE_SEND_MAX ? left : SW_DIALOGUE_SEND_MAX;
  return d->cfg.mail.message + d->message_sent;
}

void sw__dlg_message_sent(struct sw_dialogue *d, size_t n)
{
  if (n == 0 || NEVER(!sw__dlg_message_unsent(d)))
    return; /* nothing was handed out */
  size_t left = d->cfg.mail.message_len - d->message_sent;
  size_t piece = left < SW_DIALOGUE_SEND_MAX ? left : SW_DIALOGUE_SEND_MAX;
  if (NEVER(n > piece))
    n = piece;
  d->message_sent += n;
  if (d->message_sent == d->cfg.mail.message_len) {
    char text[96];
    snprintf(text, sizeof text, "sent the message: %lu octets, ending in the \".\" line",
             (unsigned long)d->message_sent);
    sw__dlg_event(d, text);
  }
}
