/* What a check of a rule needs beside the rule itself: its secrets,
 * decrypted for this one check, and copies of its AUTH user and envelope,
 * the recipients split into the list the dialogue takes. The engine
 * borrows the credentials and the envelope, so the caller owns this until
 * the check's callback has run, whatever happens to the rule meanwhile. */
#ifndef SW_CHECK_EXTRAS_H
#define SW_CHECK_EXTRAS_H

#include <stddef.h>

#include "oauth_client.h"
#include "rule.h"
#include "sw_error.h"

struct sw_check_extras {
  char *auth_user;           /* NULL: no AUTH; owned */
  char *auth_password;       /* NULL: none; owned, wiped when freed */
  char *oauth_client_secret; /* NULL: none; owned, wiped when freed */
  char *mailbox_password;    /* the round trip's; NULL: none; owned, wiped */
  char *mail_from;           /* NULL: no envelope; "" the null sender; owned */
  char *oauth_token_url, *oauth_client_id, *oauth_scope; /* copies; owned */
  struct sw_oauth_client oauth; /* XOAUTH2's client, pointing into the above and
                                   oauth_client_secret; token_url NULL: none */
  char *relay_rcpt;             /* NULL: no open-relay test; owned */
  char *rcpt_buf;               /* the rule's rcpt_to, split in place; owned */
  const char *rcpt[SW_RULE_RCPT_MAX];
  size_t rcpt_count;
};

/* Empty: no secrets, no recipients. */
void sw_check_extras_init(struct sw_check_extras *x);
/* Wipes the secrets and frees everything; the extras are empty again. */
void sw_check_extras_free(struct sw_check_extras *x);
/* Copies the rule's AUTH user and sender ("<>" becomes "", and an open
 * relay test without a sender uses the null sender) and splits its
 * recipients into x->rcpt. SW_E_INVALID_ARGUMENT if they do not split
 * (the validator says why), SW_E_NOMEM. */
enum sw_error sw_check_extras_from_rule(struct sw_check_extras *x,
                                        const struct sw_rule *rule);

#endif
