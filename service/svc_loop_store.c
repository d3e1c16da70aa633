/* The database side of the service loop: opening the store, writing the
 * buffered results and rule states in batches, deleting old rows, and the
 * database's health in between: a failing store is retried every
 * STORE_RETRY_MS while checking goes on, with one event when an outage
 * begins (3000) and one when it ends (3001). */
#include "svc_loop_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "svc_eventlog.h"
#include "svc_reserve.h"

/* How long a failing database waits before it is tried again, and how
 * often old results are deleted, a slice at a time. */
#define STORE_RETRY_MS 5000
#define RETENTION_EVERY_MS 60000
#define RETENTION_ROWS 2000
/* A write waits at most this long for another program's lock: the loop
 * must keep serving checks. */
#define STORE_BUSY_TIMEOUT_MS 250
/* With no checkpoint from the checkpointer for this long, the loop makes
 * one itself (its WAL would otherwise grow without end). */
#define CHECKPOINT_STALE_MS 60000

/* A store call failed while `doing` ("write the results"). The first
 * failure of an outage is logged; the next attempt is STORE_RETRY_MS away.
 * A damaged or vanished file is closed, to be opened afresh. */
void sw__loop_store_failed(struct sw_svc_loop *l, const char *doing,
                           enum sw_store_error err, const char *message)
{
  int64_t now = sw_clock_now_us();
  l->db.next_retry_us = now + (int64_t)STORE_RETRY_MS * 1000;
  l->db.err = err;
  l->metrics_db_failures++;
  if (!l->db.failing) {
    l->db.failing = true;
    l->db.since_us = now;
    l->db.written_at_fail = l->writer.written;
    l->db.dropped_at_fail = l->writer.dropped;
    l->db.drop_logged = false;
    struct sw_svc_args a = {0};
    LOG_EVENT(l, SW_MSG_DB_UNAVAILABLE, 0, l->cfg->db_path_utf8, doing,
              sw_svc_arg(&a, "%s (%s)",
                         message && message[0] ? message : sw_store_error_text(err),
                         sw_store_error_name(err)),
              sw_svc_arg(&a, "%zu", l->writer.max_results),
              sw_svc_arg(&a, "%d", STORE_RETRY_MS / 1000), sw_store_error_text(err));
  }
  if (l->store && (err == SW_STORE_CORRUPT || err == SW_STORE_IO ||
                   err == SW_STORE_CANTOPEN || err == SW_STORE_NOT_OURS)) {
    sw_store_close(l->store);
    l->store = NULL;
  }
}

void sw__loop_store_failed_on(struct sw_svc_loop *l, const char *doing,
                              enum sw_store_error err)
{
  sw__loop_store_failed(l, doing, err,
                        l->store ? sw_store_last_error(l->store)->message : NULL);
}

/* Everything waiting was written: an outage, if any, is over. */
static void store_worked(struct sw_svc_loop *l)
{
  if (!l->db.failing || sw_svc_writer_pending(&l->writer) > 0)
    return;
  l->db.failing = false;
  struct sw_svc_args a = {0};
  LOG_EVENT(l, SW_MSG_DB_RECOVERED, 0, l->cfg->db_path_utf8,
            sw_svc_arg(&a, "%" PRId64, (sw_clock_now_us() - l->db.since_us) / 1000000),
            sw_svc_arg(&a, "%" PRIu64, l->writer.written - l->db.written_at_fail),
            sw_svc_arg(&a, "%" PRIu64, l->writer.dropped - l->db.dropped_at_fail));
}

void sw__loop_open_store(struct sw_svc_loop *l)
{
  struct sw_store_options opt = {.busy_timeout_ms = STORE_BUSY_TIMEOUT_MS,
                                 .manual_checkpoints = l->checkpointer != NULL};
  struct sw_store_diag diag = {0};
  enum sw_store_error err = sw_store_open(l->cfg->db_path_utf8, &opt, &l->store, &diag);
  if (err) {
    l->store = NULL;
    sw__loop_store_failed(l, "open the database", err, diag.message);
  } else if (l->checkpointer) {
    sw_svc_checkpointer_run(l->checkpointer);
    l->next_own_checkpoint_us = sw_clock_now_us() + (int64_t)CHECKPOINT_STALE_MS * 1000;
  }
  /* Whether rollups remain to be built after an upgrade: the first slice
   * asks the store. */
  l->rollups.building = !err;
}

/* Writes one batch if one is due (or, when `force`, whatever waits).
 * Returns true if something was written. */
bool sw__loop_write_batch(struct sw_svc_loop *l, bool force)
{
  int64_t now = sw_clock_now_us();
  if (!l->store || (l->db.failing && now < l->db.next_retry_us))
    return false;
  if (!force && !l->db.failing &&
      !sw_svc_writer_due(&l->writer, sw__loop_has_unsaved(l), now))
    return false;
  struct sw_store_batch rules = {0};
  size_t looked_at = sw__loop_unsaved_collect(l, &rules);
  if (looked_at == 0 && sw_svc_writer_pending(&l->writer) == 0 &&
      l->writer.events_len == 0) {
    store_worked(l);
    return false;
  }
  int64_t t0 = sw_clock_now_us();
  enum sw_store_error err = sw_svc_writer_write(&l->writer, l->store, &rules, NULL);
  sw_svc_stats_batch(&l->stats, sw_clock_now_us() - t0);
  if (err) {
    sw__loop_store_failed_on(l, "write the results", err);
    return false;
  }
  sw__loop_unsaved_written(l, looked_at);
  store_worked(l);
  return true;
}

/* Deletes old rows: results past the retention period, then the oldest
 * results while the data is over the size cap (svc_prune.h), and keeps the
 * reserve (svc_reserve.h) while the disk has room. While writes fail
 * because the disk is full it only makes room: it gives the reserve back,
 * then deletes one slice of the oldest results before each new attempt
 * (that may fail too; then the outage just goes on). */
static void retention(struct sw_svc_loop *l, int64_t now)
{
  bool disk_full = l->db.failing && l->db.err == SW_STORE_FULL;
  size_t deleted = 0;
  bool more = false;
  enum sw_store_error err = SW_STORE_OK;
  if (!disk_full) {
    err = sw_store_retention_step(l->store, sw_clock_wall_us() / 1000, RETENTION_ROWS,
                                  &deleted, &more);
    if (err) {
      sw__loop_store_failed_on(l, "delete results past the retention period", err);
      more = false;
    }
  }
  if (disk_full)
    sw_svc_reserve_release(l->cfg->db_path);
  else if (!err)
    sw_svc_reserve_make(l->cfg->db_path);
  if (!err && l->store) {
    bool prune_more, report;
    struct sw_svc_prune_event ev;
    err = sw_svc_prune_step(
        &l->db.prune, l->store, (int64_t)l->cfg->max_db_mb * 1024 * 1024, disk_full,
        RETENTION_ROWS, l->cfg->db_path_utf8, &prune_more, &report, &ev);
    if (report && ev.results)
      sw__loop_event(l, SW_MSG_DB_PRUNED, 0, SW_SVC_PRUNE_STRINGS, ev.strings);
    if (report && ev.rollups)
      sw__loop_event(l, SW_MSG_DB_PRUNED_ROLLUPS, 0, SW_SVC_PRUNE_ROLLUP_STRINGS,
                     ev.rollup_strings);
    if (err)
      sw__loop_store_failed_on(l, "delete the oldest results to make room", err);
    more |= !err && prune_more;
  }
  /* A backlog of old rows goes a slice a second, so writers wait little. */
  l->next_retention_us = now + (int64_t)(more ? 1000 : RETENTION_EVERY_MS) * 1000;
}

/* The checkpointer has not checkpointed for CHECKPOINT_STALE_MS (its
 * handle cannot open the file, say): the loop copies the WAL back itself,
 * without waiting for anyone. */
static void checkpoint_if_stale(struct sw_svc_loop *l, int64_t now)
{
  if (!l->checkpointer || now < l->next_own_checkpoint_us)
    return;
  int64_t stale = (int64_t)CHECKPOINT_STALE_MS * 1000;
  int64_t last = sw_svc_checkpointer_last_ok_us(l->checkpointer);
  if (now - last >= stale)
    sw_store_checkpoint(l->store, SW_STORE_CHECKPOINT_PASSIVE, NULL, NULL);
  l->next_own_checkpoint_us = now + stale;
}

/* The store's part of a turn: open, read rules, write, delete old rows. */
void sw__loop_tend_store(struct sw_svc_loop *l, int64_t now)
{
  if (!l->store && now >= l->db.next_retry_us)
    sw__loop_open_store(l);
  if (l->store && !l->rules_loaded)
    sw__loop_load_rules_now(l);
  sw__loop_take_watched_rules(l);
  if (!l->store)
    return;
  if (now >= l->next_settings_us) {
    sw__loop_load_settings(l);
    l->next_settings_us = now + (int64_t)SW_LOOP_SETTINGS_POLL_MS * 1000;
  }
  if (l->db.failing && l->db.err == SW_STORE_FULL && now >= l->db.next_retry_us)
    retention(l, now); /* a full disk: make room before the write is tried again */
  sw__loop_write_batch(l, false);
  if (l->store && !l->db.failing && now >= l->next_retention_us)
    retention(l, now);
  if (l->store && !l->db.failing)
    checkpoint_if_stale(l, now);
  sw__loop_build_rollups(l);
}
