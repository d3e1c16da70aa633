#include "check_extras.h"

#include <stdlib.h>
#include <string.h>

#include "smtp_auth.h"

void sw_check_extras_init(struct sw_check_extras *x)
{
  memset(x, 0, sizeof *x);
}

static void wipe_free(char *s)
{
  if (s)
    sw_auth_wipe(s, strlen(s));
  free(s);
}

void sw_check_extras_free(struct sw_check_extras *x)
{
  free(x->auth_user);
  free(x->mail_from);
  free(x->relay_rcpt);
  free(x->oauth_token_url);
  free(x->oauth_client_id);
  free(x->oauth_scope);
  wipe_free(x->auth_password);
  wipe_free(x->oauth_client_secret);
  wipe_free(x->mailbox_password);
  free(x->rcpt_buf);
  sw_check_extras_init(x);
}

static bool has_text(const char *s)
{
  return s && *s;
}

enum sw_error sw_check_extras_from_rule(struct sw_check_extras *x,
                                        const struct sw_rule *rule)
{
  bool envelope = has_text(rule->mail_from) || rule->relay_test;
  const char *from = has_text(rule->mail_from) && strcmp(rule->mail_from, "<>") != 0
                         ? rule->mail_from
                         : ""; /* the null sender */
  const char *relay_rcpt = has_text(rule->relay_test_rcpt)
                               ? rule->relay_test_rcpt
                               : SW_RULE_DEFAULT_RELAY_TEST_RCPT;
  if ((has_text(rule->auth_user) && sw_rule_set_string(&x->auth_user, rule->auth_user)) ||
      (envelope && sw_rule_set_string(&x->mail_from, from)) ||
      (rule->relay_test && sw_rule_set_string(&x->relay_rcpt, relay_rcpt)))
    return SW_E_NOMEM;
  if (has_text(rule->oauth_token_url)) {
    if (sw_rule_set_string(&x->oauth_token_url, rule->oauth_token_url) ||
        sw_rule_set_string(&x->oauth_client_id, rule->oauth_client_id) ||
        sw_rule_set_string(&x->oauth_scope, rule->oauth_scope))
      return SW_E_NOMEM;
    x->oauth = (struct sw_oauth_client){x->oauth_token_url, x->oauth_client_id,
                                        x->oauth_client_secret, x->oauth_scope};
  }
  if (!has_text(rule->rcpt_to))
    return SW_E_OK;
  free(x->rcpt_buf);
  x->rcpt_count = 0;
  x->rcpt_buf = malloc(SW_RULE_ADDRESS_LIST_MAX + 1);
  if (!x->rcpt_buf)
    return SW_E_NOMEM;
  return sw_rule_split_recipients(rule->rcpt_to, x->rcpt_buf, x->rcpt, &x->rcpt_count)
             ? SW_E_OK
             : SW_E_INVALID_ARGUMENT;
}
