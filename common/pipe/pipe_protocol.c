/* Names and the shared records of the control pipe protocol. */
#include "pipe_protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipe_fields.h"
#include "sw_macros.h"
#include "sw_names.h"

/* One row of the message map, found by number. */
struct msg_row {
  const char *name; /* "HELLO" */
  uint16_t version;
  const char *what; /* "notifiers" */
};

static const struct msg_row *msg_row(uint16_t message)
{
  switch (message) {
/* Variadic, so that the map's SW_PIPE_V* columns are expanded first. */
#define SW_PIPE_MSG_CASE(...) SW_PIPE_MSG_CASE_(__VA_ARGS__)
#define SW_PIPE_MSG_CASE_(e, n, v, w)                                                    \
  case n: {                                                                              \
    static const struct msg_row row = {&(#e)[sizeof "SW_PIPE_MSG_" - 1], v, w};          \
    return &row;                                                                         \
  }
    SW_PIPE_MSG_MAP(SW_PIPE_MSG_CASE)
#undef SW_PIPE_MSG_CASE_
#undef SW_PIPE_MSG_CASE
  default:
    return NULL;
  }
}

const char *sw_pipe_msg_name(uint16_t message)
{
  const struct msg_row *row = msg_row(message);
  return row ? row->name : NULL;
}

uint16_t sw_pipe_msg_version(uint16_t message)
{
  const struct msg_row *row = msg_row(message);
  return row ? row->version : 0;
}

bool sw_pipe_version_choose(int64_t client_min, int64_t client_max, uint16_t *chosen)
{
  int64_t high =
      client_max < SW_PIPE_PROTOCOL_VERSION ? client_max : SW_PIPE_PROTOCOL_VERSION;
  int64_t low = client_min > SW_PIPE_PROTOCOL_VERSION_OLDEST
                    ? client_min
                    : SW_PIPE_PROTOCOL_VERSION_OLDEST;
  if (high < low)
    return false;
  *chosen = (uint16_t)high;
  return true;
}

bool sw_pipe_version_accepted(int64_t version)
{
  return version >= SW_PIPE_PROTOCOL_VERSION_OLDEST &&
         version <= SW_PIPE_PROTOCOL_VERSION;
}

bool sw_pipe_msg_allowed(uint16_t message, uint16_t version, char *why, size_t size)
{
  const struct msg_row *row = msg_row(message);
  if (row && row->version <= version)
    return true;
  if (!why || size == 0)
    return false;
  if (!row)
    snprintf(why, size, "This tool does not know request %u of the SMTP Watch service.",
             (unsigned)message);
  else
    snprintf(why, size,
             "The SMTP Watch service is older than this tool: %s need protocol version "
             "%u and it speaks version %u; update the service.",
             row->what, (unsigned)row->version, (unsigned)version);
  return false;
}

static const char *const error_codes[] = {SW_PIPE_ERROR_MAP(SW_X_2)};

static const char *const error_texts[] = {SW_PIPE_ERROR_MAP(SW_X_3)};

const char *sw_pipe_error_code(enum sw_pipe_error e)
{
  return SW_TABLE_AT(error_codes, e, "internal");
}

const char *sw_pipe_error_text(enum sw_pipe_error e)
{
  return SW_TABLE_AT(error_texts, e, error_texts[SW_PIPE_ERR_INTERNAL]);
}

bool sw_pipe_error_from_code(const char *code, size_t len, enum sw_pipe_error *out)
{
  int i = sw_name_index_n(error_codes, SW_COUNTOF(error_codes), code, len);
  if (i >= 0)
    *out = (enum sw_pipe_error)i;
  return i >= 0;
}

void sw_pipe_put_problems(struct sw_buf *out, const struct sw_rule_problems *p)
{
  for (size_t i = 0; i < p->count; i++) {
    sw_tlv_begin(out, SW_PIPE_TAG_PROBLEM);
    sw_tlv_put_str(out, SW_PIPE_TAG_PROBLEM_FIELD, sw_rule_field_name(p->items[i].field));
    sw_tlv_put_str(out, SW_PIPE_TAG_PROBLEM_MESSAGE, p->items[i].message);
    sw_tlv_end(out);
  }
}

static enum sw_error problem_field(void *ctx, const struct sw_tlv_field *f)
{
  struct sw_rule_problem *item = ctx;
  if (f->type != SW_TLV_STR)
    return SW_E_OK;
  if (f->tag == SW_PIPE_TAG_PROBLEM_FIELD) {
    char name[32];
    sw__pipe_copy_text(name, sizeof name, f);
    if (f->len >= sizeof name || !sw_rule_field_from_name(name, &item->field))
      item->field = SW_RULE_FIELD_COUNT;
  } else if (f->tag == SW_PIPE_TAG_PROBLEM_MESSAGE) {
    sw__pipe_copy_text(item->message, sizeof item->message, f);
  }
  return SW_E_OK;
}

enum sw_error sw_pipe_get_problem(struct sw_tlv_reader *r, struct sw_rule_problems *p)
{
  struct sw_rule_problem item = {.field = SW_RULE_FIELD_COUNT};
  enum sw_error err = sw_tlv_each_field(r, problem_field, NULL, &item);
  if (err)
    return err;
  if (item.field < SW_RULE_FIELD_COUNT && p->count < SW_COUNTOF(p->items))
    p->items[p->count++] = item;
  return SW_E_OK;
}

enum sw_error sw_pipe_encode_error(struct sw_buf *out, uint32_t request_id,
                                   enum sw_pipe_error e, const char *detail)
{
  size_t start;
  enum sw_error err = sw_pipe_frame_begin(out, SW_PIPE_MSG_ERROR, request_id, &start);
  if (err)
    return err;
  sw_tlv_put_str(out, SW_PIPE_TAG_ERROR_CODE, sw_pipe_error_code(e));
  sw_tlv_put_str(out, SW_PIPE_TAG_ERROR_MESSAGE,
                 detail && *detail ? detail : sw_pipe_error_text(e));
  return sw_pipe_frame_end(out, start);
}
