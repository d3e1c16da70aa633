/* When a rule's state is worth a notification (alert_policy.h). */
#include "alert_policy.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sw_macros.h"

static const char *const kind_names[] = {SW_ALERT_KIND_MAP(SW_X_2)};

const char *sw_alert_kind_name(enum sw_alert_kind k)
{
  return SW_TABLE_AT(kind_names, k, "unknown");
}

/* The SW_ALERT_ON_* bits by name, lowest bit first. */
static const char *const on_names[] = {"critical", "warning", "recovered", "flapping"};

/* True if s[0..len) is `word` in any case. */
static bool same_word(const char *s, size_t len, const char *word)
{
  size_t k = 0;
  while (k < len && word[k] && tolower((unsigned char)s[k]) == (unsigned char)word[k])
    k++;
  return k == len && !word[k];
}

/* The bit named s[0..len); 0 if none is. */
static uint8_t on_bit(const char *s, size_t len)
{
  for (size_t i = 0; i < SW_COUNTOF(on_names); i++)
    if (same_word(s, len, on_names[i]))
      return (uint8_t)(1u << i);
  return 0;
}

bool sw_alert_on_parse(const char *text, uint8_t *on, char *why, size_t size)
{
  uint8_t bits = 0;
  if (same_word(text, strlen(text), "none")) {
    *on = 0;
    return true;
  }
  for (const char *s = text;; s++) {
    size_t len = strcspn(s, ",");
    const char *next = s + len;
    while (len && *s == ' ') /* "critical, warning" as typed */
      s++, len--;
    while (len && s[len - 1] == ' ')
      len--;
    uint8_t bit = on_bit(s, len);
    if (!bit || (bits & bit)) {
      snprintf(why, size,
               bit ? "'%.*s' is named twice."
                   : "'%.*s' is not one of critical, warning, recovered, flapping "
                     "(or none).",
               (int)(len > 40 ? 40 : len), s);
      return false;
    }
    bits |= bit;
    s = next;
    if (!*s)
      break;
  }
  *on = bits;
  return true;
}

void sw_alert_on_text(uint8_t on, char *out, size_t size)
{
  size_t used = 0;
  if (size)
    out[0] = '\0';
  for (size_t i = 0; i < SW_COUNTOF(on_names); i++) {
    if (!(on & (1u << i)))
      continue;
    int n = snprintf(out + used, size - used, "%s%s", used ? "," : "", on_names[i]);
    if (n < 0 || (size_t)n >= size - used)
      return;
    used += (size_t)n;
  }
  if (!used)
    snprintf(out, size, "none");
}

void sw_alert_track_init(struct sw_alert_track *t)
{
  *t = (struct sw_alert_track){.told = SW_NAGIOS_OK};
}

/* Does the policy tell this bad state? UNKNOWN goes with CRITICAL. */
static bool wanted(const struct sw_alert_policy *p, enum sw_nagios_status s)
{
  return (p->on &
          (s == SW_NAGIOS_WARNING ? SW_ALERT_ON_WARNING : SW_ALERT_ON_CRITICAL)) != 0;
}

static void tell(struct sw_alert_decision *out, struct sw_alert_track *t,
                 enum sw_alert_kind kind, enum sw_nagios_status state, int64_t now)
{
  out->kind = kind;
  out->state = state;
  t->told = state;
  t->told_at = now;
}

/* The rule is bad and nothing holds it: a problem, a reminder, or a time
 * to come back. */
static void decide_bad(const struct sw_alert_policy *p, const struct sw_alert_view *v,
                       struct sw_alert_track *t, bool left_maintenance,
                       struct sw_alert_decision *out)
{
  int64_t due = t->bad_since + p->after_s;
  if (v->now < due) {
    out->next_at = due;
    return;
  }
  if (t->told != v->state || left_maintenance) {
    if (wanted(p, v->state))
      tell(out, t, SW_ALERT_PROBLEM, v->state, v->now);
  } else if (p->renotify_s && v->now >= t->told_at + p->renotify_s) {
    tell(out, t, SW_ALERT_REMINDER, v->state, v->now);
  }
  if (p->renotify_s && t->told == v->state)
    out->next_at = t->told_at + p->renotify_s;
}

void sw_alert_decide(const struct sw_alert_policy *p, const struct sw_alert_view *v,
                     struct sw_alert_track *t, struct sw_alert_decision *out)
{
  *out = (struct sw_alert_decision){
      .kind = SW_ALERT_NONE, .state = v->state, .next_at = SW_ALERT_NONE_AT};
  bool bad = v->state != SW_NAGIOS_OK;
  if (!bad)
    t->bad_since = 0;
  else if (t->bad_since == 0)
    t->bad_since = v->since > 0 ? v->since : v->now;

  if (v->maintenance) {
    t->in_maintenance = true; /* remembered until a decision can tell */
    return;
  }
  if (v->parent_down)
    return;
  if (v->flapping) {
    if (!t->told_flapping && (p->on & SW_ALERT_ON_FLAPPING))
      out->kind = SW_ALERT_FLAPPING;
    t->told_flapping = true;
    return;
  }
  t->told_flapping = false;
  bool left_maintenance = t->in_maintenance;
  t->in_maintenance = false;

  if (!bad) {
    if (t->told != SW_NAGIOS_OK) {
      if (p->on & SW_ALERT_ON_RECOVERED)
        tell(out, t, SW_ALERT_RECOVERY, SW_NAGIOS_OK, v->now);
      t->told = SW_NAGIOS_OK;
    }
    return;
  }
  if (v->acknowledged)
    return;
  decide_bad(p, v, t, left_maintenance, out);
}
