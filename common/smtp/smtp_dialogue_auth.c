/* SMTP AUTH (RFC 4954) in the dialogue: whether the rule's credentials can
 * be used, which mechanism the server's EHLO offers, whether the
 * connection is fit to carry a password, and what the server's answers
 * mean. The credentials are only ever base64-encoded into a stack buffer
 * and the output line, both wiped; the transcript shows "****". Part of
 * the dialogue (smtp_dialogue_internal.h says what the parts share). */
#include <stdio.h>
#include <string.h>

#include "smtp_dialogue_internal.h"

/* XOAUTH2's own limits: a token from the password or the engine, never
 * both; user and token within one response line. */
static bool xoauth2_config_ok(struct sw_dialogue *d)
{
  const struct sw_dialogue_auth *a = &d->cfg.auth;
  if (a->oauth == (a->password != NULL)) {
    sw__dlg_set_detail(d, "%s",
                       a->oauth ? "XOAUTH2 has both a token and a token endpoint; "
                                  "nothing was sent"
                                : "XOAUTH2 has no access token; nothing was sent");
    return false;
  }
  if (a->password && strlen(a->user) + strlen(a->password) > SW_AUTH_BEARER_MAX) {
    sw__dlg_set_detail(d,
                       "the user name and access token are longer than %d octets "
                       "together, more than one AUTH line can carry; nothing was sent",
                       SW_AUTH_BEARER_MAX);
    return false;
  }
  return true;
}

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
    return xoauth2_config_ok(d);
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
  else if (!(d->result.caps & SW_CAP(AUTH)))
    sw__dlg_set_detail(d, "the server's reply to EHLO%s does not list AUTH",
                       d->tls_done ? " over TLS" : "");
  else if (d->cfg.auth.mech != SW_AUTH_MECH_AUTO)
    sw__dlg_set_detail(d, "the server does not offer AUTH %s, which this check uses",
                       sw_auth_mech_name(d->cfg.auth.mech));
  else
    sw__dlg_set_detail(d, "the server offers AUTH, but neither PLAIN nor LOGIN");
  sw__dlg_decide(d, SW_OUTCOME_AUTH_NOT_OFFERED, SW_STEP_EHLO, r);
}

/* "AUTH XOAUTH2 <initial response>" when that fits one command line, else
 * "AUTH XOAUTH2" alone and the response after the server's empty 334 (RFC
 * 4954 section 4: the AUTH command stays within SMTP's 512 octets). */
static void say_xoauth2(struct sw_dialogue *d, const char *token)
{
  static const char cmd[] = "AUTH XOAUTH2 ";
  char line[SW_AUTH_RESPONSE_LINE_MAX];
  d->token = token;
  bool sent = false;
  if (NEVER(!sw_auth_xoauth2_response(d->cfg.auth.user, token, line + sizeof cmd - 1,
                                      sizeof line - (sizeof cmd - 1)))) {
    sw__dlg_set_detail(d, "the access token does not fit an AUTH line");
    sw__dlg_finish(d, SW_OUTCOME_INTERNAL_ERROR, SW_STEP_AUTH);
  } else if (strlen(line + sizeof cmd - 1) + sizeof cmd - 1 <= SW_SMTP_LINE_MAX - 2) {
    memcpy(line, cmd, sizeof cmd - 1);
    sent = sw__dlg_send_secret_line(d, line, "AUTH XOAUTH2 ****");
    d->auth_round = 1; /* the response went */
  } else {
    sent = sw__dlg_send_line(d, "AUTH XOAUTH2");
  }
  sw_auth_wipe(line, sizeof line);
  if (sent && d->state != SW_DLG_AUTH)
    sw__dlg_set_state(d, SW_DLG_AUTH, d->now_us);
}

bool sw__dlg_auth_after_hello(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  if (!sw__dlg_has_auth(d))
    return false;
  enum sw_auth_mech mech = (d->result.caps & SW_CAP(AUTH))
                               ? sw_auth_pick(d->auth_offered, d->cfg.auth.mech)
                               : SW_AUTH_MECH_AUTO;
  if (mech == SW_AUTH_MECH_AUTO) {
    not_offered(d, r);
    return true;
  }
  if (!d->tls_done && !d->cfg.auth.allow_plaintext) {
    /* RFC 4954 section 4 / SMTP.md 10: a password never goes in clear text
     * unless the rule says so. That the server asks for it is the finding. */
    sw__dlg_set_detail(d, "%s",
                       d->cfg.tls_mode == SW_TLS_NONE
                           ? "the connection is not encrypted, and this check does not "
                             "allow AUTH in plain text"
                           : "the server does not offer STARTTLS but offers AUTH in "
                             "plain text, which this check does not allow");
    sw__dlg_decide(d, SW_OUTCOME_AUTH_NOT_ENCRYPTED, SW_STEP_EHLO, r);
    return true;
  }
  d->auth_mech = mech;
  d->auth_round = 0;
  if (mech == SW_AUTH_MECH_XOAUTH2) {
    if (!d->cfg.auth.oauth) {
      say_xoauth2(d, d->cfg.auth.password);
      return true;
    }
    /* The engine fetches the token; the wait counts toward AUTH. */
    d->token_wanted = true;
    sw__dlg_event(d, "waiting for the OAuth access token");
    sw__dlg_set_state(d, SW_DLG_AUTH, d->now_us);
    return true;
  }
  char line[SW_SMTP_LINE_MAX];
  bool sent;
  if (mech == SW_AUTH_MECH_PLAIN) {
    /* RFC 4954 section 4: the initial response saves a round trip. */
    memcpy(line, "AUTH PLAIN ", 11);
    sent = ALWAYS(sw_auth_plain_response(d->cfg.auth.user, d->cfg.auth.password,
                                         line + 11, sizeof line - 11)) &&
           sw__dlg_send_secret_line(d, line, "AUTH PLAIN ****");
    sw_auth_wipe(line, sizeof line);
  } else {
    sent = sw__dlg_send_line(d, "AUTH LOGIN");
  }
  if (sent)
    sw__dlg_set_state(d, SW_DLG_AUTH, d->now_us);
  return true;
}

/* LOGIN's 334: the user name after the command, the password after it. */
static void login_step(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  if (d->auth_mech != SW_AUTH_MECH_LOGIN || d->auth_round >= 2) {
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

/* XOAUTH2's 334: the empty challenge that asks for the response (when it
 * did not fit the AUTH line), then an error challenge, which the client
 * answers with an empty line so that the server says 535. */
static void xoauth2_step(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  if (d->auth_round == 0) {
    char line[SW_AUTH_RESPONSE_LINE_MAX];
    bool sent =
        ALWAYS(sw_auth_xoauth2_response(d->cfg.auth.user, d->token, line, sizeof line)) &&
        sw__dlg_send_secret_line(d, line, "****");
    sw_auth_wipe(line, sizeof line);
    if (sent)
      d->auth_round = 1;
  } else if (d->auth_round == 1) {
    size_t skip = r->len > 4 ? 4 : r->len; /* "334 " */
    sw_auth_xoauth2_status(r->text + skip, r->len - skip, d->oauth_status,
                           sizeof d->oauth_status);
    if (sw__dlg_send_line(d, ""))
      d->auth_round = 2;
  } else {
    sw__dlg_unexpected_code(d, r, "AUTH");
  }
}

/* 5xx to AUTH: the reply says why; for XOAUTH2 the detail says it was the
 * token, and the status its error challenge gave. */
static void auth_refused(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  if (d->auth_mech == SW_AUTH_MECH_XOAUTH2 && d->oauth_status[0])
    sw__dlg_set_detail(d,
                       "the server refused the OAuth access token (its error "
                       "challenge gave status %s)",
                       d->oauth_status);
  else if (d->auth_mech == SW_AUTH_MECH_XOAUTH2)
    sw__dlg_set_detail(d, "the server refused the OAuth access token");
  sw__dlg_decide(d, SW_OUTCOME_AUTH_FAILED, SW_STEP_AUTH, r);
}

bool sw_dialogue_wants_token(const struct sw_dialogue *d)
{
  return d->state == SW_DLG_AUTH && d->token_wanted;
}

/* The engine's answer to the dialogue's request for a token: false when
 * none was asked for (an engine bug). */
static bool token_answered(struct sw_dialogue *d, int64_t now_us, const char *event)
{
  if (NEVER(!sw_dialogue_wants_token(d)))
    return false;
  d->now_us = now_us;
  d->token_wanted = false;
  sw__dlg_event(d, event);
  return true;
}

void sw_dialogue_token_ready(struct sw_dialogue *d, const char *token, int64_t now_us)
{
  if (!token_answered(d, now_us, "OAuth access token received"))
    return;
  if (!token || !token[0] ||
      strlen(d->cfg.auth.user) + strlen(token) > SW_AUTH_BEARER_MAX) {
    sw__dlg_set_detail(d,
                       "the token endpoint gave an access token that is empty or, with "
                       "the user name, longer than %d octets; nothing was sent",
                       SW_AUTH_BEARER_MAX);
    sw__dlg_finish(d, SW_OUTCOME_INTERNAL_ERROR, SW_STEP_AUTH);
    return;
  }
  say_xoauth2(d, token);
}

void sw_dialogue_token_failed(struct sw_dialogue *d, const char *detail, int64_t now_us)
{
  if (!token_answered(d, now_us, "no OAuth access token"))
    return;
  sw__dlg_clear_reply(d);
  sw__escape_text(d->result.detail, sizeof d->result.detail, detail ? detail : "",
                  detail ? strlen(detail) : 0, false);
  sw__dlg_decide(d, SW_OUTCOME_OAUTH_TOKEN_FAILED, SW_STEP_AUTH, NULL);
}

void sw__dlg_on_auth(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  int cls = r->code / 100;
  if (d->token_wanted) {
    /* Nothing was said since EHLO's reply: the server speaks out of turn. */
    sw__dlg_set_detail(d,
                       "the server sent a reply (code %d) while the client was "
                       "fetching its OAuth token and had said nothing",
                       r->code);
    sw__dlg_decide(d, SW_OUTCOME_PROTOCOL_ERROR, SW_STEP_AUTH, r);
  } else if (cls == 2) {
    /* 235; any 2xx means the server let us in. */
    d->auth_done = true;
    sw__dlg_proceed(d, r);
  } else if (r->code == 334 && d->auth_mech == SW_AUTH_MECH_XOAUTH2) {
    xoauth2_step(d, r);
  } else if (r->code == 334) {
    login_step(d, r);
  } else if (cls == 4) {
    /* 454: temporary authentication failure (RFC 4954 section 6). */
    sw__dlg_decide(d, SW_OUTCOME_AUTH_UNAVAILABLE, SW_STEP_AUTH, r);
  } else if (cls == 5) {
    /* 535 bad credentials; 534/538 a stronger mechanism or encryption
     * wanted; 504 a mechanism it does not know after all: the reply says. */
    auth_refused(d, r);
  } else {
    sw__dlg_unexpected_code(d, r, "AUTH");
  }
}
