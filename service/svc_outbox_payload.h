/* What a notification in the outbox becomes for each kind of notifier:
 * the words every kind shares (struct sw_alert_note), an alert mail as
 * DATA's payload, and a program's SMTPWATCH_* environment. Written anew
 * on every attempt from what the outbox keeps, so a retry after a restart
 * says exactly what the first attempt said. */
#ifndef SW_SVC_OUTBOX_PAYLOAD_H
#define SW_SVC_OUTBOX_PAYLOAD_H

#include <stddef.h>

#include "alert_note.h"
#include "store_alerts.h"
#include "sw_buf.h"
#include "sw_error.h"

/* The note of notification `n` (strings borrowed from it and `machine`). */
void sw_svc_note_of(const struct sw_store_notification *n, const char *machine,
                    struct sw_alert_note *out);

/* The alert mail of `note` from `from` to to[0..to_count), as DATA's
 * payload (dot-stuffed, ending in the final dot). */
enum sw_error sw_svc_mail_payload(const struct sw_alert_note *note, const char *from,
                                  const char *const *to, size_t to_count,
                                  struct sw_buf *out);

#define SW_SVC_PROGRAM_VARS 9

/* The program's environment, "SMTPWATCH_RULE_ID=12" and its eight
 * siblings, into env[SW_SVC_PROGRAM_VARS] (each malloc'd; the caller frees
 * them). SW_E_NOMEM (nothing left allocated) if memory ran out. */
enum sw_error sw_svc_program_env(const struct sw_alert_note *note,
                                 char *env[SW_SVC_PROGRAM_VARS]);

#endif
