/* The rule dialog's alert settings: the stored settings into the form and
 * back, the notifiers' lines, the rules it may depend on, the mistakes
 * said beside their fields, and the service's refusals put there too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alert_args.h"
#include "alert_form.h"

static char *dup_text(const char *s)
{
  char *d = malloc(strlen(s) + 1);
  assert_non_null(d);
  return strcpy(d, s);
}

/* Three notifiers as NOTIFIER_LIST_OK gives them. */
static struct sw_pipe_notifier *three_notifiers(void)
{
  struct sw_pipe_notifier *n = calloc(3, sizeof *n);
  assert_non_null(n);
  for (int i = 0; i < 3; i++)
    sw_pipe_notifier_init(&n[i]);
  n[0].name = dup_text("ops-mail");
  n[0].kind = SW_NOTIFIER_EMAIL;
  n[0].to = calloc(2, sizeof *n[0].to);
  assert_non_null(n[0].to);
  n[0].to[0] = dup_text("ops@example.com");
  n[0].to[1] = dup_text("boss@example.com");
  n[0].to_count = 2;
  n[0].relays = dup_text("mx1.example.com,mx2.example.com:587");
  n[1].name = dup_text("teams");
  n[1].kind = SW_NOTIFIER_WEBHOOK;
  n[1].format = SW_WEBHOOK_TEAMS;
  n[1].url_shown = dup_text("https://example.webhook.office.com/...");
  n[2].name = dup_text("restart");
  n[2].kind = SW_NOTIFIER_RESTART_SERVICE;
  n[2].service_name = dup_text("Spooler");
  return n;
}

static void free_notifiers(struct sw_pipe_notifier *n, size_t count)
{
  for (size_t i = 0; i < count; i++)
    sw_pipe_notifier_free(&n[i]);
  free(n);
}

/* The problems of the form as rule `rule_id`'s settings. */
static struct sw_alert_problems problems_of(const struct sw_alert_form *f,
                                            int64_t rule_id)
{
  struct sw_pipe_rule_alerts a;
  struct sw_alert_problems p;
  assert_int_equal(sw_alert_form_to_alerts(f, rule_id, &a, &p), SW_E_OK);
  free(a.notify);
  return p;
}

/* What RULE_ALERTS_SET would carry besides the notifiers. */
struct policy {
  uint8_t on;
  uint32_t after_s, renotify_s;
  int64_t depends_on;
};

static void assert_policy(const struct sw_pipe_rule_alerts *a, struct policy want)
{
  assert_int_equal(a->on, want.on);
  assert_int_equal(a->after_s, want.after_s);
  assert_int_equal(a->renotify_s, want.renotify_s);
  assert_int_equal(a->depends_on, want.depends_on);
}

static void a_new_rule_sends_to_the_defaults_at_once(void **state)
{
  (void)state;
  struct sw_alert_form f;
  sw_alert_form_init(&f);
  struct sw_pipe_rule_alerts a;
  struct sw_alert_problems p;
  assert_int_equal(sw_alert_form_to_alerts(&f, 7, &a, &p), SW_E_OK);
  assert_int_equal(p.count, 0);
  assert_int_equal(a.rule_id, 7);
  assert_int_equal(a.notify_count, 0); /* none named: the default notifiers */
  assert_policy(&a, (struct policy){SW_ALERT_ON_ALL, 0, 0, 0});
  free(a.notify);
  sw_alert_form_free(&f);
}

static void notifier_lines_say_kind_and_target(void **state)
{
  (void)state;
  struct sw_pipe_notifier *n = three_notifiers();
  char kind[64], text[256];
  sw_alert_notifier_kind(&n[0], kind, sizeof kind);
  sw_alert_notifier_target(&n[0], text, sizeof text);
  assert_string_equal(kind, "email");
  assert_string_equal(text, "ops@example.com, boss@example.com via "
                            "mx1.example.com,mx2.example.com:587");
  sw_alert_notifier_kind(&n[1], kind, sizeof kind);
  sw_alert_notifier_target(&n[1], text, sizeof text);
  assert_string_equal(kind, "webhook (teams)");
  assert_string_equal(text, "https://example.webhook.office.com/...");
  sw_alert_notifier_kind(&n[2], kind, sizeof kind);
  sw_alert_notifier_target(&n[2], text, sizeof text);
  assert_string_equal(kind, "restart service");
  assert_string_equal(text, "Spooler");
  n[2].kind = SW_NOTIFIER_PROGRAM;
  n[2].command_line = dup_text("C:\\alert.cmd --now");
  sw_alert_notifier_kind(&n[2], kind, sizeof kind);
  sw_alert_notifier_target(&n[2], text, sizeof text);
  assert_string_equal(kind, "program");
  assert_string_equal(text, "C:\\alert.cmd --now");
  char small[10];
  sw_alert_notifier_target(&n[0], small, sizeof small);
  assert_string_equal(small, "ops@examp");
  free_notifiers(n, 3);
}

/* The stored settings, whatever order the two answers come in. */
static void stored_settings_check_their_notifiers(void **state)
{
  (void)state;
  struct sw_pipe_notifier *n = three_notifiers();
  struct sw_pipe_rule_alerts stored;
  sw_pipe_rule_alerts_init(&stored);
  stored.rule_id = 7;
  stored.notify = calloc(2, sizeof *stored.notify);
  assert_non_null(stored.notify);
  stored.notify[0] = dup_text("teams");
  stored.notify[1] = dup_text("gone"); /* deleted meanwhile */
  stored.notify_count = 2;
  stored.on = SW_ALERT_ON_CRITICAL | SW_ALERT_ON_RECOVERED;
  stored.after_s = 300;
  stored.renotify_s = 3600;
  stored.depends_on = 3;
  stored.depends_on_name = dup_text("firewall");

  for (int order = 0; order < 2; order++) {
    struct sw_alert_form f;
    sw_alert_form_init(&f);
    if (order == 0) {
      assert_int_equal(sw_alert_form_set_notifiers(&f, n, 3), SW_E_OK);
      assert_int_equal(sw_alert_form_load(&f, &stored), SW_E_OK);
    } else {
      assert_int_equal(sw_alert_form_load(&f, &stored), SW_E_OK);
      assert_int_equal(sw_alert_form_set_notifiers(&f, n, 3), SW_E_OK);
    }
    assert_int_equal(f.choice_count, 4);
    assert_string_equal(f.choices[0].label, "ops-mail (email: ops@example.com, "
                                            "boss@example.com via mx1.example.com,"
                                            "mx2.example.com:587)");
    assert_false(f.choices[0].checked);
    assert_true(f.choices[1].checked);
    assert_false(f.choices[2].checked);
    assert_string_equal(f.choices[3].label, "gone (not found)");
    assert_true(f.choices[3].checked);
    assert_string_equal(f.after, "300");
    assert_string_equal(f.renotify, "3600");
    assert_string_equal(f.depends_name, "firewall");

    struct sw_pipe_rule_alerts back;
    struct sw_alert_problems p;
    assert_int_equal(sw_alert_form_to_alerts(&f, 7, &back, &p), SW_E_OK);
    assert_int_equal(p.count, 0);
    assert_int_equal(back.notify_count, 2);
    assert_string_equal(back.notify[0], "teams");
    assert_string_equal(back.notify[1], "gone");
    assert_policy(&back, (struct policy){SW_ALERT_ON_CRITICAL | SW_ALERT_ON_RECOVERED,
                                         300, 3600, 3});
    free(back.notify);
    sw_alert_form_free(&f);
  }
  sw_pipe_rule_alerts_free(&stored);
  free_notifiers(n, 3);
}

static void the_parents_are_the_other_rules_by_name(void **state)
{
  (void)state;
  static const int64_t ids[] = {1, 2, 3, 4};
  static const char *const names[] = {"relay 10", "firewall", "self", "backup"};
  struct sw_alert_form f;
  sw_alert_form_init(&f);
  f.depends_on = 2;
  assert_int_equal(sw_alert_form_parent_index(&f), 0); /* not read yet */
  assert_int_equal(sw_alert_form_set_rules(&f, ids, names, 4, 3), SW_E_OK);
  assert_int_equal(f.parent_count, 3);
  assert_string_equal(f.parents[0].name, "backup");
  assert_string_equal(f.parents[1].name, "firewall");
  assert_string_equal(f.parents[2].name, "relay 10");
  assert_int_equal(sw_alert_form_parent_index(&f), 2);
  f.depends_on = 99; /* deleted meanwhile */
  assert_int_equal(sw_alert_form_parent_index(&f), 0);
  f.depends_on = 0;
  assert_int_equal(sw_alert_form_parent_index(&f), 0);
  sw_alert_form_free(&f);
}

static void mistakes_are_said_beside_their_fields(void **state)
{
  (void)state;
  struct sw_alert_form f;
  sw_alert_form_init(&f);
  snprintf(f.after, sizeof f.after, "five");
  snprintf(f.renotify, sizeof f.renotify, "604801");
  f.depends_on = 7;
  struct sw_alert_problems p = problems_of(&f, 7);
  assert_int_equal(p.count, 3);
  assert_string_equal(p.text[SW_ALERT_FIELD_AFTER],
                      "The wait before notifying must be a whole number of seconds from "
                      "0 to 604800 (7 days).");
  assert_string_equal(p.text[SW_ALERT_FIELD_RENOTIFY],
                      "The reminder interval must be a whole number of seconds from 0 "
                      "to 604800 (7 days).");
  assert_string_equal(p.text[SW_ALERT_FIELD_DEPENDS],
                      "A rule cannot depend on itself: choose another rule, or none.");
  assert_string_equal(p.text[SW_ALERT_FIELD_NOTIFY], "");
  /* Blanks around a number are fine; an empty field is not. */
  snprintf(f.after, sizeof f.after, " 60 ");
  f.renotify[0] = '\0';
  f.depends_on = 0;
  p = problems_of(&f, 7);
  assert_int_equal(p.count, 1);
  assert_true(p.text[SW_ALERT_FIELD_RENOTIFY][0]);
  snprintf(f.renotify, sizeof f.renotify, "0");
  struct sw_pipe_rule_alerts a;
  assert_int_equal(sw_alert_form_to_alerts(&f, 7, &a, &p), SW_E_OK);
  assert_int_equal(p.count, 0);
  assert_int_equal(a.after_s, 60);
  free(a.notify);
  sw_alert_form_free(&f);
}

static void too_many_notifiers_are_refused(void **state)
{
  (void)state;
  struct sw_pipe_notifier n[SW_ALERT_NOTIFY_MAX + 1];
  char names[SW_ALERT_NOTIFY_MAX + 1][16];
  for (int i = 0; i <= SW_ALERT_NOTIFY_MAX; i++) {
    sw_pipe_notifier_init(&n[i]);
    snprintf(names[i], sizeof names[i], "n%d", i);
    n[i].name = names[i];
    n[i].kind = SW_NOTIFIER_RESTART_SERVICE;
  }
  struct sw_alert_form f;
  sw_alert_form_init(&f);
  assert_int_equal(sw_alert_form_set_notifiers(&f, n, SW_ALERT_NOTIFY_MAX + 1), SW_E_OK);
  for (size_t i = 0; i < f.choice_count; i++)
    f.choices[i].checked = true;
  struct sw_alert_problems p = problems_of(&f, 1);
  assert_int_equal(p.count, 1);
  assert_string_equal(p.text[SW_ALERT_FIELD_NOTIFY],
                      "A rule can send to at most 16 notifiers; 17 are checked.");
  sw_alert_form_free(&f);
}

static void refusals_go_beside_their_field(void **state)
{
  (void)state;
  struct sw_alert_problems p = {0};
  sw_alert_form_service_problem("dependency_cycle",
                                "A rule cannot depend on itself or on a rule that "
                                "depends on it: choose another rule to depend on.",
                                &p);
  assert_int_equal(p.count, 1);
  assert_string_equal(p.text[SW_ALERT_FIELD_DEPENDS],
                      "A rule cannot depend on itself or on a rule that depends on it: "
                      "choose another rule to depend on.");
  sw_alert_form_service_problem("notifier_not_found", NULL, &p);
  assert_int_equal(p.count, 2);
  assert_string_equal(p.text[SW_ALERT_FIELD_NOTIFY],
                      "The service refused the alert settings.");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_new_rule_sends_to_the_defaults_at_once),
      cmocka_unit_test(notifier_lines_say_kind_and_target),
      cmocka_unit_test(stored_settings_check_their_notifiers),
      cmocka_unit_test(the_parents_are_the_other_rules_by_name),
      cmocka_unit_test(mistakes_are_said_beside_their_fields),
      cmocka_unit_test(too_many_notifiers_are_refused),
      cmocka_unit_test(refusals_go_beside_their_field),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
