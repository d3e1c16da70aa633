/* One field of a rule at a time, by enum sw_rule_field: copy it, compare
 * it. The one place that knows which member holds which field, for the
 * command line's patches, the editor's form and the service's reload. */
#include <string.h>

#include "rule.h"
#include "sw_macros.h"

enum sw_error sw_rule_copy_field(enum sw_rule_field f, const struct sw_rule *from,
                                 struct sw_rule *to)
{
  switch (f) {
  case SW_RULE_FIELD_NAME:
    return sw_rule_set_string(&to->name, from->name);
  case SW_RULE_FIELD_HOST:
    return sw_rule_set_string(&to->host, from->host);
  case SW_RULE_FIELD_PORT:
    to->port = from->port;
    break;
  case SW_RULE_FIELD_COMMAND:
    return sw_rule_set_string(&to->command, from->command);
  case SW_RULE_FIELD_EXPECT:
    return sw_rule_set_string(&to->expect, from->expect);
  case SW_RULE_FIELD_TIMEOUT_MS:
    to->timeout_ms = from->timeout_ms;
    break;
  case SW_RULE_FIELD_EHLO_NAME:
    return sw_rule_set_string(&to->ehlo_name, from->ehlo_name);
  case SW_RULE_FIELD_INTERVAL_S:
    to->interval_s = from->interval_s;
    break;
  case SW_RULE_FIELD_ENABLED:
    to->enabled = from->enabled;
    break;
  case SW_RULE_FIELD_TLS_MODE:
    to->tls_mode = from->tls_mode;
    break;
  case SW_RULE_FIELD_TLS_INSECURE:
    to->tls_insecure = from->tls_insecure;
    break;
  case SW_RULE_FIELD_CERT_WARN_DAYS:
    to->cert_warn_days = from->cert_warn_days;
    break;
  case SW_RULE_FIELD_CERT_CRIT_DAYS:
    to->cert_crit_days = from->cert_crit_days;
    break;
  case SW_RULE_FIELD_AUTH_USER:
    return sw_rule_set_string(&to->auth_user, from->auth_user);
  case SW_RULE_FIELD_AUTH_PASSWORD:
    to->auth_password_set = from->auth_password_set;
    break;
  case SW_RULE_FIELD_AUTH_MECH:
    to->auth_mech = from->auth_mech;
    break;
  case SW_RULE_FIELD_AUTH_PLAINTEXT:
    to->auth_plaintext = from->auth_plaintext;
    break;
  case SW_RULE_FIELD_OAUTH_TOKEN_URL:
    return sw_rule_set_string(&to->oauth_token_url, from->oauth_token_url);
  case SW_RULE_FIELD_OAUTH_CLIENT_ID:
    return sw_rule_set_string(&to->oauth_client_id, from->oauth_client_id);
  case SW_RULE_FIELD_OAUTH_CLIENT_SECRET:
    to->oauth_client_secret_set = from->oauth_client_secret_set;
    break;
  case SW_RULE_FIELD_OAUTH_SCOPE:
    return sw_rule_set_string(&to->oauth_scope, from->oauth_scope);
  case SW_RULE_FIELD_MAIL_FROM:
    return sw_rule_set_string(&to->mail_from, from->mail_from);
  case SW_RULE_FIELD_RCPT_TO:
    return sw_rule_set_string(&to->rcpt_to, from->rcpt_to);
  case SW_RULE_FIELD_RELAY_TEST:
    to->relay_test = from->relay_test;
    break;
  case SW_RULE_FIELD_RELAY_TEST_RCPT:
    return sw_rule_set_string(&to->relay_test_rcpt, from->relay_test_rcpt);
  case SW_RULE_FIELD_IP_FAMILY:
    to->ip_family = from->ip_family;
    break;
  case SW_RULE_FIELD_ALL_ADDRESSES:
    to->all_addresses = from->all_addresses;
    break;
  case SW_RULE_FIELD_CHECK_PTR:
    to->check_ptr = from->check_ptr;
    break;
  case SW_RULE_FIELD_DRIFT:
    to->drift = from->drift;
    break;
  case SW_RULE_FIELD_COUNT:
    SW_NOT_REACHED();
    break;
  }
  return SW_E_OK;
}

static bool same_text(const char *a, const char *b)
{
  return strcmp(a ? a : "", b ? b : "") == 0;
}

bool sw_rule_field_equal(enum sw_rule_field f, const struct sw_rule *a,
                         const struct sw_rule *b)
{
  switch (f) {
  case SW_RULE_FIELD_NAME:
    return same_text(a->name, b->name);
  case SW_RULE_FIELD_HOST:
    return same_text(a->host, b->host);
  case SW_RULE_FIELD_PORT:
    return a->port == b->port;
  case SW_RULE_FIELD_COMMAND:
    return same_text(a->command, b->command);
  case SW_RULE_FIELD_EXPECT:
    return same_text(a->expect, b->expect);
  case SW_RULE_FIELD_TIMEOUT_MS:
    return a->timeout_ms == b->timeout_ms;
  case SW_RULE_FIELD_EHLO_NAME:
    return same_text(a->ehlo_name, b->ehlo_name);
  case SW_RULE_FIELD_INTERVAL_S:
    return a->interval_s == b->interval_s;
  case SW_RULE_FIELD_ENABLED:
    return a->enabled == b->enabled;
  case SW_RULE_FIELD_TLS_MODE:
    return a->tls_mode == b->tls_mode;
  case SW_RULE_FIELD_TLS_INSECURE:
    return a->tls_insecure == b->tls_insecure;
  case SW_RULE_FIELD_CERT_WARN_DAYS:
    return a->cert_warn_days == b->cert_warn_days;
  case SW_RULE_FIELD_CERT_CRIT_DAYS:
    return a->cert_crit_days == b->cert_crit_days;
  case SW_RULE_FIELD_AUTH_USER:
    return same_text(a->auth_user, b->auth_user);
  case SW_RULE_FIELD_AUTH_PASSWORD:
    return a->auth_password_set == b->auth_password_set;
  case SW_RULE_FIELD_AUTH_MECH:
    return a->auth_mech == b->auth_mech;
  case SW_RULE_FIELD_AUTH_PLAINTEXT:
    return a->auth_plaintext == b->auth_plaintext;
  case SW_RULE_FIELD_OAUTH_TOKEN_URL:
    return same_text(a->oauth_token_url, b->oauth_token_url);
  case SW_RULE_FIELD_OAUTH_CLIENT_ID:
    return same_text(a->oauth_client_id, b->oauth_client_id);
  case SW_RULE_FIELD_OAUTH_CLIENT_SECRET:
    return a->oauth_client_secret_set == b->oauth_client_secret_set;
  case SW_RULE_FIELD_OAUTH_SCOPE:
    return same_text(a->oauth_scope, b->oauth_scope);
  case SW_RULE_FIELD_MAIL_FROM:
    return same_text(a->mail_from, b->mail_from);
  case SW_RULE_FIELD_RCPT_TO:
    return same_text(a->rcpt_to, b->rcpt_to);
  case SW_RULE_FIELD_RELAY_TEST:
    return a->relay_test == b->relay_test;
  case SW_RULE_FIELD_RELAY_TEST_RCPT:
    return same_text(a->relay_test_rcpt, b->relay_test_rcpt);
  case SW_RULE_FIELD_IP_FAMILY:
    return a->ip_family == b->ip_family;
  case SW_RULE_FIELD_ALL_ADDRESSES:
    return a->all_addresses == b->all_addresses;
  case SW_RULE_FIELD_CHECK_PTR:
    return a->check_ptr == b->check_ptr;
  case SW_RULE_FIELD_DRIFT:
    return a->drift == b->drift;
  case SW_RULE_FIELD_COUNT:
    break;
  }
  SW_NOT_REACHED();
  return false;
}

uint64_t sw_rule_diff(const struct sw_rule *a, const struct sw_rule *b)
{
  uint64_t bits = 0;
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++)
    if (!sw_rule_field_equal((enum sw_rule_field)f, a, b))
      bits |= SW_RULE_FIELD_BIT(f);
  return bits;
}
