/* The store when the file is not what it should be: an old schema is
 * upgraded keeping every row, a newer or foreign one is refused untouched, a
 * damaged one gives a clear error (never a crash), a read-only or locked one
 * fails the write with a clear error while the caller keeps its batch, and
 * the same batch goes in once the file is writable or the lock is gone. Also
 * the figure for writing 10,000 results in one transaction. */
#include "store_fixture.h"

#include "store_alerts.h"

#ifndef SW_TEST_DATA_DIR
#error "SW_TEST_DATA_DIR must name tests/data"
#endif

/* Runs `sql` on a connection of its own, then closes it. */
static void exec_sql(const char *path, const char *sql)
{
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
    fail_msg("%s", msg);
  sqlite3_close(db);
}

/* Makes `path` a database of schema `version` from tests/data/store/<name>. */
static void make_from_sql(const char *path, const char *name, const char *version)
{
  char file[FX_PATH_MAX];
  snprintf(file, sizeof file, "%s/store/%s", SW_TEST_DATA_DIR, name);
  char *sql;
  size_t len = fx_read_all(file, &sql);
  sql = realloc(sql, len + 1);
  assert_non_null(sql);
  sql[len] = '\0';
  exec_sql(path, sql);
  free(sql);
  assert_string_equal(fx_peek(path, "PRAGMA user_version"), version);
}

/* Makes `path` a version-1 database from tests/data/store/v1.sql. */
static void make_v1(const char *path)
{
  make_from_sql(path, "v1.sql", "1");
}

/* Appends every row of `sql` to `out`, columns separated by '|'. */
static void dump_rows(sqlite3 *db, const char *sql, char *out, size_t size)
{
  sqlite3_stmt *stmt;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
    fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    for (int i = 0; i < sqlite3_column_count(stmt); i++) {
      const unsigned char *t = sqlite3_column_text(stmt, i);
      size_t len = strlen(out);
      snprintf(out + len, size - len, "%s%s", i ? "|" : "", t ? (const char *)t : "NULL");
    }
    size_t len = strlen(out);
    snprintf(out + len, size - len, "\n");
  }
  sqlite3_finalize(stmt);
  assert_true(strlen(out) < size - 1); /* not cut */
}

/* Every table's columns (order, type, NOT NULL, default, key), foreign
 * keys, indexes and their columns, and the two header fields: equal for
 * two files means equal schemas, whatever the whitespace of the SQL. */
static char *schema_fingerprint(const char *path)
{
  static const char *const queries[] = {
      "SELECT type, name, tbl_name FROM sqlite_schema ORDER BY name",
      "SELECT m.name, p.cid, p.name, p.type, p.\"notnull\", quote(p.dflt_value), p.pk "
      "FROM sqlite_schema AS m, pragma_table_info(m.name) AS p "
      "WHERE m.type = 'table' ORDER BY m.name, p.cid",
      "SELECT m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\", f.on_delete "
      "FROM sqlite_schema AS m, pragma_foreign_key_list(m.name) AS f "
      "WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq",
      "SELECT m.name, x.name, x.\"unique\", x.origin "
      "FROM sqlite_schema AS m, pragma_index_list(m.name) AS x "
      "WHERE m.type = 'table' ORDER BY m.name, x.name",
      "SELECT m.name, i.seqno, i.name "
      "FROM sqlite_schema AS m, pragma_index_info(m.name) AS i "
      "WHERE m.type = 'index' ORDER BY m.name, i.seqno",
      "PRAGMA application_id",
      "PRAGMA user_version",
  };
  size_t size = 64 * 1024;
  char *out = calloc(1, size);
  assert_non_null(out);
  sqlite3 *db;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
    dump_rows(db, queries[i], out, size);
  sqlite3_close(db);
  return out;
}

/* Asserts that the upgraded file `old` has exactly the schema of the new
 * file `fresh` (made here), and that it has `sign` (a piece of the newest
 * migration's fingerprint). */
static void expect_schema_of_a_new_file(const char *old, const char *fresh,
                                        const char *sign)
{
  struct sw_store *st = fx_open(fresh);
  sw_store_close(st);
  char *a = schema_fingerprint(old), *b = schema_fingerprint(fresh);
  bool same = strcmp(a, b) == 0;
  bool signed_ = strstr(a, sign) != NULL;
  if (!same || !signed_)
    print_message("upgraded:\n%s\nnew:\n%s\n", a, b);
  free(a);
  free(b);
  assert_true(same);
  assert_true(signed_);
}

static void test_version_1_is_upgraded_keeping_every_row(void **state)
{
  struct fixture *fx = *state;
  char v1[FX_PATH_MAX], fresh[FX_PATH_MAX];
  fx_path(fx, "v1.db", v1);
  fx_path(fx, "fresh.db", fresh);
  make_v1(v1);
  struct sw_store *st = fx_open(v1);
  assert_int_equal(atoi(fx_peek(v1, "PRAGMA user_version")), FX_SCHEMA_VERSION);
  assert_string_equal(fx_peek(v1, "PRAGMA journal_mode"), "wal");

  /* Rules: every v1 field, revision and times, and the TLS defaults. */
  struct sw_store_rule_list rules;
  fx_expect_ok(st, sw_store_rule_list(st, &rules));
  assert_int_equal(rules.count, 2);
  const struct sw_store_rule *r = &rules.items[0];
  assert_int_equal(r->rule.id, 1);
  assert_string_equal(r->rule.name, "Main relay");
  assert_string_equal(r->rule.host, "mail.example.com");
  assert_string_equal(r->rule.command, "NOOP");
  assert_string_equal(r->rule.expect, "250");
  assert_string_equal(r->rule.ehlo_name, "probe.example.org");
  assert_int_equal(r->revision, 3);
  assert_int_equal(r->updated_at_ms, 1760000300000LL);
  assert_int_equal(r->rule.tls_mode, SW_TLS_NONE);
  assert_false(r->rule.tls_insecure);
  assert_int_equal(r->rule.cert_warn_days, SW_RULE_DEFAULT_CERT_WARN_DAYS);
  assert_int_equal(r->rule.cert_crit_days, SW_RULE_DEFAULT_CERT_CRIT_DAYS);
  /* Version 4: checks as before, drift on. */
  assert_null(r->rule.auth_user);
  assert_false(r->rule.auth_password_set);
  assert_int_equal(r->rule.auth_mech, SW_AUTH_MECH_AUTO);
  assert_null(r->rule.mail_from);
  assert_false(r->rule.relay_test);
  assert_int_equal(r->rule.ip_family, SW_IP_ANY);
  assert_false(r->rule.all_addresses);
  assert_true(r->rule.drift);
  assert_null(r->auth_secret.data);
  r = &rules.items[1];
  assert_string_equal(r->rule.host, "2001:db8::25");
  assert_int_equal(r->rule.port, 2525);
  assert_false(r->rule.enabled);
  assert_int_equal(r->rule.interval_s, 300);
  assert_null(r->rule.command);
  sw_store_rule_list_free(&rules);

  /* Results, state, events and settings are still there and readable. */
  struct sw_store_result_list h;
  fx_expect_ok(st, sw_store_history(st, 1, NULL, 10, &h));
  assert_int_equal(h.count, 2);
  assert_int_equal(h.items[0].check.outcome, SW_OUTCOME_TIMEOUT);
  assert_int_equal(h.items[0].status, SW_NAGIOS_CRITICAL);
  assert_int_equal(h.items[0].check.step_us[SW_STEP_GREETING], 6997990);
  assert_non_null(strstr(sw_buf_str(&h.items[0].check.transcript), "timeout"));
  assert_false(h.items[0].check.tls.used);
  assert_false(h.items[0].check.tls.verified);
  assert_int_equal(h.items[1].check.outcome, SW_OUTCOME_OK);
  assert_int_equal(h.items[1].check.step_us[SW_STEP_COMMAND], 2000);
  sw_store_result_list_free(&h);
  struct sw_store_state_list sl;
  fx_expect_ok(st, sw_store_state_load(st, &sl));
  assert_int_equal(sl.count, 1);
  assert_int_equal(sl.items[0].state, SW_NAGIOS_WARNING);
  assert_int_equal(sl.items[0].last_outcome, SW_OUTCOME_TIMEOUT);
  sw_store_state_list_free(&sl);
  struct sw_store_event_list el;
  fx_expect_ok(st, sw_store_events_recent(st, 0, 10, &el));
  assert_int_equal(el.count, 2);
  assert_int_equal(el.items[0].rule_id, 1);
  assert_int_equal(el.items[0].severity, SW_EVENT_WARNING);
  sw_store_event_list_free(&el);
  char *days;
  fx_expect_ok(st, sw_store_setting_get(st, SW_STORE_SETTING_RETENTION_DAYS, &days));
  assert_string_equal(days, "14");
  free(days);
  /* Ids go on where version 1 left off. */
  assert_int_equal(fx_add_rule(st, "New"), 3);
  sw_store_close(st);

  expect_schema_of_a_new_file(v1, fresh, "|cert_days_left|INTEGER|1|");
}

static void test_version_2_is_upgraded_keeping_every_row(void **state)
{
  struct fixture *fx = *state;
  char v2[FX_PATH_MAX], fresh[FX_PATH_MAX];
  fx_path(fx, "v2.db", v2);
  fx_path(fx, "fresh.db", fresh);
  make_from_sql(v2, "v2.sql", "2");
  struct sw_store *st = fx_open(v2);
  assert_int_equal(atoi(fx_peek(v2, "PRAGMA user_version")), FX_SCHEMA_VERSION);

  /* Rules with their TLS settings, results with their TLS facts. */
  struct sw_store_rule_list rules;
  fx_expect_ok(st, sw_store_rule_list(st, &rules));
  assert_int_equal(rules.count, 2);
  assert_string_equal(rules.items[0].rule.name, "Main relay");
  assert_int_equal(rules.items[0].rule.tls_mode, SW_TLS_REQUIRE_STARTTLS);
  assert_int_equal(rules.items[0].rule.cert_warn_days, 30);
  assert_string_equal(rules.items[1].rule.name, "Firewall proxy");
  assert_int_equal(rules.items[1].rule.port, 2525);
  sw_store_rule_list_free(&rules);
  struct sw_store_result_list h;
  fx_expect_ok(st, sw_store_history(st, 1, NULL, 10, &h));
  assert_int_equal(h.count, 2);
  assert_int_equal(h.items[0].check.outcome, SW_OUTCOME_TIMEOUT);
  assert_non_null(strstr(sw_buf_str(&h.items[0].check.transcript), "timeout"));
  assert_true(h.items[1].check.tls.used);
  assert_string_equal(h.items[1].check.tls.subject, "CN=mail.example.com");
  sw_store_result_list_free(&h);
  struct sw_store_state_list sl;
  fx_expect_ok(st, sw_store_state_load(st, &sl));
  assert_int_equal(sl.count, 1);
  assert_int_equal(sl.items[0].state, SW_NAGIOS_CRITICAL);
  sw_store_state_list_free(&sl);

  /* The alert tables are there: existing rules alert on every transition,
   * at once, through the default notifiers, and nothing was told yet. */
  struct sw_store_rule_alerts a;
  fx_expect_ok(st, sw_store_rule_alerts_get(st, 1, &a));
  assert_int_equal(a.policy.on, SW_ALERT_ON_ALL);
  assert_int_equal(a.policy.after_s, 0);
  assert_int_equal(a.depends_on, 0);
  assert_int_equal(a.notifier_count, 0);
  sw_store_rule_alerts_free(&a);
  struct sw_store_alert_track_list tl;
  fx_expect_ok(st, sw_store_alert_track_load(st, &tl));
  assert_int_equal(tl.count, 0);
  sw_store_alert_track_list_free(&tl);
  struct sw_store_notifier_list nl;
  fx_expect_ok(st, sw_store_notifier_list(st, &nl));
  assert_int_equal(nl.count, 0);
  sw_store_notifier_list_free(&nl);
  struct sw_store_notification_list ol;
  fx_expect_ok(st, sw_store_outbox_recent(st, INT64_MAX, 10, &ol));
  assert_int_equal(ol.count, 0);
  sw_store_notification_list_free(&ol);
  assert_int_equal(fx_add_rule(st, "New"), 3);
  sw_store_close(st);

  expect_schema_of_a_new_file(v2, fresh,
                              "outbox_attempts|0|0|outbox|outbox_id|id|CASCADE");
}

static void test_newer_schema_is_refused_untouched(void **state)
{
  struct fixture *fx = *state;
  sw_store_close(fx_open(fx->db));
  exec_sql(fx->db, "PRAGMA user_version = 99; PRAGMA journal_mode = DELETE");
  char *before;
  size_t before_len = fx_read_all(fx->db, &before);

  struct sw_store *st = (struct sw_store *)&st;
  struct sw_store_diag d;
  assert_int_equal(sw_store_open(fx->db, NULL, &st, &d), SW_STORE_TOO_NEW);
  assert_null(st);
  assert_int_equal(d.err, SW_STORE_TOO_NEW);
  assert_non_null(strstr(d.message, "version 99"));
  assert_non_null(strstr(sw_store_error_text(d.err), "newer version"));
  assert_false(sw_store_error_is_transient(d.err));

  char *after;
  size_t after_len = fx_read_all(fx->db, &after);
  assert_int_equal(after_len, before_len);
  assert_memory_equal(after, before, before_len);
  assert_string_equal(fx_peek(fx->db, "PRAGMA journal_mode"), "delete");
  free(before);
  free(after);
}

static void test_foreign_database_is_refused(void **state)
{
  struct fixture *fx = *state;
  exec_sql(fx->db, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)");
  struct sw_store *st;
  struct sw_store_diag d;
  assert_int_equal(sw_store_open(fx->db, NULL, &st, &d), SW_STORE_NOT_OURS);
  assert_null(st);
  assert_non_null(strstr(d.message, "another program"));
  assert_string_equal(fx_peek(fx->db, "SELECT count(*) FROM sqlite_schema"), "1");
  assert_string_equal(fx_peek(fx->db, "PRAGMA user_version"), "0");
}

static void test_damaged_file_is_a_clear_error(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  fx_add_rule(st, "A");
  sw_store_close(st);
  char garbage[100];
  for (size_t i = 0; i < sizeof garbage; i++)
    garbage[i] = (char)(0x5A ^ (i * 37));
  fx_write_at(fx->db, 0, garbage, sizeof garbage);

  struct sw_store_diag d;
  assert_int_equal(sw_store_open(fx->db, NULL, &st, &d), SW_STORE_CORRUPT);
  assert_null(st);
  assert_int_equal(d.sqlite_code, SQLITE_NOTADB);
  assert_non_null(strstr(d.message, fx->db)); /* which file */
  assert_non_null(strstr(d.message, "not a database"));
  assert_true(sw_store_error_is_transient(d.err)); /* once someone replaces it */

  /* A text file where the database should be. */
  char text[FX_PATH_MAX];
  fx_path(fx, "not-a-database.db", text);
  FILE *f = fx_fopen(text, "wb");
  assert_non_null(f);
  for (int i = 0; i < 100; i++)
    fputs("this is a log file, not a database\n", f);
  fclose(f);
  assert_int_equal(sw_store_open(text, NULL, &st, &d), SW_STORE_CORRUPT);
  assert_null(st);
}

static void test_missing_folder_cannot_open(void **state)
{
  struct fixture *fx = *state;
  char path[FX_PATH_MAX];
  fx_path(fx, "no-such-folder" FX_SEP "smtpwatch.db", path);
  struct sw_store *st;
  struct sw_store_diag d;
  assert_int_equal(sw_store_open(path, NULL, &st, &d), SW_STORE_CANTOPEN);
  assert_null(st);
  assert_non_null(strstr(d.message, "no-such-folder"));
  assert_int_equal(sw_store_open("", NULL, &st, &d), SW_STORE_INVALID_ARGUMENT);
}

static void test_integrity_check_finds_damage(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t id = fx_add_rule(st, "A");
  enum { N = 2000 };
  struct sw_store_result *res = calloc(N, sizeof *res);
  assert_non_null(res);
  for (int i = 0; i < N; i++)
    fx_result(&res[i], id, FX_NOW_MS + i, i % 3 ? SW_OUTCOME_OK : SW_OUTCOME_TIMEOUT);
  fx_expect_ok(st, fx_write_results(st, res, N, NULL));
  for (int i = 0; i < N; i++)
    sw_store_result_free(&res[i]);
  free(res);
  sw_store_close(st); /* checkpoints: everything is in the main file */

  char *data;
  size_t len = fx_read_all(fx->db, &data);
  free(data);
  size_t page = 4096, pages = len / page;
  assert_true(pages > 20);
  char junk[4096];
  memset(junk, 0xA5, sizeof junk);
  for (size_t p = pages / 2; p < pages / 2 + 4; p++)
    fx_write_at(fx->db, (long)(p * page), junk, sizeof junk);

  st = fx_open(fx->db); /* the header and schema are intact */
  bool ok = true;
  char *report = NULL;
  enum sw_store_error err = sw_store_integrity_check(st, &ok, &report);
  if (err) {
    assert_int_equal(err, SW_STORE_CORRUPT);
  } else {
    assert_false(ok);
    assert_non_null(report);
    print_message("integrity_check found: %.200s\n", report);
  }
  free(report);
  /* Reading the damaged part fails cleanly too. */
  struct sw_store_result_list h;
  err = sw_store_history(st, id, NULL, N, &h);
  if (err)
    assert_int_equal(err, SW_STORE_CORRUPT);
  else
    sw_store_result_list_free(&h);
  sw_store_close(st);
}

static void test_readonly_file_keeps_the_batch_until_writable(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t id = fx_add_rule(st, "A");
  sw_store_close(st);
  if (!fx_make_readonly(fx, fx->db)) {
    print_message("cannot make a file read-only on this machine\n");
    skip();
  }

  /* It opens: the service can still load its rules and state. */
  st = fx_open(fx->db);
  struct sw_store_rule_list rules;
  fx_expect_ok(st, sw_store_rule_list(st, &rules));
  assert_int_equal(rules.count, 1);
  sw_store_rule_list_free(&rules);

  struct sw_store_result batch[2];
  fx_result(&batch[0], id, FX_NOW_MS, SW_OUTCOME_OK);
  fx_result(&batch[1], id, FX_NOW_MS + 60000, SW_OUTCOME_TIMEOUT);
  struct sw_store_write_counts n;
  enum sw_store_error err = fx_write_results(st, batch, 2, &n);
  assert_int_equal(err, SW_STORE_READONLY);
  assert_true(sw_store_error_is_transient(err));
  const struct sw_store_diag *d = sw_store_last_error(st);
  assert_int_equal(d->err, SW_STORE_READONLY);
  assert_int_equal(d->sqlite_code & 0xff, SQLITE_READONLY);
  assert_non_null(strstr(d->message, "writing results"));
  assert_int_equal(n.results_written, 0);
  struct sw_rule rule;
  fx_rule(&rule, "B", "mx.example.com");
  assert_int_equal(sw_store_rule_add(st, &rule, FX_NOW_MS, NULL, NULL),
                   SW_STORE_READONLY);
  sw_rule_free(&rule);
  assert_int_equal(sw_store_setting_set(st, "k", "v"), SW_STORE_READONLY);
  /* The caller's batch is as it was. */
  assert_int_equal(batch[1].check.outcome, SW_OUTCOME_TIMEOUT);
  assert_true(batch[1].check.transcript.len > 0);

  fx_make_writable(fx);
  fx_expect_ok(st, fx_write_results(st, batch, 2, &n));
  assert_int_equal(n.results_written, 2);
  struct sw_store_result_list h;
  fx_expect_ok(st, sw_store_history(st, id, NULL, 10, &h));
  assert_int_equal(h.count, 2);
  assert_int_equal(h.items[0].check.outcome, SW_OUTCOME_TIMEOUT);
  sw_store_result_list_free(&h);
  sw_store_result_free(&batch[0]);
  sw_store_result_free(&batch[1]);
  sw_store_close(st);
}

static void test_readonly_file_that_needs_an_upgrade_is_refused(void **state)
{
  struct fixture *fx = *state;
  make_v1(fx->db);
  if (!fx_make_readonly(fx, fx->db)) {
    print_message("cannot make a file read-only on this machine\n");
    skip();
  }
  struct sw_store *st;
  struct sw_store_diag d;
  assert_int_equal(sw_store_open(fx->db, NULL, &st, &d), SW_STORE_READONLY);
  assert_null(st);
  assert_non_null(strstr(d.message, "upgraded"));
  fx_make_writable(fx);
  st = fx_open(fx->db); /* the service's next attempt */
  sw_store_close(st);
  assert_int_equal(atoi(fx_peek(fx->db, "PRAGMA user_version")), FX_SCHEMA_VERSION);
}

static void test_locked_database_fails_in_time_and_the_retry_succeeds(void **state)
{
  struct fixture *fx = *state;
  struct sw_store_options opt = {.busy_timeout_ms = 300};
  struct sw_store *st;
  struct sw_store_diag diag;
  assert_int_equal(sw_store_open(fx->db, &opt, &st, &diag), SW_STORE_OK);
  int64_t id = fx_add_rule(st, "A");

  sqlite3 *other;
  assert_int_equal(sqlite3_open(fx->db, &other), SQLITE_OK);
  assert_int_equal(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);

  struct sw_store_result batch[3];
  for (int i = 0; i < 3; i++)
    fx_result(&batch[i], id, FX_NOW_MS + i, SW_OUTCOME_OK);
  double t0 = fx_now_ms();
  enum sw_store_error err = fx_write_results(st, batch, 3, NULL);
  double waited = fx_now_ms() - t0;
  assert_int_equal(err, SW_STORE_BUSY);
  print_message("locked: BUSY after %.0f ms (busy timeout 300 ms)\n", waited);
  assert_true(waited >= 200); /* it did wait for the lock... */
  assert_true(waited < 5000); /* ...but not for ever */
  const struct sw_store_diag *d = sw_store_last_error(st);
  assert_int_equal(d->sqlite_code & 0xff, SQLITE_BUSY);
  assert_non_null(strstr(d->message, "locked"));
  assert_int_equal(sw_store_rule_set_enabled(st, id, false, FX_NOW_MS, NULL),
                   SW_STORE_BUSY);

  /* WAL: the service (and the editor) can still read meanwhile. */
  struct sw_store_rule got;
  fx_expect_ok(st, sw_store_rule_get(st, id, &got));
  assert_true(got.rule.enabled);
  sw_store_rule_free(&got);

  assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
  struct sw_store_write_counts n;
  fx_expect_ok(st, fx_write_results(st, batch, 3, &n));
  assert_int_equal(n.results_written, 3);
  assert_string_equal(fx_peek(fx->db, "SELECT count(*) FROM results"), "3");
  sqlite3_close(other);
  for (int i = 0; i < 3; i++)
    sw_store_result_free(&batch[i]);
  sw_store_close(st);
}

static void test_upgrade_waits_for_a_lock_then_retries(void **state)
{
  struct fixture *fx = *state;
  make_v1(fx->db); /* rollback journal: an exclusive lock stops readers too */
  sqlite3 *other;
  assert_int_equal(sqlite3_open(fx->db, &other), SQLITE_OK);
  assert_int_equal(sqlite3_exec(other,
                                "BEGIN EXCLUSIVE; UPDATE settings SET value = '20'", NULL,
                                NULL, NULL),
                   SQLITE_OK);
  struct sw_store_options opt = {.busy_timeout_ms = 200};
  struct sw_store *st;
  struct sw_store_diag d;
  assert_int_equal(sw_store_open(fx->db, &opt, &st, &d), SW_STORE_BUSY);
  assert_null(st);
  assert_int_equal(d.sqlite_code & 0xff, SQLITE_BUSY);
  assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(other);
  st = fx_open(fx->db);
  char *days;
  fx_expect_ok(st, sw_store_setting_get(st, SW_STORE_SETTING_RETENTION_DAYS, &days));
  assert_string_equal(days, "20");
  free(days);
  sw_store_close(st);
}

static void test_bulk_insert_of_10000_results(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t ids[10];
  for (int i = 0; i < 10; i++)
    ids[i] = fx_add_rule(st, "bulk");
  enum { N = 10000 };
  struct sw_store_result *res = calloc(N, sizeof *res);
  assert_non_null(res);
  /* One check a minute for ten rules; one in ten fails with a transcript. */
  for (int i = 0; i < N; i++) {
    fx_result(&res[i], ids[i % 10], FX_NOW_MS + (i / 10) * 60000LL,
              i % 10 == 3 ? SW_OUTCOME_TIMEOUT : SW_OUTCOME_OK);
    if (i % 2)
      fx_result_tls(&res[i]);
  }
  double t0 = fx_now_ms();
  struct sw_store_write_counts n;
  fx_expect_ok(st, fx_write_results(st, res, N, &n));
  double ms = fx_now_ms() - t0;
  print_message("store: %d results in one transaction in %.1f ms (%.0f results/s)\n", N,
                ms, N / (ms / 1000.0));
  assert_int_equal(n.results_written, N);
  assert_string_equal(fx_peek(fx->db, "SELECT count(*) FROM results"), "10000");
  assert_string_equal(fx_peek(fx->db, "SELECT count(*) FROM results WHERE transcript IS "
                                      "NOT NULL"),
                      "1000");
  for (int i = 0; i < N; i++)
    sw_store_result_free(&res[i]);
  free(res);
  sw_store_close(st);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
      T(test_version_1_is_upgraded_keeping_every_row),
      T(test_version_2_is_upgraded_keeping_every_row),
      T(test_newer_schema_is_refused_untouched),
      T(test_foreign_database_is_refused),
      T(test_damaged_file_is_a_clear_error),
      T(test_missing_folder_cannot_open),
      T(test_integrity_check_finds_damage),
      T(test_readonly_file_keeps_the_batch_until_writable),
      T(test_readonly_file_that_needs_an_upgrade_is_refused),
      T(test_locked_database_fails_in_time_and_the_retry_succeeds),
      T(test_upgrade_waits_for_a_lock_then_retries),
      T(test_bulk_insert_of_10000_results),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
