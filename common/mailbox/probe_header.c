/* What a candidate message's header says to the mailbox session: whether
 * it is the probe looked for, a stale probe of the same rule, or anything
 * else (never touched). An IMAP header search matches substrings without
 * case, so the session reads each candidate's X-SmtpWatch-Probe field
 * itself and compares it exactly. Ages come from IMAP's INTERNALDATE (the
 * server's delivery time) or, with POP3, from the Date: field. */
#include <string.h>

#include "calendar.h"
#include "mailbox_internal.h"

static char upper(char c)
{
  return c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
}

static bool same_text(const char *a, const char *b, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (upper(a[i]) != upper(b[i]))
      return false;
  return true;
}

/* The end of the line at hdr[i] (its CR LF or LF excluded), and where the
 * next one starts. */
static size_t line_end(const char *hdr, size_t len, size_t i, size_t *next)
{
  const char *nl = memchr(hdr + i, '\n', len - i);
  size_t end = nl ? (size_t)(nl - hdr) : len;
  *next = nl ? end + 1 : len;
  if (end > i && hdr[end - 1] == '\r')
    end--;
  return end;
}

/* Appends hdr[from..to) to out[size] at *k, trimming leading blanks. */
static bool put_value(char *out, size_t size, size_t *k, const char *from, const char *to)
{
  for (const char *p = from; p < to; p++) {
    if (*k == 0 && (*p == ' ' || *p == '\t'))
      continue;
    if (*k + 1 >= size)
      return false;
    out[(*k)++] = *p;
  }
  return true;
}

bool sw__header_field(const char *hdr, size_t len, const char *name, char *out,
                      size_t size)
{
  size_t nlen = strlen(name), i = 0, next;
  while (i < len) {
    size_t end = line_end(hdr, len, i, &next);
    if (end == i)
      return false; /* the blank line: the header is over */
    if (end - i > nlen && hdr[i + nlen] == ':' && same_text(hdr + i, name, nlen)) {
      size_t k = 0;
      bool fits = put_value(out, size, &k, hdr + i + nlen + 1, hdr + end);
      /* Folded lines (RFC 5322 2.2.3) continue the value. */
      for (i = next; fits && i < len && (hdr[i] == ' ' || hdr[i] == '\t'); i = next) {
        end = line_end(hdr, len, i, &next);
        fits = put_value(out, size, &k, hdr + i, hdr + end);
      }
      while (k > 0 && (out[k - 1] == ' ' || out[k - 1] == '\t'))
        k--;
      if (size > 0)
        out[fits ? k : 0] = '\0';
      return fits;
    }
    i = next;
  }
  return false;
}

/* --- dates ------------------------------------------------------------- */

struct scan {
  const char *p;
};

static void blanks(struct scan *sc)
{
  while (*sc->p == ' ' || *sc->p == '\t')
    sc->p++;
}

/* 1 to `max` digits; -1 if none. */
static long digits(struct scan *sc, int max, int *count)
{
  long n = 0;
  int k = 0;
  while (k < max && *sc->p >= '0' && *sc->p <= '9')
    n = n * 10 + (*sc->p++ - '0'), k++;
  if (count)
    *count = k;
  return k ? n : -1;
}

static int month_of(const char *p)
{
  static const char months[] = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC";
  for (int m = 0; m < 12; m++)
    if (same_text(p, months + 3 * m, 3))
      return m + 1;
  return 0;
}

/* The zone's offset east of UTC in minutes: "+hhmm", "-hhmm", or an
 * obsolete name (RFC 5322 4.3; military letters and unknown names are
 * read as -0000, as it says). False if there is none. */
static bool zone(struct scan *sc, long *minutes)
{
  static const struct {
    const char *name;
    int hours;
  } names[] = {{"UT", 0},   {"GMT", 0},  {"EST", -5}, {"EDT", -4}, {"CST", -6},
               {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};
  blanks(sc);
  if (*sc->p == '+' || *sc->p == '-') {
    int sign = *sc->p++ == '-' ? -1 : 1, k;
    long hhmm = digits(sc, 4, &k);
    if (k != 4 || hhmm % 100 > 59)
      return false;
    *minutes = sign * (hhmm / 100 * 60 + hhmm % 100);
    return true;
  }
  size_t n = 0;
  while ((upper(sc->p[n]) >= 'A' && upper(sc->p[n]) <= 'Z'))
    n++;
  if (n == 0)
    return false;
  *minutes = 0;
  for (size_t i = 0; i < SW_COUNTOF(names); i++)
    if (strlen(names[i].name) == n && same_text(sc->p, names[i].name, n))
      *minutes = names[i].hours * 60;
  return true;
}

bool sw__parse_mail_date(const char *text, int64_t *unix_s)
{
  struct scan sc = {text};
  blanks(&sc);
  const char *comma = strchr(sc.p, ',');
  if (comma && comma - sc.p <= 9) /* a day name: "Mon," */
    sc.p = comma + 1;
  blanks(&sc);
  long day = digits(&sc, 2, NULL);
  if (*sc.p == '-' || *sc.p == ' ')
    sc.p++;
  blanks(&sc);
  int month = month_of(sc.p);
  if (day < 1 || day > 31 || month == 0)
    return false;
  sc.p += 3;
  if (*sc.p == '-' || *sc.p == ' ')
    sc.p++;
  blanks(&sc);
  int ydigits;
  long year = digits(&sc, 4, &ydigits);
  if (year < 0 || ydigits == 3 || ydigits == 1)
    return false;
  if (ydigits == 2)
    year += year < 50 ? 2000 : 1900; /* RFC 5322 4.3 */
  blanks(&sc);
  long hour = digits(&sc, 2, NULL), minute = -1, second = 0;
  if (*sc.p == ':') {
    sc.p++;
    minute = digits(&sc, 2, NULL);
  }
  if (*sc.p == ':') {
    sc.p++;
    second = digits(&sc, 2, NULL);
  }
  long offset;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 ||
      !zone(&sc, &offset))
    return false;
  int64_t days = sw_days_from_civil(year, (unsigned)month, (unsigned)day);
  *unix_s = days * SW_SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offset * 60;
  return true;
}

/* --- the kind of a candidate -------------------------------------------- */

enum sw_probe_kind sw__probe_kind(const struct sw_mailbox_config *cfg, const char *hdr,
                                  size_t len, int64_t date_s)
{
  char value[SW_MAILBOX_ARG_MAX + 2];
  if (!sw__header_field(hdr, len, "X-SmtpWatch-Probe", value, sizeof value))
    return SW_PROBE_OTHER;
  if (strcmp(value, cfg->probe) == 0)
    return SW_PROBE_THIS;
  size_t rule = (size_t)(strchr(cfg->probe, '/') - cfg->probe) + 1;
  if (strncmp(value, cfg->probe, rule) != 0)
    return SW_PROBE_OTHER; /* another rule's, or a value that only looks alike */
  if (date_s == 0) {
    char date[128];
    if (!sw__header_field(hdr, len, "Date", date, sizeof date) ||
        !sw__parse_mail_date(date, &date_s))
      return SW_PROBE_RECENT; /* its age is unknown: left alone */
  }
  return cfg->wall_s - date_s >= cfg->stale_s ? SW_PROBE_STALE : SW_PROBE_RECENT;
}
