/* The result of one SMTP check: its outcome, the step it ended in, the reply
 * that decided it, per-step timings and the session transcript. Outcomes and
 * steps are X-macros giving the enum, a stable machine name (JSON, the
 * database) and a sentence for humans. */
#ifndef SW_CHECK_RESULT_H
#define SW_CHECK_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cert_chain.h"
#include "sw_buf.h"
#include "sw_macros.h"
#include "text_escape.h" /* sw__escape_text, SW_TRANSCRIPT_MAX */

/* X(ENUM, machine name, sentence) */
#define SW_OUTCOME_MAP(X)                                                                \
  X(SW_OUTCOME_OK, "ok", "The server answered as expected.")                             \
  X(SW_OUTCOME_MISMATCH, "response_mismatch",                                            \
    "The server answered, but the reply did not include the expected text.")             \
  X(SW_OUTCOME_TEMP_REJECT, "temporary_rejection",                                       \
    "The server refused temporarily (4xx); it asks clients to come back later.")         \
  X(SW_OUTCOME_PERM_REJECT, "permanent_rejection",                                       \
    "The server refused permanently (5xx).")                                             \
  X(SW_OUTCOME_NOT_SMTP, "not_smtp",                                                     \
    "Something answered on this port, but it does not speak SMTP.")                      \
  X(SW_OUTCOME_REFUSED, "connection_refused",                                            \
    "The connection was refused: nothing listens on this port, or a firewall rejects "   \
    "it.")                                                                               \
  X(SW_OUTCOME_CLOSED, "connection_closed",                                              \
    "The server closed or reset the connection before the check was complete.")          \
  X(SW_OUTCOME_RESOLVE_FAILED, "resolve_failed", "The host name could not be resolved.") \
  X(SW_OUTCOME_TIMEOUT, "timeout", "The server did not answer within the timeout.")      \
  X(SW_OUTCOME_PROTOCOL_ERROR, "protocol_error", "The server broke the SMTP protocol.")  \
  X(SW_OUTCOME_NETWORK_ERROR, "network_error", "The server could not be reached.")       \
  X(SW_OUTCOME_STARTTLS_NOT_OFFERED, "starttls_not_offered",                             \
    "The server does not offer STARTTLS, which this check requires.")                    \
  X(SW_OUTCOME_STARTTLS_REFUSED, "starttls_refused",                                     \
    "The server offers STARTTLS but refused to start TLS.")                              \
  X(SW_OUTCOME_TLS_HANDSHAKE_FAILED, "tls_handshake_failed",                             \
    "The TLS handshake with the server failed.")                                         \
  X(SW_OUTCOME_CERT_UNTRUSTED, "certificate_untrusted",                                  \
    "The server's certificate is not trusted by this machine.")                          \
  X(SW_OUTCOME_CERT_NAME_MISMATCH, "certificate_name_mismatch",                          \
    "The server's certificate is not valid for the host name that was checked.")         \
  X(SW_OUTCOME_CERT_EXPIRED, "certificate_expired",                                      \
    "The server's certificate has expired or is not valid yet.")                         \
  X(SW_OUTCOME_CERT_EXPIRING, "certificate_expiring",                                    \
    "The server's certificate expires soon.")                                            \
  X(SW_OUTCOME_CERT_CHAIN_INCOMPLETE, "certificate_chain_incomplete",                    \
    "The server does not send the intermediate certificates its chain needs; this "      \
    "machine completed the chain, but other mail servers may fail.")                     \
  X(SW_OUTCOME_AUTH_FAILED, "auth_failed",                                               \
    "The server refused the user name and password (AUTH).")                             \
  X(SW_OUTCOME_AUTH_UNAVAILABLE, "auth_unavailable",                                     \
    "The server could not authenticate now (AUTH answered 4xx, e.g. 454); it asks "      \
    "clients to come back later.")                                                       \
  X(SW_OUTCOME_AUTH_NOT_OFFERED, "auth_not_offered",                                     \
    "The server does not offer AUTH with a mechanism this check may use.")               \
  X(SW_OUTCOME_AUTH_NOT_ENCRYPTED, "auth_not_encrypted",                                 \
    "The server offers AUTH only without TLS (without STARTTLS, or only before it); "    \
    "the "                                                                               \
    "password was not sent, because it would have gone in plain text.")                  \
  X(SW_OUTCOME_SENDER_REJECTED, "sender_rejected",                                       \
    "The server refused the sender (MAIL FROM).")                                        \
  X(SW_OUTCOME_RECIPIENT_REJECTED, "recipient_rejected",                                 \
    "The server refused a recipient (RCPT TO).")                                         \
  X(SW_OUTCOME_MESSAGE_REJECTED, "message_rejected",                                     \
    "The server refused the message (DATA).")                                            \
  X(SW_OUTCOME_OPEN_RELAY, "open_relay",                                                 \
    "The server accepted a recipient in a domain it must not relay for: it is an open "  \
    "relay.")                                                                            \
  X(SW_OUTCOME_BANNER_MISMATCH, "banner_mismatch",                                       \
    "The address's reverse name (PTR) is missing, does not resolve back to the "         \
    "address, or differs from the name the server gives in its greeting.")               \
  X(SW_OUTCOME_OAUTH_TOKEN_FAILED, "oauth_token_failed",                                 \
    "No OAuth access token for XOAUTH2: the token endpoint refused the client or could " \
    "not be reached.")                                                                   \
  X(SW_OUTCOME_CAPABILITIES_CHANGED, "capabilities_changed",                             \
    "The server answered, but it is not the server it was: its EHLO offer, greeting "    \
    "name, TLS or certificate key changed since the fingerprint was accepted.")          \
  X(SW_OUTCOME_CANCELLED, "cancelled", "The check was cancelled before it finished.")    \
  X(SW_OUTCOME_INTERNAL_ERROR, "internal_error",                                         \
    "The check could not run on this machine.")                                          \
  /* The round trip's (issue 17): the submission went through; these say */              \
  /* what the mailbox showed. */                                                         \
  X(SW_OUTCOME_DELIVERED, "delivered", "The probe message arrived in the mailbox.")      \
  X(SW_OUTCOME_NOT_DELIVERED, "not_delivered",                                           \
    "The server accepted the probe message, but it did not arrive in the mailbox in "    \
    "time.")                                                                             \
  X(SW_OUTCOME_MAILBOX_LOGIN_FAILED, "mailbox_login_failed",                             \
    "The mailbox server refused the user name and password, or they were not sent "      \
    "because the connection was not encrypted.")                                         \
  X(SW_OUTCOME_MAILBOX_UNREACHABLE, "mailbox_unreachable",                               \
    "The mailbox server could not be reached, closed the connection or did not answer "  \
    "in time.")                                                                          \
  X(SW_OUTCOME_MAILBOX_PROTOCOL_ERROR, "mailbox_protocol_error",                         \
    "The mailbox server broke the protocol or refused a command it must accept.")        \
  X(SW_OUTCOME_MX_UNREACHABLE, "mx_unreachable",                                         \
    "Too few of the mail domain's MX addresses answered as an SMTP server should (all, " \
    "or the rule's --min-ok).")                                                          \
  X(SW_OUTCOME_MX_PARTLY_UNREACHABLE, "mx_partly_unreachable",                           \
    "Some of the mail domain's MX addresses failed, but at least the rule's --min-ok "   \
    "answered.")                                                                         \
  X(SW_OUTCOME_MTA_STS_VIOLATION, "mta_sts_violation",                                   \
    "An MX host breaks the domain's MTA-STS policy: it matches none of its mx "          \
    "patterns, "                                                                         \
    "offers no STARTTLS, or has no certificate valid for its name.")                     \
  X(SW_OUTCOME_DANE_MISMATCH, "dane_mismatch",                                           \
    "An MX host's DNSSEC-authenticated TLSA records match none of the certificates it "  \
    "presents: senders that apply DANE will not deliver to it.")                         \
  X(SW_OUTCOME_DANE_UNAUTHENTICATED, "dane_unauthenticated",                             \
    "An MX host publishes TLSA records, but the answer was not DNSSEC-authenticated, "   \
    "so "                                                                                \
    "no DANE validation took place.")                                                    \
  X(SW_OUTCOME_NULL_MX, "null_mx",                                                       \
    "The mail domain publishes a null MX (RFC 7505): it accepts no mail.")               \
  X(SW_OUTCOME_NO_MAIL_HOST, "no_mail_host",                                             \
    "The mail domain has neither an MX record nor an address to fall back to: mail for " \
    "it cannot be delivered.")

enum sw_outcome { SW_OUTCOME_MAP(SW_X_1) SW_OUTCOME_COUNT };

/* X(ENUM, machine name, label for humans) in the order a check passes them.
 * TLS is the STARTTLS exchange and the handshake with its certificate check:
 * right after connect with implicit TLS, after the first EHLO with STARTTLS
 * (whose second EHLO counts to EHLO again). AUTH, MAIL FROM, RCPT TO (every
 * recipient) and DATA (the command, the message and the reply to its end)
 * are reached only by a check or a mail that goes past the handshake
 * (sw_step_is_transaction); the RSET that ends an envelope check counts to
 * QUIT. */
#define SW_STEP_MAP(X)                                                                   \
  X(SW_STEP_RESOLVE, "resolve", "name resolution")                                       \
  X(SW_STEP_CONNECT, "connect", "connect")                                               \
  X(SW_STEP_TLS, "tls", "TLS")                                                           \
  X(SW_STEP_GREETING, "greeting", "greeting")                                            \
  X(SW_STEP_EHLO, "ehlo", "EHLO")                                                        \
  X(SW_STEP_AUTH, "auth", "AUTH")                                                        \
  X(SW_STEP_MAIL, "mail", "MAIL FROM")                                                   \
  X(SW_STEP_RCPT, "rcpt", "RCPT TO")                                                     \
  X(SW_STEP_DATA, "data", "DATA")                                                        \
  X(SW_STEP_COMMAND, "command", "command")                                               \
  X(SW_STEP_QUIT, "quit", "QUIT")

enum sw_step { SW_STEP_MAP(SW_X_1) SW_STEP_COUNT };

/* EHLO keywords we act on or report; others are kept in the raw list. */
#define SW_CAP_MAP(X)                                                                    \
  X(SW_CAP_BIT_PIPELINING)                                                               \
  X(SW_CAP_BIT_STARTTLS)                                                                 \
  X(SW_CAP_BIT_SIZE)                                                                     \
  X(SW_CAP_BIT_8BITMIME)                                                                 \
  X(SW_CAP_BIT_AUTH)                                                                     \
  X(SW_CAP_BIT_ENHANCEDSTATUSCODES)                                                      \
  X(SW_CAP_BIT_SMTPUTF8)                                                                 \
  X(SW_CAP_BIT_CHUNKING)                                                                 \
  X(SW_CAP_BIT_DSN)

enum sw_cap_bit { SW_CAP_MAP(SW_X_1) SW_CAP_COUNT };
#define SW_CAP(e) (1u << SW_CAP_BIT_##e)

#define SW_REPLY_TEXT_MAX 1024 /* the deciding reply, as shown to users */
#define SW_DETAIL_MAX 256
#define SW_PEER_MAX 64
#define SW_GREETING_HOST_MAX 256
#define SW_PTR_NAME_MAX 256 /* a DNS name: at most 253 octets */

#define SW_TLS_TEXT_MAX 256
#define SW_KEY_SHA256_HEX 64 /* hex digits of a SHA-256 */

/* What TLS negotiated and what the server's certificate says. */
struct sw_tls_info {
  bool used;                     /* a TLS session was established */
  bool verified;                 /* chain and host name were validated (not
                                    --insecure) and found good */
  char version[16];              /* "TLS 1.2" */
  char cipher[64];               /* "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" */
  char subject[SW_TLS_TEXT_MAX]; /* "CN=mail.example.com, O=Example" */
  char issuer[SW_TLS_TEXT_MAX];
  /* The certificate's key: the SHA-256 of its DER SubjectPublicKeyInfo in
   * lowercase hex, the same for every certificate issued for the same key
   * (a renewal that keeps the key), and the key's algorithm and size ("RSA
   * 2048", "ECDSA P-256"). "" when unknown. The drift fingerprint
   * compares both. */
  char key_sha256[SW_KEY_SHA256_HEX + 1];
  char key_type[32];
  char *sans;        /* DNS names and addresses, '\n'-separated;
                        owned; NULL if none */
  int64_t not_after; /* Unix seconds; 0 if unknown */
  int days_left;     /* whole days left at the time of the check (negative
                        once expired); meaningful when not_after != 0 */
  int warn_days;     /* the thresholds it was judged by: WARNING below */
  int crit_days;     /* warn_days days left, CRITICAL below crit_days */
};

/* One address's part of a check of every address of its host
 * (all_addresses): what a user needs to tell the addresses apart. */
struct sw_address_result {
  char peer[SW_PEER_MAX]; /* "192.0.2.1:25", "[2001:db8::25]:25" */
  enum sw_outcome outcome;
  enum sw_step step;
  int reply_code; /* 0 if none */
  char detail[SW_DETAIL_MAX];
  int64_t total_us;
  char ptr_name[SW_PTR_NAME_MAX]; /* with check_ptr, as in the result */
};

struct sw_check_result {
  enum sw_outcome outcome;
  enum sw_step step;             /* where the check ended (or failed) */
  int reply_code;                /* deciding reply's code, 0 if none */
  char enhanced_code[16];        /* "5.7.1" or "" */
  char reply[SW_REPLY_TEXT_MAX]; /* deciding reply, lines joined by '\n' */
  char detail[SW_DETAIL_MAX];    /* what went wrong, in words ("" when OK) */
  char peer[SW_PEER_MAX];        /* address that answered, "192.0.2.1:25" */
  /* The name the server gave for itself: the first word of its 220
   * greeting ("mx1.example.com" of "220 mx1.example.com ESMTP"), escaped
   * like `reply`; "" before a 220 or when the greeting has no word. The
   * reverse-DNS check and the drift fingerprint compare it. */
  char greeting_host[SW_GREETING_HOST_MAX];
  bool used_helo;      /* EHLO was refused, so HELO was sent */
  unsigned caps;       /* SW_CAP(...) bits from the EHLO reply */
  char *ehlo_keywords; /* EHLO reply lines 2..n without their codes,
                          '\n'-separated; owned; NULL without EHLO */
  /* With STARTTLS: ehlo_keywords of the EHLO before it (the plaintext
   * session's offer, which RFC 3207 makes the client forget but the drift
   * fingerprint compares); owned; NULL without STARTTLS. */
  char *ehlo_keywords_plain;
  int64_t step_us[SW_STEP_COUNT]; /* time spent in each step, -1 if not reached */
  int64_t total_us;
  struct sw_buf transcript; /* "C: "/"S: " lines with relative times */
  struct sw_tls_info tls;
  /* A mail was sent: the server answered 2xx to the end of its DATA, and
   * `reply` is that answer (with its queue id, "250 2.0.0 Ok: queued as
   * ABC"). The outcome may still be a certificate warning. */
  bool message_accepted;
  /* With check_ptr: the reverse name (PTR) of the address that answered,
   * escaped like `reply`; "" when it has none or it was not looked up. */
  char ptr_name[SW_PTR_NAME_MAX];
  /* With all_addresses: one entry per address checked, in the resolver's
   * order; owned; NULL and 0 otherwise. The rest of the result is that of
   * the address that decided the outcome (sw_check_results_merge). */
  struct sw_address_result *addresses;
  size_t naddresses;
  /* A mail domain's check (issue 18): its MX x address matrix and the
   * policies; owned; NULL for a host's check (domain_report.h). */
  struct sw_domain_report *domain;
  /* capabilities_changed (set by the service's drift check, never by the
   * dialogue): the change takes away what the rule's TLS mode relies on,
   * STARTTLS, so the verdict is CRITICAL rather than WARNING. */
  bool drift_critical;
  /* With the check spec's want_chain (DANE, issue 18): the certificates the
   * server presented, leaf first (cert_chain.h); owned; NULL when not
   * asked, without TLS, or when the server sent none. With all_addresses,
   * that of the address that decided the outcome. */
  struct sw_cert_chain *chain;
  /* The chain validation's own verdict whenever one ran (a TLS check
   * without tls_insecure): SW_OUTCOME_OK, _CERT_CHAIN_INCOMPLETE, or a
   * failure (with the spec's tls_trust_advisory, an _CERT_UNTRUSTED or
   * _CERT_NAME_MISMATCH here did not end the check), and its sentence
   * ("" for OK). cert_judged is false, the rest zero, when none ran. */
  bool cert_judged;
  enum sw_outcome cert_outcome;
  char cert_detail[SW_DETAIL_MAX];
  /* A round trip (issue 17): the probe's submission and what the mailbox
   * showed; owned; NULL for every other check. */
  struct sw_round_trip_result *round_trip;
};
/* Text fields (reply, detail, ehlo_keywords, transcript) are printable: bytes
 * that are not well-formed, non-control UTF-8 appear as \xNN and a backslash
 * as \\, so a hostile server cannot inject control sequences into logs. */

/* True for the round trip's own outcomes (delivered ... mailbox_protocol_error). */
bool sw_outcome_is_round_trip(enum sw_outcome o);

/* Prepares an empty result (no step reached, outcome INTERNAL_ERROR). */
void sw_check_result_init(struct sw_check_result *r);
/* Releases what the result owns; the struct may be initialised again. */
void sw_check_result_free(struct sw_check_result *r);
/* Moves `from` into `to` (which must not own anything); `from` is left
 * empty, as after sw_check_result_init. */
void sw_check_result_move(struct sw_check_result *to, struct sw_check_result *from);

const char *sw_outcome_name(enum sw_outcome o);
const char *sw_outcome_text(enum sw_outcome o);
const char *sw_step_name(enum sw_step s);
/* The step whose machine name is name[0..len); false if none. */
bool sw_step_from_name(const char *name, size_t len, enum sw_step *out);
const char *sw_step_label(enum sw_step s);
/* The EHLO keyword of a bit of sw_check_result.caps ("STARTTLS" for
 * SW_CAP_BIT_STARTTLS); "?" for a bit past SW_CAP_COUNT. */
const char *sw_cap_name(enum sw_cap_bit bit);
/* True for the verdicts on the server's certificate (untrusted, name
 * mismatch, expired, expiring, chain incomplete). */
bool sw_outcome_is_certificate(enum sw_outcome o);
/* True for the certificate warnings that do not stop a check: the server
 * answered and was judged like an OK check, but its certificate expires
 * soon or its chain is incomplete (the result has a response time). */
bool sw_outcome_is_certificate_warning(enum sw_outcome o);
/* True when the server answered and the check went through like an OK one,
 * with at most a finding on top that makes it a warning: OK, the
 * certificate warnings, banner_mismatch and capabilities_changed. Graphs
 * show these as answers, not as failures. */
bool sw_outcome_answered(enum sw_outcome o);
/* True for the steps past the handshake (AUTH, MAIL FROM, RCPT TO, DATA):
 * only a check or a mail that goes that far reaches them, and reports that
 * list all steps leave them out while they are not reached. */
bool sw_step_is_transaction(enum sw_step s);
/* Parses a machine name back; returns false if unknown. */
bool sw_outcome_from_name(const char *name, enum sw_outcome *out);

/* With all_addresses: how many of r->addresses ended OK. */
size_t sw_check_result_addresses_ok(const struct sw_check_result *r);

/* One line for humans: what happened, where, and the server's words, e.g.
 * "Timed out in the greeting after 7000 ms: the server accepted the
 * connection but sent no greeting." A check of every address starts with
 * the count and the addresses that were not OK ("1 of 2 addresses OK;
 * [::1]:25 connection refused. ") before the deciding address's sentence.
 * Always NUL-terminates `out`. */
void sw_check_result_describe(const struct sw_check_result *r, char *out, size_t size);

/* Internal, for the dialogue: sw_transcript_line (text_escape.h) on the
 * result's transcript. */
void sw__transcript_line(struct sw_check_result *r, int64_t rel_us, const char *tag,
                         const char *data, size_t len);

#endif
