#include "history_chart.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "sw_macros.h"

#define EMPTY_SCALE_US INT64_C(100000) /* no successes: 0-100 ms */
#define MIN_SCALE_US INT64_C(1000)     /* never finer than 0-1 ms */
#define MIN_STEP_US INT64_C(100)
#define LONE_SPAN_MS INT64_C(60000) /* one result: a minute wide */
#define Y_TICKS_MAX 10
/* Times and values beyond these are garbage; clamping them keeps every sum
 * and product below far from int64's limits (2^50 ms is 35,000 years). */
#define TIME_LIMIT_MS (INT64_C(1) << 50)
#define VALUE_LIMIT_US (INT64_C(1) << 50)
#define MS_PER_DAY INT64_C(86400000)

/* Rounds a fraction of a length (f in [0, 1]) to whole pixels: no libm. */
static int px(double f, int length)
{
  return (int)(f * length + 0.5);
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* Floor division (b > 0), so that times before 1970 round down too. */
void sw_history_chart_free(struct sw_history_chart *c)
{
  free(c->points);
  free(c->runs);
  memset(c, 0, sizeof *c);
}

/* ---- the value axis ---------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* The highest value the scale must show, from the successes' times sorted
 * ascending: the slowest, unless it is an outlier (see the header). */
static int64_t scale_top(const int64_t *sorted, size_t n)
{
  if (n == 0)
    return 0;
  int64_t max = sorted[n - 1];
  if (n >= 5) {
    int64_t p90 = sorted[(n - 1) * 9 / 10];
    if (p90 > 0 && max > 3 * p90)
      return 3 * p90;
  }
  return max;
}

/* The smallest 1-2-5 step that covers `v` in at most `k` steps. */
static int64_t nice_step(int64_t v, int k)
{
  static const int64_t mantissa[] = {1, 2, 5};
  for (int64_t mag = MIN_STEP_US;; mag *= 10) {
    for (size_t i = 0; i < 3; i++) {
      int64_t step = mantissa[i] * mag;
      if ((v + step - 1) / step <= k)
        return step;
    }
  }
}

/* "0", "250 ms", "0.5 ms", "1.5 s": milliseconds below a 1 s scale,
 * seconds from there; as many decimals as the step needs. */
static void value_label(int64_t us, int64_t y_max, int64_t step, char *out, size_t size)
{
  if (us == 0) {
    snprintf(out, size, "0");
    return;
  }
  int64_t unit = y_max >= 1000000 ? 1000000 : 1000;
  const char *name = unit == 1000000 ? "s" : "ms";
  int decimals = 0;
  int64_t scale = unit;
  while (decimals < 3 && step % scale != 0) {
    decimals++;
    scale /= 10;
  }
  if (decimals == 0) {
    snprintf(out, size, "%" PRId64 " %s", us / unit, name);
    return;
  }
  char frac[8];
  snprintf(frac, sizeof frac, "%0*" PRId64, decimals, us % unit / scale);
  size_t len = strlen(frac);
  while (len > 0 && frac[len - 1] == '0')
    frac[--len] = '\0';
  if (len == 0)
    snprintf(out, size, "%" PRId64 " %s", us / unit, name);
  else
    snprintf(out, size, "%" PRId64 ".%s %s", us / unit, frac, name);
}

static int y_of(const struct sw_history_rect *r, int64_t us, int64_t y_max)
{
  int h = r->bottom - r->top;
  double f = (double)clamp64(us, 0, y_max) / (double)y_max;
  return r->bottom - 1 - px(f, h - 1);
}

static void value_axis(struct sw_history_chart *c, const int64_t *sorted, size_t n,
                       const struct sw_history_layout *lay)
{
  int h = lay->plot.bottom - lay->plot.top;
  int k = h / (lay->y_gap_px > 0 ? lay->y_gap_px : 1);
  k = k < 1 ? 1 : k > Y_TICKS_MAX ? Y_TICKS_MAX : k;
  int64_t top = scale_top(sorted, n);
  /* Headroom, so that the slowest point does not sit on the frame. */
  int64_t v = n == 0 ? EMPTY_SCALE_US : top + top / 10;
  if (v < MIN_SCALE_US)
    v = MIN_SCALE_US;
  int64_t step = nice_step(v, k);
  c->y_max_us = (v + step - 1) / step * step;
  for (int64_t at = 0; at <= c->y_max_us && c->y_tick_count < SW_HISTORY_TICKS_MAX;
       at += step) {
    struct sw_history_tick *t = &c->y_ticks[c->y_tick_count++];
    t->pos = y_of(&lay->plot, at, c->y_max_us);
    value_label(at, c->y_max_us, step, t->label, sizeof t->label);
  }
}

/* ---- the time axis ----------------------------------------------------- */

static bool digits(const char *s, int n, int64_t *out)
{
  int64_t v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

/* "YYYY-MM-DD HH:MM:SS..." as seconds since 1970 on a clock without time
 * zone: the wall clock's reading. False if the text is not of that form. */
static bool parse_wall(const char *s, int64_t *wall_s)
{
  int64_t y, mo, d, h, mi, se;
  if (strlen(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' ||
      s[16] != ':')
    return false;
  if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
      !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
    return false;
  *wall_s =
      sw_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
  return true;
}

/* The local time of `t` as text; true if it has the expected form. */
static bool wall_text(const struct sw_history_layout *lay, int64_t t, char *out,
                      size_t size)
{
  out[0] = '\0';
  if (lay->local_time)
    lay->local_time(t, out, size);
  else
    sw_utc_format(sw_floor_div(t, 1000), out, size);
  out[size - 1] = '\0';
  int64_t ignored;
  return parse_wall(out, &ignored);
}

/* How far local time is ahead of UTC at `t`, in ms (0 if unknown). */
static int64_t local_offset(const struct sw_history_layout *lay, int64_t t)
{
  char text[64];
  int64_t wall;
  if (!wall_text(lay, t, text, sizeof text) || !parse_wall(text, &wall))
    return 0;
  return wall * 1000 - sw_floor_div(t, 1000) * 1000;
}

/* Tick spacings in seconds, finest first. */
static const int64_t time_steps_s[] = {
    1,    2,    5,    10,    15,    30,    60,    120,    300,    600,     900,
    1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2592000,
};

static int64_t time_step_ms(int64_t span_ms, int k)
{
  for (size_t i = 0; i < SW_COUNTOF(time_steps_s); i++) {
    int64_t step = time_steps_s[i] * 1000;
    if (span_ms <= k * step)
      return step;
  }
  int64_t month = INT64_C(2592000000);
  int64_t months = (span_ms / k + month - 1) / month;
  return months * month;
}

static int x_of(const struct sw_history_chart *c, const struct sw_history_rect *r,
                int64_t t)
{
  int w = r->right - r->left;
  double f = (double)(t - c->from_ms) / (double)(c->to_ms - c->from_ms);
  return r->left + px(f, w - 1);
}

/* "14:05", "14:05:30", "06-02", with the date where a day begins. */
static void time_label(const char *text, bool parsed, int64_t step_ms, char *prev_date,
                       char *out, size_t size)
{
  if (!parsed) {
    snprintf(out, size, "%s", text);
    return;
  }
  if (step_ms >= MS_PER_DAY) {
    snprintf(out, size, "%.5s", text + 5);
  } else {
    int clock = step_ms < 60000 ? 8 : 5;
    if (prev_date[0] && strncmp(prev_date, text, 10) != 0)
      snprintf(out, size, "%.5s %.*s", text + 5, clock, text + 11);
    else
      snprintf(out, size, "%.*s", clock, text + 11);
  }
  memcpy(prev_date, text, 10);
  prev_date[10] = '\0';
}

static void time_axis(struct sw_history_chart *c, const struct sw_history_layout *lay)
{
  int w = lay->plot.right - lay->plot.left;
  int k = w / (lay->x_gap_px > 0 ? lay->x_gap_px : 1);
  k = k < 1 ? 1 : k > SW_HISTORY_TICKS_MAX - 1 ? SW_HISTORY_TICKS_MAX - 1 : k;
  int64_t step = time_step_ms(c->to_ms - c->from_ms, k);
  /* Ticks at round local times: walk the wall clock in steps and map each
   * reading back through the offset in force then (daylight saving). */
  int64_t off = local_offset(lay, c->from_ms);
  int64_t wall = sw_floor_div(c->from_ms + off + step - 1, step) * step;
  char prev_date[11] = "";
  int64_t last = 0;
  for (int i = 0; i < 2 * SW_HISTORY_TICKS_MAX && c->x_tick_count < SW_HISTORY_TICKS_MAX;
       i++, wall += step) {
    int64_t t = wall - off;
    int64_t now_off = local_offset(lay, t);
    if (now_off != off) {
      off = now_off;
      t = wall - off;
    }
    if (t > c->to_ms)
      break;
    /* Where the clock jumps forward, the skipped reading maps back onto the
     * previous tick: skip it. */
    if (t < c->from_ms || (c->x_tick_count > 0 && t <= last))
      continue;
    last = t;
    struct sw_history_tick *tick = &c->x_ticks[c->x_tick_count++];
    char text[64];
    bool parsed = wall_text(lay, t, text, sizeof text);
    tick->pos = x_of(c, &lay->plot, t);
    time_label(text, parsed, step, prev_date, tick->label, sizeof tick->label);
  }
}

/* ---- the points -------------------------------------------------------- */

struct order {
  int64_t at;
  size_t index;
};

static int cmp_order(const void *a, const void *b)
{
  const struct order *x = a, *y = b;
  if (x->at != y->at)
    return (x->at > y->at) - (x->at < y->at);
  return (x->index > y->index) - (x->index < y->index);
}

static int64_t value_of(const struct sw_history_sample *s)
{
  return clamp64(s->response_us, 0, VALUE_LIMIT_US);
}

/* How far apart two results may be and still be joined by the line: 5
 * times the usual spacing (the median); 0 (always) with fewer than 4
 * results or no memory to find out. `ord` is sorted by time. */
static int64_t gap_limit(const struct order *ord, size_t n)
{
  if (n < 4)
    return 0;
  int64_t *steps = malloc((n - 1) * sizeof *steps);
  if (!steps)
    return 0;
  for (size_t i = 1; i < n; i++)
    steps[i - 1] = ord[i].at - ord[i - 1].at;
  qsort(steps, n - 1, sizeof *steps, cmp_i64);
  int64_t usual = steps[(n - 1) / 2];
  free(steps);
  return usual > 0 ? 5 * usual : 0;
}

static void place_points(struct sw_history_chart *c, const struct sw_history_sample *s,
                         const struct order *ord, size_t n,
                         const struct sw_history_layout *lay)
{
  int64_t gap_ms = gap_limit(ord, n);
  for (size_t j = 0; j < n; j++) {
    const struct sw_history_sample *sample = &s[ord[j].index];
    struct sw_history_point *p = &c->points[j];
    p->sample = ord[j].index;
    p->x = x_of(c, &lay->plot, ord[j].at);
    if (sample->failed) {
      p->mark = SW_HISTORY_MARK_FAILURE;
      p->y = lay->plot.top - (lay->lane_px > 0 ? lay->lane_px / 2 : 0);
      c->failures++;
    } else if (value_of(sample) > c->y_max_us) {
      p->mark = SW_HISTORY_MARK_OFF_SCALE;
      p->y = lay->plot.top;
      c->off_scale++;
    } else {
      p->mark = sample->warning ? SW_HISTORY_MARK_WARNING : SW_HISTORY_MARK_LINE;
      p->y = y_of(&lay->plot, value_of(sample), c->y_max_us);
    }
    /* The line stops at a failure and starts again after it; also where
     * results are missing (the service was stopped, the rule disabled). */
    if (p->mark == SW_HISTORY_MARK_FAILURE)
      continue;
    bool joined = j > 0 && c->points[j - 1].mark != SW_HISTORY_MARK_FAILURE &&
                  (gap_ms == 0 || ord[j].at - ord[j - 1].at <= gap_ms);
    if (joined)
      c->runs[c->run_count - 1].count++;
    else
      c->runs[c->run_count++] = (struct sw_history_run){j, 1};
  }
}

enum sw_error sw_history_chart_build(struct sw_history_chart *c,
                                     const struct sw_history_sample *samples, size_t n,
                                     const struct sw_history_layout *layout)
{
  memset(c, 0, sizeof *c);
  const struct sw_history_rect *r = &layout->plot;
  if (r->right <= r->left || r->bottom <= r->top)
    return SW_E_INVALID_ARGUMENT;
  struct order *ord = n ? calloc(n, sizeof *ord) : NULL;
  int64_t *values = n ? calloc(n, sizeof *values) : NULL;
  c->points = n ? calloc(n, sizeof *c->points) : NULL;
  c->runs = n ? calloc(n, sizeof *c->runs) : NULL;
  if (n && (!ord || !values || !c->points || !c->runs)) {
    free(ord);
    free(values);
    sw_history_chart_free(c);
    return SW_E_NOMEM;
  }
  size_t successes = 0;
  for (size_t i = 0; i < n; i++) {
    ord[i] = (struct order){clamp64(samples[i].at_ms, -TIME_LIMIT_MS, TIME_LIMIT_MS), i};
    if (!samples[i].failed)
      values[successes++] = value_of(&samples[i]);
  }
  if (n > 0) {
    qsort(ord, n, sizeof *ord, cmp_order);
    qsort(values, successes, sizeof *values, cmp_i64);
  }
  value_axis(c, values, successes, layout);
  free(values);
  if (n > 0) {
    c->from_ms = ord[0].at;
    c->to_ms = ord[n - 1].at;
    if (c->from_ms == c->to_ms) {
      c->from_ms -= LONE_SPAN_MS / 2;
      c->to_ms += LONE_SPAN_MS / 2;
    }
    time_axis(c, layout);
    place_points(c, samples, ord, n, layout);
    c->point_count = n;
  }
  free(ord);
  return SW_E_OK;
}

size_t sw_history_chart_hit(const struct sw_history_chart *c, int x, int y, int radius)
{
  size_t best = SIZE_MAX;
  int64_t best_d = (int64_t)radius * radius;
  for (size_t i = 0; i < c->point_count; i++) {
    int64_t dx = c->points[i].x - x, dy = c->points[i].y - y;
    int64_t d = dx * dx + dy * dy;
    if (d <= best_d) {
      best = i;
      best_d = d;
    }
  }
  return best;
}
