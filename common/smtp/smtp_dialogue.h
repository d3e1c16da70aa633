/* The SMTP check dialogue as a sans-IO state machine (STYLE.md): it is fed
 * received bytes, events and the current time, and hands back bytes to send
 * and, at the end, a struct sw_check_result. It never touches a socket, a
 * clock or a thread, so the IOCP engine, the tests and the fuzzer drive it
 * the same way.
 *
 * Sequence: [resolve] [connect] greeting (never speak before its final line)
 * -> EHLO (HELO on 500/501/502/550) -> optional command -> QUIT, waiting for
 * 221 or the peer's close. Rejections are still followed by a polite QUIT.
 *
 * TLS (RFC 3207, RFC 8314): the dialogue decides when TLS starts, the engine
 * does the handshake and the certificate check. With STARTTLS, after EHLO
 * (only if STARTTLS is advertised) -> STARTTLS -> 220 -> the TLS state:
 * every plaintext byte still buffered or arriving now is discarded, the
 * engine is asked for a handshake (sw_dialogue_wants_tls), reports it
 * (sw_dialogue_tls_ready or _tls_failed), and EHLO is said again over TLS.
 * With implicit TLS the TLS state comes right after connect, then the
 * greeting. In the TLS state the engine must not pass plaintext to
 * sw_dialogue_receive until it has called sw_dialogue_tls_ready.
 *
 * Past the handshake (all optional; without them the dialogue is the check
 * above, byte for byte). After EHLO, and after the EHLO over TLS when TLS
 * is wanted:
 * - AUTH (RFC 4954) with cfg.auth: PLAIN (with its initial response),
 *   LOGIN or CRAM-MD5 (RFC 2195), picked from the EHLO AUTH list in
 *   sw_auth_pick's order or forced; never over a connection without TLS
 *   unless auth.allow_plaintext, and not at all when the server offers AUTH
 *   only before STARTTLS. 235 goes on; the transcript shows
 *   "AUTH PLAIN ****" and "****" for every answer, never a credential nor
 *   CRAM-MD5's digest. A CRAM-MD5 challenge that is not one line of base64
 *   is answered "*" (the exchange cancelled), then it is a protocol error.
 * - The envelope with cfg.mail: MAIL FROM:<from>, then RCPT TO:<to> for each
 *   recipient, one command at a time (no pipelining). The first recipient
 *   refused ends it: a mail goes to every recipient or is not sent (an
 *   outbox that retries it then reaches them all, once).
 * - The open-relay test with mail.relay_rcpt: after the recipients (if
 *   any), RCPT TO:<relay_rcpt>, an address the server must not relay for.
 *   2xx is SW_OUTCOME_OPEN_RELAY (its reply kept, QUIT); 4xx or 5xx is the
 *   right answer and the check goes on to RSET and QUIT, OK with that
 *   refusal as its reply. It never comes with a message, nor with AUTH
 *   (a server may rightly relay for a user it authenticated).
 * - Then, without a message, RSET and QUIT (an envelope check: nothing is
 *   sent); with one, DATA, 354, the message streamed from the borrowed
 *   bytes in pieces of at most SW_DIALOGUE_SEND_MAX, and its end's 2xx
 *   (result.message_accepted, the reply with its queue id kept), then QUIT.
 * A command (cfg.command) may follow AUTH but not come with an envelope. */
#ifndef SW_SMTP_DIALOGUE_H
#define SW_SMTP_DIALOGUE_H

#include <stdbool.h>
#include <stdint.h>

#include "check_result.h"
#include "rule.h"
#include "smtp_auth.h"
#include "smtp_reply.h"
#include "sw_macros.h"

#define SW_DIALOGUE_STATE_MAP(X)                                                         \
  X(SW_DLG_RESOLVING)                                                                    \
  X(SW_DLG_CONNECTING)                                                                   \
  X(SW_DLG_GREETING)                                                                     \
  X(SW_DLG_EHLO)                                                                         \
  X(SW_DLG_HELO)                                                                         \
  X(SW_DLG_STARTTLS)                                                                     \
  X(SW_DLG_TLS)                                                                          \
  X(SW_DLG_COMMAND)                                                                      \
  X(SW_DLG_AUTH)                                                                         \
  X(SW_DLG_MAIL)                                                                         \
  X(SW_DLG_RCPT)                                                                         \
  X(SW_DLG_DATA)                                                                         \
  X(SW_DLG_MESSAGE)                                                                      \
  X(SW_DLG_RSET)                                                                         \
  X(SW_DLG_QUIT)                                                                         \
  X(SW_DLG_DONE)

enum sw_dialogue_state { SW_DIALOGUE_STATE_MAP(SW_X_1) };

/* AUTH: off while `user` is NULL or "". Borrowed, like every string here:
 * they must outlive the dialogue, which copies neither anywhere (not into
 * the transcript, the result or the trace). Any octets but NUL; user and
 * password together at most SW_AUTH_CREDENTIALS_MAX, the user alone at
 * most SW_AUTH_USER_MAX. */
struct sw_dialogue_auth {
  const char *user;
  const char *password;
  enum sw_auth_mech mech; /* SW_AUTH_MECH_AUTO (0): sw_auth_pick's order */
  bool allow_plaintext;   /* AUTH without TLS (else: auth_not_encrypted) */
};

#define SW_DIALOGUE_RCPT_MAX 16

/* A mail transaction: off while `from` is NULL ("" is the null sender <>).
 * Addresses must pass sw_mail_address_check. */
struct sw_dialogue_mail {
  const char *from;
  const char *const *to; /* 1..SW_DIALOGUE_RCPT_MAX recipients (0.. with
                            relay_rcpt) */
  size_t to_count;
  /* The open-relay test: NULL for none, else a recipient in a domain the
   * server must not relay for, said after `to`. Not with a message. */
  const char *relay_rcpt;
  /* NULL: an envelope check (RSET, QUIT). Else DATA's payload, as
   * sw_mail_data_payload (common/alert/mail_message.h) makes it: CRLF
   * lines, dot-stuffed, and ending in the "." line that ends the data
   * (RFC 5321 4.5.2). The final dot comes with the message, not from the
   * dialogue, which checks that it is there and that no other line is a
   * lone or unstuffed dot, and sends the bytes as they are, from here. */
  const char *message;
  size_t message_len;
};

struct sw_dialogue_config {
  const char *command;          /* one line without CRLF, or NULL/"" for none; borrowed */
  const char *expect;           /* substring the deciding reply must contain, or NULL/""
                                   for "reply code 2xx/3xx"; borrowed */
  uint32_t timeout_ms;          /* budget of the whole check */
  enum sw_tls_mode tls_mode;    /* SW_TLS_NONE (0) unless set */
  int cert_warn_days;           /* expiring: WARNING below this many days left */
  int cert_crit_days;           /* ... and CRITICAL below this many */
  struct sw_dialogue_auth auth; /* all zero: no AUTH */
  struct sw_dialogue_mail mail; /* all zero: no envelope, no message */
  /* Optional: called on every state change, with names (for logs). */
  void (*trace)(void *ctx, const char *from, const char *to);
  void *trace_ctx;
};

#define SW_DIALOGUE_OUT_MAX (SW_SMTP_LINE_MAX + 8)
/* The most octets sw_dialogue_output hands out at once: a command line, or
 * a piece of the message. */
#define SW_DIALOGUE_SEND_MAX 4096

struct sw_dialogue {
  enum sw_dialogue_state state;
  struct sw_dialogue_config cfg;
  struct sw_smtp_parser parser;
  struct sw_check_result result;
  enum sw_outcome verdict; /* decided outcome, reported once QUIT is over */
  enum sw_step verdict_step;
  bool has_verdict; /* set on entering QUIT, never before */
  char ehlo_name[256];
  char out[SW_DIALOGUE_OUT_MAX];
  size_t out_len, out_sent;
  /* Bytes that arrived while a command of ours was still waiting to be sent:
   * the server cannot have answered a command it has not seen, so they are
   * read only once the command is gone (and an EOF after them waits too).
   * This keeps one command per write even against a server that talks out
   * of turn. Bounded by SW_DIALOGUE_HELD_MAX. */
  struct sw_buf held;
  bool eof_held;
  int64_t start_us, step_start_us;
  int64_t now_us; /* time of the latest event, for work done in _sent */
  /* TLS. tls_done: the session is up and trusted enough to talk through;
   * handshake_done: the engine finished the handshake and checks the
   * certificate; cert_verdict: SW_OUTCOME_CERT_EXPIRING once the
   * certificate turned out to expire soon, else SW_OUTCOME_CERT_CHAIN_
   * INCOMPLETE when the engine said so (it replaces an OK verdict);
   * chain_note: the engine's sentence on an incomplete chain, or "". */
  bool tls_done, handshake_done;
  enum sw_outcome cert_verdict;
  char chain_note[SW_DETAIL_MAX];
  /* Plaintext that arrived after "220" to STARTTLS and was thrown away
   * (RFC 3207 section 6): how much, and its start for the transcript. */
  size_t discarded_len;
  char discarded[64];
  /* Past the handshake: the mechanisms EHLO offered (SW_AUTH_OFFERS bits),
   * the one in use and how many of its lines went (LOGIN: 0 the command,
   * 1 the user, 2 the password), the next recipient to say, and how much
   * of the message went out. */
  unsigned auth_offered;
  enum sw_auth_mech auth_mech;
  int auth_round;
  bool auth_done;
  /* The EHLO before STARTTLS listed AUTH (only that is kept of it); the
   * AUTH exchange was cancelled with "*" (a CRAM-MD5 challenge that could
   * not be read). */
  bool auth_before_tls, auth_cancelled;
  size_t rcpt_next;
  size_t message_sent;
};

#define SW_DIALOGUE_HELD_MAX (2 * SW_SMTP_REPLY_MAX)

/* Starts a check at `now_us` in the RESOLVING state. cfg's strings must
 * outlive the dialogue. A command that could not be sent as one line (CR,
 * LF or another control character, or longer than 510 octets), AUTH
 * without a password or with credentials too long, a bad address, no or
 * too many recipients, a message without an envelope or not DATA's
 * payload, a relay test with a message, AUTH or no sender, or a command
 * with an envelope, end the dialogue at once with
 * SW_OUTCOME_INTERNAL_ERROR and a sentence (never a credential): check
 * sw_dialogue_done() before resolving. */
void sw_dialogue_init(struct sw_dialogue *d, const struct sw_dialogue_config *cfg,
                      int64_t now_us);
/* Frees what the dialogue owns (its result, unless taken). */
void sw_dialogue_free(struct sw_dialogue *d);

/* The host name resolved; the engine starts connecting. Ignored once the
 * dialogue is done (as every event is). */
void sw_dialogue_resolved(struct sw_dialogue *d, int64_t now_us);
/* A connection is up to `peer` ("192.0.2.1:25"); `ehlo_name` is the name to
 * announce (an FQDN or an address literal such as "[192.0.2.7]"); one that
 * is empty, longer than 255 octets or not printable ASCII without spaces
 * ends the dialogue with SW_OUTCOME_INTERNAL_ERROR. Also accepted in the
 * RESOLVING state (an address needs no resolution); ignored once the
 * dialogue is done. */
void sw_dialogue_connected(struct sw_dialogue *d, const char *peer, const char *ehlo_name,
                           int64_t now_us);
/* Bytes from the server. Consumes all of them (they are copied when they
 * must wait, see `held`); once the dialogue is DONE further bytes are
 * ignored. */
void sw_dialogue_receive(struct sw_dialogue *d, const char *data, size_t len,
                         int64_t now_us);
/* The server closed its side of the connection. Before the verdict this is
 * SW_OUTCOME_CLOSED in the current step; while waiting for the reply to QUIT
 * it ends the check with its verdict. */
void sw_dialogue_eof(struct sw_dialogue *d, int64_t now_us);
/* The engine gave up in the current step (refused, reset, unreachable,
 * resolve failure, cancelled); `detail` says why in words. Ends the dialogue
 * at once, without QUIT. Once a verdict is decided (waiting for the reply to
 * QUIT) the verdict stands and the failure only goes into the transcript. */
void sw_dialogue_fail(struct sw_dialogue *d, enum sw_outcome outcome, const char *detail,
                      int64_t now_us);
/* The deadline passed: the check times out in the current step, unless a
 * verdict other than OK was already decided (then that verdict stands). */
void sw_dialogue_timeout(struct sw_dialogue *d, int64_t now_us);

/* True while the dialogue waits for the engine to do a TLS handshake (the
 * TLS state, handshake not yet reported done). Nothing is to be sent
 * meanwhile but the handshake's own bytes. */
bool sw_dialogue_wants_tls(const struct sw_dialogue *d);
/* The handshake finished and the engine now checks the certificate: only a
 * transcript line and a better timeout message. TLS state only. */
void sw_dialogue_tls_handshake_done(struct sw_dialogue *d, int64_t now_us);
/* The TLS session is up. `info` (version, cipher, certificate fields) is
 * moved into the result: its `sans` belongs to the dialogue afterwards and
 * info->sans is set to NULL, whatever state the dialogue is in. `trust` is
 * the engine's verdict on the chain and the host name: SW_OUTCOME_OK (also
 * when it did not validate, info->verified false), or
 * SW_OUTCOME_CERT_UNTRUSTED / _NAME_MISMATCH / _EXPIRED with `detail` in
 * words; such a verdict ends the check at once, without another word to the
 * server. SW_OUTCOME_CERT_CHAIN_INCOMPLETE (a good chain, but the server
 * did not send an intermediate; `detail` says which) goes on like OK and
 * replaces an OK verdict at the end. Otherwise, and then too, the expiry is
 * judged here against the thresholds with `wall_s` (Unix seconds, now):
 * expired ends the check, expiring soon is remembered and replaces an OK
 * verdict at the end (an incomplete chain is then said in its detail).
 * Then the greeting is awaited (implicit TLS) or EHLO is sent again
 * (STARTTLS), with the parser and the capabilities learnt before TLS
 * forgotten. */
void sw_dialogue_tls_ready(struct sw_dialogue *d, struct sw_tls_info *info,
                           enum sw_outcome trust, const char *detail, int64_t wall_s,
                           int64_t now_us);
/* The TLS handshake failed; `detail` says why. Ends the check with
 * SW_OUTCOME_TLS_HANDSHAKE_FAILED in the TLS step. Outside the TLS state it
 * is an engine bug and ends the check with SW_OUTCOME_INTERNAL_ERROR. */
void sw_dialogue_tls_failed(struct sw_dialogue *d, const char *detail, int64_t now_us);

/* Absolute time (same clock as now_us) at which the check times out. */
int64_t sw_dialogue_deadline(const struct sw_dialogue *d);
/* Bytes waiting to be sent (NULL and 0 if none; always none once DONE), at
 * most SW_DIALOGUE_SEND_MAX. The engine sends them, then reports how many
 * went with sw_dialogue_sent. A piece of the message points into
 * cfg.mail.message itself (nothing is copied); a command line lives in the
 * dialogue until it is sent. */
const char *sw_dialogue_output(const struct sw_dialogue *d, size_t *len);
/* `n` bytes of the output were handed to the network. When the output is
 * all gone, bytes held back meanwhile are read, which may produce new output
 * or end the dialogue: look at both again after this call. */
void sw_dialogue_sent(struct sw_dialogue *d, size_t n);

static inline bool sw_dialogue_done(const struct sw_dialogue *d)
{
  return d->state == SW_DLG_DONE;
}
/* The result; complete once sw_dialogue_done(). */
const struct sw_check_result *sw_dialogue_result(const struct sw_dialogue *d);
/* Moves the result out (the caller frees it with sw_check_result_free). */
void sw_dialogue_take_result(struct sw_dialogue *d, struct sw_check_result *out);
const char *sw_dialogue_state_name(enum sw_dialogue_state s);

#endif
