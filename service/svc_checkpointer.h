/* The store's checkpoints, off the service loop's thread. SQLite's
 * automatic checkpoint runs inside the commit that fills the WAL: it
 * copies every page back into the database and syncs the file, on the
 * thread that commits, which in the service is the loop (under Wine each
 * page written is a wineserver round trip: about half of a batch write's
 * time at 100,000 rules, docs/scale.md). The loop's handle is opened with
 * manual_checkpoints instead, and this module checkpoints (PASSIVE: it
 * never waits for the loop) on a thread-pool timer with a handle of its
 * own, once a second. */
#ifndef SW_SVC_CHECKPOINTER_H
#define SW_SVC_CHECKPOINTER_H

#include <stdint.h>

#define SW_SVC_CHECKPOINT_EVERY_MS 1000

struct sw_svc_checkpointer;

/* A checkpointer for the database at `db_path` (UTF-8; copied), not yet
 * running. NULL if there can be none (no memory, no timer): then the loop
 * keeps SQLite's automatic checkpoints. */
struct sw_svc_checkpointer *sw_svc_checkpointer_create(const char *db_path);
/* Starts checkpointing, once the caller's own open has brought the schema
 * up to date; a second call does nothing. Loop thread. */
void sw_svc_checkpointer_run(struct sw_svc_checkpointer *c);
/* When a checkpoint last succeeded (sw_clock_now_us; 0: never): a loop
 * that sees none for long checkpoints itself. Any thread. */
int64_t sw_svc_checkpointer_last_ok_us(const struct sw_svc_checkpointer *c);
/* Stops the timer, waits for a checkpoint that runs, closes its handle and
 * frees it. NULL is harmless. */
void sw_svc_checkpointer_stop(struct sw_svc_checkpointer *c);

#endif
