/* The service's database: rules, check results, rule state, events and
 * settings in one SQLite file (WAL). This is the only module that includes
 * sqlite3.h; everything else sees the records below. docs/store.md has the
 * schema, the migrations, retention and what each error means.
 *
 * Threading: a struct sw_store is used by one thread at a time (the
 * service's loop thread). Other threads (the pipe server, tools) open their
 * own handle on the same file; SQLite's locking and WAL make that safe.
 *
 * Time: every timestamp is Unix time in milliseconds, UTC, given by the
 * caller (the store never reads a clock, so tests choose the time).
 *
 * Failure: writes are all or nothing. A write that fails (database locked,
 * read-only, disk full, damaged) changes nothing and leaves the caller's
 * records untouched and owned by the caller, so the service keeps them and
 * calls again later; sw_store_error_is_transient() says when that is worth
 * it. The last error's SQLite code and message are kept for the log
 * (sw_store_last_error). */
#ifndef SW_STORE_H
#define SW_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_result.h"
#include "nagios_report.h"
#include "rule.h"
#include "sw_macros.h"

/* X(ENUM, sentence for the Event Log): what went wrong and what to do. */
#define SW_STORE_ERROR_MAP(X)                                                            \
  X(SW_STORE_OK, "The database operation succeeded.")                                    \
  X(SW_STORE_NOMEM, "The service ran out of memory while using the database.")           \
  X(SW_STORE_INVALID_ARGUMENT,                                                           \
    "The database was called with an invalid argument (a bug).")                         \
  X(SW_STORE_INVALID_RULE, "The rule is not valid; the problems are listed by field.")   \
  X(SW_STORE_NOT_FOUND,                                                                  \
    "The rule, notifier or other item does not exist; it may have been deleted.")        \
  X(SW_STORE_STALE,                                                                      \
    "The rule was changed by someone else after it was read; reload it and "             \
    "make the change again.")                                                            \
  X(SW_STORE_BUSY,                                                                       \
    "The database is locked by another program; the service keeps the data in "          \
    "memory and writes it when the lock is released.")                                   \
  X(SW_STORE_READONLY,                                                                   \
    "The database file cannot be written (read-only file or folder, or no "              \
    "permission); the service keeps the data in memory and writes it once "              \
    "the file is writable.")                                                             \
  X(SW_STORE_CORRUPT,                                                                    \
    "The database file is damaged or is not a database. Stop the service, "              \
    "move the file aside (a new one is created) or restore a backup.")                   \
  X(SW_STORE_NOT_OURS,                                                                   \
    "The database file belongs to another program, not SMTP Watch. Use "                 \
    "another data folder or move the file aside.")                                       \
  X(SW_STORE_TOO_NEW,                                                                    \
    "The database was written by a newer version of SMTP Watch. Install that "           \
    "version again, or move the file aside to start with an empty one.")                 \
  X(SW_STORE_CANTOPEN,                                                                   \
    "The database file cannot be opened: its folder does not exist or cannot "           \
    "be accessed.")                                                                      \
  X(SW_STORE_FULL,                                                                       \
    "The disk holding the database is full; free some space. The service keeps "         \
    "the data in memory until it can be written.")                                       \
  X(SW_STORE_IO,                                                                         \
    "Reading or writing the database file failed (disk or network error); the "          \
    "service keeps the data in memory and tries again.")                                 \
  X(SW_STORE_SQLITE,                                                                     \
    "The database reported an unexpected error; see the message in the log.")            \
  X(SW_STORE_INVALID_INPUT,                                                              \
    "The request is not valid; the details say what is wrong and how to fix it.")        \
  X(SW_STORE_NAME_TAKEN, "The name is already in use; choose another name.")

enum sw_store_error { SW_STORE_ERROR_MAP(SW_X_1) SW_STORE_ERROR_COUNT };

/* "SW_STORE_BUSY" and friends; never NULL. */
const char *sw_store_error_name(enum sw_store_error e);
/* The sentence above; never NULL. */
const char *sw_store_error_text(enum sw_store_error e);
/* True if the same call may succeed later without anyone fixing a bug:
 * BUSY, READONLY, FULL, IO, CANTOPEN, CORRUPT (once an operator acts) and
 * NOMEM. The service keeps its records and retries on these. */
bool sw_store_error_is_transient(enum sw_store_error e);

#define SW_STORE_MESSAGE_MAX 512

/* The details of a failure, for the log: what the store was doing, SQLite's
 * own message, its extended result code and the OS error (errno or Win32
 * GetLastError) behind it, e.g. "writing results: attempt to write a
 * readonly database". */
struct sw_store_diag {
  enum sw_store_error err;
  int sqlite_code; /* extended result code; 0 if SQLite was not involved */
  int os_error;    /* sqlite3_system_errno(); 0 if none */
  char message[SW_STORE_MESSAGE_MAX];
};

#define SW_STORE_DEFAULT_BUSY_TIMEOUT_MS 2000
#define SW_STORE_DEFAULT_RETENTION_DAYS 30
#define SW_STORE_RETENTION_DAYS_MAX 3650
#define SW_STORE_SETTING_RETENTION_DAYS "retention_days"

struct sw_store_options {
  int busy_timeout_ms; /* how long a write waits for another writer's lock
                          before failing with BUSY; <= 0 = the default */
  /* The WAL is not checkpointed by this handle's commits (SQLite's
   * automatic checkpoint, which copies the pages back into the database
   * and syncs it in the middle of a commit): another handle calls
   * sw_store_checkpoint, on another thread. */
  bool manual_checkpoints;
};

struct sw_store;

/* Opens (creating if needed) the database at `path` (UTF-8; the folder must
 * exist) and brings its schema up to date, each migration in its own
 * transaction. A database from a newer version (TOO_NEW), of another program
 * (NOT_OURS) or damaged (CORRUPT) is refused without being changed. A file
 * that cannot be written but has the current schema opens read-only: reads
 * work, writes fail with READONLY until the file becomes writable (the store
 * then reopens it by itself). `opt` may be NULL. On success *out is the
 * handle; on failure *out is NULL and `diag` (may be NULL) says why. */
enum sw_store_error sw_store_open(const char *path, const struct sw_store_options *opt,
                                  struct sw_store **out, struct sw_store_diag *diag);
/* Finishes every statement and closes the database (checkpointing the WAL
 * if this is the last connection). NULL is ignored. */
void sw_store_close(struct sw_store *st);
/* The failure of the last call that failed on this handle; err is
 * SW_STORE_OK if none has. Valid until the next call. */
const struct sw_store_diag *sw_store_last_error(const struct sw_store *st);

/* Runs PRAGMA integrity_check. *ok is true if SQLite reports "ok";
 * otherwise *report (if not NULL) gets its first findings, '\n'-separated,
 * for the caller to free(). A damaged file may instead fail with CORRUPT. */
enum sw_store_error sw_store_integrity_check(struct sw_store *st, bool *ok,
                                             char **report);

/* ---- rules ---------------------------------------------------------- */

/* The largest secret blob the store keeps (a DPAPI blob of a 2 KiB URL
 * is well under 4 KiB). */
#define SW_STORE_SECRET_MAX 16384

/* A secret of a rule as the service keeps it: an opaque blob (DPAPI) the
 * store neither reads nor shows. */
struct sw_store_blob {
  void *data;
  size_t len;
};

/* Wipes and frees the blob; it is empty afterwards. */
void sw_store_blob_free(struct sw_store_blob *b);

struct sw_store_rule {
  struct sw_rule rule; /* rule.id is the key; owns its strings; its
                          auth_password_set and oauth_client_secret_set say
                          whether the blobs below are there */
  int64_t revision;    /* 1 when added, +1 on every change */
  int64_t created_at_ms;
  int64_t updated_at_ms;
  struct sw_store_blob auth_secret, oauth_secret; /* owned; wiped when freed */
  struct sw_store_blob mailbox_secret;            /* the round trip's; owned; wiped */
};

/* What a write does to a rule's secrets: each one `given` is replaced by
 * data[0..len) (len 0: removed); one not given is kept (an added rule has
 * none). Borrowed. At most SW_STORE_SECRET_MAX bytes each. */
struct sw_store_secret_write {
  const void *data;
  size_t len;
  bool given;
};
struct sw_store_rule_secrets {
  struct sw_store_secret_write auth, oauth;
  struct sw_store_secret_write mailbox; /* the round trip's mailbox password */
};

struct sw_store_rule_list {
  struct sw_store_rule *items;
  size_t count;
};

/* Frees what the record owns; its rule is left as after
 * sw_rule_init_defaults and the rest is 0. */
void sw_store_rule_free(struct sw_store_rule *r);
void sw_store_rule_list_free(struct sw_store_rule_list *l);

/* Validates `r` with sw_rule_validate and stores it as a new rule with
 * revision 1 (r->id is ignored). INVALID_RULE if it is not valid: then
 * `problems` (may be NULL) lists them. On success *id_out (may be NULL) is
 * the new id; ids are never reused, not even after a delete. */
enum sw_store_error sw_store_rule_add(struct sw_store *st, const struct sw_rule *r,
                                      int64_t now_ms, struct sw_rule_problems *problems,
                                      int64_t *id_out);
/* As sw_store_rule_add and _update, with the rule's secrets written in the
 * same transaction (`secrets` NULL: none given). */
enum sw_store_error
sw_store_rule_add_with_secrets(struct sw_store *st, const struct sw_rule *r,
                               const struct sw_store_rule_secrets *secrets,
                               int64_t now_ms, struct sw_rule_problems *problems,
                               int64_t *id_out);
enum sw_store_error sw_store_rule_update_with_secrets(
    struct sw_store *st, const struct sw_rule *r,
    const struct sw_store_rule_secrets *secrets, int64_t expected_revision,
    int64_t now_ms, struct sw_rule_problems *problems, int64_t *revision_out);
/* Reads rule `id` into *out (which must own nothing; free it with
 * sw_store_rule_free). NOT_FOUND if there is no such rule. */
enum sw_store_error sw_store_rule_get(struct sw_store *st, int64_t id,
                                      struct sw_store_rule *out);
/* Reads every rule in id order into *out (free it with
 * sw_store_rule_list_free); an empty store gives count 0. */
enum sw_store_error sw_store_rule_list(struct sw_store *st,
                                       struct sw_store_rule_list *out);
/* Reads at most `limit` rules whose id is above `after_id`, in id order,
 * into *out (free it with sw_store_rule_list_free): a page of RULE_LIST
 * costs its own rules, not the whole table (the primary key's index). */
enum sw_store_error sw_store_rule_page(struct sw_store *st, int64_t after_id,
                                       size_t limit, struct sw_store_rule_list *out);
/* Replaces every field of rule r->id if its revision is still
 * `expected_revision`, so an editor never overwrites a change it has not
 * seen: STALE if it is not, NOT_FOUND if the rule is gone, INVALID_RULE (with
 * `problems`) if `r` is not valid. On success *revision_out (may be NULL) is
 * the new revision. */
enum sw_store_error sw_store_rule_update(struct sw_store *st, const struct sw_rule *r,
                                         int64_t expected_revision, int64_t now_ms,
                                         struct sw_rule_problems *problems,
                                         int64_t *revision_out);
/* Enables or disables rule `id` whatever its revision (a toggle does not
 * conflict with itself), counting it as a change. NOT_FOUND if it is gone. */
enum sw_store_error sw_store_rule_set_enabled(struct sw_store *st, int64_t id,
                                              bool enabled, int64_t now_ms,
                                              int64_t *revision_out);
/* Deletes rule `id` with its results, state and events, and its alert
 * rows (store_alerts.h: settings, notifiers named, track, acknowledgement,
 * maintenance windows, notifications), in one transaction; rules that
 * depended on it no longer do. NOT_FOUND if there is no such rule. */
enum sw_store_error sw_store_rule_delete(struct sw_store *st, int64_t id);

/* One change of an import (`rules import`, docs/import-export.md): add
 * `rule` (its id ignored), update rule rule->id with every field of
 * `rule` if it is still at `expected_revision` (its secrets as `secrets`
 * says; NULL: kept), or delete rule `id`. Borrowed. */
enum sw_store_import_kind {
  SW_STORE_IMPORT_ADD,
  SW_STORE_IMPORT_UPDATE,
  SW_STORE_IMPORT_DELETE
};
struct sw_store_import_op {
  enum sw_store_import_kind kind;
  const struct sw_rule *rule;                  /* add, update */
  const struct sw_store_rule_secrets *secrets; /* add, update; NULL: none given */
  int64_t id;                                  /* delete */
  int64_t expected_revision;                   /* update */
};
/* Carries out ops[0..n) in one transaction: all of them or none. Each rule
 * is validated first (INVALID_RULE, `problems` (may be NULL) the first
 * invalid rule's, *failed (may be NULL) its index); STALE if a rule was
 * changed since it was read, NOT_FOUND if one is gone; *failed names the
 * op then too. */
enum sw_store_error
sw_store_rules_import(struct sw_store *st, const struct sw_store_import_op *ops, size_t n,
                      int64_t now_ms, struct sw_rule_problems *problems, size_t *failed);

/* ---- results -------------------------------------------------------- */

/* One stored check. `check` is the engine's result as is: its outcome and
 * step are stored by name, its step times as text ("resolve=12;connect=345",
 * microseconds, steps reached only), its transcript only if the outcome is
 * not OK. The EHLO keyword list is not stored (caps is). */
struct sw_store_result {
  int64_t id; /* set when read; ignored when written */
  int64_t rule_id;
  int64_t started_at_ms;
  enum sw_nagios_status status; /* as the service decided it */
  bool in_maintenance;          /* a maintenance window held the rule (reports) */
  struct sw_check_result check; /* owned */
};

struct sw_store_result_list {
  struct sw_store_result *items;
  size_t count;
};

/* An empty record (check as after sw_check_result_init). */
void sw_store_result_init(struct sw_store_result *r);
/* Frees what the record owns; it is left as after sw_store_result_init. */
void sw_store_result_free(struct sw_store_result *r);
void sw_store_result_list_free(struct sw_store_result_list *l);

/* Where a page of history ends: the next page starts after it. */
struct sw_store_cursor {
  int64_t started_at_ms;
  int64_t id;
};

/* Reads up to `limit` results of rule `rule_id`, newest first (by
 * started_at, then id), older than `*before` or from the newest if `before`
 * is NULL. The last item's (started_at_ms, id) is the cursor of the next
 * page; fewer than `limit` items means there is no more. */
enum sw_store_error sw_store_history(struct sw_store *st, int64_t rule_id,
                                     const struct sw_store_cursor *before, size_t limit,
                                     struct sw_store_result_list *out);
/* The same without the transcripts (the check's transcript is empty): for
 * lists that never show them, such as the pipe's HISTORY pages. */
enum sw_store_error sw_store_history_brief(struct sw_store *st, int64_t rule_id,
                                           const struct sw_store_cursor *before,
                                           size_t limit,
                                           struct sw_store_result_list *out);
/* Reads the newest result of every rule with an id in (after_id, last_id]
 * that has one, in rule id order, without transcripts (for status lists).
 * A page of the status list costs its own rules, not every rule (at 10,000
 * rules the whole list takes ~0.4 s under Wine, on the service's loop
 * thread); INT64_MIN and INT64_MAX ask for every rule. */
enum sw_store_error sw_store_latest_results_between(struct sw_store *st, int64_t after_id,
                                                    int64_t last_id,
                                                    struct sw_store_result_list *out);

/* ---- rule state ------------------------------------------------------ */

struct sw_store_rule_state {
  int64_t rule_id;
  enum sw_nagios_status state;
  uint32_t failures; /* consecutive failed checks */
  int64_t since_ms;  /* when the rule entered `state` */
  int64_t last_result_at_ms;
  enum sw_outcome last_outcome;
};

struct sw_store_state_list {
  struct sw_store_rule_state *items;
  size_t count;
};

void sw_store_state_list_free(struct sw_store_state_list *l);
/* Reads the state of every rule that has one, in rule id order (the service
 * restores them at start). */
enum sw_store_error sw_store_state_load(struct sw_store *st,
                                        struct sw_store_state_list *out);

/* ---- events ---------------------------------------------------------- */

/* X(ENUM, stored name): the Event Log's event types. */
#define SW_EVENT_SEVERITY_MAP(X)                                                         \
  X(SW_EVENT_INFO, "info")                                                               \
  X(SW_EVENT_WARNING, "warning")                                                         \
  X(SW_EVENT_ERROR, "error")

enum sw_event_severity { SW_EVENT_SEVERITY_MAP(SW_X_1) SW_EVENT_SEVERITY_COUNT };

/* "info", "warning", "error"; "unknown" if out of range. */
const char *sw_event_severity_name(enum sw_event_severity s);

struct sw_store_event {
  int64_t id; /* set when read; ignored when written */
  int64_t at_ms;
  uint32_t event_id; /* the Event Log event id (docs/events.md) */
  enum sw_event_severity severity;
  int64_t rule_id; /* 0 if about no rule, or the rule no longer exists */
  char *message;   /* UTF-8; owned when read, only borrowed when written */
};

struct sw_store_event_list {
  struct sw_store_event *items;
  size_t count;
};

void sw_store_event_list_free(struct sw_store_event_list *l);
/* Reads up to `limit` events, newest first, with ids below `before_id`, or
 * from the newest if it is 0. The last item's id is the next page's
 * `before_id`. */
enum sw_store_error sw_store_events_recent(struct sw_store *st, int64_t before_id,
                                           size_t limit, struct sw_store_event_list *out);

/* ---- writing what the service buffered -------------------------------- */

/* Everything the service has buffered since its last write; any part may be
 * empty. The records stay the caller's: they are only read. */
struct sw_store_track_write;       /* store_alerts.h */
struct sw_store_first_fingerprint; /* store_drift.h */

struct sw_store_batch {
  const struct sw_store_result *results;
  size_t result_count;
  const struct sw_store_rule_state *states; /* inserted or replaced */
  size_t state_count;
  const struct sw_store_event *events;
  size_t event_count;
  /* What the alerts told about rules, when a decision changed it without a
   * notification (which writes its own with the outbox). */
  const struct sw_store_track_write *tracks;
  size_t track_count;
  /* The fingerprints of rules' first good checks, accepted. */
  const struct sw_store_first_fingerprint *fingerprints;
  size_t fingerprint_count;
};

/* What a write did with records about rules deleted in the meantime: they
 * are dropped (results, states) or kept without a rule (events) rather than
 * failing the whole batch for ever. */
struct sw_store_write_counts {
  size_t results_written;
  size_t results_dropped; /* their rule no longer exists */
  size_t states_written;
  size_t states_dropped;
  size_t events_written;
  size_t tracks_written; /* the others' rules are gone, like dropped states */
  size_t fingerprints_written;
};

/* Writes the whole batch in one transaction: all of it or, on failure,
 * nothing (then retry later with the same batch). `counts` may be NULL. */
enum sw_store_error sw_store_write(struct sw_store *st, const struct sw_store_batch *b,
                                   struct sw_store_write_counts *counts);

/* ---- settings and retention -------------------------------------------- */

/* Reads setting `key` into *value (the caller frees it); NOT_FOUND if it was
 * never set. */
enum sw_store_error sw_store_setting_get(struct sw_store *st, const char *key,
                                         char **value);
/* Sets `key` to `value` (both UTF-8, non-NULL). */
enum sw_store_error sw_store_setting_set(struct sw_store *st, const char *key,
                                         const char *value);

/* Deletes at most `max_rows` results and events that started (or happened)
 * more than the retention before `now_ms` (the "retention_days" setting if
 * it is a whole number from 1 to SW_STORE_RETENTION_DAYS_MAX, else 30: a
 * damaged setting must not make the service delete everything), oldest first, in one
 * short transaction so other writers wait little. *deleted (may be NULL) is how many
 * went; *more (may be NULL) is true if old rows remain: the service calls it again on a
 * later turn of its loop. */
enum sw_store_error sw_store_retention_step(struct sw_store *st, int64_t now_ms,
                                            size_t max_rows, size_t *deleted, bool *more);

/* ---- size ------------------------------------------------------------- */

/* How big the database is. `used_bytes` is what its rows take: the pages
 * in use, (page_count - freelist_count) x page_size, including changes
 * still in the write-ahead log. Pages freed by deletes stay in the file
 * and are reused before it grows, so this, not the file's size, is what a
 * size cap can hold down. `file_bytes` is what the files take on disk: the
 * database file plus its WAL (0 for a file not open). */
struct sw_store_size {
  int64_t used_bytes;
  int64_t free_bytes; /* freelist_count x page_size: free pages in the file */
  int64_t file_bytes;
};

/* Measures the database (no transaction, no write). */
enum sw_store_error sw_store_size(struct sw_store *st, struct sw_store_size *out);

/* Copies what the write-ahead log holds into the database file. *wal_pages
 * and *copied (may be NULL) say the log's size in pages and how many of
 * them are in the database now.
 * - PASSIVE: what it can without waiting for any reader or writer (the
 *   service's checkpointer, for a handle with manual_checkpoints).
 * - TRUNCATE: everything, then the log truncated to nothing, so that its
 *   disk space is free again: on a full disk, the log is where every
 *   write, a delete included, needs room. BUSY if another connection's
 *   read keeps part of the log in use (what could be copied was). */
enum sw_store_checkpoint { SW_STORE_CHECKPOINT_PASSIVE, SW_STORE_CHECKPOINT_TRUNCATE };
enum sw_store_error sw_store_checkpoint(struct sw_store *st, enum sw_store_checkpoint how,
                                        int *wal_pages, int *copied);

/* The raw results the size cap keeps while it can delete rollups instead:
 * those of the last 7 days before the newest result. */
#define SW_STORE_PRUNE_KEEP_RESULTS_DAYS 7

/* What one sw_store_prune_step did. */
struct sw_store_prune {
  size_t deleted;        /* results deleted */
  size_t hourly_deleted; /* hourly rollup rows deleted */
  size_t daily_deleted;  /* daily rollup rows deleted */
  int64_t used_before;   /* used_bytes before and after the step */
  int64_t used_after;
  bool more; /* still above the target with results left to delete */
};

/* If the database uses more than `target_bytes` (0: whatever it uses),
 * deletes up to `max_rows` of the oldest rows of the first kind that has
 * any, in one short transaction so other writers wait little, and measures
 * again. The order: results older than SW_STORE_PRUNE_KEEP_RESULTS_DAYS
 * before the newest; hourly rollups older than that (the daily rows still
 * cover their days); daily rollups older than that; then the remaining
 * results. The newest result of every rule is never deleted (status and
 * the editor's list need it), nor are rules, rule states, events, status
 * changes or settings. Call it again while
 * out->more, on a later turn of the loop. On failure nothing was deleted
 * and *out says so (deleted 0). */
enum sw_store_error sw_store_prune_step(struct sw_store *st, int64_t target_bytes,
                                        size_t max_rows, struct sw_store_prune *out);

#endif
