/* The RULE record's fields past the handshake (protocol version 2 readers
 * skip them as unknown tags) and the secrets a client sends with a rule. */
#include <stdlib.h>
#include <string.h>

#include "pipe_fields.h"
#include "pipe_protocol.h"
#include "smtp_auth.h" /* sw_auth_wipe */

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
}

void sw__pipe_put_rule_past_handshake(struct sw_buf *out, const struct sw_rule *r)
{
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_AUTH_USER, r->auth_user);
  sw_tlv_put_bool(out, SW_PIPE_TAG_RULE_AUTH_PASSWORD_SET, r->auth_password_set);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_AUTH_MECH, sw_auth_mech_name(r->auth_mech));
  sw_tlv_put_bool(out, SW_PIPE_TAG_RULE_AUTH_PLAINTEXT, r->auth_plaintext);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_OAUTH_TOKEN_URL, r->oauth_token_url);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_OAUTH_CLIENT_ID, r->oauth_client_id);
  sw_tlv_put_bool(out, SW_PIPE_TAG_RULE_OAUTH_CLIENT_SECRET_SET,
                  r->oauth_client_secret_set);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_OAUTH_SCOPE, r->oauth_scope);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_MAIL_FROM, r->mail_from);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_RCPT_TO, r->rcpt_to);
  sw_tlv_put_bool(out, SW_PIPE_TAG_RULE_RELAY_TEST, r->relay_test);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_RELAY_TEST_RCPT, r->relay_test_rcpt);
  sw_tlv_put_str(out, SW_PIPE_TAG_RULE_IP_FAMILY, sw_ip_family_name(r->ip_family));
  sw_tlv_put_bool(out, SW_PIPE_TAG_RULE_ALL_ADDRESSES, r->all_addresses);
  sw_tlv_put_bool(out, SW_PIPE_TAG_RULE_CHECK_PTR, r->check_ptr);
  sw_tlv_put_bool(out, SW_PIPE_TAG_RULE_DRIFT, r->drift);
}

static enum sw_error text(char **slot, const struct sw_tlv_field *f)
{
  return f->type == SW_TLV_STR ? sw__pipe_dup_text(slot, f) : SW_E_INVALID_ARGUMENT;
}

static enum sw_error flag(bool *slot, const struct sw_tlv_field *f)
{
  if (f->type != SW_TLV_BOOL)
    return SW_E_INVALID_ARGUMENT;
  *slot = f->i != 0;
  return SW_E_OK;
}

/* A name of an enum: what the validator refuses when unknown. */
static enum sw_error name(char *buf, size_t size, const struct sw_tlv_field *f,
                          bool *known)
{
  if (f->type != SW_TLV_STR)
    return SW_E_INVALID_ARGUMENT;
  sw__pipe_copy_text(buf, size, f);
  *known = f->len < size;
  return SW_E_OK;
}

static enum sw_error enum_field(struct sw_rule *r, const struct sw_tlv_field *f)
{
  char buf[32];
  bool known;
  enum sw_error err = name(buf, sizeof buf, f, &known);
  if (err)
    return err;
  if (f->tag == SW_PIPE_TAG_RULE_AUTH_MECH) {
    if (!known || !sw_auth_mech_from_name(buf, &r->auth_mech))
      r->auth_mech = SW_AUTH_MECH_COUNT;
  } else if (!known || !sw_ip_family_from_name(buf, &r->ip_family)) {
    r->ip_family = SW_IP_FAMILY_COUNT;
  }
  return SW_E_OK;
}

enum sw_error sw__pipe_rule_past_handshake_field(struct sw_rule *r,
                                                 struct sw_pipe_rule_secrets *secrets,
                                                 const struct sw_tlv_field *f)
{
  switch (f->tag) {
  case SW_PIPE_TAG_RULE_AUTH_USER:
    return text(&r->auth_user, f);
  case SW_PIPE_TAG_RULE_AUTH_PASSWORD_SET:
    return flag(&r->auth_password_set, f);
  case SW_PIPE_TAG_RULE_AUTH_MECH:
  case SW_PIPE_TAG_RULE_IP_FAMILY:
    return enum_field(r, f);
  case SW_PIPE_TAG_RULE_AUTH_PLAINTEXT:
    return flag(&r->auth_plaintext, f);
  case SW_PIPE_TAG_RULE_OAUTH_TOKEN_URL:
    return text(&r->oauth_token_url, f);
  case SW_PIPE_TAG_RULE_OAUTH_CLIENT_ID:
    return text(&r->oauth_client_id, f);
  case SW_PIPE_TAG_RULE_OAUTH_CLIENT_SECRET_SET:
    return flag(&r->oauth_client_secret_set, f);
  case SW_PIPE_TAG_RULE_OAUTH_SCOPE:
    return text(&r->oauth_scope, f);
  case SW_PIPE_TAG_RULE_MAIL_FROM:
    return text(&r->mail_from, f);
  case SW_PIPE_TAG_RULE_RCPT_TO:
    return text(&r->rcpt_to, f);
  case SW_PIPE_TAG_RULE_RELAY_TEST:
    return flag(&r->relay_test, f);
  case SW_PIPE_TAG_RULE_RELAY_TEST_RCPT:
    return text(&r->relay_test_rcpt, f);
  case SW_PIPE_TAG_RULE_ALL_ADDRESSES:
    return flag(&r->all_addresses, f);
  case SW_PIPE_TAG_RULE_CHECK_PTR:
    return flag(&r->check_ptr, f);
  case SW_PIPE_TAG_RULE_DRIFT:
    return flag(&r->drift, f);
  case SW_PIPE_TAG_RULE_AUTH_PASSWORD:
    /* A client's decoder has nowhere to keep a secret: skipped. */
    return secrets ? text(&secrets->auth_password, f) : SW_E_OK;
  case SW_PIPE_TAG_RULE_OAUTH_CLIENT_SECRET:
    return secrets ? text(&secrets->oauth_client_secret, f) : SW_E_OK;
  default:
    return SW_E_OK; /* a newer client's field: ignored */
  }
}
