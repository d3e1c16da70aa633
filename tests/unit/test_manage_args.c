/* The arguments of the management commands: which command a line names,
 * what it carries to the service, and the sentence a user gets for each
 * kind of mistake (before anything is sent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "manage_fixture.h"

static void test_commands_are_recognised(void **state)
{
  (void)state;
  static const char *const words[] = {"rules",       "status",       "history",
                                      "events",      "service",      "notifiers",
                                      "maintenance", "notifications"};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    assert_true(sw_manage_is_command(words[i]));
  assert_false(sw_manage_is_command("check"));
  assert_false(sw_manage_is_command("rule"));

  struct parsed p;
  char *list[] = {"rules", "list"};
  parses_ok(&p, ARGC(list), list);
  assert_int_equal(p.a.verb, SW_MANAGE_RULES_LIST);
  assert_int_equal(p.a.format, SW_TABLE_TEXT);
  assert_string_equal(sw_manage_verb_text(p.a.verb), "rules list");
  done(&p);

  char *info[] = {"service", "info", "--json"};
  parses_ok(&p, ARGC(info), info);
  assert_int_equal(p.a.verb, SW_MANAGE_SERVICE_INFO);
  assert_int_equal(p.a.format, SW_TABLE_JSON);
  done(&p);

  char *status[] = {"status", "--csv"};
  parses_ok(&p, ARGC(status), status);
  assert_int_equal(p.a.verb, SW_MANAGE_STATUS);
  assert_int_equal(p.a.format, SW_TABLE_CSV);
  done(&p);
}

static void test_command_mistakes(void **state)
{
  (void)state;
  struct parsed p;
  char *no_sub[] = {"rules"};
  assert_string_equal(errors_of(&p, ARGC(no_sub), no_sub), "'rules' needs a subcommand.");
  assert_int_equal(p.a.verb, SW_MANAGE_VERB_COUNT);
  done(&p);

  char *bad_sub[] = {"rules", "remove", "3"};
  assert_string_equal(errors_of(&p, ARGC(bad_sub), bad_sub),
                      "'rules remove' is not a command.");
  done(&p);

  char *extra[] = {"status", "3"};
  assert_string_equal(errors_of(&p, ARGC(extra), extra),
                      "Unexpected argument '3': status takes none.");
  done(&p);

  char *both[] = {"rules", "list", "--json", "--csv"};
  assert_string_equal(errors_of(&p, ARGC(both), both),
                      "--json and --csv cannot be used together: pick one.");
  done(&p);

  /* Options belong to their commands: --limit is history's and events'. */
  char *limit[] = {"status", "--limit=5"};
  assert_string_equal(errors_of(&p, ARGC(limit), limit), "Unknown option '--limit=5'.");
  done(&p);

  /* --help needs nothing else and wins over mistakes. */
  char *help[] = {"rules", "edit", "--port", "x", "--help"};
  parses_ok(&p, ARGC(help), help);
  assert_true(p.a.help);
  done(&p);
  char *help_sub[] = {"rules", "--help"};
  parses_ok(&p, ARGC(help_sub), help_sub);
  assert_true(p.a.help);
  done(&p);
}

static void test_rule_ids(void **state)
{
  (void)state;
  struct parsed p;
  char *show[] = {"rules", "show", "42"};
  parses_ok(&p, ARGC(show), show);
  assert_int_equal(p.a.verb, SW_MANAGE_RULES_SHOW);
  assert_int_equal(p.a.rule_id, 42);
  done(&p);

  static const char *const bad[] = {"x", "0", "-1", "3.5", "99999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char *argv[] = {"rules", "delete", "--", (char *)bad[i]};
    char want[160];
    snprintf(want, sizeof want,
             "'%s' is not a rule id: use the number 'smtpwatch rules list' shows.",
             bad[i]);
    assert_string_equal(errors_of(&p, ARGC(argv), argv), want);
    done(&p);
  }

  char *missing[] = {"rules", "enable"};
  assert_string_equal(errors_of(&p, ARGC(missing), missing),
                      "rules enable needs a rule id: the number 'smtpwatch rules list' "
                      "shows.");
  done(&p);

  char *two[] = {"history", "3", "4"};
  assert_string_equal(errors_of(&p, ARGC(two), two),
                      "Only one rule id may be given, but '4' follows '3'.");
  done(&p);
}

static void test_add_takes_host_and_rule_options(void **state)
{
  (void)state;
  struct parsed p;
  char *argv[] = {"rules",        "add", "mail.example.com", "--port", "587",
                  "--interval-s", "300", "--disabled",       "--tls",  "starttls",
                  "--json"};
  parses_ok(&p, ARGC(argv), argv);
  const struct sw_rule *r = &p.a.rule.rule;
  assert_int_equal(p.a.verb, SW_MANAGE_RULES_ADD);
  assert_string_equal(r->host, "mail.example.com");
  assert_string_equal(r->name, "mail.example.com"); /* the host by default */
  assert_int_equal(r->port, 587);
  assert_int_equal(r->interval_s, 300);
  assert_false(r->enabled);
  assert_int_equal(r->tls_mode, SW_TLS_STARTTLS);
  assert_int_equal(p.a.format, SW_TABLE_JSON);
  done(&p);

  char *named[] = {"rules", "add", "--host", "::1", "--name", "Loopback", "-p", "465"};
  parses_ok(&p, ARGC(named), named);
  assert_string_equal(p.a.rule.rule.name, "Loopback");
  assert_int_equal(p.a.rule.rule.tls_mode, SW_TLS_IMPLICIT); /* RFC 8314 */
  done(&p);

  /* What makes a rule valid is the service's to say (field by field); the
   * command line refuses only what it cannot even read. */
  char *invalid[] = {"rules", "add", "--timeout-ms", "5"};
  parses_ok(&p, ARGC(invalid), invalid);
  assert_null(p.a.rule.rule.host);
  done(&p);

  char *insecure[] = {"rules", "add", "mail.example.com", "--insecure"};
  assert_string_equal(errors_of(&p, ARGC(insecure), insecure),
                      "--insecure is about the server's certificate, but TLS is off: add "
                      "--tls starttls, require-starttls or implicit.");
  done(&p);
}

static void test_edit_is_a_patch(void **state)
{
  (void)state;
  struct parsed p;
  char *argv[] = {"rules", "edit", "7", "--port", "587"};
  parses_ok(&p, ARGC(argv), argv);
  assert_int_equal(p.a.verb, SW_MANAGE_RULES_EDIT);
  assert_int_equal(p.a.rule_id, 7);
  assert_int_equal(p.a.rule.given, SW_RULE_FIELD_BIT(SW_RULE_FIELD_PORT));

  struct sw_rule stored;
  sw_rule_init_defaults(&stored);
  stored.id = 7;
  sw_rule_set_string(&stored.name, "Relay");
  sw_rule_set_string(&stored.host, "relay.example.com");
  stored.interval_s = 30;
  struct sw_buf errors;
  sw_buf_init(&errors, 0);
  assert_int_equal(sw_manage_args_edit(&p.a, &stored, &errors), SW_E_OK);
  assert_int_equal(stored.port, 587);
  assert_string_equal(stored.name, "Relay");
  assert_string_equal(stored.host, "relay.example.com");
  assert_int_equal(stored.interval_s, 30);
  done(&p);

  /* A certificate option on a stored rule without TLS. */
  char *days[] = {"rules", "edit", "7", "--cert-crit-days", "3"};
  parses_ok(&p, ARGC(days), days);
  assert_int_equal(sw_manage_args_edit(&p.a, &stored, &errors), SW_E_INVALID_ARGUMENT);
  assert_non_null(strstr(sw_buf_str(&errors), "--cert-crit-days is about the server's"));
  done(&p);
  sw_buf_free(&errors);
  sw_rule_free(&stored);

  /* A script's read-modify-write names the revision it read. */
  char *based[] = {"rules", "edit", "7", "--revision", "4", "--name", "Relay 2"};
  parses_ok(&p, ARGC(based), based);
  assert_int_equal(p.a.revision, 4);
  done(&p);
  char *bad_revision[] = {"rules", "edit", "7", "--revision=0", "--port", "25"};
  assert_string_equal(
      errors_of(&p, ARGC(bad_revision), bad_revision),
      "--revision: '0' is not a revision: use the number 'smtpwatch rules "
      "show' printed.");
  done(&p);
  char *not_add[] = {"rules", "add", "h.example", "--revision", "4"};
  assert_string_equal(errors_of(&p, ARGC(not_add), not_add),
                      "Unknown option '--revision'.\n"
                      "Only one HOST may be given, but '4' follows 'h.example'.");
  done(&p);

  char *nothing[] = {"rules", "edit", "7", "--json"};
  assert_string_equal(errors_of(&p, ARGC(nothing), nothing),
                      "Nothing to change: name the fields to change, as in 'smtpwatch "
                      "rules edit 7 --port 587'.");
  done(&p);
}

static void test_test_takes_an_id_or_a_rule(void **state)
{
  (void)state;
  struct parsed p;
  char *saved[] = {"rules", "test", "3", "-v"};
  parses_ok(&p, ARGC(saved), saved);
  assert_int_equal(p.a.verb, SW_MANAGE_RULES_TEST);
  assert_int_equal(p.a.rule_id, 3);
  assert_true(p.a.verbose);
  done(&p);

  char *unsaved[] = {"rules", "test", "--host", "127.0.0.1", "-p", "2525", "--json"};
  parses_ok(&p, ARGC(unsaved), unsaved);
  assert_int_equal(p.a.rule_id, 0);
  assert_string_equal(p.a.rule.rule.host, "127.0.0.1");
  assert_string_equal(p.a.rule.rule.name, "127.0.0.1");
  assert_int_equal(p.a.rule.rule.port, 2525);
  done(&p);

  char *both[] = {"rules", "test", "3", "--port", "25"};
  assert_string_equal(errors_of(&p, ARGC(both), both),
                      "rules test takes a rule id or rule options (--host HOST ...) for "
                      "a rule not saved, not both.");
  done(&p);

  char *no_host[] = {"rules", "test", "--port", "25"};
  assert_string_equal(errors_of(&p, ARGC(no_host), no_host),
                      "--host is missing: name the SMTP server to test (or --domain, a "
                      "mail domain).");
  done(&p);

  char *neither[] = {"rules", "test"};
  assert_string_equal(errors_of(&p, ARGC(neither), neither),
                      "rules test needs a rule id: the number 'smtpwatch rules list' "
                      "shows (or --host HOST for a rule not saved).");
  done(&p);

  /* A stored rule's name and interval are not the test's business. */
  char *managed[] = {"rules", "test", "--host", "h.example", "--interval-s=5"};
  assert_string_equal(errors_of(&p, ARGC(managed), managed),
                      "Unknown option '--interval-s=5'.");
  done(&p);

  char *as_csv[] = {"rules", "test", "3", "--csv"};
  assert_string_equal(errors_of(&p, ARGC(as_csv), as_csv),
                      "--csv: rules test prints one result; use --json.");
  done(&p);
}

static void test_paging(void **state)
{
  (void)state;
  struct parsed p;
  char *first[] = {"history", "5"};
  parses_ok(&p, ARGC(first), first);
  assert_int_equal(p.a.rule_id, 5);
  assert_int_equal(p.a.limit, SW_MANAGE_DEFAULT_LIMIT);
  assert_false(p.a.has_before);
  done(&p);

  char *next[] = {"history", "5", "--limit=50", "--before", "1714567890123:4567"};
  parses_ok(&p, ARGC(next), next);
  assert_int_equal(p.a.limit, 50);
  assert_true(p.a.has_before);
  assert_int_equal(p.a.before_at, INT64_C(1714567890123));
  assert_int_equal(p.a.before, 4567);
  done(&p);

  char *events[] = {"events", "-n", "1000", "--before", "812"};
  parses_ok(&p, ARGC(events), events);
  assert_int_equal(p.a.limit, 1000);
  assert_int_equal(p.a.before, 812);
  done(&p);

  char *bad_limit[] = {"events", "--limit", "1001"};
  assert_string_equal(errors_of(&p, ARGC(bad_limit), bad_limit),
                      "--limit: '1001' is not a number from 1 to 1000.");
  done(&p);

  /* An events key is not a history cursor, nor the other way round. */
  static const char *const bad_history[] = {"812", "a:1", "1:", ":1", "1:0", "1:2:3"};
  for (size_t i = 0; i < sizeof bad_history / sizeof bad_history[0]; i++) {
    char *argv[] = {"history", "5", "--before", (char *)bad_history[i]};
    assert_non_null(strstr(errors_of(&p, ARGC(argv), argv), "is not a cursor"));
    done(&p);
  }
  char *bad_events[] = {"events", "--before", "1:2"};
  assert_string_equal(errors_of(&p, ARGC(bad_events), bad_events),
                      "--before: '1:2' is not a cursor: use the value the previous page "
                      "suggested.");
  done(&p);

  char text[48];
  int64_t at, id;
  sw_manage_cursor_format(INT64_C(1714567890123), 4567, text, sizeof text);
  assert_string_equal(text, "1714567890123:4567");
  assert_true(sw_manage_cursor_parse(text, &at, &id));
  assert_int_equal(at, INT64_C(1714567890123));
  assert_int_equal(id, 4567);
}

static void test_notifier_commands(void **state)
{
  (void)state;
  struct parsed p;
  char *add[] = {"notifiers",
                 "add",
                 "ops",
                 "--email",
                 "ops@example.com, b@example.com",
                 "--relay",
                 "mx1,mx2:587",
                 "--auth-user",
                 "alerts",
                 "--auth-password-file",
                 "C:\\pw.txt"};
  parses_ok(&p, ARGC(add), add);
  assert_int_equal(p.a.verb, SW_MANAGE_NOTIFIERS_ADD);
  assert_string_equal(p.a.notifier, "ops");
  const struct sw_notifier *n = &p.a.alert.notifier.n;
  assert_string_equal(n->name, "ops");
  assert_int_equal(n->kind, SW_NOTIFIER_EMAIL);
  assert_int_equal(n->to_count, 2);
  assert_string_equal(n->to[1], "b@example.com"); /* spaces dropped */
  assert_int_equal(n->relay_count, 2);
  assert_string_equal(p.a.alert.notifier.auth_password_file, "C:\\pw.txt");
  done(&p);

  char *show[] = {"notifiers", "show", "ops", "--json"};
  parses_ok(&p, ARGC(show), show);
  assert_int_equal(p.a.verb, SW_MANAGE_NOTIFIERS_SHOW);
  assert_int_equal(p.a.format, SW_TABLE_JSON);
  done(&p);

  char *noname[] = {"notifiers", "test"};
  assert_non_null(strstr(errors_of(&p, ARGC(noname), noname),
                         "notifiers test needs a notifier's name"));
  done(&p);
  char *two[] = {"notifiers", "delete", "a", "b"};
  assert_non_null(strstr(errors_of(&p, ARGC(two), two),
                         "Only one notifier name may be given, but 'b' follows 'a'."));
  done(&p);
  char *kindless[] = {"notifiers", "add", "ops"};
  assert_non_null(
      strstr(errors_of(&p, ARGC(kindless), kindless), "Say what the notifier does"));
  done(&p);
  /* notifiers list takes no notifier options, nor a name */
  char *listopt[] = {"notifiers", "list", "--email", "x@example.com"};
  assert_non_null(strstr(errors_of(&p, ARGC(listopt), listopt), "--email"));
  done(&p);
  char *as_csv[] = {"notifiers", "test", "ops", "--csv"};
  assert_non_null(strstr(errors_of(&p, ARGC(as_csv), as_csv), "use --json"));
  done(&p);
  char *del[] = {"notifiers", "delete", "ops", "--json"};
  assert_non_null(strstr(errors_of(&p, ARGC(del), del), "prints one sentence"));
  done(&p);
}

static void test_maintenance_commands(void **state)
{
  (void)state;
  struct parsed p;
  char *once[] = {"maintenance", "add",
                  "--rule",      "7",
                  "--from",      "2026-12-24 18:00",
                  "--until",     "2026-12-24T20:00Z",
                  "--comment",   "patching"};
  parses_ok(&p, ARGC(once), once);
  assert_int_equal(p.a.verb, SW_MANAGE_MAINTENANCE_ADD);
  assert_int_equal(p.a.alert.maint.rule_id, 7);
  assert_false(p.a.alert.maint.from.utc);
  assert_true(p.a.alert.maint.until.utc);
  assert_string_equal(p.a.alert.comment, "patching");
  done(&p);

  char *weekly[] = {"maintenance", "add", "--all", "--weekly", "Sun 02:00-04:00"};
  parses_ok(&p, ARGC(weekly), weekly);
  assert_true(p.a.alert.maint.all);
  assert_true(p.a.alert.maint.weekly_given);
  done(&p);

  char *noscope[] = {"maintenance", "add", "--weekly", "Sun 02:00-04:00"};
  assert_non_null(strstr(errors_of(&p, ARGC(noscope), noscope), "--rule RULE or --all"));
  done(&p);

  char *del[] = {"maintenance", "delete", "12"};
  parses_ok(&p, ARGC(del), del);
  assert_int_equal(p.a.verb, SW_MANAGE_MAINTENANCE_DELETE);
  assert_int_equal(p.a.maintenance_id, 12);
  done(&p);
  char *badid[] = {"maintenance", "delete", "x"};
  assert_non_null(strstr(errors_of(&p, ARGC(badid), badid), "'x' is not a window id"));
  done(&p);
  char *noid[] = {"maintenance", "delete"};
  assert_non_null(
      strstr(errors_of(&p, ARGC(noid), noid), "maintenance delete needs a window id"));
  done(&p);
  char *list[] = {"maintenance", "list", "--csv"};
  parses_ok(&p, ARGC(list), list);
  assert_int_equal(p.a.verb, SW_MANAGE_MAINTENANCE_LIST);
  assert_int_equal(p.a.format, SW_TABLE_CSV);
  done(&p);
}

static void test_notifications_and_acks(void **state)
{
  (void)state;
  struct parsed p;
  char *page[] = {"notifications", "--limit", "5", "--before", "812"};
  parses_ok(&p, ARGC(page), page);
  assert_int_equal(p.a.verb, SW_MANAGE_NOTIFICATIONS);
  assert_int_equal(p.a.limit, 5);
  assert_true(p.a.has_before);
  assert_int_equal(p.a.before, 812);
  done(&p);
  char *badbefore[] = {"notifications", "--before", "1:2"};
  assert_non_null(strstr(errors_of(&p, ARGC(badbefore), badbefore), "is not a cursor"));
  done(&p);

  char *ack[] = {"rules", "ack", "3", "--comment", "on it"};
  parses_ok(&p, ARGC(ack), ack);
  assert_int_equal(p.a.verb, SW_MANAGE_RULES_ACK);
  assert_int_equal(p.a.rule_id, 3);
  assert_string_equal(p.a.alert.comment, "on it");
  done(&p);
  char *unack[] = {"rules", "unack", "3"};
  parses_ok(&p, ARGC(unack), unack);
  assert_int_equal(p.a.verb, SW_MANAGE_RULES_UNACK);
  done(&p);
  char *noid[] = {"rules", "ack"};
  assert_non_null(strstr(errors_of(&p, ARGC(noid), noid), "rules ack needs a rule id"));
  done(&p);
  char *unack_comment[] = {"rules", "unack", "3", "--comment", "x"};
  assert_non_null(strstr(errors_of(&p, ARGC(unack_comment), unack_comment), "--comment"));
  done(&p);
  char *as_json[] = {"rules", "ack", "3", "--json"};
  assert_non_null(strstr(errors_of(&p, ARGC(as_json), as_json), "prints one sentence"));
  done(&p);
}

static void test_rule_alert_options(void **state)
{
  (void)state;
  struct parsed p;
  char *add[] = {"rules",    "add",          "mail.example.com",
                 "--notify", "ops,teams",    "--notify-after-s",
                 "300",      "--depends-on", "2"};
  parses_ok(&p, ARGC(add), add);
  assert_int_equal(p.a.verb, SW_MANAGE_RULES_ADD);
  assert_string_equal(p.a.rule.rule.host, "mail.example.com");
  const struct sw_rule_alert_args *r = &p.a.alert.rule;
  assert_int_equal(r->given,
                   SW_RULE_ALERT_NOTIFY | SW_RULE_ALERT_AFTER | SW_RULE_ALERT_DEPENDS);
  assert_int_equal(r->notify_count, 2);
  assert_string_equal(r->notify[1], "teams");
  assert_int_equal(r->policy.after_s, 300);
  assert_int_equal(r->depends_on, 2);
  done(&p);

  /* Only alert options: a valid edit that changes no rule field. */
  char *edit[] = {"rules", "edit", "4", "--renotify-s", "3600"};
  parses_ok(&p, ARGC(edit), edit);
  assert_int_equal(p.a.rule.given, 0);
  assert_int_equal(p.a.alert.rule.given, SW_RULE_ALERT_RENOTIFY);
  done(&p);
  char *nothing[] = {"rules", "edit", "4"};
  assert_non_null(strstr(errors_of(&p, ARGC(nothing), nothing), "Nothing to change"));
  done(&p);
  char *bad[] = {"rules", "edit", "4", "--notify-on", "down"};
  assert_non_null(strstr(errors_of(&p, ARGC(bad), bad), "--notify-on: 'down'"));
  done(&p);
  /* rules test has no notifications */
  char *test[] = {"rules", "test", "4", "--notify", "ops"};
  assert_non_null(strstr(errors_of(&p, ARGC(test), test), "--notify"));
  done(&p);
}

static void test_usage_texts(void **state)
{
  (void)state;
  static const char *const commands[] = {"rules",       "status",        "history",
                                         "events",      "service",       "notifiers",
                                         "maintenance", "notifications", NULL};
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    const char *u = sw_manage_usage(commands[i]);
    if (commands[i] && !strstr(u, commands[i]))
      fail_msg("the usage of %s does not name it", commands[i]);
    if (commands[i] && !strstr(u, "Exit codes"))
      fail_msg("the usage of %s does not give the exit codes", commands[i]);
    for (const char *line = u; *line;) {
      const char *nl = strchr(line, '\n');
      assert_non_null(nl);
      assert_true(nl - line < 80);
      line = nl + 1;
    }
  }
  /* Every alert option is documented with its command. */
  static const struct {
    const char *command;
    enum sw_alert_opts_for what;
  } alert_usages[] = {
      {"notifiers", SW_ALERT_OPTS_NOTIFIER},
      {"maintenance", SW_ALERT_OPTS_MAINTENANCE},
      {"rules", SW_ALERT_OPTS_ACK},
      {"rules", SW_ALERT_OPTS_RULE},
  };
  for (size_t i = 0; i < sizeof alert_usages / sizeof alert_usages[0]; i++) {
    for (const struct sw_arg_opt *ao = sw_alert_args_options(alert_usages[i].what);
         ao->long_name; ao++) {
      char word[40];
      snprintf(word, sizeof word, "--%s", ao->long_name);
      if (!strstr(sw_manage_usage(alert_usages[i].command), word))
        fail_msg("%s usage does not mention %s", alert_usages[i].command, word);
    }
  }
  /* The list of every command names the new ones. */
  assert_non_null(strstr(sw_manage_usage(NULL), "notifiers list|show|add|delete|test"));
  assert_non_null(strstr(sw_manage_usage(NULL), "rules list|show|add|edit|delete|enable|"
                                                "disable|test|ack|unack"));
  /* Every option the rules commands accept is documented. */
  const char *u = sw_manage_usage("rules");
  const struct sw_arg_opt *o = sw_rule_args_options(true);
  for (; o->long_name; o++) {
    char word[40];
    snprintf(word, sizeof word, "--%s", o->long_name);
    if (!strstr(u, word))
      fail_msg("rules usage does not mention %s", word);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_commands_are_recognised),
      cmocka_unit_test(test_command_mistakes),
      cmocka_unit_test(test_rule_ids),
      cmocka_unit_test(test_add_takes_host_and_rule_options),
      cmocka_unit_test(test_edit_is_a_patch),
      cmocka_unit_test(test_test_takes_an_id_or_a_rule),
      cmocka_unit_test(test_paging),
      cmocka_unit_test(test_notifier_commands),
      cmocka_unit_test(test_maintenance_commands),
      cmocka_unit_test(test_notifications_and_acks),
      cmocka_unit_test(test_rule_alert_options),
      cmocka_unit_test(test_usage_texts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
