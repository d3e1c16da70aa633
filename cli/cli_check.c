/* `smtpwatch check`: one SMTP check through the IOCP engine, reported the
 * way a Nagios plugin reports (status line with perfdata, exit 0-3), or as
 * JSON. Parsing, validation and formatting are portable (check_args.c,
 * common/smtp); this file
 * only wires them to the engine and to stdout/stderr. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <windows.h>

#include "check_args.h"
#include "domain_report.h"
#include "cli.h"
#include "console_out.h"
#include "engine.h"
#include "engine_round_trip.h"
#include "nagios_report.h"
#include "result_json.h"
#include "secret_file.h"
#include "smtp_auth.h"
#include "win_error.h"

/* One-shot checks may take the AUTH password from here (stored rules
 * never: the service keeps theirs). */
#define SW_AUTH_PASSWORD_ENV L"SMTPWATCH_AUTH_PASSWORD"

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

/* The port of a domain's MTA-STS policy host, from SMTPWATCH_MTA_STS_PORT
 * (tests, split horizons: docs/domain-checks.md); 0 (443) without it. */
static uint16_t mta_sts_port(void)
{
  wchar_t text[8];
  DWORD n = GetEnvironmentVariableW(L"SMTPWATCH_MTA_STS_PORT", text, SW_COUNTOF(text));
  if (n == 0 || n >= SW_COUNTOF(text))
    return 0;
  unsigned long v = wcstoul(text, NULL, 10);
  return v <= 65535 ? (uint16_t)v : 0;
}

/* Runs the check described by `args`; fills slot->result. Returns false,
 * having said why on stderr, if the engine could not run at all. */
static int run_check(const struct sw_check_args *args, const struct sw_check_extras *x,
                     struct outcome_slot *slot)
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
  if (rule->round_trip != SW_ROUND_TRIP_NONE) {
    /* Waits for delivery. The probe's RULE of a one-shot check is "check":
     * its stale probes are another one-shot check's. */
    struct sw_round_trip_spec rt = {rule, x, x->mailbox_password, "check"};
    err = sw_engine_round_trip(engine, &rt, on_done, slot);
  } else {
    struct sw_check_spec spec = sw_check_spec_of(rule, x);
    spec.mta_sts_port = mta_sts_port();
    err = sw_engine_submit(engine, &spec, on_done, slot);
  }
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
  const char *target = rule->domain && *rule->domain ? rule->domain : rule->host;
  enum sw_nagios_status status = sw_nagios_status(r, args->warn_ms, args->crit_ms);
  struct sw_buf out;
  sw_buf_init(&out, 0);
  enum sw_error err;
  if (args->json)
    err = sw_result_to_json(r, target, rule->port, status, &out);
  else
    err = sw_nagios_format(r, target, rule->port, args->warn_ms, args->crit_ms, &out);
  /* A domain's matrix follows the status line (a plugin's long output). */
  if (!err && !args->json && r->domain) {
    err = sw_buf_append(&out, "\n", 1);
    if (!err)
      err = sw_domain_report_lines(r->domain, &out);
    if (!err && out.len && out.data[out.len - 1] == '\n')
      out.data[--out.len] = '\0';
  }
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

/* The secrets from their files (the password else from the environment)
 * and the recipients, into *x; false, having said why on stderr, if a
 * file cannot be read. */
static bool read_extras(const struct sw_check_args *args, struct sw_check_extras *x)
{
  char why[400];
  const struct sw_rule *r = &args->rule;
  if (r->auth_user && *r->auth_user && !(r->oauth_token_url && *r->oauth_token_url)) {
    x->auth_password =
        args->auth_password_file
            ? sw_cli_read_secret_file("auth-password-file", args->auth_password_file, why,
                                      sizeof why)
            : sw_cli_secret_from_env(SW_AUTH_PASSWORD_ENV);
    if (!x->auth_password) {
      sw_console_printf(stderr, "SMTP UNKNOWN - %s\n",
                        args->auth_password_file ? why
                                                 : "SMTPWATCH_AUTH_PASSWORD is empty");
      return false;
    }
  }
  if (args->oauth_client_secret_file) {
    x->oauth_client_secret = sw_cli_read_secret_file(
        "oauth-client-secret-file", args->oauth_client_secret_file, why, sizeof why);
    if (!x->oauth_client_secret) {
      sw_console_printf(stderr, "SMTP UNKNOWN - %s\n", why);
      return false;
    }
  }
  if (args->mailbox_password_file) {
    x->mailbox_password = sw_cli_read_secret_file(
        "mailbox-password-file", args->mailbox_password_file, why, sizeof why);
    if (!x->mailbox_password) {
      sw_console_printf(stderr, "SMTP UNKNOWN - %s\n", why);
      return false;
    }
  }
  if (sw_check_extras_from_rule(x, r)) {
    sw_console_printf(stderr, "SMTP UNKNOWN - %s\n", sw_error_text(SW_E_NOMEM));
    return false;
  }
  return true;
}

int sw_cli_check(int argc, char **argv)
{
  struct sw_check_args args;
  struct sw_buf errors;
  sw_buf_init(&errors, 0);
  char *env_password = sw_cli_secret_from_env(SW_AUTH_PASSWORD_ENV);
  enum sw_error err =
      sw_check_args_parse(&args, argc, argv, env_password != NULL, &errors);
  if (env_password) {
    sw_auth_wipe(env_password, strlen(env_password));
    free(env_password);
  }
  int code = SW_EXIT_UNKNOWN;
  if (err == SW_E_OK && args.help) {
    sw_console_puts(stdout, sw_check_args_usage());
    code = SW_EXIT_OK;
  } else if (err) {
    sw_console_printf(stderr, "smtpwatch check: %s\n\n%s",
                      err == SW_E_NOMEM ? sw_error_text(err) : sw_buf_str(&errors),
                      sw_check_args_usage());
  } else {
    struct sw_check_extras x;
    sw_check_extras_init(&x);
    struct outcome_slot slot;
    memset(&slot, 0, sizeof slot);
    sw_check_result_init(&slot.result);
    if (read_extras(&args, &x) && run_check(&args, &x, &slot))
      code = report(&args, &slot.result);
    sw_check_result_free(&slot.result);
    sw_check_extras_free(&x);
  }
  sw_buf_free(&errors);
  sw_check_args_free(&args);
  fflush(stdout);
  return code;
}
