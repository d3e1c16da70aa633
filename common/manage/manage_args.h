/* The arguments of the smtpwatch commands that talk to the service:
 * `rules list|show|add|edit|delete|enable|disable|test|ack|unack|accept`,
 * `status`, `history RULE`, `events`, `service info`, `watch`, and the alert
 * commands `notifiers ...`, `maintenance ...` and `notifications`. Portable and silent:
 * the command line prints what this returns and exits with SW_MANAGE_EXIT_USAGE for a
 * mistake, before it talks to the service. The rule options are read by rule_args, the
 * same code as `check`'s; the alert options by alert_args. */
#ifndef SW_MANAGE_ARGS_H
#define SW_MANAGE_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "alert_args.h"
#include "rule_args.h"
#include "sw_buf.h"
#include "sw_error.h"
#include "table_output.h"
#include "sw_macros.h"

/* X(ENUM, command, subcommand or NULL, the words as typed) */
#define SW_MANAGE_VERB_MAP(X)                                                            \
  X(SW_MANAGE_RULES_LIST, "rules", "list", "rules list")                                 \
  X(SW_MANAGE_RULES_SHOW, "rules", "show", "rules show")                                 \
  X(SW_MANAGE_RULES_ADD, "rules", "add", "rules add")                                    \
  X(SW_MANAGE_RULES_EDIT, "rules", "edit", "rules edit")                                 \
  X(SW_MANAGE_RULES_DELETE, "rules", "delete", "rules delete")                           \
  X(SW_MANAGE_RULES_ENABLE, "rules", "enable", "rules enable")                           \
  X(SW_MANAGE_RULES_DISABLE, "rules", "disable", "rules disable")                        \
  X(SW_MANAGE_RULES_TEST, "rules", "test", "rules test")                                 \
  X(SW_MANAGE_RULES_ACK, "rules", "ack", "rules ack")                                    \
  X(SW_MANAGE_RULES_UNACK, "rules", "unack", "rules unack")                              \
  X(SW_MANAGE_RULES_ACCEPT, "rules", "accept", "rules accept")                           \
  X(SW_MANAGE_STATUS, "status", NULL, "status")                                          \
  X(SW_MANAGE_HISTORY, "history", NULL, "history")                                       \
  X(SW_MANAGE_EVENTS, "events", NULL, "events")                                          \
  X(SW_MANAGE_SERVICE_INFO, "service", "info", "service info")                           \
  X(SW_MANAGE_NOTIFIERS_LIST, "notifiers", "list", "notifiers list")                     \
  X(SW_MANAGE_NOTIFIERS_SHOW, "notifiers", "show", "notifiers show")                     \
  X(SW_MANAGE_NOTIFIERS_ADD, "notifiers", "add", "notifiers add")                        \
  X(SW_MANAGE_NOTIFIERS_DELETE, "notifiers", "delete", "notifiers delete")               \
  X(SW_MANAGE_NOTIFIERS_TEST, "notifiers", "test", "notifiers test")                     \
  X(SW_MANAGE_NOTIFIERS_DEFAULTS, "notifiers", "defaults", "notifiers defaults")         \
  X(SW_MANAGE_MAINTENANCE_LIST, "maintenance", "list", "maintenance list")               \
  X(SW_MANAGE_MAINTENANCE_ADD, "maintenance", "add", "maintenance add")                  \
  X(SW_MANAGE_MAINTENANCE_DELETE, "maintenance", "delete", "maintenance delete")         \
  X(SW_MANAGE_NOTIFICATIONS, "notifications", NULL, "notifications")                     \
  X(SW_MANAGE_RULES_EXPORT, "rules", "export", "rules export")                           \
  X(SW_MANAGE_RULES_IMPORT, "rules", "import", "rules import")                           \
  X(SW_MANAGE_WATCH, "watch", NULL, "watch")

enum sw_manage_verb { SW_MANAGE_VERB_MAP(SW_X_1) SW_MANAGE_VERB_COUNT };

/* The exit codes of these commands (documented in `smtpwatch --help`). */
enum sw_manage_exit {
  SW_MANAGE_EXIT_OK = 0,          /* done */
  SW_MANAGE_EXIT_REFUSED = 1,     /* the service said no: invalid rule, stale,
                                     not found, access denied, busy */
  SW_MANAGE_EXIT_UNREACHABLE = 2, /* could not talk to the service */
  SW_MANAGE_EXIT_USAGE = 3        /* bad arguments; usage on stderr */
};

#define SW_MANAGE_DEFAULT_LIMIT 20
#define SW_MANAGE_MAX_LIMIT 1000

struct sw_manage_args {
  enum sw_manage_verb verb;
  enum sw_table_format format; /* --json, --csv; text by default */
  bool verbose;                /* rules test: the transcript too */
  bool help;                   /* print the usage, nothing else */
  int64_t rule_id;             /* the RULE / ID argument; 0 if none */
  int64_t maintenance_id;      /* maintenance delete: the window's ID */
  const char *notifier;        /* notifiers show|add|delete|test: the NAME
                                  (borrowed from argv); NULL if none */
  /* notifiers add, maintenance add, rules ack, and the alert options of
   * rules add|edit (alert.rule.given says which were given) */
  struct sw_alert_args alert;
  /* add, edit, and test of a rule not saved: the options given. For add
   * and test the rule is complete (name defaults to the host, TLS settled);
   * for edit it is a patch for sw_manage_args_edit. */
  struct sw_rule_args rule;
  int64_t revision;  /* edit --revision: the one the change is based on; 0:
                        the one read just before */
  uint32_t limit;    /* history, events, notifications */
  bool has_before;   /* history, events, notifications: --before */
  int64_t before_at; /* history: the cursor's time (ms) */
  int64_t before;    /* history: result id; events: event key;
                        notifications: notification key */
  /* rules import FILE [--dry-run] [--replace] (docs/import-export.md) */
  const char *file; /* borrowed from argv */
  bool dry_run, replace;
};

/* True if `word` (argv[1] of smtpwatch) is one of these commands. */
bool sw_manage_is_command(const char *word);

/* Parses the words from the command on: argv[0] is a command word
 * ("rules", "status", "notifiers", ...); for those with subcommands argv[1]
 * is the subcommand. Always initialises *a (free it with sw_manage_args_free).
 * Returns SW_E_OK for a command to run, or with a->help set; else
 * SW_E_INVALID_ARGUMENT after appending every problem to `errors` (one
 * sentence a line, no final newline), or SW_E_NOMEM. When the command
 * itself is missing or unknown a->verb is SW_MANAGE_VERB_COUNT and the
 * usage to show is sw_manage_usage(argv[0]). */
enum sw_error sw_manage_args_parse(struct sw_manage_args *a, int argc, char **argv,
                                   struct sw_buf *errors);
void sw_manage_args_free(struct sw_manage_args *a);

/* For `rules edit`: merges the options given into `stored` (the rule as
 * the service sent it) and settles TLS as for a new rule. Returns
 * SW_E_INVALID_ARGUMENT with sentences in `errors` if the result makes no
 * sense (a certificate option on a rule without TLS), SW_E_NOMEM. */
enum sw_error sw_manage_args_edit(const struct sw_manage_args *a, struct sw_rule *stored,
                                  struct sw_buf *errors);

/* The usage of a command ("rules", "status", ...); every line ends in '\n'
 * and fits 80 columns. The usage of all of them for an unknown word. */
const char *sw_manage_usage(const char *command);
/* "rules add" and friends. */
const char *sw_manage_verb_text(enum sw_manage_verb v);

/* The --before cursor of `history`: "<started_at_ms>:<result id>", which
 * is what the service pages by. Always NUL-terminates. */
void sw_manage_cursor_format(int64_t at_ms, int64_t id, char *out, size_t size);
bool sw_manage_cursor_parse(const char *s, int64_t *at_ms, int64_t *id);

#endif
