/* What the smtpwatch management commands print, as tables (table_output):
 * rules, the status of every rule, a rule's history, events, the service's
 * figures, and a refused rule's problems. People get short columns and
 * local time; scripts (--json, --csv) get every field, booleans and numbers
 * as such, and times in UTC (ISO 8601). Portable: the command line passes
 * the function that knows the local time zone. */
#ifndef SW_MANAGE_VIEW_H
#define SW_MANAGE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipe_protocol.h"
#include "pipe_records.h"
#include "pipe_trust_rule.h"
#include "rule.h"
#include "sw_buf.h"
#include "table_output.h"

struct sw_manage_view {
  enum sw_table_format format;
  /* Writes a Unix time in ms as local time, "2025-06-01 14:03:22"
   * (NUL-terminated). NULL: times are shown in UTC, marked as such. */
  void (*local_time)(int64_t unix_ms, char *out, size_t size);
};

/* A time as this view shows it: local text for people, ISO 8601 UTC
 * ("2025-06-01T12:03:22Z") for scripts; "" for 0 (never). */
void sw_manage_time(const struct sw_manage_view *v, int64_t unix_ms, char *out,
                    size_t size);

/* "mail.example.com:25", "[2001:db8::1]:25". */
void sw_manage_server_text(const char *host, uint16_t port, char *out, size_t size);

/* The tables, filled from the body of the service's reply. Each function
 * initialises `t` (free it with sw_table_free, also on error) and returns
 * SW_E_INVALID_ARGUMENT if the body is malformed, SW_E_NOMEM. Records and
 * fields this program does not know are skipped. */

/* Where a page of a list ended, for the next one. */
struct sw_manage_page {
  bool more;        /* the service has more (MORE) */
  int64_t last_at;  /* history: the last row's started_at_ms */
  int64_t last_key; /* rules, status: the last rule id (the next request's
                       AFTER); history: the last result id; events: the
                       last event key (the next request's BEFORE) */
};

/* RULE_LIST_OK or RULE_OK, appended to *t: a table that is all zero (not
 * started) gets its columns first, so the pages of a long list (the
 * service pages it by rule id, AFTER) go into one table. `brief` (for
 * `rules list` as text): id, name, server, TLS, interval, enabled,
 * command; otherwise every field (`rules show`, and `rules list` for
 * scripts) with the protocol's field names as keys. `page` (may be NULL)
 * says whether the service has more. */
enum sw_error sw_manage_rules_table(const uint8_t *body, size_t len,
                                    const struct sw_manage_view *v, bool brief,
                                    struct sw_table *t, struct sw_manage_page *page);

/* STATUS_OK, appended like the rules: one row per rule; the state is
 * "pending" before the first check and "disabled" for a rule that is not
 * checked. */
enum sw_error sw_manage_status_table(const uint8_t *body, size_t len,
                                     const struct sw_manage_view *v, struct sw_table *t,
                                     struct sw_manage_page *page);

/* HISTORY_OK: one row per result, newest first; scripts also get each
 * row's paging cursor. */
enum sw_error sw_manage_history_table(const uint8_t *body, size_t len,
                                      const struct sw_manage_view *v, struct sw_table *t,
                                      struct sw_manage_page *page);
/* EVENTS_OK. */
enum sw_error sw_manage_events_table(const uint8_t *body, size_t len,
                                     const struct sw_manage_view *v, struct sw_table *t,
                                     struct sw_manage_page *page);
/* What smtpwatch found out itself about the pipe and the process serving
 * it, shown with the service's figures (strings borrowed). */
struct sw_manage_server {
  const char *pipe_security; /* the live pipe's SDDL, or why it is unknown */
  const struct sw_pipe_trust_facts *facts;
  enum sw_pipe_trust trust;
};

/* SERVICE_INFO_OK: one row, shown as a record; `server` (may be NULL) adds
 * "Pipe security", "Server process" (image, process id, account) and
 * "Server verified as" (for scripts: pipe_security, server_pid,
 * server_image, server_account, server_trust). */
enum sw_error sw_manage_service_table(const uint8_t *body, size_t len,
                                      const struct sw_manage_view *v,
                                      const struct sw_manage_server *server,
                                      struct sw_table *t);

/* Calls `fn` right after the BEGIN of each top-level record tagged `tag`
 * of a reply body; `fn` reads the record up to its END (a decoder such as
 * sw_pipe_get_notifier). Other records and fields are skipped. The first
 * error of `fn` or of the body is returned. */
typedef enum sw_error (*sw_manage_record_fn)(void *ctx, struct sw_tlv_reader *r);
enum sw_error sw_manage_each_record(const uint8_t *body, size_t len, uint16_t tag,
                                    sw_manage_record_fn fn, void *ctx);

/* The first RULE record of a body (RULE_OK) into `out` (free out->rule with
 * sw_rule_free); SW_E_INVALID_ARGUMENT if there is none. */
enum sw_error sw_manage_body_rule(const uint8_t *body, size_t len,
                                  struct sw_pipe_rule *out);
/* The first RESULT record of a body (RULE_TEST_OK); `out` is initialised
 * first: free it with sw_pipe_result_free whatever this returns. */
enum sw_error sw_manage_body_result(const uint8_t *body, size_t len,
                                    struct sw_pipe_result *out);
/* The PROBLEM records of a body (RULE_INVALID). */
enum sw_error sw_manage_body_problems(const uint8_t *body, size_t len,
                                      struct sw_rule_problems *out);

/* A refused rule's problems, one line each ending in '\n':
 * "port: Port must be between 1 and 65535." If the service named no field
 * this program knows, one sentence says so. */
void sw_manage_problems_text(const struct sw_rule_problems *p, struct sw_buf *out);

/* The command to get the next page, for a "more" hint:
 * "smtpwatch history 7 --limit 20 --before 1714567890123:4567" or
 * "smtpwatch events --limit 20 --before 812". `rule_id` 0 means events. */
void sw_manage_next_page(int64_t rule_id, uint32_t limit, int64_t before_at,
                         int64_t before, char *out, size_t size);

/* The exit code for an ERROR reply's code (sw_manage_exit): the service's
 * refusals are 1; a request it did not understand, or no common protocol
 * version, means the two programs cannot talk: 2. */
int sw_manage_exit_for_error(const char *code);

/* "2 d 3 h", "4 min 5 s": an uptime for people. */
void sw_manage_duration_text(int64_t seconds, char *out, size_t size);

#endif
