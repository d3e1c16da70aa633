/* The rule dialog's form without a window: the fields as the user typed
 * them (UTF-8 texts, two check boxes and the TLS mode), what they turn
 * into (a struct sw_rule) and what is wrong with them, one sentence per
 * field in form order. A text that is not even a number ("abc" for the
 * port, "7s" for the timeout) is this module's to explain; everything else
 * is the shared validator's (common/smtp/rule.h), so the editor can never
 * disagree with the service or the command line.
 *
 * The form order is the order of SW_RULE_FIELD_MAP. Texts are trimmed of
 * surrounding blanks where a blank can only be a slip (name, host, EHLO
 * name, numbers); the command and the expected text are taken as typed.
 *
 * Portable C11 (no windows.h). Not thread-safe: the UI thread owns it. */
#ifndef SW_RULE_FORM_H
#define SW_RULE_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipe_protocol.h"
#include "rule.h"
#include "sw_buf.h"
#include "sw_error.h"

#define SW_RULE_IMPLICIT_TLS_PORT 465 /* RFC 8314 submissions */

/* The longest secret the form takes (octets of UTF-8): an AUTH password
 * must fit SW_AUTH_CREDENTIALS_MAX with its user anyway; OAuth client
 * secrets are tens of characters. */
#define SW_RULE_FORM_SECRET_MAX 1024

/* The secrets, write-only: a form never holds a stored one. */
enum sw_rule_form_secret {
  SW_RULE_FORM_PASSWORD,         /* SW_RULE_FIELD_AUTH_PASSWORD */
  SW_RULE_FORM_CLIENT_SECRET,    /* SW_RULE_FIELD_OAUTH_CLIENT_SECRET */
  SW_RULE_FORM_MAILBOX_PASSWORD, /* SW_RULE_FIELD_MAILBOX_PASSWORD */
  SW_RULE_FORM_SECRET_COUNT
};

struct sw_rule_form {
  /* One UTF-8 text per field typed into an edit box (sw_rule_form_is_text);
   * owned; NULL means "". The other slots stay NULL. */
  char *text[SW_RULE_FIELD_COUNT];
  bool enabled;
  bool tls_insecure;
  enum sw_tls_mode tls_mode;
  bool auth_plaintext, relay_test, all_addresses, check_ptr, drift;
  bool mta_sts, dane; /* a mail domain's (issue 18) */
  enum sw_auth_mech auth_mech;
  enum sw_ip_family ip_family;
  enum sw_round_trip round_trip; /* the round trip's (issue 17) */
  enum sw_mailbox_tls_mode mailbox_tls;
  /* What the user typed for each secret ("" : keep the stored one), kept
   * in place so that it is wiped, not left in freed memory; whether the
   * stored one is to be removed; whether the rule has one stored. */
  char secret[SW_RULE_FORM_SECRET_COUNT][SW_RULE_FORM_SECRET_MAX + 2];
  bool remove_secret[SW_RULE_FORM_SECRET_COUNT];
  bool secret_stored[SW_RULE_FORM_SECRET_COUNT];
};

/* How the dialog shows a field. */
enum sw_rule_form_kind {
  SW_RULE_FORM_TEXT,   /* an edit box: sw_rule_form_text */
  SW_RULE_FORM_SECRET, /* a password box, never filled: sw_rule_form_set_secret */
  SW_RULE_FORM_CHECK,  /* a check box: sw_rule_form_checked */
  SW_RULE_FORM_CHOICE, /* a drop-down list: sw_rule_form_choice */
};
enum sw_rule_form_kind sw_rule_form_kind(enum sw_rule_field field);

/* True for the fields the user types and sees back (name, host, port,
 * command, expected text, timeout, EHLO name, interval, certificate days,
 * AUTH user, OAuth URL, client ID and scope, MAIL FROM, RCPT TO, relay
 * test recipient, the mail domain's texts, the round trip's mailbox host,
 * port, user, folder, probe addresses and times): SW_RULE_FORM_TEXT. The
 * mailbox port and the delivery thresholds are blank for 0 (the
 * protocol's port; no threshold). */
bool sw_rule_form_is_text(enum sw_rule_field field);

/* An empty form: every text "", enabled, no TLS, drift on, no secret.
 * Owns nothing. */
void sw_rule_form_init(struct sw_rule_form *f);
/* Frees the texts and wipes the typed secrets; the form is as after
 * sw_rule_form_init. */
void sw_rule_form_free(struct sw_rule_form *f);

/* Fills the form from `r` (numbers as decimal text), replacing what it
 * held (typed secrets are wiped; of the rule's secrets only whether each
 * is set is taken); a new rule's form is made from sw_rule_init_defaults.
 * SW_E_NOMEM:
 * the form is left empty (as after sw_rule_form_init). */
enum sw_error sw_rule_form_from_rule(struct sw_rule_form *f, const struct sw_rule *r);

/* The field's text, never NULL ("" for an empty or non-text field). */
const char *sw_rule_form_text(const struct sw_rule_form *f, enum sw_rule_field field);
/* Replaces the field's text by a copy of `utf8` (NULL: ""). SW_E_NOMEM
 * leaves it unchanged; SW_E_INVALID_ARGUMENT for a field that is not a
 * text. */
enum sw_error sw_rule_form_set_text(struct sw_rule_form *f, enum sw_rule_field field,
                                    const char *utf8);

/* Sets the TLS mode and keeps the port in step with it: switching to
 * implicit TLS turns the default port 25 into 465, switching away from it
 * turns 465 back into 25; any other port (one the user chose) is kept.
 * *port_changed (may be NULL) tells whether the port text changed, for the
 * window to show it. SW_E_NOMEM: nothing changed. */
enum sw_error sw_rule_form_set_tls_mode(struct sw_rule_form *f, enum sw_tls_mode mode,
                                        bool *port_changed);

/* Whether `field` means anything in the form's current state; the window
 * greys out the others (but keeps their values): skipping certificate
 * validation and the certificate thresholds only with TLS; the password,
 * the mechanism and plain-text AUTH only with an AUTH user; the OAuth
 * fields only with an AUTH user and the XOAUTH2 mechanism (or a token URL
 * already given, which is what makes the validator ask for the rest); the
 * relay test's recipient only with the relay test on; a mail domain's
 * settings only with a domain, the host's without; the round trip's
 * settings only with a round trip, its folder only with IMAP. */
bool sw_rule_form_field_applies(const struct sw_rule_form *f, enum sw_rule_field field);

/* A check box's state; false for a field that is no check box. */
bool sw_rule_form_checked(const struct sw_rule_form *f, enum sw_rule_field field);
/* Sets a check box; ignored for a field that is no check box. */
void sw_rule_form_set_checked(struct sw_rule_form *f, enum sw_rule_field field, bool on);

/* A drop-down list (TLS mode, AUTH mechanism, address family, round trip,
 * mailbox TLS): how many
 * choices, the text of choice `i` for people ("" out of range), in the
 * order of its enum; 0 and "" for a field that is no list. */
int sw_rule_form_choice_count(enum sw_rule_field field);
const char *sw_rule_form_choice_text(enum sw_rule_field field, int i);
/* The selected choice (its enum value); -1 for a field that is no list. */
int sw_rule_form_choice(const struct sw_rule_form *f, enum sw_rule_field field);
/* Selects choice `i`; the TLS mode goes through sw_rule_form_set_tls_mode
 * (the port follows it; *port_changed as there, may be NULL).
 * SW_E_INVALID_ARGUMENT for a field that is no list or `i` out of range;
 * SW_E_NOMEM. */
enum sw_error sw_rule_form_set_choice(struct sw_rule_form *f, enum sw_rule_field field,
                                      int i, bool *port_changed);

/* The secret field's slot; SW_RULE_FORM_SECRET_COUNT for another field. */
enum sw_rule_form_secret sw_rule_form_secret_of(enum sw_rule_field field);
/* What the user typed into a secret's box (NULL or "": nothing, keep the
 * stored one). The previous text is wiped. A text longer than
 * SW_RULE_FORM_SECRET_MAX is kept cut one octet past the limit, for
 * sw_rule_form_to_rule to refuse with a sentence. SW_E_INVALID_ARGUMENT
 * for a field that is no secret. */
enum sw_error sw_rule_form_set_secret(struct sw_rule_form *f, enum sw_rule_field field,
                                      const char *typed);
/* The user's "Remove the stored password" (or client secret, or mailbox
 * password) choice.
 * Removing wins over a secret typed at the same time (the window greys
 * the box while it is checked). Ignored for a field that is no secret. */
void sw_rule_form_set_remove(struct sw_rule_form *f, enum sw_rule_field field,
                             bool remove);
/* Whether the rule the form was filled from has that secret stored (what
 * the window says beside the box: "set", never the secret). */
bool sw_rule_form_secret_stored(const struct sw_rule_form *f, enum sw_rule_field field);
/* The note beside a secret's box: "Stored: set" or "Stored: not set"
 * (never the secret; the box is for a new one). */
const char *sw_rule_form_secret_note(const struct sw_rule_form *f,
                                     enum sw_rule_field field);
/* The secrets to send with the form's rule (sw_pipe_put_rule_input),
 * pointing into the form (borrowed: never sw_pipe_rule_secrets_free them):
 * NULL keeps the stored one, "" removes it, else the typed one replaces
 * it. A secret that no longer applies (no AUTH user; no OAuth; no round
 * trip) is not sent: the service removes it itself. */
void sw_rule_form_secrets(const struct sw_rule_form *f, struct sw_pipe_rule_secrets *out);

/* The rule the form describes, in `out` (which must own nothing; free it
 * with sw_rule_free in every case), with its id set to `id`, and in
 * `problems` one sentence per field at fault in form order: the form's own
 * for a text that is no number, the validator's for the rest. Returns
 * SW_E_NOMEM if memory ran out (problems is then empty), else SW_E_OK:
 * the rule is valid if problems->count is 0. */
enum sw_error sw_rule_form_to_rule(const struct sw_rule_form *f, int64_t id,
                                   struct sw_rule *out,
                                   struct sw_rule_problems *problems);

/* Internal, for sw_rule_form_to_rule (rule_form_kinds.c): the rule's
 * *_set flags from the secrets typed, removed or kept, and the form's own
 * problem for a secret too long. */
void sw__rule_form_read_secrets(const struct sw_rule_form *f, struct sw_rule *out,
                                struct sw_rule_problems *own);

/* The problems of the service's RULE_INVALID reply (its body), in form
 * order with at most one per field (the first). Problems naming a field
 * this program does not know are dropped: check problems->count.
 * SW_E_INVALID_ARGUMENT if the body is malformed. */
enum sw_error sw_rule_form_service_problems(const uint8_t *body, size_t len,
                                            struct sw_rule_problems *problems);

/* Puts problems in form order, keeping the first of each field. */
void sw_rule_form_order_problems(struct sw_rule_problems *problems);

/* The sentence above a form with problems: nothing was saved (or tested),
 * how many fields to fix. `from_service`: the service refused the rule,
 * and with no problem it could name (count 0) that is said instead. */
void sw_rule_form_summary(const struct sw_rule_problems *problems, bool from_service,
                          bool testing, char *out, size_t size);

/* The question asked when a save found the rule changed by someone else
 * (a stale revision): `opened` is the rule as the dialog loaded it,
 * `theirs` as it is stored now, `mine` the form's. Names what they
 * changed, then the choices of a Yes/No/Cancel message box: Yes saves
 * mine over theirs, No loads theirs into the form, Cancel keeps editing
 * without saving. Appends to `out`; SW_E_NOMEM. */
enum sw_error sw_rule_form_stale_question(const struct sw_rule *opened,
                                          const struct sw_rule *theirs,
                                          const struct sw_rule *mine, struct sw_buf *out);

#endif
