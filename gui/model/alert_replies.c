/* The editor's version 2 replies (alert_replies.h): each record kind into
 * a growing array, through the management commands' record walk. */
#include "alert_replies.h"

#include <stdlib.h>
#include <string.h>

#include "alert_view.h"
#include "manage_view.h"
#include "pipe_protocol.h"

/* A growing array of records of `size` bytes. */
struct grow {
  void *items;
  size_t count, cap, size;
};

/* The next free slot (zeroed), or NULL if memory ran out. */
static void *grow_slot(struct grow *g)
{
  if (g->count == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 8;
    void *bigger = realloc(g->items, cap * g->size);
    if (!bigger)
      return NULL;
    g->items = bigger;
    g->cap = cap;
  }
  void *slot = (char *)g->items + g->count * g->size;
  memset(slot, 0, g->size);
  return slot;
}

static enum sw_error notifier_record(void *ctx, struct sw_tlv_reader *r)
{
  struct grow *g = ctx;
  struct sw_pipe_notifier *n = grow_slot(g);
  if (!n)
    return SW_E_NOMEM;
  g->count++; /* counted before decoding: freed whatever happens */
  return sw_pipe_get_notifier(r, n);
}

enum sw_error sw_alert_notifiers_decode(const uint8_t *body, size_t len,
                                        struct sw_pipe_notifier **out, size_t *count)
{
  struct grow g = {.size = sizeof **out};
  enum sw_error err =
      sw_manage_each_record(body, len, SW_PIPE_TAG_NOTIFIER, notifier_record, &g);
  *out = g.items;
  *count = g.count;
  return err;
}

void sw_alert_notifiers_free(struct sw_pipe_notifier *list, size_t count)
{
  for (size_t i = 0; i < count; i++)
    sw_pipe_notifier_free(&list[i]);
  free(list);
}

enum sw_error sw_alert_rule_alerts_decode(const uint8_t *body, size_t len,
                                          struct sw_pipe_rule_alerts *out)
{
  return sw_manage_body_rule_alerts(body, len, out); /* as the command line reads it */
}

static enum sw_error notification_record(void *ctx, struct sw_tlv_reader *r)
{
  struct grow *g = ctx;
  struct sw_pipe_notification *n = grow_slot(g);
  if (!n)
    return SW_E_NOMEM;
  g->count++;
  return sw_pipe_get_notification(r, n);
}

/* MORE is a top-level field of the body. */
static bool body_more(const uint8_t *body, size_t len)
{
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&r, body, len);
  while (sw_tlv_next(&r, &f)) {
    if (f.type == SW_TLV_BEGIN && !sw_tlv_skip_record(&r))
      return false;
    if (f.tag == SW_PIPE_TAG_MORE && f.type == SW_TLV_BOOL)
      return f.i != 0;
  }
  return false;
}

enum sw_error sw_alert_notifications_decode(const uint8_t *body, size_t len,
                                            struct sw_pipe_notification **out,
                                            size_t *count, bool *more)
{
  struct grow g = {.size = sizeof **out};
  enum sw_error err =
      sw_manage_each_record(body, len, SW_PIPE_TAG_NOTIFICATION, notification_record, &g);
  *out = g.items;
  *count = g.count;
  if (more)
    *more = !err && body_more(body, len);
  return err;
}

void sw_alert_notifications_free(struct sw_pipe_notification *list, size_t count)
{
  for (size_t i = 0; i < count; i++)
    sw_pipe_notification_free(&list[i]);
  free(list);
}
