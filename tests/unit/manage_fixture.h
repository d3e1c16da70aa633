/* Shared by the management commands' test programs (test_manage_args.c,
 * test_manage_view.c, test_alert_view.c, editor/test_history_rows.c): a
 * time and a time zone to show it in, the three views, rendering a table,
 * and parsing a command line. Static functions, so that each test program
 * stays one source file; a program leaves unused the ones it does not
 * need. */
#ifndef SW_MANAGE_FIXTURE_H
#define SW_MANAGE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "cert_expiry.h"
#include "manage_args.h"
#include "manage_view.h"

/* 2024-05-01 12:03:22 UTC */
#define T0 INT64_C(1714565002000)

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* A time zone two hours east of UTC, as the command line's would be. */
static inline void local_plus_two(int64_t unix_ms, char *out, size_t size)
{
  char text[40];
  sw_utc_format(unix_ms / 1000 + 7200, text, sizeof text);
  text[19] = '\0'; /* drop " UTC" */
  snprintf(out, size, "%s", text);
}

static const struct sw_manage_view people = {SW_TABLE_TEXT, local_plus_two};
static const struct sw_manage_view json = {SW_TABLE_JSON, local_plus_two};
static const struct sw_manage_view csv = {SW_TABLE_CSV, local_plus_two};

/* The table (or its row 0 as a record) rendered into `out`. */
static inline const char *render(const struct sw_table *t, enum sw_table_format f,
                                 struct sw_buf *out)
{
  sw_buf_free(out);
  assert_int_equal(sw_table_render(t, f, 0, out), SW_E_OK);
  return sw_buf_str(out);
}

static inline const char *render_record(const struct sw_table *t, enum sw_table_format f,
                                        struct sw_buf *out)
{
  sw_buf_free(out);
  assert_int_equal(sw_table_render_record(t, 0, f, out), SW_E_OK);
  return sw_buf_str(out);
}

/* A command line parsed: free it with `done`. */
struct parsed {
  struct sw_manage_args a;
  struct sw_buf errors;
  enum sw_error err;
};

static inline void parse(struct parsed *p, int argc, char **argv)
{
  sw_buf_init(&p->errors, 0);
  p->err = sw_manage_args_parse(&p->a, argc, argv, &p->errors);
}

static inline void parses_ok(struct parsed *p, int argc, char **argv)
{
  parse(p, argc, argv);
  if (p->err)
    fail_msg("unexpected errors: %s", sw_buf_str(&p->errors));
}

/* The sentences of a line that must be refused. */
static inline const char *errors_of(struct parsed *p, int argc, char **argv)
{
  parse(p, argc, argv);
  assert_int_equal(p->err, SW_E_INVALID_ARGUMENT);
  return sw_buf_str(&p->errors);
}

static inline void done(struct parsed *p)
{
  sw_manage_args_free(&p->a);
  sw_buf_free(&p->errors);
}

/* `rules show` for people: the lines of the fields past the handshake of
 * a rule that uses none of them. */
#define FX_RULE_PAST_HANDSHAKE_DEFAULTS_TEXT                                             \
  "AUTH user:                   \n"                                                      \
  "AUTH password:               \n"                                                      \
  "AUTH mechanism:              auto\n"                                                  \
  "Allow AUTH without TLS:      no\n"                                                    \
  "OAuth token URL:             \n"                                                      \
  "OAuth client ID:             \n"                                                      \
  "OAuth client secret:         \n"                                                      \
  "OAuth scope:                 \n"                                                      \
  "MAIL FROM:                   \n"                                                      \
  "RCPT TO:                     \n"                                                      \
  "Open relay test:             no\n"                                                    \
  "Relay test recipient:        \n"                                                      \
  "Address family:              any\n"                                                   \
  "Check every address:         no\n"                                                    \
  "Check reverse DNS:           no\n"                                                    \
  "Drift alarm:                 yes\n"                                                   \
  "Mail domain:                 \n"                                                      \
  "Minimum OK MX addresses:     0\n"                                                     \
  "Check MTA-STS:               yes\n"                                                   \
  "Check DANE:                  no\n"                                                    \
  "DNS server:                  \n"                                                      \
  "Round trip:                  none\n"                                                  \
  "Mailbox host:                \n"                                                      \
  "Mailbox port:                0\n"                                                     \
  "Mailbox TLS:                 implicit\n"                                              \
  "Mailbox user:                \n"                                                      \
  "Mailbox password:            \n"                                                      \
  "Folder:                      \n"                                                      \
  "Probe recipient:             \n"                                                      \
  "Probe sender:                \n"                                                      \
  "Deliver within:              300\n"                                                   \
  "Delivery warning:            0\n"                                                     \
  "Delivery critical:           0\n"

#endif
