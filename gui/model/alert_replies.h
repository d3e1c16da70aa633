/* The service's version 2 replies the editor reads (docs/pipe-protocol.md):
 * the notifiers of NOTIFIER_LIST_OK, a rule's alert settings of
 * RULE_ALERTS_OK, the notifications of NOTIFICATIONS_OK (with MORE) and
 * the one of NOTIFIER_TEST_OK. Portable C11; the worker hands the reply
 * bodies to the UI thread, which decodes them with these. */
#ifndef SW_ALERT_REPLIES_H
#define SW_ALERT_REPLIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipe_alert_records.h"
#include "pipe_notifier.h"
#include "sw_error.h"

/* Every NOTIFIER record of a body into *out (an array from malloc; *count
 * of them; free with sw_alert_notifiers_free, also after an error). */
enum sw_error sw_alert_notifiers_decode(const uint8_t *body, size_t len,
                                        struct sw_pipe_notifier **out, size_t *count);
void sw_alert_notifiers_free(struct sw_pipe_notifier *list, size_t count);

/* The RULE_ALERTS record of a body into `out` (initialised first; free it
 * with sw_pipe_rule_alerts_free whatever this returns);
 * SW_E_INVALID_ARGUMENT if there is none. */
enum sw_error sw_alert_rule_alerts_decode(const uint8_t *body, size_t len,
                                          struct sw_pipe_rule_alerts *out);

/* Every NOTIFICATION record of a body into *out (as the notifiers), and
 * the body's MORE flag (another page is there) in *more (may be NULL). */
enum sw_error sw_alert_notifications_decode(const uint8_t *body, size_t len,
                                            struct sw_pipe_notification **out,
                                            size_t *count, bool *more);
void sw_alert_notifications_free(struct sw_pipe_notification *list, size_t count);

#endif
