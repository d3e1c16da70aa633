#include "svc_rule_secrets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"

static bool has_text(const char *s)
{
  return s && *s;
}

/* One secret: the write it makes and whether the rule has it afterwards. */
static bool settle_one(bool used, const char *sent, const struct sw_store_blob *stored,
                       struct sw_store_secret_write *w, unsigned char **blob, bool *set,
                       char *why, size_t size)
{
  *w = (struct sw_store_secret_write){0};
  *set = false;
  if (!used || (sent && !*sent)) {
    w->given = true; /* removed */
    return true;
  }
  if (!sent) {
    *set = stored && stored->len > 0; /* kept */
    return true;
  }
  size_t len = 0;
  if (!sw_secret_protect(sent, strlen(sent), blob, &len, why, size))
    return false;
  *w = (struct sw_store_secret_write){*blob, len, true};
  *set = true;
  return true;
}

bool sw_svc_secrets_settle(struct sw_rule *rule, const struct sw_pipe_rule_secrets *sent,
                           const struct sw_store_rule *stored,
                           struct sw_svc_secret_writes *w, char *why, size_t size)
{
  memset(w, 0, sizeof *w);
  bool oauth = has_text(rule->oauth_token_url);
  bool password = has_text(rule->auth_user) && !oauth;
  return settle_one(password, sent ? sent->auth_password : NULL,
                    stored ? &stored->auth_secret : NULL, &w->writes.auth, &w->auth_blob,
                    &rule->auth_password_set, why, size) &&
         settle_one(oauth, sent ? sent->oauth_client_secret : NULL,
                    stored ? &stored->oauth_secret : NULL, &w->writes.oauth,
                    &w->oauth_blob, &rule->oauth_client_secret_set, why, size) &&
         settle_one(rule->round_trip != SW_ROUND_TRIP_NONE,
                    sent ? sent->mailbox_password : NULL,
                    stored ? &stored->mailbox_secret : NULL, &w->writes.mailbox,
                    &w->mailbox_blob, &rule->mailbox_password_set, why, size);
}

void sw_svc_secret_writes_free(struct sw_svc_secret_writes *w)
{
  free(w->auth_blob);
  free(w->oauth_blob);
  free(w->mailbox_blob);
  memset(w, 0, sizeof *w);
}

static bool known(const char *sent, const struct sw_store_blob *stored)
{
  return sent ? *sent != '\0' : stored->len > 0;
}

void sw_svc_secrets_known(struct sw_rule *rule, const struct sw_pipe_rule_secrets *sent,
                          const struct sw_store_rule *stored)
{
  rule->auth_password_set = known(sent->auth_password, &stored->auth_secret);
  rule->oauth_client_secret_set = known(sent->oauth_client_secret, &stored->oauth_secret);
  rule->mailbox_password_set = known(sent->mailbox_password, &stored->mailbox_secret);
}

/* The secret for a check: the one sent with an unsaved rule, else the
 * stored blob decrypted; NULL *out when there is neither. */
static bool open_one(const char *sent, const struct sw_store_blob *blob, char **out,
                     const char *what, char *why, size_t size)
{
  *out = NULL;
  if (sent) {
    *out = strdup(sent);
    return *out != NULL || (snprintf(why, size, "out of memory"), false);
  }
  if (!blob || !blob->len)
    return true;
  unsigned char *plain = NULL;
  size_t len = 0;
  char dpapi[200];
  if (!sw_secret_unprotect(blob->data, blob->len, &plain, &len, dpapi, sizeof dpapi)) {
    snprintf(why, size, "The rule's %s cannot be read: %s", what, dpapi);
    return false;
  }
  *out = malloc(len + 1);
  if (*out)
    memcpy(*out, plain, len + 1);
  sw_secret_free(plain, len);
  return *out != NULL || (snprintf(why, size, "out of memory"), false);
}

bool sw_svc_check_extras(const struct sw_rule *rule, const struct sw_store_blob *auth,
                         const struct sw_store_blob *oauth,
                         const struct sw_store_blob *mailbox,
                         const struct sw_pipe_rule_secrets *sent,
                         struct sw_check_extras *x, char *why, size_t size)
{
  sw_check_extras_init(x);
  if (!open_one(sent ? sent->auth_password : NULL, auth, &x->auth_password,
                "AUTH password", why, size) ||
      !open_one(sent ? sent->oauth_client_secret : NULL, oauth, &x->oauth_client_secret,
                "OAuth client secret", why, size) ||
      !open_one(sent ? sent->mailbox_password : NULL, mailbox, &x->mailbox_password,
                "mailbox password", why, size))
    return false;
  enum sw_error err = sw_check_extras_from_rule(x, rule);
  if (err)
    snprintf(why, size, "The rule's recipients: %s", sw_error_text(err));
  return !err;
}
