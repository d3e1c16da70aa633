#include "round_trip_result.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sw_round_trip_result *sw_round_trip_result_new(enum sw_round_trip protocol)
{
  struct sw_round_trip_result *rt = calloc(1, sizeof *rt);
  if (rt) {
    rt->protocol = protocol;
    rt->submit_us = rt->delivery_us = rt->total_us = -1;
  }
  return rt;
}

void sw_round_trip_result_free(struct sw_round_trip_result *rt)
{
  free(rt);
}

struct sw_round_trip_result *
sw_round_trip_result_copy(const struct sw_round_trip_result *rt)
{
  struct sw_round_trip_result *c = malloc(sizeof *c);
  if (c)
    memcpy(c, rt, sizeof *c);
  return c;
}

int64_t sw_round_trip_judged_us(const struct sw_round_trip_result *rt)
{
  return rt->found ? rt->delivery_us : rt->total_us;
}

enum sw_error sw_round_trip_hops_text(const struct sw_round_trip_result *rt,
                                      struct sw_buf *out)
{
  enum sw_error err = SW_E_OK;
  for (size_t i = 0; i < rt->nhops && !err; i++) {
    const struct sw_rt_hop *h = &rt->hops[i];
    char delay[32] = "?";
    if (h->clock_skew)
      snprintf(delay, sizeof delay, "skew");
    else if (h->has_delay)
      snprintf(delay, sizeof delay, "%" PRId64, h->delay_s);
    err = sw_buf_printf(out, "%s%s\t%s\t%s\t%" PRId64 "\t%s", i ? "\n" : "", h->from,
                        h->by, h->with, h->time, delay);
  }
  return err;
}

/* Copies field text[0..len) into out[SW_RT_HOP_TEXT_MAX], cut if longer. */
static void copy_field(char *out, const char *text, size_t len)
{
  if (len >= SW_RT_HOP_TEXT_MAX)
    len = SW_RT_HOP_TEXT_MAX - 1;
  memcpy(out, text, len);
  out[len] = '\0';
}

/* One line "from\tby\twith\ttime\tdelay" into *h; false if it is not one. */
static bool parse_hop(const char *line, size_t len, struct sw_rt_hop *h)
{
  const char *field[5];
  size_t flen[5], n = 0, start = 0;
  for (size_t i = 0; i <= len && n < 5; i++) {
    if (i < len && line[i] != '\t')
      continue;
    field[n] = line + start;
    flen[n++] = i - start;
    start = i + 1;
  }
  if (n != 5)
    return false;
  *h = (struct sw_rt_hop){0};
  copy_field(h->from, field[0], flen[0]);
  copy_field(h->by, field[1], flen[1]);
  copy_field(h->with, field[2], flen[2]);
  char num[32];
  copy_field(num, field[3], flen[3] < sizeof num ? flen[3] : sizeof num - 1);
  h->time = strtoll(num, NULL, 10);
  copy_field(num, field[4], flen[4] < sizeof num ? flen[4] : sizeof num - 1);
  h->clock_skew = strcmp(num, "skew") == 0;
  h->has_delay = !h->clock_skew && strcmp(num, "?") != 0 && num[0] != '\0';
  h->delay_s = h->has_delay ? strtoll(num, NULL, 10) : 0;
  return true;
}

void sw_round_trip_hops_parse(struct sw_round_trip_result *rt, const char *text,
                              size_t len)
{
  rt->nhops = 0;
  size_t start = 0;
  for (size_t i = 0; i <= len && rt->nhops < SW_RT_HOPS_MAX; i++) {
    if (i < len && text[i] != '\n')
      continue;
    if (i > start && parse_hop(text + start, i - start, &rt->hops[rt->nhops]))
      rt->nhops++;
    start = i + 1;
  }
}
