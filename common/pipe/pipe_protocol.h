/* The control pipe protocol's vocabulary (docs/pipe-protocol.md): message
 * numbers, field tags, error codes, and the encoders/decoders of the shared
 * records (a rule, validation problems, an error). Numbers are explicit and
 * never reused: a retired message or tag keeps its number, commented out. */
#ifndef SW_PIPE_PROTOCOL_H
#define SW_PIPE_PROTOCOL_H

#include <stdbool.h>
#include <stdint.h>

#include "pipe_frame.h"
#include "pipe_tlv.h"
#include "rule.h"
#include "sw_buf.h"

#define SW_PIPE_NAME_W L"\\\\.\\pipe\\SmtpWatch"
#define SW_PIPE_NAME_TEXT "\\\\.\\pipe\\SmtpWatch" /* UTF-8, for messages */
#define SW_PIPE_PROTOCOL_VERSION 1

/* X(ENUM, number): requests are even, their replies odd where they pair. */
#define SW_PIPE_MSG_MAP(X)                                                               \
  X(HELLO, 1)             /* client: protocol versions it speaks, its name */            \
  X(HELLO_OK, 2)          /* server: chosen version, service version */                  \
  X(ERROR, 3)             /* server: error code and sentence (any request) */            \
  X(SERVICE_INFO, 10)     /* client */                                                   \
  X(SERVICE_INFO_OK, 11)  /* server: version, uptime, rules, checks/s */                 \
  X(RULE_LIST, 20)        /* client */                                                   \
  X(RULE_LIST_OK, 21)     /* server: RULE records */                                     \
  X(RULE_GET, 22)         /* client: RULE_ID */                                          \
  X(RULE_OK, 23)          /* server: one RULE record (after get/add/update/enable) */    \
  X(RULE_ADD, 24)         /* client: RULE record without id */                           \
  X(RULE_UPDATE, 25)      /* client: RULE record with id and revision */                 \
  X(RULE_DELETE, 26)      /* client: RULE_ID */                                          \
  X(RULE_SET_ENABLED, 27) /* client: RULE_ID, ENABLED */                                 \
  X(RULE_INVALID, 28)     /* server: PROBLEM records; nothing was changed */             \
  X(DONE_OK, 29)          /* server: the request was carried out (delete) */             \
  X(RULE_TEST, 30)        /* client: RULE_ID, or a RULE record not saved */              \
  X(RULE_TEST_OK, 31)     /* server: RESULT record with transcript */                    \
  X(STATUS, 40)           /* client */                                                   \
  X(STATUS_OK, 41)        /* server: STATUS records, one per rule */                     \
  X(HISTORY, 50)          /* client: RULE_ID, BEFORE (cursor), LIMIT */                  \
  X(HISTORY_OK, 51)       /* server: RESULT records, newest first; MORE */               \
  X(EVENTS, 60)           /* client: BEFORE, LIMIT */                                    \
  X(EVENTS_OK, 61)        /* server: EVENT records, newest first; MORE */

enum sw_pipe_msg {
#define SW_PIPE_MSG_ENUM(e, n) SW_PIPE_MSG_##e = n,
  SW_PIPE_MSG_MAP(SW_PIPE_MSG_ENUM)
#undef SW_PIPE_MSG_ENUM
};

/* X(ENUM, tag). Records (BEGIN ... END) are marked. */
#define SW_PIPE_TAG_MAP(X)                                                               \
  X(VERSION_MIN, 1)                                                                      \
  X(VERSION_MAX, 2)                                                                      \
  X(VERSION, 3)                                                                          \
  X(CLIENT_NAME, 4)                                                                      \
  X(SERVER_VERSION, 5)                                                                   \
  X(ERROR_CODE, 6)                                                                       \
  X(ERROR_MESSAGE, 7)                                                                    \
  X(RULE, 20) /* record */                                                               \
  X(RULE_ID, 21)                                                                         \
  X(RULE_REVISION, 22)                                                                   \
  X(RULE_NAME, 23)                                                                       \
  X(RULE_HOST, 24)                                                                       \
  X(RULE_PORT, 25)                                                                       \
  X(RULE_COMMAND, 26)                                                                    \
  X(RULE_EXPECT, 27)                                                                     \
  X(RULE_TIMEOUT_MS, 28)                                                                 \
  X(RULE_EHLO_NAME, 29)                                                                  \
  X(RULE_INTERVAL_S, 30)                                                                 \
  X(RULE_ENABLED, 31)                                                                    \
  X(RULE_TLS_MODE, 32)                                                                   \
  X(RULE_TLS_INSECURE, 33)                                                               \
  X(RULE_CERT_WARN_DAYS, 34)                                                             \
  X(RULE_CERT_CRIT_DAYS, 35)                                                             \
  X(PROBLEM, 40) /* record */                                                            \
  X(PROBLEM_FIELD, 41)                                                                   \
  X(PROBLEM_MESSAGE, 42)                                                                 \
  X(ENABLED, 43)                                                                         \
  X(BEFORE, 44)                                                                          \
  X(LIMIT, 45)                                                                           \
  X(MORE, 46)                                                                            \
  X(BEFORE_AT, 47)                                                                       \
  X(AFTER, 48)                                                                           \
  X(RESULT, 50) /* record */                                                             \
  X(RESULT_ID, 51)                                                                       \
  X(STARTED_AT, 52)                                                                      \
  X(STATUS_NAME, 53)                                                                     \
  X(OUTCOME, 54)                                                                         \
  X(STEP, 55)                                                                            \
  X(REPLY_CODE, 56)                                                                      \
  X(ENHANCED_CODE, 57)                                                                   \
  X(REPLY, 58)                                                                           \
  X(DETAIL, 59)                                                                          \
  X(PEER, 60)                                                                            \
  X(USED_HELO, 61)                                                                       \
  X(CAPS, 62)                                                                            \
  X(TOTAL_US, 63)                                                                        \
  X(STEP_TIMES, 64)                                                                      \
  X(TRANSCRIPT, 65)                                                                      \
  X(MESSAGE, 66)                                                                         \
  X(TLS_USED, 67)                                                                        \
  X(TLS_VERSION, 68)                                                                     \
  X(TLS_CIPHER, 69)                                                                      \
  X(CERT_SUBJECT, 70)                                                                    \
  X(CERT_ISSUER, 71)                                                                     \
  X(CERT_SANS, 72)                                                                       \
  X(CERT_NOT_AFTER, 73)                                                                  \
  X(CERT_DAYS_LEFT, 74)                                                                  \
  X(STATUS, 80) /* record */                                                             \
  X(STATE, 81)                                                                           \
  X(FAILURES, 82)                                                                        \
  X(SINCE, 83)                                                                           \
  X(LAST_RESULT_AT, 84)                                                                  \
  X(LAST_OUTCOME, 85)                                                                    \
  X(EVENT, 90) /* record */                                                              \
  X(EVENT_KEY, 91)                                                                       \
  X(EVENT_AT, 92)                                                                        \
  X(EVENT_ID, 93)                                                                        \
  X(SEVERITY, 94)                                                                        \
  X(EVENT_MESSAGE, 95)                                                                   \
  X(UPTIME_S, 100)                                                                       \
  X(RULE_COUNT, 101)                                                                     \
  X(RULES_ENABLED, 102)                                                                  \
  X(CHECKS_PER_MIN, 103)                                                                 \
  X(CHECKS_IN_FLIGHT, 104)                                                               \
  X(CHECKS_TOTAL, 105)                                                                   \
  X(PIPE_CLIENTS, 106)                                                                   \
  X(DATA_DIR, 107)                                                                       \
  X(RESULTS_BUFFERED, 108)

enum sw_pipe_tag {
#define SW_PIPE_TAG_ENUM(e, n) SW_PIPE_TAG_##e = n,
  SW_PIPE_TAG_MAP(SW_PIPE_TAG_ENUM)
#undef SW_PIPE_TAG_ENUM
};

/* X(ENUM, code, sentence): errors a server answers with (MSG_ERROR). */
#define SW_PIPE_ERROR_MAP(X)                                                             \
  X(BAD_REQUEST, "bad_request", "The request was malformed.")                            \
  X(UNKNOWN_MESSAGE, "unknown_message", "The service does not know this request.")       \
  X(VERSION, "version",                                                                  \
    "The client and the service have no protocol version in common: update both.")       \
  X(NOT_FOUND, "not_found", "There is no rule with that id.")                            \
  X(STALE, "stale",                                                                      \
    "The rule was changed by someone else since you opened it: reload it and apply "     \
    "your change again.")                                                                \
  X(ACCESS_DENIED, "access_denied",                                                      \
    "Only administrators may change rules: run this as an administrator.")               \
  X(BUSY, "busy", "The service is busy: try again in a moment.")                         \
  X(INTERNAL, "internal",                                                                \
    "The service failed to carry out the request; see its event log.")

#define SW_PIPE_ERROR_ENUM(e, code, text) SW_PIPE_ERR_##e,
enum sw_pipe_error { SW_PIPE_ERROR_MAP(SW_PIPE_ERROR_ENUM) SW_PIPE_ERR_COUNT };
#undef SW_PIPE_ERROR_ENUM

/* "RULE_ADD" and friends; NULL for a number we do not know. */
const char *sw_pipe_msg_name(uint16_t message);
/* "stale" and friends, and the sentence; "internal" for out of range. */
const char *sw_pipe_error_code(enum sw_pipe_error e);
const char *sw_pipe_error_text(enum sw_pipe_error e);
bool sw_pipe_error_from_code(const char *code, size_t len, enum sw_pipe_error *out);

/* A rule with its store revision, as it travels on the pipe. */
struct sw_pipe_rule {
  struct sw_rule rule;
  int64_t revision; /* 0 for a rule not stored yet */
};

/* Appends a RULE record. */
void sw_pipe_put_rule(struct sw_buf *out, const struct sw_rule *rule, int64_t revision);
/* Reads the RULE record whose BEGIN was just read by `r` into `out`, which
 * is initialised with the rule defaults first: a field the client left out
 * keeps its default. Unknown tags are skipped. Returns SW_E_INVALID_ARGUMENT
 * for malformed data or a field of the wrong type, SW_E_NOMEM. On error
 * `out` is freed. */
enum sw_error sw_pipe_get_rule(struct sw_tlv_reader *r, struct sw_pipe_rule *out);

/* Appends one PROBLEM record per validation problem. */
void sw_pipe_put_problems(struct sw_buf *out, const struct sw_rule_problems *p);
/* Reads the PROBLEM record whose BEGIN was just read into the next slot of
 * `p` (ignored if p is full or the field unknown). */
enum sw_error sw_pipe_get_problem(struct sw_tlv_reader *r, struct sw_rule_problems *p);

/* Encodes a whole ERROR frame for `request_id`; `detail` (may be NULL)
 * replaces the standard sentence when the server has a better one. */
enum sw_error sw_pipe_encode_error(struct sw_buf *out, uint32_t request_id,
                                   enum sw_pipe_error e, const char *detail);

#endif
