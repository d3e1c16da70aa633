/* Availability arithmetic (availability.h): which time a result vouches
 * for, totals and uptime, and outages from a rule's changes. */
#include "availability.h"

#include <string.h>

const double sw_avail_percentiles[SW_AVAIL_PERCENTILE_COUNT] = {50, 95, 99};

static const char *const kind_names[] = {SW_AVAIL_KIND_MAP(SW_X_2)};

const char *sw_avail_kind_name(enum sw_avail_kind k)
{
  return (unsigned)k < SW_AVAIL_KIND_COUNT ? kind_names[k] : "unknown";
}

bool sw_avail_kind_from_name(const char *name, enum sw_avail_kind *out)
{
  for (int k = 0; k < SW_AVAIL_KIND_COUNT; k++)
    if (strcmp(name, kind_names[k]) == 0) {
      *out = (enum sw_avail_kind)k;
      return true;
    }
  return false;
}

enum sw_avail_kind sw_avail_kind_of(enum sw_nagios_status status, bool in_maintenance)
{
  if (in_maintenance)
    return SW_AVAIL_MAINTENANCE;
  switch (status) {
  case SW_NAGIOS_OK:
    return SW_AVAIL_OK;
  case SW_NAGIOS_WARNING:
    return SW_AVAIL_WARNING;
  case SW_NAGIOS_CRITICAL:
    return SW_AVAIL_CRITICAL;
  default:
    return SW_AVAIL_UNKNOWN;
  }
}

bool sw_avail_cover(int64_t started_at_ms, int64_t interval_ms, int64_t *covered_until_ms,
                    int64_t *from_ms, int64_t *until_ms)
{
  int64_t from = started_at_ms > *covered_until_ms ? started_at_ms : *covered_until_ms;
  int64_t until = started_at_ms + (interval_ms > 0 ? interval_ms : 0);
  if (until <= from)
    return false;
  *from_ms = from;
  *until_ms = until;
  *covered_until_ms = until;
  return true;
}

void sw_avail_totals_add(struct sw_avail_totals *a, const struct sw_avail_totals *b)
{
  for (int k = 0; k < SW_AVAIL_KIND_COUNT; k++)
    a->ms[k] += b->ms[k];
  a->checks += b->checks;
}

int64_t sw_avail_monitored_ms(const struct sw_avail_totals *t)
{
  return t->ms[SW_AVAIL_OK] + t->ms[SW_AVAIL_WARNING] + t->ms[SW_AVAIL_CRITICAL] +
         t->ms[SW_AVAIL_UNKNOWN];
}

int64_t sw_avail_unmonitored_ms(const struct sw_avail_totals *t)
{
  int64_t rest = t->period_ms - sw_avail_monitored_ms(t) - t->ms[SW_AVAIL_MAINTENANCE];
  return rest > 0 ? rest : 0;
}

bool sw_avail_uptime(const struct sw_avail_totals *t, double *percent)
{
  int64_t monitored = sw_avail_monitored_ms(t);
  if (monitored <= 0)
    return false;
  *percent = 100.0 * (double)t->ms[SW_AVAIL_OK] / (double)monitored;
  return true;
}

static bool is_down(enum sw_avail_kind k)
{
  return k != SW_AVAIL_OK && k != SW_AVAIL_MAINTENANCE;
}

size_t sw_avail_outages(const struct sw_avail_change *changes, size_t count,
                        int64_t from_ms, int64_t until_ms, struct sw_outage *out)
{
  size_t n = 0;
  bool down = false;
  struct sw_outage cur = {0};
  for (size_t i = 0; i < count && changes[i].at_ms < until_ms; i++) {
    const struct sw_avail_change *c = &changes[i];
    if (!down && is_down(c->kind)) {
      down = true;
      cur = (struct sw_outage){.start_ms = c->at_ms, .outcome = c->outcome};
    } else if (down && !is_down(c->kind)) {
      down = false;
      cur.end_ms = c->at_ms;
      if (cur.end_ms > from_ms) {
        cur.began_before = cur.start_ms < from_ms;
        out[n++] = cur;
      }
    }
  }
  if (down) {
    cur.end_ms = until_ms;
    cur.open = true;
    cur.began_before = cur.start_ms < from_ms;
    out[n++] = cur;
  }
  return n;
}
