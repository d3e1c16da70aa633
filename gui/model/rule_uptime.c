/* The rule list's availability columns (rule_uptime.h). */
#include "rule_uptime.h"

#include <stdio.h>

uint16_t sw_uptime_of(const struct sw_avail_totals *t)
{
  double percent;
  if (!sw_avail_uptime(t, &percent))
    return SW_UPTIME_NONE;
  if (percent <= 0)
    return 0;
  if (percent >= 100)
    return 10000;
  return (uint16_t)(percent * 100); /* truncates: rounds down */
}

void sw_uptime_text(uint16_t uptime, char *out, size_t size)
{
  if (size == 0)
    return;
  if (uptime > 10000)
    snprintf(out, size, "\xE2\x80\x94"); /* an em dash */
  else
    snprintf(out, size, "%u.%02u %%", uptime / 100u, uptime % 100u);
}

/* The row of rule `id` in r->rows (rule id order), or NULL. */
static struct sw_rule_row *row_of_rule(struct sw_rule_rows *r, int64_t id)
{
  size_t lo = 0, hi = r->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (r->rows[mid].rule_id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < r->count && r->rows[lo].rule_id == id ? &r->rows[lo] : NULL;
}

size_t sw_rule_uptime_apply(struct sw_rule_rows *r, enum sw_uptime_period period,
                            const struct sw_report *page)
{
  size_t set = 0;
  if ((unsigned)period >= SW_UPTIME_PERIOD_COUNT)
    return 0;
  for (size_t i = 0; i < page->count; i++) {
    struct sw_rule_row *row = row_of_rule(r, page->rules[i].rule_id);
    if (row) {
      row->uptime[period] = sw_uptime_of(&page->rules[i].totals);
      set++;
    }
  }
  return set;
}

void sw_rule_uptime_carry(const struct sw_rule_row *old, size_t old_count,
                          struct sw_rule_row *rows, size_t count)
{
  size_t i = 0;
  for (size_t k = 0; k < count; k++) {
    while (i < old_count && old[i].rule_id < rows[k].rule_id)
      i++;
    if (i < old_count && old[i].rule_id == rows[k].rule_id)
      for (int p = 0; p < SW_UPTIME_PERIOD_COUNT; p++)
        rows[k].uptime[p] = old[i].uptime[p];
  }
}
