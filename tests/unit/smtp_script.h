/* The transcript files of tests/data/smtp (their format is that folder's
 * README): read into a struct script for test_smtp_dialogue.c, which runs
 * them. Static functions in a header, so that the test program stays one
 * source file (as rule_fixture.h). A malformed file fails the test with
 * cmocka's fail_msg: include <cmocka.h> first. */
#ifndef SW_SMTP_SCRIPT_H
#define SW_SMTP_SCRIPT_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_dialogue.h"
#include "sw_buf.h"

/* ---- transcript files ---------------------------------------------------- */

enum item_kind { IT_SERVER, IT_CLIENT, IT_EVENT };
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

struct action {
  bool is_turn;
  struct sw_buf bytes; /* a turn's server bytes */
  enum event_kind ev;
  enum sw_outcome outcome;
  bool insecure; /* tls-ready: "insecure" instead of an outcome */
  double days;   /* tls-ready: the certificate's time left */
  char *detail;
  long ms;
  int line;                 /* where it is in the file */
  struct sw_buf expect_out; /* the C: lines after it */
};

struct expectation {
  char key[32];
  char *value;
  int line;
};

struct script {
  const char *path;
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
  size_t send_window;  /* the most output taken after each step; 0: all */
  struct action start; /* what must be said before the first server byte */
  struct action *actions;
  int nactions;
  struct expectation *exps;
  int nexps;
};

/* Decodes the escapes of the README into `out`. */
static void unescape(const char *path, int lineno, const char *s, struct sw_buf *out)
{
  while (*s) {
    if (*s != '\\') {
      sw_buf_append(out, s++, 1);
      continue;
    }
    s++;
    char c = *s ? *s++ : '\\';
    if (c == 'r') {
      sw_buf_append(out, "\r", 1);
    } else if (c == 'n') {
      sw_buf_append(out, "\n", 1);
    } else if (c == 't') {
      sw_buf_append(out, "\t", 1);
    } else if (c == '\\') {
      sw_buf_append(out, "\\", 1);
    } else if (c == 'x' && s[0] && s[1]) {
      char hex[3] = {s[0], s[1], 0};
      char byte = (char)strtol(hex, NULL, 16);
      sw_buf_append(out, &byte, 1);
      s += 2;
    } else if (c >= '0' && c <= '9') {
      char *end;
      long n = strtol(s - 1, &end, 10);
      if (*end != '*' || !end[1])
        fail_msg("%s:%d: bad repeat escape", path, lineno);
      for (long i = 0; i < n; i++)
        sw_buf_append(out, end + 1, 1);
      s = end + 2;
    } else {
      fail_msg("%s:%d: unknown escape \\%c", path, lineno, c);
    }
  }
}

/* Copies the first word of s to word[size]; returns what follows, past spaces. */
static const char *first_word(const char *s, char *word, size_t size)
{
  size_t n = strcspn(s, " ");
  snprintf(word, size, "%.*s", (int)n, s);
  s += n;
  while (*s == ' ')
    s++;
  return s;
}

static struct action *new_action(struct script *sc, bool is_turn, int lineno)
{
  sc->actions = realloc(sc->actions, (size_t)(sc->nactions + 1) * sizeof *sc->actions);
  assert_non_null(sc->actions);
  struct action *a = &sc->actions[sc->nactions++];
  memset(a, 0, sizeof *a);
  a->is_turn = is_turn;
  a->line = lineno;
  sw_buf_init(&a->bytes, 0);
  sw_buf_init(&a->expect_out, 0);
  return a;
}

static void load_script(struct script *sc, const char *path)
{
  memset(sc, 0, sizeof *sc);
  sc->path = path;
  sw_buf_init(&sc->command, 0);
  sw_buf_init(&sc->expect, 0);
  sw_buf_init(&sc->start.expect_out, 0);
  sw_buf_init(&sc->auth_user, 0);
  sw_buf_init(&sc->auth_password, 0);
  sw_buf_init(&sc->oauth_token, 0);
  sw_buf_init(&sc->message, 0);
  strcpy(sc->ehlo, "client.example");
  strcpy(sc->peer, "127.0.0.1:25");
  sc->timeout_ms = 7000;
  sc->warn_days = 21;
  sc->crit_days = 7;

  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s", path);
  char buf[4096];
  int lineno = 0;
  struct action *last = NULL; /* C: lines belong to it (NULL: the start) */
  bool in_turn = false;
  while (fgets(buf, sizeof buf, f)) {
    lineno++;
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
      buf[--n] = '\0';
    if (n == 0 || buf[0] == '#')
      continue;
    const char *arg = n > 2 ? buf + 3 : "";
    if ((buf[0] == 'S' && (buf[1] == ':' || buf[1] == '>'))) {
      if (!in_turn) {
        last = new_action(sc, true, lineno);
        in_turn = true;
      }
      unescape(path, lineno, arg, &last->bytes);
      if (buf[1] == ':')
        sw_buf_append(&last->bytes, "\r\n", 2);
    } else if (buf[0] == 'C' && buf[1] == ':') {
      in_turn = false;
      struct sw_buf *out = last ? &last->expect_out : &sc->start.expect_out;
      unescape(path, lineno, arg, out);
      sw_buf_append(out, "\r\n", 2);
    } else if (buf[0] == 'C' && buf[1] == '=') {
      /* "C= message [FROM TO]": the message's octets [FROM, TO), all of
       * them by default (settings come first, so the message is known). */
      in_turn = false;
      struct sw_buf *out = last ? &last->expect_out : &sc->start.expect_out;
      unsigned long from = 0, to = (unsigned long)sc->message.len;
      if (strncmp(arg, "message", 7) != 0 ||
          (arg[7] && sscanf(arg + 7, "%lu %lu", &from, &to) != 2) || from > to ||
          to > sc->message.len)
        fail_msg("%s:%d: bad C= line", path, lineno);
      sw_buf_append(out, sw_buf_str(&sc->message) + from, to - from);
    } else if (buf[0] == '!' && buf[1] == ' ') {
      in_turn = false;
      last = new_action(sc, false, lineno);
      char word[32], name[64];
      const char *rest = first_word(buf + 2, word, sizeof word);
      int ev = 0;
      while (ev < EV_COUNT && strcmp(word, event_names[ev]) != 0)
        ev++;
      if (ev == EV_COUNT)
        fail_msg("%s:%d: unknown event %s", path, lineno, word);
      last->ev = (enum event_kind)ev;
      last->ms = atol(rest); /* for wait */
      if (ev == EV_FAIL || ev == EV_TLS_READY) {
        rest = first_word(rest, name, sizeof name);
        if (ev == EV_TLS_READY && strcmp(name, "insecure") == 0)
          last->insecure = true;
        else if (!sw_outcome_from_name(name, &last->outcome))
          fail_msg("%s:%d: unknown outcome %s", path, lineno, name);
      }
      if (ev == EV_TLS_READY) {
        char days[32];
        rest = first_word(rest, days, sizeof days);
        last->days = strtod(days, NULL);
      }
      if (ev == EV_FAIL || ev == EV_TLS_READY || ev == EV_TLS_FAILED ||
          ev == EV_TOKEN_FAILED) {
        last->detail = malloc(strlen(rest) + 1); /* no strdup in C11 */
        assert_non_null(last->detail);
        strcpy(last->detail, rest);
      }
    } else if (buf[0] == '=' && buf[1] == ' ') {
      sc->exps = realloc(sc->exps, (size_t)(sc->nexps + 1) * sizeof *sc->exps);
      assert_non_null(sc->exps);
      struct expectation *e = &sc->exps[sc->nexps++];
      e->line = lineno;
      const char *v = first_word(buf + 2, e->key, sizeof e->key);
      struct sw_buf val;
      sw_buf_init(&val, 0);
      unescape(path, lineno, v, &val);
      e->value = sw_buf_take(&val);
    } else if (buf[0] == '@') {
      char key[32];
      const char *v = first_word(buf + 1, key, sizeof key);
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
        fail_msg("%s:%d: unknown setting @%s", path, lineno, key);
    } else {
      fail_msg("%s:%d: cannot read \"%s\"", path, lineno, buf);
    }
  }
  fclose(f);
}

static void free_script(struct script *sc)
{
  for (int i = 0; i < sc->nactions; i++) {
    sw_buf_free(&sc->actions[i].bytes);
    sw_buf_free(&sc->actions[i].expect_out);
    free(sc->actions[i].detail);
  }
  for (int i = 0; i < sc->nexps; i++)
    free(sc->exps[i].value);
  free(sc->actions);
  free(sc->exps);
  sw_buf_free(&sc->command);
  sw_buf_free(&sc->expect);
  sw_buf_free(&sc->start.expect_out);
  sw_buf_free(&sc->auth_user);
  sw_buf_free(&sc->auth_password);
  sw_buf_free(&sc->oauth_token);
  sw_buf_free(&sc->message);
  for (size_t i = 0; i < sc->nrcpt; i++)
    free(sc->rcpt[i]);
}

/* ---- credentials never shown -------------------------------------------- */

#endif
