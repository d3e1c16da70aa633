#include "check_report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cert_expiry.h"
#include "domain_report.h"
#include "sw_utf8.h"
#include "text_out.h"

void sw_check_report_headline(const struct sw_pipe_result *r, char *out, size_t size)
{
  if (size == 0)
    return;
  const struct sw_check_result *c = &r->check;
  const char *status = sw_nagios_status_name(r->status);
  char described[sizeof r->message];
  const char *what = r->message;
  if (c->outcome == SW_OUTCOME_OK) {
    snprintf(described, sizeof described,
             "The server answered as expected in %" PRId64 " ms.",
             (c->total_us + 500) / 1000);
    what = described;
  } else if (!what[0]) {
    sw_check_result_describe(c, described, sizeof described);
    what = described;
  }
  snprintf(out, size, "%s - %s", status, what);
  /* The headline is one line: a reply's line breaks become " / " in the
   * service's sentence, and anything else is not for a window title. */
  for (char *p = out; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      *p = ' ';
}

/* Writes s[0..len): each '\n' as CRLF followed by `indent` (NULL: a line
 * break is shown as " / "), a CR before a LF dropped, and any other
 * control character or broken byte as '?'. The service escapes what a
 * server says, so this is a second line of defence, not the first. */
static void put_clean(struct sw_text_out *t, const char *s, size_t len,
                      const char *indent)
{
  size_t i = 0, run = 0; /* s[i - run .. i) is plain and not yet written */
  while (i < len) {
    uint32_t cp;
    size_t n = sw_utf8_next(s + i, len - i, &cp);
    if (cp != SW_UTF8_INVALID && !sw_utf8_is_control(cp)) {
      i += n, run += n;
      continue;
    }
    sw_text_put_bytes(t, s + i - run, run);
    run = 0;
    if (cp == '\r' && i + 1 < len && s[i + 1] == '\n')
      ; /* the LF that follows makes the line break */
    else if (cp == '\n' && indent)
      sw_text_put(t, "\r\n%s", indent);
    else if (cp == '\n')
      sw_text_put(t, " / ");
    else
      sw_text_put(t, "?");
    i += n;
  }
  sw_text_put_bytes(t, s + i - run, run);
}

/* Continuation lines of a value, under its first line. */
#define INDENT "            "

static void put_line(struct sw_text_out *t, const char *label, const char *value)
{
  sw_text_put(t, "%-12s", label);
  put_clean(t, value, strlen(value), NULL);
  sw_text_put(t, "\r\n");
}

/* "  12.345 ms": microseconds as milliseconds, aligned. */
static void put_ms(struct sw_text_out *t, int64_t us)
{
  if (us < 0)
    us = 0;
  sw_text_put(t, "%7" PRId64 ".%03d ms", us / 1000, (int)(us % 1000));
}

static void put_summary(struct sw_text_out *t, const struct sw_pipe_result *r)
{
  const struct sw_check_result *c = &r->check;
  put_line(t, "Outcome:", sw_outcome_text(c->outcome));
  if (c->peer[0])
    put_line(t, "Server:", c->peer);
  if (c->outcome != SW_OUTCOME_OK)
    put_line(t, "Ended in:", sw_step_label(c->step));
  if (c->reply[0]) { /* the lines as the server sent them, codes included */
    sw_text_put(t, "%-12s", "Reply:");
    put_clean(t, c->reply, strlen(c->reply), INDENT);
    sw_text_put(t, "\r\n");
  } else if (c->reply_code) {
    sw_text_put(t, "%-12s%d\r\n", "Reply:", c->reply_code);
  }
  if (c->detail[0])
    put_line(t, "Detail:", c->detail);
  if (c->used_helo)
    sw_text_put(t, "%-12s%s\r\n",
                "Greeting:", "EHLO was refused, so HELO was sent instead.");
  if (c->caps) {
    sw_text_put(t, "%-12s", "Offers:");
    bool first = true;
    for (int i = 0; i < SW_CAP_COUNT; i++)
      if (c->caps & (1u << i)) {
        sw_text_put(t, "%s%s", first ? "" : ", ", sw_cap_name(i));
        first = false;
      }
    sw_text_put(t, "\r\n");
  }
}

static void put_steps(struct sw_text_out *t, const struct sw_check_result *c)
{
  sw_text_put(t, "\r\nStep timings\r\n");
  bool any = false;
  for (int s = 0; s < SW_STEP_COUNT; s++) {
    if (c->step_us[s] < 0)
      continue;
    any = true;
    sw_text_put(t, "  %-16s", sw_step_label((enum sw_step)s));
    put_ms(t, c->step_us[s]);
    if (c->outcome != SW_OUTCOME_OK && c->step == (enum sw_step)s)
      sw_text_put(t, "   <- ended here");
    sw_text_put(t, "\r\n");
  }
  if (!any)
    sw_text_put(t, "  (no step was reached)\r\n");
  sw_text_put(t, "  %-16s", "total");
  put_ms(t, c->total_us);
  sw_text_put(t, "\r\n");
}

static void put_tls(struct sw_text_out *t, const struct sw_tls_info *tls)
{
  sw_text_put(t, "\r\nTLS\r\n");
  if (tls->version[0])
    put_line(t, "  Version:", tls->version);
  if (tls->cipher[0])
    put_line(t, "  Cipher:", tls->cipher);
  if (tls->subject[0])
    put_line(t, "  Subject:", tls->subject);
  if (tls->issuer[0])
    put_line(t, "  Issuer:", tls->issuer);
  if (tls->sans && tls->sans[0]) {
    sw_text_put(t, "%-12s", "  Names:");
    /* One name a line: a certificate may list many. */
    put_clean(t, tls->sans, strlen(tls->sans), INDENT);
    sw_text_put(t, "\r\n");
  }
  if (tls->not_after) {
    char when[40];
    sw_utc_format(tls->not_after, when, sizeof when);
    sw_text_put(t, "%-12s%s", "  Expires:", when);
    if (tls->days_left < 0)
      sw_text_put(t, " (expired)\r\n");
    else
      sw_text_put(t, " (%d day%s left)\r\n", tls->days_left,
                  tls->days_left == 1 ? "" : "s");
  }
}

static void put_transcript(struct sw_text_out *t, const struct sw_buf *transcript)
{
  sw_text_put(t, "\r\nTranscript (C: sent by SMTP Watch, S: the server)\r\n");
  if (!transcript->len) {
    sw_text_put(t, "  (empty: nothing was exchanged with the server)\r\n");
    return;
  }
  put_clean(t, transcript->data, transcript->len, "");
  if (transcript->data[transcript->len - 1] != '\n')
    sw_text_put(t, "\r\n");
}

/* A mail domain's matrix, one line per MX host and address, then the
 * policies, in the command line's words (sw_domain_report_lines). */
static void put_domain(struct sw_text_out *t, const struct sw_domain_report *d)
{
  struct sw_buf lines;
  sw_buf_init(&lines, 0);
  enum sw_error err = sw_domain_report_lines(d, &lines);
  if (err) {
    t->err = err;
  } else {
    sw_text_put(t, "\r\nMX hosts and addresses (preference, host, address, outcome, "
                   "TLS, MTA-STS, DANE)\r\n");
    put_clean(t, sw_buf_str(&lines), lines.len, "");
  }
  sw_buf_free(&lines);
}

enum sw_error sw_check_report_text(const struct sw_pipe_result *r, struct sw_buf *out)
{
  struct sw_text_out t = {out, SW_E_OK};
  const struct sw_check_result *c = &r->check;
  put_summary(&t, r);
  if (c->domain)
    put_domain(&t, c->domain);
  put_steps(&t, c);
  if (c->tls.used)
    put_tls(&t, &c->tls);
  put_transcript(&t, &c->transcript);
  return t.err;
}
