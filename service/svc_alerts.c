/* What the service keeps to decide alerts (svc_alerts.h). */
#include "svc_alerts.h"

#include <windows.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

void sw_svc_rule_alert_init(struct sw_svc_rule_alert *a)
{
  memset(a, 0, sizeof *a);
  a->policy.on = SW_STORE_ALERT_DEFAULT_ON;
  sw_alert_track_init(&a->track);
  a->next_at = SW_ALERT_NONE_AT;
  a->outcome = SW_OUTCOME_OK;
  a->response_ms = -1;
}

void sw_svc_rule_alert_free(struct sw_svc_rule_alert *a)
{
  free(a->message);
  a->message = NULL;
}

void sw_svc_rule_alert_note_result(struct sw_svc_rule_alert *a,
                                   const struct sw_check_result *r)
{
  a->outcome = r->outcome;
  a->reply_code = r->reply_code;
  a->response_ms = r->outcome == SW_OUTCOME_OK || r->reply_code ? r->total_us / 1000 : -1;
  char text[SW_SVC_ALERT_MESSAGE_MAX];
  sw_check_result_describe(r, text, sizeof text);
  size_t len = strlen(text) + 1;
  if (a->message && !strcmp(a->message, text))
    return;
  char *copy = realloc(a->message, len);
  if (copy) {
    memcpy(copy, text, len);
    a->message = copy;
  }
}

void sw_svc_alerts_init(struct sw_svc_alerts *a)
{
  memset(a, 0, sizeof *a);
}

void sw_svc_alerts_free(struct sw_svc_alerts *a)
{
  sw_store_maint_list_free(&a->windows);
  free(a->held);
  sw_svc_alerts_init(a);
}

static int compare_ids(const void *x, const void *y)
{
  int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
  return (a > b) - (a < b);
}

bool sw_svc_alerts_evaluate_windows(struct sw_svc_alerts *a, int64_t now_s)
{
  /* One zone read for every window of this sweep. */
  DYNAMIC_TIME_ZONE_INFORMATION zone;
  void *zp = GetDynamicTimeZoneInformation(&zone) != TIME_ZONE_ID_INVALID ? &zone : NULL;
  size_t n = 0;
  bool all = false;
  for (size_t i = 0; i < a->windows.count; i++) {
    const struct sw_store_maint *w = &a->windows.items[i];
    if (!sw_maint_active(&w->window, now_s, sw_clock_zone_wall_s, zp))
      continue;
    if (w->rule_id == 0) {
      all = true;
      continue;
    }
    if (n == a->held_cap) {
      size_t cap = a->held_cap ? 2 * a->held_cap : 16;
      int64_t *grown = realloc(a->held, cap * sizeof *grown);
      if (!grown)
        return false;
      a->held = grown;
      a->held_cap = cap;
    }
    a->held[n++] = w->rule_id;
  }
  qsort(a->held, n, sizeof *a->held, compare_ids);
  a->held_count = n;
  a->hold_all = all;
  return true;
}

bool sw_svc_alerts_holds(const struct sw_svc_alerts *a, int64_t rule_id)
{
  return a->hold_all || (a->held_count && bsearch(&rule_id, a->held, a->held_count,
                                                  sizeof *a->held, compare_ids));
}

void sw_svc_notification_uid(int64_t rule_id, int64_t now_ms, uint32_t seq,
                             int64_t notifier_id, char *out, size_t size)
{
  snprintf(out, size, "%" PRId64 "-%" PRId64 "-%" PRIu32 "-%" PRId64, rule_id, now_ms,
           seq, notifier_id);
}
