/* The rule dialog's fields and their controls (resource.h numbers them by
 * enum sw_rule_field): every field of model/rule_form, of the left column
 * and of the middle one, "Beyond the handshake" (AUTH, the envelope and
 * the relay test, addresses, drift), the mail domain's and the round
 * trip's. Texts, check boxes and drop-down lists go both ways; the three
 * secrets only from the controls to the form:
 * their password boxes are never given the stored secret (the rule says
 * only whether one is set), and what was read from them is wiped. UI
 * thread only. */
#ifndef SW_RULE_DIALOG_FIELDS_H
#define SW_RULE_DIALOG_FIELDS_H

#include <windows.h>

#include <stdbool.h>

#include "rule_form.h"

/* At WM_INITDIALOG: fills the drop-down lists; in read-only mode makes the
 * texts read-only. */
void sw_rule_fields_init(HWND dlg, bool read_only);
/* The controls into `form`. False if out of memory. */
bool sw_rule_fields_read(HWND dlg, struct sw_rule_form *form);
/* `form` into the controls; the password boxes are emptied and the notes
 * beside them say whether a secret is stored. */
void sw_rule_fields_write(HWND dlg, const struct sw_rule_form *form);
/* Enables each field's control and label: `loaded` and the field applies
 * (sw_rule_form_field_applies) or is wrong (has_problem[field]: the user
 * must be able to fix it); in read-only mode only the texts, which stay
 * readable. A secret's box is greyed while "Remove" is checked, and
 * "Remove" offered only when a secret is stored. */
void sw_rule_fields_enable(HWND dlg, const struct sw_rule_form *form, bool loaded,
                           bool read_only, const bool has_problem[SW_RULE_FIELD_COUNT]);
/* A WM_COMMAND from control `id` with notification `code`: true if it
 * changes what applies (the AUTH user, the mechanism, the token URL, the
 * relay test, the mail domain, the round trip, a "Remove" box), after reading that
 * control alone into `form`; the caller then calls sw_rule_fields_enable. */
bool sw_rule_fields_changed(HWND dlg, struct sw_rule_form *form, int id, int code);

#endif
