-- A database as SMTP Watch's schema version 1 left it (before TLS): the
-- tables of migration 1 in common/store/store_schema.c, in a rollback
-- journal (not yet WAL), with a few rows. test_store_faults.c loads it
-- with SQLite and opens it with the store, which must upgrade it to the
-- current version and keep every row.
PRAGMA application_id = 1397576791;
BEGIN;
CREATE TABLE rules ( id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, host TEXT NOT NULL, port INTEGER NOT NULL, command TEXT NOT NULL DEFAULT '', expect TEXT NOT NULL DEFAULT '', timeout_ms INTEGER NOT NULL, ehlo_name TEXT NOT NULL DEFAULT '', interval_s INTEGER NOT NULL, enabled INTEGER NOT NULL, revision INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE results ( id INTEGER PRIMARY KEY, rule_id INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE, started_at INTEGER NOT NULL, status TEXT NOT NULL, outcome TEXT NOT NULL, step TEXT NOT NULL, reply_code INTEGER NOT NULL DEFAULT 0, enhanced_code TEXT NOT NULL DEFAULT '', reply TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '', peer TEXT NOT NULL DEFAULT '', used_helo INTEGER NOT NULL DEFAULT 0, caps INTEGER NOT NULL DEFAULT 0, total_us INTEGER NOT NULL DEFAULT 0, step_us TEXT NOT NULL DEFAULT '', transcript TEXT);
CREATE INDEX results_rule_time ON results(rule_id, started_at);
CREATE INDEX results_time ON results(started_at);
CREATE TABLE rule_state ( rule_id INTEGER PRIMARY KEY REFERENCES rules(id) ON DELETE CASCADE, state TEXT NOT NULL, failures INTEGER NOT NULL, since INTEGER NOT NULL, last_result_at INTEGER NOT NULL, last_outcome TEXT NOT NULL);
CREATE TABLE events ( id INTEGER PRIMARY KEY, at INTEGER NOT NULL, event_id INTEGER NOT NULL, severity TEXT NOT NULL, rule_id INTEGER REFERENCES rules(id) ON DELETE CASCADE, message TEXT NOT NULL);
CREATE INDEX events_time ON events(at);
CREATE INDEX events_rule ON events(rule_id);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

INSERT INTO rules(id, name, host, port, command, expect, timeout_ms, ehlo_name, interval_s, enabled, revision, created_at, updated_at)
  VALUES (1, 'Main relay', 'mail.example.com', 25, 'NOOP', '250', 7000, 'probe.example.org', 60, 1, 3, 1760000000000, 1760000300000);
INSERT INTO rules(id, name, host, port, command, expect, timeout_ms, ehlo_name, interval_s, enabled, revision, created_at, updated_at)
  VALUES (2, 'Backup MX (disabled)', '2001:db8::25', 2525, '', '', 15000, '', 300, 0, 1, 1760000100000, 1760000100000);
INSERT INTO results(id, rule_id, started_at, status, outcome, step, reply_code, enhanced_code, reply, detail, peer, used_helo, caps, total_us, step_us, transcript)
  VALUES (1, 1, 1760000400000, 'OK', 'ok', 'quit', 250, '2.0.0', '250 2.0.0 Ok', '', '192.0.2.25:25', 0, 3, 12345, 'resolve=10;connect=2000;greeting=3000;ehlo=4000;command=2000;quit=1335', NULL);
INSERT INTO results(id, rule_id, started_at, status, outcome, step, reply_code, enhanced_code, reply, detail, peer, used_helo, caps, total_us, step_us, transcript)
  VALUES (2, 1, 1760000460000, 'CRITICAL', 'timeout', 'greeting', 0, '', '', 'no greeting within 7000 ms', '192.0.2.25:25', 0, 0, 7000000, 'resolve=10;connect=2000;greeting=6997990', '[   2.010 ms] connected to 192.0.2.25:25
[7000.000 ms] timeout in the greeting
');
INSERT INTO rule_state(rule_id, state, failures, since, last_result_at, last_outcome)
  VALUES (1, 'WARNING', 1, 1760000460000, 1760000460000, 'timeout');
INSERT INTO events(id, at, event_id, severity, rule_id, message)
  VALUES (1, 1760000000500, 1, 'info', NULL, 'SMTP Watch started.');
INSERT INTO events(id, at, event_id, severity, rule_id, message)
  VALUES (2, 1760000460100, 1001, 'warning', 1, 'Main relay (mail.example.com:25) is WARNING: timeout in the greeting.');
INSERT INTO settings(key, value) VALUES ('retention_days', '14');
COMMIT;
PRAGMA user_version = 1;
