/* An alert mail as RFC 5322 text (mail_message.h). */
#include "mail_message.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "calendar.h"
#include "sw_utf8.h"

#define LINE_MAX_CHARS 78 /* RFC 5322 2.1.1: SHOULD be no more than 78 */
#define QP_LINE_MAX 76    /* RFC 2045 6.7 (5) */
#define WORD_BYTES                                                                       \
  39 /* UTF-8 bytes per encoded word: 52 base64, a line of 73 (RFC 2047: 76) */

struct writer {
  struct sw_buf *out;
  enum sw_error err;
};

#define put(w, ...) sw_buf_printf_sticky((w)->out, &(w)->err, __VA_ARGS__)
#define put_n(w, s, len) sw_buf_append_sticky((w)->out, &(w)->err, (s), (len))

static bool one_line(const char *s)
{
  return !strpbrk(s, "\r\n");
}

static bool is_ascii(const char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s >= 0x80)
      return false;
  return true;
}

/* The Subject header: as it is when ASCII (folded before a space where a
 * line would pass 78 characters), else RFC 2047 "B" encoded words of
 * whole characters, one a line. */
static void subject(struct writer *w, const char *s)
{
  static const char name[] = "Subject: ";
  put(w, "%s", name);
  if (is_ascii(s)) {
    size_t col = strlen(name);
    while (*s) {
      size_t seg = 1 + strcspn(s + 1, " "); /* up to the next space */
      if (*s == ' ' && col + seg > LINE_MAX_CHARS) {
        put(w, "\r\n");
        col = 0;
      }
      put_n(w, s, seg);
      col += seg;
      s += seg;
    }
    put(w, "\r\n");
    return;
  }
  for (size_t len = strlen(s); len > 0;) {
    size_t take = sw_utf8_fit(s, len, WORD_BYTES);
    if (take == 0)
      take = 1; /* not UTF-8 at all: still encoded, byte by byte */
    put(w, "=?UTF-8?B?");
    if (!w->err)
      w->err = sw_base64_encode(s, take, w->out);
    s += take;
    len -= take;
    put(w, "?=\r\n%s", len > 0 ? " " : "");
  }
}

/* Quoted-printable (RFC 2045 6.7) of one line of text, without its end. */
static void qp_line(struct writer *w, const char *s, size_t len)
{
  size_t col = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    bool last = i + 1 == len;
    bool plain = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
    char enc[4];
    size_t n = plain ? 1 : (size_t)snprintf(enc, sizeof enc, "=%02X", c);
    if (col + n > QP_LINE_MAX - 1) { /* room for the soft break's '=' */
      put(w, "=\r\n");
      col = 0;
    }
    put_n(w, plain ? (const char *)&s[i] : enc, n);
    col += n;
  }
}

static void body(struct writer *w, const char *text)
{
  while (*text) {
    size_t len = strcspn(text, "\r\n");
    qp_line(w, text, len);
    put(w, "\r\n");
    text += len;
    if (*text == '\r')
      text++;
    if (*text == '\n')
      text++;
  }
}

/* The Message-ID's right side: the host name's letters, digits, dots and
 * hyphens (a NetBIOS name may hold others), or "smtpwatch.invalid". */
static void id_host(const char *host, char *out, size_t size)
{
  size_t o = 0;
  for (; *host && o + 1 < size; host++)
    if ((*host >= 'a' && *host <= 'z') || (*host >= 'A' && *host <= 'Z') ||
        (*host >= '0' && *host <= '9') || *host == '.' || *host == '-')
      out[o++] = *host;
  out[o] = '\0';
  if (o == 0)
    snprintf(out, size, "smtpwatch.invalid");
}

static void recipients(struct writer *w, const struct sw_mail_message *m)
{
  size_t col = strlen("To:");
  put(w, "To:");
  for (size_t i = 0; i < m->to_count; i++) {
    size_t len = strlen(m->to[i]) + 2;
    if (i > 0 && col + len > LINE_MAX_CHARS) {
      put(w, "\r\n");
      col = 0;
    }
    put(w, " %s%s", m->to[i], i + 1 < m->to_count ? "," : "");
    col += len;
  }
  put(w, "\r\n");
}

enum sw_error sw_mail_message_write(const struct sw_mail_message *m, struct sw_buf *out)
{
  if (!one_line(m->from) || !one_line(m->subject) || !one_line(m->id) || m->to_count == 0)
    return SW_E_INVALID_ARGUMENT;
  for (size_t i = 0; i < m->to_count; i++)
    if (!one_line(m->to[i]))
      return SW_E_INVALID_ARGUMENT;
  struct writer w = {.out = out};
  char date[64], host[256];
  sw_rfc5322_date_format(m->date, 0, date, sizeof date); /* in UTC */
  id_host(m->host, host, sizeof host);
  put(&w, "Date: %s\r\nFrom: %s\r\n", date, m->from);
  recipients(&w, m);
  subject(&w, m->subject);
  put(&w, "Message-ID: <%s@%s>\r\n", m->id, host);
  put(&w, "X-SmtpWatch-Notification-Id: %s\r\n", m->id);
  put(&w, "Auto-Submitted: auto-generated\r\n"); /* RFC 3834: no auto-replies */
  put(&w, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
          "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
  body(&w, m->body);
  return w.err;
}

enum sw_error sw_mail_data_payload(const char *text, size_t len, struct sw_buf *out)
{
  struct writer w = {.out = out};
  bool line_start = true;
  for (size_t i = 0; i < len; i++) {
    if (line_start && text[i] == '.')
      put_n(&w, ".", 1);
    put_n(&w, &text[i], 1);
    line_start = text[i] == '\n';
  }
  put(&w, "%s.\r\n",
      len >= 2 && text[len - 2] == '\r' && text[len - 1] == '\n' ? "" : "\r\n");
  return w.err;
}
