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

#include "rule.h"
#include "sw_buf.h"
#include "sw_error.h"

#define SW_RULE_IMPLICIT_TLS_PORT 465 /* RFC 8314 submissions */

struct sw_rule_form {
  /* One UTF-8 text per field typed into an edit box (sw_rule_form_is_text);
   * owned; NULL means "". The other slots stay NULL. */
  char *text[SW_RULE_FIELD_COUNT];
  bool enabled;
  bool tls_insecure;
  enum sw_tls_mode tls_mode;
  /* The rule the form was filled from: the fields the form does not show
   * (sw_rule_form_shows) come back from it unchanged. */
  struct sw_rule loaded;
};

/* The fields the dialog shows are the first SW_RULE_FORM_FIELDS of enum
 * sw_rule_field; the others are kept as loaded. */
#define SW_RULE_FORM_FIELDS (SW_RULE_FIELD_CERT_CRIT_DAYS + 1)
bool sw_rule_form_shows(enum sw_rule_field field);

/* True for the fields the user types (name, host, port, command, expected
 * text, timeout, EHLO name, interval, certificate days); false for the
 * check boxes and the TLS mode. */
bool sw_rule_form_is_text(enum sw_rule_field field);

/* An empty form: every text "", enabled, no TLS. Owns nothing. */
void sw_rule_form_init(struct sw_rule_form *f);
/* Frees the texts; the form is as after sw_rule_form_init. */
void sw_rule_form_free(struct sw_rule_form *f);

/* Fills the form from `r` (numbers as decimal text), replacing what it
 * held; a new rule's form is made from sw_rule_init_defaults. SW_E_NOMEM:
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

/* Whether `field` means anything with the form's TLS mode: skipping
 * certificate validation and the certificate thresholds only do with TLS.
 * The window greys out the others (but keeps their values). */
bool sw_rule_form_field_applies(const struct sw_rule_form *f, enum sw_rule_field field);

/* The rule the form describes, in `out` (which must own nothing; free it
 * with sw_rule_free in every case), with its id set to `id`, and in
 * `problems` one sentence per field at fault in form order: the form's own
 * for a text that is no number, the validator's for the rest. Returns
 * SW_E_NOMEM if memory ran out (problems is then empty), else SW_E_OK:
 * the rule is valid if problems->count is 0. */
enum sw_error sw_rule_form_to_rule(const struct sw_rule_form *f, int64_t id,
                                   struct sw_rule *out,
                                   struct sw_rule_problems *problems);

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
