/* STARTTLS (RFC 3207) and implicit TLS (RFC 8314) in the dialogue: when
 * TLS starts, the plaintext thrown away meanwhile, what the engine's
 * handshake and certificate verdict mean for the check, and the second
 * EHLO. The engine does the handshake; the order of things is in
 * smtp_dialogue.h, what the parts share in smtp_dialogue_internal.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_expiry.h"
#include "smtp_dialogue_internal.h"

/* STARTTLS is still to be tried (after EHLO, before any command). */
static bool wants_starttls(const struct sw_dialogue *d)
{
  return !d->tls_done && (d->cfg.tls_mode == SW_TLS_STARTTLS ||
                          d->cfg.tls_mode == SW_TLS_REQUIRE_STARTTLS);
}

bool sw__dlg_starttls_after_hello(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  if (!wants_starttls(d))
    return false;
  /* RFC 3207 section 4: only when advertised, and HELO advertises nothing. */
  if (d->result.caps & SW_CAP(STARTTLS)) {
    if (sw__dlg_send_line(d, "STARTTLS"))
      sw__dlg_set_state(d, SW_DLG_STARTTLS, d->now_us);
    return true;
  }
  if (d->cfg.tls_mode == SW_TLS_REQUIRE_STARTTLS) {
    sw__dlg_set_detail(d, "%s",
                       d->result.used_helo
                           ? "the server refused EHLO, so it offers no extensions, "
                             "STARTTLS included"
                           : "the server's reply to EHLO does not list STARTTLS");
    sw__dlg_decide(d, SW_OUTCOME_STARTTLS_NOT_OFFERED, SW_STEP_EHLO, r);
    return true;
  }
  sw__dlg_event(d, "STARTTLS is not offered: going on without TLS");
  return false;
}

void sw__dlg_on_starttls(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  int cls = r->code / 100;
  if (r->code == 220) {
    /* From here on only TLS: what was said before is forgotten, and any
     * bytes after this reply are discarded by consume() in smtp_dialogue.c. */
    sw_smtp_parser_init(&d->parser);
    sw_buf_free(&d->held);
    sw__dlg_set_state(d, SW_DLG_TLS, d->now_us);
  } else if (cls == 4 || cls == 5) {
    /* 454 (RFC 3207: TLS not available for a temporary reason) or worse. */
    sw__dlg_decide(d, SW_OUTCOME_STARTTLS_REFUSED, SW_STEP_TLS, r);
  } else {
    sw__dlg_unexpected_code(d, r, "STARTTLS");
  }
}

/* Plaintext after "220" to STARTTLS (RFC 3207 section 6: the client must
 * discard what it learnt before TLS). Whatever it says, it is never read:
 * an attacker on the path could have put it there. */
void sw__dlg_discard(struct sw_dialogue *d, const char *data, size_t len)
{
  size_t keep = sizeof d->discarded - 1;
  if (d->discarded_len < keep) {
    size_t n = len < keep - d->discarded_len ? len : keep - d->discarded_len;
    memcpy(d->discarded + d->discarded_len, data, n);
  }
  d->discarded_len += len;
}

void sw__dlg_note_discarded(struct sw_dialogue *d)
{
  size_t shown = d->discarded_len < sizeof d->discarded - 1 ? d->discarded_len
                                                            : sizeof d->discarded - 1;
  /* The bytes go in raw: the transcript escapes what needs escaping, once. */
  char text[sizeof d->discarded + 160];
  int n = snprintf(text, sizeof text,
                   "discarded %lu octet%s the server sent after its 220 to STARTTLS, "
                   "before TLS: \"",
                   (unsigned long)d->discarded_len, d->discarded_len == 1 ? "" : "s");
  size_t len = n > 0 ? (size_t)n : 0;
  memcpy(text + len, d->discarded, shown);
  len += shown;
  const char *tail = shown < d->discarded_len ? "...\"" : "\"";
  memcpy(text + len, tail, strlen(tail));
  len += strlen(tail);
  sw__dlg_note(d, "--", text, len);
  d->discarded_len = 0;
}

/* The certificate's warning into the detail: "the certificate expires on
 * ..., in 2 days (...)", with the incomplete chain said too (in short: the
 * engine's sentence, naming the intermediates, is in the transcript); or
 * the incomplete chain alone. */
void sw__dlg_cert_warning_detail(struct sw_dialogue *d)
{
  if (d->cert_verdict == SW_OUTCOME_CERT_CHAIN_INCOMPLETE) {
    sw__dlg_set_detail(d, "%s", d->chain_note);
    return;
  }
  const struct sw_tls_info *t = &d->result.tls;
  char date[40];
  sw_utc_format(t->not_after, date, sizeof date);
  sw__dlg_set_detail(
      d,
      "the certificate expires on %s, in %d day%s (warning below %d days, "
      "critical below %d)%s",
      date, t->days_left, t->days_left == 1 ? "" : "s", t->warn_days, t->crit_days,
      d->chain_note[0] ? "; and the server does not send its intermediate "
                         "certificate(s): other MTAs that do not fetch them will fail"
                       : "");
}

bool sw_dialogue_wants_tls(const struct sw_dialogue *d)
{
  return d->state == SW_DLG_TLS && !d->handshake_done;
}

void sw_dialogue_tls_handshake_done(struct sw_dialogue *d, int64_t now_us)
{
  if (NEVER(d->state != SW_DLG_TLS) || d->handshake_done)
    return;
  d->now_us = now_us;
  d->handshake_done = true;
  if (d->discarded_len > 0)
    sw__dlg_note_discarded(d);
  sw__dlg_event(d, "TLS handshake complete; checking the certificate");
}

/* "TLS 1.2, TLS_ECDHE_..., certificate "CN=x" issued by "CN=y", valid until
 * ... (N days)" into the transcript. */
static void note_tls(struct sw_dialogue *d, enum sw_outcome trust)
{
  const struct sw_tls_info *t = &d->result.tls;
  char date[40] = "an unknown date", text[2 * SW_TLS_TEXT_MAX + 200];
  if (t->not_after)
    sw_utc_format(t->not_after, date, sizeof date);
  snprintf(text, sizeof text,
           "%s, %s; certificate \"%s\" issued by \"%s\", valid until %s (%d days)%s",
           t->version[0] ? t->version : "TLS",
           t->cipher[0] ? t->cipher : "unknown cipher", t->subject, t->issuer, date,
           t->days_left,
           trust == SW_OUTCOME_OK && !t->verified ? "; chain and host name not validated"
                                                  : "");
  sw__dlg_event(d, text);
}

/* A certificate is the server's text as much as its replies are: the same
 * escaping before it reaches a transcript, a database or a window. */
static void printable(char *field, size_t size, bool keep_lf)
{
  const char *nul = memchr(field, '\0', size); /* an engine may have filled it all */
  size_t len = nul ? (size_t)(nul - field) : size - 1;
  char tmp[4 * SW_TLS_TEXT_MAX];
  sw__escape_text(tmp, size < sizeof tmp ? size : sizeof tmp, field, len, keep_lf);
  snprintf(field, size, "%s", tmp);
}

static void make_printable(struct sw_tls_info *t)
{
  printable(t->version, sizeof t->version, false);
  printable(t->cipher, sizeof t->cipher, false);
  printable(t->subject, sizeof t->subject, false);
  printable(t->issuer, sizeof t->issuer, false);
  if (t->sans) {
    size_t len = strlen(t->sans), size = 4 * len + 4;
    char *esc = malloc(size);
    if (esc) {
      sw__escape_text(esc, size, t->sans, len, true);
      free(t->sans);
      t->sans = esc;
    }
  }
}

/* The engine's `info` into the result (its `sans` moves too), made
 * printable, with the thresholds and the days left at `wall_s`. */
static void adopt_tls_info(struct sw_dialogue *d, struct sw_tls_info *info,
                           int64_t wall_s)
{
  free(d->result.tls.sans);
  d->result.tls = *info;
  info->sans = NULL;
  struct sw_tls_info *t = &d->result.tls;
  make_printable(t);
  t->used = true;
  t->warn_days = d->cfg.cert_warn_days;
  t->crit_days = d->cfg.cert_crit_days;
  t->days_left = t->not_after ? sw_cert_days_left(t->not_after, wall_s) : 0;
}

/* The certificate's verdict from the engine's `trust` and its expiry: one
 * that ends the check now, or OK to go on. An incomplete chain or a
 * certificate that expires soon is remembered in d->cert_verdict instead,
 * to replace an OK verdict once the server has answered. */
static enum sw_outcome certificate_verdict(struct sw_dialogue *d, enum sw_outcome trust,
                                           const char *detail, int64_t wall_s)
{
  const struct sw_tls_info *t = &d->result.tls;
  enum sw_outcome verdict = trust;
  if (trust == SW_OUTCOME_CERT_CHAIN_INCOMPLETE) {
    /* A good chain that this machine had to complete: said once the server
     * has answered (unless its expiry says worse), named here. */
    sw__escape_text(d->chain_note, sizeof d->chain_note, detail ? detail : "",
                    detail ? strlen(detail) : 0, false);
    char text[SW_DETAIL_MAX + 40];
    snprintf(text, sizeof text, "certificate chain incomplete: %s", detail ? detail : "");
    sw__dlg_event(d, text);
    d->cert_verdict = trust;
    verdict = SW_OUTCOME_OK;
  }
  if (verdict == SW_OUTCOME_OK && t->not_after)
    verdict = sw_cert_expiry_outcome(t->not_after, wall_s, t->warn_days);
  if (verdict == SW_OUTCOME_CERT_EXPIRING) {
    d->cert_verdict = verdict; /* reported once the server has answered */
    verdict = SW_OUTCOME_OK;
  }
  return verdict;
}

/* Ends the check on a certificate it cannot talk through: not a word more
 * over a channel we do not trust (and no QUIT: it would have to go through
 * it). The detail says when it expired, or the engine's `detail`. */
static void refuse_certificate(struct sw_dialogue *d, enum sw_outcome verdict,
                               const char *detail, int64_t wall_s)
{
  const struct sw_tls_info *t = &d->result.tls;
  sw__dlg_clear_reply(d);
  char date[40];
  sw_utc_format(t->not_after, date, sizeof date);
  int ago = -t->days_left - 1; /* whole days since it expired */
  if (verdict == SW_OUTCOME_CERT_EXPIRED && t->not_after && wall_s > t->not_after &&
      ago == 0)
    sw__dlg_set_detail(d, "the certificate expired on %s, less than a day ago", date);
  else if (verdict == SW_OUTCOME_CERT_EXPIRED && t->not_after && wall_s > t->not_after)
    sw__dlg_set_detail(d, "the certificate expired on %s, %d day%s ago", date, ago,
                       ago == 1 ? "" : "s");
  else
    sw__escape_text(d->result.detail, sizeof d->result.detail, detail ? detail : "",
                    detail ? strlen(detail) : 0, false);
  if (NEVER((unsigned)verdict >= SW_OUTCOME_COUNT))
    verdict = SW_OUTCOME_INTERNAL_ERROR;
  sw__dlg_finish(d, verdict, SW_STEP_TLS);
}

/* TLS is up: the greeting comes now (implicit TLS), or EHLO is said again
 * (STARTTLS), with the parser and what was learnt in plaintext forgotten. */
static void talk_through_tls(struct sw_dialogue *d)
{
  d->tls_done = true;
  sw_smtp_parser_init(&d->parser);
  if (d->cfg.tls_mode == SW_TLS_IMPLICIT) {
    sw__dlg_set_state(d, SW_DLG_GREETING, d->now_us); /* RFC 8314: now the greeting */
    return;
  }
  /* RFC 3207 section 4.2: forget what EHLO said in plaintext, and ask again;
   * only whether it offered AUTH is kept, to tell a server that offers AUTH
   * only before STARTTLS from one without AUTH (smtp_dialogue_auth.c). */
  d->auth_before_tls = (d->result.caps & SW_CAP(AUTH)) != 0;
  d->result.caps = 0;
  d->auth_offered = 0; /* AUTH as offered over TLS is what counts */
  d->result.used_helo = false;
  free(d->result.ehlo_keywords);
  d->result.ehlo_keywords = NULL;
  sw__dlg_say_hello(d, false);
}

void sw_dialogue_tls_ready(struct sw_dialogue *d, struct sw_tls_info *info,
                           enum sw_outcome trust, const char *detail, int64_t wall_s,
                           int64_t now_us)
{
  if (d->state != SW_DLG_TLS || NEVER(!info)) {
    if (info) {
      free(info->sans);
      info->sans = NULL;
    }
    return; /* DONE (timed out meanwhile), or an engine bug */
  }
  d->now_us = now_us;
  d->handshake_done = true;
  if (d->discarded_len > 0)
    sw__dlg_note_discarded(d);
  adopt_tls_info(d, info, wall_s);
  note_tls(d, trust);
  enum sw_outcome verdict = certificate_verdict(d, trust, detail, wall_s);
  if (verdict != SW_OUTCOME_OK)
    refuse_certificate(d, verdict, detail, wall_s);
  else
    talk_through_tls(d);
}

void sw_dialogue_tls_failed(struct sw_dialogue *d, const char *detail, int64_t now_us)
{
  if (d->state == SW_DLG_DONE)
    return;
  if (NEVER(d->state != SW_DLG_TLS)) {
    sw_dialogue_fail(d, SW_OUTCOME_INTERNAL_ERROR, "a TLS failure outside the TLS step",
                     now_us);
    return;
  }
  sw_dialogue_fail(d, SW_OUTCOME_TLS_HANDSHAKE_FAILED, detail, now_us);
}
