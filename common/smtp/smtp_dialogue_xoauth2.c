/* AUTH XOAUTH2 in the dialogue (Google's and Microsoft's SASL mechanism
 * for an OAuth 2.0 access token): the token from the password, or from
 * the engine when the dialogue asks for it (sw_dialogue_wants_token), the
 * AUTH line with its initial response or the response after an empty 334,
 * and the error challenge answered with an empty line. The token is only
 * ever base64-encoded into a stack buffer and the output line, both wiped;
 * the transcript shows "****". Part of the dialogue (smtp_dialogue_auth.c
 * decides when XOAUTH2 is used; smtp_dialogue_internal.h says what the
 * parts share). */
#include <stdio.h>
#include <string.h>

#include "smtp_dialogue_internal.h"

/* XOAUTH2's own limits: a token from the password or the engine, never
 * both; user and token within one response line. */
bool sw__dlg_xoauth2_config_ok(struct sw_dialogue *d)
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

void sw__dlg_xoauth2_start(struct sw_dialogue *d)
{
  if (!d->cfg.auth.oauth) {
    say_xoauth2(d, d->cfg.auth.password);
    return;
  }
  /* The engine fetches the token; the wait counts toward AUTH. */
  d->token_wanted = true;
  sw__dlg_event(d, "waiting for the OAuth access token");
  sw__dlg_set_state(d, SW_DLG_AUTH, d->now_us);
}

void sw__dlg_xoauth2_out_of_turn(struct sw_dialogue *d, const struct sw_smtp_reply *r)
{
  /* Nothing was said since EHLO's reply: the server speaks out of turn. */
  sw__dlg_set_detail(d,
                     "the server sent a reply (code %d) while the client was "
                     "fetching its OAuth token and had said nothing",
                     r->code);
  sw__dlg_decide(d, SW_OUTCOME_PROTOCOL_ERROR, SW_STEP_AUTH, r);
}

/* XOAUTH2's 334: the empty challenge that asks for the response (when it
 * did not fit the AUTH line), then an error challenge, which the client
 * answers with an empty line so that the server says 535. */
void sw__dlg_xoauth2_step(struct sw_dialogue *d, const struct sw_smtp_reply *r)
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

void sw__dlg_xoauth2_refused(struct sw_dialogue *d)
{
  if (d->oauth_status[0])
    sw__dlg_set_detail(d,
                       "the server refused the OAuth access token (its error "
                       "challenge gave status %s)",
                       d->oauth_status);
  else
    sw__dlg_set_detail(d, "the server refused the OAuth access token");
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
