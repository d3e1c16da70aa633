/* The path a message took, from its Received: fields (received_hops.h).
 *
 * A stamp is "from X by Y via Z with P id I for F ; date-time" with every
 * clause optional in practice, comments anywhere ("(Postfix)", "(using
 * TLSv1.3 with cipher ...)": the word "with" in a comment is not the
 * clause), and the date after the last ';' outside comments and quoted
 * strings (RFC 5322's obsolete form allows anything before it). */
#include "received_hops.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "header_block.h"
#include "header_date.h"
#include "sw_buf.h"

#define FIELD_LIMIT 8192 /* an unfolded Received: longer than this is cut */

enum clause { NONE, FROM, BY, VIA, WITH, ID, FOR };

static bool is_space(char ch)
{
  return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Which clause a word opens, if any. */
static enum clause clause_of(const char *w, size_t n)
{
  static const char *const words[] = {"from", "by", "via", "with", "id", "for"};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (sw_header_word_is(w, n, words[i]))
      return (enum clause)(i + 1);
  return NONE;
}

/* The next word outside comments: a quoted string, an <angle-addr>, a
 * [literal] or a run of anything else but space and '('. */
static size_t next_word(const char *s, size_t len, size_t *pos)
{
  size_t p = sw_header_skip_cfws(s, len, *pos), start = p;
  if (p >= len)
    return *pos = len, 0;
  if (s[p] == '"') {
    p = sw_header_skip_quoted(s, len, p);
  } else if (s[p] == '<' || s[p] == '[') {
    const char *close = memchr(s + p, s[p] == '<' ? '>' : ']', len - p);
    p = close ? (size_t)(close - s) + 1 : len;
  } else {
    while (p < len && !is_space(s[p]) && s[p] != '(')
      p++;
  }
  *pos = p;
  return p - start;
}

/* Appends a word to a clause's text (a space between words), cut to fit,
 * control characters and non-ASCII replaced. */
static void add_word(char *text, const char *w, size_t n)
{
  size_t have = strlen(text);
  if (have > 0 && have + 1 < SW_RECEIVED_TEXT_MAX)
    text[have++] = ' ';
  for (size_t i = 0; i < n && have + 1 < SW_RECEIVED_TEXT_MAX; i++) {
    unsigned char ch = (unsigned char)w[i];
    text[have++] = ch < 0x20 || ch >= 0x7f ? '?' : (char)ch;
  }
  text[have] = '\0';
}

/* The last ';' outside comments and quoted strings, or len. */
static size_t date_separator(const char *s, size_t len)
{
  size_t last = len;
  for (size_t p = sw_header_find_outside(s, len, 0, ';'); p < len;
       p = sw_header_find_outside(s, len, p + 1, ';'))
    last = p;
  return last;
}

/* One unfolded stamp into *h. from and by take one word; with takes the
 * words up to the next clause (Exchange: "with Microsoft SMTP Server"). */
static void parse_stamp(const char *s, size_t len, struct sw_received_hop *h)
{
  memset(h, 0, sizeof *h);
  size_t semi = date_separator(s, len), pos = 0;
  enum clause in = NONE;
  size_t taken = 0; /* words in the current clause */
  for (;;) {
    size_t n = next_word(s, semi, &pos);
    if (n == 0)
      break;
    const char *w = s + pos - n;
    enum clause c = clause_of(w, n);
    /* The word right after "with" is the protocol, whatever it says. */
    if (c != NONE && !(in == WITH && taken == 0)) {
      in = c;
      taken = 0;
      continue;
    }
    if (in == FROM && taken == 0)
      add_word(h->from, w, n);
    else if (in == BY && taken == 0)
      add_word(h->by, w, n);
    else if (in == WITH)
      add_word(h->with, w, n);
    taken++;
  }
  if (semi < len)
    h->has_time =
        sw_header_date_parse(s + semi + 1, len - semi - 1, &h->time, &h->offset_min);
}

/* Reverses the hops into oldest first and works out each hop's delay. */
static void order_and_delays(struct sw_received_hops *out, bool has_date, int64_t date)
{
  for (size_t i = 0, j = out->count; i + 1 < j; i++, j--) {
    struct sw_received_hop t = out->hop[i];
    out->hop[i] = out->hop[j - 1];
    out->hop[j - 1] = t;
  }
  bool have_prev = has_date && !out->truncated;
  int64_t prev = date;
  for (size_t i = 0; i < out->count; i++) {
    struct sw_received_hop *h = &out->hop[i];
    if (h->has_time && have_prev) {
      h->clock_skew = h->time < prev;
      h->has_delay = !h->clock_skew;
      h->delay_s = h->has_delay ? h->time - prev : 0;
    }
    /* A hop without a time breaks the chain: the next one has no delay. */
    have_prev = h->has_time;
    prev = h->time;
  }
}

enum sw_error sw_received_hops_parse(const char *block, size_t len,
                                     struct sw_received_hops *out)
{
  memset(out, 0, sizeof *out);
  struct sw_header_cursor c;
  struct sw_name_value f;
  struct sw_buf text;
  enum sw_error err = SW_E_OK;
  sw_buf_init(&text, FIELD_LIMIT);
  sw_header_cursor_init(&c, block, len);
  while (sw_header_next(&c, "Received", &f)) {
    if (out->count == SW_RECEIVED_HOPS_MAX) {
      out->truncated = true;
      break;
    }
    sw_buf_free(&text);
    sw_buf_init(&text, FIELD_LIMIT);
    err = sw_header_unfold(f.value, f.value_len, &text);
    if (err)
      break;
    parse_stamp(sw_buf_str(&text), text.len, &out->hop[out->count++]);
  }
  int64_t date = 0;
  int offset;
  bool has_date = false;
  if (!err) {
    sw_buf_free(&text);
    sw_buf_init(&text, FIELD_LIMIT);
    if (sw_header_find(block, len, "Date", &text, &err))
      has_date = sw_header_date_parse(sw_buf_str(&text), text.len, &date, &offset);
  }
  sw_buf_free(&text);
  if (err) {
    memset(out, 0, sizeof *out);
    return err;
  }
  order_and_delays(out, has_date, date);
  return SW_E_OK;
}

void sw_received_hop_delay_text(const struct sw_received_hop *h, char *out, size_t size)
{
  if (h->clock_skew)
    snprintf(out, size, "clock skew");
  else if (h->has_delay)
    snprintf(out, size, "%" PRId64 " s", h->delay_s);
  else
    snprintf(out, size, "?");
}
