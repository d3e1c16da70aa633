/* The records the alert commands send (alert_requests.h). */
#include "alert_requests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "rule.h"

enum sw_error sw_manage_notifier_input(const struct sw_notifier_args *na,
                                       const char *password,
                                       struct sw_pipe_notifier_input *out)
{
  sw_pipe_notifier_input_init(out);
  const struct sw_notifier *n = &na->n;
  struct sw_pipe_notifier *pn = &out->n;
  pn->kind = n->kind;
  pn->tls_mode = n->tls_mode;
  pn->format = n->format;
  pn->timeout_s = n->timeout_s;
  enum sw_error err = SW_E_OK;
  if (n->to_count) {
    pn->to = calloc(n->to_count, sizeof *pn->to);
    if (!pn->to)
      return SW_E_NOMEM;
    pn->to_count = n->to_count;
    for (size_t i = 0; !err && i < n->to_count; i++)
      err = sw_rule_set_string(&pn->to[i], n->to[i]);
  }
  const struct {
    char **slot;
    const char *value;
  } texts[] = {
      {&pn->name, n->name},
      {&pn->relays, n->kind == SW_NOTIFIER_EMAIL ? na->relays_text : NULL},
      {&pn->from, *n->from ? n->from : NULL},
      {&pn->auth_user, *n->auth_user ? n->auth_user : NULL},
      {&pn->command_line, *n->command_line ? n->command_line : NULL},
      {&pn->service_name, *n->service_name ? n->service_name : NULL},
      {&out->url, n->kind == SW_NOTIFIER_WEBHOOK ? n->url : NULL},
      {&out->password, password},
  };
  for (size_t i = 0; !err && i < SW_COUNTOF(texts); i++)
    if (texts[i].value)
      err = sw_rule_set_string(texts[i].slot, texts[i].value);
  return err;
}

/* A --from/--until time as Unix ms UTC. */
static int64_t time_ms(const struct sw_time_arg *t, sw_local_time_fn local, void *ctx)
{
  int64_t s = t->utc ? t->civil_s : sw_wall_to_utc(t->civil_s, local, ctx);
  return s * 1000;
}

enum sw_error sw_manage_maintenance_record(const struct sw_maint_args *m,
                                           const char *comment, sw_local_time_fn local,
                                           void *ctx, struct sw_pipe_maintenance *out)
{
  sw_pipe_maintenance_init(out);
  out->rule_id = m->all ? 0 : m->rule_id;
  out->all = m->all;
  enum sw_error err = SW_E_OK;
  if (m->weekly_given) {
    char text[64];
    sw_maint_weekly_text(&m->weekly, text, sizeof text);
    err = sw_rule_set_string(&out->weekly, text);
  } else {
    out->from_ms = time_ms(&m->from, local, ctx);
    out->until_ms = time_ms(&m->until, local, ctx);
  }
  if (!err && comment)
    err = sw_rule_set_string(&out->comment, comment);
  return err;
}

enum sw_error sw_manage_alerts_merge(const struct sw_rule_alert_args *given,
                                     struct sw_pipe_rule_alerts *stored)
{
  if (given->given & SW_RULE_ALERT_NOTIFY) {
    char **names = NULL;
    if (given->notify_count) {
      names = calloc(given->notify_count, sizeof *names);
      if (!names)
        return SW_E_NOMEM;
    }
    for (size_t i = 0; i < given->notify_count; i++) {
      if (sw_rule_set_string(&names[i], given->notify[i])) {
        for (size_t j = 0; j < i; j++)
          free(names[j]);
        free(names);
        return SW_E_NOMEM;
      }
    }
    for (size_t i = 0; i < stored->notify_count; i++)
      free(stored->notify[i]);
    free(stored->notify);
    stored->notify = names;
    stored->notify_count = given->notify_count;
  }
  if (given->given & SW_RULE_ALERT_ON)
    stored->on = given->policy.on;
  if (given->given & SW_RULE_ALERT_AFTER)
    stored->after_s = given->policy.after_s;
  if (given->given & SW_RULE_ALERT_RENOTIFY)
    stored->renotify_s = given->policy.renotify_s;
  if (given->given & SW_RULE_ALERT_DEPENDS) {
    stored->depends_on = given->depends_on;
    free(stored->depends_on_name); /* the service names the new parent */
    stored->depends_on_name = NULL;
  }
  return SW_E_OK;
}

char *sw_manage_password_line(const char *data, size_t len, char *why, size_t size)
{
  if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
    data += 3;
    len -= 3;
  }
  size_t line = 0;
  while (line < len && data[line] != '\r' && data[line] != '\n')
    line++;
  if (line == 0) {
    snprintf(why, size,
             "The password file is empty (its first line is): write the password on "
             "its first line.");
    return NULL;
  }
  if (memchr(data, '\0', line)) {
    snprintf(why, size,
             "The password file's first line holds a NUL byte: save it as plain text "
             "(UTF-8).");
    return NULL;
  }
  char *copy = malloc(line + 1);
  if (!copy) {
    snprintf(why, size, "Out of memory.");
    return NULL;
  }
  memcpy(copy, data, line);
  copy[line] = '\0';
  return copy;
}
