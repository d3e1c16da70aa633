/* The top-level fields of a control-pipe request (docs/pipe-protocol.md),
 * read once for whichever handler answers it. */
#ifndef SW_SVC_REQUEST_FIELDS_H
#define SW_SVC_REQUEST_FIELDS_H

#include <stdbool.h>
#include <stdint.h>

#include "pipe_protocol.h"
#include "pipe_alert_records.h"
#include "pipe_notifier.h"
#include "pipe_push.h"
#include "pipe_records.h"

/* The request's top-level fields, read once. */
struct sw_svc_fields {
  int64_t rule_id, before, before_at, after, limit;
  int64_t maint_id;                  /* MAINT_ID; 0 absent */
  int64_t report_from, report_until; /* REPORT_FROM/UNTIL (version 4); 0 absent */
  char *notifier_name;               /* NOTIFIER_NAME, owned; NULL absent */
  char *comment;                     /* ACK_COMMENT, owned; NULL absent */
  int enabled;                       /* -1 absent */
  int64_t version_min, version_max;
  bool has_rule;
  struct sw_pipe_rule rule;            /* owned if has_rule */
  struct sw_pipe_rule_secrets secrets; /* sent with the rule; owned, wiped */
  /* Version 2 records (each owned if present). */
  bool has_notifier, has_maint, has_alerts;
  struct sw_pipe_notifier_input notifier;
  struct sw_pipe_maintenance maint;
  struct sw_pipe_rule_alerts alerts;
  bool bad;                           /* malformed, or a known field of the wrong type */
  const struct sw_pipe_frame *frame;  /* the request itself (borrowed), for the
                                         handlers that read more than one
                                         record (IMPORT_ROWS) */
  struct sw_pipe_subscribe subscribe; /* SUBSCRIBE's (version 4) */
};

/* Reads the fields of `req` into `f`: LIMIT clamped to 1..1000 (100 when
 * absent), ENABLED -1 when absent. A malformed body, or a known field of
 * the wrong type, sets f->bad; a newer client's unknown field is skipped.
 * Free with sw_svc_fields_free, also when bad. */
void sw_svc_fields_read(const struct sw_pipe_frame *req, struct sw_svc_fields *f);
/* Frees what the request carried. */
void sw_svc_fields_free(struct sw_svc_fields *f);

#endif
