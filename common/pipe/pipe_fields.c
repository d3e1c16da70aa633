/* The field tables of the version 2 records, and the field readers every
 * record shares (pipe_fields.h). */
#include "pipe_fields.h"

#include <stdlib.h>
#include <string.h>

#include "pipe_protocol.h"
#include "sw_array.h"
#include "sw_macros.h"
#include "sw_names.h"

void sw__pipe_copy_text(char *dst, size_t size, const struct sw_tlv_field *f)
{
  size_t n = f->len < size - 1 ? f->len : size - 1;
  memcpy(dst, f->s, n);
  dst[n] = '\0';
}

enum sw_error sw__pipe_dup_text(char **slot, const struct sw_tlv_field *f)
{
  char *s = sw_tlv_strdup(f);
  if (!s)
    return SW_E_NOMEM;
  free(*slot);
  *slot = s;
  return SW_E_OK;
}

/* The member a row describes, as bytes of the record. */
static void *member(const void *rec, size_t at)
{
  return (char *)rec + at;
}

/* Enum members are read and written as int: the records' .c files assert
 * that their enums are int-sized. memcpy, since an enum's type need not be
 * int itself. */
static int enum_get(const void *rec, size_t at)
{
  int v;
  memcpy(&v, member(rec, at), sizeof v);
  return v;
}

static void enum_set(void *rec, size_t at, int v)
{
  memcpy(member(rec, at), &v, sizeof v);
}

static void put_list(struct sw_buf *out, const void *rec, const struct sw__pipe_field *t)
{
  char *const *items = *(char *const *const *)member(rec, t->at);
  size_t count = *(const size_t *)member(rec, t->count_at);
  for (size_t i = 0; i < count; i++)
    sw_tlv_put_str(out, t->tag, items[i]);
}

static bool is_zero(const void *rec, const struct sw__pipe_field *t)
{
  switch (t->kind) {
  case SW__PF_INT:
    return *(const int64_t *)member(rec, t->at) == 0;
  case SW__PF_U32:
    return *(const uint32_t *)member(rec, t->at) == 0;
  case SW__PF_BOOL:
    return !*(const bool *)member(rec, t->at);
  case SW__PF_TEXT: {
    const char *s = *(const char *const *)member(rec, t->at);
    return !s || !*s;
  }
  case SW__PF_ENUM:
    return enum_get(rec, t->at) == 0;
  case SW__PF_CHARS:
    return *(const char *)member(rec, t->at) == '\0';
  case SW__PF_LIST:
  default:
    return false; /* an empty list writes nothing anyway */
  }
}

void sw__pipe_put_fields(struct sw_buf *out, const void *rec,
                         const struct sw__pipe_field *table, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    const struct sw__pipe_field *t = &table[i];
    if ((t->flags & SW__PF_OMIT_ZERO) && is_zero(rec, t))
      continue;
    switch (t->kind) {
    case SW__PF_INT:
      sw_tlv_put_int(out, t->tag, *(const int64_t *)member(rec, t->at));
      break;
    case SW__PF_U32:
      sw_tlv_put_int(out, t->tag, *(const uint32_t *)member(rec, t->at));
      break;
    case SW__PF_BOOL:
      sw_tlv_put_bool(out, t->tag, *(const bool *)member(rec, t->at));
      break;
    case SW__PF_TEXT: {
      const char *s = *(const char *const *)member(rec, t->at);
      if (s)
        sw_tlv_put_str(out, t->tag, s);
      break;
    }
    case SW__PF_CHARS:
      sw_tlv_put_str(out, t->tag, member(rec, t->at));
      break;
    case SW__PF_LIST:
      put_list(out, rec, t);
      break;
    case SW__PF_ENUM:
      sw_tlv_put_str(out, t->tag,
                     (size_t)enum_get(rec, t->at) < t->name_count
                         ? t->names[enum_get(rec, t->at)]
                         : "");
      break;
    }
  }
}

static enum sw_error list_add(void *rec, const struct sw__pipe_field *t,
                              const struct sw_tlv_field *f)
{
  char ***items = member(rec, t->at);
  size_t *count = member(rec, t->count_at);
  /* The capacity is not kept: growing from 1 by doubling, the array holds
   * exactly the next power of two at or above count (0 for none). */
  size_t cap = 0;
  while (cap < *count)
    cap = cap ? cap * 2 : 1;
  char **grown = sw_array_grow(*items, &cap, *count, sizeof **items, 1);
  if (!grown)
    return SW_E_NOMEM;
  *items = grown;
  char *s = sw_tlv_strdup(f);
  if (!s)
    return SW_E_NOMEM;
  grown[(*count)++] = s;
  return SW_E_OK;
}

static enum sw_tlv_type wire_type(enum sw__pipe_kind kind)
{
  switch (kind) {
  case SW__PF_INT:
  case SW__PF_U32:
    return SW_TLV_INT;
  case SW__PF_BOOL:
    return SW_TLV_BOOL;
  default:
    return SW_TLV_STR;
  }
}

static enum sw_error get_one(void *rec, const struct sw__pipe_field *t,
                             const struct sw_tlv_field *f)
{
  if (f->type != wire_type(t->kind))
    return SW_E_INVALID_ARGUMENT; /* a known field of the wrong type */
  switch (t->kind) {
  case SW__PF_INT:
    *(int64_t *)member(rec, t->at) = f->i;
    return SW_E_OK;
  case SW__PF_U32:
    *(uint32_t *)member(rec, t->at) = f->i < 0            ? 0
                                      : f->i > UINT32_MAX ? UINT32_MAX
                                                          : (uint32_t)f->i;
    return SW_E_OK;
  case SW__PF_BOOL:
    *(bool *)member(rec, t->at) = f->i != 0;
    return SW_E_OK;
  case SW__PF_TEXT:
    return sw__pipe_dup_text(member(rec, t->at), f);
  case SW__PF_CHARS:
    sw__pipe_copy_text(member(rec, t->at), t->count_at, f);
    return SW_E_OK;
  case SW__PF_LIST:
    return list_add(rec, t, f);
  case SW__PF_ENUM: {
    int i = sw_name_index_n(t->names, t->name_count, f->s, f->len);
    enum_set(rec, t->at, i >= 0 ? i : t->unknown);
    return SW_E_OK;
  }
  }
  return SW_E_OK;
}

enum sw_error sw__pipe_get_field(void *rec, const struct sw__pipe_field *table, size_t n,
                                 const struct sw_tlv_field *f, bool *known)
{
  for (size_t i = 0; i < n; i++)
    if (table[i].tag == f->tag) {
      *known = true;
      return get_one(rec, &table[i], f);
    }
  return SW_E_OK;
}

static void free_text(char *s, unsigned flags)
{
  if (s && (flags & SW__PF_SECRET)) {
    volatile char *p = s; /* not optimised away: the free follows */
    while (*p)
      *p++ = 0;
  }
  free(s);
}

void sw__pipe_free_fields(void *rec, const struct sw__pipe_field *table, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    const struct sw__pipe_field *t = &table[i];
    if (t->kind == SW__PF_TEXT) {
      char **s = member(rec, t->at);
      free_text(*s, t->flags);
      *s = NULL;
    } else if (t->kind == SW__PF_LIST) {
      char ***items = member(rec, t->at);
      size_t *count = member(rec, t->count_at);
      for (size_t k = 0; k < *count; k++)
        free_text((*items)[k], t->flags);
      free(*items);
      *items = NULL;
      *count = 0;
    }
  }
}

void sw__pipe_record_put(struct sw_buf *out, const struct sw__pipe_record *r,
                         const void *rec)
{
  sw_tlv_begin(out, r->tag);
  sw__pipe_put_fields(out, rec, r->fields, r->n);
  sw_tlv_end(out);
}

struct record_ctx {
  const struct sw__pipe_record *r;
  void *rec;
};

static enum sw_error record_field(void *ctx, const struct sw_tlv_field *f)
{
  const struct record_ctx *c = ctx;
  bool known = false;
  return sw__pipe_get_field(c->rec, c->r->fields, c->r->n, f, &known);
}

enum sw_error sw__pipe_record_get(struct sw_tlv_reader *rd,
                                  const struct sw__pipe_record *r, void *rec)
{
  struct record_ctx c = {r, rec};
  r->init(rec);
  return sw_tlv_each_field(rd, record_field, NULL, &c);
}

void sw__pipe_record_free(const struct sw__pipe_record *r, void *rec)
{
  sw__pipe_free_fields(rec, r->fields, r->n);
  r->init(rec);
}

void sw__pipe_put_rule_identity(struct sw_buf *out, int64_t rule_id, const char *name,
                                const char *host, int64_t port)
{
  sw_tlv_put_int(out, SW_PIPE_TAG_RULE_ID, rule_id);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_NAME, name);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_HOST, host);
  sw_tlv_put_int(out, SW_PIPE_TAG_RULE_PORT, port);
}
