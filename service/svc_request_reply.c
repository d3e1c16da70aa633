/* The control pipe's replies: frames, errors and pages
 * (svc_requests_internal.h). */
#include "svc_requests_internal.h"

#include <stdio.h>

/* Stop adding records to a reply past this, and say MORE: the frame limit
 * is 1 MiB and the last record may be large. */
#define REPLY_SOFT_MAX (768u * 1024u)

void sw__req_error(struct sw_buf *reply, uint32_t id, enum sw_pipe_error e,
                   const char *detail)
{
  sw_pipe_encode_error(reply, id, e, detail);
}

/* A store failure in words for the client. */
void sw__req_store_error(struct sw_svc_requests *q, struct sw_buf *reply, uint32_t id,
                         enum sw_store_error err, const char *detail)
{
  if (err == SW_STORE_NOT_FOUND) {
    sw__req_error(reply, id, SW_PIPE_ERR_NOT_FOUND, detail);
    return;
  }
  if (err == SW_STORE_STALE) {
    sw__req_error(reply, id, SW_PIPE_ERR_STALE, detail);
    return;
  }
  char text[SW_STORE_MESSAGE_MAX + 200];
  const struct sw_store_diag *d = *q->store ? sw_store_last_error(*q->store) : NULL;
  snprintf(text, sizeof text, "%s%s%s", sw_store_error_text(err),
           d && d->message[0] ? " Details: " : "", d && d->message[0] ? d->message : "");
  sw__req_error(
      reply, id,
      sw_store_error_is_transient(err) ? SW_PIPE_ERR_BUSY : SW_PIPE_ERR_INTERNAL, text);
}

/* The database is not open: answer what could not be read. */
bool sw__req_need_store(struct sw_svc_requests *q, struct sw_buf *reply, uint32_t id)
{
  if (*q->store)
    return true;
  sw__req_error(reply, id, SW_PIPE_ERR_BUSY,
                "The service cannot open its database right now (see its event log); it "
                "keeps checking and will answer once the database is back.");
  return false;
}

bool sw__req_need_admin(struct sw_pipe_conn *conn, struct sw_buf *reply, uint32_t id)
{
  if (sw_pipe_conn_is_admin(conn))
    return true;
  sw__req_error(reply, id, SW_PIPE_ERR_ACCESS_DENIED, NULL);
  return false;
}

void sw__req_begin(struct sw_buf *reply, uint16_t msg, uint32_t id, size_t *start)
{
  sw_pipe_frame_begin(reply, msg, id, start);
}

/* Ends a frame; one that grew past the frame limit becomes an ERROR. */
void sw__req_end(struct sw_buf *reply, uint32_t id, size_t start)
{
  if (sw_pipe_frame_end(reply, start) == SW_E_INVALID_ARGUMENT)
    sw__req_error(reply, id, SW_PIPE_ERR_INTERNAL,
                  "The answer would exceed the 1 MiB frame limit; ask for fewer items.");
}

void sw__req_page_begin(struct sw__req_page *p, struct sw_buf *reply, uint16_t msg,
                        uint32_t id, int64_t limit)
{
  *p = (struct sw__req_page){.reply = reply, .id = id, .limit = (size_t)limit};
  sw__req_begin(reply, msg, id, &p->start);
}

/* The page holds as many records as it may. */
bool sw__req_page_full(const struct sw__req_page *p)
{
  return p->n == p->limit || p->reply->len - p->start > REPLY_SOFT_MAX;
}

/* True, counting it, if one more record goes on the page; otherwise the
 * page says MORE. */
bool sw__req_page_take(struct sw__req_page *p)
{
  if (sw__req_page_full(p)) {
    p->more = true;
    return false;
  }
  p->n++;
  return true;
}

void sw__req_page_end(struct sw__req_page *p)
{
  sw_tlv_put_bool(p->reply, SW_PIPE_TAG_MORE, p->more);
  sw__req_end(p->reply, p->id, p->start);
}

const char *sw__req_rule_name(const struct sw_svc_requests *q, int64_t rule_id,
                              const char *fallback)
{
  const struct sw_svc_rule *r = rule_id ? sw_svc_rules_find(q->rules, rule_id) : NULL;
  return r ? r->rule.name : fallback;
}
