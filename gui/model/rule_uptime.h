/* The rule list's availability columns, "24 h" and "7 d" (docs/reports.md):
 * each row keeps two small numbers, its uptime over the last 24 hours and
 * 7 days in hundredths of a percent (uint16_t, 0..10000), so 100,000 rules
 * cost 400 KB more, not a report each. The main window asks the service
 * for REPORT pages every few minutes (not on each 5 s refresh: a report
 * reads rollups), and each page's figures go into the rows here. A refresh
 * replaces the rows; sw_rule_uptime_carry keeps the figures of the rules
 * that stay.
 *
 * Portable C11, unit-tested (tests/unit/editor/test_rule_uptime.c). */
#ifndef SW_RULE_UPTIME_H
#define SW_RULE_UPTIME_H

#include <stddef.h>
#include <stdint.h>

#include "report_format.h"
#include "rule_rows.h"

/* A row's uptime when no time was monitored (or no report came yet). */
#define SW_UPTIME_NONE UINT16_MAX

/* The figure of a rule's totals: hundredths of a percent, rounded down (a
 * rule that was down at all never shows 100.00 %), or SW_UPTIME_NONE. */
uint16_t sw_uptime_of(const struct sw_avail_totals *t);

/* "99.93 %", or "—" for SW_UPTIME_NONE (UTF-8, NUL-terminated). */
void sw_uptime_text(uint16_t uptime, char *out, size_t size);

/* Puts each rule's figure of a REPORT page into its row's
 * uptime[period] (SW_UPTIME_DAY or SW_UPTIME_WEEK); rules with no row are
 * left out. Returns how many rows it set. */
size_t sw_rule_uptime_apply(struct sw_rule_rows *r, enum sw_uptime_period period,
                            const struct sw_report *page);

/* Gives new rows (rule id order, as sw_rule_rows_replace keeps them) the
 * figures of the old rows of the same rules. */
void sw_rule_uptime_carry(const struct sw_rule_row *old, size_t old_count,
                          struct sw_rule_row *rows, size_t count);

#endif
