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

/* The RULE record's fields, between its BEGIN and END. */
static void put_rule_fields(struct sw_buf *out, const struct sw_rule *r, int64_t revision)
{
  if (r->id)
    sw_tlv_put_int(out, SW_PIPE_TAG_RULE_ID, r->id);
  if (revision)
    sw_tlv_put_int(out, SW_PIPE_TAG_RULE_REVISION, revision);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_NAME, r->name);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_HOST, r->host);
  sw_tlv_put_int(out, SW_PIPE_TAG_RULE_PORT, r->port);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_COMMAND, r->command);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_EXPECT, r->expect);
  sw_tlv_put_int(out, SW_PIPE_TAG_RULE_TIMEOUT_MS, r->timeout_ms);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_EHLO_NAME, r->ehlo_name);
  sw_tlv_put_int(out, SW_PIPE_TAG_RULE_INTERVAL_S, r->interval_s);
  sw_tlv_put_bool(out, SW_PIPE_TAG_RULE_ENABLED, r->enabled);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_TLS_MODE, sw_tls_mode_name(r->tls_mode));
  sw_tlv_put_bool(out, SW_PIPE_TAG_RULE_TLS_INSECURE, r->tls_insecure);
  sw_tlv_put_int(out, SW_PIPE_TAG_RULE_CERT_WARN_DAYS, r->cert_warn_days);
  sw_tlv_put_int(out, SW_PIPE_TAG_RULE_CERT_CRIT_DAYS, r->cert_crit_days);
  sw__pipe_put_rule_past_handshake(out, r);
}

void sw_pipe_put_rule(struct sw_buf *out, const struct sw_rule *r, int64_t revision)
{
  sw_tlv_begin(out, SW_PIPE_TAG_RULE);
  put_rule_fields(out, r, revision);
  sw_tlv_end(out);
}

void sw_pipe_put_rule_input(struct sw_buf *out, const struct sw_rule *rule,
                            int64_t revision, const struct sw_pipe_rule_secrets *secrets)
{
  sw_tlv_begin(out, SW_PIPE_TAG_RULE);
  put_rule_fields(out, rule, revision);
  if (secrets && secrets->auth_password)
    sw_tlv_put_str(out, SW_PIPE_TAG_RULE_AUTH_PASSWORD, secrets->auth_password);
  if (secrets && secrets->oauth_client_secret)
    sw_tlv_put_str(out, SW_PIPE_TAG_RULE_OAUTH_CLIENT_SECRET,
                   secrets->oauth_client_secret);
  sw_tlv_end(out);
}

/* Integers from the wire are clamped into the member's type so that the
 * validator, not a silent wrap-around, judges an absurd value. */
static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

static enum sw_error set_str(char **slot, const struct sw_tlv_field *f)
{
  return f->type == SW_TLV_STR ? sw__pipe_dup_text(slot, f) : SW_E_INVALID_ARGUMENT;
}

/* What the RULE record is decoded into. */
struct rule_in {
  struct sw_pipe_rule *out;
  struct sw_pipe_rule_secrets *secrets; /* NULL: a client's decoder */
};

static enum sw_error rule_field(struct rule_in *in, const struct sw_tlv_field *f)
{
  struct sw_pipe_rule *out = in->out;
  struct sw_rule *r = &out->rule;
  bool is_int = f->type == SW_TLV_INT, is_bool = f->type == SW_TLV_BOOL;
  switch (f->tag) {
  case SW_PIPE_TAG_RULE_ID:
    if (!is_int)
      return SW_E_INVALID_ARGUMENT;
    r->id = f->i;
    return SW_E_OK;
  case SW_PIPE_TAG_RULE_REVISION:
    if (!is_int)
      return SW_E_INVALID_ARGUMENT;
    out->revision = f->i;
    return SW_E_OK;
  case SW_PIPE_TAG_RULE_NAME:
    return set_str(&r->name, f);
  case SW_PIPE_TAG_RULE_HOST:
    return set_str(&r->host, f);
  case SW_PIPE_TAG_RULE_COMMAND:
    return set_str(&r->command, f);
  case SW_PIPE_TAG_RULE_EXPECT:
    return set_str(&r->expect, f);
  case SW_PIPE_TAG_RULE_EHLO_NAME:
    return set_str(&r->ehlo_name, f);
  case SW_PIPE_TAG_RULE_PORT:
    if (!is_int)
      return SW_E_INVALID_ARGUMENT;
    /* 0 (invalid) stands for anything outside 1-65535: the validator says so */
    r->port = f->i >= 1 && f->i <= 65535 ? (uint16_t)f->i : 0;
    return SW_E_OK;
  case SW_PIPE_TAG_RULE_TIMEOUT_MS:
    if (!is_int)
      return SW_E_INVALID_ARGUMENT;
    r->timeout_ms = (uint32_t)clamp(f->i, 0, UINT32_MAX);
    return SW_E_OK;
  case SW_PIPE_TAG_RULE_INTERVAL_S:
    if (!is_int)
      return SW_E_INVALID_ARGUMENT;
    r->interval_s = (uint32_t)clamp(f->i, 0, UINT32_MAX);
    return SW_E_OK;
  case SW_PIPE_TAG_RULE_CERT_WARN_DAYS:
  case SW_PIPE_TAG_RULE_CERT_CRIT_DAYS:
    if (!is_int)
      return SW_E_INVALID_ARGUMENT;
    *(f->tag == SW_PIPE_TAG_RULE_CERT_WARN_DAYS ? &r->cert_warn_days
                                                : &r->cert_crit_days) =
        (int)clamp(f->i, -1, 1000000);
    return SW_E_OK;
  case SW_PIPE_TAG_RULE_ENABLED:
  case SW_PIPE_TAG_RULE_TLS_INSECURE:
    if (!is_bool)
      return SW_E_INVALID_ARGUMENT;
    *(f->tag == SW_PIPE_TAG_RULE_ENABLED ? &r->enabled : &r->tls_insecure) = f->i != 0;
    return SW_E_OK;
  case SW_PIPE_TAG_RULE_TLS_MODE: {
    if (f->type != SW_TLV_STR)
      return SW_E_INVALID_ARGUMENT;
    char name[32];
    sw__pipe_copy_text(name, sizeof name, f);
    if (f->len >= sizeof name || !sw_tls_mode_from_name(name, &r->tls_mode))
      r->tls_mode = SW_TLS_MODE_COUNT; /* the validator names the choices */
    return SW_E_OK;
  }
  default:
    return sw__pipe_rule_past_handshake_field(r, in->secrets, f);
  }
}

static enum sw_error rule_field_cb(void *ctx, const struct sw_tlv_field *f)
{
  return rule_field(ctx, f);
}

enum sw_error sw_pipe_get_rule_input(struct sw_tlv_reader *r, struct sw_pipe_rule *out,
                                     struct sw_pipe_rule_secrets *secrets)
{
  sw_rule_init_defaults(&out->rule);
  out->revision = 0;
  if (secrets)
    *secrets = (struct sw_pipe_rule_secrets){0};
  struct rule_in in = {out, secrets};
  enum sw_error err = sw_tlv_each_field(r, rule_field_cb, NULL, &in);
  if (err)
    sw_rule_free(&out->rule);
  return err;
}

enum sw_error sw_pipe_get_rule(struct sw_tlv_reader *r, struct sw_pipe_rule *out)
{
  return sw_pipe_get_rule_input(r, out, NULL);
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
