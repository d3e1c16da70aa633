/* The mailbox session's machine, for both protocols. Every event enters
 * through one of the public functions at the bottom; bytes go to the
 * protocol's reader (sw__imap_feed, sw__pop3_feed) one response at a time,
 * and only sw__mbx_set_state changes the state (curl's rule), so the trace
 * cannot miss a transition. What is said and when is in imap_dialogue.c
 * and pop3_dialogue.c; the contract is in mailbox_session.h. */
#include "mailbox_session.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mailbox_internal.h"
#include "sw_wipe.h"
#include "text_escape.h"

static const char *const state_names[] = {SW_MAILBOX_STATE_MAP(SW_X_NAME_1)};
static const char *const outcome_names[] = {SW_MAILBOX_OUTCOME_MAP(SW_X_2)};
static const char *const outcome_texts[] = {SW_MAILBOX_OUTCOME_MAP(SW_X_3)};

const char *sw_mailbox_state_name(enum sw_mailbox_state s)
{
  /* "GREETING", without the enum's prefix */
  return SW_TABLE_AT(state_names, s, "SW_MBX_UNKNOWN") + sizeof "SW_MBX_" - 1;
}

const char *sw_mailbox_outcome_name(enum sw_mailbox_outcome o)
{
  return SW_TABLE_AT(outcome_names, o, "unknown");
}

const char *sw_mailbox_outcome_text(enum sw_mailbox_outcome o)
{
  return SW_TABLE_AT(outcome_texts, o, "The outcome is unknown.");
}

void sw__mbx_set_state(struct sw_mailbox *s, enum sw_mailbox_state to)
{
  enum sw_mailbox_state from = s->state;
  if (to == SW_MBX_DONE) {
    int64_t total = s->now_us - s->start_us;
    s->result.total_us = total > 0 ? total : 0;
  }
  s->state = to;
  if (s->cfg.trace)
    s->cfg.trace(s->cfg.trace_ctx, sw_mailbox_state_name(from),
                 sw_mailbox_state_name(to));
}

void sw__mbx_note(struct sw_mailbox *s, const char *tag, const char *data, size_t len)
{
  sw_transcript_line(&s->result.transcript, s->now_us - s->start_us, tag, data, len);
}

void sw__mbx_event(struct sw_mailbox *s, const char *text)
{
  sw__mbx_note(s, "--", text, strlen(text));
}

void sw__mbx_detail(struct sw_mailbox *s, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->result.detail, sizeof s->result.detail, fmt, ap);
  va_end(ap);
}

const char *sw__mbx_quote(char *buf, const char *data, size_t len)
{
  sw__escape_text(buf, SW_MBX_QUOTE_MAX, data, len, false);
  return buf;
}

void sw__mbx_record_reply(struct sw_mailbox *s, const char *line, size_t len)
{
  sw__escape_text(s->result.reply, sizeof s->result.reply, line, len, false);
}

static bool output_pending(const struct sw_mailbox *s)
{
  return s->out_sent < s->out_ready;
}

static void wipe_command(struct sw_mailbox *s)
{
  sw_wipe(s->out, sizeof s->out);
  sw_wipe(s->shown, sizeof s->shown);
  s->out_len = s->out_sent = s->out_ready = 0;
  s->ncuts = s->next_cut = 0;
  s->shown_len = 0;
}

void sw__mbx_finish(struct sw_mailbox *s, enum sw_mailbox_outcome outcome)
{
  s->result.outcome = outcome;
  s->result.state = s->state;
  wipe_command(s); /* nothing more is said or read */
  sw_buf_free(&s->held);
  s->eof_held = false;
  sw__mbx_set_state(s, SW_MBX_DONE);
}

void sw__mbx_finish_verdict(struct sw_mailbox *s)
{
  enum sw_mailbox_state where = s->result.state;
  sw__mbx_finish(s, s->verdict);
  s->result.state = where; /* where the answer was decided */
}

void sw__mbx_decide(struct sw_mailbox *s, enum sw_mailbox_outcome outcome)
{
  s->has_verdict = true;
  s->verdict = outcome;
  s->result.state = s->state;
  if (s->cfg.protocol == SW_MAILBOX_IMAP)
    sw__imap_logout(s);
  else
    sw__pop3_quit(s);
}

/* --- commands --------------------------------------------------------- */

void sw__mbx_cmd_init(struct sw_mbx_cmd *c)
{
  memset(c, 0, sizeof *c);
}

static void put(char *buf, size_t *len, const char *text, size_t n, bool *overflow)
{
  if (*len + n > SW_MAILBOX_OUT_MAX) {
    *overflow = true;
    return;
  }
  memcpy(buf + *len, text, n);
  *len += n;
}

void sw__mbx_cmd_add(struct sw_mbx_cmd *c, const char *text, size_t len)
{
  put(c->buf, &c->len, text, len, &c->overflow);
  put(c->shown, &c->shown_len, text, len, &c->overflow);
}

void sw__mbx_cmd_add_secret(struct sw_mbx_cmd *c, const char *text, size_t len)
{
  put(c->buf, &c->len, text, len, &c->overflow);
  put(c->shown, &c->shown_len, "****", 4, &c->overflow);
}

void sw__mbx_cmd_cut(struct sw_mbx_cmd *c)
{
  if (c->ncuts == (int)SW_COUNTOF(c->cuts)) {
    c->overflow = true;
    return;
  }
  c->cuts[c->ncuts] = c->len;
  c->shown_cuts[c->ncuts++] = c->shown_len;
}

void sw__mbx_cmd_wipe(struct sw_mbx_cmd *c)
{
  sw_wipe(c, sizeof *c);
}

/* The next part of the command may go: into the output, and its shown
 * form, without its CRLF, into the transcript. */
static void release(struct sw_mailbox *s)
{
  size_t from = s->out_ready, shown_from = 0;
  if (s->next_cut > 0)
    shown_from = s->shown_cuts[s->next_cut - 1];
  size_t to = s->out_len, shown_to = s->shown_len;
  if (s->next_cut < s->ncuts) {
    to = s->cuts[s->next_cut];
    shown_to = s->shown_cuts[s->next_cut];
  }
  s->next_cut++;
  s->out_ready = to;
  (void)from;
  size_t n = shown_to - shown_from;
  if (n >= 2 && memcmp(s->shown + shown_to - 2, "\r\n", 2) == 0)
    n -= 2;
  sw__mbx_note(s, "C:", s->shown + shown_from, n);
}

bool sw__mbx_send_cmd(struct sw_mailbox *s, const struct sw_mbx_cmd *c)
{
  if (NEVER(c->overflow || output_pending(s) || sw__mbx_part_waiting(s))) {
    sw__mbx_detail(s, "a command did not fit the output buffer");
    sw__mbx_finish(s, SW_MAILBOX_INTERNAL_ERROR);
    return false;
  }
  wipe_command(s);
  memcpy(s->out, c->buf, c->len);
  memcpy(s->shown, c->shown, c->shown_len);
  memcpy(s->cuts, c->cuts, sizeof s->cuts);
  memcpy(s->shown_cuts, c->shown_cuts, sizeof s->shown_cuts);
  s->out_len = c->len;
  s->shown_len = c->shown_len;
  s->ncuts = c->ncuts;
  release(s);
  return true;
}

bool sw__mbx_send_line(struct sw_mailbox *s, const char *line, const char *shown)
{
  struct sw_mbx_cmd c;
  sw__mbx_cmd_init(&c);
  put(c.buf, &c.len, line, strlen(line), &c.overflow);
  put(c.buf, &c.len, "\r\n", 2, &c.overflow);
  shown = shown ? shown : line;
  put(c.shown, &c.shown_len, shown, strlen(shown), &c.overflow);
  bool ok = sw__mbx_send_cmd(s, &c);
  sw__mbx_cmd_wipe(&c);
  return ok;
}

bool sw__mbx_part_waiting(const struct sw_mailbox *s)
{
  return s->out_ready < s->out_len;
}

bool sw__mbx_release_part(struct sw_mailbox *s)
{
  if (!sw__mbx_part_waiting(s) || output_pending(s))
    return false;
  release(s);
  return true;
}

void sw__mbx_drop_command(struct sw_mailbox *s)
{
  wipe_command(s);
}

void sw__mbx_enter_tls(struct sw_mailbox *s)
{
  /* From here on only TLS: what was read or held is forgotten, and bytes
   * after this response are discarded by consume(). */
  sw_buf_free(&s->rd.line);
  sw_buf_free(&s->rd.literal);
  memset(&s->rd, 0, sizeof s->rd);
  sw_buf_free(&s->held);
  s->caps = 0;
  sw__mbx_set_state(s, SW_MBX_TLS);
}

bool sw__mbx_may_send_password(struct sw_mailbox *s)
{
  if (s->tls_done || s->cfg.allow_plaintext)
    return true;
  sw__mbx_detail(s, "%s",
                 s->cfg.tls == SW_MAILBOX_TLS_NONE
                     ? "the connection is not encrypted, so the password was not sent "
                       "(allow plain text, or use TLS)"
                     : "the server does not offer STARTTLS, so the password was not "
                       "sent");
  sw__mbx_decide(s, SW_MAILBOX_LOGIN_FAILED);
  return false;
}

const char *sw__mbx_awaited(const struct sw_mailbox *s)
{
  /* {IMAP, POP3} for each state that awaits an answer. */
  static const char *const awaited[][2] = {
      [SW_MBX_CAPABILITY] = {"CAPABILITY", "CAPA"},
      [SW_MBX_STARTTLS] = {"STARTTLS", "STLS"},
      [SW_MBX_LOGIN] = {"the login", "USER/PASS"},
      [SW_MBX_SELECT] = {"SELECT", "SELECT"},
      [SW_MBX_SEARCH] = {"UID SEARCH", "UIDL"},
      [SW_MBX_FETCH] = {"UID FETCH", "TOP"},
      [SW_MBX_DELETE] = {"UID STORE", "DELE"},
      [SW_MBX_EXPUNGE] = {"EXPUNGE", "EXPUNGE"},
      [SW_MBX_IDLE] = {"IDLE", "IDLE"},
      [SW_MBX_LOGOUT] = {"LOGOUT", "QUIT"},
  };
  size_t i = (size_t)s->state;
  const char *name = i < SW_COUNTOF(awaited)
                         ? awaited[i][s->cfg.protocol == SW_MAILBOX_IMAP ? 0 : 1]
                         : NULL;
  return name ? name : "the client"; /* nothing was said yet */
}

/* --- bytes in ---------------------------------------------------------- */

static void hold(struct sw_mailbox *s, const char *data, size_t len)
{
  bool too_much = s->held.len + len > SW_MAILBOX_HELD_MAX;
  if (!too_much && sw_buf_append(&s->held, data, len) == SW_E_OK)
    return;
  if (s->has_verdict) {
    sw__mbx_finish_verdict(s);
    return;
  }
  if (too_much) {
    sw__mbx_detail(s,
                   "the server sent more than %d octets without waiting for the client",
                   SW_MAILBOX_HELD_MAX);
    sw__mbx_finish(s, SW_MAILBOX_PROTOCOL_ERROR);
  } else {
    sw__mbx_detail(s, "out of memory while receiving");
    sw__mbx_finish(s, SW_MAILBOX_INTERNAL_ERROR);
  }
}

static void consume(struct sw_mailbox *s, const char *data, size_t len)
{
  while (len > 0 && s->state != SW_MBX_DONE) {
    size_t used = s->cfg.protocol == SW_MAILBOX_IMAP ? sw__imap_feed(s, data, len)
                                                     : sw__pop3_feed(s, data, len);
    if (NEVER(used == 0 || used > len))
      used = len;
    data += used;
    len -= used;
    if (s->state == SW_MBX_TLS) {
      s->discarded_len += len; /* plaintext after the yes to STARTTLS */
      return;
    }
    if (len > 0 && output_pending(s)) {
      hold(s, data, len);
      return;
    }
  }
}

static void note_discarded(struct sw_mailbox *s)
{
  if (s->discarded_len == 0)
    return;
  char text[128];
  snprintf(text, sizeof text,
           "discarded %lu octet%s the server sent in plain text after agreeing to "
           "TLS",
           (unsigned long)s->discarded_len, s->discarded_len == 1 ? "" : "s");
  sw__mbx_event(s, text);
  s->discarded_len = 0;
}

static void on_eof(struct sw_mailbox *s)
{
  size_t len;
  const char *partial = sw__mbx_partial(s, &len);
  if (len > 0)
    sw__mbx_note(s, "S:", partial, len);
  sw__mbx_event(s, "connection closed by the server");
  if (s->state == SW_MBX_LOGOUT && s->has_verdict) {
    if (s->cfg.protocol == SW_MAILBOX_POP3 && s->ndel > 0) {
      /* RFC 1939 section 6: without +OK to QUIT nothing was deleted. */
      s->result.probe_deleted = false;
      s->result.stale_deleted = 0;
      sw__mbx_event(s, "QUIT was not answered: the deletions did not take place");
    }
    sw__mbx_finish_verdict(s);
    return;
  }
  char q[SW_MBX_QUOTE_MAX];
  if (len > 0)
    sw__mbx_detail(s, "the server closed the connection in the middle of a line: \"%s\"",
                   sw__mbx_quote(q, partial, len));
  else if (s->state == SW_MBX_GREETING)
    sw__mbx_detail(s, "the server closed the connection without sending a greeting");
  else if (s->state == SW_MBX_TLS)
    sw__mbx_detail(s, "the server closed the connection during the TLS handshake");
  else
    sw__mbx_detail(s, "the server closed the connection instead of answering %s",
                   sw__mbx_awaited(s));
  sw__mbx_finish(s, SW_MAILBOX_UNREACHABLE);
}

/* No NUL, CR or LF, and at most SW_MAILBOX_ARG_MAX octets. */
static bool arg_ok(const char *text, bool may_be_empty)
{
  size_t n = text ? strlen(text) : 0;
  if (n == 0)
    return may_be_empty;
  return n <= SW_MAILBOX_ARG_MAX && !strpbrk(text, "\r\n");
}

static bool config_ok(struct sw_mailbox *s)
{
  const struct sw_mailbox_config *c = &s->cfg;
  const char *slash = c->probe ? strchr(c->probe, '/') : NULL;
  if (!arg_ok(c->user, false) || !arg_ok(c->password, false))
    sw__mbx_detail(s, "the mailbox user name or password is empty, too long, or holds "
                      "a line break; nothing was sent");
  else if (!arg_ok(c->folder, true))
    sw__mbx_detail(s, "the folder name is too long or holds a line break");
  else if (!arg_ok(c->probe, false) || !slash || slash == c->probe || !slash[1])
    sw__mbx_detail(s, "the probe's header value is not RULE/NONCE");
  else if (c->stale_s <= 0 || c->timeout_ms == 0)
    sw__mbx_detail(s, "the stale age and the timeout must be positive");
  else
    return true;
  return false;
}

/* --- the API ----------------------------------------------------------- */

void sw_mailbox_init(struct sw_mailbox *s, const struct sw_mailbox_config *cfg,
                     int64_t now_us)
{
  memset(s, 0, sizeof *s);
  s->cfg = *cfg;
  s->start_us = s->now_us = now_us;
  s->result.outcome = SW_MAILBOX_INTERNAL_ERROR;
  sw_buf_init(&s->result.header, SW_MAILBOX_HEADER_MAX);
  sw_buf_init(&s->result.transcript, SW_TRANSCRIPT_MAX + 256);
  sw_buf_init(&s->held, 0);
  sw_buf_init(&s->rd.line, 0);
  sw_buf_init(&s->rd.literal, 0);
  s->state = SW_MBX_CONNECTING;
  if (!config_ok(s))
    sw__mbx_finish(s, SW_MAILBOX_INTERNAL_ERROR);
}

void sw_mailbox_free(struct sw_mailbox *s)
{
  wipe_command(s);
  sw_buf_free(&s->held);
  sw_buf_free(&s->rd.line);
  sw_buf_free(&s->rd.literal);
  sw_mailbox_result_free(&s->result);
}

void sw_mailbox_result_free(struct sw_mailbox_result *r)
{
  sw_buf_free(&r->header);
  sw_buf_free(&r->transcript);
}

void sw_mailbox_connected(struct sw_mailbox *s, const char *peer, int64_t now_us)
{
  if (s->state == SW_MBX_DONE || NEVER(s->state != SW_MBX_CONNECTING))
    return;
  s->now_us = now_us;
  snprintf(s->result.peer, sizeof s->result.peer, "%s", peer ? peer : "");
  char text[96];
  snprintf(text, sizeof text, "connected to %s", s->result.peer);
  sw__mbx_event(s, text);
  /* RFC 8314: with implicit TLS the greeting comes inside TLS. */
  sw__mbx_set_state(s,
                    s->cfg.tls == SW_MAILBOX_TLS_IMPLICIT ? SW_MBX_TLS : SW_MBX_GREETING);
}

void sw_mailbox_receive(struct sw_mailbox *s, const char *data, size_t len,
                        int64_t now_us)
{
  if (s->state == SW_MBX_DONE || len == 0)
    return;
  if (NEVER(s->state == SW_MBX_CONNECTING))
    return; /* bytes before the connection: an engine bug */
  s->now_us = now_us;
  if (s->state == SW_MBX_TLS) {
    s->discarded_len += len; /* plaintext before the handshake: never read */
    return;
  }
  if (output_pending(s) || s->held.len > 0)
    hold(s, data, len);
  else
    consume(s, data, len);
}

void sw_mailbox_eof(struct sw_mailbox *s, int64_t now_us)
{
  if (s->state == SW_MBX_DONE)
    return;
  s->now_us = now_us;
  if (s->held.len > 0)
    s->eof_held = true;
  else
    on_eof(s);
}

void sw_mailbox_fail(struct sw_mailbox *s, const char *detail, int64_t now_us)
{
  if (s->state == SW_MBX_DONE)
    return;
  s->now_us = now_us;
  detail = detail ? detail : "";
  sw__mbx_event(s, detail);
  if (s->has_verdict) {
    sw__mbx_finish_verdict(s);
    return;
  }
  sw__escape_text(s->result.detail, sizeof s->result.detail, detail, strlen(detail),
                  false);
  sw__mbx_finish(s, SW_MAILBOX_UNREACHABLE);
}

void sw_mailbox_timeout(struct sw_mailbox *s, int64_t now_us)
{
  if (s->state == SW_MBX_DONE)
    return;
  s->now_us = now_us;
  int64_t end = s->start_us + (int64_t)s->cfg.timeout_ms * 1000;
  if (s->wait_until_us && now_us < end && s->state == SW_MBX_IDLE) {
    sw__imap_idle_timeout(s);
    return;
  }
  char text[64];
  snprintf(text, sizeof text, "timed out after %lu ms", (unsigned long)s->cfg.timeout_ms);
  sw__mbx_event(s, text);
  if (s->has_verdict) {
    sw__mbx_finish_verdict(s);
    return;
  }
  if (s->state == SW_MBX_CONNECTING)
    sw__mbx_detail(s, "the server did not accept the connection");
  else if (s->state == SW_MBX_GREETING)
    sw__mbx_detail(s, "the server accepted the connection but sent no greeting");
  else if (s->state == SW_MBX_TLS)
    sw__mbx_detail(s, "the TLS handshake did not complete");
  else
    sw__mbx_detail(s, "the server did not answer %s", sw__mbx_awaited(s));
  sw__mbx_finish(s, SW_MAILBOX_UNREACHABLE);
}

bool sw_mailbox_wants_tls(const struct sw_mailbox *s)
{
  return s->state == SW_MBX_TLS;
}

void sw_mailbox_tls_ready(struct sw_mailbox *s, int64_t now_us)
{
  if (s->state == SW_MBX_DONE || NEVER(s->state != SW_MBX_TLS))
    return;
  s->now_us = now_us;
  note_discarded(s);
  sw__mbx_event(s, "TLS session up");
  s->tls_done = true;
  s->result.tls_used = true;
  if (s->cfg.tls == SW_MAILBOX_TLS_IMPLICIT) { /* never STARTTLS besides */
    sw__mbx_set_state(s, SW_MBX_GREETING);
    return;
  }
  if (s->cfg.protocol == SW_MAILBOX_IMAP)
    sw__imap_tls_up(s);
  else
    sw__pop3_tls_up(s);
}

void sw_mailbox_tls_failed(struct sw_mailbox *s, const char *detail, int64_t now_us)
{
  if (s->state == SW_MBX_DONE)
    return;
  s->now_us = now_us;
  note_discarded(s);
  char text[SW_MAILBOX_DETAIL_MAX];
  snprintf(text, sizeof text, "the TLS handshake failed: %s", detail ? detail : "");
  sw_mailbox_fail(s, text, now_us);
}

int64_t sw_mailbox_deadline(const struct sw_mailbox *s)
{
  int64_t end = s->start_us + (int64_t)s->cfg.timeout_ms * 1000;
  return s->wait_until_us && s->wait_until_us < end ? s->wait_until_us : end;
}

const char *sw_mailbox_output(const struct sw_mailbox *s, size_t *len)
{
  if (s->state == SW_MBX_DONE || !output_pending(s)) {
    *len = 0;
    return NULL;
  }
  *len = s->out_ready - s->out_sent;
  return s->out + s->out_sent;
}

void sw_mailbox_sent(struct sw_mailbox *s, size_t n)
{
  if (s->state == SW_MBX_DONE || !output_pending(s))
    return;
  size_t unsent = s->out_ready - s->out_sent;
  if (NEVER(n > unsent))
    n = unsent;
  s->out_sent += n;
  if (output_pending(s))
    return;
  if (!sw__mbx_part_waiting(s))
    wipe_command(s); /* the line may have held the password */
  while (s->held.len > 0 && !output_pending(s) && s->state != SW_MBX_DONE) {
    struct sw_buf bytes = s->held;
    sw_buf_init(&s->held, 0);
    consume(s, bytes.data, bytes.len);
    sw_buf_free(&bytes);
  }
  if (s->eof_held && s->held.len == 0 && s->state != SW_MBX_DONE) {
    s->eof_held = false;
    on_eof(s);
  }
}

const struct sw_mailbox_result *sw_mailbox_result(const struct sw_mailbox *s)
{
  return &s->result;
}

void sw_mailbox_take_result(struct sw_mailbox *s, struct sw_mailbox_result *out)
{
  *out = s->result;
  memset(&s->result, 0, sizeof s->result);
  sw_buf_init(&s->result.header, SW_MAILBOX_HEADER_MAX);
  sw_buf_init(&s->result.transcript, SW_TRANSCRIPT_MAX + 256);
}

const char *sw__mbx_partial(const struct sw_mailbox *s, size_t *len)
{
  *len = s->rd.line.len;
  return s->rd.line.data ? s->rd.line.data : "";
}

bool sw__mbx_number(const char *s, size_t len, uint32_t *out)
{
  if (len == 0 || len > 10)
    return false;
  uint64_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    n = n * 10 + (uint64_t)(s[i] - '0');
  }
  if (n == 0 || n > UINT32_MAX)
    return false;
  *out = (uint32_t)n;
  return true;
}
