/* Inside the store: the handle, its prepared statements and the helpers the
 * store_*.c files share. Only store*.c include this (and sqlite3.h). */
#ifndef SW_STORE_INTERNAL_H
#define SW_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store.h"
#include "store_alerts.h"
#include "sw_macros.h"

/* "SMTW": PRAGMA application_id, so another program's SQLite file at our
 * path is refused instead of being "migrated". */
#define SW_STORE_APPLICATION_ID 1397576791 /* 0x534D5457 */

#define SW_STORE_RULE_COLUMNS                                                            \
  "id, name, host, port, command, expect, timeout_ms, ehlo_name, interval_s, enabled, "  \
  "tls_mode, tls_insecure, cert_warn_days, cert_crit_days, revision, created_at, "       \
  "updated_at, " SW_STORE_RULE_PAST_HANDSHAKE ", auth_secret, oauth_secret, "            \
  "mailbox_secret, NULL, " SW_STORE_RULE_ROUND_TRIP                                      \
  ", NULL, NULL, " SW_STORE_RULE_DOMAIN

/* The columns of the fields from auth_user on (schema version 4), in
 * SW_RULE_FIELD_MAP order without the secrets: ?17..?30 of RULE_INSERT
 * and RULE_UPDATE, and columns 17..30 of SW_STORE_RULE_COLUMNS. */
#define SW_STORE_RULE_PAST_HANDSHAKE                                                     \
  "auth_user, auth_mech, auth_plaintext, oauth_token_url, oauth_client_id, "             \
  "oauth_scope, mail_from, rcpt_to, relay_test, relay_test_rcpt, ip_family, "            \
  "all_addresses, check_ptr, drift"

/* The round trip's columns (schema version 7), in SW_RULE_FIELD_MAP order
 * without its secret: ?35..?45 of RULE_INSERT and RULE_UPDATE, and
 * columns 35..45 of SW_STORE_RULE_COLUMNS (33 is the mailbox secret; 34, a
 * NULL, keeps each field's column equal to its parameter). */
#define SW_STORE_RULE_ROUND_TRIP                                                         \
  "round_trip, mailbox_host, mailbox_port, mailbox_tls, mailbox_user, folder, "          \
  "probe_to, probe_from, deliver_within_s, delivery_warn_ms, delivery_crit_ms"

/* The columns of a domain rule's fields (schema version 8, issue 18), in
 * SW_RULE_FIELD_MAP order: ?48..?52 of RULE_INSERT and RULE_UPDATE, and
 * columns 48..52 of SW_STORE_RULE_COLUMNS (?46 and ?47 are the mailbox
 * secret's; columns 46 and 47, NULLs, keep each field's column equal to
 * its parameter). */
#define SW_STORE_RULE_DOMAIN "domain, min_ok, mta_sts, dane, dns_server"

/* Qualified, because sw_store_latest_results_between joins rules. */
#define SW_STORE_RESULT_COLUMNS                                                          \
  "r.id, r.rule_id, r.started_at, r.status, r.outcome, r.step, r.reply_code, "           \
  "r.enhanced_code, r.reply, r.detail, r.peer, r.used_helo, r.caps, r.total_us, "        \
  "r.step_us, r.transcript, r.tls_used, r.tls_version, r.tls_cipher, r.cert_subject, "   \
  "r.cert_issuer, r.cert_sans, r.cert_not_after, r.cert_days_left, r.tls_verified, "     \
  "r.maintenance, " SW_STORE_RESULT_ROUND_TRIP ", r.domain_report"

/* The round trip's columns of a result (schema version 7), 26..42: NULL
 * (rt_protocol) for any other check (store_round_trip.c). A domain's
 * matrix (schema version 8) follows at 43 (SW_STORE_RESULT_DOMAIN_AT). */
#define SW_STORE_RESULT_ROUND_TRIP                                                       \
  "r.rt_protocol, r.rt_found, r.rt_submit_us, r.rt_delivery_us, r.rt_total_us, "         \
  "r.rt_looks, r.rt_hops, r.rt_authserv_id, r.rt_spf, r.rt_dkim, r.rt_dmarc, "           \
  "r.rt_mailbox_peer, r.rt_mailbox_detail, r.rt_probe_deleted, r.rt_stale_deleted, "     \
  "r.rt_probe, r.rt_skipped_runs"

/* The same with NULL for the transcript, for lists that never show it
 * (status, history pages): a failed check's transcript can be kilobytes. */
#define SW_STORE_RESULT_COLUMNS_BRIEF                                                    \
  "r.id, r.rule_id, r.started_at, r.status, r.outcome, r.step, r.reply_code, "           \
  "r.enhanced_code, r.reply, r.detail, r.peer, r.used_helo, r.caps, r.total_us, "        \
  "r.step_us, NULL, r.tls_used, r.tls_version, r.tls_cipher, r.cert_subject, "           \
  "r.cert_issuer, r.cert_sans, r.cert_not_after, r.cert_days_left, r.tls_verified, "     \
  "r.maintenance, " SW_STORE_RESULT_ROUND_TRIP ", r.domain_report"

#define SW_STORE_STATE_COLUMNS                                                           \
  "rule_id, state, failures, since, last_result_at, last_outcome"
#define SW_STORE_EVENT_COLUMNS "id, at, event_id, severity, rule_id, message"
#define SW_STORE_TRACK_COLUMNS                                                           \
  "rule_id, told, told_at_s, bad_since_s, told_flapping, in_maintenance"
#define SW_STORE_ACK_COLUMNS "rule_id, state, by_user, at, comment"
#define SW_STORE_OUTBOX_COLUMNS                                                          \
  "id, uid, rule_id, notifier_id, kind, state, previous, outcome, rule_name, host, "     \
  "port, message, reply_code, response_ms, since_s, created_at, next_attempt_at, "       \
  "attempts, status, last_error"
/* A rule's alert settings; a rule without a row has the defaults
 * (SW_STORE_ALERT_DEFAULT_ON, no delay, no reminder, no parent). */
#define SW_STORE_RULE_ALERTS_SELECT                                                      \
  "SELECT ru.id, coalesce(a.on_mask, 15), coalesce(a.after_s, 0), "                      \
  "coalesce(a.renotify_s, 0), coalesce(a.depends_on, 0) "                                \
  "FROM rules AS ru LEFT JOIN rule_alerts AS a ON a.rule_id = ru.id"
/* Never the secret itself: whether there is one. */
#define SW_STORE_NOTIFIER_COLUMNS                                                        \
  "id, name, kind, is_default, email_to, relays, mail_from, tls_mode, auth_user, "       \
  "webhook_format, url_shown, command_line, timeout_s, service_name, "                   \
  "secret IS NOT NULL, revision, created_at, updated_at"
#define SW_STORE_NOTIFIER_VALUES                                                         \
  "name, kind, is_default, email_to, relays, mail_from, tls_mode, auth_user, "           \
  "webhook_format, url_shown, command_line, timeout_s, service_name, secret"

/* The first parameter and column of SW_STORE_RESULT_ROUND_TRIP. */
#define SW_STORE_RESULT_ROUND_TRIP_AT 26
/* The parameter and column of a result's domain_report. */
#define SW_STORE_RESULT_DOMAIN_AT 43
/* Binds a result's round trip (NULL: an ordinary check, every column
 * NULL) from parameter `at` on; the hops' text is kept in *hops until the
 * statement has run (store_round_trip.c). */
enum sw_store_error sw__store_bind_round_trip(sqlite3_stmt *stmt, int at,
                                              const struct sw_round_trip_result *rt,
                                              struct sw_buf *hops);
/* Reads the round trip from column `at` on into *out (left NULL for an
 * ordinary check); SW_STORE_NOMEM if it cannot be made. */
enum sw_store_error sw__store_read_round_trip(sqlite3_stmt *stmt, int at,
                                              struct sw_round_trip_result **out);

/* X(ENUM, SQL): every statement the store runs more than once, prepared on
 * first use and kept on the handle. Results and states of rules deleted
 * meanwhile are skipped (WHERE EXISTS) and events lose their rule, so one
 * deleted rule cannot make a buffered batch fail for ever on the foreign
 * key. */
#define SW_STORE_STMT_MAP(X)                                                             \
  X(SW_STMT_BEGIN, "BEGIN IMMEDIATE")                                                    \
  X(SW_STMT_COMMIT, "COMMIT")                                                            \
  X(SW_STMT_ROLLBACK, "ROLLBACK")                                                        \
  X(SW_STMT_RULE_INSERT,                                                                 \
    "INSERT INTO rules(name, host, port, command, expect, timeout_ms, ehlo_name, "       \
    "interval_s, enabled, tls_mode, tls_insecure, cert_warn_days, cert_crit_days, "      \
    "revision, created_at, updated_at, " SW_STORE_RULE_PAST_HANDSHAKE                    \
    ", auth_secret, oauth_secret, mailbox_secret, " SW_STORE_RULE_ROUND_TRIP             \
    ", " SW_STORE_RULE_DOMAIN ") "                                                       \
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1, ?14, ?14, ?17, "  \
    "?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?32, ?34, ?47, "   \
    "?35, ?36, ?37, ?38, ?39, ?40, ?41, ?42, ?43, ?44, ?45, ?48, ?49, ?50, ?51, ?52)")   \
  X(SW_STMT_RULE_UPDATE,                                                                 \
    "UPDATE rules SET name = ?1, host = ?2, port = ?3, command = ?4, expect = ?5, "      \
    "timeout_ms = ?6, ehlo_name = ?7, interval_s = ?8, enabled = ?9, tls_mode = ?10, "   \
    "tls_insecure = ?11, cert_warn_days = ?12, cert_crit_days = ?13, "                   \
    "auth_user = ?17, auth_mech = ?18, auth_plaintext = ?19, oauth_token_url = ?20, "    \
    "oauth_client_id = ?21, oauth_scope = ?22, mail_from = ?23, rcpt_to = ?24, "         \
    "relay_test = ?25, relay_test_rcpt = ?26, ip_family = ?27, all_addresses = ?28, "    \
    "check_ptr = ?29, drift = ?30, "                                                     \
    "auth_secret = CASE WHEN ?31 THEN ?32 ELSE auth_secret END, "                        \
    "oauth_secret = CASE WHEN ?33 THEN ?34 ELSE oauth_secret END, "                      \
    "mailbox_secret = CASE WHEN ?46 THEN ?47 ELSE mailbox_secret END, "                  \
    "round_trip = ?35, mailbox_host = ?36, mailbox_port = ?37, mailbox_tls = ?38, "      \
    "mailbox_user = ?39, folder = ?40, probe_to = ?41, probe_from = ?42, "               \
    "deliver_within_s = ?43, delivery_warn_ms = ?44, delivery_crit_ms = ?45, "           \
    "domain = ?48, min_ok = ?49, mta_sts = ?50, dane = ?51, dns_server = ?52, "          \
    "revision = revision + 1, updated_at = ?14 WHERE id = ?15 AND revision = ?16")       \
  X(SW_STMT_RULE_SET_ENABLED, "UPDATE rules SET enabled = ?1, revision = revision + 1, " \
                              "updated_at = ?2 WHERE id = ?3")                           \
  X(SW_STMT_RULE_REVISION, "SELECT revision FROM rules WHERE id = ?1")                   \
  X(SW_STMT_RULE_SELECT, "SELECT " SW_STORE_RULE_COLUMNS " FROM rules WHERE id = ?1")    \
  X(SW_STMT_RULE_SELECT_ALL, "SELECT " SW_STORE_RULE_COLUMNS " FROM rules ORDER BY id")  \
  X(SW_STMT_RULE_DELETE, "DELETE FROM rules WHERE id = ?1")                              \
  X(SW_STMT_RESULT_INSERT,                                                               \
    "INSERT INTO results(rule_id, started_at, status, outcome, step, reply_code, "       \
    "enhanced_code, reply, detail, peer, used_helo, caps, total_us, step_us, "           \
    "transcript, tls_used, tls_version, tls_cipher, cert_subject, cert_issuer, "         \
    "cert_sans, cert_not_after, cert_days_left, tls_verified, maintenance, "             \
    "rt_protocol, rt_found, rt_submit_us, rt_delivery_us, rt_total_us, rt_looks, "       \
    "rt_hops, rt_authserv_id, rt_spf, rt_dkim, rt_dmarc, rt_mailbox_peer, "              \
    "rt_mailbox_detail, rt_probe_deleted, rt_stale_deleted, rt_probe, rt_skipped_runs, " \
    "domain_report) "                                                                    \
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "     \
    "?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, "   \
    "?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41, ?42, ?43 "                             \
    "WHERE EXISTS (SELECT 1 FROM rules WHERE id = ?1)")                                  \
  X(SW_STMT_RESULT_HISTORY, "SELECT " SW_STORE_RESULT_COLUMNS " FROM results AS r "      \
                            "WHERE r.rule_id = ?1 AND (r.started_at, r.id) < (?2, ?3) "  \
                            "ORDER BY r.started_at DESC, r.id DESC LIMIT ?4")            \
  X(SW_STMT_RESULT_HISTORY_BRIEF,                                                        \
    "SELECT " SW_STORE_RESULT_COLUMNS_BRIEF " FROM results AS r "                        \
    "WHERE r.rule_id = ?1 AND (r.started_at, r.id) < (?2, ?3) "                          \
    "ORDER BY r.started_at DESC, r.id DESC LIMIT ?4")                                    \
  X(SW_STMT_RESULT_LATEST,                                                               \
    "SELECT " SW_STORE_RESULT_COLUMNS_BRIEF " FROM rules AS ru JOIN results AS r "       \
    "ON r.id = (SELECT id FROM results WHERE rule_id = ru.id "                           \
    "ORDER BY started_at DESC, id DESC LIMIT 1) WHERE ru.id > ?1 AND ru.id <= ?2 "       \
    "ORDER BY ru.id")                                                                    \
  X(SW_STMT_STATE_UPSERT,                                                                \
    "INSERT INTO rule_state(" SW_STORE_STATE_COLUMNS ") "                                \
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM rules WHERE id = ?1) "    \
    "ON CONFLICT(rule_id) DO UPDATE SET state = excluded.state, "                        \
    "failures = excluded.failures, since = excluded.since, "                             \
    "last_result_at = excluded.last_result_at, last_outcome = excluded.last_outcome")    \
  X(SW_STMT_STATE_SELECT_ALL,                                                            \
    "SELECT " SW_STORE_STATE_COLUMNS " FROM rule_state ORDER BY rule_id")                \
  X(SW_STMT_EVENT_INSERT,                                                                \
    "INSERT INTO events(at, event_id, severity, rule_id, message) "                      \
    "VALUES(?1, ?2, ?3, (SELECT id FROM rules WHERE id = ?4), ?5)")                      \
  X(SW_STMT_EVENT_RECENT, "SELECT " SW_STORE_EVENT_COLUMNS " FROM events WHERE id < ?1 " \
                          "ORDER BY id DESC LIMIT ?2")                                   \
  X(SW_STMT_SETTING_GET, "SELECT value FROM settings WHERE key = ?1")                    \
  X(SW_STMT_SETTING_SET, "INSERT INTO settings(key, value) VALUES(?1, ?2) "              \
                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value")        \
  X(SW_STMT_RETENTION_RESULTS,                                                           \
    "DELETE FROM results WHERE id IN (SELECT id FROM results "                           \
    "WHERE started_at < ?1 ORDER BY started_at LIMIT ?2)")                               \
  X(SW_STMT_RETENTION_EVENTS, "DELETE FROM events WHERE id IN (SELECT id FROM events "   \
                              "WHERE at < ?1 ORDER BY at LIMIT ?2)")                     \
  X(SW_STMT_RETENTION_MORE,                                                              \
    "SELECT EXISTS (SELECT 1 FROM results WHERE started_at < ?1) "                       \
    "OR EXISTS (SELECT 1 FROM events WHERE at < ?1) "                                    \
    "OR EXISTS (SELECT 1 FROM rollups WHERE start < ?2)")                                \
  X(SW_STMT_PRUNE_RESULTS,                                                               \
    "DELETE FROM results WHERE id IN (SELECT r.id FROM results AS r WHERE r.id <> "      \
    "(SELECT id FROM results WHERE rule_id = r.rule_id "                                 \
    "ORDER BY started_at DESC, id DESC LIMIT 1) ORDER BY r.started_at, r.id LIMIT ?1)")  \
  X(SW_STMT_NOTIFIER_INSERT,                                                             \
    "INSERT INTO notifiers(" SW_STORE_NOTIFIER_VALUES ", revision, created_at, "         \
    "updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "   \
    "1, "                                                                                \
    "?15, ?15)")                                                                         \
  X(SW_STMT_NOTIFIER_UPDATE,                                                             \
    "UPDATE notifiers SET (" SW_STORE_NOTIFIER_VALUES ", revision, updated_at) = "       \
    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, revision + 1, ?15) "  \
    "WHERE id = ?16")                                                                    \
  X(SW_STMT_NOTIFIER_NAME_USED, "SELECT 1 FROM notifiers WHERE name = ?1 AND id <> ?2")  \
  X(SW_STMT_NOTIFIER_DELETE, "DELETE FROM notifiers WHERE id = ?1")                      \
  X(SW_STMT_NOTIFIER_SELECT,                                                             \
    "SELECT " SW_STORE_NOTIFIER_COLUMNS " FROM notifiers WHERE id = ?1")                 \
  X(SW_STMT_NOTIFIER_SELECT_BY_NAME,                                                     \
    "SELECT " SW_STORE_NOTIFIER_COLUMNS " FROM notifiers WHERE name = ?1")               \
  X(SW_STMT_NOTIFIER_SELECT_ALL,                                                         \
    "SELECT " SW_STORE_NOTIFIER_COLUMNS " FROM notifiers ORDER BY name, id")             \
  X(SW_STMT_NOTIFIER_SECRET, "SELECT secret FROM notifiers WHERE id = ?1")               \
  X(SW_STMT_NOTIFIER_EXISTS, "SELECT id FROM notifiers WHERE id = ?1")                   \
  X(SW_STMT_RULE_ALERTS_SELECT, SW_STORE_RULE_ALERTS_SELECT " WHERE ru.id = ?1")         \
  X(SW_STMT_RULE_ALERTS_SELECT_ALL, SW_STORE_RULE_ALERTS_SELECT " ORDER BY ru.id")       \
  X(SW_STMT_RULE_ALERTS_UPSERT,                                                          \
    "INSERT INTO rule_alerts(rule_id, on_mask, after_s, renotify_s, depends_on) "        \
    "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(rule_id) DO UPDATE SET "                     \
    "on_mask = excluded.on_mask, after_s = excluded.after_s, "                           \
    "renotify_s = excluded.renotify_s, depends_on = excluded.depends_on")                \
  X(SW_STMT_RULE_PARENT,                                                                 \
    "SELECT depends_on FROM rule_alerts WHERE rule_id = ?1 AND depends_on IS NOT NULL")  \
  X(SW_STMT_RULE_NOTIFIERS_OF,                                                           \
    "SELECT notifier_id FROM rule_notifiers WHERE rule_id = ?1 ORDER BY notifier_id")    \
  X(SW_STMT_RULE_NOTIFIERS_ALL,                                                          \
    "SELECT rule_id, notifier_id FROM rule_notifiers ORDER BY rule_id, notifier_id")     \
  X(SW_STMT_RULE_NOTIFIERS_CLEAR, "DELETE FROM rule_notifiers WHERE rule_id = ?1")       \
  X(SW_STMT_RULE_NOTIFIERS_ADD,                                                          \
    "INSERT INTO rule_notifiers(rule_id, notifier_id) VALUES(?1, ?2)")                   \
  X(SW_STMT_ALERT_TARGETS,                                                               \
    "SELECT notifier_id FROM rule_notifiers WHERE rule_id = ?1 UNION ALL "               \
    "SELECT id FROM notifiers WHERE is_default AND NOT EXISTS "                          \
    "(SELECT 1 FROM rule_notifiers WHERE rule_id = ?1) ORDER BY 1")                      \
  X(SW_STMT_TRACK_SELECT_ALL,                                                            \
    "SELECT " SW_STORE_TRACK_COLUMNS " FROM alert_track ORDER BY rule_id")               \
  X(SW_STMT_TRACK_UPSERT,                                                                \
    "INSERT INTO alert_track(" SW_STORE_TRACK_COLUMNS ") "                               \
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM rules WHERE id = ?1) "    \
    "ON CONFLICT(rule_id) DO UPDATE SET told = excluded.told, "                          \
    "told_at_s = excluded.told_at_s, bad_since_s = excluded.bad_since_s, "               \
    "told_flapping = excluded.told_flapping, in_maintenance = excluded.in_maintenance")  \
  X(SW_STMT_ACK_UPSERT,                                                                  \
    "INSERT INTO alert_ack(" SW_STORE_ACK_COLUMNS ") "                                   \
    "SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM rules WHERE id = ?1) "        \
    "ON CONFLICT(rule_id) DO UPDATE SET state = excluded.state, "                        \
    "by_user = excluded.by_user, at = excluded.at, comment = excluded.comment")          \
  X(SW_STMT_ACK_DELETE, "DELETE FROM alert_ack WHERE rule_id = ?1")                      \
  X(SW_STMT_ACK_DELETE_UNLESS,                                                           \
    "DELETE FROM alert_ack WHERE rule_id = ?1 AND state <> ?2")                          \
  X(SW_STMT_ACK_SELECT,                                                                  \
    "SELECT " SW_STORE_ACK_COLUMNS " FROM alert_ack WHERE rule_id = ?1")                 \
  X(SW_STMT_ACK_SELECT_ALL,                                                              \
    "SELECT " SW_STORE_ACK_COLUMNS " FROM alert_ack ORDER BY rule_id")                   \
  X(SW_STMT_MAINT_INSERT,                                                                \
    "INSERT INTO maintenance(rule_id, kind, from_at, until_at, weekly, comment, "        \
    "created_at) SELECT nullif(?1, 0), ?2, ?3, ?4, ?5, ?6, ?7 "                          \
    "WHERE ?1 = 0 OR EXISTS (SELECT 1 FROM rules WHERE id = ?1)")                        \
  X(SW_STMT_MAINT_SELECT_ALL,                                                            \
    "SELECT id, coalesce(rule_id, 0), kind, from_at, until_at, weekly, comment, "        \
    "created_at FROM maintenance ORDER BY id")                                           \
  X(SW_STMT_MAINT_DELETE, "DELETE FROM maintenance WHERE id = ?1")                       \
  X(SW_STMT_OUTBOX_UID_USED, "SELECT 1 FROM outbox WHERE uid = ?1")                      \
  X(SW_STMT_OUTBOX_INSERT,                                                               \
    "INSERT INTO outbox(uid, rule_id, notifier_id, kind, state, previous, outcome, "     \
    "rule_name, host, port, message, reply_code, response_ms, since_s, created_at, "     \
    "next_attempt_at, attempts, status, last_error, updated_at) VALUES(?1, ?2, ?3, ?4, " \
    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, 0, 'pending', '', ?15)")     \
  X(SW_STMT_OUTBOX_SELECT,                                                               \
    "SELECT " SW_STORE_OUTBOX_COLUMNS " FROM outbox WHERE id = ?1")                      \
  X(SW_STMT_OUTBOX_DUE,                                                                  \
    "SELECT " SW_STORE_OUTBOX_COLUMNS " FROM outbox WHERE status = 'pending' "           \
    "AND next_attempt_at <= ?1 ORDER BY created_at, id LIMIT ?2")                        \
  X(SW_STMT_OUTBOX_RECENT, "SELECT " SW_STORE_OUTBOX_COLUMNS " FROM outbox "             \
                           "WHERE id < ?1 ORDER BY id DESC LIMIT ?2")                    \
  X(SW_STMT_OUTBOX_AFTER_ATTEMPT,                                                        \
    "UPDATE outbox SET attempts = attempts + 1, status = ?2, next_attempt_at = ?3, "     \
    "last_error = ?4, updated_at = ?5 WHERE id = ?1")                                    \
  X(SW_STMT_ATTEMPT_INSERT,                                                              \
    "INSERT INTO outbox_attempts(outbox_id, at, ok, error, exit_code, output) "          \
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)")                                                    \
  X(SW_STMT_ATTEMPTS_OF, "SELECT id, at, ok, error, exit_code, output FROM "             \
                         "outbox_attempts WHERE outbox_id = ?1 ORDER BY at, id")         \
  X(SW_STMT_OUTBOX_PRUNE,                                                                \
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status <> 'pending' "   \
    "AND created_at < ?1 ORDER BY created_at LIMIT ?2)")                                 \
  X(SW_STMT_OUTBOX_PRUNE_MORE, "SELECT EXISTS (SELECT 1 FROM outbox WHERE status <> "    \
                               "'pending' AND created_at < ?1)")                         \
  X(SW_STMT_SIZE_PAGES,                                                                  \
    "SELECT page_count, freelist_count, page_size FROM pragma_page_count(), "            \
    "pragma_freelist_count(), pragma_page_size()")                                       \
  X(SW_STMT_FP_ACCEPT,                                                                   \
    "INSERT INTO fingerprints(rule_id, accepted, accepted_at, accepted_by, current, "    \
    "since) SELECT ?1, ?2, ?3, ?4, NULL, NULL WHERE EXISTS (SELECT 1 FROM rules WHERE "  \
    "id = ?1) ON CONFLICT(rule_id) DO UPDATE SET accepted = excluded.accepted, "         \
    "accepted_at = excluded.accepted_at, accepted_by = excluded.accepted_by, "           \
    "current = NULL, since = NULL")                                                      \
  X(SW_STMT_FP_DRIFT,                                                                    \
    "UPDATE fingerprints SET current = ?2, since = ?3 WHERE rule_id = ?1")               \
  X(SW_STMT_FP_FORGET, "DELETE FROM fingerprints WHERE rule_id = ?1")                    \
  X(SW_STMT_FP_SELECT_ALL,                                                               \
    "SELECT rule_id, accepted, accepted_at, accepted_by, current, coalesce(since, 0) "   \
    "FROM fingerprints ORDER BY rule_id")                                                \
  X(SW_STMT_OUTBOX_PENDING_COUNT,                                                        \
    "SELECT count(*) FROM outbox WHERE status = 'pending'")                              \
  X(SW_STMT_RULE_SELECT_PAGE, "SELECT " SW_STORE_RULE_COLUMNS " FROM rules "             \
                              "WHERE id > ?1 ORDER BY id LIMIT ?2")                      \
  SW_STORE_ROLLUP_STMTS(X)

/* Availability rollups and status changes (schema 6, store_rollups.c,
 * store_report.c). The kind columns follow SW_AVAIL_KIND_MAP's order. */
#define SW_STORE_ROLLUP_KINDS "ok_ms, warning_ms, critical_ms, unknown_ms, maintenance_ms"
#define SW_STORE_ROLLUP_STMTS(X)                                                         \
  X(SW_STMT_ROLLUP_CURSOR,                                                               \
    "SELECT ru.interval_s, coalesce(c.covered_until, 0), coalesce(c.kind, ''), "         \
    "EXISTS (SELECT 1 FROM rollup_backfill WHERE rule_id = ru.id) "                      \
    "FROM rules AS ru LEFT JOIN rollup_cursor AS c ON c.rule_id = ru.id WHERE ru.id = "  \
    "?1")                                                                                \
  X(SW_STMT_ROLLUP_CURSOR_SET,                                                           \
    "INSERT INTO rollup_cursor(rule_id, covered_until, kind) VALUES(?1, ?2, ?3) "        \
    "ON CONFLICT(rule_id) DO UPDATE SET covered_until = excluded.covered_until, "        \
    "kind = excluded.kind")                                                              \
  X(SW_STMT_ROLLUP_TIMES,                                                                \
    "SELECT times FROM rollups WHERE rule_id = ?1 AND span = ?2 AND start = ?3")         \
  X(SW_STMT_ROLLUP_ADD,                                                                  \
    "INSERT INTO rollups(rule_id, span, start, " SW_STORE_ROLLUP_KINDS                   \
    ", checks, times) "                                                                  \
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(span, start, rule_id) " \
    "DO UPDATE SET ok_ms = ok_ms + excluded.ok_ms, "                                     \
    "warning_ms = warning_ms + excluded.warning_ms, "                                    \
    "critical_ms = critical_ms + excluded.critical_ms, "                                 \
    "unknown_ms = unknown_ms + excluded.unknown_ms, "                                    \
    "maintenance_ms = maintenance_ms + excluded.maintenance_ms, "                        \
    "checks = checks + excluded.checks, times = coalesce(excluded.times, times)")        \
  X(SW_STMT_CHANGE_INSERT,                                                               \
    "INSERT INTO status_changes(rule_id, at, kind, outcome) VALUES(?1, ?2, ?3, ?4)")     \
  X(SW_STMT_ROLLUP_SLICE,                                                                \
    "SELECT rule_id, " SW_STORE_ROLLUP_KINDS ", checks, times FROM rollups "             \
    "WHERE span = ?1 AND start = ?2 AND rule_id >= ?3 AND rule_id <= ?4 ORDER BY "       \
    "rule_id")                                                                           \
  X(SW_STMT_CHANGES_RANGE,                                                               \
    "SELECT at, kind, outcome FROM status_changes WHERE rule_id = ?1 AND at >= "         \
    "(SELECT coalesce(max(at), ?2) FROM status_changes WHERE rule_id = ?1 AND at < ?2) " \
    "AND at < ?3 ORDER BY at, id")                                                       \
  X(SW_STMT_RETENTION_ROLLUPS,                                                           \
    "DELETE FROM rollups WHERE (span, start, rule_id) IN (SELECT span, start, rule_id "  \
    "FROM rollups WHERE start < ?1 ORDER BY start LIMIT ?2)")                            \
  X(SW_STMT_RETENTION_CHANGES,                                                           \
    "DELETE FROM status_changes WHERE id IN (SELECT s.id FROM status_changes AS s "      \
    "WHERE s.at < ?1 AND EXISTS (SELECT 1 FROM status_changes AS n "                     \
    "WHERE n.rule_id = s.rule_id AND n.at < ?1 AND n.id > s.id) ORDER BY s.at LIMIT "    \
    "?2)")                                                                               \
  SW_STORE_BACKFILL_STMTS(X)

/* The size cap's deletes past the raw results' minimum (store_size.c), and
 * rolling up the results from before schema 6 (store_rollup_backfill.c). */
#define SW_STORE_BACKFILL_STMTS(X)                                                       \
  X(SW_STMT_PRUNE_RESULTS_OLD,                                                           \
    "DELETE FROM results WHERE id IN (SELECT r.id FROM results AS r WHERE r.started_at " \
    "< ?2 AND r.id <> (SELECT id FROM results WHERE rule_id = r.rule_id "                \
    "ORDER BY started_at DESC, id DESC LIMIT 1) ORDER BY r.started_at, r.id LIMIT ?1)")  \
  X(SW_STMT_PRUNE_ROLLUPS,                                                               \
    "DELETE FROM rollups WHERE (span, start, rule_id) IN (SELECT span, start, rule_id "  \
    "FROM rollups WHERE span = ?3 AND start < ?2 ORDER BY start LIMIT ?1)")              \
  X(SW_STMT_PRUNE_NEWEST, "SELECT coalesce(max(started_at), 0) FROM results")            \
  X(SW_STMT_BACKFILL_NEXT, "SELECT rule_id, after_at, after_id FROM rollup_backfill "    \
                           "ORDER BY rule_id LIMIT 1")                                   \
  X(SW_STMT_BACKFILL_RESULTS,                                                            \
    "SELECT rule_id, started_at, status, outcome, step, step_us, maintenance, id "       \
    "FROM results WHERE rule_id = ?1 AND (started_at, id) > (?2, ?3) "                   \
    "ORDER BY started_at, id LIMIT ?4")                                                  \
  X(SW_STMT_BACKFILL_MOVE,                                                               \
    "UPDATE rollup_backfill SET after_at = ?2, after_id = ?3 WHERE rule_id = ?1")        \
  X(SW_STMT_BACKFILL_DONE, "DELETE FROM rollup_backfill WHERE rule_id = ?1")             \
  X(SW_STMT_BACKFILL_COUNT, "UPDATE rollup_backfill_progress SET done = done + ?1")      \
  X(SW_STMT_BACKFILL_PROGRESS,                                                           \
    "SELECT EXISTS (SELECT 1 FROM rollup_backfill), "                                    \
    "coalesce((SELECT total FROM rollup_backfill_progress), 0), "                        \
    "coalesce((SELECT done FROM rollup_backfill_progress), 0)")

enum sw_store_stmt { SW_STORE_STMT_MAP(SW_X_1) SW_STMT_COUNT };

struct sw_store {
  sqlite3 *db;
  char *path; /* UTF-8, for reopening a connection that was read-only */
  int busy_timeout_ms;
  bool manual_checkpoints;
  sqlite3_stmt *stmts[SW_STMT_COUNT]; /* NULL until first used */
  struct sw_store_diag diag;          /* the last failure */
};

/* Records the failure `rc` of an SQLite call made while doing `what`
 * ("writing results") in st->diag with SQLite's message and the OS error,
 * and returns the store error it maps to. */
enum sw_store_error sw__store_fail(struct sw_store *st, int rc, const char *what);
/* Records a failure that SQLite did not report (sqlite_code 0) with a
 * printf-style message and returns `err`. */
enum sw_store_error sw__store_error(struct sw_store *st, enum sw_store_error err,
                                    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The prepared statement `id`, reset and with its bindings cleared, in
 * *out. The statement stays the store's; the helpers below (and every
 * caller that steps it by hand) reset it as soon as they are done with it,
 * so it holds no read snapshot open. */
enum sw_store_error sw__store_stmt(struct sw_store *st, enum sw_store_stmt id,
                                   sqlite3_stmt **out, const char *what);

/* Starts a write transaction (BEGIN IMMEDIATE, so waiting for another
 * writer happens here, under the busy timeout, and never ends in a
 * deadlock later). Reopens the connection first if it is read-only. */
enum sw_store_error sw__store_begin(struct sw_store *st, const char *what);
/* Commits; on failure rolls back and records the failure. */
enum sw_store_error sw__store_commit(struct sw_store *st, const char *what);
/* Rolls back the open transaction, if any. Errors are ignored and st->diag
 * is kept: the failure that led here is the one worth reporting. */
void sw__store_rollback(struct sw_store *st);

/* The writes of one transaction: runs statements through sw__store_stmt
 * and returns SW_STORE_OK or the failure it recorded. It neither begins,
 * commits nor rolls back; `ctx` carries its inputs and outputs. */
typedef enum sw_store_error (*sw__store_work_fn)(struct sw_store *st, void *ctx);
/* Runs `work` in one write transaction: BEGIN IMMEDIATE, `work`, COMMIT.
 * On any failure everything `work` did is rolled back and the first
 * failure (st->diag) is returned, so the caller may hand out what `work`
 * left in `ctx` only on SW_STORE_OK. `what` ("deleting rule 7") names the
 * job in the log. Every write of the store but the migrations goes through
 * here. */
enum sw_store_error sw__store_transaction(struct sw_store *st, const char *what,
                                          sw__store_work_fn work, void *ctx);

/* Steps a statement whose rows, if any, do not matter, then resets it.
 * SW_STORE_OK, or the failure recorded as happening while doing `what`. */
enum sw_store_error sw__store_run(struct sw_store *st, sqlite3_stmt *stmt,
                                  const char *what);

/* The same for a statement that changes one row: NOT_FOUND, recorded as
 * "<what>: it does not exist", if it changed none. */
enum sw_store_error sw__store_run_one(struct sw_store *st, sqlite3_stmt *stmt,
                                      const char *what);
/* Deletes the row that statement `stmt` (a DELETE ... WHERE id = ?1)
 * names by `id`, in a transaction of its own; NOT_FOUND as
 * sw__store_run_one says it. What refers to the row goes with it (ON
 * DELETE CASCADE). `what`: "deleting rule 7". */
enum sw_store_error sw__store_delete_by_id(struct sw_store *st, enum sw_store_stmt stmt,
                                           int64_t id, const char *what);

/* Fills *item (zeroed) from the statement's current row. On failure the
 * item owns nothing and the failure is recorded (sw__store_error). */
typedef enum sw_store_error (*sw__store_row_fn)(struct sw_store *st, sqlite3_stmt *stmt,
                                                void *item);
/* Frees what an item owns (not the item itself). */
typedef void (*sw__store_item_free_fn)(void *item);
/* A query that reads a list: statement `stmt` with the integer parameters
 * ?1..?param_count, each row read by `read` into an item of `item_size`
 * bytes, which `free_item` frees (NULL: items own nothing). `what`
 * ("listing the rules") names the job in the log. */
struct sw__store_list_query {
  enum sw_store_stmt stmt;
  int64_t params[4];
  int param_count;
  size_t item_size;
  sw__store_row_fn read;
  sw__store_item_free_fn free_item;
  const char *what;
};
/* Runs the query to its end and resets it. *items is a new array of the
 * *count items read (NULL and 0 when there are none), the caller's to free
 * with sw__store_free_items. After a failure nothing is left: *items is
 * NULL and *count 0. SW_STORE_NOMEM if memory ran out, or SQLite's
 * failure, recorded. */
enum sw_store_error sw__store_read_list(struct sw_store *st,
                                        const struct sw__store_list_query *q,
                                        void **items, size_t *count);
/* Frees the `count` items of `item_size` bytes at `items` with `free_item`
 * (may be NULL), then the array (which may be NULL). */
void sw__store_free_items(void *items, size_t count, size_t item_size,
                          sw__store_item_free_fn free_item);
/* Empties `list` (a struct sw_store_*_list: items and count), freeing each
 * item with `free_item` (NULL: items own nothing): the body of every
 * sw_store_*_list_free. */
#define SW__STORE_LIST_FREE(list, free_item)                                             \
  (sw__store_free_items((list)->items, (list)->count, sizeof *(list)->items,             \
                        (free_item)),                                                    \
   (list)->items = NULL, (list)->count = 0)
/* Runs the list query `q` (a pointer) into `list` (a struct
 * sw_store_*_list), setting `err` as sw__store_read_list returns it. */
#define SW__STORE_READ_LIST(err, st, q, list)                                            \
  do {                                                                                   \
    void *items_;                                                                        \
    (err) = sw__store_read_list((st), (q), &items_, &(list)->count);                     \
    (list)->items = items_;                                                              \
  } while (0)
/* Reads the one row that statement `stmt` gives for the integer parameter
 * `param` (?1) into `item` with `read`, and resets it. No row is
 * SW_STORE_NOT_FOUND, recorded as "<what>: <missing>". */
enum sw_store_error sw__store_read_row(struct sw_store *st, enum sw_store_stmt stmt,
                                       int64_t param, sw__store_row_fn read, void *item,
                                       const char *what, const char *missing);

/* sw__store_read_row for the row of `id`, a failure recorded as
 * "<doing> <id>: ..." ("reading rule 7: it does not exist"). */
enum sw_store_error sw__store_read_by_id(struct sw_store *st, enum sw_store_stmt stmt,
                                         int64_t id, sw__store_row_fn read, void *item,
                                         const char *doing, const char *missing);

/* Reads column 0 of a row into the int64_t `item` (a sw__store_row_fn). */
enum sw_store_error sw__store_read_int64(struct sw_store *st, sqlite3_stmt *stmt,
                                         void *item);
/* SW_STORE_OK if statement `stmt` gives a row for `id` (?1); NOT_FOUND as
 * "<what>: <missing>" if not. */
enum sw_store_error sw__store_must_exist(struct sw_store *st, enum sw_store_stmt stmt,
                                         int64_t id, const char *what,
                                         const char *missing);
/* The same with the text `param` (borrowed until it returns) for ?1. */
enum sw_store_error sw__store_read_row_text(struct sw_store *st, enum sw_store_stmt stmt,
                                            const char *param, sw__store_row_fn read,
                                            void *item, const char *what,
                                            const char *missing);

/* Text of column `i`, "" for NULL; valid until the next step or reset. */
const char *sw__store_text(sqlite3_stmt *stmt, int i);
/* A heap copy of column `i` for an optional string (NULL for NULL or "");
 * SW_STORE_NOMEM if memory ran out. */
enum sw_store_error sw__store_dup_optional(sqlite3_stmt *stmt, int i, char **out);

/* A heap copy of column `i`, "" for NULL (never NULL on success);
 * SW_STORE_NOMEM if memory ran out. */
enum sw_store_error sw__store_dup_text(sqlite3_stmt *stmt, int i, char **out);

/* Parses a status name back ("CRITICAL"); a name this build does not know
 * reads as UNKNOWN. */
enum sw_nagios_status sw__store_status_from_name(const char *name);

/* Checks the file's application id and schema version and migrates it to
 * the current version, one transaction per step (store_schema.c). Refuses a
 * newer, foreign or damaged file without changing it. */
enum sw_store_error sw__store_schema_open(struct sw_store *st);

/* Inserts one result inside the caller's transaction; *written is false if
 * its rule no longer exists. */
enum sw_store_error sw__store_insert_result(struct sw_store *st,
                                            const struct sw_store_result *r,
                                            bool *written);
/* Inserts or replaces one rule state inside the caller's transaction;
 * *written is false if its rule no longer exists. */
enum sw_store_error sw__store_upsert_state(struct sw_store *st,
                                           const struct sw_store_rule_state *s,
                                           bool *written);
/* Writes rule `rule_id`'s alert track inside the caller's transaction;
 * NOT_FOUND if the rule is gone. */
enum sw_store_error sw__store_upsert_track(struct sw_store *st, int64_t rule_id,
                                           const struct sw_alert_track *t,
                                           const char *what);
/* Write a batch's tracks and first fingerprints inside the caller's
 * transaction, adding to *written those whose rule still exists. */
enum sw_store_error sw__store_write_tracks(struct sw_store *st,
                                           const struct sw_store_track_write *t,
                                           size_t count, size_t *written);
enum sw_store_error
sw__store_write_first_fingerprints(struct sw_store *st,
                                   const struct sw_store_first_fingerprint *f,
                                   size_t count, size_t *written);
/* INVALID_INPUT ("<what>: <field> must be one line of ...") unless `text`
 * (NULL reads as "") is one line of at most `max_chars` characters, and
 * not empty unless `may_be_empty`. */
enum sw_store_error sw__store_check_line(struct sw_store *st, const char *what,
                                         const char *field, const char *text,
                                         size_t max_chars, bool may_be_empty);
/* Adds result `r` (written in the caller's transaction) to its rule's
 * rollups and status changes (store_rollups.c); nothing if the rule is
 * gone. */
enum sw_store_error sw__store_rollup_result(struct sw_store *st,
                                            const struct sw_store_result *r);
/* Adds the stored result in `row` (rule_id, started_at, status, outcome,
 * step, step_us, maintenance) to its rule's rollups, though the rule's
 * older results are still being rolled up: the pass of
 * store_rollup_backfill.c, in the caller's transaction. */
enum sw_store_error sw__store_rollup_stored(struct sw_store *st, sqlite3_stmt *row);
/* Inserts one event inside the caller's transaction. */
enum sw_store_error sw__store_insert_event(struct sw_store *st,
                                           const struct sw_store_event *e);

#endif
