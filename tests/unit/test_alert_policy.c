/* The alert policy: what an administrator is told about a rule, and when.
 * Each test walks a rule through a story (times in seconds) and checks what
 * would have gone out at each step, as the on-call person would see it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "alert_policy.h"

#define OK SW_NAGIOS_OK
#define WARNING SW_NAGIOS_WARNING
#define CRITICAL SW_NAGIOS_CRITICAL
#define UNKNOWN SW_NAGIOS_UNKNOWN
#define T0 INT64_C(1800000000)

struct story {
  struct sw_alert_policy policy;
  struct sw_alert_track track;
  struct sw_alert_view view;
  struct sw_alert_decision last;
};

static void begin(struct story *s, uint8_t on, uint32_t after_s, uint32_t renotify_s)
{
  memset(s, 0, sizeof *s);
  s->policy =
      (struct sw_alert_policy){.on = on, .after_s = after_s, .renotify_s = renotify_s};
  sw_alert_track_init(&s->track);
  s->view = (struct sw_alert_view){.state = OK, .since = T0, .now = T0};
}

/* The rule's state becomes `state` at `at` (if different) and is decided. */
static enum sw_alert_kind at(struct story *s, int64_t at, enum sw_nagios_status state)
{
  if (state != s->view.state) {
    s->view.state = state;
    s->view.since = at;
  }
  s->view.now = at;
  sw_alert_decide(&s->policy, &s->view, &s->track, &s->last);
  return s->last.kind;
}

static void test_a_blip_shorter_than_the_delay_is_never_told(void **state)
{
  (void)state;
  struct story s;
  begin(&s, SW_ALERT_ON_ALL, 300, 0);
  assert_int_equal(at(&s, T0 + 10, CRITICAL), SW_ALERT_NONE);
  assert_int_equal(s.last.next_at, T0 + 310); /* come back when the delay is over */
  assert_int_equal(at(&s, T0 + 200, CRITICAL), SW_ALERT_NONE);
  assert_int_equal(at(&s, T0 + 250, OK), SW_ALERT_NONE); /* no "recovered" either */
  assert_int_equal(at(&s, T0 + 1000, OK), SW_ALERT_NONE);
}

static void test_problem_after_the_delay_then_recovery(void **state)
{
  (void)state;
  struct story s;
  begin(&s, SW_ALERT_ON_ALL, 300, 0);
  at(&s, T0 + 10, CRITICAL);
  assert_int_equal(at(&s, T0 + 310, CRITICAL), SW_ALERT_PROBLEM);
  assert_int_equal(s.last.state, CRITICAL);
  assert_true(s.last.next_at == SW_ALERT_NONE_AT); /* told once: no reminders */
  assert_int_equal(at(&s, T0 + 400, CRITICAL), SW_ALERT_NONE);
  assert_int_equal(at(&s, T0 + 500, OK), SW_ALERT_RECOVERY);
  assert_int_equal(s.last.state, OK);
  assert_int_equal(at(&s, T0 + 600, OK), SW_ALERT_NONE);
}

/* The wait counts from leaving OK: WARNING then CRITICAL does not start it
 * again, and a change between bad states is told. */
static void test_the_delay_counts_from_leaving_ok(void **state)
{
  (void)state;
  struct story s;
  begin(&s, SW_ALERT_ON_ALL, 300, 0);
  at(&s, T0 + 10, WARNING);
  assert_int_equal(at(&s, T0 + 200, CRITICAL), SW_ALERT_NONE);
  assert_int_equal(s.last.next_at, T0 + 310);
  assert_int_equal(at(&s, T0 + 310, CRITICAL), SW_ALERT_PROBLEM);
  assert_int_equal(at(&s, T0 + 400, WARNING), SW_ALERT_PROBLEM);
  assert_int_equal(s.last.state, WARNING);
  /* UNKNOWN is told as a problem of its own. */
  assert_int_equal(at(&s, T0 + 500, UNKNOWN), SW_ALERT_PROBLEM);
}

static void test_reminders_while_nothing_changes(void **state)
{
  (void)state;
  struct story s;
  begin(&s, SW_ALERT_ON_ALL, 0, 3600);
  assert_int_equal(at(&s, T0, CRITICAL), SW_ALERT_PROBLEM);
  assert_int_equal(s.last.next_at, T0 + 3600);
  assert_int_equal(at(&s, T0 + 3599, CRITICAL), SW_ALERT_NONE);
  assert_int_equal(at(&s, T0 + 3600, CRITICAL), SW_ALERT_REMINDER);
  assert_int_equal(s.last.next_at, T0 + 7200);
  /* A change is a problem, and the reminders count from it. */
  assert_int_equal(at(&s, T0 + 4000, WARNING), SW_ALERT_PROBLEM);
  assert_int_equal(s.last.next_at, T0 + 7600);
}

/* A policy that leaves out WARNING tells nothing for it, but a CRITICAL
 * after it, and the recovery after that. */
static void test_states_the_policy_leaves_out(void **state)
{
  (void)state;
  struct story s;
  begin(&s, SW_ALERT_ON_CRITICAL | SW_ALERT_ON_RECOVERED, 0, 0);
  assert_int_equal(at(&s, T0, WARNING), SW_ALERT_NONE);
  assert_int_equal(at(&s, T0 + 60, CRITICAL), SW_ALERT_PROBLEM);
  assert_int_equal(at(&s, T0 + 120, WARNING), SW_ALERT_NONE);
  assert_int_equal(at(&s, T0 + 180, OK), SW_ALERT_RECOVERY);
  /* Without RECOVERED, the recovery is not told, but the slate is clean:
   * the next problem is told. */
  begin(&s, SW_ALERT_ON_CRITICAL, 0, 0);
  assert_int_equal(at(&s, T0, CRITICAL), SW_ALERT_PROBLEM);
  assert_int_equal(at(&s, T0 + 60, OK), SW_ALERT_NONE);
  assert_int_equal(at(&s, T0 + 120, CRITICAL), SW_ALERT_PROBLEM);
}

static void test_maintenance_holds_and_leaving_it_tells_once(void **state)
{
  (void)state;
  struct story s;
  begin(&s, SW_ALERT_ON_ALL, 0, 0);
  s.view.maintenance = true;
  assert_int_equal(at(&s, T0, CRITICAL), SW_ALERT_NONE);
  assert_int_equal(at(&s, T0 + 600, CRITICAL), SW_ALERT_NONE);
  s.view.maintenance = false;
  assert_int_equal(at(&s, T0 + 1200, CRITICAL), SW_ALERT_PROBLEM);
  assert_int_equal(at(&s, T0 + 1300, CRITICAL), SW_ALERT_NONE);
  /* Told before the window and still bad after it: told once more. */
  s.view.maintenance = true;
  assert_int_equal(at(&s, T0 + 1400, CRITICAL), SW_ALERT_NONE);
  s.view.maintenance = false;
  assert_int_equal(at(&s, T0 + 2000, CRITICAL), SW_ALERT_PROBLEM);
  assert_int_equal(at(&s, T0 + 2100, CRITICAL), SW_ALERT_NONE);
  /* A recovery inside a window waits for its end. */
  s.view.maintenance = true;
  assert_int_equal(at(&s, T0 + 2200, OK), SW_ALERT_NONE);
  s.view.maintenance = false;
  assert_int_equal(at(&s, T0 + 2800, OK), SW_ALERT_RECOVERY);
}

static void test_a_parent_down_holds_the_child(void **state)
{
  (void)state;
  struct story s;
  begin(&s, SW_ALERT_ON_ALL, 0, 600);
  s.view.parent_down = true;
  assert_int_equal(at(&s, T0, CRITICAL), SW_ALERT_NONE);
  assert_true(s.last.next_at == SW_ALERT_NONE_AT); /* no reminders while held */
  s.view.parent_down = false;                      /* the firewall is back ... */
  assert_int_equal(at(&s, T0 + 900, CRITICAL),
                   SW_ALERT_PROBLEM); /* ... the relay is not */
  /* A child that recovers along with its parent was never told bad. */
  begin(&s, SW_ALERT_ON_ALL, 0, 0);
  s.view.parent_down = true;
  at(&s, T0, CRITICAL);
  s.view.parent_down = false;
  assert_int_equal(at(&s, T0 + 300, OK), SW_ALERT_NONE);
}

static void test_flapping_is_told_once_then_the_settled_state(void **state)
{
  (void)state;
  struct story s;
  begin(&s, SW_ALERT_ON_ALL, 0, 0);
  assert_int_equal(at(&s, T0, CRITICAL), SW_ALERT_PROBLEM);
  s.view.flapping = true;
  assert_int_equal(at(&s, T0 + 60, OK), SW_ALERT_FLAPPING);
  assert_int_equal(at(&s, T0 + 120, CRITICAL), SW_ALERT_NONE);
  assert_int_equal(at(&s, T0 + 180, OK), SW_ALERT_NONE);
  s.view.flapping = false; /* settled OK: the CRITICAL told before is over */
  assert_int_equal(at(&s, T0 + 2000, OK), SW_ALERT_RECOVERY);
  /* Flapping not in the policy: silent while it lasts. */
  begin(&s, SW_ALERT_ON_CRITICAL | SW_ALERT_ON_RECOVERED, 0, 0);
  s.view.flapping = true;
  assert_int_equal(at(&s, T0, CRITICAL), SW_ALERT_NONE);
  s.view.flapping = false;
  assert_int_equal(at(&s, T0 + 2000, CRITICAL), SW_ALERT_PROBLEM);
}

static void test_acknowledged_state_is_quiet_until_it_changes(void **state)
{
  (void)state;
  struct story s;
  begin(&s, SW_ALERT_ON_ALL, 0, 600);
  assert_int_equal(at(&s, T0, WARNING), SW_ALERT_PROBLEM);
  s.view.acknowledged = true; /* the service keeps it for WARNING only */
  assert_int_equal(at(&s, T0 + 600, WARNING), SW_ALERT_NONE); /* no reminder */
  assert_true(s.last.next_at == SW_ALERT_NONE_AT);
  s.view.acknowledged = false; /* CRITICAL is news */
  assert_int_equal(at(&s, T0 + 700, CRITICAL), SW_ALERT_PROBLEM);
  s.view.acknowledged = true;
  assert_int_equal(at(&s, T0 + 800, CRITICAL), SW_ALERT_NONE);
  s.view.acknowledged = false; /* a recovery always goes out */
  assert_int_equal(at(&s, T0 + 900, OK), SW_ALERT_RECOVERY);
}

/* The track is all a restarted service has: the same state is not told
 * twice, and a reminder keeps its time. */
static void test_a_saved_track_goes_on_after_a_restart(void **state)
{
  (void)state;
  struct story s;
  begin(&s, SW_ALERT_ON_ALL, 0, 3600);
  assert_int_equal(at(&s, T0, CRITICAL), SW_ALERT_PROBLEM);
  struct sw_alert_track saved = s.track;
  struct story after;
  begin(&after, SW_ALERT_ON_ALL, 0, 3600);
  after.track = saved;
  after.view = (struct sw_alert_view){.state = CRITICAL, .since = T0, .now = T0 + 100};
  sw_alert_decide(&after.policy, &after.view, &after.track, &after.last);
  assert_int_equal(after.last.kind, SW_ALERT_NONE);
  assert_int_equal(after.last.next_at, T0 + 3600);
}

static void test_kind_names(void **state)
{
  (void)state;
  assert_string_equal(sw_alert_kind_name(SW_ALERT_PROBLEM), "problem");
  assert_string_equal(sw_alert_kind_name(SW_ALERT_RECOVERY), "recovery");
  assert_string_equal(sw_alert_kind_name(SW_ALERT_KIND_COUNT), "unknown");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_a_blip_shorter_than_the_delay_is_never_told),
      cmocka_unit_test(test_problem_after_the_delay_then_recovery),
      cmocka_unit_test(test_the_delay_counts_from_leaving_ok),
      cmocka_unit_test(test_reminders_while_nothing_changes),
      cmocka_unit_test(test_states_the_policy_leaves_out),
      cmocka_unit_test(test_maintenance_holds_and_leaving_it_tells_once),
      cmocka_unit_test(test_a_parent_down_holds_the_child),
      cmocka_unit_test(test_flapping_is_told_once_then_the_settled_state),
      cmocka_unit_test(test_acknowledged_state_is_quiet_until_it_changes),
      cmocka_unit_test(test_a_saved_track_goes_on_after_a_restart),
      cmocka_unit_test(test_kind_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
