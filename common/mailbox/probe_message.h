/* The round trip's probe: a small RFC 5322 message that the check submits
 * through the rule's SMTP server and then looks for in the mailbox, found
 * by its header "X-SmtpWatch-Probe: RULE/NONCE". RULE names the rule (its
 * store id: it stays when the rule is renamed, so the probes a rule left
 * behind can be found and deleted later); NONCE tells this probe from the
 * rule's earlier ones. The nonce comes from the caller's random source
 * (BCryptGenRandom on Windows). Lines end in CRLF, none is longer than 998
 * characters (RFC 5322 2.1.1), and every header is ASCII. */
#ifndef SW_PROBE_MESSAGE_H
#define SW_PROBE_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_buf.h"
#include "sw_error.h"

#define SW_PROBE_HEADER "X-SmtpWatch-Probe"
#define SW_PROBE_RULE_MAX 64 /* characters of RULE */
#define SW_PROBE_NONCE_MIN 8 /* characters of NONCE */
#define SW_PROBE_NONCE_MAX 64

/* All strings borrowed. */
struct sw_probe_message {
  const char *rule;  /* 1-64 of A-Z a-z 0-9 . _ - */
  const char *nonce; /* 8-64 of A-Z a-z 0-9 (hex of 16 random bytes, say) */
  const char *from;  /* bare addresses, as SMTP says them (mail_address.h) */
  const char *to;
  const char *id_domain; /* the Message-ID's right side: a domain or [literal] */
  int64_t date;          /* Unix seconds: the Date: header */
  int utc_offset_min;    /* the sending machine's zone, minutes east of UTC */
};

/* Checks every field: false with a sentence in why[size] for the first
 * that is wrong (a CR or LF anywhere is wrong: nothing may add a header of
 * its own). */
bool sw_probe_message_check(const struct sw_probe_message *p, char *why, size_t size);

/* Appends the whole message (headers: Date, From, To, Subject, Message-ID
 * <NONCE@ID_DOMAIN>, X-SmtpWatch-Probe, Auto-Submitted, MIME-Version,
 * Content-Type; then a short text body saying what it is). Checks first:
 * SW_E_INVALID_ARGUMENT, with the sentence in why[size], if a field is
 * wrong, and nothing appended; SW_E_NOMEM if memory ran out. */
enum sw_error sw_probe_message_write(const struct sw_probe_message *p, struct sw_buf *out,
                                     char *why, size_t size);

/* Reads an X-SmtpWatch-Probe value back ("17/9f86d081884c7d65", spaces
 * around it allowed): true with RULE and NONCE copied into rule[rule_size]
 * and nonce[nonce_size] if both are as the builder writes them and fit.
 * The mailbox's search for "17/" also finds "117/...": this decides. */
bool sw_probe_tag_parse(const char *value, size_t len, char *rule, size_t rule_size,
                        char *nonce, size_t nonce_size);

#endif
