/* The rule dialog's alert settings (alert_form.h). */
#include "alert_form.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_args.h"
#include "alert_webhook.h"
#include "arg_walk.h"
#include "sw_macros.h"

static char *dup_text(const char *s)
{
  size_t n = strlen(s ? s : "") + 1;
  char *d = malloc(n);
  if (d)
    memcpy(d, s ? s : "", n);
  return d;
}

void sw_alert_form_init(struct sw_alert_form *f)
{
  memset(f, 0, sizeof *f);
  f->on = SW_ALERT_ON_ALL;
  snprintf(f->after, sizeof f->after, "0");
  snprintf(f->renotify, sizeof f->renotify, "0");
}

static void free_choices(struct sw_alert_choice *c, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free(c[i].name);
    free(c[i].label);
  }
  free(c);
}

static void free_parents(struct sw_alert_parent *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(p[i].name);
  free(p);
}

void sw_alert_form_free(struct sw_alert_form *f)
{
  free_choices(f->choices, f->choice_count);
  free_parents(f->parents, f->parent_count);
  sw_alert_form_init(f);
}

static struct sw_alert_choice *find_choice(const struct sw_alert_form *f,
                                           const char *name)
{
  for (size_t i = 0; i < f->choice_count; i++)
    if (strcmp(f->choices[i].name, name) == 0)
      return &f->choices[i];
  return NULL;
}

/* Appends a checked choice the service's list does not have. */
static enum sw_error add_missing(struct sw_alert_choice **list, size_t *count,
                                 const char *name)
{
  struct sw_alert_choice *grown = realloc(*list, (*count + 1) * sizeof **list);
  if (!grown)
    return SW_E_NOMEM;
  *list = grown;
  char label[320];
  snprintf(label, sizeof label, "%s (not found)", name);
  struct sw_alert_choice *c = &grown[*count];
  c->name = dup_text(name);
  c->label = dup_text(label);
  c->checked = true;
  if (!c->name || !c->label) {
    free(c->name);
    free(c->label);
    return SW_E_NOMEM;
  }
  (*count)++;
  return SW_E_OK;
}

enum sw_error sw_alert_form_load(struct sw_alert_form *f,
                                 const struct sw_pipe_rule_alerts *a)
{
  f->on = a->on;
  snprintf(f->after, sizeof f->after, "%" PRIu32, a->after_s);
  snprintf(f->renotify, sizeof f->renotify, "%" PRIu32, a->renotify_s);
  f->depends_on = a->depends_on;
  snprintf(f->depends_name, sizeof f->depends_name, "%s",
           a->depends_on_name ? a->depends_on_name : "");
  for (size_t i = 0; i < f->choice_count; i++)
    f->choices[i].checked = false;
  for (size_t i = 0; i < a->notify_count; i++) {
    struct sw_alert_choice *c = find_choice(f, a->notify[i]);
    if (c)
      c->checked = true;
    else if (add_missing(&f->choices, &f->choice_count, a->notify[i]))
      return SW_E_NOMEM;
  }
  return SW_E_OK;
}

void sw_alert_notifier_kind(const struct sw_pipe_notifier *n, char *out, size_t size)
{
  if (size == 0)
    return;
  if (n->kind == SW_NOTIFIER_WEBHOOK)
    snprintf(out, size, "webhook (%s)", sw_webhook_format_name(n->format));
  else if (n->kind == SW_NOTIFIER_RESTART_SERVICE)
    snprintf(out, size, "restart service");
  else if (n->kind < SW_NOTIFIER_KIND_COUNT)
    snprintf(out, size, "%s", sw_notifier_kind_name(n->kind));
  else
    snprintf(out, size, "a kind this editor does not know");
}

void sw_alert_notifier_to_text(const struct sw_pipe_notifier *n, char *out, size_t size)
{
  if (size == 0)
    return;
  out[0] = '\0';
  size_t len = 0;
  for (size_t i = 0; i < n->to_count && len < size; i++)
    len += (size_t)snprintf(out + len, size - len, "%s%s", i ? ", " : "", n->to[i]);
}

void sw_alert_notifier_target(const struct sw_pipe_notifier *n, char *out, size_t size)
{
  if (size == 0)
    return;
  out[0] = '\0';
  const char *one = "";
  switch (n->kind) {
  case SW_NOTIFIER_EMAIL: {
    sw_alert_notifier_to_text(n, out, size);
    size_t len = strlen(out);
    if (n->relays && n->relays[0] && len + 1 < size)
      snprintf(out + len, size - len, " via %s", n->relays);
    return;
  }
  case SW_NOTIFIER_WEBHOOK:
    one = n->url_shown;
    break;
  case SW_NOTIFIER_PROGRAM:
    one = n->command_line;
    break;
  case SW_NOTIFIER_RESTART_SERVICE:
    one = n->service_name;
    break;
  case SW_NOTIFIER_KIND_COUNT:
    break;
  }
  snprintf(out, size, "%s", one ? one : "");
}

enum sw_error sw_alert_form_set_notifiers(struct sw_alert_form *f,
                                          const struct sw_pipe_notifier *list,
                                          size_t count)
{
  struct sw_alert_choice *fresh = calloc(count ? count : 1, sizeof *fresh);
  if (!fresh)
    return SW_E_NOMEM;
  size_t made = 0;
  enum sw_error err = SW_E_OK;
  for (; made < count; made++) {
    char kind[64], target[256], label[512];
    sw_alert_notifier_kind(&list[made], kind, sizeof kind);
    sw_alert_notifier_target(&list[made], target, sizeof target);
    snprintf(label, sizeof label, "%s (%s: %s)", list[made].name ? list[made].name : "",
             kind, target);
    const struct sw_alert_choice *had =
        find_choice(f, list[made].name ? list[made].name : "");
    fresh[made].name = dup_text(list[made].name);
    fresh[made].label = dup_text(label);
    fresh[made].checked = had && had->checked;
    if (!fresh[made].name || !fresh[made].label) {
      made++;
      err = SW_E_NOMEM;
      break;
    }
  }
  /* Checked names the service no longer lists stay, marked. */
  for (size_t i = 0; !err && i < f->choice_count; i++) {
    bool listed = false;
    for (size_t j = 0; j < count && !listed; j++)
      listed = strcmp(fresh[j].name, f->choices[i].name) == 0;
    if (!listed && f->choices[i].checked)
      err = add_missing(&fresh, &made, f->choices[i].name);
  }
  if (err) {
    free_choices(fresh, made);
    return err;
  }
  free_choices(f->choices, f->choice_count);
  f->choices = fresh;
  f->choice_count = made;
  return SW_E_OK;
}

static int parent_cmp(const void *a, const void *b)
{
  const struct sw_alert_parent *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  return c ? c : (x->rule_id > y->rule_id) - (x->rule_id < y->rule_id);
}

enum sw_error sw_alert_form_set_rules(struct sw_alert_form *f, const int64_t *ids,
                                      const char *const *names, size_t count,
                                      int64_t self)
{
  struct sw_alert_parent *fresh = calloc(count ? count : 1, sizeof *fresh);
  if (!fresh)
    return SW_E_NOMEM;
  size_t made = 0;
  for (size_t i = 0; i < count; i++) {
    if (ids[i] == self)
      continue;
    fresh[made].rule_id = ids[i];
    fresh[made].name = dup_text(names[i]);
    if (!fresh[made++].name) {
      free_parents(fresh, made);
      return SW_E_NOMEM;
    }
  }
  qsort(fresh, made, sizeof *fresh, parent_cmp);
  free_parents(f->parents, f->parent_count);
  f->parents = fresh;
  f->parent_count = made;
  return SW_E_OK;
}

size_t sw_alert_form_parent_index(const struct sw_alert_form *f)
{
  for (size_t i = 0; f->depends_on && i < f->parent_count; i++)
    if (f->parents[i].rule_id == f->depends_on)
      return i + 1;
  return 0;
}

static void problem(struct sw_alert_problems *p, enum sw_alert_field field,
                    const char *text)
{
  if (!p->text[field][0])
    p->count++;
  snprintf(p->text[field], sizeof p->text[field], "%s", text);
}

/* A number of seconds from 0 to SW_ALERT_DELAY_MAX_S, or a sentence. */
static void read_seconds(const char *text, const char *what, uint32_t *out,
                         enum sw_alert_field field, struct sw_alert_problems *p)
{
  char trimmed[sizeof((struct sw_alert_form *)0)->after];
  size_t start = 0, len = strlen(text);
  while (text[start] == ' ')
    start++;
  while (len > start && text[len - 1] == ' ')
    len--;
  snprintf(trimmed, sizeof trimmed, "%.*s", (int)(len - start), text + start);
  uint64_t v;
  if (trimmed[0] && sw_arg_number(trimmed, &v) && v <= SW_ALERT_DELAY_MAX_S) {
    *out = (uint32_t)v;
    return;
  }
  char sentence[320];
  snprintf(sentence, sizeof sentence,
           "%s must be a whole number of seconds from 0 to %u (7 days).", what,
           (unsigned)SW_ALERT_DELAY_MAX_S);
  problem(p, field, sentence);
}

enum sw_error sw_alert_form_to_alerts(const struct sw_alert_form *f, int64_t rule_id,
                                      struct sw_pipe_rule_alerts *out,
                                      struct sw_alert_problems *p)
{
  memset(p, 0, sizeof *p);
  sw_pipe_rule_alerts_init(out);
  out->rule_id = rule_id;
  out->on = f->on;
  read_seconds(f->after, "The wait before notifying", &out->after_s, SW_ALERT_FIELD_AFTER,
               p);
  read_seconds(f->renotify, "The reminder interval", &out->renotify_s,
               SW_ALERT_FIELD_RENOTIFY, p);
  if (rule_id && f->depends_on == rule_id)
    problem(p, SW_ALERT_FIELD_DEPENDS,
            "A rule cannot depend on itself: choose another rule, or none.");
  out->depends_on = f->depends_on;
  size_t checked = 0;
  for (size_t i = 0; i < f->choice_count; i++)
    checked += f->choices[i].checked;
  if (checked > SW_ALERT_NOTIFY_MAX) {
    char sentence[200];
    snprintf(sentence, sizeof sentence,
             "A rule can send to at most %d notifiers; %zu are checked.",
             SW_ALERT_NOTIFY_MAX, checked);
    problem(p, SW_ALERT_FIELD_NOTIFY, sentence);
  }
  if (checked == 0)
    return SW_E_OK;
  out->notify = calloc(checked, sizeof *out->notify);
  if (!out->notify)
    return SW_E_NOMEM;
  for (size_t i = 0; i < f->choice_count; i++)
    if (f->choices[i].checked)
      out->notify[out->notify_count++] = f->choices[i].name;
  return SW_E_OK;
}

void sw_alert_form_service_problem(const char *code, const char *sentence,
                                   struct sw_alert_problems *p)
{
  const char *text =
      sentence && sentence[0] ? sentence : "The service refused the alert settings.";
  bool loop = code && strcmp(code, "dependency_cycle") == 0;
  problem(p, loop ? SW_ALERT_FIELD_DEPENDS : SW_ALERT_FIELD_NOTIFY, text);
}
