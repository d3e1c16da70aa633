/* The schema as a list of migrations, and the checks that decide whether a
 * file may be opened at all. PRAGMA user_version is the number of
 * migrations applied; each one runs in its own transaction together with
 * the version bump, so a crash leaves the file at one version or the next,
 * never between.
 *
 * The list is append-only: a migration that has been released is never
 * edited (a database out there already ran it); a change is a new entry.
 * docs/store.md describes each version. */
#include "store_internal.h"
#include "sw_macros.h"

#include <stdio.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)

struct migration {
  const char *what; /* for the log: "upgrading the schema to version 2 (...)" */
  const char *sql;
  /* Run after `sql`, in the same transaction: data the SQL cannot make
   * (NULL: none). */
  enum sw_store_error (*fill)(struct sw_store *st, const char *what);
};

static const struct migration migrations[] = {
    /* Version 1: rules, results, rule state, events, settings. */
    {"rules, results, rule state, events and settings",
     "CREATE TABLE rules ("
     " id INTEGER PRIMARY KEY AUTOINCREMENT," /* ids are never reused */
     " name TEXT NOT NULL,"
     " host TEXT NOT NULL,"
     " port INTEGER NOT NULL,"
     " command TEXT NOT NULL DEFAULT '',"
     " expect TEXT NOT NULL DEFAULT '',"
     " timeout_ms INTEGER NOT NULL,"
     " ehlo_name TEXT NOT NULL DEFAULT '',"
     " interval_s INTEGER NOT NULL,"
     " enabled INTEGER NOT NULL,"
     " revision INTEGER NOT NULL DEFAULT 1,"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE TABLE results ("
     " id INTEGER PRIMARY KEY,"
     " rule_id INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE,"
     " started_at INTEGER NOT NULL,"
     " status TEXT NOT NULL,"
     " outcome TEXT NOT NULL,"
     " step TEXT NOT NULL,"
     " reply_code INTEGER NOT NULL DEFAULT 0,"
     " enhanced_code TEXT NOT NULL DEFAULT '',"
     " reply TEXT NOT NULL DEFAULT '',"
     " detail TEXT NOT NULL DEFAULT '',"
     " peer TEXT NOT NULL DEFAULT '',"
     " used_helo INTEGER NOT NULL DEFAULT 0,"
     " caps INTEGER NOT NULL DEFAULT 0,"
     " total_us INTEGER NOT NULL DEFAULT 0,"
     " step_us TEXT NOT NULL DEFAULT '',"
     " transcript TEXT);"
     /* History of one rule, newest first; also serves the foreign key. */
     "CREATE INDEX results_rule_time ON results(rule_id, started_at);"
     /* Retention deletes oldest first across all rules. */
     "CREATE INDEX results_time ON results(started_at);"
     "CREATE TABLE rule_state ("
     " rule_id INTEGER PRIMARY KEY REFERENCES rules(id) ON DELETE CASCADE,"
     " state TEXT NOT NULL,"
     " failures INTEGER NOT NULL,"
     " since INTEGER NOT NULL,"
     " last_result_at INTEGER NOT NULL,"
     " last_outcome TEXT NOT NULL);"
     "CREATE TABLE events ("
     " id INTEGER PRIMARY KEY,"
     " at INTEGER NOT NULL,"
     " event_id INTEGER NOT NULL,"
     " severity TEXT NOT NULL,"
     " rule_id INTEGER REFERENCES rules(id) ON DELETE CASCADE,"
     " message TEXT NOT NULL);"
     "CREATE INDEX events_time ON events(at);"
     "CREATE INDEX events_rule ON events(rule_id);"
     "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
     "PRAGMA application_id = " STR(SW_STORE_APPLICATION_ID) ";",
     NULL},
    /* Version 2: TLS settings of rules, TLS facts of results. Existing rules
     * keep checking in plain text with the default thresholds. */
    {"TLS settings and certificate facts",
     "ALTER TABLE rules ADD COLUMN tls_mode TEXT NOT NULL DEFAULT 'none';"
     "ALTER TABLE rules ADD COLUMN tls_insecure INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE rules ADD COLUMN cert_warn_days INTEGER NOT NULL DEFAULT 21;"
     "ALTER TABLE rules ADD COLUMN cert_crit_days INTEGER NOT NULL DEFAULT 7;"
     "ALTER TABLE results ADD COLUMN tls_used INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE results ADD COLUMN tls_verified INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE results ADD COLUMN tls_version TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE results ADD COLUMN tls_cipher TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE results ADD COLUMN cert_subject TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE results ADD COLUMN cert_issuer TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE results ADD COLUMN cert_sans TEXT;"
     "ALTER TABLE results ADD COLUMN cert_not_after INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE results ADD COLUMN cert_days_left INTEGER NOT NULL DEFAULT 0;",
     NULL},
    /* Version 3: alerts. Notifiers (their secret an opaque blob the service
     * encrypted), each rule's alert settings and notifiers, what was told
     * per rule and its acknowledgement, maintenance windows, and the
     * outbox with every attempt. Existing rules get no row: they alert on
     * every transition, at once, through the default notifiers. */
    {"notifiers, alert settings, maintenance windows and the outbox",
     "CREATE TABLE notifiers ("
     " id INTEGER PRIMARY KEY AUTOINCREMENT,"
     " name TEXT NOT NULL COLLATE NOCASE UNIQUE,"
     " kind TEXT NOT NULL,"
     " is_default INTEGER NOT NULL DEFAULT 0,"
     " email_to TEXT NOT NULL DEFAULT '',"
     " relays TEXT NOT NULL DEFAULT '',"
     " mail_from TEXT NOT NULL DEFAULT '',"
     " tls_mode TEXT NOT NULL DEFAULT 'none',"
     " auth_user TEXT NOT NULL DEFAULT '',"
     " webhook_format TEXT NOT NULL DEFAULT 'generic',"
     " url_shown TEXT NOT NULL DEFAULT '',"
     " command_line TEXT NOT NULL DEFAULT '',"
     " timeout_s INTEGER NOT NULL DEFAULT 0,"
     " service_name TEXT NOT NULL DEFAULT '',"
     " secret BLOB,"
     " revision INTEGER NOT NULL DEFAULT 1,"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE TABLE rule_alerts ("
     " rule_id INTEGER PRIMARY KEY REFERENCES rules(id) ON DELETE CASCADE,"
     " on_mask INTEGER NOT NULL,"
     " after_s INTEGER NOT NULL DEFAULT 0,"
     " renotify_s INTEGER NOT NULL DEFAULT 0,"
     " depends_on INTEGER REFERENCES rules(id) ON DELETE SET NULL);"
     "CREATE INDEX rule_alerts_depends_on ON rule_alerts(depends_on);"
     "CREATE TABLE rule_notifiers ("
     " rule_id INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE,"
     " notifier_id INTEGER NOT NULL REFERENCES notifiers(id) ON DELETE CASCADE,"
     " PRIMARY KEY (rule_id, notifier_id)) WITHOUT ROWID;"
     "CREATE INDEX rule_notifiers_notifier ON rule_notifiers(notifier_id);"
     "CREATE TABLE alert_track ("
     " rule_id INTEGER PRIMARY KEY REFERENCES rules(id) ON DELETE CASCADE,"
     " told TEXT NOT NULL,"
     " told_at_s INTEGER NOT NULL,"
     " bad_since_s INTEGER NOT NULL,"
     " told_flapping INTEGER NOT NULL,"
     " in_maintenance INTEGER NOT NULL);"
     "CREATE TABLE alert_ack ("
     " rule_id INTEGER PRIMARY KEY REFERENCES rules(id) ON DELETE CASCADE,"
     " state TEXT NOT NULL,"
     " by_user TEXT NOT NULL,"
     " at INTEGER NOT NULL,"
     " comment TEXT NOT NULL DEFAULT '');"
     "CREATE TABLE maintenance ("
     " id INTEGER PRIMARY KEY AUTOINCREMENT,"
     " rule_id INTEGER REFERENCES rules(id) ON DELETE CASCADE," /* NULL: all rules */
     " kind TEXT NOT NULL,"
     " from_at INTEGER NOT NULL DEFAULT 0,"
     " until_at INTEGER NOT NULL DEFAULT 0,"
     " weekly TEXT NOT NULL DEFAULT '',"
     " comment TEXT NOT NULL DEFAULT '',"
     " created_at INTEGER NOT NULL);"
     "CREATE INDEX maintenance_rule ON maintenance(rule_id);"
     "CREATE TABLE outbox ("
     " id INTEGER PRIMARY KEY AUTOINCREMENT,"
     " uid TEXT NOT NULL UNIQUE,"
     " rule_id INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE,"
     " notifier_id INTEGER NOT NULL REFERENCES notifiers(id) ON DELETE CASCADE,"
     " kind TEXT NOT NULL,"
     " state TEXT NOT NULL,"
     " previous TEXT NOT NULL,"
     " outcome TEXT NOT NULL,"
     " rule_name TEXT NOT NULL,"
     " host TEXT NOT NULL,"
     " port INTEGER NOT NULL,"
     " message TEXT NOT NULL DEFAULT '',"
     " reply_code INTEGER NOT NULL DEFAULT 0,"
     " response_ms INTEGER NOT NULL DEFAULT -1,"
     " since_s INTEGER NOT NULL,"
     " created_at INTEGER NOT NULL,"
     " next_attempt_at INTEGER NOT NULL,"
     " attempts INTEGER NOT NULL DEFAULT 0,"
     " status TEXT NOT NULL,"
     " last_error TEXT NOT NULL DEFAULT '',"
     " updated_at INTEGER NOT NULL);"
     /* What is due: pending rows by time. */
     "CREATE INDEX outbox_due ON outbox(status, next_attempt_at);"
     /* Pruning old rows, oldest first; and the cascades. */
     "CREATE INDEX outbox_created ON outbox(created_at);"
     "CREATE INDEX outbox_rule ON outbox(rule_id);"
     "CREATE INDEX outbox_notifier ON outbox(notifier_id);"
     "CREATE TABLE outbox_attempts ("
     " id INTEGER PRIMARY KEY,"
     " outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,"
     " at INTEGER NOT NULL,"
     " ok INTEGER NOT NULL,"
     " error TEXT NOT NULL DEFAULT '',"
     " exit_code INTEGER," /* NULL unless a program ran */
     " output TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX outbox_attempts_outbox ON outbox_attempts(outbox_id, at);",
     NULL},
    /* Version 4: checks past the handshake. AUTH (its secrets opaque blobs
     * the service encrypted), the envelope and open-relay test, address
     * family, every address, reverse DNS, drift. Existing rules keep
     * checking as before, with drift on. */
    {"AUTH, envelope, relay test, address and drift settings of rules",
     "ALTER TABLE rules ADD COLUMN auth_user TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE rules ADD COLUMN auth_mech TEXT NOT NULL DEFAULT 'auto';"
     "ALTER TABLE rules ADD COLUMN auth_plaintext INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE rules ADD COLUMN oauth_token_url TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE rules ADD COLUMN oauth_client_id TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE rules ADD COLUMN oauth_scope TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE rules ADD COLUMN mail_from TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE rules ADD COLUMN rcpt_to TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE rules ADD COLUMN relay_test INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE rules ADD COLUMN relay_test_rcpt TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE rules ADD COLUMN ip_family TEXT NOT NULL DEFAULT 'any';"
     "ALTER TABLE rules ADD COLUMN all_addresses INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE rules ADD COLUMN check_ptr INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE rules ADD COLUMN drift INTEGER NOT NULL DEFAULT 1;"
     "ALTER TABLE rules ADD COLUMN auth_secret BLOB;"
     "ALTER TABLE rules ADD COLUMN oauth_secret BLOB;",
     NULL},
    /* Version 5: drift. Per rule, the server's accepted fingerprint (who accepted it,
     * "" for the first good check) and, while the server differs from it,
     * the current one and since when (docs/drift.md). */
    {"the servers' fingerprints, for the drift alarm",
     "CREATE TABLE fingerprints ("
     " rule_id INTEGER PRIMARY KEY REFERENCES rules(id) ON DELETE CASCADE,"
     " accepted TEXT NOT NULL,"
     " accepted_at INTEGER NOT NULL,"
     " accepted_by TEXT NOT NULL DEFAULT '',"
     " current TEXT," /* NULL while the server matches the accepted one */
     " since INTEGER);",
     NULL},
    /* Version 6: availability reports (docs/reports.md). Results say
     * whether a maintenance window held the rule (older ones did not know:
     * 0); per rule, hourly and daily rollups of time by kind, checks and
     * step-time histograms, how far its results reach, and the changes of
     * what they say (for outages). The results already there are rolled
     * up after the upgrade, by the service, a slice at a time
     * (store_rollup_backfill.c): per rule, the last one done so far (every
     * rule starts before its first), and how many there were and are
     * done, for the report's note. Counting them is one pass over an
     * index, not the rolling up itself: the upgrade stays quick. */
    {"availability rollups",
     "ALTER TABLE results ADD COLUMN maintenance INTEGER NOT NULL DEFAULT 0;"
     "CREATE TABLE rollups ("
     " rule_id INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE,"
     " span INTEGER NOT NULL,"  /* seconds: 3600 an hour, 86400 a day (UTC) */
     " start INTEGER NOT NULL," /* Unix ms, a multiple of span */
     " ok_ms INTEGER NOT NULL DEFAULT 0,"
     " warning_ms INTEGER NOT NULL DEFAULT 0,"
     " critical_ms INTEGER NOT NULL DEFAULT 0,"
     " unknown_ms INTEGER NOT NULL DEFAULT 0,"
     " maintenance_ms INTEGER NOT NULL DEFAULT 0,"
     " checks INTEGER NOT NULL DEFAULT 0,"
     " times BLOB," /* per-step histograms, latency_hist.h */
     /* By time first: a batch of results (every rule's check of one moment)
      * updates neighbouring rows, not one page per rule, and a report reads
      * each hour or day of a range of rules in one sweep. */
     " PRIMARY KEY (span, start, rule_id)) WITHOUT ROWID;"
     /* The cascade when a rule is deleted; retention, oldest first. Both
      * change only when a row is made (once an hour or day per rule). */
     "CREATE INDEX rollups_rule ON rollups(rule_id);"
     "CREATE INDEX rollups_start ON rollups(start);"
     "CREATE TABLE rollup_cursor ("
     " rule_id INTEGER PRIMARY KEY REFERENCES rules(id) ON DELETE CASCADE,"
     " covered_until INTEGER NOT NULL,"
     " kind TEXT NOT NULL);"
     "CREATE TABLE status_changes ("
     " id INTEGER PRIMARY KEY,"
     " rule_id INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE,"
     " at INTEGER NOT NULL,"
     " kind TEXT NOT NULL,"
     " outcome TEXT NOT NULL);"
     "CREATE INDEX status_changes_rule ON status_changes(rule_id, at);"
     "CREATE INDEX status_changes_time ON status_changes(at);"
     "CREATE TABLE rollup_backfill ("
     " rule_id INTEGER PRIMARY KEY REFERENCES rules(id) ON DELETE CASCADE,"
     " after_at INTEGER NOT NULL," /* the last result done: started_at, id */
     " after_id INTEGER NOT NULL);"
     "INSERT INTO rollup_backfill(rule_id, after_at, after_id) "
     "SELECT id, -9223372036854775807 - 1, 0 FROM rules AS ru "
     "WHERE EXISTS (SELECT 1 FROM results WHERE rule_id = ru.id);"
     "CREATE TABLE rollup_backfill_progress ("
     " total INTEGER NOT NULL,"
     " done INTEGER NOT NULL);"
     "INSERT INTO rollup_backfill_progress(total, done) "
     "SELECT count(*), 0 FROM results;",
     NULL},
    /* Version 7: the round trip (issue 17, docs/round-trip.md). Rules get
     * its settings (off for every rule there is) and the mailbox password
     * as a blob the service encrypted; results get its timings, hops and
     * verdicts, NULL for every other check. */
    {"round-trip settings of rules and round-trip results",
     "ALTER TABLE rules ADD COLUMN round_trip TEXT NOT NULL DEFAULT 'none';"
     "ALTER TABLE rules ADD COLUMN mailbox_host TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE rules ADD COLUMN mailbox_port INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE rules ADD COLUMN mailbox_tls TEXT NOT NULL DEFAULT 'implicit';"
     "ALTER TABLE rules ADD COLUMN mailbox_user TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE rules ADD COLUMN folder TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE rules ADD COLUMN probe_to TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE rules ADD COLUMN probe_from TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE rules ADD COLUMN deliver_within_s INTEGER NOT NULL DEFAULT 300;"
     "ALTER TABLE rules ADD COLUMN delivery_warn_ms INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE rules ADD COLUMN delivery_crit_ms INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE rules ADD COLUMN mailbox_secret BLOB;"
     "ALTER TABLE results ADD COLUMN rt_protocol TEXT;"
     "ALTER TABLE results ADD COLUMN rt_found INTEGER;"
     "ALTER TABLE results ADD COLUMN rt_submit_us INTEGER;"
     "ALTER TABLE results ADD COLUMN rt_delivery_us INTEGER;"
     "ALTER TABLE results ADD COLUMN rt_total_us INTEGER;"
     "ALTER TABLE results ADD COLUMN rt_looks INTEGER;"
     "ALTER TABLE results ADD COLUMN rt_hops TEXT;"
     "ALTER TABLE results ADD COLUMN rt_authserv_id TEXT;"
     "ALTER TABLE results ADD COLUMN rt_spf TEXT;"
     "ALTER TABLE results ADD COLUMN rt_dkim TEXT;"
     "ALTER TABLE results ADD COLUMN rt_dmarc TEXT;"
     "ALTER TABLE results ADD COLUMN rt_mailbox_peer TEXT;"
     "ALTER TABLE results ADD COLUMN rt_mailbox_detail TEXT;"
     "ALTER TABLE results ADD COLUMN rt_probe_deleted INTEGER;"
     "ALTER TABLE results ADD COLUMN rt_stale_deleted INTEGER;"
     "ALTER TABLE results ADD COLUMN rt_probe TEXT;"
     "ALTER TABLE results ADD COLUMN rt_skipped_runs INTEGER;",
     NULL},
    /* Version 8: a mail domain's check (issue 18, docs/domain-checks.md). A rule names a
     * host or a domain; --min-ok, MTA-STS (on by default), DANE and the DNS
     * server to ask; a result of a domain keeps its MX x address matrix as
     * text (domain_report.h; NULL for a host's). */
    {"mail domain checks",
     "ALTER TABLE rules ADD COLUMN domain TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE rules ADD COLUMN min_ok INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE rules ADD COLUMN mta_sts INTEGER NOT NULL DEFAULT 1;"
     "ALTER TABLE rules ADD COLUMN dane INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE rules ADD COLUMN dns_server TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE results ADD COLUMN domain_report TEXT;",
     NULL},
};

#define MIGRATION_COUNT ((int)SW_COUNTOF(migrations))

/* Runs a query that returns one integer. */
static enum sw_store_error query_int(struct sw_store *st, const char *sql, int64_t *out,
                                     const char *what)
{
  sqlite3_stmt *stmt;
  int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return sw__store_fail(st, rc, what);
  rc = sqlite3_step(stmt);
  *out = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  enum sw_store_error err = SW_STORE_OK;
  if (rc != SQLITE_ROW)
    err = sw__store_fail(st, rc, what);
  sqlite3_finalize(stmt);
  return err;
}

/* Runs `sql`; on failure records it and rolls back, keeping that diagnosis. */
static enum sw_store_error exec_or_rollback(struct sw_store *st, const char *sql,
                                            const char *what)
{
  int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    return SW_STORE_OK;
  enum sw_store_error err = sw__store_fail(st, rc, what);
  if (!sqlite3_get_autocommit(st->db)) {
    struct sw_store_diag saved = st->diag;
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->diag = saved;
  }
  return err;
}

/* Applies migration number `version` (1-based) in one transaction, unless
 * another process opening the same file did it meanwhile. */
static enum sw_store_error migrate_to(struct sw_store *st, int version)
{
  char what[200];
  snprintf(what, sizeof what, "upgrading the database schema to version %d (%s)", version,
           migrations[version - 1].what);
  /* IMMEDIATE: take the write lock before looking, so two services or a
   * service and a tool starting together cannot both run a step. */
  int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return sw__store_fail(st, rc, what);
  int64_t now;
  enum sw_store_error err = query_int(st, "PRAGMA user_version", &now, what);
  if (err) {
    exec_or_rollback(st, "ROLLBACK", what);
    return err;
  }
  if (now >= version)
    return exec_or_rollback(st, "COMMIT", what);

  char bump[64];
  snprintf(bump, sizeof bump, "PRAGMA user_version = %d", version);
  err = exec_or_rollback(st, migrations[version - 1].sql, what);
  if (!err && migrations[version - 1].fill) {
    err = migrations[version - 1].fill(st, what);
    if (err)
      sw__store_rollback(st);
  }
  if (!err)
    err = exec_or_rollback(st, bump, what);
  if (!err)
    err = exec_or_rollback(st, "COMMIT", what);
  return err;
}

enum sw_store_error sw__store_schema_open(struct sw_store *st)
{
  char what[300];
  snprintf(what, sizeof what, "reading the schema of %s", st->path);
  int64_t app_id, version, objects;
  /* The first read of the file: a damaged header fails here (NOTADB). */
  enum sw_store_error err = query_int(st, "PRAGMA application_id", &app_id, what);
  if (!err)
    err = query_int(st, "PRAGMA user_version", &version, what);
  if (!err)
    err = query_int(st, "SELECT count(*) FROM sqlite_schema", &objects, what);
  if (err)
    return err;

  /* Refuse before changing anything, not even the journal mode. */
  if (version > MIGRATION_COUNT)
    return sw__store_error(st, SW_STORE_TOO_NEW,
                           "%s has database schema version %lld; this version of "
                           "SMTP Watch knows versions up to %d",
                           st->path, (long long)version, MIGRATION_COUNT);
  bool ours = app_id == SW_STORE_APPLICATION_ID;
  bool empty = app_id == 0 && version == 0 && objects == 0;
  if (!ours && !empty)
    return sw__store_error(st, SW_STORE_NOT_OURS,
                           "%s is an SQLite database of another program (application "
                           "id %lld, schema version %lld, %lld tables and indexes)",
                           st->path, (long long)app_id, (long long)version,
                           (long long)objects);

  if (sqlite3_db_readonly(st->db, "main") == 1) {
    if (version < MIGRATION_COUNT)
      return sw__store_error(st, SW_STORE_READONLY,
                             "%s has database schema version %lld and must be upgraded "
                             "to version %d, but the file cannot be written",
                             st->path, (long long)version, MIGRATION_COUNT);
    return SW_STORE_OK; /* readable; writes will say READONLY */
  }

  /* WAL: readers (the pipe server, tools) never block the service's
   * writes, and a killed process loses nothing committed. */
  snprintf(what, sizeof what, "switching %s to WAL mode", st->path);
  sqlite3_stmt *stmt;
  int rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(stmt);
    rc = rc == SQLITE_ROW ? SQLITE_OK : rc;
    sqlite3_finalize(stmt);
  }
  if (rc != SQLITE_OK)
    return sw__store_fail(st, rc, what);

  for (int v = (int)version + 1; v <= MIGRATION_COUNT; v++) {
    err = migrate_to(st, v);
    if (err)
      return err;
  }
  return SW_STORE_OK;
}
