/* The service's version 2 reply bodies read for the alert commands
 * (alert_view.h): the records of a body into a table, and the first record
 * of a kind. */
#include <string.h>

#include "alert_tables.h"
#include "pipe_protocol.h"

/* ---- the first record of a kind -------------------------------------- */

SW__MANAGE_BODY_FIRST(rule_alerts, struct sw_pipe_rule_alerts, SW_PIPE_TAG_RULE_ALERTS,
                      sw_pipe_rule_alerts_init, sw_pipe_get_rule_alerts,
                      sw_pipe_rule_alerts_free)
SW__MANAGE_BODY_FIRST(notifier, struct sw_pipe_notifier, SW_PIPE_TAG_NOTIFIER,
                      sw_pipe_notifier_init, sw_pipe_get_notifier, sw_pipe_notifier_free)
SW__MANAGE_BODY_FIRST(maintenance, struct sw_pipe_maintenance, SW_PIPE_TAG_MAINTENANCE,
                      sw_pipe_maintenance_init, sw_pipe_get_maintenance,
                      sw_pipe_maintenance_free)
SW__MANAGE_BODY_FIRST(notification, struct sw_pipe_notification, SW_PIPE_TAG_NOTIFICATION,
                      sw_pipe_notification_init, sw_pipe_get_notification,
                      sw_pipe_notification_free)

/* ---- tables ----------------------------------------------------------- */

struct fill {
  struct sw_table *t;
  const struct sw_manage_view *v;
  bool brief;
  const struct sw_pipe_rule_alerts *defaults;
  struct sw_manage_page *page;
};

static void page_field(void *ctx, const struct sw_tlv_field *f)
{
  struct fill *fl = ctx;
  if (fl->page && f->tag == SW_PIPE_TAG_MORE && f->type == SW_TLV_BOOL)
    fl->page->more = f->i != 0;
}

static enum sw_error notifier_row(void *ctx, struct sw_tlv_reader *r)
{
  struct fill *fl = ctx;
  struct sw_pipe_notifier n;
  enum sw_error err = sw_pipe_get_notifier(r, &n);
  if (!err)
    sw__manage_notifiers_add(fl->t, fl->v, fl->brief, &n, fl->defaults);
  sw_pipe_notifier_free(&n);
  return err ? err : fl->t->err;
}

enum sw_error sw_manage_notifiers_table(const uint8_t *body, size_t len,
                                        const struct sw_manage_view *v, bool brief,
                                        const struct sw_pipe_rule_alerts *defaults,
                                        struct sw_table *t)
{
  sw__manage_notifiers_init(t, brief);
  struct fill fl = {t, v, brief, defaults, NULL};
  return sw__manage_each_record(body, len, SW_PIPE_TAG_NOTIFIER, notifier_row, NULL, &fl);
}

static enum sw_error maintenance_row(void *ctx, struct sw_tlv_reader *r)
{
  struct fill *fl = ctx;
  struct sw_pipe_maintenance m;
  enum sw_error err = sw_pipe_get_maintenance(r, &m);
  if (!err)
    sw__manage_maintenance_add(fl->t, fl->v, &m);
  sw_pipe_maintenance_free(&m);
  return err ? err : fl->t->err;
}

enum sw_error sw_manage_maintenance_table(const uint8_t *body, size_t len,
                                          const struct sw_manage_view *v,
                                          struct sw_table *t)
{
  sw__manage_maintenance_init(t, v);
  struct fill fl = {t, v, false, NULL, NULL};
  return sw__manage_each_record(body, len, SW_PIPE_TAG_MAINTENANCE, maintenance_row, NULL,
                                &fl);
}

static enum sw_error notification_row(void *ctx, struct sw_tlv_reader *r)
{
  struct fill *fl = ctx;
  struct sw_pipe_notification n;
  enum sw_error err = sw_pipe_get_notification(r, &n);
  if (!err) {
    sw__manage_notifications_add(fl->t, fl->v, &n);
    if (fl->page)
      fl->page->last_key = n.key;
  }
  sw_pipe_notification_free(&n);
  return err ? err : fl->t->err;
}

enum sw_error sw_manage_notifications_table(const uint8_t *body, size_t len,
                                            const struct sw_manage_view *v,
                                            struct sw_table *t,
                                            struct sw_manage_page *page)
{
  sw__manage_notifications_init(t, v);
  if (page)
    memset(page, 0, sizeof *page);
  struct fill fl = {t, v, false, NULL, page};
  return sw__manage_each_record(body, len, SW_PIPE_TAG_NOTIFICATION, notification_row,
                                page_field, &fl);
}

enum sw_error sw_manage_rule_alerts_table(const uint8_t *rule_body, size_t rule_len,
                                          const struct sw_pipe_rule_alerts *alerts,
                                          const struct sw_manage_view *v,
                                          struct sw_table *t)
{
  struct sw_pipe_rule pr;
  sw__manage_rules_init(t, v, false);
  if (alerts) {
    /* The rule's columns, then its alert settings': one record. */
    const struct sw_table_column *extra;
    size_t n = sw__manage_alert_columns(&extra);
    if (NEVER(t->ncolumns + n > SW_TABLE_MAX_COLUMNS))
      return SW_E_NOMEM; /* SW_TABLE_MAX_COLUMNS is set to hold them */
    memcpy(t->columns + t->ncolumns, extra, n * sizeof *extra);
    t->ncolumns += n;
  }
  enum sw_error err = sw_manage_body_rule(rule_body, rule_len, &pr);
  if (err)
    return err;
  sw__manage_rules_add(t, v, false, &pr.rule, pr.revision);
  if (alerts)
    sw__manage_alert_cells(t, v, alerts);
  sw_rule_free(&pr.rule);
  return t->err;
}
