/* The rule dialog's fields and their controls (rule_dialog_fields.h). */
#include "rule_dialog_fields.h"

#include <stdlib.h>
#include <string.h>

#include "editor.h"
#include "resource.h"
#include "smtp_auth.h" /* sw_auth_wipe */

/* resource.h numbers each field's controls by enum sw_rule_field. */
_Static_assert(
    IDC_RULE_CERT_CRIT == IDC_RULE_FIELD + SW_RULE_FIELD_CERT_CRIT_DAYS &&
        IDC_RULE_ENABLED == IDC_RULE_FIELD + SW_RULE_FIELD_ENABLED &&
        IDC_RULE_TLS == IDC_RULE_FIELD + SW_RULE_FIELD_TLS_MODE &&
        IDC_RULE_INSECURE == IDC_RULE_FIELD + SW_RULE_FIELD_TLS_INSECURE &&
        IDC_RULE_AUTH_USER == IDC_RULE_FIELD + SW_RULE_FIELD_AUTH_USER &&
        IDC_RULE_AUTH_PASSWORD == IDC_RULE_FIELD + SW_RULE_FIELD_AUTH_PASSWORD &&
        IDC_RULE_OAUTH_SECRET == IDC_RULE_FIELD + SW_RULE_FIELD_OAUTH_CLIENT_SECRET &&
        IDC_RULE_RELAY_RCPT == IDC_RULE_FIELD + SW_RULE_FIELD_RELAY_TEST_RCPT &&
        IDC_RULE_DRIFT == IDC_RULE_FIELD + SW_RULE_FIELD_DRIFT &&
        IDC_RULE_DNS_SERVER == IDC_RULE_FIELD + SW_RULE_FIELD_DNS_SERVER &&
        IDC_RULE_ROUND_TRIP == IDC_RULE_FIELD + SW_RULE_FIELD_ROUND_TRIP &&
        IDC_RULE_MAILBOX_PASSWORD == IDC_RULE_FIELD + SW_RULE_FIELD_MAILBOX_PASSWORD &&
        IDC_RULE_DELIVERY_CRIT == IDC_RULE_FIELD + SW_RULE_FIELD_DELIVERY_CRIT_MS &&
        IDC_RULE_FIELD + SW_RULE_FIELD_COUNT <= IDC_RULE_ERROR,
    "field controls follow enum sw_rule_field");
_Static_assert(
    IDC_RULE_CERT_CRIT_ERROR == IDC_RULE_ERROR + SW_RULE_FIELD_CERT_CRIT_DAYS &&
        IDC_RULE_AUTH_PASSWORD_ERROR == IDC_RULE_ERROR + SW_RULE_FIELD_AUTH_PASSWORD &&
        IDC_RULE_DRIFT_ERROR == IDC_RULE_ERROR + SW_RULE_FIELD_DRIFT &&
        IDC_RULE_DNS_SERVER_ERROR == IDC_RULE_ERROR + SW_RULE_FIELD_DNS_SERVER &&
        IDC_RULE_ROUND_TRIP_ERROR == IDC_RULE_ERROR + SW_RULE_FIELD_ROUND_TRIP &&
        IDC_RULE_DELIVERY_CRIT_ERROR == IDC_RULE_ERROR + SW_RULE_FIELD_DELIVERY_CRIT_MS &&
        IDC_RULE_ERROR + SW_RULE_FIELD_COUNT <= IDC_RULE_LABEL,
    "error controls follow enum sw_rule_field");
_Static_assert(
    IDC_RULE_CERT_CRIT_LABEL == IDC_RULE_LABEL + SW_RULE_FIELD_CERT_CRIT_DAYS &&
        IDC_RULE_AUTH_PASSWORD_LABEL == IDC_RULE_LABEL + SW_RULE_FIELD_AUTH_PASSWORD &&
        IDC_RULE_IP_FAMILY_LABEL == IDC_RULE_LABEL + SW_RULE_FIELD_IP_FAMILY &&
        IDC_RULE_DNS_SERVER_LABEL == IDC_RULE_LABEL + SW_RULE_FIELD_DNS_SERVER &&
        IDC_RULE_ROUND_TRIP_LABEL == IDC_RULE_LABEL + SW_RULE_FIELD_ROUND_TRIP &&
        IDC_RULE_DELIVERY_CRIT_LABEL == IDC_RULE_LABEL + SW_RULE_FIELD_DELIVERY_CRIT_MS &&
        IDC_RULE_LABEL + SW_RULE_FIELD_COUNT <= IDC_RULE_LABEL_END,
    "label controls follow enum sw_rule_field");

/* Each secret's note and "Remove" box, by enum sw_rule_form_secret. */
static const struct {
  enum sw_rule_field field;
  int note, remove;
} secrets[SW_RULE_FORM_SECRET_COUNT] = {
    [SW_RULE_FORM_PASSWORD] = {SW_RULE_FIELD_AUTH_PASSWORD, IDC_RULE_AUTH_PASSWORD_NOTE,
                               IDC_RULE_AUTH_PASSWORD_REMOVE},
    [SW_RULE_FORM_CLIENT_SECRET] = {SW_RULE_FIELD_OAUTH_CLIENT_SECRET,
                                    IDC_RULE_OAUTH_SECRET_NOTE,
                                    IDC_RULE_OAUTH_SECRET_REMOVE},
    [SW_RULE_FORM_MAILBOX_PASSWORD] = {SW_RULE_FIELD_MAILBOX_PASSWORD,
                                       IDC_RULE_MAILBOX_PASSWORD_NOTE,
                                       IDC_RULE_MAILBOX_PASSWORD_REMOVE},
};

static enum sw_rule_form_kind kind(int field)
{
  return sw_rule_form_kind((enum sw_rule_field)field);
}

void sw_rule_fields_init(HWND dlg, bool read_only)
{
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++) {
    if (kind(f) == SW_RULE_FORM_CHOICE) {
      for (int i = 0; i < sw_rule_form_choice_count((enum sw_rule_field)f); i++) {
        wchar_t *text = sw_wide_dup(sw_rule_form_choice_text((enum sw_rule_field)f, i));
        SendDlgItemMessageW(dlg, IDC_RULE_FIELD + f, CB_ADDSTRING, 0,
                            (LPARAM)(text ? text : L"?"));
        free(text);
      }
      SendDlgItemMessageW(dlg, IDC_RULE_FIELD + f, CB_SETCURSEL, 0, 0);
    } else if (read_only && kind(f) == SW_RULE_FORM_TEXT) {
      SendDlgItemMessageW(dlg, IDC_RULE_FIELD + f, EM_SETREADONLY, TRUE, 0);
    }
  }
}

/* A password box's text into the form; every copy of it is wiped. */
static bool read_secret(HWND dlg, struct sw_rule_form *form, int field)
{
  HWND box = GetDlgItem(dlg, IDC_RULE_FIELD + field);
  int len = GetWindowTextLengthW(box);
  wchar_t *wide = calloc((size_t)len + 1, sizeof *wide);
  if (!wide)
    return false;
  GetWindowTextW(box, wide, len + 1);
  char *utf8 = sw_utf8_dup(wide);
  sw_auth_wipe(wide, ((size_t)len + 1) * sizeof *wide);
  free(wide);
  if (!utf8)
    return false;
  sw_rule_form_set_secret(form, (enum sw_rule_field)field, utf8);
  sw_auth_wipe(utf8, strlen(utf8));
  free(utf8);
  return true;
}

bool sw_rule_fields_read(HWND dlg, struct sw_rule_form *form)
{
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++) {
    int id = IDC_RULE_FIELD + f;
    enum sw_rule_field field = (enum sw_rule_field)f;
    switch (kind(f)) {
    case SW_RULE_FORM_TEXT: {
      char *text = sw_editor_get_text(dlg, id);
      enum sw_error err = text ? sw_rule_form_set_text(form, field, text) : SW_E_NOMEM;
      free(text);
      if (err)
        return false;
      break;
    }
    case SW_RULE_FORM_SECRET:
      if (!read_secret(dlg, form, f))
        return false;
      break;
    case SW_RULE_FORM_CHECK:
      sw_rule_form_set_checked(form, field, IsDlgButtonChecked(dlg, id) == BST_CHECKED);
      break;
    case SW_RULE_FORM_CHOICE: {
      LRESULT sel = SendDlgItemMessageW(dlg, id, CB_GETCURSEL, 0, 0);
      /* The TLS mode as chosen: the port followed it when it changed. */
      if (field == SW_RULE_FIELD_TLS_MODE && sel >= 0 && sel < SW_TLS_MODE_COUNT)
        form->tls_mode = (enum sw_tls_mode)sel;
      else if (field != SW_RULE_FIELD_TLS_MODE)
        sw_rule_form_set_choice(form, field, (int)sel, NULL); /* -1: none, kept */
      break;
    }
    }
  }
  for (int s = 0; s < SW_RULE_FORM_SECRET_COUNT; s++)
    sw_rule_form_set_remove(form, secrets[s].field,
                            IsDlgButtonChecked(dlg, secrets[s].remove) == BST_CHECKED);
  return true;
}

void sw_rule_fields_write(HWND dlg, const struct sw_rule_form *form)
{
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++) {
    int id = IDC_RULE_FIELD + f;
    enum sw_rule_field field = (enum sw_rule_field)f;
    switch (kind(f)) {
    case SW_RULE_FORM_TEXT:
      sw_editor_set_text(dlg, id, sw_rule_form_text(form, field));
      break;
    case SW_RULE_FORM_SECRET: /* never shown back: the box is for a new one */
      SetDlgItemTextW(dlg, id, L"");
      break;
    case SW_RULE_FORM_CHECK:
      CheckDlgButton(dlg, id,
                     sw_rule_form_checked(form, field) ? BST_CHECKED : BST_UNCHECKED);
      break;
    case SW_RULE_FORM_CHOICE:
      SendDlgItemMessageW(dlg, id, CB_SETCURSEL, (WPARAM)sw_rule_form_choice(form, field),
                          0);
      break;
    }
  }
  for (int s = 0; s < SW_RULE_FORM_SECRET_COUNT; s++) {
    sw_editor_set_text(dlg, secrets[s].note,
                       sw_rule_form_secret_note(form, secrets[s].field));
    CheckDlgButton(dlg, secrets[s].remove, BST_UNCHECKED);
  }
}

void sw_rule_fields_enable(HWND dlg, const struct sw_rule_form *form, bool loaded,
                           bool read_only, const bool has_problem[SW_RULE_FIELD_COUNT])
{
  bool on[SW_RULE_FIELD_COUNT];
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++) {
    on[f] = loaded &&
            (sw_rule_form_field_applies(form, (enum sw_rule_field)f) || has_problem[f]);
    if (read_only) /* texts are read-only, and stay readable; no choice can change */
      on[f] = on[f] && kind(f) == SW_RULE_FORM_TEXT;
    HWND label = GetDlgItem(dlg, IDC_RULE_LABEL + f);
    if (label)
      EnableWindow(label, on[f]);
  }
  for (int s = 0; s < SW_RULE_FORM_SECRET_COUNT; s++) {
    int f = (int)secrets[s].field;
    bool stored = sw_rule_form_secret_stored(form, secrets[s].field);
    bool removing = IsDlgButtonChecked(dlg, secrets[s].remove) == BST_CHECKED;
    EnableWindow(GetDlgItem(dlg, secrets[s].remove),
                 loaded && !read_only && stored && (on[f] || removing));
    EnableWindow(GetDlgItem(dlg, secrets[s].note), loaded);
    on[f] = on[f] && !removing;
  }
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++)
    EnableWindow(GetDlgItem(dlg, IDC_RULE_FIELD + f), on[f]);
}

bool sw_rule_fields_changed(HWND dlg, struct sw_rule_form *form, int id, int code)
{
  /* Only the control that changed: this also runs while
   * sw_rule_fields_write sets the texts (an edit tells EN_CHANGE then
   * too), when the controls after it still hold the previous rule. */
  int field = id - IDC_RULE_FIELD;
  switch (id) {
  case IDC_RULE_AUTH_USER:
  case IDC_RULE_OAUTH_URL:
  case IDC_RULE_DOMAIN: {
    if (code != EN_CHANGE)
      return false;
    char *text = sw_editor_get_text(dlg, id);
    bool ok = text && !sw_rule_form_set_text(form, (enum sw_rule_field)field, text);
    free(text);
    return ok;
  }
  case IDC_RULE_AUTH_MECH:
  case IDC_RULE_ROUND_TRIP:
    return code == CBN_SELCHANGE &&
           !sw_rule_form_set_choice(form, (enum sw_rule_field)field,
                                    (int)SendDlgItemMessageW(dlg, id, CB_GETCURSEL, 0, 0),
                                    NULL);
  case IDC_RULE_RELAY_TEST:
    if (code != BN_CLICKED)
      return false;
    sw_rule_form_set_checked(form, SW_RULE_FIELD_RELAY_TEST,
                             IsDlgButtonChecked(dlg, id) == BST_CHECKED);
    return true;
  default:
    for (int s = 0; s < SW_RULE_FORM_SECRET_COUNT; s++)
      if (id == secrets[s].remove) {
        if (code != BN_CLICKED)
          return false;
        sw_rule_form_set_remove(form, secrets[s].field,
                                IsDlgButtonChecked(dlg, id) == BST_CHECKED);
        return true;
      }
    return false;
  }
}
