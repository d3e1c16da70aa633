/* The words of `smtpwatch report` (report_args.h). */
#include "report_args.h"

#include <stdio.h>
#include <string.h>

#include "alert_args.h"

const char sw_report_usage[] =
    "usage: smtpwatch report [RULE...] --period 24h|7d|30d|FROM..UNTIL\n"
    "                        [--json|--csv|--html FILE]\n"
    "  RULE         a rule's id or name (default: every rule)\n"
    "  FROM, UNTIL  ISO 8601 UTC dates or times: 2026-12-01 or 2026-12-01T08:00Z\n"
    "  --json, --csv  print in that format; or write FILE, if one ending in .json\n"
    "               or .csv follows\n"
    "  --html FILE  write a self-contained HTML report\n";

bool sw_report_time_parse(const char *s, int64_t *ms)
{
  char full[32];
  size_t len = strlen(s);
  /* A date alone is its midnight. */
  if (len == 10 && snprintf(full, sizeof full, "%sT00:00Z", s) > 0)
    s = full;
  struct sw_time_arg t;
  if (!sw_time_arg_parse(s, &t))
    return false;
  *ms = t.civil_s * 1000; /* UTC, with or without the Z */
  return true;
}

static bool parse_period(const char *s, int64_t now_ms, struct sw_report_args *a)
{
  static const struct {
    const char *word;
    int64_t ms;
  } relative[] = {{"24h", 86400000}, {"7d", 7 * 86400000LL}, {"30d", 30 * 86400000LL}};
  for (size_t i = 0; i < sizeof relative / sizeof relative[0]; i++)
    if (!strcmp(s, relative[i].word)) {
      a->from_ms = now_ms - relative[i].ms;
      a->until_ms = now_ms;
      return true;
    }
  const char *dots = strstr(s, "..");
  if (!dots || (size_t)(dots - s) >= 32)
    return false;
  char from[32];
  memcpy(from, s, (size_t)(dots - s));
  from[dots - s] = '\0';
  return sw_report_time_parse(from, &a->from_ms) &&
         sw_report_time_parse(dots + 2, &a->until_ms);
}

/* Reads one option at argv[*i]; false after writing why into `errors`. */
static bool option(int argc, char **argv, int *i, int64_t now_ms,
                   struct sw_report_args *a, bool *period, struct sw_buf *errors)
{
  static const struct {
    const char *name, *ending;
    enum sw_report_format format;
  } formats[] = {{"--json", ".json", SW_REPORT_JSON},
                 {"--csv", ".csv", SW_REPORT_CSV},
                 {"--html", "", SW_REPORT_HTML}};
  const char *o = argv[*i];
  if (!strcmp(o, "--period")) {
    if (*i + 1 >= argc || !parse_period(argv[++*i], now_ms, a)) {
      sw_buf_printf(errors, "--period needs 24h, 7d, 30d or FROM..UNTIL (ISO 8601 UTC, "
                            "as 2026-12-01..2026-12-08).\n");
      return false;
    }
    *period = true;
    return true;
  }
  for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
    if (strcmp(o, formats[f].name))
      continue;
    a->format = formats[f].format;
    /* --html always has a FILE; --json and --csv one that ends so (a rule
     * name may well have dots in it). */
    bool html = formats[f].format == SW_REPORT_HTML;
    const char *next = *i + 1 < argc ? argv[*i + 1] : "-";
    size_t len = strlen(next), end = strlen(formats[f].ending);
    if (next[0] != '-' && len > end && !strcmp(next + len - end, formats[f].ending))
      a->file = argv[++*i];
    if (html && !a->file) {
      sw_buf_printf(errors, "--html needs the FILE to write.\n");
      return false;
    }
    return true;
  }
  sw_buf_printf(errors, "'%s' is not an option of 'smtpwatch report'.\n", o);
  return false;
}

bool sw_report_args_parse(int argc, char **argv, int64_t now_ms,
                          struct sw_report_args *out, struct sw_buf *errors)
{
  memset(out, 0, sizeof *out);
  bool period = false;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-') {
      if (!option(argc, argv, &i, now_ms, out, &period, errors))
        return false;
    } else if (out->rule_count == SW_REPORT_MAX_RULES) {
      sw_buf_printf(errors, "At most %d rules at once; leave them out for every rule.\n",
                    SW_REPORT_MAX_RULES);
      return false;
    } else {
      out->rules[out->rule_count++] = argv[i];
    }
  }
  if (!period)
    sw_buf_printf(errors, "Say which period: --period 24h, 7d, 30d or FROM..UNTIL.\n");
  else if (out->from_ms >= out->until_ms)
    sw_buf_printf(errors, "The period's FROM must be before its UNTIL.\n");
  return period && out->from_ms < out->until_ms;
}
