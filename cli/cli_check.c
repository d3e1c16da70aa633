/* `smtpwatch check`: one SMTP check through the IOCP engine, reported the
 * way a Nagios plugin reports (status line with perfdata, exit 0-3), or as
 * JSON. Parsing, validation and formatting are portable (check_args.c,
 * common/smtp); this file
 * only wires them to the engine and to stdout/stderr. */
#include <stdio.h>
#include <string.h>

#include "check_args.h"
#include "cli.h"
#include "console_out.h"
#include "engine.h"
#include "nagios_report.h"
#include "result_json.h"
#include "win_error.h"

struct outcome_slot {
  struct sw_check_result result;
  int done;
};

static void on_done(void *ctx, struct sw_check_result *r)
{
  struct outcome_slot *slot = ctx;
  sw_check_result_move(&slot->result, r);
  slot->done = 1;
}

/* Runs the check described by `args`; fills slot->result. Returns false,
 * having said why on stderr, if the engine could not run at all. */
static int run_check(const struct sw_check_args *args, struct outcome_slot *slot)
{
  struct sw_engine *engine;
  unsigned long win_error = 0;
  enum sw_error err = sw_engine_create(&engine, &win_error);
  if (err) {
    char text[256];
    sw_console_printf(stderr, "%s\n",
                      sw_win_error_sentence(text, sizeof text, win_error,
                                            "SMTP UNKNOWN - cannot start networking"));
    return 0;
  }
  const struct sw_rule *rule = &args->rule;
  struct sw_check_spec spec = sw_check_spec_of(rule);
  err = sw_engine_submit(engine, &spec, on_done, slot);
  if (!err)
    err = sw_engine_run(engine, SW_RUN_UNTIL_IDLE);
  sw_engine_destroy(engine);
  if (err || !slot->done) {
    sw_console_printf(stderr, "SMTP UNKNOWN - the check could not run: %s\n",
                      sw_error_text(err));
    return 0;
  }
  return 1;
}

static int report(const struct sw_check_args *args, const struct sw_check_result *r)
{
  const struct sw_rule *rule = &args->rule;
  enum sw_nagios_status status = sw_nagios_status(r, args->warn_ms, args->crit_ms);
  struct sw_buf out;
  sw_buf_init(&out, 0);
  enum sw_error err;
  if (args->json)
    err = sw_result_to_json(r, rule->host, rule->port, status, &out);
  else
    err = sw_nagios_format(r, rule->host, rule->port, args->warn_ms, args->crit_ms, &out);
  if (err) {
    sw_console_printf(stderr, "SMTP UNKNOWN - %s\n", sw_error_text(err));
    sw_buf_free(&out);
    return SW_EXIT_UNKNOWN;
  }
  sw_console_printf(stdout, "%s\n", sw_buf_str(&out));
  /* The transcript goes after the status line: plugins read the first line. */
  if (args->verbose && !args->json)
    sw_console_puts(stdout, sw_buf_str(&r->transcript));
  sw_buf_free(&out);
  return (int)status;
}

int sw_cli_check(int argc, char **argv)
{
  struct sw_check_args args;
  struct sw_buf errors;
  sw_buf_init(&errors, 0);
  enum sw_error err = sw_check_args_parse(&args, argc, argv, &errors);
  int code = SW_EXIT_UNKNOWN;
  if (err == SW_E_OK && args.help) {
    sw_console_puts(stdout, sw_check_args_usage());
    code = SW_EXIT_OK;
  } else if (err) {
    sw_console_printf(stderr, "smtpwatch check: %s\n\n%s",
                      err == SW_E_NOMEM ? sw_error_text(err) : sw_buf_str(&errors),
                      sw_check_args_usage());
  } else {
    struct outcome_slot slot;
    memset(&slot, 0, sizeof slot);
    sw_check_result_init(&slot.result);
    if (run_check(&args, &slot))
      code = report(&args, &slot.result);
    sw_check_result_free(&slot.result);
  }
  sw_buf_free(&errors);
  sw_check_args_free(&args);
  fflush(stdout);
  return code;
}
