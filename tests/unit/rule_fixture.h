/* Shared by the test programs that need a rule with every field past the
 * handshake set away from its default (test_pipe_codec.c,
 * editor/test_rule_form_past.c). A static inline function, so that each
 * test program stays one source file. */
#ifndef SW_RULE_FIXTURE_H
#define SW_RULE_FIXTURE_H

#include "rule.h"

/* AUTH with a stored password and an XOAUTH2 client, an envelope with the
 * null sender and two recipients, the relay test, IPv6 only, every
 * address, reverse DNS, and drift off. A valid combination: the rule's
 * other fields decide whether the whole is. */
static inline void sw_test_rule_past_handshake(struct sw_rule *r)
{
  sw_rule_set_string(&r->auth_user, "monitor@example.com");
  r->auth_password_set = true;
  r->auth_mech = SW_AUTH_MECH_XOAUTH2; /* the OAuth client below is its */
  r->auth_plaintext = true;
  sw_rule_set_string(&r->oauth_token_url, "https://login.example.com/token");
  sw_rule_set_string(&r->oauth_client_id, "client-1");
  r->oauth_client_secret_set = true;
  sw_rule_set_string(&r->oauth_scope, "smtp.send");
  sw_rule_set_string(&r->mail_from, "<>");
  sw_rule_set_string(&r->rcpt_to, "a@example.com,b@example.com");
  r->relay_test = true;
  sw_rule_set_string(&r->relay_test_rcpt, "x@relay.invalid");
  r->ip_family = SW_IP_V6;
  r->all_addresses = true;
  r->check_ptr = true;
  r->drift = false;
}

/* Every field of the round trip (issue 17) away from its default, valid
 * for a rule without an envelope or relay test. */
static inline void sw_test_rule_round_trip(struct sw_rule *r)
{
  r->round_trip = SW_ROUND_TRIP_IMAP;
  sw_rule_set_string(&r->mailbox_host, "imap.example.com");
  r->mailbox_port = 1993;
  r->mailbox_tls = SW_MAILBOX_TLS_MODE_STARTTLS;
  sw_rule_set_string(&r->mailbox_user, "probe");
  r->mailbox_password_set = true;
  sw_rule_set_string(&r->folder, "Probes");
  sw_rule_set_string(&r->probe_to, "probe@example.com");
  sw_rule_set_string(&r->probe_from, "monitor@example.com");
  r->deliver_within_s = 120;
  r->delivery_warn_ms = 30000;
  r->delivery_crit_ms = 60000;
}

#endif
