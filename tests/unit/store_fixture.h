/* Shared by the store's test programs (test_store.c, test_store_faults.c):
 * a private temporary folder per test, files in it named in UTF-8, making a
 * database file unwritable and writable again, a monotonic clock, and the
 * records the tests store. Static inline functions, so each test program
 * stays one source file that links the store like the service does. */
#ifndef SW_STORE_FIXTURE_H
#define SW_STORE_FIXTURE_H

#ifndef _WIN32
#define _DEFAULT_SOURCE /* mkdtemp, clock_gettime */
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#endif

#include <sqlite3.h>

#include "store.h"

#define FX_PATH_MAX 600
#ifdef _WIN32
#define FX_SEP "\\"
#else
#define FX_SEP "/"
#endif

struct fixture {
  char dir[FX_PATH_MAX];
  char db[FX_PATH_MAX];            /* dir/smtpwatch.db, not created yet */
  char readonly_path[FX_PATH_MAX]; /* set while a file is made unwritable */
#ifdef _WIN32
  HANDLE deny_write;
#endif
};

#ifdef _WIN32
static inline wchar_t *fx_wide(const char *utf8)
{
  int n = MultiByteToWideChar(CP_UTF8, 0, utf8, -1, NULL, 0);
  assert_true(n > 0);
  wchar_t *w = malloc((size_t)n * sizeof *w);
  assert_non_null(w);
  MultiByteToWideChar(CP_UTF8, 0, utf8, -1, w, n);
  return w;
}
#endif

/* fopen for a UTF-8 path. */
static inline FILE *fx_fopen(const char *path, const char *mode)
{
#ifdef _WIN32
  wchar_t *wp = fx_wide(path), *wm = fx_wide(mode);
  FILE *f = _wfopen(wp, wm);
  free(wp);
  free(wm);
  return f;
#else
  return fopen(path, mode);
#endif
}

static inline bool fx_exists(const char *path)
{
  FILE *f = fx_fopen(path, "rb");
  if (f)
    fclose(f);
  return f != NULL;
}

static inline void fx_remove(const char *path)
{
#ifdef _WIN32
  wchar_t *wp = fx_wide(path);
  SetFileAttributesW(wp, FILE_ATTRIBUTE_NORMAL);
  DeleteFileW(wp);
  free(wp);
#else
  remove(path);
#endif
}

/* dir/name in out. */
static inline void fx_path(const struct fixture *fx, const char *name, char *out)
{
  int n = snprintf(out, FX_PATH_MAX, "%s" FX_SEP "%s", fx->dir, name);
  assert_true(n > 0 && n < FX_PATH_MAX);
}

/* Overwrites `len` bytes at `offset` of an existing file. */
static inline void fx_write_at(const char *path, long offset, const void *data,
                               size_t len)
{
  FILE *f = fx_fopen(path, "r+b");
  assert_non_null(f);
  assert_int_equal(fseek(f, offset, SEEK_SET), 0);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

/* The whole file, malloc'd, in *data. */
static inline size_t fx_read_all(const char *path, char **data)
{
  FILE *f = fx_fopen(path, "rb");
  assert_non_null(f);
  size_t cap = 1 << 16, len = 0, n;
  *data = malloc(cap);
  assert_non_null(*data);
  while ((n = fread(*data + len, 1, cap - len, f)) > 0) {
    len += n;
    if (len == cap) {
      cap *= 2;
      *data = realloc(*data, cap);
      assert_non_null(*data);
    }
  }
  fclose(f);
  return len;
}

/* Milliseconds on a monotonic clock. */
static inline double fx_now_ms(void)
{
#ifdef _WIN32
  LARGE_INTEGER f, c;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  return (double)c.QuadPart * 1000.0 / (double)f.QuadPart;
#else
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
#endif
}

/* True if `path` can be opened for writing now (the test's own probe of
 * what the store will meet). */
static inline bool fx_writable(const char *path)
{
#ifdef _WIN32
  wchar_t *wp = fx_wide(path);
  HANDLE h = CreateFileW(wp, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                         OPEN_EXISTING, 0, NULL);
  free(wp);
  if (h == INVALID_HANDLE_VALUE)
    return false;
  CloseHandle(h);
  return true;
#else
  int fd = open(path, O_WRONLY);
  if (fd < 0)
    return false;
  close(fd);
  return true;
#endif
}

#ifndef _WIN32
/* Root ignores permission bits; the immutable attribute stops it too. */
static inline bool fx_set_immutable(const char *path, bool on)
{
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return false;
  int flags = 0;
  bool ok = ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (ok) {
    flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
    ok = ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  }
  close(fd);
  return ok;
}
#endif

/* Makes `path` unwritable the way an administrator or another program
 * would: the read-only attribute (Windows) or mode 0444 (Unix), plus, where
 * those do not stop this process (root; Wine running as root), what does:
 * the immutable attribute, or a handle that denies others write access (as
 * a backup program holding the file does). Returns false if this machine
 * offers no way; the caller then skips. Undone by fx_make_writable or the
 * teardown. */
static inline bool fx_make_readonly(struct fixture *fx, const char *path)
{
  snprintf(fx->readonly_path, sizeof fx->readonly_path, "%s", path);
#ifdef _WIN32
  wchar_t *wp = fx_wide(path);
  SetFileAttributesW(wp, FILE_ATTRIBUTE_READONLY);
  if (fx_writable(path))
    fx->deny_write =
        CreateFileW(wp, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
  free(wp);
#else
  chmod(path, 0444);
  if (fx_writable(path))
    fx_set_immutable(path, true);
#endif
  return !fx_writable(path);
}

static inline void fx_make_writable(struct fixture *fx)
{
  if (!fx->readonly_path[0])
    return;
#ifdef _WIN32
  if (fx->deny_write && fx->deny_write != INVALID_HANDLE_VALUE)
    CloseHandle(fx->deny_write);
  fx->deny_write = NULL;
  wchar_t *wp = fx_wide(fx->readonly_path);
  SetFileAttributesW(wp, FILE_ATTRIBUTE_NORMAL);
  free(wp);
#else
  fx_set_immutable(fx->readonly_path, false);
  chmod(fx->readonly_path, 0644);
#endif
  fx->readonly_path[0] = '\0';
}

static inline int fx_setup(void **state)
{
  struct fixture *fx = calloc(1, sizeof *fx);
  if (!fx)
    return -1;
#ifdef _WIN32
  static unsigned counter;
  wchar_t tmp[MAX_PATH];
  char base[FX_PATH_MAX];
  if (!GetTempPathW(MAX_PATH, tmp) ||
      !WideCharToMultiByte(CP_UTF8, 0, tmp, -1, base, sizeof base, NULL, NULL))
    return -1;
  snprintf(fx->dir, sizeof fx->dir, "%ssw-store-%lu-%u", base, GetCurrentProcessId(),
           ++counter);
  wchar_t *wd = fx_wide(fx->dir);
  BOOL ok = CreateDirectoryW(wd, NULL);
  free(wd);
  if (!ok)
    return -1;
#else
  snprintf(fx->dir, sizeof fx->dir, "/tmp/sw-store-XXXXXX");
  if (!mkdtemp(fx->dir))
    return -1;
#endif
  fx_path(fx, "smtpwatch.db", fx->db);
  *state = fx;
  return 0;
}

/* Removes a database with its WAL and shared-memory files. */
static inline void fx_remove_db(const char *db)
{
  static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
  for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
    char p[FX_PATH_MAX + 16];
    snprintf(p, sizeof p, "%s%s", db, suffixes[i]);
    fx_remove(p);
  }
}

/* Tests name their other files fx-*.db (or the UTF-8 one below); all of
 * them go, so the folder can be removed. */
static const char *const fx_other_dbs[] = {
    "other.db",         "fresh.db", "v1.db", "v2.db", "smtpwatch-\xC3\xA9\xE2\x9C\x93.db",
    "not-a-database.db"};

static inline int fx_teardown(void **state)
{
  struct fixture *fx = *state;
  fx_make_writable(fx);
  fx_remove_db(fx->db);
  for (size_t i = 0; i < sizeof fx_other_dbs / sizeof fx_other_dbs[0]; i++) {
    char p[FX_PATH_MAX];
    fx_path(fx, fx_other_dbs[i], p);
    fx_remove_db(p);
  }
#ifdef _WIN32
  wchar_t *wd = fx_wide(fx->dir);
  if (!RemoveDirectoryW(wd))
    fprintf(stderr, "note: could not remove %s\n", fx->dir);
  free(wd);
#else
  if (rmdir(fx->dir) != 0)
    fprintf(stderr, "note: could not remove %s: %s\n", fx->dir, strerror(errno));
#endif
  free(fx);
  return 0;
}

/* Runs a query on a connection of its own and returns the first column of
 * its first row as text (in a static buffer): what any program opening the
 * file sees. */
static inline const char *fx_peek(const char *path, const char *sql)
{
  static char out[256];
  sqlite3 *db;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_stmt *stmt;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
  const unsigned char *t = sqlite3_column_text(stmt, 0);
  snprintf(out, sizeof out, "%s", t ? (const char *)t : "(null)");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

/* ---- records -------------------------------------------------------- */

#define FX_DAY_MS 86400000LL
#define FX_NOW_MS 1767225600000LL /* 2026-01-01T00:00:00Z */

static inline struct sw_store *fx_open(const char *path)
{
  struct sw_store *st = NULL;
  struct sw_store_diag d;
  enum sw_store_error err = sw_store_open(path, NULL, &st, &d);
  if (err)
    fail_msg("opening %s: %s: %s", path, sw_store_error_name(err), d.message);
  assert_non_null(st);
  return st;
}

static inline void fx_expect_ok(struct sw_store *st, enum sw_store_error err)
{
  if (err)
    fail_msg("%s: %s", sw_store_error_name(err), sw_store_last_error(st)->message);
}

/* A valid rule owning its strings. */
static inline void fx_rule(struct sw_rule *r, const char *name, const char *host)
{
  sw_rule_init_defaults(r);
  assert_int_equal(sw_rule_set_string(&r->name, name), SW_E_OK);
  assert_int_equal(sw_rule_set_string(&r->host, host), SW_E_OK);
}

static inline int64_t fx_add_rule(struct sw_store *st, const char *name)
{
  struct sw_rule r;
  fx_rule(&r, name, "mail.example.com");
  int64_t id = 0;
  fx_expect_ok(st, sw_store_rule_add(st, &r, FX_NOW_MS, NULL, &id));
  sw_rule_free(&r);
  assert_true(id > 0);
  return id;
}

/* A result as the engine would produce it: a failure has a reply, an
 * enhanced code, step times up to the failing step and a transcript; an OK
 * one has a transcript too, which the store must not keep. */
static inline void fx_result(struct sw_store_result *r, int64_t rule_id, int64_t started,
                             enum sw_outcome outcome)
{
  sw_store_result_init(r);
  r->rule_id = rule_id;
  r->started_at_ms = started;
  struct sw_check_result *c = &r->check;
  c->outcome = outcome;
  bool ok = outcome == SW_OUTCOME_OK;
  r->status = ok ? SW_NAGIOS_OK : SW_NAGIOS_CRITICAL;
  c->step = ok ? SW_STEP_QUIT : SW_STEP_GREETING;
  c->reply_code = ok ? 221 : 554;
  snprintf(c->enhanced_code, sizeof c->enhanced_code, "%s", ok ? "2.0.0" : "5.7.1");
  snprintf(c->reply, sizeof c->reply, "%s",
           ok ? "221 2.0.0 Bye" : "554-5.7.1 Go away\n554 5.7.1 R\xC3\xA9sum\xC3\xA9");
  snprintf(c->detail, sizeof c->detail, "%s", ok ? "" : "refused at the greeting");
  snprintf(c->peer, sizeof c->peer, "192.0.2.7:25");
  c->used_helo = !ok;
  c->caps = ok ? (SW_CAP(PIPELINING) | SW_CAP(STARTTLS)) : 0;
  c->step_us[SW_STEP_RESOLVE] = 11;
  c->step_us[SW_STEP_CONNECT] = 222;
  c->step_us[SW_STEP_GREETING] = 3333;
  if (ok) {
    c->step_us[SW_STEP_EHLO] = 444;
    c->step_us[SW_STEP_QUIT] = 55;
  }
  c->total_us = started % 100000 + 1;
  assert_int_equal(sw_buf_appends(&c->transcript, "[   0.100 ms] S: 554 5.7.1 Go away\n"),
                   SW_E_OK);
}

/* Adds the TLS facts of a STARTTLS session with a certificate. */
static inline void fx_result_tls(struct sw_store_result *r)
{
  struct sw_tls_info *t = &r->check.tls;
  t->used = true;
  t->verified = true;
  snprintf(t->version, sizeof t->version, "TLS 1.2");
  snprintf(t->cipher, sizeof t->cipher, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  snprintf(t->subject, sizeof t->subject, "CN=mail.example.com, O=Example");
  snprintf(t->issuer, sizeof t->issuer, "CN=Example CA");
  t->sans = malloc(64);
  assert_non_null(t->sans);
  snprintf(t->sans, 64, "mail.example.com\nmx.example.com\n192.0.2.7");
  t->not_after = 1790000000;
  t->days_left = 265;
}

/* The schema version a new or upgraded file must have: the number of
 * migrations in store_schema.c (a new migration changes it). */
#define FX_SCHEMA_VERSION 8
/* Undoes version 7 (the round trip): for tests that go back to an older
 * schema and open it again. */
#define FX_UNDO_SCHEMA_7                                                                 \
  "ALTER TABLE rules DROP COLUMN round_trip;"                                            \
  "ALTER TABLE rules DROP COLUMN mailbox_host;"                                          \
  "ALTER TABLE rules DROP COLUMN mailbox_port;"                                          \
  "ALTER TABLE rules DROP COLUMN mailbox_tls;"                                           \
  "ALTER TABLE rules DROP COLUMN mailbox_user;"                                          \
  "ALTER TABLE rules DROP COLUMN folder;"                                                \
  "ALTER TABLE rules DROP COLUMN probe_to;"                                              \
  "ALTER TABLE rules DROP COLUMN probe_from;"                                            \
  "ALTER TABLE rules DROP COLUMN deliver_within_s;"                                      \
  "ALTER TABLE rules DROP COLUMN delivery_warn_ms;"                                      \
  "ALTER TABLE rules DROP COLUMN delivery_crit_ms;"                                      \
  "ALTER TABLE rules DROP COLUMN mailbox_secret;"                                        \
  "ALTER TABLE results DROP COLUMN rt_protocol;"                                         \
  "ALTER TABLE results DROP COLUMN rt_found;"                                            \
  "ALTER TABLE results DROP COLUMN rt_submit_us;"                                        \
  "ALTER TABLE results DROP COLUMN rt_delivery_us;"                                      \
  "ALTER TABLE results DROP COLUMN rt_total_us;"                                         \
  "ALTER TABLE results DROP COLUMN rt_looks;"                                            \
  "ALTER TABLE results DROP COLUMN rt_hops;"                                             \
  "ALTER TABLE results DROP COLUMN rt_authserv_id;"                                      \
  "ALTER TABLE results DROP COLUMN rt_spf;"                                              \
  "ALTER TABLE results DROP COLUMN rt_dkim;"                                             \
  "ALTER TABLE results DROP COLUMN rt_dmarc;"                                            \
  "ALTER TABLE results DROP COLUMN rt_mailbox_peer;"                                     \
  "ALTER TABLE results DROP COLUMN rt_mailbox_detail;"                                   \
  "ALTER TABLE results DROP COLUMN rt_probe_deleted;"                                    \
  "ALTER TABLE results DROP COLUMN rt_stale_deleted;"                                    \
  "ALTER TABLE results DROP COLUMN rt_probe;"                                            \
  "ALTER TABLE results DROP COLUMN rt_skipped_runs;"
/* Undoes version 8 (mail domain checks), likewise. */
#define FX_UNDO_SCHEMA_8                                                                 \
  "ALTER TABLE results DROP COLUMN domain_report;"                                       \
  "ALTER TABLE rules DROP COLUMN domain;"                                                \
  "ALTER TABLE rules DROP COLUMN min_ok;"                                                \
  "ALTER TABLE rules DROP COLUMN mta_sts;"                                               \
  "ALTER TABLE rules DROP COLUMN dane;"                                                  \
  "ALTER TABLE rules DROP COLUMN dns_server;"

/* sw_store_write with results only. */
static inline enum sw_store_error fx_write_results(struct sw_store *st,
                                                   const struct sw_store_result *items,
                                                   size_t n,
                                                   struct sw_store_write_counts *counts)
{
  const struct sw_store_batch b = {.results = items, .result_count = n};
  return sw_store_write(st, &b, counts);
}

/* Asserts that the retention in force is `days`, as retention shows it: of
 * two results of a new rule, the one exactly `days` old stays and the one
 * a millisecond older goes. The rule is deleted again; other rows older
 * than the retention go too, as on any retention step. */
static inline void fx_expect_retention_days(struct sw_store *st, int days)
{
  int64_t id = fx_add_rule(st, "retention probe");
  int64_t limit = FX_NOW_MS - days * FX_DAY_MS;
  struct sw_store_result r[2];
  fx_result(&r[0], id, limit, SW_OUTCOME_OK);
  fx_result(&r[1], id, limit - 1, SW_OUTCOME_OK);
  fx_expect_ok(st, fx_write_results(st, r, 2, NULL));
  sw_store_result_free(&r[0]);
  sw_store_result_free(&r[1]);
  bool more = true;
  while (more)
    fx_expect_ok(st, sw_store_retention_step(st, FX_NOW_MS, 1000, NULL, &more));
  struct sw_store_result_list h;
  fx_expect_ok(st, sw_store_history_brief(st, id, NULL, 10, &h));
  assert_int_equal(h.count, 1);
  assert_int_equal(h.items[0].started_at_ms, limit);
  sw_store_result_list_free(&h);
  fx_expect_ok(st, sw_store_rule_delete(st, id));
}

#endif
