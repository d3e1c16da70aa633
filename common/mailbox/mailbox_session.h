/* A mailbox session of the round trip (issue 17) as a sans-IO state
 * machine, shaped like the SMTP dialogue (common/smtp/smtp_dialogue.h): it
 * is fed received bytes, events (connected, TLS ready or failed, closed,
 * timeout) and the current time, and hands back bytes to send, a "wants
 * TLS" request, and at the end a struct sw_mailbox_result. It never
 * touches a socket, a clock or a thread; the engine, the tests and the
 * fuzzers drive it the same way. One API, two protocols: IMAP
 * (imap_dialogue.c, RFC 9051/3501) and POP3 (pop3_dialogue.c, RFC
 * 1939/2449/2595).
 *
 * The job of one session: log in; look for the probe, the message whose
 * header X-SmtpWatch-Probe equals cfg.probe ("RULE/NONCE"); hand back its
 * header block (bounded) for the caller to read its Received: and
 * Authentication-Results: fields; delete it; delete the stale probes of
 * the same rule (a header value starting "RULE/", the probe's text up to
 * and with its first '/') older than cfg.stale_s; log out. A message
 * without such a header, or with another rule's, is never flagged nor
 * deleted: the dialogue reads every candidate's header itself, because an
 * IMAP header search matches substrings. Plain IMAP EXPUNGE (when the
 * server lacks UIDPLUS) also removes any other message a user flagged
 * \Deleted: that, and the rest of this, is why the mailbox must be a
 * dedicated one (docs/architecture.md).
 *
 * Waiting (cfg.wait_ms > 0): when the probe is not there yet and the IMAP
 * server offers IDLE, the session idles until the server reports new mail
 * (EXISTS) or wait_ms passes, then looks again, as often as new mail comes
 * within wait_ms. Without IDLE (and always with POP3) it ends not_found
 * with result.idle_offered false: the caller polls again later.
 *
 * TLS: as the SMTP dialogue. With STARTTLS (IMAP STARTTLS, POP3 STLS),
 * after the server's yes every plaintext byte still buffered or arriving is
 * discarded (RFC 3207 section 6, RFC 2595 section 3.1), the engine is asked
 * for a handshake (sw_mailbox_wants_tls), reports it (sw_mailbox_tls_ready
 * or _tls_failed), and the capabilities are asked again over TLS. With
 * implicit TLS (993, 995) the TLS state comes right after connect. The
 * engine judges the certificate; one it refuses is sw_mailbox_fail. The
 * password never goes without TLS unless cfg.allow_plaintext.
 *
 * The transcript shows every line in both directions, the password never
 * ("****" in its place, as the SMTP side does). */
#ifndef SW_MAILBOX_SESSION_H
#define SW_MAILBOX_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_buf.h"
#include "sw_macros.h"

/* X(ENUM, machine name, sentence). found and not_found are the session's
 * answers; the others end it without one. mailbox_unreachable is also the
 * engine's (refused, reset, TLS failed, certificate refused): the enum
 * carries it for the caller. */
#define SW_MAILBOX_OUTCOME_MAP(X)                                                        \
  X(SW_MAILBOX_FOUND, "found", "The probe message is in the mailbox.")                   \
  X(SW_MAILBOX_NOT_FOUND, "not_found", "The probe message is not in the mailbox.")       \
  X(SW_MAILBOX_LOGIN_FAILED, "mailbox_login_failed",                                     \
    "The mailbox server refused the user name and password, or they were not sent "      \
    "because the connection was not encrypted.")                                         \
  X(SW_MAILBOX_PROTOCOL_ERROR, "mailbox_protocol_error",                                 \
    "The mailbox server broke the protocol or refused a command it must accept.")        \
  X(SW_MAILBOX_UNREACHABLE, "mailbox_unreachable",                                       \
    "The mailbox server could not be reached, closed the connection or did not answer "  \
    "in time.")                                                                          \
  X(SW_MAILBOX_INTERNAL_ERROR, "internal_error",                                         \
    "The mailbox session could not run on this machine (its settings cannot be sent).")

enum sw_mailbox_outcome { SW_MAILBOX_OUTCOME_MAP(SW_X_1) SW_MAILBOX_OUTCOME_COUNT };

enum sw_mailbox_protocol { SW_MAILBOX_IMAP, SW_MAILBOX_POP3 };
enum sw_mailbox_tls {
  SW_MAILBOX_TLS_NONE,
  SW_MAILBOX_TLS_STARTTLS,
  SW_MAILBOX_TLS_IMPLICIT
};

/* Where a session is. Both protocols use the same states (POP3's CAPA is
 * CAPABILITY, STLS STARTTLS, USER/PASS LOGIN, UIDL SEARCH, TOP FETCH, DELE
 * DELETE, QUIT LOGOUT); SELECT, EXPUNGE and IDLE are IMAP's alone. */
#define SW_MAILBOX_STATE_MAP(X)                                                          \
  X(SW_MBX_CONNECTING)                                                                   \
  X(SW_MBX_GREETING)                                                                     \
  X(SW_MBX_CAPABILITY)                                                                   \
  X(SW_MBX_STARTTLS)                                                                     \
  X(SW_MBX_TLS)                                                                          \
  X(SW_MBX_LOGIN)                                                                        \
  X(SW_MBX_SELECT)                                                                       \
  X(SW_MBX_SEARCH)                                                                       \
  X(SW_MBX_FETCH)                                                                        \
  X(SW_MBX_DELETE)                                                                       \
  X(SW_MBX_EXPUNGE)                                                                      \
  X(SW_MBX_IDLE)                                                                         \
  X(SW_MBX_LOGOUT)                                                                       \
  X(SW_MBX_DONE)

enum sw_mailbox_state { SW_MAILBOX_STATE_MAP(SW_X_1) };

/* Every string is borrowed: it must outlive the session, which copies the
 * user and password nowhere (not into the transcript, the result or the
 * trace). User, password, folder and probe: no NUL, CR or LF, at most
 * SW_MAILBOX_ARG_MAX octets each; else the session ends at init with
 * internal_error. */
struct sw_mailbox_config {
  enum sw_mailbox_protocol protocol;
  /* STARTTLS is required: a server that does not offer it gets no
   * password (mailbox_login_failed); so does PREAUTH (protocol error). */
  enum sw_mailbox_tls tls;
  const char *user;
  const char *password;
  bool allow_plaintext; /* the password may go without TLS */
  const char *folder;   /* IMAP: NULL or "" for INBOX; sent as the server names
                           it (IMAP4rev1: modified UTF-7 for non-ASCII names) */
  const char *probe;    /* "RULE/NONCE": RULE non-empty, no '/' in RULE */
  int64_t stale_s;      /* a probe of the rule older than this is stale */
  int64_t wall_s;       /* Unix seconds now: what "older" is measured against */
  uint32_t timeout_ms;  /* budget of the whole session */
  uint32_t wait_ms;     /* IMAP IDLE for new mail, at most this long; 0: none */
  /* Optional: called on every state change, with names (for logs). */
  void (*trace)(void *ctx, const char *from, const char *to);
  void *trace_ctx;
};

#define SW_MAILBOX_ARG_MAX 255
#define SW_MAILBOX_DETAIL_MAX 256
#define SW_MAILBOX_REPLY_MAX 512
#define SW_MAILBOX_HEADER_MAX (64 * 1024) /* the probe's header block kept */
#define SW_MAILBOX_CANDIDATES_MAX 64      /* messages examined per look */
#define SW_MAILBOX_OUT_MAX 1536           /* one command, literals and all */

struct sw_mailbox_result {
  enum sw_mailbox_outcome outcome;
  enum sw_mailbox_state state;        /* where it ended (or failed) */
  char detail[SW_MAILBOX_DETAIL_MAX]; /* what happened, in words */
  char reply[SW_MAILBOX_REPLY_MAX];   /* the deciding server line, escaped; "" */
  char peer[64];
  bool tls_used;
  bool idle_offered; /* IMAP: CAPABILITY lists IDLE */
  bool idled;        /* the session waited in IDLE at least once */
  /* The probe: found, its header block (CRLF lines as the server sent
   * them, up to the blank line; at most SW_MAILBOX_HEADER_MAX octets,
   * header_cut when there was more), the server's id for it (IMAP UID or
   * POP3 UIDL, "" if none), IMAP's INTERNALDATE as Unix seconds (0 if
   * unknown), and when it was seen (the session clock of the event). */
  bool found;
  struct sw_buf header; /* raw bytes, not escaped: parse them, never log them */
  bool header_cut;
  char probe_id[72];
  int64_t internal_date_s;
  int64_t found_us;
  /* Deletion: the probe was removed for good (IMAP: its EXPUNGE answered
   * OK; POP3: QUIT answered +OK, RFC 1939 section 6), and how many stale
   * probes of the rule were. */
  bool probe_deleted;
  unsigned stale_deleted;
  int64_t total_us;
  struct sw_buf transcript; /* "C: "/"S: "/"-- " lines with relative times */
};

/* The session. Its fields are the dialogue files' business; the engine uses
 * the functions below. */
struct sw_mailbox {
  enum sw_mailbox_state state;
  struct sw_mailbox_config cfg;
  struct sw_mailbox_result result;
  /* The command being sent: out[0..out_len), of which out_sent went and
   * out[..out_ready) may go now; an IMAP literal's octets wait for the
   * server's "+" (cuts[] are where each part ends). `shown` is the same
   * command as the transcript shows it, the password as "****". Wiped once
   * sent: it may hold the password. */
  char out[SW_MAILBOX_OUT_MAX];
  size_t out_len, out_sent, out_ready;
  size_t cuts[4], shown_cuts[4];
  int ncuts, next_cut;
  char shown[SW_MAILBOX_OUT_MAX];
  size_t shown_len;
  /* Bytes that arrived while a command was still unsent (read once it is
   * gone, like the SMTP dialogue's), bounded by SW_MAILBOX_HELD_MAX. */
  struct sw_buf held;
  bool eof_held;
  int64_t start_us, now_us;
  int64_t wait_until_us; /* IDLE ends then; 0 while not idling */
  bool tls_done;
  size_t discarded_len; /* plaintext thrown away after STARTTLS/STLS */
  /* The protocol's reader and progress (imap_dialogue.c, pop3_dialogue.c). */
  struct sw_mailbox_reader {
    struct sw_buf line;    /* the line being read (IMAP: with its literals' text) */
    struct sw_buf literal; /* IMAP: the kept part of the response's literal */
    size_t literal_left;   /* IMAP: literal octets still to come */
    size_t total;          /* octets of literals (IMAP) or data (POP3) so far */
    unsigned count;        /* IMAP: literals in the response */
    bool skipping;         /* POP3: a data line too long, its rest skipped */
    bool multi;            /* POP3: in a multi-line response */
  } rd;
  unsigned caps; /* SW_MBX_CAP bits */
  unsigned tag;  /* IMAP: the last tag number used */
  bool logged_in, selected;
  /* The answer, once known: the session logs out and then reports it. */
  bool has_verdict;
  enum sw_mailbox_outcome verdict;
  /* IMAP IDLE: when the wait ends (the first IDLE plus cfg.wait_ms), the
   * server's "+" came, DONE is due or went, new mail (EXISTS) came. */
  int64_t wait_end_us;
  bool idle_going, idle_done_due, idle_done_sent, saw_exists;
  unsigned nstale; /* of del[]: stale probes (the others are the probe) */
  /* POP3: PASS went; the message numbers came from LIST (no UIDL); a data
   * line too long is being cut; which DELEs were answered +OK. */
  bool password_sent, listed, line_cut, probe_dele_ok;
  unsigned stale_dele_ok;
  /* The messages to look at (IMAP UIDs, POP3 message numbers), where the
   * look is, and those to delete. */
  uint32_t cand[SW_MAILBOX_CANDIDATES_MAX];
  size_t ncand, next_cand;
  uint32_t del[SW_MAILBOX_CANDIDATES_MAX];
  size_t ndel, next_del;
  uint32_t probe_no; /* the probe's UID or message number; 0: none yet */
  uint32_t uid_seen; /* IMAP: UIDs up to this one were looked at */
  char uidl[SW_MAILBOX_CANDIDATES_MAX][72]; /* POP3: UIDL of each candidate */
  bool cand_has_uidl;
};

#define SW_MAILBOX_HELD_MAX (256 * 1024)

/* Starts a session at `now_us` in the CONNECTING state. A configuration
 * that cannot be sent (see struct sw_mailbox_config) ends it at once with
 * internal_error and a sentence (never a credential): check
 * sw_mailbox_done() before connecting. */
void sw_mailbox_init(struct sw_mailbox *s, const struct sw_mailbox_config *cfg,
                     int64_t now_us);
/* Frees what the session owns (its result, unless taken). */
void sw_mailbox_free(struct sw_mailbox *s);

/* A connection is up to `peer` ("192.0.2.1:143"). Ignored once done. */
void sw_mailbox_connected(struct sw_mailbox *s, const char *peer, int64_t now_us);
/* Bytes from the server; all are consumed (copied when they must wait).
 * Ignored once done. */
void sw_mailbox_receive(struct sw_mailbox *s, const char *data, size_t len,
                        int64_t now_us);
/* The server closed its side. While logging out this ends the session with
 * its answer; before, it is mailbox_unreachable. */
void sw_mailbox_eof(struct sw_mailbox *s, int64_t now_us);
/* The engine gave up (refused, reset, unreachable, the certificate refused);
 * `detail` says why. Ends the session at once with mailbox_unreachable,
 * unless the answer is known already (logging out): then it stands. */
void sw_mailbox_fail(struct sw_mailbox *s, const char *detail, int64_t now_us);
/* sw_mailbox_deadline() came. While idling before the budget's end, this
 * ends the wait (DONE) and the session looks once more; else the session
 * times out (mailbox_unreachable), unless its answer is known already. */
void sw_mailbox_timeout(struct sw_mailbox *s, int64_t now_us);

/* True while the session waits for the engine's TLS handshake. Nothing is
 * to be sent meanwhile but the handshake's own bytes, and no plaintext fed. */
bool sw_mailbox_wants_tls(const struct sw_mailbox *s);
/* The TLS session is up (and the engine accepted the certificate). */
void sw_mailbox_tls_ready(struct sw_mailbox *s, int64_t now_us);
/* The handshake failed: mailbox_unreachable with `detail`. */
void sw_mailbox_tls_failed(struct sw_mailbox *s, const char *detail, int64_t now_us);

/* When the engine must call sw_mailbox_timeout (same clock as now_us): the
 * end of an IDLE wait, else the end of the budget. */
int64_t sw_mailbox_deadline(const struct sw_mailbox *s);
/* Bytes waiting to be sent (NULL and 0 if none; always none once done).
 * The engine sends them, then says how many went with sw_mailbox_sent. */
const char *sw_mailbox_output(const struct sw_mailbox *s, size_t *len);
/* `n` bytes of the output went. Bytes held meanwhile are read then, which
 * may produce output or end the session: look at both again. */
void sw_mailbox_sent(struct sw_mailbox *s, size_t n);

static inline bool sw_mailbox_done(const struct sw_mailbox *s)
{
  return s->state == SW_MBX_DONE;
}
/* The result; complete once sw_mailbox_done(). */
const struct sw_mailbox_result *sw_mailbox_result(const struct sw_mailbox *s);
/* Moves the result out; free it with sw_mailbox_result_free. */
void sw_mailbox_take_result(struct sw_mailbox *s, struct sw_mailbox_result *out);
void sw_mailbox_result_free(struct sw_mailbox_result *r);

const char *sw_mailbox_state_name(enum sw_mailbox_state s);
const char *sw_mailbox_outcome_name(enum sw_mailbox_outcome o);
const char *sw_mailbox_outcome_text(enum sw_mailbox_outcome o);

#endif
