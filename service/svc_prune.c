/* Making room in the database: when to delete the oldest rows, and the
 * words of events 3005 (results) and 2032 (rollups). */
#include "svc_prune.h"

#include <stdio.h>
#include <string.h>

static double mb(int64_t bytes)
{
  return (double)bytes / (1024.0 * 1024.0);
}

/* Ends the run, filling `ev` with what it did. */
static void end_run(struct sw_svc_prune *p, struct sw_store *st, int64_t cap_bytes,
                    const char *db_path, struct sw_svc_prune_event *ev)
{
  struct sw_svc_args *a = &ev->args;
  a->used = 0;
  struct sw_store_size size;
  bool sized = sw_store_size(st, &size) == SW_STORE_OK;
  const char *why = p->disk_full ? "the disk is full" : "its data went over the size cap";
  const char *before = sw_svc_arg(a, "%.1f", mb(p->used_before));
  const char *after = sw_svc_arg(a, "%.1f", mb(p->used_after));
  const char *cap = cap_bytes > 0
                        ? sw_svc_arg(a, "%lld MB", (long long)(cap_bytes / (1024 * 1024)))
                        : "none";
  const char *s[SW_SVC_PRUNE_STRINGS] = {
      sw_svc_arg(a, "%zu", p->deleted),
      db_path,
      why,
      before,
      after,
      cap,
      sized ? sw_svc_arg(a, "%.1f", mb(size.file_bytes)) : "an unknown number of"};
  memcpy(ev->strings, s, sizeof s);
  const char *r[SW_SVC_PRUNE_ROLLUP_STRINGS] = {
      sw_svc_arg(a, "%zu", p->hourly_deleted),
      sw_svc_arg(a, "%zu", p->daily_deleted),
      db_path,
      why,
      before,
      after,
      sw_svc_arg(a, "%d", SW_STORE_PRUNE_KEEP_RESULTS_DAYS)};
  memcpy(ev->rollup_strings, r, sizeof r);
  ev->results = p->deleted > 0;
  ev->rollups = p->hourly_deleted + p->daily_deleted > 0;
  p->running = false;
  p->deleted = p->hourly_deleted = p->daily_deleted = 0;
}

enum sw_store_error sw_svc_prune_step(struct sw_svc_prune *p, struct sw_store *st,
                                      int64_t cap_bytes, bool disk_full, size_t max_rows,
                                      const char *db_path, bool *more, bool *report,
                                      struct sw_svc_prune_event *ev)
{
  *more = false;
  *report = false;
  if (!disk_full && cap_bytes <= 0) {
    p->running = false; /* no cap, and the disk has room */
    return SW_STORE_OK;
  }
  int64_t target = disk_full    ? 0 /* one slice, whatever the size */
                   : p->running ? cap_bytes / 100 * SW_SVC_PRUNE_LOW_PERCENT
                                : cap_bytes;
  /* A full disk: first give the WAL's space back (its pages go into the
   * database file, where the delete frees them), then delete, then give
   * back what the delete wrote, so the write that follows has room. Each
   * step may fail for want of space; the outage then goes on. */
  if (disk_full)
    sw_store_checkpoint(st, SW_STORE_CHECKPOINT_TRUNCATE, NULL, NULL);
  struct sw_store_prune r;
  enum sw_store_error err = sw_store_prune_step(st, target, max_rows, &r);
  if (disk_full && !err)
    sw_store_checkpoint(st, SW_STORE_CHECKPOINT_TRUNCATE, NULL, NULL);
  size_t rows = r.deleted + r.hourly_deleted + r.daily_deleted;
  if (!p->running && (err || rows == 0))
    return err;
  if (!p->running) {
    *p = (struct sw_svc_prune){
        .running = true, .disk_full = disk_full, .used_before = r.used_before};
  }
  p->deleted += r.deleted;
  p->hourly_deleted += r.hourly_deleted;
  p->daily_deleted += r.daily_deleted;
  if (!err && rows > 0)
    p->used_after = r.used_after;
  /* A full slice may have left more to do; the next turn measures again
   * (against the lower mark). A full disk takes one slice per attempt. */
  if (!err && !disk_full && rows == max_rows) {
    *more = true;
    return SW_STORE_OK;
  }
  if (p->deleted + p->hourly_deleted + p->daily_deleted > 0) {
    end_run(p, st, cap_bytes, db_path, ev);
    *report = true;
  }
  p->running = false;
  return err;
}
