/* SMTP Watch's metrics (see metrics_text.h). A family's samples must be
 * written together, so each per-rule family walks every rule once: the
 * snapshot is a flat array, cheap to walk fifteen times. */
#include "metrics_text.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_macros.h"

const int64_t sw_metrics_lateness_bounds_us[SW_METRICS_LATENESS_BOUNDS] = {
    1000,   5000,    10000,   25000,   50000,    100000,   250000,
    500000, 1000000, 2500000, 5000000, 10000000, 30000000, 60000000,
};

struct family {
  const char *name;
  enum sw_prom_type type;
  const char *help;
};
#define FAMILY_ROW(id, name, type, help) {name, type, help},
static const struct family families[] = {SW_METRICS_FAMILY_MAP(FAMILY_ROW)};
#undef FAMILY_ROW

const char *sw_metric_name(enum sw_metric m)
{
  return (size_t)m < SW_COUNTOF(families) ? families[m].name : "";
}

static void begin(struct sw_prom *p, enum sw_metric m)
{
  sw_prom_family(p, families[m].name, families[m].type, families[m].help);
}

void sw_metrics_lateness_observe(struct sw_metrics_lateness *l, int64_t us)
{
  struct sw_prom_histogram h = {.bounds_us = sw_metrics_lateness_bounds_us,
                                .nbounds = SW_METRICS_LATENESS_BOUNDS,
                                .counts = l->counts,
                                .sum_us = l->sum_us};
  sw_prom_histogram_observe(&h, us);
  l->sum_us = h.sum_us;
}

/* ---- the snapshot ------------------------------------------------------ */

void sw_metrics_snapshot_init(struct sw_metrics_snapshot *s)
{
  memset(s, 0, sizeof *s);
  sw_buf_init(&s->strings, 0);
  s->db_size_bytes = -1;
  s->outbox_pending = -1;
}

void sw_metrics_snapshot_free(struct sw_metrics_snapshot *s)
{
  free(s->rules);
  sw_buf_free(&s->strings);
  sw_metrics_snapshot_init(s);
}

/* Appends `text` and its NUL to the snapshot's strings; *at its offset. */
static bool keep_string(struct sw_metrics_snapshot *s, const char *text, size_t *at)
{
  *at = s->strings.len;
  return sw_buf_append(&s->strings, text, strlen(text) + 1) == SW_E_OK;
}

struct sw_metrics_rule *sw_metrics_snapshot_add(struct sw_metrics_snapshot *s, int64_t id,
                                                const char *name, const char *host,
                                                uint16_t port)
{
  if (s->nrules == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    struct sw_metrics_rule *grown = realloc(s->rules, cap * sizeof *grown);
    if (!grown)
      return NULL;
    s->rules = grown;
    s->cap = cap;
  }
  struct sw_metrics_rule *r = &s->rules[s->nrules];
  memset(r, 0, sizeof *r);
  r->id = id;
  r->port = port;
  for (int i = 0; i < SW_STEP_COUNT; i++)
    r->step_us[i] = -1;
  if (!keep_string(s, name, &r->name_at) || !keep_string(s, host, &r->host_at))
    return NULL;
  s->nrules++;
  return r;
}

/* ---- rendering --------------------------------------------------------- */

/* A rule's four labels; the texts live in the struct (id, port) and in the
 * snapshot's strings. */
struct rule_labels {
  char id[24], port[8];
  struct sw_prom_label l[5]; /* room for one more: step */
};

static void rule_labels(struct rule_labels *rl, const struct sw_metrics_snapshot *s,
                        const struct sw_metrics_rule *r)
{
  sw_prom_decimal(rl->id, sizeof rl->id, r->id);
  sw_prom_decimal(rl->port, sizeof rl->port, r->port);
  const char *text = sw_buf_str(&s->strings);
  rl->l[0] = (struct sw_prom_label){"rule_id", rl->id};
  rl->l[1] = (struct sw_prom_label){"rule", text + r->name_at};
  rl->l[2] = (struct sw_prom_label){"host", text + r->host_at};
  rl->l[3] = (struct sw_prom_label){"port", rl->port};
}

static void render_rules(struct sw_prom *p, const struct sw_metrics_snapshot *s)
{
  struct rule_labels rl;
  begin(p, SW_METRIC_RULE_UP);
  for (size_t i = 0; i < s->nrules; i++)
    if (s->rules[i].last_check_us) {
      rule_labels(&rl, s, &s->rules[i]);
      sw_prom_int(p, "", rl.l, 4, s->rules[i].up ? 1 : 0);
    }
  begin(p, SW_METRIC_RULE_STATE);
  for (size_t i = 0; i < s->nrules; i++) {
    rule_labels(&rl, s, &s->rules[i]);
    sw_prom_int(p, "", rl.l, 4, (int64_t)s->rules[i].state);
  }
  begin(p, SW_METRIC_RULE_LAST_CHECK);
  for (size_t i = 0; i < s->nrules; i++)
    if (s->rules[i].last_check_us) {
      rule_labels(&rl, s, &s->rules[i]);
      sw_prom_us(p, "", rl.l, 4, s->rules[i].last_check_us);
    }
  begin(p, SW_METRIC_RULE_STEP_DURATION);
  for (size_t i = 0; i < s->nrules; i++) {
    if (!s->rules[i].last_check_us)
      continue;
    rule_labels(&rl, s, &s->rules[i]);
    for (int step = 0; step < SW_STEP_COUNT; step++)
      if (s->rules[i].step_us[step] >= 0) {
        rl.l[4] = (struct sw_prom_label){"step", sw_step_name((enum sw_step)step)};
        sw_prom_us(p, "", rl.l, 5, s->rules[i].step_us[step]);
      }
  }
  begin(p, SW_METRIC_RULE_CERT_EXPIRY);
  for (size_t i = 0; i < s->nrules; i++)
    if (s->rules[i].cert_not_after) {
      rule_labels(&rl, s, &s->rules[i]);
      sw_prom_int(p, "", rl.l, 4, s->rules[i].cert_not_after);
    }
}

static void render_service(struct sw_prom *p, const struct sw_metrics_snapshot *s)
{
  begin(p, SW_METRIC_CHECKS);
  for (int o = 0; o < SW_OUTCOME_COUNT; o++) {
    struct sw_prom_label l = {"outcome", sw_outcome_name((enum sw_outcome)o)};
    sw_prom_int(p, "", &l, 1, (int64_t)s->checks[o]);
  }
  begin(p, SW_METRIC_LATENESS);
  uint64_t counts[SW_METRICS_LATENESS_BOUNDS + 1];
  memcpy(counts, s->lateness.counts, sizeof counts);
  struct sw_prom_histogram h = {.bounds_us = sw_metrics_lateness_bounds_us,
                                .nbounds = SW_METRICS_LATENESS_BOUNDS,
                                .counts = counts,
                                .sum_us = s->lateness.sum_us};
  sw_prom_histogram_write(p, &h, NULL, 0);
  begin(p, SW_METRIC_RULES);
  struct sw_prom_label checked[] = {{"checked", "true"}, {"checked", "false"}};
  sw_prom_int(p, "", &checked[0], 1, (int64_t)s->nrules);
  sw_prom_int(p, "", &checked[1], 1, (int64_t)(s->rules_configured - s->nrules));
  begin(p, SW_METRIC_RESULTS_DROPPED);
  sw_prom_int(p, "", NULL, 0, (int64_t)s->results_dropped);
  begin(p, SW_METRIC_DB_UP);
  sw_prom_int(p, "", NULL, 0, s->db_up ? 1 : 0);
  if (s->db_size_bytes >= 0) {
    begin(p, SW_METRIC_DB_SIZE);
    sw_prom_int(p, "", NULL, 0, s->db_size_bytes);
  }
  begin(p, SW_METRIC_DB_WRITE_FAILURES);
  sw_prom_int(p, "", NULL, 0, (int64_t)s->db_write_failures);
  if (s->outbox_pending >= 0) {
    begin(p, SW_METRIC_OUTBOX);
    sw_prom_int(p, "", NULL, 0, s->outbox_pending);
  }
  begin(p, SW_METRIC_PIPE_CLIENTS);
  sw_prom_int(p, "", NULL, 0, (int64_t)s->pipe_clients);
  begin(p, SW_METRIC_START_TIME);
  sw_prom_us(p, "", NULL, 0, s->start_time_us);
}

enum sw_error sw_metrics_render(const struct sw_metrics_snapshot *s, struct sw_buf *out)
{
  struct sw_prom p;
  sw_prom_init(&p, out);
  render_rules(&p, s);
  render_service(&p, s);
  /* A buffer with a limit drops what goes past it: as good as no memory. */
  return p.err ? p.err : out->truncated ? SW_E_NOMEM : SW_E_OK;
}
