/* A message's header block (header_block.h). */
#include "header_block.h"

#include <string.h>

static bool is_wsp(char ch)
{
  return ch == ' ' || ch == '\t';
}

static char ascii_lower(char ch)
{
  return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

bool sw_header_word_is(const char *s, size_t len, const char *word)
{
  size_t n = strlen(word);
  if (len != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (ascii_lower(s[i]) != ascii_lower(word[i]))
      return false;
  return true;
}

/* The end of the line that starts at pos (before its CR LF or LF), and in
 * *next where the following line starts. */
static size_t line_end(const struct sw_header_cursor *c, size_t pos, size_t *next)
{
  const char *nl = memchr(c->block + pos, '\n', c->len - pos);
  size_t end = nl ? (size_t)(nl - c->block) : c->len;
  *next = nl ? end + 1 : c->len;
  if (end > pos && c->block[end - 1] == '\r')
    end--;
  return end;
}

/* RFC 5322 3.6.8: a field name is printable ASCII but the colon. Some
 * writers put spaces before the colon (obs-optional, 4.5.3): trimmed. */
static bool field_name(const char *s, size_t *len)
{
  while (*len > 0 && is_wsp(s[*len - 1]))
    (*len)--;
  if (*len == 0)
    return false;
  for (size_t i = 0; i < *len; i++)
    if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126)
      return false;
  return true;
}

void sw_header_cursor_init(struct sw_header_cursor *c, const char *block, size_t len)
{
  c->block = block;
  c->len = block ? len : 0;
  c->pos = 0;
}

bool sw_header_next(struct sw_header_cursor *c, const char *name, struct sw_name_value *f)
{
  while (c->pos < c->len) {
    size_t start = c->pos, next;
    size_t end = line_end(c, start, &next);
    if (end == start) { /* the empty line: the body follows */
      c->pos = c->len;
      return false;
    }
    /* The field's last line: as long as continuation lines follow. */
    size_t value_end = end;
    while (next < c->len && is_wsp(c->block[next]))
      value_end = line_end(c, next, &next);
    c->pos = next;
    if (is_wsp(c->block[start]))
      continue; /* a continuation with no field before it */
    const char *colon = memchr(c->block + start, ':', end - start);
    if (!colon)
      continue;
    size_t name_len = (size_t)(colon - (c->block + start));
    if (!field_name(c->block + start, &name_len))
      continue;
    if (name && !sw_header_word_is(c->block + start, name_len, name))
      continue;
    f->name = c->block + start;
    f->name_len = name_len;
    f->value = colon + 1;
    f->value_len = (size_t)(c->block + value_end - f->value);
    return true;
  }
  return false;
}

enum sw_error sw_header_unfold(const char *value, size_t len, struct sw_buf *out)
{
  size_t start = 0, end = len;
  while (start < end &&
         (is_wsp(value[start]) || value[start] == '\r' || value[start] == '\n'))
    start++;
  while (end > start &&
         (is_wsp(value[end - 1]) || value[end - 1] == '\r' || value[end - 1] == '\n'))
    end--;
  enum sw_error err = SW_E_OK;
  size_t run = start;
  for (size_t i = start; i < end; i++) {
    if (value[i] == '\r' || value[i] == '\n') {
      sw_buf_append_sticky(out, &err, value + run, i - run);
      run = i + 1;
    }
  }
  sw_buf_append_sticky(out, &err, value + run, end - run);
  return err;
}

bool sw_header_find(const char *block, size_t len, const char *name, struct sw_buf *out,
                    enum sw_error *err)
{
  struct sw_header_cursor c;
  struct sw_name_value f;
  sw_header_cursor_init(&c, block, len);
  if (!sw_header_next(&c, name, &f))
    return false;
  enum sw_error e = sw_header_unfold(f.value, f.value_len, out);
  if (e) {
    *err = e;
    return false;
  }
  return true;
}

size_t sw_header_skip_quoted(const char *s, size_t len, size_t pos)
{
  for (pos++; pos < len; pos++) {
    if (s[pos] == '\\')
      pos++;
    else if (s[pos] == '"')
      return pos + 1;
  }
  return len;
}

size_t sw_header_skip_cfws(const char *s, size_t len, size_t pos)
{
  size_t depth = 0;
  for (; pos < len; pos++) {
    char ch = s[pos];
    if (depth > 0 && ch == '\\')
      pos++; /* quoted-pair: whatever follows is text */
    else if (ch == '(')
      depth++;
    else if (depth > 0 && ch == ')')
      depth--;
    else if (depth == 0 && !is_wsp(ch) && ch != '\r' && ch != '\n')
      return pos;
  }
  return len;
}

size_t sw_header_find_outside(const char *s, size_t len, size_t pos, char ch)
{
  size_t depth = 0;
  for (; pos < len; pos++) {
    if (s[pos] == '\\' && depth > 0)
      pos++;
    else if (s[pos] == '(')
      depth++;
    else if (s[pos] == ')' && depth > 0)
      depth--;
    else if (depth == 0 && s[pos] == '"')
      pos = sw_header_skip_quoted(s, len, pos) - 1;
    else if (depth == 0 && s[pos] == ch)
      return pos;
  }
  return len;
}
