/* A rule's secrets in the service: the AUTH password, the OAuth client
 * secret and the round trip's mailbox password arrive in clear with a rule (RULE_ADD,
 * RULE_UPDATE, RULE_TEST), are encrypted with DPAPI at once, stored as blobs, and
 * decrypted only for the check that needs them, into buffers wiped when it ends. Nothing
 * here logs or returns a secret. */
#ifndef SW_SVC_RULE_SECRETS_H
#define SW_SVC_RULE_SECRETS_H

#include <stdbool.h>
#include <stddef.h>

#include "check_extras.h"
#include "pipe_protocol.h"
#include "store.h"

/* What a write does to the stored blobs, owning the new ones. */
struct sw_svc_secret_writes {
  struct sw_store_rule_secrets writes; /* points into the blobs below */
  unsigned char *auth_blob, *oauth_blob, *mailbox_blob;
};

/* Settles the secrets of `rule` (as a client sent it, with `sent`) against
 * `stored` (the stored rule for an update, NULL for an add): a secret sent
 * is encrypted (""  removes it), one not sent is kept, and one the rule
 * no longer uses (no AUTH user; no OAuth token URL; no round trip) is
 * removed. Sets rule->auth_password_set, rule->oauth_client_secret_set and
 * rule->mailbox_password_set to what will be stored, for the validator. False, with a
 * sentence in why[size], if DPAPI failed. Free *w with sw_svc_secret_writes_free either
 * way. */
bool sw_svc_secrets_settle(struct sw_rule *rule, const struct sw_pipe_rule_secrets *sent,
                           const struct sw_store_rule *stored,
                           struct sw_svc_secret_writes *w, char *why, size_t size);
void sw_svc_secret_writes_free(struct sw_svc_secret_writes *w);

/* For a rule that is tested, not saved: sets rule->auth_password_set,
 * rule->oauth_client_secret_set and rule->mailbox_password_set to whether
 * the check will have each (sent non-empty, or not sent and in `stored`,
 * which may be an empty record). */
void sw_svc_secrets_known(struct sw_rule *rule, const struct sw_pipe_rule_secrets *sent,
                          const struct sw_store_rule *stored);

/* The extras of a check of `rule`: the blobs decrypted (or, for a rule
 * tested before it is saved, the secrets it was sent with), the recipients
 * split. False, with a sentence in why[size] (never a secret), if a blob
 * cannot be decrypted (the administrator must set it again). Free *x with
 * sw_check_extras_free either way. */
bool sw_svc_check_extras(const struct sw_rule *rule, const struct sw_store_blob *auth,
                         const struct sw_store_blob *oauth,
                         const struct sw_store_blob *mailbox,
                         const struct sw_pipe_rule_secrets *sent,
                         struct sw_check_extras *x, char *why, size_t size);

#endif
