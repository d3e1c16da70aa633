/* SMTP AUTH (RFC 4954) in the dialogue: whether the rule's credentials can
 * be used, which mechanism the server's EHLO offers, whether the
 * connection is fit to carry a password, and what the server's answers
 * mean. The credentials (and CRAM-MD5's digest, made from the password)
 * are only ever base64-encoded into a stack buffer and the output line,
 * both wiped; the transcript shows "****". Part of the dialogue
 * (smtp_dialogue_internal.h says what the parts share). */
#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "smtp_dialogue_internal.h"

bool sw__dlg_auth_config_ok(struct sw_dialogue *d)
{
  const struct sw_dialogue_auth *a = &d->cfg.auth;
  if (!sw__dlg_has_auth(d))
    return true;
  if ((unsigned)a->mech >= SW_AUTH_MECH_COUNT) {
    sw__dlg_set_detail(d, "the AUTH mechanism is not one this checker knows");
    return false;
  }
  if (a->mech == SW_AUTH_MECH_XOAUTH2)
    return sw__dlg_xoauth2_config_ok(d);
  if (a->oauth) {
    sw__dlg_set_detail(d, "an OAuth token is for AUTH XOAUTH2 only; nothing was sent");
    return false;
  }
  if (!a->password) {
    sw__dlg_set_detail(d, "AUTH has a user name but no password; nothing was sent");
    return false;
  }
  if (strlen(a->user) + strlen(a->password) > SW_AUTH_CREDENTIALS_MAX) {
    sw__dlg_set_detail(d,
                       "the user name and password are longer than %d octets together, "
                       "more than one AUTH line can carry; nothing was sent",
                       SW_AUTH_CREDENTIALS_MAX);
    return false;
  }
  if (strlen(a->user) > SW_AUTH_USER_MAX) {
    sw__dlg_set_detail(d,
                       "the user name is longer than %d octets, more than CRAM-MD5's "
                       "answer can carry; nothing was sent",
                       SW_AUTH_USER_MAX);
    return false;
  }
  return true;
}

void sw__dlg_auth_offered(struct sw_dialogue *d, const char *params, size_t len)
{
  d->auth_offered |= sw_auth_offered(params, len);
}

/* Decides auth_not_offered, saying what was missing. */
static void not_offered(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  if (d->result.used_helo)
    sw__dlg_set_detail(d, "the server refused EHLO, so it offers no extensions, AUTH "
                          "included");
  else if (!(d->result.caps & SW_CAP(AUTH)) && !d->tls_done &&
           (d->result.caps & SW_CAP(STARTTLS)))
    /* Postfix's smtpd_tls_auth_only and most submission servers: the
     * check's TLS mode is the likely mistake. */
    sw__dlg_set_detail(d, "the server's reply to EHLO does not list AUTH, but it offers "
                          "STARTTLS, and servers often offer AUTH only after it: use "
                          "the TLS mode starttls");
  else if (!(d->result.caps & SW_CAP(AUTH)))
    sw__dlg_set_detail(d, "the server's reply to EHLO%s does not list AUTH",
                       d->tls_done ? " over TLS" : "");
  else if (d->cfg.auth.mech != SW_AUTH_MECH_AUTO)
    sw__dlg_set_detail(d, "the server does not offer AUTH %s, which this check uses",
                       sw_auth_mech_name(d->cfg.auth.mech));
  else
    sw__dlg_set_detail(d, "the server offers AUTH, but none of the mechanisms this "
                          "check may use (PLAIN, LOGIN, CRAM-MD5)");
  sw__dlg_decide(d, SW_OUTCOME_AUTH_NOT_OFFERED, SW_STEP_EHLO, r);
}

/* RFC 4954 section 4 / SMTP.md 10: a password never goes in clear text
 * unless the rule says so. That the server asks for it there, or only
 * there, is the finding (auth_not_encrypted); the detail says which. */
static void not_encrypted(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  if (d->tls_done)
    sw__dlg_set_detail(d, "the server offers AUTH only before STARTTLS: its reply to "
                          "EHLO over TLS does not list AUTH, so the password was not "
                          "sent");
  else if (d->cfg.tls_mode == SW_TLS_NONE)
    sw__dlg_set_detail(d, "the connection is not encrypted, and this check does not "
                          "allow AUTH in plain text");
  else
    sw__dlg_set_detail(d, "the server does not offer STARTTLS but offers AUTH in plain "
                          "text, which this check does not allow");
  sw__dlg_decide(d, SW_OUTCOME_AUTH_NOT_ENCRYPTED, SW_STEP_EHLO, r);
}

/* Says the AUTH command of `mech`. PLAIN goes with its initial response
 * (RFC 4954 section 4: it saves a round trip); LOGIN and CRAM-MD5 wait
 * for the server's 334; XOAUTH2 has its own file. */
static void say_auth(struct sw_dialogue *d, enum sw_auth_mech mech)
{
  d->auth_mech = mech;
  d->auth_round = 0;
  if (mech == SW_AUTH_MECH_XOAUTH2) {
    sw__dlg_xoauth2_start(d);
    return;
  }
  bool sent;
  if (mech == SW_AUTH_MECH_PLAIN) {
    char line[SW_SMTP_LINE_MAX];
    memcpy(line, "AUTH PLAIN ", 11);
    sent = ALWAYS(sw_auth_plain_response(d->cfg.auth.user, d->cfg.auth.password,
                                         line + 11, sizeof line - 11)) &&
           sw__dlg_send_secret_line(d, line, "AUTH PLAIN ****");
    sw_auth_wipe(line, sizeof line);
  } else {
    char line[32];
    snprintf(line, sizeof line, "AUTH %s", sw_auth_mech_name(mech));
    sent = sw__dlg_send_line(d, line);
  }
  if (sent)
    sw__dlg_set_state(d, SW_DLG_AUTH, d->now_us);
}

bool sw__dlg_auth_after_hello(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  if (!sw__dlg_has_auth(d))
    return false;
  enum sw_auth_mech mech =
      (d->result.caps & SW_CAP(AUTH))
          ? sw_auth_pick(d->auth_offered, d->cfg.auth.mech, d->tls_done)
          : SW_AUTH_MECH_AUTO;
  if (mech == SW_AUTH_MECH_AUTO) {
    /* With STARTTLS: AUTH before TLS but none over it is the server
     * asking for the password in clear text, not a server without AUTH. */
    if (d->tls_done && d->auth_before_tls && !(d->result.caps & SW_CAP(AUTH)))
      not_encrypted(d, r);
    else
      not_offered(d, r);
    return true;
  }
  if (!d->tls_done && !d->cfg.auth.allow_plaintext) {
    not_encrypted(d, r);
    return true;
  }
  say_auth(d, mech);
  return true;
}

/* LOGIN's 334: the user name after the command, the password after it. */
static void login_step(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  if (d->auth_round >= 2) {
    sw__dlg_unexpected_code(d, r, "AUTH");
    return;
  }
  const char *secret = d->auth_round == 0 ? d->cfg.auth.user : d->cfg.auth.password;
  char line[SW_SMTP_LINE_MAX];
  bool sent = ALWAYS(sw_auth_login_response(secret, line, sizeof line)) &&
              sw__dlg_send_secret_line(d, line, "****");
  sw_auth_wipe(line, sizeof line);
  if (sent)
    d->auth_round++;
}

/* A challenge that cannot be answered: the exchange is cancelled with "*"
 * (RFC 4954 section 4), which the server must answer with 501; that answer
 * then ends the check as a protocol error (sw__dlg_on_auth), with the
 * detail said here and the challenge's reply kept. */
static void cancel_auth(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  sw__dlg_record_reply(d, r);
  if (sw__dlg_send_line(d, "*"))
    d->auth_cancelled = true;
}

/* CRAM-MD5's 334 (RFC 2195): one line whose text is the base64 of the
 * challenge; the answer is the user name and the HMAC-MD5 of the
 * challenge, keyed with the password. */
static void cram_md5_step(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  if (d->auth_round >= 1) {
    sw__dlg_unexpected_code(d, r, "AUTH");
    return;
  }
  const char *text = r->len > 4 ? r->text + 4 : "";
  size_t len = r->len > 4 ? r->len - 4 : 0;
  struct sw_buf challenge;
  sw_buf_init(&challenge, 0);
  char q[SW_DLG_QUOTE_MAX];
  if (r->lines > 1) {
    sw__dlg_set_detail(d, "the server's CRAM-MD5 challenge is not one line");
  } else if (len == 0) {
    sw__dlg_set_detail(d, "the server's CRAM-MD5 challenge is empty");
  } else if (!sw_base64_decode(text, len, &challenge)) {
    sw__dlg_set_detail(d, "the server's CRAM-MD5 challenge is not base64: \"%s\"",
                       sw__dlg_quote(q, text, len));
  } else {
    char line[SW_SMTP_LINE_MAX];
    bool sent = ALWAYS(sw_auth_cram_md5_response(d->cfg.auth.user, d->cfg.auth.password,
                                                 challenge.data, challenge.len, line,
                                                 sizeof line)) &&
                sw__dlg_send_secret_line(d, line, "****");
    sw_auth_wipe(line, sizeof line);
    sw_buf_free(&challenge);
    if (sent)
      d->auth_round++;
    return;
  }
  sw_buf_free(&challenge);
  cancel_auth(d, r);
}

void sw__dlg_on_auth(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  int cls = r->code / 100;
  if (d->token_wanted) {
    sw__dlg_xoauth2_out_of_turn(d, r);
  } else if (d->auth_cancelled) {
    /* The answer to "*" (501, or anything): the challenge was the fault,
     * and its reply stays the one recorded. */
    sw__dlg_decide(d, SW_OUTCOME_PROTOCOL_ERROR, SW_STEP_AUTH, NULL);
  } else if (cls == 2) {
    /* 235; any 2xx means the server let us in. */
    d->auth_done = true;
    sw__dlg_proceed(d, r);
  } else if (r->code == 334 && d->auth_mech == SW_AUTH_MECH_LOGIN) {
    login_step(d, r);
  } else if (r->code == 334 && d->auth_mech == SW_AUTH_MECH_CRAM_MD5) {
    cram_md5_step(d, r);
  } else if (r->code == 334 && d->auth_mech == SW_AUTH_MECH_XOAUTH2) {
    sw__dlg_xoauth2_step(d, r);
  } else if (cls == 4) {
    /* 454: temporary authentication failure (RFC 4954 section 6). */
    sw__dlg_decide(d, SW_OUTCOME_AUTH_UNAVAILABLE, SW_STEP_AUTH, r);
  } else if (cls == 5) {
    /* 535 bad credentials; 534/538 a stronger mechanism or encryption
     * wanted; 504 a mechanism it does not know after all: the reply says. */
    if (d->auth_mech == SW_AUTH_MECH_XOAUTH2)
      sw__dlg_xoauth2_refused(d); /* that it was the token, and its status */
    sw__dlg_decide(d, SW_OUTCOME_AUTH_FAILED, SW_STEP_AUTH, r);
  } else {
    sw__dlg_unexpected_code(d, r, "AUTH");
  }
}
