/* What the files of the SMTP dialogue share, and nothing more: the API is
 * smtp_dialogue.h. smtp_dialogue.c runs the machine (events in, bytes out,
 * the transcript, and the only function that changes the state);
 * smtp_dialogue_replies.c decides what each reply of the handshake means;
 * smtp_dialogue_tls.c does STARTTLS and implicit TLS; smtp_dialogue_auth.c
 * AUTH; smtp_dialogue_mail.c the envelope and the message. Only these five
 * files include this. */
#ifndef SW_SMTP_DIALOGUE_INTERNAL_H
#define SW_SMTP_DIALOGUE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smtp_dialogue.h"
#include "sw_macros.h" /* NEVER(): what the engine's contract rules out */

/* Server bytes quoted inside a detail sentence take at most this much. */
#define SW_DLG_QUOTE_MAX 160

static inline bool sw__dlg_has_command(const struct sw_dialogue *d)
{
  return d->cfg.command && d->cfg.command[0];
}

static inline bool sw__dlg_has_auth(const struct sw_dialogue *d)
{
  return d->cfg.auth.user && d->cfg.auth.user[0];
}

static inline bool sw__dlg_has_mail(const struct sw_dialogue *d)
{
  return d->cfg.mail.from != NULL;
}

/* --- smtp_dialogue.c: the machine ---------------------------------------- */

/* The step of the result a state's time and failures belong to. */
enum sw_step sw__dlg_step_of(enum sw_dialogue_state s);
/* THE ONLY FUNCTION THAT CHANGES THE STATE (curl's smtp.c rule): it accounts
 * the time of the step being left and calls the trace. */
void sw__dlg_set_state(struct sw_dialogue *d, enum sw_dialogue_state to, int64_t now);
/* A transcript line `tag` ("C:", "S:", "--") at the latest event's time;
 * `data` is raw, the transcript escapes it. */
void sw__dlg_note(struct sw_dialogue *d, const char *tag, const char *data, size_t len);
/* An event line ("--") of the transcript. */
void sw__dlg_event(struct sw_dialogue *d, const char *text);
/* Each line of a reply's text ('\n'-separated, as the parser joins them)
 * as a server line of the transcript. */
void sw__dlg_note_lines(struct sw_dialogue *d, const char *text, size_t len);
/* The result's detail sentence, printf-style (cut to fit). */
void sw__dlg_set_detail(struct sw_dialogue *d, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* `data` escaped into `buf` (SW_DLG_QUOTE_MAX octets) for a detail sentence;
 * returns `buf`. */
const char *sw__dlg_quote(char *buf, const char *data, size_t len);
/* Forgets the recorded reply (code, enhanced code, text). */
void sw__dlg_clear_reply(struct sw_dialogue *d);
/* Ends the dialogue at once with `outcome` in `step`: nothing more is said
 * or read. */
void sw__dlg_finish(struct sw_dialogue *d, enum sw_outcome outcome, enum sw_step step);
/* Ends the dialogue with the verdict decided before QUIT. */
void sw__dlg_finish_verdict(struct sw_dialogue *d);
/* Queues one command line (the CRLF is added here and nowhere else) and
 * writes it to the transcript. False when it did not fit: the dialogue has
 * then ended with SW_OUTCOME_INTERNAL_ERROR. */
bool sw__dlg_send_line(struct sw_dialogue *d, const char *line);
/* sw__dlg_send_line for a line that holds a credential: the transcript
 * shows `shown` instead ("AUTH PLAIN ****"), and the output buffer is wiped
 * once the line is sent (as every line's is). */
bool sw__dlg_send_secret_line(struct sw_dialogue *d, const char *line, const char *shown);
/* Says "EHLO <name>" (or "HELO <name>" when `helo`) and waits for its reply
 * in the EHLO (HELO) state. */
void sw__dlg_say_hello(struct sw_dialogue *d, bool helo);
/* What the server owes an answer to in the current state, for "the server
 * did not answer %s" and "... instead of answering %s": "EHLO", "the
 * command", "RCPT TO", ...; never NULL ("the client" where nothing was
 * said, as in the greeting, which callers word on their own). */
const char *sw__dlg_awaited(const struct sw_dialogue *d);

/* --- smtp_dialogue_replies.c: what each reply means ---------------------- */

/* A whole reply from the server, in whatever state the dialogue is. */
void sw__dlg_on_reply(struct sw_dialogue *d, const struct sw_smtp_reply *r);
/* `r` becomes the result's deciding reply (code, enhanced code, text). */
void sw__dlg_record_reply(struct sw_dialogue *d, const struct sw_smtp_reply *r);
/* The handshake is over (EHLO or HELO, TLS and AUTH as wanted): the
 * envelope, else the command, else the verdict: OK on AUTH's reply `r`
 * after AUTH, else on the greeting recorded before. */
void sw__dlg_proceed(struct sw_dialogue *d, const struct sw_smtp_reply *r);
/* The verdict is known: records `r` (unless NULL, keeping the recorded
 * reply), says QUIT and waits for 221 or the close. An OK verdict gives way
 * to a certificate warning remembered in d->cert_verdict. */
void sw__dlg_decide(struct sw_dialogue *d, enum sw_outcome outcome, enum sw_step step,
                    const struct sw_smtp_reply *r);
/* A protocol error: the server answered `what` with a code SMTP does not
 * allow there. */
void sw__dlg_unexpected_code(struct sw_dialogue *d, const struct sw_smtp_reply *r,
                             const char *what);

/* --- smtp_dialogue_auth.c: AUTH ------------------------------------------ */

/* Whether cfg.auth can be used; if not, a sentence in the detail. */
bool sw__dlg_auth_config_ok(struct sw_dialogue *d);
/* The mechanisms of an EHLO line "AUTH PLAIN LOGIN" ("AUTH=LOGIN" too):
 * `params` is what follows the keyword. */
void sw__dlg_auth_offered(struct sw_dialogue *d, const char *params, size_t len);
/* After the handshake (`r` is the last EHLO or HELO reply): says AUTH, or
 * decides why it cannot (not offered, not encrypted). True when it did
 * either; false when the rule wants no AUTH. */
bool sw__dlg_auth_after_hello(struct sw_dialogue *d, const struct sw_smtp_reply *r);
/* A reply in the AUTH state: 2xx goes on, 334 gets LOGIN's or CRAM-MD5's
 * next answer, 4xx/5xx decide. */
void sw__dlg_on_auth(struct sw_dialogue *d, const struct sw_smtp_reply *r);

/* --- smtp_dialogue_mail.c: the envelope and the message ------------------ */

/* Whether cfg.mail (with cfg.command) can be used; if not, a sentence in
 * the detail. */
bool sw__dlg_mail_config_ok(struct sw_dialogue *d);
/* Says MAIL FROM. */
void sw__dlg_start_mail(struct sw_dialogue *d);
/* A reply in the MAIL, RCPT, DATA, MESSAGE or RSET state. */
void sw__dlg_on_mail_reply(struct sw_dialogue *d, const struct sw_smtp_reply *r);
/* The next piece of the message to send (NULL and 0 if none is due). */
const char *sw__dlg_message_piece(const struct sw_dialogue *d, size_t *len);
/* `n` octets of that piece went. */
void sw__dlg_message_sent(struct sw_dialogue *d, size_t n);
/* In the MESSAGE state with part of the message still unsent. */
bool sw__dlg_message_unsent(const struct sw_dialogue *d);

/* --- smtp_dialogue_tls.c: STARTTLS and implicit TLS ---------------------- */

/* After EHLO or HELO (`r` is its reply): says STARTTLS when the rule wants
 * it and the server offers it, or decides STARTTLS_NOT_OFFERED when the
 * rule requires it. True when it did either; false to go on in plaintext. */
bool sw__dlg_starttls_after_hello(struct sw_dialogue *d, const struct sw_smtp_reply *r);
/* The reply to STARTTLS: 220 enters the TLS state. */
void sw__dlg_on_starttls(struct sw_dialogue *d, const struct sw_smtp_reply *r);
/* Plaintext that arrived in the TLS state: kept only for the transcript
 * (RFC 3207 section 6), never read. */
void sw__dlg_discard(struct sw_dialogue *d, const char *data, size_t len);
/* Writes what was discarded to the transcript, once, and forgets it. */
void sw__dlg_note_discarded(struct sw_dialogue *d);
/* The detail sentence of a certificate warning that replaced an OK verdict
 * (expiring soon, or the chain incomplete). */
void sw__dlg_cert_warning_detail(struct sw_dialogue *d);

#endif
