/* The editor's rule list, kept up to date by the service's pushes
 * (protocol version 4, docs/pipe-protocol.md "Subscriptions") instead of
 * reading every rule's status every 5 s: a rule added or updated (its
 * name, server, enabled), deleted, or its state changed (the fields a row
 * shows). Each row stays as compact as rule_rows.h makes it. Portable C11;
 * the UI thread owns the rows. */
#ifndef SW_RULE_ROWS_LIVE_H
#define SW_RULE_ROWS_LIVE_H

#include "pipe_push.h"
#include "rule_rows.h"

/* Applies `push` to the rows, the rule changes first, then the states (a
 * state of a rule the list does not have is skipped: the push that added
 * it comes first); the rows are sorted again. RESYNC is the caller's to
 * act on (read every status again). SW_E_NOMEM leaves the list empty: read
 * everything again then too. */
enum sw_error sw_rule_rows_apply_push(struct sw_rule_rows *r,
                                      const struct sw_pipe_push *push);

#endif
