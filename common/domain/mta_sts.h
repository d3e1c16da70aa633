/* MTA-STS (RFC 8461): the TXT record at _mta-sts.DOMAIN, the policy file
 * served at https://mta-sts.DOMAIN/.well-known/mta-sts.txt, which MX host
 * names the policy allows, and what the policy says of one MX host as the
 * checker saw it. Portable and clock-free: fetching, DNS and TLS are the
 * caller's; these read what they brought back. No allocation. */
#ifndef SW_MTA_STS_H
#define SW_MTA_STS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_macros.h"
#include "txt_tags.h"

/* sts-id = 1*32(ALPHA / DIGIT) (3.1). */
#define SW_MTA_STS_ID_MAX 32
/* max_age's upper bound, in seconds (3.2: "maximum value of 31557600"). */
#define SW_MTA_STS_MAX_AGE_LIMIT 31557600u
/* The largest policy file read, in octets. Ours: the RFC sets no limit and
 * lets a sender bound the fetch; real policies are a few hundred octets. */
#define SW_MTA_STS_POLICY_MAX_BYTES 65536u
/* How many mx patterns a policy may list here (real ones list a handful). */
#define SW_MTA_STS_MX_MAX 32
/* A domain name in text, without its trailing dot (RFC 1035 2.3.4). */
#define SW_DOMAIN_NAME_MAX 253
/* Room for any sentence this module writes. */
#define SW_MTA_STS_SENTENCE_MAX 512

struct sw_mta_sts_txt {
  char id[SW_MTA_STS_ID_MAX + 1]; /* the policy's id: a change means a new policy */
};

/* Reads the TXT records found at _mta-sts.DOMAIN (3.1; all of them, as the
 * resolver gave them: those of other protocols are discarded here; see
 * sw_txt_read). Anything but SW_TXT_OK means the domain has no available
 * MTA-STS policy. On OK fills *out; otherwise leaves it alone and says why
 * in why[why_size]. Extension fields are tolerated; of a field given twice
 * the first counts. */
enum sw_txt_status sw_mta_sts_txt_read(const struct sw_txt_record *records, size_t count,
                                       struct sw_mta_sts_txt *out, char *why,
                                       size_t why_size);

#define SW_MTA_STS_MODE_MAP(X)                                                           \
  X(SW_MTA_STS_ENFORCE, "enforce")                                                       \
  X(SW_MTA_STS_TESTING, "testing")                                                       \
  X(SW_MTA_STS_NONE, "none")

enum sw_mta_sts_mode { SW_MTA_STS_MODE_MAP(SW_X_1) SW_MTA_STS_MODE_COUNT };

/* "enforce", "testing", "none"; "?" out of range. */
const char *sw_mta_sts_mode_name(enum sw_mta_sts_mode mode);

struct sw_mta_sts_policy {
  enum sw_mta_sts_mode mode;
  uint32_t max_age; /* seconds, at most SW_MTA_STS_MAX_AGE_LIMIT */
  size_t mx_count;  /* 0 only with mode none */
  /* As written, lower-cased, without a trailing dot: "mx1.example.com",
   * "*.mail.protection.outlook.com". */
  char mx[SW_MTA_STS_MX_MAX][SW_DOMAIN_NAME_MAX + 1];
};

/* Reads a policy file body (3.2): "key: value" lines ending in CRLF or LF
 * (the last one may lack it), version STSv1, mode, max_age and one or more
 * mx patterns (none needed with mode none). Unknown keys are ignored; of a
 * key other than mx given twice the first counts; blank lines are
 * tolerated. On success fills *out and returns true; otherwise returns
 * false with the reason in why[why_size] (a policy that cannot be read
 * means no policy for senders, so the caller reports it). `body` need not
 * be NUL-terminated; more than SW_MTA_STS_POLICY_MAX_BYTES is refused. */
bool sw_mta_sts_policy_read(const char *body, size_t len, struct sw_mta_sts_policy *out,
                            char *why, size_t why_size);

/* Whether the MX host name `host` matches `pattern` (4.1): equal ignoring
 * ASCII case and a trailing dot on either; "*.example.com" matches exactly
 * one more label ("mx.example.com", not "example.com" nor
 * "a.b.example.com"). Empty names never match. */
bool sw_mta_sts_mx_matches(const char *pattern, const char *host);

/* The index of the first of the policy's mx patterns that `host` matches,
 * or -1. */
int sw_mta_sts_policy_match(const struct sw_mta_sts_policy *policy, const char *host);

/* One MX host as a check saw it. */
struct sw_mta_sts_mx_seen {
  const char *host;         /* the MX host name, as in the MX record */
  bool starttls_offered;    /* EHLO listed STARTTLS (and it could be started) */
  bool cert_valid_for_name; /* the chain is trusted, unexpired and names `host` */
};

enum sw_mta_sts_level {
  SW_MTA_STS_MX_OK,      /* the host meets the policy, or the mode is none */
  SW_MTA_STS_MX_WARNING, /* it breaks a testing policy: senders still deliver */
  SW_MTA_STS_MX_ERROR,   /* it breaks an enforce policy: senders will not deliver */
};

struct sw_mta_sts_verdict {
  enum sw_mta_sts_level level;
  bool violation; /* the host breaks the policy's rules, whatever the mode */
  int pattern;    /* the index of the pattern it matched, or -1 */
  char sentence[SW_MTA_STS_SENTENCE_MAX];
};

/* What `policy` says of the MX host `seen` (RFC 8461 4): it must match
 * one of the mx patterns, offer STARTTLS and present a certificate valid
 * for its name. A violation is an error under enforce, a warning under
 * testing, and nothing under none (the sentence still says what a sender
 * would find). Fills *out; never fails. */
void sw_mta_sts_judge_mx(const struct sw_mta_sts_policy *policy,
                         const struct sw_mta_sts_mx_seen *seen,
                         struct sw_mta_sts_verdict *out);

#endif
