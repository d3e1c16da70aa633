/* The drift alarm in the service loop (docs/drift.md): after each result
 * of a rule watched for drift, its server's fingerprint is compared with
 * the accepted one. The first good check accepts it; a difference turns
 * the result into capabilities_changed with the differences in its
 * detail, and is logged once when it starts (or changes again), not at
 * every check; it stays until an administrator accepts it (RULE_ACCEPT,
 * svc_requests_holds.c). A check that failed says nothing about the
 * fingerprint and keeps its own outcome. */
#include "svc_loop_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "nagios_report.h"
#include "store_drift.h"

/* A store write of the drift alarm failed: a rule deleted meanwhile is no
 * failure; anything else is the database's trouble, told once as usual. */
static void store_failed(struct sw_svc_loop *l, enum sw_store_error err)
{
  if (err && err != SW_STORE_NOT_FOUND)
    sw__loop_store_failed_on(l, "write a server's fingerprint", err);
}

void sw__loop_drift_load(struct sw_svc_loop *l)
{
  struct sw_store_fingerprint_list list = {0};
  enum sw_store_error err = sw_store_fingerprint_load(l->store, &list);
  if (err) {
    sw__loop_store_failed_on(l, "read the servers' fingerprints", err);
    return;
  }
  for (size_t i = 0; i < list.count; i++) {
    const struct sw_store_fingerprint *f = &list.items[i];
    struct sw_svc_rule *r = sw_svc_rules_find(&l->rules, f->rule_id);
    /* A text this build cannot read is no accepted fingerprint: the next
     * good check accepts afresh. */
    struct sw_fingerprint *fp = r && !r->drift ? malloc(sizeof *fp) : NULL;
    struct sw_svc_drift *d =
        fp && !sw_fingerprint_parse(f->accepted, strlen(f->accepted), fp)
            ? sw_svc_drift_new(f->accepted)
            : NULL;
    struct sw_fp_diff diff;
    if (d && f->current && !sw_fingerprint_parse(f->current, strlen(f->current), fp) &&
        sw_svc_drift_compare(d, fp, f->current, r->rule.tls_mode, &diff) &&
        sw_svc_drift_set_current(d, f->current, &diff)) {
      list.items[i].current = NULL; /* moved */
      d->since_ms = f->since_ms;
    }
    free(fp);
    if (d)
      r->drift = d;
  }
  sw_store_fingerprint_list_free(&list);
}

void sw__loop_drift_forget(struct sw_svc_loop *l, struct sw_svc_rule *r)
{
  if (!r->drift)
    return;
  sw_svc_drift_free(r->drift);
  r->drift = NULL;
  if (l->store)
    store_failed(l, sw_store_fingerprint_forget(l->store, r->rule.id));
}

/* The first good check of rule `r`: its fingerprint is the accepted one,
 * written with the next batch (svc_loop_unsaved.c). */
static void accept_first(struct sw_svc_loop *l, struct sw_svc_rule *r, const char *text)
{
  struct sw_svc_drift *d = sw_svc_drift_new(text);
  if (!d)
    return; /* out of memory: the next good check tries again */
  d->accepted_at_ms = sw_clock_wall_us() / 1000;
  r->drift = d;
  sw__loop_unsaved(l, r, SW_SVC_UNSAVED_FINGERPRINT);
}

/* A drift is written at once, and only over a written acceptance: one
 * still waiting for its batch is written first. */
static void save_first_now(struct sw_svc_loop *l, struct sw_svc_rule *r)
{
  if (!(r->unsaved & SW_SVC_UNSAVED_FINGERPRINT) || !l->store)
    return;
  enum sw_store_error err = sw_store_fingerprint_accept(
      l->store, r->rule.id, r->drift->accepted, r->drift->accepted_at_ms, "");
  store_failed(l, err);
  if (!err)
    r->unsaved &= (uint8_t)~SW_SVC_UNSAVED_FINGERPRINT;
}

/* The server of `r` differs (diff in *diff, its fingerprint `text`):
 * remembered, stored and logged when it is new. */
static void drifted(struct sw_svc_loop *l, struct sw_svc_rule *r, char *text,
                    const struct sw_fp_diff *diff)
{
  struct sw_svc_drift *d = r->drift;
  if (d->current && strcmp(d->current, text) == 0) {
    free(text);
    return; /* the same drift as at the last check: said already */
  }
  int64_t since_ms = d->current ? d->since_ms : sw_clock_wall_us() / 1000;
  if (!sw_svc_drift_set_current(d, text, diff))
    return; /* out of memory: the next check tries again */
  d->since_ms = since_ms;
  save_first_now(l, r);
  if (l->store)
    store_failed(l, sw_store_fingerprint_drift(l->store, r->rule.id, text, d->since_ms));
  char hostport[300], words[SW_FP_DIFF_TEXT_MAX + 256];
  sw_svc_rule_hostport(&r->rule, hostport, sizeof hostport);
  sw_fp_diff_join(diff, words, sizeof words);
  struct sw_svc_args a = {0};
  LOG_EVENT(l, SW_MSG_RULE_DRIFTED, r->rule.id, r->rule.name,
            sw_svc_arg(&a, "%" PRId64, r->rule.id), hostport,
            diff->critical ? "CRITICAL" : "WARNING", words);
}

/* The server matches its accepted fingerprint again. */
static void back(struct sw_svc_loop *l, struct sw_svc_rule *r)
{
  struct sw_svc_drift *d = r->drift;
  if (!d->current)
    return;
  sw_svc_drift_clear_current(d);
  save_first_now(l, r);
  if (l->store)
    store_failed(l, sw_store_fingerprint_drift(l->store, r->rule.id, NULL, 0));
}

/* The result's verdict becomes capabilities_changed, unless the verdict it
 * had (a certificate about to expire) is worse. */
static void judge(struct sw_check_result *res, const struct sw_fp_diff *diff)
{
  enum sw_nagios_status had = sw_nagios_status(res, -1, -1);
  enum sw_nagios_status drift = diff->critical ? SW_NAGIOS_CRITICAL : SW_NAGIOS_WARNING;
  if (had > drift)
    return;
  res->outcome = SW_OUTCOME_CAPABILITIES_CHANGED;
  res->drift_critical = diff->critical;
  sw_fp_diff_join(diff, res->detail, sizeof res->detail);
}

void sw__loop_drift_result(struct sw_svc_loop *l, struct sw_svc_rule *r,
                           struct sw_check_result *res)
{
  if (!sw_svc_drift_on(&r->rule)) {
    sw__loop_drift_forget(l, r); /* turned off: turned on again, it starts afresh */
    return;
  }
  if (res->outcome != SW_OUTCOME_OK && !sw_outcome_is_certificate_warning(res->outcome))
    return;
  struct sw_fingerprint *fp = malloc(sizeof *fp);
  struct sw_buf text;
  sw_buf_init(&text, 0);
  if (fp)
    sw_fingerprint_build(fp, res);
  if (!fp || sw_fingerprint_format(fp, &text) || !text.data) {
    free(fp);
    sw_buf_free(&text);
    return; /* out of memory: this check is judged without its fingerprint */
  }
  if (!r->drift) {
    accept_first(l, r, text.data);
  } else {
    struct sw_fp_diff *diff = malloc(sizeof *diff);
    if (diff && sw_svc_drift_compare(r->drift, fp, text.data, r->rule.tls_mode, diff)) {
      if (diff->count == 0) {
        back(l, r);
      } else {
        drifted(l, r, sw_buf_take(&text), diff);
        judge(res, diff);
      }
    }
    free(diff);
  }
  free(fp);
  sw_buf_free(&text);
}
