/* Rule state tracker: what reaches the Event Log. One failed check between
 * good ones is not news, N in a row are; recovery is; a flapping rule logs a
 * handful of events, not one per flip; a restarted service goes on where the
 * store left off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rule_state.h"

#define SEC INT64_C(1000000)
#define MIN (60 * SEC)
#define T0 (INT64_C(1718000000) * SEC) /* June 2024, Unix microseconds */

enum {
  O = SW_NAGIOS_OK,
  W = SW_NAGIOS_WARNING,
  C = SW_NAGIOS_CRITICAL,
  U = SW_NAGIOS_UNKNOWN
};

struct run {
  struct sw_rule_state st;
  struct sw_rule_state_config cfg;
  int64_t now;
  struct sw_rule_state_event events[64];
  int count; /* events logged */
};

static void start(struct run *r)
{
  memset(r, 0, sizeof *r);
  sw_rule_state_init(&r->st);
  sw_rule_state_config_defaults(&r->cfg);
  r->now = T0;
}

/* Feeds one result a minute later than the last; returns the event kind. */
static enum sw_rule_event feed(struct run *r, int status)
{
  r->now += MIN;
  struct sw_rule_state_event ev;
  enum sw_outcome outcome = status == O ? SW_OUTCOME_OK : SW_OUTCOME_TIMEOUT;
  bool logged = sw_rule_state_feed(&r->st, &r->cfg, (enum sw_nagios_status)status,
                                   outcome, r->now, &ev);
  assert_int_equal(logged, ev.kind != SW_RULE_EVENT_NONE);
  assert_int_equal(ev.at, r->now);
  if (logged) {
    assert_true(r->count < 64);
    r->events[r->count++] = ev;
  }
  return ev.kind;
}

static void feed_all(struct run *r, const char *pattern)
{
  for (const char *p = pattern; *p; p++)
    feed(r, *p == 'O' ? O : *p == 'W' ? W : *p == 'C' ? C : U);
}

static void assert_event(const struct sw_rule_state_event *ev, enum sw_rule_event kind,
                         int from, int to, uint32_t consecutive)
{
  assert_string_equal(sw_rule_event_name(ev->kind), sw_rule_event_name(kind));
  assert_string_equal(sw_rule_state_name(ev->old_state),
                      sw_rule_state_name((enum sw_nagios_status)from));
  assert_string_equal(sw_rule_state_name(ev->new_state),
                      sw_rule_state_name((enum sw_nagios_status)to));
  assert_int_equal(ev->consecutive, consecutive);
}

static void a_new_rule_is_ok_and_never_checked(void **state)
{
  (void)state;
  struct run r;
  start(&r);
  assert_true(sw_rule_state_config_valid(&r.cfg));
  assert_int_equal(r.cfg.fail_threshold, 2);
  assert_int_equal(r.st.state, SW_NAGIOS_OK);
  assert_int_equal(r.st.last_result_at, 0);
  assert_int_equal(r.st.consecutive, 0);
  assert_false(r.st.flapping);
  /* The first result, OK, is no event but starts the clock. */
  assert_int_equal(feed(&r, O), SW_RULE_EVENT_NONE);
  assert_int_equal(r.st.since, T0 + MIN);
  assert_int_equal(r.st.last_result_at, T0 + MIN);
}

static void one_failure_between_good_results_is_not_news(void **state)
{
  (void)state;
  struct run r;
  start(&r);
  feed_all(&r, "OCOCOWOUOC");
  assert_int_equal(r.count, 0);
  assert_int_equal(r.st.state, SW_NAGIOS_OK);
  assert_int_equal(r.st.consecutive, 1); /* the last C, soft */
  assert_int_equal(r.st.last_outcome, SW_OUTCOME_TIMEOUT);
}

static void two_failures_in_a_row_turn_critical_then_one_ok_recovers(void **state)
{
  (void)state;
  struct run r;
  start(&r);
  assert_int_equal(feed(&r, O), SW_RULE_EVENT_NONE);
  assert_int_equal(feed(&r, C), SW_RULE_EVENT_NONE);
  assert_int_equal(feed(&r, C), SW_RULE_EVENT_CHANGED);
  assert_event(&r.events[0], SW_RULE_EVENT_CHANGED, O, C, 2);
  assert_int_equal(r.st.since, r.now);
  int64_t down_since = r.now;
  assert_int_equal(feed(&r, C), SW_RULE_EVENT_NONE);
  assert_int_equal(feed(&r, C), SW_RULE_EVENT_NONE);
  assert_int_equal(r.st.since, down_since);
  assert_int_equal(r.st.consecutive, 4);
  assert_int_equal(feed(&r, O), SW_RULE_EVENT_RECOVERED);
  assert_event(&r.events[1], SW_RULE_EVENT_RECOVERED, C, O, 4); /* down for 4 checks */
  assert_int_equal(r.st.consecutive, 0);
  assert_int_equal(r.st.since, r.now);
  assert_int_equal(r.count, 2);
}

/* WARNING needs the same count; past it the state follows the latest
 * result; a threshold of 1 reports at once, 3 waits for the third. */
static void thresholds_apply_to_every_non_ok_status(void **state)
{
  (void)state;
  struct run r;
  start(&r);
  feed_all(&r, "W");
  assert_int_equal(r.count, 0);
  feed_all(&r, "WCUO");
  assert_int_equal(r.count, 4);
  assert_event(&r.events[0], SW_RULE_EVENT_CHANGED, O, W, 2);
  assert_event(&r.events[1], SW_RULE_EVENT_CHANGED, W, C, 3);
  assert_event(&r.events[2], SW_RULE_EVENT_CHANGED, C, U, 4);
  assert_event(&r.events[3], SW_RULE_EVENT_RECOVERED, U, O, 4);

  start(&r);
  r.cfg.fail_threshold = 3;
  feed_all(&r, "WCOWC");
  assert_int_equal(r.count, 0);
  feed_all(&r, "C");
  assert_int_equal(r.count, 1);
  assert_event(&r.events[0], SW_RULE_EVENT_CHANGED, O, C, 3);

  start(&r);
  r.cfg.fail_threshold = 1;
  feed_all(&r, "CO");
  assert_int_equal(r.count, 2);
  assert_event(&r.events[0], SW_RULE_EVENT_CHANGED, O, C, 1);
  assert_event(&r.events[1], SW_RULE_EVENT_RECOVERED, C, O, 1);
}

/* Down for two checks, up for one, for an hour: 40 state changes. The log
 * gets the first four, one "flapping started" at the fifth, then nothing
 * until the rule has held its state for 30 minutes, then one "flapping
 * ended". */
static void a_flapping_rule_does_not_flood_the_log(void **state)
{
  (void)state;
  struct run r;
  start(&r);
  int changes = 0;
  enum sw_nagios_status before = r.st.state;
  for (int cycle = 0; cycle < 20; cycle++) {
    static const int pattern[3] = {C, C, O};
    for (int i = 0; i < 3; i++) {
      feed(&r, pattern[i]);
      changes += r.st.state != before;
      before = r.st.state;
    }
  }
  assert_int_equal(changes, 40);
  assert_int_equal(r.count, 5);
  assert_event(&r.events[0], SW_RULE_EVENT_CHANGED, O, C, 2);
  assert_event(&r.events[1], SW_RULE_EVENT_RECOVERED, C, O, 2);
  assert_event(&r.events[2], SW_RULE_EVENT_CHANGED, O, C, 2);
  assert_event(&r.events[3], SW_RULE_EVENT_RECOVERED, C, O, 2);
  assert_event(&r.events[4], SW_RULE_EVENT_FLAPPING_STARTED, O, C, 2);
  assert_int_equal(r.events[4].at, T0 + 8 * MIN); /* the 8th result: 5th change */
  assert_true(r.st.flapping);

  /* Calm: OK for 40 minutes. It ended OK at the last cycle. */
  int64_t calm_since = r.st.since;
  assert_int_equal(calm_since, r.now);
  for (int i = 0; i < 40; i++)
    feed(&r, O);
  assert_int_equal(r.count, 6);
  /* from CRITICAL: the last state the log was told about */
  assert_event(&r.events[5], SW_RULE_EVENT_FLAPPING_ENDED, C, O, 0);
  assert_int_equal(r.events[5].at, calm_since + 30 * MIN);
  assert_false(r.st.flapping);

  /* Afterwards, a real outage is reported as usual. */
  feed_all(&r, "CC");
  assert_int_equal(r.count, 7);
  assert_event(&r.events[6], SW_RULE_EVENT_CHANGED, O, C, 2);
}

/* Flapping, then silence (the rule was disabled for an hour), then a
 * change: one event says flapping is over and where the state is now. */
static void flapping_ends_with_a_change_after_a_calm(void **state)
{
  (void)state;
  struct run r;
  start(&r);
  r.cfg.fail_threshold = 1;
  feed_all(&r, "COCOC"); /* 5 changes in 5 minutes */
  assert_int_equal(r.count, 5);
  assert_int_equal(r.events[4].kind, SW_RULE_EVENT_FLAPPING_STARTED);
  feed_all(&r, "OCOCOC");
  assert_int_equal(r.count, 5); /* suppressed */
  assert_int_equal(r.st.state, SW_NAGIOS_CRITICAL);
  r.now += 60 * MIN;
  assert_int_equal(feed(&r, O), SW_RULE_EVENT_FLAPPING_ENDED);
  assert_event(&r.events[5], SW_RULE_EVENT_FLAPPING_ENDED, C, O, 0);
  assert_false(r.st.flapping);
  assert_int_equal(feed(&r, C), SW_RULE_EVENT_CHANGED);
}

/* A change every 10 minutes is 3 in any 30 minutes: never flapping, so
 * every change is logged. */
static void slow_changes_are_all_logged(void **state)
{
  (void)state;
  struct run r;
  start(&r);
  r.cfg.fail_threshold = 1;
  for (int i = 0; i < 18; i++) {
    r.now += 9 * MIN; /* feed adds the tenth */
    feed(&r, i % 2 ? O : C);
  }
  assert_int_equal(r.count, 18);
  for (int i = 0; i < 18; i++)
    assert_int_equal(r.events[i].kind,
                     i % 2 ? SW_RULE_EVENT_RECOVERED : SW_RULE_EVENT_CHANGED);
  assert_false(r.st.flapping);

  /* The window is a span shorter than 30 minutes: 5 changes 7.5 minutes
   * apart span exactly 30 and are not flapping; 7 minutes apart (28) are. */
  start(&r);
  r.cfg.fail_threshold = 1;
  for (int i = 0; i < 10; i++) {
    r.now += 6 * MIN + 30 * SEC;
    feed(&r, i % 2 ? O : C); /* feed adds a minute: 7.5 */
  }
  assert_int_equal(r.count, 10);
  assert_false(r.st.flapping);
  start(&r);
  r.cfg.fail_threshold = 1;
  for (int i = 0; i < 5; i++) {
    r.now += 6 * MIN;
    feed(&r, i % 2 ? O : C);
  }
  assert_int_equal(r.count, 5);
  assert_int_equal(r.events[4].kind, SW_RULE_EVENT_FLAPPING_STARTED);

  /* And with flap detection off, fast changes are all logged too. */
  start(&r);
  r.cfg.fail_threshold = 1;
  r.cfg.flap_changes = 0;
  assert_true(sw_rule_state_config_valid(&r.cfg));
  feed_all(&r, "COCOCOCOCOCO");
  assert_int_equal(r.count, 12);
}

static void restored_state_goes_on_where_it_left_off(void **state)
{
  (void)state;
  struct run r;
  start(&r);
  feed_all(&r, "OCCC");
  assert_int_equal(r.count, 1);
  feed_all(&r, "O");
  feed_all(&r, "C"); /* one soft failure when the service stops */
  struct sw_rule_state_saved saved;
  sw_rule_state_save(&r.st, &saved);
  assert_int_equal(saved.state, SW_NAGIOS_OK);
  assert_int_equal(saved.consecutive, 1);
  assert_int_equal(saved.last_result_at, r.now);
  assert_int_equal(saved.since, T0 + 5 * MIN);
  assert_int_equal(saved.last_outcome, SW_OUTCOME_TIMEOUT);
  assert_false(saved.flapping);

  /* What the store would write and read back. */
  enum sw_nagios_status parsed;
  assert_true(sw_rule_state_from_name(sw_rule_state_name(saved.state), &parsed));
  enum sw_outcome outcome;
  assert_true(sw_outcome_from_name(sw_outcome_name(saved.last_outcome), &outcome));
  struct sw_rule_state_saved back = {parsed,      saved.consecutive,
                                     saved.since, saved.last_result_at,
                                     outcome,     saved.flapping};

  struct run after;
  start(&after);
  after.now = r.now;
  assert_int_equal(sw_rule_state_restore(&after.st, &back), SW_E_OK);
  assert_int_equal(feed(&after, C), SW_RULE_EVENT_CHANGED); /* the second in a row */
  assert_event(&after.events[0], SW_RULE_EVENT_CHANGED, O, C, 2);

  /* A rule that was flapping when the service stopped stays quiet until it
   * has held its state for a window. */
  struct sw_rule_state_saved flapping = {SW_NAGIOS_CRITICAL, 3,   T0, T0,
                                         SW_OUTCOME_TIMEOUT, true};
  start(&after);
  assert_int_equal(sw_rule_state_restore(&after.st, &flapping), SW_E_OK);
  after.cfg.fail_threshold = 1;
  after.now = T0 + 10 * MIN;
  feed_all(&after, "OC");
  assert_int_equal(after.count, 0);
  after.now += 30 * MIN;
  assert_int_equal(feed(&after, C), SW_RULE_EVENT_FLAPPING_ENDED);
  assert_event(&after.events[0], SW_RULE_EVENT_FLAPPING_ENDED, C, C, 2);

  /* Restored flapping, but flap detection has been turned off since: the
   * next result ends it, or the rule would stay silent for a window. */
  start(&after);
  assert_int_equal(sw_rule_state_restore(&after.st, &flapping), SW_E_OK);
  after.cfg.flap_changes = 0;
  after.now = T0 + 2 * MIN;
  assert_int_equal(feed(&after, C), SW_RULE_EVENT_FLAPPING_ENDED);

  /* Values a damaged store might hold are refused, not trusted. */
  struct sw_rule_state_saved bad = back;
  bad.state = (enum sw_nagios_status)7;
  assert_int_equal(sw_rule_state_restore(&after.st, &bad), SW_E_INVALID_ARGUMENT);
  assert_int_equal(after.st.state, SW_NAGIOS_OK);
  assert_int_equal(after.st.last_result_at, 0);
  bad = back;
  bad.since = -5;
  assert_int_equal(sw_rule_state_restore(&after.st, &bad), SW_E_INVALID_ARGUMENT);
  bad = back;
  bad.last_outcome = SW_OUTCOME_COUNT;
  assert_int_equal(sw_rule_state_restore(&after.st, &bad), SW_E_INVALID_ARGUMENT);
  assert_false(sw_rule_state_from_name("ok", &parsed)); /* exact names only */
  assert_false(sw_rule_state_from_name("DOWN", &parsed));
  assert_true(sw_rule_state_from_name("UNKNOWN", &parsed));
  assert_int_equal(parsed, SW_NAGIOS_UNKNOWN);
}

/* The service feeds check results; their status is the Nagios status. */
static void check_results_are_judged_like_the_plugin(void **state)
{
  (void)state;
  struct sw_rule_state st;
  struct sw_rule_state_config cfg;
  struct sw_rule_state_event ev;
  struct sw_check_result res;
  sw_rule_state_init(&st);
  sw_rule_state_config_defaults(&cfg);
  cfg.fail_threshold = 1;
  sw_check_result_init(&res);

  res.outcome = SW_OUTCOME_OK;
  res.total_us = 3 * SEC; /* slower than warn_ms */
  assert_true(sw_rule_state_feed_result(&st, &cfg, &res, 2000, 5000, T0, &ev));
  assert_int_equal(ev.new_state, SW_NAGIOS_WARNING);
  assert_int_equal(st.last_outcome, SW_OUTCOME_OK);

  res.outcome = SW_OUTCOME_REFUSED;
  assert_true(sw_rule_state_feed_result(&st, &cfg, &res, -1, -1, T0 + MIN, &ev));
  assert_int_equal(ev.new_state, SW_NAGIOS_CRITICAL);
  assert_int_equal(st.last_outcome, SW_OUTCOME_REFUSED);

  res.outcome = SW_OUTCOME_INTERNAL_ERROR;
  assert_true(sw_rule_state_feed_result(&st, &cfg, &res, -1, -1, T0 + 2 * MIN, &ev));
  assert_int_equal(ev.new_state, SW_NAGIOS_UNKNOWN);

  res.outcome = SW_OUTCOME_OK;
  res.total_us = 10000;
  assert_true(sw_rule_state_feed_result(&st, &cfg, &res, 2000, 5000, T0 + 3 * MIN, &ev));
  assert_int_equal(ev.kind, SW_RULE_EVENT_RECOVERED);
  sw_check_result_free(&res);
}

static void configuration_is_checked_and_clamped(void **state)
{
  (void)state;
  struct sw_rule_state_config cfg;
  sw_rule_state_config_defaults(&cfg);
  cfg.fail_threshold = 0;
  assert_false(sw_rule_state_config_valid(&cfg));
  sw_rule_state_config_defaults(&cfg);
  cfg.flap_changes = 1;
  assert_false(sw_rule_state_config_valid(&cfg));
  cfg.flap_changes = SW_RULE_STATE_FLAP_CHANGES_MAX + 1;
  assert_false(sw_rule_state_config_valid(&cfg));
  sw_rule_state_config_defaults(&cfg);
  cfg.flap_window_us = 0;
  assert_false(sw_rule_state_config_valid(&cfg));

  /* Out of range anyway: a threshold of 0 acts as 1, not as "never". */
  struct run r;
  start(&r);
  r.cfg.fail_threshold = 0;
  assert_int_equal(feed(&r, C), SW_RULE_EVENT_CHANGED);
  assert_string_equal(sw_rule_event_name(SW_RULE_EVENT_FLAPPING_STARTED),
                      "flapping_started");
  assert_string_equal(sw_rule_event_name(SW_RULE_EVENT_COUNT), "unknown");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_new_rule_is_ok_and_never_checked),
      cmocka_unit_test(one_failure_between_good_results_is_not_news),
      cmocka_unit_test(two_failures_in_a_row_turn_critical_then_one_ok_recovers),
      cmocka_unit_test(thresholds_apply_to_every_non_ok_status),
      cmocka_unit_test(a_flapping_rule_does_not_flood_the_log),
      cmocka_unit_test(flapping_ends_with_a_change_after_a_calm),
      cmocka_unit_test(slow_changes_are_all_logged),
      cmocka_unit_test(restored_state_goes_on_where_it_left_off),
      cmocka_unit_test(check_results_are_judged_like_the_plugin),
      cmocka_unit_test(configuration_is_checked_and_clamped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
