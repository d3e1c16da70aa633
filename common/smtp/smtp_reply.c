/* Incremental SMTP reply parser. It copies bytes into one fixed line buffer
 * and one fixed reply buffer, checking each limit before each byte, so no
 * input can make it overflow or allocate; it stops right after a complete
 * reply so the caller decides what the next bytes mean. */
#include "smtp_reply.h"

#include <string.h>

/* RFC 5321 4.2: Reply-code = %x32-35 %x30-35 %x30-39. The first digit is the
 * one every decision rests on, so it is held to the grammar; the other two
 * are only required to be digits, because a server that says "260" still
 * speaks SMTP and its first digit still means what it means. */
static bool is_code(const char *s, int *code)
{
  if (s[0] < '2' || s[0] > '5')
    return false;
  if (s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9')
    return false;
  *code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
  return true;
}

enum sw_line_kind sw_smtp_line_classify(const char *line, size_t len, int *code)
{
  int c;
  if (len < 3 || !is_code(line, &c))
    return SW_LINE_INVALID;
  /* A bare "250" ends a reply: RFC 5321 makes the text optional. */
  if (len == 3 || line[3] == ' ') {
    *code = c;
    return SW_LINE_FINAL;
  }
  if (line[3] == '-') {
    *code = c;
    return SW_LINE_CONTINUATION;
  }
  return SW_LINE_INVALID;
}

/* 1 to 3 digits starting at s[*i]; advances *i past them. */
static bool digits(const char *s, size_t len, size_t *i)
{
  size_t start = *i;
  while (*i < len && *i - start < 3 && s[*i] >= '0' && s[*i] <= '9')
    (*i)++;
  return *i > start;
}

bool sw_smtp_parse_enhanced(const char *text, size_t len, char *out)
{
  out[0] = '\0';
  /* RFC 3463: class "." subject "." detail, class 2, 4 or 5, subject and
   * detail 1-3 digits; RFC 2034 puts it first in the text, then a space. */
  if (len < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.')
    return false;
  size_t i = 2;
  if (!digits(text, len, &i) || i >= len || text[i] != '.')
    return false;
  i++;
  if (!digits(text, len, &i))
    return false;
  if (i < len && text[i] != ' ')
    return false;       /* "5.7.1234" or "5.7.1x" */
  memcpy(out, text, i); /* at most 1+1+3+1+3 = 9 octets */
  out[i] = '\0';
  return true;
}

void sw_smtp_parser_init(struct sw_smtp_parser *p)
{
  /* Only the bookkeeping: the buffers are written before they are read. */
  p->line_len = 0;
  p->text_len = 0;
  p->text[0] = '\0';
  p->lines = 0;
  p->reply_ready = false;
  p->error = SW_E_OK;
}

void sw_smtp_parser_reset(struct sw_smtp_parser *p)
{
  sw_smtp_parser_init(p);
}

bool sw_smtp_parser_has_partial(const struct sw_smtp_parser *p)
{
  if (p->reply_ready)
    return p->line_len > 0;
  return p->line_len > 0 || p->lines > 0;
}

const char *sw_smtp_parser_line(const struct sw_smtp_parser *p, size_t *len)
{
  *len = p->line_len;
  return p->line;
}

/* A line is complete (its LF seen, its CR dropped): classify it, add it to
 * the reply, and say whether the reply is now whole. */
static enum sw_error end_line(struct sw_smtp_parser *p, struct sw_smtp_reply *reply,
                              bool *complete)
{
  int code = 0;
  enum sw_line_kind kind = sw_smtp_line_classify(p->line, p->line_len, &code);
  if (kind == SW_LINE_INVALID)
    return SW_E_BAD_REPLY_LINE; /* the line stays in p->line for quoting */
  size_t sep = p->lines > 0 ? 1 : 0;
  if (p->text_len + sep + p->line_len > SW_SMTP_REPLY_MAX)
    return SW_E_REPLY_TOO_LONG;
  if (sep)
    p->text[p->text_len++] = '\n';
  memcpy(p->text + p->text_len, p->line, p->line_len);
  p->text_len += p->line_len;
  p->text[p->text_len] = '\0';
  p->lines++;
  p->line_len = 0;
  if (kind == SW_LINE_CONTINUATION)
    return SW_E_OK;

  reply->code = code; /* RFC 5321 4.2.1: the last line's code is the reply's */
  /* The enhanced code of the first line: RFC 2034 repeats it on every line,
   * and the first is where servers that do not repeat it put it. */
  size_t first_len = strcspn(p->text, "\n");
  if (first_len > 4)
    sw_smtp_parse_enhanced(p->text + 4, first_len - 4, reply->enhanced);
  else
    reply->enhanced[0] = '\0';
  reply->text = p->text;
  reply->len = p->text_len;
  reply->lines = p->lines;
  p->reply_ready = true;
  *complete = true;
  return SW_E_OK;
}

enum sw_error sw_smtp_parser_feed(struct sw_smtp_parser *p, const char *data, size_t len,
                                  size_t *consumed, struct sw_smtp_reply *reply,
                                  bool *complete)
{
  *complete = false;
  *consumed = 0;
  if (p->error)
    return p->error;
  if (p->reply_ready) {
    /* The previous reply's text was valid until now. */
    p->text_len = 0;
    p->text[0] = '\0';
    p->lines = 0;
    p->reply_ready = false;
  }
  for (size_t i = 0; i < len; i++) {
    char c = data[i];
    if (c == '\n') {
      if (p->line_len > 0 && p->line[p->line_len - 1] == '\r')
        p->line_len--;
      enum sw_error err = end_line(p, reply, complete);
      *consumed = i + 1;
      if (err)
        return p->error = err;
      if (*complete)
        return SW_E_OK;
      continue;
    }
    /* This octet would be the line's 512th before its LF, so with the LF
     * the line would be 513 octets or more: RFC 5321 4.5.3.1.5's limit. */
    if (p->line_len == SW_SMTP_LINE_MAX - 1) {
      int code;
      *consumed = i + 1;
      /* A banner that is not SMTP at all (an HTML page, a binary protocol)
       * is better reported as such than as a long line. */
      if (sw_smtp_line_classify(p->line, 4, &code) == SW_LINE_INVALID)
        return p->error = SW_E_BAD_REPLY_LINE;
      return p->error = SW_E_LINE_TOO_LONG;
    }
    p->line[p->line_len++] = c;
  }
  *consumed = len;
  return SW_E_OK;
}
