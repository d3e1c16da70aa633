/* `rules export` and `rules import` on the pipe, the client's side
 * (rule_import.h). */
#include "rule_import.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"
#include "sw_array.h"
#include "manage_view_internal.h"
#include "pipe_protocol.h"

void sw_manage_rules_free(struct sw_manage_rules *l)
{
  for (size_t i = 0; i < l->count; i++)
    sw_rule_free(&l->items[i]);
  free(l->items);
  *l = (struct sw_manage_rules){0};
}

struct page_in {
  struct sw_manage_rules *l;
  struct sw_manage_page *page;
};

static enum sw_error take_rule(void *ctx, struct sw_tlv_reader *r)
{
  struct page_in *in = ctx;
  struct sw_manage_rules *l = in->l;
  struct sw_rule *items = sw_array_grow(l->items, &l->cap, l->count, sizeof *items, 256);
  if (!items)
    return SW_E_NOMEM;
  l->items = items;
  struct sw_pipe_rule pr;
  enum sw_error err = sw_pipe_get_rule(r, &pr);
  if (err)
    return err;
  l->items[l->count++] = pr.rule;
  in->page->last_key = pr.rule.id;
  return SW_E_OK;
}

static void page_more(void *ctx, const struct sw_tlv_field *f)
{
  struct page_in *in = ctx;
  if (f->tag == SW_PIPE_TAG_MORE && f->type == SW_TLV_BOOL)
    in->page->more = f->i != 0;
}

enum sw_error sw_manage_rules_page(const uint8_t *body, size_t len,
                                   struct sw_manage_rules *l, struct sw_manage_page *page)
{
  memset(page, 0, sizeof *page);
  struct page_in in = {l, page};
  return sw__manage_each_record(body, len, SW_PIPE_TAG_RULE, take_rule, page_more, &in);
}

void sw_manage_import_rows(const struct sw_rule_file *f, size_t *next,
                           struct sw_buf *fields)
{
  size_t start = fields->len;
  if (*next == 0)
    sw_tlv_put_bool(fields, SW_PIPE_TAG_IMPORT_FIRST, true);
  for (; *next < f->count && fields->len - start < SW_MANAGE_IMPORT_CHUNK; (*next)++) {
    const struct sw_rule_file_row *row = &f->rows[*next];
    sw_tlv_put_int(fields, SW_PIPE_TAG_IMPORT_LINE, row->line);
    sw_pipe_put_rule_input(fields, &row->rule, 0, NULL);
  }
}

void sw_manage_import_result_free(struct sw_manage_import_result *r)
{
  free(r->actions);
  for (size_t i = 0; i < r->ndeleted_names; i++)
    free(r->deleted_names[i]);
  free(r->deleted_names);
  *r = (struct sw_manage_import_result){0};
}

/* One top-level field of IMPORT_OK. */
static enum sw_error import_field(struct sw_manage_import_result *out,
                                  const struct sw_tlv_field *f)
{
  int64_t *count = f->tag == SW_PIPE_TAG_IMPORT_ADDED       ? &out->added
                   : f->tag == SW_PIPE_TAG_IMPORT_UPDATED   ? &out->updated
                   : f->tag == SW_PIPE_TAG_IMPORT_UNCHANGED ? &out->unchanged
                   : f->tag == SW_PIPE_TAG_IMPORT_DELETED   ? &out->deleted
                                                            : NULL;
  if (count && f->type == SW_TLV_INT)
    *count = f->i;
  else if (f->tag == SW_PIPE_TAG_IMPORT_DRY_RUN && f->type == SW_TLV_BOOL)
    out->dry_run = f->i != 0;
  else if (f->tag == SW_PIPE_TAG_IMPORT_REPLACE && f->type == SW_TLV_BOOL)
    out->replace = f->i != 0;
  else if (f->tag == SW_PIPE_TAG_IMPORT_ACTIONS && f->type == SW_TLV_STR) {
    free(out->actions);
    if (!(out->actions = sw_tlv_strdup(f)))
      return SW_E_NOMEM;
    out->nactions = strlen(out->actions);
  } else if (f->tag == SW_PIPE_TAG_IMPORT_DELETED_NAME && f->type == SW_TLV_STR) {
    char **names = realloc(out->deleted_names, (out->ndeleted_names + 1) * sizeof *names);
    if (!names)
      return SW_E_NOMEM;
    out->deleted_names = names;
    if (!(names[out->ndeleted_names] = sw_tlv_strdup(f)))
      return SW_E_NOMEM;
    out->ndeleted_names++;
  } else if (count || f->tag == SW_PIPE_TAG_IMPORT_ACTIONS) {
    return SW_E_INVALID_ARGUMENT; /* a known field of the wrong type */
  }
  return SW_E_OK;
}

enum sw_error sw_manage_import_read(const uint8_t *body, size_t len,
                                    struct sw_manage_import_result *out)
{
  *out = (struct sw_manage_import_result){0};
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&r, body, len);
  enum sw_error err = SW_E_OK;
  while (!err && sw_tlv_next(&r, &f))
    err = f.type == SW_TLV_BEGIN
              ? (sw_tlv_skip_record(&r) ? SW_E_OK : SW_E_INVALID_ARGUMENT)
              : import_field(out, &f);
  if (!err)
    err = r.error;
  if (err)
    sw_manage_import_result_free(out);
  return err;
}

static const char *action_word(char a)
{
  return a == 'a' ? "added" : a == 'u' ? "updated" : a == '=' ? "unchanged" : "?";
}

static enum sw_error plan_json(const struct sw_rule_file *f,
                               const struct sw_manage_import_result *r,
                               struct sw_buf *out)
{
  struct sw_json j;
  sw_json_init(&j, out);
  sw_json_begin_object(&j);
  sw_json_member_bool(&j, "dry_run", r->dry_run);
  sw_json_member_bool(&j, "replace", r->replace);
  const char *keys[] = {"added", "updated", "unchanged", "deleted"};
  const int64_t counts[] = {r->added, r->updated, r->unchanged, r->deleted};
  for (size_t i = 0; i < SW_COUNTOF(keys); i++) {
    sw_json_member_int(&j, keys[i], counts[i]);
  }
  sw_json_key(&j, "rules");
  sw_json_begin_array(&j);
  for (size_t i = 0; i < f->count && i < r->nactions; i++) {
    sw_json_begin_object(&j);
    sw_json_member_string(&j, "name", f->rows[i].rule.name);
    sw_json_member_int(&j, "line", f->rows[i].line);
    sw_json_member_string(&j, "action", action_word(r->actions[i]));
    sw_json_end_object(&j);
  }
  for (size_t i = 0; i < r->ndeleted_names; i++) {
    sw_json_begin_object(&j);
    sw_json_member_string(&j, "name", r->deleted_names[i]);
    sw_json_member_string(&j, "action", "deleted");
    sw_json_end_object(&j);
  }
  sw_json_end_array(&j);
  sw_json_end_object(&j);
  enum sw_error err = sw_json_finish(&j);
  return err ? err : sw_buf_append(out, "\n", 1);
}

enum sw_error sw_manage_import_text(const struct sw_rule_file *f,
                                    const struct sw_manage_import_result *r, bool json,
                                    bool all, struct sw_buf *out)
{
  if (json)
    return plan_json(f, r, out);
  enum sw_error err = SW_E_OK;
  for (size_t i = 0; i < f->count && i < r->nactions; i++)
    if (all || r->actions[i] != '=')
      sw_buf_printf_sticky(
          out, &err, "  %-9s  %s (line %u)\n", action_word(r->actions[i]),
          f->rows[i].rule.name ? f->rows[i].rule.name : "", f->rows[i].line);
  for (size_t i = 0; i < r->ndeleted_names; i++)
    sw_buf_printf_sticky(out, &err, "  %-9s  %s\n", "deleted", r->deleted_names[i]);
  if (r->deleted > (int64_t)r->ndeleted_names)
    sw_buf_printf_sticky(out, &err, "  ... and %" PRId64 " more rules deleted\n",
                         r->deleted - (int64_t)r->ndeleted_names);
  sw_buf_printf_sticky(
      out, &err,
      "%s %" PRId64 " added, %" PRId64 " updated, %" PRId64 " unchanged, %" PRId64
      " deleted%s.\n",
      r->dry_run ? "Dry run, nothing was changed: would be" : "Imported:", r->added,
      r->updated, r->unchanged, r->deleted,
      r->replace ? ""
                 : " (rules not in the file are kept: --replace "
                   "deletes them)");
  return err;
}
