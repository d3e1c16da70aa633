#include "pipe_tlv.h"

#include <stdlib.h>
#include <string.h>

#include "sw_macros.h"

static void put_head(struct sw_buf *out, uint16_t tag, enum sw_tlv_type type)
{
  uint8_t h[3] = {(uint8_t)tag, (uint8_t)(tag >> 8), (uint8_t)type};
  if (sw_buf_append(out, h, sizeof h))
    out->truncated = true; /* out of memory: make it sticky */
}

static void put_bytes(struct sw_buf *out, const void *p, size_t n)
{
  if (sw_buf_append(out, p, n))
    out->truncated = true;
}

void sw_tlv_put_int(struct sw_buf *out, uint16_t tag, int64_t value)
{
  uint8_t v[8];
  uint64_t u = (uint64_t)value;
  for (int i = 0; i < 8; i++)
    v[i] = (uint8_t)(u >> (8 * i));
  put_head(out, tag, SW_TLV_INT);
  put_bytes(out, v, sizeof v);
}

void sw_tlv_put_bool(struct sw_buf *out, uint16_t tag, bool value)
{
  uint8_t v = value ? 1 : 0;
  put_head(out, tag, SW_TLV_BOOL);
  put_bytes(out, &v, 1);
}

void sw_tlv_put_strn(struct sw_buf *out, uint16_t tag, const char *value, size_t len)
{
  if (NEVER(len > UINT32_MAX)) { /* frames are limited to 1 MiB */
    out->truncated = true;
    return;
  }
  uint8_t n[4] = {(uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16),
                  (uint8_t)(len >> 24)};
  put_head(out, tag, SW_TLV_STR);
  put_bytes(out, n, sizeof n);
  if (len)
    put_bytes(out, value, len);
}

void sw_tlv_put_str(struct sw_buf *out, uint16_t tag, const char *value)
{
  sw_tlv_put_strn(out, tag, value ? value : "", value ? strlen(value) : 0);
}

void sw_tlv_begin(struct sw_buf *out, uint16_t tag)
{
  put_head(out, tag, SW_TLV_BEGIN);
}

void sw_tlv_end(struct sw_buf *out)
{
  put_head(out, 0, SW_TLV_END);
}

void sw_tlv_reader_init(struct sw_tlv_reader *r, const uint8_t *body, size_t len)
{
  r->p = body;
  r->end = body + len;
  r->depth = 0;
  r->error = SW_E_OK;
}

static bool bad(struct sw_tlv_reader *r)
{
  r->error = SW_E_INVALID_ARGUMENT;
  r->p = r->end;
  return false;
}

bool sw_tlv_next(struct sw_tlv_reader *r, struct sw_tlv_field *f)
{
  if (r->error)
    return false;
  size_t left = (size_t)(r->end - r->p);
  if (left == 0)
    return r->depth == 0 ? false : bad(r); /* a record left open */
  if (left < 3)
    return bad(r);
  f->tag = (uint16_t)(r->p[0] | r->p[1] << 8);
  f->type = (enum sw_tlv_type)r->p[2];
  f->i = 0;
  f->s = NULL;
  f->len = 0;
  r->p += 3;
  left -= 3;
  switch (f->type) {
  case SW_TLV_INT: {
    if (left < 8)
      return bad(r);
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
      u = u << 8 | r->p[i];
    f->i = (int64_t)u;
    r->p += 8;
    break;
  }
  case SW_TLV_BOOL:
    if (left < 1 || r->p[0] > 1)
      return bad(r);
    f->i = r->p[0];
    r->p += 1;
    break;
  case SW_TLV_STR: {
    if (left < 4)
      return bad(r);
    size_t n = (size_t)r->p[0] | (size_t)r->p[1] << 8 | (size_t)r->p[2] << 16 |
               (size_t)r->p[3] << 24;
    if (n > left - 4)
      return bad(r);
    f->s = (const char *)r->p + 4;
    f->len = n;
    if (memchr(f->s, '\0', n))
      return bad(r); /* would silently cut C strings */
    r->p += 4 + n;
    break;
  }
  case SW_TLV_BEGIN:
    if (r->depth >= SW_TLV_MAX_DEPTH)
      return bad(r);
    f->depth = r->depth++;
    return true;
  case SW_TLV_END:
    if (r->depth == 0)
      return bad(r);
    f->depth = --r->depth;
    return true;
  default:
    return bad(r);
  }
  f->depth = r->depth;
  return true;
}

bool sw_tlv_skip_record(struct sw_tlv_reader *r)
{
  int target = r->depth - 1;
  struct sw_tlv_field f;
  while (r->depth > target)
    if (!sw_tlv_next(r, &f))
      return false;
  return true;
}

/* Hands `f` to `field`, or a BEGIN to `nested` (NULL: the record is
 * skipped). */
static enum sw_error walk_one(struct sw_tlv_reader *r, const struct sw_tlv_field *f,
                              sw_tlv_field_fn field, sw_tlv_record_fn nested, void *ctx)
{
  if (f->type != SW_TLV_BEGIN)
    return field(ctx, f);
  if (nested)
    return nested(ctx, r, f->tag);
  return sw_tlv_skip_record(r) ? SW_E_OK : SW_E_INVALID_ARGUMENT;
}

enum sw_error sw_tlv_each_field(struct sw_tlv_reader *r, sw_tlv_field_fn field,
                                sw_tlv_record_fn nested, void *ctx)
{
  int depth = r->depth;
  struct sw_tlv_field f;
  for (;;) {
    if (!sw_tlv_next(r, &f))
      return SW_E_INVALID_ARGUMENT; /* malformed, or the END never came */
    if (f.type == SW_TLV_END && r->depth == depth - 1)
      return SW_E_OK;
    enum sw_error err = walk_one(r, &f, field, nested, ctx);
    if (err)
      return err;
  }
}

enum sw_error sw_tlv_each_body_field(const uint8_t *body, size_t len,
                                     sw_tlv_field_fn field, sw_tlv_record_fn nested,
                                     void *ctx)
{
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&r, body, len);
  while (sw_tlv_next(&r, &f)) {
    enum sw_error err = walk_one(&r, &f, field, nested, ctx);
    if (err)
      return err;
  }
  return r.error;
}

char *sw_tlv_strdup(const struct sw_tlv_field *f)
{
  char *s = malloc(f->len + 1);
  if (!s)
    return NULL;
  if (f->len)
    memcpy(s, f->s, f->len);
  s[f->len] = '\0';
  return s;
}
