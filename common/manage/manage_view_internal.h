/* Internals of the management views (manage_view.h), shared by
 * manage_tables.c (each table's columns and rows) and manage_replies.c (the
 * service's reply bodies read into those tables). Nothing here is used
 * outside common/manage. */
#ifndef SW_MANAGE_VIEW_INTERNAL_H
#define SW_MANAGE_VIEW_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "manage_view.h"
#include "pipe_tlv.h"

/* sw_manage_each_record, with the top-level fields going to `field` (may be
 * NULL): how a page's MORE is read. */
enum sw_error
sw__manage_each_record(const uint8_t *body, size_t len, uint16_t tag,
                       sw_manage_record_fn fn,
                       void (*field)(void *ctx, const struct sw_tlv_field *f), void *ctx);

/* The first record tagged `tag` of a body into `out` (already initialised):
 * `free_it` then `decode` (each pipe decoder initialises its record
 * again); later ones are skipped. SW_E_INVALID_ARGUMENT if there is none.
 * What was decoded stays in `out`, also after an error. */
enum sw_error
sw__manage_body_first(const uint8_t *body, size_t len, uint16_t tag, void *out,
                      enum sw_error (*decode)(struct sw_tlv_reader *r, void *out),
                      void (*free_it)(void *out));

/* Defines sw_manage_body_<name>(body, len, type *out): `init`, then
 * sw__manage_body_first with pipe_*.h's `get` and `free_it`. */
#define SW__MANAGE_BODY_FIRST(name, type, tag, init, get, free_it)                       \
  static enum sw_error decode_##name(struct sw_tlv_reader *r, void *out)                 \
  {                                                                                      \
    return get(r, (type *)out);                                                          \
  }                                                                                      \
  static void free_##name(void *out)                                                     \
  {                                                                                      \
    free_it((type *)out);                                                                \
  }                                                                                      \
  enum sw_error sw_manage_body_##name(const uint8_t *body, size_t len, type *out)        \
  {                                                                                      \
    init(out);                                                                           \
    return sw__manage_body_first(body, len, tag, out, decode_##name, free_##name);       \
  }

/* Cells shared by the tables: "yes"/"no" for people, "true"/"false" for
 * scripts; a time as the view shows it (empty for 0). */
void sw__manage_cell_bool(struct sw_table *t, const struct sw_manage_view *v, bool b);
void sw__manage_cell_time(struct sw_table *t, const struct sw_manage_view *v, int64_t ms);

/* True when the view is text for people, false for scripts (JSON, CSV). */
static inline bool sw__manage_for_people(const struct sw_manage_view *v)
{
  return v->format == SW_TABLE_TEXT;
}

/* Each table by a pair: _init initialises `t` with its columns (for people
 * or for scripts, by the view's format; free it with sw_table_free), _add
 * appends one row (a failure is kept in t->err). */
void sw__manage_rules_init(struct sw_table *t, const struct sw_manage_view *v,
                           bool brief);
void sw__manage_rules_add(struct sw_table *t, const struct sw_manage_view *v, bool brief,
                          const struct sw_rule *r, int64_t revision);
void sw__manage_status_init(struct sw_table *t, const struct sw_manage_view *v);
void sw__manage_status_add(struct sw_table *t, const struct sw_manage_view *v,
                           const struct sw_pipe_status *s);
void sw__manage_results_init(struct sw_table *t, const struct sw_manage_view *v);
void sw__manage_results_add(struct sw_table *t, const struct sw_manage_view *v,
                            const struct sw_pipe_result *r);
void sw__manage_events_init(struct sw_table *t, const struct sw_manage_view *v);
void sw__manage_events_add(struct sw_table *t, const struct sw_manage_view *v,
                           const struct sw_pipe_event *e);
/* The service's figures as a one-row table (initialises `t`); `server`
 * (may be NULL) adds what smtpwatch found out about the pipe's server. */
void sw__manage_service_info(struct sw_table *t, const struct sw_manage_view *v,
                             const struct sw_pipe_service_info *i,
                             const struct sw_manage_server *server);

#endif
