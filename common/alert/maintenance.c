/* Maintenance windows (maintenance.h). */
#include "maintenance.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "sw_macros.h"

#define WEEK_DAYS 7
#define ALL_DAYS 0x7Fu
#define LOOK_AHEAD_MINUTES (8 * SW_MAINT_DAY_MINUTES)

static bool has_day(uint8_t days, int64_t weekday)
{
  return (days >> weekday) & 1u;
}

static bool weekly_active(const struct sw_maint_window *w, int64_t local_s)
{
  int64_t day = sw_floor_div(local_s, SW_SECONDS_PER_DAY);
  int64_t weekday = sw_weekday(day);
  int64_t minute = (local_s - day * SW_SECONDS_PER_DAY) / 60;
  if (w->start_min < w->end_min)
    return has_day(w->days, weekday) && minute >= w->start_min && minute < w->end_min;
  /* Past midnight: the evening of a listed day, or the morning after one. */
  int64_t yesterday = (weekday + WEEK_DAYS - 1) % WEEK_DAYS;
  return (has_day(w->days, weekday) && minute >= w->start_min) ||
         (has_day(w->days, yesterday) && minute < w->end_min);
}

int64_t sw_wall_to_utc(int64_t wall_s, sw_local_time_fn local, void *ctx)
{
  /* The zone's offsets a day before, at and a day after: each candidate
   * instant wall_s - offset that reads wall_s is an answer. */
  int64_t probes[] = {wall_s - SW_SECONDS_PER_DAY, wall_s, wall_s + SW_SECONDS_PER_DAY};
  int64_t lo = INT64_MAX, hi = INT64_MIN, first = INT64_MAX;
  for (size_t i = 0; i < SW_COUNTOF(probes); i++) {
    int64_t at = wall_s - (local(probes[i], ctx) - probes[i]);
    lo = at < lo ? at : lo;
    hi = at > hi ? at : hi;
    if (local(at, ctx) == wall_s && at < first)
      first = at;
  }
  if (first != INT64_MAX)
    return first;
  /* Skipped: the first instant whose reading is past wall_s. */
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (local(mid, ctx) > wall_s)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

bool sw_maint_active(const struct sw_maint_window *w, int64_t now_s,
                     sw_local_time_fn local, void *ctx)
{
  if (w->kind == SW_MAINT_ONCE)
    return now_s >= w->from_s && now_s < w->until_s;
  return weekly_active(w, local(now_s, ctx));
}

int64_t sw_maint_next_change(const struct sw_maint_window *w, int64_t now_s,
                             sw_local_time_fn local, void *ctx)
{
  if (w->kind == SW_MAINT_ONCE) {
    if (now_s < w->from_s)
      return w->from_s;
    return now_s < w->until_s ? w->until_s : INT64_MAX;
  }
  /* Local offsets change on whole minutes, and so does a weekly window. */
  bool now_active = sw_maint_active(w, now_s, local, ctx);
  int64_t t = (sw_floor_div(now_s, 60) + 1) * 60;
  for (unsigned i = 0; i < LOOK_AHEAD_MINUTES; i++, t += 60) {
    if (sw_maint_active(w, t, local, ctx) != now_active)
      return t;
  }
  return INT64_MAX;
}

/* ---- weekly text ---- */

static void say(char *why, size_t size, const char *fmt, const char *what, size_t len)
{
  snprintf(why, size, fmt, (int)len, what);
}

static int day_of(const char *s, size_t len)
{
  if (len != 3)
    return -1;
  for (int d = 0; d < WEEK_DAYS; d++) {
    const char *n = sw_weekday_name((unsigned)d);
    if (tolower((unsigned char)s[0]) == tolower((unsigned char)n[0]) &&
        tolower((unsigned char)s[1]) == n[1] && tolower((unsigned char)s[2]) == n[2])
      return d;
  }
  return -1;
}

/* One day or a range ("Mon-Fri", wrapping "Fri-Mon") into *days. */
static bool parse_day_item(const char *s, size_t len, uint8_t *days, char *why,
                           size_t size)
{
  const char *dash = memchr(s, '-', len);
  size_t first_len = dash ? (size_t)(dash - s) : len;
  int from = day_of(s, first_len);
  int to = dash ? day_of(dash + 1, len - first_len - 1) : from;
  if (from < 0 || to < 0) {
    const char *bad = from < 0 ? s : dash + 1;
    size_t bad_len = from < 0 ? first_len : len - first_len - 1;
    say(why, size, "\"%.*s\" is not a day: use Sun, Mon, Tue, Wed, Thu, Fri or Sat.", bad,
        bad_len);
    return false;
  }
  for (int d = from;; d = (d + 1) % WEEK_DAYS) {
    *days |= (uint8_t)(1u << d);
    if (d == to)
      break;
  }
  return true;
}

static bool parse_days(const char *s, size_t len, uint8_t *days, char *why, size_t size)
{
  *days = 0;
  for (;;) { /* every item, also an empty one after a trailing comma */
    const char *comma = memchr(s, ',', len);
    size_t item = comma ? (size_t)(comma - s) : len;
    if (!parse_day_item(s, item, days, why, size))
      return false;
    if (!comma)
      return true;
    s += item + 1;
    len -= item + 1;
  }
}

/* "HH:MM" (00:00 to 24:00) into minutes of the day. */
static bool parse_clock(const char *s, size_t len, unsigned *minutes, char *why,
                        size_t size)
{
  bool ok = len == 5 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
            s[2] == ':' && isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]);
  unsigned h = ok ? (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0') : 0;
  unsigned m = ok ? (unsigned)(s[3] - '0') * 10 + (unsigned)(s[4] - '0') : 0;
  if (!ok || m > 59 || h * 60 + m > SW_MAINT_DAY_MINUTES) {
    say(why, size, "\"%.*s\" is not a time of day: write HH:MM, from 00:00 to 24:00.", s,
        len);
    return false;
  }
  *minutes = h * 60 + m;
  return true;
}

static bool parse_times(const char *s, size_t len, struct sw_maint_window *out, char *why,
                        size_t size)
{
  const char *dash = memchr(s, '-', len);
  if (!dash) {
    say(why, size, "\"%.*s\" is not a span of time: write it as 02:00-04:00.", s, len);
    return false;
  }
  unsigned start, end;
  if (!parse_clock(s, (size_t)(dash - s), &start, why, size) ||
      !parse_clock(dash + 1, len - (size_t)(dash - s) - 1, &end, why, size))
    return false;
  if (start == SW_MAINT_DAY_MINUTES) {
    snprintf(why, size, "A window cannot start at 24:00: write 00:00 and the next day.");
    return false;
  }
  if (start == end) {
    snprintf(why, size,
             "The window ends when it starts: for whole days write 00:00-24:00.");
    return false;
  }
  out->start_min = (uint16_t)start;
  out->end_min = (uint16_t)end;
  return true;
}

bool sw_maint_weekly_parse(const char *text, struct sw_maint_window *out, char *why,
                           size_t why_size)
{
  *out = (struct sw_maint_window){.kind = SW_MAINT_WEEKLY};
  while (*text == ' ')
    text++;
  size_t len = strlen(text);
  while (len > 0 && text[len - 1] == ' ')
    len--;
  const char *space = memchr(text, ' ', len);
  if (!space) {
    snprintf(why, why_size, "Give the days, then the times, as in \"Sun 02:00-04:00\".");
    return false;
  }
  const char *times = space;
  while (*times == ' ')
    times++;
  return parse_days(text, (size_t)(space - text), &out->days, why, why_size) &&
         parse_times(times, len - (size_t)(times - text), out, why, why_size);
}

/* Appends one run of days, first..first+count-1 (mod 7), to out. */
static void put_run(char *out, size_t size, int first, int count)
{
  size_t n = strlen(out);
  const char *sep = n ? "," : "";
  int last = (first + count - 1) % WEEK_DAYS;
  if (count >= 3)
    snprintf(out + n, size - n, "%s%s-%s", sep, sw_weekday_name((unsigned)first),
             sw_weekday_name((unsigned)last));
  else if (count == 2)
    snprintf(out + n, size - n, "%s%s,%s", sep, sw_weekday_name((unsigned)first),
             sw_weekday_name((unsigned)last));
  else
    snprintf(out + n, size - n, "%s%s", sep, sw_weekday_name((unsigned)first));
}

static void days_text(uint8_t days, char *out, size_t size)
{
  out[0] = '\0';
  if ((days & ALL_DAYS) == ALL_DAYS) {
    snprintf(out, size, "Mon-Sun");
    return;
  }
  /* Start the week after a day that is not listed (looking from Monday),
   * so that a run across the weekend ("Fri-Mon") stays whole. */
  int origin = 1;
  while (has_day(days, origin))
    origin = (origin + 1) % WEEK_DAYS;
  int run_first = -1, run_len = 0;
  for (int i = 1; i <= WEEK_DAYS; i++) {
    int d = (origin + i) % WEEK_DAYS;
    if (has_day(days, d)) {
      if (run_len++ == 0)
        run_first = d;
    } else if (run_len) {
      put_run(out, size, run_first, run_len);
      run_len = 0;
    }
  }
}

void sw_maint_weekly_text(const struct sw_maint_window *w, char *out, size_t size)
{
  char days[SW_MAINT_WEEKLY_TEXT_MAX];
  days_text(w->days, days, sizeof days);
  snprintf(out, size, "%s %02u:%02u-%02u:%02u", days, w->start_min / 60u,
           w->start_min % 60u, w->end_min / 60u, w->end_min % 60u);
}
