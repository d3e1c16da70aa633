/* Control-pipe request of availability reports (docs/reports.md): REPORT
 * answers a page of rules' figures over a period from the store's
 * rollups. A page of 1000 rules over 30 days reads at most about 76
 * rollup rows a rule (bench/README.md has the figure), so it is answered
 * on the loop like STATUS; a client wanting every rule asks page by page. */
#include "svc_requests_internal.h"

#include <stdint.h>

#include <stdio.h>
#include <stdlib.h>

#include "pipe_report.h"
#include "store_report.h"
#include "svc_rules.h"

/* The rules of this page: the one asked for, or up to `limit` after
 * `after`, in id order. Returns how many ids went into ids[]. */
static size_t page_rules(const struct sw_svc_requests *q, const struct sw_svc_fields *f,
                         const struct sw_svc_rule **rules, int64_t *ids)
{
  size_t n = 0;
  for (size_t i = 0; i < q->rules->count && n < (size_t)f->limit; i++) {
    const struct sw_svc_rule *r = q->rules->items[i];
    if (f->rule_id ? r->rule.id != f->rule_id : r->rule.id <= f->after)
      continue;
    rules[n] = r;
    ids[n++] = r->rule.id;
  }
  return n;
}

static void put_rule(struct sw_buf *reply, const struct sw_svc_rule *r,
                     const struct sw_store_availability *a)
{
  struct sw_pipe_availability p = {
      .rule_id = r->rule.id,
      .name = r->rule.name,
      .host = (char *)sw_rule_target(&r->rule), /* borrowed */
      .port = r->rule.port,
      .totals = a->totals,
      .outages = a->outages,
      .outage_count = a->outage_count,
  };
  for (int s = 0; s < SW_STEP_COUNT; s++) {
    if (!a->samples[s])
      continue;
    struct sw_pipe_step_latency *l = &p.steps[p.step_count++];
    l->step = (enum sw_step)s;
    l->samples = a->samples[s];
    for (int i = 0; i < SW_AVAIL_PERCENTILE_COUNT; i++)
      l->percentile_us[i] = a->percentile_us[s][i];
  }
  sw_pipe_put_availability(reply, &p);
}

/* While the rollups of the results from before the upgrade are being
 * built (docs/reports.md, "After an upgrade"), a note says so: the hours
 * not built yet count as unmonitored. */
static void put_building_note(const struct sw_svc_requests *q, struct sw_buf *reply)
{
  struct sw_store_rollup_progress pr;
  if (sw_store_rollup_progress(*q->store, &pr) != SW_STORE_OK || !pr.building)
    return;
  char note[200];
  snprintf(note, sizeof note,
           "rollups being built (%d %%): the hours not rolled up yet count as "
           "unmonitored",
           pr.percent);
  sw_tlv_put_str(reply, SW_PIPE_TAG_MESSAGE, note);
}

HANDLER(sw__req_report)
{
  (void)conn;
  if (f->report_from <= 0 || f->report_until <= f->report_from) {
    sw__req_error(reply, id, SW_PIPE_ERR_INVALID,
                  "A report needs a period: REPORT_FROM before REPORT_UNTIL.");
    return SW_PIPE_KEEP;
  }
  if (f->rule_id && !sw_svc_rules_find(q->rules, f->rule_id)) {
    sw__req_error(reply, id, SW_PIPE_ERR_NOT_FOUND, NULL);
    return SW_PIPE_KEEP;
  }
  /* What the service knows and has not written yet belongs in the report. */
  q->sync(q->loop, SW_PIPE_MSG_REPORT, f->rule_id ? f->rule_id : f->after + 1,
          f->rule_id ? f->rule_id : INT64_MAX);
  struct sw_store_report_period period;
  const struct sw_svc_rule **rules = malloc((size_t)f->limit * sizeof *rules);
  int64_t *ids = malloc((size_t)f->limit * sizeof *ids);
  struct sw_store_availability_list list = {0};
  enum sw_store_error err = rules && ids ? SW_STORE_OK : SW_STORE_NOMEM;
  if (!err)
    err = sw_store_report_period(*q->store, f->report_from, f->report_until, q->now_ms(),
                                 &period);
  size_t n = err ? 0 : page_rules(q, f, rules, ids);
  if (!err)
    err = sw_store_availability(*q->store, ids, n, &period, &list);
  if (err) {
    sw__req_store_error(q, reply, id, err, NULL);
  } else {
    struct sw__req_page page;
    sw__req_page_begin(&page, reply, SW_PIPE_MSG_REPORT_OK, id, f->limit);
    sw_tlv_put_int(reply, SW_PIPE_TAG_REPORT_FROM, period.from_ms);
    sw_tlv_put_int(reply, SW_PIPE_TAG_REPORT_UNTIL, period.until_ms);
    put_building_note(q, reply);
    for (size_t i = 0; i < list.count && sw__req_page_take(&page); i++)
      put_rule(reply, rules[i], &list.items[i]);
    /* More rules after this page, though every record fitted. */
    if (!f->rule_id && n == (size_t)f->limit && n &&
        rules[n - 1] != q->rules->items[q->rules->count - 1])
      page.more = true;
    sw__req_page_end(&page);
  }
  sw_store_availability_list_free(&list);
  free(rules);
  free(ids);
  return SW_PIPE_KEEP;
}
