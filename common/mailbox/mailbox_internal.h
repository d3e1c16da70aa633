/* What the files of the mailbox session share, and nothing more: the API is
 * mailbox_session.h. mailbox_session.c runs the machine (events in, bytes
 * out, the transcript, held bytes, and the only function that changes the
 * state); imap_dialogue.c and pop3_dialogue.c speak each protocol, with
 * imap_text.c for IMAP's strings, literals and responses; probe_header.c
 * reads the candidates' headers. Only these files include this, and
 * tests/unit/test_mailbox_session.c, which tests the strings, dates and
 * headers directly. */
#ifndef SW_MAILBOX_INTERNAL_H
#define SW_MAILBOX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailbox_session.h"
#include "sw_macros.h"

/* Server bytes quoted inside a detail sentence take at most this much. */
#define SW_MBX_QUOTE_MAX 160
/* The longest line read (a status line, an IMAP line without its literals,
 * a POP3 data line kept): longer status lines are a protocol error. */
#define SW_MBX_LINE_MAX 8192
/* The most octets of IMAP literals one response may carry (all of them are
 * read, SW_MAILBOX_HEADER_MAX kept), and of a POP3 multi-line response. */
#define SW_MBX_LITERAL_MAX (1024 * 1024)

/* Capabilities acted on (IMAP CAPABILITY, POP3 CAPA). */
#define SW_MBX_CAP_STARTTLS 0x01u /* IMAP STARTTLS, POP3 STLS */
#define SW_MBX_CAP_LOGINDISABLED 0x02u
#define SW_MBX_CAP_AUTH_PLAIN 0x04u
#define SW_MBX_CAP_SASL_IR 0x08u
#define SW_MBX_CAP_UIDPLUS 0x10u
#define SW_MBX_CAP_IDLE 0x20u
#define SW_MBX_CAP_KNOWN 0x40u /* the list came (else: ask) */
#define SW_MBX_CAP_TOP 0x80u
#define SW_MBX_CAP_UIDL 0x100u

/* One command being built: its bytes, the transcript's version, and the
 * IMAP literals' cuts (imap_text.c writes astrings into it). */
struct sw_mbx_cmd {
  char buf[SW_MAILBOX_OUT_MAX];
  char shown[SW_MAILBOX_OUT_MAX];
  size_t len, shown_len;
  size_t cuts[4], shown_cuts[4];
  int ncuts;
  bool overflow;
};

/* --- mailbox_session.c: the machine -------------------------------------- */

/* THE ONLY FUNCTION THAT CHANGES THE STATE (curl's rule): calls the trace. */
void sw__mbx_set_state(struct sw_mailbox *s, enum sw_mailbox_state to);
/* A transcript line `tag` ("C:", "S:", "--") at the latest event's time;
 * `data` is raw, the transcript escapes it. */
void sw__mbx_note(struct sw_mailbox *s, const char *tag, const char *data, size_t len);
void sw__mbx_event(struct sw_mailbox *s, const char *text);
/* The result's detail sentence, printf-style (cut to fit). */
void sw__mbx_detail(struct sw_mailbox *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* `data` escaped into `buf` (SW_MBX_QUOTE_MAX octets); returns `buf`. */
const char *sw__mbx_quote(char *buf, const char *data, size_t len);
/* The server line that decided the session, kept escaped in result.reply. */
void sw__mbx_record_reply(struct sw_mailbox *s, const char *line, size_t len);
/* Ends the session at once with `outcome`: nothing more is said or read. */
void sw__mbx_finish(struct sw_mailbox *s, enum sw_mailbox_outcome outcome);
/* The answer is known: logs out (the protocol's LOGOUT or QUIT), and
 * reports `outcome` when that is over. */
void sw__mbx_decide(struct sw_mailbox *s, enum sw_mailbox_outcome outcome);
/* Ends the session with the answer decided before logging out. */
void sw__mbx_finish_verdict(struct sw_mailbox *s);
/* Queues a command (its first part may go now; the others each wait for
 * sw__mbx_release_part) and writes that part to the transcript. False when
 * it did not fit: the session has then ended with internal_error. */
bool sw__mbx_send_cmd(struct sw_mailbox *s, const struct sw_mbx_cmd *c);
/* A command of one line, the CRLF added here; `shown` for the transcript
 * (NULL: the line itself). */
bool sw__mbx_send_line(struct sw_mailbox *s, const char *line, const char *shown);
/* The server's "+": the next part of the command may go. False when no part
 * was waiting for one. */
bool sw__mbx_release_part(struct sw_mailbox *s);
/* A part of the command still waits for the server's "+". */
bool sw__mbx_part_waiting(const struct sw_mailbox *s);
/* Drops what of the command was not sent (a literal the server refused). */
void sw__mbx_drop_command(struct sw_mailbox *s);
/* The STARTTLS (STLS) yes: from here only TLS; what follows is discarded. */
void sw__mbx_enter_tls(struct sw_mailbox *s);
/* The password may be sent now (TLS, or plain text allowed); if not, the
 * answer is login_failed with `why` said, and false. */
bool sw__mbx_may_send_password(struct sw_mailbox *s);
/* What the server owes an answer to in the current state ("LOGIN",
 * "SELECT", ...), for "did not answer %s". */
const char *sw__mbx_awaited(const struct sw_mailbox *s);

/* A non-zero 32-bit decimal number (a UID, a message number). */
bool sw__mbx_number(const char *s, size_t len, uint32_t *out);

/* --- sw_mbx_cmd (mailbox_session.c) -------------------------------------- */

void sw__mbx_cmd_init(struct sw_mbx_cmd *c);
/* Appends text shown as it is. */
void sw__mbx_cmd_add(struct sw_mbx_cmd *c, const char *text, size_t len);
/* Appends a secret: sent as it is, shown as "****". */
void sw__mbx_cmd_add_secret(struct sw_mbx_cmd *c, const char *text, size_t len);
/* Ends a part here: what follows waits for the server's "+". */
void sw__mbx_cmd_cut(struct sw_mbx_cmd *c);
/* Wipes it (it may hold the password). */
void sw__mbx_cmd_wipe(struct sw_mbx_cmd *c);

/* --- the protocols -------------------------------------------------------- */

/* Reads server bytes up to and with one whole response and acts on it;
 * returns how many it used (all of them when no response completed). May
 * end the session. */
size_t sw__imap_feed(struct sw_mailbox *s, const char *data, size_t len);
size_t sw__pop3_feed(struct sw_mailbox *s, const char *data, size_t len);
/* The TLS session is up: ask the capabilities again. */
void sw__imap_tls_up(struct sw_mailbox *s);
void sw__pop3_tls_up(struct sw_mailbox *s);
/* LOGOUT / QUIT. */
void sw__imap_logout(struct sw_mailbox *s);
void sw__pop3_quit(struct sw_mailbox *s);
/* The IDLE wait is over (its time came): DONE. */
void sw__imap_idle_timeout(struct sw_mailbox *s);
/* A partial line of the reader, for the transcript at the end (NULL, 0 if
 * none). */
const char *sw__mbx_partial(const struct sw_mailbox *s, size_t *len);

/* --- probe_header.c: what a candidate's header says ---------------------- */

enum sw_probe_kind {
  SW_PROBE_OTHER,  /* not a probe of this rule: never touched */
  SW_PROBE_THIS,   /* the probe looked for */
  SW_PROBE_STALE,  /* a probe of this rule older than cfg.stale_s */
  SW_PROBE_RECENT, /* a probe of this rule, not old enough: left alone */
};

/* The kind of the message whose header block is hdr[0..len); `date_s` is
 * its IMAP INTERNALDATE (Unix seconds), or 0 to use its Date: field (POP3).
 * A probe of this rule whose age cannot be told is left alone. */
enum sw_probe_kind sw__probe_kind(const struct sw_mailbox_config *cfg, const char *hdr,
                                  size_t len, int64_t date_s);
/* The value of the first header field `name` (case-insensitive) of
 * hdr[0..len), unfolded and trimmed, into out[size]; false if there is
 * none (or it does not fit). */
bool sw__header_field(const char *hdr, size_t len, const char *name, char *out,
                      size_t size);
/* An RFC 5322 date-time ("Mon, 7 Dec 2026 22:53:17 +0000", the day name
 * and seconds optional, obsolete zones read as RFC 5322 4.3 says) or an
 * IMAP date-time ("07-Dec-2026 22:53:17 +0000") as Unix seconds; false if
 * it is neither. */
bool sw__parse_mail_date(const char *text, int64_t *unix_s);

#endif
