/* What `smtpwatch watch` prints for each push of the service (protocol
 * version 4, docs/pipe-protocol.md "Subscriptions"): one line per rule
 * change, changed state and event, in that order, and a line when the
 * service says to read everything again (RESYNC). For people a sentence
 * with local time; for scripts (--json) one JSON object a line, with a
 * "type" of "subscribed", "rule", "state", "event" or "resync". Portable:
 * the command line passes the view with the local time zone. */
#ifndef SW_MANAGE_WATCH_H
#define SW_MANAGE_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "manage_view.h"
#include "pipe_push.h"
#include "sw_buf.h"

/* The first line, once subscribed: what comes, and how often at most. */
void sw_manage_watch_subscribed(const struct sw_manage_view *v,
                                const struct sw_pipe_subscribe *granted,
                                struct sw_buf *out);

/* Appends the lines for the PUSH whose body is body[0..len) to `out`.
 * SW_E_INVALID_ARGUMENT if the body is malformed (nothing appended),
 * SW_E_NOMEM. */
enum sw_error sw_manage_watch_lines(const uint8_t *body, size_t len,
                                    const struct sw_manage_view *v, struct sw_buf *out);

#endif
