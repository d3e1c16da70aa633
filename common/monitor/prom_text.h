/* The Prometheus text exposition format, version 0.0.4: what
 * windows_exporter's textfile collector reads and what a Prometheus server
 * scrapes. Each metric family is a "# HELP" and a "# TYPE" line followed
 * by its samples, all together (the format forbids a family's samples to
 * be split); label values escape backslash, double quote and newline, HELP
 * text backslash and newline. Values are written exactly: integers as
 * integers, microseconds as seconds with six decimals, no floating point
 * rounding. Portable; one writer per output, not thread-safe. */
#ifndef SW_PROM_TEXT_H
#define SW_PROM_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "sw_buf.h"
#include "sw_error.h"

/* Metric types, as the TYPE line names them. */
enum sw_prom_type { SW_PROM_COUNTER, SW_PROM_GAUGE, SW_PROM_HISTOGRAM };

/* One label: a name ([a-zA-Z_][a-zA-Z0-9_]*, the caller's constant) and
 * any UTF-8 value (escaped on output). */
struct sw_prom_label {
  const char *name;
  const char *value;
};

/* A writer appends to `out`; the first error sticks in `err` and later
 * calls do nothing, so a renderer checks once at the end. */
struct sw_prom {
  struct sw_buf *out;
  enum sw_error err;
  const char *family; /* the family being written: samples are named after it */
};

void sw_prom_init(struct sw_prom *p, struct sw_buf *out);

/* Starts the family `name` (a valid metric name, the caller's constant,
 * kept until the next family): writes its HELP and TYPE lines. */
void sw_prom_family(struct sw_prom *p, const char *name, enum sw_prom_type type,
                    const char *help);

/* One sample of the current family: its name plus `suffix` ("" for none,
 * "_bucket", "_sum", "_count" for a histogram's parts), `n` labels, then
 * the value. */
void sw_prom_int(struct sw_prom *p, const char *suffix,
                 const struct sw_prom_label *labels, size_t n, int64_t value);
/* The same with the value `us` microseconds written as seconds
 * ("-0.000001", "12.345678"). */
void sw_prom_us(struct sw_prom *p, const char *suffix, const struct sw_prom_label *labels,
                size_t n, int64_t us);

/* `v` in decimal into out[size] (24 is always enough), as the samples
 * write it: for label values made of numbers. */
void sw_prom_decimal(char *out, size_t size, int64_t v);

/* A histogram with fixed upper bounds in microseconds: counts[i] holds the
 * observations <= bounds_us[i] and not <= bounds_us[i-1]; counts[nbounds]
 * those above the last bound. sum_us is the observations' sum. */
struct sw_prom_histogram {
  const int64_t *bounds_us;
  size_t nbounds;
  uint64_t *counts; /* nbounds + 1 of them */
  int64_t sum_us;
};
/* Counts one observation of `us` (negative counts as 0). */
void sw_prom_histogram_observe(struct sw_prom_histogram *h, int64_t us);
/* Writes the current family's _bucket samples (cumulative, le in seconds,
 * the last le="+Inf"), _sum (seconds) and _count, each with `labels`. */
void sw_prom_histogram_write(struct sw_prom *p, const struct sw_prom_histogram *h,
                             const struct sw_prom_label *labels, size_t n);

#endif
