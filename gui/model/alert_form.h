/* The rule dialog's alert settings (protocol version 2): which notifiers
 * the rule sends to (a checked list of the service's notifiers; none
 * checked: the default notifiers), on which transitions, after how long,
 * how often again, and the rule it depends on (a choice of the other
 * rules, or none). What the controls show is made from RULE_ALERTS_OK,
 * NOTIFIER_LIST_OK and the rule list; what the user set is turned into
 * RULE_ALERTS_SET here, with a sentence beside the field for each
 * mistake, and the service's refusals (a dependency loop, a notifier
 * deleted meanwhile) are put beside their field too.
 *
 * Portable C11, UTF-8, unit-tested without a window. Not thread-safe: the
 * UI thread owns it. */
#ifndef SW_ALERT_FORM_H
#define SW_ALERT_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipe_alert_records.h"
#include "pipe_notifier.h"
#include "sw_error.h"

/* The fields, top to bottom; each has its sentence when it is wrong. */
enum sw_alert_field {
  SW_ALERT_FIELD_NOTIFY,   /* the notifiers */
  SW_ALERT_FIELD_ON,       /* the transitions */
  SW_ALERT_FIELD_AFTER,    /* notify after N seconds */
  SW_ALERT_FIELD_RENOTIFY, /* again every N seconds; 0: never */
  SW_ALERT_FIELD_DEPENDS,  /* the rule it depends on */
  SW_ALERT_FIELD_COUNT
};

struct sw_alert_problems {
  char text[SW_ALERT_FIELD_COUNT][320]; /* "" where the field is fine */
  size_t count;                         /* fields with a sentence */
};

/* One notifier the rule may send to. */
struct sw_alert_choice {
  char *name;  /* owned */
  char *label; /* owned: "ops-mail (email: ops@example.com)" */
  bool checked;
};

/* One rule it may depend on (never the rule itself). */
struct sw_alert_parent {
  int64_t rule_id;
  char *name; /* owned */
};

struct sw_alert_form {
  struct sw_alert_choice *choices; /* in the service's order */
  size_t choice_count;
  struct sw_alert_parent *parents; /* by name */
  size_t parent_count;
  uint8_t on;     /* SW_ALERT_ON_* */
  char after[24]; /* the texts of the two numbers */
  char renotify[24];
  int64_t depends_on;     /* 0: none */
  char depends_name[256]; /* the parent's name as the service said it */
};

/* A new rule's settings: every transition, at once, no reminders, no
 * parent, no notifier named (the defaults). */
void sw_alert_form_init(struct sw_alert_form *f);
void sw_alert_form_free(struct sw_alert_form *f);

/* The stored settings (RULE_ALERTS_OK): the transitions, the numbers, the
 * parent, and the named notifiers checked. A name the list does not have
 * (yet, or any more) is added, checked, labelled "(not found)", so that
 * nothing is dropped unseen. SW_E_NOMEM if memory ran out. */
enum sw_error sw_alert_form_load(struct sw_alert_form *f,
                                 const struct sw_pipe_rule_alerts *a);

/* The service's notifiers (NOTIFIER_LIST_OK), count of them: the choices,
 * with the checks the form had kept for names still there, and the names
 * checked but not listed kept as sw_alert_form_load keeps them. */
enum sw_error sw_alert_form_set_notifiers(struct sw_alert_form *f,
                                          const struct sw_pipe_notifier *list,
                                          size_t count);

/* The rules it may depend on: every rule of `ids`/`names` (count of them)
 * but `self` (0 for a rule not saved yet), sorted by name. */
enum sw_error sw_alert_form_set_rules(struct sw_alert_form *f, const int64_t *ids,
                                      const char *const *names, size_t count,
                                      int64_t self);

/* Which entry of the "depends on" list is the form's parent: 0 is
 * "(none)", i + 1 is parents[i]. A parent not in the list (a rule deleted
 * meanwhile, or the list not read yet) is 0. */
size_t sw_alert_form_parent_index(const struct sw_alert_form *f);

/* A notifier's kind as a list says it: "email", "webhook (teams)",
 * "program", "restart service". */
void sw_alert_notifier_kind(const struct sw_pipe_notifier *n, char *out, size_t size);
/* An e-mail notifier's addresses, "ops@example.com, boss@example.com". */
void sw_alert_notifier_to_text(const struct sw_pipe_notifier *n, char *out, size_t size);
/* Whom it tells: "ops@example.com, boss@example.com via mx1.example.com",
 * "https://host/..." (never the secret path), "C:\x.cmd", "Spooler". */
void sw_alert_notifier_target(const struct sw_pipe_notifier *n, char *out, size_t size);

/* RULE_ALERTS_SET of rule `rule_id` from the form (its strings borrow the
 * form's: use it before the form changes, then free only out->notify),
 * with the numbers from 0 to SW_ALERT_DELAY_MAX_S, at most
 * SW_ALERT_NOTIFY_MAX notifiers, and not the rule itself as parent. Each
 * problem goes to *p (count 0: none). SW_E_NOMEM if memory ran out. */
enum sw_error sw_alert_form_to_alerts(const struct sw_alert_form *f, int64_t rule_id,
                                      struct sw_pipe_rule_alerts *out,
                                      struct sw_alert_problems *p);

/* Puts a refusal of RULE_ALERTS_SET (its ERROR code and sentence) beside
 * a field: `dependency_cycle` at the parent, anything else (`invalid`,
 * whose sentence names the value; `notifier_not_found`) at the top of the
 * section, the notifiers. */
void sw_alert_form_service_problem(const char *code, const char *sentence,
                                   struct sw_alert_problems *p);

#endif
