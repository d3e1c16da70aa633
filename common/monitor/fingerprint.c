/* A server's fingerprint: built from a check, written and read back as
 * text, and compared (see the header). */
#include "fingerprint.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_buf.h"
#include "sw_macros.h"
#include "sw_utf8.h"

#define HEADER "fingerprint 1"

/* ---- building ----------------------------------------------------------- */

/* EHLO keywords (RFC 5321 4.1.1.1) and SASL mechanisms (RFC 4422 3.1)
 * are letters, digits, '-' and '_'; a line that is anything else is not
 * compared. */
static bool is_word_char(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_';
}

static int find_keyword(const struct sw_fingerprint *fp, const char *name)
{
  for (size_t i = 0; i < fp->keyword_count; i++)
    if (strcmp(fp->keywords[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* Adds `sessions` to keyword `name` (kept sorted). False when it is too long
 * or there is no room. */
static bool add_keyword(struct sw_fingerprint *fp, const char *name, unsigned sessions)
{
  int at = find_keyword(fp, name);
  if (at >= 0) {
    fp->keywords[at].sessions |= sessions;
    return true;
  }
  if (fp->keyword_count == SW_FP_KEYWORDS_MAX || strlen(name) >= SW_FP_KEYWORD_MAX)
    return false;
  size_t i = fp->keyword_count;
  while (i > 0 && strcmp(fp->keywords[i - 1].name, name) > 0) {
    fp->keywords[i] = fp->keywords[i - 1];
    i--;
  }
  memset(&fp->keywords[i], 0, sizeof fp->keywords[i]); /* the text form compares bytes */
  snprintf(fp->keywords[i].name, sizeof fp->keywords[i].name, "%s", name);
  fp->keywords[i].sessions = sessions;
  fp->keyword_count++;
  return true;
}

/* Copies the word at s[0..n) upper-cased into out[size]; false if it is
 * empty, too long or has a character no keyword has. */
static bool upper_word(const char *s, size_t n, char *out, size_t size)
{
  if (n == 0 || n >= size)
    return false;
  for (size_t i = 0; i < n; i++) {
    if (!is_word_char(s[i]))
      return false;
    out[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
  }
  out[n] = '\0';
  return true;
}

/* One EHLO line ("AUTH PLAIN LOGIN", "SIZE 10240000", "AUTH=LOGIN"): the
 * keyword, or for AUTH one entry per mechanism. */
static void add_line(struct sw_fingerprint *fp, const char *line, size_t n,
                     unsigned session)
{
  size_t k = 0;
  while (k < n && line[k] != ' ' && line[k] != '=')
    k++;
  char word[SW_FP_KEYWORD_MAX];
  if (!upper_word(line, k, word, sizeof word))
    return;
  if (strcmp(word, "AUTH") != 0 || k == n) {
    add_keyword(fp, word, session);
    return;
  }
  bool any = false;
  for (size_t i = k + 1; i < n;) {
    size_t j = i;
    while (j < n && line[j] != ' ')
      j++;
    char mech[SW_FP_KEYWORD_MAX], entry[SW_FP_KEYWORD_MAX + 8];
    if (upper_word(line + i, j - i, mech, sizeof mech - 5)) {
      snprintf(entry, sizeof entry, "AUTH %s", mech);
      any |= add_keyword(fp, entry, session);
    }
    i = j + 1;
  }
  if (!any)
    add_keyword(fp, "AUTH", session);
}

static void add_lines(struct sw_fingerprint *fp, const char *text, unsigned session)
{
  if (!text)
    return;
  while (*text) {
    const char *nl = strchr(text, '\n');
    size_t n = nl ? (size_t)(nl - text) : strlen(text);
    add_line(fp, text, n, session);
    text += n + (nl != NULL);
  }
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

void sw_fingerprint_build(struct sw_fingerprint *fp, const struct sw_check_result *r)
{
  memset(fp, 0, sizeof *fp);
  COPY(fp->greeting, r->greeting_host);
  if (r->ehlo_keywords_plain) { /* STARTTLS: the plain offer, then the TLS one */
    fp->sessions = SW_FP_PLAIN | (r->tls.used ? SW_FP_TLS : 0);
    add_lines(fp, r->ehlo_keywords_plain, SW_FP_PLAIN);
    if (r->tls.used)
      add_lines(fp, r->ehlo_keywords, SW_FP_TLS);
  } else {
    fp->sessions = r->tls.used ? SW_FP_TLS : SW_FP_PLAIN;
    add_lines(fp, r->ehlo_keywords, fp->sessions);
  }
  if (r->tls.used) {
    COPY(fp->tls_version, r->tls.version);
    COPY(fp->cipher, r->tls.cipher);
    COPY(fp->key_sha256, r->tls.key_sha256);
    COPY(fp->key_type, r->tls.key_type);
    COPY(fp->issuer, r->tls.issuer);
  }
}

/* ---- the text form ------------------------------------------------------ */

static const char *sessions_text(unsigned s)
{
  static const char *const names[] = {"", "plain", "tls", "plain,tls"};
  return names[s & 3u];
}

static bool sessions_from(const char *s, size_t n, unsigned *out)
{
  static const char *const names[] = {"plain", "tls", "plain,tls"};
  for (unsigned i = 0; i < SW_COUNTOF(names); i++)
    if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0) {
      *out = i + 1;
      return true;
    }
  return false;
}

/* The facts that are one text each, in the order they are written. */
#define FP_TEXT_MAP(X)                                                                   \
  X("greeting", greeting)                                                                \
  X("tls-version", tls_version)                                                          \
  X("cipher", cipher)                                                                    \
  X("key-sha256", key_sha256)                                                            \
  X("key-type", key_type)                                                                \
  X("issuer", issuer)

static enum sw_error put_line(struct sw_buf *out, const char *name, const char *value)
{
  if (!value[0])
    return SW_E_OK;
  enum sw_error err = sw_buf_appends(out, name);
  if (!err)
    err = sw_buf_append(out, " ", 1);
  if (!err)
    err = sw_buf_appends(out, value);
  return err ? err : sw_buf_append(out, "\n", 1);
}

enum sw_error sw_fingerprint_format(const struct sw_fingerprint *fp, struct sw_buf *out)
{
  enum sw_error err = sw_buf_appends(out, HEADER "\n");
  if (!err)
    err = put_line(out, "sessions", sessions_text(fp->sessions));
#define PUT(name, member)                                                                \
  if (!err)                                                                              \
    err = put_line(out, name, fp->member);
  FP_TEXT_MAP(PUT)
#undef PUT
  for (size_t i = 0; !err && i < fp->keyword_count; i++) {
    char line[SW_FP_KEYWORD_MAX + 16];
    snprintf(line, sizeof line, "%s %s", sessions_text(fp->keywords[i].sessions),
             fp->keywords[i].name);
    err = put_line(out, "keyword", line);
  }
  return err;
}

/* Copies v[0..n) into out[size]; false if it does not fit. */
static bool take(char *out, size_t size, const char *v, size_t n)
{
  if (n >= size)
    return false;
  memset(out, 0, size); /* a repeated line leaves nothing of the first */
  memcpy(out, v, n);
  return true;
}

/* "keyword plain,tls AUTH PLAIN" */
static bool parse_keyword(struct sw_fingerprint *fp, const char *v, size_t n)
{
  const char *sp = memchr(v, ' ', n);
  unsigned sessions = 0;
  char name[SW_FP_KEYWORD_MAX];
  if (!sp || !sessions_from(v, (size_t)(sp - v), &sessions) ||
      !take(name, sizeof name, sp + 1, n - (size_t)(sp + 1 - v)) || !name[0])
    return false;
  return find_keyword(fp, name) < 0 && add_keyword(fp, name, sessions);
}

static bool parse_line(struct sw_fingerprint *fp, const char *line, size_t n)
{
  const char *sp = memchr(line, ' ', n);
  if (!sp)
    return n == 0; /* an empty line is no fact; a bare word is no line */
  size_t kn = (size_t)(sp - line), vn = n - kn - 1;
  const char *v = sp + 1;
#define IS(name) (kn == sizeof(name) - 1 && memcmp(line, name, kn) == 0)
  if (IS("sessions"))
    return sessions_from(v, vn, &fp->sessions);
  if (IS("keyword"))
    return parse_keyword(fp, v, vn);
#define GET(name, member)                                                                \
  if (IS(name))                                                                          \
    return vn > 0 && take(fp->member, sizeof fp->member, v, vn);
  FP_TEXT_MAP(GET)
#undef GET
#undef IS
  return true; /* a newer version's fact */
}

enum sw_error sw_fingerprint_parse(const char *text, size_t len,
                                   struct sw_fingerprint *fp)
{
  memset(fp, 0, sizeof *fp);
  size_t hn = sizeof HEADER - 1;
  bool ok = len > hn && memcmp(text, HEADER, hn) == 0 && text[hn] == '\n' &&
            memchr(text, '\0', len) == NULL;
  for (size_t at = ok ? hn + 1 : len; ok && at < len;) {
    const char *nl = memchr(text + at, '\n', len - at);
    size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
    ok = parse_line(fp, text + at, n);
    at += n + 1;
  }
  if (!ok) {
    memset(fp, 0, sizeof *fp);
    return SW_E_INVALID_ARGUMENT;
  }
  return SW_E_OK;
}

/* ---- the diff ----------------------------------------------------------- */

/* Appends one sentence; past the room, counts it for "and N more". */
struct writer {
  struct sw_fp_diff *d;
  size_t len, dropped;
};

static void say(struct writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say(struct writer *w, const char *fmt, ...)
{
  char s[2 * SW_TLS_TEXT_MAX + 128];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s, sizeof s, fmt, ap);
  va_end(ap);
  size_t n = strlen(s), room = sizeof w->d->text - 40; /* the "and N more" line */
  w->d->count++;
  if (w->dropped || w->len + n + 1 > room) {
    w->dropped++;
    return;
  }
  if (w->len)
    w->d->text[w->len++] = '\n';
  memcpy(w->d->text + w->len, s, n + 1);
  w->len += n;
}

/* " before STARTTLS", " after STARTTLS" or "" for the sessions `s` of a
 * fingerprint with sessions `all`. */
static const char *where(unsigned s, unsigned all)
{
  if (all != (SW_FP_PLAIN | SW_FP_TLS) || s == all)
    return "";
  return s == SW_FP_PLAIN ? " before STARTTLS" : " after STARTTLS";
}

static void diff_keyword(struct writer *w, const char *name, unsigned was, unsigned is,
                         unsigned all)
{
  unsigned added = is & ~was, lost = was & ~is;
  if (strcmp(name, "STARTTLS") == 0)
    all = 0; /* offered before itself, by definition */
  if (!is)
    say(w, "%s is no longer offered", name);
  else if (!was)
    say(w, "%s was added%s", name, where(is, all));
  else {
    if (lost)
      say(w, "%s is no longer offered%s", name, where(lost, all));
    if (added)
      say(w, "%s was added%s", name, where(added, all));
  }
}

static void diff_keywords(struct writer *w, const struct sw_fingerprint *a,
                          const struct sw_fingerprint *b, unsigned mask, unsigned all)
{
  size_t i = 0, j = 0;
  while (i < a->keyword_count || j < b->keyword_count) {
    int c = i == a->keyword_count   ? 1
            : j == b->keyword_count ? -1
                                    : strcmp(a->keywords[i].name, b->keywords[j].name);
    unsigned was = c <= 0 ? a->keywords[i].sessions & mask : 0;
    unsigned is = c >= 0 ? b->keywords[j].sessions & mask : 0;
    if (was != is)
      diff_keyword(w, c <= 0 ? a->keywords[i].name : b->keywords[j].name, was, is, all);
    i += c <= 0;
    j += c >= 0;
  }
}

static const char *or_unknown(const char *s)
{
  return s[0] ? s : "unknown";
}

static void diff_tls(struct writer *w, const struct sw_fingerprint *a,
                     const struct sw_fingerprint *b)
{
  if (strcmp(a->tls_version, b->tls_version) != 0)
    say(w, "%s became %s", or_unknown(a->tls_version), or_unknown(b->tls_version));
  if (strcmp(a->cipher, b->cipher) != 0)
    say(w, "the cipher %s became %s", or_unknown(a->cipher), or_unknown(b->cipher));
  if (strcmp(a->key_sha256, b->key_sha256) != 0) {
    if (strcmp(a->key_type, b->key_type) != 0)
      say(w, "the certificate's key changed (%s became %s)", or_unknown(a->key_type),
          or_unknown(b->key_type));
    else
      say(w, "the certificate's key changed");
  }
  if (strcmp(a->issuer, b->issuer) != 0)
    say(w, "the certificate's issuer changed from \"%s\" to \"%s\"",
        or_unknown(a->issuer), or_unknown(b->issuer));
}

void sw_fingerprint_diff(const struct sw_fingerprint *accepted,
                         const struct sw_fingerprint *now, enum sw_tls_mode mode,
                         struct sw_fp_diff *out)
{
  memset(out, 0, sizeof *out);
  struct writer w = {.d = out};
  if (strcmp(accepted->greeting, now->greeting) != 0)
    say(&w, "the greeting name changed from %s to %s", or_unknown(accepted->greeting),
        or_unknown(now->greeting));
  /* Sessions both had are compared; one that came or went (TLS lost with
   * STARTTLS) shows as the STARTTLS keyword itself. */
  unsigned both = accepted->sessions & now->sessions;
  diff_keywords(&w, accepted, now, both, now->sessions);
  if (both & SW_FP_TLS)
    diff_tls(&w, accepted, now);
  else if ((accepted->sessions ^ now->sessions) == (SW_FP_PLAIN | SW_FP_TLS))
    say(&w, "the server was checked %s",
        now->sessions & SW_FP_TLS ? "over TLS" : "in plain text");
  int was = find_keyword(accepted, "STARTTLS"), is = find_keyword(now, "STARTTLS");
  bool lost = was >= 0 && (accepted->keywords[was].sessions & SW_FP_PLAIN) &&
              (is < 0 || !(now->keywords[is].sessions & SW_FP_PLAIN));
  out->critical = lost && (mode == SW_TLS_STARTTLS || mode == SW_TLS_REQUIRE_STARTTLS);
  if (w.dropped)
    snprintf(out->text + w.len, sizeof out->text - w.len, "%sand %zu more differences",
             w.len ? "\n" : "", w.dropped);
}

void sw_fp_diff_join(const struct sw_fp_diff *d, char *out, size_t size)
{
  if (!size)
    return;
  char all[2 * SW_FP_DIFF_TEXT_MAX];
  size_t n = 0;
  for (const char *s = d->text; *s; s++) {
    if (*s == '\n') {
      all[n++] = ';';
      all[n++] = ' ';
    } else {
      all[n++] = *s;
    }
  }
  if (n < size) {
    memcpy(out, all, n);
    out[n] = '\0';
  } else if (size > 4) {
    size_t cut = sw_utf8_fit(all, n, size - 4);
    memcpy(out, all, cut);
    memcpy(out + cut, "...", 4);
  } else {
    out[0] = '\0';
  }
}
