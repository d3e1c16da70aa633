/* Internals of the alert views (alert_view.h), shared by alert_tables.c
 * (each table's columns and rows) and alert_replies.c (the reply bodies
 * read into them), as manage_view_internal.h is for the rule views.
 * Nothing here is used outside common/manage. */
#ifndef SW_ALERT_TABLES_H
#define SW_ALERT_TABLES_H

#include "alert_view.h"
#include "manage_view_internal.h"

/* Each table by a pair: _init initialises `t` with its columns, _add
 * appends one row (a failure is kept in t->err). */
void sw__manage_notifiers_init(struct sw_table *t, bool brief);
void sw__manage_notifiers_add(struct sw_table *t, const struct sw_manage_view *v,
                              bool brief, const struct sw_pipe_notifier *n,
                              const struct sw_pipe_rule_alerts *defaults);
void sw__manage_maintenance_init(struct sw_table *t, const struct sw_manage_view *v);
void sw__manage_maintenance_add(struct sw_table *t, const struct sw_manage_view *v,
                                const struct sw_pipe_maintenance *m);
void sw__manage_notifications_init(struct sw_table *t, const struct sw_manage_view *v);
void sw__manage_notifications_add(struct sw_table *t, const struct sw_manage_view *v,
                                  const struct sw_pipe_notification *n);

/* The columns of a rule's alert settings (*columns; returns how many),
 * and the cells of one rule's, in that order. */
size_t sw__manage_alert_columns(const struct sw_table_column **columns);
void sw__manage_alert_cells(struct sw_table *t, const struct sw_manage_view *v,
                            const struct sw_pipe_rule_alerts *a);

#endif
