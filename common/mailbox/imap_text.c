/* IMAP's text (RFC 9051 section 4, RFC 3501 section 4): the strings we send
 * (quoted, or as a synchronizing literal when quoting cannot carry them),
 * the reader that cuts the server's bytes into responses with their
 * literals {n} whatever the split, and the few response parts the dialogue
 * reads (capabilities, SEARCH numbers, FETCH items). Bounded throughout:
 * a line of at most SW_MBX_LINE_MAX octets, literals of at most
 * SW_MBX_LITERAL_MAX, of which SW_MAILBOX_HEADER_MAX are kept. */
#include "imap_text.h"

#include <stdio.h>
#include <string.h>

#include "sw_wipe.h"

/* --- what we send ------------------------------------------------------ */

/* A quoted string carries printable US-ASCII only (RFC 3501 "quoted":
 * TEXT-CHAR is 7-bit; RFC 9051 allows UTF-8 only to servers that
 * announce it): anything else goes as a literal. */
static bool quotable(const char *text)
{
  for (const unsigned char *p = (const unsigned char *)text; *p; p++)
    if (*p < 0x20 || *p > 0x7E)
      return false;
  return true;
}

void sw__imap_astring(struct sw_mbx_cmd *c, const char *text, bool secret)
{
  void (*add)(struct sw_mbx_cmd *, const char *, size_t) =
      secret ? sw__mbx_cmd_add_secret : sw__mbx_cmd_add;
  size_t n = strlen(text);
  if (quotable(text)) {
    /* "..." with \" and \\ escaped, built whole so a secret shows as one
     * "****". */
    char q[2 * SW_MAILBOX_ARG_MAX + 3];
    size_t k = 0;
    q[k++] = '"';
    for (size_t i = 0; i < n && k + 3 < sizeof q; i++) {
      if (text[i] == '"' || text[i] == '\\')
        q[k++] = '\\';
      q[k++] = text[i];
    }
    q[k++] = '"';
    add(c, q, k);
    sw_wipe(q, sizeof q);
    return;
  }
  /* A synchronizing literal: "{n}" CRLF, then (after the server's "+") the
   * octets. Its length is no secret worth hiding from the transcript. */
  char head[24];
  int h = snprintf(head, sizeof head, "{%lu}\r\n", (unsigned long)n);
  sw__mbx_cmd_add(c, head, (size_t)h);
  sw__mbx_cmd_cut(c);
  add(c, text, n);
}

bool sw__imap_is_8bit(const char *text)
{
  for (const unsigned char *p = (const unsigned char *)text; *p; p++)
    if (*p > 0x7E)
      return true;
  return false;
}

/* --- the reader -------------------------------------------------------- */

/* The line's end is "{digits}" (or "{digits+}", RFC 7888): a literal of
 * that many octets follows; -1 if not, -2 if the count is unreadable. */
static long literal_count(const char *line, size_t len)
{
  if (len < 3 || line[len - 1] != '}')
    return -1;
  size_t end = len - 1;
  if (line[end - 1] == '+')
    end--;
  size_t start = end;
  while (start > 0 && line[start - 1] >= '0' && line[start - 1] <= '9')
    start--;
  if (start == 0 || line[start - 1] != '{')
    return -1;
  if (start == end || end - start > 7)
    return -2; /* "{}" or more digits than any literal we accept */
  long n = 0;
  for (size_t i = start; i < end; i++)
    n = n * 10 + (line[i] - '0');
  return n;
}

void sw__imap_reader_reset(struct sw_mailbox_reader *rd)
{
  rd->line.len = 0;
  if (rd->line.data)
    rd->line.data[0] = '\0';
  rd->literal.len = 0;
  rd->literal_left = 0;
  rd->total = 0;
  rd->count = 0;
  rd->skipping = false;
}

/* The literal's octets: the first literal of a response is kept (up to
 * SW_MAILBOX_HEADER_MAX), the others only counted. */
static size_t take_literal(struct sw_mailbox_reader *rd, const char *data, size_t len)
{
  size_t n = len < rd->literal_left ? len : rd->literal_left;
  if (rd->count == 1) {
    size_t room = SW_MAILBOX_HEADER_MAX - rd->literal.len;
    size_t keep = n < room ? n : room;
    bool kept = sw_buf_append(&rd->literal, data, keep) == SW_E_OK;
    if (keep < n || !kept)
      rd->skipping = true; /* the kept literal is cut */
  }
  rd->literal_left -= n;
  return n;
}

enum sw_imap_read sw__imap_read(struct sw_mailbox_reader *rd, const char *data,
                                size_t len, size_t *used)
{
  size_t i = 0;
  while (i < len) {
    if (rd->literal_left > 0) {
      i += take_literal(rd, data + i, len - i);
      continue;
    }
    const char *nl = memchr(data + i, '\n', len - i);
    size_t n = nl ? (size_t)(nl - (data + i)) + 1 : len - i;
    if (rd->line.len + n > SW_MBX_LINE_MAX + 2) {
      /* Its first octets up to the limit are kept, however it was cut. */
      sw_buf_append(&rd->line, data + i, SW_MBX_LINE_MAX + 2 - rd->line.len);
      *used = i + n;
      return SW_IMAP_TOO_LONG;
    }
    if (sw_buf_append(&rd->line, data + i, n) != SW_E_OK) {
      *used = i + n;
      return SW_IMAP_NOMEM;
    }
    i += n;
    if (!nl)
      break;
    /* A line piece is complete: drop its CRLF (a bare LF is taken too). */
    rd->line.len--;
    if (rd->line.len > 0 && rd->line.data[rd->line.len - 1] == '\r')
      rd->line.len--;
    rd->line.data[rd->line.len] = '\0';
    long count = literal_count(rd->line.data, rd->line.len);
    if (count == -1) {
      *used = i;
      return SW_IMAP_RESPONSE;
    }
    if (count < 0 || rd->total + (size_t)count > SW_MBX_LITERAL_MAX) {
      *used = i;
      return SW_IMAP_LITERAL_TOO_BIG;
    }
    rd->total += (size_t)count;
    rd->literal_left = (size_t)count;
    rd->count++;
  }
  *used = len;
  return SW_IMAP_MORE;
}

/* --- reading responses ------------------------------------------------- */

static bool word_is(const char *w, size_t n, const char *name)
{
  size_t k = strlen(name);
  if (n != k)
    return false;
  for (size_t i = 0; i < n; i++) {
    char a = w[i], b = name[i];
    if (a >= 'a' && a <= 'z')
      a = (char)(a - 32);
    if (a != b)
      return false;
  }
  return true;
}

unsigned sw__imap_caps(const char *text, size_t len)
{
  static const struct {
    const char *name;
    unsigned bit;
  } known[] = {
      {"STARTTLS", SW_MBX_CAP_STARTTLS},     {"LOGINDISABLED", SW_MBX_CAP_LOGINDISABLED},
      {"AUTH=PLAIN", SW_MBX_CAP_AUTH_PLAIN}, {"SASL-IR", SW_MBX_CAP_SASL_IR},
      {"UIDPLUS", SW_MBX_CAP_UIDPLUS},       {"IDLE", SW_MBX_CAP_IDLE}};
  unsigned caps = SW_MBX_CAP_KNOWN;
  size_t i = 0;
  while (i < len) {
    while (i < len && text[i] == ' ')
      i++;
    size_t start = i;
    while (i < len && text[i] != ' ' && text[i] != ']')
      i++;
    for (size_t k = 0; k < SW_COUNTOF(known); k++)
      if (word_is(text + start, i - start, known[k].name))
        caps |= known[k].bit;
    if (i < len && text[i] == ']')
      break;
  }
  return caps;
}

bool sw__imap_caps_code(const char *text, size_t len, unsigned *caps)
{
  /* "[CAPABILITY IMAP4rev1 ...] text" at the start of a status's text. */
  static const char code[] = "[CAPABILITY ";
  size_t k = sizeof code - 1;
  if (len < k)
    return false;
  for (size_t i = 0; i < k; i++) {
    char a = text[i];
    if (a >= 'a' && a <= 'z')
      a = (char)(a - 32);
    if (a != code[i])
      return false;
  }
  *caps = sw__imap_caps(text + k, len - k);
  return true;
}

bool sw__imap_split(const char *line, size_t len, struct sw_imap_line *out)
{
  memset(out, 0, sizeof *out);
  const char *sp = memchr(line, ' ', len);
  out->tag = line;
  out->tag_len = sp ? (size_t)(sp - line) : len;
  if (!sp)
    return out->tag_len == 1 && line[0] == '+';
  const char *rest = sp + 1, *end = line + len;
  const char *sp2 = memchr(rest, ' ', (size_t)(end - rest));
  out->word = rest;
  out->word_len = sp2 ? (size_t)(sp2 - rest) : (size_t)(end - rest);
  out->text = sp2 ? sp2 + 1 : end;
  out->text_len = (size_t)(end - out->text);
  return true;
}

bool sw__imap_word(const struct sw_imap_line *l, const char *name)
{
  return word_is(l->word, l->word_len, name);
}

/* Skips one FETCH value at s[*i]: a number or atom, a quoted string, a
 * literal marker {n} (its octets are elsewhere), or a parenthesized list.
 * False on what is none of them. */
static bool skip_value(const char *s, size_t len, size_t *i)
{
  if (*i >= len)
    return false;
  if (s[*i] == '"') {
    for ((*i)++; *i < len; (*i)++) {
      if (s[*i] == '\\')
        (*i)++;
      else if (s[*i] == '"')
        return ++(*i), true;
    }
    return false;
  }
  if (s[*i] == '(') {
    int depth = 0;
    while (*i < len) {
      char c = s[*i];
      if (c == '"') {
        if (!skip_value(s, len, i))
          return false;
        continue;
      }
      (*i)++;
      if (c == '(')
        depth++;
      else if (c == ')' && --depth == 0)
        return true;
    }
    return false;
  }
  size_t start = *i;
  while (*i < len && s[*i] != ' ' && s[*i] != ')' && s[*i] != '(')
    (*i)++;
  return *i > start;
}

/* The name of a FETCH item: an atom with an optional "[...]" section. */
static size_t item_name(const char *s, size_t len, size_t i)
{
  size_t start = i;
  int bracket = 0;
  while (i < len && (bracket || (s[i] != ' ' && s[i] != ')'))) {
    if (s[i] == '[')
      bracket++;
    else if (s[i] == ']' && bracket)
      bracket--;
    i++;
  }
  return i - start;
}

static void read_item(struct sw_imap_fetch *f, const char *name, size_t nlen,
                      const char *v, size_t vlen)
{
  if (word_is(name, nlen, "UID")) {
    f->has_uid = sw__mbx_number(v, vlen, &f->uid);
  } else if (word_is(name, nlen, "INTERNALDATE") && vlen >= 2 && v[0] == '"') {
    char date[64];
    snprintf(date, sizeof date, "%.*s", (int)(vlen - 2), v + 1);
    int64_t t;
    if (sw__parse_mail_date(date, &t))
      f->internal_date_s = t;
  } else if (word_is(name, nlen, "BODY[HEADER]")) {
    if (vlen > 0 && v[0] == '{')
      f->header_literal = true;
    else if (vlen >= 2 && v[0] == '"') {
      f->header_quoted = v + 1; /* escapes left in: a header never needs them */
      f->header_quoted_len = vlen - 2;
    }
  }
}

bool sw__imap_fetch(const char *text, size_t len, struct sw_imap_fetch *f)
{
  /* text: "FETCH (name value name value ...)" after "* n ". */
  memset(f, 0, sizeof *f);
  if (len < 7 || !word_is(text, 5, "FETCH") || text[5] != ' ' || text[6] != '(')
    return false;
  size_t i = 7;
  while (i < len && text[i] != ')') {
    size_t nlen = item_name(text, len, i);
    const char *name = text + i;
    i += nlen;
    if (nlen == 0 || i >= len || text[i] != ' ')
      return false;
    size_t vstart = ++i;
    if (!skip_value(text, len, &i))
      return false;
    read_item(f, name, nlen, text + vstart, i - vstart);
    if (i < len && text[i] == ' ')
      i++;
  }
  return i < len;
}
