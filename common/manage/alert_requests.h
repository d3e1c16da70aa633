/* What the alert commands send, made from their parsed options
 * (alert_args.h): the NOTIFIER record of `notifiers add`, the MAINTENANCE
 * record of `maintenance add` (local times converted to UTC), a rule's
 * RULE_ALERTS with the options given merged in, and the password read from
 * --auth-password-file. Portable: the command line passes the time zone and
 * the file's bytes. Each out-record is initialised here and owns its
 * strings: free it with its _free, whatever the result. */
#ifndef SW_ALERT_REQUESTS_H
#define SW_ALERT_REQUESTS_H

#include <stdbool.h>
#include <stddef.h>

#include "alert_args.h"
#include "maintenance.h"
#include "pipe_alert_records.h"
#include "pipe_notifier.h"

/* The notifier `na` describes, with `password` (the relay password; NULL:
 * none) and its webhook URL as the secrets. SW_E_NOMEM. */
enum sw_error sw_manage_notifier_input(const struct sw_notifier_args *na,
                                       const char *password,
                                       struct sw_pipe_notifier_input *out);

/* The window `m` describes: a one-off window's times typed in local time
 * become UTC through `local` (sw_wall_to_utc), those ending in Z are UTC
 * already; a weekly window travels as sw_maint_weekly_text writes it.
 * `comment` may be NULL. SW_E_NOMEM. */
enum sw_error sw_manage_maintenance_record(const struct sw_maint_args *m,
                                           const char *comment, sw_local_time_fn local,
                                           void *ctx, struct sw_pipe_maintenance *out);

/* Merges the settings given (given->given says which) into `stored` (the
 * rule's RULE_ALERTS as read, or sw_pipe_rule_alerts_init'ed for a new
 * rule): a list given replaces the stored list. SW_E_NOMEM, after which
 * `stored` is still whole (free it as usual). */
enum sw_error sw_manage_alerts_merge(const struct sw_rule_alert_args *given,
                                     struct sw_pipe_rule_alerts *stored);

/* The password in a --auth-password-file's bytes: its first line, without
 * the CR/LF that ends it (and without a UTF-8 byte order mark). Returns
 * the copy in *out (free it after zeroing), or NULL with a sentence in
 * why[size] when the line is empty, holds a NUL or memory ran out. */
char *sw_manage_password_line(const char *data, size_t len, char *why, size_t size);

#endif
