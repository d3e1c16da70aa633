/* The POP3 side of the mailbox session (RFC 1939; CAPA RFC 2449; STLS RFC
 * 2595). In order: the greeting (+OK); CAPA (a server without it lists
 * nothing); STLS when wanted (then CAPA again over TLS); USER and PASS,
 * never without TLS unless plain text is allowed; UIDL (LIST when the
 * server has no UIDL) for the message numbers; TOP n 0 for the headers of
 * the newest SW_MAILBOX_CANDIDATES_MAX messages, one at a time, the
 * multi-line answer dot-unstuffed; DELE for the probe and the stale probes
 * (judged by their Date: field); QUIT. POP3 deletes only when QUIT is
 * answered +OK (RFC 1939 section 6): until then nothing counts as deleted,
 * and a close or -ERR instead leaves every message where it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailbox_internal.h"
#include "sw_wipe.h"

/* Multi-line answers being read (rd.multi), and what they are for. */
static void begin_multi(struct sw_mailbox *s)
{
  s->rd.multi = true;
  s->rd.total = 0;
  s->rd.literal.len = 0;
  s->rd.skipping = false;
}

static void say(struct sw_mailbox *s, const char *line, const char *shown,
                enum sw_mailbox_state to)
{
  if (sw__mbx_send_line(s, line, shown))
    sw__mbx_set_state(s, to);
}

void sw__pop3_quit(struct sw_mailbox *s)
{
  say(s, "QUIT", NULL, SW_MBX_LOGOUT);
}

static void proceed(struct sw_mailbox *s)
{
  if (!(s->caps & SW_MBX_CAP_KNOWN)) {
    say(s, "CAPA", NULL, SW_MBX_CAPABILITY);
  } else if (s->logged_in) {
    s->ncand = s->next_cand = 0;
    s->listed = false;
    say(s, "UIDL", NULL, SW_MBX_SEARCH);
  } else if (s->cfg.tls == SW_MAILBOX_TLS_STARTTLS && !s->tls_done) {
    if (s->caps & SW_MBX_CAP_STARTTLS) {
      say(s, "STLS", NULL, SW_MBX_STARTTLS);
    } else {
      sw__mbx_detail(s, "the server does not offer STLS, so the password was not sent");
      sw__mbx_decide(s, SW_MAILBOX_LOGIN_FAILED);
    }
  } else if (sw__mbx_may_send_password(s)) {
    char line[8 + SW_MAILBOX_ARG_MAX];
    snprintf(line, sizeof line, "USER %s", s->cfg.user);
    say(s, line, NULL, SW_MBX_LOGIN);
  }
}

void sw__pop3_tls_up(struct sw_mailbox *s)
{
  s->caps = 0; /* RFC 2595 4: ask again over TLS */
  proceed(s);
}

static void fetch_next(struct sw_mailbox *s)
{
  if (s->next_cand < s->ncand) {
    char line[32];
    snprintf(line, sizeof line, "TOP %lu 0", (unsigned long)s->cand[s->next_cand]);
    say(s, line, NULL, SW_MBX_FETCH);
    return;
  }
  s->next_del = 0;
  if (s->ndel > 0) {
    char line[32];
    snprintf(line, sizeof line, "DELE %lu", (unsigned long)s->del[0]);
    say(s, line, NULL, SW_MBX_DELETE);
    return;
  }
  if (s->cfg.wait_ms > 0 && !s->result.found)
    sw__mbx_event(s, "POP3 has no IDLE: look again later");
  sw__mbx_decide(s, s->result.found ? SW_MAILBOX_FOUND : SW_MAILBOX_NOT_FOUND);
}

/* --- lines of multi-line answers --------------------------------------- */

static void caps_line(struct sw_mailbox *s, const char *line, size_t len)
{
  static const struct {
    const char *name;
    unsigned bit;
  } known[] = {
      {"STLS", SW_MBX_CAP_STARTTLS}, {"TOP", SW_MBX_CAP_TOP}, {"UIDL", SW_MBX_CAP_UIDL}};
  size_t word = strcspn(line, " ");
  word = word < len ? word : len;
  for (size_t k = 0; k < SW_COUNTOF(known); k++) {
    size_t n = strlen(known[k].name);
    if (word == n) {
      bool same = true;
      for (size_t i = 0; i < n; i++)
        same = same && (line[i] & ~0x20) == known[k].name[i];
      if (same)
        s->caps |= known[k].bit;
    }
  }
}

/* "n uid" (UIDL) or "n size" (LIST): the newest candidates are kept. */
static void list_line(struct sw_mailbox *s, const char *line, size_t len)
{
  size_t word = strcspn(line, " ");
  uint32_t n;
  if (word >= len || !sw__mbx_number(line, word, &n))
    return;
  size_t at = s->ncand;
  if (s->ncand == SW_COUNTOF(s->cand)) {
    /* numbers come in order: drop the oldest */
    memmove(s->cand, s->cand + 1, (s->ncand - 1) * sizeof s->cand[0]);
    memmove(s->uidl, s->uidl + 1, (s->ncand - 1) * sizeof s->uidl[0]);
    at = s->ncand - 1;
  } else {
    s->ncand++;
  }
  s->cand[at] = n;
  /* UIDL's id; LIST's second word is a size, not an id */
  snprintf(s->uidl[at], sizeof s->uidl[at], "%.*s", s->listed ? 0 : (int)(len - word - 1),
           line + word + 1);
}

static void header_line(struct sw_mailbox *s, const char *line, size_t len)
{
  if (s->rd.literal.len + len + 2 > SW_MAILBOX_HEADER_MAX || s->rd.skipping) {
    s->rd.skipping = true; /* the header is cut */
    return;
  }
  sw_buf_append(&s->rd.literal, line, len);
  sw_buf_append(&s->rd.literal, "\r\n", 2);
}

/* The end of TOP's answer: what the header makes of the candidate. */
static void on_header(struct sw_mailbox *s)
{
  uint32_t n = s->cand[s->next_cand];
  enum sw_probe_kind kind = sw__probe_kind(
      &s->cfg, s->rd.literal.data ? s->rd.literal.data : "", s->rd.literal.len, 0);
  if (kind == SW_PROBE_THIS && !s->result.found) {
    s->result.found = true;
    s->result.found_us = s->now_us;
    if (s->uidl[s->next_cand][0])
      snprintf(s->result.probe_id, sizeof s->result.probe_id, "%s",
               s->uidl[s->next_cand]);
    else
      snprintf(s->result.probe_id, sizeof s->result.probe_id, "%lu", (unsigned long)n);
    sw_buf_append(&s->result.header, s->rd.literal.data, s->rd.literal.len);
    s->result.header_cut = s->rd.skipping;
    s->probe_no = n;
    sw__mbx_event(s, "the probe is there");
  }
  if ((kind == SW_PROBE_THIS || kind == SW_PROBE_STALE) && s->ndel < SW_COUNTOF(s->del)) {
    s->del[s->ndel++] = n;
    s->nstale += kind == SW_PROBE_STALE;
  }
  s->next_cand++;
  fetch_next(s);
}

static int by_number(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* The "." that ends a multi-line answer. */
static void on_multi_end(struct sw_mailbox *s)
{
  s->rd.multi = false;
  switch (s->state) {
  case SW_MBX_CAPABILITY:
    proceed(s);
    return;
  case SW_MBX_SEARCH:
    /* Numbers and their UIDs sorted together: a bubble over at most 64. */
    for (size_t i = 0; i + 1 < s->ncand; i++)
      for (size_t k = 0; k + 1 < s->ncand - i; k++)
        if (by_number(&s->cand[k], &s->cand[k + 1]) > 0) {
          uint32_t t = s->cand[k];
          char u[sizeof s->uidl[0]];
          s->cand[k] = s->cand[k + 1];
          s->cand[k + 1] = t;
          memcpy(u, s->uidl[k], sizeof u);
          memcpy(s->uidl[k], s->uidl[k + 1], sizeof u);
          memcpy(s->uidl[k + 1], u, sizeof u);
        }
    fetch_next(s);
    return;
  case SW_MBX_FETCH:
    on_header(s);
    return;
  default:
    SW_NOT_REACHED(); /* multi is set only in the three states above */
    return;
  }
}

static void on_data_line(struct sw_mailbox *s, const char *line, size_t len)
{
  if (len == 1 && line[0] == '.') {
    on_multi_end(s);
    return;
  }
  if (len > 0 && line[0] == '.') { /* RFC 1939 3: byte-stuffed */
    line++;
    len--;
  }
  if (s->state == SW_MBX_CAPABILITY)
    caps_line(s, line, len);
  else if (s->state == SW_MBX_SEARCH)
    list_line(s, line, len);
  else
    header_line(s, line, len);
}

/* --- status lines -------------------------------------------------------- */

static void refused(struct sw_mailbox *s, const char *line, size_t len, const char *what,
                    enum sw_mailbox_outcome outcome)
{
  char q[SW_MBX_QUOTE_MAX];
  sw__mbx_record_reply(s, line, len);
  sw__mbx_detail(s, "the server refused %s: %s", what, sw__mbx_quote(q, line, len));
  sw__mbx_decide(s, outcome);
}

static void on_ok(struct sw_mailbox *s)
{
  char line[8 + SW_MAILBOX_ARG_MAX];
  switch (s->state) {
  case SW_MBX_GREETING:
    proceed(s);
    return;
  case SW_MBX_CAPABILITY:
    s->caps = SW_MBX_CAP_KNOWN;
    begin_multi(s);
    return;
  case SW_MBX_STARTTLS:
    sw__mbx_enter_tls(s);
    return;
  case SW_MBX_LOGIN:
    if (!s->password_sent) {
      s->password_sent = true;
      snprintf(line, sizeof line, "PASS %s", s->cfg.password);
      say(s, line, "PASS ****", SW_MBX_LOGIN);
      sw_wipe(line, sizeof line);
      return;
    }
    s->logged_in = true;
    proceed(s);
    return;
  case SW_MBX_SEARCH:
  case SW_MBX_FETCH:
    begin_multi(s);
    return;
  case SW_MBX_DELETE:
    if (s->del[s->next_del] == s->probe_no)
      s->probe_dele_ok = true;
    else
      s->stale_dele_ok++;
    if (++s->next_del < s->ndel) {
      snprintf(line, sizeof line, "DELE %lu", (unsigned long)s->del[s->next_del]);
      say(s, line, NULL, SW_MBX_DELETE);
      return;
    }
    sw__mbx_decide(s, s->result.found ? SW_MAILBOX_FOUND : SW_MAILBOX_NOT_FOUND);
    return;
  case SW_MBX_LOGOUT:
    s->result.probe_deleted = s->probe_dele_ok; /* now they are gone */
    s->result.stale_deleted = s->stale_dele_ok;
    sw__mbx_finish_verdict(s);
    return;
  default:
    SW_NOT_REACHED(); /* no other state reads a status line */
    return;
  }
}

static void on_err(struct sw_mailbox *s, const char *line, size_t len)
{
  switch (s->state) {
  case SW_MBX_GREETING:
    sw__mbx_record_reply(s, line, len);
    sw__mbx_detail(s, "the server refused the session: %s", s->result.reply);
    sw__mbx_finish(s, SW_MAILBOX_UNREACHABLE);
    return;
  case SW_MBX_CAPABILITY:
    s->caps = SW_MBX_CAP_KNOWN; /* RFC 2449: a server without CAPA */
    proceed(s);
    return;
  case SW_MBX_STARTTLS:
    refused(s, line, len, "STLS", SW_MAILBOX_LOGIN_FAILED);
    return;
  case SW_MBX_LOGIN:
    refused(s, line, len, "the user name and password", SW_MAILBOX_LOGIN_FAILED);
    return;
  case SW_MBX_SEARCH:
    if (!s->listed) {
      s->listed = true; /* no UIDL: the message numbers from LIST */
      say(s, "LIST", NULL, SW_MBX_SEARCH);
      return;
    }
    refused(s, line, len, "to list the messages", SW_MAILBOX_PROTOCOL_ERROR);
    return;
  case SW_MBX_FETCH:
    refused(s, line, len, "to send a message's header (TOP)", SW_MAILBOX_PROTOCOL_ERROR);
    return;
  case SW_MBX_DELETE:
    refused(s, line, len, "to delete a probe",
            s->result.found ? SW_MAILBOX_FOUND : SW_MAILBOX_NOT_FOUND);
    return;
  case SW_MBX_LOGOUT:
    sw__mbx_event(s, "QUIT failed: the deletions did not take place");
    sw__mbx_finish_verdict(s);
    return;
  default:
    SW_NOT_REACHED();
    return;
  }
}

static void on_status(struct sw_mailbox *s, const char *line, size_t len)
{
  bool ok = len >= 3 && memcmp(line, "+OK", 3) == 0 && (len == 3 || line[3] == ' ');
  bool err = len >= 4 && memcmp(line, "-ERR", 4) == 0 && (len == 4 || line[4] == ' ');
  if (ok) {
    on_ok(s);
  } else if (err) {
    on_err(s, line, len);
  } else if (s->has_verdict) {
    sw__mbx_finish_verdict(s);
  } else {
    char q[SW_MBX_QUOTE_MAX];
    sw__mbx_record_reply(s, line, len);
    sw__mbx_detail(s, "the server sent \"%s\" instead of %s", sw__mbx_quote(q, line, len),
                   s->state == SW_MBX_GREETING ? "a POP3 greeting" : "+OK or -ERR");
    sw__mbx_finish(s, SW_MAILBOX_PROTOCOL_ERROR);
  }
}

/* --- the reader ---------------------------------------------------------- */

static void on_line(struct sw_mailbox *s, const char *line, size_t len)
{
  bool multi = s->rd.multi;
  /* Data lines go to the transcript only as a count (headers are long). */
  if (!multi || s->state != SW_MBX_FETCH || (len == 1 && line[0] == '.'))
    sw__mbx_note(s, "S:", line, len);
  if (multi && s->rd.total + len + 2 > SW_MBX_LITERAL_MAX) {
    sw__mbx_detail(s,
                   "the server's answer to %s is longer than the %d octets this "
                   "client accepts",
                   sw__mbx_awaited(s), SW_MBX_LITERAL_MAX);
    sw__mbx_finish(s, SW_MAILBOX_PROTOCOL_ERROR);
    return;
  }
  s->rd.total += len + 2;
  if (multi)
    on_data_line(s, line, len);
  else
    on_status(s, line, len);
}

size_t sw__pop3_feed(struct sw_mailbox *s, const char *data, size_t len)
{
  struct sw_mailbox_reader *rd = &s->rd;
  const char *nl = memchr(data, '\n', len);
  size_t n = nl ? (size_t)(nl - data) + 1 : len;
  size_t keep = n - (nl ? 1 : 0);
  if (rd->line.len + keep > SW_MBX_LINE_MAX) {
    if (!rd->multi) {
      sw__mbx_detail(s,
                     "the server sent a line longer than the %d octets this client "
                     "accepts",
                     SW_MBX_LINE_MAX);
      sw__mbx_finish(s, SW_MAILBOX_PROTOCOL_ERROR);
      return n;
    }
    keep = SW_MBX_LINE_MAX - rd->line.len; /* a long data line: its start is kept */
    s->line_cut = true;
  }
  if (sw_buf_append(&rd->line, data, keep) != SW_E_OK) {
    sw__mbx_detail(s, "out of memory while receiving");
    sw__mbx_finish(s, SW_MAILBOX_INTERNAL_ERROR);
    return n;
  }
  if (!nl)
    return n;
  size_t l = rd->line.len;
  if (l > 0 && rd->line.data[l - 1] == '\r' && !s->line_cut)
    l--;
  struct sw_buf line = rd->line; /* acting on it may reset the reader (TLS) */
  sw_buf_init(&rd->line, 0);
  s->line_cut = false;
  on_line(s, line.data ? line.data : "", l);
  sw_buf_free(&line);
  return n;
}
