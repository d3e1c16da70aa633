/* The service's reply bodies read for the management commands
 * (manage_view.h): the records of a body into a table, a page's cursor,
 * and the first rule, result or the problems of a reply. */
#include <string.h>

#include "manage_view_internal.h"
#include "pipe_tlv.h"

typedef sw_manage_record_fn record_fn;

enum sw_error
sw__manage_each_record(const uint8_t *body, size_t len, uint16_t tag, record_fn fn,
                       void (*field)(void *ctx, const struct sw_tlv_field *f), void *ctx)
{
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&r, body, len);
  while (sw_tlv_next(&r, &f)) {
    if (f.type == SW_TLV_BEGIN) {
      enum sw_error err = f.tag == tag             ? fn(ctx, &r)
                          : sw_tlv_skip_record(&r) ? SW_E_OK
                                                   : SW_E_INVALID_ARGUMENT;
      if (err)
        return err;
    } else if (field) {
      field(ctx, &f);
    }
  }
  return r.error;
}

enum sw_error sw_manage_each_record(const uint8_t *body, size_t len, uint16_t tag,
                                    sw_manage_record_fn fn, void *ctx)
{
  return sw__manage_each_record(body, len, tag, fn, NULL, ctx);
}

struct fill {
  struct sw_table *t;
  const struct sw_manage_view *v;
  bool brief;
  struct sw_manage_page *page;
};

static void page_field(void *ctx, const struct sw_tlv_field *f)
{
  struct fill *fl = ctx;
  if (fl->page && f->tag == SW_PIPE_TAG_MORE && f->type == SW_TLV_BOOL)
    fl->page->more = f->i != 0;
}

/* Appends a row to fl->t for each record tagged `tag` in the body, read
 * by `row`; the page (if any) starts over, and says whether there is
 * more. */
static enum sw_error fill_table(const uint8_t *body, size_t len, uint16_t tag,
                                record_fn row, struct fill *fl)
{
  if (fl->page)
    memset(fl->page, 0, sizeof *fl->page);
  return sw__manage_each_record(body, len, tag, row, page_field, fl);
}

static enum sw_error rule_row(void *ctx, struct sw_tlv_reader *r)
{
  struct fill *fl = ctx;
  struct sw_pipe_rule pr;
  enum sw_error err = sw_pipe_get_rule(r, &pr);
  if (err)
    return err;
  sw__manage_rules_add(fl->t, fl->v, fl->brief, &pr.rule, pr.revision);
  if (fl->page)
    fl->page->last_key = pr.rule.id;
  sw_rule_free(&pr.rule);
  return fl->t->err;
}

enum sw_error sw_manage_rules_table(const uint8_t *body, size_t len,
                                    const struct sw_manage_view *v, bool brief,
                                    struct sw_table *t, struct sw_manage_page *page)
{
  if (t->ncolumns == 0)
    sw__manage_rules_init(t, v, brief);
  struct fill fl = {t, v, brief, page};
  return fill_table(body, len, SW_PIPE_TAG_RULE, rule_row, &fl);
}

static enum sw_error status_row(void *ctx, struct sw_tlv_reader *r)
{
  struct fill *fl = ctx;
  struct sw_pipe_status s;
  enum sw_error err = sw_pipe_get_status(r, &s);
  if (!err) {
    sw__manage_status_add(fl->t, fl->v, &s);
    if (fl->page)
      fl->page->last_key = s.rule_id;
  }
  sw_pipe_status_free(&s);
  return err ? err : fl->t->err;
}

enum sw_error sw_manage_status_table(const uint8_t *body, size_t len,
                                     const struct sw_manage_view *v, struct sw_table *t,
                                     struct sw_manage_page *page)
{
  if (t->ncolumns == 0)
    sw__manage_status_init(t, v);
  struct fill fl = {t, v, false, page};
  return fill_table(body, len, SW_PIPE_TAG_STATUS, status_row, &fl);
}

static enum sw_error result_row(void *ctx, struct sw_tlv_reader *r)
{
  struct fill *fl = ctx;
  struct sw_pipe_result res;
  enum sw_error err = sw_pipe_get_result(r, &res);
  if (!err) {
    sw__manage_results_add(fl->t, fl->v, &res);
    fl->page->last_at = res.started_at_ms;
    fl->page->last_key = res.id;
  }
  sw_pipe_result_free(&res);
  return err ? err : fl->t->err;
}

enum sw_error sw_manage_history_table(const uint8_t *body, size_t len,
                                      const struct sw_manage_view *v, struct sw_table *t,
                                      struct sw_manage_page *page)
{
  sw__manage_results_init(t, v);
  struct fill fl = {t, v, false, page};
  return fill_table(body, len, SW_PIPE_TAG_RESULT, result_row, &fl);
}

static enum sw_error event_row(void *ctx, struct sw_tlv_reader *r)
{
  struct fill *fl = ctx;
  struct sw_pipe_event e;
  enum sw_error err = sw_pipe_get_event(r, &e);
  if (!err) {
    sw__manage_events_add(fl->t, fl->v, &e);
    fl->page->last_key = e.key;
  }
  sw_pipe_event_free(&e);
  return err ? err : fl->t->err;
}

enum sw_error sw_manage_events_table(const uint8_t *body, size_t len,
                                     const struct sw_manage_view *v, struct sw_table *t,
                                     struct sw_manage_page *page)
{
  sw__manage_events_init(t, v);
  struct fill fl = {t, v, false, page};
  return fill_table(body, len, SW_PIPE_TAG_EVENT, event_row, &fl);
}

enum sw_error sw_manage_service_table(const uint8_t *body, size_t len,
                                      const struct sw_manage_view *v,
                                      const struct sw_manage_server *server,
                                      struct sw_table *t)
{
  struct sw_pipe_service_info info;
  enum sw_error err = sw_pipe_get_service_info(body, len, &info);
  sw__manage_service_info(t, v, &info, server); /* initialises t in any case */
  return err ? err : t->err;
}

struct first {
  bool found;
  void *out;
  enum sw_error (*decode)(struct sw_tlv_reader *r, void *out);
  void (*free_it)(void *out);
};

static enum sw_error first_record(void *ctx, struct sw_tlv_reader *r)
{
  struct first *fi = ctx;
  if (fi->found)
    return sw_tlv_skip_record(r) ? SW_E_OK : SW_E_INVALID_ARGUMENT;
  fi->free_it(fi->out);
  fi->found = true;
  return fi->decode(r, fi->out);
}

enum sw_error
sw__manage_body_first(const uint8_t *body, size_t len, uint16_t tag, void *out,
                      enum sw_error (*decode)(struct sw_tlv_reader *r, void *out),
                      void (*free_it)(void *out))
{
  struct first fi = {false, out, decode, free_it};
  enum sw_error err = sw__manage_each_record(body, len, tag, first_record, NULL, &fi);
  return !err && !fi.found ? SW_E_INVALID_ARGUMENT : err;
}

static enum sw_error decode_rule(struct sw_tlv_reader *r, void *out)
{
  return sw_pipe_get_rule(r, out);
}

static void free_rule(void *out)
{
  sw_rule_free(&((struct sw_pipe_rule *)out)->rule);
}

enum sw_error sw_manage_body_rule(const uint8_t *body, size_t len,
                                  struct sw_pipe_rule *out)
{
  sw_rule_init_defaults(&out->rule);
  out->revision = 0;
  enum sw_error err =
      sw__manage_body_first(body, len, SW_PIPE_TAG_RULE, out, decode_rule, free_rule);
  if (err)
    sw_rule_free(&out->rule); /* unlike the others: nothing is owned after an error */
  return err;
}

SW__MANAGE_BODY_FIRST(result, struct sw_pipe_result, SW_PIPE_TAG_RESULT,
                      sw_pipe_result_init, sw_pipe_get_result, sw_pipe_result_free)

static enum sw_error problem(void *ctx, struct sw_tlv_reader *r)
{
  return sw_pipe_get_problem(r, ctx);
}

enum sw_error sw_manage_body_problems(const uint8_t *body, size_t len,
                                      struct sw_rule_problems *out)
{
  out->count = 0;
  return sw__manage_each_record(body, len, SW_PIPE_TAG_PROBLEM, problem, NULL, out);
}
