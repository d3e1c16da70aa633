/* The options of the alert commands, read for manage_args.c: a notifier
 * (`notifiers add`), a maintenance window (`maintenance add`), an
 * acknowledgement's comment (`rules ack`), and a rule's alert settings
 * (`rules add|edit --notify ... --depends-on ...`). Portable and silent
 * like arg_walk: each value is checked as it is read, with a sentence per
 * mistake, and what needs several options together is checked once all
 * are read (sw_alert_args_settle). Strings are borrowed from argv unless
 * said otherwise. */
#ifndef SW_ALERT_ARGS_H
#define SW_ALERT_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "alert_policy.h"
#include "arg_walk.h"
#include "maintenance.h"
#include "notifier.h"

/* Option ids; manage_args.c's own start after SW_ALERT_OPT_END. */
enum sw_alert_opt {
  SW_ALERT_OPT_FIRST = 1000,
  /* notifiers add */
  SW_ALERT_OPT_EMAIL = SW_ALERT_OPT_FIRST,
  SW_ALERT_OPT_RELAY,
  SW_ALERT_OPT_FROM,
  SW_ALERT_OPT_TLS,
  SW_ALERT_OPT_AUTH_USER,
  SW_ALERT_OPT_AUTH_PASSWORD_FILE,
  SW_ALERT_OPT_WEBHOOK,
  SW_ALERT_OPT_FORMAT,
  SW_ALERT_OPT_PROGRAM,
  SW_ALERT_OPT_TIMEOUT_S,
  SW_ALERT_OPT_RESTART_SERVICE,
  /* maintenance add */
  SW_ALERT_OPT_RULE,
  SW_ALERT_OPT_ALL,
  SW_ALERT_OPT_FROM_TIME,
  SW_ALERT_OPT_UNTIL_TIME,
  SW_ALERT_OPT_WEEKLY,
  /* maintenance add, rules ack */
  SW_ALERT_OPT_COMMENT,
  /* rules add, rules edit */
  SW_ALERT_OPT_NOTIFY,
  SW_ALERT_OPT_NOTIFY_ON,
  SW_ALERT_OPT_NOTIFY_AFTER_S,
  SW_ALERT_OPT_RENOTIFY_S,
  SW_ALERT_OPT_DEPENDS_ON,
  SW_ALERT_OPT_END
};

#define SW_ALERT_NOTIFY_MAX 16   /* notifiers one rule names */
#define SW_ALERT_COMMENT_MAX 500 /* characters of a comment */
#define SW_ALERT_DELAY_MAX_S (7u * 24 * 3600)

/* A notifier as `notifiers add` gives it. `n` borrows from the fields
 * below and from argv; the to-list is split into `to_buf` (owned). */
struct sw_notifier_args {
  struct sw_notifier n;
  bool kind_given;
  const char *kind_option; /* "--email" ...: the kind's option, for sentences */
  char *to_buf;            /* owned: the --email list, commas made NULs */
  const char *to[SW_NOTIFIER_TO_MAX];
  struct sw_relay relays[SW_NOTIFIER_RELAYS_MAX];
  const char *relays_text;        /* --relay as given, which the service reads */
  const char *auth_password_file; /* read by the command line, never here */
  bool tls_given, format_given, timeout_given;
};

/* A time given to --from or --until: "2026-12-24 18:00" (or with a 'T',
 * and optionally ":SS") is local time, the civil time written as if it
 * were UTC seconds, for the command line to convert with this machine's
 * time zone; with a final "Z" it is UTC already. */
struct sw_time_arg {
  bool given, utc;
  int64_t civil_s;
};

/* A maintenance window as `maintenance add` gives it. */
struct sw_maint_args {
  int64_t rule_id; /* --rule; 0 with --all */
  bool all;
  struct sw_time_arg from, until;
  bool weekly_given;
  struct sw_maint_window weekly;
};

/* Which of a rule's alert settings were given (bits of .given). */
#define SW_RULE_ALERT_NOTIFY 0x01u
#define SW_RULE_ALERT_ON 0x02u
#define SW_RULE_ALERT_AFTER 0x04u
#define SW_RULE_ALERT_RENOTIFY 0x08u
#define SW_RULE_ALERT_DEPENDS 0x10u

/* A rule's alert settings as `rules add|edit` give them: a patch, like
 * sw_rule_args. An empty --notify "" means "the default notifiers"; an
 * empty --depends-on "" means "depends on nothing" (depends_on 0). */
struct sw_rule_alert_args {
  uint32_t given;
  char *notify_buf; /* owned: the --notify list, commas made NULs */
  const char *notify[SW_ALERT_NOTIFY_MAX];
  size_t notify_count;
  struct sw_alert_policy policy;
  int64_t depends_on;
};

struct sw_alert_args {
  struct sw_notifier_args notifier;
  struct sw_maint_args maint;
  struct sw_rule_alert_args rule;
  const char *comment; /* maintenance add, rules ack; NULL if not given */
};

/* Which options a command takes. */
enum sw_alert_opts_for {
  SW_ALERT_OPTS_NOTIFIER,    /* notifiers add */
  SW_ALERT_OPTS_MAINTENANCE, /* maintenance add */
  SW_ALERT_OPTS_ACK,         /* rules ack */
  SW_ALERT_OPTS_RULE         /* rules add, rules edit */
};

/* The option table of a command (ends with a NULL long_name). */
const struct sw_arg_opt *sw_alert_args_options(enum sw_alert_opts_for what);

/* Defaults: a notifier of no kind yet, policy SW_ALERT_ON_ALL after 0 s,
 * no reminders, nothing given. Free with sw_alert_args_free. */
void sw_alert_args_init(struct sw_alert_args *a);
void sw_alert_args_free(struct sw_alert_args *a);

/* Reads one option of a table above (its value, NULL for a flag). */
void sw_alert_args_apply(struct sw_alert_args *a, const struct sw_arg_opt *o,
                         const char *value, struct sw_arg_errors *e);

/* What must hold once every word of `what` is read: a notifier has one
 * kind and passes sw_notifier_validate (its name is `name`); a window has
 * one scope and one time; and so on. */
void sw_alert_args_settle(struct sw_alert_args *a, enum sw_alert_opts_for what,
                          const char *name, struct sw_arg_errors *e);

/* Parses a --from/--until time (see struct sw_time_arg); false if it is
 * not one. */
bool sw_time_arg_parse(const char *s, struct sw_time_arg *out);

#endif
