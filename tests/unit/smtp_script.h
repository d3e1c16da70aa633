/* The transcript files of tests/data/smtp (their format is that folder's
 * README): read into a struct script for test_smtp_dialogue.c, which runs
 * them. The common lines are script_file.h's; this adds the SMTP
 * dialogue's events and settings. Static functions in a header, so that
 * the test program stays one source file (as rule_fixture.h). A malformed
 * file fails the test with cmocka's fail_msg: include <cmocka.h> first. */
#ifndef SW_SMTP_SCRIPT_H
#define SW_SMTP_SCRIPT_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script_file.h"
#include "smtp_dialogue.h"
#include "sw_buf.h"

/* ---- transcript files ---------------------------------------------------- */

enum event_kind {
  EV_EOF,
  EV_TIMEOUT,
  EV_FAIL,
  EV_WAIT,
  EV_RESOLVED,
  EV_CONNECTED,
  EV_TLS_HANDSHAKE,
  EV_TLS_READY,
  EV_TLS_FAILED,
  EV_TOKEN,
  EV_TOKEN_FAILED,
  EV_COUNT
};
static const char *const event_names[] = {
    "eof",           "timeout",   "fail",       "wait",  "resolved",    "connected",
    "tls-handshake", "tls-ready", "tls-failed", "token", "token-failed"};

/* An action's code is its outcome (fail, tls-ready), its flag "insecure"
 * (tls-ready), its number the certificate's days left (tls-ready). */
struct script {
  struct script_file f;
  struct sw_buf command, expect;
  char ehlo[256], peer[64];
  uint32_t timeout_ms;
  bool manual_connect;
  enum sw_tls_mode tls_mode;
  int warn_days, crit_days;
  /* Past the handshake */
  struct sw_buf auth_user, auth_password;
  struct sw_buf oauth_token; /* XOAUTH2: what the engine gives at "! token" */
  enum sw_auth_mech auth_mech;
  bool allow_plaintext_auth, has_mail;
  char mail_from[256];
  char relay_rcpt[256]; /* "": no relay test */
  char *rcpt[SW_DIALOGUE_RCPT_MAX + 2];
  size_t nrcpt;
  struct sw_buf message;
  bool has_message;
  size_t send_window; /* the most output taken after each step; 0: all */
};

static void smtp_event(void *ctx, const char *path, struct script_action *a,
                       const char *rest)
{
  (void)ctx;
  char name[64];
  enum sw_outcome outcome = SW_OUTCOME_OK;
  if (a->ev == EV_FAIL || a->ev == EV_TLS_READY) {
    rest = first_word(rest, name, sizeof name);
    if (a->ev == EV_TLS_READY && strcmp(name, "insecure") == 0)
      a->flag = true;
    else if (!sw_outcome_from_name(name, &outcome))
      fail_msg("%s:%d: unknown outcome %s", path, a->line, name);
  }
  a->code = (int)outcome;
  if (a->ev == EV_TLS_READY) {
    char days[32];
    rest = first_word(rest, days, sizeof days);
    a->number = strtod(days, NULL);
  }
  if (a->ev == EV_FAIL || a->ev == EV_TLS_READY || a->ev == EV_TLS_FAILED ||
      a->ev == EV_TOKEN_FAILED)
    a->detail = copy_text(rest);
}

/* "C= message [FROM TO]": the message's octets [FROM, TO), all of them by
 * default (settings come first, so the message is known). */
static bool smtp_other_line(void *ctx, const char *path, int lineno, const char *text,
                            struct sw_buf *out)
{
  struct script *sc = ctx;
  if (text[0] != 'C' || text[1] != '=')
    return false;
  const char *arg = text[2] ? text + 3 : "";
  unsigned long from = 0, to = (unsigned long)sc->message.len;
  if (strncmp(arg, "message", 7) != 0 ||
      (arg[7] && sscanf(arg + 7, "%lu %lu", &from, &to) != 2) || from > to ||
      to > sc->message.len)
    fail_msg("%s:%d: bad C= line", path, lineno);
  sw_buf_append(out, sw_buf_str(&sc->message) + from, to - from);
  return true;
}

static bool smtp_setting(void *ctx, const char *path, int lineno, const char *key,
                         const char *v)
{
  struct script *sc = ctx;
  if (strcmp(key, "command") == 0)
    unescape(path, lineno, v, &sc->command);
  else if (strcmp(key, "expect") == 0)
    unescape(path, lineno, v, &sc->expect);
  else if (strcmp(key, "ehlo") == 0)
    snprintf(sc->ehlo, sizeof sc->ehlo, "%s", v);
  else if (strcmp(key, "peer") == 0)
    snprintf(sc->peer, sizeof sc->peer, "%s", v);
  else if (strcmp(key, "timeout-ms") == 0)
    sc->timeout_ms = (uint32_t)atol(v);
  else if (strcmp(key, "connect") == 0 && strcmp(v, "manual") == 0)
    sc->manual_connect = true;
  else if (strcmp(key, "tls") == 0)
    assert_true(sw_tls_mode_from_name(v, &sc->tls_mode));
  else if (strcmp(key, "cert-days") == 0)
    assert_int_equal(sscanf(v, "%d %d", &sc->warn_days, &sc->crit_days), 2);
  else if (strcmp(key, "auth-user") == 0)
    unescape(path, lineno, v, &sc->auth_user);
  else if (strcmp(key, "auth-password") == 0)
    unescape(path, lineno, v, &sc->auth_password);
  else if (strcmp(key, "oauth-token") == 0)
    unescape(path, lineno, v, &sc->oauth_token);
  else if (strcmp(key, "auth-mech") == 0)
    assert_true(sw_auth_mech_from_name(v, &sc->auth_mech));
  else if (strcmp(key, "allow-plaintext-auth") == 0)
    sc->allow_plaintext_auth = true;
  else if (strcmp(key, "mail-from") == 0) {
    sc->has_mail = true;
    snprintf(sc->mail_from, sizeof sc->mail_from, "%s", strcmp(v, "<>") ? v : "");
  } else if (strcmp(key, "relay-rcpt") == 0) {
    snprintf(sc->relay_rcpt, sizeof sc->relay_rcpt, "%s", v);
  } else if (strcmp(key, "rcpt-to") == 0) {
    if (sc->nrcpt == SW_COUNTOF(sc->rcpt))
      fail_msg("%s:%d: too many @rcpt-to", path, lineno);
    sc->rcpt[sc->nrcpt] = malloc(strlen(v) + 1);
    assert_non_null(sc->rcpt[sc->nrcpt]);
    strcpy(sc->rcpt[sc->nrcpt++], v);
  } else if (strcmp(key, "message") == 0) {
    sc->has_message = true;
    unescape(path, lineno, v, &sc->message);
    sw_buf_append(&sc->message, "\r\n", 2);
  } else if (strcmp(key, "message-lines") == 0) {
    /* "@message-lines N TEXT": N lines of TEXT (a big body) */
    char count[32];
    const char *text = first_word(v, count, sizeof count);
    struct sw_buf line;
    sw_buf_init(&line, 0);
    unescape(path, lineno, text, &line);
    sw_buf_append(&line, "\r\n", 2);
    for (long i = atol(count); i > 0; i--)
      sw_buf_append(&sc->message, line.data, line.len);
    sw_buf_free(&line);
    sc->has_message = true;
  } else if (strcmp(key, "send-window") == 0)
    sc->send_window = (size_t)atol(v);
  else
    return false;
  return true;
}

static void load_script(struct script *sc, const char *path)
{
  memset(sc, 0, sizeof *sc);
  sw_buf_init(&sc->command, 0);
  sw_buf_init(&sc->expect, 0);
  sw_buf_init(&sc->auth_user, 0);
  sw_buf_init(&sc->auth_password, 0);
  sw_buf_init(&sc->oauth_token, 0);
  sw_buf_init(&sc->message, 0);
  strcpy(sc->ehlo, "client.example");
  strcpy(sc->peer, "127.0.0.1:25");
  sc->timeout_ms = 7000;
  sc->warn_days = 21;
  sc->crit_days = 7;
  struct script_format fmt = {.events = event_names,
                              .nevents = EV_COUNT,
                              .setting = smtp_setting,
                              .event = smtp_event,
                              .other_line = smtp_other_line,
                              .ctx = sc};
  script_load(&sc->f, path, &fmt);
}

static void free_script(struct script *sc)
{
  script_free(&sc->f);
  sw_buf_free(&sc->command);
  sw_buf_free(&sc->expect);
  sw_buf_free(&sc->auth_user);
  sw_buf_free(&sc->auth_password);
  sw_buf_free(&sc->oauth_token);
  sw_buf_free(&sc->message);
  for (size_t i = 0; i < sc->nrcpt; i++)
    free(sc->rcpt[i]);
}

#endif
