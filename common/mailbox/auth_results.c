/* Authentication-Results: (auth_results.h). The grammar (RFC 8601 2.2):
 *   authserv-id [ CFWS version ] ( ";" "none" / 1*( ";" resinfo ) )
 *   resinfo = method [ "/" version ] "=" result [ reason ] *property
 * Each resinfo ends at the next ';' outside comments and quoted strings,
 * so only its method and result are read; the rest is passed over. */
#include "auth_results.h"

#include <string.h>

#include "header_block.h"
#include "sw_buf.h"
#include "sw_macros.h"

#define FIELD_LIMIT 8192 /* an unfolded field longer than this is cut */

static const char *const verdict_names[] = {SW_AUTH_VERDICT_MAP(SW_X_2)};

const char *sw_auth_verdict_name(enum sw_auth_verdict v)
{
  return (unsigned)v < SW_COUNTOF(verdict_names) ? verdict_names[v] : "?";
}

/* RFC 2045 token characters (value = token / quoted-string). */
static bool is_token_char(char ch)
{
  return (unsigned char)ch > 32 && (unsigned char)ch < 127 &&
         !strchr("()<>@,;:\\\"/[]?=", ch);
}

/* Keyword characters (RFC 5321 Keyword: letters, digits, hyphens). */
static bool is_keyword_char(char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
         (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
}

/* After CFWS, a run of characters of one kind: its start and length. */
static size_t run(const char *s, size_t len, size_t *pos, bool (*kind)(char),
                  const char **w)
{
  size_t p = sw_header_skip_cfws(s, len, *pos);
  *w = s + p;
  size_t start = p;
  while (p < len && kind(s[p]))
    p++;
  *pos = p;
  return p - start;
}

static bool is_digit(char ch)
{
  return ch >= '0' && ch <= '9';
}

/* The text of an authserv-id into id[SW_AUTHSERV_ID_MAX], cut to fit: a
 * quoted string's backslashes and line breaks (folding) dropped, other
 * control characters (a NUL too) shown as '?'. */
static void copy_id(const char *w, size_t n, char *id)
{
  size_t o = 0;
  for (size_t i = 0; i < n && o + 1 < SW_AUTHSERV_ID_MAX; i++) {
    unsigned char ch = (unsigned char)w[i];
    if (ch == '\\' && i + 1 < n)
      ch = (unsigned char)w[++i];
    if (ch == '\r' || ch == '\n')
      continue;
    id[o++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
  }
  id[o] = '\0';
}

/* The authserv-id (a token or a quoted string, copied without its quotes)
 * and the optional version after it. */
static bool authserv_id(const char *s, size_t len, size_t *pos,
                        struct sw_auth_results *out)
{
  size_t p = sw_header_skip_cfws(s, len, *pos), n = 0;
  const char *w = s + p;
  if (p < len && s[p] == '"') {
    size_t end = sw_header_skip_quoted(s, len, p);
    w = s + p + 1;
    n = end > p + 1 && s[end - 1] == '"' ? end - p - 2 : end - p - 1;
    p = end;
  } else {
    while (p < len && is_token_char(s[p]))
      p++;
    n = (size_t)(s + p - w);
  }
  if (n == 0)
    return false;
  copy_id(w, n, out->authserv_id);
  const char *v;
  size_t q = p;
  if (run(s, len, &q, is_digit, &v) > 0) /* authres-version */
    p = q;
  *pos = p;
  return true;
}

static enum sw_auth_verdict verdict(const char *w, size_t n)
{
  if (sw_header_word_is(w, n, "hardfail"))
    return SW_AUTH_FAIL;
  for (size_t i = SW_AUTH_PASS; i < SW_AUTH_OTHER; i++)
    if (sw_header_word_is(w, n, verdict_names[i]))
      return (enum sw_auth_verdict)i;
  return SW_AUTH_OTHER;
}

/* A method seen again keeps a pass, else its first result. */
static void record(enum sw_auth_verdict *slot, enum sw_auth_verdict v)
{
  if (*slot == SW_AUTH_ABSENT || v == SW_AUTH_PASS)
    *slot = v;
}

/* One resinfo from s[pos] (just after its ';') to end. "none" alone is
 * the no-result form. */
static bool resinfo(const char *s, size_t end, struct sw_auth_results *out)
{
  size_t pos = 0;
  const char *method, *result, *version;
  size_t mlen = run(s, end, &pos, is_keyword_char, &method);
  if (mlen == 0)
    return false;
  size_t p = sw_header_skip_cfws(s, end, pos);
  if (p >= end)
    return sw_header_word_is(method, mlen, "none");
  if (s[p] == '/') { /* method-version */
    pos = p + 1;
    if (run(s, end, &pos, is_digit, &version) == 0)
      return false;
    p = sw_header_skip_cfws(s, end, pos);
  }
  if (p >= end || s[p] != '=')
    return false;
  pos = p + 1;
  size_t rlen = run(s, end, &pos, is_keyword_char, &result);
  if (rlen == 0)
    return false;
  enum sw_auth_verdict v = verdict(result, rlen);
  if (sw_header_word_is(method, mlen, "spf"))
    record(&out->spf, v);
  else if (sw_header_word_is(method, mlen, "dkim"))
    record(&out->dkim, v);
  else if (sw_header_word_is(method, mlen, "dmarc"))
    record(&out->dmarc, v);
  return true;
}

/* Whether the value opens with "method=" rather than an authserv-id. */
static bool starts_with_result(const char *s, size_t len)
{
  const char *w;
  size_t pos = 0;
  if (run(s, len, &pos, is_keyword_char, &w) == 0)
    return false;
  pos = sw_header_skip_cfws(s, len, pos);
  if (pos < len && s[pos] == '/') /* "spf/1=pass": a method-version */
    return true;
  return pos < len && s[pos] == '=';
}

bool sw_auth_results_parse(const char *value, size_t len, struct sw_auth_results *out)
{
  memset(out, 0, sizeof *out);
  if (!value)
    return false;
  size_t pos = 0;
  bool ok = true;
  if (starts_with_result(value, len)) {
    /* Exchange Online writes no authserv-id: "spf=pass ...; dkim=...".
     * The results are read, and the field says who wrote it no more. */
    size_t end = sw_header_find_outside(value, len, 0, ';');
    ok = resinfo(value, end, out);
    pos = end;
  } else {
    if (!authserv_id(value, len, &pos, out))
      return false;
    pos = sw_header_skip_cfws(value, len, pos);
    if (pos < len && value[pos] != ';')
      return false; /* something between the id and the first result */
  }
  while (pos < len) {
    size_t end = sw_header_find_outside(value, len, pos + 1, ';');
    if (!resinfo(value + pos + 1, end - pos - 1, out))
      ok = false; /* keep reading: one bad clause hides no other */
    pos = end;
  }
  return ok;
}

bool sw_auth_results_find(const char *block, size_t len, const char *authserv_id_wanted,
                          struct sw_auth_results *out, enum sw_error *err)
{
  struct sw_header_cursor c;
  struct sw_name_value f;
  sw_header_cursor_init(&c, block, len);
  memset(out, 0, sizeof *out);
  while (sw_header_next(&c, "Authentication-Results", &f)) {
    struct sw_buf text;
    sw_buf_init(&text, FIELD_LIMIT);
    enum sw_error e = sw_header_unfold(f.value, f.value_len, &text);
    bool ok = !e && sw_auth_results_parse(sw_buf_str(&text), text.len, out);
    sw_buf_free(&text);
    if (e) {
      *err = e;
      return false;
    }
    if (!authserv_id_wanted)
      return ok; /* the topmost only: older ones may come from anyone */
    if (authserv_id_wanted &&
        sw_header_word_is(out->authserv_id, strlen(out->authserv_id), authserv_id_wanted))
      return ok;
  }
  memset(out, 0, sizeof *out);
  return false;
}
