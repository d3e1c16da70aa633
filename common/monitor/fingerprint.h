/* A server's fingerprint, for the drift alarm (docs/drift.md): what a good
 * check saw of the server that an administrator would want to hear about
 * when it changes behind their back. The EHLO keywords, normalised (the
 * keyword, and for AUTH each mechanism; SIZE's number and other parameters
 * left out), each with the sessions it was offered in (plain text before
 * STARTTLS, over TLS after it); the greeting's host name; the TLS version
 * and cipher; the certificate's key (SHA-256 of its SubjectPublicKeyInfo),
 * the key's type and the certificate's issuer. A renewed certificate with
 * the same key and issuer has the same fingerprint; the dates, serial
 * number and subject are not in it.
 *
 * A stable text form goes to the store and comes back; a diff says each
 * difference in one sentence. Portable, no I/O. */
#ifndef SW_FINGERPRINT_H
#define SW_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>

#include "check_result.h"
#include "rule.h"
#include "sw_error.h"

/* The sessions of a check that the fingerprint describes, as bits. */
#define SW_FP_PLAIN 1u /* the EHLO in plain text (before STARTTLS, or no TLS) */
#define SW_FP_TLS 2u   /* the EHLO over TLS (after STARTTLS, or implicit TLS) */

#define SW_FP_KEYWORDS_MAX 64 /* more are left out of the fingerprint */
#define SW_FP_KEYWORD_MAX 64  /* "AUTH DIGEST-MD5" and such, with its NUL */

struct sw_fp_keyword {
  char name[SW_FP_KEYWORD_MAX]; /* "STARTTLS", "AUTH PLAIN": upper case */
  unsigned sessions;            /* SW_FP_PLAIN | SW_FP_TLS where offered */
};

struct sw_fingerprint {
  unsigned sessions; /* the sessions the check had */
  char greeting[SW_GREETING_HOST_MAX];
  size_t keyword_count;
  struct sw_fp_keyword keywords[SW_FP_KEYWORDS_MAX]; /* sorted by name */
  /* TLS (when sessions has SW_FP_TLS); "" when unknown. */
  char tls_version[16];
  char cipher[64];
  char key_sha256[SW_KEY_SHA256_HEX + 1];
  char key_type[32];
  char issuer[SW_TLS_TEXT_MAX];
};

/* The fingerprint of check result `r` (any outcome; the caller decides
 * which results count). Never fails: what does not fit is left out. */
void sw_fingerprint_build(struct sw_fingerprint *fp, const struct sw_check_result *r);

/* The text form: "fingerprint 1" then one "name value" line per fact, in a
 * fixed order, each ending in '\n'. Appends to `out`; SW_E_NOMEM. */
enum sw_error sw_fingerprint_format(const struct sw_fingerprint *fp, struct sw_buf *out);

/* Reads text[0..len) as written by sw_fingerprint_format. Lines of names
 * it does not know are skipped (a newer version's facts). Returns
 * SW_E_INVALID_ARGUMENT, *fp zeroed, for text that is not a fingerprint
 * (no header, a NUL, a value too long, too many keywords, bad sessions). */
enum sw_error sw_fingerprint_parse(const char *text, size_t len,
                                   struct sw_fingerprint *fp);

/* The differences between an accepted fingerprint and the current one. */
#define SW_FP_DIFF_TEXT_MAX 2048
struct sw_fp_diff {
  size_t count;                   /* sentences; 0: no drift */
  bool critical;                  /* the change takes away what the rule's
                                     TLS mode relies on (STARTTLS) */
  char text[SW_FP_DIFF_TEXT_MAX]; /* the sentences, '\n'-separated; past the
                                     end, "and N more differences" */
};

/* Compares `now` with `accepted` for a rule of TLS mode `mode`: one
 * sentence per difference ("STARTTLS is no longer offered", "AUTH LOGIN
 * was added before STARTTLS", "the certificate's key changed", "the
 * greeting name changed from a to b", "TLS 1.3 became TLS 1.2"). When
 * only one of them had a TLS session, only the plain-text offer is
 * compared: losing STARTTLS is one sentence, not one per keyword. */
void sw_fingerprint_diff(const struct sw_fingerprint *accepted,
                         const struct sw_fingerprint *now, enum sw_tls_mode mode,
                         struct sw_fp_diff *out);

/* The sentences of `d` joined by "; " into out[size] for a result's
 * detail, cut at a character boundary with "..." when too long. */
void sw_fp_diff_join(const struct sw_fp_diff *d, char *out, size_t size);

#endif
