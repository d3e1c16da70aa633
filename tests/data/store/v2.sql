-- A database as SMTP Watch's schema version 2 left it (TLS, before alerts),
-- written by that version's store (sw_store_open, sw_store_rule_add,
-- sw_store_write, sw_store_setting_set) and saved with the sqlite3 shell's
-- .dump, plus the two header fields .dump leaves out. test_store_faults.c
-- loads it with SQLite and opens it with the store, which must upgrade it
-- to the current version and keep every row.
PRAGMA application_id = 1397576791;
PRAGMA user_version = 2;
BEGIN TRANSACTION;
CREATE TABLE rules ( id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, host TEXT NOT NULL, port INTEGER NOT NULL, command TEXT NOT NULL DEFAULT '', expect TEXT NOT NULL DEFAULT '', timeout_ms INTEGER NOT NULL, ehlo_name TEXT NOT NULL DEFAULT '', interval_s INTEGER NOT NULL, enabled INTEGER NOT NULL, revision INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, tls_mode TEXT NOT NULL DEFAULT 'none', tls_insecure INTEGER NOT NULL DEFAULT 0, cert_warn_days INTEGER NOT NULL DEFAULT 21, cert_crit_days INTEGER NOT NULL DEFAULT 7);
INSERT INTO rules VALUES(1,'Main relay','mail.example.com',25,'','',7000,'',60,1,1,1760000000000,1760000000000,'require-starttls',0,30,10);
INSERT INTO rules VALUES(2,'Firewall proxy','192.0.2.1',2525,'','',7000,'',300,1,1,1760000001000,1760000001000,'none',0,30,10);
CREATE TABLE results ( id INTEGER PRIMARY KEY, rule_id INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE, started_at INTEGER NOT NULL, status TEXT NOT NULL, outcome TEXT NOT NULL, step TEXT NOT NULL, reply_code INTEGER NOT NULL DEFAULT 0, enhanced_code TEXT NOT NULL DEFAULT '', reply TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '', peer TEXT NOT NULL DEFAULT '', used_helo INTEGER NOT NULL DEFAULT 0, caps INTEGER NOT NULL DEFAULT 0, total_us INTEGER NOT NULL DEFAULT 0, step_us TEXT NOT NULL DEFAULT '', transcript TEXT, tls_used INTEGER NOT NULL DEFAULT 0, tls_verified INTEGER NOT NULL DEFAULT 0, tls_version TEXT NOT NULL DEFAULT '', tls_cipher TEXT NOT NULL DEFAULT '', cert_subject TEXT NOT NULL DEFAULT '', cert_issuer TEXT NOT NULL DEFAULT '', cert_sans TEXT, cert_not_after INTEGER NOT NULL DEFAULT 0, cert_days_left INTEGER NOT NULL DEFAULT 0);
INSERT INTO results VALUES(1,1,1760000060000,'OK','ok','quit',221,'','','','192.0.2.25:25',0,0,12345,'resolve=10;connect=2000',NULL,1,1,'TLS 1.2','','CN=mail.example.com','',NULL,1790000000,300);
INSERT INTO results VALUES(2,1,1760000120000,'CRITICAL','timeout','greeting',0,'','','','192.0.2.25:25',0,0,12345,'resolve=10;connect=2000',replace('[7000.000 ms] timeout in the greeting\n','\n',char(10)),0,0,'','','','',NULL,0,0);
CREATE TABLE rule_state ( rule_id INTEGER PRIMARY KEY REFERENCES rules(id) ON DELETE CASCADE, state TEXT NOT NULL, failures INTEGER NOT NULL, since INTEGER NOT NULL, last_result_at INTEGER NOT NULL, last_outcome TEXT NOT NULL);
INSERT INTO rule_state VALUES(1,'CRITICAL',1,1760000120000,1760000120000,'timeout');
CREATE TABLE events ( id INTEGER PRIMARY KEY, at INTEGER NOT NULL, event_id INTEGER NOT NULL, severity TEXT NOT NULL, rule_id INTEGER REFERENCES rules(id) ON DELETE CASCADE, message TEXT NOT NULL);
INSERT INTO events VALUES(1,1760000120000,3001,'error',1,'Main relay is CRITICAL: timeout');
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO settings VALUES('retention_days','14');
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('rules',2);
CREATE INDEX results_rule_time ON results(rule_id, started_at);
CREATE INDEX results_time ON results(started_at);
CREATE INDEX events_time ON events(at);
CREATE INDEX events_rule ON events(rule_id);
COMMIT;
