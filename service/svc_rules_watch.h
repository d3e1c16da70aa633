/* Watches the database for rule changes off the loop thread. Until the
 * control pipe tells the service about changes directly, the rules have to
 * be read again periodically, and the store has no cheap "rules changed"
 * marker: reading 10,000 rules takes ~100 ms, which on the loop thread
 * would delay every check due meanwhile. So a thread of its own reads them
 * on its own store handle (WAL: readers never wait for the loop's writes)
 * and hands a list over only when its fingerprint (ids and revisions)
 * differs from the last one handed over. The loop takes it at its next turn.
 *
 * The period adapts to the cost: 2 s, or 25 times the last read's duration
 * if that is longer (so the thread uses at most ~4 % of a core), at most
 * 30 s. */
#ifndef SW_SVC_RULES_WATCH_H
#define SW_SVC_RULES_WATCH_H

#include <windows.h>

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

#define SW_SVC_RULES_WATCH_MIN_MS 2000
#define SW_SVC_RULES_WATCH_MAX_MS 30000

struct sw_svc_rules_watch;

/* The fingerprint of a rule list: ids and revisions, in order. */
uint64_t sw_svc_rules_fingerprint(const struct sw_store_rule_list *l);

/* Starts the thread on the database at `db_path` (UTF-8), taking
 * `fingerprint` as the list the loop already has. Returns 0 or the Win32
 * error of CreateThread/CreateEvent. */
DWORD sw_svc_rules_watch_start(struct sw_svc_rules_watch **out, const char *db_path,
                               uint64_t fingerprint);

/* What the thread has for the loop. Returns true if there is something:
 * either a new list, moved into *out (free it with sw_store_rule_list_free),
 * or a failure to read (*err and `message` set, *out empty), reported once
 * per failure. Loop thread; never blocks on a read in progress. */
bool sw_svc_rules_watch_take(struct sw_svc_rules_watch *w, struct sw_store_rule_list *out,
                             enum sw_store_error *err, char *message, size_t size);

/* Stops the thread (waiting for a read in progress to end) and frees
 * everything. NULL is ignored. */
void sw_svc_rules_watch_stop(struct sw_svc_rules_watch *w);

#endif
