/* Shared by the rule list's tests (test_rule_rows.c, test_rule_filter.c):
 * the rows a list shows, as a string to compare. Static inline, so that
 * each test program stays one source file. */
#ifndef SW_RULE_ROWS_IDS_H
#define SW_RULE_ROWS_IDS_H

#include <stdio.h>

#include "rule_rows.h"

/* The rule ids of the shown rows, top to bottom, as "1,5,2" (a static
 * buffer: good until the next call). */
static inline const char *ids(const struct sw_rule_rows *r)
{
  static char text[256];
  size_t n = 0;
  text[0] = '\0';
  for (size_t row = 0; row < sw_rule_rows_count(r) && n < sizeof text; row++)
    n += (size_t)snprintf(text + n, sizeof text - n, "%s%lld", row ? "," : "",
                          (long long)sw_rule_rows_at(r, row)->rule_id);
  return text;
}

#endif
