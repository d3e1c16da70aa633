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
/* The versions this build speaks: a server answers any client whose range
 * meets this one with the highest version both speak (HELLO), and a client
 * refuses, itself, a request the version it got does not have. */
#define SW_PIPE_PROTOCOL_VERSION 5
#define SW_PIPE_PROTOCOL_VERSION_OLDEST 1

/* The last two columns of the message map: the protocol version that
 * brought a message, and what it is for, as the sentence that refuses it
 * on an older service says it ("notifiers need protocol version 2"). */
#define SW_PIPE_V1 1, ""
#define SW_PIPE_V2_NOTIFIERS 2, "notifiers"
#define SW_PIPE_V2_MAINTENANCE 2, "maintenance windows"
#define SW_PIPE_V2_OUTBOX 2, "notifications"
#define SW_PIPE_V2_ACK 2, "acknowledgements"
#define SW_PIPE_V2_ALERTS 2, "rule notification settings"
#define SW_PIPE_V3_DRIFT 3, "fingerprint acceptances"
#define SW_PIPE_V4_IMPORT 4, "rule imports"
#define SW_PIPE_V4_REPORTS 4, "availability reports"
#define SW_PIPE_V4_SUBSCRIBE 4, "subscriptions"

/* X(ENUM, number, version, what): requests are even, their replies odd
 * where they pair. */
#define SW_PIPE_MSG_MAP(X)                                                               \
  X(SW_PIPE_MSG_HELLO, 1, SW_PIPE_V1)    /* client: versions it speaks, its name */      \
  X(SW_PIPE_MSG_HELLO_OK, 2, SW_PIPE_V1) /* server: chosen version, service version */   \
  X(SW_PIPE_MSG_ERROR, 3, SW_PIPE_V1)    /* server: error code and sentence (any) */     \
  X(SW_PIPE_MSG_SERVICE_INFO, 10, SW_PIPE_V1)    /* client */                            \
  X(SW_PIPE_MSG_SERVICE_INFO_OK, 11, SW_PIPE_V1) /* server: version, uptime, rules */    \
  X(SW_PIPE_MSG_RULE_LIST, 20, SW_PIPE_V1)       /* client */                            \
  X(SW_PIPE_MSG_RULE_LIST_OK, 21, SW_PIPE_V1)    /* server: RULE records */              \
  X(SW_PIPE_MSG_RULE_GET, 22, SW_PIPE_V1)        /* client: RULE_ID */                   \
  X(SW_PIPE_MSG_RULE_OK, 23, SW_PIPE_V1)         /* server: one RULE (get/add/update) */ \
  X(SW_PIPE_MSG_RULE_ADD, 24, SW_PIPE_V1)        /* client: RULE record without id */    \
  X(SW_PIPE_MSG_RULE_UPDATE, 25, SW_PIPE_V1)     /* client: RULE record, id, revision */ \
  X(SW_PIPE_MSG_RULE_DELETE, 26, SW_PIPE_V1)     /* client: RULE_ID */                   \
  X(SW_PIPE_MSG_RULE_SET_ENABLED, 27, SW_PIPE_V1) /* client: RULE_ID, ENABLED */         \
  X(SW_PIPE_MSG_RULE_INVALID, 28, SW_PIPE_V1) /* server: PROBLEM records; no change */   \
  X(SW_PIPE_MSG_DONE_OK, 29, SW_PIPE_V1)      /* server: the request was carried out */  \
  X(SW_PIPE_MSG_RULE_TEST, 30, SW_PIPE_V1)    /* client: RULE_ID, or an unsaved RULE */  \
  X(SW_PIPE_MSG_RULE_TEST_OK, 31, SW_PIPE_V1) /* server: RESULT with transcript */       \
  X(SW_PIPE_MSG_STATUS, 40, SW_PIPE_V1)       /* client */                               \
  X(SW_PIPE_MSG_STATUS_OK, 41, SW_PIPE_V1)    /* server: STATUS records, one per rule */ \
  X(SW_PIPE_MSG_HISTORY, 50, SW_PIPE_V1)      /* client: RULE_ID, BEFORE, LIMIT */       \
  X(SW_PIPE_MSG_HISTORY_OK, 51, SW_PIPE_V1)   /* server: RESULT records; MORE */         \
  X(SW_PIPE_MSG_EVENTS, 60, SW_PIPE_V1)       /* client: BEFORE, LIMIT */                \
  X(SW_PIPE_MSG_EVENTS_OK, 61, SW_PIPE_V1)    /* server: EVENT records; MORE */          \
  X(SW_PIPE_MSG_NOTIFIER_LIST, 70, SW_PIPE_V2_NOTIFIERS)    /* client */                 \
  X(SW_PIPE_MSG_NOTIFIER_LIST_OK, 71, SW_PIPE_V2_NOTIFIERS) /* server: NOTIFIER recs */  \
  X(SW_PIPE_MSG_NOTIFIER_GET, 72, SW_PIPE_V2_NOTIFIERS)     /* client: NOTIFIER_NAME */  \
  X(SW_PIPE_MSG_NOTIFIER_OK, 73, SW_PIPE_V2_NOTIFIERS)      /* server: one NOTIFIER */   \
  X(SW_PIPE_MSG_NOTIFIER_ADD, 74, SW_PIPE_V2_NOTIFIERS)     /* client: NOTIFIER */       \
  X(SW_PIPE_MSG_NOTIFIER_UPDATE, 76, SW_PIPE_V2_NOTIFIERS)  /* client: NOTIFIER */       \
  X(SW_PIPE_MSG_NOTIFIER_DELETE, 78, SW_PIPE_V2_NOTIFIERS)  /* client: NOTIFIER_NAME */  \
  X(SW_PIPE_MSG_MAINTENANCE_LIST, 80, SW_PIPE_V2_MAINTENANCE)    /* client */            \
  X(SW_PIPE_MSG_MAINTENANCE_LIST_OK, 81, SW_PIPE_V2_MAINTENANCE) /* server: records */   \
  X(SW_PIPE_MSG_MAINTENANCE_ADD, 82, SW_PIPE_V2_MAINTENANCE)     /* client: record */    \
  X(SW_PIPE_MSG_MAINTENANCE_OK, 83, SW_PIPE_V2_MAINTENANCE)      /* server: the added */ \
  X(SW_PIPE_MSG_MAINTENANCE_DELETE, 84, SW_PIPE_V2_MAINTENANCE)  /* client: MAINT_ID */  \
  X(SW_PIPE_MSG_NOTIFICATIONS, 90, SW_PIPE_V2_OUTBOX)       /* client: BEFORE, LIMIT */  \
  X(SW_PIPE_MSG_NOTIFICATIONS_OK, 91, SW_PIPE_V2_OUTBOX)    /* server: records; MORE */  \
  X(SW_PIPE_MSG_NOTIFIER_TEST, 92, SW_PIPE_V2_NOTIFIERS)    /* client: name or record */ \
  X(SW_PIPE_MSG_NOTIFIER_TEST_OK, 93, SW_PIPE_V2_NOTIFIERS) /* server: NOTIFICATION */   \
  X(SW_PIPE_MSG_RULE_ACK, 100, SW_PIPE_V2_ACK)   /* client: RULE_ID, ACK_COMMENT */      \
  X(SW_PIPE_MSG_RULE_UNACK, 102, SW_PIPE_V2_ACK) /* client: RULE_ID */                   \
  X(SW_PIPE_MSG_RULE_ALERTS_GET, 104, SW_PIPE_V2_ALERTS) /* client: RULE_ID */           \
  X(SW_PIPE_MSG_RULE_ALERTS_OK, 105, SW_PIPE_V2_ALERTS)  /* server: RULE_ALERTS */       \
  X(SW_PIPE_MSG_RULE_ALERTS_SET, 106, SW_PIPE_V2_ALERTS) /* client: RULE_ALERTS */       \
  X(SW_PIPE_MSG_RULE_ACCEPT, 108, SW_PIPE_V3_DRIFT)      /* client: RULE_ID; DONE_OK */  \
  X(SW_PIPE_MSG_REPORT, 110, SW_PIPE_V4_REPORTS) /* client: FROM, UNTIL, AFTER, LIMIT */ \
  X(SW_PIPE_MSG_REPORT_OK, 111, SW_PIPE_V4_REPORTS) /* server: AVAILABILITY; MORE */     \
  /* A staged import (docs/pipe-protocol.md, "Importing rules"). */                      \
  X(SW_PIPE_MSG_IMPORT_ROWS, 112, SW_PIPE_V4_IMPORT) /* client: IMPORT_LINE, RULE... */  \
  X(SW_PIPE_MSG_IMPORT_ROWS_OK, 113, SW_PIPE_V4_IMPORT) /* server: RULE_COUNT staged */  \
  X(SW_PIPE_MSG_IMPORT_COMMIT, 114, SW_PIPE_V4_IMPORT)  /* client: DRY_RUN, REPLACE */   \
  X(SW_PIPE_MSG_IMPORT_OK, 115, SW_PIPE_V4_IMPORT) /* server: the plan, carried out */   \
  X(SW_PIPE_MSG_SUBSCRIBE, 116, SW_PIPE_V4_SUBSCRIBE)    /* client: SUB_* wanted */      \
  X(SW_PIPE_MSG_SUBSCRIBE_OK, 117, SW_PIPE_V4_SUBSCRIBE) /* server: SUB_* granted */     \
  X(SW_PIPE_MSG_PUSH, 119, SW_PIPE_V4_SUBSCRIBE) /* server, unasked: flag PUSH, id 0 */

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
  X(SW_PIPE_TAG_RESULTS_BUFFERED, 108)                                                   \
  X(SW_PIPE_TAG_NOTIFIER, 110) /* record (version 2) */                                  \
  X(SW_PIPE_TAG_NOTIFIER_NAME, 111)                                                      \
  X(SW_PIPE_TAG_NOTIFIER_KIND, 112)                                                      \
  X(SW_PIPE_TAG_NOTIFIER_REVISION, 113)                                                  \
  X(SW_PIPE_TAG_NOTIFIER_TO, 114) /* one per address */                                  \
  X(SW_PIPE_TAG_NOTIFIER_RELAYS, 115)                                                    \
  X(SW_PIPE_TAG_NOTIFIER_FROM, 116)                                                      \
  X(SW_PIPE_TAG_NOTIFIER_TLS_MODE, 117)                                                  \
  X(SW_PIPE_TAG_NOTIFIER_AUTH_USER, 118)                                                 \
  X(SW_PIPE_TAG_NOTIFIER_PASSWORD_SET, 119) /* server -> client only */                  \
  X(SW_PIPE_TAG_NOTIFIER_PASSWORD, 120)     /* client -> server only: a secret */        \
  X(SW_PIPE_TAG_NOTIFIER_URL, 121)          /* client -> server only: a secret */        \
  X(SW_PIPE_TAG_NOTIFIER_URL_SHOWN, 122)    /* server -> client only */                  \
  X(SW_PIPE_TAG_NOTIFIER_FORMAT, 123)                                                    \
  X(SW_PIPE_TAG_NOTIFIER_COMMAND_LINE, 124)                                              \
  X(SW_PIPE_TAG_NOTIFIER_TIMEOUT_S, 125)                                                 \
  X(SW_PIPE_TAG_NOTIFIER_SERVICE_NAME, 126)                                              \
  X(SW_PIPE_TAG_MAINTENANCE, 130) /* record */                                           \
  X(SW_PIPE_TAG_MAINT_ID, 131)                                                           \
  X(SW_PIPE_TAG_MAINT_ALL, 132)                                                          \
  X(SW_PIPE_TAG_MAINT_FROM, 133)                                                         \
  X(SW_PIPE_TAG_MAINT_UNTIL, 134)                                                        \
  X(SW_PIPE_TAG_MAINT_WEEKLY, 135)                                                       \
  X(SW_PIPE_TAG_MAINT_COMMENT, 136)                                                      \
  X(SW_PIPE_TAG_MAINT_ACTIVE, 137)                                                       \
  X(SW_PIPE_TAG_MAINT_NEXT_CHANGE, 138)                                                  \
  X(SW_PIPE_TAG_NOTIFICATION, 140) /* record */                                          \
  X(SW_PIPE_TAG_NOTIFICATION_KEY, 141)                                                   \
  X(SW_PIPE_TAG_NOTIFICATION_ID, 142)                                                    \
  X(SW_PIPE_TAG_ALERT_KIND, 143)                                                         \
  X(SW_PIPE_TAG_DELIVERY, 144)                                                           \
  X(SW_PIPE_TAG_ATTEMPTS, 145)                                                           \
  X(SW_PIPE_TAG_CREATED_AT, 146)                                                         \
  X(SW_PIPE_TAG_NEXT_ATTEMPT_AT, 147)                                                    \
  X(SW_PIPE_TAG_LAST_ATTEMPT_AT, 148)                                                    \
  X(SW_PIPE_TAG_LAST_ERROR, 149)                                                         \
  X(SW_PIPE_TAG_ACK_BY, 150)                                                             \
  X(SW_PIPE_TAG_ACK_AT, 151)                                                             \
  X(SW_PIPE_TAG_ACK_COMMENT, 152)                                                        \
  X(SW_PIPE_TAG_HELD, 153)                                                               \
  X(SW_PIPE_TAG_HELD_PARENT_ID, 154)                                                     \
  X(SW_PIPE_TAG_HELD_PARENT_NAME, 155)                                                   \
  X(SW_PIPE_TAG_HELD_UNTIL, 156)                                                         \
  X(SW_PIPE_TAG_RULE_ALERTS, 160) /* record */                                           \
  X(SW_PIPE_TAG_NOTIFY, 161)      /* one per notifier name */                            \
  X(SW_PIPE_TAG_ALERT_ON, 162)                                                           \
  X(SW_PIPE_TAG_ALERT_AFTER_S, 163)                                                      \
  X(SW_PIPE_TAG_RENOTIFY_S, 164)                                                         \
  X(SW_PIPE_TAG_DEPENDS_ON, 165)                                                         \
  X(SW_PIPE_TAG_DEPENDS_ON_NAME, 166)                                                    \
  X(SW_PIPE_TAG_RULE_AUTH_USER, 170) /* rule fields past the handshake */                \
  X(SW_PIPE_TAG_RULE_AUTH_PASSWORD_SET, 171)                                             \
  X(SW_PIPE_TAG_RULE_AUTH_MECH, 172)                                                     \
  X(SW_PIPE_TAG_RULE_AUTH_PLAINTEXT, 173)                                                \
  X(SW_PIPE_TAG_RULE_OAUTH_TOKEN_URL, 174)                                               \
  X(SW_PIPE_TAG_RULE_OAUTH_CLIENT_ID, 175)                                               \
  X(SW_PIPE_TAG_RULE_OAUTH_CLIENT_SECRET_SET, 176)                                       \
  X(SW_PIPE_TAG_RULE_OAUTH_SCOPE, 177)                                                   \
  X(SW_PIPE_TAG_RULE_MAIL_FROM, 178)                                                     \
  X(SW_PIPE_TAG_RULE_RCPT_TO, 179)                                                       \
  X(SW_PIPE_TAG_RULE_RELAY_TEST, 180)                                                    \
  X(SW_PIPE_TAG_RULE_RELAY_TEST_RCPT, 181)                                               \
  X(SW_PIPE_TAG_RULE_IP_FAMILY, 182)                                                     \
  X(SW_PIPE_TAG_RULE_ALL_ADDRESSES, 183)                                                 \
  X(SW_PIPE_TAG_RULE_CHECK_PTR, 184)                                                     \
  X(SW_PIPE_TAG_RULE_DRIFT, 185)                                                         \
  X(SW_PIPE_TAG_RULE_AUTH_PASSWORD, 186)       /* client -> service only */              \
  X(SW_PIPE_TAG_RULE_OAUTH_CLIENT_SECRET, 187) /* client -> service only */              \
  X(SW_PIPE_TAG_CERT_KEY_SHA256, 190)          /* RESULT, version 3 */                   \
  X(SW_PIPE_TAG_CERT_KEY_TYPE, 191)                                                      \
  X(SW_PIPE_TAG_DRIFT, 192)          /* STATUS: the drift sentences, '\n'-separated */   \
  X(SW_PIPE_TAG_IMPORT_LINE, 220)    /* IMPORT_ROWS: the file line of the next RULE */   \
  X(SW_PIPE_TAG_IMPORT_FIRST, 221)   /* IMPORT_ROWS: starts a new import */              \
  X(SW_PIPE_TAG_IMPORT_DRY_RUN, 222) /* IMPORT_COMMIT, IMPORT_OK */                      \
  X(SW_PIPE_TAG_IMPORT_REPLACE, 223) /* IMPORT_COMMIT, IMPORT_OK */                      \
  X(SW_PIPE_TAG_IMPORT_ADDED, 224)   /* IMPORT_OK: counts */                             \
  X(SW_PIPE_TAG_IMPORT_UPDATED, 225)                                                     \
  X(SW_PIPE_TAG_IMPORT_UNCHANGED, 226)                                                   \
  X(SW_PIPE_TAG_IMPORT_DELETED, 227)                                                     \
  X(SW_PIPE_TAG_IMPORT_ACTIONS, 228)      /* IMPORT_OK: a letter per row, in order */    \
  X(SW_PIPE_TAG_IMPORT_DELETED_NAME, 229) /* IMPORT_OK: one per rule deleted */          \
  X(SW_PIPE_TAG_REPORT_FROM, 200) /* version 4: REPORT, REPORT_OK (whole hours) */       \
  X(SW_PIPE_TAG_REPORT_UNTIL, 201)                                                       \
  X(SW_PIPE_TAG_AVAILABILITY, 202) /* record */                                          \
  X(SW_PIPE_TAG_PERIOD_MS, 203)                                                          \
  X(SW_PIPE_TAG_OK_MS, 204)                                                              \
  X(SW_PIPE_TAG_WARNING_MS, 205)                                                         \
  X(SW_PIPE_TAG_CRITICAL_MS, 206)                                                        \
  X(SW_PIPE_TAG_UNKNOWN_MS, 207)                                                         \
  X(SW_PIPE_TAG_MAINTENANCE_MS, 208)                                                     \
  X(SW_PIPE_TAG_CHECKS, 209)                                                             \
  X(SW_PIPE_TAG_OUTAGE, 210) /* record, in AVAILABILITY */                               \
  X(SW_PIPE_TAG_OUTAGE_START, 211)                                                       \
  X(SW_PIPE_TAG_OUTAGE_END, 212)                                                         \
  X(SW_PIPE_TAG_OUTAGE_OPEN, 213)                                                        \
  X(SW_PIPE_TAG_OUTAGE_BEFORE, 214)                                                      \
  X(SW_PIPE_TAG_STEP_LATENCY, 215) /* record, in AVAILABILITY: STEP and these */         \
  X(SW_PIPE_TAG_SAMPLES, 216)                                                            \
  X(SW_PIPE_TAG_P50_US, 217)                                                             \
  X(SW_PIPE_TAG_P95_US, 218)                                                             \
  X(SW_PIPE_TAG_P99_US, 219)                                                             \
  X(SW_PIPE_TAG_SUB_STATES, 230) /* SUBSCRIBE(_OK), version 4 */                         \
  X(SW_PIPE_TAG_SUB_EVENTS, 231)                                                         \
  X(SW_PIPE_TAG_SUB_RULES, 232)                                                          \
  X(SW_PIPE_TAG_PUSH_INTERVAL_MS, 233)                                                   \
  X(SW_PIPE_TAG_PUSH_LOG_SIZE, 234)                                                      \
  X(SW_PIPE_TAG_RULE_CHANGE, 235) /* record, in PUSH */                                  \
  X(SW_PIPE_TAG_RULE_CHANGE_KIND, 236)                                                   \
  X(SW_PIPE_TAG_RESYNC, 237)          /* PUSH: re-read everything */                     \
  X(SW_PIPE_TAG_STATUS_REQUESTS, 238) /* SERVICE_INFO_OK */                              \
  X(SW_PIPE_TAG_SUBSCRIBERS, 239)                                                        \
  X(SW_PIPE_TAG_RULE_STATE, 240) /* record, in PUSH */                                   \
  X(SW_PIPE_TAG_ACKED, 241)                                                              \
  X(SW_PIPE_TAG_DRIFTED, 242)                                                            \
  /* Version 5, the round trip (issue 17): its rule fields, in field order */            \
  X(SW_PIPE_TAG_RULE_ROUND_TRIP, 270)                                                    \
  X(SW_PIPE_TAG_RULE_MAILBOX_HOST, 271)                                                  \
  X(SW_PIPE_TAG_RULE_MAILBOX_PORT, 272)                                                  \
  X(SW_PIPE_TAG_RULE_MAILBOX_TLS, 273)                                                   \
  X(SW_PIPE_TAG_RULE_MAILBOX_USER, 274)                                                  \
  X(SW_PIPE_TAG_RULE_MAILBOX_PASSWORD_SET, 275)                                          \
  X(SW_PIPE_TAG_RULE_FOLDER, 276)                                                        \
  X(SW_PIPE_TAG_RULE_PROBE_TO, 277)                                                      \
  X(SW_PIPE_TAG_RULE_PROBE_FROM, 278)                                                    \
  X(SW_PIPE_TAG_RULE_DELIVER_WITHIN_S, 279)                                              \
  X(SW_PIPE_TAG_RULE_DELIVERY_WARN_MS, 280)                                              \
  X(SW_PIPE_TAG_RULE_DELIVERY_CRIT_MS, 281)                                              \
  X(SW_PIPE_TAG_RULE_MAILBOX_PASSWORD, 282) /* client -> service only */                 \
  /* RESULT: the round trip's (round_trip_result.h); RT_PROTOCOL starts it */            \
  X(SW_PIPE_TAG_RT_PROTOCOL, 283)                                                        \
  X(SW_PIPE_TAG_RT_FOUND, 284)                                                           \
  X(SW_PIPE_TAG_RT_SUBMIT_US, 285)                                                       \
  X(SW_PIPE_TAG_RT_DELIVERY_US, 286)                                                     \
  X(SW_PIPE_TAG_RT_TOTAL_US, 287)                                                        \
  X(SW_PIPE_TAG_RT_HOPS, 288) /* sw_round_trip_hops_text */                              \
  X(SW_PIPE_TAG_RT_AUTHSERV_ID, 289)                                                     \
  X(SW_PIPE_TAG_RT_SPF, 290) /* "" without Authentication-Results */                     \
  X(SW_PIPE_TAG_RT_DKIM, 291)                                                            \
  X(SW_PIPE_TAG_RT_DMARC, 292)                                                           \
  X(SW_PIPE_TAG_RT_MAILBOX_PEER, 293)                                                    \
  X(SW_PIPE_TAG_RT_MAILBOX_DETAIL, 294)                                                  \
  X(SW_PIPE_TAG_RT_PROBE, 295)                                                           \
  X(SW_PIPE_TAG_RT_LOOKS, 296)                                                           \
  X(SW_PIPE_TAG_RT_DELETED, 297) /* the probe was deleted */                             \
  X(SW_PIPE_TAG_RT_STALE_DELETED, 298)                                                   \
  X(SW_PIPE_TAG_RT_SKIPPED_RUNS, 299)                                                    \
  X(SW_PIPE_TAG_RULE_DOMAIN, 300) /* version 5: a domain rule's fields (issue 18) */     \
  X(SW_PIPE_TAG_RULE_MIN_OK, 301)                                                        \
  X(SW_PIPE_TAG_RULE_MTA_STS, 302)                                                       \
  X(SW_PIPE_TAG_RULE_DANE, 303)                                                          \
  X(SW_PIPE_TAG_RULE_DNS_SERVER, 304)                                                    \
  X(SW_PIPE_TAG_DOMAIN_REPORT, 310) /* RESULT, version 5: the MX x address matrix */

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
    "The service failed to carry out the request; see its event log.")                   \
  X(SW_PIPE_ERR_INVALID,                                                                 \
    "invalid", /* version 2; the service's sentence names the value */                   \
    "A value in the request is not valid: correct it and try again.")                    \
  X(SW_PIPE_ERR_NOTIFIER_NOT_FOUND, "notifier_not_found",                                \
    "There is no notifier of that name: 'smtpwatch notifiers list' shows them.")         \
  X(SW_PIPE_ERR_NOTIFIER_EXISTS, "notifier_exists",                                      \
    "A notifier of that name exists already: choose another name, or change that one.")  \
  X(SW_PIPE_ERR_NOTIFIER_IN_USE, "notifier_in_use",                                      \
    "Rules still send to this notifier (or it is a default notifier): take it out of "   \
    "their notifications first.")                                                        \
  X(SW_PIPE_ERR_MAINTENANCE_NOT_FOUND, "maintenance_not_found",                          \
    "There is no maintenance window with that id: 'smtpwatch maintenance list' shows "   \
    "them.")                                                                             \
  X(SW_PIPE_ERR_DEPENDENCY_CYCLE, "dependency_cycle",                                    \
    "A rule cannot depend on itself or on a rule that depends on it: choose another "    \
    "rule to depend on.")                                                                \
  X(SW_PIPE_ERR_NOT_BAD, "not_bad",                                                      \
    "Only a rule in a bad state (WARNING, CRITICAL or UNKNOWN) can be acknowledged.")    \
  X(SW_PIPE_ERR_NO_DRIFT, "no_drift", /* version 3 */                                    \
    "The rule's server has not changed since its fingerprint was accepted: there is "    \
    "nothing to accept.")

enum sw_pipe_error { SW_PIPE_ERROR_MAP(SW_X_1) SW_PIPE_ERR_COUNT };

/* "RULE_ADD" and friends; NULL for a number we do not know. */
const char *sw_pipe_msg_name(uint16_t message);

/* The server's side of HELLO: the highest version that both this build
 * (SW_PIPE_PROTOCOL_VERSION_OLDEST to SW_PIPE_PROTOCOL_VERSION) and the
 * client (its VERSION_MIN to VERSION_MAX, as sent; 0 for one left out)
 * speak, in *chosen. False if there is none: answer ERROR `version`. */
bool sw_pipe_version_choose(int64_t client_min, int64_t client_max, uint16_t *chosen);
/* The client's side: whether the VERSION of a HELLO_OK (0 if it had none)
 * is one this build speaks. A version 1 service answers 1 to a client that
 * offers 1 to 2, so a newer client learns here that it talks to an older
 * service. */
bool sw_pipe_version_accepted(int64_t version);
/* The protocol version that brought `message`; 0 for a number we do not
 * know. */
uint16_t sw_pipe_msg_version(uint16_t message);
/* Whether a connection that agreed on `version` has `message`. If not, and
 * why[size] is given, a sentence for the user: an older service ("The SMTP
 * Watch service is older than this tool: notifiers need protocol version 2
 * and it speaks version 1; update the service.") or a message this build
 * does not know. The command line and the editor ask before they send; the
 * service answers such a request with `unknown_message`, as the older
 * service would have. */
bool sw_pipe_msg_allowed(uint16_t message, uint16_t version, char *why, size_t size);
/* "stale" and friends, and the sentence; "internal" for out of range. */
const char *sw_pipe_error_code(enum sw_pipe_error e);
const char *sw_pipe_error_text(enum sw_pipe_error e);
bool sw_pipe_error_from_code(const char *code, size_t len, enum sw_pipe_error *out);

/* A rule with its store revision, as it travels on the pipe. */
struct sw_pipe_rule {
  struct sw_rule rule;
  int64_t revision; /* 0 for a rule not stored yet */
};

/* A rule's secrets as a client sends them with the rule (RULE_ADD,
 * RULE_UPDATE, RULE_TEST): NULL is not sent (an update keeps the stored
 * one), "" removes it. The service never sends them back: its encoder,
 * sw_pipe_put_rule, has no way to, and a rule shows only whether each is
 * set (rule.auth_password_set, rule.oauth_client_secret_set). */
struct sw_pipe_rule_secrets {
  char *auth_password;
  char *oauth_client_secret;
  char *mailbox_password; /* the round trip's (version 5) */
};
/* Zeroes the secrets' bytes and frees them. */
void sw_pipe_rule_secrets_free(struct sw_pipe_rule_secrets *s);

/* Appends a RULE record, without secrets. */
void sw_pipe_put_rule(struct sw_buf *out, const struct sw_rule *rule, int64_t revision);
/* A client's encoder: the RULE record with the secrets that are set. */
void sw_pipe_put_rule_input(struct sw_buf *out, const struct sw_rule *rule,
                            int64_t revision, const struct sw_pipe_rule_secrets *secrets);
/* Reads the RULE record whose BEGIN was just read by `r` into `out`, which
 * is initialised with the rule defaults first: a field the client left out
 * keeps its default. Unknown tags are skipped. Returns SW_E_INVALID_ARGUMENT
 * for malformed data or a field of the wrong type, SW_E_NOMEM. On error
 * `out` is freed. */
enum sw_error sw_pipe_get_rule(struct sw_tlv_reader *r, struct sw_pipe_rule *out);
/* The service's decoder: as sw_pipe_get_rule, and the secrets into
 * `secrets` (zeroed first; free with sw_pipe_rule_secrets_free, also after
 * an error). */
enum sw_error sw_pipe_get_rule_input(struct sw_tlv_reader *r, struct sw_pipe_rule *out,
                                     struct sw_pipe_rule_secrets *secrets);

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
