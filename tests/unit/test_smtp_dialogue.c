/* The SMTP check dialogue: the transcripts in tests/data/smtp (format in
 * their README.md), each run whole, split at every offset of every turn and
 * byte by byte, plus the cases a transcript cannot express (tracing, exact
 * transcript text, refusing to send a broken command). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "hmac_md5.h"
#include "nagios_report.h"
#include "smtp_dialogue.h"

#define T0 1000000        /* the clock at the start of every run, in us */
#define WALL 1800000000LL /* the wall clock for certificates: 2027-01-15 08:00 UTC */

#include "smtp_script.h"

/* The forms a credential takes on the wire (raw, LOGIN's base64, PLAIN's
 * base64, for each CRAM-MD5 challenge the server sends its digest in hex
 * and the base64 answer, XOAUTH2's token raw and its base64 response),
 * none of which may be anywhere but in what was sent. */
struct secrets {
  struct sw_buf forms[32];
  int n;
};

static struct sw_buf *new_form(struct secrets *s)
{
  assert_true(s->n < (int)SW_COUNTOF(s->forms));
  sw_buf_init(&s->forms[s->n], 0);
  return &s->forms[s->n++];
}

/* CRAM-MD5's digest and answer for every "334 <base64>" line the server
 * sends in the script (the runner does not know which are challenges;
 * a LOGIN prompt's forms are harmless extras). */
static void cram_md5_forms(const struct script *sc, struct secrets *s)
{
  for (int i = 0; i < sc->f.nactions; i++) {
    const char *p = sw_buf_str(&sc->f.actions[i].bytes);
    for (const char *line = p; (line = strstr(line, "334 ")) != NULL; line += 4) {
      size_t n = strcspn(line + 4, "\r\n");
      struct sw_buf challenge;
      sw_buf_init(&challenge, 0);
      if (n > 0 && sw_base64_decode(line + 4, n, &challenge)) {
        unsigned char mac[SW_MD5_DIGEST_LEN];
        sw_hmac_md5(sc->auth_password.data, sc->auth_password.len, challenge.data,
                    challenge.len, mac);
        struct sw_buf *hex = new_form(s);
        for (int k = 0; k < SW_MD5_DIGEST_LEN; k++)
          sw_buf_printf(hex, "%02x", mac[k]);
        struct sw_buf answer;
        sw_buf_init(&answer, 0);
        sw_buf_append(&answer, sc->auth_user.data, sc->auth_user.len);
        sw_buf_append(&answer, " ", 1);
        sw_buf_append(&answer, hex->data, hex->len);
        sw_base64_encode(answer.data, answer.len, new_form(s));
        sw_buf_free(&answer);
      }
      sw_buf_free(&challenge);
    }
  }
}

/* XOAUTH2's token raw (when the engine gives it) and its base64 response. */
static void xoauth2_forms(const struct script *sc, struct secrets *s)
{
  const struct sw_buf *user = &sc->auth_user, *pass = &sc->auth_password;
  const struct sw_buf *token = sc->oauth_token.len ? &sc->oauth_token : pass;
  if (sc->auth_mech != SW_AUTH_MECH_XOAUTH2 || token->len == 0)
    return;
  struct sw_buf raw;
  sw_buf_init(&raw, 0);
  sw_buf_appends(&raw, "user=");
  sw_buf_append(&raw, user->data, user->len);
  sw_buf_appends(&raw, "\x01"
                       "auth=Bearer ");
  sw_buf_append(&raw, token->data, token->len);
  sw_buf_appends(&raw, "\x01\x01");
  if (token != pass)
    sw_buf_append(new_form(s), token->data, token->len);
  sw_base64_encode(raw.data, raw.len, new_form(s));
  sw_buf_free(&raw);
}

static void secrets_of(const struct script *sc, struct secrets *s)
{
  memset(s, 0, sizeof *s);
  xoauth2_forms(sc, s);
  if (sc->auth_password.len == 0)
    return;
  const struct sw_buf *user = &sc->auth_user, *pass = &sc->auth_password;
  struct sw_buf raw;
  sw_buf_init(&raw, 0);
  sw_buf_append(&raw, "", 1);
  sw_buf_append(&raw, user->data, user->len);
  sw_buf_append(&raw, "", 1);
  sw_buf_append(&raw, pass->data, pass->len);
  sw_buf_append(new_form(s), pass->data, pass->len);
  sw_base64_encode(pass->data, pass->len, new_form(s));
  sw_base64_encode(raw.data, raw.len, new_form(s));
  sw_base64_encode(user->data, user->len, new_form(s));
  sw_buf_free(&raw);
  cram_md5_forms(sc, s);
}

static void free_secrets(struct secrets *s)
{
  for (int i = 0; i < s->n; i++)
    sw_buf_free(&s->forms[i]);
}

static bool holds(const char *hay, size_t len, const struct sw_buf *needle)
{
  for (size_t i = 0; needle->len && i + needle->len <= len; i++)
    if (memcmp(hay + i, needle->data, needle->len) == 0)
      return true;
  return false;
}

/* Not in the result's text, nor left in the dialogue's output buffer. */
static void check_no_secret(const struct script *sc, const struct run_mode *m,
                            const struct sw_dialogue *d)
{
  struct secrets s;
  secrets_of(sc, &s);
  const struct sw_check_result *r = sw_dialogue_result(d);
  for (int i = 0; i < s.n; i++) {
    /* The raw password may be a word of the transcript by chance only if
     * it is that short: the fixtures' are not. */
    if (holds(sw_buf_str(&r->transcript), r->transcript.len, &s.forms[i]) ||
        holds(r->reply, strlen(r->reply), &s.forms[i]) ||
        holds(r->detail, strlen(r->detail), &s.forms[i]) ||
        holds(d->out, sizeof d->out, &s.forms[i]))
      fail_msg("%s (%s): a credential (form %d) is in the result or the output buffer",
               sc->f.path, m->text, i);
  }
  free_secrets(&s);
}

/* ---- running one ------------------------------------------------------- */

static void check_quiet_before_greeting(const struct script *sc,
                                        const struct sw_dialogue *d,
                                        const struct run_mode *m, int line)
{
  size_t len;
  sw_dialogue_output(d, &len);
  if (d->state <= SW_DLG_GREETING && len > 0)
    fail_msg("%s:%d (%s): the client spoke before the greeting was complete", sc->f.path,
             line, m->text);
}

/* A write that is a piece of the message must come from the message
 * itself (streamed, not copied), next in line, and within the limit. */
static bool message_piece(const struct script *sc, const struct sw_dialogue *d,
                          const struct run_mode *m, int line, const char *out, size_t len)
{
  const char *msg = d->cfg.mail.message;
  if (!msg || out < msg || out >= msg + d->cfg.mail.message_len)
    return false;
  if (out != msg + d->message_sent || len > SW_DIALOGUE_SEND_MAX ||
      (size_t)(out - msg) + len > d->cfg.mail.message_len)
    fail_msg("%s:%d (%s): a piece of the message out of place: %zu octets at %zu "
             "(%zu sent)",
             sc->f.path, line, m->text, len, (size_t)(out - msg), d->message_sent);
  return true;
}

/* Takes everything the client has to say (at most @send-window octets);
 * each write must be one line, or a piece of the message. */
static void drain(const struct script *sc, struct sw_dialogue *d,
                  const struct run_mode *m, int line, struct sw_buf *got)
{
  size_t taken = 0;
  for (int guard = 0; guard < 4000000; guard++) {
    size_t len;
    const char *out = sw_dialogue_output(d, &len);
    if (sc->send_window && len > sc->send_window - taken)
      len = sc->send_window - taken;
    if (len == 0)
      return;
    if (m->bytewise) {
      sw_buf_append(got, out, 1);
      sw_dialogue_sent(d, 1);
      taken++;
      continue;
    }
    if (message_piece(sc, d, m, line, out, len)) {
      sw_buf_append(got, out, len);
      sw_dialogue_sent(d, len);
      taken += len;
      continue;
    }
    bool one_line = len >= 2 && memcmp(out + len - 2, "\r\n", 2) == 0 &&
                    !memchr(out, '\n', len - 1) && !memchr(out, '\r', len - 2);
    /* A line longer than a write (XOAUTH2's response) comes in full pieces. */
    bool long_line_piece =
        len == SW_DIALOGUE_SEND_MAX && !memchr(out, '\n', len) && !memchr(out, '\r', len);
    if (!one_line && !long_line_piece)
      fail_msg("%s:%d (%s): one write held other than one command line: \"%.*s\"",
               sc->f.path, line, m->text, (int)len, out);
    sw_buf_append(got, out, len);
    sw_dialogue_sent(d, len);
    taken += len;
  }
  fail_msg("%s:%d (%s): the output never ran dry", sc->f.path, line, m->text);
}

static void compare_output(const struct script *sc, const struct run_mode *m, int line,
                           const struct sw_buf *got, const struct sw_buf *want)
{
  if (got->len != want->len || memcmp(sw_buf_str(got), sw_buf_str(want), got->len) != 0)
    fail_msg("%s:%d (%s): the client sent \"%.2000s\" (%zu octets), expected "
             "\"%.2000s\" (%zu)",
             sc->f.path, line, m->text, sw_buf_str(got), got->len, sw_buf_str(want),
             want->len);
}

/* What the engine reports after a handshake: a fixed session and a
 * certificate with a->number days left. */
static void tls_ready(struct sw_dialogue *d, const struct script_action *a, int64_t now)
{
  struct sw_tls_info info;
  memset(&info, 0, sizeof info);
  snprintf(info.version, sizeof info.version, "TLS 1.2");
  snprintf(info.cipher, sizeof info.cipher, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  snprintf(info.subject, sizeof info.subject, "CN=mx.example.com");
  snprintf(info.issuer, sizeof info.issuer, "CN=Example CA, O=Example");
  info.sans = malloc(32);
  assert_non_null(info.sans);
  strcpy(info.sans, "mx.example.com\n192.0.2.25");
  info.not_after = WALL + (int64_t)(a->number * 86400);
  info.verified =
      !a->flag && ((enum sw_outcome)a->code == SW_OUTCOME_OK ||
                   (enum sw_outcome)a->code == SW_OUTCOME_CERT_CHAIN_INCOMPLETE);
  sw_dialogue_tls_ready(d, &info, a->flag ? SW_OUTCOME_OK : (enum sw_outcome)a->code,
                        a->detail, WALL, now);
  assert_null(info.sans); /* the dialogue owns it now */
}

/* One piece of a server turn, and the check that the client keeps quiet
 * while the greeting is incomplete. */
struct feeding {
  const struct script *sc;
  const struct run_mode *m;
  struct sw_dialogue *d;
  int64_t now;
  int line;
};

static void feed_piece(void *ctx, const char *p, size_t n)
{
  struct feeding *fd = ctx;
  sw_dialogue_receive(fd->d, p, n, fd->now);
  check_quiet_before_greeting(fd->sc, fd->d, fd->m, fd->line);
}

/* One run (script_runs.run): `ctx` is the script, `result` a struct sw_check_result. */
static void run_script(void *ctx, const struct run_mode *m, void *result)
{
  const struct script *sc = ctx;
  struct sw_check_result *out = result;
  struct sw_dialogue_config cfg = {
      .command = sw_buf_str(&sc->command),
      .expect = sw_buf_str(&sc->expect),
      .timeout_ms = sc->timeout_ms,
      .tls_mode = sc->tls_mode,
      .cert_warn_days = sc->warn_days,
      .cert_crit_days = sc->crit_days,
      .auth = {.user = sc->auth_user.len ? sw_buf_str(&sc->auth_user) : NULL,
               .password = sc->auth_password.len ? sw_buf_str(&sc->auth_password) : NULL,
               .mech = sc->auth_mech,
               .allow_plaintext = sc->allow_plaintext_auth,
               .oauth = sc->oauth_token.len > 0},
  };
  if (sc->has_mail) {
    cfg.mail.from = sc->mail_from;
    cfg.mail.to = (const char *const *)sc->rcpt;
    cfg.mail.to_count = sc->nrcpt;
    cfg.mail.relay_rcpt = sc->relay_rcpt[0] ? sc->relay_rcpt : NULL;
  }
  if (sc->has_message) {
    cfg.mail.message = sc->message.len ? sc->message.data : "";
    cfg.mail.message_len = sc->message.len;
  }
  struct sw_dialogue *d = malloc(sizeof *d);
  assert_non_null(d);
  int64_t now = T0;
  struct sw_buf got;
  sw_buf_init(&got, 0);

  sw_dialogue_init(d, &cfg, now);
  if (!sc->manual_connect && !sw_dialogue_done(d)) {
    sw_dialogue_resolved(d, now);
    sw_dialogue_connected(d, sc->peer, sc->ehlo, now);
  }
  drain(sc, d, m, 0, &got);
  compare_output(sc, m, 0, &got, &sc->f.start.expect_out);

  for (int i = 0; i < sc->f.nactions; i++) {
    const struct script_action *a = &sc->f.actions[i];
    if (a->is_turn) {
      struct feeding fd = {sc, m, d, now, a->line};
      script_feed_turn(&sc->f, i, m, feed_piece, &fd);
    } else {
      switch (a->ev) {
      case EV_EOF:
        sw_dialogue_eof(d, now);
        break;
      case EV_TIMEOUT:
        sw_dialogue_timeout(d, now);
        break;
      case EV_FAIL:
        sw_dialogue_fail(d, (enum sw_outcome)a->code, a->detail, now);
        break;
      case EV_WAIT:
        now += (int64_t)a->ms * 1000;
        break;
      case EV_RESOLVED:
        sw_dialogue_resolved(d, now);
        break;
      case EV_CONNECTED:
        sw_dialogue_connected(d, sc->peer, sc->ehlo, now);
        break;
      case EV_TLS_HANDSHAKE:
      case EV_TLS_READY:
      case EV_TLS_FAILED:
        /* The engine does a handshake only when the dialogue asks (and
         * reports it up after the handshake too, while it checks the
         * certificate). */
        if (a->ev == EV_TLS_READY ? d->state != SW_DLG_TLS : !sw_dialogue_wants_tls(d))
          fail_msg("%s:%d (%s): the dialogue did not ask for TLS (state %s)", sc->f.path,
                   a->line, m->text, sw_dialogue_state_name(d->state));
        if (a->ev == EV_TLS_HANDSHAKE)
          sw_dialogue_tls_handshake_done(d, now);
        else if (a->ev == EV_TLS_FAILED)
          sw_dialogue_tls_failed(d, a->detail, now);
        else
          tls_ready(d, a, now);
        break;
      case EV_TOKEN:
      case EV_TOKEN_FAILED:
        /* The engine fetches a token only when the dialogue asks. */
        if (!sw_dialogue_wants_token(d))
          fail_msg("%s:%d (%s): the dialogue did not ask for a token (state %s)",
                   sc->f.path, a->line, m->text, sw_dialogue_state_name(d->state));
        if (a->ev == EV_TOKEN)
          sw_dialogue_token_ready(d, sw_buf_str(&sc->oauth_token), now);
        else
          sw_dialogue_token_failed(d, a->detail, now);
        break;
      case EV_COUNT:
        break; /* not an event */
      }
    }
    got.len = 0;
    drain(sc, d, m, a->line, &got);
    compare_output(sc, m, a->line, &got, &a->expect_out);
  }
  if (!sw_dialogue_done(d))
    fail_msg("%s (%s): the dialogue is not done at the end (state %s)", sc->f.path,
             m->text, sw_dialogue_state_name(d->state));
  /* Bytes after the end change nothing. */
  sw_dialogue_receive(d, "421 late\r\n", 10, now);
  sw_dialogue_eof(d, now);
  check_no_secret(sc, m, d);
  sw_dialogue_take_result(d, out);
  sw_dialogue_free(d);
  free(d);
  sw_buf_free(&got);
}

/* ---- expectations ---------------------------------------------------------- */

static bool step_from_name(const char *name, enum sw_step *s)
{
  for (int i = 0; i < SW_STEP_COUNT; i++)
    if (strcmp(name, sw_step_name((enum sw_step)i)) == 0) {
      *s = (enum sw_step)i;
      return true;
    }
  return false;
}

static unsigned caps_from_names(const struct script *sc,
                                const struct script_expectation *e)
{
  unsigned caps = 0;
  char copy[256];
  snprintf(copy, sizeof copy, "%s", e->value);
  for (char *w = strtok(copy, " "); w; w = strtok(NULL, " ")) {
    if (strcmp(w, "none") == 0)
      continue;
    int i = 0;
    while (i < SW_CAP_COUNT && strcmp(w, sw_cap_name((enum sw_cap_bit)i)) != 0)
      i++;
    if (i == SW_CAP_COUNT)
      fail_msg("%s:%d: unknown capability %s", sc->f.path, e->line, w);
    caps |= 1u << i;
  }
  return caps;
}

/* script_runs.expect: `e` against the first result. */
static void check_expectation(void *ctx, const struct script_expectation *e,
                              const void *first)
{
  const struct script *sc = ctx;
  const struct sw_check_result *r = first;
  const char *k = e->key, *v = e->value;
  char desc[1024];
  sw_check_result_describe(r, desc, sizeof desc);
  char got[64];
  const char *have = NULL; /* for text comparisons */
  bool substring = k[strlen(k) - 1] == '~';
  bool ok;
  if (strcmp(k, "outcome") == 0) {
    enum sw_outcome o;
    if (!sw_outcome_from_name(v, &o))
      fail_msg("%s:%d: unknown outcome %s", sc->f.path, e->line, v);
    have = sw_outcome_name(r->outcome);
    ok = o == r->outcome;
  } else if (strcmp(k, "step") == 0) {
    have = sw_step_name(r->step);
    ok = strcmp(v, have) == 0;
  } else if (strcmp(k, "code") == 0) {
    snprintf(got, sizeof got, "%d", r->reply_code);
    have = got;
    ok = atoi(v) == r->reply_code;
  } else if (strcmp(k, "enhanced") == 0) {
    have = r->enhanced_code;
    ok = strcmp(strcmp(v, "-") == 0 ? "" : v, have) == 0;
  } else if (strcmp(k, "used_helo") == 0) {
    have = r->used_helo ? "yes" : "no";
    ok = strcmp(v, have) == 0;
  } else if (strcmp(k, "caps") == 0) {
    snprintf(got, sizeof got, "0x%x", r->caps);
    have = got;
    ok = caps_from_names(sc, e) == r->caps;
  } else if (strcmp(k, "step_ms") == 0) {
    char name[32];
    long ms;
    enum sw_step s = SW_STEP_RESOLVE;
    if (sscanf(v, "%31s %ld", name, &ms) != 2 || !step_from_name(name, &s))
      fail_msg("%s:%d: bad step_ms", sc->f.path, e->line);
    snprintf(got, sizeof got, "%lld us", (long long)r->step_us[s]);
    have = got;
    ok = ms < 0 ? r->step_us[s] == -1 : r->step_us[s] == (int64_t)ms * 1000;
  } else if (strcmp(k, "nagios") == 0) {
    /* The status without time thresholds: what the outcome alone makes it. */
    have = sw_nagios_status_name(sw_nagios_status(r, -1, -1));
    ok = strcmp(v, have) == 0;
  } else if (strcmp(k, "accepted") == 0) {
    have = r->message_accepted ? "yes" : "no";
    ok = strcmp(v, have) == 0;
  } else if (strcmp(k, "tls") == 0 || strcmp(k, "verified") == 0) {
    bool b = k[0] == 't' ? r->tls.used : r->tls.verified;
    have = b ? "yes" : "no";
    ok = strcmp(v, have) == 0;
  } else if (strcmp(k, "days_left") == 0) {
    snprintf(got, sizeof got, "%d", r->tls.days_left);
    have = got;
    ok = atoi(v) == r->tls.days_left;
  } else if (strcmp(k, "total_ms") == 0) {
    snprintf(got, sizeof got, "%lld us", (long long)r->total_us);
    have = got;
    ok = r->total_us == atol(v) * 1000LL;
  } else {
    if (strncmp(k, "reply", 5) == 0)
      have = r->reply;
    else if (strncmp(k, "detail", 6) == 0)
      have = r->detail;
    else if (strncmp(k, "describe", 8) == 0)
      have = desc;
    else if (strncmp(k, "transcript", 10) == 0)
      have = sw_buf_str(&r->transcript);
    else if (strcmp(k, "keywords") == 0)
      have = r->ehlo_keywords ? r->ehlo_keywords : "-";
    else if (strcmp(k, "greeting_host") == 0)
      have = r->greeting_host[0] ? r->greeting_host : "-";
    else
      fail_msg("%s:%d: unknown expectation %s", sc->f.path, e->line, k);
    ok = substring ? strstr(have, v) != NULL : strcmp(have, v) == 0;
  }
  if (!ok)
    fail_msg("%s:%d: expected %s \"%s\", got \"%s\"\n  (%s)\n%s", sc->f.path, e->line, k,
             v, have, desc, sw_buf_str(&r->transcript));
}

/* script_runs.same: `a` the first result, `b` another. */
static void same_result(void *ctx, const struct run_mode *m, const void *first,
                        const void *other)
{
  const struct script *sc = ctx;
  const struct sw_check_result *a = first, *b = other;
  bool same = a->outcome == b->outcome && a->step == b->step &&
              a->reply_code == b->reply_code && strcmp(a->reply, b->reply) == 0 &&
              strcmp(a->detail, b->detail) == 0 && a->caps == b->caps &&
              strcmp(a->greeting_host, b->greeting_host) == 0 &&
              a->used_helo == b->used_helo && a->tls.used == b->tls.used &&
              a->message_accepted == b->message_accepted &&
              a->tls.days_left == b->tls.days_left &&
              strcmp(sw_buf_str(&a->transcript), sw_buf_str(&b->transcript)) == 0 &&
              memcmp(a->step_us, b->step_us, sizeof a->step_us) == 0;
  if (!same)
    fail_msg("%s (%s): the result differs from the one fed whole:\n%s\n---- whole:\n%s",
             sc->f.path, m->text, sw_buf_str(&b->transcript), sw_buf_str(&a->transcript));
}

SCRIPT_RUNS(smtp_runs, struct script, load_script, free_script, struct sw_check_result,
            sw_check_result_free, run_script, check_expectation, same_result);

/* ---- cases a transcript cannot express ------------------------------------- */

struct trace_log {
  char text[512];
};

static void trace(void *ctx, const char *from, const char *to)
{
  struct trace_log *t = ctx;
  size_t n = strlen(t->text);
  snprintf(t->text + n, sizeof t->text - n, "%s>%s ", from, to);
}

static void feed(struct sw_dialogue *d, const char *s, int64_t now)
{
  sw_dialogue_receive(d, s, strlen(s), now);
}

/* The output as a string, marked sent. */
static const char *take_output(struct sw_dialogue *d, char *buf, size_t size)
{
  size_t len;
  const char *out = sw_dialogue_output(d, &len);
  snprintf(buf, size, "%.*s", (int)len, out ? out : "");
  sw_dialogue_sent(d, len);
  return buf;
}

static void test_partial_greeting_says_nothing(void **state)
{
  (void)state;
  struct sw_dialogue_config cfg = {.timeout_ms = 7000};
  struct sw_dialogue d;
  char out[600];
  sw_dialogue_init(&d, &cfg, T0);
  sw_dialogue_connected(&d, "127.0.0.1:25", "client.example", T0);
  /* postscreen's pregreet test: "220-" then a pause to catch early talkers. */
  feed(&d, "220-mx.example ESMTP postscreen\r\n", T0 + 1000);
  assert_string_equal(take_output(&d, out, sizeof out), "");
  feed(&d, "220-still greeting\r\n220 mx.example", T0 + 6000000);
  assert_string_equal(take_output(&d, out, sizeof out), "");
  feed(&d, "\r", T0 + 6000001);
  assert_string_equal(take_output(&d, out, sizeof out), "");
  feed(&d, "\n", T0 + 6000002);
  assert_string_equal(take_output(&d, out, sizeof out), "EHLO client.example\r\n");
  assert_int_equal(d.state, SW_DLG_EHLO);
  sw_dialogue_free(&d);
}

static void test_steps_timed_and_traced(void **state)
{
  (void)state;
  struct trace_log log = {""};
  struct sw_dialogue_config cfg = {
      .command = "NOOP", .timeout_ms = 5000, .trace = trace, .trace_ctx = &log};
  struct sw_dialogue d;
  char out[600];
  int64_t t = 5000000;
  sw_dialogue_init(&d, &cfg, t);
  assert_int_equal(sw_dialogue_deadline(&d), t + 5000000);
  sw_dialogue_resolved(&d, t += 2000);                            /* resolve: 2 ms */
  sw_dialogue_connected(&d, "[::1]:25", "[IPv6:::1]", t += 3000); /* connect: 3 ms */
  feed(&d, "220 hi\r\n", t += 4000);                              /* greeting: 4 ms */
  assert_string_equal(take_output(&d, out, sizeof out), "EHLO [IPv6:::1]\r\n");
  feed(&d, "502 what\r\n", t += 1000); /* EHLO 1 ms ... */
  assert_string_equal(take_output(&d, out, sizeof out), "HELO [IPv6:::1]\r\n");
  feed(&d, "250 hello\r\n", t += 1500); /* ... + HELO 1.5 ms */
  assert_string_equal(take_output(&d, out, sizeof out), "NOOP\r\n");
  feed(&d, "250 2.0.0 Ok\r\n", t += 700); /* command: 0.7 ms */
  assert_string_equal(take_output(&d, out, sizeof out), "QUIT\r\n");
  feed(&d, "221 2.0.0 Bye\r\n", t += 300); /* QUIT: 0.3 ms */
  assert_true(sw_dialogue_done(&d));

  const struct sw_check_result *r = sw_dialogue_result(&d);
  assert_int_equal(r->outcome, SW_OUTCOME_OK);
  assert_int_equal(r->step, SW_STEP_QUIT);
  assert_int_equal(r->step_us[SW_STEP_RESOLVE], 2000);
  assert_int_equal(r->step_us[SW_STEP_CONNECT], 3000);
  assert_int_equal(r->step_us[SW_STEP_GREETING], 4000);
  assert_int_equal(r->step_us[SW_STEP_EHLO], 2500);
  assert_int_equal(r->step_us[SW_STEP_COMMAND], 700);
  assert_int_equal(r->step_us[SW_STEP_QUIT], 300);
  assert_int_equal(r->total_us, 12500);
  assert_true(r->used_helo);
  assert_int_equal(r->reply_code, 250);
  assert_string_equal(r->enhanced_code, "2.0.0");
  assert_string_equal(r->peer, "[::1]:25");
  assert_string_equal(log.text, "RESOLVING>CONNECTING CONNECTING>GREETING GREETING>EHLO "
                                "EHLO>HELO HELO>COMMAND COMMAND>QUIT QUIT>DONE ");
  assert_string_equal(sw_buf_str(&r->transcript),
                      "[    2.000 ms] -- name resolved\n"
                      "[    5.000 ms] -- connected to [::1]:25\n"
                      "[    9.000 ms] S: 220 hi\n"
                      "[    9.000 ms] C: EHLO [IPv6:::1]\n"
                      "[   10.000 ms] S: 502 what\n"
                      "[   10.000 ms] C: HELO [IPv6:::1]\n"
                      "[   11.500 ms] S: 250 hello\n"
                      "[   11.500 ms] C: NOOP\n"
                      "[   12.200 ms] S: 250 2.0.0 Ok\n"
                      "[   12.200 ms] C: QUIT\n"
                      "[   12.500 ms] S: 221 2.0.0 Bye\n");

  struct sw_check_result taken;
  sw_dialogue_take_result(&d, &taken);
  assert_int_equal(taken.outcome, SW_OUTCOME_OK);
  assert_int_equal(sw_dialogue_result(&d)->transcript.len, 0);
  sw_check_result_free(&taken);
  sw_dialogue_free(&d);
}

static void test_command_with_line_break_never_sent(void **state)
{
  (void)state;
  const char *bad[] = {"NOOP\r\nMAIL FROM:<x@example.com>", "NOOP\n", "VRFY a\rb",
                       "NOOP\x01"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct sw_dialogue_config cfg = {.command = bad[i], .timeout_ms = 7000};
    struct sw_dialogue d;
    sw_dialogue_init(&d, &cfg, T0);
    /* It ends before anything is resolved, let alone sent. */
    assert_true(sw_dialogue_done(&d));
    size_t len;
    assert_null(sw_dialogue_output(&d, &len));
    assert_int_equal(len, 0);
    const struct sw_check_result *r = sw_dialogue_result(&d);
    assert_int_equal(r->outcome, SW_OUTCOME_INTERNAL_ERROR);
    assert_int_equal(r->step, SW_STEP_RESOLVE);
    assert_non_null(strstr(r->detail, "one line"));
    /* An engine that carries on regardless still gets nothing to send. */
    sw_dialogue_connected(&d, "127.0.0.1:25", "client.example", T0);
    feed(&d, "220 hi\r\n", T0);
    assert_null(sw_dialogue_output(&d, &len));
    assert_int_equal(r->outcome, SW_OUTCOME_INTERNAL_ERROR);
    sw_dialogue_free(&d);
  }
  /* The longest command that fits one 512-octet line goes; one more does not. */
  char cmd[600];
  memset(cmd, 'A', sizeof cmd);
  for (size_t n = 510; n <= 511; n++) {
    cmd[n] = '\0';
    struct sw_dialogue_config cfg = {.command = cmd, .timeout_ms = 7000};
    struct sw_dialogue d;
    char out[600];
    sw_dialogue_init(&d, &cfg, T0);
    assert_int_equal(sw_dialogue_done(&d), n > 510);
    if (n == 510) {
      sw_dialogue_connected(&d, "127.0.0.1:25", "client.example", T0);
      feed(&d, "220 hi\r\n", T0);
      take_output(&d, out, sizeof out);
      feed(&d, "250 ok\r\n", T0);
      assert_int_equal(strlen(take_output(&d, out, sizeof out)), 512);
    }
    sw_dialogue_free(&d);
    cmd[n] = 'A';
  }
}

static void test_bad_ehlo_name_is_internal_error(void **state)
{
  (void)state;
  const char *bad[] = {"", "two words", "bad\r\nname"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct sw_dialogue_config cfg = {.timeout_ms = 7000};
    struct sw_dialogue d;
    sw_dialogue_init(&d, &cfg, T0);
    sw_dialogue_connected(&d, "127.0.0.1:25", bad[i], T0);
    assert_true(sw_dialogue_done(&d));
    assert_int_equal(sw_dialogue_result(&d)->outcome, SW_OUTCOME_INTERNAL_ERROR);
    assert_int_equal(sw_dialogue_result(&d)->step, SW_STEP_CONNECT);
    sw_dialogue_free(&d);
  }
}

static void test_output_survives_partial_sends(void **state)
{
  (void)state;
  /* The engine may send part of a line; the rest stays until it goes, and
   * the server's answer is read only after that. */
  struct sw_dialogue_config cfg = {.timeout_ms = 7000};
  struct sw_dialogue d;
  char out[600];
  sw_dialogue_init(&d, &cfg, T0);
  sw_dialogue_connected(&d, "127.0.0.1:25", "client.example", T0);
  feed(&d, "220 hi\r\n", T0);
  size_t len;
  const char *o = sw_dialogue_output(&d, &len);
  assert_int_equal(len, 21);
  assert_memory_equal(o, "EHLO ", 5);
  sw_dialogue_sent(&d, 5);
  feed(&d, "250-mx\r\n250 STARTTLS\r\n", T0); /* early, or a fast server */
  assert_int_equal(d.state, SW_DLG_EHLO);
  o = sw_dialogue_output(&d, &len);
  assert_int_equal(len, 16);
  assert_memory_equal(o, "client.example\r\n", 16);
  sw_dialogue_sent(&d, 16);
  assert_int_equal(d.state, SW_DLG_QUIT);
  assert_true(sw_dialogue_result(&d)->caps & SW_CAP(STARTTLS));
  assert_string_equal(take_output(&d, out, sizeof out), "QUIT\r\n");
  /* A close that comes while QUIT is unsent waits for it too. */
  sw_dialogue_eof(&d, T0);
  assert_true(sw_dialogue_done(&d));
  assert_int_equal(sw_dialogue_result(&d)->outcome, SW_OUTCOME_OK);
  sw_dialogue_free(&d);
}

static void test_held_eof_waits_for_held_bytes(void **state)
{
  (void)state;
  struct sw_dialogue_config cfg = {.timeout_ms = 7000};
  struct sw_dialogue d;
  char out[600];
  sw_dialogue_init(&d, &cfg, T0);
  sw_dialogue_connected(&d, "127.0.0.1:25", "client.example", T0);
  feed(&d, "220 hi\r\n554 5.7.1 go away\r\n", T0);
  sw_dialogue_eof(&d, T0); /* the server said no and hung up */
  assert_false(sw_dialogue_done(&d));
  assert_string_equal(take_output(&d, out, sizeof out), "EHLO client.example\r\n");
  /* The 554 answered EHLO: QUIT is queued, then the held close ends it. */
  assert_true(sw_dialogue_done(&d));
  const struct sw_check_result *r = sw_dialogue_result(&d);
  assert_int_equal(r->outcome, SW_OUTCOME_PERM_REJECT);
  assert_int_equal(r->step, SW_STEP_EHLO);
  assert_string_equal(r->reply, "554 5.7.1 go away");
  sw_dialogue_free(&d);
}

static void test_flood_while_waiting_is_bounded(void **state)
{
  (void)state;
  struct sw_dialogue_config cfg = {.timeout_ms = 7000};
  struct sw_dialogue d;
  sw_dialogue_init(&d, &cfg, T0);
  sw_dialogue_connected(&d, "127.0.0.1:25", "client.example", T0);
  feed(&d, "220 hi\r\n", T0);
  char junk[1000];
  memset(junk, 'x', sizeof junk);
  for (int i = 0; i < 100 && !sw_dialogue_done(&d); i++)
    sw_dialogue_receive(&d, junk, sizeof junk, T0);
  assert_true(sw_dialogue_done(&d));
  assert_int_equal(sw_dialogue_result(&d)->outcome, SW_OUTCOME_PROTOCOL_ERROR);
  assert_true(d.held.len <= SW_DIALOGUE_HELD_MAX);
  sw_dialogue_free(&d);
}

static void test_transcript_escapes_and_is_bounded(void **state)
{
  (void)state;
  struct sw_dialogue_config cfg = {.timeout_ms = 7000};
  struct sw_dialogue d;
  sw_dialogue_init(&d, &cfg, T0);
  sw_dialogue_connected(&d, "127.0.0.1:25", "client.example", T0);
  /* A terminal escape and a NUL in a greeting must not reach a log raw. */
  const char greeting[] = "220-\x1b[2J\0 caf\xc3\xa9 \xff\\\r\n";
  sw_dialogue_receive(&d, greeting, sizeof greeting - 1, T0);
  /* 15 lines of 500 control bytes: 30 KiB escaped in one reply, twice. */
  char line[512], out[600];
  memset(line + 4, 1, 500);
  memcpy(line + 504, "\r\n", 2);
  for (int reply = 0; reply < 2; reply++) {
    memcpy(line, reply == 0 ? "220-" : "250-", 4);
    for (int i = 0; i < 15; i++)
      sw_dialogue_receive(&d, line, 506, T0);
    assert_false(d.result.transcript.truncated);
    feed(&d, reply == 0 ? "220 ok\r\n" : "250 ok\r\n", T0);
    take_output(&d, out, sizeof out);
  }
  assert_int_equal(d.state, SW_DLG_QUIT);
  const char *t = sw_buf_str(&d.result.transcript);
  assert_non_null(strstr(t, "S: 220-\\x1B[2J\\x00 caf\xc3\xa9 \\xFF\\\\\n"));
  assert_true(d.result.transcript.truncated);
  assert_true(d.result.transcript.len <= SW_TRANSCRIPT_MAX + 200);
  assert_non_null(strstr(sw_buf_str(&d.result.transcript), "transcript truncated"));
  for (const char *p = sw_buf_str(&d.result.transcript); *p; p++)
    assert_true(*p == '\n' || (unsigned char)*p >= 0x20);
  sw_dialogue_free(&d);
}

static void test_tls_ready_owns_and_escapes_certificate_text(void **state)
{
  (void)state;
  struct sw_dialogue_config cfg = {
      .timeout_ms = 7000, .tls_mode = SW_TLS_IMPLICIT, .cert_warn_days = 21};
  struct sw_dialogue d;
  sw_dialogue_init(&d, &cfg, T0);
  sw_dialogue_connected(&d, "127.0.0.1:465", "client.example", T0);
  assert_true(sw_dialogue_wants_tls(&d));
  size_t len;
  assert_null(sw_dialogue_output(&d, &len)); /* not a word before TLS */
  /* A hostile certificate: terminal escapes and line breaks in its names. */
  struct sw_tls_info info;
  memset(&info, 0, sizeof info);
  snprintf(info.subject, sizeof info.subject, "CN=evil\x1b[2J\r\nC: QUIT");
  snprintf(info.issuer, sizeof info.issuer, "CN=caf\xc3\xa9 \xff");
  info.sans = malloc(32);
  assert_non_null(info.sans);
  strcpy(info.sans, "a.example\nb\x07.example");
  info.not_after = WALL + 30 * 86400;
  info.verified = true;
  sw_dialogue_tls_ready(&d, &info, SW_OUTCOME_OK, "", WALL, T0 + 5000);
  assert_null(info.sans);
  assert_false(sw_dialogue_wants_tls(&d));
  assert_int_equal(d.state, SW_DLG_GREETING);
  const struct sw_tls_info *t = &sw_dialogue_result(&d)->tls;
  assert_true(t->used);
  assert_int_equal(t->days_left, 30);
  assert_string_equal(t->subject, "CN=evil\\x1B[2J\\x0D\\x0AC: QUIT");
  assert_string_equal(t->issuer, "CN=caf\xc3\xa9 \\xFF");
  assert_string_equal(t->sans, "a.example\nb\\x07.example");
  for (const char *p = sw_buf_str(&d.result.transcript); *p; p++)
    assert_true(*p == '\n' || (unsigned char)*p >= 0x20);
  /* Reported again (an engine bug), or after the end: freed, not kept. */
  info.sans = malloc(8);
  assert_non_null(info.sans);
  strcpy(info.sans, "x");
  sw_dialogue_tls_ready(&d, &info, SW_OUTCOME_OK, "", WALL, T0 + 6000);
  assert_null(info.sans);
  assert_string_equal(sw_dialogue_result(&d)->tls.sans, "a.example\nb\\x07.example");
  sw_dialogue_free(&d);
}

static void test_plain_dialogue_never_wants_tls(void **state)
{
  (void)state;
  /* Without a TLS mode, STARTTLS in the EHLO reply changes nothing. */
  struct sw_dialogue_config cfg = {.timeout_ms = 7000};
  struct sw_dialogue d;
  char out[600];
  sw_dialogue_init(&d, &cfg, T0);
  sw_dialogue_connected(&d, "127.0.0.1:25", "client.example", T0);
  assert_false(sw_dialogue_wants_tls(&d));
  feed(&d, "220 hi\r\n", T0);
  assert_string_equal(take_output(&d, out, sizeof out), "EHLO client.example\r\n");
  feed(&d, "250-hi\r\n250 STARTTLS\r\n", T0);
  assert_string_equal(take_output(&d, out, sizeof out), "QUIT\r\n");
  assert_false(sw_dialogue_wants_tls(&d));
  sw_dialogue_free(&d);
}

/* An Entra ID token of several KB: "AUTH XOAUTH2" alone, then, after the
 * empty 334, one response line longer than a write, handed out in pieces
 * of SW_DIALOGUE_SEND_MAX that make exactly that line; the token is in
 * neither the transcript nor the buffer afterwards. A token too long for
 * any response line is not sent. */
static void test_xoauth2_long_token_in_pieces(void **state)
{
  (void)state;
  static char token[8001];
  memset(token, 'k', sizeof token - 1);
  struct sw_dialogue_config cfg = {
      .timeout_ms = 7000,
      .auth = {.user = "u@example.com",
               .mech = SW_AUTH_MECH_XOAUTH2,
               .allow_plaintext = true,
               .oauth = true},
  };
  struct sw_dialogue *d = malloc(sizeof *d);
  assert_non_null(d);
  char out[600];
  sw_dialogue_init(d, &cfg, T0);
  sw_dialogue_connected(d, "127.0.0.1:25", "client.example", T0);
  feed(d, "220 hi\r\n", T0);
  take_output(d, out, sizeof out);
  feed(d, "250-hi\r\n250 AUTH XOAUTH2\r\n", T0);
  assert_string_equal(take_output(d, out, sizeof out), "");
  assert_true(sw_dialogue_wants_token(d));
  sw_dialogue_token_ready(d, token, T0);
  assert_string_equal(take_output(d, out, sizeof out), "AUTH XOAUTH2\r\n");
  feed(d, "334 \r\n", T0);
  struct sw_buf line, want, raw;
  sw_buf_init(&line, 0);
  sw_buf_init(&want, 0);
  sw_buf_init(&raw, 0);
  size_t len, writes = 0;
  const char *p;
  while ((p = sw_dialogue_output(d, &len)) != NULL && len > 0) {
    assert_true(len <= SW_DIALOGUE_SEND_MAX);
    sw_buf_append(&line, p, len);
    sw_dialogue_sent(d, len);
    writes++;
  }
  sw_buf_appends(&raw, "user=u@example.com\x01"
                       "auth=Bearer ");
  sw_buf_appends(&raw, token);
  sw_buf_appends(&raw, "\x01\x01");
  sw_base64_encode(raw.data, raw.len, &want);
  sw_buf_append(&want, "\r\n", 2);
  assert_int_equal(line.len, want.len);
  assert_memory_equal(line.data, want.data, want.len);
  assert_int_equal(writes, (want.len + SW_DIALOGUE_SEND_MAX - 1) / SW_DIALOGUE_SEND_MAX);
  assert_null(strstr(sw_buf_str(&d->result.transcript), "kkkk"));
  for (size_t i = 0; i < sizeof d->out; i++)
    assert_int_equal(d->out[i], 0);
  feed(d, "235 ok\r\n", T0);
  assert_string_equal(take_output(d, out, sizeof out), "QUIT\r\n");
  sw_dialogue_free(d);

  /* One octet past SW_AUTH_BEARER_MAX with the user: nothing goes. */
  static char huge[SW_AUTH_BEARER_MAX + 1];
  memset(huge, 'k', sizeof huge - 1);
  cfg.auth.user = "u";
  sw_dialogue_init(d, &cfg, T0);
  sw_dialogue_connected(d, "127.0.0.1:25", "client.example", T0);
  feed(d, "220 hi\r\n", T0);
  take_output(d, out, sizeof out);
  feed(d, "250-hi\r\n250 AUTH XOAUTH2\r\n", T0);
  sw_dialogue_token_ready(d, huge, T0);
  assert_true(sw_dialogue_done(d));
  assert_int_equal(sw_dialogue_result(d)->outcome, SW_OUTCOME_INTERNAL_ERROR);
  assert_int_equal(sw_dialogue_result(d)->step, SW_STEP_AUTH);
  sw_dialogue_free(d);
  free(d);
  sw_buf_free(&line);
  sw_buf_free(&want);
  sw_buf_free(&raw);
}

static void test_submission_config_refused(void **state)
{
  (void)state;
  static const char *const one[] = {"ops@example.com"};
  static const char *const bad_rcpt[] = {"ops@example.com", "not an address"};
  static const char *const many[SW_DIALOGUE_RCPT_MAX + 1] = {
      "a@example.com", "a@example.com", "a@example.com", "a@example.com", "a@example.com",
      "a@example.com", "a@example.com", "a@example.com", "a@example.com", "a@example.com",
      "a@example.com", "a@example.com", "a@example.com", "a@example.com", "a@example.com",
      "a@example.com", "a@example.com"};
  char long_password[SW_AUTH_CREDENTIALS_MAX + 8];
  memset(long_password, 'p', sizeof long_password - 1);
  long_password[sizeof long_password - 1] = '\0';
  const char *ok = "Subject: x\r\n\r\nbody\r\n.\r\n";
  char long_user[SW_AUTH_USER_MAX + 2];
  memset(long_user, 'u', sizeof long_user - 1);
  long_user[sizeof long_user - 1] = '\0';
  const char *relay = "relay-test@smtpwatch.invalid";
  struct {
    struct sw_dialogue_config cfg;
    const char *detail;
  } cases[] = {
      {{.auth = {.user = "u", .password = NULL}}, "no password"},
      {{.auth = {.user = "u", .password = long_password}}, "longer than 370 octets"},
      {{.auth = {.user = "u", .password = "p", .mech = (enum sw_auth_mech)9}},
       "mechanism"},
      {{.auth = {.user = long_user, .password = "p"}}, "longer than 348 octets"},
      {{.auth = {.user = "u", .mech = SW_AUTH_MECH_XOAUTH2}}, "no access token"},
      {{.auth =
            {.user = "u", .password = "t", .mech = SW_AUTH_MECH_XOAUTH2, .oauth = true}},
       "both a token and a token endpoint"},
      {{.auth = {.user = "u", .password = "p", .oauth = true}}, "XOAUTH2 only"},
      {{.mail = {.relay_rcpt = relay}}, "needs an envelope sender"},
      {{.mail = {.from = "a@example.com",
                 .to = one,
                 .to_count = 1,
                 .relay_rcpt = relay,
                 .message = ok,
                 .message_len = strlen(ok)}},
       "never sends a message"},
      {{.auth = {.user = "u", .password = "p"},
        .mail = {.from = "a@example.com", .relay_rcpt = relay}},
       "runs without AUTH"},
      {{.mail = {.from = "a@example.com", .relay_rcpt = "relay-test"}},
       "the relay test's recipient:"},
      {{.mail = {.from = "a@example.com",
                 .to = many,
                 .to_count = SW_COUNTOF(many),
                 .relay_rcpt = relay}},
       "0 to 16 recipients besides the relay test's"},
      {{.mail =
            {.from = "a@example.com", .to = NULL, .to_count = 1, .relay_rcpt = relay}},
       "0 to 16"},
      {{.mail = {.message = ok, .message_len = strlen(ok)}}, "needs a sender"},
      {{.command = "NOOP", .mail = {.from = "a@example.com", .to = one, .to_count = 1}},
       "not both"},
      {{.mail = {.from = "no-at-sign", .to = one, .to_count = 1}}, "the sender:"},
      {{.mail = {.from = "a@example.com", .to = one, .to_count = 0}}, "1 to 16"},
      {{.mail = {.from = "a@example.com", .to = many, .to_count = SW_COUNTOF(many)}},
       "1 to 16"},
      {{.mail = {.from = "a@example.com", .to = bad_rcpt, .to_count = 2}},
       "a recipient:"},
      {{.mail = {.from = "a@example.com\r\nRCPT TO:<x@example.com>",
                 .to = one,
                 .to_count = 1}},
       "the sender:"},
  };
  for (size_t i = 0; i < SW_COUNTOF(cases); i++) {
    cases[i].cfg.timeout_ms = 7000;
    struct sw_dialogue d;
    sw_dialogue_init(&d, &cases[i].cfg, T0);
    assert_true(sw_dialogue_done(&d));
    const struct sw_check_result *r = sw_dialogue_result(&d);
    assert_int_equal(r->outcome, SW_OUTCOME_INTERNAL_ERROR);
    assert_int_equal(r->step, SW_STEP_RESOLVE);
    if (!strstr(r->detail, cases[i].detail))
      fail_msg("case %zu: \"%s\" lacks \"%s\"", i, r->detail, cases[i].detail);
    assert_null(strstr(r->detail, "ppppp"));
    size_t len;
    assert_null(sw_dialogue_output(&d, &len));
    sw_dialogue_free(&d);
  }
  /* Messages that are not DATA's payload: its end would be somewhere else
   * than where the caller thinks, or a line would lose its dot. */
  const char *bad[] = {
      "Subject: x\r\n\r\nbody\r\n",       /* no end */
      "Subject: x\r\n.\r\nmore\r\n.\r\n", /* an end before the end */
      "Subject: x\r\n.hidden\r\n.\r\n",   /* a dot not stuffed */
      "Subject: x\nbody\r\n.\r\n",        /* a bare LF */
      "Subject: x\r\nbo\rdy\r\n.\r\n",    /* a bare CR */
      "Subject: x\r\nbody.\r\n",          /* "." not on its own line */
      "",
  };
  for (size_t i = 0; i < SW_COUNTOF(bad); i++) {
    struct sw_dialogue_config cfg = {.timeout_ms = 7000,
                                     .mail = {.from = "a@example.com",
                                              .to = one,
                                              .to_count = 1,
                                              .message = bad[i],
                                              .message_len = strlen(bad[i])}};
    struct sw_dialogue d;
    sw_dialogue_init(&d, &cfg, T0);
    assert_true(sw_dialogue_done(&d));
    if (!strstr(sw_dialogue_result(&d)->detail, "not DATA's payload"))
      fail_msg("message %zu was taken: %s", i, sw_dialogue_result(&d)->detail);
    sw_dialogue_free(&d);
  }
  /* A relay test needs no recipient of its own. */
  struct sw_dialogue_config relay_only = {.timeout_ms = 7000,
                                          .mail = {.from = "", .relay_rcpt = relay}};
  struct sw_dialogue r;
  sw_dialogue_init(&r, &relay_only, T0);
  assert_false(sw_dialogue_done(&r));
  sw_dialogue_free(&r);
  /* The smallest payload, an empty message, is one. */
  struct sw_dialogue_config cfg = {
      .timeout_ms = 7000,
      .mail = {
          .from = "", .to = one, .to_count = 1, .message = ".\r\n", .message_len = 3}};
  struct sw_dialogue d;
  sw_dialogue_init(&d, &cfg, T0);
  assert_false(sw_dialogue_done(&d));
  sw_dialogue_free(&d);
}

static void test_transaction_traced(void **state)
{
  (void)state;
  static const char *const to[] = {"a@example.com", "b@example.com"};
  const char *msg = "Subject: x\r\n.\r\n";
  struct trace_log log = {""};
  struct sw_dialogue_config cfg = {
      .timeout_ms = 7000,
      .auth = {.user = "u", .password = "p", .allow_plaintext = true},
      .mail = {.from = "m@example.com",
               .to = to,
               .to_count = 2,
               .message = msg,
               .message_len = strlen(msg)},
      .trace = trace,
      .trace_ctx = &log};
  struct sw_dialogue d;
  char out[600];
  sw_dialogue_init(&d, &cfg, T0);
  sw_dialogue_connected(&d, "127.0.0.1:25", "client.example", T0);
  const char *server[] = {"220 hi\r\n", "250-hi\r\n250 AUTH PLAIN\r\n",
                          "235 ok\r\n", "250 ok\r\n",
                          "250 ok\r\n", "250 ok\r\n",
                          "354 go\r\n", "250 queued as X\r\n",
                          "221 bye\r\n"};
  for (size_t i = 0; i < SW_COUNTOF(server); i++) {
    feed(&d, server[i], T0);
    take_output(&d, out, sizeof out);
  }
  assert_true(sw_dialogue_done(&d));
  assert_true(sw_dialogue_result(&d)->message_accepted);
  /* RCPT to RCPT is no change of state: one step for every recipient. */
  assert_string_equal(log.text, "RESOLVING>CONNECTING CONNECTING>GREETING GREETING>EHLO "
                                "EHLO>AUTH AUTH>MAIL MAIL>RCPT RCPT>DATA DATA>MESSAGE "
                                "MESSAGE>QUIT QUIT>DONE ");
  sw_dialogue_free(&d);
}

/* ---- main: one test per transcript file, then the others ---------------- */

int main(void)
{
  struct script_suite suite = {0};
  bool enough = script_suite_add(&suite, SW_TEST_DATA_DIR "/smtp", 20, &smtp_runs);
  int failed = script_suite_run(&suite);

  const struct CMUnitTest unit[] = {
      cmocka_unit_test(test_partial_greeting_says_nothing),
      cmocka_unit_test(test_steps_timed_and_traced),
      cmocka_unit_test(test_command_with_line_break_never_sent),
      cmocka_unit_test(test_bad_ehlo_name_is_internal_error),
      cmocka_unit_test(test_output_survives_partial_sends),
      cmocka_unit_test(test_held_eof_waits_for_held_bytes),
      cmocka_unit_test(test_flood_while_waiting_is_bounded),
      cmocka_unit_test(test_transcript_escapes_and_is_bounded),
      cmocka_unit_test(test_tls_ready_owns_and_escapes_certificate_text),
      cmocka_unit_test(test_plain_dialogue_never_wants_tls),
      cmocka_unit_test(test_submission_config_refused),
      cmocka_unit_test(test_xoauth2_long_token_in_pieces),
      cmocka_unit_test(test_transaction_traced),
  };
  failed += cmocka_run_group_tests_name("dialogue", unit, NULL, NULL);

  return enough ? failed : failed + 1;
}
