/* The tables of the alert commands (alert_view.h): notifiers, maintenance
 * windows, notifications and a rule's alert settings, each with its
 * columns for people and for scripts and how one row is written. The
 * reply bodies are read in alert_replies.c. */
#include "alert_tables.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sw_macros.h"

#define INIT_FOR(t, v, text, machine)                                                    \
  (sw__manage_for_people(v) ? sw_table_init(t, text, SW_COUNTOF(text))                   \
                            : sw_table_init(t, machine, SW_COUNTOF(machine)))

/* ---- notifiers ------------------------------------------------------- */

static const struct sw_table_column notifier_brief[] = {
    {"name", "Name", false, false},     {"kind", "Kind", false, false},
    {"target", "Target", false, false}, {"default", "Default", false, false},
    {"secret", "Secret", false, false},
};

static const struct sw_table_column notifier_full[] = {
    {"name", "Name", false, false},
    {"kind", "Kind", false, false},
    {"revision", "Revision", true, false},
    {"default", "Default", false, true},
    {"to", "To", false, false},
    {"relays", "Relays", false, false},
    {"from", "From", false, false},
    {"tls_mode", "TLS", false, false},
    {"auth_user", "AUTH user", false, false},
    {"password_set", "Password", false, true},
    {"url_shown", "URL", false, false},
    {"format", "Format", false, false},
    {"command_line", "Command line", false, false},
    {"timeout_s", "Timeout (s)", true, false},
    {"service_name", "Service", false, false},
};

void sw__manage_notifiers_init(struct sw_table *t, bool brief)
{
  if (brief)
    sw_table_init(t, notifier_brief, SW_COUNTOF(notifier_brief));
  else
    sw_table_init(t, notifier_full, SW_COUNTOF(notifier_full));
}

static const char *kind_name(enum sw_notifier_kind k)
{
  return k < SW_NOTIFIER_KIND_COUNT ? sw_notifier_kind_name(k) : "unknown";
}

/* "a@example.com, b@example.com" into out[size]. */
static void to_text(const struct sw_pipe_notifier *n, char *out, size_t size)
{
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < n->to_count && used < size; i++) {
    int w = snprintf(out + used, size - used, "%s%s", i ? ", " : "", n->to[i]);
    used += w > 0 ? (size_t)w : 0;
  }
}

void sw_manage_notifier_target(const struct sw_pipe_notifier *n, char *out, size_t size)
{
  char to[600];
  switch (n->kind) {
  case SW_NOTIFIER_EMAIL:
    to_text(n, to, sizeof to);
    snprintf(out, size, "%s via %s", to, n->relays ? n->relays : "");
    return;
  case SW_NOTIFIER_WEBHOOK:
    snprintf(out, size, "%s (%s)", n->url_shown ? n->url_shown : "",
             sw_webhook_format_name(n->format));
    return;
  case SW_NOTIFIER_PROGRAM:
    snprintf(out, size, "%s", n->command_line ? n->command_line : "");
    return;
  case SW_NOTIFIER_RESTART_SERVICE:
    snprintf(out, size, "restart %s", n->service_name ? n->service_name : "");
    return;
  case SW_NOTIFIER_KIND_COUNT:
    break;
  }
  snprintf(out, size, "(a kind this program does not know)");
}

static bool is_default(const struct sw_pipe_notifier *n,
                       const struct sw_pipe_rule_alerts *defaults)
{
  for (size_t i = 0; defaults && i < defaults->notify_count; i++)
    if (n->name && !strcmp(defaults->notify[i], n->name))
      return true;
  return false;
}

/* What the service keeps secret, for people: only that it is set. */
static const char *secret_text(const struct sw_pipe_notifier *n)
{
  if (n->kind == SW_NOTIFIER_WEBHOOK)
    return "URL set";
  if (n->kind == SW_NOTIFIER_EMAIL && n->password_set)
    return "password set";
  return NULL;
}

void sw__manage_notifiers_add(struct sw_table *t, const struct sw_manage_view *v,
                              bool brief, const struct sw_pipe_notifier *n,
                              const struct sw_pipe_rule_alerts *defaults)
{
  bool people = sw__manage_for_people(v), def = is_default(n, defaults);
  sw_table_cell(t, n->name);
  sw_table_cell(t, kind_name(n->kind));
  if (brief) {
    char target[1200];
    sw_manage_notifier_target(n, target, sizeof target);
    sw_table_cell(t, target);
    sw_table_cell(t, def ? "yes" : NULL);
    sw_table_cell(t, secret_text(n));
    return;
  }
  bool email = n->kind == SW_NOTIFIER_EMAIL, hook = n->kind == SW_NOTIFIER_WEBHOOK;
  bool program = n->kind == SW_NOTIFIER_PROGRAM;
  char to[600];
  to_text(n, to, sizeof to);
  sw_table_cellf(t, "%" PRId64, n->revision);
  if (defaults)
    sw__manage_cell_bool(t, v, def);
  else
    sw_table_cell(t, NULL);
  sw_table_cell(t, email ? to : NULL);
  sw_table_cell(t, email ? n->relays : NULL);
  sw_table_cell(t, email ? (n->from && *n->from ? n->from
                            : people            ? "(smtpwatch@ the service's machine)"
                                                : "")
                         : NULL);
  sw_table_cell(t, email ? sw_tls_mode_name(n->tls_mode) : NULL);
  sw_table_cell(t, email ? n->auth_user : NULL);
  if (email)
    sw_table_cell(t, people ? (n->password_set ? "set" : "not set")
                            : (n->password_set ? "true" : "false"));
  else
    sw_table_cell(t, NULL);
  sw_table_cell(t, hook ? n->url_shown : NULL);
  sw_table_cell(t, hook ? sw_webhook_format_name(n->format) : NULL);
  sw_table_cell(t, program ? n->command_line : NULL);
  if (program)
    sw_table_cellf(t, "%" PRIu32, n->timeout_s);
  else
    sw_table_cell(t, NULL);
  sw_table_cell(t, n->kind == SW_NOTIFIER_RESTART_SERVICE ? n->service_name : NULL);
}

/* ---- maintenance ----------------------------------------------------- */

static const struct sw_table_column maint_text[] = {
    {"id", "ID", true, false},
    {"scope", "Scope", false, false},
    {"when", "When", false, false},
    {"active", "Active now", false, false},
    {"next_change", "Next change", false, false},
    {"comment", "Comment", false, false},
};

static const struct sw_table_column maint_machine[] = {
    {"id", "ID", true, false},
    {"rule_id", "Rule", true, false},
    {"rule_name", "Rule name", false, false},
    {"all", "All rules", false, true},
    {"from", "From", false, false},
    {"until", "Until", false, false},
    {"weekly", "Weekly", false, false},
    {"active", "Active now", false, true},
    {"next_change", "Next change", false, false},
    {"comment", "Comment", false, false},
};

void sw__manage_maintenance_init(struct sw_table *t, const struct sw_manage_view *v)
{
  INIT_FOR(t, v, maint_text, maint_machine);
}

void sw__manage_maintenance_add(struct sw_table *t, const struct sw_manage_view *v,
                                const struct sw_pipe_maintenance *m)
{
  bool weekly = m->weekly && *m->weekly;
  sw_table_cellf(t, "%" PRId64, m->id);
  if (!sw__manage_for_people(v)) {
    if (m->all)
      sw_table_cell(t, NULL);
    else
      sw_table_cellf(t, "%" PRId64, m->rule_id);
    sw_table_cell(t, m->rule_name);
    sw__manage_cell_bool(t, v, m->all);
    sw__manage_cell_time(t, v, weekly ? 0 : m->from_ms);
    sw__manage_cell_time(t, v, weekly ? 0 : m->until_ms);
    sw_table_cell(t, weekly ? m->weekly : NULL);
  } else {
    if (m->all)
      sw_table_cell(t, "all rules");
    else if (m->rule_name && *m->rule_name)
      sw_table_cellf(t, "rule %" PRId64 " (%s)", m->rule_id, m->rule_name);
    else
      sw_table_cellf(t, "rule %" PRId64, m->rule_id);
    char from[64], until[64];
    sw_manage_time(v, m->from_ms, from, sizeof from);
    sw_manage_time(v, m->until_ms, until, sizeof until);
    if (weekly)
      sw_table_cellf(t, "weekly %s", m->weekly);
    else
      sw_table_cellf(t, "%s to %s", from, until);
  }
  sw__manage_cell_bool(t, v, m->active);
  sw__manage_cell_time(t, v, m->next_change_ms);
  sw_table_cell(t, m->comment);
}

/* ---- notifications --------------------------------------------------- */

static const struct sw_table_column note_text[] = {
    {"key", "Key", true, false},
    {"created", "Created", false, false},
    {"rule", "Rule", false, false},
    {"notifier", "Notifier", false, false},
    {"kind", "Kind", false, false},
    {"state", "State", false, false},
    {"status", "Status", false, false},
    {"attempts", "Attempts", true, false},
    {"last_error", "Last error", false, false},
};

static const struct sw_table_column note_machine[] = {
    {"key", "Key", true, false},
    {"id", "ID", false, false},
    {"created", "Created", false, false},
    {"rule_id", "Rule", true, false},
    {"rule_name", "Rule name", false, false},
    {"notifier", "Notifier", false, false},
    {"kind", "Kind", false, false},
    {"state", "State", false, false},
    {"status", "Status", false, false},
    {"attempts", "Attempts", true, false},
    {"next_attempt", "Next attempt", false, false},
    {"last_attempt", "Last attempt", false, false},
    {"last_error", "Last error", false, false},
};

void sw__manage_notifications_init(struct sw_table *t, const struct sw_manage_view *v)
{
  INIT_FOR(t, v, note_text, note_machine);
}

void sw__manage_notifications_add(struct sw_table *t, const struct sw_manage_view *v,
                                  const struct sw_pipe_notification *n)
{
  bool people = sw__manage_for_people(v);
  sw_table_cellf(t, "%" PRId64, n->key);
  if (!people)
    sw_table_cell(t, n->id);
  sw__manage_cell_time(t, v, n->created_ms);
  if (people) {
    if (!n->rule_id)
      sw_table_cell(t, "(test)");
    else if (n->rule_name && *n->rule_name)
      sw_table_cellf(t, "%s (%" PRId64 ")", n->rule_name, n->rule_id);
    else
      sw_table_cellf(t, "%" PRId64, n->rule_id);
  } else {
    if (n->rule_id)
      sw_table_cellf(t, "%" PRId64, n->rule_id);
    else
      sw_table_cell(t, NULL);
    sw_table_cell(t, n->rule_name);
  }
  sw_table_cell(t, n->notifier);
  sw_table_cell(t, n->kind != SW_ALERT_NONE ? sw_alert_kind_name(n->kind) : "unknown");
  sw_table_cell(t, sw_nagios_status_name(n->state));
  sw_table_cell(t, sw_pipe_delivery_name(n->status));
  sw_table_cellf(t, "%" PRIu32, n->attempts);
  if (!people) {
    sw__manage_cell_time(t, v, n->next_attempt_ms);
    sw__manage_cell_time(t, v, n->last_attempt_ms);
  }
  sw_table_cell(t, n->last_error);
}

/* ---- a rule's alert settings ----------------------------------------- */

static const struct sw_table_column alert_columns[] = {
    {"notify", "Notifiers", false, false},
    {"notify_on", "Notify on", false, false},
    {"notify_after_s", "Notify after (s)", true, false},
    {"renotify_s", "Renotify every (s)", true, false},
    {"depends_on", "Depends on", true, false},
    {"depends_on_name", "Depends on (name)", false, false},
};

size_t sw__manage_alert_columns(const struct sw_table_column **columns)
{
  *columns = alert_columns;
  return SW_COUNTOF(alert_columns);
}

void sw__manage_alert_cells(struct sw_table *t, const struct sw_manage_view *v,
                            const struct sw_pipe_rule_alerts *a)
{
  bool people = sw__manage_for_people(v);
  char names[1200] = "", on[SW_ALERT_ON_TEXT_MAX];
  size_t used = 0;
  for (size_t i = 0; i < a->notify_count && used < sizeof names; i++) {
    int w =
        snprintf(names + used, sizeof names - used, "%s%s", i ? "," : "", a->notify[i]);
    used += w > 0 ? (size_t)w : 0;
  }
  sw_table_cell(t, a->notify_count || !people ? names : "(the default notifiers)");
  sw_alert_on_text(a->on, on, sizeof on);
  sw_table_cell(t, on);
  sw_table_cellf(t, "%" PRIu32, a->after_s);
  sw_table_cellf(t, "%" PRIu32, a->renotify_s);
  if (a->depends_on)
    sw_table_cellf(t, "%" PRId64, a->depends_on);
  else
    sw_table_cell(t, NULL);
  sw_table_cell(t, a->depends_on_name);
}

void sw_manage_notifications_next(uint32_t limit, int64_t before, char *out, size_t size)
{
  snprintf(out, size, "smtpwatch notifications --limit %" PRIu32 " --before %" PRId64,
           limit, before);
}
