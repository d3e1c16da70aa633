/* The records the service reports on the control pipe: a check result, a
 * rule's status, an event and the service's own figures
 * (docs/pipe-protocol.md). Encoders borrow; decoders allocate, and each
 * decoded record is freed with its _free function. Decoders skip unknown
 * tags and nested records, and fail only on malformed data or a known tag
 * of the wrong type. */
#ifndef SW_PIPE_RECORDS_H
#define SW_PIPE_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "check_result.h"
#include "nagios_report.h"
#include "pipe_tlv.h"
#include "sw_buf.h"

struct sw_pipe_result {
  int64_t id;      /* store id; 0 for a result not stored (test now) */
  int64_t rule_id; /* 0 for an unsaved rule */
  int64_t started_at_ms;
  enum sw_nagios_status status;
  struct sw_check_result check;
  char message[SW_DETAIL_MAX + SW_REPLY_TEXT_MAX]; /* the one-line description */
};

/* Appends a RESULT record; the transcript only if `with_transcript`. */
void sw_pipe_put_result(struct sw_buf *out, const struct sw_pipe_result *r,
                        bool with_transcript);
/* Reads the RESULT record whose BEGIN was just read. `out` is initialised
 * first; free it with sw_pipe_result_free even on error. */
enum sw_error sw_pipe_get_result(struct sw_tlv_reader *rd, struct sw_pipe_result *out);
void sw_pipe_result_init(struct sw_pipe_result *r);
void sw_pipe_result_free(struct sw_pipe_result *r);

/* X(ENUM, name): why a rule's alerts are held, if they are (protocol
 * version 2). An acknowledgement is told by its own fields. */
#define SW_PIPE_HOLD_MAP(X)                                                              \
  X(SW_PIPE_HOLD_NONE, "none")                                                           \
  X(SW_PIPE_HOLD_MAINTENANCE, "maintenance") /* a maintenance window */                  \
  X(SW_PIPE_HOLD_UNREACHABLE, "unreachable") /* the rule it depends on is not OK */

enum sw_pipe_hold { SW_PIPE_HOLD_MAP(SW_X_1) SW_PIPE_HOLD_COUNT };

/* "none", "maintenance", "unreachable"; "none" out of range. */
const char *sw_pipe_hold_name(enum sw_pipe_hold h);

/* One rule as the status list shows it. */
struct sw_pipe_status {
  int64_t rule_id;
  char *name, *host; /* owned when decoded, borrowed when encoded */
  uint16_t port;
  bool enabled;
  bool has_state;
  enum sw_nagios_status state;
  uint32_t failures;
  int64_t since_ms, last_result_at_ms;
  bool has_result;
  struct sw_pipe_result last; /* the latest result, if has_result */
  /* Protocol version 2; an older service sends none of them, and an older
   * client skips them. Strings owned when decoded, borrowed when encoded. */
  int64_t ack_at_ms;      /* acknowledged at (Unix ms UTC); 0: not acknowledged */
  char *ack_by;           /* who acknowledged it ("HOST\\user") */
  char *ack_comment;      /* may be NULL */
  enum sw_pipe_hold held; /* SW_PIPE_HOLD_NONE; a newer reason reads as NONE */
  int64_t held_parent_id; /* unreachable: the rule it depends on */
  char *held_parent_name; /* unreachable: that rule's name */
  int64_t held_until_ms;  /* maintenance: when the window ends; 0 if unknown */
  /* Protocol version 3: how the server differs from its accepted
   * fingerprint, one sentence a line; NULL (left out) when it does not. */
  char *drift;
};

void sw_pipe_put_status(struct sw_buf *out, const struct sw_pipe_status *s);
enum sw_error sw_pipe_get_status(struct sw_tlv_reader *rd, struct sw_pipe_status *out);
void sw_pipe_status_init(struct sw_pipe_status *s);
void sw_pipe_status_free(struct sw_pipe_status *s);

struct sw_pipe_event {
  int64_t key; /* store id: the paging cursor */
  int64_t at_ms;
  uint32_t event_id; /* Event Log id (docs/events.md) */
  char severity[16]; /* "info", "warning", "error" */
  int64_t rule_id;   /* 0 if none */
  char *message;     /* owned when decoded, borrowed when encoded */
};

void sw_pipe_put_event(struct sw_buf *out, const struct sw_pipe_event *e);
enum sw_error sw_pipe_get_event(struct sw_tlv_reader *rd, struct sw_pipe_event *out);
void sw_pipe_event_free(struct sw_pipe_event *e);

struct sw_pipe_service_info {
  char version[32];
  int64_t uptime_s;
  int64_t rules, rules_enabled;
  int64_t checks_per_min; /* over the last minute */
  int64_t checks_in_flight, checks_total;
  int64_t results_buffered; /* not yet written to the database */
  int64_t pipe_clients;
  char data_dir[512];
  /* Version 4: STATUS requests answered since the start (a subscribed
   * editor sends none after its first read), and subscribed clients. */
  int64_t status_requests;
  int64_t subscribers;
};

/* Service info travels as top-level fields of SERVICE_INFO_OK. */
void sw_pipe_put_service_info(struct sw_buf *out, const struct sw_pipe_service_info *i);
enum sw_error sw_pipe_get_service_info(const uint8_t *body, size_t len,
                                       struct sw_pipe_service_info *out);

#endif
