/* The alert commands' options (alert_args.h) as a user types them: a
 * notifier of each kind, a maintenance window, a rule's notification
 * settings, and the sentence for each kind of mistake. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "alert_args.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct walked {
  struct sw_alert_args a;
  struct sw_arg_errors e;
};

static void on_arg(void *ctx, const struct sw_arg_opt *o, const char *value)
{
  struct walked *w = ctx;
  if (o)
    sw_alert_args_apply(&w->a, o, value, &w->e);
  else
    sw_arg_fail(&w->e, "positional '%s'", value);
}

/* Walks argv with the options of `what`, then settles; returns the
 * sentences ("" if none). */
static const char *walk(struct walked *w, enum sw_alert_opts_for what, int argc,
                        char **argv)
{
  sw_alert_args_init(&w->a);
  sw_arg_errors_init(&w->e);
  const struct sw_arg_opt *tables[] = {sw_alert_args_options(what), NULL};
  sw_arg_walk(argc, argv, 0, tables, on_arg, w, &w->e);
  sw_alert_args_settle(&w->a, what, "Ops mail", &w->e);
  assert_int_equal(w->e.nomem, SW_E_OK);
  return sw_buf_str(&w->e.text);
}

static void done(struct walked *w)
{
  sw_alert_args_free(&w->a);
  sw_arg_errors_free(&w->e);
}

static void test_an_email_notifier(void **state)
{
  (void)state;
  struct walked w;
  char *argv[] = {"--email",
                  "ops@example.com,oncall@example.com",
                  "--relay",
                  "mx1.example.com,[2001:db8::25]:587",
                  "--from",
                  "smtpwatch@example.com",
                  "--tls",
                  "require-starttls",
                  "--auth-user",
                  "alerts",
                  "--auth-password-file",
                  "C:\\secret.txt"};
  assert_string_equal(walk(&w, SW_ALERT_OPTS_NOTIFIER, ARGC(argv), argv), "");
  const struct sw_notifier *n = &w.a.notifier.n;
  assert_int_equal(n->kind, SW_NOTIFIER_EMAIL);
  assert_string_equal(n->name, "Ops mail");
  assert_int_equal(n->to_count, 2);
  assert_string_equal(n->to[1], "oncall@example.com");
  assert_int_equal(n->relay_count, 2);
  assert_string_equal(n->relays[1].host, "2001:db8::25");
  assert_int_equal(n->relays[1].port, 587);
  assert_int_equal(n->relays[0].port, 25);
  assert_int_equal(n->tls_mode, SW_TLS_REQUIRE_STARTTLS);
  assert_true(n->has_auth_password);
  assert_string_equal(w.a.notifier.auth_password_file, "C:\\secret.txt");
  done(&w);
}

static void test_the_other_kinds(void **state)
{
  (void)state;
  struct walked w;
  char *hook[] = {"--webhook", "https://example.webhook.office.com/x?sig=1", "--format",
                  "teams"};
  assert_string_equal(walk(&w, SW_ALERT_OPTS_NOTIFIER, ARGC(hook), hook), "");
  assert_int_equal(w.a.notifier.n.kind, SW_NOTIFIER_WEBHOOK);
  assert_int_equal(w.a.notifier.n.format, SW_WEBHOOK_TEAMS);
  done(&w);

  char *prog[] = {"--program", "C:\\Tools\\page.exe --urgent", "--timeout-s", "30"};
  assert_string_equal(walk(&w, SW_ALERT_OPTS_NOTIFIER, ARGC(prog), prog), "");
  assert_int_equal(w.a.notifier.n.kind, SW_NOTIFIER_PROGRAM);
  assert_int_equal(w.a.notifier.n.timeout_s, 30);
  done(&w);

  char *svc[] = {"--restart-service", "SMTPSVC"};
  assert_string_equal(walk(&w, SW_ALERT_OPTS_NOTIFIER, ARGC(svc), svc), "");
  assert_int_equal(w.a.notifier.n.kind, SW_NOTIFIER_RESTART_SERVICE);
  assert_string_equal(w.a.notifier.n.service_name, "SMTPSVC");
  done(&w);
}

static void test_notifier_mistakes_are_sentences(void **state)
{
  (void)state;
  struct walked w;
  char *none[] = {"--from", "a@example.com"};
  assert_non_null(strstr(walk(&w, SW_ALERT_OPTS_NOTIFIER, ARGC(none), none),
                         "Say what the notifier does"));
  done(&w);

  char *two[] = {"--webhook", "https://example.com/x", "--program", "x.exe"};
  assert_non_null(strstr(walk(&w, SW_ALERT_OPTS_NOTIFIER, ARGC(two), two),
                         "--webhook and --program cannot be used together"));
  done(&w);

  char *norelay[] = {"--email", "ops@example.com"};
  assert_non_null(strstr(walk(&w, SW_ALERT_OPTS_NOTIFIER, ARGC(norelay), norelay),
                         "--relay is missing"));
  done(&w);

  char *empty[] = {"--email", "a@example.com,,b@example.com", "--relay", "mx"};
  assert_non_null(
      strstr(walk(&w, SW_ALERT_OPTS_NOTIFIER, ARGC(empty), empty), "address is empty"));
  done(&w);

  char *plain[] = {"--webhook", "http://example.com/x"};
  assert_non_null(strstr(walk(&w, SW_ALERT_OPTS_NOTIFIER, ARGC(plain), plain), "https"));
  done(&w);

  char *stray[] = {"--program", "x.exe", "--format", "slack", "--relay", "mx"};
  const char *said = walk(&w, SW_ALERT_OPTS_NOTIFIER, ARGC(stray), stray);
  assert_non_null(strstr(said, "--format goes with --webhook only"));
  assert_non_null(strstr(said, "go with --email only"));
  done(&w);

  char *timeout[] = {"--program", "x.exe", "--timeout-s", "3601"};
  assert_non_null(
      strstr(walk(&w, SW_ALERT_OPTS_NOTIFIER, ARGC(timeout), timeout),
             "--timeout-s: '3601' is not a number of seconds from 0 to 3600"));
  done(&w);
}

static void test_maintenance_windows(void **state)
{
  (void)state;
  struct walked w;
  char *weekly[] = {"--all", "--weekly", "Sun 02:00-04:00", "--comment", "patching"};
  assert_string_equal(walk(&w, SW_ALERT_OPTS_MAINTENANCE, ARGC(weekly), weekly), "");
  assert_true(w.a.maint.all);
  assert_true(w.a.maint.weekly_given);
  assert_int_equal(w.a.maint.weekly.days, 1u << 0);
  assert_int_equal(w.a.maint.weekly.start_min, 120);
  assert_string_equal(w.a.comment, "patching");
  done(&w);

  char *once[] = {"--rule",           "7",       "--from",
                  "2026-12-24 18:00", "--until", "2026-12-27T08:30:15"};
  assert_string_equal(walk(&w, SW_ALERT_OPTS_MAINTENANCE, ARGC(once), once), "");
  assert_int_equal(w.a.maint.rule_id, 7);
  assert_false(w.a.maint.from.utc);
  /* 2026-12-24 is day 20811 of the Unix epoch. */
  assert_int_equal(w.a.maint.from.civil_s, INT64_C(20811) * 86400 + 18 * 3600);
  assert_int_equal(w.a.maint.until.civil_s,
                   INT64_C(20814) * 86400 + 8 * 3600 + 30 * 60 + 15);
  done(&w);

  char *utc[] = {"--rule",           "7", "--from", "2026-03-29T00:30Z", "--until",
                 "2026-03-29T01:30Z"};
  assert_string_equal(walk(&w, SW_ALERT_OPTS_MAINTENANCE, ARGC(utc), utc), "");
  assert_true(w.a.maint.from.utc && w.a.maint.until.utc);
  done(&w);
}

static void test_maintenance_mistakes_are_sentences(void **state)
{
  (void)state;
  struct walked w;
  char *noscope[] = {"--weekly", "Sun 02:00-04:00"};
  assert_non_null(strstr(walk(&w, SW_ALERT_OPTS_MAINTENANCE, ARGC(noscope), noscope),
                         "--rule RULE or --all"));
  done(&w);

  char *both[] = {"--all", "--rule", "3", "--weekly", "Sun 02:00-04:00"};
  assert_non_null(strstr(walk(&w, SW_ALERT_OPTS_MAINTENANCE, ARGC(both), both),
                         "--rule RULE or --all"));
  done(&w);

  char *half[] = {"--all", "--from", "2026-12-24 18:00"};
  assert_non_null(strstr(walk(&w, SW_ALERT_OPTS_MAINTENANCE, ARGC(half), half),
                         "needs both --from and --until"));
  done(&w);

  char *backwards[] = {"--all", "--from", "2026-12-24 18:00", "--until",
                       "2026-12-24 17:00"};
  assert_non_null(strstr(walk(&w, SW_ALERT_OPTS_MAINTENANCE, ARGC(backwards), backwards),
                         "--until must be later"));
  done(&w);

  char *bad[] = {"--all", "--from", "2026-02-30 18:00", "--until", "24.12.2026"};
  const char *said = walk(&w, SW_ALERT_OPTS_MAINTENANCE, ARGC(bad), bad);
  assert_non_null(strstr(said, "--from: '2026-02-30 18:00' is not a time"));
  assert_non_null(strstr(said, "--until: '24.12.2026' is not a time"));
  done(&w);

  char *weekly[] = {"--all", "--weekly", "Sun 2-4"};
  assert_non_null(
      strstr(walk(&w, SW_ALERT_OPTS_MAINTENANCE, ARGC(weekly), weekly), "--weekly: "));
  done(&w);

  char *comment[] = {"--all", "--weekly", "Sun 02:00-04:00", "--comment", "a\nb"};
  assert_non_null(strstr(walk(&w, SW_ALERT_OPTS_MAINTENANCE, ARGC(comment), comment),
                         "--comment: one line"));
  done(&w);
}

static void test_a_rules_notification_settings(void **state)
{
  (void)state;
  struct walked w;
  char *argv[] = {"--notify",         "Ops mail,Teams",
                  "--notify-on",      "critical,Recovered",
                  "--notify-after-s", "300",
                  "--renotify-s",     "3600",
                  "--depends-on",     "12"};
  assert_string_equal(walk(&w, SW_ALERT_OPTS_RULE, ARGC(argv), argv), "");
  const struct sw_rule_alert_args *r = &w.a.rule;
  assert_int_equal(r->given, SW_RULE_ALERT_NOTIFY | SW_RULE_ALERT_ON |
                                 SW_RULE_ALERT_AFTER | SW_RULE_ALERT_RENOTIFY |
                                 SW_RULE_ALERT_DEPENDS);
  assert_int_equal(r->notify_count, 2);
  assert_string_equal(r->notify[1], "Teams");
  assert_int_equal(r->policy.on, SW_ALERT_ON_CRITICAL | SW_ALERT_ON_RECOVERED);
  assert_int_equal(r->policy.after_s, 300);
  assert_int_equal(r->policy.renotify_s, 3600);
  assert_int_equal(r->depends_on, 12);
  done(&w);

  /* Empty values clear: the default notifiers, no parent. */
  char *clear[] = {"--notify", "", "--depends-on", ""};
  assert_string_equal(walk(&w, SW_ALERT_OPTS_RULE, ARGC(clear), clear), "");
  assert_int_equal(w.a.rule.notify_count, 0);
  assert_int_equal(w.a.rule.depends_on, 0);
  assert_int_equal(w.a.rule.given, SW_RULE_ALERT_NOTIFY | SW_RULE_ALERT_DEPENDS);
  done(&w);

  char *bad[] = {"--notify-on", "critical,down", "--depends-on",
                 "x",           "--renotify-s",  "-5"};
  const char *said = walk(&w, SW_ALERT_OPTS_RULE, ARGC(bad), bad);
  assert_non_null(strstr(said, "--notify-on: 'down' is not one of critical"));
  assert_non_null(strstr(said, "--depends-on: 'x' is not a rule id"));
  assert_non_null(strstr(said, "--renotify-s: '-5' is not a number of seconds"));
  done(&w);
}

static void test_notify_on_text_round_trips(void **state)
{
  (void)state;
  char text[SW_ALERT_ON_TEXT_MAX], why[128];
  for (unsigned on = 0; on <= SW_ALERT_ON_ALL; on++) {
    uint8_t back = 0xFF;
    sw_alert_on_text((uint8_t)on, text, sizeof text);
    assert_true(sw_alert_on_parse(text, &back, why, sizeof why));
    assert_int_equal(back, on);
  }
  sw_alert_on_text(SW_ALERT_ON_ALL, text, sizeof text);
  assert_string_equal(text, "critical,warning,recovered,flapping");
  uint8_t on;
  assert_true(sw_alert_on_parse(" critical , recovered", &on, why, sizeof why));
  assert_int_equal(on, SW_ALERT_ON_CRITICAL | SW_ALERT_ON_RECOVERED);
  assert_false(sw_alert_on_parse("warning,warning", &on, why, sizeof why));
  assert_string_equal(why, "'warning' is named twice.");
  assert_false(sw_alert_on_parse("", &on, why, sizeof why));
  assert_false(sw_alert_on_parse("critical,", &on, why, sizeof why));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_an_email_notifier),
      cmocka_unit_test(test_the_other_kinds),
      cmocka_unit_test(test_notifier_mistakes_are_sentences),
      cmocka_unit_test(test_maintenance_windows),
      cmocka_unit_test(test_maintenance_mistakes_are_sentences),
      cmocka_unit_test(test_a_rules_notification_settings),
      cmocka_unit_test(test_notify_on_text_round_trips),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
