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
#include "sw_macros.h"

#define SW_PIPE_NAME_W L"\\\\.\\pipe\\SmtpWatch"
#define SW_PIPE_NAME_TEXT "\\\\.\\pipe\\SmtpWatch" /* UTF-8, for messages */
#define SW_PIPE_PROTOCOL_VERSION 1

/* X(ENUM, number): requests are even, their replies odd where they pair. */
#define SW_PIPE_MSG_MAP(X)                                                               \
  X(SW_PIPE_MSG_HELLO, 1)            /* client: protocol versions it speaks, its name */ \
  X(SW_PIPE_MSG_HELLO_OK, 2)         /* server: chosen version, service version */       \
  X(SW_PIPE_MSG_ERROR, 3)            /* server: error code and sentence (any request) */ \
  X(SW_PIPE_MSG_SERVICE_INFO, 10)    /* client */                                        \
  X(SW_PIPE_MSG_SERVICE_INFO_OK, 11) /* server: version, uptime, rules, checks/s */      \
  X(SW_PIPE_MSG_RULE_LIST, 20)       /* client */                                        \
  X(SW_PIPE_MSG_RULE_LIST_OK, 21)    /* server: RULE records */                          \
  X(SW_PIPE_MSG_RULE_GET, 22)        /* client: RULE_ID */                               \
  X(SW_PIPE_MSG_RULE_OK, 23) /* server: one RULE record (after get/add/update/enable) */ \
  X(SW_PIPE_MSG_RULE_ADD, 24)         /* client: RULE record without id */               \
  X(SW_PIPE_MSG_RULE_UPDATE, 25)      /* client: RULE record with id and revision */     \
  X(SW_PIPE_MSG_RULE_DELETE, 26)      /* client: RULE_ID */                              \
  X(SW_PIPE_MSG_RULE_SET_ENABLED, 27) /* client: RULE_ID, ENABLED */                     \
  X(SW_PIPE_MSG_RULE_INVALID, 28)     /* server: PROBLEM records; nothing was changed */ \
  X(SW_PIPE_MSG_DONE_OK, 29)          /* server: the request was carried out (delete) */ \
  X(SW_PIPE_MSG_RULE_TEST, 30)        /* client: RULE_ID, or a RULE record not saved */  \
  X(SW_PIPE_MSG_RULE_TEST_OK, 31)     /* server: RESULT record with transcript */        \
  X(SW_PIPE_MSG_STATUS, 40)           /* client */                                       \
  X(SW_PIPE_MSG_STATUS_OK, 41)        /* server: STATUS records, one per rule */         \
  X(SW_PIPE_MSG_HISTORY, 50)          /* client: RULE_ID, BEFORE (cursor), LIMIT */      \
  X(SW_PIPE_MSG_HISTORY_OK, 51)       /* server: RESULT records, newest first; MORE */   \
  X(SW_PIPE_MSG_EVENTS, 60)           /* client: BEFORE, LIMIT */                        \
  X(SW_PIPE_MSG_EVENTS_OK, 61)        /* server: EVENT records, newest first; MORE */

enum sw_pipe_msg { SW_PIPE_MSG_MAP(SW_X_ENUM_VALUE) };

/* X(ENUM, tag). Records (BEGIN ... END) are marked. */
#define SW_PIPE_TAG_MAP(X)                                                               \
  X(SW_PIPE_TAG_VERSION_MIN, 1)                                                          \
  X(SW_PIPE_TAG_VERSION_MAX, 2)                                                          \
  X(SW_PIPE_TAG_VERSION, 3)                                                              \
  X(SW_PIPE_TAG_CLIENT_NAME, 4)                                                          \
  X(SW_PIPE_TAG_SERVER_VERSION, 5)                                                       \
  X(SW_PIPE_TAG_ERROR_CODE, 6)                                                           \
  X(SW_PIPE_TAG_ERROR_MESSAGE, 7)                                                        \
  X(SW_PIPE_TAG_RULE, 20) /* record */                                                   \
  X(SW_PIPE_TAG_RULE_ID, 21)                                                             \
  X(SW_PIPE_TAG_RULE_REVISION, 22)                                                       \
  X(SW_PIPE_TAG_RULE_NAME, 23)                                                           \
  X(SW_PIPE_TAG_RULE_HOST, 24)                                                           \
  X(SW_PIPE_TAG_RULE_PORT, 25)                                                           \
  X(SW_PIPE_TAG_RULE_COMMAND, 26)                                                        \
  X(SW_PIPE_TAG_RULE_EXPECT, 27)                                                         \
  X(SW_PIPE_TAG_RULE_TIMEOUT_MS, 28)                                                     \
  X(SW_PIPE_TAG_RULE_EHLO_NAME, 29)                                                      \
  X(SW_PIPE_TAG_RULE_INTERVAL_S, 30)                                                     \
  X(SW_PIPE_TAG_RULE_ENABLED, 31)                                                        \
  X(SW_PIPE_TAG_RULE_TLS_MODE, 32)                                                       \
  X(SW_PIPE_TAG_RULE_TLS_INSECURE, 33)                                                   \
  X(SW_PIPE_TAG_RULE_CERT_WARN_DAYS, 34)                                                 \
  X(SW_PIPE_TAG_RULE_CERT_CRIT_DAYS, 35)                                                 \
  X(SW_PIPE_TAG_PROBLEM, 40) /* record */                                                \
  X(SW_PIPE_TAG_PROBLEM_FIELD, 41)                                                       \
  X(SW_PIPE_TAG_PROBLEM_MESSAGE, 42)                                                     \
  X(SW_PIPE_TAG_ENABLED, 43)                                                             \
  X(SW_PIPE_TAG_BEFORE, 44)                                                              \
  X(SW_PIPE_TAG_LIMIT, 45)                                                               \
  X(SW_PIPE_TAG_MORE, 46)                                                                \
  X(SW_PIPE_TAG_BEFORE_AT, 47)                                                           \
  X(SW_PIPE_TAG_AFTER, 48)                                                               \
  X(SW_PIPE_TAG_RESULT, 50) /* record */                                                 \
  X(SW_PIPE_TAG_RESULT_ID, 51)                                                           \
  X(SW_PIPE_TAG_STARTED_AT, 52)                                                          \
  X(SW_PIPE_TAG_STATUS_NAME, 53)                                                         \
  X(SW_PIPE_TAG_OUTCOME, 54)                                                             \
  X(SW_PIPE_TAG_STEP, 55)                                                                \
  X(SW_PIPE_TAG_REPLY_CODE, 56)                                                          \
  X(SW_PIPE_TAG_ENHANCED_CODE, 57)                                                       \
  X(SW_PIPE_TAG_REPLY, 58)                                                               \
  X(SW_PIPE_TAG_DETAIL, 59)                                                              \
  X(SW_PIPE_TAG_PEER, 60)                                                                \
  X(SW_PIPE_TAG_USED_HELO, 61)                                                           \
  X(SW_PIPE_TAG_CAPS, 62)                                                                \
  X(SW_PIPE_TAG_TOTAL_US, 63)                                                            \
  X(SW_PIPE_TAG_STEP_TIMES, 64)                                                          \
  X(SW_PIPE_TAG_TRANSCRIPT, 65)                                                          \
  X(SW_PIPE_TAG_MESSAGE, 66)                                                             \
  X(SW_PIPE_TAG_TLS_USED, 67)                                                            \
  X(SW_PIPE_TAG_TLS_VERSION, 68)                                                         \
  X(SW_PIPE_TAG_TLS_CIPHER, 69)                                                          \
  X(SW_PIPE_TAG_CERT_SUBJECT, 70)                                                        \
  X(SW_PIPE_TAG_CERT_ISSUER, 71)                                                         \
  X(SW_PIPE_TAG_CERT_SANS, 72)                                                           \
  X(SW_PIPE_TAG_CERT_NOT_AFTER, 73)                                                      \
  X(SW_PIPE_TAG_CERT_DAYS_LEFT, 74)                                                      \
  X(SW_PIPE_TAG_STATUS, 80) /* record */                                                 \
  X(SW_PIPE_TAG_STATE, 81)                                                               \
  X(SW_PIPE_TAG_FAILURES, 82)                                                            \
  X(SW_PIPE_TAG_SINCE, 83)                                                               \
  X(SW_PIPE_TAG_LAST_RESULT_AT, 84)                                                      \
  X(SW_PIPE_TAG_LAST_OUTCOME, 85)                                                        \
  X(SW_PIPE_TAG_EVENT, 90) /* record */                                                  \
  X(SW_PIPE_TAG_EVENT_KEY, 91)                                                           \
  X(SW_PIPE_TAG_EVENT_AT, 92)                                                            \
  X(SW_PIPE_TAG_EVENT_ID, 93)                                                            \
  X(SW_PIPE_TAG_SEVERITY, 94)                                                            \
  X(SW_PIPE_TAG_EVENT_MESSAGE, 95)                                                       \
  X(SW_PIPE_TAG_UPTIME_S, 100)                                                           \
  X(SW_PIPE_TAG_RULE_COUNT, 101)                                                         \
  X(SW_PIPE_TAG_RULES_ENABLED, 102)                                                      \
  X(SW_PIPE_TAG_CHECKS_PER_MIN, 103)                                                     \
  X(SW_PIPE_TAG_CHECKS_IN_FLIGHT, 104)                                                   \
  X(SW_PIPE_TAG_CHECKS_TOTAL, 105)                                                       \
  X(SW_PIPE_TAG_PIPE_CLIENTS, 106)                                                       \
  X(SW_PIPE_TAG_DATA_DIR, 107)                                                           \
  X(SW_PIPE_TAG_RESULTS_BUFFERED, 108)

enum sw_pipe_tag { SW_PIPE_TAG_MAP(SW_X_ENUM_VALUE) };

/* X(ENUM, code, sentence): errors a server answers with (MSG_ERROR). */
#define SW_PIPE_ERROR_MAP(X)                                                             \
  X(SW_PIPE_ERR_BAD_REQUEST, "bad_request", "The request was malformed.")                \
  X(SW_PIPE_ERR_UNKNOWN_MESSAGE, "unknown_message",                                      \
    "The service does not know this request.")                                           \
  X(SW_PIPE_ERR_VERSION, "version",                                                      \
    "The client and the service have no protocol version in common: update both.")       \
  X(SW_PIPE_ERR_NOT_FOUND, "not_found", "There is no rule with that id.")                \
  X(SW_PIPE_ERR_STALE, "stale",                                                          \
    "The rule was changed by someone else since you opened it: reload it and apply "     \
    "your change again.")                                                                \
  X(SW_PIPE_ERR_ACCESS_DENIED, "access_denied",                                          \
    "Only administrators may change rules: run this as an administrator.")               \
  X(SW_PIPE_ERR_BUSY, "busy", "The service is busy: try again in a moment.")             \
  X(SW_PIPE_ERR_INTERNAL, "internal",                                                    \
    "The service failed to carry out the request; see its event log.")

enum sw_pipe_error { SW_PIPE_ERROR_MAP(SW_X_1) SW_PIPE_ERR_COUNT };

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
