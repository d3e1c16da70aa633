/* SMTP Watch's metrics in the Prometheus text format (prom_text.h): a
 * snapshot of the service's figures, taken on the loop thread, rendered
 * anywhere (a worker thread: rendering 100,000 rules must not hold up the
 * checks). docs/metrics.md lists every family, its labels and its
 * cardinality; tests/unit/test_metrics_text.c and the Grafana dashboard's
 * test hold them to it. Portable; a snapshot is not shared while it is
 * filled. */
#ifndef SW_METRICS_TEXT_H
#define SW_METRICS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_result.h"
#include "nagios_report.h"
#include "prom_text.h"
#include "sw_buf.h"
#include "sw_error.h"

/* Upper bounds of the schedule-lateness histogram, in microseconds: from
 * 1 ms (a loop keeping up) to a minute (one that is not). */
#define SW_METRICS_LATENESS_BOUNDS 14
extern const int64_t sw_metrics_lateness_bounds_us[SW_METRICS_LATENESS_BOUNDS];

/* How late checks started (their due time to their start): fixed buckets,
 * so the memory does not grow with the run. */
struct sw_metrics_lateness {
  uint64_t counts[SW_METRICS_LATENESS_BOUNDS + 1]; /* the last: above a minute */
  int64_t sum_us;
};
/* Counts a check that started `us` after its due time (< 0 counts as 0). */
void sw_metrics_lateness_observe(struct sw_metrics_lateness *l, int64_t us);

/* One checked rule (valid and enabled). */
struct sw_metrics_rule {
  int64_t id;
  size_t name_at, host_at; /* offsets of NUL-terminated strings in `strings` */
  uint16_t port;
  enum sw_nagios_status state; /* after the failure threshold (rule_state.h) */
  /* The latest check; none of these is written before the first result
   * (last_check_us == 0). */
  int64_t last_check_us;          /* wall clock, Unix microseconds */
  bool up;                        /* sw_outcome_answered(its outcome) */
  int32_t step_us[SW_STEP_COUNT]; /* -1: the step was not reached */
  /* The server certificate's NotAfter, Unix seconds, as the latest check
   * that saw one found it; 0: never seen (no TLS). */
  int64_t cert_not_after;
};

struct sw_metrics_snapshot {
  struct sw_metrics_rule *rules;
  size_t nrules, cap;
  struct sw_buf strings;
  size_t rules_configured;             /* also disabled and invalid ones */
  int64_t start_time_us;               /* wall clock at the service's start */
  uint64_t checks[SW_OUTCOME_COUNT];   /* results filed, since the start */
  uint64_t results_dropped;            /* lost to a full buffer, since the start */
  struct sw_metrics_lateness lateness; /* since the start */
  bool db_up;                          /* the database is open and writes work */
  int64_t db_size_bytes;               /* its files on disk; < 0: unknown */
  uint64_t db_write_failures;          /* failed store operations, since the start */
  int64_t outbox_pending;              /* notifications still to send; < 0: unknown */
  uint32_t pipe_clients;               /* control-pipe connections now */
};

/* An empty snapshot. */
void sw_metrics_snapshot_init(struct sw_metrics_snapshot *s);
void sw_metrics_snapshot_free(struct sw_metrics_snapshot *s);
/* Adds a rule (its name and host copied) and returns its row, zeroed but
 * for the arguments (steps -1), for the caller to fill; NULL when out of
 * memory. The row is valid until the next add. */
struct sw_metrics_rule *sw_metrics_snapshot_add(struct sw_metrics_snapshot *s, int64_t id,
                                                const char *name, const char *host,
                                                uint16_t port);

/* Appends the whole exposition to `out`. SW_E_NOMEM (also when the
 * buffer's limit cut it) leaves `out` partly written: do not publish it. */
enum sw_error sw_metrics_render(const struct sw_metrics_snapshot *s, struct sw_buf *out);

/* X(ENUM, name, type, help): every family sw_metrics_render writes, in its
 * order (the docs and the dashboard's test read this list). */
#define SW_METRICS_FAMILY_MAP(X)                                                         \
  X(SW_METRIC_RULE_UP, "smtpwatch_rule_up", SW_PROM_GAUGE,                               \
    "1 when the rule's latest check was answered as expected (OK, or a warning about "   \
    "the certificate, the banner or the capabilities), 0 when it failed.")               \
  X(SW_METRIC_RULE_STATE, "smtpwatch_rule_state", SW_PROM_GAUGE,                         \
    "The rule's state after its failure threshold, as Nagios numbers it: 0 OK, "         \
    "1 WARNING, 2 CRITICAL, 3 UNKNOWN.")                                                 \
  X(SW_METRIC_RULE_LAST_CHECK, "smtpwatch_rule_last_check_timestamp_seconds",            \
    SW_PROM_GAUGE, "When the rule's latest check ended, Unix time.")                     \
  X(SW_METRIC_RULE_STEP_DURATION, "smtpwatch_rule_step_duration_seconds", SW_PROM_GAUGE, \
    "Time the rule's latest check spent in each step it reached.")                       \
  X(SW_METRIC_RULE_CERT_EXPIRY, "smtpwatch_rule_certificate_expiry_timestamp_seconds",   \
    SW_PROM_GAUGE,                                                                       \
    "When the server's certificate expires (its NotAfter), Unix time, as the latest "    \
    "check with TLS saw it.")                                                            \
  X(SW_METRIC_CHECKS, "smtpwatch_checks_total", SW_PROM_COUNTER,                         \
    "Check results filed since the service started, by outcome.")                        \
  X(SW_METRIC_LATENESS, "smtpwatch_schedule_lateness_seconds", SW_PROM_HISTOGRAM,        \
    "How long after its due time each check started.")                                   \
  X(SW_METRIC_RULES, "smtpwatch_rules", SW_PROM_GAUGE,                                   \
    "Rules in the database (checked: valid and enabled).")                               \
  X(SW_METRIC_RESULTS_DROPPED, "smtpwatch_results_dropped_total", SW_PROM_COUNTER,       \
    "Results lost because the database could not take them in time.")                    \
  X(SW_METRIC_DB_UP, "smtpwatch_database_up", SW_PROM_GAUGE,                             \
    "1 when the database is open and its writes succeed, 0 during an outage.")           \
  X(SW_METRIC_DB_SIZE, "smtpwatch_database_size_bytes", SW_PROM_GAUGE,                   \
    "The database's files on disk (the database and its write-ahead log).")              \
  X(SW_METRIC_DB_WRITE_FAILURES, "smtpwatch_database_write_failures_total",              \
    SW_PROM_COUNTER, "Database operations that failed since the service started.")       \
  X(SW_METRIC_OUTBOX, "smtpwatch_outbox_notifications", SW_PROM_GAUGE,                   \
    "Notifications waiting in the outbox to be sent.")                                   \
  X(SW_METRIC_PIPE_CLIENTS, "smtpwatch_pipe_clients", SW_PROM_GAUGE,                     \
    "Clients connected to the control pipe (editors, smtpwatch commands).")              \
  X(SW_METRIC_START_TIME, "smtpwatch_start_time_seconds", SW_PROM_GAUGE,                 \
    "When the service started, Unix time.")

enum sw_metric { SW_METRICS_FAMILY_MAP(SW_X_1) SW_METRIC_COUNT };
/* The family's metric name ("smtpwatch_rule_up"). */
const char *sw_metric_name(enum sw_metric m);

#endif
