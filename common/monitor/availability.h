/* Availability over a period, from what a rule's results say (docs/reports.md):
 * how long it was OK, warning, critical, unknown or in maintenance, its
 * uptime, and its outages.
 *
 * What counts as monitored: a result vouches for one interval of its rule
 * (the interval the rule had when the result was written), from the
 * check's start. Time no result vouches for is "unmonitored": the rule was
 * disabled or deleted, the service was stopped, or checks were late by
 * more than an interval. Where two results' intervals overlap (a check run
 * by hand, a changed interval) the earlier result keeps the overlap, so
 * time is never counted twice. A result taken during a maintenance window
 * counts as maintenance, whatever it said.
 *
 * uptime = OK time / monitored time, where monitored = OK + warning +
 * critical + unknown (maintenance and unmonitored time are left out, and
 * shown). An outage is a run of results that are not OK and not in
 * maintenance: it begins with the first of them (its outcome is the
 * outage's cause) and ends at the start of the next result that is OK or
 * in maintenance. Time without results inside a run does not end it. */
#ifndef SW_AVAILABILITY_H
#define SW_AVAILABILITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_result.h"
#include "nagios_report.h"
#include "sw_macros.h"

#define SW_AVAIL_HOUR_MS INT64_C(3600000)

/* The response-time percentiles a report gives, in this order: 50, 95, 99. */
#define SW_AVAIL_PERCENTILE_COUNT 3
extern const double sw_avail_percentiles[SW_AVAIL_PERCENTILE_COUNT];

/* X(ENUM, name): what a stretch of time was; the names are stored. */
#define SW_AVAIL_KIND_MAP(X)                                                             \
  X(SW_AVAIL_OK, "ok")                                                                   \
  X(SW_AVAIL_WARNING, "warning")                                                         \
  X(SW_AVAIL_CRITICAL, "critical")                                                       \
  X(SW_AVAIL_UNKNOWN, "unknown")                                                         \
  X(SW_AVAIL_MAINTENANCE, "maintenance")

enum sw_avail_kind { SW_AVAIL_KIND_MAP(SW_X_1) SW_AVAIL_KIND_COUNT };

/* "ok", "maintenance", ...; never NULL. */
const char *sw_avail_kind_name(enum sw_avail_kind k);
/* The kind named `name`; false if none. */
bool sw_avail_kind_from_name(const char *name, enum sw_avail_kind *out);
/* What a result's time counts as. */
enum sw_avail_kind sw_avail_kind_of(enum sw_nagios_status status, bool in_maintenance);

/* The time a result at `started_at_ms` vouches for, given how far the
 * rule's earlier results already reach (*covered_until_ms, 0 for none):
 * [*from, *until). Moves *covered_until_ms on. False (nothing to count)
 * when earlier results already cover its whole interval. */
bool sw_avail_cover(int64_t started_at_ms, int64_t interval_ms, int64_t *covered_until_ms,
                    int64_t *from_ms, int64_t *until_ms);

/* Time by kind, in milliseconds, and the number of checks, over a period. */
struct sw_avail_totals {
  int64_t ms[SW_AVAIL_KIND_COUNT];
  int64_t checks;
  int64_t period_ms; /* the period's length */
};

/* Adds b to a (not the period). */
void sw_avail_totals_add(struct sw_avail_totals *a, const struct sw_avail_totals *b);
/* OK + warning + critical + unknown. */
int64_t sw_avail_monitored_ms(const struct sw_avail_totals *t);
/* The period less monitored and maintenance time; never negative. */
int64_t sw_avail_unmonitored_ms(const struct sw_avail_totals *t);
/* Uptime in percent into *percent; false (no figure) when nothing was
 * monitored. */
bool sw_avail_uptime(const struct sw_avail_totals *t, double *percent);

/* A change of what a rule's results say, at the start of the result that
 * changed it. */
struct sw_avail_change {
  int64_t at_ms;
  enum sw_avail_kind kind;
  enum sw_outcome outcome; /* of that result */
};

struct sw_outage {
  int64_t start_ms;        /* may be before the period (began_before) */
  int64_t end_ms;          /* the period's end while open */
  enum sw_outcome outcome; /* that began it */
  bool began_before;       /* started before the period */
  bool open;               /* not over at the period's end */
};

/* The outages that overlap [from_ms, until_ms), oldest first, from a rule's
 * changes in time order (the last change before from_ms first, if any,
 * so a run already under way is seen). `out` has room for `count`
 * outages; returns how many were written. */
size_t sw_avail_outages(const struct sw_avail_change *changes, size_t count,
                        int64_t from_ms, int64_t until_ms, struct sw_outage *out);

#endif
