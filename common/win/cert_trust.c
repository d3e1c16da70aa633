/* The chain's verdict from its facts (see the header): the one place that
 * knows what the CERT_TRUST_* bits and the policy's CERT_E_* codes mean to
 * a user. */
#include "cert_trust.h"

#include <stdio.h>
#include <string.h>

#include "sw_macros.h"
#include "win_error.h"

void sw_cert_error_text(unsigned long code, char *out, size_t size)
{
  char text[256];
  if (sw_win_system_text(code, text, sizeof text))
    snprintf(out, size, "%s (0x%08lX)", text, code);
  else
    snprintf(out, size, "error 0x%08lX", code);
}

/* "a, b, c" from '\n'-separated names, cut to fit. */
static void list_names(const char *names, char *out, size_t size)
{
  size_t pos = 0;
  out[0] = '\0';
  for (const char *p = names; p && *p && pos + 8 < size; p++) {
    if (*p == '\n') {
      memcpy(out + pos, ", ", 2);
      pos += 2;
    } else {
      out[pos++] = *p;
    }
  }
  if (names && strlen(names) + 16 > size && pos + 4 <= size) {
    memcpy(out + pos, "...", 3);
    pos += 3;
  }
  out[pos] = '\0';
}

static const char *text_or(const char *s, const char *fallback)
{
  return s && s[0] ? s : fallback;
}

/* The chain stops short of a trusted root: at a certificate whose issuer
 * nobody had, or at a root this machine does not trust. */
static void untrusted_detail(const struct sw_cert_trust_facts *f, bool partial,
                             char *detail, size_t size)
{
  const struct sw_cert_trust_element *top = &f->elements[f->count - 1];
  const char *subject = text_or(top->subject, "?");
  if (partial && !top->self_signed)
    snprintf(
        detail, size,
        "no chain up to a trusted root: the certificate \"%s\" was issued by \"%s\", "
        "which the server does not send and this machine does not have",
        subject, text_or(top->issuer, "?"));
  else if (f->count == 1 && top->self_signed)
    snprintf(detail, size,
             "the certificate is self-signed (\"%s\") and this machine does not trust it",
             subject);
  else
    snprintf(detail, size,
             "the certificate chain ends in \"%s\", a root this machine does not trust",
             subject);
}

/* A reason a chain fails: any of `bits` on an element (the first such, leaf
 * first, is the culprit) or on the chain (then the leaf, or the top of the
 * chain if `at_top`). `words` quotes the culprit's subject, then its
 * issuer, with %s. */
struct reason {
  unsigned long bits;
  bool at_top;
  enum sw_outcome outcome;
  unsigned long error;
  const char *words;
};

#define NAME_CONSTRAINTS                                                                 \
  (CERT_TRUST_INVALID_NAME_CONSTRAINTS | CERT_TRUST_HAS_NOT_SUPPORTED_NAME_CONSTRAINT |  \
   CERT_TRUST_HAS_NOT_DEFINED_NAME_CONSTRAINT |                                          \
   CERT_TRUST_HAS_NOT_PERMITTED_NAME_CONSTRAINT |                                        \
   CERT_TRUST_HAS_EXCLUDED_NAME_CONSTRAINT)

/* Step 1: broken or distrusted. No completed chain makes up for these. */
static const struct reason broken[] = {
    {CERT_TRUST_IS_NOT_SIGNATURE_VALID, false, SW_OUTCOME_CERT_UNTRUSTED,
     (unsigned long)TRUST_E_CERT_SIGNATURE,
     "the signature on the certificate \"%s\" does not verify: it was altered, or \"%s\" "
     "did not sign it"},
    {CERT_TRUST_IS_REVOKED, false, SW_OUTCOME_CERT_UNTRUSTED,
     (unsigned long)CRYPT_E_REVOKED,
     "the certificate \"%s\" has been revoked by its issuer"},
    {CERT_TRUST_IS_EXPLICIT_DISTRUST, false, SW_OUTCOME_CERT_UNTRUSTED,
     (unsigned long)TRUST_E_EXPLICIT_DISTRUST,
     "the certificate \"%s\" is explicitly distrusted on this machine (it is in the "
     "Untrusted Certificates store)"},
    {CERT_TRUST_IS_CYCLIC, true, SW_OUTCOME_CERT_UNTRUSTED,
     (unsigned long)CERT_E_CHAINING, "the certificate chain runs in a circle at \"%s\""},
    {CERT_TRUST_INVALID_BASIC_CONSTRAINTS, false, SW_OUTCOME_CERT_UNTRUSTED,
     (unsigned long)TRUST_E_BASIC_CONSTRAINTS,
     "the certificate \"%s\" breaks the rules of its chain (its issuer may not issue it: "
     "not a CA, or the path is too long)"},
    {CERT_TRUST_INVALID_EXTENSION | CERT_TRUST_HAS_NOT_SUPPORTED_CRITICAL_EXT, false,
     SW_OUTCOME_CERT_UNTRUSTED, (unsigned long)CERT_E_CRITICAL,
     "the certificate \"%s\" breaks the rules of its chain (an extension that is invalid "
     "or that this machine cannot honour)"},
    {CERT_TRUST_INVALID_POLICY_CONSTRAINTS, false, SW_OUTCOME_CERT_UNTRUSTED,
     (unsigned long)CERT_E_INVALID_POLICY,
     "the certificate \"%s\" breaks the rules of its chain (policy constraints)"},
    {NAME_CONSTRAINTS, false, SW_OUTCOME_CERT_UNTRUSTED,
     (unsigned long)CERT_E_INVALID_NAME,
     "the certificate \"%s\" breaks the rules of its chain (name constraints)"},
};

/* Steps 3 and 4, after the chain was found complete. */
static const struct reason flawed[] = {
    /* The dialogue words it with the dates when it is the server's own
     * certificate that expired. */
    {CERT_TRUST_IS_NOT_TIME_VALID, false, SW_OUTCOME_CERT_EXPIRED,
     (unsigned long)CERT_E_EXPIRED,
     "the certificate \"%s\" is not valid at this time (expired, or not valid yet)"},
    {CERT_TRUST_IS_NOT_VALID_FOR_USAGE, false, SW_OUTCOME_CERT_UNTRUSTED,
     (unsigned long)CERT_E_WRONG_USAGE,
     "the certificate \"%s\" is not meant for TLS servers (its key usage does not allow "
     "server authentication)"},
};

/* The first of `reasons` that `bits` hold, said; SW_OUTCOME_OK if none. */
static enum sw_outcome first_reason(const struct reason *reasons, size_t n,
                                    const struct sw_cert_trust_facts *f,
                                    unsigned long bits, char *detail, size_t size,
                                    unsigned long *error)
{
  for (size_t i = 0; i < n; i++) {
    const struct reason *r = &reasons[i];
    if (!(bits & r->bits))
      continue;
    const struct sw_cert_trust_element *e = &f->elements[r->at_top ? f->count - 1 : 0];
    for (size_t k = 0; k < f->count; k++) {
      if (f->elements[k].errors & r->bits) {
        e = &f->elements[k];
        break;
      }
    }
    snprintf(detail, size, r->words, text_or(e->subject, "?"), text_or(e->issuer, "?"));
    *error = r->error;
    return r->outcome;
  }
  return SW_OUTCOME_OK;
}

/* Steps 1 to 5 of the header: the chain's own status. */
static enum sw_outcome judge_status(const struct sw_cert_trust_facts *f, char *detail,
                                    size_t size, unsigned long *error)
{
  unsigned long bits = f->chain_errors;
  for (size_t i = 0; i < f->count; i++)
    bits |= f->elements[i].errors;
  bits &= ~(unsigned long)SW_CERT_TRUST_EXCUSED;
  if (bits == 0)
    return SW_OUTCOME_OK;
  enum sw_outcome o =
      first_reason(broken, SW_COUNTOF(broken), f, bits, detail, size, error);
  if (o != SW_OUTCOME_OK)
    return o;
  /* 2. Not completed up to a trusted root. A top that is not self-signed
   * is a partial chain whatever bit says so. */
  const struct sw_cert_trust_element *top = &f->elements[f->count - 1];
  bool partial = (bits & CERT_TRUST_IS_PARTIAL_CHAIN) != 0 ||
                 ((bits & CERT_TRUST_IS_UNTRUSTED_ROOT) && !top->self_signed);
  if (partial || (bits & CERT_TRUST_IS_UNTRUSTED_ROOT)) {
    untrusted_detail(f, partial, detail, size);
    *error = partial && !top->self_signed ? (unsigned long)CERT_E_CHAINING
                                          : (unsigned long)CERT_E_UNTRUSTEDROOT;
    return SW_OUTCOME_CERT_UNTRUSTED;
  }
  o = first_reason(flawed, SW_COUNTOF(flawed), f, bits, detail, size, error);
  if (o != SW_OUTCOME_OK)
    return o;
  /* 5. Whatever else Windows found wrong (weak signatures, CTL trouble,
   * bits newer than this code): failed closed. */
  snprintf(detail, size, "the certificate chain was not accepted (trust status 0x%08lX)",
           bits);
  *error = (unsigned long)TRUST_E_FAIL;
  return SW_OUTCOME_CERT_UNTRUSTED;
}

/* Step 6: what the SSL policy found wrong. */
static enum sw_outcome judge_policy(const struct sw_cert_trust_facts *f, char *detail,
                                    size_t size)
{
  char why[300], list[200];
  unsigned long code = f->policy_error;
  sw_cert_error_text(code, why, sizeof why);
  switch (code) {
  case (unsigned long)CERT_E_CN_NO_MATCH:
    list_names(f->names, list, sizeof list);
    if (list[0])
      snprintf(detail, size, "the certificate names %s, not %s", list,
               text_or(f->host, "?"));
    else
      snprintf(detail, size, "the certificate does not name %s (it has no DNS names)",
               text_or(f->host, "?"));
    return SW_OUTCOME_CERT_NAME_MISMATCH;
  case (unsigned long)CERT_E_EXPIRED:
  case (unsigned long)CERT_E_VALIDITYPERIODNESTING:
    snprintf(detail, size, "a certificate of the chain is not valid at this time: %s",
             why);
    return SW_OUTCOME_CERT_EXPIRED;
  case (unsigned long)CERT_E_UNTRUSTEDROOT:
    untrusted_detail(f, false, detail, size);
    return SW_OUTCOME_CERT_UNTRUSTED;
  case (unsigned long)CERT_E_CHAINING:
    snprintf(detail, size,
             "no chain up to a trusted root could be built (the server may not send its "
             "intermediate certificates): %s",
             why);
    return SW_OUTCOME_CERT_UNTRUSTED;
  case (unsigned long)CRYPT_E_REVOKED:
  case (unsigned long)CERT_E_REVOKED:
    snprintf(detail, size, "a certificate of the chain has been revoked: %s", why);
    return SW_OUTCOME_CERT_UNTRUSTED;
  case (unsigned long)CERT_E_WRONG_USAGE:
    snprintf(detail, size, "the certificate is not meant for TLS servers: %s", why);
    return SW_OUTCOME_CERT_UNTRUSTED;
  default:
    snprintf(detail, size, "the certificate was not accepted: %s", why);
    return SW_OUTCOME_CERT_UNTRUSTED;
  }
}

/* Step 7: the intermediates (neither the server's certificate nor the
 * root) that Windows found elsewhere, quoted. False if the server sent
 * them all. */
static bool unsent_detail(const struct sw_cert_trust_facts *f, char *detail, size_t size)
{
  char list[140]; /* so that the sentence fits in SW_DETAIL_MAX */
  size_t pos = 0, missing = 0;
  list[0] = '\0';
  for (size_t i = 1; i + 1 < f->count; i++) {
    if (f->elements[i].sent)
      continue;
    int n = snprintf(list + pos, sizeof list - pos, "%s\"%s\"", missing ? ", " : "",
                     text_or(f->elements[i].subject, "?"));
    missing++;
    if (n < 0 || (size_t)n >= sizeof list - pos) {
      memcpy(list + sizeof list - 4, "...", 4); /* cut: say so */
      break;
    }
    pos += (size_t)n;
  }
  if (missing == 0)
    return false;
  snprintf(detail, size,
           "the server does not send its intermediate certificate(s) %s; other MTAs that "
           "do not fetch them will fail",
           list);
  return true;
}

bool sw_cert_trust_revocation_unknown(unsigned long code)
{
  return code == (unsigned long)CERT_E_REVOCATION_FAILURE ||
         code == (unsigned long)CRYPT_E_REVOCATION_OFFLINE ||
         code == (unsigned long)CRYPT_E_NO_REVOCATION_CHECK;
}

enum sw_outcome sw_cert_trust_judge(const struct sw_cert_trust_facts *f, char *detail,
                                    size_t size, unsigned long *error)
{
  *error = 0;
  if (size)
    detail[0] = '\0';
  if (NEVER(f->count == 0)) { /* Windows puts the server's certificate in */
    snprintf(detail, size, "the certificate chain is empty");
    *error = (unsigned long)CERT_E_CHAINING;
    return SW_OUTCOME_CERT_UNTRUSTED;
  }
  enum sw_outcome o = judge_status(f, detail, size, error);
  if (o != SW_OUTCOME_OK)
    return o;
  /* The ignore flags should keep these from the policy, and do on
   * Windows; where they do not, they are still no verdict. */
  if (f->policy_error && !sw_cert_trust_revocation_unknown(f->policy_error)) {
    *error = f->policy_error;
    return judge_policy(f, detail, size);
  }
  if (unsent_detail(f, detail, size))
    return SW_OUTCOME_CERT_CHAIN_INCOMPLETE;
  return SW_OUTCOME_OK;
}
