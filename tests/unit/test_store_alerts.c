/* The store's alert tables on real SQLite files: notifiers of every kind
 * round-trip without their secrets in lists, and a bad one is refused with
 * the validator's sentence and nothing written; a rule's alert settings,
 * its dependency (never a loop) and its notifiers; what was told and the
 * acknowledgement survive a reopen; maintenance windows; the outbox keeps
 * a notification pending across a close between enqueue and attempt, lists
 * what is due oldest first within its bound, records every attempt, and
 * prunes only finished rows; deleting a rule or a notifier takes what
 * refers to it. */
#include "store_fixture.h"

#include "store_alerts.h"

#define SECRET "\x01\x00\xfe secret bytes"
#define SECRET_LEN (sizeof SECRET - 1)

static const char *last_message(struct sw_store *st)
{
  return sw_store_last_error(st)->message;
}

/* Asserts that `err` is `expected` and the log's sentence has `says`. */
static void expect_refused(struct sw_store *st, enum sw_store_error err,
                           enum sw_store_error expected, const char *says)
{
  if (err != expected)
    fail_msg("expected %s, got %s: %s", sw_store_error_name(expected),
             sw_store_error_name(err), last_message(st));
  if (!strstr(last_message(st), says))
    fail_msg("\"%s\" does not say \"%s\"", last_message(st), says);
}

static int count_rows(const char *db, const char *table)
{
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
  return atoi(fx_peek(db, sql));
}

static struct sw_store_notifier_input email_input(const char *name)
{
  return (struct sw_store_notifier_input){
      .name = name,
      .kind = SW_NOTIFIER_EMAIL,
      .to = "ops@example.com, oncall@example.org",
      .relays = "mx1.example.com,mx2.example.com:587",
      .from = "smtpwatch@example.com",
      .tls_mode = SW_TLS_REQUIRE_STARTTLS,
      .auth_user = "alerts",
      .secret = SECRET,
      .secret_len = SECRET_LEN,
  };
}

static struct sw_store_notifier_input program_input(const char *name)
{
  return (struct sw_store_notifier_input){
      .name = name,
      .kind = SW_NOTIFIER_PROGRAM,
      .command_line = "C:\\Tools\\page.cmd --urgent",
      .timeout_s = 30,
  };
}

static int64_t add_notifier(struct sw_store *st, const struct sw_store_notifier_input *in)
{
  int64_t id = 0;
  fx_expect_ok(st, sw_store_notifier_add(st, in, FX_NOW_MS, &id));
  assert_true(id > 0);
  return id;
}

static void test_notifiers_round_trip_without_secrets_in_lists(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  struct sw_store_notifier_input mail = email_input("Ops mail");
  int64_t mail_id = add_notifier(st, &mail);
  static const char url[] = "https://hooks.example.com/workflows/abc?sig=TOKEN";
  struct sw_store_notifier_input hook = {.name = "Teams",
                                         .kind = SW_NOTIFIER_WEBHOOK,
                                         .url = url,
                                         .format = SW_WEBHOOK_TEAMS,
                                         .secret = url,
                                         .secret_len = sizeof url - 1};
  int64_t hook_id = add_notifier(st, &hook);
  struct sw_store_notifier_input prog = program_input("pager");
  prog.secret = SECRET; /* a program has no secret: not kept */
  prog.secret_len = SECRET_LEN;
  add_notifier(st, &prog);
  struct sw_store_notifier_input svc = {.name = "Restart SMTP",
                                        .kind = SW_NOTIFIER_RESTART_SERVICE,
                                        .service_name = "SMTPSVC"};
  add_notifier(st, &svc);

  struct sw_store_notifier n;
  fx_expect_ok(st, sw_store_notifier_get(st, mail_id, &n));
  assert_string_equal(n.name, "Ops mail");
  assert_int_equal(n.kind, SW_NOTIFIER_EMAIL);
  assert_string_equal(n.to, "ops@example.com, oncall@example.org");
  assert_string_equal(n.relays, "mx1.example.com,mx2.example.com:587");
  assert_string_equal(n.from, "smtpwatch@example.com");
  assert_int_equal(n.tls_mode, SW_TLS_REQUIRE_STARTTLS);
  assert_string_equal(n.auth_user, "alerts");
  assert_true(n.has_secret);
  assert_int_equal(n.revision, 1);
  assert_int_equal(n.created_at_ms, FX_NOW_MS);
  sw_store_notifier_free(&n);

  /* By name, whatever the case; the webhook shows only scheme and host. */
  fx_expect_ok(st, sw_store_notifier_get_by_name(st, "TEAMS", &n));
  assert_int_equal(n.id, hook_id);
  assert_int_equal(n.format, SW_WEBHOOK_TEAMS);
  assert_string_equal(n.url_shown, "https://hooks.example.com/...");
  assert_null(strstr(n.url_shown, "TOKEN"));
  sw_store_notifier_free(&n);
  /* The token is nowhere in the file but in the secret blob. */
  assert_string_equal(fx_peek(fx->db, "SELECT count(*) FROM notifiers WHERE "
                                      "url_shown LIKE '%TOKEN%' OR email_to LIKE "
                                      "'%TOKEN%' OR command_line LIKE '%TOKEN%'"),
                      "0");
  void *secret;
  size_t len;
  fx_expect_ok(st, sw_store_notifier_secret(st, hook_id, &secret, &len));
  assert_int_equal(len, sizeof url - 1);
  assert_memory_equal(secret, url, len);
  free(secret);
  fx_expect_ok(st, sw_store_notifier_secret(st, mail_id, &secret, &len));
  assert_int_equal(len, SECRET_LEN);
  assert_memory_equal(secret, SECRET, SECRET_LEN);
  free(secret);

  /* Listed by name; each kind keeps its own settings only. */
  struct sw_store_notifier_list l;
  fx_expect_ok(st, sw_store_notifier_list(st, &l));
  assert_int_equal(l.count, 4);
  assert_string_equal(l.items[0].name, "Ops mail");
  assert_string_equal(l.items[1].name, "pager");
  assert_string_equal(l.items[1].command_line, "C:\\Tools\\page.cmd --urgent");
  assert_int_equal(l.items[1].timeout_s, 30);
  assert_false(l.items[1].has_secret);
  assert_string_equal(l.items[2].name, "Restart SMTP");
  assert_string_equal(l.items[2].service_name, "SMTPSVC");
  assert_string_equal(l.items[2].to, "");
  assert_string_equal(l.items[3].name, "Teams");
  sw_store_notifier_list_free(&l);

  /* An update replaces everything: e-mail to program leaves no relay. */
  struct sw_store_notifier_input changed = program_input("Ops mail");
  changed.is_default = true;
  fx_expect_ok(st, sw_store_notifier_update(st, mail_id, &changed, FX_NOW_MS + 5));
  fx_expect_ok(st, sw_store_notifier_get(st, mail_id, &n));
  assert_int_equal(n.kind, SW_NOTIFIER_PROGRAM);
  assert_true(n.is_default);
  assert_string_equal(n.relays, "");
  assert_string_equal(n.to, "");
  assert_false(n.has_secret);
  assert_int_equal(n.revision, 2);
  assert_int_equal(n.updated_at_ms, FX_NOW_MS + 5);
  assert_int_equal(n.created_at_ms, FX_NOW_MS);
  sw_store_notifier_free(&n);
  assert_int_equal(sw_store_notifier_update(st, 999, &changed, FX_NOW_MS),
                   SW_STORE_NOT_FOUND);
  assert_int_equal(sw_store_notifier_get(st, 999, &n), SW_STORE_NOT_FOUND);
  expect_refused(st, sw_store_notifier_get_by_name(st, "nobody", &n), SW_STORE_NOT_FOUND,
                 "no notifier named \"nobody\"");
  sw_store_close(st);
}

static void test_bad_notifiers_are_refused_and_nothing_is_written(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  struct sw_store_notifier_input in = email_input("Ops");
  int64_t ops = add_notifier(st, &in);
  int64_t id = 77;

  in = email_input("Bad address");
  in.to = "ops@example.com,not an address";
  expect_refused(st, sw_store_notifier_add(st, &in, FX_NOW_MS, &id),
                 SW_STORE_INVALID_INPUT, "not an address");
  assert_int_equal(id, 0);
  in = email_input("No relay");
  in.relays = "";
  expect_refused(st, sw_store_notifier_add(st, &in, FX_NOW_MS, NULL),
                 SW_STORE_INVALID_INPUT, "host:port");
  in = email_input("AUTH without password");
  in.secret = NULL;
  in.secret_len = 0;
  expect_refused(st, sw_store_notifier_add(st, &in, FX_NOW_MS, NULL),
                 SW_STORE_INVALID_INPUT, "password");
  struct sw_store_notifier_input hook = {.name = "Plain http",
                                         .kind = SW_NOTIFIER_WEBHOOK,
                                         .url = "http://hooks.example.com/x",
                                         .secret = "x",
                                         .secret_len = 1};
  expect_refused(st, sw_store_notifier_add(st, &hook, FX_NOW_MS, NULL),
                 SW_STORE_INVALID_INPUT, "https");
  hook.url = "https://hooks.example.com/x";
  hook.secret_len = 0;
  expect_refused(st, sw_store_notifier_add(st, &hook, FX_NOW_MS, NULL),
                 SW_STORE_INVALID_INPUT, "secret");
  struct sw_store_notifier_input prog = program_input("Two lines");
  prog.command_line = "a.cmd\nb.cmd";
  expect_refused(st, sw_store_notifier_add(st, &prog, FX_NOW_MS, NULL),
                 SW_STORE_INVALID_INPUT, "one line");
  prog = program_input("");
  expect_refused(st, sw_store_notifier_add(st, &prog, FX_NOW_MS, NULL),
                 SW_STORE_INVALID_INPUT, "name");
  /* Names are unique whatever the case of their letters. */
  prog = program_input("OPS");
  expect_refused(st, sw_store_notifier_add(st, &prog, FX_NOW_MS, NULL),
                 SW_STORE_NAME_TAKEN, "a notifier named \"OPS\" already exists");
  int64_t other = add_notifier(
      st, &(struct sw_store_notifier_input){.name = "Other",
                                            .kind = SW_NOTIFIER_RESTART_SERVICE,
                                            .service_name = "SMTPSVC"});
  expect_refused(st, sw_store_notifier_update(st, other, &prog, FX_NOW_MS),
                 SW_STORE_NAME_TAKEN, "already exists");
  /* A notifier may keep its own name in another case. */
  prog = program_input("ops");
  fx_expect_ok(st, sw_store_notifier_update(st, ops, &prog, FX_NOW_MS));

  assert_int_equal(count_rows(fx->db, "notifiers"), 2);
  assert_string_equal(fx_peek(fx->db, "SELECT group_concat(name) FROM notifiers"),
                      "ops,Other");
  sw_store_close(st);
}

static struct sw_store_rule_alerts alerts(int64_t rule, int64_t parent, int64_t *ids,
                                          size_t n)
{
  return (struct sw_store_rule_alerts){
      .rule_id = rule,
      .policy = {.on = SW_ALERT_ON_CRITICAL | SW_ALERT_ON_RECOVERED,
                 .after_s = 300,
                 .renotify_s = 3600},
      .depends_on = parent,
      .notifier_ids = ids,
      .notifier_count = n};
}

static void test_rule_alert_settings_and_default_notifiers(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t firewall = fx_add_rule(st, "Firewall proxy");
  int64_t relay = fx_add_rule(st, "Relay");
  struct sw_store_notifier_input in = email_input("Ops");
  in.is_default = true;
  int64_t ops = add_notifier(st, &in);
  in = program_input("Pager");
  int64_t pager = add_notifier(st, &in);
  in = program_input("Script");
  int64_t script = add_notifier(st, &in);

  /* Never set: every transition, at once, the defaults. */
  struct sw_store_rule_alerts got;
  fx_expect_ok(st, sw_store_rule_alerts_get(st, relay, &got));
  assert_int_equal(got.rule_id, relay);
  assert_int_equal(got.policy.on, SW_ALERT_ON_ALL);
  assert_int_equal(got.policy.after_s, 0);
  assert_int_equal(got.policy.renotify_s, 0);
  assert_int_equal(got.depends_on, 0);
  assert_int_equal(got.notifier_count, 0);
  sw_store_rule_alerts_free(&got);
  int64_t *targets;
  size_t n;
  fx_expect_ok(st, sw_store_rule_alert_targets(st, relay, &targets, &n));
  assert_int_equal(n, 1);
  assert_int_equal(targets[0], ops);
  free(targets);

  int64_t ids[] = {script, pager};
  struct sw_store_rule_alerts a = alerts(relay, firewall, ids, 2);
  fx_expect_ok(st, sw_store_rule_alerts_set(st, &a));
  fx_expect_ok(st, sw_store_rule_alerts_get(st, relay, &got));
  assert_int_equal(got.policy.on, SW_ALERT_ON_CRITICAL | SW_ALERT_ON_RECOVERED);
  assert_int_equal(got.policy.after_s, 300);
  assert_int_equal(got.policy.renotify_s, 3600);
  assert_int_equal(got.depends_on, firewall);
  assert_int_equal(got.notifier_count, 2);
  assert_int_equal(got.notifier_ids[0], pager); /* id order */
  assert_int_equal(got.notifier_ids[1], script);
  sw_store_rule_alerts_free(&got);
  fx_expect_ok(st, sw_store_rule_alert_targets(st, relay, &targets, &n));
  assert_int_equal(n, 2);
  assert_int_equal(targets[0], pager);
  free(targets);

  /* The rule's own API is untouched by its alert settings, and back. */
  struct sw_store_rule r;
  fx_expect_ok(st, sw_store_rule_get(st, relay, &r));
  fx_expect_ok(st, sw_store_rule_update(st, &r.rule, r.revision, FX_NOW_MS, NULL, NULL));
  sw_store_rule_free(&r);
  fx_expect_ok(st, sw_store_rule_set_enabled(st, relay, false, FX_NOW_MS, NULL));
  struct sw_store_rule_alerts_list l;
  fx_expect_ok(st, sw_store_rule_alerts_list(st, &l));
  assert_int_equal(l.count, 2);
  assert_int_equal(l.items[0].rule_id, firewall);
  assert_int_equal(l.items[0].policy.on, SW_ALERT_ON_ALL);
  assert_int_equal(l.items[0].notifier_count, 0); /* the defaults */
  assert_int_equal(l.items[1].depends_on, firewall);
  assert_int_equal(l.items[1].notifier_count, 2);
  assert_int_equal(l.items[1].notifier_ids[0], pager); /* id order, as get gives */
  assert_int_equal(l.items[1].notifier_ids[1], script);
  sw_store_rule_alerts_list_free(&l);

  /* Deleting a notifier drops it from the rule; the last one gone, the
   * defaults apply again. */
  fx_expect_ok(st, sw_store_notifier_delete(st, pager));
  fx_expect_ok(st, sw_store_notifier_delete(st, script));
  assert_int_equal(sw_store_notifier_delete(st, script), SW_STORE_NOT_FOUND);
  fx_expect_ok(st, sw_store_rule_alerts_get(st, relay, &got));
  assert_int_equal(got.notifier_count, 0);
  assert_int_equal(got.policy.after_s, 300);
  sw_store_rule_alerts_free(&got);
  fx_expect_ok(st, sw_store_rule_alert_targets(st, relay, &targets, &n));
  assert_int_equal(n, 1);
  assert_int_equal(targets[0], ops);
  free(targets);
  assert_int_equal(sw_store_rule_alerts_get(st, 999, &got), SW_STORE_NOT_FOUND);
  sw_store_close(st);
}

static void test_bad_settings_and_dependency_loops_are_refused(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t a = fx_add_rule(st, "A"), b = fx_add_rule(st, "B"), c = fx_add_rule(st, "C");
  struct sw_store_notifier_input in = program_input("Pager");
  int64_t pager = add_notifier(st, &in);
  struct sw_store_rule_alerts s = alerts(a, b, NULL, 0);
  fx_expect_ok(st, sw_store_rule_alerts_set(st, &s)); /* A -> B */
  s = alerts(b, c, NULL, 0);
  fx_expect_ok(st, sw_store_rule_alerts_set(st, &s)); /* B -> C */

  s = alerts(c, c, NULL, 0);
  expect_refused(st, sw_store_rule_alerts_set(st, &s), SW_STORE_INVALID_INPUT,
                 "cannot depend on itself");
  s = alerts(c, a, NULL, 0); /* C -> A closes A -> B -> C -> A */
  enum sw_store_error err = sw_store_rule_alerts_set(st, &s);
  char loop[64];
  snprintf(loop, sizeof loop, "(%lld -> %lld -> %lld)", (long long)a, (long long)b,
           (long long)c);
  expect_refused(st, err, SW_STORE_INVALID_INPUT, loop);
  assert_non_null(strstr(last_message(st), "may not form a loop"));
  s = alerts(c, 999, NULL, 0);
  expect_refused(st, sw_store_rule_alerts_set(st, &s), SW_STORE_NOT_FOUND,
                 "rule 999, which it would depend on, does not exist");
  int64_t missing[] = {pager, 999};
  s = alerts(c, 0, missing, 2);
  expect_refused(st, sw_store_rule_alerts_set(st, &s), SW_STORE_NOT_FOUND,
                 "notifier 999 does not exist");
  int64_t twice[] = {pager, pager};
  s = alerts(c, 0, twice, 2);
  expect_refused(st, sw_store_rule_alerts_set(st, &s), SW_STORE_INVALID_INPUT,
                 "named twice");
  s = alerts(c, 0, NULL, 0);
  s.policy.on = 0x30;
  expect_refused(st, sw_store_rule_alerts_set(st, &s), SW_STORE_INVALID_INPUT,
                 "unknown transitions");
  s = alerts(999, 0, NULL, 0);
  expect_refused(st, sw_store_rule_alerts_set(st, &s), SW_STORE_NOT_FOUND,
                 "the rule does not exist");

  /* Nothing was written for C: it still has the defaults. */
  struct sw_store_rule_alerts got;
  fx_expect_ok(st, sw_store_rule_alerts_get(st, c, &got));
  assert_int_equal(got.depends_on, 0);
  assert_int_equal(got.policy.on, SW_ALERT_ON_ALL);
  assert_int_equal(got.notifier_count, 0);
  sw_store_rule_alerts_free(&got);
  assert_int_equal(count_rows(fx->db, "rule_notifiers"), 0);
  /* Moving A's dependency elsewhere is no loop. */
  s = alerts(a, c, NULL, 0);
  fx_expect_ok(st, sw_store_rule_alerts_set(st, &s));
  sw_store_close(st);
}

static struct sw_alert_track bad_track(void)
{
  return (struct sw_alert_track){.told = SW_NAGIOS_CRITICAL,
                                 .told_at = FX_NOW_MS / 1000,
                                 .bad_since = FX_NOW_MS / 1000 - 300,
                                 .told_flapping = true,
                                 .in_maintenance = true};
}

static void test_track_and_acknowledgement_survive_a_reopen(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t rule = fx_add_rule(st, "Relay");
  int64_t quiet = fx_add_rule(st, "Quiet");
  struct sw_alert_track t = bad_track();
  /* The service writes tracks with its batches; one for a rule that is
   * gone is dropped, not an error. */
  const struct sw_store_track_write tracks[] = {{.rule_id = rule, .track = t},
                                                {.rule_id = 999, .track = t}};
  struct sw_store_write_counts counts;
  fx_expect_ok(st,
               sw_store_write(st,
                              &(struct sw_store_batch){.tracks = tracks,
                                                       .track_count = SW_COUNTOF(tracks)},
                              &counts));
  assert_int_equal(counts.tracks_written, 1);
  struct sw_store_ack ack = {.rule_id = rule,
                             .state = SW_NAGIOS_CRITICAL,
                             .by = "EXAMPLE\\admin",
                             .at_ms = FX_NOW_MS,
                             .comment = "Vendor ticket 4711 \xE2\x9C\x93"};
  fx_expect_ok(st, sw_store_ack_set(st, &ack));
  sw_store_close(st);

  st = fx_open(fx->db);
  /* The track written reads back whole; the quiet rule and the one that
   * does not exist have none. */
  struct sw_store_alert_track_list tl;
  fx_expect_ok(st, sw_store_alert_track_load(st, &tl));
  assert_int_equal(tl.count, 1);
  assert_int_equal(tl.items[0].rule_id, rule);
  const struct sw_alert_track *got = &tl.items[0].track;
  assert_int_equal(got->told, SW_NAGIOS_CRITICAL);
  assert_int_equal(got->told_at, t.told_at);
  assert_int_equal(got->bad_since, t.bad_since);
  assert_true(got->told_flapping);
  assert_true(got->in_maintenance);
  sw_store_alert_track_list_free(&tl);

  struct sw_store_ack a;
  fx_expect_ok(st, sw_store_ack_get(st, rule, &a));
  assert_int_equal(a.state, SW_NAGIOS_CRITICAL);
  assert_string_equal(a.by, "EXAMPLE\\admin");
  assert_int_equal(a.at_ms, FX_NOW_MS);
  assert_string_equal(a.comment, ack.comment);
  sw_store_ack_free(&a);
  assert_int_equal(sw_store_ack_get(st, quiet, &a), SW_STORE_NOT_FOUND);

  /* Still CRITICAL: it stays; WARNING now: it goes. */
  bool cleared = true;
  fx_expect_ok(st, sw_store_ack_clear_unless(st, rule, SW_NAGIOS_CRITICAL, &cleared));
  assert_false(cleared);
  struct sw_store_ack_list al;
  fx_expect_ok(st, sw_store_ack_list(st, &al));
  assert_int_equal(al.count, 1);
  sw_store_ack_list_free(&al);
  fx_expect_ok(st, sw_store_ack_clear_unless(st, rule, SW_NAGIOS_WARNING, &cleared));
  assert_true(cleared);
  assert_int_equal(sw_store_ack_get(st, rule, &a), SW_STORE_NOT_FOUND);
  fx_expect_ok(st, sw_store_ack_set(st, &ack));
  fx_expect_ok(st, sw_store_ack_clear(st, rule, &cleared));
  assert_true(cleared);
  fx_expect_ok(st, sw_store_ack_clear(st, rule, &cleared));
  assert_false(cleared);

  /* Refused, with nothing written. */
  struct sw_store_ack bad = ack;
  bad.state = SW_NAGIOS_OK;
  expect_refused(st, sw_store_ack_set(st, &bad), SW_STORE_INVALID_INPUT,
                 "WARNING, CRITICAL or UNKNOWN");
  bad = ack;
  bad.by = "";
  expect_refused(st, sw_store_ack_set(st, &bad), SW_STORE_INVALID_INPUT,
                 "who acknowledged must be one line of 1 to 500");
  bad = ack;
  bad.comment = "line one\r\nline two";
  expect_refused(st, sw_store_ack_set(st, &bad), SW_STORE_INVALID_INPUT,
                 "the comment must be one line");
  bad = ack;
  bad.rule_id = 999;
  assert_int_equal(sw_store_ack_set(st, &bad), SW_STORE_NOT_FOUND);
  assert_int_equal(count_rows(fx->db, "alert_ack"), 0);
  sw_store_close(st);
}

static void test_maintenance_windows(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t rule = fx_add_rule(st, "Relay");
  struct sw_store_maint once = {
      .rule_id = rule,
      .window = {.kind = SW_MAINT_ONCE, .from_s = 1767261600, .until_s = 1767268800},
      .comment = "Firmware update"};
  int64_t once_id = 0, weekly_id = 0;
  fx_expect_ok(st, sw_store_maint_add(st, &once, FX_NOW_MS, &once_id));
  struct sw_store_maint weekly = {.window = {.kind = SW_MAINT_WEEKLY}};
  char why[200];
  assert_true(
      sw_maint_weekly_parse("Sat,Sun 22:00-02:00", &weekly.window, why, sizeof why));
  fx_expect_ok(st, sw_store_maint_add(st, &weekly, FX_NOW_MS + 1, &weekly_id));
  /* Stored as the text an administrator writes. */
  assert_string_equal(
      fx_peek(fx->db, "SELECT weekly FROM maintenance WHERE rule_id IS NULL"),
      "Sat,Sun 22:00-02:00");

  struct sw_store_maint_list l;
  fx_expect_ok(st, sw_store_maint_list(st, &l));
  assert_int_equal(l.count, 2);
  assert_int_equal(l.items[0].id, once_id);
  assert_int_equal(l.items[0].rule_id, rule);
  assert_int_equal(l.items[0].window.kind, SW_MAINT_ONCE);
  assert_int_equal(l.items[0].window.from_s, 1767261600);
  assert_int_equal(l.items[0].window.until_s, 1767268800);
  assert_string_equal(l.items[0].comment, "Firmware update");
  assert_int_equal(l.items[0].created_at_ms, FX_NOW_MS);
  assert_int_equal(l.items[1].id, weekly_id);
  assert_int_equal(l.items[1].rule_id, 0);
  assert_int_equal(l.items[1].window.kind, SW_MAINT_WEEKLY);
  assert_int_equal(l.items[1].window.days, weekly.window.days);
  assert_int_equal(l.items[1].window.start_min, 22 * 60);
  assert_int_equal(l.items[1].window.end_min, 2 * 60);
  assert_string_equal(l.items[1].comment, "");
  sw_store_maint_list_free(&l);

  /* Refused with a sentence, nothing written. */
  struct sw_store_maint bad = once;
  bad.window.until_s = bad.window.from_s;
  expect_refused(st, sw_store_maint_add(st, &bad, FX_NOW_MS, NULL),
                 SW_STORE_INVALID_INPUT, "must end after it starts");
  bad = weekly;
  bad.window.days = 0;
  expect_refused(st, sw_store_maint_add(st, &bad, FX_NOW_MS, NULL),
                 SW_STORE_INVALID_INPUT, "at least one weekday");
  bad = weekly;
  bad.window.end_min = 1441;
  expect_refused(st, sw_store_maint_add(st, &bad, FX_NOW_MS, NULL),
                 SW_STORE_INVALID_INPUT, "24:00");
  bad = once;
  bad.comment = "two\nlines";
  expect_refused(st, sw_store_maint_add(st, &bad, FX_NOW_MS, NULL),
                 SW_STORE_INVALID_INPUT, "the comment must be one line");
  bad = once;
  bad.rule_id = 999;
  expect_refused(st, sw_store_maint_add(st, &bad, FX_NOW_MS, NULL), SW_STORE_NOT_FOUND,
                 "rule 999 does not exist");
  assert_int_equal(count_rows(fx->db, "maintenance"), 2);

  fx_expect_ok(st, sw_store_maint_delete(st, once_id));
  assert_int_equal(sw_store_maint_delete(st, once_id), SW_STORE_NOT_FOUND);
  fx_expect_ok(st, sw_store_maint_list(st, &l));
  assert_int_equal(l.count, 1);
  assert_int_equal(l.items[0].id, weekly_id);
  sw_store_maint_list_free(&l);
  sw_store_close(st);
}

/* A notification of rule `rule` to `notifier` with id `uid`. */
static struct sw_store_notification note(const char *uid, int64_t notifier)
{
  return (struct sw_store_notification){.uid = (char *)uid,
                                        .notifier_id = notifier,
                                        .kind = SW_ALERT_PROBLEM,
                                        .state = SW_NAGIOS_CRITICAL,
                                        .previous = SW_NAGIOS_OK,
                                        .outcome = SW_OUTCOME_TIMEOUT,
                                        .rule_name = "Main relay",
                                        .host = "mail.example.com",
                                        .port = 25,
                                        .message = "no greeting within 7000 ms",
                                        .reply_code = 0,
                                        .response_ms = -1,
                                        .since_s = FX_NOW_MS / 1000 - 300};
}

/* The ids of a notification list, comma-separated, in `out`. */
static const char *uids(const struct sw_store_notification_list *l)
{
  static char out[256];
  out[0] = '\0';
  for (size_t i = 0; i < l->count; i++) {
    size_t len = strlen(out);
    snprintf(out + len, sizeof out - len, "%s%s", i ? "," : "", l->items[i].uid);
  }
  return out;
}

/* Rule `rule`'s written track, as the service reads it at its start; the
 * test fails if it has none. */
static struct sw_alert_track track_of(struct sw_store *st, int64_t rule)
{
  struct sw_store_alert_track_list tl;
  fx_expect_ok(st, sw_store_alert_track_load(st, &tl));
  struct sw_alert_track found;
  bool seen = false;
  for (size_t i = 0; i < tl.count; i++)
    if (tl.items[i].rule_id == rule) {
      found = tl.items[i].track;
      seen = true;
    }
  sw_store_alert_track_list_free(&tl);
  assert_true(seen);
  return found;
}
static void test_enqueued_notifications_survive_a_close_before_the_attempt(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t rule = fx_add_rule(st, "Main relay");
  struct sw_store_notifier_input in = email_input("Ops");
  int64_t ops = add_notifier(st, &in);
  in = program_input("Pager");
  int64_t pager = add_notifier(st, &in);
  struct sw_alert_track t = bad_track();
  struct sw_store_notification batch[] = {note("n-20260101-1.ops", ops),
                                          note("n-20260101-1.pager", pager)};
  fx_expect_ok(st, sw_store_outbox_enqueue_with_track(st, rule, &t, batch, 2, FX_NOW_MS));
  sw_store_close(st); /* the service is killed before its first attempt */

  st = fx_open(fx->db);
  struct sw_store_notification_list due;
  fx_expect_ok(st, sw_store_outbox_due(st, FX_NOW_MS, 10, &due));
  assert_int_equal(due.count, 2);
  const struct sw_store_notification *n = &due.items[0];
  assert_string_equal(n->uid, "n-20260101-1.ops");
  assert_int_equal(n->rule_id, rule);
  assert_int_equal(n->notifier_id, ops);
  assert_int_equal(n->kind, SW_ALERT_PROBLEM);
  assert_int_equal(n->state, SW_NAGIOS_CRITICAL);
  assert_int_equal(n->previous, SW_NAGIOS_OK);
  assert_int_equal(n->outcome, SW_OUTCOME_TIMEOUT);
  assert_string_equal(n->rule_name, "Main relay");
  assert_string_equal(n->host, "mail.example.com");
  assert_int_equal(n->port, 25);
  assert_string_equal(n->message, "no greeting within 7000 ms");
  assert_int_equal(n->response_ms, -1);
  assert_int_equal(n->since_s, FX_NOW_MS / 1000 - 300);
  assert_int_equal(n->created_at_ms, FX_NOW_MS);
  assert_int_equal(n->next_attempt_at_ms, FX_NOW_MS);
  assert_int_equal(n->attempts, 0);
  assert_int_equal(n->status, SW_OUTBOX_PENDING);
  assert_string_equal(n->last_error, "");
  assert_int_equal(due.items[1].notifier_id, pager);
  sw_store_notification_list_free(&due);
  struct sw_alert_track got = track_of(st, rule);
  assert_int_equal(got.told, SW_NAGIOS_CRITICAL);
  assert_int_equal(got.told_at, t.told_at);

  /* All or nothing: a missing notifier, a bad or repeated id writes
   * neither the track nor any notification. */
  struct sw_alert_track later = t;
  later.told = SW_NAGIOS_WARNING;
  struct sw_store_notification more[] = {note("n-2.ops", ops), note("n-2.gone", 999)};
  expect_refused(st,
                 sw_store_outbox_enqueue_with_track(st, rule, &later, more, 2, FX_NOW_MS),
                 SW_STORE_NOT_FOUND, "notifier 999 does not exist");
  more[1] = note("n-20260101-1.ops", ops);
  expect_refused(st,
                 sw_store_outbox_enqueue_with_track(st, rule, &later, more, 2, FX_NOW_MS),
                 SW_STORE_INVALID_INPUT, "n-20260101-1.ops is already in the outbox");
  more[1] = note("has space", ops);
  expect_refused(st,
                 sw_store_outbox_enqueue_with_track(st, rule, &later, more, 2, FX_NOW_MS),
                 SW_STORE_INVALID_INPUT, "a notification id is 1 to 64");
  expect_refused(st,
                 sw_store_outbox_enqueue_with_track(st, 999, &later, more, 1, FX_NOW_MS),
                 SW_STORE_NOT_FOUND, "rule 999 does not exist");
  assert_int_equal(count_rows(fx->db, "outbox"), 2);
  got = track_of(st, rule);
  assert_int_equal(got.told, SW_NAGIOS_CRITICAL);
  /* A decision with nothing to tell still moves the track. */
  fx_expect_ok(st,
               sw_store_outbox_enqueue_with_track(st, rule, &later, NULL, 0, FX_NOW_MS));
  got = track_of(st, rule);
  assert_int_equal(got.told, SW_NAGIOS_WARNING);
  sw_store_close(st);
}

/* Enqueues one notification `uid` of `rule` to `notifier` at `at`. */
static void enqueue_at(struct sw_store *st, int64_t rule, int64_t notifier,
                       const char *uid, int64_t at)
{
  struct sw_alert_track t = bad_track();
  struct sw_store_notification n = note(uid, notifier);
  fx_expect_ok(st, sw_store_outbox_enqueue_with_track(st, rule, &t, &n, 1, at));
}

static int64_t row_id(struct sw_store *st, const char *uid)
{
  struct sw_store_notification_list l;
  fx_expect_ok(st, sw_store_outbox_recent(st, INT64_MAX, 100, &l));
  int64_t id = 0;
  for (size_t i = 0; i < l.count; i++)
    if (strcmp(l.items[i].uid, uid) == 0)
      id = l.items[i].id;
  sw_store_notification_list_free(&l);
  assert_true(id > 0);
  return id;
}

static void test_due_list_is_oldest_first_and_bounded(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t rule = fx_add_rule(st, "Main relay");
  struct sw_store_notifier_input in = program_input("Pager");
  int64_t pager = add_notifier(st, &in);
  /* Enqueued out of time order. */
  enqueue_at(st, rule, pager, "c", FX_NOW_MS - 1000);
  enqueue_at(st, rule, pager, "a", FX_NOW_MS - 3000);
  enqueue_at(st, rule, pager, "b", FX_NOW_MS - 2000);
  enqueue_at(st, rule, pager, "future", FX_NOW_MS + 1);
  enqueue_at(st, rule, pager, "sent", FX_NOW_MS - 5000);
  enqueue_at(st, rule, pager, "retry", FX_NOW_MS - 4000);
  struct sw_store_attempt a = {
      .outbox_id = row_id(st, "sent"), .at_ms = FX_NOW_MS - 4500, .then = SW_OUTBOX_SENT};
  fx_expect_ok(st, sw_store_outbox_record_attempt(st, &a));
  a = (struct sw_store_attempt){.outbox_id = row_id(st, "retry"),
                                .at_ms = FX_NOW_MS - 3900,
                                .then = SW_OUTBOX_PENDING,
                                .next_attempt_at_ms = FX_NOW_MS + 30000,
                                .error = "connection refused"};
  fx_expect_ok(st, sw_store_outbox_record_attempt(st, &a));

  struct sw_store_notification_list due;
  fx_expect_ok(st, sw_store_outbox_due(st, FX_NOW_MS, 10, &due));
  assert_string_equal(uids(&due), "a,b,c");
  sw_store_notification_list_free(&due);
  fx_expect_ok(st, sw_store_outbox_due(st, FX_NOW_MS, 2, &due));
  assert_string_equal(uids(&due), "a,b");
  sw_store_notification_list_free(&due);
  fx_expect_ok(st, sw_store_outbox_due(st, FX_NOW_MS, 0, &due));
  assert_int_equal(due.count, 0);
  /* Later, the retry and the future one are due too. */
  fx_expect_ok(st, sw_store_outbox_due(st, FX_NOW_MS + 30000, 10, &due));
  assert_string_equal(uids(&due), "retry,a,b,c,future");
  sw_store_notification_list_free(&due);
  /* The metrics' outbox size: every pending one, due or not, not the sent. */
  int64_t pending = -1;
  fx_expect_ok(st, sw_store_outbox_pending(st, &pending));
  assert_int_equal(pending, 5);
  sw_store_close(st);
}

static void test_attempts_are_recorded_and_listed(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t rule = fx_add_rule(st, "Main relay");
  struct sw_store_notifier_input in = program_input("Pager");
  int64_t pager = add_notifier(st, &in);
  enqueue_at(st, rule, pager, "n1", FX_NOW_MS);
  enqueue_at(st, rule, pager, "n2", FX_NOW_MS + 1);
  int64_t n1 = row_id(st, "n1"), n2 = row_id(st, "n2");

  /* A program that failed: its exit code and the first of its output,
   * cut without splitting a character. */
  char output[SW_STORE_OUTBOX_OUTPUT_MAX + 10];
  memset(output, 'x', sizeof output - 1);
  output[sizeof output - 1] = '\0';
  memcpy(output + SW_STORE_OUTBOX_OUTPUT_MAX - 1, "\xC3\xA9", 2); /* straddles the cut */
  struct sw_store_attempt a = {.outbox_id = n1,
                               .at_ms = FX_NOW_MS + 10,
                               .then = SW_OUTBOX_PENDING,
                               .next_attempt_at_ms = FX_NOW_MS + 30010,
                               .error = "the program exited with code 3",
                               .ran_program = true,
                               .exit_code = 3,
                               .output = output};
  fx_expect_ok(st, sw_store_outbox_record_attempt(st, &a));
  a.at_ms = FX_NOW_MS + 30010;
  a.then = SW_OUTBOX_SENT;
  a.exit_code = 0;
  a.output = "paged";
  fx_expect_ok(st, sw_store_outbox_record_attempt(st, &a));
  expect_refused(st, sw_store_outbox_record_attempt(st, &a), SW_STORE_INVALID_INPUT,
                 "it is sent already");
  a = (struct sw_store_attempt){.outbox_id = n2,
                                .at_ms = FX_NOW_MS + 20,
                                .then = SW_OUTBOX_FAILED,
                                .error = "gave up"};
  fx_expect_ok(st, sw_store_outbox_record_attempt(st, &a));
  a.outbox_id = 999;
  expect_refused(st, sw_store_outbox_record_attempt(st, &a), SW_STORE_NOT_FOUND,
                 "not in the outbox");

  struct sw_store_attempt_list al;
  fx_expect_ok(st, sw_store_outbox_attempts(st, n1, &al));
  assert_int_equal(al.count, 2);
  assert_false(al.items[0].ok);
  assert_string_equal(al.items[0].error, "the program exited with code 3");
  assert_true(al.items[0].ran_program);
  assert_int_equal(al.items[0].exit_code, 3);
  assert_int_equal(strlen(al.items[0].output), SW_STORE_OUTBOX_OUTPUT_MAX - 1);
  assert_true(al.items[1].ok);
  assert_string_equal(al.items[1].error, "");
  assert_string_equal(al.items[1].output, "paged");
  assert_int_equal(al.items[1].at_ms, FX_NOW_MS + 30010);
  sw_store_attempt_list_free(&al);

  /* The display list: newest first, with attempts and the last error. */
  struct sw_store_notification_list l;
  fx_expect_ok(st, sw_store_outbox_recent(st, INT64_MAX, 10, &l));
  assert_string_equal(uids(&l), "n2,n1");
  assert_int_equal(l.items[0].status, SW_OUTBOX_FAILED);
  assert_int_equal(l.items[0].attempts, 1);
  assert_string_equal(l.items[0].last_error, "gave up");
  assert_int_equal(l.items[1].status, SW_OUTBOX_SENT);
  assert_int_equal(l.items[1].attempts, 2);
  assert_string_equal(l.items[1].last_error, "");
  sw_store_notification_list_free(&l);
  fx_expect_ok(st, sw_store_outbox_recent(st, n2, 10, &l)); /* the next page */
  assert_string_equal(uids(&l), "n1");
  sw_store_notification_list_free(&l);
  struct sw_store_notification_list due;
  fx_expect_ok(st, sw_store_outbox_due(st, INT64_MAX, 10, &due));
  assert_int_equal(due.count, 0); /* sent and given up are never due */
  sw_store_close(st);
}

static void test_prune_takes_old_finished_rows_only(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t rule = fx_add_rule(st, "Main relay");
  struct sw_store_notifier_input in = program_input("Pager");
  int64_t pager = add_notifier(st, &in);
  char uid[16];
  for (int i = 0; i < 5; i++) {
    snprintf(uid, sizeof uid, "old%d", i);
    enqueue_at(st, rule, pager, uid, FX_NOW_MS - 40 * FX_DAY_MS + i);
    struct sw_store_attempt a = {.outbox_id = row_id(st, uid),
                                 .at_ms = FX_NOW_MS,
                                 .then = i % 2 ? SW_OUTBOX_SENT : SW_OUTBOX_FAILED};
    fx_expect_ok(st, sw_store_outbox_record_attempt(st, &a));
  }
  enqueue_at(st, rule, pager, "old-pending", FX_NOW_MS - 40 * FX_DAY_MS);
  enqueue_at(st, rule, pager, "new", FX_NOW_MS);
  struct sw_store_attempt a = {
      .outbox_id = row_id(st, "new"), .at_ms = FX_NOW_MS, .then = SW_OUTBOX_SENT};
  fx_expect_ok(st, sw_store_outbox_record_attempt(st, &a));

  int64_t cutoff = FX_NOW_MS - 30 * FX_DAY_MS;
  size_t deleted = 0;
  bool more = false;
  fx_expect_ok(st, sw_store_outbox_prune_step(st, cutoff, 3, &deleted, &more));
  assert_int_equal(deleted, 3);
  assert_true(more);
  fx_expect_ok(st, sw_store_outbox_prune_step(st, cutoff, 3, &deleted, &more));
  assert_int_equal(deleted, 2);
  assert_false(more);
  struct sw_store_notification_list l;
  fx_expect_ok(st, sw_store_outbox_recent(st, INT64_MAX, 10, &l));
  assert_string_equal(uids(&l), "new,old-pending");
  sw_store_notification_list_free(&l);
  assert_int_equal(count_rows(fx->db, "outbox_attempts"), 1); /* "new"'s */
  assert_int_equal(sw_store_outbox_prune_step(st, cutoff, 0, NULL, NULL),
                   SW_STORE_INVALID_ARGUMENT);
  sw_store_close(st);
}

static void test_deleting_a_rule_takes_its_alert_rows(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t parent = fx_add_rule(st, "Firewall proxy");
  int64_t child = fx_add_rule(st, "Relay");
  struct sw_store_notifier_input in = program_input("Pager");
  int64_t pager = add_notifier(st, &in);
  struct sw_store_rule_alerts s = alerts(child, parent, &pager, 1);
  fx_expect_ok(st, sw_store_rule_alerts_set(st, &s));
  s = alerts(parent, 0, &pager, 1);
  fx_expect_ok(st, sw_store_rule_alerts_set(st, &s));
  enqueue_at(st, parent, pager, "p1", FX_NOW_MS);
  enqueue_at(st, child, pager, "c1", FX_NOW_MS);
  struct sw_store_attempt a = {
      .outbox_id = row_id(st, "p1"), .at_ms = FX_NOW_MS, .then = SW_OUTBOX_SENT};
  fx_expect_ok(st, sw_store_outbox_record_attempt(st, &a));
  struct sw_store_ack ack = {
      .rule_id = parent, .state = SW_NAGIOS_CRITICAL, .by = "admin", .at_ms = FX_NOW_MS};
  fx_expect_ok(st, sw_store_ack_set(st, &ack));
  struct sw_store_maint m = {
      .rule_id = parent,
      .window = {.kind = SW_MAINT_ONCE, .from_s = 1767261600, .until_s = 1767268800}};
  fx_expect_ok(st, sw_store_maint_add(st, &m, FX_NOW_MS, NULL));

  fx_expect_ok(st, sw_store_rule_delete(st, parent));
  static const char *const gone[] = {"rule_notifiers WHERE rule_id = 1",
                                     "rule_alerts WHERE rule_id = 1",
                                     "alert_track WHERE rule_id = 1",
                                     "alert_ack",
                                     "maintenance",
                                     "outbox WHERE rule_id = 1",
                                     "outbox_attempts"};
  assert_int_equal(parent, 1);
  for (size_t i = 0; i < SW_COUNTOF(gone); i++)
    if (count_rows(fx->db, gone[i]) != 0)
      fail_msg("%s is left", gone[i]);
  /* The child no longer waits for a rule that is gone; its own rows and
   * the notifier stay. */
  struct sw_store_rule_alerts got;
  fx_expect_ok(st, sw_store_rule_alerts_get(st, child, &got));
  assert_int_equal(got.depends_on, 0);
  assert_int_equal(got.notifier_count, 1);
  sw_store_rule_alerts_free(&got);
  struct sw_store_notification_list due;
  fx_expect_ok(st, sw_store_outbox_due(st, FX_NOW_MS, 10, &due));
  assert_string_equal(uids(&due), "c1");
  sw_store_notification_list_free(&due);
  assert_int_equal(count_rows(fx->db, "notifiers"), 1);

  /* Deleting the notifier takes its pending notifications. */
  fx_expect_ok(st, sw_store_notifier_delete(st, pager));
  assert_int_equal(count_rows(fx->db, "outbox"), 0);
  assert_int_equal(count_rows(fx->db, "rule_notifiers"), 0);
  sw_store_close(st);
}

static void test_outbox_status_names(void **state)
{
  (void)state;
  assert_string_equal(sw_outbox_status_name(SW_OUTBOX_PENDING), "pending");
  assert_string_equal(sw_outbox_status_name(SW_OUTBOX_SENT), "sent");
  assert_string_equal(sw_outbox_status_name(SW_OUTBOX_FAILED), "failed");
  assert_string_equal(sw_outbox_status_name((enum sw_outbox_status)9), "unknown");
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
      T(test_notifiers_round_trip_without_secrets_in_lists),
      T(test_bad_notifiers_are_refused_and_nothing_is_written),
      T(test_rule_alert_settings_and_default_notifiers),
      T(test_bad_settings_and_dependency_loops_are_refused),
      T(test_track_and_acknowledgement_survive_a_reopen),
      T(test_maintenance_windows),
      T(test_enqueued_notifications_survive_a_close_before_the_attempt),
      T(test_due_list_is_oldest_first_and_bounded),
      T(test_attempts_are_recorded_and_listed),
      T(test_prune_takes_old_finished_rows_only),
      T(test_deleting_a_rule_takes_its_alert_rows),
      cmocka_unit_test(test_outbox_status_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
