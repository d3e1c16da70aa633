#include "txt_tags.h"

#include <stdio.h>
#include <string.h>

#include "sw_error.h"

static bool is_wsp(char c)
{
  return c == ' ' || c == '\t';
}

static bool is_alnum(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Which of records[0..count) starts with version: *index, and how many. */
static size_t pick_record(const struct sw_txt_record *records, size_t count,
                          const char *version, size_t *index)
{
  size_t vlen = strlen(version), found = 0;
  for (size_t i = 0; i < count; i++) {
    const char *t = records[i].text;
    size_t len = records[i].len, k = vlen;
    if (!t || len < vlen || memcmp(t, version, vlen) != 0)
      continue;
    while (k < len && is_wsp(t[k]))
      k++;
    if (k == len || t[k] == ';') {
      found++;
      *index = i;
    }
  }
  return found;
}

/* The fields after the version: `key` once at least, others plain. */
static enum sw_txt_status read_fields(struct sw_txt_walk *w, const char *what,
                                      const char *key, sw_txt_field_fn read, void *ctx,
                                      char *why, size_t why_size)
{
  struct sw_name_value tag;
  bool have_key = false;
  int got;
  while ((got = sw_txt_walk_next(w, &tag, why, why_size)) == 1) {
    if (sw_txt_tag_is(&tag, key)) {
      if (!have_key && !read(ctx, tag.value, tag.value_len, why, why_size))
        return SW_TXT_INVALID;
      have_key = true;
    } else if (!sw_txt_value_is_plain(tag.value, tag.value_len)) {
      char q[SW_TXT_QUOTE_MAX + 8];
      sw_txt_quote(q, sizeof q, tag.name, tag.name_len);
      sw_error_say(why, why_size, "the %s record's field %s has a malformed value", what,
                   q);
      return SW_TXT_INVALID;
    }
  }
  if (got < 0)
    return SW_TXT_INVALID;
  if (!have_key) {
    sw_error_say(why, why_size, "the %s record has no %s field", what, key);
    return SW_TXT_INVALID;
  }
  return SW_TXT_OK;
}

enum sw_txt_status sw_txt_read(const struct sw_txt_record *records, size_t count,
                               const char *version, const char *what, const char *key,
                               sw_txt_field_fn read, void *ctx, char *why,
                               size_t why_size)
{
  size_t which = 0, found = pick_record(records, count, version, &which);
  if (found == 0) {
    sw_error_say(why, why_size, "no TXT record starts with %s", version);
    return SW_TXT_NONE;
  }
  if (found > 1) {
    sw_error_say(why, why_size,
                 "more than one TXT record starts with %s, which counts as none",
                 version);
    return SW_TXT_SEVERAL;
  }
  struct sw_txt_walk w;
  struct sw_name_value first;
  sw_txt_walk_init(&w, records[which].text, records[which].len);
  if (sw_txt_walk_next(&w, &first, why, why_size) != 1) /* the version itself */
    return SW_TXT_INVALID;
  return read_fields(&w, what, key, read, ctx, why, why_size);
}

void sw_txt_walk_init(struct sw_txt_walk *w, const char *text, size_t len)
{
  w->p = text;
  w->end = text ? text + len : text;
}

static bool name_ok(const char *name, size_t len)
{
  if (len == 0 || len > 32 || !is_alnum(name[0]))
    return false;
  for (size_t i = 1; i < len; i++)
    if (!is_alnum(name[i]) && name[i] != '_' && name[i] != '-' && name[i] != '.')
      return false;
  return true;
}

void sw_txt_quote(char *out, size_t size, const char *text, size_t len)
{
  if (size == 0)
    return;
  size_t n = 0;
  for (size_t i = 0; i < len && n + 4 < size && i < SW_TXT_QUOTE_MAX; i++) {
    unsigned char c = (unsigned char)text[i];
    out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
  }
  if (len > SW_TXT_QUOTE_MAX && n + 4 < size) {
    memcpy(out + n, "...", 3);
    n += 3;
  }
  out[n] = '\0';
}

int sw_txt_walk_next(struct sw_txt_walk *w, struct sw_name_value *tag, char *why,
                     size_t why_size)
{
  while (w->p < w->end && is_wsp(*w->p))
    w->p++;
  if (w->p == w->end)
    return 0;
  const char *field = w->p;
  char q[SW_TXT_QUOTE_MAX + 8];
  const char *semi = memchr(field, ';', (size_t)(w->end - field));
  const char *stop = semi ? semi : w->end;
  const char *eq = memchr(field, '=', (size_t)(stop - field));
  if (stop == field) {
    sw_error_say(why, why_size, "the record has an empty field (\";;\")");
    return -1;
  }
  if (!eq) {
    sw_txt_quote(q, sizeof q, field, (size_t)(stop - field));
    sw_error_say(why, why_size, "the field \"%s\" has no \"=\"", q);
    return -1;
  }
  if (!name_ok(field, (size_t)(eq - field))) {
    sw_txt_quote(q, sizeof q, field, (size_t)(eq - field));
    sw_error_say(why, why_size, "\"%s\" is not a field name", q);
    return -1;
  }
  const char *v = eq + 1, *v_end = stop;
  while (v < v_end && is_wsp(*v))
    v++;
  while (v_end > v && is_wsp(v_end[-1]))
    v_end--;
  if (v == v_end) {
    sw_txt_quote(q, sizeof q, field, (size_t)(eq - field));
    sw_error_say(why, why_size, "the field \"%s\" has no value", q);
    return -1;
  }
  tag->name = field;
  tag->name_len = (size_t)(eq - field);
  tag->value = v;
  tag->value_len = (size_t)(v_end - v);
  w->p = semi ? semi + 1 : w->end;
  return 1;
}

bool sw_txt_tag_is(const struct sw_name_value *tag, const char *name)
{
  size_t n = strlen(name);
  return tag->name_len == n && memcmp(tag->name, name, n) == 0;
}

bool sw_txt_value_is_plain(const char *value, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)value[i];
    if (c < 0x21 || c > 0x7e || c == '=' || c == ';')
      return false;
  }
  return len > 0;
}
