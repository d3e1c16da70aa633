/* Dates in headers (header_date.h). */
#include "header_date.h"

#include "calendar.h"
#include "header_block.h"
#include "sw_macros.h"

/* Where a parse stands: the text and the next unread position. */
struct lex {
  const char *s;
  size_t len;
  size_t pos;
};

static bool is_digit(char ch)
{
  return ch >= '0' && ch <= '9';
}

static bool is_alpha(char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static void skip(struct lex *x)
{
  x->pos = sw_header_skip_cfws(x->s, x->len, x->pos);
}

/* A run of min..max digits as a number, after CFWS. */
static bool number(struct lex *x, unsigned min, unsigned max, unsigned *value,
                   unsigned *digits)
{
  skip(x);
  unsigned n = 0, v = 0;
  while (x->pos < x->len && is_digit(x->s[x->pos]) && n <= max) {
    v = v * 10 + (unsigned)(x->s[x->pos] - '0');
    n++;
    x->pos++;
  }
  if (n < min || n > max)
    return false;
  *value = v;
  if (digits)
    *digits = n;
  return true;
}

/* A run of letters, after CFWS: its start and length (0: none). */
static size_t word(struct lex *x, const char **start)
{
  skip(x);
  *start = x->s + x->pos;
  size_t n = 0;
  while (x->pos < x->len && is_alpha(x->s[x->pos])) {
    n++;
    x->pos++;
  }
  return n;
}

/* One character ch, after CFWS. */
static bool punct(struct lex *x, char ch)
{
  skip(x);
  if (x->pos < x->len && x->s[x->pos] == ch) {
    x->pos++;
    return true;
  }
  return false;
}

/* The zone's offset in minutes east of UTC: +hhmm/-hhmm or a name. */
static bool zone(struct lex *x, int *offset_min)
{
  static const struct {
    const char *name;
    int hours;
  } names[] = {{"UT", 0},   {"GMT", 0},  {"EST", -5}, {"EDT", -4}, {"CST", -6},
               {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};
  skip(x);
  if (x->pos < x->len && (x->s[x->pos] == '+' || x->s[x->pos] == '-')) {
    int sign = x->s[x->pos++] == '-' ? -1 : 1;
    unsigned hhmm, digits;
    if (x->pos >= x->len || !is_digit(x->s[x->pos]) || !number(x, 4, 4, &hhmm, &digits) ||
        hhmm % 100 > 59)
      return false;
    *offset_min = sign * (int)(hhmm / 100 * 60 + hhmm % 100);
    return true;
  }
  const char *w;
  size_t n = word(x, &w);
  for (size_t i = 0; i < SW_COUNTOF(names); i++)
    if (sw_header_word_is(w, n, names[i].name)) {
      *offset_min = names[i].hours * 60;
      return true;
    }
  if (n == 1 && (w[0] | 0x20) != 'j') { /* military: A-I, K-Z (4.3) */
    *offset_min = 0;
    return true;
  }
  return false;
}

static bool month(struct lex *x, unsigned *m)
{
  const char *w;
  size_t n = word(x, &w);
  for (unsigned i = 1; i <= 12; i++)
    if (sw_header_word_is(w, n, sw_month_name(i))) {
      *m = i;
      return true;
    }
  return false;
}

/* [day-of-week [","]]: a known name if there is one. */
static bool day_of_week(struct lex *x)
{
  struct lex peek = *x;
  const char *w;
  size_t n = word(&peek, &w);
  if (n == 0)
    return true;
  for (unsigned i = 0; i < 7; i++)
    if (sw_header_word_is(w, n, sw_weekday_name(i))) {
      *x = peek;
      punct(x, ',');
      return true;
    }
  return false;
}

static int64_t full_year(unsigned year, unsigned digits)
{
  if (digits == 2)
    return year < 50 ? 2000 + year : 1900 + year;
  if (digits == 3)
    return 1900 + year;
  return year;
}

bool sw_header_date_parse(const char *s, size_t len, int64_t *unix_s, int *offset_min)
{
  struct lex x = {s, s ? len : 0, 0};
  unsigned d, m, y, y_digits, hh, mm, ss = 0;
  int off;
  if (!day_of_week(&x) || !number(&x, 1, 2, &d, NULL) || !month(&x, &m) ||
      !number(&x, 2, 4, &y, &y_digits) || !number(&x, 1, 2, &hh, NULL) ||
      !punct(&x, ':') || !number(&x, 2, 2, &mm, NULL))
    return false;
  if (punct(&x, ':') && !number(&x, 2, 2, &ss, NULL))
    return false;
  if (!zone(&x, &off))
    return false;
  skip(&x);
  int64_t year = full_year(y, y_digits);
  if (x.pos != x.len || year < 1900 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60)
    return false;
  int64_t days = sw_days_from_civil(year, m, d);
  int64_t cy;
  unsigned cm, cd;
  sw_civil_from_days(days, &cy, &cm, &cd);
  if (cm != m || cd != d)
    return false; /* 31 Nov, 29 Feb of a common year */
  if (ss == 60)
    ss = 59;
  *unix_s = days * SW_SECONDS_PER_DAY + hh * 3600 + mm * 60 + ss - (int64_t)off * 60;
  *offset_min = off;
  return true;
}
