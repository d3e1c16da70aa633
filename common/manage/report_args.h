/* `smtpwatch report [RULE...] --period 24h|7d|30d|FROM..UNTIL
 * [--json|--csv|--html FILE]` (docs/reports.md): its words read into what
 * the command asks the service and how it prints. */
#ifndef SW_REPORT_ARGS_H
#define SW_REPORT_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_buf.h"

enum sw_report_format { SW_REPORT_TEXT, SW_REPORT_JSON, SW_REPORT_CSV, SW_REPORT_HTML };

#define SW_REPORT_MAX_RULES 64

struct sw_report_args {
  const char *rules[SW_REPORT_MAX_RULES]; /* ids or names, borrowed from argv */
  size_t rule_count;                      /* 0: every rule */
  int64_t from_ms, until_ms;              /* the period asked for */
  enum sw_report_format format;
  const char *file; /* --json/--csv/--html FILE; NULL: standard output */
};

/* Reads argv[1..argc) (argv[0] is "report") with the time `now_ms` for
 * the relative periods (24h, 7d, 30d: that long up to now). FROM..UNTIL
 * are ISO 8601 UTC dates or times ("2026-12-01", "2026-12-01T08:00Z");
 * a date alone means its midnight, UTC. False with the sentences for the
 * user in `errors` (an sw_buf the caller frees) on bad input. */
bool sw_report_args_parse(int argc, char **argv, int64_t now_ms,
                          struct sw_report_args *out, struct sw_buf *errors);
/* Parses one FROM or UNTIL; false if it is not one. */
bool sw_report_time_parse(const char *s, int64_t *ms);
/* The usage text. */
extern const char sw_report_usage[];

#endif
