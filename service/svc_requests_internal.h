/* What the control pipe's handlers share (svc_requests.c: rules, results,
 * events; svc_requests_alerts.c: notifiers and notifications;
 * svc_requests_holds.c: maintenance windows, acknowledgements, a rule's
 * alert settings): the replies' frames and errors, paging, and the
 * handler's signature. Loop thread only. */
#ifndef SW_SVC_REQUESTS_INTERNAL_H
#define SW_SVC_REQUESTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipe_protocol.h"
#include "pipe_server.h"
#include "store.h"
#include "svc_request_fields.h"
#include "svc_requests.h"

/* A connection's user bits: HELLO was said, and the version agreed on
 * (requests of a later version are unknown to it). */
#define SW_REQ_GREETED 1u
#define SW_REQ_VERSION_SHIFT 8

/* Every handler answers one request into `reply`; SW_PIPE_DEFER when the
 * answer comes later (RULE_TEST, NOTIFIER_TEST). The dispatch table has
 * checked administrator rights and the database where the request needs
 * them. */
#define HANDLER(name)                                                                    \
  enum sw_pipe_verdict name(struct sw_svc_requests *q, struct sw_pipe_conn *conn,        \
                            const struct sw_svc_fields *f, struct sw_buf *reply,         \
                            uint32_t id)

/* An ERROR frame; `detail` (may be NULL) replaces the standard sentence. */
void sw__req_error(struct sw_buf *reply, uint32_t id, enum sw_pipe_error e,
                   const char *detail);
/* A store failure in words for the client: NOT_FOUND and STALE as
 * `not_found`/`stale` with `detail` (NULL: the standard sentence), a
 * transient one as `busy`, the rest as `internal` with the store's words. */
void sw__req_store_error(struct sw_svc_requests *q, struct sw_buf *reply, uint32_t id,
                         enum sw_store_error err, const char *detail);
bool sw__req_need_store(struct sw_svc_requests *q, struct sw_buf *reply, uint32_t id);
bool sw__req_need_admin(struct sw_pipe_conn *conn, struct sw_buf *reply, uint32_t id);

/* The name of rule `rule_id` in the service's table; `fallback` if there
 * is none (0, or deleted meanwhile). */
const char *sw__req_rule_name(const struct sw_svc_requests *q, int64_t rule_id,
                              const char *fallback);

void sw__req_begin(struct sw_buf *reply, uint16_t msg, uint32_t id, size_t *start);
/* Ends a frame; one that grew past the frame limit becomes an ERROR. */
void sw__req_end(struct sw_buf *reply, uint32_t id, size_t start);

/* A paged reply (RULE_LIST, STATUS, HISTORY, EVENTS, NOTIFICATIONS):
 * records up to the page's limit, stopping early before the frame limit,
 * then MORE (docs/pipe-protocol.md, "Paging"). */
struct sw__req_page {
  struct sw_buf *reply;
  uint32_t id;
  size_t start;
  size_t limit, n; /* records allowed, records taken */
  bool more;       /* there is more than this page holds */
};
void sw__req_page_begin(struct sw__req_page *p, struct sw_buf *reply, uint16_t msg,
                        uint32_t id, int64_t limit);
/* The page holds as many records as it may. */
bool sw__req_page_full(const struct sw__req_page *p);
/* True, counting it, if one more record goes on the page; otherwise the
 * page says MORE. */
bool sw__req_page_take(struct sw__req_page *p);
void sw__req_page_end(struct sw__req_page *p);

/* The alert requests (svc_requests_alerts.c, svc_requests_holds.c). */
HANDLER(sw__req_notifier_list);
HANDLER(sw__req_notifier_get);
HANDLER(sw__req_notifier_add);
HANDLER(sw__req_notifier_update);
HANDLER(sw__req_notifier_delete);
HANDLER(sw__req_notifier_test);
HANDLER(sw__req_notifications);
HANDLER(sw__req_maintenance_list);
HANDLER(sw__req_maintenance_add);
HANDLER(sw__req_maintenance_delete);
HANDLER(sw__req_rule_ack);
HANDLER(sw__req_rule_unack);
HANDLER(sw__req_rule_alerts_get);
HANDLER(sw__req_rule_alerts_set);
/* RULE_INVALID with the rule's problems (svc_requests.c). */
void sw__req_rule_invalid(struct sw_buf *reply, uint32_t id,
                          const struct sw_rule_problems *problems);
/* svc_requests_test.c */
HANDLER(sw__req_rule_test);
/* svc_requests_drift.c */
HANDLER(sw__req_rule_accept);
/* svc_requests_import.c */
HANDLER(sw__req_import_rows);
HANDLER(sw__req_import_commit);
/* svc_requests_report.c */
HANDLER(sw__req_report);

#endif
