/* The RULE record: the rule's fields walked from SW_RULE_FIELD_MAP, each
 * under its tag, with the id and revision, and the secrets a client sends
 * with a rule. Protocol version 2 readers skip the fields past the
 * handshake as unknown tags. */
#include <stdlib.h>
#include <string.h>

#include "pipe_fields.h"
#include "pipe_protocol.h"
#include "smtp_auth.h" /* sw_auth_wipe */

/* The tags follow the fields in four runs: NAME..CERT_CRIT_DAYS (version
 * 1), AUTH_USER..DRIFT (past the handshake, where a secret's tag says
 * whether it is set), DOMAIN..DNS_SERVER (a domain rule, version 5) and
 * ROUND_TRIP..DELIVERY_CRIT_MS (the round trip, version 5). */
static_assert(SW_RULE_FIELD_AUTH_USER == SW_RULE_FIELD_CERT_CRIT_DAYS + 1,
              "the second run starts where the first ends");
static_assert(SW_PIPE_TAG_RULE_CERT_CRIT_DAYS - SW_PIPE_TAG_RULE_NAME ==
                  SW_RULE_FIELD_CERT_CRIT_DAYS - SW_RULE_FIELD_NAME,
              "the version 1 fields' tags are in field order");
static_assert(SW_PIPE_TAG_RULE_OAUTH_CLIENT_SECRET_SET - SW_PIPE_TAG_RULE_AUTH_USER ==
                      SW_RULE_FIELD_OAUTH_CLIENT_SECRET - SW_RULE_FIELD_AUTH_USER &&
                  SW_PIPE_TAG_RULE_DRIFT - SW_PIPE_TAG_RULE_AUTH_USER ==
                      SW_RULE_FIELD_DRIFT - SW_RULE_FIELD_AUTH_USER,
              "the fields past the handshake have their tags in field order");
static_assert(SW_RULE_FIELD_DOMAIN == SW_RULE_FIELD_DRIFT + 1 &&
                  SW_PIPE_TAG_RULE_DNS_SERVER - SW_PIPE_TAG_RULE_DOMAIN ==
                      SW_RULE_FIELD_DNS_SERVER - SW_RULE_FIELD_DOMAIN,
              "a domain rule's fields have their tags in field order");
static_assert(SW_RULE_FIELD_ROUND_TRIP == SW_RULE_FIELD_DNS_SERVER + 1 &&
                  SW_PIPE_TAG_RULE_MAILBOX_PASSWORD_SET - SW_PIPE_TAG_RULE_ROUND_TRIP ==
                      SW_RULE_FIELD_MAILBOX_PASSWORD - SW_RULE_FIELD_ROUND_TRIP &&
                  SW_PIPE_TAG_RULE_DELIVERY_CRIT_MS - SW_PIPE_TAG_RULE_ROUND_TRIP ==
                      SW_RULE_FIELD_DELIVERY_CRIT_MS - SW_RULE_FIELD_ROUND_TRIP &&
                  SW_RULE_FIELD_DELIVERY_CRIT_MS == SW_RULE_FIELD_COUNT - 1,
              "the round trip's fields have their tags in field order");

static uint16_t field_tag(enum sw_rule_field f)
{
  if (f < SW_RULE_FIELD_AUTH_USER)
    return (uint16_t)(SW_PIPE_TAG_RULE_NAME + f);
  if (f < SW_RULE_FIELD_DOMAIN)
    return (uint16_t)(SW_PIPE_TAG_RULE_AUTH_USER + (f - SW_RULE_FIELD_AUTH_USER));
  if (f < SW_RULE_FIELD_ROUND_TRIP)
    return (uint16_t)(SW_PIPE_TAG_RULE_DOMAIN + (f - SW_RULE_FIELD_DOMAIN));
  return (uint16_t)(SW_PIPE_TAG_RULE_ROUND_TRIP + (f - SW_RULE_FIELD_ROUND_TRIP));
}

/* The field under `tag`; false for another tag. */
static bool tag_field(uint16_t tag, enum sw_rule_field *out)
{
  if (tag >= SW_PIPE_TAG_RULE_NAME && tag <= SW_PIPE_TAG_RULE_CERT_CRIT_DAYS)
    *out = (enum sw_rule_field)(tag - SW_PIPE_TAG_RULE_NAME);
  else if (tag >= SW_PIPE_TAG_RULE_AUTH_USER && tag <= SW_PIPE_TAG_RULE_DRIFT)
    *out = (enum sw_rule_field)(SW_RULE_FIELD_AUTH_USER +
                                (tag - SW_PIPE_TAG_RULE_AUTH_USER));
  else if (tag >= SW_PIPE_TAG_RULE_ROUND_TRIP && tag <= SW_PIPE_TAG_RULE_DELIVERY_CRIT_MS)
    *out = (enum sw_rule_field)(SW_RULE_FIELD_ROUND_TRIP +
                                (tag - SW_PIPE_TAG_RULE_ROUND_TRIP));
  else if (tag >= SW_PIPE_TAG_RULE_DOMAIN && tag <= SW_PIPE_TAG_RULE_DNS_SERVER)
    *out = (enum sw_rule_field)(SW_RULE_FIELD_DOMAIN + (tag - SW_PIPE_TAG_RULE_DOMAIN));
  else
    return false;
  return true;
}

static void wipe_free(char **s)
{
  if (*s)
    sw_auth_wipe(*s, strlen(*s));
  free(*s);
  *s = NULL;
}

void sw_pipe_rule_secrets_free(struct sw_pipe_rule_secrets *s)
{
  wipe_free(&s->auth_password);
  wipe_free(&s->oauth_client_secret);
  wipe_free(&s->mailbox_password);
}

/* The fields between the RULE record's BEGIN and END, secrets aside. */
static void put_rule_fields(struct sw_buf *out, const struct sw_rule *r, int64_t revision)
{
  if (r->id)
    sw_tlv_put_int(out, SW_PIPE_TAG_RULE_ID, r->id);
  if (revision)
    sw_tlv_put_int(out, SW_PIPE_TAG_RULE_REVISION, revision);
  for (int i = 0; i < SW_RULE_FIELD_COUNT; i++) {
    enum sw_rule_field f = (enum sw_rule_field)i;
    switch (sw_rule_field_kind(f)) {
    case SW_RULE_TEXT:
    case SW_RULE_CHOICE:
      sw_tlv_put_str(out, field_tag(f), sw_rule_field_text(r, f));
      break;
    case SW_RULE_FLAG:
    case SW_RULE_SECRET:
      sw_tlv_put_bool(out, field_tag(f), sw_rule_field_number(r, f) != 0);
      break;
    default:
      sw_tlv_put_int(out, field_tag(f), sw_rule_field_number(r, f));
      break;
    }
  }
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
  if (secrets && secrets->mailbox_password)
    sw_tlv_put_str(out, SW_PIPE_TAG_RULE_MAILBOX_PASSWORD, secrets->mailbox_password);
  sw_tlv_end(out);
}

/* Field `f` of the rule from `t`, whose type must be the field's. Numbers
 * out of the member's range are left for the validator to refuse (see
 * sw_rule_field_set_number), and so is a choice this build does not know. */
static enum sw_error get_rule_field(struct sw_rule *r, enum sw_rule_field f,
                                    const struct sw_tlv_field *t)
{
  enum sw_rule_kind kind = sw_rule_field_kind(f);
  enum sw_tlv_type type = kind == SW_RULE_TEXT || kind == SW_RULE_CHOICE   ? SW_TLV_STR
                          : kind == SW_RULE_FLAG || kind == SW_RULE_SECRET ? SW_TLV_BOOL
                                                                           : SW_TLV_INT;
  if (t->type != type)
    return SW_E_INVALID_ARGUMENT;
  if (kind == SW_RULE_TEXT)
    return sw__pipe_dup_text(sw_rule_field_text_slot(r, f), t);
  if (kind == SW_RULE_CHOICE) {
    char name[32];
    sw__pipe_copy_text(name, sizeof name, t);
    sw_rule_field_set_name(r, f, t->len < sizeof name ? name : NULL);
  } else {
    sw_rule_field_set_number(r, f, t->i);
  }
  return SW_E_OK;
}

/* What the RULE record is decoded into. */
struct rule_in {
  struct sw_pipe_rule *out;
  struct sw_pipe_rule_secrets *secrets; /* NULL: a client's decoder */
};

static enum sw_error secret_text(char **slot, const struct sw_tlv_field *f)
{
  return f->type == SW_TLV_STR ? sw__pipe_dup_text(slot, f) : SW_E_INVALID_ARGUMENT;
}

static enum sw_error record_field(void *ctx, const struct sw_tlv_field *f)
{
  struct rule_in *in = ctx;
  enum sw_rule_field field;
  if (tag_field(f->tag, &field))
    return get_rule_field(&in->out->rule, field, f);
  switch (f->tag) {
  case SW_PIPE_TAG_RULE_ID:
  case SW_PIPE_TAG_RULE_REVISION:
    if (f->type != SW_TLV_INT)
      return SW_E_INVALID_ARGUMENT;
    *(f->tag == SW_PIPE_TAG_RULE_ID ? &in->out->rule.id : &in->out->revision) = f->i;
    return SW_E_OK;
  /* A client's decoder has nowhere to keep a secret: skipped. */
  case SW_PIPE_TAG_RULE_AUTH_PASSWORD:
    return in->secrets ? secret_text(&in->secrets->auth_password, f) : SW_E_OK;
  case SW_PIPE_TAG_RULE_OAUTH_CLIENT_SECRET:
    return in->secrets ? secret_text(&in->secrets->oauth_client_secret, f) : SW_E_OK;
  case SW_PIPE_TAG_RULE_MAILBOX_PASSWORD:
    return in->secrets ? secret_text(&in->secrets->mailbox_password, f) : SW_E_OK;
  default:
    return SW_E_OK; /* a newer client's field: ignored */
  }
}

enum sw_error sw_pipe_get_rule_input(struct sw_tlv_reader *r, struct sw_pipe_rule *out,
                                     struct sw_pipe_rule_secrets *secrets)
{
  sw_rule_init_defaults(&out->rule);
  out->revision = 0;
  if (secrets)
    *secrets = (struct sw_pipe_rule_secrets){0};
  struct rule_in in = {out, secrets};
  enum sw_error err = sw_tlv_each_field(r, record_field, NULL, &in);
  if (err)
    sw_rule_free(&out->rule);
  return err;
}

enum sw_error sw_pipe_get_rule(struct sw_tlv_reader *r, struct sw_pipe_rule *out)
{
  return sw_pipe_get_rule_input(r, out, NULL);
}
