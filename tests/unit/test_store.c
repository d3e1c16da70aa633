/* The store's API on real SQLite files: a new file gets the current schema
 * in WAL mode; rules round-trip with every field and refuse stale updates;
 * results keep what a user reads later (and no transcript for OK checks);
 * history pages without gaps or repeats; states and events come back;
 * retention deletes exactly what is older than its limit, in bounded steps;
 * deleting a rule takes its results, state and events with it. The failure
 * cases (locks, read-only, damage, migrations) are in test_store_faults.c. */
#include "store_fixture.h"
#include "round_trip_fixture.h"
#include "rule_fixture.h"

static void test_new_file_gets_current_schema_in_wal_mode(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  assert_int_equal(atoi(fx_peek(fx->db, "PRAGMA user_version")), FX_SCHEMA_VERSION);
  assert_string_equal(fx_peek(fx->db, "PRAGMA journal_mode"), "wal");
  assert_int_equal(atoll(fx_peek(fx->db, "PRAGMA application_id")), 0x534D5457);
  assert_string_equal(fx_peek(fx->db,
                              "SELECT group_concat(name, ',') FROM (SELECT name FROM "
                              "sqlite_schema WHERE type = 'table' ORDER BY name)"),
                      "alert_ack,alert_track,events,fingerprints,maintenance,notifiers,"
                      "outbox,outbox_attempts,"
                      "results,rollup_backfill,rollup_backfill_progress,rollup_cursor,"
                      "rollups,rule_alerts,rule_notifiers,"
                      "rule_state,rules,settings,sqlite_sequence,status_changes");
  bool ok = false;
  char *report = NULL;
  fx_expect_ok(st, sw_store_integrity_check(st, &ok, &report));
  assert_true(ok);
  assert_null(report);
  sw_store_close(st);

  /* Opening again changes nothing and finds the same schema. */
  st = fx_open(fx->db);
  assert_int_equal(atoi(fx_peek(fx->db, "PRAGMA user_version")), FX_SCHEMA_VERSION);
  sw_store_close(st);
}

static void test_rule_round_trips_every_field(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  struct sw_rule r;
  fx_rule(&r, "Relais Z\xC3\xBCrich \xE2\x9C\x93", "mx.example.net");
  r.port = 465;
  assert_int_equal(sw_rule_set_string(&r.command, "VRFY postmaster"), SW_E_OK);
  assert_int_equal(sw_rule_set_string(&r.expect, "252"), SW_E_OK);
  r.timeout_ms = 5000;
  assert_int_equal(sw_rule_set_string(&r.ehlo_name, "probe.example.org"), SW_E_OK);
  r.interval_s = 30;
  r.enabled = false;
  r.tls_mode = SW_TLS_IMPLICIT;
  r.tls_insecure = true;
  r.cert_warn_days = 30;
  r.cert_crit_days = 10;
  int64_t id = 0;
  fx_expect_ok(st, sw_store_rule_add(st, &r, FX_NOW_MS, NULL, &id));
  assert_true(id > 0);

  struct sw_store_rule got;
  fx_expect_ok(st, sw_store_rule_get(st, id, &got));
  assert_int_equal(got.rule.id, id);
  assert_string_equal(got.rule.name, r.name);
  assert_string_equal(got.rule.host, "mx.example.net");
  assert_int_equal(got.rule.port, 465);
  assert_string_equal(got.rule.command, "VRFY postmaster");
  assert_string_equal(got.rule.expect, "252");
  assert_int_equal(got.rule.timeout_ms, 5000);
  assert_string_equal(got.rule.ehlo_name, "probe.example.org");
  assert_int_equal(got.rule.interval_s, 30);
  assert_false(got.rule.enabled);
  assert_int_equal(got.rule.tls_mode, SW_TLS_IMPLICIT);
  assert_true(got.rule.tls_insecure);
  assert_int_equal(got.rule.cert_warn_days, 30);
  assert_int_equal(got.rule.cert_crit_days, 10);
  assert_int_equal(got.revision, 1);
  assert_int_equal(got.created_at_ms, FX_NOW_MS);
  assert_int_equal(got.updated_at_ms, FX_NOW_MS);
  sw_store_rule_free(&got);

  /* Optional strings left empty come back as "none" (NULL). */
  struct sw_rule plain;
  fx_rule(&plain, "Plain", "192.0.2.1");
  fx_expect_ok(st, sw_store_rule_add(st, &plain, FX_NOW_MS, NULL, &id));
  fx_expect_ok(st, sw_store_rule_get(st, id, &got));
  assert_null(got.rule.command);
  assert_null(got.rule.expect);
  assert_null(got.rule.ehlo_name);
  assert_true(got.rule.enabled);
  assert_int_equal(got.rule.tls_mode, SW_TLS_NONE);
  assert_int_equal(got.rule.port, 25);
  sw_store_rule_free(&got);
  assert_int_equal(sw_store_rule_get(st, id + 100, &got), SW_STORE_NOT_FOUND);
  sw_rule_free(&plain);
  sw_rule_free(&r);
  sw_store_close(st);
}

/* The fields past the handshake, and the secrets: written with the rule,
 * kept by an update that gives none, removed by one that gives them empty. */
static void test_rule_past_handshake_and_secrets_round_trip(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  struct sw_rule r;
  fx_rule(&r, "Submission", "mx.example.net");
  r.port = 587;
  r.tls_mode = SW_TLS_REQUIRE_STARTTLS;
  assert_int_equal(sw_rule_set_string(&r.auth_user, "monitor@example.net"), SW_E_OK);
  r.auth_password_set = true;
  r.auth_mech = SW_AUTH_MECH_LOGIN;
  r.auth_plaintext = true;
  assert_int_equal(sw_rule_set_string(&r.mail_from, "<>"), SW_E_OK);
  assert_int_equal(sw_rule_set_string(&r.rcpt_to, "a@example.net, b@example.net"),
                   SW_E_OK);
  r.ip_family = SW_IP_V6;
  r.all_addresses = r.check_ptr = true;
  r.drift = false;
  const struct sw_store_rule_secrets secrets = {.auth = {"BLOB-1", 6, true}};
  int64_t id = 0;
  fx_expect_ok(st,
               sw_store_rule_add_with_secrets(st, &r, &secrets, FX_NOW_MS, NULL, &id));

  struct sw_store_rule got;
  fx_expect_ok(st, sw_store_rule_get(st, id, &got));
  assert_string_equal(got.rule.auth_user, "monitor@example.net");
  assert_true(got.rule.auth_password_set);
  assert_false(got.rule.oauth_client_secret_set);
  assert_int_equal(got.rule.auth_mech, SW_AUTH_MECH_LOGIN);
  assert_true(got.rule.auth_plaintext);
  assert_string_equal(got.rule.mail_from, "<>");
  assert_string_equal(got.rule.rcpt_to, "a@example.net, b@example.net");
  assert_false(got.rule.relay_test); /* a relay test runs without AUTH */
  assert_int_equal(got.rule.ip_family, SW_IP_V6);
  assert_true(got.rule.all_addresses);
  assert_true(got.rule.check_ptr);
  assert_false(got.rule.drift);
  assert_int_equal(got.auth_secret.len, 6);
  assert_memory_equal(got.auth_secret.data, "BLOB-1", 6);
  assert_null(got.oauth_secret.data);

  /* No secret given: the stored one stays. */
  r.id = id;
  r.port = 2587;
  int64_t rev = 0;
  fx_expect_ok(st, sw_store_rule_update(st, &r, got.revision, FX_NOW_MS, NULL, &rev));
  sw_store_rule_free(&got);
  fx_expect_ok(st, sw_store_rule_get(st, id, &got));
  assert_int_equal(got.rule.port, 2587);
  assert_int_equal(got.auth_secret.len, 6);

  /* Given empty: removed (AUTH off). */
  assert_int_equal(sw_rule_set_string(&r.auth_user, NULL), SW_E_OK);
  r.auth_password_set = false;
  r.auth_mech = SW_AUTH_MECH_AUTO;
  r.auth_plaintext = false;
  r.relay_test = true;
  assert_int_equal(sw_rule_set_string(&r.relay_test_rcpt, "x@relay.invalid"), SW_E_OK);
  const struct sw_store_rule_secrets removed = {.auth = {NULL, 0, true}};
  fx_expect_ok(st, sw_store_rule_update_with_secrets(st, &r, &removed, rev, FX_NOW_MS,
                                                     NULL, NULL));
  sw_store_rule_free(&got);
  fx_expect_ok(st, sw_store_rule_get(st, id, &got));
  assert_false(got.rule.auth_password_set);
  assert_null(got.auth_secret.data);
  assert_true(got.rule.relay_test);
  assert_string_equal(got.rule.relay_test_rcpt, "x@relay.invalid");
  sw_store_rule_free(&got);

  /* A secret too large is refused before anything is written. */
  static char big[SW_STORE_SECRET_MAX + 1];
  const struct sw_store_rule_secrets too_big = {.oauth = {big, sizeof big, true}};
  assert_int_equal(
      sw_store_rule_add_with_secrets(st, &r, &too_big, FX_NOW_MS, NULL, NULL),
      SW_STORE_INVALID_ARGUMENT);
  sw_rule_free(&r);
  sw_store_close(st);
}

/* Schema 7: a round trip's settings, its mailbox secret, and its results'
 * timings, hops and verdicts. */
static void test_round_trip_rule_and_result_round_trip(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  struct sw_rule r;
  fx_rule(&r, "Round trip", "mx.example.net");
  sw_test_rule_round_trip(&r);
  const struct sw_store_rule_secrets secrets = {.mailbox = {"MBOX-1", 6, true}};
  int64_t id = 0;
  fx_expect_ok(st,
               sw_store_rule_add_with_secrets(st, &r, &secrets, FX_NOW_MS, NULL, &id));
  struct sw_store_rule got;
  fx_expect_ok(st, sw_store_rule_get(st, id, &got));
  r.id = id;
  assert_int_equal(sw_rule_diff(&got.rule, &r), 0);
  assert_int_equal(got.mailbox_secret.len, 6);
  assert_memory_equal(got.mailbox_secret.data, "MBOX-1", 6);
  assert_null(got.auth_secret.data);
  /* An update that does not name the secret keeps it. */
  r.deliver_within_s = 600;
  fx_expect_ok(st, sw_store_rule_update(st, &r, 1, FX_NOW_MS + 1, NULL, NULL));
  sw_store_rule_free(&got);
  fx_expect_ok(st, sw_store_rule_get(st, id, &got));
  assert_int_equal(got.rule.deliver_within_s, 600);
  assert_true(got.rule.mailbox_password_set);
  sw_store_rule_free(&got);

  struct sw_store_result in[2];
  fx_result(&in[0], id, FX_NOW_MS, SW_OUTCOME_DELIVERED);
  in[0].check.round_trip = sw_test_round_trip_sample();
  fx_result(&in[1], id, FX_NOW_MS + 60000, SW_OUTCOME_OK);
  fx_expect_ok(st, fx_write_results(st, in, 2, NULL));
  struct sw_store_result_list h;
  fx_expect_ok(st, sw_store_history(st, id, NULL, 10, &h));
  assert_int_equal(h.count, 2);
  assert_null(h.items[0].check.round_trip);
  assert_int_equal(h.items[1].check.outcome, SW_OUTCOME_DELIVERED);
  sw_test_assert_same_round_trip(in[0].check.round_trip, h.items[1].check.round_trip);
  sw_store_result_list_free(&h);
  for (int i = 0; i < 2; i++)
    sw_store_result_free(&in[i]);
  sw_rule_free(&r);
  sw_store_close(st);
}

static void test_invalid_rule_is_refused_with_its_problems(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  struct sw_rule r;
  fx_rule(&r, "No host", "");
  r.port = 0;
  struct sw_rule_problems p;
  int64_t id = 77;
  assert_int_equal(sw_store_rule_add(st, &r, FX_NOW_MS, &p, &id), SW_STORE_INVALID_RULE);
  assert_int_equal(id, 0);
  assert_non_null(sw_rule_problems_find(&p, SW_RULE_FIELD_HOST));
  assert_non_null(sw_rule_problems_find(&p, SW_RULE_FIELD_PORT));
  /* The log line names what is wrong. */
  assert_int_equal(sw_store_last_error(st)->err, SW_STORE_INVALID_RULE);
  assert_non_null(strstr(sw_store_last_error(st)->message, "Host"));
  struct sw_store_rule_list list;
  fx_expect_ok(st, sw_store_rule_list(st, &list));
  assert_int_equal(list.count, 0);
  sw_store_rule_list_free(&list);
  sw_rule_free(&r);
  sw_store_close(st);
}

static void test_rules_list_in_id_order_and_ids_are_not_reused(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t a = fx_add_rule(st, "A"), b = fx_add_rule(st, "B"), c = fx_add_rule(st, "C");
  assert_true(a < b && b < c);
  fx_expect_ok(st, sw_store_rule_delete(st, c));
  int64_t d = fx_add_rule(st, "D");
  assert_true(d > c); /* results of the deleted rule can never be taken for D's */

  struct sw_store_rule_list list;
  fx_expect_ok(st, sw_store_rule_list(st, &list));
  assert_int_equal(list.count, 3);
  assert_int_equal(list.items[0].rule.id, a);
  assert_string_equal(list.items[0].rule.name, "A");
  assert_int_equal(list.items[1].rule.id, b);
  assert_int_equal(list.items[2].rule.id, d);
  assert_string_equal(list.items[2].rule.name, "D");
  sw_store_rule_list_free(&list);
  assert_null(list.items);

  /* A page: the rules after an id, in id order, at most so many; the
   * deleted rule's id is only a place in the order. */
  fx_expect_ok(st, sw_store_rule_page(st, a, 1, &list));
  assert_int_equal(list.count, 1);
  assert_int_equal(list.items[0].rule.id, b);
  assert_string_equal(list.items[0].rule.name, "B");
  sw_store_rule_list_free(&list);
  fx_expect_ok(st, sw_store_rule_page(st, c, 10, &list));
  assert_int_equal(list.count, 1);
  assert_int_equal(list.items[0].rule.id, d);
  sw_store_rule_list_free(&list);
  fx_expect_ok(st, sw_store_rule_page(st, 0, 10, &list));
  assert_int_equal(list.count, 3);
  sw_store_rule_list_free(&list);
  fx_expect_ok(st, sw_store_rule_page(st, d, 10, &list));
  assert_int_equal(list.count, 0);
  sw_store_close(st);
}

static void test_update_needs_the_current_revision(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t id = fx_add_rule(st, "Relay");

  struct sw_store_rule mine, theirs;
  fx_expect_ok(st, sw_store_rule_get(st, id, &mine));
  fx_expect_ok(st, sw_store_rule_get(st, id, &theirs));

  /* Someone else saves first. */
  assert_int_equal(sw_rule_set_string(&theirs.rule.host, "relay2.example.com"), SW_E_OK);
  int64_t rev = 0;
  fx_expect_ok(st, sw_store_rule_update(st, &theirs.rule, theirs.revision,
                                        FX_NOW_MS + 1000, NULL, &rev));
  assert_int_equal(rev, 2);

  /* My edit of the old revision is refused and changes nothing. */
  mine.rule.port = 587;
  assert_int_equal(
      sw_store_rule_update(st, &mine.rule, mine.revision, FX_NOW_MS + 2000, NULL, &rev),
      SW_STORE_STALE);
  assert_int_equal(rev, 0);
  assert_non_null(strstr(sw_store_last_error(st)->message, "revision 2"));
  struct sw_store_rule got;
  fx_expect_ok(st, sw_store_rule_get(st, id, &got));
  assert_string_equal(got.rule.host, "relay2.example.com");
  assert_int_equal(got.rule.port, 25);
  assert_int_equal(got.revision, 2);
  assert_int_equal(got.created_at_ms, FX_NOW_MS);
  assert_int_equal(got.updated_at_ms, FX_NOW_MS + 1000);
  sw_store_rule_free(&got);

  /* After reloading, the same edit goes through. */
  fx_expect_ok(st, sw_store_rule_update(st, &mine.rule, 2, FX_NOW_MS + 3000, NULL, &rev));
  assert_int_equal(rev, 3);

  /* An invalid edit is refused with its problems, even at the right revision. */
  struct sw_rule_problems p;
  mine.rule.timeout_ms = 1;
  assert_int_equal(sw_store_rule_update(st, &mine.rule, 3, FX_NOW_MS, &p, &rev),
                   SW_STORE_INVALID_RULE);
  assert_non_null(sw_rule_problems_find(&p, SW_RULE_FIELD_TIMEOUT_MS));

  /* A deleted rule is not "stale" but gone. */
  mine.rule.timeout_ms = 7000;
  fx_expect_ok(st, sw_store_rule_delete(st, id));
  assert_int_equal(sw_store_rule_update(st, &mine.rule, 3, FX_NOW_MS, NULL, &rev),
                   SW_STORE_NOT_FOUND);
  sw_store_rule_free(&mine);
  sw_store_rule_free(&theirs);
  sw_store_close(st);
}

static void test_set_enabled_counts_as_a_change(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t id = fx_add_rule(st, "Toggle");
  int64_t rev = 0;
  fx_expect_ok(st, sw_store_rule_set_enabled(st, id, false, FX_NOW_MS + 5, &rev));
  assert_int_equal(rev, 2);
  struct sw_store_rule got;
  fx_expect_ok(st, sw_store_rule_get(st, id, &got));
  assert_false(got.rule.enabled);
  assert_int_equal(got.revision, 2);
  assert_int_equal(got.updated_at_ms, FX_NOW_MS + 5);
  /* An editor holding revision 1 would re-enable it: refused. */
  got.rule.enabled = true;
  assert_int_equal(sw_store_rule_update(st, &got.rule, 1, FX_NOW_MS, NULL, NULL),
                   SW_STORE_STALE);
  sw_store_rule_free(&got);
  assert_int_equal(sw_store_rule_set_enabled(st, id + 1, true, FX_NOW_MS, &rev),
                   SW_STORE_NOT_FOUND);
  assert_int_equal(sw_store_rule_delete(st, id + 1), SW_STORE_NOT_FOUND);
  sw_store_close(st);
}

static void test_results_keep_what_a_user_reads(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t id = fx_add_rule(st, "R");
  struct sw_store_result in[2];
  fx_result(&in[0], id, FX_NOW_MS, SW_OUTCOME_PERM_REJECT);
  fx_result(&in[1], id, FX_NOW_MS + 60000, SW_OUTCOME_OK);
  fx_result_tls(&in[1]);
  struct sw_store_write_counts n;
  fx_expect_ok(st, fx_write_results(st, in, 2, &n));
  assert_int_equal(n.results_written, 2);
  assert_int_equal(n.results_dropped, 0);

  struct sw_store_result_list h;
  fx_expect_ok(st, sw_store_history(st, id, NULL, 10, &h));
  assert_int_equal(h.count, 2);
  const struct sw_store_result *ok = &h.items[0], *bad = &h.items[1];
  assert_true(ok->id > 0 && bad->id > 0);

  assert_int_equal(bad->rule_id, id);
  assert_int_equal(bad->started_at_ms, FX_NOW_MS);
  assert_int_equal(bad->status, SW_NAGIOS_CRITICAL);
  assert_int_equal(bad->check.outcome, SW_OUTCOME_PERM_REJECT);
  assert_int_equal(bad->check.step, SW_STEP_GREETING);
  assert_int_equal(bad->check.reply_code, 554);
  assert_string_equal(bad->check.enhanced_code, "5.7.1");
  assert_string_equal(bad->check.reply, in[0].check.reply);
  assert_string_equal(bad->check.detail, "refused at the greeting");
  assert_string_equal(bad->check.peer, "192.0.2.7:25");
  assert_true(bad->check.used_helo);
  assert_int_equal(bad->check.total_us, in[0].check.total_us);
  for (int i = 0; i < SW_STEP_COUNT; i++)
    assert_int_equal(bad->check.step_us[i], in[0].check.step_us[i]);
  assert_int_equal(bad->check.step_us[SW_STEP_EHLO], -1); /* not reached */
  assert_string_equal(sw_buf_str(&bad->check.transcript),
                      sw_buf_str(&in[0].check.transcript));
  assert_false(bad->check.tls.used);
  assert_false(bad->check.tls.verified);
  assert_null(bad->check.tls.sans);
  /* The brief page (the pipe's HISTORY) is the same without the
   * transcript, which it never sends. */
  struct sw_store_result_list brief;
  fx_expect_ok(st, sw_store_history_brief(st, id, NULL, 10, &brief));
  assert_int_equal(brief.count, 2);
  assert_int_equal(brief.items[1].id, bad->id);
  assert_int_equal(brief.items[1].check.reply_code, 554);
  assert_string_equal(brief.items[1].check.detail, "refused at the greeting");
  assert_int_equal(brief.items[1].check.transcript.len, 0);
  sw_store_result_list_free(&brief);

  assert_int_equal(ok->status, SW_NAGIOS_OK);
  assert_int_equal(ok->check.outcome, SW_OUTCOME_OK);
  assert_int_equal(ok->check.step, SW_STEP_QUIT);
  assert_int_equal(ok->check.caps, SW_CAP(PIPELINING) | SW_CAP(STARTTLS));
  assert_int_equal(ok->check.step_us[SW_STEP_EHLO], 444);
  assert_int_equal(ok->check.transcript.len, 0); /* not kept for OK checks */
  assert_true(ok->check.tls.used);
  assert_true(ok->check.tls.verified);
  assert_string_equal(ok->check.tls.version, "TLS 1.2");
  assert_string_equal(ok->check.tls.cipher, in[1].check.tls.cipher);
  assert_string_equal(ok->check.tls.subject, in[1].check.tls.subject);
  assert_string_equal(ok->check.tls.issuer, "CN=Example CA");
  assert_string_equal(ok->check.tls.sans, in[1].check.tls.sans);
  assert_int_equal(ok->check.tls.not_after, 1790000000);
  assert_int_equal(ok->check.tls.days_left, 265);

  /* The step times are readable text in the file, for tools and support. */
  assert_string_equal(fx_peek(fx->db, "SELECT step_us FROM results ORDER BY id LIMIT 1"),
                      "resolve=11;connect=222;greeting=3333");
  sw_store_result_list_free(&h);
  sw_store_result_free(&in[0]);
  sw_store_result_free(&in[1]);
  sw_store_close(st);
}

static void test_history_pages_newest_first_without_gaps(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t a = fx_add_rule(st, "A"), b = fx_add_rule(st, "B");
  enum { N = 25 };
  struct sw_store_result in[2 * N];
  for (int i = 0; i < N; i++) {
    /* Pairs with the same start time: the id breaks the tie. */
    fx_result(&in[2 * i], a, FX_NOW_MS + (i / 2) * 1000, SW_OUTCOME_OK);
    fx_result(&in[2 * i + 1], b, FX_NOW_MS + i * 1000, SW_OUTCOME_TIMEOUT);
  }
  fx_expect_ok(st, fx_write_results(st, in, 2 * N, NULL));

  struct sw_store_cursor cur;
  const struct sw_store_cursor *before = NULL;
  size_t seen = 0, pages = 0;
  int64_t last_t = INT64_MAX, last_id = INT64_MAX;
  for (;;) {
    struct sw_store_result_list page;
    fx_expect_ok(st, sw_store_history(st, a, before, 10, &page));
    pages++;
    for (size_t i = 0; i < page.count; i++) {
      const struct sw_store_result *r = &page.items[i];
      assert_int_equal(r->rule_id, a);
      bool older =
          r->started_at_ms < last_t || (r->started_at_ms == last_t && r->id < last_id);
      assert_true(older);
      last_t = r->started_at_ms;
      last_id = r->id;
    }
    seen += page.count;
    size_t count = page.count;
    if (count) {
      cur.started_at_ms = page.items[count - 1].started_at_ms;
      cur.id = page.items[count - 1].id;
      before = &cur;
    }
    sw_store_result_list_free(&page);
    if (count < 10)
      break;
  }
  assert_int_equal(seen, N);
  assert_int_equal(pages, 3);
  for (int i = 0; i < 2 * N; i++)
    sw_store_result_free(&in[i]);
  sw_store_close(st);
}

static void test_latest_result_of_each_rule(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t a = fx_add_rule(st, "A"), b = fx_add_rule(st, "B");
  fx_add_rule(st, "C never checked");
  struct sw_store_result in[4];
  fx_result(&in[0], b, FX_NOW_MS + 5, SW_OUTCOME_TIMEOUT);
  fx_result(&in[1], a, FX_NOW_MS + 9, SW_OUTCOME_REFUSED);
  fx_result(&in[2], b, FX_NOW_MS + 1, SW_OUTCOME_OK); /* written later, older */
  fx_result(&in[3], a, FX_NOW_MS + 2, SW_OUTCOME_OK);
  fx_expect_ok(st, fx_write_results(st, in, 4, NULL));
  struct sw_store_result_list l;
  fx_expect_ok(st, sw_store_latest_results_between(st, INT64_MIN, INT64_MAX, &l));
  assert_int_equal(l.count, 2);
  assert_int_equal(l.items[0].rule_id, a);
  assert_int_equal(l.items[0].check.outcome, SW_OUTCOME_REFUSED);
  assert_int_equal(l.items[1].rule_id, b);
  assert_int_equal(l.items[1].check.outcome, SW_OUTCOME_TIMEOUT);
  sw_store_result_list_free(&l);
  /* A page of rules (after A, up to B): B's alone. */
  fx_expect_ok(st, sw_store_latest_results_between(st, a, b, &l));
  assert_int_equal(l.count, 1);
  assert_int_equal(l.items[0].rule_id, b);
  assert_int_equal(l.items[0].check.outcome, SW_OUTCOME_TIMEOUT);
  sw_store_result_list_free(&l);
  fx_expect_ok(st, sw_store_latest_results_between(st, b, INT64_MAX, &l));
  assert_int_equal(l.count, 0);
  sw_store_result_list_free(&l);
  for (int i = 0; i < 4; i++)
    sw_store_result_free(&in[i]);
  sw_store_close(st);
}

static void test_states_are_upserted_and_loaded(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t a = fx_add_rule(st, "A"), b = fx_add_rule(st, "B");
  struct sw_store_rule_state s[2] = {
      {b, SW_NAGIOS_CRITICAL, 3, FX_NOW_MS - 5000, FX_NOW_MS, SW_OUTCOME_TIMEOUT},
      {a, SW_NAGIOS_OK, 0, FX_NOW_MS - 9000, FX_NOW_MS - 1, SW_OUTCOME_OK},
  };
  fx_expect_ok(
      st,
      sw_store_write(st, &(struct sw_store_batch){.states = s, .state_count = 2}, NULL));
  s[0].state = SW_NAGIOS_OK;
  s[0].failures = 0;
  s[0].since_ms = FX_NOW_MS + 60000;
  s[0].last_outcome = SW_OUTCOME_OK;
  fx_expect_ok(
      st,
      sw_store_write(st, &(struct sw_store_batch){.states = s, .state_count = 1}, NULL));

  struct sw_store_state_list l;
  fx_expect_ok(st, sw_store_state_load(st, &l));
  assert_int_equal(l.count, 2);
  assert_int_equal(l.items[0].rule_id, a);
  assert_int_equal(l.items[0].state, SW_NAGIOS_OK);
  assert_int_equal(l.items[0].since_ms, FX_NOW_MS - 9000);
  assert_int_equal(l.items[0].last_result_at_ms, FX_NOW_MS - 1);
  assert_int_equal(l.items[1].rule_id, b);
  assert_int_equal(l.items[1].state, SW_NAGIOS_OK);
  assert_int_equal(l.items[1].failures, 0);
  assert_int_equal(l.items[1].since_ms, FX_NOW_MS + 60000);
  assert_int_equal(l.items[1].last_outcome, SW_OUTCOME_OK);
  sw_store_state_list_free(&l);
  sw_store_close(st);
}

static void test_events_page_newest_first(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t a = fx_add_rule(st, "A");
  struct sw_store_event ev[7];
  char msgs[7][64];
  for (int i = 0; i < 7; i++) {
    snprintf(msgs[i], sizeof msgs[i], "event %d: Relais Z\xC3\xBCrich is CRITICAL", i);
    ev[i] = (struct sw_store_event){.at_ms = FX_NOW_MS + i,
                                    .event_id = 1000 + (uint32_t)i,
                                    .severity = (enum sw_event_severity)(i % 3),
                                    .rule_id = i % 2 ? a : 0,
                                    .message = msgs[i]};
  }
  fx_expect_ok(
      st,
      sw_store_write(st, &(struct sw_store_batch){.events = ev, .event_count = 7}, NULL));
  struct sw_store_event_list l;
  int64_t before = 0;
  int expect = 6;
  size_t sizes[3];
  for (int page = 0; page < 3; page++) {
    fx_expect_ok(st, sw_store_events_recent(st, before, 3, &l));
    sizes[page] = l.count;
    for (size_t i = 0; i < l.count; i++, expect--) {
      const struct sw_store_event *e = &l.items[i];
      assert_string_equal(e->message, msgs[expect]);
      assert_int_equal(e->at_ms, FX_NOW_MS + expect);
      assert_int_equal(e->event_id, 1000 + expect);
      assert_int_equal(e->severity, expect % 3);
      assert_int_equal(e->rule_id, expect % 2 ? a : 0);
      before = e->id;
    }
    sw_store_event_list_free(&l);
  }
  assert_int_equal(expect, -1);
  assert_int_equal(sizes[0], 3);
  assert_int_equal(sizes[1], 3);
  assert_int_equal(sizes[2], 1);
  assert_string_equal(sw_event_severity_name(SW_EVENT_WARNING), "warning");
  sw_store_close(st);
}

static void test_batch_survives_a_rule_deleted_meanwhile(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t keep = fx_add_rule(st, "Kept"), gone = fx_add_rule(st, "Deleted");
  fx_expect_ok(st, sw_store_rule_delete(st, gone));
  /* The service still had these buffered when the rule was deleted. */
  struct sw_store_result res[2];
  fx_result(&res[0], keep, FX_NOW_MS, SW_OUTCOME_OK);
  fx_result(&res[1], gone, FX_NOW_MS, SW_OUTCOME_OK);
  struct sw_store_rule_state states[1] = {
      {gone, SW_NAGIOS_CRITICAL, 2, FX_NOW_MS, FX_NOW_MS, SW_OUTCOME_TIMEOUT}};
  char msg[] = "Rule Deleted is CRITICAL";
  struct sw_store_event events[1] = {{.at_ms = FX_NOW_MS,
                                      .event_id = 2001,
                                      .severity = SW_EVENT_ERROR,
                                      .rule_id = gone,
                                      .message = msg}};
  struct sw_store_batch b = {.results = res,
                             .result_count = 2,
                             .states = states,
                             .state_count = 1,
                             .events = events,
                             .event_count = 1};
  struct sw_store_write_counts n;
  fx_expect_ok(st, sw_store_write(st, &b, &n));
  assert_int_equal(n.results_written, 1);
  assert_int_equal(n.results_dropped, 1);
  assert_int_equal(n.states_written, 0);
  assert_int_equal(n.states_dropped, 1);
  assert_int_equal(n.events_written, 1);
  struct sw_store_event_list l;
  fx_expect_ok(st, sw_store_events_recent(st, 0, 10, &l));
  assert_int_equal(l.count, 1);
  assert_int_equal(l.items[0].rule_id, 0); /* kept, without its rule */
  assert_string_equal(l.items[0].message, msg);
  sw_store_event_list_free(&l);
  struct sw_store_result_list h;
  fx_expect_ok(st, sw_store_history(st, keep, NULL, 10, &h));
  assert_int_equal(h.count, 1);
  sw_store_result_list_free(&h);
  sw_store_result_free(&res[0]);
  sw_store_result_free(&res[1]);
  sw_store_close(st);
}

static void test_settings_and_retention_days(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  char *v = (char *)"untouched";
  assert_int_equal(sw_store_setting_get(st, "nothing", &v), SW_STORE_NOT_FOUND);
  assert_null(v);
  fx_expect_retention_days(st, 30);
  fx_expect_ok(st, sw_store_setting_set(st, SW_STORE_SETTING_RETENTION_DAYS, "7"));
  fx_expect_ok(st, sw_store_setting_get(st, SW_STORE_SETTING_RETENTION_DAYS, &v));
  assert_string_equal(v, "7");
  free(v);
  fx_expect_retention_days(st, 7);
  /* A damaged value must not make retention delete everything. */
  static const char *const bad[] = {"0", "-3", "abc", "12x", "", "99999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    fx_expect_ok(st, sw_store_setting_set(st, SW_STORE_SETTING_RETENTION_DAYS, bad[i]));
    fx_expect_retention_days(st, 30);
  }
  sw_store_close(st);
}

static void test_retention_deletes_exactly_the_old_rows_in_steps(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t a = fx_add_rule(st, "A"), b = fx_add_rule(st, "B");
  const int64_t limit = FX_NOW_MS - 30 * FX_DAY_MS;
  enum { OLD = 23, NEW = 4 };
  struct sw_store_result res[OLD + NEW];
  for (int i = 0; i < OLD; i++)
    fx_result(&res[i], i % 2 ? a : b, limit - 1 - i * 3600000LL, SW_OUTCOME_TIMEOUT);
  /* Exactly at the limit is not older than it: kept. */
  fx_result(&res[OLD], a, limit, SW_OUTCOME_OK);
  fx_result(&res[OLD + 1], b, limit + 1, SW_OUTCOME_OK);
  fx_result(&res[OLD + 2], a, FX_NOW_MS - FX_DAY_MS, SW_OUTCOME_OK);
  fx_result(&res[OLD + 3], b, FX_NOW_MS, SW_OUTCOME_OK);
  char msg[] = "state changed";
  struct sw_store_event ev[5];
  for (int i = 0; i < 5; i++)
    ev[i] = (struct sw_store_event){.at_ms = i < 3 ? limit - 1 - i : limit + i,
                                    .event_id = 2000,
                                    .severity = SW_EVENT_WARNING,
                                    .rule_id = a,
                                    .message = msg};
  struct sw_store_batch batch = {.results = res,
                                 .result_count = OLD + NEW,
                                 .states = NULL,
                                 .state_count = 0,
                                 .events = ev,
                                 .event_count = 5};
  fx_expect_ok(st, sw_store_write(st, &batch, NULL));

  size_t total = 0, steps = 0, deleted;
  bool more = true;
  while (more) {
    fx_expect_ok(st, sw_store_retention_step(st, FX_NOW_MS, 10, &deleted, &more));
    assert_true(deleted <= 10);
    total += deleted;
    steps++;
    assert_true(steps < 10);
  }
  assert_int_equal(total, OLD + 3);
  assert_int_equal(steps, 3); /* 10 + 10 + 6 */

  struct sw_store_result_list h;
  int64_t kept_a[] = {FX_NOW_MS - FX_DAY_MS, limit};
  fx_expect_ok(st, sw_store_history(st, a, NULL, 100, &h));
  assert_int_equal(h.count, 2);
  for (size_t i = 0; i < h.count; i++)
    assert_int_equal(h.items[i].started_at_ms, kept_a[i]);
  sw_store_result_list_free(&h);
  int64_t kept_b[] = {FX_NOW_MS, limit + 1};
  fx_expect_ok(st, sw_store_history(st, b, NULL, 100, &h));
  assert_int_equal(h.count, 2);
  for (size_t i = 0; i < h.count; i++)
    assert_int_equal(h.items[i].started_at_ms, kept_b[i]);
  sw_store_result_list_free(&h);
  struct sw_store_event_list l;
  fx_expect_ok(st, sw_store_events_recent(st, 0, 100, &l));
  assert_int_equal(l.count, 2);
  assert_true(l.items[0].at_ms >= limit && l.items[1].at_ms >= limit);
  sw_store_event_list_free(&l);

  /* Nothing old left: a step deletes nothing. */
  fx_expect_ok(st, sw_store_retention_step(st, FX_NOW_MS, 10, &deleted, &more));
  assert_int_equal(deleted, 0);
  assert_false(more);
  /* A shorter retention moves the limit. */
  fx_expect_ok(st, sw_store_setting_set(st, SW_STORE_SETTING_RETENTION_DAYS, "1"));
  fx_expect_ok(st, sw_store_retention_step(st, FX_NOW_MS, 100, &deleted, &more));
  /* All but the results at FX_NOW_MS and FX_NOW_MS - 1 day: two results and
   * the two remaining events. */
  assert_int_equal(deleted, 4);
  assert_int_equal(sw_store_retention_step(st, FX_NOW_MS, 0, &deleted, &more),
                   SW_STORE_INVALID_ARGUMENT);
  for (int i = 0; i < OLD + NEW; i++)
    sw_store_result_free(&res[i]);
  sw_store_close(st);
}

/* A database filled past a small cap is pruned oldest result first, in
 * slices, until it is under the cap; the newest results, the newest of a
 * rule whose results are all old, the rules, their states and every event
 * stay. Freed pages are reused: writing the same again does not grow the
 * file by as much. */
static void test_prune_to_cap_deletes_the_oldest_results_only(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t a = fx_add_rule(st, "A"), b = fx_add_rule(st, "B");
  enum { N = 1500, B_RESULTS = 5, MINUTE = 60000 };
  static char padding[1001];
  memset(padding, 'x', 1000);
  const int64_t first = FX_NOW_MS - (int64_t)N * MINUTE;
  static struct sw_store_result res[N];
  for (int i = 0; i < N; i++) {
    /* B has the 5 oldest results only; A all the others. */
    fx_result(&res[i], i < B_RESULTS ? b : a, first + (int64_t)i * MINUTE,
              SW_OUTCOME_PERM_REJECT);
    assert_int_equal(sw_buf_appends(&res[i].check.transcript, padding), SW_E_OK);
  }
  char msg[] = "state changed";
  struct sw_store_event ev[3];
  for (int i = 0; i < 3; i++)
    ev[i] = (struct sw_store_event){.at_ms = first - i, /* older than any result */
                                    .event_id = 2001,
                                    .severity = SW_EVENT_ERROR,
                                    .rule_id = b,
                                    .message = msg};
  struct sw_store_rule_state rs = {.rule_id = b,
                                   .state = SW_NAGIOS_CRITICAL,
                                   .failures = 3,
                                   .since_ms = first,
                                   .last_result_at_ms = first,
                                   .last_outcome = SW_OUTCOME_PERM_REJECT};
  struct sw_store_batch batch = {.results = res,
                                 .result_count = N,
                                 .states = &rs,
                                 .state_count = 1,
                                 .events = ev,
                                 .event_count = 3};
  fx_expect_ok(st, sw_store_write(st, &batch, NULL));

  struct sw_store_size size;
  fx_expect_ok(st, sw_store_size(st, &size));
  assert_true(size.used_bytes > 1500 * 1000); /* the transcripts alone */
  assert_true(size.file_bytes >= size.used_bytes);

  /* Under the target: nothing happens. */
  struct sw_store_prune p;
  fx_expect_ok(st, sw_store_prune_step(st, size.used_bytes + 1, 100, &p));
  assert_int_equal(p.deleted, 0);
  assert_false(p.more);
  assert_int_equal(p.used_before, size.used_bytes);

  const int64_t target = 512 * 1024;
  size_t total = 0, steps = 0;
  int64_t before = size.used_bytes, last = before;
  do {
    fx_expect_ok(st, sw_store_prune_step(st, target, 100, &p));
    assert_true(p.deleted <= 100);
    assert_int_equal(p.used_before, last);
    assert_true(p.used_after <= p.used_before);
    last = p.used_after;
    total += p.deleted;
    assert_true(++steps < 100);
  } while (p.more);
  assert_true(steps > 1); /* slices, not one long transaction */
  assert_true(p.used_after <= target);
  assert_true(p.used_after < before / 2);
  assert_true(total > N / 2 && total < N - 100);

  /* A kept exactly its newest results, newest first without a gap. */
  struct sw_store_result_list h;
  fx_expect_ok(st, sw_store_history(st, a, NULL, N, &h));
  assert_int_equal(h.count, N - B_RESULTS - (total - (B_RESULTS - 1)));
  for (size_t i = 0; i < h.count; i++)
    assert_int_equal(h.items[i].started_at_ms, first + (int64_t)(N - 1 - i) * MINUTE);
  sw_store_result_list_free(&h);
  /* B's results were the oldest of all, but its newest one stays. */
  fx_expect_ok(st, sw_store_history(st, b, NULL, N, &h));
  assert_int_equal(h.count, 1);
  assert_int_equal(h.items[0].started_at_ms, first + (B_RESULTS - 1) * MINUTE);
  sw_store_result_list_free(&h);
  /* Rules, their state and every event stay, even older ones. */
  struct sw_store_rule_list rl;
  fx_expect_ok(st, sw_store_rule_list(st, &rl));
  assert_int_equal(rl.count, 2);
  sw_store_rule_list_free(&rl);
  struct sw_store_state_list sl;
  fx_expect_ok(st, sw_store_state_load(st, &sl));
  assert_int_equal(sl.count, 1);
  sw_store_state_list_free(&sl);
  struct sw_store_event_list el;
  fx_expect_ok(st, sw_store_events_recent(st, 0, 100, &el));
  assert_int_equal(el.count, 3);
  sw_store_event_list_free(&el);

  /* The freed pages are reused: 200 more results fit in them, and the
   * file's pages do not grow. */
  fx_expect_ok(st, sw_store_size(st, &size));
  assert_true(size.free_bytes > 300 * 1024);
  int64_t pages_bytes = size.used_bytes + size.free_bytes;
  enum { MORE = 200 };
  for (int i = 0; i < MORE; i++) {
    sw_store_result_free(&res[i]);
    fx_result(&res[i], a, FX_NOW_MS + (int64_t)i * MINUTE, SW_OUTCOME_PERM_REJECT);
    assert_int_equal(sw_buf_appends(&res[i].check.transcript, padding), SW_E_OK);
  }
  fx_expect_ok(st, fx_write_results(st, res, MORE, NULL));
  fx_expect_ok(st, sw_store_size(st, &size));
  assert_int_equal(size.used_bytes + size.free_bytes, pages_bytes);
  const int64_t newest_a = FX_NOW_MS + (int64_t)(MORE - 1) * MINUTE;

  /* Target 0 (the disk is full): one slice whatever the size, down to the
   * newest result of each rule and no further. */
  fx_expect_ok(st, sw_store_prune_step(st, 0, 10, &p));
  assert_int_equal(p.deleted, 10);
  assert_true(p.more);
  do
    fx_expect_ok(st, sw_store_prune_step(st, 0, 500, &p));
  while (p.more);
  struct sw_store_result_list latest;
  fx_expect_ok(st, sw_store_latest_results_between(st, INT64_MIN, INT64_MAX, &latest));
  assert_int_equal(latest.count, 2);
  sw_store_result_list_free(&latest);
  fx_expect_ok(st, sw_store_history(st, a, NULL, N, &h));
  assert_int_equal(h.count, 1);
  assert_int_equal(h.items[0].started_at_ms, newest_a);
  sw_store_result_list_free(&h);
  fx_expect_ok(st, sw_store_prune_step(st, 0, 10, &p));
  assert_int_equal(p.deleted, 0);
  assert_false(p.more);

  assert_int_equal(sw_store_prune_step(st, 0, 0, &p), SW_STORE_INVALID_ARGUMENT);

  /* A checkpoint gives the WAL's disk space back (what a full disk needs
   * first): the files are then the database file's pages alone. */
  fx_expect_ok(st, sw_store_size(st, &size));
  assert_true(size.file_bytes > size.used_bytes + size.free_bytes);
  fx_expect_ok(st, sw_store_checkpoint(st, SW_STORE_CHECKPOINT_TRUNCATE, NULL, NULL));
  fx_expect_ok(st, sw_store_size(st, &size));
  assert_int_equal(size.file_bytes, size.used_bytes + size.free_bytes);
  for (int i = 0; i < N; i++)
    sw_store_result_free(&res[i]);
  sw_store_close(st);
}

static void test_delete_takes_results_state_and_events(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t a = fx_add_rule(st, "A"), b = fx_add_rule(st, "B");
  struct sw_store_result res[4];
  fx_result(&res[0], a, FX_NOW_MS, SW_OUTCOME_OK);
  fx_result(&res[1], a, FX_NOW_MS + 1, SW_OUTCOME_TIMEOUT);
  fx_result(&res[2], b, FX_NOW_MS, SW_OUTCOME_OK);
  fx_result(&res[3], b, FX_NOW_MS + 1, SW_OUTCOME_OK);
  struct sw_store_rule_state states[2] = {
      {a, SW_NAGIOS_WARNING, 1, FX_NOW_MS, FX_NOW_MS, SW_OUTCOME_TIMEOUT},
      {b, SW_NAGIOS_OK, 0, FX_NOW_MS, FX_NOW_MS, SW_OUTCOME_OK}};
  char msg[] = "m";
  struct sw_store_event ev[3] = {{.at_ms = 1,
                                  .event_id = 1,
                                  .severity = SW_EVENT_INFO,
                                  .rule_id = a,
                                  .message = msg},
                                 {.at_ms = 2,
                                  .event_id = 2,
                                  .severity = SW_EVENT_INFO,
                                  .rule_id = b,
                                  .message = msg},
                                 {.at_ms = 3,
                                  .event_id = 3,
                                  .severity = SW_EVENT_INFO,
                                  .rule_id = 0,
                                  .message = msg}};
  struct sw_store_batch batch = {.results = res,
                                 .result_count = 4,
                                 .states = states,
                                 .state_count = 2,
                                 .events = ev,
                                 .event_count = 3};
  fx_expect_ok(st, sw_store_write(st, &batch, NULL));

  fx_expect_ok(st, sw_store_rule_delete(st, a));
  struct sw_store_rule got;
  assert_int_equal(sw_store_rule_get(st, a, &got), SW_STORE_NOT_FOUND);
  assert_int_equal(sw_store_rule_delete(st, a), SW_STORE_NOT_FOUND);
  struct sw_store_result_list h;
  fx_expect_ok(st, sw_store_history(st, a, NULL, 10, &h));
  assert_int_equal(h.count, 0);
  fx_expect_ok(st, sw_store_history(st, b, NULL, 10, &h));
  assert_int_equal(h.count, 2);
  sw_store_result_list_free(&h);
  assert_string_equal(fx_peek(fx->db, "SELECT count(*) FROM results"), "2");
  struct sw_store_state_list sl;
  fx_expect_ok(st, sw_store_state_load(st, &sl));
  assert_int_equal(sl.count, 1);
  assert_int_equal(sl.items[0].rule_id, b);
  sw_store_state_list_free(&sl);
  struct sw_store_event_list el;
  fx_expect_ok(st, sw_store_events_recent(st, 0, 10, &el));
  assert_int_equal(el.count, 2);
  assert_int_equal(el.items[0].event_id, 3);
  assert_int_equal(el.items[1].rule_id, b);
  sw_store_event_list_free(&el);
  for (int i = 0; i < 4; i++)
    sw_store_result_free(&res[i]);
  sw_store_close(st);
}

static void test_utf8_path(void **state)
{
  struct fixture *fx = *state;
  char path[FX_PATH_MAX];
  fx_path(fx, "smtpwatch-\xC3\xA9\xE2\x9C\x93.db", path);
  struct sw_store *st = fx_open(path);
  int64_t id = fx_add_rule(st, "Unicode path");
  sw_store_close(st);
  assert_true(fx_exists(path)); /* under that very name, not a mangled one */
  st = fx_open(path);
  struct sw_store_rule got;
  fx_expect_ok(st, sw_store_rule_get(st, id, &got));
  assert_string_equal(got.rule.name, "Unicode path");
  sw_store_rule_free(&got);
  sw_store_close(st);
}

static void test_every_error_has_a_name_and_a_sentence(void **state)
{
  (void)state;
  for (int i = 0; i < SW_STORE_ERROR_COUNT; i++) {
    const char *name = sw_store_error_name((enum sw_store_error)i);
    const char *text = sw_store_error_text((enum sw_store_error)i);
    assert_true(strncmp(name, "SW_STORE_", 9) == 0);
    assert_true(strlen(text) > 20);
    assert_int_equal(text[strlen(text) - 1], '.');
    for (int j = 0; j < i; j++)
      assert_string_not_equal(name, sw_store_error_name((enum sw_store_error)j));
  }
  assert_true(sw_store_error_is_transient(SW_STORE_BUSY));
  assert_true(sw_store_error_is_transient(SW_STORE_READONLY));
  assert_true(sw_store_error_is_transient(SW_STORE_FULL));
  assert_false(sw_store_error_is_transient(SW_STORE_STALE));
  assert_false(sw_store_error_is_transient(SW_STORE_INVALID_RULE));
  assert_false(sw_store_error_is_transient(SW_STORE_TOO_NEW));
  assert_string_equal(sw_store_error_name((enum sw_store_error)999), "SW_STORE_UNKNOWN");
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
      T(test_new_file_gets_current_schema_in_wal_mode),
      T(test_rule_round_trips_every_field),
      T(test_rule_past_handshake_and_secrets_round_trip),
      T(test_round_trip_rule_and_result_round_trip),
      T(test_invalid_rule_is_refused_with_its_problems),
      T(test_rules_list_in_id_order_and_ids_are_not_reused),
      T(test_update_needs_the_current_revision),
      T(test_set_enabled_counts_as_a_change),
      T(test_results_keep_what_a_user_reads),
      T(test_history_pages_newest_first_without_gaps),
      T(test_latest_result_of_each_rule),
      T(test_states_are_upserted_and_loaded),
      T(test_events_page_newest_first),
      T(test_batch_survives_a_rule_deleted_meanwhile),
      T(test_settings_and_retention_days),
      T(test_retention_deletes_exactly_the_old_rows_in_steps),
      T(test_prune_to_cap_deletes_the_oldest_results_only),
      T(test_delete_takes_results_state_and_events),
      T(test_utf8_path),
      cmocka_unit_test(test_every_error_has_a_name_and_a_sentence),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
