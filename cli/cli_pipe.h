/* What every smtpwatch command that talks to the service shares: the
 * connection, one request at a time with its errors turned into sentences
 * and exit codes (enum sw_manage_exit), local time, and printing. The
 * commands themselves are in cli_rules.c and cli_observe.c. */
#ifndef SW_CLI_PIPE_H
#define SW_CLI_PIPE_H

#include <stdbool.h>
#include <stdint.h>

#include "manage_args.h"
#include "manage_view.h"
#include "pipe_alert_records.h"
#include "pipe_client.h"
#include "sw_buf.h"

/* How long the service may take to answer an ordinary request. */
#define SW_CLI_PIPE_TIMEOUT_MS 15000u

struct sw_cli_conn {
  struct sw_pipe_client *client;
  struct sw_pipe_reply reply; /* the last reply; its body is valid until the
                                 next call */
  const char *command;        /* "rules edit", for messages */
  int64_t rule_id;            /* named in messages when not 0 */
  bool quiet_stale;           /* the caller explains a stale error itself */
  char error_code[32];        /* the last ERROR reply's code, or "" */
};

/* Connects to the service with `timeout_ms` for each exchange. Returns 0,
 * or SW_MANAGE_EXIT_UNREACHABLE after printing why on stderr (the service
 * is not running; may not be talked to; no common protocol version). */
int sw_cli_pipe_open(struct sw_cli_conn *c, const char *command, int64_t rule_id,
                     uint32_t timeout_ms);
/* Closes; the struct may be opened again. Safe on a closed connection. */
void sw_cli_pipe_close(struct sw_cli_conn *c);

/* Whether the protocol version the service chose has `message` (an older
 * service lacks the alert requests): for what a command adds only when the
 * service can give it. */
bool sw_cli_pipe_has(const struct sw_cli_conn *c, uint16_t message);

/* Sends `message` with `fields` (may be NULL) and expects `expect` back.
 * Returns 0 with the reply in c->reply. Otherwise prints on stderr what
 * happened and returns the exit code: a request the service's protocol
 * version does not have is not sent (2, "The SMTP Watch service is older
 * than this tool: ..."), an ERROR reply (its sentence, and
 * its code in c->error_code; "stale" is left to the caller if
 * c->quiet_stale), RULE_INVALID (every problem by field: nothing was
 * changed), a broken connection or an unexpected reply (2). */
int sw_cli_pipe_call(struct sw_cli_conn *c, uint16_t message, const struct sw_buf *fields,
                     uint16_t expect);

/* One page of a list the service pages by rule id (RULE_LIST, STATUS):
 * the rules after `after` (0: from the first), as many as a page may
 * hold; the reply in c->reply. The exit code. */
int sw_cli_pipe_page(struct sw_cli_conn *c, uint16_t message, uint16_t expect,
                     int64_t after);

/* Appends one page of a list to *t, starting it when it is all zero (the
 * shape of sw_manage_rules_table). `brief`: the columns for people. */
typedef enum sw_error sw_cli_page_reader(const uint8_t *body, size_t len,
                                         const struct sw_manage_view *v, bool brief,
                                         struct sw_table *t, struct sw_manage_page *page);

/* What `rules list` and `status` say to people when there are no rules. */
#define SW_CLI_NO_RULES "There are no rules yet: add one with 'smtpwatch rules add HOST'."

/* A whole list the service pages by rule id (RULE_LIST, STATUS): every
 * page, read with `read`, then printed in `format`; in text, a list with
 * no rows prints the line `empty` instead. Returns the exit code. */
int sw_cli_print_list(struct sw_cli_conn *c, uint16_t message, uint16_t expect,
                      enum sw_table_format format, sw_cli_page_reader *read,
                      const char *empty);

/* Prints one line on stderr, prefixed with the command (and the rule id
 * if any): "smtpwatch rules show 7: <sentence>". */
void sw_cli_say(const struct sw_cli_conn *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The view for `format` with this machine's time zone. */
struct sw_manage_view sw_cli_view(enum sw_table_format format);

/* Writes `out` to stdout as it is (CSV keeps its CRLF line ends). Returns
 * 0, or 2 after a message if stdout could not be written. */
int sw_cli_print(const struct sw_buf *out, enum sw_table_format format);
/* Renders the table (or its row 0 as a record) and prints it; a failure
 * (out of memory, a malformed reply) is reported as such. */
int sw_cli_print_table(struct sw_cli_conn *c, const struct sw_table *t,
                       enum sw_table_format format, bool record, enum sw_error err);

/* As sw_cli_print_table, and for people: a list with no rows prints the
 * line `empty` instead (if not NULL), and rows follow the line `intro` (if
 * not NULL). */
int sw_cli_print_rows(struct sw_cli_conn *c, const struct sw_table *t,
                      enum sw_table_format format, bool record, enum sw_error err,
                      const char *empty, const char *intro);

/* RULE_ALERTS_GET of rule `id` (SW_PIPE_DEFAULT_ALERTS: the default
 * notifier set) into *out, which is initialised here: free it whatever
 * this returns. The exit code. */
int sw_cli_get_rule_alerts(struct sw_cli_conn *c, int64_t id,
                           struct sw_pipe_rule_alerts *out);

/* `smtpwatch rules|status|history|events|service ...`: argv[0] is the
 * command word. Parses, runs and returns the exit code. */
int sw_cli_manage(int argc, char **argv);

/* A command that talks to the service: `run` gets an open connection and
 * the parsed arguments, and returns the exit code. */
struct sw_cli_command {
  enum sw_manage_verb verb;
  bool names_rule; /* its messages name the rule (a->rule_id) */
  int (*run)(struct sw_cli_conn *c, const struct sw_manage_args *a);
};
/* The commands of cli_rules.c, cli_observe.c, cli_notifiers.c,
 * cli_maintenance.c and cli_rule_alerts.c; each list ends with an entry
 * whose run is NULL. sw_cli_manage dispatches to them. */
extern const struct sw_cli_command sw_cli_rules_commands[];
extern const struct sw_cli_command sw_cli_observe_commands[];
extern const struct sw_cli_command sw_cli_notifier_commands[];
extern const struct sw_cli_command sw_cli_maintenance_commands[];
extern const struct sw_cli_command sw_cli_rule_alert_commands[];
/* rules export, rules import (cli_rules_io.c) */
extern const struct sw_cli_command sw_cli_rules_io_commands[];
extern const struct sw_cli_command sw_cli_watch_commands[]; /* cli_watch.c */

/* Says the service sent a reply this program does not understand; 2. */
int sw_cli_not_understood(struct sw_cli_conn *c);

/* A rule's alert settings, for cli_rules.c (cli_rule_alerts.c).
 * sw_cli_rule_alerts_ready: 0 if the alert options given (if any) can be
 * sent to this service, else the exit code after saying why; call it
 * before changing anything. sw_cli_rule_alerts_save: merges the options
 * given into the rule's settings (as read, or the defaults for a rule just
 * added) and saves them; the exit code. sw_cli_print_rule: prints the rule
 * of c->reply (RULE_OK) with its alert settings when the service has them,
 * after `intro` (for people only; may be NULL). */
int sw_cli_rule_alerts_ready(struct sw_cli_conn *c, const struct sw_manage_args *a);
int sw_cli_rule_alerts_save(struct sw_cli_conn *c, int64_t rule_id,
                            const struct sw_manage_args *a, bool new_rule);
int sw_cli_print_rule(struct sw_cli_conn *c, enum sw_table_format format,
                      const char *intro);

#endif
