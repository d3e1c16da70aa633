/* A mail domain's check (issue 18, docs/domain-checks.md): the MX x address
 * matrix, with each address's outcome, the MTA-STS and DANE findings, and
 * the verdict over them (the worst decides, with the rule's --min-ok). Hung
 * off struct sw_check_result (its `domain` member), kept by the store as
 * text and carried by the pipe in the same text. Portable: the engine
 * fills it, this only judges, describes and serializes it. */
#ifndef SW_DOMAIN_REPORT_H
#define SW_DOMAIN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_result.h"
#include "sw_buf.h"
#include "sw_error.h"

#define SW_DOMAIN_TEXT_MAX 254     /* a DNS name and its NUL */
#define SW_DOMAIN_NOTE_MAX 512     /* a policy's sentence */
#define SW_DOMAIN_ADDRESSES_MAX 64 /* MX x address entries checked at most */

/* X(ENUM, machine name): where the addresses came from. */
#define SW_DOMAIN_SOURCE_MAP(X)                                                          \
  X(SW_DOMAIN_MX, "mx")             /* the domain's MX records */                        \
  X(SW_DOMAIN_FALLBACK, "fallback") /* no MX: the domain's own A/AAAA (RFC 5321 5.1) */  \
  X(SW_DOMAIN_NULL_MX, "null_mx")   /* "MX 0 ." (RFC 7505) */                            \
  X(SW_DOMAIN_NONE, "none")         /* neither MX nor address */                         \
  X(SW_DOMAIN_DNS_FAILED, "dns_failed") /* the MX (or fallback) query failed */

enum sw_domain_source { SW_DOMAIN_SOURCE_MAP(SW_X_1) SW_DOMAIN_SOURCE_COUNT };

/* X(ENUM, machine name): an MX host's DANE state (RFC 7672). */
#define SW_DANE_STATE_MAP(X)                                                             \
  X(SW_DANE_NOT_CHECKED, "not_checked") /* --dane off, or no TLS session */              \
  X(SW_DANE_NO_RECORDS, "no_records")   /* no usable TLSA: DANE does not apply */        \
  X(SW_DANE_MATCHED, "matched")         /* authenticated records matched the chain */    \
  X(SW_DANE_MISMATCH, "mismatch")       /* authenticated records, none matched */        \
  X(SW_DANE_UNAUTHENTICATED, "unauthenticated") /* records without the AD bit */         \
  X(SW_DANE_NO_CHAIN, "no_chain") /* records, but the presented chain is not known */    \
  X(SW_DANE_LOOKUP_FAILED, "lookup_failed") /* the TLSA query failed */

enum sw_dane_state { SW_DANE_STATE_MAP(SW_X_1) SW_DANE_STATE_COUNT };

/* One MX host on one of its addresses. */
struct sw_domain_address {
  char mx[SW_DOMAIN_TEXT_MAX]; /* the MX host name (the domain's own on fallback) */
  uint16_t preference;         /* the MX record's; 0 on fallback */
  char peer[SW_PEER_MAX];      /* "127.0.0.2:25", "[::1]:25"; "" when the host
                                  has no address */
  enum sw_outcome outcome;
  char detail[SW_DETAIL_MAX];
  int64_t total_us;
  bool starttls;    /* a TLS session was established */
  bool cert_valid;  /* and its certificate validated for `mx` */
  bool sts_checked; /* an MTA-STS policy judged this host (sts_level) */
  int sts_level;    /* 0 OK, 1 warning (testing), 2 error (enforce) */
  enum sw_dane_state dane;
};

struct sw_domain_report {
  char domain[SW_DOMAIN_TEXT_MAX];
  enum sw_domain_source source;
  uint32_t min_ok;       /* the rule's: 0 = all */
  bool mx_authenticated; /* the MX answer had the AD bit */
  char dns_server[64];   /* who was asked: "127.0.0.1:5353", "the system's ..." */
  /* MTA-STS (RFC 8461): the mode ("" without a policy), the policy id of
   * the TXT record, and a sentence of what was found (no policy, why the
   * policy could not be read, or the violations). */
  char sts_mode[16];
  char sts_id[40];
  char sts_note[SW_DOMAIN_NOTE_MAX];
  /* TLS-RPT (RFC 8460): the report addresses, ", "-separated; "" if none. */
  char tls_rpt[SW_DOMAIN_NOTE_MAX];
  char dane_note[SW_DOMAIN_NOTE_MAX]; /* DANE findings, "" without any */
  size_t count;
  struct sw_domain_address *items; /* owned */
};

/* An empty report of `domain` (items NULL); NULL if memory ran out. */
struct sw_domain_report *sw_domain_report_new(const char *domain, uint32_t min_ok);
/* Frees the report and its items; NULL is fine. */
void sw_domain_report_free(struct sw_domain_report *d);
/* Appends an entry (zeroed but for mx and preference); NULL when the
 * report holds SW_DOMAIN_ADDRESSES_MAX or memory ran out. */
struct sw_domain_address *sw_domain_report_add(struct sw_domain_report *d, const char *mx,
                                               uint16_t preference);

const char *sw_domain_source_name(enum sw_domain_source s);
const char *sw_dane_state_name(enum sw_dane_state s);

/* How many entries answered (sw_outcome_answered: OK, or OK with a
 * warning on top). */
size_t sw_domain_report_answered(const struct sw_domain_report *d);

/* The verdict on the whole domain into r->outcome and r->detail (r->domain
 * must be `d`'s owner's; the rest of r is the deciding address's, as the
 * engine set it). The worst decides:
 *   null MX -> null_mx; nothing to deliver to -> no_mail_host; the lookup
 *   failed -> resolve_failed;
 *   fewer addresses answered than --min-ok (all: any one failed) ->
 *   mx_unreachable (CRITICAL); some failed but enough answered ->
 *   mx_partly_unreachable (WARNING);
 *   an MTA-STS violation -> mta_sts_violation (CRITICAL under enforce,
 *   WARNING under testing); an authenticated TLSA mismatch ->
 *   dane_mismatch (CRITICAL); TLSA records without the AD bit ->
 *   dane_unauthenticated (WARNING);
 *   otherwise the worst answering address's outcome (OK, or a warning
 *   such as certificate_expiring).
 * Of several findings the one of the highest status wins, in the order
 * above. */
void sw_domain_report_judge(struct sw_check_result *r);

/* Whether r's outcome is a domain outcome whose status the report decides
 * (mta_sts_violation under testing is WARNING), and that status in *out
 * (enum sw_nagios_status as int: 0 OK .. 3 UNKNOWN). */
bool sw_domain_outcome_status(const struct sw_check_result *r, int *out);

/* "4 of 5 MX addresses OK (all must be); mx2.example.test 127.0.0.3:25
 * connection refused" into out[size]: the count and every address that
 * did not answer. Always NUL-terminates. */
void sw_domain_report_summary(const struct sw_domain_report *d, char *out, size_t size);

/* The matrix for people, one line per MX host and address, then the
 * policies, appended to `out`:
 *   "  10 mx1.example.test      127.0.0.2:25     ok  STARTTLS, certificate
 *    valid, MTA-STS ok, DANE matched"
 *   "  MTA-STS: enforce, id 20261207T000000: every MX host meets ..." */
enum sw_error sw_domain_report_lines(const struct sw_domain_report *d,
                                     struct sw_buf *out);

/* The report as text, one "key value" line for the domain's facts and one
 * "address ..." line (tab-separated) per entry: what the store keeps and
 * the pipe carries. sw_domain_report_parse reads it back (NULL and
 * SW_E_INVALID_ARGUMENT for text it does not know). */
enum sw_error sw_domain_report_format(const struct sw_domain_report *d,
                                      struct sw_buf *out);
enum sw_error sw_domain_report_parse(const char *text, size_t len,
                                     struct sw_domain_report **out);

#endif
