/* The loop's figures and their JSON file (see svc_stats.h). Lateness goes
 * into 100 us buckets up to 10 s, so percentiles cost no sorting and the
 * memory is fixed however long the service runs. */
#include "svc_stats.h"

#include <psapi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"
#include "sw_buf.h"
#include "sw_macros.h"

#define BUCKET_US 100
#define BUCKETS 100000 /* 10 s; later starts land in the last bucket */

void sw_svc_stats_init(struct sw_svc_stats *s, bool detailed)
{
  memset(s, 0, sizeof *s);
  if (detailed)
    s->late_hist = calloc(BUCKETS, sizeof *s->late_hist);
}

void sw_svc_stats_free(struct sw_svc_stats *s)
{
  free(s->late_hist);
  s->late_hist = NULL;
}

void sw_svc_stats_started(struct sw_svc_stats *s, int64_t lateness_us)
{
  s->started++;
  if (lateness_us < 0)
    lateness_us = 0;
  if (lateness_us > s->late_max_us)
    s->late_max_us = lateness_us;
  sw_metrics_lateness_observe(&s->lateness, lateness_us);
  if (s->late_hist) {
    int64_t b = lateness_us / BUCKET_US;
    s->late_hist[b < BUCKETS ? b : BUCKETS - 1]++;
  }
  s->late_n++;
}

void sw_svc_stats_done(struct sw_svc_stats *s, enum sw_outcome outcome, bool ignored)
{
  s->finished++;
  if (ignored)
    s->ignored++;
  else if ((unsigned)outcome < SW_OUTCOME_COUNT)
    s->by_outcome[outcome]++;
}

void sw_svc_stats_reload(struct sw_svc_stats *s, int64_t us)
{
  s->reloads++;
  s->reload_last_us = us;
  if (us > s->reload_max_us)
    s->reload_max_us = us;
}

void sw_svc_stats_batch(struct sw_svc_stats *s, int64_t us)
{
  s->writes++;
  s->write_total_us += us;
  if (us > s->write_max_us)
    s->write_max_us = us;
}

void sw_svc_stats_part(struct sw_svc_stats *s, enum sw_svc_loop_part part, int64_t us)
{
  s->part_us[part] += us;
  if (us > s->part_max_us[part])
    s->part_max_us[part] = us;
}

void sw_svc_stats_turn(struct sw_svc_stats *s, int64_t us)
{
  s->turns++;
  if (us > s->turn_max_us)
    s->turn_max_us = us;
}

void sw_svc_stats_pipe(struct sw_svc_stats *s, int64_t us, bool request)
{
  s->pipe_us += us;
  if (us > s->pipe_max_us)
    s->pipe_max_us = us;
  if (request)
    s->pipe_requests++;
}

void sw_svc_stats_pushes(struct sw_svc_stats *s, uint64_t pushes, uint64_t bytes,
                         uint64_t resyncs)
{
  s->pushes = pushes;
  s->push_bytes = bytes;
  s->push_resyncs = resyncs;
}

/* The lateness below which `q` of the samples fall, in us (the bucket's
 * upper edge, so it never flatters). */
static int64_t percentile_us(const struct sw_svc_stats *s, double q)
{
  uint64_t want = (uint64_t)(q * (double)s->late_n);
  if (want >= s->late_n)
    want = s->late_n - 1;
  uint64_t seen = 0;
  for (int b = 0; b < BUCKETS; b++) {
    seen += s->late_hist[b];
    if (seen > want)
      return (int64_t)(b + 1) * BUCKET_US;
  }
  SW_NOT_REACHED(); /* the buckets hold every sample, and want < late_n */
  return (int64_t)BUCKETS * BUCKET_US;
}

/* The "loop" object: turns and each part's total and longest, in us. */
static void write_loop_parts(struct sw_json *j, const struct sw_svc_stats *s)
{
  static const char *const names[] = {SW_SVC_LOOP_PART_MAP(SW_X_2)};
  sw_json_key(j, "loop");
  sw_json_begin_object(j);
  sw_json_member_int(j, "turns", (int64_t)s->turns);
  sw_json_member_int(j, "turn_max_us", s->turn_max_us);
  for (size_t i = 0; i < SW_SVC_PART_COUNT; i++) {
    char key[40];
    snprintf(key, sizeof key, "%s_us", names[i]);
    sw_json_member_int(j, key, s->part_us[i]);
    snprintf(key, sizeof key, "%s_max_us", names[i]);
    sw_json_member_int(j, key, s->part_max_us[i]);
  }
  sw_json_end_object(j);
}

/* Where the memory goes: the rule table's parts and the whole process's
 * private bytes (what Task Manager calls the commit size). */
static void write_memory(struct sw_json *j, const struct sw_svc_rules_memory *m,
                         const struct sw_scheduler_stats *sched)
{
  sw_json_key(j, "memory");
  sw_json_begin_object(j);
  sw_json_member_int(j, "rule_record_bytes", (int64_t)m->record_bytes);
  sw_json_member_int(j, "rule_bytes", (int64_t)m->rule_bytes);
  sw_json_member_int(j, "rule_state_bytes", (int64_t)m->state_bytes);
  sw_json_member_int(j, "rule_alert_bytes", (int64_t)m->alert_bytes);
  sw_json_member_int(j, "rule_strings_bytes", (int64_t)m->string_bytes);
  sw_json_member_int(j, "rule_secrets_bytes", (int64_t)m->secret_bytes);
  sw_json_member_int(j, "rule_other_bytes", (int64_t)m->other_bytes);
  sw_json_member_int(j, "rule_table_bytes", (int64_t)m->table_bytes);
  sw_json_member_int(j, "rule_heap_blocks", (int64_t)m->blocks);
  sw_json_member_int(j, "scheduler_bytes", (int64_t)sched->memory_bytes);
  PROCESS_MEMORY_COUNTERS_EX pmc;
  memset(&pmc, 0, sizeof pmc);
  pmc.cb = sizeof pmc;
  if (GetProcessMemoryInfo(GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&pmc,
                           sizeof pmc)) {
    sw_json_member_int(j, "private_bytes", (int64_t)pmc.PrivateUsage);
    sw_json_member_int(j, "peak_private_bytes", (int64_t)pmc.PeakPagefileUsage);
    sw_json_member_int(j, "peak_working_set_bytes", (int64_t)pmc.PeakWorkingSetSize);
  }
  sw_json_end_object(j);
}

void sw_svc_stats_write(const struct sw_svc_stats *s, const wchar_t *path, size_t rules,
                        size_t enabled, const struct sw_scheduler_stats *sched,
                        const struct sw_svc_rules_memory *mem, uint64_t written,
                        uint64_t dropped, int64_t uptime_us)
{
  if (!path || !path[0])
    return;
  struct sw_buf out;
  struct sw_json j;
  sw_buf_init(&out, 0);
  sw_json_init(&j, &out);
  sw_json_begin_object(&j);
  sw_json_member_int(&j, "uptime_us", uptime_us);
  sw_json_member_int(&j, "rules", (int64_t)rules);
  sw_json_member_int(&j, "enabled", (int64_t)enabled);
  sw_json_member_int(&j, "checks_started", (int64_t)s->started);
  sw_json_member_int(&j, "checks_finished", (int64_t)s->finished);
  sw_json_member_int(&j, "results_ignored", (int64_t)s->ignored);
  sw_json_key(&j, "outcomes");
  sw_json_begin_object(&j);
  for (int o = 0; o < SW_OUTCOME_COUNT; o++)
    if (s->by_outcome[o]) {
      sw_json_member_int(&j, sw_outcome_name((enum sw_outcome)o),
                         (int64_t)s->by_outcome[o]);
    }
  sw_json_end_object(&j);
  sw_json_key(&j, "lateness");
  sw_json_begin_object(&j);
  sw_json_member_int(&j, "samples", (int64_t)s->late_n);
  if (s->late_hist && s->late_n) {
    sw_json_member_int(&j, "p50_us", percentile_us(s, 0.50));
    sw_json_member_int(&j, "p90_us", percentile_us(s, 0.90));
    sw_json_member_int(&j, "p99_us", percentile_us(s, 0.99));
  }
  sw_json_member_int(&j, "max_us", s->late_max_us);
  sw_json_end_object(&j);
  sw_json_member_int(&j, "skipped", (int64_t)sched->skipped);
  sw_json_member_int(&j, "scheduler_bytes", (int64_t)sched->memory_bytes);
  sw_json_member_int(&j, "results_written", (int64_t)written);
  sw_json_member_int(&j, "results_dropped", (int64_t)dropped);
  sw_json_member_int(&j, "rule_lists_applied", (int64_t)s->reloads);
  sw_json_member_int(&j, "rule_apply_last_us", s->reload_last_us);
  sw_json_member_int(&j, "batch_writes", (int64_t)s->writes);
  sw_json_member_int(&j, "batch_write_avg_us",
                     s->writes ? s->write_total_us / (int64_t)s->writes : 0);
  sw_json_member_int(&j, "batch_write_max_us", s->write_max_us);
  sw_json_member_int(&j, "rule_apply_max_us", s->reload_max_us);
  sw_json_member_int(&j, "metrics_snapshots", (int64_t)s->metrics_snapshots);
  sw_json_member_int(&j, "metrics_snapshot_max_us", s->metrics_snapshot_max_us);
  sw_json_member_int(&j, "metrics_render_max_us", s->metrics_render_max_us);
  sw_json_member_int(&j, "metrics_bytes", (int64_t)s->metrics_bytes);
  sw_json_member_int(&j, "pipe_us", s->pipe_us);
  sw_json_member_int(&j, "pipe_max_us", s->pipe_max_us);
  /* the loop's time on clients, in parts per million of its run */
  sw_json_member_int(&j, "pipe_loop_ppm",
                     uptime_us > 0 ? s->pipe_us * 1000000 / uptime_us : 0);
  sw_json_member_int(&j, "pipe_requests", (int64_t)s->pipe_requests);
  sw_json_member_int(&j, "push_us", s->push_us);
  sw_json_member_int(&j, "pushes", (int64_t)s->pushes);
  sw_json_member_int(&j, "push_bytes", (int64_t)s->push_bytes);
  sw_json_member_int(&j, "push_resyncs", (int64_t)s->push_resyncs);
  write_loop_parts(&j, s);
  write_memory(&j, mem, sched);
  sw_json_end_object(&j);
  if (sw_json_finish(&j) == SW_E_OK) {
    FILE *f = _wfopen(path, L"wb");
    if (f) {
      fputs(sw_buf_str(&out), f);
      fputc('\n', f);
      fclose(f);
    }
  }
  sw_buf_free(&out);
}
