/* A monitoring rule: which server to check, how, and how often. Shared by the
 * service (scheduler, store), the pipe protocol, the rule editor and the
 * command line, so the validator below is the one place that decides what a
 * valid rule is; each of them shows its messages as they are.
 *
 * Strings are UTF-8, owned by the rule (heap), and NULL means "". */
#ifndef SW_RULE_H
#define SW_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smtp_auth.h"
#include "sw_error.h"
#include "sw_macros.h"

#define SW_RULE_DEFAULT_PORT 25
#define SW_RULE_DEFAULT_TIMEOUT_MS 7000u /* ActiveXperts' recommendation */
#define SW_RULE_DEFAULT_INTERVAL_S 60u

#define SW_RULE_NAME_MAX_CHARS 100 /* code points, not bytes */
#define SW_RULE_COMMAND_MAX 510    /* octets: 512 per line minus CRLF [4.5.3.1.4] */
#define SW_RULE_EXPECT_MAX 500     /* octets */
#define SW_RULE_TIMEOUT_MIN_MS 100u
#define SW_RULE_TIMEOUT_MAX_MS 300000u
#define SW_RULE_INTERVAL_MIN_S 10u
#define SW_RULE_INTERVAL_MAX_S 86400u
#define SW_RULE_DEFAULT_CERT_WARN_DAYS 21
#define SW_RULE_DEFAULT_CERT_CRIT_DAYS 7
#define SW_RULE_CERT_DAYS_MAX 3650
#define SW_RULE_AUTH_USER_MAX 255     /* octets */
#define SW_RULE_RCPT_MAX 16           /* recipients of an envelope check */
#define SW_RULE_ADDRESS_LIST_MAX 4096 /* octets of rcpt_to */
#define SW_RULE_MIN_OK_MAX 64         /* --min-ok N: more than any domain has */
#define SW_RULE_URL_MAX 2048          /* octets of the OAuth token URL */
#define SW_RULE_OAUTH_TEXT_MAX 1024   /* octets of the client id or the scope */
/* The recipient of the open-relay test when the rule names none: a domain
 * that can never be the server's own (RFC 2606). */
#define SW_RULE_DEFAULT_RELAY_TEST_RCPT "relay-test@smtpwatch.invalid"

/* X(ENUM, machine name): how a check uses TLS. */
#define SW_TLS_MODE_MAP(X)                                                               \
  X(SW_TLS_NONE, "none")         /* plain SMTP */                                        \
  X(SW_TLS_STARTTLS, "starttls") /* upgrade when offered, else go on in plain text */    \
  X(SW_TLS_REQUIRE_STARTTLS, "require-starttls") /* not offered: CRITICAL */             \
  X(SW_TLS_IMPLICIT, "implicit") /* TLS from the first byte (port 465, RFC 8314) */

enum sw_tls_mode { SW_TLS_MODE_MAP(SW_X_1) SW_TLS_MODE_COUNT };

/* X(ENUM, machine name): which addresses of the host a check may use. */
#define SW_IP_FAMILY_MAP(X)                                                              \
  X(SW_IP_ANY, "any") /* the resolver's order, IPv6 or IPv4 */                           \
  X(SW_IP_V4, "4")    /* A records (and IPv4 literals) only */                           \
  X(SW_IP_V6, "6")    /* AAAA records (and IPv6 literals) only */

enum sw_ip_family { SW_IP_FAMILY_MAP(SW_X_1) SW_IP_FAMILY_COUNT };

/* X(ENUM, machine name): whether a check sends a probe and looks for it in
 * a mailbox (issue 17), and over which protocol. */
#define SW_ROUND_TRIP_MAP(X)                                                             \
  X(SW_ROUND_TRIP_NONE, "none")                                                          \
  X(SW_ROUND_TRIP_IMAP, "imap")                                                          \
  X(SW_ROUND_TRIP_POP3, "pop3")

enum sw_round_trip { SW_ROUND_TRIP_MAP(SW_X_1) SW_ROUND_TRIP_COUNT };

/* X(ENUM, machine name): how the round trip's mailbox connection uses TLS;
 * implicit (993, 995) is the default. */
#define SW_MAILBOX_TLS_MODE_MAP(X)                                                       \
  X(SW_MAILBOX_TLS_MODE_IMPLICIT, "implicit")                                            \
  X(SW_MAILBOX_TLS_MODE_STARTTLS, "starttls")                                            \
  X(SW_MAILBOX_TLS_MODE_NONE, "none") /* the password goes in plain text */

enum sw_mailbox_tls_mode { SW_MAILBOX_TLS_MODE_MAP(SW_X_1) SW_MAILBOX_TLS_MODE_COUNT };

#define SW_RULE_DEFAULT_DELIVER_WITHIN_S 300u
#define SW_RULE_DELIVER_WITHIN_MIN_S 10u
#define SW_RULE_DELIVER_WITHIN_MAX_S 3600u
#define SW_RULE_MAILBOX_TEXT_MAX 255 /* octets of the user and the folder */

/* How a field is held in struct sw_rule (sw_rule_field_kind): what the
 * pipe, the store, the files and the form carry it as when they walk the
 * fields. */
enum sw_rule_kind {
  SW_RULE_TEXT,   /* char *, UTF-8, NULL = "" */
  SW_RULE_FLAG,   /* bool */
  SW_RULE_SECRET, /* bool: whether the secret is set (never the secret) */
  SW_RULE_PORT,   /* uint16_t */
  SW_RULE_U32,    /* uint32_t */
  SW_RULE_DAYS,   /* int */
  SW_RULE_CHOICE  /* an enum, written as its machine name */
};

/* X(ENUM, machine name = the struct member, label for humans). The machine
 * names are used by the pipe protocol and the store; keep them stable. The
 * two secrets are fields of the form, but the rule holds only whether each
 * is set (auth_password_set, oauth_client_secret_set): the service keeps
 * them, encrypted, and never gives them back. */
#define SW_RULE_FIELD_MAP(X)                                                             \
  X(SW_RULE_FIELD_NAME, "name", "Name")                                                  \
  X(SW_RULE_FIELD_HOST, "host", "Host")                                                  \
  X(SW_RULE_FIELD_PORT, "port", "Port")                                                  \
  X(SW_RULE_FIELD_COMMAND, "command", "Command")                                         \
  X(SW_RULE_FIELD_EXPECT, "expect", "Expected text")                                     \
  X(SW_RULE_FIELD_TIMEOUT_MS, "timeout_ms", "Timeout")                                   \
  X(SW_RULE_FIELD_EHLO_NAME, "ehlo_name", "EHLO name")                                   \
  X(SW_RULE_FIELD_INTERVAL_S, "interval_s", "Interval")                                  \
  X(SW_RULE_FIELD_ENABLED, "enabled", "Enabled")                                         \
  X(SW_RULE_FIELD_TLS_MODE, "tls_mode", "TLS")                                           \
  X(SW_RULE_FIELD_TLS_INSECURE, "tls_insecure", "Skip certificate validation")           \
  X(SW_RULE_FIELD_CERT_WARN_DAYS, "cert_warn_days", "Certificate warning (days)")        \
  X(SW_RULE_FIELD_CERT_CRIT_DAYS, "cert_crit_days", "Certificate critical (days)")       \
  X(SW_RULE_FIELD_AUTH_USER, "auth_user", "AUTH user")                                   \
  X(SW_RULE_FIELD_AUTH_PASSWORD, "auth_password", "AUTH password")                       \
  X(SW_RULE_FIELD_AUTH_MECH, "auth_mech", "AUTH mechanism")                              \
  X(SW_RULE_FIELD_AUTH_PLAINTEXT, "auth_plaintext", "Allow AUTH without TLS")            \
  X(SW_RULE_FIELD_OAUTH_TOKEN_URL, "oauth_token_url", "OAuth token URL")                 \
  X(SW_RULE_FIELD_OAUTH_CLIENT_ID, "oauth_client_id", "OAuth client ID")                 \
  X(SW_RULE_FIELD_OAUTH_CLIENT_SECRET, "oauth_client_secret", "OAuth client secret")     \
  X(SW_RULE_FIELD_OAUTH_SCOPE, "oauth_scope", "OAuth scope")                             \
  X(SW_RULE_FIELD_MAIL_FROM, "mail_from", "MAIL FROM")                                   \
  X(SW_RULE_FIELD_RCPT_TO, "rcpt_to", "RCPT TO")                                         \
  X(SW_RULE_FIELD_RELAY_TEST, "relay_test", "Open relay test")                           \
  X(SW_RULE_FIELD_RELAY_TEST_RCPT, "relay_test_rcpt", "Relay test recipient")            \
  X(SW_RULE_FIELD_IP_FAMILY, "ip_family", "Address family")                              \
  X(SW_RULE_FIELD_ALL_ADDRESSES, "all_addresses", "Check every address")                 \
  X(SW_RULE_FIELD_CHECK_PTR, "check_ptr", "Check reverse DNS")                           \
  X(SW_RULE_FIELD_DRIFT, "drift", "Drift alarm")                                         \
  /* A mail domain instead of a host (issue 18, docs/domain-checks.md). */               \
  X(SW_RULE_FIELD_DOMAIN, "domain", "Mail domain")                                       \
  X(SW_RULE_FIELD_MIN_OK, "min_ok", "Minimum OK MX addresses")                           \
  X(SW_RULE_FIELD_MTA_STS, "mta_sts", "Check MTA-STS")                                   \
  X(SW_RULE_FIELD_DANE, "dane", "Check DANE")                                            \
  X(SW_RULE_FIELD_DNS_SERVER, "dns_server", "DNS server")                                \
  /* The round trip (issue 17, docs/round-trip.md). */                                   \
  X(SW_RULE_FIELD_ROUND_TRIP, "round_trip", "Round trip")                                \
  X(SW_RULE_FIELD_MAILBOX_HOST, "mailbox_host", "Mailbox host")                          \
  X(SW_RULE_FIELD_MAILBOX_PORT, "mailbox_port", "Mailbox port")                          \
  X(SW_RULE_FIELD_MAILBOX_TLS, "mailbox_tls", "Mailbox TLS")                             \
  X(SW_RULE_FIELD_MAILBOX_USER, "mailbox_user", "Mailbox user")                          \
  X(SW_RULE_FIELD_MAILBOX_PASSWORD, "mailbox_password", "Mailbox password")              \
  X(SW_RULE_FIELD_FOLDER, "folder", "Folder")                                            \
  X(SW_RULE_FIELD_PROBE_TO, "probe_to", "Probe recipient")                               \
  X(SW_RULE_FIELD_PROBE_FROM, "probe_from", "Probe sender")                              \
  X(SW_RULE_FIELD_DELIVER_WITHIN_S, "deliver_within_s", "Deliver within")                \
  X(SW_RULE_FIELD_DELIVERY_WARN_MS, "delivery_warn_ms", "Delivery warning")              \
  X(SW_RULE_FIELD_DELIVERY_CRIT_MS, "delivery_crit_ms", "Delivery critical")

enum sw_rule_field { SW_RULE_FIELD_MAP(SW_X_1) SW_RULE_FIELD_COUNT };

/* A set of fields, as bits (sw_rule_diff, the command line's patches). */
#define SW_RULE_FIELD_BIT(f) ((uint64_t)1 << (f))

struct sw_rule {
  int64_t id;                /* store's key; 0 for a rule not stored yet */
  char *name;                /* 1-100 characters */
  char *host;                /* DNS name, IPv4, or IPv6 with or without [] */
  uint16_t port;             /* default 25 */
  char *command;             /* one SMTP command line without CRLF, or NULL/"" */
  char *expect;              /* text the deciding reply must contain, or NULL/"" */
  uint32_t timeout_ms;       /* budget of one check, default 7000 */
  char *ehlo_name;           /* NULL/"" = this machine's name; FQDN or [literal] */
  uint32_t interval_s;       /* time between checks, default 60 */
  bool enabled;              /* default true */
  enum sw_tls_mode tls_mode; /* default SW_TLS_NONE */
  bool tls_insecure;         /* skip chain and name validation (per rule) */
  int cert_warn_days;        /* WARNING when the certificate expires sooner; 21 */
  int cert_crit_days;        /* CRITICAL when it expires sooner; 7 */
  /* Past the handshake (issue 15; all off by default). */
  char *auth_user;              /* NULL/"": no AUTH */
  bool auth_password_set;       /* a password is stored (or, for a one-shot
                                   check, was given) */
  enum sw_auth_mech auth_mech;  /* SW_AUTH_MECH_AUTO: chosen from EHLO */
  bool auth_plaintext;          /* AUTH may go without TLS */
  char *oauth_token_url;        /* XOAUTH2: https:// token endpoint */
  char *oauth_client_id;        /* XOAUTH2: the registered client */
  bool oauth_client_secret_set; /* XOAUTH2: its secret is stored/given */
  char *oauth_scope;            /* XOAUTH2: NULL/"" for none */
  char *mail_from;              /* NULL/"": no envelope; "<>" the null sender */
  char *rcpt_to;                /* "a@example.com,b@example.com", at most
                                   SW_RULE_RCPT_MAX */
  bool relay_test;              /* RCPT TO relay_test_rcpt must be refused */
  char *relay_test_rcpt;        /* NULL/"": SW_RULE_DEFAULT_RELAY_TEST_RCPT */
  enum sw_ip_family ip_family;  /* SW_IP_ANY */
  bool all_addresses;           /* check every address of the host */
  bool check_ptr;               /* reverse DNS must confirm the answering address */
  bool drift;                   /* default true: alert when the fingerprint changes */
  /* A mail domain instead of a host (issue 18, docs/domain-checks.md):
   * every MX host on every address, within the one timeout. */
  char *domain;     /* NULL/"": a host rule; else host is empty */
  uint32_t min_ok;  /* 0: every MX address must be OK; N: at least N */
  bool mta_sts;     /* default true: judge the MX hosts by the domain's
                       MTA-STS policy, if it publishes one */
  bool dane;        /* match each MX host's TLSA records (default false) */
  char *dns_server; /* "ADDR[:PORT]" for the MX/TXT/TLSA queries; NULL/"":
                       the system's DNS servers */
  /* The round trip (issue 17; off by default). */
  enum sw_round_trip round_trip;        /* SW_ROUND_TRIP_NONE */
  char *mailbox_host;                   /* the IMAP or POP3 server */
  uint32_t mailbox_port;                /* 0: 993/143 or 995/110 by TLS mode */
  enum sw_mailbox_tls_mode mailbox_tls; /* SW_MAILBOX_TLS_MODE_IMPLICIT */
  char *mailbox_user;
  bool mailbox_password_set; /* stored encrypted by the service, never shown */
  char *folder;              /* IMAP: NULL/"" for INBOX */
  char *probe_to;            /* the mailbox's address: the probe's recipient */
  char *probe_from;          /* NULL/"": probe_to */
  uint32_t deliver_within_s; /* not_delivered (CRITICAL) after this; 300 */
  uint32_t delivery_warn_ms; /* WARNING at this delivery time; 0: none */
  uint32_t delivery_crit_ms; /* CRITICAL at this delivery time; 0: none */
};

#define SW_RULE_MESSAGE_MAX 256

struct sw_rule_problem {
  enum sw_rule_field field;
  char message[SW_RULE_MESSAGE_MAX]; /* a whole sentence, "Port must be ..." */
};

/* At most one problem per field: the one to fix first. */
struct sw_rule_problems {
  size_t count;
  struct sw_rule_problem items[SW_RULE_FIELD_COUNT];
};

/* Sets every member to its default; strings are NULL. Owns nothing yet. */
void sw_rule_init_defaults(struct sw_rule *r);
/* Frees the strings; the rule is left as after sw_rule_init_defaults. */
void sw_rule_free(struct sw_rule *r);
/* The bytes the rule's strings hold on the heap (their lengths with the
 * NUL, not the allocator's overhead), and in *blocks (may be NULL) how many
 * strings that is: for the service's memory figures. */
size_t sw_rule_heap_bytes(const struct sw_rule *r, size_t *blocks);
/* Replaces the string in *slot (a member of a rule, e.g. &r->host) by a copy
 * of `value`; NULL clears it. On SW_E_NOMEM *slot is unchanged. */
enum sw_error sw_rule_set_string(char **slot, const char *value);
/* Makes `to` (which must own nothing) a deep copy of `from`. On SW_E_NOMEM
 * `to` owns nothing and is as after sw_rule_init_defaults. */
enum sw_error sw_rule_copy(struct sw_rule *to, const struct sw_rule *from);

/* Checks every field and lists, in field order, one problem for each field
 * that is wrong, so a form can mark them all at once. Returns true if there
 * is none (out->count == 0). Pure; safe from any thread. */
bool sw_rule_validate(const struct sw_rule *r, struct sw_rule_problems *out);
/* Adds a problem for `field` with a printf-style sentence; ignored if the
 * list is full. For validators of forms built on this one (the editor's). */
void sw_rule_problems_add(struct sw_rule_problems *out, enum sw_rule_field field,
                          const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The message for `field`, or NULL if that field has no problem. */
const char *sw_rule_problems_find(const struct sw_rule_problems *p,
                                  enum sw_rule_field field);

/* What kind of member holds field `f`; SW_RULE_TEXT for a value out of
 * range. */
enum sw_rule_kind sw_rule_field_kind(enum sw_rule_field f);
/* Whether a field of kind `k` is a whole number (port, times, days). */
static inline bool sw_rule_kind_is_number(enum sw_rule_kind k)
{
  return k == SW_RULE_PORT || k == SW_RULE_U32 || k == SW_RULE_DAYS;
}
/* The member that holds text field `f` (&r->host for SW_RULE_FIELD_HOST);
 * NULL for a field of another kind. */
char **sw_rule_field_text_slot(struct sw_rule *r, enum sw_rule_field f);
/* The member that holds flag or secret field `f`; NULL for another kind. */
bool *sw_rule_field_flag_slot(struct sw_rule *r, enum sw_rule_field f);
/* A text field's string (NULL stays NULL) or a choice's machine name
 * ("unknown" for a value the validator refuses); NULL for another kind. */
const char *sw_rule_field_text(const struct sw_rule *r, enum sw_rule_field f);
/* A number, flag or secret field's value (a flag is 0 or 1); 0 for
 * another kind. */
int64_t sw_rule_field_number(const struct sw_rule *r, enum sw_rule_field f);
/* Sets a number, flag or secret field. An absurd value is not wrapped
 * round but made one the validator refuses as well: a port outside 1-65535
 * is 0, times are clamped to 0..UINT32_MAX and days to -1..1000000.
 * Another kind of field is left as it is. */
void sw_rule_field_set_number(struct sw_rule *r, enum sw_rule_field f, int64_t v);
/* Sets choice field `f` from its machine name; a name this build does not
 * know (or NULL) sets the enum's COUNT, which the validator refuses, and
 * returns false. */
bool sw_rule_field_set_name(struct sw_rule *r, enum sw_rule_field f, const char *name);
/* Copies field `f` of `from` into `to` (strings are copied). SW_E_NOMEM
 * leaves `to` as it was. */
enum sw_error sw_rule_copy_field(enum sw_rule_field f, const struct sw_rule *from,
                                 struct sw_rule *to);
/* Whether field `f` has the same value in both (NULL and "" are the same;
 * a secret compares by whether it is set). */
bool sw_rule_field_equal(enum sw_rule_field f, const struct sw_rule *a,
                         const struct sw_rule *b);
/* The fields that differ, as SW_RULE_FIELD_BIT bits (the id is not
 * compared). */
uint64_t sw_rule_diff(const struct sw_rule *a, const struct sw_rule *b);

/* Internal, for sw_rule_validate: the fields from auth_user on
 * (rule_past_handshake.c). */
void sw__rule_validate_past_handshake(const struct sw_rule *r,
                                      struct sw_rule_problems *out);
/* rule_domain.c: the fields of a domain rule (domain, min_ok, dns_server)
 * and the host's absence; appends its problems in field order. */
void sw__rule_validate_domain(const struct sw_rule *r, struct sw_rule_problems *out);

/* What the rule checks, for lists, messages and a default name: its mail
 * domain if it has one, else its host; never NULL. */
const char *sw_rule_target(const struct sw_rule *r);

/* "timeout_ms" and friends; "unknown" for a value out of range. */
const char *sw_rule_field_name(enum sw_rule_field f);
/* "Timeout" and friends, for forms; "?" for a value out of range. */
const char *sw_rule_field_label(enum sw_rule_field f);
/* Parses a machine name back; false if unknown. */
bool sw_rule_field_from_name(const char *name, enum sw_rule_field *out);

/* "none", "starttls", "require-starttls", "implicit"; "unknown" if out of
 * range. */
const char *sw_tls_mode_name(enum sw_tls_mode m);
/* Parses a TLS mode name back; false if unknown. */
bool sw_tls_mode_from_name(const char *name, enum sw_tls_mode *out);

/* The rule's recipients, split from rcpt_to into `buf` (which gets NULs in
 * place of the commas, surrounding spaces dropped): to[0..*count) point
 * into buf. False if there are more than SW_RULE_RCPT_MAX or one is empty
 * (the validator says which). */
bool sw_rule_split_recipients(const char *rcpt_to, char buf[SW_RULE_ADDRESS_LIST_MAX + 1],
                              const char *to[SW_RULE_RCPT_MAX], size_t *count);

/* "none", "imap", "pop3"; "unknown" if out of range. */
const char *sw_round_trip_name(enum sw_round_trip m);
bool sw_round_trip_from_name(const char *name, enum sw_round_trip *out);
/* "implicit", "starttls", "none"; "unknown" if out of range. */
const char *sw_mailbox_tls_mode_name(enum sw_mailbox_tls_mode m);
bool sw_mailbox_tls_mode_from_name(const char *name, enum sw_mailbox_tls_mode *out);
/* The port the round trip connects to: the rule's, or the protocol's
 * default for its TLS mode (IMAP 993/143, POP3 995/110). */
uint16_t sw_rule_mailbox_port(const struct sw_rule *r);
/* The probe's sender: probe_from, or probe_to without one. */
const char *sw_rule_probe_from(const struct sw_rule *r);

/* Internal, for sw_rule_validate: the round trip's fields
 * (rule_round_trip.c). */
void sw__rule_validate_round_trip(const struct sw_rule *r, struct sw_rule_problems *out);
/* Internal: a host field (HOST, MAILBOX_HOST) checked and named by its
 * label (rule.c). */
void sw__rule_check_host(const char *host, enum sw_rule_field f,
                         struct sw_rule_problems *out);

/* "any", "4", "6"; "unknown" if out of range. */
const char *sw_ip_family_name(enum sw_ip_family f);
/* Parses an address family name back; false if unknown. */
bool sw_ip_family_from_name(const char *name, enum sw_ip_family *out);

#endif
