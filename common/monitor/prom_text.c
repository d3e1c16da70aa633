/* The Prometheus text exposition format (see prom_text.h). Everything goes
 * through sw_buf's sticky appends: the first failure (out of memory, the
 * buffer's limit) is kept and the rest is skipped. */
#include "prom_text.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sw_macros.h"

/* The most labels a histogram sample takes: the caller's and "le". */
#define HISTOGRAM_LABELS_MAX 8

void sw_prom_init(struct sw_prom *p, struct sw_buf *out)
{
  *p = (struct sw_prom){.out = out, .err = SW_E_OK, .family = ""};
}

static void put(struct sw_prom *p, const char *s, size_t len)
{
  sw_buf_append_sticky(p->out, &p->err, s, len);
}

static void puts_(struct sw_prom *p, const char *s)
{
  put(p, s, strlen(s));
}

/* Appends `s` with backslash and newline escaped, and the double quote too
 * when `quote` (label values; HELP text leaves it). */
static void put_escaped(struct sw_prom *p, const char *s, bool quote)
{
  const char *run = s;
  for (; *s; s++) {
    const char *esc = *s == '\\'           ? "\\\\"
                      : *s == '\n'         ? "\\n"
                      : quote && *s == '"' ? "\\\""
                                           : NULL;
    if (!esc)
      continue;
    put(p, run, (size_t)(s - run));
    puts_(p, esc);
    run = s + 1;
  }
  put(p, run, (size_t)(s - run));
}

static const char *type_name(enum sw_prom_type t)
{
  switch (t) {
  case SW_PROM_COUNTER:
    return "counter";
  case SW_PROM_GAUGE:
    return "gauge";
  case SW_PROM_HISTOGRAM:
    return "histogram";
  }
  SW_NOT_REACHED();
  return "untyped";
}

void sw_prom_family(struct sw_prom *p, const char *name, enum sw_prom_type type,
                    const char *help)
{
  p->family = name;
  sw_buf_printf_sticky(p->out, &p->err, "# HELP %s ", name);
  put_escaped(p, help, false);
  sw_buf_printf_sticky(p->out, &p->err, "\n# TYPE %s %s\n", name, type_name(type));
}

/* The sample's name and labels, up to the space before the value. */
static void sample_head(struct sw_prom *p, const char *suffix,
                        const struct sw_prom_label *labels, size_t n)
{
  puts_(p, p->family);
  puts_(p, suffix);
  for (size_t i = 0; i < n; i++) {
    puts_(p, i ? "," : "{");
    puts_(p, labels[i].name);
    puts_(p, "=\"");
    put_escaped(p, labels[i].value, true);
    puts_(p, "\"");
  }
  puts_(p, n ? "} " : " ");
}

/* The digits of `v` (at least `at_least`, zero-padded) ending at `end`;
 * returns the first. printf was most of the cost of 100,000 rules'
 * samples; this is not. */
static char *digits(char *end, uint64_t v, int at_least)
{
  char *d = end;
  do {
    *--d = (char)('0' + v % 10);
    v /= 10;
  } while (v || end - d < at_least);
  return d;
}

/* -(INT64_MIN) overflows: the magnitude is taken as unsigned. */
static uint64_t magnitude(int64_t v)
{
  return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

void sw_prom_decimal(char *out, size_t size, int64_t v)
{
  char text[24], *end = text + sizeof text;
  *--end = '\0';
  char *d = digits(end, magnitude(v), 1);
  if (v < 0)
    *--d = '-';
  snprintf(out, size, "%s", d);
}

void sw_prom_int(struct sw_prom *p, const char *suffix,
                 const struct sw_prom_label *labels, size_t n, int64_t value)
{
  char text[24], *end = text + sizeof text;
  *--end = '\n';
  char *d = digits(end, magnitude(value), 1);
  if (value < 0)
    *--d = '-';
  sample_head(p, suffix, labels, n);
  put(p, d, (size_t)(text + sizeof text - d));
}

/* `us` as seconds with six decimals, exactly (no double in between), in
 * out[size]. */
static void format_us(char *out, size_t size, int64_t us)
{
  char text[32], *end = text + sizeof text;
  *--end = '\0';
  uint64_t mag = magnitude(us);
  char *d = digits(end, mag % 1000000, 6);
  *--d = '.';
  d = digits(d, mag / 1000000, 1);
  if (us < 0)
    *--d = '-';
  snprintf(out, size, "%s", d);
}

void sw_prom_us(struct sw_prom *p, const char *suffix, const struct sw_prom_label *labels,
                size_t n, int64_t us)
{
  char text[48];
  format_us(text, sizeof text, us);
  sample_head(p, suffix, labels, n);
  puts_(p, text);
  puts_(p, "\n");
}

/* A bucket's bound as its shortest decimal ("0.005", "1", "2.5"), the
 * way Prometheus' own client libraries write `le`. */
static void format_le(char *out, size_t size, int64_t us)
{
  format_us(out, size, us);
  size_t len = strlen(out);
  while (out[len - 1] == '0')
    out[--len] = '\0';
  if (out[len - 1] == '.')
    out[len - 1] = '\0';
}

void sw_prom_histogram_observe(struct sw_prom_histogram *h, int64_t us)
{
  if (us < 0)
    us = 0;
  size_t i = 0;
  while (i < h->nbounds && us > h->bounds_us[i])
    i++;
  h->counts[i]++;
  h->sum_us += us;
}

void sw_prom_histogram_write(struct sw_prom *p, const struct sw_prom_histogram *h,
                             const struct sw_prom_label *labels, size_t n)
{
  struct sw_prom_label all[HISTOGRAM_LABELS_MAX];
  if (NEVER(n + 1 > SW_COUNTOF(all))) {
    p->err = p->err ? p->err : SW_E_INVALID_ARGUMENT;
    return;
  }
  if (n)
    memcpy(all, labels, n * sizeof *labels);
  char le[48];
  all[n] = (struct sw_prom_label){.name = "le", .value = le};
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= h->nbounds; i++) {
    cumulative += h->counts[i];
    if (i < h->nbounds)
      format_le(le, sizeof le, h->bounds_us[i]);
    else
      snprintf(le, sizeof le, "+Inf");
    sw_prom_int(p, "_bucket", all, n + 1, (int64_t)cumulative);
  }
  sw_prom_us(p, "_sum", labels, n, h->sum_us);
  sw_prom_int(p, "_count", labels, n, (int64_t)cumulative);
}
