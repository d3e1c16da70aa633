/* `smtpwatch report`: availability over a period (docs/reports.md), asked
 * of the service page by page (REPORT, protocol version 4), for the rules
 * named (by id or name) or every rule, printed as a table, JSON or CSV, or
 * written to a file (HTML always is). Read-only: any user the pipe lets in
 * may ask. */
#include <windows.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_pipe.h"
#include "clock.h"
#include "console_out.h"
#include "pipe_protocol.h"
#include "report_format.h"
#include "win_text.h"

/* Rules a page asks for: the most the service answers in one. */
#define REPORT_PAGE 1000

/* Every page of the report of `rule_id` (0: every rule) into r. */
static int fetch(struct sw_cli_conn *c, const struct sw_report_args *a, int64_t rule_id,
                 struct sw_report *r)
{
  int64_t after = 0;
  for (bool more = true; more;) {
    struct sw_buf fields;
    sw_buf_init(&fields, 0);
    sw_report_put_request(&fields, a->from_ms, a->until_ms, rule_id, after, REPORT_PAGE);
    int code = sw_cli_pipe_call(c, SW_PIPE_MSG_REPORT, &fields, SW_PIPE_MSG_REPORT_OK);
    sw_buf_free(&fields);
    if (code)
      return code;
    size_t before = r->count;
    if (sw_report_read_page(c->reply.frame.body, c->reply.frame.body_len, r, &more,
                            &after)) {
      sw_cli_say(c, "the service's answer is malformed.");
      return SW_MANAGE_EXIT_UNREACHABLE;
    }
    more = more && r->count > before; /* a page that moved nothing ends it */
  }
  return SW_MANAGE_EXIT_OK;
}

/* Keeps the rules named (by id or name), in the order named; a name that
 * matches none is an error. */
static int choose(const struct sw_report_args *a, struct sw_report *r)
{
  if (a->rule_count == 0)
    return SW_MANAGE_EXIT_OK;
  struct sw_pipe_availability *kept = calloc(a->rule_count, sizeof *kept);
  if (!kept)
    return SW_MANAGE_EXIT_UNREACHABLE;
  size_t n = 0;
  int code = SW_MANAGE_EXIT_OK;
  for (size_t w = 0; w < a->rule_count; w++) {
    char *end;
    errno = 0;
    long long id = strtoll(a->rules[w], &end, 10);
    bool by_id = errno == 0 && *end == '\0' && end != a->rules[w];
    size_t i = 0;
    while (i < r->count &&
           !(by_id ? r->rules[i].rule_id == id
                   : !strcmp(r->rules[i].name ? r->rules[i].name : "", a->rules[w])))
      i++;
    if (i == r->count) {
      sw_console_printf(stderr,
                        "smtpwatch report: there is no rule '%s': 'smtpwatch "
                        "rules list' shows them.\n",
                        a->rules[w]);
      code = SW_MANAGE_EXIT_REFUSED;
      continue;
    }
    kept[n++] = r->rules[i];
    r->rules[i] = (struct sw_pipe_availability){0}; /* moved */
  }
  sw_report_free(&(struct sw_report){.rules = r->rules, .count = r->count});
  r->rules = kept;
  r->count = n;
  return code;
}

static int write_out(const struct sw_report_args *a, const struct sw_buf *text)
{
  if (!a->file) {
    sw_console_write(stdout, text->data ? text->data : "", text->len);
    return SW_MANAGE_EXIT_OK;
  }
  wchar_t *path = sw_wide_dup(a->file);
  FILE *f = path ? _wfopen(path, L"wb") : NULL;
  free(path);
  bool ok = f && fwrite(text->data, 1, text->len, f) == text->len;
  if (f && fclose(f) != 0)
    ok = false;
  if (!ok) {
    sw_console_printf(stderr, "smtpwatch report: cannot write '%s': %s\n", a->file,
                      strerror(errno));
    return SW_MANAGE_EXIT_REFUSED;
  }
  sw_console_printf(stdout, "Report written to %s\n", a->file);
  return SW_MANAGE_EXIT_OK;
}

int sw_cli_report(int argc, char **argv)
{
  struct sw_report_args a;
  struct sw_buf text;
  sw_buf_init(&text, 0);
  if (!sw_report_args_parse(argc, argv, sw_clock_wall_us() / 1000, &a, &text)) {
    sw_console_printf(stderr, "%s\n%s", sw_buf_str(&text), sw_report_usage);
    sw_buf_free(&text);
    return SW_MANAGE_EXIT_USAGE;
  }
  struct sw_cli_conn c;
  int code = sw_cli_pipe_open(&c, "report", 0, SW_CLI_PIPE_TIMEOUT_MS);
  struct sw_report r = {0};
  /* One rule by id asks for that rule alone; names need the list. */
  char *end;
  long long one = a.rule_count == 1 ? strtoll(a.rules[0], &end, 10) : 0;
  bool single = a.rule_count == 1 && *end == '\0' && one > 0;
  if (!code)
    code = fetch(&c, &a, single ? one : 0, &r);
  sw_cli_pipe_close(&c);
  if (!code)
    code = choose(&a, &r);
  /* On stderr: the figures on stdout stay a clean table, JSON or CSV. */
  if (!code && r.note)
    sw_console_printf(stderr, "smtpwatch report: note: %s\n", r.note);
  if (!code && sw_report_render(&r, a.format, &text) != SW_E_OK) {
    sw_console_puts(stderr, "smtpwatch report: out of memory\n");
    code = SW_MANAGE_EXIT_UNREACHABLE;
  }
  if (!code)
    code = write_out(&a, &text);
  sw_report_free(&r);
  sw_buf_free(&text);
  return code;
}
