/* The IMAP side of the mailbox session (RFC 9051, RFC 3501; UIDPLUS RFC
 * 4315, IDLE RFC 2177, SASL-IR RFC 4959). In order: the greeting (OK,
 * PREAUTH or BYE); CAPABILITY unless the greeting's [CAPABILITY] said it;
 * STARTTLS when wanted (then CAPABILITY again over TLS); AUTHENTICATE
 * PLAIN when offered (its response on the command line with SASL-IR), else
 * LOGIN, never while LOGINDISABLED, and never without TLS unless plain
 * text is allowed; CAPABILITY again unless the login's OK listed them;
 * SELECT the folder; UID SEARCH HEADER X-SmtpWatch-Probe "RULE/" (the
 * rule's probes: a substring search, so each is checked); for each a UID
 * FETCH of its header and INTERNALDATE, one at a time; UID STORE
 * +FLAGS.SILENT (\Deleted) on the probe and the stale probes, then UID
 * EXPUNGE of them (UIDPLUS), else EXPUNGE; IDLE for new mail when waiting
 * (DONE on EXISTS or at the wait's end, then the search again for UIDs
 * past those seen); LOGOUT. One command at a time; tags a1, a2, ... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "imap_text.h"
#include "mailbox_internal.h"
#include "sw_wipe.h"

/* Starts a command "aN " (the tag is the next number). */
static void begin(struct sw_mailbox *s, struct sw_mbx_cmd *c, const char *verb)
{
  char tag[16];
  int n = snprintf(tag, sizeof tag, "a%u ", ++s->tag);
  sw__mbx_cmd_init(c);
  sw__mbx_cmd_add(c, tag, (size_t)n);
  sw__mbx_cmd_add(c, verb, strlen(verb));
}

static void end_and_send(struct sw_mailbox *s, struct sw_mbx_cmd *c,
                         enum sw_mailbox_state to)
{
  sw__mbx_cmd_add(c, "\r\n", 2);
  bool ok = sw__mbx_send_cmd(s, c);
  sw__mbx_cmd_wipe(c);
  if (ok)
    sw__mbx_set_state(s, to);
}

static void simple(struct sw_mailbox *s, const char *verb, enum sw_mailbox_state to)
{
  struct sw_mbx_cmd c;
  begin(s, &c, verb);
  end_and_send(s, &c, to);
}

void sw__imap_logout(struct sw_mailbox *s)
{
  s->wait_until_us = 0;
  simple(s, "LOGOUT", SW_MBX_LOGOUT);
}

/* --- logging in -------------------------------------------------------- */

static void authenticate_plain(struct sw_mailbox *s)
{
  /* RFC 4616: authzid (empty) NUL authcid NUL passwd, in base64. */
  char raw[2 * SW_MAILBOX_ARG_MAX + 2], b64[4 * (sizeof raw / 3 + 1) + 1];
  size_t u = strlen(s->cfg.user), p = strlen(s->cfg.password);
  raw[0] = '\0';
  memcpy(raw + 1, s->cfg.user, u);
  raw[1 + u] = '\0';
  memcpy(raw + 2 + u, s->cfg.password, p);
  bool ok = sw_base64_encode_to(raw, 2 + u + p, b64, sizeof b64);
  sw_wipe(raw, sizeof raw);
  if (NEVER(!ok))
    b64[0] = '\0';
  struct sw_mbx_cmd c;
  begin(s, &c, "AUTHENTICATE PLAIN");
  if (s->caps & SW_MBX_CAP_SASL_IR) {
    sw__mbx_cmd_add(&c, " ", 1);
  } else {
    sw__mbx_cmd_add(&c, "\r\n", 2); /* the response after the server's "+ " */
    sw__mbx_cmd_cut(&c);
  }
  sw__mbx_cmd_add_secret(&c, b64, strlen(b64));
  sw_wipe(b64, sizeof b64);
  end_and_send(s, &c, SW_MBX_LOGIN);
  s->caps &= ~SW_MBX_CAP_KNOWN; /* an untagged CAPABILITY may come meanwhile */
}

static void login(struct sw_mailbox *s)
{
  if (!sw__mbx_may_send_password(s))
    return;
  if (s->caps & SW_MBX_CAP_AUTH_PLAIN) {
    authenticate_plain(s);
    return;
  }
  if (s->caps & SW_MBX_CAP_LOGINDISABLED) {
    sw__mbx_detail(s, "the server disables LOGIN here (LOGINDISABLED) and offers no "
                      "AUTHENTICATE PLAIN; the password was not sent");
    sw__mbx_decide(s, SW_MAILBOX_LOGIN_FAILED);
    return;
  }
  struct sw_mbx_cmd c;
  begin(s, &c, "LOGIN ");
  sw__imap_astring(&c, s->cfg.user, false);
  sw__mbx_cmd_add(&c, " ", 1);
  sw__imap_astring(&c, s->cfg.password, true);
  end_and_send(s, &c, SW_MBX_LOGIN);
  s->caps &= ~SW_MBX_CAP_KNOWN; /* an untagged CAPABILITY may come meanwhile */
}

/* --- looking ------------------------------------------------------------ */

static void select_folder(struct sw_mailbox *s)
{
  const char *folder = s->cfg.folder && s->cfg.folder[0] ? s->cfg.folder : "INBOX";
  struct sw_mbx_cmd c;
  begin(s, &c, "SELECT ");
  sw__imap_astring(&c, folder, false);
  end_and_send(s, &c, SW_MBX_SELECT);
}

static void search(struct sw_mailbox *s)
{
  /* "RULE/": every probe of the rule, the one looked for among them. */
  char prefix[SW_MAILBOX_ARG_MAX + 1];
  size_t n = (size_t)(strchr(s->cfg.probe, '/') - s->cfg.probe) + 1;
  snprintf(prefix, sizeof prefix, "%.*s", (int)n, s->cfg.probe);
  struct sw_mbx_cmd c;
  begin(s, &c, "UID SEARCH ");
  if (sw__imap_is_8bit(prefix))
    sw__mbx_cmd_add(&c, "CHARSET UTF-8 ", 14);
  if (s->uid_seen > 0) {
    char range[32];
    int k = snprintf(range, sizeof range, "UID %lu:* ", (unsigned long)s->uid_seen + 1);
    sw__mbx_cmd_add(&c, range, (size_t)k);
  }
  sw__mbx_cmd_add(&c, "HEADER X-SmtpWatch-Probe ", 25);
  sw__imap_astring(&c, prefix, false);
  s->ncand = s->next_cand = 0;
  end_and_send(s, &c, SW_MBX_SEARCH);
}

static void proceed(struct sw_mailbox *s);

/* The set "5,9,12" of del[]. */
static void add_set(struct sw_mbx_cmd *c, const struct sw_mailbox *s)
{
  for (size_t i = 0; i < s->ndel; i++) {
    char n[16];
    int k = snprintf(n, sizeof n, "%s%lu", i ? "," : "", (unsigned long)s->del[i]);
    sw__mbx_cmd_add(c, n, (size_t)k);
  }
}

static void wait_or_end(struct sw_mailbox *s)
{
  if (s->result.found) {
    sw__mbx_decide(s, SW_MAILBOX_FOUND);
    return;
  }
  bool may_wait = s->cfg.wait_ms > 0 && (s->caps & SW_MBX_CAP_IDLE) &&
                  (s->wait_end_us == 0 || s->now_us < s->wait_end_us);
  if (!may_wait) {
    if (s->cfg.wait_ms > 0 && !(s->caps & SW_MBX_CAP_IDLE))
      sw__mbx_event(s, "the server does not offer IDLE: look again later");
    sw__mbx_decide(s, SW_MAILBOX_NOT_FOUND);
    return;
  }
  if (s->wait_end_us == 0)
    s->wait_end_us = s->now_us + (int64_t)s->cfg.wait_ms * 1000;
  s->idle_going = s->idle_done_due = s->idle_done_sent = s->saw_exists = false;
  simple(s, "IDLE", SW_MBX_IDLE);
  s->wait_until_us = s->wait_end_us;
}

/* The look is over: delete what is to go, then answer or wait. */
static void after_look(struct sw_mailbox *s)
{
  if (s->ndel == 0) {
    wait_or_end(s);
    return;
  }
  struct sw_mbx_cmd c;
  begin(s, &c, "UID STORE ");
  add_set(&c, s);
  sw__mbx_cmd_add(&c, " +FLAGS.SILENT (\\Deleted)", 25);
  end_and_send(s, &c, SW_MBX_DELETE);
}

static void fetch_next(struct sw_mailbox *s)
{
  if (s->next_cand >= s->ncand) {
    after_look(s);
    return;
  }
  char verb[96];
  snprintf(verb, sizeof verb, "UID FETCH %lu (UID INTERNALDATE BODY.PEEK[HEADER])",
           (unsigned long)s->cand[s->next_cand]);
  simple(s, verb, SW_MBX_FETCH);
}

/* "* SEARCH 3 7 9": the candidates past those seen, the highest kept. */
static void on_search(struct sw_mailbox *s, const char *text, size_t len)
{
  size_t i = 0;
  while (i < len) {
    size_t start = i;
    while (i < len && text[i] != ' ')
      i++;
    uint32_t uid;
    if (sw__mbx_number(text + start, i - start, &uid) && uid > s->uid_seen) {
      if (s->ncand < SW_COUNTOF(s->cand)) {
        s->cand[s->ncand++] = uid;
      } else {
        size_t low = 0; /* replace the lowest if this one is higher */
        for (size_t k = 1; k < s->ncand; k++)
          if (s->cand[k] < s->cand[low])
            low = k;
        if (uid > s->cand[low])
          s->cand[low] = uid;
      }
    }
    i++;
  }
}

static int by_number(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* "* n FETCH (...)": the candidate's kind decides what becomes of it. */
static void on_fetch(struct sw_mailbox *s, const char *text, size_t len)
{
  struct sw_imap_fetch f;
  if (s->state != SW_MBX_FETCH || !sw__imap_fetch(text, len, &f) || !f.has_uid ||
      f.uid != s->cand[s->next_cand])
    return; /* a flag change, or not the message asked for */
  const char *hdr = f.header_literal ? s->rd.literal.data : f.header_quoted;
  size_t hlen = f.header_literal ? s->rd.literal.len : f.header_quoted_len;
  enum sw_probe_kind kind =
      sw__probe_kind(&s->cfg, hdr ? hdr : "", hdr ? hlen : 0, f.internal_date_s);
  if (kind == SW_PROBE_THIS && !s->result.found) {
    s->result.found = true;
    s->result.found_us = s->now_us;
    s->result.internal_date_s = f.internal_date_s;
    snprintf(s->result.probe_id, sizeof s->result.probe_id, "%lu", (unsigned long)f.uid);
    sw_buf_append(&s->result.header, hdr, hlen);
    s->result.header_cut = f.header_literal && s->rd.skipping;
    s->probe_no = f.uid;
    sw__mbx_event(s, "the probe is there");
  }
  if ((kind == SW_PROBE_THIS || kind == SW_PROBE_STALE) && s->ndel < SW_COUNTOF(s->del)) {
    s->del[s->ndel++] = f.uid;
    s->nstale += kind == SW_PROBE_STALE;
  }
}

/* --- tagged answers ------------------------------------------------------ */

static void refused(struct sw_mailbox *s, const struct sw_imap_line *l, const char *what,
                    enum sw_mailbox_outcome outcome)
{
  char q[SW_MBX_QUOTE_MAX];
  sw__mbx_detail(s, "the server refused %s: %s", what,
                 sw__mbx_quote(q, l->text, l->text_len));
  sw__mbx_decide(s, outcome);
}

static void on_deleted(struct sw_mailbox *s, bool ok, const struct sw_imap_line *l)
{
  if (!ok) {
    char q[SW_MBX_QUOTE_MAX];
    sw__mbx_event(s, "the probes could not be deleted");
    sw__mbx_detail(s, "the server refused to delete the probes: %s",
                   sw__mbx_quote(q, l->text, l->text_len));
    s->ndel = 0;
    wait_or_end(s);
    return;
  }
  if (s->state == SW_MBX_DELETE) {
    if (s->caps & SW_MBX_CAP_UIDPLUS) {
      struct sw_mbx_cmd c;
      begin(s, &c, "UID EXPUNGE ");
      add_set(&c, s);
      end_and_send(s, &c, SW_MBX_EXPUNGE);
    } else {
      simple(s, "EXPUNGE", SW_MBX_EXPUNGE);
    }
    return;
  }
  s->result.probe_deleted = s->probe_no != 0;
  s->result.stale_deleted += s->nstale;
  s->ndel = s->nstale = 0;
  wait_or_end(s);
}

/* The answer to CAPABILITY, STARTTLS or the login. */
static void on_login_answer(struct sw_mailbox *s, const struct sw_imap_line *l, bool ok,
                            bool no)
{
  unsigned caps;
  if (s->state == SW_MBX_CAPABILITY) {
    if (!ok || !(s->caps & SW_MBX_CAP_KNOWN))
      refused(s, l, "CAPABILITY", SW_MAILBOX_PROTOCOL_ERROR);
    else
      proceed(s);
  } else if (s->state == SW_MBX_STARTTLS) {
    if (!ok)
      refused(s, l, "STARTTLS", SW_MAILBOX_LOGIN_FAILED);
    else
      sw__mbx_enter_tls(s);
  } else if (!ok) {
    refused(s, l, "the user name and password",
            no ? SW_MAILBOX_LOGIN_FAILED : SW_MAILBOX_PROTOCOL_ERROR);
  } else {
    s->logged_in = true;
    /* RFC 9051 6.2: the capabilities may change at login; the OK's code,
     * or an untagged CAPABILITY before it, says them, else they are asked. */
    if (sw__imap_caps_code(l->text, l->text_len, &caps))
      s->caps = caps;
    else if (!(s->caps & SW_MBX_CAP_KNOWN))
      s->caps = 0;
    proceed(s);
  }
}

static void on_tagged(struct sw_mailbox *s, const struct sw_imap_line *l)
{
  bool ok = sw__imap_word(l, "OK");
  bool no = sw__imap_word(l, "NO");
  if (!ok && !no && !sw__imap_word(l, "BAD")) {
    sw__mbx_detail(s, "the server answered %s with neither OK, NO nor BAD",
                   sw__mbx_awaited(s));
    sw__mbx_finish(s, SW_MAILBOX_PROTOCOL_ERROR);
    return;
  }
  if (sw__mbx_part_waiting(s))
    sw__mbx_drop_command(s); /* it answered before taking our literal */
  switch (s->state) {
  case SW_MBX_CAPABILITY:
  case SW_MBX_STARTTLS:
  case SW_MBX_LOGIN:
    on_login_answer(s, l, ok, no);
    return;
  case SW_MBX_SELECT:
    if (!ok) {
      refused(s, l, "to open the folder", SW_MAILBOX_PROTOCOL_ERROR);
      return;
    }
    s->selected = true;
    search(s);
    return;
  case SW_MBX_SEARCH:
    if (!ok) {
      refused(s, l, "the header search", SW_MAILBOX_PROTOCOL_ERROR);
      return;
    }
    qsort(s->cand, s->ncand, sizeof s->cand[0], by_number);
    fetch_next(s);
    return;
  case SW_MBX_FETCH:
    if (!ok) {
      refused(s, l, "to fetch a header", SW_MAILBOX_PROTOCOL_ERROR);
      return;
    }
    if (s->cand[s->next_cand] > s->uid_seen)
      s->uid_seen = s->cand[s->next_cand];
    s->next_cand++;
    fetch_next(s);
    return;
  case SW_MBX_DELETE:
  case SW_MBX_EXPUNGE:
    on_deleted(s, ok, l);
    return;
  case SW_MBX_IDLE:
    s->wait_until_us = 0;
    if (ok && s->saw_exists) {
      search(s); /* new mail: look again */
      return;
    }
    if (!ok)
      sw__mbx_event(s, "the server refused IDLE: look again later");
    sw__mbx_decide(s, SW_MAILBOX_NOT_FOUND);
    return;
  case SW_MBX_LOGOUT:
    sw__mbx_finish_verdict(s);
    return;
  default:
    sw__mbx_detail(s, "the server sent a tagged answer before any command");
    sw__mbx_finish(s, SW_MAILBOX_PROTOCOL_ERROR);
    return;
  }
}

/* What comes after the greeting, TLS, or the login's capabilities. */
static void proceed(struct sw_mailbox *s)
{
  s->result.idle_offered = (s->caps & SW_MBX_CAP_IDLE) != 0;
  if (!(s->caps & SW_MBX_CAP_KNOWN)) {
    simple(s, "CAPABILITY", SW_MBX_CAPABILITY);
  } else if (s->logged_in) {
    if (s->selected)
      search(s);
    else
      select_folder(s);
  } else if (s->cfg.tls == SW_MAILBOX_TLS_STARTTLS && !s->tls_done) {
    if (s->caps & SW_MBX_CAP_STARTTLS) {
      simple(s, "STARTTLS", SW_MBX_STARTTLS);
    } else {
      sw__mbx_detail(s, "the server does not offer STARTTLS, so the password was not "
                        "sent");
      sw__mbx_decide(s, SW_MAILBOX_LOGIN_FAILED);
    }
  } else {
    login(s);
  }
}

void sw__imap_tls_up(struct sw_mailbox *s)
{
  s->caps = 0; /* RFC 9051 6.2.1: forget what was said before TLS */
  proceed(s);
}

void sw__imap_idle_timeout(struct sw_mailbox *s)
{
  s->wait_until_us = 0;
  if (s->idle_done_sent)
    return; /* new mail came: DONE went, its answer is awaited */
  sw__mbx_event(s, "no new mail while waiting");
  if (s->idle_going && !s->idle_done_sent) {
    s->idle_done_sent = true;
    sw__mbx_send_line(s, "DONE", NULL);
  } else {
    s->idle_done_due = true; /* as soon as the server's "+" comes */
  }
}

/* --- untagged and continuation ----------------------------------------- */

static void on_greeting(struct sw_mailbox *s, const struct sw_imap_line *l)
{
  char q[SW_MBX_QUOTE_MAX];
  unsigned caps;
  bool preauth = sw__imap_word(l, "PREAUTH");
  if (!(l->tag_len == 1 && l->tag[0] == '*') || (!preauth && !sw__imap_word(l, "OK"))) {
    sw__mbx_record_reply(s, l->tag, (size_t)(l->text + l->text_len - l->tag));
    bool bye = l->tag_len == 1 && l->tag[0] == '*' && sw__imap_word(l, "BYE");
    sw__mbx_detail(s,
                   bye ? "the server refused the session: %s"
                       : "the server's greeting is not IMAP: \"%s\"",
                   sw__mbx_quote(q, l->tag, (size_t)(l->text + l->text_len - l->tag)));
    sw__mbx_finish(s, bye ? SW_MAILBOX_UNREACHABLE : SW_MAILBOX_PROTOCOL_ERROR);
    return;
  }
  if (sw__imap_caps_code(l->text, l->text_len, &caps))
    s->caps = caps;
  if (preauth) {
    if (s->cfg.tls == SW_MAILBOX_TLS_STARTTLS) {
      /* RFC 9051 7.1.4: STARTTLS is impossible once authenticated, and a
       * PREAUTH on the path is the known way to keep a session plain. */
      sw__mbx_detail(s, "the server logged in at once (PREAUTH), so STARTTLS was "
                        "impossible and the session was ended");
      sw__mbx_decide(s, SW_MAILBOX_PROTOCOL_ERROR);
      return;
    }
    s->logged_in = true;
    sw__mbx_event(s, "logged in by the server (PREAUTH)");
  }
  proceed(s);
}

static void on_continuation(struct sw_mailbox *s)
{
  if (sw__mbx_release_part(s))
    return;
  if (s->state == SW_MBX_IDLE && !s->idle_going) {
    s->idle_going = true;
    s->result.idled = true;
    if (s->idle_done_due || s->saw_exists) {
      s->idle_done_sent = true;
      sw__mbx_send_line(s, "DONE", NULL);
    }
    return;
  }
  sw__mbx_detail(s, "the server asked for more of %s, which had no more",
                 sw__mbx_awaited(s));
  sw__mbx_finish(s, SW_MAILBOX_PROTOCOL_ERROR);
}

static void on_bye(struct sw_mailbox *s, const struct sw_imap_line *l)
{
  if (s->state == SW_MBX_LOGOUT)
    return; /* the answer to LOGOUT */
  char q[SW_MBX_QUOTE_MAX];
  sw__mbx_record_reply(s, l->tag, (size_t)(l->text + l->text_len - l->tag));
  sw__mbx_detail(s, "the server ended the session (BYE) instead of answering %s: %s",
                 sw__mbx_awaited(s), sw__mbx_quote(q, l->text, l->text_len));
  if (s->has_verdict)
    sw__mbx_finish_verdict(s);
  else
    sw__mbx_finish(s, s->result.found ? SW_MAILBOX_FOUND : SW_MAILBOX_UNREACHABLE);
}

static void on_untagged(struct sw_mailbox *s, const struct sw_imap_line *l)
{
  uint32_t n;
  if (sw__imap_word(l, "BYE")) {
    on_bye(s, l);
  } else if (sw__imap_word(l, "CAPABILITY")) {
    s->caps = sw__imap_caps(l->text, l->text_len);
  } else if (sw__imap_word(l, "SEARCH")) {
    if (s->state == SW_MBX_SEARCH)
      on_search(s, l->text, l->text_len);
  } else if (sw__mbx_number(l->word, l->word_len, &n)) {
    if (l->text_len == 6 && memcmp(l->text, "EXISTS", 6) == 0 &&
        s->state == SW_MBX_IDLE) {
      s->saw_exists = true;
      if (s->idle_going && !s->idle_done_sent) {
        s->idle_done_sent = true;
        sw__mbx_send_line(s, "DONE", NULL);
      }
    } else {
      on_fetch(s, l->text, l->text_len);
    }
  }
  /* OK/NO/BAD notes, FLAGS, RECENT, EXPUNGE...: in the transcript only. */
}

static void on_response(struct sw_mailbox *s, const char *line, size_t len)
{
  sw__mbx_note(s, "S:", line, len);
  struct sw_imap_line l;
  bool split = sw__imap_split(line, len, &l);
  if (s->state == SW_MBX_GREETING && split) {
    on_greeting(s, &l);
    return;
  }
  char tag[16];
  snprintf(tag, sizeof tag, "a%u", s->tag);
  char q[SW_MBX_QUOTE_MAX];
  if (split && l.tag_len == 1 && l.tag[0] == '+') {
    on_continuation(s);
  } else if (split && l.tag_len == 1 && l.tag[0] == '*' && l.word_len > 0) {
    on_untagged(s, &l);
  } else if (split && s->tag > 0 && l.tag_len == strlen(tag) &&
             memcmp(l.tag, tag, l.tag_len) == 0) {
    if (!s->has_verdict)
      sw__mbx_record_reply(s, line, len); /* not LOGOUT's: the answer is in */
    on_tagged(s, &l);
  } else if (s->has_verdict) {
    sw__mbx_finish_verdict(s); /* garbage instead of BYE: the answer is known */
  } else {
    sw__mbx_detail(s, "the server sent a line that is not an IMAP response: \"%s\"",
                   sw__mbx_quote(q, line, len));
    sw__mbx_finish(s, SW_MAILBOX_PROTOCOL_ERROR);
  }
}

static void on_read_error(struct sw_mailbox *s, enum sw_imap_read r)
{
  size_t len = s->rd.line.len < SW_MBX_QUOTE_MAX ? s->rd.line.len : SW_MBX_QUOTE_MAX;
  sw__mbx_note(s, "S:", s->rd.line.data ? s->rd.line.data : "", len);
  if (s->has_verdict) {
    sw__mbx_finish_verdict(s);
    return;
  }
  if (r == SW_IMAP_NOMEM) {
    sw__mbx_detail(s, "out of memory while receiving");
    sw__mbx_finish(s, SW_MAILBOX_INTERNAL_ERROR);
    return;
  }
  if (r == SW_IMAP_TOO_LONG)
    sw__mbx_detail(s,
                   "the server sent a line longer than the %d octets this client "
                   "accepts",
                   SW_MBX_LINE_MAX);
  else
    sw__mbx_detail(s,
                   "the server announced a literal larger than the %d octets this "
                   "client accepts",
                   SW_MBX_LITERAL_MAX);
  sw__mbx_finish(s, SW_MAILBOX_PROTOCOL_ERROR);
}

size_t sw__imap_feed(struct sw_mailbox *s, const char *data, size_t len)
{
  size_t used = 0;
  enum sw_imap_read r = sw__imap_read(&s->rd, data, len, &used);
  if (r == SW_IMAP_RESPONSE) {
    /* The line is copied: acting on it may reset the reader (TLS). */
    struct sw_buf line = s->rd.line;
    sw_buf_init(&s->rd.line, 0);
    on_response(s, line.data, line.len);
    sw_buf_free(&s->rd.line);
    s->rd.line = line;
    sw__imap_reader_reset(&s->rd);
  } else if (r != SW_IMAP_MORE) {
    on_read_error(s, r);
  }
  return used;
}
